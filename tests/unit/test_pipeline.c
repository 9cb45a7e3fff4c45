/* Tests of the pipeline API over a real SQLite store in a temporary dir. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pipeline/pipeline.h"
#include "util/buf.h"

static char dir[64];
static char store_path[128];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/cerberus-test-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(store_path, sizeof(store_path), "%s/t.db", dir);
	unsetenv("CERBERUS_KEY");
	unsetenv("CERBERUS_KEY_FILE");
	unsetenv("CERBERUS_STORE");
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	(void)system(cmd);
}

static struct pipeline *open_p(bool create)
{
	struct pipeline_options o = { 0 };
	struct pipeline *p = NULL;
	char err[512];

	o.store_path = store_path;
	o.create = create;
	o.now = 1795183391;  /* 2026-11-20T14:03:11Z */
	cr_assert_eq(pipeline_open(&o, &p, err, sizeof(err)), PIPE_OK, "%s", err);
	return p;
}

static int ingest(struct pipeline *p, const char *json, struct ingest_result *r)
{
	char err[512];
	struct ingest_result tmp;

	return pipeline_ingest(p, json, strlen(json), r ? r : &tmp, err, sizeof(err));
}

static bool file_contains(const char *path, const char *needle)
{
	FILE *f = fopen(path, "rb");
	struct buf b = BUF_INIT;
	char chunk[65536];
	size_t n;
	bool found;

	if (!f)
		return false;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	found = b.len && memmem(b.data, b.len, needle, strlen(needle));
	buf_release(&b);
	return found;
}

#define LONG_ANSWER "Use the CORSMiddleware from fastapi.middleware.cors and list the allowed origins explicitly."

TestSuite(pipeline, .init = setup, .fini = teardown);

Test(pipeline, open_requires_init)
{
	struct pipeline_options o = { 0 };
	struct pipeline *p;
	char err[512];

	o.store_path = store_path;
	cr_assert_neq(pipeline_open(&o, &p, err, sizeof(err)), PIPE_OK);
	cr_assert(strstr(err, "cerberus init"), "%s", err);
}

Test(pipeline, init_creates_private_key_and_detects_wrong_key)
{
	struct pipeline *p = open_p(true);
	struct pipeline_options o = { 0 };
	char keyfile[160], err[512];
	struct stat sb;

	cr_assert(p->key_created);
	snprintf(keyfile, sizeof(keyfile), "%s/t.key", dir);
	cr_assert_str_eq(p->key_path, keyfile);
	cr_assert_eq(stat(keyfile, &sb), 0);
	cr_assert_eq(sb.st_mode & 0777, 0600);
	pipeline_close(p);
	p = open_p(false);
	cr_assert_not(p->key_created);
	pipeline_close(p);

	setenv("CERBERUS_KEY", "0101010101010101010101010101010101010101010101010101010101010101", 1);
	o.store_path = store_path;
	cr_assert_eq(pipeline_open(&o, &p, err, sizeof(err)), PIPE_EKEY);
	cr_assert(strstr(err, "fingerprint"), "%s", err);
	setenv("CERBERUS_KEY", "nothex", 1);
	cr_assert_eq(pipeline_open(&o, &p, err, sizeof(err)), PIPE_EKEY);
	unsetenv("CERBERUS_KEY");
	chmod(keyfile, 0644);
	cr_assert_eq(pipeline_open(&o, &p, err, sizeof(err)), PIPE_EKEY);
	cr_assert(strstr(err, "chmod 600"), "%s", err);
}

Test(pipeline, raw_identifiers_and_pii_never_reach_disk)
{
	struct pipeline *p = open_p(true);
	struct ingest_result r;
	char path[160];

	pipeline_begin(p, NULL, 0);
	cr_assert_eq(ingest(p, "{\"conversation_id\":\"c1\",\"user_id\":\"alice.raw-id-7731\","
			       "\"session_id\":\"sess-raw-4242\",\"messages\":["
			       "{\"role\":\"user\",\"content\":\"mail me at bob.smith@acme-corp.com\"},"
			       "{\"role\":\"assistant\",\"content\":\"" LONG_ANSWER "\"}],"
			       "\"metadata\":{\"owner\":\"carol.jones@acme-corp.com\"}}", &r), PIPE_OK);
	cr_assert_eq(r.redactions.n[SCRUB_EMAIL], 2);
	cr_assert_eq(r.reasons, 0);
	pipeline_commit(p, NULL, 0);
	/* look in the WAL before a checkpoint folds it into the main file */
	snprintf(path, sizeof(path), "%s-wal", store_path);
	cr_assert_not(file_contains(path, "alice.raw-id-7731"));
	cr_assert_not(file_contains(path, "sess-raw-4242"));
	cr_assert_not(file_contains(path, "bob.smith@acme-corp.com"));
	cr_assert(file_contains(path, "<EMAIL_1>"), "the WAL is where the row is");
	pipeline_close(p);
	cr_assert_not(file_contains(store_path, "alice.raw-id-7731"));
	cr_assert_not(file_contains(store_path, "carol.jones"));
}

