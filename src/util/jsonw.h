/*
 * jsonw: small helpers to write JSON text straight into a buf, for the hot
 * paths (ingest, export) where building a jansson tree per record would
 * cost more than the work itself.
 */
#ifndef CERBERUS_JSONW_H
#define CERBERUS_JSONW_H

#include <stddef.h>

struct buf;

/* Append s[0..len) as a quoted JSON string. s must be valid UTF-8 (it is
 * copied as is); '"', '\\' and control characters are escaped. */
int jsonw_string(struct buf *b, const char *s, size_t len);
/* Same for a NUL-terminated string. */
int jsonw_cstr(struct buf *b, const char *s);

#endif
