/*
 * The dashboard and the rating widget, embedded in the binary: web/src is
 * bundled by web/build.mjs at build time into a generated C file
 * (BUILD/gen/web_assets.c, not committed) that defines web_assets[].
 * This header is the table's shape and the lookup the HTTP server uses.
 */
#ifndef CERBERUS_HTTP_WEB_ASSETS_H
#define CERBERUS_HTTP_WEB_ASSETS_H

#include <stddef.h>

struct web_asset {
	const char *path;		/* URL path, e.g. "/widget.js" */
	const char *content_type;	/* with charset for text */
	const unsigned char *data;	/* static, NUL after the last byte */
	size_t len;
	const char *etag;		/* quoted strong validator of data */
};

/* Defined in the generated file; ends with an entry whose path is NULL. */
extern const struct web_asset web_assets[];

/*
 * The asset served at PATH (PATH_LEN bytes, without query string), or NULL.
 * Exact match only: no directory walking, so no path can escape the table.
 */
const struct web_asset *web_asset_find(const char *path, size_t path_len);

#endif
