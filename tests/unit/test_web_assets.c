/* Unit tests for the embedded web assets (src/http/web_assets.c and the
 * table web/build.mjs generates): every route is there with the right
 * content type, lookups are exact, and the bundles are real bundles. */
#include <criterion/criterion.h>
#include <string.h>

#include "http/web_assets.h"

static const struct web_asset *find(const char *p)
{
	return web_asset_find(p, strlen(p));
}

Test(web_assets, every_route_with_its_type)
{
	static const struct { const char *path, *type; } want[] = {
		{ "/", "text/html; charset=utf-8" },
		{ "/demo", "text/html; charset=utf-8" },
		{ "/widget.js", "text/javascript; charset=utf-8" },
		{ "/assets/dashboard.js", "text/javascript; charset=utf-8" },
		{ "/assets/dashboard.css", "text/css; charset=utf-8" },
		{ "/favicon.svg", "image/svg+xml" },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct web_asset *a = find(want[i].path);
		cr_assert_not_null(a, "%s missing", want[i].path);
		cr_expect_str_eq(a->content_type, want[i].type);
		cr_expect_gt(a->len, 100, "%s is %zu bytes", a->path, a->len);
		cr_expect_eq(a->data[a->len], 0, "NUL after the data");
		cr_expect_eq(strlen(a->etag), 22);
		cr_expect_eq(a->etag[0], '"');
	}
}

Test(web_assets, exact_match_only)
{
	cr_expect_null(find(""));
	cr_expect_null(find("/widget"));
	cr_expect_null(find("/widget.js/"));
	cr_expect_null(find("/widget.jsx"));
	cr_expect_null(find("//widget.js"));
	cr_expect_null(find("/assets/../widget.js"));
	cr_expect_null(find("/assets/"));
	cr_expect_null(find("/index.html"));
	/* the length bounds the comparison, not a NUL */
	cr_expect_not_null(web_asset_find("/widget.jsXYZ", 10));
	cr_expect_null(web_asset_find("/widget.js", 9));
}

Test(web_assets, bundles_hold_their_code)
{
	const struct web_asset *w = find("/widget.js"), *d = find("/assets/dashboard.js");
	const struct web_asset *i = find("/");

	cr_assert(w && d && i);
	cr_expect_not_null(strstr((const char *)w->data, "cerberus-rating"));
	cr_expect_not_null(strstr((const char *)w->data, "/v1/feedback"));
	/* Chart.js is bundled in, not loaded from a CDN */
	cr_expect_not_null(strstr((const char *)d->data, "Chart.js"));
	cr_expect_null(strstr((const char *)i->data, "https://"));
	cr_expect_not_null(strstr((const char *)i->data, "/assets/dashboard.js"));
	/* distinct content, distinct validators */
	cr_expect_str_neq(w->etag, d->etag);
}

/* The routes table sends the web paths to h_web.c, without a key. */
#include "http/http.h"

static const struct route *route_of(const char *method, const char *path)
{
	char param[HTTP_PARAM_MAX], allow[64];
	int r;

	if (routes_match(method, path, &r, param, sizeof(param), allow, sizeof(allow)))
		return NULL;
	return &http_routes[r];
}

Test(web_routes, every_asset_is_routed)
{
	for (const struct web_asset *a = web_assets; a->path; a++) {
		const struct route *r = route_of("GET", a->path);
		cr_assert_not_null(r, "%s has no route", a->path);
		cr_expect_eq(r->handle, h_web_asset, "%s", a->path);
		cr_expect_eq(r->auth, AUTH_NONE, "%s", a->path);
	}
	cr_expect_eq(route_of("GET", "/dashboard.json")->handle, h_dashboard_config);
	/* a page on another origin loads the widget as a module: CORS */
	cr_expect(route_of("GET", "/widget.js")->cors);
	cr_expect_not(route_of("GET", "/")->cors);
	cr_expect_eq(route_of("GET", "/v1/stats")->auth, AUTH_DASHBOARD);
	cr_expect_eq(route_of("GET", "/v1/progress")->auth, AUTH_DASHBOARD);
	cr_expect_null(route_of("POST", "/"));
	cr_expect_null(route_of("GET", "/assets/a/b.js"));
}

static struct http_exchange get(const char *path, const char *inm)
{
	struct http_exchange x;

	http_exchange_init(&x);
	x.method = "GET";
	x.path = path;
	x.if_none_match = inm;
	return x;
}

