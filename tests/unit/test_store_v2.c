/* Unit tests for schema v2 of the SQLite store: the migration from v1,
 * API keys, deletion by user and by age. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store_sqlite.c"

static char dir[64], path[128];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/cerberus-v2-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/s.db", dir);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	(void)system(cmd);
}

TestSuite(store_v2, .init = setup, .fini = teardown);

static void sql(sqlite3 *db, const char *q)
{
	char *msg = NULL;

	cr_assert_eq(sqlite3_exec(db, q, NULL, NULL, &msg), SQLITE_OK, "%s: %s", q, msg ? msg : "");
}

static long count(const char *q)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long n;

	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	n = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static store *open_store(unsigned flags)
{
	store *s = NULL;
	char err[512];

	cr_assert_eq(store_open(path, flags, &s, err, sizeof(err)), STORE_OK, "%s", err);
	return s;
}

static void put(store *s, const char *id, const char *user, int64_t created)
{
	struct store_conv c = { 0 };

	c.conversation_id = id;
	c.user_pseudo = user;
	c.created_at = created;
	c.ingested_at = created;
	c.n_messages = 2;
	c.response_chars = 100;
	c.messages = "[]";
	c.messages_len = 2;
	cr_assert_eq(store_put_conversation(s, &c, false), STORE_OK, "%s", store_errmsg(s));
}

static int64_t rowid_of(store *s, const char *id)
{
	struct store_conv_info info;

	cr_assert_eq(store_find_conversation(s, id, &info), STORE_OK);
	return info.rowid;
}

Test(store_v2, migrates_a_v1_store_keeping_its_data)
{
	sqlite3 *db;
	store *s;
	bool replaced;
	struct store_apikey k = { 0, "n", "ingest", "ab", "cbk_ab", 1, 0 };
	int64_t id;

	/* a store as schema 1 left it, with a conversation and a rating */
	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	sql(db, "PRAGMA journal_mode = WAL");
	sql(db, migrations[0]);
	sql(db, "PRAGMA user_version = 1; PRAGMA application_id = 1128616514;");
	sql(db, "INSERT INTO conversations(conversation_id, user_pseudo, created_at, day, ingested_at, n_messages,"
		" response_chars, flags, reasons) VALUES ('old', 'u1', 100, 0, 100, 2, 80, 0, 0);"
		"INSERT INTO bodies(id, messages) VALUES (1, '[]');"
		"INSERT INTO ratings(conversation, user_pseudo, rating, created_at) VALUES (1, 'u2', 4, 100);");
	sqlite3_close(db);

	s = open_store(0);
	store_close(s);
	cr_assert_eq(count("PRAGMA user_version"), SCHEMA_VERSION);
	cr_assert_eq(SCHEMA_VERSION, 2);
	cr_assert_eq(count("SELECT count(*) FROM conversations WHERE conversation_id = 'old'"), 1);
	cr_assert_eq(count("SELECT n FROM rating_counts WHERE rating = 4"), 1);
	cr_assert_eq(count("SELECT count(*) FROM sqlite_master WHERE name = 'api_keys'"), 1);
	s = open_store(0);
	cr_assert_eq(store_apikey_add(s, &k, &id), STORE_OK, "%s", store_errmsg(s));
	cr_assert_eq(store_put_rating(s, 1, "u3", 5, NULL, 200, &replaced), STORE_OK);
	store_close(s);
}

Test(store_v2, newer_schema_refused)
{
	sqlite3 *db;
	store *s = NULL;
	char err[512];

	store_close(open_store(STORE_CREATE));
	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	sql(db, "PRAGMA user_version = 3");
	sqlite3_close(db);
	cr_assert_eq(store_open(path, 0, &s, err, sizeof(err)), STORE_EVERSION);
	cr_assert_not_null(strstr(err, "newer"));
}

static int collect(void *ctx, const struct store_apikey *k)
{
	char *out = ctx;

	snprintf(out + strlen(out), 256 - strlen(out), "%lld:%s:%s:%d;", (long long)k->id, k->scope, k->name,
		 k->revoked_at != 0);
	return 0;
}

