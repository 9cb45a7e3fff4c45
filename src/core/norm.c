/* norm: normalisation for dedup (see norm.h). */
#include "core/norm.h"
#include "util/buf.h"
#include "util/utf8.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#define U64VEC_MAX ((size_t)1 << 28)

int u64vec_push(struct u64vec *a, uint64_t x)
{
	if (a->n == a->cap) {
		size_t nc = a->cap ? a->cap * 2 : 256;
		uint64_t *nv;

		if (nc > U64VEC_MAX || !(nv = realloc(a->v, nc * sizeof(*nv))))
			return -1;
		a->v = nv;
		a->cap = nc;
	}
	a->v[a->n++] = x;
	return 0;
}

void u64vec_release(struct u64vec *a)
{
	free(a->v);
	memset(a, 0, sizeof(*a));
}

uint64_t norm_hash64(uint64_t seed, const void *p, size_t len)
{
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ULL ^ norm_mix64(seed);

	for (size_t i = 0; i < len; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return norm_mix64(h);
}

/* ASCII classes: 0 drop-to-space (punctuation, symbols, controls, white
 * space), 1 copy lowercased, 2 digit. */
static inline unsigned char ascii_class(unsigned char c)
{
	if ((unsigned char)((c | 32) - 'a') < 26)
		return 1;
	if ((unsigned char)(c - '0') < 10)
		return 2;
	return 0;
}

/* Emit one normalised character: sep tells the caller to put a space
 * first (a pending word boundary). */
static int put_char(struct buf *out, bool *pending_space, const char *p, size_t n)
{
	if (*pending_space && out->len && out->data[out->len - 1] != ' ' && buf_putc(out, ' '))
		return -1;
	*pending_space = false;
	return buf_append(out, p, n) ? -1 : 0;
}

/* The hot path: one pass over the bytes into room reserved up front (the
 * normal form of ASCII text is never longer than the text plus a space). */
static int norm_ascii(const char *s, size_t len, struct buf *out, bool *sp)
{
	char *o;
	size_t w;

	if (buf_grow(out, len + 1))
		return -1;
	o = out->data;
	w = out->len;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i], k = ascii_class(c);

		if (!k) {
			*sp = true;
			continue;
		}
		if (*sp && w && o[w - 1] != ' ')
			o[w++] = ' ';
		*sp = false;
		o[w++] = k == 2 ? '0' : (c >= 'A' && c <= 'Z') ? (char)(c + 32) : (char)c;
	}
	o[w] = '\0';
	out->len = w;
	return 0;
}

/* Convert, normalise to NFC and fold case in UTF-16; *dst is malloc'd. */
static int to_folded_nfc(const char *s, size_t len, UChar **dst, int32_t *dlen)
{
	UErrorCode e = U_ZERO_ERROR;
	const UNormalizer2 *nfc = unorm2_getNFCInstance(&e);
	UChar *a = NULL, *b = NULL;
	int32_t n = 0, m;
	int rc = -1;

	if (U_FAILURE(e) || len > (size_t)INT32_MAX / 4)
		return -1;
	a = malloc((len + 1) * sizeof(UChar));
	if (!a)
		return -1;
	u_strFromUTF8(a, (int32_t)len + 1, &n, s, (int32_t)len, &e);
	if (U_FAILURE(e))
		goto out;
	/* NFC never grows text by more than 3x; case folding by 3x */
	m = n * 3 + 16;
	b = malloc((size_t)m * sizeof(UChar));
	if (!b)
		goto out;
	n = unorm2_normalize(nfc, a, n, b, m, &e);
	if (U_FAILURE(e))
		goto out;
	free(a);
	a = malloc((size_t)(n * 3 + 16) * sizeof(UChar));
	if (!a)
		goto out;
	n = u_strFoldCase(a, n * 3 + 16, b, n, U_FOLD_CASE_DEFAULT, &e);
	if (U_FAILURE(e))
		goto out;
	*dst = a;
	*dlen = n;
	a = NULL;
	rc = 0;
out:
	free(a);
	free(b);
	return rc;
}

static int norm_unicode(const char *s, size_t len, struct buf *out, bool *sp)
{
	UChar *u = NULL;
	int32_t n = 0, i = 0;
	int rc = -1;

	if (to_folded_nfc(s, len, &u, &n))
		return -1;
	while (i < n) {
		UChar32 c;
		char enc[4];
		size_t k;

		U16_NEXT(u, i, n, c);
		if (u_isdigit(c)) {
			if (put_char(out, sp, "0", 1))
				goto out;
			continue;
		}
		if (!u_isalpha(c) && !(U_GET_GC_MASK(c) & (U_GC_M_MASK))) {
			*sp = true;  /* white space, punctuation, symbols, controls */
			continue;
		}
		if (c < 0x80) {
			enc[0] = (char)c;
			k = 1;
		} else if (c < 0x800) {
			enc[0] = (char)(0xc0 | (c >> 6));
			enc[1] = (char)(0x80 | (c & 0x3f));
			k = 2;
		} else if (c < 0x10000) {
			enc[0] = (char)(0xe0 | (c >> 12));
			enc[1] = (char)(0x80 | ((c >> 6) & 0x3f));
			enc[2] = (char)(0x80 | (c & 0x3f));
			k = 3;
		} else {
			enc[0] = (char)(0xf0 | (c >> 18));
			enc[1] = (char)(0x80 | ((c >> 12) & 0x3f));
			enc[2] = (char)(0x80 | ((c >> 6) & 0x3f));
			enc[3] = (char)(0x80 | (c & 0x3f));
			k = 4;
		}
		if (put_char(out, sp, enc, k))
			goto out;
	}
	rc = 0;
out:
	free(u);
	return rc;
}

