/* metrics: server counters in Prometheus text format (see metrics.h). */
#include "http/metrics.h"
#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const double metrics_buckets[METRICS_NBUCKETS] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02,
						   0.05,   0.1,   0.25,   0.5,   1,    2.5 };
const int metrics_statuses[METRICS_NSTATUS] = { 0, 200, 201, 204, 207, 400, 401, 403,
						404, 405, 413, 415, 422, 500, 503, 429 };

int metrics_init(struct metrics *m, size_t nroutes)
{
	memset(m, 0, sizeof(*m));
	m->nroutes = nroutes;
	m->route = calloc(nroutes + 1, sizeof(*m->route));
	return m->route ? 0 : -1;
}

void metrics_release(struct metrics *m)
{
	free(m->route);
	memset(m, 0, sizeof(*m));
}

static void inc(uint64_t *p, uint64_t n)
{
	__atomic_fetch_add(p, n, __ATOMIC_RELAXED);
}

static uint64_t get(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

void metrics_observe(struct metrics *m, int route, int status, uint64_t usec)
{
	struct metrics_route *r = &m->route[route >= 0 && (size_t)route < m->nroutes ? (size_t)route : m->nroutes];
	int si = 0, bi;

	for (int i = 1; i < METRICS_NSTATUS; i++)
		if (metrics_statuses[i] == status)
			si = i;
	inc(&r->status[si], 1);
	for (bi = 0; bi < METRICS_NBUCKETS && (double)usec / 1e6 > metrics_buckets[bi]; bi++)
		;
	if (bi < METRICS_NBUCKETS)
		inc(&r->bucket[bi], 1);
	inc(&r->count, 1);
	inc(&r->sum_us, usec);
}

void metrics_add_redactions(struct metrics *m, const struct scrub_counts *c)
{
	for (int t = 0; t < SCRUB_NTYPES; t++)
		if (c->n[t])
			inc(&m->redactions[t], c->n[t]);
}

/* A label value: names are ours, but escape as the format asks anyway. */
static int label(struct buf *out, const char *s)
{
	int rc = 0;

	for (; *s && !rc; s++) {
		if (*s == '\\' || *s == '"')
			rc = buf_putc(out, '\\');
		if (!rc)
			rc = *s == '\n' ? buf_puts(out, "\\n") : buf_putc(out, *s);
	}
	return rc;
}

static int route_line(struct buf *out, const char *metric, const char *name, const char *extra)
{
	int rc = buf_printf(out, "%s{route=\"", metric);

	if (!rc)
		rc = label(out, name);
	return rc ? rc : buf_printf(out, "\"%s} ", extra ? extra : "");
}

int metrics_format(const struct metrics *m, const char *const *names, const struct metrics_gauges *g,
		   struct buf *out)
{
	int rc = 0;

	rc |= buf_puts(out, "# HELP cerberus_http_requests_total HTTP requests answered, by route and status.\n"
			    "# TYPE cerberus_http_requests_total counter\n");
	for (size_t i = 0; i <= m->nroutes; i++) {
		const char *name = i < m->nroutes ? names[i] : "unmatched";
		for (int s = 0; s < METRICS_NSTATUS; s++) {
			uint64_t n = get(&m->route[i].status[s]);
			char st[32];
			if (!n)
				continue;
			if (metrics_statuses[s])
				snprintf(st, sizeof(st), ",status=\"%d\"", metrics_statuses[s]);
			else
				snprintf(st, sizeof(st), ",status=\"other\"");
			rc |= route_line(out, "cerberus_http_requests_total", name, st);
			rc |= buf_printf(out, "%llu\n", (unsigned long long)n);
		}
	}
	rc |= buf_puts(out, "# HELP cerberus_http_request_duration_seconds Time from request to answer, by route.\n"
			    "# TYPE cerberus_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i <= m->nroutes; i++) {
		const struct metrics_route *r = &m->route[i];
		const char *name = i < m->nroutes ? names[i] : "unmatched";
		uint64_t cum = 0, count = get(&r->count);
		char le[48];
		if (!count)
			continue;
		for (int b = 0; b < METRICS_NBUCKETS; b++) {
			cum += get(&r->bucket[b]);
			snprintf(le, sizeof(le), ",le=\"%g\"", metrics_buckets[b]);
			rc |= route_line(out, "cerberus_http_request_duration_seconds_bucket", name, le);
			rc |= buf_printf(out, "%llu\n", (unsigned long long)cum);
		}
		rc |= route_line(out, "cerberus_http_request_duration_seconds_bucket", name, ",le=\"+Inf\"");
		rc |= buf_printf(out, "%llu\n", (unsigned long long)count);
		rc |= route_line(out, "cerberus_http_request_duration_seconds_sum", name, NULL);
		rc |= buf_printf(out, "%.6f\n", (double)get(&r->sum_us) / 1e6);
		rc |= route_line(out, "cerberus_http_request_duration_seconds_count", name, NULL);
		rc |= buf_printf(out, "%llu\n", (unsigned long long)count);
	}
	rc |= buf_puts(out, "# HELP cerberus_redactions_total PII and secrets replaced in accepted conversations, by type.\n"
			    "# TYPE cerberus_redactions_total counter\n");
	for (int t = 0; t < SCRUB_NTYPES; t++)
		rc |= buf_printf(out, "cerberus_redactions_total{type=\"%s\"} %llu\n", scrub_type_name((enum scrub_type)t),
				 (unsigned long long)get(&m->redactions[t]));
	rc |= buf_printf(out,
			 "# HELP cerberus_store_commits_total Write transactions committed.\n"
			 "# TYPE cerberus_store_commits_total counter\n"
			 "cerberus_store_commits_total %llu\n"
			 "# HELP cerberus_store_syncs_total Flushes of the write-ahead log (each covers one or more commits).\n"
			 "# TYPE cerberus_store_syncs_total counter\n"
			 "cerberus_store_syncs_total %llu\n"
			 "# HELP cerberus_store_writes_total Write jobs (requests) applied by the writer.\n"
			 "# TYPE cerberus_store_writes_total counter\n"
			 "cerberus_store_writes_total %llu\n"
			 "# HELP cerberus_http_requests_in_flight Requests received and not yet answered.\n"
			 "# TYPE cerberus_http_requests_in_flight gauge\n"
			 "cerberus_http_requests_in_flight %ld\n",
			 (unsigned long long)g->commits, (unsigned long long)g->syncs, (unsigned long long)g->jobs,
			 g->inflight);
	if (g->store_ok)
		rc |= buf_printf(out,
				 "# HELP cerberus_conversations_stored Conversations in the store.\n"
				 "# TYPE cerberus_conversations_stored gauge\n"
				 "cerberus_conversations_stored %ld\n"
				 "# HELP cerberus_ratings_stored Ratings in the store.\n"
				 "# TYPE cerberus_ratings_stored gauge\n"
				 "cerberus_ratings_stored %ld\n"
				 "# HELP cerberus_store_size_bytes Bytes the store takes on disk (database and log).\n"
				 "# TYPE cerberus_store_size_bytes gauge\n"
				 "cerberus_store_size_bytes %lld\n",
				 g->conversations, g->ratings, (long long)g->store_bytes);
	return rc ? -1 : 0;
}
