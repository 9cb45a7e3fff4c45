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

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	"  --json               print JSON (with --sentence: one object per line)\n"
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
	OPT_LANG, OPT_WEIGHTS, OPT_DFZERO,
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
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

#define MAX_REFS 64
/* Largest input file read, so one huge file cannot take the process down. */
#define MAX_FILE ((size_t)2 << 30)

/* One input file: its bytes and its lines. */
struct input {
	const char *path;
	struct buf data;
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
	bool sentence, json;
	const char *lang;
};

static int read_input(struct input *in, const char *path, int how)
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
	evaltext_lines_release(&in->lines);
}

/* Read the hypothesis and reference files and check their line counts. */
static int read_all(const struct eval_args *a, struct input *hyp, struct input *refs, int how)
{
	int rc;

	if ((rc = read_input(hyp, a->hyp, how)))
		return rc;
	for (size_t r = 0; r < a->nrefs; r++) {
		if ((rc = read_input(&refs[r], a->refs[r], how)))
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

static int run_bleu(struct eval_args *a, struct input *hyp, struct input *refs)
{
	struct bleu *b;
	struct bleu_stats sum, st;
	struct bleu_score sc;
	struct evaltext_span rs[MAX_REFS];
	struct buf sig = BUF_INIT, line = BUF_INIT;
	int rc = EXIT_OK;

	a->bo.effective_order = a->sentence;
	if (!(b = bleu_new(&a->bo))) {
		cli_error("eval bleu: out of memory");
		return EXIT_DATA;
	}
	memset(&sum, 0, sizeof(sum));
	bleu_signature(&a->bo, a->nrefs, &sig);
	for (size_t i = 0; i < hyp->lines.n; i++) {
		for (size_t r = 0; r < a->nrefs; r++)
			rs[r] = refs[r].lines.v[i];
		if (bleu_segment(b, hyp->lines.v[i], rs, a->nrefs, &st)) {
			cli_error("eval bleu: out of memory at line %zu", i + 1);
			rc = EXIT_DATA;
			goto out;
		}
		bleu_stats_add(&sum, &st);
		if (a->sentence) {
			bleu_compute(&a->bo, &st, &sc);
			buf_reset(&line);
			bleu_format(&sc, &line);
			if (a->json)
				print_json_line(bleu_json(&sc, buf_cstr(&sig), verbose_part(&line)));
			else
				puts(buf_cstr(&line));
		}
	}
	if (!a->sentence) {
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
	} else if (!a->json) {
		printf("signature: %s\n", buf_cstr(&sig));
	}
out:
	buf_release(&sig);
	buf_release(&line);
	bleu_free(b);
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
	struct bleu_opts bo = { 0 };
	struct bleu *b = bleu_new(&bo);
	struct chrf_stats sum, st;
	struct evaltext_span rs[MAX_REFS];
	struct buf sig = BUF_INIT, name = BUF_INIT;
	int rc = EXIT_OK;

	if (!b) {
		cli_error("eval chrf: out of memory");
		return EXIT_DATA;
	}
	memset(&sum, 0, sizeof(sum));
	chrf_signature(&a->co, a->nrefs, &sig);
	chrf_name(&a->co, &name);
	for (size_t i = 0; i < hyp->lines.n; i++) {
		for (size_t r = 0; r < a->nrefs; r++)
			rs[r] = refs[r].lines.v[i];
		if (chrf_segment(b, &a->co, hyp->lines.v[i], rs, a->nrefs, &st)) {
			cli_error("eval chrf: out of memory at line %zu", i + 1);
			rc = EXIT_DATA;
			goto out;
		}
		chrf_stats_add(&a->co, &sum, &st);
		if (a->sentence) {
			double s = chrf_compute(&a->co, &st);
			if (a->json)
				print_json_line(chrf_json(buf_cstr(&name), s, buf_cstr(&sig)));
			else
				printf("%s = %.2f\n", buf_cstr(&name), s);
		}
	}
	if (!a->sentence) {
		double s = chrf_compute(&a->co, &sum);
		if (a->json) {
			json_t *o = chrf_json(buf_cstr(&name), s, buf_cstr(&sig));
			json_object_set_new(o, "segments", json_integer((json_int_t)hyp->lines.n));
			cli_print_json(o);
			json_decref(o);
		} else {
			printf("%s = %.2f\nsignature: %s\n", buf_cstr(&name), s, buf_cstr(&sig));
		}
	} else if (!a->json) {
		printf("signature: %s\n", buf_cstr(&sig));
	}
out:
	buf_release(&sig);
	buf_release(&name);
	bleu_free(b);
	return rc;
}

static int run_codebleu(struct eval_args *a, struct input *hyp, struct input *refs)
{
	struct codebleu *c;
	struct codebleu_result r;
	struct evaltext_span rs[MAX_REFS];
	struct buf sig = BUF_INIT;
	int lang = a->lang ? codebleu_lang_parse(a->lang) : -1;
	int rc = EXIT_OK;

	if (lang < 0) {
		cli_error("eval codebleu: %s (python, javascript, java, go, c, cpp, c_sharp, php, "
			  "ruby, rust)", a->lang ? "unknown --lang" : "--lang is required");
		return EXIT_USAGE;
	}
	if (!(c = codebleu_new((enum codebleu_lang)lang, &a->cbo))) {
		cli_error("eval codebleu: cannot load the %s grammar (tree-sitter ABI?) or out of memory",
			  a->lang);
		return EXIT_DATA;
	}
	for (size_t i = 0; i < hyp->lines.n; i++) {
		for (size_t k = 0; k < a->nrefs; k++)
			rs[k] = refs[k].lines.v[i];
		if (codebleu_add(c, hyp->lines.v[i], rs, a->nrefs)) {
			cli_error("eval codebleu: out of memory at line %zu", i + 1);
			rc = EXIT_DATA;
			goto out;
		}
	}
	codebleu_result(c, &r);
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
