/* cmd_export: curate the stored examples and write a fine-tuning dataset. */
#include "cmd/cli.h"
#include "cmd/cmd.h"
#include "cmd/curate_opts.h"
#include "core/format.h"
#include "pipeline/pipeline.h"

#include <stdio.h>
#include <string.h>

const char cmd_export_usage[] =
	"usage: cerberus export --out DIR [OPTIONS]\n"
	"\n"
	"Curate the high-quality examples and write DIR/train.jsonl and\n"
	"DIR/validation.jsonl in the chosen format, DIR/contamination.json (what the\n"
	"overlap checks dropped) and DIR/manifest.json (options, counts removed by each\n"
	"step, dedup parameters, split rule, token statistics, the OpenAI checks of the\n"
	"output, sha256 of each file and of the store state). Steps: the quality\n"
	"criteria, heuristic filters, exact and near-duplicate removal (MinHash over word\n"
	"5-grams, LSH, verified by exact Jaccard), a per-prompt cap, a leak-free split\n"
	"(groups by conversation, prompt, near-duplicate cluster and optionally user,\n"
	"assigned by a hash of the group key: deterministic and stable as data is added),\n"
	"decontamination and a 13-gram check of validation against train.\n"
	"`cerberus curate --report` explains the same run without writing a dataset.\n"
	"Exit status 1 when the output fails the OpenAI checks.\n"
	"\n"
	"Options:\n"
	CLI_STORE_HELP
	CLI_THRESHOLD_HELP
	"  --out DIR            output directory (created if missing)\n"
	CURATE_HELP
	"\n"
	"Examples:\n"
	"  cerberus export --out dataset/ --val-fraction 0.05 --seed 7\n"
	"  cerberus export --out prefs/ --format dpo-trl --decontaminate humaneval.jsonl\n";

enum { OPT_OUT = OPT_CMD_BASE };

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_STORE_OPTIONS,
		CLI_THRESHOLD_OPTIONS,
		CURATE_OPTIONS,
		{ "out", required_argument, NULL, OPT_OUT },
		{ 0 }
	};
	struct pipeline_options po;
	struct pipeline *p;
	struct export_options o;
	struct export_result res;
	char err[512];
	int c, rc, bar = 1;

	if ((rc = cli_pipeline_defaults("export", &po)))
		return rc;
	export_options_default(&o);
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case OPT_HELP:
			return cli_help(cmd_export_usage);
		case OPT_OUT:
			o.out_dir = optarg;
			break;
		case OPT_CUR_NO_PROGRESS:
			bar = 0;
			break;
		default:
			if (curate_option("export", c, optarg, &o, &rc) ||
			    cli_common_option("export", c, optarg, &po, &o.thresholds, &rc)) {
				if (rc)
					return rc;
				break;
			}
			return cli_usage_error("export", "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("export", "unexpected argument '%s'", argv[optind]);
	if (!o.out_dir || !*o.out_dir)
		return cli_usage_error("export", "--out DIR is required");
	curate_progress_setup(&o, bar);
	if ((rc = cli_open(&po, &p)))
		return rc;
	if (pipeline_export(p, &o, &res, err, sizeof(err))) {
		cli_error("%s", err);
		pipeline_close(p);
		return EXIT_DATA;
	}
	if (format_is_pair((enum format_kind)format_kind(o.format)))
		printf("exported %ld preference pairs from %ld conversations: %ld train, %ld validation -> %s/\n",
		       res.train + res.validation, res.considered, res.train, res.validation, o.out_dir);
	else
		printf("exported %ld examples of %ld conversations (%ld failed the quality criteria, %ld removed by "
		       "curation): %ld train, %ld validation -> %s/\n",
		       res.train + res.validation, res.considered, res.rejected, res.removed, res.train,
		       res.validation, o.out_dir);
	json_decref(res.report);
	pipeline_close(p);
	if (res.check_errors) {
		cli_error("the output failed the OpenAI data checks %ld times (see manifest.json)", res.check_errors);
		return EXIT_DATA;
	}
	return EXIT_OK;
}
