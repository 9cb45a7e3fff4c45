/*
 * lines: read a stream line by line with a cap on line length.
 *
 * A line longer than the cap is not kept: the reader skips to its end and
 * reports it as too long, so one huge line costs no memory and the lines
 * after it are still read. Trailing "\n" and "\r\n" are removed, and so is
 * a UTF-8 byte order mark at the start of the stream. Lines may
 * contain NUL bytes (the length is exact).
 */
#ifndef CERBERUS_LINES_H
#define CERBERUS_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct line_reader {
	FILE *f;
	size_t max;       /* longest line kept, in bytes */
	char *buf;        /* read buffer */
	size_t cap, start, end;
	char *line;       /* the current line (when it does not fit in buf as is) */
	size_t line_cap;
	long lineno;      /* 1-based number of the line last returned */
	bool eof;
	bool started;     /* the byte order mark check is done */
	int error;        /* errno of a failed read, 0 otherwise */
};

enum { LINE_EOF = 0, LINE_OK = 1, LINE_TOO_LONG = 2, LINE_ERROR = -1 };

int line_reader_init(struct line_reader *r, FILE *f, size_t max);
void line_reader_release(struct line_reader *r);
/* Next line: LINE_OK with *p,*len set (valid until the next call),
 * LINE_TOO_LONG (line skipped; lineno counts it), LINE_EOF, LINE_ERROR. */
int line_next(struct line_reader *r, const char **p, size_t *len);
/* True when p[0..len) holds only spaces, tabs and carriage returns. */
bool line_is_blank(const char *p, size_t len);

#endif
