/*
 * cmd_eval: `cerberus eval bleu|chrf|codebleu`, scores of hypotheses
 * (model outputs) against references, one segment per line.
 *
 * BLEU and chrF follow sacreBLEU 2.6.0 (core/bleu.h); CodeBLEU follows the
 * CodeXGLUE evaluator (core/codebleu.h). This file reads the files, checks
 * that they line up, and prints; the metrics are pure core code.
 */
#include "cmd/cli.h"
#include "cmd/cmd.h"
#include "core/bleu.h"
#include "core/codebleu.h"
#include "core/evaltext.h"
#include "util/buf.h"
#include "util/jscan.h"
#include "util/utf8.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char cmd_eval_usage[] =
	"usage: cerberus eval bleu --hyp FILE --ref FILE [--ref FILE ...] [OPTIONS]\n"
	"       cerberus eval chrf --hyp FILE --ref FILE [--ref FILE ...] [OPTIONS]\n"
	"       cerberus eval codebleu --lang LANG --hyp FILE --ref FILE [--ref FILE ...]\n"
	"                              [--weights A,B,C,D] [--dataflow-zero MODE] [--json]\n"
	"\n"
	"Score hypotheses (model outputs, one segment per line) against one or more\n"
	"reference files with the same number of lines.\n"
	"\n"
	"bleu: corpus BLEU as sacreBLEU 2.6.0 computes it (statistics summed over\n"
	"segments), printed with its precisions, brevity penalty, length ratio and\n"
	"lengths, and sacreBLEU's signature.\n"
	"  --tokenize T         13a (default), intl, char or none\n"
	"  --smooth M           exp (default), floor, add-k or none\n"
	"  --smooth-value V     the floor (default 0.1) or k (default 1)\n"
	"  --lowercase          compare lowercased text\n"
	"  --sentence           one score per line, with effective order\n"
	"\n"
	"chrf: chrF++ as sacreBLEU 2.6.0 (character order 6, word order 2, beta 2).\n"
	"  --char-order N  --word-order N (0: plain chrF)  --beta N\n"
	"  --lowercase  --whitespace  --eps-smoothing  --sentence\n"
	"\n"
	"codebleu: CodeBLEU as the CodeXGLUE evaluator computes it: n-gram BLEU,\n"
	"keyword-weighted n-gram match, syntax match (tree-sitter) and data-flow\n"
	"match, each printed, combined with the weights (default 0.25 each).\n"
	"  --lang L             python, javascript, java, go, c, cpp, c_sharp, php,\n"
	"                       ruby or rust\n"
	"  --weights A,B,C,D    the four weights\n"
	"  --dataflow-zero M    codexglue (default): a corpus without reference data\n"
	"                       flow scores 0; one: it scores 1 (the pip codebleu\n"
	"                       package's rule)\n"
	"\n"
	"Common options:\n"
	"  --hyp FILE           hypotheses (UTF-8, one per line)\n"
	"  --ref FILE           references; repeat for several references per line\n"
	"  --jsonl              every line of every file is a JSON string, so that a\n"
	"                       segment can span lines (multi-line code):\n"
	"                       \"def f(x):\\n    return x\"\n"
	"  --json               print JSON (with --sentence: one object per line)\n"
	"  --jobs N             threads (default: the number of CPUs, at most 8); the\n"
	"                       output does not depend on it\n"
	"  -h, --help           show this help\n"
	"\n"
	"Files must be valid UTF-8 and have the same number of lines (exit status 1\n"
	"otherwise). Lines are right-stripped (bleu, chrf) or stripped (codebleu) of\n"
	"Unicode whitespace; empty lines are scored as empty segments.\n"
	"\n"
	"Example:\n"
	"  cerberus eval bleu --hyp out.txt --ref ref.txt\n";

