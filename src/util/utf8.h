/*
 * utf8: decoding, validation and counting for UTF-8 text (RFC 3629).
 * Overlong forms, surrogates (U+D800..U+DFFF) and code points above
 * U+10FFFF are invalid.
 */
#ifndef CERBERUS_UTF8_H
#define CERBERUS_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decode the code point at s[0] (len >= 1 bytes available): returns the
 * length of its sequence (1-4) and sets *cp, or 0 for an invalid sequence. */
int utf8_decode(const char *s, size_t len, uint32_t *cp);

/* True when s[0..len) is valid UTF-8. On failure *bad (if not NULL) is the
 * byte offset of the first invalid sequence. */
bool utf8_valid(const char *s, size_t len, size_t *bad);
/* Number of code points in valid UTF-8 text (continuation bytes skipped). */
size_t utf8_count(const char *s, size_t len);

#endif
