/*
 * filter: heuristic filters for chat fine-tuning data.
 *
 * Each filter has a name, can be turned off, has its thresholds in
 * struct filter_config, and reports whether it fires for one example
 * (the prompt: the user turns; the response: the final assistant answer):
 *
 *   refusal           canned refusals and "as an AI language model" answers
 *   error_message     the answer is an error or rate-limit message
 *   repeats_question  the answer only repeats the question
 *   empty_code_block  the answer has a fenced code block with nothing in it
 *   repetition        excessive repetition of lines or word n-grams
 *   non_text          the answer is mostly not text (binary, base64, symbols)
 *
 * There are deliberately no web-page filters (minimum word count, terminal
 * punctuation, stop-word ratios): they would remove short good answers such
 * as a one-line command. Pure: no I/O.
 */
#ifndef CERBERUS_FILTER_H
#define CERBERUS_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum filter_id {
	FILTER_REFUSAL,
	FILTER_ERROR_MESSAGE,
	FILTER_REPEATS_QUESTION,
	FILTER_EMPTY_CODE_BLOCK,
	FILTER_REPETITION,
	FILTER_NON_TEXT,
	FILTER_N
};

#define FILTER_ALL ((1u << FILTER_N) - 1)

struct filter_config {
	unsigned enabled;          /* bit (1 << enum filter_id) per filter on */
	long refusal_window;       /* a refusal phrase counts in the answer's first N bytes (300) */
	long error_max_chars;      /* an answer this short that holds an error phrase fires (400) */
	double repeat_overlap;     /* share of the answer's word 3-grams found in the question (0.9) */
	double max_dup_lines;      /* share of repeated non-trivial lines (0.5) */
	double max_dup_ngrams;     /* share of words inside repeated word 10-grams (0.5) */
	double min_text_share;     /* letters among non-space characters (0.3) */
	long long_token;           /* a token this long (bytes) counts as non-text (100) */
	double max_long_token_share; /* share of bytes inside long tokens (0.5) */
};

void filter_config_default(struct filter_config *c);
/* "refusal", ... for an enum filter_id; NULL past the end. */
const char *filter_name(unsigned id);
/* The id for a name, or -1. */
int filter_from_name(const char *name);
/*
 * Parse a filter list: "all", "none", or comma-separated names, each
 * optionally prefixed by '-' to turn it off from "all" (e.g. "-non_text").
 * Returns 0 with *enabled set, or -1 with the bad name in err.
 */
int filter_parse_list(const char *s, unsigned *enabled, char *err, size_t errlen);

/*
 * The filters (enum filter_id bits) that fire for this example. prompt and
 * response are valid UTF-8; either may be empty.
 */
unsigned filter_check(const struct filter_config *c, const char *prompt, size_t plen, const char *response,
		      size_t rlen);
/* The same with the normal forms (norm_text) of prompt and response and
 * the response's word hashes (norm_word_hashes) already computed, as the
 * export has them. */
unsigned filter_check_norm(const struct filter_config *c, const char *prompt, size_t plen, const char *response,
			   size_t rlen, const char *nprompt, size_t nplen, const char *nresp, size_t nrlen,
			   const uint64_t *rwords, size_t nrwords);

#endif
