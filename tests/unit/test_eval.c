/*
 * Unit tests for the evaluation metrics: core/evaltext (Python line and
 * whitespace semantics), core/bleu (tokenizers, statistics, smoothing,
 * signatures, chrF) and core/codebleu (comment removal, keywords, the four
 * components). Golden values in tests/golden/ were computed with the
 * reference implementations (sacreBLEU 2.6.0, the CodeXGLUE evaluator);
 * agreement is required to 1e-4 (most agree to 1e-9).
 */
#include <criterion/criterion.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bleu.h"
#include "core/codebleu.h"
#include "core/evaltext.h"

#define TOL 1e-4

static json_t *load(const char *path)
{
	json_error_t err;
	json_t *j = json_load_file(path, 0, &err);

	cr_assert(j, "cannot load %s: %s (line %d)", path, err.text, err.line);
	return j;
}

static struct evaltext_span span(const char *s)
{
	return (struct evaltext_span){ s, strlen(s) };
}

/* A golden corpus line as the CLI hands it over (sacreBLEU rstrips). */
static struct evaltext_span golden_line(const char *s)
{
	return evaltext_rstrip(span(s));
}

/* ' '.join(s.split()): tokenizers are compared on their tokens, since
 * sacreBLEU's char tokenizer keeps whitespace runs that BLEU then drops. */
static char *normalized(const char *s)
{
	struct evaltext_span *v = NULL;
	size_t n = 0, cap = 0;
	struct buf b = BUF_INIT;

	cr_assert(evaltext_split_ws(span(s), &v, &n, &cap) >= 0);
	buf_append(&b, "", 0);
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(&b, ' ');
		buf_append(&b, v[i].p, v[i].len);
	}
	free(v);
	return buf_detach(&b);
}

static char *tokenize(const struct bleu_opts *o, const char *s)
{
	struct bleu *b = bleu_new(o);
	struct buf out = BUF_INIT;

	cr_assert(b);
	cr_assert_eq(bleu_tokenize(b, s, strlen(s), &out), BUF_OK);
	bleu_free(b);
	return buf_detach(&out);
}

/* evaltext */

Test(evaltext, lines_like_python)
{
	const char data[] = "a  \r\n\xc2\xa0" "b\xe3\x80\x80\n\nlast\xe2\x80\x83";
	struct evaltext_lines l = { 0 };
	size_t bad = 0;

	cr_assert_eq(evaltext_split_lines(data, sizeof(data) - 1, EVALTEXT_RSTRIP, &l, &bad), 0);
	cr_assert_eq(l.n, 4);
	cr_assert_eq(l.v[0].len, 1);
	cr_assert_eq(l.v[1].len, 3);       /* NBSP stays in front, U+3000 goes */
	cr_assert_eq(l.v[2].len, 0);
	cr_assert_eq(l.v[3].len, 4);
	/* a final newline adds no empty line; no input, no lines */
	cr_assert_eq(evaltext_split_lines("x\n", 2, EVALTEXT_RSTRIP, &l, &bad), 0);
	cr_assert_eq(l.n, 1);
	cr_assert_eq(evaltext_split_lines("", 0, EVALTEXT_RSTRIP, &l, &bad), 0);
	cr_assert_eq(l.n, 0);
	/* CodeXGLUE reads with universal newlines and strip()s */
	cr_assert_eq(evaltext_split_lines(" a\rb\r\nc", 8, EVALTEXT_STRIP, &l, &bad), 0);
	cr_assert_eq(l.n, 3);
	cr_assert_eq(l.v[0].len, 1);
	cr_assert_eq(l.v[0].p[0], 'a');
	/* invalid UTF-8 is refused with its line number */
	cr_assert_eq(evaltext_split_lines("ok\nb\xff\n", 6, EVALTEXT_RSTRIP, &l, &bad), -1);
	cr_assert_eq(bad, 2);
	evaltext_lines_release(&l);
}

