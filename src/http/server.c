/*
 * server: libmicrohttpd glue for `cerberus serve`.
 *
 * MHD runs a pool of threads, each polling its share of the connections
 * (epoll). A request's body is gathered under the size limit, then
 * http_dispatch() runs in the pool thread: reads are answered at once from
 * a pooled read connection (WAL: readers never wait for the writer);
 * writes are prepared there (parse, scrub, pseudonymize: the CPU work, in
 * parallel) and handed to the writer, and the connection is suspended
 * until the writer has committed the job, so a pool thread never blocks
 * on an fsync and one commit serves every request queued meanwhile.
 */
#include "http/server.h"
#include "http/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/*
 * The dashboard and the demo page load only their own scripts and styles
 * and call only this server; the widget's shadow DOM needs inline styles.
 */
#define WEB_CSP "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " \
	"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/* One request in flight: the exchange plus what the glue needs. */
struct mhd_request {
	struct http_exchange x;
	struct server *srv;
	struct MHD_Connection *conn;
	struct buf body;
	struct timespec start;
	bool too_large;
	bool dispatched;
	bool pending;
};

static uint64_t elapsed_us(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (uint64_t)((b.tv_sec - a->tv_sec) * 1000000 + (b.tv_nsec - a->tv_nsec) / 1000);
}

struct pipeline *server_reader(struct server *srv)
{
	struct pipeline *r;

	pthread_mutex_lock(&srv->readers_mu);
	while (!srv->nfree)
		pthread_cond_wait(&srv->readers_cv, &srv->readers_mu);
	r = srv->free_readers[--srv->nfree];
	pthread_mutex_unlock(&srv->readers_mu);
	return r;
}

void server_reader_put(struct server *srv, struct pipeline *r)
{
	/* a read left open would pin an old snapshot and the WAL with it */
	store_rollback(r->st);
	pthread_mutex_lock(&srv->readers_mu);
	srv->free_readers[srv->nfree++] = r;
	pthread_cond_signal(&srv->readers_cv);
	pthread_mutex_unlock(&srv->readers_mu);
}

static const char *query_arg(void *conn, const char *name)
{
	return MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, name);
}

/* The writer finished our job: wake the connection up. */
static void job_done(struct wjob *j)
{
	struct mhd_request *rq = j->arg;

	MHD_resume_connection(rq->conn);
}

static enum MHD_Result send_answer(struct mhd_request *rq)
{
	struct http_exchange *x = &rq->x;
	struct MHD_Response *resp;
	size_t len = x->out.len;
	enum MHD_Result ret;
	char *body = buf_detach(&x->out);

	resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(body);
		return MHD_NO;
	}
	if (x->status != 204 && x->status != 304)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
					x->out_type ? x->out_type : "application/json; charset=utf-8");
	if (x->etag) {
		/* an embedded web asset: cached, but revalidated, so a new binary shows at once */
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, x->etag);
		if (x->content_encoding)
			MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, x->content_encoding);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
		MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
		MHD_add_response_header(resp, "Content-Security-Policy", WEB_CSP);
	} else {
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	}
	if (x->status == 405 && x->allow[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, x->allow);
	if (x->www_authenticate)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
	if (x->cors_origin) {
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_ORIGIN, x->cors_origin);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Origin");
		if (!strcmp(x->method, "OPTIONS")) {
			MHD_add_response_header(resp, "Access-Control-Allow-Methods", "POST, OPTIONS");
			MHD_add_response_header(resp, "Access-Control-Allow-Headers", "Content-Type, Authorization");
			MHD_add_response_header(resp, "Access-Control-Max-Age", "600");
		}
	}
	ret = MHD_queue_response(rq->conn, (unsigned)x->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result too_large(struct mhd_request *rq, const char *method, const char *url)
{
	rq->dispatched = true;
	rq->x.method = method;
	rq->x.path = url;
	routes_match(method, url, &rq->x.route, rq->x.param, sizeof(rq->x.param), rq->x.allow, sizeof(rq->x.allow));
	http_error(&rq->x, 413, "too_large", "the request body exceeds %zu bytes", rq->srv->max_body);
	return send_answer(rq);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct server *srv = cls;
	struct mhd_request *rq = *con_cls;
	const char *cl;

	if (!rq) {
		if (!(rq = calloc(1, sizeof(*rq))))
			return MHD_NO;
		http_exchange_init(&rq->x);
		rq->srv = srv;
		rq->conn = conn;
		clock_gettime(CLOCK_MONOTONIC, &rq->start);
		buf_init(&rq->body, srv->max_body);
		__atomic_fetch_add(&srv->inflight, 1, __ATOMIC_RELAXED);
		*con_cls = rq;
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > srv->max_body)
			return too_large(rq, method, url);   /* answered before the body is read */
		if (cl)
			buf_grow(&rq->body, strtoull(cl, NULL, 10));
		return MHD_YES;
	}
	if (*upload_size) {
		/* a chunked body past the limit is read and dropped, then answered:
		 * answering mid-upload makes clients see a reset, not the 413 */
		if (!rq->too_large && buf_append(&rq->body, upload, *upload_size)) {
			rq->too_large = true;
			buf_release(&rq->body);
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (rq->too_large && !rq->dispatched)
		return too_large(rq, method, url);
	if (rq->pending) {
		/* resumed: the writer is done with our job */
		rq->pending = false;
		http_routes[rq->x.route].complete(srv, &rq->x);
		return send_answer(rq);
	}
	if (rq->dispatched)
		return MHD_YES;
	rq->dispatched = true;
	rq->x.method = method;
	rq->x.path = url;
	rq->x.content_type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	rq->x.authorization = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	rq->x.origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
	rq->x.if_none_match = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
	rq->x.accept_encoding = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
	rq->x.body = buf_cstr(&rq->body);
	rq->x.body_len = rq->body.len;
	rq->x.query = query_arg;
	rq->x.conn = conn;

	if (http_dispatch(srv, &rq->x) == HTTP_PENDING) {
		/* suspend first: the writer may finish before we return */
		rq->pending = true;
		rq->x.job.done = job_done;
		rq->x.job.arg = rq;
		MHD_suspend_connection(conn);
		writer_submit(srv->writer, &rq->x.job);
		return MHD_YES;
	}
	return send_answer(rq);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct server *srv = cls;
	struct mhd_request *rq = *con_cls;

	if (!rq)
		return;
	metrics_observe(&srv->metrics, rq->x.route, rq->x.status ? rq->x.status : 499, elapsed_us(&rq->start));
	http_exchange_release(&rq->x);
	buf_release(&rq->body);
	free(rq);
	*con_cls = NULL;
	__atomic_fetch_sub(&srv->inflight, 1, __ATOMIC_RELAXED);
}

static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *sl, char *err, size_t errlen)
{
	char host[256];
	const char *colon = strrchr(listen, ':');
	char *end;
	unsigned long port;
	size_t hl;

	memset(ss, 0, sizeof(*ss));
	if (!colon || (hl = (size_t)(colon - listen)) >= sizeof(host))
		goto bad;
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || *end || !colon[1] || port > 65535)
		goto bad;
	memcpy(host, listen, hl);
	host[hl] = '\0';
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
		host[hl - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) != 1)
			goto bad;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*sl = sizeof(*a6);
		return 0;
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
		if (!strcmp(host, "localhost"))
			snprintf(host, sizeof(host), "127.0.0.1");
		if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
			goto bad;
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		*sl = sizeof(*a4);
		return 0;
	}
bad:
	snprintf(err, errlen, "--listen: expected HOST:PORT with an IP address (127.0.0.1:8080, [::1]:8080), got '%s'",
		 listen);
	return -1;
}

/* Everything but the daemon: pipeline, readers, writer, metrics. */
static int server_init(struct server *srv, const struct pipeline_options *po, int nreaders, bool threaded,
		       char *err, size_t errlen)
{
	struct pipeline_options o = *po;
	int rc;

	pthread_mutex_init(&srv->readers_mu, NULL);
	pthread_cond_init(&srv->readers_cv, NULL);
	pthread_rwlock_init(&srv->keys_mu, NULL);
	pthread_mutex_init(&srv->keys_reload_mu, NULL);
	srv->keys_loaded_ms = -1000000;
	o.create = false;
	o.readonly = false;
	if ((rc = pipeline_open(&o, &srv->wp, err, errlen)))
		return rc;
	srv->readers = calloc((size_t)nreaders, sizeof(*srv->readers));
	srv->free_readers = calloc((size_t)nreaders, sizeof(*srv->free_readers));
	if (!srv->readers || !srv->free_readers || metrics_init(&srv->metrics, http_nroutes)) {
		snprintf(err, errlen, "out of memory");
		return PIPE_ENOMEM;
	}
	for (int i = 0; i < nreaders; i++) {
		if ((rc = pipeline_open_reader(srv->wp, &srv->readers[i], err, errlen)))
			return rc;
		srv->free_readers[srv->nfree++] = srv->readers[i];
		srv->nreaders++;
	}
	if (o.defer_sync && store_syncer_open(srv->wp->st, &srv->syncer, err, errlen))
		return PIPE_ESTORE;
	if (!(srv->writer = writer_start(srv->wp, threaded, srv->syncer, err, errlen)))
		return PIPE_ENOMEM;
	return PIPE_OK;
}

