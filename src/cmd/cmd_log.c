/* cmd_log: ingest conversations from JSON Lines. */
#include "cmd/cli.h"
#include "cmd/cmd.h"
#include "pipeline/pipeline.h"
#include "util/lines.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

const char cmd_log_usage[] =
	"usage: cerberus log [OPTIONS] [FILE|-]\n"
	"\n"
	"Ingest conversations, one JSON object per line, from FILE (or standard input).\n"
	"Each line is either\n"
	"  {\"conversation_id\"?, \"user_id\", \"session_id\"?, \"created_at\"?, \"model\"?,\n"
	"   \"messages\":[{\"role\":\"system|user|assistant|tool\",\"content\",\"finish_reason\"?}],\n"
	"   \"metadata\"?}\n"
	"or the simple shape\n"
	"  {\"conversation_id\"?, \"user_id\", \"question\", \"answer\", \"context\"?,\n"
	"   \"language\"?, \"framework\"?, \"created_at\"?}\n"
	"User and session ids are replaced by keyed pseudonyms and every text is scrubbed\n"
	"of PII before anything is written. A record whose conversation_id exists\n"
	"replaces it (its ratings are kept). Bad lines are reported with their number and\n"
	"skipped; every good line is stored; the exit status is then 1.\n"
	"\n"
	"Options:\n"
	CLI_STORE_HELP
	"  --max-line-bytes N   longest accepted line (default 1M; K, M, G suffixes)\n"
	"  --batch N            records per transaction (default 2000)\n"
	"  --durable            fsync every commit\n"
	"  -q, --quiet          no per-line notes, only errors and the summary\n"
	"\n"
	"Example:\n"
	"  cerberus log conversations.jsonl\n"
	"  cerberus synth --count 1000 | cerberus log -\n";

enum { OPT_MAX_LINE = OPT_CMD_BASE, OPT_BATCH, OPT_DURABLE };

struct log_totals {
	long stored, replaced, bad;
	struct scrub_counts redactions;
};

static void print_summary(const char *name, const struct log_totals *t)
{
	fprintf(stderr, "%s: logged %ld conversation%s (%ld replaced), %ld bad line%s", name, t->stored,
		t->stored == 1 ? "" : "s", t->replaced, t->bad, t->bad == 1 ? "" : "s");
	for (unsigned i = 0, first = 1; i < SCRUB_NTYPES; i++) {
		if (!t->redactions.n[i])
			continue;
		fprintf(stderr, "%s%s %u", first ? "; redacted " : ", ", scrub_type_name((enum scrub_type)i),
			t->redactions.n[i]);
		first = 0;
	}
	fputc('\n', stderr);
}