Test(evaltext, python_whitespace)
{
	uint32_t yes[] = { ' ', '\t', '\n', 0x0b, 0x0c, '\r', 0x1c, 0x1f, 0x85, 0xa0, 0x1680, 0x2000, 0x200a,
			   0x2028, 0x2029, 0x202f, 0x205f, 0x3000 };
	uint32_t no[] = { 'a', 0x200b, 0xfeff, 0x180e, 0x7f, 0 };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		cr_assert(evaltext_is_space(yes[i]), "U+%04X", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		cr_assert(!evaltext_is_space(no[i]), "U+%04X", no[i]);
}

Test(evaltext, lower)
{
	struct buf b = BUF_INIT;

	cr_assert_eq(evaltext_lower("ÀÉ İX ΣΑ", strlen("ÀÉ İX ΣΑ"), &b), BUF_OK);
	cr_assert_str_eq(buf_cstr(&b), "àé i\xcc\x87x σα");
	/* Python's str.lower() on these (final sigma, Turkish dotted I, titlecase digraphs) */
	{
		static const struct { const char *in, *want; } cases[] = {
			{ "ΟΔΟΣ ΣΟΦΙΑΣ. Σ ΑΣ'Σ ΑΣ΄ ΣΑ ΑΣΑ", "οδος σοφιας. σ ασ'ς ας΄ σα ασα" },
			{ "İSTANBUL ΣΊΣΥΦΟΣ ÀÉÎ Ǆ ǅ", "i\xcc\x87stanbul σίσυφος àéî ǆ ǆ" },
		};
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			buf_reset(&b);
			cr_assert_eq(evaltext_lower(cases[i].in, strlen(cases[i].in), &b), BUF_OK);
			cr_expect_str_eq(buf_cstr(&b), cases[i].want);
		}
	}
	buf_release(&b);
}

/* BLEU: tokenizers */

Test(bleu, tokenizers_golden)
{
	json_t *g = load("tests/golden/bleu.json"), *t;
	size_t i;

	json_array_foreach(json_object_get(g, "tokens"), i, t) {
		struct bleu_opts o = { 0 };
		const char *in = json_string_value(json_object_get(t, "in"));
		char *want = normalized(json_string_value(json_object_get(t, "out")));
		char *got;

		o.tok = (enum bleu_tokenizer)bleu_tokenizer_parse(json_string_value(json_object_get(t, "tok")));
		o.lowercase = json_is_true(json_object_get(t, "lowercase"));
		got = tokenize(&o, in);
		cr_expect_str_eq(got, want, "tok %s%s on '%s'", bleu_tokenizer_name(o.tok),
				 o.lowercase ? " (lc)" : "", in);
		free(got);
		free(want);
	}
	json_decref(g);
}

Test(bleu, tokenizer_13a_consumes_like_re_sub)
{
	struct bleu_opts o = { 0 };
	char *t = tokenize(&o, "a.,b 1,000.5 3-4");

	/* pass 2 consumes "a." so "," is split by pass 3 only; digits keep their separators */
	cr_assert_str_eq(t, "a . , b 1,000.5 3 - 4");
	free(t);
}

Test(bleu, invalid_utf8_does_not_fail)
{
	struct bleu_opts o = { 0 };
	char *t;

	o.tok = BLEU_TOK_INTL;
	t = tokenize(&o, "a\xff, b\xc3");
	cr_assert_str_eq(t, "a\xff, b\xc3");
	free(t);
	o.tok = BLEU_TOK_13A;
	t = tokenize(&o, "a\xff, b\xc3");
	cr_assert_str_eq(t, "a\xff , b\xc3");
	free(t);
}

/* BLEU: statistics and scores against sacreBLEU */

static size_t corpus_of(json_t *c, const char ***hyp, const char ****refs, size_t *nrefs)
{
	json_t *h = json_object_get(c, "hyp"), *r = json_object_get(c, "refs");
	size_t n = json_array_size(h);

	*nrefs = json_array_size(r);
	*hyp = calloc(n + 1, sizeof(char *));
	*refs = calloc(*nrefs, sizeof(char **));
	for (size_t i = 0; i < n; i++)
		(*hyp)[i] = json_string_value(json_array_get(h, i));
	for (size_t k = 0; k < *nrefs; k++) {
		(*refs)[k] = calloc(n + 1, sizeof(char *));
		for (size_t i = 0; i < n; i++)
			(*refs)[k][i] = json_string_value(json_array_get(json_array_get(r, k), i));
	}
	return n;
}

