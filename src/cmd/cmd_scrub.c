/*
 * cmd_scrub: `cerberus scrub`, the scrubber on any text, for anyone
 * (pre-commit hooks, CI, cleaning a log before sharing it).
 *
 * The input is read in chunks of about 8 MiB cut after a newline (never
 * inside a private key block), so memory stays bounded on a 1 GB file; one
 * line may be up to 1 GiB. All chunks share one replacement context, so a
 * value gets the same placeholder everywhere in the input. No store is
 * needed; --mode hash needs a key (--key-file or $CERBERUS_KEY).
 */
#include "cmd/cli.h"
#include "cmd/cmd.h"
#include "core/pseudo.h"
#include "core/scrub.h"
#include "util/buf.h"
#include "util/jsonw.h"
#include "util/utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char cmd_scrub_usage[] =
	"usage: cerberus scrub [FILE|-] [--json] [--check] [--rules] [--mode MODE]\n"
	"\n"
	"Find PII and secrets (e-mail addresses, phone numbers, public IP addresses,\n"
	"cards, IBANs, private keys, passwords, cloud and SaaS tokens, ...) in FILE\n"
	"(default: standard input) and print the text with each value replaced by a\n"
	"typed placeholder; the same value gets the same placeholder (<EMAIL_1>).\n"
	"\n"
	"Options:\n"
	"  --json               print {\"text\": scrubbed, \"findings\": [{\"type\", \"start\",\n"
	"                       \"end\"}, ...]} with byte offsets into the input\n"
	"  --check              print nothing; exit 1 when anything is found, 0 when clean\n"
	"                       (for pre-commit hooks and CI)\n"
	"  --rules              list the types the scrubber finds and exit\n"
	"  --mode MODE          placeholder (<EMAIL_1>, default), hash (<EMAIL_3fa2c1d0>,\n"
	"                       keyed, stable across inputs) or mask (***)\n"
	"  --key-file PATH      the key for --mode hash (default: $CERBERUS_KEY, 64 hex digits)\n"
	"  --all-ips            also report loopback, private, documentation and\n"
	"                       resolver addresses (kept by default)\n"
	"\n"
	"Exit status: 0 success (clean, with --check), 1 found (--check) or unreadable\n"
	"input, 2 usage error.\n"
	"\n"
	"Examples:\n"
	"  cerberus scrub app.log > app.clean.log\n"
	"  git diff --cached | cerberus scrub --check || echo 'secrets staged'\n";

enum { OPT_CHECK = OPT_CMD_BASE, OPT_RULES, OPT_MODE, OPT_ALL_IPS };

#define CHUNK ((size_t)8 << 20)
#define LINE_MAX_BYTES ((size_t)1 << 30)
#define PEM_WINDOW 17000

struct scrub_run {
	struct scrub_ctx *ctx;
	bool json, check;
	struct buf out;
	struct scrub_findings all;   /* --json: offsets into the whole input */
	size_t base;                 /* input offset of the current chunk */
	size_t nfound;
};

static int load_key(const char *path, struct pseudo_key *key)
{
	char text[256];
	const char *env = getenv("CERBERUS_KEY");
	ssize_t n;
	int fd;

	if (!path || !*path) {
		if (env && *env && !pseudo_key_from_hex(env, strlen(env), key))
			return 0;
		cli_error("--mode hash needs a key: --key-file PATH or $CERBERUS_KEY (64 hex digits)");
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		cli_error("cannot open key file '%s': %s", path, strerror(errno));
		return -1;
	}
	n = read(fd, text, sizeof text);
	close(fd);
	if (n < 0 || pseudo_key_from_hex(text, (size_t)n, key)) {
		cli_error("key file '%s' is malformed: expected 64 hex digits", path);
		return -1;
	}
	return 0;
}

/* Append p[0, n) to out as the inside of a JSON string; bytes that are not
 * UTF-8 become U+FFFD (the offsets still count input bytes). */