enum {
	OPT_HYP = OPT_CMD_BASE, OPT_REF, OPT_TOKENIZE, OPT_SMOOTH, OPT_SMOOTH_VALUE, OPT_LOWERCASE,
	OPT_SENTENCE, OPT_CHAR_ORDER, OPT_WORD_ORDER, OPT_BETA, OPT_WHITESPACE, OPT_EPS,
	OPT_LANG, OPT_WEIGHTS, OPT_DFZERO, OPT_JOBS, OPT_JSONL,
};

static const struct option long_options[] = {
	{ "hyp", required_argument, NULL, OPT_HYP },
	{ "ref", required_argument, NULL, OPT_REF },
	{ "tokenize", required_argument, NULL, OPT_TOKENIZE },
	{ "smooth", required_argument, NULL, OPT_SMOOTH },
	{ "smooth-value", required_argument, NULL, OPT_SMOOTH_VALUE },
	{ "lowercase", no_argument, NULL, OPT_LOWERCASE },
	{ "sentence", no_argument, NULL, OPT_SENTENCE },
	{ "char-order", required_argument, NULL, OPT_CHAR_ORDER },
	{ "word-order", required_argument, NULL, OPT_WORD_ORDER },
	{ "beta", required_argument, NULL, OPT_BETA },
	{ "whitespace", no_argument, NULL, OPT_WHITESPACE },
	{ "eps-smoothing", no_argument, NULL, OPT_EPS },
	{ "lang", required_argument, NULL, OPT_LANG },
	{ "weights", required_argument, NULL, OPT_WEIGHTS },
	{ "dataflow-zero", required_argument, NULL, OPT_DFZERO },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "jobs", required_argument, NULL, OPT_JOBS },
	{ "jsonl", no_argument, NULL, OPT_JSONL },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

#define MAX_REFS 64
#define MAX_JOBS 64
/* Largest input file read, so one huge file cannot take the process down. */
#define MAX_FILE ((size_t)2 << 30)

/* One input file: its bytes and its lines (spans into data, or into text
 * for --jsonl, where the segments are the lines' decoded strings). */
struct input {
	const char *path;
	struct buf data;
	struct buf text;
	struct evaltext_lines lines;
};

struct eval_args {
	const char *metric;
	const char *hyp;
	const char *refs[MAX_REFS];
	size_t nrefs;
	struct bleu_opts bo;
	struct chrf_opts co;
	struct codebleu_opts cbo;
	bool sentence, json, jsonl;
	const char *lang;
	int jobs;
};

/* --jsonl: each line holds one JSON string, decoded into in->text; the
 * segments are those strings, stripped as plain lines would be. */
static int decode_jsonl(struct input *in, int how)
{
	const char *d = buf_cstr(&in->data);
	size_t len = in->data.len, pos = 0, lineno = 0, n = 0, cap = 0, *off = NULL;
	int rc = EXIT_DATA;

	buf_init(&in->text, MAX_FILE);
	while (pos < len) {
		const char *nl = memchr(d + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - d) : len, start = in->text.len;
		struct jscan j;

		lineno++;
		if (!utf8_valid(d + pos, end - pos, NULL)) {
			cli_error("%s:%zu: invalid UTF-8", in->path, lineno);
			goto out;
		}
		jscan_init(&j, d + pos, end - pos);
		if (jscan_peek(&j) != JS_STRING) {
			cli_error("%s:%zu: expected a JSON string (--jsonl)", in->path, lineno);
			goto out;
		}
		if (jscan_string(&j, &in->text) || !jscan_end(&j)) {
			cli_error("%s:%zu: %s", in->path, lineno, j.err ? j.err : "out of memory");
			goto out;
		}
		if (n + 2 > cap) {
			size_t *t = realloc(off, (cap = cap ? 2 * cap : 256) * sizeof(*off));
			if (!t) {
				cli_error("cannot read '%s': out of memory", in->path);
				goto out;
			}
			off = t;
		}
		off[n++] = start;
		off[n++] = in->text.len;
		pos = end + 1;
	}
	/* the text buffer no longer moves: the spans can point into it */
	in->lines.n = 0;
	for (size_t i = 0; i < n; i += 2) {
		struct evaltext_span s = { buf_cstr(&in->text) + off[i], off[i + 1] - off[i] };

		s = how == EVALTEXT_STRIP ? evaltext_strip(s) : evaltext_rstrip(s);
		if (evaltext_push_span(&in->lines.v, &in->lines.n, &in->lines.cap, s.p, s.len)) {
			cli_error("cannot read '%s': out of memory", in->path);
			goto out;
		}
	}
	rc = 0;
out:
	free(off);
	return rc;
}

