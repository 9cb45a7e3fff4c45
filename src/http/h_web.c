/*
 * h_web: the dashboard (GET /), the rating widget (GET /widget.js), its
 * demo page (GET /demo) and their scripts and styles, all embedded in the
 * binary at build time (web_assets.h, from web/), plus GET /dashboard.json:
 * what the dashboard asks the server (whether it is public, how often to
 * refresh, the scope of the key it holds). No file is read at run time.
 */
#include "http/http.h"
#include "http/web_assets.h"

#include <string.h>

/* Does an If-None-Match header name this ETag? (RFC 9110 13.1.2; the
 * tags are quoted hex, so a substring match is an exact token match.) */
static bool etag_matches(const char *header, const char *etag)
{
	if (!header)
		return false;
	while (*header == ' ')
		header++;
	return !strcmp(header, "*") || strstr(header, etag) != NULL;
}

int h_web_asset(struct server *srv, struct http_exchange *x)
{
	const struct web_asset *a = web_asset_find(x->path, strlen(x->path));
	const unsigned char *data;
	size_t len;

	if (!a) {
		http_error(x, 404, "not_found", "no such file");
		return HTTP_DONE;
	}
	buf_reset(&x->out);
	x->out_type = a->content_type;
	if (a->gz && web_accepts_gzip(x->accept_encoding)) {
		data = a->gz;
		len = a->gz_len;
		x->etag = a->gz_etag;
		x->content_encoding = "gzip";
	} else {
		data = a->data;
		len = a->len;
		x->etag = a->etag;
	}
	if (etag_matches(x->if_none_match, x->etag)) {
		x->status = 304;
		return HTTP_DONE;
	}
	if (buf_append(&x->out, data, len)) {
		x->etag = NULL;
		x->content_encoding = NULL;
		http_error(x, 503, "out_of_memory", "out of memory");
		return HTTP_DONE;
	}
	x->status = 200;
	return HTTP_DONE;
}

static const char *scope_name(int scope)
{
	switch (scope) {
	case APIKEY_ADMIN: return "admin";
	case APIKEY_INGEST: return "ingest";
	default: return NULL;
	}
}

int h_dashboard_config(struct server *srv, struct http_exchange *x)
{
	json_t *o = json_object();
	const char *scope = x->authorization ? scope_name(auth_scope(srv, x->authorization)) : NULL;

	json_object_set_new(o, "public_dashboard", json_boolean(srv->public_dashboard));
	json_object_set_new(o, "refresh_seconds", json_integer(srv->dashboard_refresh_s));
	json_object_set_new(o, "scope", scope ? json_string(scope) : json_null());
	http_json(x, 200, o);
	return HTTP_DONE;
}
