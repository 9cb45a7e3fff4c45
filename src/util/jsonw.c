/* jsonw: JSON string writing (see jsonw.h). */
#include "util/jsonw.h"
#include "util/buf.h"

#include <string.h>

int jsonw_string(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0, run = 0;
	int rc;

	if ((rc = buf_grow(b, len + 2)))
		return rc;
	b->data[b->len++] = '"';
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		char esc[6];
		size_t elen = 2;

		if (c >= 0x20 && c != '"' && c != '\\') {
			i++;
			continue;
		}
		if (i > run && (rc = buf_append(b, s + run, i - run)))
			return rc;
		esc[0] = '\\';
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		default:
			esc[1] = 'u'; esc[2] = '0'; esc[3] = '0';
			esc[4] = hex[c >> 4]; esc[5] = hex[c & 15];
			elen = 6;
		}
		if ((rc = buf_append(b, esc, elen)))
			return rc;
		run = ++i;
	}
	if (len > run && (rc = buf_append(b, s + run, len - run)))
		return rc;
	return buf_putc(b, '"');
}

int jsonw_cstr(struct buf *b, const char *s)
{
	return jsonw_string(b, s, strlen(s));
}
