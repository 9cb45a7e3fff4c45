/* filter: heuristic chat-data filters (see filter.h). */
#include "core/filter.h"
#include "core/norm.h"
#include "util/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[FILTER_N] = {
	"refusal", "error_message", "repeats_question", "empty_code_block", "repetition", "non_text",
};

void filter_config_default(struct filter_config *c)
{
	c->enabled = FILTER_ALL;
	c->refusal_window = 300;
	c->error_max_chars = 400;
	c->repeat_overlap = 0.9;
	c->max_dup_lines = 0.5;
	c->max_dup_ngrams = 0.5;
	c->min_text_share = 0.3;
	c->long_token = 100;
	c->max_long_token_share = 0.5;
}

const char *filter_name(unsigned id)
{
	return id < FILTER_N ? names[id] : NULL;
}

int filter_from_name(const char *name)
{
	for (unsigned i = 0; i < FILTER_N; i++)
		if (!strcmp(names[i], name))
			return (int)i;
	return -1;
}

int filter_parse_list(const char *s, unsigned *enabled, char *err, size_t errlen)
{
	char name[64];
	unsigned on = 0;
	bool subtractive = *s == '-';

	if (!strcmp(s, "all")) {
		*enabled = FILTER_ALL;
		return 0;
	}
	if (!strcmp(s, "none")) {
		*enabled = 0;
		return 0;
	}
	on = subtractive ? FILTER_ALL : 0;
	while (*s) {
		size_t n = strcspn(s, ",");
		bool off = *s == '-';
		int id;

		if (off != subtractive || n - off == 0 || n - off >= sizeof(name)) {
			snprintf(err, errlen, "bad filter list (names, or -names to turn some off)");
			return -1;
		}
		memcpy(name, s + off, n - off);
		name[n - off] = '\0';
		if ((id = filter_from_name(name)) < 0) {
			snprintf(err, errlen, "unknown filter '%.63s'", name);
			return -1;
		}
		if (off)
			on &= ~(1u << id);
		else
			on |= 1u << id;
		s += n;
		if (*s == ',')
			s++;
	}
	*enabled = on;
	return 0;
}

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* Case-insensitive (ASCII) search of needle (lowercase) in s[0..len). */
static const char *ci_find(const char *s, size_t len, const char *needle)
{
	size_t m = strlen(needle);

	if (m > len)
		return NULL;
	for (size_t i = 0; i + m <= len; i++) {
		if (lower((unsigned char)s[i]) != (unsigned char)needle[0])
			continue;
		size_t k = 1;
		while (k < m && lower((unsigned char)s[i + k]) == (unsigned char)needle[k])
			k++;
		if (k == m)
			return s + i;
	}
	return NULL;
}

/* Apostrophes are written both ways; phrases use the ASCII one and the
 * curly one is folded by checking both spellings. */
static bool has_phrase(const char *s, size_t len, const char *const *phrases)
{
	for (size_t i = 0; phrases[i]; i++)
		if (ci_find(s, len, phrases[i]))
			return true;
	return false;
}

static const char *const ai_phrases[] = {
	"as an ai language model", "as a large language model", "as an ai model", "as an ai assistant, i",
	"i am an ai language model", "i'm an ai language model", "as an ai, i", NULL,
};

static const char *const refusal_phrases[] = {
	"i'm sorry, but i can't", "i'm sorry, but i cannot", "i am sorry, but i cannot",
	"i'm sorry, i can't", "i cannot assist with", "i can't assist with", "i can't help with that",
	"i cannot help with that", "i'm not able to help with", "i am not able to help with",
	"i cannot fulfill", "i can't fulfill", "i cannot provide assistance", "i must decline",
	"i'm unable to help with", "i am unable to help with", "i won't be able to help with",
	"i\xe2\x80\x99m sorry, but i can\xe2\x80\x99t", "i can\xe2\x80\x99t help with that", NULL,
};

static bool is_refusal(const struct filter_config *c, const char *r, size_t n)
{
	size_t w = (size_t)c->refusal_window < n ? (size_t)c->refusal_window : n;

	return has_phrase(r, n, ai_phrases) || has_phrase(r, w, refusal_phrases);
}

static const char *const error_phrases[] = {
	"rate limit exceeded", "rate_limit_exceeded", "too many requests", "you exceeded your current quota",
	"internal server error", "the server had an error", "service unavailable", "bad gateway",
	"gateway timeout", "request timed out", "an error occurred while generating",
	"an error occurred while processing", "something went wrong", "maximum context length",
	"context_length_exceeded", "the model is currently overloaded", "model_overloaded",
	"error code: 4", "error code: 5", "network error", "upstream connect error", NULL,
};