Test(pipeline, replace_keeps_ratings_and_bad_input_writes_nothing)
{
	struct pipeline *p = open_p(true);
	struct ingest_result r;
	struct feedback_request fr = { "c1", 2, NULL, "rater" };
	struct feedback_result res;
	char err[512];
	json_t *s;
	struct stats_options so = { { 4, 50 }, 7 };

	cr_assert_eq(ingest(p, "{\"conversation_id\":\"c1\",\"user_id\":\"u\",\"question\":\"q\",\"answer\":\""
			       LONG_ANSWER "\"}", &r), PIPE_OK);
	cr_assert_not(r.replaced);
	cr_assert_eq(pipeline_feedback(p, &fr, &res, err, sizeof(err)), PIPE_OK, "%s", err);
	cr_assert_eq(res.reasons, Q_LOW_RATING);
	cr_assert_eq(ingest(p, "{\"conversation_id\":\"c1\",\"user_id\":\"u\",\"question\":\"q2\",\"answer\":\""
			       LONG_ANSWER "\"}", &r), PIPE_OK);
	cr_assert(r.replaced);
	cr_assert_eq(r.reasons, Q_LOW_RATING, "the rating survives a replace");
	cr_assert_eq(ingest(p, "{\"user_id\":\"u\",\"question\":5}", NULL), PIPE_EINPUT);
	cr_assert_eq(ingest(p, "{\"user_id\":\"u\",\"question\":\"\xff\",\"answer\":\"a\"}", NULL), PIPE_EINPUT);
	cr_assert_eq(pipeline_stats(p, &so, &s, err, sizeof(err)), PIPE_OK);
	cr_assert_eq(json_integer_value(json_object_get(s, "conversations")), 1);
	json_decref(s);
	pipeline_close(p);
}

Test(pipeline, feedback_rules)
{
	struct pipeline *p = open_p(true);
	struct feedback_request fr = { "c1", 5, "great, thanks - call me at +1 415 555 2671", "alice" };
	struct feedback_result res;
	char err[512];
	json_t *show;
	struct quality_thresholds qt = { 4, 50 };

	cr_assert_eq(ingest(p, "{\"conversation_id\":\"c1\",\"user_id\":\"u\",\"question\":\"q\",\"answer\":\""
			       LONG_ANSWER "\"}", NULL), PIPE_OK);
	cr_assert_eq(pipeline_feedback(p, &fr, &res, err, sizeof(err)), PIPE_OK, "%s", err);
	cr_assert_not(res.replaced);
	fr.rating = 3;
	cr_assert_eq(pipeline_feedback(p, &fr, &res, err, sizeof(err)), PIPE_OK);
	cr_assert(res.replaced, "one rating per (conversation, user)");
	cr_assert_eq(res.rating_count, 1);
	fr.user_id = "bob";
	fr.rating = 5;
	cr_assert_eq(pipeline_feedback(p, &fr, &res, err, sizeof(err)), PIPE_OK);
	cr_assert_eq(res.rating_count, 2);
	cr_assert_float_eq(res.rating_mean, 4.0, 1e-9);
	cr_assert_eq(res.reasons, 0);
	fr.conversation_id = "nope";
	cr_assert_eq(pipeline_feedback(p, &fr, &res, err, sizeof(err)), PIPE_ENOTFOUND);
	cr_assert(strstr(err, "unknown conversation"), "%s", err);
	fr.conversation_id = "c1";
	fr.rating = 6;
	cr_assert_eq(pipeline_feedback(p, &fr, &res, err, sizeof(err)), PIPE_EINPUT);
	fr.rating = 0;
	cr_assert_eq(pipeline_feedback(p, &fr, &res, err, sizeof(err)), PIPE_EINPUT);
	cr_assert_eq(pipeline_show(p, "c1", &qt, &show, err, sizeof(err)), PIPE_OK, "%s", err);
	{
		char *dump = json_dumps(show, 0);
		cr_assert_null(strstr(dump, "415 555"), "comment scrubbed: %s", dump);
		cr_assert_not_null(strstr(dump, "<PHONE_1>"));
		cr_assert_null(strstr(dump, "alice"));
		free(dump);
	}
	json_decref(show);
	pipeline_close(p);
}

Test(pipeline, feedback_parse_errors)
{
	struct feedback_request req;
	json_t *h;
	char err[256];
	static const char *const bad[] = {
		"", "[]", "{\"rating\":4}", "{\"conversation_id\":\"c\"}", "{\"conversation_id\":\"c\",\"rating\":4.5}",
		"{\"conversation_id\":\"c\",\"rating\":\"4\"}", "{\"conversation_id\":\"c\",\"rating\":9}",
		"{\"conversation_id\":1,\"rating\":4}", "{\"conversation_id\":\"c\",\"rating\":4,\"comment\":[]}",
		"{\"conversation_id\":\"c\",\"rating\":4,\"user_id\":7}", "{\"conversation_id\":\"\xc3\",\"rating\":4}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(pipeline_feedback_parse(bad[i], strlen(bad[i]), &req, &h, err, sizeof(err)),
			     PIPE_EINPUT, "case %zu", i);
	{
		const char *ok = "{\"conversation_id\":\"c\",\"rating\":4,\"comment\":null}";
		cr_assert_eq(pipeline_feedback_parse(ok, strlen(ok), &req, &h, err, sizeof(err)), PIPE_OK, "%s", err);
	}
	cr_assert_eq(req.rating, 4);
	json_decref(h);
}

