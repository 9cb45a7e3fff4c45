/* filter: heuristic chat-data filters (see filter.h). */
#include "core/filter.h"
#include "core/norm.h"
#include "core/overlap.h"
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

/* A phrase (in normal form) as whole words of normalised text t. */
static bool has_words(const char *t, size_t n, const char *phrase)
{
	size_t m = strlen(phrase);
	const char *p = t, *end = t + n;

	while ((size_t)(end - p) >= m && (p = memmem(p, (size_t)(end - p), phrase, m)) != NULL) {
		if ((p == t || p[-1] == ' ') && (p + m == end || p[m] == ' '))
			return true;
		p++;
	}
	return false;
}

static bool has_phrase(const char *t, size_t n, const char *const *phrases)
{
	for (size_t i = 0; phrases[i]; i++)
		if (has_words(t, n, phrases[i]))
			return true;
	return false;
}

/* Phrases are written in normal form (norm.h): lowercase, punctuation as
 * spaces, digits as 0; curly and straight apostrophes both become spaces. */
static const char *const ai_phrases[] = {
	"as an ai language model", "as a large language model", "as an ai model", "as an ai assistant i",
	"i am an ai language model", "i m an ai language model", "as an ai i", NULL,
};

static const char *const refusal_phrases[] = {
	"i m sorry but i can t", "i m sorry but i cannot", "i am sorry but i cannot", "i m sorry i can t",
	"i cannot assist with", "i can t assist with", "i can t help with that", "i cannot help with that",
	"i m not able to help with", "i am not able to help with", "i cannot fulfill", "i can t fulfill",
	"i cannot provide assistance", "i must decline", "i m unable to help with", "i am unable to help with",
	"i won t be able to help with", NULL,
};

static bool is_refusal(const struct filter_config *c, const char *nr, size_t n)
{
	size_t w = (size_t)c->refusal_window < n ? (size_t)c->refusal_window : n;

	/* every AI phrase holds one of these two: one search each instead of seven */
	if ((memmem(nr, n, "an ai", 5) || memmem(nr, n, "language model", 14)) && has_phrase(nr, n, ai_phrases))
		return true;
	return has_phrase(nr, w, refusal_phrases);
}

static const char *const error_phrases[] = {
	"rate limit exceeded", "too many requests", "you exceeded your current quota", "internal server error",
	"the server had an error", "service unavailable", "bad gateway", "gateway timeout", "request timed out",
	"an error occurred while generating", "an error occurred while processing", "something went wrong",
	"maximum context length", "context length exceeded", "the model is currently overloaded",
	"model overloaded", "error code 000", "network error", "upstream connect error", NULL,
};

/* The raw answer opens like an error report: "Error:", "ERROR 503",
 * "[error]" or a JSON error body. */
static bool raw_error_opening(const char *r, size_t n)
{
	static const char *const open[] = { "error:", "[error]", "{\"error\"", "{\"detail\"", "error 4", "error 5", NULL };
	size_t i = 0;

	while (i < n && (r[i] == ' ' || r[i] == '\n' || r[i] == '\t' || r[i] == '\r'))
		i++;
	for (size_t k = 0; open[k]; k++) {
		size_t m = strlen(open[k]), j = 0;

		while (j < m && i + j < n && (r[i + j] | (r[i + j] >= 'A' && r[i + j] <= 'Z' ? 32 : 0)) == open[k][j])
			j++;
		if (j == m)
			return true;
	}
	return false;
}

/* The answer is an error message: it opens like an error report or with
 * an error phrase, or it is short, holds an error phrase and the question
 * was not about an error (a short answer explaining a 429 is fine). */
