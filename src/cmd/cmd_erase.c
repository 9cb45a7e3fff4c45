/* cmd_erase: delete every conversation and rating of one user. */
#include "cmd/cli.h"
#include "cmd/cmd.h"
#include "pipeline/pipeline.h"

#include <stdio.h>

const char cmd_erase_usage[] =
	"usage: cerberus erase --user USER_ID [--json]\n"
	"\n"
	"Right to erasure: delete every conversation of the user with this raw id,\n"
	"with their text and ratings, and every rating the user gave. The id is\n"
	"pseudonymized with the store's key, as at ingest; it is never stored.\n"
	"Prints the numbers of conversations and ratings deleted.\n"
	"\n"
	"Options:\n"
	"  --user USER_ID       the user's raw id, as sent with the conversations\n"
	"  --json               print {\"conversations_deleted\", \"ratings_deleted\"}\n"
	CLI_STORE_HELP
	"\n"
	"Example:\n"
	"  cerberus erase --user alice@example.com\n";

enum { OPT_USER = OPT_CMD_BASE };

int cmd_erase(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_STORE_OPTIONS,
		{ "user", required_argument, NULL, OPT_USER },
		{ "json", no_argument, NULL, OPT_JSON },
		{ 0 },
	};
	struct pipeline_options po;
	struct pipeline *p;
	struct erase_result res;
	const char *user = NULL;
	bool json = false;
	char err[512];
	int c, rc;

	if ((rc = cli_pipeline_defaults("erase", &po)))
		return rc;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == OPT_HELP)
			return cli_help(cmd_erase_usage);
		if (c == OPT_USER) {
			user = optarg;
			continue;
		}
		if (c == OPT_JSON) {
			json = true;
			continue;
		}
		if (cli_common_option("erase", c, optarg, &po, NULL, &rc)) {
			if (rc)
				return rc;
			continue;
		}
		return cli_usage_error("erase", "unknown option");
	}
	if (!user || optind < argc)
		return cli_usage_error("erase", "expected --user USER_ID and nothing else");
	po.durable = true;
	if ((rc = cli_open(&po, &p)))
		return rc;
	if (pipeline_erase_user(p, user, &res, err, sizeof(err))) {
		cli_error("%s", err);
		pipeline_close(p);
		return EXIT_DATA;
	}
	if (json)
		printf("{\"conversations_deleted\": %ld, \"ratings_deleted\": %ld}\n", res.conversations, res.ratings);
	else
		printf("erased %ld conversations and %ld ratings\n", res.conversations, res.ratings);
	pipeline_close(p);
	return EXIT_OK;
}
