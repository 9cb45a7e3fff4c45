/* curate_opts: options shared by export and curate (see curate_opts.h). */
#include "cmd/curate_opts.h"
#include "cmd/cli.h"
#include "cmd/cmd.h"
#include "core/format.h"
#include "pipeline/pipeline.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int set_filter_param(struct filter_config *f, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char name[32];
	double d;
	long l;

	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(name))
		return -1;
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = '\0';
	eq++;
	if (!strcmp(name, "refusal_window") && cli_parse_long(eq, 0, 1L << 30, &l))
		f->refusal_window = l;
	else if (!strcmp(name, "error_max_chars") && cli_parse_long(eq, 0, 1L << 30, &l))
		f->error_max_chars = l;
	else if (!strcmp(name, "long_token") && cli_parse_long(eq, 1, 1L << 30, &l))
		f->long_token = l;
	else if (!strcmp(name, "repeat_overlap") && cli_parse_double(eq, 0, 1, &d))
		f->repeat_overlap = d;
	else if (!strcmp(name, "max_dup_lines") && cli_parse_double(eq, 0, 1, &d))
		f->max_dup_lines = d;
	else if (!strcmp(name, "max_dup_ngrams") && cli_parse_double(eq, 0, 1, &d))
		f->max_dup_ngrams = d;
	else if (!strcmp(name, "min_text_share") && cli_parse_double(eq, 0, 1, &d))
		f->min_text_share = d;
	else if (!strcmp(name, "max_long_token_share") && cli_parse_double(eq, 0, 1, &d))
		f->max_long_token_share = d;
	else
		return -1;
	return 0;
}

int curate_option(const char *cmd, int opt, const char *arg, struct export_options *o, int *rc)
{
	char err[128];
	long l;

	*rc = 0;
	switch (opt) {
	case OPT_CUR_FORMAT:
		if (!format_known(arg))
			*rc = cli_usage_error(cmd, "unknown format '%s' (known: openai, messages, sharegpt, alpaca, "
					      "completion, dpo-openai, dpo-trl)", arg);
		o->format = arg;
		return 1;
	case OPT_CUR_LAST_TURN:
		o->format_flags |= FORMAT_LAST_TURN_ONLY;
		return 1;
	case OPT_CUR_VAL:
		if (!cli_parse_double(arg, 0, 1, &o->val_fraction))
			*rc = cli_usage_error(cmd, "--val-fraction: expected a number from 0 to 1");
		return 1;
	case OPT_CUR_SEED:
		if (!cli_parse_long(arg, 0, 0x7fffffffffffffffL, &l))
			*rc = cli_usage_error(cmd, "--seed: expected a non-negative integer");
		o->seed = (uint64_t)l;
		return 1;
	case OPT_CUR_FILTERS:
		if (filter_parse_list(arg, &o->filters.enabled, err, sizeof(err)))
			*rc = cli_usage_error(cmd, "--filters: %s", err);
		return 1;
	case OPT_CUR_FILTER_PARAM:
		if (set_filter_param(&o->filters, arg))
			*rc = cli_usage_error(cmd, "--filter-param: expected NAME=VALUE with a known name and a value "
					      "in range");
		return 1;
	case OPT_CUR_NO_EXACT:
		o->exact_dedup = false;
		return 1;
	case OPT_CUR_NO_NEAR:
		o->near_dedup = false;
		return 1;
	case OPT_CUR_BANDS:
	case OPT_CUR_ROWS:
	case OPT_CUR_SHINGLE:
		if (!cli_parse_long(arg, 1, 1024, &l))
			*rc = cli_usage_error(cmd, "expected a number from 1 to 1024");
		else if (opt == OPT_CUR_BANDS)
			o->dedup.bands = (int)l;
		else if (opt == OPT_CUR_ROWS)
			o->dedup.rows = (int)l;
		else
			o->dedup.shingle = (int)l;
		return 1;
	case OPT_CUR_JACCARD:
		if (!cli_parse_double(arg, 0.01, 1, &o->dedup.threshold))
			*rc = cli_usage_error(cmd, "--jaccard: expected a number from 0.01 to 1");
		return 1;
	case OPT_CUR_MAX_CLUSTER:
		if (!cli_parse_long(arg, 2, 1L << 30, &o->dedup.max_cluster))
			*rc = cli_usage_error(cmd, "--max-cluster: expected a number of at least 2");
		return 1;
	case OPT_CUR_MAX_PER_PROMPT:
		if (!cli_parse_long(arg, 0, 1L << 30, &o->max_per_prompt))
			*rc = cli_usage_error(cmd, "--max-per-prompt: expected a non-negative integer");
		return 1;
	case OPT_CUR_BY_USER:
		o->split_by_user = true;
		return 1;
	case OPT_CUR_OVERLAP_N:
		if (!cli_parse_long(arg, 0, 64, &l))
			*rc = cli_usage_error(cmd, "--overlap-ngram: expected a number from 0 to 64");
		o->overlap_n = (int)l;
		return 1;
	case OPT_CUR_OVERLAP_T:
		if (!cli_parse_double(arg, 0, 1, &o->overlap_threshold))
			*rc = cli_usage_error(cmd, "--overlap-threshold: expected a number from 0 to 1");
		return 1;
	case OPT_CUR_DECONTAM:
		if (!*arg)
			*rc = cli_usage_error(cmd, "--decontaminate: expected a file");
		o->decontaminate = arg;
		return 1;
	case OPT_CUR_MAX_TOKENS:
		if (!cli_parse_long(arg, 1, 1L << 30, &o->max_tokens))
			*rc = cli_usage_error(cmd, "--max-tokens: expected a positive integer");
		return 1;
	case OPT_CUR_GAP:
		if (!cli_parse_long(arg, 1, 4, &l))
			*rc = cli_usage_error(cmd, "--min-rating-gap: expected 1 to 4 stars");
		o->min_rating_gap = (int)l;
		return 1;
	default:
		return 0;
	}
}

struct bar_state {
	const char *phase;
	struct timespec last;
	bool drawn;
};

static void draw(void *ctx, const char *phase, long done, long total)
{
	struct bar_state *b = ctx;
	struct timespec now;
	char bar[128];
	bool finished = total > 0 && done >= total;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!finished && b->phase == phase && b->drawn &&
	    (now.tv_sec - b->last.tv_sec) * 1000 + (now.tv_nsec - b->last.tv_nsec) / 1000000 < 100)
		return;  /* at most ten redraws a second */
	b->last = now;
	b->phase = phase;
	b->drawn = true;
	if (total > 0) {
		cli_bar(bar, sizeof(bar), (double)done / (double)total, 30);
		fprintf(stderr, "\r%-12s %s %3.0f%% %ld/%ld\033[K", phase, bar, 100.0 * (double)done / (double)total,
			done, total);
	} else {
		fprintf(stderr, "\r%-12s ...\033[K", phase);
	}
	if (finished)
		fputc('\n', stderr);
	fflush(stderr);
}

void curate_progress_setup(struct export_options *o, int enabled)
{
	static struct bar_state b;

	if (!enabled || !isatty(STDERR_FILENO))
		return;
	o->progress = draw;
	o->progress_ctx = &b;
}
