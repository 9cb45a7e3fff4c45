/* evaltext: Python-compatible text handling for the metrics (see evaltext.h). */
#include "core/evaltext.h"
#include "util/utf8.h"

#include <locale.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

uint32_t evaltext_decode(const char *str, size_t len, size_t *adv)
{
	uint32_t cp;
	int n = utf8_decode(str, len, &cp);

	if (!n) {
		/* an invalid byte stands for itself, one at a time */
		*adv = 1;
		return (unsigned char)str[0];
	}
	*adv = (size_t)n;
	return cp;
}

int evaltext_encode(struct buf *b, uint32_t cp)
{
	char t[4];
	size_t n;

	if (cp < 0x80) {
		t[0] = (char)cp; n = 1;
	} else if (cp < 0x800) {
		t[0] = (char)(0xC0 | (cp >> 6)); t[1] = (char)(0x80 | (cp & 0x3F)); n = 2;
	} else if (cp < 0x10000) {
		t[0] = (char)(0xE0 | (cp >> 12)); t[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		t[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
	} else {
		t[0] = (char)(0xF0 | (cp >> 18)); t[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		t[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); t[3] = (char)(0x80 | (cp & 0x3F)); n = 4;
	}
	return buf_append(b, t, n);
}

/* Python's whitespace: bidirectional class WS, B or S, or category Zs. */
bool evaltext_is_space(uint32_t c)
{
	if (c < 0x80)
		return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
	return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
	       c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

/* Length of the whitespace character ending at s[len-1] (len > 0), or 0. */
static size_t space_before(const char *s, size_t len)
{
	size_t start = len - 1, adv;
	uint32_t cp;

	while (start > 0 && len - start < 4 && ((unsigned char)s[start] & 0xC0) == 0x80)
		start--;
	cp = evaltext_decode(s + start, len - start, &adv);
	if (start + adv != len)
		return 0;  /* a stray byte: not whitespace */
	return evaltext_is_space(cp) ? adv : 0;
}

struct evaltext_span evaltext_rstrip(struct evaltext_span s)
{
	size_t k;

	while (s.len > 0 && (k = space_before(s.p, s.len)) > 0)
		s.len -= k;
	return s;
}

struct evaltext_span evaltext_strip(struct evaltext_span s)
{
	size_t adv;

	s = evaltext_rstrip(s);
	while (s.len > 0 && evaltext_is_space(evaltext_decode(s.p, s.len, &adv))) {
		s.p += adv;
		s.len -= adv;
	}
	return s;
}

int evaltext_push_span(struct evaltext_span **v, size_t *n, size_t *cap, const char *p, size_t len)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		struct evaltext_span *nv = realloc(*v, nc * sizeof(*nv));
		if (!nv)
			return -1;
		*v = nv;
		*cap = nc;
	}
	(*v)[*n].p = p;
	(*v)[*n].len = len;
	(*n)++;
	return 0;
}

long evaltext_split_ws(struct evaltext_span s, struct evaltext_span **v, size_t *n, size_t *cap)
{
	size_t i = 0, start = 0, adv, before = *n;
	bool in = false;

	while (i < s.len) {
		unsigned char c = (unsigned char)s.p[i];
		bool sp;

		if (c < 0x80) {
			adv = 1;
			sp = c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
		} else {
			sp = evaltext_is_space(evaltext_decode(s.p + i, s.len - i, &adv));
		}
		if (sp && in) {
			if (evaltext_push_span(v, n, cap, s.p + start, i - start))
				return -1;
			in = false;
		} else if (!sp && !in) {
			start = i;
			in = true;
		}
		i += adv;
	}
	if (in && evaltext_push_span(v, n, cap, s.p + start, i - start))
		return -1;
	return (long)(*n - before);
}

int evaltext_split_lines(const char *data, size_t len, int how, struct evaltext_lines *out,
			 size_t *bad_line)
{
	size_t pos = 0, lineno = 0;

	out->n = 0;
	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - data) : len, next = end + 1;
		struct evaltext_span s;

		if (how == EVALTEXT_STRIP) {
			/* universal newlines: "\r" alone ends a line too */
			const char *cr = memchr(data + pos, '\r', end - pos);
			if (cr) {
				end = (size_t)(cr - data);
				next = end + 1 < len && data[end + 1] == '\n' ? end + 2 : end + 1;
			}
		}
		s = (struct evaltext_span){ data + pos, end - pos };

		lineno++;
		if (!utf8_valid(s.p, s.len, NULL)) {
			if (bad_line)
				*bad_line = lineno;
			return -1;
		}
		s = how == EVALTEXT_STRIP ? evaltext_strip(s) : evaltext_rstrip(s);
		if (evaltext_push_span(&out->v, &out->n, &out->cap, s.p, s.len))
			return -2;
		pos = next;
	}
	return 0;
}

