/* cmd_purge: delete the conversations older than a retention period. */
#include "cmd/cli.h"
#include "cmd/cmd.h"
#include "pipeline/pipeline.h"
#include "util/timeutil.h"

#include <stdio.h>

const char cmd_purge_usage[] =
	"usage: cerberus purge --older-than DURATION [--json]\n"
	"\n"
	"Retention: delete every conversation created more than DURATION before\n"
	"now (--now), with its text and ratings.\n"
	"\n"
	"Options:\n"
	"  --older-than D       a number with a unit: s, m, h, d (days) or w (weeks), e.g. 90d\n"
	"  --json               print {\"conversations_deleted\", \"ratings_deleted\", \"cutoff\"}\n"
	CLI_STORE_HELP
	"\n"
	"Example:\n"
	"  cerberus purge --older-than 90d\n";

enum { OPT_OLDER = OPT_CMD_BASE };

int cmd_purge(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_STORE_OPTIONS,
		{ "older-than", required_argument, NULL, OPT_OLDER },
		{ "json", no_argument, NULL, OPT_JSON },
		{ 0 },
	};
	struct pipeline_options po;
	struct pipeline *p;
	struct erase_result res;
	int64_t secs = -1, cutoff;
	bool json = false;
	char err[512], ts[21];
	int c, rc;

	if ((rc = cli_pipeline_defaults("purge", &po)))
		return rc;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == OPT_HELP)
			return cli_help(cmd_purge_usage);
		if (c == OPT_OLDER) {
			if (!cli_parse_duration(optarg, &secs))
				return cli_usage_error("purge", "--older-than: expected a duration such as 90d, 12h or 2w");
			continue;
		}
		if (c == OPT_JSON) {
			json = true;
			continue;
		}
		if (cli_common_option("purge", c, optarg, &po, NULL, &rc)) {
			if (rc)
				return rc;
			continue;
		}
		return cli_usage_error("purge", "unknown option");
	}
	if (secs < 0 || optind < argc)
		return cli_usage_error("purge", "expected --older-than DURATION and nothing else");
	po.durable = true;
	if ((rc = cli_open(&po, &p)))
		return rc;
	cutoff = pipeline_now(p) - secs;
	time_format_rfc3339(cutoff, ts);
	if (pipeline_purge(p, cutoff, &res, err, sizeof(err))) {
		cli_error("%s", err);
		pipeline_close(p);
		return EXIT_DATA;
	}
	if (json)
		printf("{\"conversations_deleted\": %ld, \"ratings_deleted\": %ld, \"cutoff\": \"%s\"}\n",
		       res.conversations, res.ratings, ts);
	else
		printf("purged %ld conversations and %ld ratings created before %s\n", res.conversations, res.ratings,
		       ts);
	pipeline_close(p);
	return EXIT_OK;
}
