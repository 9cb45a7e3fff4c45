/* lines: capped line reader (see lines.h). */
#include "util/lines.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (1u << 20)

int line_reader_init(struct line_reader *r, FILE *f, size_t max)
{
	memset(r, 0, sizeof(*r));
	r->f = f;
	r->max = max;
	r->cap = CHUNK;
	r->buf = malloc(r->cap);
	return r->buf ? 0 : -1;
}

void line_reader_release(struct line_reader *r)
{
	free(r->buf);
	free(r->line);
	memset(r, 0, sizeof(*r));
}

static int fill(struct line_reader *r)
{
	size_t n;

	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->eof || r->end == r->cap)
		return 0;
	n = fread(r->buf + r->end, 1, r->cap - r->end, r->f);
	r->end += n;
	if (n == 0) {
		if (ferror(r->f)) {
			r->error = errno ? errno : EIO;
			return -1;
		}
		r->eof = true;
	}
	return (int)(n > 0);
}

/* Append to the spill line, respecting the cap. */
static int spill(struct line_reader *r, size_t *used, const char *p, size_t n, bool *toolong)
{
	if (*toolong)
		return 0;
	/* one byte over the cap is kept: it may be the '\r' of a CRLF */
	if (*used + n > r->max + 1) {
		*toolong = true;
		return 0;
	}
	if (*used + n + 1 > r->line_cap) {
		size_t nc = r->line_cap ? r->line_cap : 4096;
		char *q;
		while (nc < *used + n + 1)
			nc *= 2;
		if (!(q = realloc(r->line, nc)))
			return -1;
		r->line = q;
		r->line_cap = nc;
	}
	memcpy(r->line + *used, p, n);
	*used += n;
	return 0;
}

int line_next(struct line_reader *r, const char **p, size_t *len)
{
	size_t used = 0;
	bool toolong = false, spilled = false;

	if (!r->started) {
		/* a UTF-8 byte order mark at the start of the stream is not data */
		r->started = true;
		while (r->end - r->start < 3 && !r->eof)
			if (fill(r) < 0)
				return LINE_ERROR;
		if (r->end - r->start >= 3 && !memcmp(r->buf + r->start, "\xEF\xBB\xBF", 3))
			r->start += 3;
	}

	for (;;) {
		char *s = r->buf + r->start;
		size_t avail = r->end - r->start;
		char *nl = avail ? memchr(s, '\n', avail) : NULL;

		if (nl) {
			size_t n = (size_t)(nl - s);
			r->start += n + 1;
			r->lineno++;
			if (!spilled) {
				if (n && s[n - 1] == '\r')
					n--;
				if (n > r->max)
					return LINE_TOO_LONG;
				*p = s;
				*len = n;
				return LINE_OK;
			}
			if (spill(r, &used, s, n, &toolong))
				return LINE_ERROR;
			break;
		}
		if (r->eof) {
			if (!spilled && avail == 0)
				return LINE_EOF;
			/* last line without a newline */
			if (spill(r, &used, s, avail, &toolong))
				return LINE_ERROR;
			r->start = r->end;
			r->lineno++;
			break;
		}
		if (avail == r->cap || (r->start == 0 && avail > 0 && r->end == r->cap)) {
			/* the buffer is full of one line: move it aside */
			if (spill(r, &used, s, avail, &toolong))
				return LINE_ERROR;
			spilled = true;
			r->start = r->end = 0;
		}
		if (fill(r) < 0)
			return LINE_ERROR;
	}
	if (!toolong && used && r->line[used - 1] == '\r')
		used--;
	if (toolong || used > r->max)
		return LINE_TOO_LONG;
	if (!r->line && spill(r, &used, "", 0, &toolong))
		return LINE_ERROR;
	r->line[used] = '\0';
	*p = r->line;
	*len = used;
	return LINE_OK;
}

bool line_is_blank(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return false;
	return true;
}