void evaltext_lines_release(struct evaltext_lines *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static pthread_once_t lower_once = PTHREAD_ONCE_INIT;
static locale_t lower_locale = (locale_t)0;

static void lower_init(void)
{
	lower_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

static bool is_cased(uint32_t c)
{
	return lower_locale && (iswupper_l((wint_t)c, lower_locale) || iswlower_l((wint_t)c, lower_locale));
}

/* Case-ignorable characters, approximated: the ASCII ones, a few common
 * punctuation marks and the combining diacritics. */
static bool is_case_ignorable(uint32_t c)
{
	return c == '\'' || c == '.' || c == ':' || c == '^' || c == '`' || c == 0xAD || c == 0xB7 ||
	       c == 0x2018 || c == 0x2019 || c == 0x2024 || c == 0x2027 || (c >= 0x300 && c <= 0x36F);
}

/* Python's Final_Sigma rule for the capital sigma at s[i]: a cased letter
 * before it and none after it (case-ignorable characters skipped). */
static bool final_sigma(const char *s, size_t len, size_t i, size_t adv)
{
	size_t j = i, a;
	uint32_t c = 0;
	bool found = false;

	while (j > 0) {
		size_t k = j - 1;
		while (k > 0 && j - k < 4 && ((unsigned char)s[k] & 0xC0) == 0x80)
			k--;
		c = evaltext_decode(s + k, len - k, &a);
		j = k;
		if (!is_case_ignorable(c)) {
			found = true;
			break;
		}
	}
	if (!found || !is_cased(c))
		return false;
	for (j = i + adv; j < len; j += a) {
		c = evaltext_decode(s + j, len - j, &a);
		if (!is_case_ignorable(c))
			return !is_cased(c);
	}
	return true;
}

int evaltext_lower(const char *s, size_t len, struct buf *out)
{
	size_t i = 0, adv;
	int rc;

	pthread_once(&lower_once, lower_init);
	if ((rc = buf_grow(out, len)) != BUF_OK)
		return rc;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp;

		if (c < 0x80) {
			if ((rc = buf_putc(out, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c))) != BUF_OK)
				return rc;
			i++;
			continue;
		}
		cp = evaltext_decode(s + i, len - i, &adv);
		if (adv == 1 && c >= 0x80) {
			/* an invalid byte stays as it is */
			rc = buf_putc(out, (char)c);
		} else if (cp == 0x130) {
			rc = buf_append(out, "i\xcc\x87", 3);
		} else if (cp == 0x3A3) {
			rc = evaltext_encode(out, final_sigma(s, len, i, adv) ? 0x3C2 : 0x3C3);
		} else {
			uint32_t lo = cp;
			if (lower_locale)
				lo = (uint32_t)towlower_l((wint_t)cp, lower_locale);
			rc = evaltext_encode(out, lo);
		}
		if (rc != BUF_OK)
			return rc;
		i += adv;
	}
	return BUF_OK;
}

uint64_t ngram_hash_bytes(const char *p, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ULL;
	}
	return h ^ (h >> 29);
}

int ngram_table_reset(struct ngram_table *t, size_t expect)
{
	size_t want = 64;

	while (want < expect * 2 + 16)
		want *= 2;
	if (want > t->cap) {
		struct ngram_entry *e = calloc(want, sizeof(*e));
		if (!e)
			return -1;
		free(t->e);
		t->e = e;
		t->cap = want;
	} else {
		memset(t->e, 0, t->cap * sizeof(*t->e));
	}
	t->used = 0;
	return 0;
}

void ngram_table_release(struct ngram_table *t)
{
	free(t->e);
	t->e = NULL;
	t->cap = t->used = 0;
}

static bool same_ngram(const struct ngram_unit *a, const struct ngram_unit *b, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (a[i].len != b[i].len || a[i].hash != b[i].hash || memcmp(a[i].p, b[i].p, a[i].len))
			return false;
	return true;
}

static int grow(struct ngram_table *t)
{
	size_t nc = t->cap * 2;
	struct ngram_entry *e = calloc(nc, sizeof(*e));

	if (!e)
		return -1;
	for (size_t i = 0; i < t->cap; i++) {
		if (!t->e[i].u)
			continue;
		size_t j = t->e[i].hash & (nc - 1);
		while (e[j].u)
			j = (j + 1) & (nc - 1);
		e[j] = t->e[i];
	}
	free(t->e);
	t->e = e;
	t->cap = nc;
	return 0;
}

struct ngram_entry *ngram_table_get(struct ngram_table *t, const struct ngram_unit *u, uint32_t n,
				    uint64_t h)
{
	size_t j;

	if (!t->cap || (t->used + 1) * 2 > t->cap) {
		if (!t->cap ? ngram_table_reset(t, 64) : grow(t))
			return NULL;
	}
	j = h & (t->cap - 1);
	while (t->e[j].u) {
		struct ngram_entry *e = &t->e[j];
		if (e->hash == h && e->n == n && same_ngram(e->u, u, n))
			return e;
		j = (j + 1) & (t->cap - 1);
	}
	t->e[j].u = u;
	t->e[j].hash = h;
	t->e[j].n = n;
	t->used++;
	return &t->e[j];
}

struct ngram_entry *ngram_table_find(const struct ngram_table *t, const struct ngram_unit *u, uint32_t n,
				     uint64_t h)
{
	size_t j;

	if (!t->cap)
		return NULL;
	j = h & (t->cap - 1);
	while (t->e[j].u) {
		struct ngram_entry *e = &t->e[j];
		if (e->hash == h && e->n == n && same_ngram(e->u, u, n))
			return e;
		j = (j + 1) & (t->cap - 1);
	}
	return NULL;
}