static void read_file(const char *path, struct buf *b)
{
	FILE *f = fopen(path, "rb");
	char chunk[4096];
	size_t n;

	cr_assert_not_null(f, "%s", path);
	buf_reset(b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(b, chunk, n);
	fclose(f);
}

/* A word for i made of letters (numbers all normalise to 0). */
static const char *word_of(int i, char *w)
{
	int k = 0;

	do {
		w[k++] = (char)('a' + i % 26);
		i /= 26;
	} while (i);
	w[k] = '\0';
	return w;
}

Test(pipeline, export_is_deterministic_and_split_by_conversation)
{
	struct pipeline *p = open_p(true);
	struct export_options eo;
	struct export_result er;
	struct buf a = BUF_INIT, b = BUF_INIT, line = BUF_INIT;
	char out1[160], out2[160], path[200], err[512];

	pipeline_begin(p, NULL, 0);
	for (int i = 0; i < 500; i++) {
		buf_reset(&line);
		char w[16];
		buf_printf(&line, "{\"conversation_id\":\"c%d\",\"user_id\":\"u%d\",\"question\":\"question %s\","
				  "\"answer\":\"%s\"}", i, i % 7, word_of(i, w), i % 10 == 0 ? "short" : LONG_ANSWER);
		cr_assert_eq(ingest(p, buf_cstr(&line), NULL), PIPE_OK);
	}
	pipeline_commit(p, NULL, 0);
	snprintf(out1, sizeof(out1), "%s/out1", dir);
	snprintf(out2, sizeof(out2), "%s/out2/nested", dir);
	/* every answer is the same text: keep them all (no near-duplicate
	 * removal, clusters only of identical shingle sets, no overlap check) */
	export_options_default(&eo);
	eo.val_fraction = 0.2;
	eo.seed = 3;
	eo.near_dedup = false;
	eo.dedup.threshold = 1.0;
	eo.overlap_n = 0;
	eo.out_dir = out1;
	cr_assert_eq(pipeline_export(p, &eo, &er, err, sizeof(err)), PIPE_OK, "%s", err);
	cr_assert_eq(er.train + er.validation, 450, "the 50 short answers are left out");
	cr_assert(er.validation > 60 && er.validation < 120, "validation %ld", er.validation);
	cr_assert_not_null(er.report);
	json_decref(er.report);
	eo.out_dir = out2;
	cr_assert_eq(pipeline_export(p, &eo, &er, err, sizeof(err)), PIPE_OK, "%s", err);
	json_decref(er.report);
	for (int k = 0; k < 2; k++) {
		const char *name = k ? "validation.jsonl" : "train.jsonl";
		snprintf(path, sizeof(path), "%s/%s", out1, name);
		read_file(path, &a);
		snprintf(path, sizeof(path), "%s/%s", out2, name);
		read_file(path, &b);
		cr_assert_eq(a.len, b.len);
		cr_assert(!memcmp(a.data, b.data, a.len), "%s is byte-identical", name);
	}
	/* no conversation in both files: every question text is unique per id */
	snprintf(path, sizeof(path), "%s/train.jsonl", out1);
	read_file(path, &a);
	snprintf(path, sizeof(path), "%s/validation.jsonl", out1);
	read_file(path, &b);
	for (int i = 0; i < 500; i++) {
		char q[64], w[16];
		snprintf(q, sizeof(q), "\"question %s\"", word_of(i, w));
		cr_assert_not(memmem(a.data, a.len, q, strlen(q)) && memmem(b.data, b.len, q, strlen(q)));
	}
	snprintf(path, sizeof(path), "%s/manifest.json", out1);
	{
		json_t *m = json_load_file(path, 0, NULL);
		cr_assert_not_null(m);
		cr_assert_eq(json_integer_value(json_object_get(json_object_get(m, "counts"), "train")), er.train);
		cr_assert_eq(strlen(json_string_value(json_object_get(json_object_get(json_object_get(m, "files"),
											  "train.jsonl"), "sha256"))), 64);
		json_decref(m);
	}
	buf_release(&a);
	buf_release(&b);
	buf_release(&line);
	pipeline_close(p);
}

Test(pipeline, corrupt_and_foreign_stores_are_refused)
{
	struct pipeline_options o = { 0 };
	struct pipeline *p;
	char err[512];
	int fd = open(store_path, O_CREAT | O_WRONLY, 0600);

	cr_assert(write(fd, "this is not a database, just text that is long enough to look like a header.....", 80) == 80);
	close(fd);
	o.store_path = store_path;
	cr_assert_neq(pipeline_open(&o, &p, err, sizeof(err)), PIPE_OK);
	cr_assert(strstr(err, "t.db"), "%s", err);
	o.create = true;
	cr_assert_neq(pipeline_open(&o, &p, err, sizeof(err)), PIPE_OK, "init does not overwrite it either");
}
