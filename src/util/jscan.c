/* jscan: validating JSON pull parser (see jscan.h). */
#include "util/jscan.h"
#include "util/buf.h"

#include <string.h>

void jscan_init(struct jscan *j, const char *s, size_t len)
{
	j->s = s;
	j->len = len;
	j->pos = 0;
	j->depth = 0;
	j->max_depth = 0;
	j->err = NULL;
	j->err_pos = 0;
}

static int fail(struct jscan *j, const char *msg)
{
	if (!j->err) {
		j->err = msg;
		j->err_pos = j->pos;
	}
	return -1;
}

static void ws(struct jscan *j)
{
	while (j->pos < j->len) {
		char c = j->s[j->pos];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		j->pos++;
	}
}

enum jscan_type jscan_peek(struct jscan *j)
{
	if (j->err)
		return JS_ERROR;
	ws(j);
	if (j->pos >= j->len) {
		fail(j, "unexpected end of input");
		return JS_ERROR;
	}
	switch (j->s[j->pos]) {
	case '{': return JS_OBJECT;
	case '[': return JS_ARRAY;
	case '"': return JS_STRING;
	case 't': return JS_TRUE;
	case 'f': return JS_FALSE;
	case 'n': return JS_NULL;
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		return JS_NUMBER;
	}
	fail(j, "unexpected character");
	return JS_ERROR;
}