static int json_text(struct buf *out, const char *p, size_t n, struct buf *tmp)
{
	while (n) {
		size_t bad = n;
		bool ok = utf8_valid(p, n, &bad);
		size_t good = ok ? n : bad;

		buf_reset(tmp);
		if (jsonw_string(tmp, p, good) || buf_append(out, tmp->data + 1, tmp->len - 2))
			return -1;
		if (ok)
			break;
		if (buf_puts(out, "\\ufffd"))
			return -1;
		p += good + 1;
		n -= good + 1;
	}
	return 0;
}

static int write_all(const char *p, size_t n)
{
	return n && fwrite(p, 1, n, stdout) != n ? -1 : 0;
}

/* Scrub one chunk and write (or keep) its output. */
static int run_chunk(struct scrub_run *r, const char *p, size_t n, struct buf *tmp)
{
	struct scrub_findings f = { 0 };
	size_t before = r->all.n;
	int rc;

	buf_reset(&r->out);
	rc = scrub_ctx_text(r->ctx, p, n, &r->out, NULL, r->json ? &r->all : &f);
	if (rc) {
		scrub_findings_release(&f);
		cli_error("scrubbing failed near byte %zu%s", r->base,
			  rc == BUF_TOO_LARGE ? ": output too large" : ": out of memory or engine error");
		return -1;
	}
	if (r->json) {
		for (size_t k = before; k < r->all.n; k++) {
			r->all.v[k].start += r->base;
			r->all.v[k].end += r->base;
		}
		r->nfound = r->all.n;
	} else {
		r->nfound += f.n;
	}
	scrub_findings_release(&f);
	r->base += n;
	if (r->check)
		return 0;
	if (r->json) {
		struct buf esc;

		buf_init(&esc, 0);
		rc = json_text(&esc, r->out.data ? r->out.data : "", r->out.len, tmp) ||
		     write_all(esc.data, esc.len) ? -1 : 0;
		buf_release(&esc);
		return rc;
	}
	return write_all(r->out.data, r->out.len);
}

/* Where to cut the buffer: after the last newline, but before an
 * unterminated private key block. 0 when no safe cut exists yet. */
static size_t cut_point(const char *p, size_t n)
{
	const char *nl = memrchr(p, '\n', n), *b;
	size_t cut, from;

	if (!nl)
		return 0;
	cut = (size_t)(nl - p) + 1;
	from = cut > PEM_WINDOW ? cut - PEM_WINDOW : 0;
	b = memmem(p + from, cut - from, "-----BEGIN ", 11);
	while (b) {
		const char *next = memmem(b + 11, (size_t)(p + cut - b - 11), "-----BEGIN ", 11);

		if (!next)
			break;
		b = next;
	}
	if (b && !memmem(b, (size_t)(p + cut - b), "-----END ", 9))
		cut = (size_t)(b - p);
	return cut;
}

static int scrub_stream(struct scrub_run *r, int fd, const char *name)
{
	struct buf in, tmp;
	size_t want = CHUNK, cut;
	bool eof = false;
	int rc = -1;

	buf_init(&in, LINE_MAX_BYTES + CHUNK);
	buf_init(&tmp, 0);
	for (;;) {
		while (!eof && in.len < want) {
			ssize_t got;

			if (buf_grow(&in, 1 << 20)) {
				cli_error("%s: a line longer than 1 GiB", name);
				goto out;
			}
			got = read(fd, in.data + in.len, in.cap - in.len - 1);
			if (got < 0 && errno == EINTR)
				continue;
			if (got < 0) {
				cli_error("cannot read %s: %s", name, strerror(errno));
				goto out;
			}
			eof = got == 0;
			in.len += (size_t)got;
		}
		cut = eof ? in.len : cut_point(in.data, in.len);
		if (!cut && !eof) {
			/* no newline yet: the chunk grows until one arrives */
			if (in.len >= LINE_MAX_BYTES) {
				cli_error("%s: a line longer than 1 GiB", name);
				goto out;
			}
			want = in.len * 2;
			continue;
		}
		if (cut && run_chunk(r, in.data, cut, &tmp))
			goto out;
		memmove(in.data, in.data + cut, in.len - cut);
		in.len -= cut;
		want = CHUNK;
		if (eof)
			break;
	}
	rc = 0;
out:
	buf_release(&in);
	buf_release(&tmp);
	return rc;
}

