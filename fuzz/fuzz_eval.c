/*
 * libFuzzer driver for the evaluation metrics: the file reader
 * (evaltext_split_lines), the BLEU tokenizers, BLEU and chrF statistics,
 * comment removal and CodeBLEU (parse, syntax match, data flow) on
 * arbitrary bytes, checked for memory errors and UB by the sanitizers and
 * for a few properties: scores stay in range, a hypothesis equal to its
 * reference matches every n-gram, tokenizing twice gives the same tokens.
 *
 * Input layout: byte 0 picks the options (tokenizer, smoothing, lowercase,
 * CodeBLEU language); the rest is "hypothesis file \x00 reference file".
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/bleu.h"
#include "core/codebleu.h"
#include "core/evaltext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_bleu(const struct bleu_opts *o, const struct evaltext_lines *h, const struct evaltext_lines *r)
{
	struct bleu *b = bleu_new(o);
	struct bleu_stats sum = { 0 }, st;
	struct bleu_score sc;
	struct buf t1 = BUF_INIT, t2 = BUF_INIT;
	size_t n = h->n < r->n ? h->n : r->n;

	if (!b)
		return;
	for (size_t i = 0; i < n; i++) {
		if (bleu_segment(b, h->v[i], &r->v[i], 1, &st))
			abort();
		bleu_stats_add(&sum, &st);
		/* against itself: every n-gram matches */
		if (bleu_segment(b, h->v[i], &h->v[i], 1, &st))
			abort();
		for (int k = 0; k < BLEU_MAX_ORDER; k++)
			if (st.correct[k] != st.total[k])
				abort();
		/* tokenizing tokenized text again changes nothing for none and char */
		if (o->tok == BLEU_TOK_NONE || o->tok == BLEU_TOK_CHAR) {
			if (bleu_tokenize(b, h->v[i].p, h->v[i].len, &t1) ||
			    bleu_tokenize(b, buf_cstr(&t1), t1.len, &t2) || strcmp(buf_cstr(&t1), buf_cstr(&t2)))
				abort();
		}
	}
	bleu_compute(o, &sum, &sc);
	if (!(sc.score >= 0 && sc.score <= 100.0000001) || isnan(sc.bp))
		abort();
	buf_release(&t1);
	buf_release(&t2);
	bleu_free(b);
}

static void check_chrf(bool lc, const struct evaltext_lines *h, const struct evaltext_lines *r)
{
	struct bleu_opts bo = { 0 };
	struct bleu *b = bleu_new(&bo);
	struct chrf_opts o;
	struct chrf_stats st;
	size_t n = h->n < r->n ? h->n : r->n;

	if (!b)
		return;
	chrf_opts_default(&o);
	o.lowercase = lc;
	for (size_t i = 0; i < n; i++) {
		double s;
		if (chrf_segment(b, &o, h->v[i], &r->v[i], 1, &st))
			abort();
		s = chrf_compute(&o, &st);
		if (!(s >= 0 && s <= 100.0000001))
			abort();
	}
	bleu_free(b);
}

static void check_codebleu(enum codebleu_lang lang, const struct evaltext_lines *h, const struct evaltext_lines *r)
{
	struct codebleu_opts o;
	struct codebleu *c, *slow;
	struct codebleu_result res, want;
	size_t n = h->n < r->n ? h->n : r->n;

	codebleu_opts_default(&o);
	if (!(c = codebleu_new(lang, &o)))
		abort();
	/* the syntax keys must count as the printed S-expressions do */
	o.sexp_strings = true;
	if (!(slow = codebleu_new(lang, &o)))
		abort();
	/* the reference's syntax and data-flow parts are quadratic in the
	 * worst case: keep each input small enough for many runs a second */
	for (size_t i = 0; i < n && i < 8; i++) {
		struct evaltext_span a = h->v[i], b = r->v[i];
		a.len = a.len > 4096 ? 4096 : a.len;
		b.len = b.len > 4096 ? 4096 : b.len;
		if (codebleu_add(c, a, &b, 1) || codebleu_add(slow, a, &b, 1))
			abort();
	}
	codebleu_result(c, &res);
	codebleu_result(slow, &want);
	if (res.syntax_match != want.syntax_match || res.syntax_total != want.syntax_total)
		abort();
	codebleu_free(slow);
	if (!(res.score >= 0 && res.score <= 1.0000001) || res.syntax_match > res.syntax_total ||
	    res.dataflow_match > res.dataflow_total)
		abort();
	codebleu_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evaltext_lines h = { 0 }, r = { 0 };
	struct bleu_opts o = { 0 };
	const char *text, *sep;
	size_t len, hl;
	uint8_t sel;
	size_t bad;

	if (size < 1)
		return 0;
	sel = data[0];
	text = (const char *)data + 1;
	len = size - 1;
	sep = memchr(text, 0, len);
	hl = sep ? (size_t)(sep - text) : len;
	/* the reader refuses invalid UTF-8; the metrics must survive it anyway */
	evaltext_split_lines(text, hl, (sel & 0x80) ? EVALTEXT_STRIP : EVALTEXT_RSTRIP, &h, &bad);
	if (sep)
		evaltext_split_lines(sep + 1, len - hl - 1, EVALTEXT_RSTRIP, &r, &bad);
	if (h.n == 0 || r.n == 0) {
		/* raw lines, invalid UTF-8 included */
		struct evaltext_span one = { text, hl };
		evaltext_lines_release(&h);
		h.v = malloc(sizeof(*h.v));
		if (!h.v)
			goto out;
		h.v[0] = one;
		h.n = 1;
		if (!r.n) {
			r.v = malloc(sizeof(*r.v));
			if (!r.v)
				goto out;
			r.v[0] = sep ? (struct evaltext_span){ sep + 1, len - hl - 1 } : one;
			r.n = 1;
		}
	}
	o.tok = (enum bleu_tokenizer)(sel & 3);
	o.smooth = (enum bleu_smooth)((sel >> 2) & 3);
	o.lowercase = sel & 0x10;
	o.effective_order = sel & 0x20;
	check_bleu(&o, &h, &r);
	check_chrf(sel & 0x10, &h, &r);
	check_codebleu((enum codebleu_lang)((sel >> 2) % CB_NLANGS), &h, &r);
	{
		struct buf out = BUF_INIT;
		if (codebleu_remove_comments(text, hl, &out) != BUF_OK || out.len > hl)
			abort();
		buf_release(&out);
	}
out:
	evaltext_lines_release(&h);
	evaltext_lines_release(&r);
	return 0;
}