static void free_corpus(const char **hyp, const char ***refs, size_t nrefs)
{
	for (size_t k = 0; k < nrefs; k++)
		free(refs[k]);
	free(refs);
	free(hyp);
}

static void check_bleu_case(json_t *corpora, json_t *cs)
{
	const char *metric = json_string_value(json_object_get(cs, "metric"));
	const char *name = json_string_value(json_object_get(cs, "corpus"));
	const char **hyp, ***refs;
	size_t nrefs, n = corpus_of(json_object_get(corpora, name), &hyp, &refs, &nrefs);
	struct bleu_opts o = { 0 };
	struct bleu *b;
	struct bleu_stats sum = { 0 }, st;
	struct bleu_score sc;
	struct evaltext_span rs[8];
	struct buf sig = BUF_INIT, line = BUF_INIT;
	bool sentence = !strcmp(metric, "sentence_bleu");

	o.tok = (enum bleu_tokenizer)bleu_tokenizer_parse(json_string_value(json_object_get(cs, "tok")));
	o.smooth = sentence ? BLEU_SMOOTH_EXP
		   : (enum bleu_smooth)bleu_smooth_parse(json_string_value(json_object_get(cs, "smooth")));
	o.lowercase = json_is_true(json_object_get(cs, "lowercase"));
	o.effective_order = sentence;
	cr_assert(b = bleu_new(&o));
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < nrefs; k++)
			rs[k] = golden_line(refs[k][i]);
		cr_assert_eq(bleu_segment(b, golden_line(hyp[i]), rs, nrefs, &st), 0);
		bleu_stats_add(&sum, &st);
		if (sentence) {
			double want = json_real_value(json_array_get(json_object_get(cs, "scores"), i));
			bleu_compute(&o, &st, &sc);
			cr_expect(fabs(sc.score - want) < TOL, "%s sentence %zu tok %s: %.6f, sacreBLEU %.6f",
				  name, i, bleu_tokenizer_name(o.tok), sc.score, want);
		}
	}
	bleu_signature(&o, nrefs, &sig);
	cr_expect_str_eq(buf_cstr(&sig), json_string_value(json_object_get(cs, "signature")));
	if (!sentence) {
		double want = json_real_value(json_object_get(cs, "score"));
		bleu_compute(&o, &sum, &sc);
		cr_expect(fabs(sc.score - want) < TOL, "%s tok %s smooth %s lc %d: %.6f, sacreBLEU %.6f", name,
			  bleu_tokenizer_name(o.tok), bleu_smooth_name(o.smooth), o.lowercase, sc.score, want);
		cr_expect_eq(sc.hyp_len, (uint64_t)json_integer_value(json_object_get(cs, "sys_len")));
		cr_expect_eq(sc.ref_len, (uint64_t)json_integer_value(json_object_get(cs, "ref_len")));
		for (int k = 0; k < 4; k++) {
			cr_expect(fabs(sc.counts[k] - json_real_value(json_array_get(json_object_get(cs, "counts"), k))) < 1e-9);
			cr_expect(fabs(sc.totals[k] - json_real_value(json_array_get(json_object_get(cs, "totals"), k))) < 1e-9);
		}
		bleu_format(&sc, &line);
		cr_expect_str_eq(buf_cstr(&line), json_string_value(json_object_get(cs, "line")), "%s", name);
	}
	buf_release(&sig);
	buf_release(&line);
	bleu_free(b);
	free_corpus(hyp, refs, nrefs);
}

