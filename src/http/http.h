/*
 * http: the internals of `cerberus serve` shared by the files of src/http/.
 *
 * A request becomes a struct http_exchange; http_dispatch() finds its route
 * in the table (routes.c), checks auth, content type and body, and calls the
 * route's handler. Handlers that write hand a job to the single writer
 * thread (writer.c) and return HTTP_PENDING; the connection is suspended
 * until the job is committed, then the route's complete() builds the
 * answer. Nothing here touches sockets except server.c, so the dispatch
 * and handlers can be driven directly by tests and the fuzzer.
 */
#ifndef CERBERUS_HTTP_H
#define CERBERUS_HTTP_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/metrics.h"
#include "http/writer.h"
#include "pipeline/pipeline.h"
#include "util/buf.h"
#include "util/jscan.h"

struct server;
struct http_exchange;

enum { HTTP_DONE = 0, HTTP_PENDING = 1 };

/* What a route requires of the caller. */
enum route_auth {
	AUTH_NONE,       /* anyone */
	AUTH_READ,       /* any valid key */
	AUTH_INGEST,     /* a key of scope ingest or admin */
	AUTH_ADMIN,      /* a key of scope admin */
	AUTH_FEEDBACK,   /* an ingest key, or the conversation's feedback token (checked by the handler) */
	AUTH_DASHBOARD,  /* as AUTH_READ, or anyone when the server runs --public-dashboard */
};

typedef int (*http_handler)(struct server *srv, struct http_exchange *x);

struct route {
	const char *method;
	const char *pattern;     /* "/v1/conversations/{id}": {x} matches one non-empty segment */
	enum route_auth auth;
	bool cors;               /* answers CORS preflights and sets CORS headers */
	http_handler handle;     /* HTTP_DONE with the answer set, or HTTP_PENDING with x->job set */
	http_handler complete;   /* builds the answer once x->job is done */
	const void *data;        /* for handlers shared by several routes (static files) */
	bool own_checks;         /* the handler checks the JSON body itself (hot paths: one pass) */
};

extern const struct route http_routes[];
extern const size_t http_nroutes;

#define HTTP_PARAM_MAX 1024

struct http_exchange {
	/* the request (strings borrowed from the connection) */
	const char *method;
	const char *path;
	const char *content_type;
	const char *authorization;
	const char *origin;
	const char *if_none_match;    /* for the embedded web assets' ETags */
	const char *accept_encoding;  /* gzip copies of the web assets */
	const char *body;
	size_t body_len;
	const char *(*query)(void *conn, const char *name);   /* a query argument, or NULL */
	void *conn;
	char param[HTTP_PARAM_MAX];   /* the {x} segment of the path */
	int route;                    /* index in http_routes, -1 when none matched */
	int scope;                    /* APIKEY_* of the caller's key, APIKEY_NONE without one */
	const char *cors_origin;      /* the Origin to allow in the answer, NULL for none */

	/* the answer */
	int status;
	struct buf out;
	const char *out_type;         /* NULL: application/json */
	char allow[64];               /* Allow header of a 405 */
	bool www_authenticate;
	const char *etag;             /* a web asset: ETag, revalidated caching, CSP */
	const char *content_encoding; /* "gzip" when the answer is a gzip copy */

	/* a write in progress */
	struct wjob job;
	void *state;                  /* the handler's, freed with free_state */
	void (*free_state)(void *state);
};

void http_exchange_init(struct http_exchange *x);
void http_exchange_release(struct http_exchange *x);

/* Route, authorise, check and handle one request: HTTP_DONE or HTTP_PENDING. */
int http_dispatch(struct server *srv, struct http_exchange *x);
/* Find the route of (method, path); 0, or the status 404 / 405 (with the
 * allowed methods in allow). Pure. */
int routes_match(const char *method, const char *path, int *route, char *param, size_t paramlen, char *allow,
		 size_t allowlen);

/* Answers. */
void http_error(struct http_exchange *x, int status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Answer with v (a reference is stolen). */
void http_json(struct http_exchange *x, int status, json_t *v);
/* The HTTP status and error code of a PIPE_* error. */
int http_pipe_status(int rc, const char **code);

/* Authorisation (auth.c). */
/* The key of an "Authorization: Bearer KEY" header; -1 when malformed. */
int auth_bearer(const char *header, const char **key, size_t *len);
struct auth_key {
	char hash[PSEUDO_HEX_LEN + 1];
	int scope;
};
/* The scope of the key whose hash is hash among keys[0..n), APIKEY_NONE if
 * none; every key is compared in full, in constant time. */
int auth_match(const struct auth_key *keys, size_t n, const char *hash);
/* The scope of the key in an Authorization header (APIKEY_NONE: no valid key). */
int auth_scope(struct server *srv, const char *authorization);

/* A read connection from the pool, for handlers that only read. */
struct pipeline *server_reader(struct server *srv);
void server_reader_put(struct server *srv, struct pipeline *r);

/* Request body checks: UTF-8, JSON text valid and not nested too deep.
 * 0, or the status (400) with a message and an error code. */
#define HTTP_MAX_DEPTH JSCAN_MAX_DEPTH
int http_check_json(const char *body, size_t len, char *err, size_t errlen, const char **code);

struct server {
	struct pipeline *wp;          /* the writer's pipeline; its key and scrubber are shared */
	struct writer *writer;
	struct store_syncer *syncer;  /* flushes the writer's commits (NULL offline) */
	pthread_mutex_t readers_mu;
	pthread_cond_t readers_cv;
	struct pipeline **readers;    /* the pool, nreaders of them */
	struct pipeline **free_readers;
	size_t nreaders, nfree;
	pthread_rwlock_t keys_mu;
	pthread_mutex_t keys_reload_mu;
	struct auth_key *keys;
	size_t nkeys;
	int64_t keys_loaded_ms;
	struct metrics metrics;
	size_t max_body;
	const char *const *cors;      /* allowed origins; "*" allows any */
	size_t ncors;
	void *daemon;                 /* struct MHD_Daemon */
	long inflight;                /* requests received and not yet answered */
	int timeout_s;
	bool public_dashboard;        /* the dashboard's figures without a key */
	int dashboard_refresh_s;
};

/* Handlers (one file per resource). */
int h_conversations_post(struct server *srv, struct http_exchange *x);
int h_conversations_done(struct server *srv, struct http_exchange *x);
int h_conversation_get(struct server *srv, struct http_exchange *x);
int h_feedback_post(struct server *srv, struct http_exchange *x);
int h_feedback_done(struct server *srv, struct http_exchange *x);
int h_stats_get(struct server *srv, struct http_exchange *x);
int h_progress_get(struct server *srv, struct http_exchange *x);
int h_users_delete(struct server *srv, struct http_exchange *x);
int h_users_done(struct server *srv, struct http_exchange *x);
int h_healthz(struct server *srv, struct http_exchange *x);
int h_metrics(struct server *srv, struct http_exchange *x);
int h_web_asset(struct server *srv, struct http_exchange *x);
int h_dashboard_config(struct server *srv, struct http_exchange *x);

#endif
