/*
 * cmd_synth: `cerberus synth`, realistic synthetic conversations (and
 * ratings) for tests, demos and benchmarks.
 *
 * Parses options into struct synth_opts and writes the lines from
 * core/synth in index order. Every line depends only on the options and
 * its index, so blocks of lines are generated on several threads and the
 * output is byte for byte the same whatever --jobs says.
 * Not for: generating anything the pipeline stores itself.
 */
#include "cmd/cli.h"
#include "cmd/cmd.h"
#include "core/synth.h"
#include "util/buf.h"
#include "util/timeutil.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char cmd_synth_usage[] =
	"usage: cerberus synth [--count N] [--seed S] [--days D] [--now TIME]\n"
	"                      [--shape mixed|messages|simple] [--feedback FILE]\n"
	"                      [--pii-rate F] [--short-rate F] [--incomplete-rate F]\n"
	"                      [--dup-rate F] [--near-dup-rate F] [--near-dup-sim S]\n"
	"                      [--hard-negative-rate F]\n"
	"                      [--feedback-rate F] [--users N] [--start I] [--jobs N]\n"
	"\n"
	"Write N synthetic developer-assistant conversations to standard output, one\n"
	"JSON object per line, in the shapes 'cerberus log' accepts: about 70% with a\n"
	"\"messages\" list (sometimes a system prompt, a tool call or several turns),\n"
	"30% with \"question\"/\"answer\". Topics cover Python, JavaScript, TypeScript,\n"
	"Go, Rust, Java, C, C++, C#, PHP, Ruby, SQL, Bash, YAML and Dockerfiles with\n"
	"their frameworks. Each line's metadata.synth records what was planted (PII\n"
	"types, short or incomplete answer, hard negatives, duplicate source) so tests\n"
	"can check detection. The same options always give the same bytes.\n"
	"\n"
	"Options:\n"
	"  --count N            conversations to write (default 100)\n"
	"  --seed S             random seed, 0..2^64-1 (default 1); ids are syn-S-INDEX\n"
	"  --days D             spread created_at over the D days before --now, busier\n"
	"                       toward the end and during working hours (default 30)\n"
	"  --now TIME           end of that window, RFC 3339 (default: $CERBERUS_NOW,\n"
	"                       else the current time)\n"
	"  --shape SHAPE        mixed (default), messages or simple\n"
	"  --feedback FILE      also write ratings (JSON Lines) to FILE\n"
	"  --feedback-rate F    share of conversations rated, 0..1 (default 0.6)\n"
	"  --pii-rate F         share with e-mail addresses, phone numbers, public IPs,\n"
	"                       card numbers or API keys (default 0.1)\n"
	"  --short-rate F       share whose final answer is under 50 characters (0.08)\n"
	"  --incomplete-rate F  share cut off, failed, empty or ending on a user\n"
	"                       message (default 0.05)\n"
	"  --dup-rate F         share repeating an earlier line's question and answer\n"
	"                       exactly, under a new id (default 0)\n"
	"  --near-dup-rate F    share varying an earlier line: words replaced so that the\n"
	"                       Jaccard similarity of the word 5-gram sets of question and\n"
	"                       answer is about --near-dup-sim (default 0)\n"
	"  --near-dup-sim S     that similarity, above 0 and at most 1 (default 0.85)\n"
	"  --hard-negative-rate F  share of PII-free lines with look-alikes that are not\n"
	"                       PII: versions, private IPs, SHAs, UUIDs (default 0.2)\n"
	"  --users N            size of the user pool, zipf-distributed (default 200)\n"
	"  --start I            index of the first line (default 0), to generate a big\n"
	"                       set in parts: timestamps follow the whole I+N range\n"
	"  --jobs N             threads (default: the number of CPUs, at most 8)\n"
	"  -h, --help           show this help\n"
	"\n"
	"Example:\n"
	"  cerberus synth --count 1000 --seed 7 --feedback ratings.jsonl > convs.jsonl\n";

