/* cmd_log: ingest conversations from JSON Lines. */
#include "cmd/cli.h"
#include "cmd/cmd.h"
#include "pipeline/pipeline.h"
#include "util/buf.h"
#include "util/lines.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>
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
	"  --jobs N             threads that parse and scrub (default: the CPU count)\n"
	"  --scrub-mode M       what replaces PII: placeholder (<EMAIL_1>, numbered per\n"
	"                       conversation; default), hash (<EMAIL_3fa2c1d0>, keyed,\n"
	"                       stable across conversations) or mask (****)\n"
	"  -q, --quiet          no per-line notes, only errors and the summary\n"
	"\n"
	"Example:\n"
	"  cerberus log conversations.jsonl\n"
	"  cerberus synth --count 1000 | cerberus log -\n";

enum { OPT_MAX_LINE = OPT_CMD_BASE, OPT_BATCH, OPT_DURABLE, OPT_JOBS, OPT_SCRUB_MODE };

/* Lines are read in chunks; one chunk is prepared (parsed, scrubbed...) on
 * all cores while the previous one is written, in order, by this thread. */
#define CHUNK_LINES 1024
#define CHUNK_BYTES ((size_t)8 << 20)

enum line_kind { K_RECORD, K_TOO_LONG, K_BLANK };

struct chunk {
	struct buf arena;           /* the lines' bytes */
	size_t n;
	size_t off[CHUNK_LINES];
	size_t len[CHUNK_LINES];
	long lineno[CHUNK_LINES];
	enum line_kind kind[CHUNK_LINES];
	const char *json[CHUNK_LINES];
	struct ingest_prep prep[CHUNK_LINES];
	/* preparation thread */
	const struct pipeline *p;
	int jobs;
	pthread_t tid;
	bool running;
};

struct log_state {
	const char *name;
	struct line_reader lr;
	bool eof, read_error, lines_seen, quiet;
	long batch, in_batch, pending, pending_replaced;
	struct log_totals {
		long stored, replaced, bad;
		struct scrub_counts redactions;
	} t;
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

static void chunk_reset(struct chunk *c)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->kind[i] == K_RECORD)
			ingest_prep_release(&c->prep[i]);
	c->n = 0;
	buf_reset(&c->arena);
}

/* Fill c with the next lines. Returns false on a read error. */
static bool read_chunk(struct log_state *s, struct chunk *c)
{
	const char *line;
	size_t len;

	chunk_reset(c);
	while (!s->eof && c->n < CHUNK_LINES && c->arena.len < CHUNK_BYTES) {
		int lrc = line_next(&s->lr, &line, &len);

		if (lrc == LINE_EOF) {
			s->eof = true;
			break;
		}
		if (lrc == LINE_ERROR) {
			cli_error("%s: read error after line %ld: %s", s->name, s->lr.lineno, strerror(s->lr.error));
			s->eof = s->read_error = true;
			return false;
		}
		c->lineno[c->n] = s->lr.lineno;
		c->off[c->n] = c->arena.len;
		c->len[c->n] = 0;
		if (lrc == LINE_TOO_LONG) {
			s->lines_seen = true;
			c->kind[c->n++] = K_TOO_LONG;
			continue;
		}
		if (line_is_blank(line, len)) {
			c->kind[c->n++] = K_BLANK;
			continue;
		}
		s->lines_seen = true;
		if (buf_append(&c->arena, line, len) || buf_putc(&c->arena, '\0')) {
			cli_error("out of memory");
			s->eof = s->read_error = true;
			return false;
		}
		c->len[c->n] = len;
		c->kind[c->n++] = K_RECORD;
	}
	return true;
}

static void *prepare_chunk(void *arg)
{
	struct chunk *c = arg;
	const char *json[CHUNK_LINES];
	size_t len[CHUNK_LINES], idx[CHUNK_LINES], n = 0;
	static struct ingest_prep none;

	/* compact the records (not blank or too-long lines) for the workers */
	for (size_t i = 0; i < c->n; i++) {
		if (c->kind[i] != K_RECORD)
			continue;
		json[n] = c->arena.data + c->off[i];
		len[n] = c->len[i];
		idx[n++] = i;
	}
	{
		struct ingest_prep *tmp = malloc((n ? n : 1) * sizeof(*tmp));
		if (!tmp) {
			for (size_t k = 0; k < n; k++) {
				c->prep[idx[k]] = none;
				c->prep[idx[k]].rc = PIPE_ENOMEM;
				snprintf(c->prep[idx[k]].err, sizeof(c->prep[idx[k]].err), "out of memory");
			}
			return NULL;
		}
		pipeline_prepare_many(c->p, json, len, tmp, n, c->jobs);
		for (size_t k = 0; k < n; k++)
			c->prep[idx[k]] = tmp[k];
		free(tmp);
	}
	return NULL;
}

static void start_prepare(struct chunk *c)
{
	c->running = pthread_create(&c->tid, NULL, prepare_chunk, c) == 0;
	if (!c->running)
		prepare_chunk(c);
}

static void wait_prepare(struct chunk *c)
{
	if (c->running)
		pthread_join(c->tid, NULL);
	c->running = false;
}