static int read_input(struct input *in, const char *path, int how, bool jsonl)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char chunk[65536];
	size_t n, bad = 0;
	int rc;

	in->path = path;
	buf_init(&in->data, MAX_FILE);
	if (!f) {
		cli_error("cannot open '%s': %s", path, strerror(errno));
		return EXIT_DATA;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if ((rc = buf_append(&in->data, chunk, n)) != BUF_OK) {
			cli_error("cannot read '%s': %s", path,
				  rc == BUF_TOO_LARGE ? "larger than 2 GiB" : "out of memory");
			if (f != stdin)
				fclose(f);
			return EXIT_DATA;
		}
	}
	if (ferror(f)) {
		cli_error("cannot read '%s': %s", path, strerror(errno));
		if (f != stdin)
			fclose(f);
		return EXIT_DATA;
	}
	if (f != stdin)
		fclose(f);
	if (jsonl)
		return decode_jsonl(in, how);
	rc = evaltext_split_lines(buf_cstr(&in->data), in->data.len, how, &in->lines, &bad);
	if (rc == -1) {
		cli_error("%s:%zu: invalid UTF-8", path, bad);
		return EXIT_DATA;
	}
	if (rc) {
		cli_error("cannot read '%s': out of memory", path);
		return EXIT_DATA;
	}
	return 0;
}

static void input_release(struct input *in)
{
	buf_release(&in->data);
	buf_release(&in->text);
	evaltext_lines_release(&in->lines);
}

/* Read the hypothesis and reference files and check their line counts. */
static int read_all(const struct eval_args *a, struct input *hyp, struct input *refs, int how)
{
	int rc;

	if ((rc = read_input(hyp, a->hyp, how, a->jsonl)))
		return rc;
	for (size_t r = 0; r < a->nrefs; r++) {
		if ((rc = read_input(&refs[r], a->refs[r], how, a->jsonl)))
			return rc;
		if (refs[r].lines.n != hyp->lines.n) {
			cli_error("'%s' has %zu lines but '%s' has %zu: each line of the hypotheses needs "
				  "one line in every reference file", a->hyp, hyp->lines.n, a->refs[r],
				  refs[r].lines.n);
			return EXIT_DATA;
		}
	}
	return 0;
}

static json_t *json_doubles(const double *v, int n)
{
	json_t *a = json_array();

	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_real(v[i]));
	return a;
}

static json_t *bleu_json(const struct bleu_score *sc, const char *sig, const char *verbose)
{
	json_t *o = json_object();

	json_object_set_new(o, "name", json_string("BLEU"));
	json_object_set_new(o, "score", json_real(sc->score));
	json_object_set_new(o, "signature", json_string(sig));
	json_object_set_new(o, "verbose_score", json_string(verbose));
	json_object_set_new(o, "precisions", json_doubles(sc->precisions, BLEU_MAX_ORDER));
	json_object_set_new(o, "counts", json_doubles(sc->counts, BLEU_MAX_ORDER));
	json_object_set_new(o, "totals", json_doubles(sc->totals, BLEU_MAX_ORDER));
	json_object_set_new(o, "bp", json_real(sc->bp));
	json_object_set_new(o, "ratio", json_real(sc->ratio));
	json_object_set_new(o, "hyp_len", json_integer((json_int_t)sc->hyp_len));
	json_object_set_new(o, "ref_len", json_integer((json_int_t)sc->ref_len));
	return o;
}