Test(web_routes, asset_answers)
{
	struct server srv;
	struct http_exchange x = get("/widget.js", NULL);
	const struct web_asset *a = web_asset_find("/widget.js", 10);

	memset(&srv, 0, sizeof(srv));
	cr_assert_eq(h_web_asset(&srv, &x), HTTP_DONE);
	cr_expect_eq(x.status, 200);
	cr_expect_str_eq(x.out_type, "text/javascript; charset=utf-8");
	cr_expect_str_eq(x.etag, a->etag);
	cr_assert_eq(x.out.len, a->len);
	cr_expect_eq(memcmp(x.out.data, a->data, a->len), 0);
	http_exchange_release(&x);

	x = get("/widget.js", a->etag);
	h_web_asset(&srv, &x);
	cr_expect_eq(x.status, 304);
	cr_expect_eq(x.out.len, 0);
	http_exchange_release(&x);

	x = get("/widget.js", "*");
	h_web_asset(&srv, &x);
	cr_expect_eq(x.status, 304);
	http_exchange_release(&x);

	x = get("/widget.js", "\"00000000000000000000\"");
	h_web_asset(&srv, &x);
	cr_expect_eq(x.status, 200);
	http_exchange_release(&x);

	x = get("/assets/missing.js", NULL);
	h_web_asset(&srv, &x);
	cr_expect_eq(x.status, 404);
	cr_expect_null(x.etag);
	cr_expect_not_null(strstr(buf_cstr(&x.out), "\"not_found\""));
	http_exchange_release(&x);
}

Test(web_routes, dashboard_config)
{
	struct server srv;
	struct http_exchange x = get("/dashboard.json", NULL);

	memset(&srv, 0, sizeof(srv));
	srv.public_dashboard = true;
	srv.dashboard_refresh_s = 7;
	h_dashboard_config(&srv, &x);
	cr_expect_eq(x.status, 200);
	cr_expect_str_eq(buf_cstr(&x.out), "{\"public_dashboard\":true,\"refresh_seconds\":7,\"scope\":null}\n");
	http_exchange_release(&x);
}

Test(web_assets, accepts_gzip)
{
	static const struct { const char *h; bool want; } cases[] = {
		{ NULL, false }, { "", false }, { "identity", false }, { "br, zstd", false },
		{ "gzip", true }, { "GZIP", true }, { "x-gzip", true }, { "gzip, deflate, br, zstd", true },
		{ "br;q=1.0, gzip;q=0.8, *;q=0.1", true }, { " deflate ,  gzip ", true }, { "*", true },
		{ "gzip;q=0", false }, { "gzip; q=0.000", false }, { "gzip;Q=0.0", false }, { "gzip;q=0.001", true },
		{ "gzip;q=0, *", false },            /* named outright beats "*" */
		{ "*;q=0, gzip", true }, { "*;q=0", false }, { "gzip;q=0, gzip", true },
		{ "gzipx", false }, { "xgzip", false }, { "gz", false }, { "gzip;q=", true }, { ",,,", false },
		{ "gzip;q=0;x=1", false }, { ";q=1", false }, { "g\tzip", false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_eq(web_accepts_gzip(cases[i].h), cases[i].want, "'%s'", cases[i].h ? cases[i].h : "(null)");
}

Test(web_assets, gzip_copies)
{
	const struct web_asset *d = find("/assets/dashboard.js");

	cr_assert_not_null(d->gz);
	cr_expect_lt(d->gz_len, d->len / 2, "%zu of %zu", d->gz_len, d->len);
	cr_expect_eq(d->gz[0], 0x1f);
	cr_expect_eq(d->gz[1], 0x8b);
	cr_expect_str_neq(d->gz_etag, d->etag);
	for (const struct web_asset *a = web_assets; a->path; a++)
		cr_expect(!a->gz || (a->gz_len < a->len && a->gz_etag), "%s", a->path);
}

Test(web_routes, gzip_answer)
{
	struct server srv;
	const struct web_asset *a = web_asset_find("/assets/dashboard.js", 20);
	struct http_exchange x = get("/assets/dashboard.js", NULL);

	memset(&srv, 0, sizeof(srv));
	x.accept_encoding = "gzip, deflate, br";
	h_web_asset(&srv, &x);
	cr_expect_eq(x.status, 200);
	cr_expect_str_eq(x.content_encoding, "gzip");
	cr_expect_str_eq(x.etag, a->gz_etag);
	cr_assert_eq(x.out.len, a->gz_len);
	cr_expect_eq(memcmp(x.out.data, a->gz, a->gz_len), 0);
	http_exchange_release(&x);

	/* a revalidation names the variant it holds */
	x = get("/assets/dashboard.js", a->gz_etag);
	x.accept_encoding = "gzip";
	h_web_asset(&srv, &x);
	cr_expect_eq(x.status, 304);
	http_exchange_release(&x);
	x = get("/assets/dashboard.js", a->gz_etag);
	h_web_asset(&srv, &x);
	cr_expect_eq(x.status, 200);
	cr_expect_null(x.content_encoding);
	cr_expect_eq(x.out.len, a->len);
	http_exchange_release(&x);
}
