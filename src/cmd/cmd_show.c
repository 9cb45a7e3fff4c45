/* cmd_show: print one stored conversation with its ratings and verdict. */
#include "cmd/cli.h"
#include "cmd/cmd.h"
#include "pipeline/pipeline.h"

#include <stdio.h>

const char cmd_show_usage[] =
	"usage: cerberus show [OPTIONS] CONVERSATION_ID\n"
	"\n"
	"Print a stored conversation as JSON: pseudonymous user and session, scrubbed\n"
	"messages, detected languages and frameworks, redaction counts, ratings and\n"
	"the quality verdict with its reasons.\n"
	"\n"
	"Options:\n"
	CLI_STORE_HELP
	CLI_THRESHOLD_HELP
	"\n"
	"Example:\n"
	"  cerberus show conv-42\n";

int cmd_show(int argc, char **argv)
{
	static const struct option opts[] = { CLI_STORE_OPTIONS, CLI_THRESHOLD_OPTIONS, { 0 } };
	struct pipeline_options po;
	struct pipeline *p;
	struct quality_thresholds qt;
	json_t *out;
	char err[512];
	int c, rc;

	if ((rc = cli_pipeline_defaults("show", &po)))
		return rc;
	quality_thresholds_default(&qt);
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == OPT_HELP)
			return cli_help(cmd_show_usage);
		if (cli_common_option("show", c, optarg, &po, &qt, &rc)) {
			if (rc)
				return rc;
			continue;
		}
		return cli_usage_error("show", "unknown option");
	}
	if (argc - optind != 1)
		return cli_usage_error("show", "expected one CONVERSATION_ID");
	if ((rc = cli_open(&po, &p)))
		return rc;
	if (pipeline_show(p, argv[optind], &qt, &out, err, sizeof(err))) {
		cli_error("%s", err);
		pipeline_close(p);
		return EXIT_DATA;
	}
	rc = cli_print_json(out);
	json_decref(out);
	pipeline_close(p);
	return rc;
}