static void print_json_line(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(17));

	if (s)
		puts(s);
	free(s);
	json_decref(o);
}

/* The verbose part of a score line: what follows "BLEU = xx.xx ". */
static const char *verbose_part(const struct buf *line)
{
	const char *v = strchr(buf_cstr(line) + 7, ' ');

	return v ? v + 1 : "";
}

/*
 * Segments are scored in blocks on several threads. Every block's
 * statistics are kept apart and added up in block order at the end, and
 * the blocks' size does not depend on the thread count, so the output is
 * the same whatever --jobs says.
 */
enum metric { M_BLEU, M_CHRF, M_CODEBLEU };

struct pool {
	const struct eval_args *a;
	const struct input *hyp, *refs;
	enum metric m;
	size_t block, nblocks;
	atomic_size_t next;
	atomic_int failed;
	/* per block */
	struct bleu_stats *bsum;
	struct chrf_stats *csum;
	struct codebleu_sums *cbsum;
	/* per line, with --sentence */
	struct bleu_stats *bline;
	double *cline;
};

static void score_block(struct pool *p, size_t k, struct bleu *b, struct codebleu *cb)
{
	size_t first = k * p->block, last = first + p->block;
	struct evaltext_span rs[MAX_REFS];

	if (last > p->hyp->lines.n)
		last = p->hyp->lines.n;
	if (cb)
		codebleu_sums_reset(cb);
	for (size_t i = first; i < last; i++) {
		int rc = 0;
		for (size_t r = 0; r < p->a->nrefs; r++)
			rs[r] = p->refs[r].lines.v[i];
		if (p->m == M_BLEU) {
			struct bleu_stats st;
			rc = bleu_segment(b, p->hyp->lines.v[i], rs, p->a->nrefs, &st);
			bleu_stats_add(&p->bsum[k], &st);
			if (p->bline)
				p->bline[i] = st;
		} else if (p->m == M_CHRF) {
			struct chrf_stats st;
			rc = chrf_segment(b, &p->a->co, p->hyp->lines.v[i], rs, p->a->nrefs, &st);
			chrf_stats_add(&p->a->co, &p->csum[k], &st);
			if (p->cline)
				p->cline[i] = chrf_compute(&p->a->co, &st);
		} else {
			rc = codebleu_add(cb, p->hyp->lines.v[i], rs, p->a->nrefs);
		}
		if (rc) {
			atomic_store(&p->failed, 1);
			return;
		}
	}
	if (cb)
		codebleu_sums_get(cb, &p->cbsum[k]);
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	struct bleu_opts plain = { 0 };
	struct bleu *b = NULL;
	struct codebleu *cb = NULL;
	size_t k;

	if (p->m == M_CODEBLEU)
		cb = codebleu_new((enum codebleu_lang)codebleu_lang_parse(p->a->lang), &p->a->cbo);
	else
		b = bleu_new(p->m == M_BLEU ? &p->a->bo : &plain);
	if (!b && !cb) {
		atomic_store(&p->failed, 1);
		return NULL;
	}
	while (!atomic_load(&p->failed) && (k = atomic_fetch_add(&p->next, 1)) < p->nblocks)
		score_block(p, k, b, cb);
	bleu_free(b);
	codebleu_free(cb);
	return NULL;
}

