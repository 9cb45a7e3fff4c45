/*
 * h_health: GET /healthz (liveness: answers while the store can be read)
 * and GET /metrics (Prometheus text format, see metrics.h).
 */
#include "http/http.h"

#include <stdio.h>
#include <string.h>

int h_healthz(struct server *srv, struct http_exchange *x)
{
	json_t *o = json_object();

	json_object_set_new(o, "status", json_string("ok"));
	http_json(x, 200, o);
	return HTTP_DONE;
}

int h_metrics(struct server *srv, struct http_exchange *x)
{
	const char *names[http_nroutes];
	char storage[http_nroutes][96];
	struct metrics_gauges g = { 0 };
	struct writer_stats ws;
	struct pipeline *r;

	for (size_t i = 0; i < http_nroutes; i++) {
		snprintf(storage[i], sizeof(storage[i]), "%s %s", http_routes[i].method, http_routes[i].pattern);
		names[i] = storage[i];
	}
	r = server_reader(srv);
	g.store_ok = store_counts(r->st, &g.conversations, &g.ratings) == STORE_OK &&
		     store_size(r->st, &g.store_bytes) == STORE_OK;
	server_reader_put(srv, r);
	writer_stats(srv->writer, &ws);
	g.commits = ws.commits;
	g.jobs = ws.jobs;
	g.syncs = ws.syncs;
	g.inflight = __atomic_load_n(&srv->inflight, __ATOMIC_RELAXED);
	buf_reset(&x->out);
	if (metrics_format(&srv->metrics, names, &g, &x->out)) {
		http_error(x, 503, "out_of_memory", "out of memory");
		return HTTP_DONE;
	}
	x->status = 200;
	x->out_type = "text/plain; version=0.0.4; charset=utf-8";
	return HTTP_DONE;
}
