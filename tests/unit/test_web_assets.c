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