/* Score every segment; 0, or an exit status after printing why not. */
static int run_pool(struct pool *p, int jobs)
{
	pthread_t tid[MAX_JOBS];
	pthread_attr_t attr;
	int started = 0;
	size_t n = p->hyp->lines.n;

	p->block = p->m == M_CODEBLEU ? 64 : 1024;
	p->nblocks = (n + p->block - 1) / p->block;
	atomic_init(&p->next, 0);
	atomic_init(&p->failed, 0);
	p->bsum = calloc(p->nblocks + 1, sizeof(*p->bsum));
	p->csum = calloc(p->nblocks + 1, sizeof(*p->csum));
	p->cbsum = calloc(p->nblocks + 1, sizeof(*p->cbsum));
	if (p->a->sentence && p->m == M_BLEU)
		p->bline = calloc(n + 1, sizeof(*p->bline));
	if (p->a->sentence && p->m == M_CHRF)
		p->cline = calloc(n + 1, sizeof(*p->cline));
	if (!p->bsum || !p->csum || !p->cbsum || (p->a->sentence && p->m != M_CODEBLEU && !p->bline && !p->cline)) {
		cli_error("eval: out of memory");
		return EXIT_DATA;
	}
	if ((size_t)jobs > p->nblocks)
		jobs = p->nblocks ? (int)p->nblocks : 1;
	/* tree-sitter prints S-expressions recursively: give the threads the
	 * stack a deep (CODEBLEU_MAX_DEPTH) tree needs, whatever ulimit says */
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, (size_t)16 << 20);
	for (int t = 1; t < jobs; t++)
		if (!pthread_create(&tid[started], &attr, worker, p))
			started++;
	pthread_attr_destroy(&attr);
	worker(p);
	for (int t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	if (atomic_load(&p->failed)) {
		cli_error("eval: out of memory, or a %s grammar that does not load", p->a->lang ? p->a->lang : "");
		return EXIT_DATA;
	}
	return 0;
}

static void pool_release(struct pool *p)
{
	free(p->bsum);
	free(p->csum);
	free(p->cbsum);
	free(p->bline);
	free(p->cline);
}

static int run_bleu(struct eval_args *a, struct input *hyp, struct input *refs)
{
	struct pool p = { .a = a, .hyp = hyp, .refs = refs, .m = M_BLEU };
	struct bleu_stats sum;
	struct bleu_score sc;
	struct buf sig = BUF_INIT, line = BUF_INIT;
	int rc;

	a->bo.effective_order = a->sentence;
	if ((rc = run_pool(&p, a->jobs)))
		goto out;
	memset(&sum, 0, sizeof(sum));
	for (size_t k = 0; k < p.nblocks; k++)
		bleu_stats_add(&sum, &p.bsum[k]);
	bleu_signature(&a->bo, a->nrefs, &sig);
	if (a->sentence) {
		for (size_t i = 0; i < hyp->lines.n; i++) {
			bleu_compute(&a->bo, &p.bline[i], &sc);
			buf_reset(&line);
			bleu_format(&sc, &line);
			if (a->json)
				print_json_line(bleu_json(&sc, buf_cstr(&sig), verbose_part(&line)));
			else
				puts(buf_cstr(&line));
		}
		if (!a->json)
			printf("signature: %s\n", buf_cstr(&sig));
		goto out;
	}
	bleu_compute(&a->bo, &sum, &sc);
	bleu_format(&sc, &line);
	if (a->json) {
		json_t *o = bleu_json(&sc, buf_cstr(&sig), verbose_part(&line));
		json_object_set_new(o, "segments", json_integer((json_int_t)hyp->lines.n));
		cli_print_json(o);
		json_decref(o);
	} else {
		printf("%s\nsignature: %s\n", buf_cstr(&line), buf_cstr(&sig));
	}
out:
	buf_release(&sig);
	buf_release(&line);
	pool_release(&p);
	return rc;
}

static json_t *chrf_json(const char *name, double score, const char *sig)
{
	json_t *o = json_object();

	json_object_set_new(o, "name", json_string(name));
	json_object_set_new(o, "score", json_real(score));
	json_object_set_new(o, "signature", json_string(sig));
	return o;
}

