/* Unit tests for the store interface over the SQLite backend. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/quality.h"
#include "store/store.h"

static char dir[64], path[128];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/cerberus-store-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/s.db", dir);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	(void)system(cmd);
}

TestSuite(store, .init = setup, .fini = teardown);

static store *open_store(unsigned flags)
{
	store *s = NULL;
	char err[512];

	cr_assert_eq(store_open(path, flags, &s, err, sizeof(err)), STORE_OK, "%s", err);
	return s;
}

static void put(store *s, const char *id, long chars, unsigned flags, bool replace)
{
	struct store_conv c = { 0 };

	c.conversation_id = id;
	c.user_pseudo = "u";
	c.created_at = 1795183391;
	c.ingested_at = 1795183391;
	c.n_messages = 2;
	c.response_chars = chars;
	c.flags = flags;
	c.langs = "python";
	c.messages = "[]";
	c.messages_len = 2;
	cr_assert_eq(store_put_conversation(s, &c, replace), STORE_OK, "%s", store_errmsg(s));
}

static int count_row(void *ctx, const struct store_export_row *r)
{
	(void)r;
	(*(int *)ctx)++;
	return 0;
}

Test(store, missing_store_is_not_created_without_the_flag)
{
	store *s;
	char err[512];

	cr_assert_eq(store_open(path, 0, &s, err, sizeof(err)), STORE_ENOENT);
	cr_assert(strstr(err, "cerberus init"), "%s", err);
	cr_assert_neq(access(path, F_OK), 0);
}

Test(store, put_find_replace_and_meta)
{
	store *s = open_store(STORE_CREATE);
	struct store_conv_info info;
	char *v;

	cr_assert_eq(store_find_conversation(s, "a", &info), STORE_ENOTFOUND);
	put(s, "a", 10, 0, false);
	cr_assert_eq(store_find_conversation(s, "a", &info), STORE_OK);
	cr_assert_eq(info.response_chars, 10);
	put(s, "a", 99, CONV_F_INCOMPLETE, true);
	cr_assert_eq(store_find_conversation(s, "a", &info), STORE_OK);
	cr_assert_eq(info.response_chars, 99);
	cr_assert_eq(info.flags, CONV_F_INCOMPLETE);
	{
		struct store_conv c = { 0 };
		c.conversation_id = "nope"; c.user_pseudo = "u"; c.messages = "[]"; c.messages_len = 2;
		cr_assert_eq(store_put_conversation(s, &c, true), STORE_ENOTFOUND, "replace needs a row");
	}
	cr_assert_eq(store_meta_get(s, "k", &v), STORE_ENOTFOUND);
	cr_assert_eq(store_meta_set(s, "k", "v1"), STORE_OK);
	cr_assert_eq(store_meta_set(s, "k", "v2"), STORE_OK);
	cr_assert_eq(store_meta_get(s, "k", &v), STORE_OK);
	cr_assert_str_eq(v, "v2");
	free(v);
	store_close(s);
}

Test(store, ratings_histogram_follows_every_change)
{
	store *s = open_store(STORE_CREATE);
	struct store_conv_info info;
	long hist[6], sum, count;
	bool replaced;

	put(s, "a", 60, 0, false);
	store_find_conversation(s, "a", &info);
	cr_assert_eq(store_put_rating(s, info.rowid, "x", 5, NULL, 1, &replaced), STORE_OK);
	cr_assert_not(replaced);
	cr_assert_eq(store_put_rating(s, info.rowid, "y", 3, "ok", 1, &replaced), STORE_OK);
	cr_assert_eq(store_put_rating(s, info.rowid, "x", 2, NULL, 2, &replaced), STORE_OK);
	cr_assert(replaced);
	cr_assert_eq(store_rating_histogram(s, hist), STORE_OK);
	cr_assert_eq(hist[5], 0);
	cr_assert_eq(hist[3], 1);
	cr_assert_eq(hist[2], 1);
	cr_assert_eq(store_rating_totals(s, info.rowid, &sum, &count), STORE_OK);
	cr_assert_eq(sum, 5);
	cr_assert_eq(count, 2);
	store_close(s);
}

Test(store, export_filter_matches_quality_reasons)
{
	store *s = open_store(STORE_CREATE);
	struct store_export_filter f = { CONV_F_INCOMPLETE | CONV_F_PII, 50, 4.0 };
	struct store_conv_info info;
	bool replaced;
	int n = 0;

	put(s, "ok", 60, 0, false);
	put(s, "short", 49, 0, false);
	put(s, "pii", 60, CONV_F_PII, false);
	put(s, "ctx", 60, CONV_F_CONTEXT, false);
	put(s, "low", 60, 0, false);
	put(s, "four", 60, 0, false);
	store_find_conversation(s, "low", &info);
	store_put_rating(s, info.rowid, "x", 3, NULL, 1, &replaced);
	store_set_rating_summary(s, info.rowid, 7, 2, Q_LOW_RATING);  /* mean 3.5 */
	store_find_conversation(s, "four", &info);
	store_set_rating_summary(s, info.rowid, 8, 2, 0);  /* mean 4.0: kept */
	cr_assert_eq(store_scan_export(s, &f, count_row, &n), STORE_OK);
	cr_assert_eq(n, 3, "ok, ctx and four");
	store_close(s);
}

Test(store, read_transaction_sees_one_snapshot)
{
	store *w = open_store(STORE_CREATE), *r = open_store(0);
	struct store_export_filter f = { 0, 0, 1.0 };
	int before = 0, during = 0, after = 0;

	put(w, "a", 60, 0, false);
	cr_assert_eq(store_begin_read(r), STORE_OK);
	cr_assert(store_in_transaction(r));
	store_scan_export(r, &f, count_row, &before);
	put(w, "b", 60, 0, false);  /* committed by another connection */
	store_scan_export(r, &f, count_row, &during);
	cr_assert_eq(before, during, "a snapshot does not move");
	store_rollback(r);
	cr_assert_not(store_in_transaction(r));
	store_scan_export(r, &f, count_row, &after);
	cr_assert_eq(after, 2);
	store_close(r);
	store_close(w);
}

Test(store, rollback_discards_a_batch)
{
	store *s = open_store(STORE_CREATE);
	struct store_conv_info info;

	cr_assert_eq(store_begin(s), STORE_OK);
	put(s, "gone", 60, 0, false);
	cr_assert_eq(store_rollback(s), STORE_OK);
	cr_assert_eq(store_find_conversation(s, "gone", &info), STORE_ENOTFOUND);
	store_close(s);
}