enum {
	OPT_COUNT = OPT_CMD_BASE, OPT_SEED, OPT_DAYS, OPT_SYNTH_NOW, OPT_SHAPE,
	OPT_FEEDBACK, OPT_FEEDBACK_RATE, OPT_PII_RATE, OPT_SHORT_RATE,
	OPT_INCOMPLETE_RATE, OPT_DUP_RATE, OPT_NEAR_DUP_RATE, OPT_NEAR_DUP_SIM, OPT_HARD_NEGATIVE_RATE, OPT_USERS,
	OPT_START, OPT_JOBS,
};

static const struct option long_options[] = {
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "days", required_argument, NULL, OPT_DAYS },
	{ "now", required_argument, NULL, OPT_SYNTH_NOW },
	{ "shape", required_argument, NULL, OPT_SHAPE },
	{ "feedback", required_argument, NULL, OPT_FEEDBACK },
	{ "feedback-rate", required_argument, NULL, OPT_FEEDBACK_RATE },
	{ "pii-rate", required_argument, NULL, OPT_PII_RATE },
	{ "short-rate", required_argument, NULL, OPT_SHORT_RATE },
	{ "incomplete-rate", required_argument, NULL, OPT_INCOMPLETE_RATE },
	{ "dup-rate", required_argument, NULL, OPT_DUP_RATE },
	{ "near-dup-rate", required_argument, NULL, OPT_NEAR_DUP_RATE },
	{ "near-dup-sim", required_argument, NULL, OPT_NEAR_DUP_SIM },
	{ "hard-negative-rate", required_argument, NULL, OPT_HARD_NEGATIVE_RATE },
	{ "users", required_argument, NULL, OPT_USERS },
	{ "start", required_argument, NULL, OPT_START },
	{ "jobs", required_argument, NULL, OPT_JOBS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Lines per block; a block (about 2 MB) is one unit of work for a thread. */
#define BLOCK_LINES 1024
#define MAX_JOBS 64

/* One block of lines, generated into its own buffers. */
struct block {
	const struct synth_opts *o;
	uint64_t first, n;
	bool feedback;
	struct buf conv, fb;
	int rc;
	uint64_t failed;   /* index of the line that failed */
	pthread_t tid;
	bool threaded;     /* tid must be joined */
};

static void fill_block(struct block *b)
{
	buf_reset(&b->conv);
	buf_reset(&b->fb);
	b->rc = 0;
	for (uint64_t i = b->first; i < b->first + b->n; i++) {
		b->failed = i;
		if ((b->rc = synth_conversation(b->o, i, &b->conv, NULL)) ||
		    (b->rc = buf_putc(&b->conv, '\n')))
			return;
		if (b->feedback && (b->rc = synth_feedback(b->o, i, &b->fb)))
			return;
	}
}

static void *fill_block_thread(void *arg)
{
	fill_block(arg);
	return NULL;
}

/* Start filling b; on a thread when use_thread, else right here. */
static void start_block(struct block *b, bool use_thread)
{
	b->threaded = use_thread && !pthread_create(&b->tid, NULL, fill_block_thread, b);
	if (!b->threaded)
		fill_block(b);
}

static void finish_block(struct block *b)
{
	if (b->threaded)
		pthread_join(b->tid, NULL);
	b->threaded = false;
}

static bool parse_seed(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

static bool parse_rate(const char *s, double *out)
{
	return cli_parse_double(s, 0.0, 1.0, out);
}

static const char *synth_strerror(int rc)
{
	switch (rc) {
	case BUF_NOMEM:
		return "out of memory";
	case BUF_TOO_LARGE:
		return "line too large";
	case SYNTH_BAD_OPTS:
		return "options out of range";
	default:
		return "unknown error";
	}
}

static int default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

/*
 * Generate lines [start, start + count) with jobs threads: blocks are
 * filled a round at a time (jobs blocks per round), and while one round
 * is written out the next one is already being generated.
 */
static int run(const struct synth_opts *o, uint64_t start, uint64_t count, int jobs,
	       FILE *fb)
{
	uint64_t nblocks = (count + BLOCK_LINES - 1) / BLOCK_LINES, rounds;
	struct block *blocks;
	int rc = EXIT_OK;
	bool threads;

	if (!count)
		return EXIT_OK;
	if ((uint64_t)jobs > nblocks)
		jobs = (int)nblocks;
	threads = jobs > 1;
	rounds = (nblocks + (uint64_t)jobs - 1) / (uint64_t)jobs;
	blocks = calloc(2 * (size_t)jobs, sizeof *blocks);
	if (!blocks) {
		cli_error("synth: out of memory");
		return EXIT_DATA;
	}
	for (int i = 0; i < 2 * jobs; i++) {
		buf_init(&blocks[i].conv, 0);
		buf_init(&blocks[i].fb, 0);
		blocks[i].o = o;
		blocks[i].feedback = fb != NULL;
	}
	for (uint64_t r = 0; r <= rounds; r++) {
		/* start round r (if any), then write round r - 1 */
		if (r < rounds && rc == EXIT_OK) {
			for (int j = 0; j < jobs; j++) {
				struct block *b = &blocks[(r % 2) * (size_t)jobs + (size_t)j];
				uint64_t k = r * (uint64_t)jobs + (uint64_t)j;

				b->n = 0;
				if (k >= nblocks)
					continue;
				b->first = start + k * BLOCK_LINES;
				b->n = count - k * BLOCK_LINES < BLOCK_LINES ? count - k * BLOCK_LINES
									     : BLOCK_LINES;
				start_block(b, threads);
			}
		}
		if (r == 0)
			continue;
		for (int j = 0; j < jobs; j++) {
			struct block *b = &blocks[((r - 1) % 2) * (size_t)jobs + (size_t)j];

			finish_block(b);
			if (!b->n || rc != EXIT_OK)
				continue;
			if (b->rc) {
				cli_error("synth: cannot generate line %llu: %s",
					  (unsigned long long)b->failed, synth_strerror(b->rc));
				rc = EXIT_DATA;
				continue;
			}
			if (fwrite(b->conv.data, 1, b->conv.len, stdout) != b->conv.len) {
				cli_error("synth: cannot write to standard output: %s", strerror(errno));
				rc = EXIT_DATA;
			} else if (fb && b->fb.len && fwrite(b->fb.data, 1, b->fb.len, fb) != b->fb.len) {
				cli_error("synth: cannot write the feedback file: %s", strerror(errno));
				rc = EXIT_DATA;
			}
		}
	}
	/* a failed round stops new rounds; join whatever is still running */
	for (int i = 0; i < 2 * jobs; i++) {
		finish_block(&blocks[i]);
		buf_release(&blocks[i].conv);
		buf_release(&blocks[i].fb);
	}
	free(blocks);
	return rc;
}

int cmd_synth(int argc, char **argv)
{
	struct synth_opts o;
	const char *feedback_path = NULL;
	long count = 100, start = 0, days, users, jobs = 0;
	FILE *fb = NULL;
	bool now_set = false;
	int c, rc;

	synth_opts_default(&o);
	optind = 0;  /* reset getopt: commands may run more than once per process */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", long_options, NULL)) != -1) {
		switch (c) {
		case OPT_COUNT:
			if (!cli_parse_long(optarg, 0, LONG_MAX, &count))
				return cli_usage_error("synth", "--count wants a number >= 0, not '%s'", optarg);
			break;
		case OPT_SEED:
			if (!parse_seed(optarg, &o.seed))
				return cli_usage_error("synth", "--seed wants a number 0..2^64-1, not '%s'", optarg);
			break;
		case OPT_DAYS:
			if (!cli_parse_long(optarg, 1, 36500, &days))
				return cli_usage_error("synth", "--days wants 1..36500, not '%s'", optarg);
			o.days = days;
			break;
		case OPT_SYNTH_NOW:
			if (time_parse_rfc3339(optarg, strlen(optarg), &o.now))
				return cli_usage_error("synth", "--now wants an RFC 3339 time such as 2026-11-20T14:03:11Z, not '%s'", optarg);
			now_set = true;
			break;
		case OPT_SHAPE:
			if ((rc = synth_shape_from_name(optarg)) < 0)
				return cli_usage_error("synth", "--shape wants mixed, messages or simple, not '%s'", optarg);
			o.shape = (enum synth_shape)rc;
			break;
		case OPT_FEEDBACK:
			feedback_path = optarg;
			break;
		case OPT_FEEDBACK_RATE:
			if (!parse_rate(optarg, &o.feedback_rate))
				return cli_usage_error("synth", "--feedback-rate wants 0..1, not '%s'", optarg);
			break;
		case OPT_PII_RATE:
			if (!parse_rate(optarg, &o.pii_rate))
				return cli_usage_error("synth", "--pii-rate wants 0..1, not '%s'", optarg);
			break;
		case OPT_SHORT_RATE:
			if (!parse_rate(optarg, &o.short_rate))
				return cli_usage_error("synth", "--short-rate wants 0..1, not '%s'", optarg);
			break;
		case OPT_INCOMPLETE_RATE:
			if (!parse_rate(optarg, &o.incomplete_rate))
				return cli_usage_error("synth", "--incomplete-rate wants 0..1, not '%s'", optarg);
			break;
		case OPT_DUP_RATE:
			if (!parse_rate(optarg, &o.dup_rate))
				return cli_usage_error("synth", "--dup-rate wants 0..1, not '%s'", optarg);
			break;
		case OPT_NEAR_DUP_RATE:
			if (!parse_rate(optarg, &o.near_dup_rate))
				return cli_usage_error("synth", "--near-dup-rate wants 0..1, not '%s'", optarg);
			break;
		case OPT_NEAR_DUP_SIM:
			if (!parse_rate(optarg, &o.near_dup_sim) || !(o.near_dup_sim > 0))
				return cli_usage_error("synth", "--near-dup-sim wants a number above 0 and at most 1, not '%s'",
						       optarg);
			break;
		case OPT_HARD_NEGATIVE_RATE:
			if (!parse_rate(optarg, &o.hard_negative_rate))
				return cli_usage_error("synth", "--hard-negative-rate wants 0..1, not '%s'", optarg);
			break;
		case OPT_USERS:
			if (!cli_parse_long(optarg, 1, 10000000, &users))
				return cli_usage_error("synth", "--users wants 1..10000000, not '%s'", optarg);
			o.users = (unsigned)users;
			break;
		case OPT_START:
			if (!cli_parse_long(optarg, 0, LONG_MAX, &start))
				return cli_usage_error("synth", "--start wants a number >= 0, not '%s'", optarg);
			break;
		case OPT_JOBS:
			if (!cli_parse_long(optarg, 1, MAX_JOBS, &jobs))
				return cli_usage_error("synth", "--jobs wants 1..%d, not '%s'", MAX_JOBS, optarg);
			break;
		case 'h':
			return cli_help(cmd_synth_usage);
		case ':':
			return cli_usage_error("synth", "option '%s' needs a value", argv[optind - 1]);
		default:
			if (optopt > 0 && optopt < 256)
				return cli_usage_error("synth", "unknown option '-%c'", optopt);
			return cli_usage_error("synth", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("synth", "unexpected argument '%s'", argv[optind]);
	if (count > LONG_MAX - start)
		return cli_usage_error("synth", "--start plus --count is too large");
	if (!now_set) {
		const char *env = getenv("CERBERUS_NOW");

		if (env && *env) {
			if (time_parse_rfc3339(env, strlen(env), &o.now))
				return cli_usage_error("synth", "CERBERUS_NOW wants an RFC 3339 time, not '%s'", env);
		} else {
			o.now = (int64_t)time(NULL);
		}
	}
	o.total = (uint64_t)start + (uint64_t)count;
	if (synth_opts_check(&o))
		return cli_usage_error("synth", "--now minus --days falls outside years 1..9999");
	if (!jobs)
		jobs = default_jobs();
	if (feedback_path) {
		fb = fopen(feedback_path, "w");
		if (!fb) {
			cli_error("synth: cannot open '%s': %s", feedback_path, strerror(errno));
			return EXIT_DATA;
		}
	}
	rc = run(&o, (uint64_t)start, (uint64_t)count, (int)jobs, fb);
	if (fflush(stdout) || ferror(stdout)) {
		if (rc == EXIT_OK)
			cli_error("synth: cannot write to standard output: %s", strerror(errno));
		rc = EXIT_DATA;
	}
	if (fb && fclose(fb)) {
		if (rc == EXIT_OK)
			cli_error("synth: cannot write '%s': %s", feedback_path, strerror(errno));
		rc = EXIT_DATA;
	}
	return rc;
}