static int run_chrf(struct eval_args *a, struct input *hyp, struct input *refs)
{
	struct pool p = { .a = a, .hyp = hyp, .refs = refs, .m = M_CHRF };
	struct chrf_stats sum;
	struct buf sig = BUF_INIT, name = BUF_INIT;
	double s;
	int rc;

	if ((rc = run_pool(&p, a->jobs)))
		goto out;
	memset(&sum, 0, sizeof(sum));
	for (size_t k = 0; k < p.nblocks; k++)
		chrf_stats_add(&a->co, &sum, &p.csum[k]);
	chrf_signature(&a->co, a->nrefs, &sig);
	chrf_name(&a->co, &name);
	if (a->sentence) {
		for (size_t i = 0; i < hyp->lines.n; i++) {
			if (a->json)
				print_json_line(chrf_json(buf_cstr(&name), p.cline[i], buf_cstr(&sig)));
			else
				printf("%s = %.2f\n", buf_cstr(&name), p.cline[i]);
		}
		if (!a->json)
			printf("signature: %s\n", buf_cstr(&sig));
		goto out;
	}
	s = chrf_compute(&a->co, &sum);
	if (a->json) {
		json_t *o = chrf_json(buf_cstr(&name), s, buf_cstr(&sig));
		json_object_set_new(o, "segments", json_integer((json_int_t)hyp->lines.n));
		cli_print_json(o);
		json_decref(o);
	} else {
		printf("%s = %.2f\nsignature: %s\n", buf_cstr(&name), s, buf_cstr(&sig));
	}
out:
	buf_release(&sig);
	buf_release(&name);
	pool_release(&p);
	return rc;
}

static int run_codebleu(struct eval_args *a, struct input *hyp, struct input *refs)
{
	struct pool p = { .a = a, .hyp = hyp, .refs = refs, .m = M_CODEBLEU };
	struct codebleu *c;
	struct codebleu_sums sum;
	struct codebleu_result r;
	struct buf sig = BUF_INIT;
	int lang = a->lang ? codebleu_lang_parse(a->lang) : -1;
	int rc;

	if (lang < 0) {
		cli_error("eval codebleu: %s (python, javascript, java, go, c, cpp, c_sharp, php, "
			  "ruby, rust)", a->lang ? "unknown --lang" : "--lang is required");
		return EXIT_USAGE;
	}
	/* one scorer here for the signature, and to fail early on a grammar
	 * the runtime refuses */
	if (!(c = codebleu_new((enum codebleu_lang)lang, &a->cbo))) {
		cli_error("eval codebleu: cannot load the %s grammar (tree-sitter ABI?) or out of memory",
			  a->lang);
		return EXIT_DATA;
	}
	if ((rc = run_pool(&p, a->jobs)))
		goto out;
	memset(&sum, 0, sizeof(sum));
	for (size_t k = 0; k < p.nblocks; k++)
		codebleu_sums_add(&sum, &p.cbsum[k]);
	codebleu_result_of(&a->cbo, &sum, &r);
	codebleu_signature(c, &sig);
	if (a->json) {
		json_t *o = json_object();
		json_object_set_new(o, "name", json_string("CodeBLEU"));
		json_object_set_new(o, "score", json_real(r.score));
		json_object_set_new(o, "ngram_match", json_real(r.ngram));
		json_object_set_new(o, "weighted_ngram_match", json_real(r.weighted));
		json_object_set_new(o, "syntax_match", json_real(r.syntax));
		json_object_set_new(o, "dataflow_match", json_real(r.dataflow));
		json_object_set_new(o, "syntax_counts", json_pack("[I,I]", (json_int_t)r.syntax_match,
								  (json_int_t)r.syntax_total));
		json_object_set_new(o, "dataflow_counts", json_pack("[I,I]", (json_int_t)r.dataflow_match,
								    (json_int_t)r.dataflow_total));
		json_object_set_new(o, "parse_errors", json_integer((json_int_t)r.parse_errors));
		json_object_set_new(o, "too_deep", json_integer((json_int_t)r.too_deep));
		json_object_set_new(o, "segments", json_integer((json_int_t)r.segments));
		json_object_set_new(o, "signature", json_string(buf_cstr(&sig)));
		cli_print_json(o);
		json_decref(o);
	} else {
		printf("CodeBLEU = %.4f (ngram = %.4f weighted = %.4f syntax = %.4f [%llu/%llu] "
		       "dataflow = %.4f [%llu/%llu])\n", r.score, r.ngram, r.weighted, r.syntax,
		       (unsigned long long)r.syntax_match, (unsigned long long)r.syntax_total, r.dataflow,
		       (unsigned long long)r.dataflow_match, (unsigned long long)r.dataflow_total);
		printf("signature: %s\n", buf_cstr(&sig));
	}
	if (r.parse_errors)
		fprintf(stderr, "cerberus: eval codebleu: %llu parsed texts have syntax errors (first on "
			"line %llu); the n-gram parts are unaffected, the tree parts use the partial trees\n",
			(unsigned long long)r.parse_errors, (unsigned long long)r.first_error_line);
	if (r.too_deep)
		fprintf(stderr, "cerberus: eval codebleu: %llu pairs nest deeper than %d levels and are left "
			"out of the syntax match\n", (unsigned long long)r.too_deep, CODEBLEU_MAX_DEPTH);
	if (!r.dataflow_total)
		fprintf(stderr, "cerberus: eval codebleu: no data flow in the references; the data-flow "
			"match is %s\n", a->cbo.dataflow_zero_is_one ? "counted as 1" : "0 (as in CodeXGLUE)");
out:
	buf_release(&sig);
	codebleu_free(c);
	pool_release(&p);
	return rc;
}

