/*
 * jscan: a small validating pull parser for JSON text (RFC 8259), for the
 * hot path that reads one conversation record per line.
 *
 * It walks the text in place: the caller asks for the type of the next
 * value and then reads a string (decoded into a buf), skips a value, or
 * steps into an object or array. Nothing is allocated except the caller's
 * buffers. The whole text must already be valid UTF-8 (utf8_valid); jscan
 * checks the JSON grammar, escapes (surrogate pairs; \u0000 is refused, as
 * jansson refuses it) and a nesting limit. Not for: building trees (use
 * jansson) or numbers beyond validation.
 */
#ifndef CERBERUS_JSCAN_H
#define CERBERUS_JSCAN_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

enum jscan_type {
	JS_ERROR = -1,
	JS_OBJECT,
	JS_ARRAY,
	JS_STRING,
	JS_NUMBER,
	JS_TRUE,
	JS_FALSE,
	JS_NULL,
};

#define JSCAN_MAX_DEPTH 64

struct jscan {
	const char *s;
	size_t len;
	size_t pos;
	int depth;
	int max_depth;     /* the deepest nesting reached so far */
	const char *err;   /* a static message once an error happened */
	size_t err_pos;    /* byte offset of the error */
};

void jscan_init(struct jscan *j, const char *s, size_t len);
/* The type of the next value (whitespace skipped), or JS_ERROR. */
enum jscan_type jscan_peek(struct jscan *j);
/* Read a string value, appending its decoded bytes to out. 0 or -1. */
int jscan_string(struct jscan *j, struct buf *out);
/* Validate and skip the next value of any type. 0 or -1. */
int jscan_skip(struct jscan *j);
/* Consume '{' or '['. 0 or -1. */
int jscan_enter(struct jscan *j, char open);
/*
 * Step through a container: call with *n = 0 right after jscan_enter and
 * after every element. Returns 1 when another element follows (it has
 * consumed the ',' if any; for objects the key is next), 0 when the
 * container ended (its closing bracket consumed), -1 on error.
 */
int jscan_next(struct jscan *j, char close, int *n);
/* Read an object key and the ':' after it. 0 or -1. */
int jscan_key(struct jscan *j, struct buf *key);
/* True when only whitespace is left. Sets the error otherwise. */
bool jscan_end(struct jscan *j);

#endif
