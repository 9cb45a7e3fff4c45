/*
 * server: `cerberus serve`, the collection HTTP API (libmicrohttpd).
 *
 * The public face of src/http/: start a server on a store, stop it. See
 * http.h for how requests are handled and README.md for the endpoints.
 */
#ifndef CERBERUS_SERVER_H
#define CERBERUS_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "pipeline/pipeline.h"

struct server;

struct server_options {
	const char *listen;             /* "HOST:PORT" (IPv4 or [IPv6]); port 0 picks a free one */
	int threads;                    /* connection threads (and read connections) */
	const char *const *cors;        /* allowed CORS origins, "*" for any */
	size_t ncors;
	size_t max_body;                /* request body limit in bytes */
	int timeout_s;                  /* idle or slow connections are closed after this */
	bool public_dashboard;          /* GET /v1/stats and /v1/progress (the dashboard) without a key */
	int dashboard_refresh_s;        /* the dashboard's refresh interval */
	struct pipeline_options po;     /* the store and key; durable is forced on */
};

#define SERVER_DEFAULT_MAX_BODY ((size_t)1 << 20)
#define SERVER_DEFAULT_TIMEOUT 30
#define SERVER_DEFAULT_DASHBOARD_REFRESH 10

/* Open the store and start listening. */
int server_start(const struct server_options *o, struct server **out, char *err, size_t errlen);
/* The port actually bound. */
unsigned server_port(struct server *s);
/*
 * Stop accepting connections, wait up to drain_ms for the requests in
 * flight to be answered (and their writes committed), then stop and free
 * everything. Returns how many requests were still in flight at the
 * deadline (their writes are committed, but they get no answer).
 */
long server_stop(struct server *s, int drain_ms);

/* A server without sockets whose writer commits inline: for the fuzzer
 * and tests that call http_dispatch() directly. */
int server_open_offline(const struct pipeline_options *po, struct server **out, char *err, size_t errlen);

#endif