/* The answer is an error message: short and holding an error phrase, or
 * starting with one (a long answer that explains an error is fine). */
static bool is_error_message(const struct filter_config *c, const char *r, size_t n)
{
	size_t i = 0;

	while (i < n && (r[i] == ' ' || r[i] == '\n' || r[i] == '\t' || r[i] == '\r'))
		i++;
	if ((long)(n - i) <= c->error_max_chars)
		return has_phrase(r + i, n - i, error_phrases);
	/* a long answer fires only when it opens with the error */
	return has_phrase(r + i, n - i < 60 ? n - i : 60, error_phrases) &&
	       (ci_find(r + i, 8, "error") || ci_find(r + i, 8, "{\"error") || ci_find(r + i, 3, "429") ||
		ci_find(r + i, 3, "503") || ci_find(r + i, 3, "500"));
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Word n-gram hashes of normalised text, sorted. */
static int ngrams(const char *t, size_t len, int k, struct u64vec *out)
{
	struct u64vec w = { 0 };
	int rc = -1;

	out->n = 0;
	if (norm_word_hashes(t, len, &w))
		goto done;
	for (size_t i = 0; i + (size_t)k <= w.n; i++) {
		uint64_t h = 0;
		for (int j = 0; j < k; j++)
			h = norm_mix64(h ^ w.v[i + (size_t)j]);
		if (u64vec_push(out, h))
			goto done;
	}
	qsort(out->v, out->n, sizeof(uint64_t), cmp_u64);
	rc = 0;
done:
	u64vec_release(&w);
	return rc;
}

static bool sorted_has(const uint64_t *v, size_t n, uint64_t x)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo] == x;
}

/* The answer's word 3-grams nearly all occur in the question (or the
 * answer's normal form is the question's). */
static bool repeats_question(const struct filter_config *c, const char *p, size_t pn, const char *r, size_t rn)
{
	struct buf np = BUF_INIT, nr = BUF_INIT;
	struct u64vec gp = { 0 }, gr = { 0 };
	bool fires = false;

	if (!pn || norm_text(p, pn, &np) || norm_text(r, rn, &nr))
		goto done;
	if (nr.len && nr.len == np.len && !memcmp(nr.data, np.data, nr.len)) {
		fires = true;
		goto done;
	}
	if (nr.len > np.len + np.len / 5 + 16)
		goto done;  /* a much longer answer says more than the question */
	if (ngrams(np.data ? np.data : "", np.len, 3, &gp) || ngrams(nr.data ? nr.data : "", nr.len, 3, &gr) ||
	    gr.n < 3)
		goto done;
	size_t hit = 0;
	for (size_t i = 0; i < gr.n; i++)
		hit += sorted_has(gp.v, gp.n, gr.v[i]);
	fires = (double)hit >= c->repeat_overlap * (double)gr.n;
done:
	buf_release(&np);
	buf_release(&nr);
	u64vec_release(&gp);
	u64vec_release(&gr);
	return fires;
}

/* A fence line: optional indent, then ``` or ~~~ (and an info string). */
static bool is_fence(const char *l, size_t n, char *fc)
{
	size_t i = 0;

	while (i < n && i < 3 && l[i] == ' ')
		i++;
	if (i + 3 <= n && (l[i] == '`' || l[i] == '~') && l[i + 1] == l[i] && l[i + 2] == l[i]) {
		*fc = l[i];
		return true;
	}
	return false;
}

static bool blank(const char *l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (l[i] != ' ' && l[i] != '\t' && l[i] != '\r')
			return false;
	return true;
}

static bool empty_code_block(const char *r, size_t n)
{
	size_t i = 0;
	bool inside = false, content = false;
	char open = 0;

	while (i < n) {
		const char *nl = memchr(r + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - r) : n;
		char fc;

		if (is_fence(r + i, e - i, &fc) && (!inside || fc == open)) {
			if (inside && !content)
				return true;
			inside = !inside;
			open = fc;
			content = false;
		} else if (inside && !blank(r + i, e - i)) {
			content = true;
		}
		i = e + 1;
	}
	return inside && !content;  /* an opened block that never got code */
}

static uint64_t line_hash(const char *l, size_t n)
{
	while (n && (*l == ' ' || *l == '\t')) {
		l++;
		n--;
	}
	while (n && (l[n - 1] == ' ' || l[n - 1] == '\t' || l[n - 1] == '\r'))
		n--;
	return norm_hash64(7, l, n);
}