static void server_free(struct server *srv)
{
	if (!srv)
		return;
	writer_free(srv->writer);
	store_syncer_close(srv->syncer);
	for (size_t i = 0; i < srv->nreaders; i++)
		pipeline_close(srv->readers[i]);
	free(srv->readers);
	free(srv->free_readers);
	pipeline_close(srv->wp);
	metrics_release(&srv->metrics);
	free(srv->keys);
	pthread_mutex_destroy(&srv->readers_mu);
	pthread_cond_destroy(&srv->readers_cv);
	pthread_rwlock_destroy(&srv->keys_mu);
	pthread_mutex_destroy(&srv->keys_reload_mu);
	free(srv);
}

int server_open_offline(const struct pipeline_options *po, struct server **out, char *err, size_t errlen)
{
	struct server *srv = calloc(1, sizeof(*srv));
	int rc;

	*out = NULL;
	if (!srv)
		return PIPE_ENOMEM;
	srv->max_body = SERVER_DEFAULT_MAX_BODY;
	srv->dashboard_refresh_s = SERVER_DEFAULT_DASHBOARD_REFRESH;
	if ((rc = server_init(srv, po, 1, false, err, errlen))) {
		server_free(srv);
		return rc;
	}
	*out = srv;
	return PIPE_OK;
}

int server_start(const struct server_options *o, struct server **out, char *err, size_t errlen)
{
	struct server *srv = calloc(1, sizeof(*srv));
	struct pipeline_options po = o->po;
	struct sockaddr_storage ss;
	socklen_t sl;
	int rc, threads = o->threads > 0 ? o->threads : 2;

	*out = NULL;
	if (!srv)
		return PIPE_ENOMEM;
	if (parse_listen(o->listen, &ss, &sl, err, errlen)) {
		free(srv);
		return PIPE_EINPUT;
	}
	srv->max_body = o->max_body ? o->max_body : SERVER_DEFAULT_MAX_BODY;
	srv->cors = o->cors;
	srv->ncors = o->ncors;
	srv->timeout_s = o->timeout_s > 0 ? o->timeout_s : SERVER_DEFAULT_TIMEOUT;
	srv->public_dashboard = o->public_dashboard;
	srv->dashboard_refresh_s = o->dashboard_refresh_s > 0 ? o->dashboard_refresh_s : SERVER_DEFAULT_DASHBOARD_REFRESH;
	/* an acknowledged write survives power loss: the writer's commits are
	 * flushed by the syncer before they are answered (see writer.h) */
	po.durable = false;
	po.defer_sync = true;
	if ((rc = server_init(srv, &po, threads, true, err, errlen))) {
		server_free(srv);
		return rc;
	}
	srv->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
					       MHD_USE_ITC,
				       0, NULL, NULL, on_request, srv,
				       MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				       MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
				       MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)srv->timeout_s,
				       MHD_OPTION_CONNECTION_LIMIT, (unsigned)4096,
				       MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
				       MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
				       MHD_OPTION_END);
	if (!srv->daemon) {
		snprintf(err, errlen, "cannot listen on %s: %s", o->listen, strerror(errno ? errno : EADDRINUSE));
		server_free(srv);
		return PIPE_EIO;
	}
	(void)sl;
	*out = srv;
	return PIPE_OK;
}

unsigned server_port(struct server *srv)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);

	return i ? i->port : 0;
}

long server_stop(struct server *srv, int drain_ms)
{
	MHD_socket fd;
	long left;

	if (!srv)
		return 0;
	/* stop accepting; let what is in flight finish (writes commit) */
	fd = MHD_quiesce_daemon(srv->daemon);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	for (int waited = 0; waited < drain_ms && __atomic_load_n(&srv->inflight, __ATOMIC_RELAXED) > 0;
	     waited += 10)
		usleep(10000);
	left = __atomic_load_n(&srv->inflight, __ATOMIC_RELAXED);
	/* commit what was queued and answer it before the connections close */
	writer_stop(srv->writer);
	MHD_stop_daemon(srv->daemon);
	server_free(srv);
	return left;
}