static void print_rules(void)
{
	for (int t = 0; t < SCRUB_NTYPES; t++)
		printf("%-20s %s\n", scrub_type_name((enum scrub_type)t), scrub_type_summary((enum scrub_type)t));
}

int cmd_scrub(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "rules", no_argument, NULL, OPT_RULES },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "all-ips", no_argument, NULL, OPT_ALL_IPS },
		{ "key-file", required_argument, NULL, OPT_KEY_FILE },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	struct scrub_run r = { 0 };
	struct scrub_options so = { 0 };
	struct scrubber *s = NULL;
	struct pseudo_key key;
	const char *key_file = NULL, *path = "-";
	int mode = SCRUB_MODE_PLACEHOLDER, opt, rc = EXIT_DATA, fd = 0;
	bool rules = false;
	char err[256];

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_JSON: r.json = true; break;
		case OPT_CHECK: r.check = true; break;
		case OPT_RULES: rules = true; break;
		case OPT_ALL_IPS: so.report_kept_ips = true; break;
		case OPT_KEY_FILE: key_file = optarg; break;
		case OPT_MODE:
			if ((mode = scrub_mode_from_name(optarg)) < 0)
				return cli_usage_error("scrub", "--mode must be placeholder, hash or mask, not '%s'", optarg);
			break;
		case OPT_HELP: return cli_help(cmd_scrub_usage);
		default: return cli_usage_error("scrub", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		path = argv[optind++];
	if (optind < argc)
		return cli_usage_error("scrub", "one input at most, got '%s' too", argv[optind]);
	if (rules) {
		print_rules();
		/* where the rules' database came from, on stderr: stdout is the list */
		if ((s = scrubber_new_opts(&so, err, sizeof err))) {
			fprintf(stderr, "rule database: %s\n", scrubber_db_embedded(s) ?
				"compiled at build time" : "compiled at start-up");
			scrubber_free(s);
		}
		return EXIT_OK;
	}
	if (r.json && r.check)
		return cli_usage_error("scrub", "--json and --check do not go together");
	if (mode == SCRUB_MODE_HASH && load_key(key_file, &key))
		return EXIT_USAGE;
	if (strcmp(path, "-") && (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		cli_error("cannot open '%s': %s", path, strerror(errno));
		return EXIT_DATA;
	}
	if (!(s = scrubber_new_opts(&so, err, sizeof err))) {
		cli_error("%s", err);
		goto out;
	}
	r.ctx = scrub_ctx_new(s, (enum scrub_mode)mode, mode == SCRUB_MODE_HASH ? key.k : NULL,
			      mode == SCRUB_MODE_HASH ? PSEUDO_KEY_LEN : 0);
	if (!r.ctx) {
		cli_error("out of memory");
		goto out;
	}
	buf_init(&r.out, 0);
	if (r.json && fputs("{\"text\":\"", stdout) == EOF)
		goto out;
	if (scrub_stream(&r, fd, strcmp(path, "-") ? path : "standard input"))
		goto out;
	if (r.json) {
		printf("\",\"findings\":[");
		for (size_t k = 0; k < r.all.n; k++)
			printf("%s{\"type\":\"%s\",\"start\":%zu,\"end\":%zu}", k ? "," : "",
			       scrub_type_name(r.all.v[k].type), r.all.v[k].start, r.all.v[k].end);
		printf("]}\n");
	}
	if (fflush(stdout) || ferror(stdout)) {
		cli_error("cannot write the output: %s", strerror(errno));
		goto out;
	}
	rc = r.check && r.nfound ? EXIT_DATA : EXIT_OK;
out:
	if (fd > 0)
		close(fd);
	buf_release(&r.out);
	scrub_findings_release(&r.all);
	scrub_ctx_free(r.ctx);
	scrubber_free(s);
	return rc;
}