static void check_chrf_case(json_t *corpora, json_t *cs)
{
	const char *name = json_string_value(json_object_get(cs, "corpus"));
	const char **hyp, ***refs;
	size_t nrefs, n = corpus_of(json_object_get(corpora, name), &hyp, &refs, &nrefs);
	struct chrf_opts o;
	struct bleu_opts bo = { 0 };
	struct bleu *b = bleu_new(&bo);
	struct chrf_stats sum, st;
	struct evaltext_span rs[8];
	struct buf sig = BUF_INIT, nm = BUF_INIT;
	double score, want;

	chrf_opts_default(&o);
	o.word_order = (int)json_integer_value(json_object_get(cs, "word_order"));
	o.lowercase = json_is_true(json_object_get(cs, "lowercase"));
	o.whitespace = json_is_true(json_object_get(cs, "whitespace"));
	o.eps_smoothing = json_is_true(json_object_get(cs, "eps"));
	memset(&sum, 0, sizeof(sum));
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < nrefs; k++)
			rs[k] = golden_line(refs[k][i]);
		cr_assert_eq(chrf_segment(b, &o, golden_line(hyp[i]), rs, nrefs, &st), 0);
		chrf_stats_add(&o, &sum, &st);
		score = chrf_compute(&o, &st);
		want = json_real_value(json_array_get(json_object_get(cs, "scores"), i));
		cr_expect(fabs(score - want) < TOL, "chrF %s line %zu (nw %d lc %d ws %d eps %d): %.6f, sacreBLEU %.6f",
			  name, i, o.word_order, o.lowercase, o.whitespace, o.eps_smoothing, score, want);
	}
	score = chrf_compute(&o, &sum);
	want = json_real_value(json_object_get(cs, "score"));
	cr_expect(fabs(score - want) < TOL, "chrF %s corpus: %.6f, sacreBLEU %.6f", name, score, want);
	chrf_signature(&o, nrefs, &sig);
	cr_expect_str_eq(buf_cstr(&sig), json_string_value(json_object_get(cs, "signature")));
	chrf_name(&o, &nm);
	cr_expect_str_eq(buf_cstr(&nm), json_string_value(json_object_get(cs, "name")));
	buf_release(&sig);
	buf_release(&nm);
	bleu_free(b);
	free_corpus(hyp, refs, nrefs);
}

Test(bleu, sacrebleu_golden, .timeout = 60)
{
	json_t *g = load("tests/golden/bleu.json"), *cs;
	json_t *corpora = json_object_get(g, "corpora");
	size_t i, nb = 0, nc = 0;

	json_array_foreach(json_object_get(g, "cases"), i, cs) {
		if (!strcmp(json_string_value(json_object_get(cs, "metric")), "chrf")) {
			check_chrf_case(corpora, cs);
			nc++;
		} else {
			check_bleu_case(corpora, cs);
			nb++;
		}
	}
	cr_assert_gt(nb, 100);
	cr_assert_gt(nc, 20);
	json_decref(g);
}

Test(bleu, published_vector)
{
	const char *hyp[] = { "The dog bit the man.", "It wasn't surprising.", "The man had just bitten him." };
	const char *r1[] = { "The dog bit the man.", "It was not unexpected.", "The man bit him first." };
	const char *r2[] = { "The dog had bit the man.", "No one was surprised.", "The man had bitten the dog." };
	struct bleu_opts o = { 0 };
	struct bleu *b = bleu_new(&o);
	struct bleu_stats sum = { 0 }, st;
	struct bleu_score sc;
	struct buf sig = BUF_INIT;

	for (int i = 0; i < 3; i++) {
		struct evaltext_span rs[2] = { span(r1[i]), span(r2[i]) };
		cr_assert_eq(bleu_segment(b, span(hyp[i]), rs, 2, &st), 0);
		bleu_stats_add(&sum, &st);
	}
	bleu_compute(&o, &sum, &sc);
	cr_assert(fabs(sc.score - 48.530827) < 1e-6, "%.6f", sc.score);
	cr_assert_eq(sc.hyp_len, 17);
	cr_assert_eq(sc.ref_len, 18);
	bleu_signature(&o, 2, &sig);
	cr_assert_str_eq(buf_cstr(&sig), "nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0");
	buf_release(&sig);
	bleu_free(b);
}

Test(bleu, closest_reference_ties_to_shorter)
{
	struct bleu_opts o = { 0 };
	struct bleu *b = bleu_new(&o);
	struct bleu_stats st;
	struct evaltext_span rs[2] = { span("a b c d e"), span("a b c") };

	/* hypothesis of 4 tokens: 5 and 3 are both 1 away -> 3 */
	cr_assert_eq(bleu_segment(b, span("a b c d"), rs, 2, &st), 0);
	cr_assert_eq(st.ref_len, 3);
	cr_assert_eq(st.correct[0], 4);   /* clipped by the max over references */
	bleu_free(b);
}

