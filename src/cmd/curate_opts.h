/*
 * curate_opts: the curation options that `export` and `curate` share
 * (formats, filters, dedup, split, decontamination), their help text and a
 * progress bar for long runs (stderr, only when it is a terminal).
 */
#ifndef CERBERUS_CURATE_OPTS_H
#define CERBERUS_CURATE_OPTS_H

#include <getopt.h>

struct export_options;

enum {
	OPT_CUR_FORMAT = 1200, OPT_CUR_LAST_TURN, OPT_CUR_VAL, OPT_CUR_SEED, OPT_CUR_FILTERS, OPT_CUR_FILTER_PARAM,
	OPT_CUR_NO_EXACT, OPT_CUR_NO_NEAR, OPT_CUR_BANDS, OPT_CUR_ROWS, OPT_CUR_SHINGLE, OPT_CUR_JACCARD,
	OPT_CUR_MAX_CLUSTER, OPT_CUR_MAX_PER_PROMPT, OPT_CUR_BY_USER, OPT_CUR_OVERLAP_N, OPT_CUR_OVERLAP_T,
	OPT_CUR_DECONTAM, OPT_CUR_MAX_TOKENS, OPT_CUR_GAP, OPT_CUR_NO_PROGRESS,
};

#define CURATE_OPTIONS                                                        \
	{ "format", required_argument, NULL, OPT_CUR_FORMAT },                \
	{ "last-turn-only", no_argument, NULL, OPT_CUR_LAST_TURN },           \
	{ "val-fraction", required_argument, NULL, OPT_CUR_VAL },             \
	{ "seed", required_argument, NULL, OPT_CUR_SEED },                    \
	{ "filters", required_argument, NULL, OPT_CUR_FILTERS },              \
	{ "filter-param", required_argument, NULL, OPT_CUR_FILTER_PARAM },    \
	{ "no-exact-dedup", no_argument, NULL, OPT_CUR_NO_EXACT },            \
	{ "no-near-dedup", no_argument, NULL, OPT_CUR_NO_NEAR },              \
	{ "bands", required_argument, NULL, OPT_CUR_BANDS },                  \
	{ "rows", required_argument, NULL, OPT_CUR_ROWS },                    \
	{ "shingle", required_argument, NULL, OPT_CUR_SHINGLE },              \
	{ "jaccard", required_argument, NULL, OPT_CUR_JACCARD },              \
	{ "max-cluster", required_argument, NULL, OPT_CUR_MAX_CLUSTER },      \
	{ "max-per-prompt", required_argument, NULL, OPT_CUR_MAX_PER_PROMPT }, \
	{ "split-by-user", no_argument, NULL, OPT_CUR_BY_USER },              \
	{ "overlap-ngram", required_argument, NULL, OPT_CUR_OVERLAP_N },      \
	{ "overlap-threshold", required_argument, NULL, OPT_CUR_OVERLAP_T },  \
	{ "decontaminate", required_argument, NULL, OPT_CUR_DECONTAM },       \
	{ "max-tokens", required_argument, NULL, OPT_CUR_MAX_TOKENS },        \
	{ "min-rating-gap", required_argument, NULL, OPT_CUR_GAP },           \
	{ "no-progress", no_argument, NULL, OPT_CUR_NO_PROGRESS }

#define CURATE_HELP \
	"  --format NAME        openai (default), messages, sharegpt, alpaca, completion,\n" \
	"                       dpo-openai, dpo-trl (preference pairs from ratings)\n" \
	"  --last-turn-only     openai: weight 0 on earlier assistant turns, 1 on the last\n" \
	"  --val-fraction F     share of groups in validation (default 0.1)\n" \
	"  --seed N             split seed (default 0)\n" \
	"  --filters LIST       all (default), none, NAME,... or -NAME,... to turn some off:\n" \
	"                       refusal, error_message, repeats_question, empty_code_block,\n" \
	"                       repetition, non_text\n" \
	"  --filter-param K=V   a filter threshold: refusal_window (300), error_max_chars\n" \
	"                       (400), repeat_overlap (0.9), max_dup_lines (0.5),\n" \
	"                       max_dup_ngrams (0.5), min_text_share (0.3), long_token (100),\n" \
	"                       max_long_token_share (0.5)\n" \
	"  --no-exact-dedup     keep exact duplicates of the normalised (prompt, response)\n" \
	"  --no-near-dedup      keep near duplicates (their clusters still group the split)\n" \
	"  --bands N --rows N   MinHash LSH banding (default 14 x 8: candidates from ~0.72)\n" \
	"  --shingle N          words per shingle (default 5)\n" \
	"  --jaccard X          exact Jaccard of a near duplicate (default 0.8)\n" \
	"  --max-cluster N      largest near-duplicate cluster (default 100)\n" \
	"  --max-per-prompt N   answers (or pairs) kept per normalised prompt (default 10; 0 no cap)\n" \
	"  --split-by-user      keep each user's examples on one side of the split\n" \
	"  --overlap-ngram N    n-gram size of the overlap checks (default 13; 0: no\n" \
	"                       validation-vs-train check)\n" \
	"  --overlap-threshold X  drop a validation example when this share of its n-grams\n" \
	"                       occur in train (default 0.5)\n" \
	"  --decontaminate FILE drop examples sharing an n-gram with this evaluation set\n" \
	"                       (JSON Lines: every string counts; or plain text lines)\n" \
	"  --max-tokens N       context length for the token report (default 16384)\n" \
	"  --min-rating-gap N   preference pairs: stars between chosen and rejected (default 2)\n" \
	"  --no-progress        no progress bar (it is drawn only when stderr is a terminal)\n"

/*
 * Handle one of the options above for command cmd. Returns 1 when opt was
 * one (and sets *rc to EXIT_USAGE when its value was bad), 0 otherwise.
 */
int curate_option(const char *cmd, int opt, const char *arg, struct export_options *o, int *rc);
/* Set o->progress to a stderr bar when stderr is a terminal and not off. */
void curate_progress_setup(struct export_options *o, int enabled);

#endif
