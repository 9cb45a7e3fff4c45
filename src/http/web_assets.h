/*
 * The dashboard and the rating widget, embedded in the binary: web/src is
 * bundled by web/build.mjs at build time into a generated C file
 * (BUILD/gen/web_assets.c, not committed) that defines web_assets[].
 * This header is the table's shape and the lookup the HTTP server uses.
 */
#ifndef CERBERUS_HTTP_WEB_ASSETS_H
#define CERBERUS_HTTP_WEB_ASSETS_H

#include <stdbool.h>
#include <stddef.h>

struct web_asset {
	const char *path;		/* URL path, e.g. "/widget.js" */
	const char *content_type;	/* with charset for text */
	const unsigned char *data;	/* static, NUL after the last byte */
	size_t len;
	const char *etag;		/* quoted strong validator of data */
	const unsigned char *gz;	/* the same gzip-compressed, or NULL */
	size_t gz_len;
	const char *gz_etag;		/* its own validator (another representation) */
};

/* Defined in the generated file; ends with an entry whose path is NULL. */
extern const struct web_asset web_assets[];

/*
 * The asset served at PATH (PATH_LEN bytes, without query string), or NULL.
 * Exact match only: no directory walking, so no path can escape the table.
 */
const struct web_asset *web_asset_find(const char *path, size_t path_len);

/*
 * Does an Accept-Encoding header (RFC 9110 12.5.3) accept gzip? True when
 * it lists "gzip", "x-gzip" or "*" without q=0. NULL accepts nothing.
 */
bool web_accepts_gzip(const char *accept_encoding);

#endif