Test(bleu, smoothing_by_hand)
{
	struct bleu_opts o = { 0 };
	struct bleu_stats st = { 4, 4, { 2, 0, 0, 0 }, { 4, 3, 2, 1 } };
	struct bleu_score sc;

	/* exp: precisions 50, 100/(2*3), 100/(4*2), 100/(8*1) */
	bleu_compute(&o, &st, &sc);
	cr_assert(fabs(sc.score - exp((log(50) + log(100.0 / 6) + log(12.5) + log(12.5)) / 4)) < 1e-9);
	o.smooth = BLEU_SMOOTH_FLOOR;
	bleu_compute(&o, &st, &sc);
	cr_assert(fabs(sc.precisions[1] - 100 * 0.1 / 3) < 1e-9);
	o.smooth = BLEU_SMOOTH_ADD_K;
	bleu_compute(&o, &st, &sc);
	cr_assert(fabs(sc.precisions[1] - 100.0 * 1 / 4) < 1e-9);
	cr_assert(fabs(sc.precisions[0] - 50) < 1e-9);
	o.smooth = BLEU_SMOOTH_NONE;
	bleu_compute(&o, &st, &sc);
	cr_assert(sc.score < 1e-100);
	/* no match at all: 0 whatever the smoothing */
	st.correct[0] = 0;
	o.smooth = BLEU_SMOOTH_EXP;
	bleu_compute(&o, &st, &sc);
	cr_assert_eq(sc.score, 0);
}

/* CodeBLEU */

Test(codebleu, remove_comments_like_the_java_regex)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "a = 1 // note", "a = 1  " },
		{ "s = \"x // y\" ; t", "s = \"x // y\" ; t" },
		{ "a /* b */ c /* d", "a   c /* d" },
		{ "c = '\\'' // q", "c = '\\''  " },
		{ "x = \"unclosed // still comment", "x = \"unclosed  " },
		{ "# python comment stays", "# python comment stays" },
		{ "// all", "" },
	};
	struct buf out = BUF_INIT;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_eq(codebleu_remove_comments(cases[i].in, strlen(cases[i].in), &out), BUF_OK);
		cr_expect_str_eq(buf_cstr(&out), cases[i].out, "on '%s'", cases[i].in);
	}
	buf_release(&out);
}

Test(codebleu, keywords)
{
	cr_assert(codebleu_is_keyword(CB_PYTHON, "def", 3));
	cr_assert(!codebleu_is_keyword(CB_PYTHON, "match", 5));  /* CodeXGLUE's list predates it */
	cr_assert(codebleu_is_keyword(CB_JAVA, "synchronized", 12));
	cr_assert(codebleu_is_keyword(CB_RUST, "fn", 2));
	cr_assert(!codebleu_is_keyword(CB_GO, "fn", 2));
	for (int l = 0; l < CB_NLANGS; l++) {
		cr_assert_eq(codebleu_lang_parse(codebleu_lang_name((enum codebleu_lang)l)), l);
		cr_assert(strstr(codebleu_grammar((enum codebleu_lang)l), "tree-sitter-"));
	}
	cr_assert_eq(codebleu_lang_parse("js"), CB_JAVASCRIPT);
	cr_assert_eq(codebleu_lang_parse("cobol"), -1);
}

static void score_lines(enum codebleu_lang lang, json_t *v, json_t *idx, bool two_refs,
			struct codebleu_result *r)
{
	struct codebleu_opts o;
	struct codebleu *c;
	size_t n = idx ? json_array_size(idx) : json_array_size(json_object_get(v, "hyp"));

