/*
 * codebleu: CodeBLEU as the CodeXGLUE evaluator computes it
 * (Code-Code/code-to-code-trans/evaluator/CodeBLEU; Ren et al. 2020,
 * "CodeBLEU: a Method for Automatic Evaluation of Code Synthesis").
 *
 *   CodeBLEU = a * BLEU + b * weighted n-gram match + c * syntax match
 *            + d * data-flow match            (a = b = c = d = 0.25)
 *
 * All four are corpus-level on a 0..1 scale. Lines are whitespace-split
 * for the n-gram parts; the syntax and data-flow parts parse each line with
 * tree-sitter (the runtime from libtree-sitter, the grammars compiled from
 * the npm packages in grammars/), after the reference's comment removal.
 * Deterministic where the reference is not: see codebleu_dfg.c.
 * Pure except that it parses.
 */
#ifndef CERBERUS_CODEBLEU_H
#define CERBERUS_CODEBLEU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/evaltext.h"
#include "util/buf.h"

/* Deepest tree the syntax match compares (deeper ones are left out and
 * counted in too_deep; their data flow is empty, as the reference's
 * recursion limit makes it). */
#define CODEBLEU_MAX_DEPTH 4000

enum codebleu_lang {
	CB_PYTHON, CB_JAVASCRIPT, CB_JAVA, CB_GO, CB_C, CB_CPP, CB_C_SHARP, CB_PHP, CB_RUBY, CB_RUST,
	CB_NLANGS
};

struct codebleu_opts {
	double weights[4];           /* BLEU, weighted, syntax, data flow */
	bool dataflow_zero_is_one;   /* no reference data flow: 1 (pip codebleu) instead of 0 */
	bool sexp_strings;           /* syntax match by printed S-expressions, as the
	                                reference does (slow: the tests' oracle) */
};

struct codebleu_result {
	double ngram, weighted, syntax, dataflow, score;
	uint64_t syntax_match, syntax_total;
	uint64_t dataflow_match, dataflow_total;
	uint64_t parse_errors;        /* parsed texts whose tree has an error node */
	uint64_t first_error_line;    /* 1-based segment of the first, 0 if none */
	uint64_t too_deep;            /* pairs left out of the syntax match: a tree
	                                 deeper than CODEBLEU_MAX_DEPTH */
	uint64_t segments;
};

void codebleu_opts_default(struct codebleu_opts *o);
/* "python", "javascript" (or "js"), ...; -1 when unknown. */
int codebleu_lang_parse(const char *name);
const char *codebleu_lang_name(enum codebleu_lang l);
/* "tree-sitter-python@0.21.0": the grammar package compiled in. */
const char *codebleu_grammar(enum codebleu_lang l);
/* True when the language has a data-flow extractor (all ten do). */
bool codebleu_has_dataflow(enum codebleu_lang l);

struct codebleu;

/* A corpus accumulator for one language. NULL when out of memory or the
 * grammar does not load in the runtime (ABI mismatch). */
struct codebleu *codebleu_new(enum codebleu_lang lang, const struct codebleu_opts *o);
void codebleu_free(struct codebleu *c);
/* Add one segment: a hypothesis and its nrefs >= 1 references (already
 * stripped). 0, or -1 when out of memory. */
int codebleu_add(struct codebleu *c, struct evaltext_span hyp, const struct evaltext_span *refs,
		 size_t nrefs);
/* Trees whose syntax keys came from their printed strings (error nodes,
 * aliased or anonymous nodes with children), not from the fast walk. */
uint64_t codebleu_syntax_fallbacks(const struct codebleu *c);
/* The corpus scores so far. */
void codebleu_result(const struct codebleu *c, struct codebleu_result *r);

/* The sufficient statistics behind a result, so that segments scored in
 * blocks (on several threads) combine into the corpus score. Adding blocks
 * in segment order gives the same result whatever the blocks' sizes, up to
 * the rounding of the weighted sums. */
struct codebleu_sums {
	uint64_t num[4], den[4], hyp_len, ref_len;   /* n-gram BLEU */
	double wnum[4], wden[4];                     /* weighted n-gram match */
	uint64_t w_hyp_len, w_ref_len;
	uint64_t syn_match, syn_total, df_match, df_total;
	uint64_t parse_errors, first_error, segments, too_deep;
};

void codebleu_sums_get(const struct codebleu *c, struct codebleu_sums *out);
void codebleu_sums_reset(struct codebleu *c);
/* sum += x, x's segments coming after sum's. */
void codebleu_sums_add(struct codebleu_sums *sum, const struct codebleu_sums *x);
void codebleu_result_of(const struct codebleu_opts *o, const struct codebleu_sums *s, struct codebleu_result *r);
/* "lang:python|grammar:tree-sitter-python@0.21.0|runtime-abi:14|weights:0.25,0.25,0.25,0.25|df0:codexglue|ref:codexglue" */
int codebleu_signature(const struct codebleu *c, struct buf *out);

/*
 * The parts, exposed for tests.
 *
 * Comment removal as the reference applies it to every language: the
 * Java regex //.*?$ | slash-star .*? star-slash | '...' | "..." (strings
 * kept, comments become one space), then blank lines dropped. out gets the
 * result.
 */
int codebleu_remove_comments(const char *s, size_t len, struct buf *out);

/* A language's keywords (weight 1 in the weighted n-gram match). */
bool codebleu_is_keyword(enum codebleu_lang l, const char *tok, size_t len);

/* One normalized data-flow edge: var_K, relation, parents var_J... */
struct codebleu_flow {
	uint32_t var;
	uint8_t rel;                 /* 0 comesFrom, 1 computedFrom */
	uint32_t npar;
	uint32_t *par;
};

struct codebleu_flows {
	struct codebleu_flow *v;
	size_t n, cap;
	uint32_t *pool;              /* parents of all flows */
	size_t npool, cappool;
};

struct TSTree;
/* Extract and normalize the data flow of code (comments already removed),
 * parsed into tree, into f (emptied first). Returns 0, or -1 when out of
 * memory. An extractor failure (the reference's exceptions) leaves f empty
 * and returns 0. */
int codebleu_dataflow(const struct TSTree *tree, enum codebleu_lang l, const char *code, size_t len,
		      struct codebleu_flows *f);
void codebleu_flows_release(struct codebleu_flows *f);

#endif
