/*
 * metrics: counters of the server, written as Prometheus text exposition
 * format 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/).
 *
 * Counters are plain integers updated with relaxed atomics by any thread;
 * formatting reads them without a lock (each value is exact, the set of
 * them is not a snapshot, as with any Prometheus client).
 */
#ifndef CERBERUS_METRICS_H
#define CERBERUS_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/scrub.h"

struct buf;

#define METRICS_NBUCKETS 12
#define METRICS_NSTATUS 16

extern const double metrics_buckets[METRICS_NBUCKETS];   /* seconds */
extern const int metrics_statuses[METRICS_NSTATUS];      /* 0: any other */

struct metrics_route {
	uint64_t status[METRICS_NSTATUS];
	uint64_t bucket[METRICS_NBUCKETS];   /* not cumulative; formatting sums */
	uint64_t count;
	uint64_t sum_us;
};

struct metrics {
	size_t nroutes;                       /* + 1 for requests that matched none */
	struct metrics_route *route;
	uint64_t redactions[SCRUB_NTYPES];
};

/* Values read from the store at scrape time. */
struct metrics_gauges {
	bool store_ok;
	long conversations;
	long ratings;
	int64_t store_bytes;
	uint64_t commits;
	uint64_t jobs;
	uint64_t syncs;
	long inflight;
};

int metrics_init(struct metrics *m, size_t nroutes);
void metrics_release(struct metrics *m);
/* route -1: a request that matched no route. */
void metrics_observe(struct metrics *m, int route, int status, uint64_t usec);
void metrics_add_redactions(struct metrics *m, const struct scrub_counts *c);
/* Append the exposition text; label i of routes is names[i] ("METHOD PATTERN"). */
int metrics_format(const struct metrics *m, const char *const *names, const struct metrics_gauges *g,
		   struct buf *out);

#endif