static int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static size_t utf8_put(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Scan a string at j->pos (on the opening quote); decode into out when
 * out is not NULL. */
static int string(struct jscan *j, struct buf *out)
{
	const char *s = j->s;
	size_t i = j->pos + 1, run = i;

	for (;;) {
		unsigned char c;

		/* the plain run: most bytes of most strings */
		while (i < j->len && (c = (unsigned char)s[i]) >= 0x20 && c != '"' && c != '\\')
			i++;
		if (i >= j->len) {
			j->pos = i;
			return fail(j, "unterminated string");
		}
		c = (unsigned char)s[i];
		if (c < 0x20) {
			j->pos = i;
			return fail(j, "control character in string");
		}
		if (out && i > run && buf_append(out, s + run, i - run)) {
			j->pos = i;
			return fail(j, "string too large");
		}
		if (c == '"') {
			j->pos = i + 1;
			return 0;
		}
		/* an escape */
		if (i + 1 >= j->len) {
			j->pos = i;
			return fail(j, "unterminated string");
		}
		{
			char e = s[i + 1], o[4];
			size_t olen = 1;
			unsigned cp, lo;

			switch (e) {
			case '"': o[0] = '"'; break;
			case '\\': o[0] = '\\'; break;
			case '/': o[0] = '/'; break;
			case 'b': o[0] = '\b'; break;
			case 'f': o[0] = '\f'; break;
			case 'n': o[0] = '\n'; break;
			case 'r': o[0] = '\r'; break;
			case 't': o[0] = '\t'; break;
			case 'u':
				if (i + 6 > j->len || hex4(s + i + 2, &cp)) {
					j->pos = i;
					return fail(j, "invalid \\u escape");
				}
				if (cp >= 0xDC00 && cp <= 0xDFFF) {
					j->pos = i;
					return fail(j, "invalid Unicode surrogate");
				}
				if (cp >= 0xD800 && cp <= 0xDBFF) {
					if (i + 12 > j->len || s[i + 6] != '\\' || s[i + 7] != 'u' ||
					    hex4(s + i + 8, &lo) || lo < 0xDC00 || lo > 0xDFFF) {
						j->pos = i;
						return fail(j, "invalid Unicode surrogate");
					}
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					i += 6;
				}
				if (cp == 0) {
					j->pos = i;
					return fail(j, "\\u0000 is not allowed");
				}
				olen = utf8_put(o, cp);
				i += 4;
				break;
			default:
				j->pos = i;
				return fail(j, "invalid escape");
			}
			if (out && buf_append(out, o, olen)) {
				j->pos = i;
				return fail(j, "string too large");
			}
			i += 2;
			run = i;
		}
	}
}

int jscan_string(struct jscan *j, struct buf *out)
{
	if (jscan_peek(j) != JS_STRING)
		return fail(j, "expected a string");
	return string(j, out);
}

static int digits(struct jscan *j)
{
	size_t start = j->pos;

	while (j->pos < j->len && j->s[j->pos] >= '0' && j->s[j->pos] <= '9')
		j->pos++;
	return j->pos > start ? 0 : fail(j, "invalid number");
}

static int number(struct jscan *j)
{
	if (j->s[j->pos] == '-')
		j->pos++;
	if (j->pos < j->len && j->s[j->pos] == '0')
		j->pos++;
	else if (digits(j))
		return -1;
	if (j->pos < j->len && j->s[j->pos] == '.') {
		j->pos++;
		if (digits(j))
			return -1;
	}
	if (j->pos < j->len && (j->s[j->pos] == 'e' || j->s[j->pos] == 'E')) {
		j->pos++;
		if (j->pos < j->len && (j->s[j->pos] == '+' || j->s[j->pos] == '-'))
			j->pos++;
		if (digits(j))
			return -1;
	}
	return 0;
}

static int literal(struct jscan *j, const char *word, size_t n)
{
	if (j->len - j->pos < n || memcmp(j->s + j->pos, word, n))
		return fail(j, "invalid literal");
	j->pos += n;
	return 0;
}

int jscan_enter(struct jscan *j, char open)
{
	ws(j);
	if (j->err || j->pos >= j->len || j->s[j->pos] != open)
		return fail(j, open == '{' ? "expected an object" : "expected an array");
	if (++j->depth > JSCAN_MAX_DEPTH)
		return fail(j, "nested too deeply");
	if (j->depth > j->max_depth)
		j->max_depth = j->depth;
	j->pos++;
	return 0;
}

int jscan_next(struct jscan *j, char close, int *n)
{
	if (j->err)
		return -1;
	ws(j);
	if (j->pos >= j->len)
		return fail(j, "unexpected end of input");
	if (j->s[j->pos] == close) {
		j->pos++;
		j->depth--;
		return 0;
	}
	if (*n > 0) {
		if (j->s[j->pos] != ',')
			return fail(j, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
		j->pos++;
		ws(j);
		if (j->pos < j->len && j->s[j->pos] == close)
			return fail(j, "trailing comma");
	}
	(*n)++;
	return 1;
}

int jscan_key(struct jscan *j, struct buf *key)
{
	ws(j);
	if (j->pos >= j->len || j->s[j->pos] != '"')
		return fail(j, "expected a string key");
	if (string(j, key))
		return -1;
	ws(j);
	if (j->pos >= j->len || j->s[j->pos] != ':')
		return fail(j, "expected ':'");
	j->pos++;
	return 0;
}

int jscan_skip(struct jscan *j)
{
	int n = 0, more;

	switch (jscan_peek(j)) {
	case JS_STRING:
		return string(j, NULL);
	case JS_NUMBER:
		return number(j);
	case JS_TRUE:
		return literal(j, "true", 4);
	case JS_FALSE:
		return literal(j, "false", 5);
	case JS_NULL:
		return literal(j, "null", 4);
	case JS_OBJECT:
		if (jscan_enter(j, '{'))
			return -1;
		while ((more = jscan_next(j, '}', &n)) == 1)
			if (jscan_key(j, NULL) || jscan_skip(j))
				return -1;
		return more;
	case JS_ARRAY:
		if (jscan_enter(j, '['))
			return -1;
		while ((more = jscan_next(j, ']', &n)) == 1)
			if (jscan_skip(j))
				return -1;
		return more;
	case JS_ERROR:
		break;
	}
	return -1;
}

bool jscan_end(struct jscan *j)
{
	if (j->err)
		return false;
	ws(j);
	if (j->pos != j->len) {
		fail(j, "end of input expected");
		return false;
	}
	return true;
}