	codebleu_opts_default(&o);
	cr_assert(c = codebleu_new(lang, &o));
	for (size_t k = 0; k < n; k++) {
		size_t i = idx ? (size_t)json_integer_value(json_array_get(idx, k)) : k;
		struct evaltext_span rs[2] = {
			evaltext_strip(span(json_string_value(json_array_get(json_object_get(v, "ref1"), i)))),
			evaltext_strip(span(json_string_value(json_array_get(json_object_get(v, "ref2"), i)))),
		};
		cr_assert_eq(codebleu_add(c, evaltext_strip(span(json_string_value(
					     json_array_get(json_object_get(v, "hyp"), i)))), rs, two_refs ? 2 : 1), 0);
	}
	codebleu_result(c, r);
	codebleu_free(c);
}

static void expect_scores(const char *what, const char *lang, const struct codebleu_result *r, json_t *want)
{
	double got[5] = { r->ngram, r->weighted, r->syntax, r->dataflow, r->score };
	static const char *names[5] = { "ngram", "weighted", "syntax", "dataflow", "codebleu" };

	for (int k = 0; k < 5; k++) {
		double w = json_real_value(json_array_get(want, (size_t)k));
		cr_expect(fabs(got[k] - w) < TOL, "%s %s %s: %.6f, reference %.6f", lang, what, names[k], got[k], w);
	}
}

Test(codebleu, codexglue_golden_every_language, .timeout = 60)
{
	json_t *g = load("tests/golden/codebleu.json"), *v;
	const char *lang;
	int nlangs = 0;

	json_object_foreach(json_object_get(g, "langs"), lang, v) {
		int l = codebleu_lang_parse(lang);
		json_t *det = json_object_get(v, "det");
		struct codebleu_result r;

		cr_assert(l >= 0, "%s", lang);
		nlangs++;
		/* corpus level, over the lines where the reference is deterministic */
		score_lines((enum codebleu_lang)l, v, det, false, &r);
		expect_scores("corpus, 1 ref", lang, &r, json_object_get(v, "corpus_det1"));
		score_lines((enum codebleu_lang)l, v, det, true, &r);
		expect_scores("corpus, 2 refs", lang, &r, json_object_get(v, "corpus_det2"));
		/* line by line: equal where deterministic, else one of its outcomes */
		for (size_t i = 0; i < json_array_size(json_object_get(v, "hyp")); i++) {
			json_t *one = json_pack("[I]", (json_int_t)i), *want = json_array_get(json_object_get(v, "line1"), i);
			char key[32];
			json_t *outcomes;

			snprintf(key, sizeof(key), "%zu", i);
			outcomes = json_object_get(json_object_get(v, "nondet"), key);
			score_lines((enum codebleu_lang)l, v, one, false, &r);
			if (!outcomes) {
				expect_scores("line", lang, &r, want);
			} else {
				bool any = false;
				for (size_t k = 0; k < json_array_size(outcomes); k++)
					any |= fabs(r.dataflow - json_real_value(json_array_get(outcomes, k))) < TOL;
				cr_expect(any, "%s line %zu: data flow %.6f is none of the reference's outcomes", lang, i,
					  r.dataflow);
				cr_expect(fabs(r.syntax - json_real_value(json_array_get(want, 2))) < TOL);
			}
			json_decref(one);
		}
	}
	cr_assert_eq(nlangs, CB_NLANGS);
	json_decref(g);
}

Test(codebleu, published_java_example)
{
	const char *ref = "public static int Sign ( double d ) { return ( int ) ( ( d == 0 ) ? 0 : ( d < 0 ) ? -1 : 1 ) ; }";
	const char *hyp = "public static int Sign ( double d ) { return ( float ) ( ( d == 0 ) ? 0 : ( c < 0.0 ) ? -1 : 1 ) ; }";
	struct codebleu_opts o;
	struct codebleu *c;
	struct codebleu_result r;
	struct evaltext_span rs[1] = { span(ref) };

	codebleu_opts_default(&o);
	cr_assert(c = codebleu_new(CB_JAVA, &o));
	cr_assert_eq(codebleu_add(c, span(hyp), rs, 1), 0);
	codebleu_result(c, &r);
	cr_assert_eq(r.syntax_match, 11);
	cr_assert_eq(r.syntax_total, 19);
	cr_assert_eq(r.dataflow_match, 2);
	cr_assert_eq(r.dataflow_total, 3);
	cr_assert(fabs(r.score - 0.7019) < 1e-4, "%.6f", r.score);
	codebleu_free(c);
}

