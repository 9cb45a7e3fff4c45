/* cmd_feedback: record 1-5 star ratings. */
#include "cmd/cli.h"
#include "cmd/cmd.h"
#include "pipeline/pipeline.h"
#include "util/lines.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

const char cmd_feedback_usage[] =
	"usage: cerberus feedback [OPTIONS] CONVERSATION_ID RATING [--comment TEXT] [--user USER_ID]\n"
	"       cerberus feedback [OPTIONS] --file FILE|-\n"
	"\n"
	"Record a rating of 1 to 5 stars. One rating counts per (conversation, user):\n"
	"a later rating by the same user replaces the earlier one; ratings without\n"
	"--user count as one anonymous rater. The user id is pseudonymized and the\n"
	"comment scrubbed before they are stored. With --file, each line is\n"
	"  {\"conversation_id\", \"rating\", \"comment\"?, \"user_id\"?}\n"
	"bad lines are reported with their number and reason, good ones stored, and\n"
	"the exit status is then 1.\n"
	"\n"
	"Options:\n"
	CLI_STORE_HELP
	"  --comment TEXT       a comment to keep with the rating\n"
	"  --user USER_ID       who rated (raw id; it is pseudonymized)\n"
	"  --file FILE          read ratings as JSON Lines ('-' for standard input)\n"
	"\n"
	"Examples:\n"
	"  cerberus feedback conv-42 5 --comment 'fixed my CORS error' --user alice\n"
	"  cerberus feedback --file ratings.jsonl\n";

enum { OPT_COMMENT = OPT_CMD_BASE, OPT_USER, OPT_FILE };

static int from_file(struct pipeline *p, const char *path)
{
	struct line_reader lr;
	const char *name = strcmp(path, "-") ? path : "<stdin>", *line;
	long stored = 0, replaced = 0, bad = 0;
	bool seen = false;
	size_t len;
	char err[512];
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	int rc = EXIT_OK, lrc;

	if (!f) {
		cli_error("cannot open '%s': %s", path, strerror(errno));
		return EXIT_DATA;
	}
	if (line_reader_init(&lr, f, PIPE_DEFAULT_MAX_LINE)) {
		cli_error("out of memory");
		rc = EXIT_DATA;
		goto out;
	}
	if (pipeline_begin(p, err, sizeof(err))) {
		cli_error("%s", err);
		rc = EXIT_DATA;
		goto out;
	}
	while ((lrc = line_next(&lr, &line, &len)) != LINE_EOF) {
		struct feedback_request req;
		struct feedback_result res;
		json_t *holder;
		int prc;

		if (lrc == LINE_ERROR) {
			cli_error("%s: read error after line %ld: %s", name, lr.lineno, strerror(lr.error));
			rc = EXIT_DATA;
			break;
		}
		if (lrc == LINE_TOO_LONG) {
			seen = true;
			cli_error("%s:%ld: line too long; skipped", name, lr.lineno);
			bad++;
			continue;
		}
		if (line_is_blank(line, len))
			continue;
		seen = true;
		prc = pipeline_feedback_parse(line, len, &req, &holder, err, sizeof(err));
		if (!prc)
			prc = pipeline_feedback(p, &req, &res, err, sizeof(err));
		json_decref(holder);
		if (prc == PIPE_EINPUT || prc == PIPE_ENOTFOUND || prc == PIPE_ESCRUB) {
			cli_error("%s:%ld: %s", name, lr.lineno, err);
			bad++;
			continue;
		}
		if (prc) {
			cli_error("%s:%ld: %s", name, lr.lineno, err);
			pipeline_rollback(p);
			rc = EXIT_DATA;
			stored = replaced = 0;
			goto summary;
		}
		stored++;
		replaced += res.replaced;
	}
	if (pipeline_commit(p, err, sizeof(err))) {
		cli_error("%s", err);
		stored = replaced = 0;
		rc = EXIT_DATA;
	}
summary:
	if (!seen && rc == EXIT_OK) {
		cli_error("%s: empty input, no ratings", name);
		rc = EXIT_DATA;
	}
	if (bad)
		rc = EXIT_DATA;
	fprintf(stderr, "%s: recorded %ld rating%s (%ld replaced), %ld bad line%s\n", name, stored,
		stored == 1 ? "" : "s", replaced, bad, bad == 1 ? "" : "s");
out:
	line_reader_release(&lr);
	if (f != stdin)
		fclose(f);
	return rc;
}

int cmd_feedback(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_STORE_OPTIONS,
		{ "comment", required_argument, NULL, OPT_COMMENT },
		{ "user", required_argument, NULL, OPT_USER },
		{ "file", required_argument, NULL, OPT_FILE },
		{ 0 }
	};
	struct pipeline_options po;
	struct pipeline *p = NULL;
	struct feedback_request req = { 0 };
	struct feedback_result res;
	const char *file = NULL;
	char err[512];
	long rating;
	int c, rc;

	if ((rc = cli_pipeline_defaults("feedback", &po)))
		return rc;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case OPT_HELP:
			return cli_help(cmd_feedback_usage);
		case OPT_COMMENT:
			req.comment = optarg;
			break;
		case OPT_USER:
			req.user_id = optarg;
			break;
		case OPT_FILE:
			file = optarg;
			break;
		default:
			if (cli_common_option("feedback", c, optarg, &po, NULL, &rc)) {
				if (rc)
					return rc;
				break;
			}
			return cli_usage_error("feedback", "unknown option");
		}
	}
	if (file) {
		if (optind < argc || req.comment || req.user_id)
			return cli_usage_error("feedback", "--file takes no other arguments");
		if ((rc = cli_open(&po, &p)))
			return rc;
		rc = from_file(p, file);
		pipeline_close(p);
		return rc;
	}
	if (argc - optind != 2)
		return cli_usage_error("feedback", "expected CONVERSATION_ID RATING");
	req.conversation_id = argv[optind];
	if (!cli_parse_long(argv[optind + 1], 1, 5, &rating))
		return cli_usage_error("feedback", "rating '%s' is not an integer from 1 to 5", argv[optind + 1]);
	req.rating = (int)rating;
	if ((rc = cli_open(&po, &p)))
		return rc;
	rc = pipeline_feedback(p, &req, &res, err, sizeof(err));
	if (rc) {
		cli_error("%s", err);
		pipeline_close(p);
		return EXIT_DATA;
	}
	printf("%s rating %d for %s (mean %.2f over %ld rating%s)\n", res.replaced ? "replaced" : "recorded",
	       req.rating, req.conversation_id, res.rating_mean, res.rating_count, res.rating_count == 1 ? "" : "s");
	pipeline_close(p);
	return EXIT_OK;
}