int norm_text(const char *s, size_t len, struct buf *out)
{
	bool sp = true, ascii = true;

	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80) {
			ascii = false;
			break;
		}
	if (!ascii && !utf8_valid(s, len, NULL))
		return -2;
	if (ascii ? norm_ascii(s, len, out, &sp) : norm_unicode(s, len, out, &sp))
		return -1;
	return 0;
}

/* The ASCII path with the word hashes computed on the way (the export's
 * hottest loop: every byte is touched once). */
static int norm_ascii_words(const char *s, size_t len, struct buf *out, struct u64vec *words)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	bool in_word = false, sp = true;
	char *o;
	size_t w;

	if (buf_grow(out, len + 1))
		return -1;
	o = out->data;
	w = out->len;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i], k = ascii_class(c), ch;

		if (!k) {
			sp = true;
			if (in_word) {
				if (u64vec_push(words, norm_mix64(h)))
					return -1;
				in_word = false;
				h = 0xcbf29ce484222325ULL;
			}
			continue;
		}
		if (sp && w && o[w - 1] != ' ')
			o[w++] = ' ';
		sp = false;
		ch = k == 2 ? '0' : (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
		o[w++] = (char)ch;
		h = (h ^ ch) * 0x100000001b3ULL;
		in_word = true;
	}
	if (in_word && u64vec_push(words, norm_mix64(h)))
		return -1;
	o[w] = '\0';
	out->len = w;
	return 0;
}

int norm_text_words(const char *s, size_t len, struct buf *out, struct u64vec *words)
{
	size_t start = out->len;
	int rc;

	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80) {
			if ((rc = norm_text(s, len, out)))
				return rc;
			/* skip the separating space norm_text may have put first */
			while (start < out->len && out->data[start] == ' ')
				start++;
			/* an empty result may leave out->data NULL: no offset on it */
			return norm_word_hashes(out->len > start ? out->data + start : "", out->len - start, words);
		}
	return norm_ascii_words(s, len, out, words);
}

int norm_word_hashes(const char *t, size_t len, struct u64vec *out)
{
	size_t i = 0;

	while (i < len) {
		size_t j;

		while (i < len && t[i] == ' ')
			i++;
		j = i;
		while (j < len && t[j] != ' ')
			j++;
		if (j > i) {
			uint64_t h = 0xcbf29ce484222325ULL;
			for (size_t k = i; k < j; k++)
				h = (h ^ (unsigned char)t[k]) * 0x100000001b3ULL;
			if (u64vec_push(out, norm_mix64(h)))
				return -1;
		}
		i = j;
	}
	return 0;
}

/* LSD radix sort, 8 bits a pass; small arrays use insertion sort. */
#define RADIX_SORT(NAME, T, BYTES)                                              \
int NAME(T *v, size_t n)                                                        \
{                                                                               \
	T *tmp, *a = v, *b;                                                     \
	if (n < 64) {                                                           \
		for (size_t i = 1; i < n; i++) {                                \
			T x = v[i];                                             \
			size_t j = i;                                           \
			while (j && v[j - 1] > x) {                             \
				v[j] = v[j - 1];                                \
				j--;                                            \
			}                                                       \
			v[j] = x;                                               \
		}                                                               \
		return 0;                                                       \
	}                                                                       \
	if (!(tmp = malloc(n * sizeof(T))))                                     \
		return -1;                                                      \
	b = tmp;                                                                \
	for (int pass = 0; pass < BYTES; pass++) {                              \
		size_t count[257] = { 0 };                                      \
		int sh = pass * 8;                                              \
		for (size_t i = 0; i < n; i++)                                  \
			count[((a[i] >> sh) & 0xff) + 1]++;                     \
		for (int k = 0; k < 256; k++)                                   \
			count[k + 1] += count[k];                               \
		for (size_t i = 0; i < n; i++)                                  \
			b[count[(a[i] >> sh) & 0xff]++] = a[i];                 \
		T *t = a;                                                       \
		a = b;                                                          \
		b = t;                                                          \
	}                                                                       \
	if (a != v)                                                             \
		memcpy(v, a, n * sizeof(T));                                    \
	free(tmp);                                                              \
	return 0;                                                               \
}

RADIX_SORT(norm_sort_u64, uint64_t, 8)
RADIX_SORT(norm_sort_u32, uint32_t, 4)