Test(codebleu, weights_and_dataflow_zero_rule)
{
	struct codebleu_opts o;
	struct codebleu *c;
	struct codebleu_result r;
	struct evaltext_span rs[1] = { span("pass") };

	/* no data flow in the reference: 0 in CodeXGLUE, 1 in the pip package's sum */
	codebleu_opts_default(&o);
	cr_assert(c = codebleu_new(CB_PYTHON, &o));
	cr_assert_eq(codebleu_add(c, span("pass"), rs, 1), 0);
	codebleu_result(c, &r);
	cr_assert_eq(r.dataflow_total, 0);
	cr_assert_eq(r.dataflow, 0);
	cr_assert(fabs(r.score - 0.25 * (r.ngram + r.weighted + r.syntax)) < 1e-12);
	codebleu_free(c);
	o.dataflow_zero_is_one = true;
	o.weights[0] = 0.1; o.weights[1] = 0.2; o.weights[2] = 0.3; o.weights[3] = 0.4;
	cr_assert(c = codebleu_new(CB_PYTHON, &o));
	cr_assert_eq(codebleu_add(c, span("pass"), rs, 1), 0);
	codebleu_result(c, &r);
	cr_assert(fabs(r.score - (0.1 * r.ngram + 0.2 * r.weighted + 0.3 * r.syntax + 0.4)) < 1e-12);
	codebleu_free(c);
}

Test(codebleu, unparseable_code_still_scores_ngrams)
{
	struct codebleu_opts o;
	struct codebleu *c;
	struct codebleu_result r;
	struct evaltext_span rs[1] = { span("def f ( x ) : return x + 1") };

	codebleu_opts_default(&o);
	cr_assert(c = codebleu_new(CB_PYTHON, &o));
	cr_assert_eq(codebleu_add(c, span("def f ( x ) : return x + )))) ((("), rs, 1), 0);
	cr_assert_eq(codebleu_add(c, span("\xff\xfe garbage \x01"), rs, 1), 0);
	codebleu_result(c, &r);
	cr_assert_gt(r.parse_errors, 0);
	cr_assert_eq(r.first_error_line, 1);
	cr_assert_gt(r.ngram, 0);
	cr_assert(r.score >= 0 && r.score <= 1);
	codebleu_free(c);
}

/* A deterministic perturbation of s into out: truncation, deletion,
 * duplication, junk bytes (invalid UTF-8 too) or a swap of two halves. */
static void perturb(const char *s, uint64_t *seed, struct buf *out)
{
	static const char *const junk[] = { "(", ")", "{", "}", "[", "\"", "'", ";", ":", ",", "\n",
					    "\xff", "\xc3", "/*", "=>", "if", " def ", "\t", "\\", "<" };
	size_t n = strlen(s);
	uint64_t x = (*seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL) >> 33;
	size_t a = n ? (size_t)(x % n) : 0, b = n ? (size_t)((x >> 7) % n) : 0;

	if (a > b) {
		size_t t = a;
		a = b;
		b = t;
	}
	buf_reset(out);
	buf_append(out, "", 0);
	switch (x % 5) {
	case 0: /* truncated */
		buf_append(out, s, b);
		break;
	case 1: /* a range deleted */
		buf_append(out, s, a);
		buf_append(out, s + b, n - b);
		break;
	case 2: /* a range doubled */
		buf_append(out, s, b);
		buf_append(out, s + a, n - a);
		break;
	case 3: /* junk inserted */
		buf_append(out, s, a);
		buf_append(out, junk[(x >> 20) % 20], strlen(junk[(x >> 20) % 20]));
		buf_append(out, s + a, n - a);
		break;
	default: /* halves swapped */
		buf_append(out, s + a, n - a);
		buf_append(out, "\n", 1);
		buf_append(out, s, a);
	}
}