/* Write a prepared chunk in order. Returns false when the store failed. */
static bool write_chunk(struct pipeline *p, struct log_state *s, struct chunk *c)
{
	char err[512];

	for (size_t i = 0; i < c->n; i++) {
		struct ingest_result res;
		int prc;

		if (c->kind[i] == K_BLANK)
			continue;
		if (c->kind[i] == K_TOO_LONG) {
			cli_error("%s:%ld: line longer than %zu bytes; skipped", s->name, c->lineno[i], s->lr.max);
			s->t.bad++;
			continue;
		}
		if (c->prep[i].rc == PIPE_EINPUT || c->prep[i].rc == PIPE_ESCRUB) {
			cli_error("%s:%ld: %s", s->name, c->lineno[i], c->prep[i].err);
			s->t.bad++;
			continue;
		}
		if (s->in_batch == 0 && pipeline_begin(p, err, sizeof(err))) {
			cli_error("%s", err);
			return false;
		}
		prc = pipeline_store_prepared(p, &c->prep[i], &res, err, sizeof(err));
		if (prc) {
			cli_error("%s:%ld: %s", s->name, c->lineno[i], err);
			pipeline_rollback(p);
			s->in_batch = s->pending = s->pending_replaced = 0;
			return false;
		}
		if (res.replaced && !s->quiet)
			fprintf(stderr, "%s:%ld: replaced existing conversation '%s'\n", s->name, c->lineno[i],
				res.conversation_id);
		for (unsigned k = 0; k < SCRUB_NTYPES; k++)
			s->t.redactions.n[k] += res.redactions.n[k];
		s->pending++;
		s->pending_replaced += res.replaced;
		if (++s->in_batch >= s->batch) {
			if (pipeline_commit(p, err, sizeof(err))) {
				cli_error("%s", err);
				s->in_batch = s->pending = s->pending_replaced = 0;
				return false;
			}
			s->t.stored += s->pending;
			s->t.replaced += s->pending_replaced;
			s->in_batch = s->pending = s->pending_replaced = 0;
		}
	}
	return true;
}

static int default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 16 ? 16 : (int)n;
}

int cmd_log(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_STORE_OPTIONS,
		{ "max-line-bytes", required_argument, NULL, OPT_MAX_LINE },
		{ "batch", required_argument, NULL, OPT_BATCH },
		{ "durable", no_argument, NULL, OPT_DURABLE },
		{ "jobs", required_argument, NULL, OPT_JOBS },
		{ "scrub-mode", required_argument, NULL, OPT_SCRUB_MODE },
		{ "quiet", no_argument, NULL, 'q' },
		{ 0 }
	};
	struct pipeline_options po;
	struct pipeline *p = NULL;
	struct log_state s;
	struct chunk *cur = NULL, *next = NULL, *tmp;
	uint64_t max_line = PIPE_DEFAULT_MAX_LINE;
	long jobs = default_jobs();
	char err[512];
	FILE *f = stdin;
	bool ok = true, read_ok;
	int c, rc;

	memset(&s, 0, sizeof(s));
	s.name = "<stdin>";
	s.batch = 2000;
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
			if (!cli_parse_long(optarg, 1, 1000000, &s.batch))
				return cli_usage_error("log", "--batch: expected an integer from 1 to 1000000");
			break;
		case OPT_JOBS:
			if (!cli_parse_long(optarg, 1, 16, &jobs))
				return cli_usage_error("log", "--jobs: expected an integer from 1 to 16");
			break;
		case OPT_DURABLE:
			po.durable = true;
			break;
		case OPT_SCRUB_MODE: {
			int m = scrub_mode_from_name(optarg);
			if (m < 0)
				return cli_usage_error("log", "--scrub-mode: expected placeholder, hash or mask");
			po.scrub_mode = (enum scrub_mode)m;
			break;
		}
		case 'q':
			s.quiet = true;
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
		s.name = argv[optind];
		if (!(f = fopen(s.name, "rb"))) {
			cli_error("cannot open '%s': %s", s.name, strerror(errno));
			return EXIT_DATA;
		}
	}
	if ((rc = cli_open(&po, &p)))
		goto done;
	cur = calloc(1, sizeof(*cur));
	next = calloc(1, sizeof(*next));
	if (!cur || !next || line_reader_init(&s.lr, f, (size_t)max_line)) {
		cli_error("out of memory");
		rc = EXIT_DATA;
		goto done;
	}
	buf_init(&cur->arena, 0);
	buf_init(&next->arena, 0);
	cur->p = next->p = p;
	cur->jobs = next->jobs = (int)jobs;

	/* after a read error the lines read so far are still stored and
	 * committed: only a store failure rolls back the open batch */
	read_ok = read_chunk(&s, cur);
	if (cur->n)
		start_prepare(cur);
	while (ok && cur->n) {
		if (read_ok)
			read_ok = read_chunk(&s, next);
		else
			chunk_reset(next);
		wait_prepare(cur);
		if (next->n)
			start_prepare(next);
		ok = write_chunk(p, &s, cur);
		tmp = cur, cur = next, next = tmp;
	}
	wait_prepare(cur);
	wait_prepare(next);
	if (ok && s.in_batch > 0) {
		if (pipeline_commit(p, err, sizeof(err))) {
			cli_error("%s", err);
			ok = false;
		} else {
			s.t.stored += s.pending;
			s.t.replaced += s.pending_replaced;
		}
	}
	ok = ok && read_ok;
	rc = ok ? EXIT_OK : EXIT_DATA;
	if (ok && !s.lines_seen) {
		cli_error("%s: empty input, nothing logged", s.name);
		rc = EXIT_DATA;
	}
	if (s.t.bad)
		rc = EXIT_DATA;
	print_summary(s.name, &s.t);
done:
	if (cur) {
		chunk_reset(cur);
		buf_release(&cur->arena);
	}
	if (next) {
		chunk_reset(next);
		buf_release(&next->arena);
	}
	free(cur);
	free(next);
	line_reader_release(&s.lr);
	pipeline_close(p);
	if (f != stdin)
		fclose(f);
	return rc;
}