static bool is_error_message(const struct filter_config *c, const char *r, size_t rlen, const char *np, size_t npl,
			     const char *nr, size_t n)
{
	bool opens = raw_error_opening(r, rlen);

	for (size_t i = 0; !opens && error_phrases[i]; i++) {
		size_t m = strlen(error_phrases[i]);
		opens = n >= m && !memcmp(nr, error_phrases[i], m) && (n == m || nr[m] == ' ');
	}
	if (opens)
		return true;
	if ((long)rlen > c->error_max_chars)
		return false;
	return has_phrase(nr, n, error_phrases) && !has_words(np, npl, "error") && !has_words(np, npl, "errors") &&
	       !has_phrase(np, npl, error_phrases);
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
	if (norm_sort_u64(out->v, out->n))
		goto done;
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
static bool repeats_question(const struct filter_config *c, const char *np, size_t pn, const char *nr, size_t rn)
{
	struct u64vec gp = { 0 }, gr = { 0 };
	bool fires = false;
	size_t hit = 0;

	if (!pn || !rn)
		return false;
	if (rn == pn && !memcmp(nr, np, rn))
		return true;
	if (rn > pn + pn / 5 + 16)
		return false;  /* a much longer answer says more than the question */
	if (ngrams(np, pn, 3, &gp) || ngrams(nr, rn, 3, &gr) || gr.n < 3)
		goto done;
	for (size_t i = 0; i < gr.n; i++)
		hit += sorted_has(gp.v, gp.n, gr.v[i]);
	fires = (double)hit >= c->repeat_overlap * (double)gr.n;
done:
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
	if (norm_sort_u64(h.v, h.n)) {
		u64vec_release(&h);
		return 0;
	}
	for (size_t k = 1; k < h.n; k++)
		dup += h.v[k] == h.v[k - 1];
	u64vec_release(&h);
	return (double)dup / (double)total;
}

/* Share of word positions covered by a word 10-gram that occurs more than
 * once (the Gopher "duplicate n-gram character fraction", by words). */
/* Share of word positions covered by a word 10-gram that occurs more than
 * once (the Gopher "duplicate n-gram fraction", by words). w are the
 * answer's word hashes. One pass with a small open-addressing table. */
static double dup_ngram_share(const uint64_t *w, size_t nw)
{
	const int k = 10;
	struct u64vec g = { 0 };
	uint64_t *tab = NULL;
	uint32_t *first = NULL;
	unsigned char *cov = NULL;
	size_t cap = 64, covered = 0;
	double share = 0;

	if (nw < 40 || overlap_ngrams(w, nw, k, &g))
		goto done;
	while (cap < g.n * 2)
		cap <<= 1;
	tab = calloc(cap, sizeof(uint64_t));
	first = malloc(cap * sizeof(uint32_t));
	cov = calloc(nw, 1);
	if (!tab || !first || !cov)
		goto done;
	for (size_t i = 0; i < g.n; i++) {
		uint64_t h = g.v[i] | 1;  /* 0 marks an empty slot */
		size_t s = (size_t)h & (cap - 1);

		while (tab[s] && tab[s] != h)
			s = (s + 1) & (cap - 1);
		if (!tab[s]) {
			tab[s] = h;
			first[s] = (uint32_t)i;
			continue;
		}
		memset(cov + first[s], 1, (size_t)k);
		memset(cov + i, 1, (size_t)k);
	}
	for (size_t i = 0; i < nw; i++)
		covered += cov[i];
	share = (double)covered / (double)nw;
done:
	free(tab);
	free(first);
	free(cov);
	u64vec_release(&g);
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

unsigned filter_check_norm(const struct filter_config *c, const char *prompt, size_t plen, const char *response,
			   size_t rlen, const char *np, size_t npl, const char *nr, size_t nrl, const uint64_t *rw,
			   size_t nrw)
{
	unsigned on = c->enabled, fired = 0;

	if ((on & 1u << FILTER_REFUSAL) && is_refusal(c, nr, nrl))
		fired |= 1u << FILTER_REFUSAL;
	if ((on & 1u << FILTER_ERROR_MESSAGE) && is_error_message(c, response, rlen, np, npl, nr, nrl))
		fired |= 1u << FILTER_ERROR_MESSAGE;
	if ((on & 1u << FILTER_REPEATS_QUESTION) && repeats_question(c, np, npl, nr, nrl))
		fired |= 1u << FILTER_REPEATS_QUESTION;
	if ((on & 1u << FILTER_EMPTY_CODE_BLOCK) && memmem(response, rlen, "```", 3) &&
	    empty_code_block(response, rlen))
		fired |= 1u << FILTER_EMPTY_CODE_BLOCK;
	if ((on & 1u << FILTER_REPETITION) &&
	    (dup_line_share(response, rlen) > c->max_dup_lines || dup_ngram_share(rw, nrw) > c->max_dup_ngrams))
		fired |= 1u << FILTER_REPETITION;
	if ((on & 1u << FILTER_NON_TEXT) && non_text(c, response, rlen))
		fired |= 1u << FILTER_NON_TEXT;
	(void)prompt;
	(void)plen;
	return fired;
}

unsigned filter_check(const struct filter_config *c, const char *prompt, size_t plen, const char *response,
		      size_t rlen)
{
	struct buf np = BUF_INIT, nr = BUF_INIT;
	struct u64vec rw = { 0 };
	unsigned fired = 0;

	/* text that cannot be normalised (invalid UTF-8, no memory) is
	 * judged on an empty normal form */
	if (norm_text(prompt, plen, &np))
		buf_reset(&np);
	if (norm_text(response, rlen, &nr))
		buf_reset(&nr);
	if (norm_word_hashes(buf_cstr(&nr), nr.len, &rw))
		rw.n = 0;
	fired = filter_check_norm(c, prompt, plen, response, rlen, buf_cstr(&np), np.len, buf_cstr(&nr), nr.len,
				  rw.v, rw.n);
	u64vec_release(&rw);
	buf_release(&np);
	buf_release(&nr);
	return fired;
}