/* Share of non-trivial lines (10+ bytes) that repeat an earlier one. */
static double dup_line_share(const char *r, size_t n)
{
	struct u64vec h = { 0 };
	size_t i = 0, dup = 0, total;

	while (i < n) {
		const char *nl = memchr(r + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - r) : n;

		if (e - i >= 10 && !blank(r + i, e - i) && u64vec_push(&h, line_hash(r + i, e - i))) {
			u64vec_release(&h);
			return 0;
		}
		i = e + 1;
	}
	total = h.n;
	if (total < 4) {
		u64vec_release(&h);
		return 0;
	}
	qsort(h.v, h.n, sizeof(uint64_t), cmp_u64);
	for (size_t k = 1; k < h.n; k++)
		dup += h.v[k] == h.v[k - 1];
	u64vec_release(&h);
	return (double)dup / (double)total;
}

/* Share of word positions covered by a word 10-gram that occurs more than
 * once (the Gopher "duplicate n-gram character fraction", by words). */
static double dup_ngram_share(const char *r, size_t n)
{
	struct buf t = BUF_INIT;
	struct u64vec w = { 0 }, g = { 0 }, s = { 0 };
	unsigned char *cov = NULL;
	size_t covered = 0;
	double share = 0;
	const int k = 10;

	if (norm_text(r, n, &t) || norm_word_hashes(buf_cstr(&t), t.len, &w) || w.n < 40)
		goto done;
	for (size_t i = 0; i + k <= w.n; i++) {
		uint64_t h = 0;
		for (int j = 0; j < k; j++)
			h = norm_mix64(h ^ w.v[i + (size_t)j]);
		if (u64vec_push(&g, h) || u64vec_push(&s, h))
			goto done;
	}
	qsort(s.v, s.n, sizeof(uint64_t), cmp_u64);
	if (!(cov = calloc(w.n, 1)))
		goto done;
	for (size_t i = 0; i < g.n; i++) {
		size_t lo = 0, hi = s.n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (s.v[mid] < g.v[i])
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo + 1 < s.n && s.v[lo + 1] == g.v[i])
			memset(cov + i, 1, (size_t)k);
	}
	for (size_t i = 0; i < w.n; i++)
		covered += cov[i];
	share = (double)covered / (double)w.n;
done:
	free(cov);
	buf_release(&t);
	u64vec_release(&w);
	u64vec_release(&g);
	u64vec_release(&s);
	return share;
}

static bool non_text(const struct filter_config *c, const char *r, size_t n)
{
	size_t letters = 0, visible = 0, in_long = 0, tok = 0;

	for (size_t i = 0; i <= n; i++) {
		unsigned char ch = i < n ? (unsigned char)r[i] : ' ';
		bool space = ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r';

		if (space) {
			if ((long)tok >= c->long_token)
				in_long += tok;
			tok = 0;
			continue;
		}
		tok++;
		if ((ch & 0xc0) == 0x80)
			continue;  /* continuation byte: counted with its lead */
		visible++;
		/* letters: ASCII ones and every non-ASCII lead byte (scripts
		 * other than Latin are text too) */
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch >= 0xc0)
			letters++;
	}
	if (visible < 20)
		return false;
	return (double)letters < c->min_text_share * (double)visible ||
	       (double)in_long > c->max_long_token_share * (double)n;
}

unsigned filter_check(const struct filter_config *c, const char *prompt, size_t plen, const char *response,
		      size_t rlen)
{
	unsigned on = c->enabled, fired = 0;

	if ((on & 1u << FILTER_REFUSAL) && is_refusal(c, response, rlen))
		fired |= 1u << FILTER_REFUSAL;
	if ((on & 1u << FILTER_ERROR_MESSAGE) && is_error_message(c, response, rlen))
		fired |= 1u << FILTER_ERROR_MESSAGE;
	if ((on & 1u << FILTER_REPEATS_QUESTION) && repeats_question(c, prompt, plen, response, rlen))
		fired |= 1u << FILTER_REPEATS_QUESTION;
	if ((on & 1u << FILTER_EMPTY_CODE_BLOCK) && memmem(response, rlen, "```", 3) &&
	    empty_code_block(response, rlen))
		fired |= 1u << FILTER_EMPTY_CODE_BLOCK;
	if ((on & 1u << FILTER_REPETITION) &&
	    (dup_line_share(response, rlen) > c->max_dup_lines || dup_ngram_share(response, rlen) > c->max_dup_ngrams))
		fired |= 1u << FILTER_REPETITION;
	if ((on & 1u << FILTER_NON_TEXT) && non_text(c, response, rlen))
		fired |= 1u << FILTER_NON_TEXT;
	return fired;
}