/* Syntax counts of one pair, by subtree keys and by printed strings. */
static void same_syntax(struct codebleu *fast, struct codebleu *slow, const char *lang, const char *h,
			const char *r)
{
	struct codebleu_result a, b;
	struct evaltext_span rs[1] = { span(r) };

	cr_assert_eq(codebleu_add(fast, span(h), rs, 1), 0);
	cr_assert_eq(codebleu_add(slow, span(h), rs, 1), 0);
	codebleu_result(fast, &a);
	codebleu_result(slow, &b);
	cr_assert(a.syntax_match == b.syntax_match && a.syntax_total == b.syntax_total,
		  "%s: keys %llu/%llu, strings %llu/%llu\nhyp: %s\nref: %s", lang,
		  (unsigned long long)a.syntax_match, (unsigned long long)a.syntax_total,
		  (unsigned long long)b.syntax_match, (unsigned long long)b.syntax_total, h, r);
	cr_assert_eq(a.dataflow_match, b.dataflow_match);
	cr_assert_eq(a.parse_errors, b.parse_errors);
}

Test(codebleu, subtree_keys_match_printed_strings, .timeout = 120)
{
	json_t *g = load("tests/golden/codebleu.json"), *v;
	const char *lang;
	struct buf p = BUF_INIT, q = BUF_INIT, all_h = BUF_INIT, all_r = BUF_INIT;
	uint64_t seed = 7, pairs = 0, fallbacks = 0, trees = 0;

	json_object_foreach(json_object_get(g, "langs"), lang, v) {
		enum codebleu_lang l = (enum codebleu_lang)codebleu_lang_parse(lang);
		struct codebleu_opts o;
		struct codebleu *fast, *slow;
		const char *k[3] = { "hyp", "ref1", "ref2" };
		size_t n = json_array_size(json_object_get(v, "hyp"));

		codebleu_opts_default(&o);
		cr_assert(fast = codebleu_new(l, &o));
		o.sexp_strings = true;
		cr_assert(slow = codebleu_new(l, &o));
		buf_reset(&all_h);
		buf_reset(&all_r);
		for (size_t i = 0; i < n; i++) {
			const char *t[3];
			for (int j = 0; j < 3; j++)
				t[j] = json_string_value(json_array_get(json_object_get(v, k[j]), i));
			/* the golden pairs, and whole files of them */
			same_syntax(fast, slow, lang, t[0], t[1]);
			same_syntax(fast, slow, lang, t[1], t[2]);
			buf_append(&all_h, t[0], strlen(t[0]));
			buf_append(&all_h, "\n", 1);
			buf_append(&all_r, t[1], strlen(t[1]));
			buf_append(&all_r, "\n\n", 2);
			pairs += 2;
			/* broken and reshaped code against the originals and each other */
			for (int m = 0; m < 12; m++) {
				perturb(t[m % 3], &seed, &p);
				perturb(t[(m + 1) % 3], &seed, &q);
				same_syntax(fast, slow, lang, buf_cstr(&p), t[(m + 1) % 3]);
				same_syntax(fast, slow, lang, t[m % 3], buf_cstr(&p));
				same_syntax(fast, slow, lang, buf_cstr(&p), buf_cstr(&q));
				same_syntax(fast, slow, lang, buf_cstr(&p), buf_cstr(&p));
				pairs += 4;
			}
		}
		same_syntax(fast, slow, lang, buf_cstr(&all_h), buf_cstr(&all_r));
		for (int m = 0; m < 20; m++) {
			perturb(buf_cstr(&all_h), &seed, &p);
			same_syntax(fast, slow, lang, buf_cstr(&p), buf_cstr(&all_r));
			pairs++;
		}
		fallbacks += codebleu_syntax_fallbacks(fast);
		codebleu_free(fast);
		codebleu_free(slow);
	}
	/* the fast walk must carry most trees, or this compares strings to strings */
	trees = 2 * pairs;
	cr_assert(pairs > 3000, "%llu", (unsigned long long)pairs);
	cr_assert(fallbacks < trees / 20, "%llu of %llu trees by strings", (unsigned long long)fallbacks,
		  (unsigned long long)trees);
	cr_log_info("%llu pairs, %llu of %llu trees keyed by their strings", (unsigned long long)pairs,
		    (unsigned long long)fallbacks, (unsigned long long)trees);
	buf_release(&p);
	buf_release(&q);
	buf_release(&all_h);
	buf_release(&all_r);
	json_decref(g);
}
