/* cmd_export: write the high-quality examples as a fine-tuning dataset. */
#include "cmd/cli.h"
#include "cmd/cmd.h"
#include "core/format.h"
#include "pipeline/pipeline.h"

#include <stdio.h>
#include <string.h>

const char cmd_export_usage[] =
	"usage: cerberus export --out DIR [OPTIONS]\n"
	"\n"
	"Write the high-quality examples as DIR/train.jsonl and DIR/validation.jsonl\n"
	"in OpenAI chat fine-tuning format ({\"messages\":[...]} per line), and\n"
	"DIR/manifest.json (counts, thresholds, split rule and seed, sha256 of each file).\n"
	"The split is by conversation and deterministic: the same store and options\n"
	"give byte-identical files, and adding conversations never moves one between\n"
	"train and validation.\n"
	"\n"
	"Options:\n"
	CLI_STORE_HELP
	CLI_THRESHOLD_HELP
	"  --out DIR            output directory (created if missing)\n"
	"  --format NAME        openai (default)\n"
	"  --val-fraction F     share of conversations in validation (default 0.1)\n"
	"  --seed N             split seed (default 0)\n"
	"\n"
	"Example:\n"
	"  cerberus export --out dataset/ --val-fraction 0.05 --seed 7\n";

enum { OPT_OUT = OPT_CMD_BASE, OPT_FORMAT, OPT_VAL, OPT_SEED };

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_STORE_OPTIONS,
		CLI_THRESHOLD_OPTIONS,
		{ "out", required_argument, NULL, OPT_OUT },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "val-fraction", required_argument, NULL, OPT_VAL },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ 0 }
	};
	struct pipeline_options po;
	struct pipeline *p;
	struct export_options o = { 0 };
	struct export_result res;
	char err[512];
	long seed = 0;
	int c, rc;

	if ((rc = cli_pipeline_defaults("export", &po)))
		return rc;
	quality_thresholds_default(&o.thresholds);
	o.format = "openai";
	o.val_fraction = 0.1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case OPT_HELP:
			return cli_help(cmd_export_usage);
		case OPT_OUT:
			o.out_dir = optarg;
			break;
		case OPT_FORMAT:
			if (!format_known(optarg))
				return cli_usage_error("export", "unknown format '%s' (known: openai)", optarg);
			o.format = optarg;
			break;
		case OPT_VAL:
			if (!cli_parse_double(optarg, 0, 1, &o.val_fraction))
				return cli_usage_error("export", "--val-fraction: expected a number from 0 to 1");
			break;
		case OPT_SEED:
			if (!cli_parse_long(optarg, 0, 0x7fffffffffffffffL, &seed))
				return cli_usage_error("export", "--seed: expected a non-negative integer");
			break;
		default:
			if (cli_common_option("export", c, optarg, &po, &o.thresholds, &rc)) {
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
	o.seed = (uint64_t)seed;
	if ((rc = cli_open(&po, &p)))
		return rc;
	if (pipeline_export(p, &o, &res, err, sizeof(err))) {
		cli_error("%s", err);
		pipeline_close(p);
		return EXIT_DATA;
	}
	printf("exported %ld high-quality examples of %ld conversations: %ld train, %ld validation -> %s/\n",
	       res.train + res.validation, res.considered, res.train, res.validation, o.out_dir);
	pipeline_close(p);
	return EXIT_OK;
}
