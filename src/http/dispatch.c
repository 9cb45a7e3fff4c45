/*
 * dispatch: from a parsed request to a handler: route, CORS, auth, content
 * type and body checks, in that order, each with its own 4xx answer
 * ({"error":{"code","message"}}). Messages never echo request bodies.
 */
#include "http/http.h"
#include "util/jscan.h"
#include "util/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void http_exchange_init(struct http_exchange *x)
{
	memset(x, 0, sizeof(*x));
	x->route = -1;
	buf_init(&x->out, 0);
}

void http_exchange_release(struct http_exchange *x)
{
	if (x->free_state)
		x->free_state(x->state);
	x->state = NULL;
	x->free_state = NULL;
	buf_release(&x->out);
}

void http_json(struct http_exchange *x, int status, json_t *v)
{
	char *s = v ? json_dumps(v, JSON_COMPACT) : NULL;

	json_decref(v);
	buf_reset(&x->out);
	if (!s) {
		x->status = 500;
		buf_puts(&x->out, "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}");
		return;
	}
	x->status = status;
	x->out_type = NULL;
	buf_puts(&x->out, s);
	buf_putc(&x->out, '\n');
	free(s);
}

void http_error(struct http_exchange *x, int status, const char *code, const char *fmt, ...)
{
	char msg[512];
	json_t *o = json_object(), *e = json_object(), *m;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_object_set_new(e, "code", json_string(code));
	/* messages come from our code and may hold a truncated UTF-8 sequence */
	if (!(m = json_string(msg)))
		m = json_string("(message not UTF-8)");
	json_object_set_new(e, "message", m);
	json_object_set_new(o, "error", e);
	http_json(x, status, o);
}

int http_pipe_status(int rc, const char **code)
{
	switch (rc) {
	case PIPE_OK: *code = "ok"; return 200;
	case PIPE_EINPUT: *code = "invalid"; return 422;
	case PIPE_ENOTFOUND: *code = "not_found"; return 404;
	case PIPE_ESTORE: *code = "store_unavailable"; return 503;
	case PIPE_ENOMEM: *code = "out_of_memory"; return 503;
	default: *code = "internal"; return 500;
	}
}

int http_check_json(const char *body, size_t len, char *err, size_t errlen, const char **code)
{
	struct jscan j;
	size_t bad;

	if (len == 0) {
		*code = "malformed_json";
		snprintf(err, errlen, "the request body is empty; expected JSON");
		return 400;
	}
	if (!utf8_valid(body, len, &bad)) {
		*code = "invalid_utf8";
		snprintf(err, errlen, "the request body is not valid UTF-8 (byte %zu)", bad + 1);
		return 400;
	}
	jscan_init(&j, body, len);
	if (jscan_skip(&j) || !jscan_end(&j)) {
		/* the scanner refuses nesting past HTTP_MAX_DEPTH (its own limit) */
		bool deep = j.err && !strcmp(j.err, "nested too deeply");
		*code = deep ? "too_deep" : "malformed_json";
		if (deep)
			snprintf(err, errlen, "JSON nested deeper than %d levels", HTTP_MAX_DEPTH);
		else
			snprintf(err, errlen, "malformed JSON at byte %zu: %s", j.err_pos + 1, j.err ? j.err : "invalid");
		return 400;
	}
	return 0;
}

/* "application/json", optionally with parameters ("; charset=utf-8"). */
static bool is_json_type(const char *ct)
{
	size_t n;

	if (!ct)
		return false;
	while (*ct == ' ')
		ct++;
	n = strlen("application/json");
	if (strncasecmp(ct, "application/json", n))
		return false;
	ct += n;
	while (*ct == ' ')
		ct++;
	if (*ct == ';') {
		/* only UTF-8 is accepted (RFC 8259) */
		const char *cs = strcasestr(ct, "charset=");
		if (cs) {
			cs += 8;
			if (*cs == '"')
				cs++;
			return !strncasecmp(cs, "utf-8", 5) || !strncasecmp(cs, "utf8", 4);
		}
		return true;
	}
	return *ct == '\0';
}

static bool origin_allowed(const struct server *srv, const char *origin)
{
	for (size_t i = 0; origin && i < srv->ncors; i++)
		if (!strcmp(srv->cors[i], "*") || !strcmp(srv->cors[i], origin))
			return true;
	return false;
}

static int authorise(struct server *srv, struct http_exchange *x, enum route_auth need)
{
	if (need == AUTH_DASHBOARD)
		need = srv->public_dashboard ? AUTH_NONE : AUTH_READ;
	if (need == AUTH_NONE)
		return 0;
	if (!x->authorization && need == AUTH_FEEDBACK)
		return 0;   /* the handler checks the feedback token */
	x->scope = auth_scope(srv, x->authorization);
	if (x->scope == APIKEY_NONE) {
		x->www_authenticate = true;
		http_error(x, 401, "unauthorized", x->authorization ? "invalid API key"
								     : "an API key is required (Authorization: Bearer KEY)");
		return -1;
	}
	if (need == AUTH_ADMIN && x->scope != APIKEY_ADMIN) {
		http_error(x, 403, "forbidden", "this endpoint needs an API key of scope admin");
		return -1;
	}
	return 0;
}

int http_dispatch(struct server *srv, struct http_exchange *x)
{
	const struct route *r;
	const char *code;
	char err[256];
	int st;

	st = routes_match(x->method, x->path, &x->route, x->param, sizeof(x->param), x->allow, sizeof(x->allow));
	if (st == 405 && !strcmp(x->method, "OPTIONS")) {
		/* a CORS preflight: answered for CORS routes and allowed origins */
		for (size_t i = 0; i < http_nroutes; i++) {
			char p[HTTP_PARAM_MAX], a[64];
			int ri;
			if (!http_routes[i].cors || routes_match(http_routes[i].method, x->path, &ri, p, sizeof(p), a,
								  sizeof(a)) || ri != (int)i)
				continue;
			x->route = ri;
			if (!origin_allowed(srv, x->origin)) {
				http_error(x, 403, "cors_forbidden", "origin not allowed");
				return HTTP_DONE;
			}
			x->cors_origin = x->origin;
			x->status = 204;
			buf_reset(&x->out);
			return HTTP_DONE;
		}
	}
	if (st == 404) {
		http_error(x, 404, "not_found", "no such endpoint");
		return HTTP_DONE;
	}
	if (st == 405) {
		http_error(x, 405, "method_not_allowed", "method %s not allowed here; allowed: %s", x->method, x->allow);
		return HTTP_DONE;
	}
	r = &http_routes[x->route];
	if (r->cors && origin_allowed(srv, x->origin))
		x->cors_origin = x->origin;
	if (authorise(srv, x, r->auth))
		return HTTP_DONE;
	if (!strcmp(r->method, "POST")) {
		if (!is_json_type(x->content_type)) {
			http_error(x, 415, "unsupported_media_type", "the body must be application/json (UTF-8)");
			return HTTP_DONE;
		}
		if (!r->own_checks && (st = http_check_json(x->body, x->body_len, err, sizeof(err), &code))) {
			http_error(x, st, code, "%s", err);
			return HTTP_DONE;
		}
	}
	return r->handle(srv, x);
}
