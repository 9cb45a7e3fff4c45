/*
 * bleu: corpus and sentence BLEU exactly as sacreBLEU 2.6.0 defines it,
 * and chrF / chrF++ from the same n-gram machinery.
 *
 * Reference: Papineni et al. 2002; Post 2018 ("A Call for Clarity in
 * Reporting BLEU Scores") and sacreBLEU 2.6.0: tokenizers 13a (mteval-v13a),
 * intl (mteval-v14), char and none; smoothing methods of Chen & Cherry 2014
 * (exp = NIST method 3, floor, add-k, none); corpus BLEU from summed
 * segment statistics. chrF: Popović 2015/2017 with sacreBLEU's
 * defaults (char order 6, word order 2, beta 2).
 * Pure: no I/O. Lines come in already split and rstripped (evaltext.h).
 */
#ifndef CERBERUS_BLEU_H
#define CERBERUS_BLEU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/evaltext.h"
#include "util/buf.h"

#define BLEU_MAX_ORDER 4
/* The sacreBLEU release whose definitions are implemented (signatures). */
#define BLEU_SACREBLEU_VERSION "2.6.0"

enum bleu_tokenizer { BLEU_TOK_13A, BLEU_TOK_NONE, BLEU_TOK_INTL, BLEU_TOK_CHAR };
enum bleu_smooth { BLEU_SMOOTH_EXP, BLEU_SMOOTH_FLOOR, BLEU_SMOOTH_ADD_K, BLEU_SMOOTH_NONE };

struct bleu_opts {
	enum bleu_tokenizer tok;
	enum bleu_smooth smooth;
	double smooth_value;     /* used when has_smooth_value, else the default */
	bool has_smooth_value;
	bool lowercase;
	bool effective_order;    /* sentence BLEU */
};

/* Sufficient statistics of one segment or a whole corpus (summed). */
struct bleu_stats {
	uint64_t hyp_len, ref_len;
	uint64_t correct[BLEU_MAX_ORDER];
	uint64_t total[BLEU_MAX_ORDER];
};

struct bleu_score {
	double score;                        /* 0..100 */
	double counts[BLEU_MAX_ORDER];       /* after add-k, as sacreBLEU reports */
	double totals[BLEU_MAX_ORDER];
	double precisions[BLEU_MAX_ORDER];
	double bp, ratio;
	uint64_t hyp_len, ref_len;
};

/* Name -> enum; -1 when unknown. */
int bleu_tokenizer_parse(const char *name);
int bleu_smooth_parse(const char *name);
const char *bleu_tokenizer_name(enum bleu_tokenizer t);
const char *bleu_smooth_name(enum bleu_smooth s);

/* A scorer: options plus compiled patterns and scratch space; one per thread. */
struct bleu;

/* NULL when out of memory or a pattern fails to compile. */
struct bleu *bleu_new(const struct bleu_opts *o);
void bleu_free(struct bleu *b);

/*
 * Tokenize one line as the options say (lowercasing first if asked):
 * out receives the tokens joined by single spaces, as sacreBLEU's
 * tokenizer returns them. Invalid UTF-8 does not fail: its bytes are kept
 * as they are (intl then skips its Unicode passes). Returns a buf code.
 */
int bleu_tokenize(struct bleu *b, const char *s, size_t len, struct buf *out);

/* Statistics of one hypothesis against nrefs >= 1 references (overwrites
 * *st). 0, or -1 when out of memory. */
int bleu_segment(struct bleu *b, struct evaltext_span hyp, const struct evaltext_span *refs,
		 size_t nrefs, struct bleu_stats *st);
void bleu_stats_add(struct bleu_stats *sum, const struct bleu_stats *s);
/* BLEU from statistics (sacreBLEU's compute_bleu). */
void bleu_compute(const struct bleu_opts *o, const struct bleu_stats *st, struct bleu_score *sc);

/* "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0" */
int bleu_signature(const struct bleu_opts *o, size_t nrefs, struct buf *out);
/* "BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)" */
int bleu_format(const struct bleu_score *sc, struct buf *out);

/* chrF */
#define CHRF_MAX_ORDER 16

struct chrf_opts {
	int char_order;   /* 6 */
	int word_order;   /* 2 for chrF++, 0 for chrF */
	int beta;         /* 2 */
	bool lowercase;
	bool whitespace;  /* keep whitespace in character n-grams */
	bool eps_smoothing;
};

/* [hyp, ref, match] per order: char orders first, then word orders. */
struct chrf_stats {
	uint64_t v[3 * CHRF_MAX_ORDER];
};

void chrf_opts_default(struct chrf_opts *o);
/* Best statistics over the references (by segment F-score, first wins). */
int chrf_segment(struct bleu *scratch, const struct chrf_opts *o, struct evaltext_span hyp,
		 const struct evaltext_span *refs, size_t nrefs, struct chrf_stats *st);
void chrf_stats_add(const struct chrf_opts *o, struct chrf_stats *sum, const struct chrf_stats *s);
double chrf_compute(const struct chrf_opts *o, const struct chrf_stats *st);
/* "chrF2++" */
int chrf_name(const struct chrf_opts *o, struct buf *out);
/* "nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no|version:2.6.0" */
int chrf_signature(const struct chrf_opts *o, size_t nrefs, struct buf *out);

#endif
