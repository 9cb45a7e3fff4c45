/*
 * h_static: a file compiled into the binary (a struct http_asset in the
 * route's data), answered as it is. For the dashboard and widget routes.
 */
#include "http/http.h"

int h_static(struct server *srv, struct http_exchange *x)
{
	const struct http_asset *a = http_routes[x->route].data;

	buf_reset(&x->out);
	if (!a || buf_append(&x->out, a->data, a->len)) {
		http_error(x, 500, "internal", "asset unavailable");
		return HTTP_DONE;
	}
	x->status = 200;
	x->out_type = a->content_type;
	return HTTP_DONE;
}
