/*
 * buf: a growable byte buffer with a hard cap.
 *
 * Every buffer that grows from input has a maximum size; appending past it
 * fails with BUF_TOO_LARGE instead of taking the process down. The contents
 * are always NUL-terminated (the NUL is not counted in len), so data can be
 * handed to C string functions when it holds no embedded NUL.
 * Not for: arenas or string interning.
 */
#ifndef CERBERUS_BUF_H
#define CERBERUS_BUF_H

#include <stdarg.h>
#include <stddef.h>

enum {
	BUF_OK = 0,
	BUF_NOMEM = -1,
	BUF_TOO_LARGE = -2,
};

#define BUF_DEFAULT_MAX ((size_t)1 << 30)

struct buf {
	char *data;  /* NUL-terminated; NULL until the first append */
	size_t len;
	size_t cap;
	size_t max;  /* appends that would make len exceed max fail */
};

#define BUF_INIT { NULL, 0, 0, BUF_DEFAULT_MAX }

/* Prepare an empty buffer that may hold at most max bytes (0: default). */
void buf_init(struct buf *b, size_t max);
/* Free the contents; the buffer is empty and usable again. */
void buf_release(struct buf *b);
/* Forget the contents but keep the allocation. */
static inline void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}
/* Make room for n more bytes. Returns BUF_OK, BUF_NOMEM or BUF_TOO_LARGE. */
int buf_grow(struct buf *b, size_t n);
int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Return the contents ("" when empty, never NULL); the caller owns it. */
char *buf_detach(struct buf *b);
/* The contents as a C string ("" when empty). */
static inline const char *buf_cstr(const struct buf *b)
{
	return b->data ? b->data : "";
}

#endif
