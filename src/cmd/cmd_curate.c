/* cmd_curate: explain what export would do, without writing a dataset. */
#include "cmd/cli.h"
#include "cmd/cmd.h"
#include "cmd/curate_opts.h"
#include "pipeline/pipeline.h"

#include <stdio.h>
#include <string.h>

const char cmd_curate_usage[] =
	"usage: cerberus curate --report [--json] [OPTIONS]\n"
	"\n"
	"Run the curation of `cerberus export` with the same options and report what it\n"
	"would do: rows failing the quality criteria, hits of each heuristic filter,\n"
	"exact and near duplicates (clusters, verified pairs), prompt duplicates and the\n"
	"per-prompt cap, split groups, contamination, token statistics and the OpenAI\n"
	"checks of the would-be output. Nothing is written.\n"
	"\n"
	"Options:\n"
	CLI_STORE_HELP
	CLI_THRESHOLD_HELP
	"  --report             print the report (required)\n"
	"  --json               print it as JSON (the manifest export would write)\n"
	CURATE_HELP
	"\n"
	"Example:\n"
	"  cerberus curate --report --max-per-prompt 3 --jaccard 0.7\n";

enum { OPT_REPORT = OPT_CMD_BASE };

static long cnt(json_t *m, const char *a, const char *b)
{
	json_t *v = json_object_get(m, a);

	return b ? (long)json_integer_value(json_object_get(v, b)) : (long)json_integer_value(v);
}

static void print_report(json_t *r)
{
	json_t *c = json_object_get(r, "counts"), *rem = json_object_get(c, "removed"),
	       *fh = json_object_get(c, "filter_hits"), *d = json_object_get(r, "dedup"),
	       *s = json_object_get(r, "split"), *t = json_object_get(r, "tokens"), *ch = json_object_get(r, "checks"),
	       *ct = json_object_get(r, "contamination"), *v;
	const char *k;

	printf("curation report (format %s)\n", json_string_value(json_object_get(r, "format")));
	printf("  conversations           %ld\n", cnt(c, "conversations", NULL));
	printf("  failed quality criteria %ld\n", cnt(c, "conversations", NULL) - cnt(c, "high_quality", NULL));
	printf("  candidates              %ld\n", cnt(c, "candidates", NULL));
	printf("removed, by the first step that removed each row:\n");
	json_object_foreach(rem, k, v)
		printf("  %-23s %lld\n", k, (long long)json_integer_value(v));
	printf("filter hits (a row may hit several):\n");
	json_object_foreach(fh, k, v)
		printf("  %-23s %lld\n", k, (long long)json_integer_value(v));
	printf("duplicates:\n");
	printf("  near-dup clusters       %ld (%ld rows, largest %ld; %ld joins refused by --max-cluster %ld)\n",
	       cnt(d, "clusters", NULL), cnt(d, "clustered_rows", NULL), cnt(d, "largest_cluster", NULL),
	       cnt(d, "capped_joins", NULL), cnt(d, "max_cluster", NULL));
	printf("  candidate pairs         %ld (%ld verified at Jaccard >= %.2f, %ld rejected)\n",
	       cnt(d, "candidate_pairs", NULL), cnt(d, "verified_pairs", NULL),
	       json_real_value(json_object_get(d, "jaccard_threshold")), cnt(d, "rejected_pairs", NULL));
	printf("  prompt duplicates       %ld prompts asked more than once (%ld rows; cap %ld per prompt)\n",
	       cnt(c, "prompt_duplicates", "prompts"), cnt(c, "prompt_duplicates", "rows"),
	       cnt(c, "prompt_duplicates", "max_per_prompt"));
	printf("split: %ld groups (largest %ld), %s\n", cnt(s, "groups", NULL), cnt(s, "largest_group", NULL),
	       json_string_value(json_object_get(s, "by")));
	printf("contamination: %ld validation examples checked, %ld dropped for %ld-gram overlap with train",
	       cnt(json_object_get(ct, "validation_vs_train"), "checked", NULL),
	       cnt(json_object_get(ct, "validation_vs_train"), "dropped", NULL), cnt(ct, "ngram", NULL));
	if ((v = json_object_get(ct, "eval_set")))
		printf("; %ld dropped for overlap with the evaluation set", cnt(v, "dropped", NULL));
	printf("\n");
	printf("would export %ld: %ld train, %ld validation\n", cnt(c, "exported", NULL), cnt(c, "train", NULL),
	       cnt(c, "validation", NULL));
	printf("tokens (approximate): mean %.0f, p50 %ld, p95 %ld, max %ld; %ld over --max-tokens %ld\n",
	       json_real_value(json_object_get(t, "mean")), cnt(t, "p50", NULL), cnt(t, "p95", NULL),
	       cnt(t, "max", NULL), cnt(t, "over_max_tokens", NULL), cnt(t, "max_tokens", NULL));
	printf("OpenAI checks: %ld examples checked, %ld errors\n", cnt(ch, "checked", NULL), cnt(ch, "error_total", NULL));
}

int cmd_curate(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_STORE_OPTIONS,
		CLI_THRESHOLD_OPTIONS,
		CURATE_OPTIONS,
		{ "report", no_argument, NULL, OPT_REPORT },
		{ "json", no_argument, NULL, OPT_JSON },
		{ 0 }
	};
	struct pipeline_options po;
	struct pipeline *p;
	struct export_options o;
	struct export_result res;
	char err[512];
	int c, rc, bar = 1;
	bool report = false, json = false;

	if ((rc = cli_pipeline_defaults("curate", &po)))
		return rc;
	export_options_default(&o);
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case OPT_HELP:
			return cli_help(cmd_curate_usage);
		case OPT_REPORT:
			report = true;
			break;
		case OPT_JSON:
			json = true;
			break;
		case OPT_CUR_NO_PROGRESS:
			bar = 0;
			break;
		default:
			if (curate_option("curate", c, optarg, &o, &rc) ||
			    cli_common_option("curate", c, optarg, &po, &o.thresholds, &rc)) {
				if (rc)
					return rc;
				break;
			}
			return cli_usage_error("curate", "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("curate", "unexpected argument '%s'", argv[optind]);
	if (!report)
		return cli_usage_error("curate", "--report is required (curate only reports; export writes)");
	po.readonly = true;
	curate_progress_setup(&o, bar);
	if ((rc = cli_open(&po, &p)))
		return rc;
	o.out_dir = NULL;
	if (pipeline_export(p, &o, &res, err, sizeof(err))) {
		cli_error("%s", err);
		pipeline_close(p);
		return EXIT_DATA;
	}
	if (json)
		cli_print_json(res.report);
	else
		print_report(res.report);
	json_decref(res.report);
	pipeline_close(p);
	return EXIT_OK;
}