Test(store_v2, api_keys)
{
	store *s = open_store(STORE_CREATE);
	struct store_apikey a = { 0, "backend", "ingest", "h1", "cbk_1", 10, 0 };
	struct store_apikey b = { 0, "", "admin", "h2", "cbk_2", 11, 0 };
	char list[256] = "";
	int64_t id1, id2;

	cr_assert_eq(store_apikey_add(s, &a, &id1), STORE_OK);
	cr_assert_eq(store_apikey_add(s, &b, &id2), STORE_OK);
	cr_assert_neq(store_apikey_add(s, &a, &id2), STORE_OK, "hashes are unique");
	b.scope = "root";
	b.hash = "h3";
	cr_assert_neq(store_apikey_add(s, &b, &id2), STORE_OK, "scope checked");
	cr_assert_eq(store_apikey_revoke(s, id1, 20), STORE_OK);
	cr_assert_eq(store_apikey_revoke(s, id1, 21), STORE_ENOTFOUND, "already revoked");
	cr_assert_eq(store_apikey_revoke(s, 999, 21), STORE_ENOTFOUND);
	cr_assert_eq(store_apikey_scan(s, collect, list), STORE_OK);
	cr_assert_str_eq(list, "1:ingest:backend:1;2:admin::0;");
	store_close(s);
}

Test(store_v2, delete_by_user_and_age)
{
	store *s = open_store(STORE_CREATE);
	struct store_delete_filter by_user = { "alice", 0 }, by_age = { NULL, 86400 * 10 };
	struct store_conv_info *aff;
	size_t naff;
	long convs, ratings, nc, nr;
	bool rep;

	put(s, "a1", "alice", 86400 * 20);
	put(s, "a2", "alice", 86400 * 20);
	put(s, "b1", "bob", 86400 * 5);
	put(s, "b2", "bob", 86400 * 20);
	/* bob rates alice's a1; alice rates bob's b2; carol rates a1 */
	cr_assert_eq(store_put_rating(s, rowid_of(s, "a1"), "bob", 5, NULL, 1, &rep), STORE_OK);
	cr_assert_eq(store_put_rating(s, rowid_of(s, "a1"), "carol", 4, NULL, 1, &rep), STORE_OK);
	cr_assert_eq(store_put_rating(s, rowid_of(s, "b2"), "alice", 1, NULL, 1, &rep), STORE_OK);
	cr_assert_eq(store_put_rating(s, rowid_of(s, "b2"), "carol", 5, NULL, 1, &rep), STORE_OK);

	cr_assert_eq(store_delete_conversations(s, &by_user, &convs, &ratings), STORE_OK);
	cr_assert_eq(convs, 2);
	cr_assert_eq(ratings, 2, "the ratings of alice's conversations");
	cr_assert_eq(store_delete_user_ratings(s, "alice", &ratings, &aff, &naff), STORE_OK);
	cr_assert_eq(ratings, 1);
	cr_assert_eq(naff, 1);
	cr_assert_eq(aff[0].rowid, rowid_of(s, "b2"));
	cr_assert_eq(aff[0].rating_sum, 5, "recomputed without alice's rating");
	cr_assert_eq(aff[0].rating_count, 1);
	free(aff);
	cr_assert_eq(store_counts(s, &nc, &nr), STORE_OK);
	cr_assert_eq(nc, 2);
	cr_assert_eq(nr, 1, "the histogram followed the cascade");

	cr_assert_eq(store_delete_conversations(s, &by_age, &convs, &ratings), STORE_OK);
	cr_assert_eq(convs, 1, "only b1 is older than day 10");
	cr_assert_eq(ratings, 0);
	cr_assert_eq(store_find_conversation(s, "b1", &(struct store_conv_info){ 0 }), STORE_ENOTFOUND);
	store_close(s);
	cr_assert_eq(count("SELECT count(*) FROM bodies"), 1, "bodies went with their rows");
}

Test(store_v2, deferred_sync)
{
	store *s = open_store(STORE_CREATE | STORE_DEFER_SYNC);
	struct store_syncer *y = NULL;
	char err[256], id[32];

	cr_assert_eq(store_syncer_open(s, &y, err, sizeof(err)), STORE_OK, "%s", err);
	cr_assert_eq(store_syncer_sync(y), STORE_OK, "%s", y->err);
	cr_assert_eq(store_begin(s), STORE_OK);
	for (int i = 0; i < 200; i++) {
		snprintf(id, sizeof(id), "d%d", i);
		put(s, id, "u", 86400);
	}
	cr_assert_eq(store_commit(s), STORE_OK);
	cr_assert_eq(store_syncer_sync(y), STORE_OK, "%s", y->err);
	cr_assert_eq(store_syncer_sync(y), STORE_OK, "a second flush reuses the descriptor");
	store_syncer_close(y);
	store_close(s);
	cr_assert_eq(count("SELECT count(*) FROM conversations"), 200);
}