static int parse_int_opt(const char *name, const char *v, long lo, long hi, int *out)
{
	long x;

	if (!cli_parse_long(v, lo, hi, &x))
		return cli_usage_error("eval", "--%s wants an integer in %ld..%ld, not '%s'", name, lo, hi, v);
	*out = (int)x;
	return 0;
}

/* "A,B,C,D": four non-negative numbers. */
static int parse_weights(const char *s, double w[4])
{
	char tmp[256];
	char *p = tmp;

	if (strlen(s) >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, strlen(s) + 1);
	for (int n = 0; n < 4; n++) {
		char *comma = strchr(p, ',');
		if ((n < 3) != (comma != NULL))
			return -1;
		if (comma)
			*comma = '\0';
		if (!cli_parse_double(p, 0, 1e6, &w[n]))
			return -1;
		p = comma ? comma + 1 : p;
	}
	return 0;
}

static int parse_args(int argc, char **argv, struct eval_args *a)
{
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		switch (opt) {
		case OPT_HYP: a->hyp = optarg; break;
		case OPT_REF:
			if (a->nrefs == MAX_REFS)
				return cli_usage_error("eval", "at most %d --ref files", MAX_REFS);
			a->refs[a->nrefs++] = optarg;
			break;
		case OPT_TOKENIZE:
			if ((rc = bleu_tokenizer_parse(optarg)) < 0)
				return cli_usage_error("eval", "unknown tokenizer '%s' (13a, intl, char, none)", optarg);
			a->bo.tok = (enum bleu_tokenizer)rc;
			break;
		case OPT_SMOOTH:
			if ((rc = bleu_smooth_parse(optarg)) < 0)
				return cli_usage_error("eval", "unknown smoothing '%s' (exp, floor, add-k, none)", optarg);
			a->bo.smooth = (enum bleu_smooth)rc;
			break;
		case OPT_SMOOTH_VALUE:
			if (!cli_parse_double(optarg, 0, 1e9, &a->bo.smooth_value))
				return cli_usage_error("eval", "bad --smooth-value '%s'", optarg);
			a->bo.has_smooth_value = true;
			break;
		case OPT_LOWERCASE: a->bo.lowercase = a->co.lowercase = true; break;
		case OPT_SENTENCE: a->sentence = true; break;
		case OPT_CHAR_ORDER:
			if ((rc = parse_int_opt("char-order", optarg, 0, 10, &a->co.char_order)))
				return rc;
			break;
		case OPT_WORD_ORDER:
			if ((rc = parse_int_opt("word-order", optarg, 0, 6, &a->co.word_order)))
				return rc;
			break;
		case OPT_BETA:
			if ((rc = parse_int_opt("beta", optarg, 0, 100, &a->co.beta)))
				return rc;
			break;
		case OPT_WHITESPACE: a->co.whitespace = true; break;
		case OPT_EPS: a->co.eps_smoothing = true; break;
		case OPT_LANG: a->lang = optarg; break;
		case OPT_WEIGHTS:
			if (parse_weights(optarg, a->cbo.weights))
				return cli_usage_error("eval", "--weights wants four numbers A,B,C,D, not '%s'", optarg);
			break;
		case OPT_DFZERO:
			if (!strcmp(optarg, "codexglue"))
				a->cbo.dataflow_zero_is_one = false;
			else if (!strcmp(optarg, "one"))
				a->cbo.dataflow_zero_is_one = true;
			else
				return cli_usage_error("eval", "--dataflow-zero wants codexglue or one, not '%s'", optarg);
			break;
		case OPT_JSON: a->json = true; break;
		case OPT_JOBS:
			if ((rc = parse_int_opt("jobs", optarg, 1, MAX_JOBS, &a->jobs)))
				return rc;
			break;
		case OPT_JSONL: a->jsonl = true; break;
		case 'h': cli_help(cmd_eval_usage); return -1;
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error("eval", "unexpected argument '%s'", argv[optind]);
	if (!a->hyp)
		return cli_usage_error("eval", "--hyp FILE is required");
	if (!a->nrefs)
		return cli_usage_error("eval", "at least one --ref FILE is required");
	if (a->co.char_order + a->co.word_order == 0 || a->co.char_order + a->co.word_order > CHRF_MAX_ORDER)
		return cli_usage_error("eval", "chrF needs a character or word order");
	return 0;
}

int cmd_eval(int argc, char **argv)
{
	struct eval_args a;
	struct input hyp, refs[MAX_REFS];
	int rc, how;

	memset(&a, 0, sizeof(a));
	memset(&hyp, 0, sizeof(hyp));
	memset(refs, 0, sizeof(refs));
	chrf_opts_default(&a.co);
	codebleu_opts_default(&a.cbo);
	a.jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (a.jobs < 1)
		a.jobs = 1;
	if (a.jobs > 8)
		a.jobs = 8;
	if (argc < 2)
		return cli_usage_error("eval", "which metric? bleu, chrf or codebleu");
	a.metric = argv[1];
	if (!strcmp(a.metric, "-h") || !strcmp(a.metric, "--help"))
		return cli_help(cmd_eval_usage);
	if (strcmp(a.metric, "bleu") && strcmp(a.metric, "chrf") && strcmp(a.metric, "codebleu"))
		return cli_usage_error("eval", "unknown metric '%s' (bleu, chrf or codebleu)", a.metric);
	rc = parse_args(argc - 1, argv + 1, &a);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	how = strcmp(a.metric, "codebleu") ? EVALTEXT_RSTRIP : EVALTEXT_STRIP;
	if ((rc = read_all(&a, &hyp, refs, how)))
		goto out;
	if (!strcmp(a.metric, "bleu"))
		rc = run_bleu(&a, &hyp, refs);
	else if (!strcmp(a.metric, "chrf"))
		rc = run_chrf(&a, &hyp, refs);
	else
		rc = run_codebleu(&a, &hyp, refs);
out:
	input_release(&hyp);
	for (size_t r = 0; r < MAX_REFS; r++)
		input_release(&refs[r]);
	return rc;
}