int cmd_log(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_STORE_OPTIONS,
		{ "max-line-bytes", required_argument, NULL, OPT_MAX_LINE },
		{ "batch", required_argument, NULL, OPT_BATCH },
		{ "durable", no_argument, NULL, OPT_DURABLE },
		{ "quiet", no_argument, NULL, 'q' },
		{ 0 }
	};
	struct pipeline_options po;
	struct pipeline *p = NULL;
	struct line_reader lr;
	struct log_totals t = { 0 };
	const char *path = "-", *name = "<stdin>", *line;
	uint64_t max_line = PIPE_DEFAULT_MAX_LINE;
	long batch = 2000, in_batch = 0, pending = 0, pending_replaced = 0;
	size_t len;
	bool quiet = false, lines_seen = false;
	char err[512];
	FILE *f = stdin;
	int c, rc, lrc;

	if ((rc = cli_pipeline_defaults("log", &po)))
		return rc;
	optind = 1;
	while ((c = getopt_long(argc, argv, "q", opts, NULL)) != -1) {
		switch (c) {
		case OPT_HELP:
			return cli_help(cmd_log_usage);
		case OPT_MAX_LINE:
			if (!cli_parse_size(optarg, &max_line) || max_line == 0 || max_line > ((uint64_t)1 << 32))
				return cli_usage_error("log", "--max-line-bytes: expected a size such as 1M");
			break;
		case OPT_BATCH:
			if (!cli_parse_long(optarg, 1, 1000000, &batch))
				return cli_usage_error("log", "--batch: expected an integer from 1 to 1000000");
			break;
		case OPT_DURABLE:
			po.durable = true;
			break;
		case 'q':
			quiet = true;
			break;
		default:
			if (cli_common_option("log", c, optarg, &po, NULL, &rc)) {
				if (rc)
					return rc;
				break;
			}
			return cli_usage_error("log", "unknown option");
		}
	}
	if (argc - optind > 1)
		return cli_usage_error("log", "expected at most one FILE");
	if (optind < argc && strcmp(argv[optind], "-")) {
		path = name = argv[optind];
		if (!(f = fopen(path, "rb"))) {
			cli_error("cannot open '%s': %s", path, strerror(errno));
			return EXIT_DATA;
		}
	}
	if ((rc = cli_open(&po, &p)))
		goto done;
	if (line_reader_init(&lr, f, (size_t)max_line)) {
		cli_error("out of memory");
		rc = EXIT_DATA;
		goto done;
	}
	(void)path;
	rc = EXIT_OK;
	for (;;) {
		struct ingest_result res;
		int prc;

		lrc = line_next(&lr, &line, &len);
		if (lrc == LINE_EOF)
			break;
		if (lrc == LINE_ERROR) {
			cli_error("%s: read error after line %ld: %s", name, lr.lineno, strerror(lr.error));
			rc = EXIT_DATA;
			break;
		}
		lines_seen = true;
		if (lrc == LINE_TOO_LONG) {
			cli_error("%s:%ld: line longer than %llu bytes; skipped", name, lr.lineno,
				  (unsigned long long)max_line);
			t.bad++;
			continue;
		}
		if (strspn(line, " \t\r") == len && !memchr(line, '\0', len))
			continue;  /* blank line */
		if (in_batch == 0 && pipeline_begin(p, err, sizeof(err))) {
			cli_error("%s", err);
			rc = EXIT_DATA;
			break;
		}
		prc = pipeline_ingest(p, line, len, &res, err, sizeof(err));
		if (prc == PIPE_EINPUT || prc == PIPE_ESCRUB) {
			cli_error("%s:%ld: %s", name, lr.lineno, err);
			t.bad++;
			if (in_batch == 0)
				pipeline_rollback(p);
			continue;
		}
		if (prc) {
			cli_error("%s:%ld: %s", name, lr.lineno, err);
			pipeline_rollback(p);
			in_batch = pending = pending_replaced = 0;
			rc = EXIT_DATA;
			break;
		}
		if (res.replaced && !quiet)
			fprintf(stderr, "%s:%ld: replaced existing conversation '%s'\n", name, lr.lineno,
				res.conversation_id);
		for (unsigned i = 0; i < SCRUB_NTYPES; i++)
			t.redactions.n[i] += res.redactions.n[i];
		pending++;
		pending_replaced += res.replaced;
		if (++in_batch >= batch) {
			if (pipeline_commit(p, err, sizeof(err))) {
				cli_error("%s", err);
				in_batch = pending = pending_replaced = 0;
				rc = EXIT_DATA;
				break;
			}
			t.stored += pending;
			t.replaced += pending_replaced;
			in_batch = pending = pending_replaced = 0;
		}
	}
	if (in_batch > 0) {
		if (pipeline_commit(p, err, sizeof(err))) {
			cli_error("%s", err);
			rc = EXIT_DATA;
		} else {
			t.stored += pending;
			t.replaced += pending_replaced;
		}
	}
	line_reader_release(&lr);
	if (!lines_seen && rc == EXIT_OK) {
		cli_error("%s: empty input, nothing logged", name);
		rc = EXIT_DATA;
	}
	if (t.bad)
		rc = EXIT_DATA;
	print_summary(name, &t);
done:
	pipeline_close(p);
	if (f != stdin)
		fclose(f);
	return rc;
}
