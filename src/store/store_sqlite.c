/*
 * store_sqlite: the embedded SQLite backend of the store interface.
 *
 * One file, WAL journal (readers never block the writer), foreign keys on,
 * temporary data kept in memory. The schema is versioned with
 * PRAGMA user_version and upgraded by the migrations below, each in its own
 * transaction; PRAGMA application_id marks the file as a Cerberus store.
 *
 * Layout: conversations holds the narrow per-conversation facts that the
 * statistics scan reads; bodies holds the (scrubbed) text, so scans never
 * page through message text; ratings holds one row per (conversation, user).
 */
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define APPLICATION_ID 0x43455242  /* "CERB" */

static const char *const migrations[] = {
	/* 1: the first schema */
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE conversations("
	" id INTEGER PRIMARY KEY,"
	" conversation_id TEXT NOT NULL UNIQUE,"
	" user_pseudo TEXT NOT NULL,"
	" session_pseudo TEXT,"
	" created_at INTEGER NOT NULL,"
	" day INTEGER NOT NULL,"
	" ingested_at INTEGER NOT NULL,"
	" model TEXT,"
	" n_messages INTEGER NOT NULL,"
	" response_chars INTEGER NOT NULL,"
	" flags INTEGER NOT NULL,"
	" reasons INTEGER NOT NULL,"
	" rating_sum INTEGER NOT NULL DEFAULT 0,"
	" rating_count INTEGER NOT NULL DEFAULT 0,"
	" langs TEXT NOT NULL DEFAULT '',"
	" frameworks TEXT NOT NULL DEFAULT '',"
	" redactions TEXT NOT NULL DEFAULT '');"
	"CREATE TABLE bodies("
	" id INTEGER PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,"
	" messages TEXT NOT NULL,"
	" extra TEXT);"
	"CREATE TABLE ratings("
	" conversation INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,"
	" user_pseudo TEXT NOT NULL,"
	" rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),"
	" comment TEXT,"
	" created_at INTEGER NOT NULL,"
	" PRIMARY KEY (conversation, user_pseudo)) WITHOUT ROWID;"
	/* the statistics scan reads only this index (about a fifth of the table) */
	"CREATE INDEX conversations_stats ON conversations(day, flags, response_chars, rating_sum,"
	" rating_count, langs, frameworks, redactions);"
	/* the rating histogram, kept by triggers so no code path can forget it */
	"CREATE TABLE rating_counts(rating INTEGER PRIMARY KEY, n INTEGER NOT NULL);"
	"INSERT INTO rating_counts(rating, n) VALUES (1, 0), (2, 0), (3, 0), (4, 0), (5, 0);"
	"CREATE TRIGGER ratings_ai AFTER INSERT ON ratings BEGIN"
	" UPDATE rating_counts SET n = n + 1 WHERE rating = new.rating; END;"
	"CREATE TRIGGER ratings_ad AFTER DELETE ON ratings BEGIN"
	" UPDATE rating_counts SET n = n - 1 WHERE rating = old.rating; END;"
	"CREATE TRIGGER ratings_au AFTER UPDATE OF rating ON ratings BEGIN"
	" UPDATE rating_counts SET n = n - 1 WHERE rating = old.rating;"
	" UPDATE rating_counts SET n = n + 1 WHERE rating = new.rating; END;",
	/* 2: API keys (only a hash of each). Erasure by user scans the narrow
	 * tables instead of keeping an index on the user: an index keyed by a
	 * random pseudonym would dirty one more random page per row written,
	 * on the hot path, to speed up a rare administrative call. */
	"CREATE TABLE api_keys("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL DEFAULT '',"
	" scope TEXT NOT NULL CHECK (scope IN ('ingest', 'admin')),"
	" hash TEXT NOT NULL UNIQUE,"
	" prefix TEXT NOT NULL,"
	" created_at INTEGER NOT NULL,"
	" revoked_at INTEGER);",
};
#define SCHEMA_VERSION ((int)(sizeof(migrations) / sizeof(migrations[0])))

enum stmt_id {
	ST_META_GET, ST_META_SET, ST_FIND, ST_INSERT, ST_UPDATE, ST_BODY,
	ST_RATING_GET, ST_RATING_PUT, ST_RATING_TOTALS, ST_RATING_SUMMARY,
	ST_BEGIN, ST_BEGIN_READ, ST_COMMIT, ST_ROLLBACK, ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[ST_META_SET] = "INSERT INTO meta(key, value) VALUES (?1, ?2) "
			"ON CONFLICT(key) DO UPDATE SET value = excluded.value",
	[ST_FIND] = "SELECT id, rating_sum, rating_count, response_chars, flags "
		    "FROM conversations WHERE conversation_id = ?1",
	[ST_INSERT] = "INSERT INTO conversations(conversation_id, user_pseudo, session_pseudo, created_at, day,"
		      " ingested_at, model, n_messages, response_chars, flags, reasons, langs, frameworks,"
		      " redactions) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
	[ST_UPDATE] = "UPDATE conversations SET user_pseudo = ?2, session_pseudo = ?3, created_at = ?4,"
		      " day = ?5, ingested_at = ?6, model = ?7, n_messages = ?8, response_chars = ?9,"
		      " flags = ?10, reasons = ?11, langs = ?12, frameworks = ?13, redactions = ?14"
		      " WHERE conversation_id = ?1 RETURNING id",
	[ST_BODY] = "INSERT OR REPLACE INTO bodies(id, messages, extra) VALUES (?1, ?2, ?3)",
	[ST_RATING_GET] = "SELECT 1 FROM ratings WHERE conversation = ?1 AND user_pseudo = ?2",
	[ST_RATING_PUT] = "INSERT INTO ratings(conversation, user_pseudo, rating, comment, created_at)"
			  " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(conversation, user_pseudo) DO UPDATE SET"
			  " rating = excluded.rating, comment = excluded.comment, created_at = excluded.created_at",
	[ST_RATING_TOTALS] = "SELECT coalesce(sum(rating), 0), count(*) FROM ratings WHERE conversation = ?1",
	[ST_RATING_SUMMARY] = "UPDATE conversations SET rating_sum = ?2, rating_count = ?3, reasons = ?4"
			      " WHERE id = ?1",
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_BEGIN_READ] = "BEGIN DEFERRED",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
};

struct sqlite_store {
	struct store base;
	sqlite3 *db;
	char *path;
	sqlite3_stmt *st[ST_COUNT];
	sqlite3_stmt *get_stmt;  /* kept open by get_conversation */
};

static const struct store_ops sqlite_ops;

static struct sqlite_store *S(store *s)
{
	return (struct sqlite_store *)s;
}

static int set_err(struct sqlite_store *ss, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int set_err(struct sqlite_store *ss, int code, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(ss->base.err, sizeof(ss->base.err), "store '%s': ", ss->path);
	if (n < 0 || (size_t)n >= sizeof(ss->base.err))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(ss->base.err + n, sizeof(ss->base.err) - (size_t)n, fmt, ap);
	va_end(ap);
	return code;
}

static int db_err(struct sqlite_store *ss, const char *what)
{
	int ec = sqlite3_errcode(ss->db);

	return set_err(ss, ec == SQLITE_NOMEM ? STORE_ENOMEM : STORE_EIO, "%s: %s", what,
		       sqlite3_errmsg(ss->db));
}

static sqlite3_stmt *stmt(struct sqlite_store *ss, enum stmt_id id)
{
	sqlite3_stmt *st = ss->st[id];

	if (!st) {
		if (sqlite3_prepare_v3(ss->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
			return NULL;
		ss->st[id] = st;
	}
	return st;
}

static void finish(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static int exec(struct sqlite_store *ss, const char *sql, const char *what)
{
	char *msg = NULL;

	if (sqlite3_exec(ss->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		set_err(ss, STORE_EIO, "%s: %s", what, msg ? msg : sqlite3_errmsg(ss->db));
		sqlite3_free(msg);
		return STORE_EIO;
	}
	return STORE_OK;
}

static int pragma_int(struct sqlite_store *ss, const char *sql, int *out)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(ss->db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_err(ss, "cannot read schema");
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : db_err(ss, "cannot read schema");
}

static int migrate(struct sqlite_store *ss, bool create)
{
	int version, appid, tables;
	char sql[96];

	if (pragma_int(ss, "PRAGMA user_version", &version) ||
	    pragma_int(ss, "PRAGMA application_id", &appid) ||
	    pragma_int(ss, "SELECT count(*) FROM sqlite_master", &tables))
		return STORE_EIO;
	if (appid != APPLICATION_ID && (tables > 0 || appid != 0))
		return set_err(ss, STORE_EVERSION, "not a cerberus store");
	if (version > SCHEMA_VERSION)
		return set_err(ss, STORE_EVERSION,
			       "schema version %d is newer than this cerberus supports (%d); upgrade cerberus",
			       version, SCHEMA_VERSION);
	if (version == 0 && !create)
		return set_err(ss, STORE_ENOENT, "not initialized; run 'cerberus init'");
	while (version < SCHEMA_VERSION) {
		if (exec(ss, "BEGIN IMMEDIATE", "cannot start migration"))
			return STORE_EIO;
		if (exec(ss, migrations[version], "migration failed"))
			goto fail;
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d; PRAGMA application_id = %d;", version + 1,
			 APPLICATION_ID);
		if (exec(ss, sql, "migration failed") || exec(ss, "COMMIT", "cannot commit migration"))
			goto fail;
		version++;
	}
	return STORE_OK;
fail:
	sqlite3_exec(ss->db, "ROLLBACK", NULL, NULL, NULL);
	return STORE_EIO;
}

static void sqlite_close(store *s)
{
	struct sqlite_store *ss = S(s);

	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(ss->st[i]);
	sqlite3_finalize(ss->get_stmt);
	sqlite3_close(ss->db);
	free(ss->path);
	free(ss);
}

int store_sqlite_open(const char *path, unsigned flags, store **out, char *err, size_t errlen)
{
	struct sqlite_store *ss;
	struct stat sb;
	int oflags, rc;

	*out = NULL;
	if (!(flags & STORE_CREATE) && stat(path, &sb) != 0) {
		snprintf(err, errlen, "store '%s' does not exist; run 'cerberus init' (or set --store)", path);
		return STORE_ENOENT;
	}
	ss = calloc(1, sizeof(*ss));
	if (!ss || !(ss->path = strdup(path))) {
		free(ss);
		snprintf(err, errlen, "out of memory");
		return STORE_ENOMEM;
	}
	ss->base.ops = &sqlite_ops;
	oflags = (flags & STORE_READONLY) ? SQLITE_OPEN_READONLY
					   : SQLITE_OPEN_READWRITE | ((flags & STORE_CREATE) ? SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(path, &ss->db, oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = db_err(ss, "cannot open");
		goto fail;
	}
	sqlite3_extended_result_codes(ss->db, 0);
	sqlite3_busy_timeout(ss->db, 10000);
	if ((rc = exec(ss, (flags & STORE_READONLY) ? "PRAGMA query_only = 1" : "PRAGMA journal_mode = WAL",
		       "cannot open")))
		goto fail;
	/* deferred sync: NORMAL writes the log without fsync and the syncer
	 * flushes it; its thread also checkpoints, so the writer does not
	 * (the writer's own checkpoint stays as a backstop past 64 MiB) */
	if ((rc = exec(ss, (flags & STORE_DURABLE) ? "PRAGMA synchronous = FULL"
			   : (flags & STORE_DEFER_SYNC) ? "PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 16384"
							: "PRAGMA synchronous = NORMAL",
		       "cannot open")) ||
	    (rc = exec(ss, "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -32768",
		       "cannot open")))
		goto fail;
	if ((rc = migrate(ss, flags & STORE_CREATE)))
		goto fail;
	*out = &ss->base;
	return STORE_OK;
fail:
	snprintf(err, errlen, "%s", ss->base.err);
	sqlite_close(&ss->base);
	return rc;
}

static int run_simple(struct sqlite_store *ss, enum stmt_id id, const char *what)
{
	sqlite3_stmt *st = stmt(ss, id);
	int rc;

	if (!st)
		return db_err(ss, what);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : db_err(ss, what);
}

static int sqlite_begin(store *s) { return run_simple(S(s), ST_BEGIN, "cannot begin a transaction"); }
static int sqlite_commit(store *s) { return run_simple(S(s), ST_COMMIT, "cannot commit"); }
static int sqlite_begin_read(store *s) { return run_simple(S(s), ST_BEGIN_READ, "cannot begin a read"); }

static bool sqlite_in_transaction(store *s)
{
	return !sqlite3_get_autocommit(S(s)->db);
}

static int sqlite_rollback(store *s)
{
	struct sqlite_store *ss = S(s);

	/* a conversation handed out by get_conversation keeps its statement
	 * (and a read snapshot) open until the next call: end it here too */
	if (ss->get_stmt)
		sqlite3_reset(ss->get_stmt);
	if (sqlite3_get_autocommit(ss->db))
		return STORE_OK;
	return run_simple(ss, ST_ROLLBACK, "cannot roll back");
}

static int sqlite_meta_get(store *s, const char *key, char **value)
{
	struct sqlite_store *ss = S(s);
	sqlite3_stmt *st = stmt(ss, ST_META_GET);
	int rc;

	*value = NULL;
	if (!st)
		return db_err(ss, "cannot read settings");
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*value = strdup((const char *)sqlite3_column_text(st, 0));
		rc = *value ? STORE_OK : STORE_ENOMEM;
	} else {
		rc = rc == SQLITE_DONE ? STORE_ENOTFOUND : db_err(ss, "cannot read settings");
	}
	finish(st);
	return rc;
}

static int sqlite_meta_set(store *s, const char *key, const char *value)
{
	struct sqlite_store *ss = S(s);
	sqlite3_stmt *st = stmt(ss, ST_META_SET);
	int rc;

	if (!st)
		return db_err(ss, "cannot write settings");
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? STORE_OK : db_err(ss, "cannot write settings");
	finish(st);
	return rc;
}

static int sqlite_find(store *s, const char *cid, struct store_conv_info *out)
{
	struct sqlite_store *ss = S(s);
	sqlite3_stmt *st = stmt(ss, ST_FIND);
	int rc;

	if (!st)
		return db_err(ss, "cannot look up conversation");
	sqlite3_bind_text(st, 1, cid, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->rowid = sqlite3_column_int64(st, 0);
		out->rating_sum = (long)sqlite3_column_int64(st, 1);
		out->rating_count = (long)sqlite3_column_int64(st, 2);
		out->response_chars = (long)sqlite3_column_int64(st, 3);
		out->flags = (unsigned)sqlite3_column_int(st, 4);
		rc = STORE_OK;
	} else {
		rc = rc == SQLITE_DONE ? STORE_ENOTFOUND : db_err(ss, "cannot look up conversation");
	}
	finish(st);
	return rc;
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static int sqlite_put_conversation(store *s, const struct store_conv *c, bool replace)
{
	struct sqlite_store *ss = S(s);
	sqlite3_stmt *st = stmt(ss, replace ? ST_UPDATE : ST_INSERT), *body = stmt(ss, ST_BODY);
	int64_t rowid;
	int rc;

	if (!st || !body)
		return db_err(ss, "cannot prepare write");
	sqlite3_bind_text(st, 1, c->conversation_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, c->user_pseudo, -1, SQLITE_STATIC);
	bind_text_or_null(st, 3, c->session_pseudo);
	sqlite3_bind_int64(st, 4, c->created_at);
	sqlite3_bind_int64(st, 5, c->created_at >= 0 ? c->created_at / 86400 : -((-c->created_at + 86399) / 86400));
	sqlite3_bind_int64(st, 6, c->ingested_at);
	bind_text_or_null(st, 7, c->model);
	sqlite3_bind_int64(st, 8, c->n_messages);
	sqlite3_bind_int64(st, 9, c->response_chars);
	sqlite3_bind_int(st, 10, (int)c->flags);
	sqlite3_bind_int(st, 11, (int)c->reasons);
	sqlite3_bind_text(st, 12, c->langs ? c->langs : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, c->frameworks ? c->frameworks : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 14, c->redactions ? c->redactions : "", -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (replace) {
		if (rc != SQLITE_ROW) {
			rc = rc == SQLITE_DONE ? set_err(ss, STORE_ENOTFOUND, "no conversation '%s' to replace",
							 c->conversation_id)
					       : db_err(ss, "cannot write conversation");
			finish(st);
			return rc;
		}
		rowid = sqlite3_column_int64(st, 0);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			;
	} else {
		rowid = sqlite3_last_insert_rowid(ss->db);
	}
	if (rc != SQLITE_DONE) {
		rc = db_err(ss, "cannot write conversation");
		finish(st);
		return rc;
	}
	finish(st);
	sqlite3_bind_int64(body, 1, rowid);
	sqlite3_bind_text(body, 2, c->messages, (int)c->messages_len, SQLITE_STATIC);
	if (c->extra)
		sqlite3_bind_text(body, 3, c->extra, (int)c->extra_len, SQLITE_STATIC);
	else
		sqlite3_bind_null(body, 3);
	rc = sqlite3_step(body) == SQLITE_DONE ? STORE_OK : db_err(ss, "cannot write conversation text");
	finish(body);
	return rc;
}

static int sqlite_put_rating(store *s, int64_t rowid, const char *user, int rating, const char *comment,
			     int64_t now, bool *replaced)
{
	struct sqlite_store *ss = S(s);
	sqlite3_stmt *get = stmt(ss, ST_RATING_GET), *put = stmt(ss, ST_RATING_PUT);
	int rc;

	if (!get || !put)
		return db_err(ss, "cannot prepare rating");
	sqlite3_bind_int64(get, 1, rowid);
	sqlite3_bind_text(get, 2, user, -1, SQLITE_STATIC);
	rc = sqlite3_step(get);
	*replaced = rc == SQLITE_ROW;
	finish(get);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_err(ss, "cannot read rating");
	sqlite3_bind_int64(put, 1, rowid);
	sqlite3_bind_text(put, 2, user, -1, SQLITE_STATIC);
	sqlite3_bind_int(put, 3, rating);
	bind_text_or_null(put, 4, comment);
	sqlite3_bind_int64(put, 5, now);
	rc = sqlite3_step(put) == SQLITE_DONE ? STORE_OK : db_err(ss, "cannot write rating");
	finish(put);
	return rc;
}

static int sqlite_rating_totals(store *s, int64_t rowid, long *sum, long *count)
{
	struct sqlite_store *ss = S(s);
	sqlite3_stmt *st = stmt(ss, ST_RATING_TOTALS);
	int rc;

	if (!st)
		return db_err(ss, "cannot read ratings");
	sqlite3_bind_int64(st, 1, rowid);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*sum = (long)sqlite3_column_int64(st, 0);
		*count = (long)sqlite3_column_int64(st, 1);
		rc = STORE_OK;
	} else {
		rc = db_err(ss, "cannot read ratings");
	}
	finish(st);
	return rc;
}

static int sqlite_set_rating_summary(store *s, int64_t rowid, long sum, long count, unsigned reasons)
{
	struct sqlite_store *ss = S(s);
	sqlite3_stmt *st = stmt(ss, ST_RATING_SUMMARY);
	int rc;

	if (!st)
		return db_err(ss, "cannot update ratings");
	sqlite3_bind_int64(st, 1, rowid);
	sqlite3_bind_int64(st, 2, sum);
	sqlite3_bind_int64(st, 3, count);
	sqlite3_bind_int(st, 4, (int)reasons);
	rc = sqlite3_step(st) == SQLITE_DONE ? STORE_OK : db_err(ss, "cannot update ratings");
	finish(st);
	return rc;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *p = sqlite3_column_text(st, i);

	return p ? (const char *)p : "";
}

static int sqlite_scan_stats(store *s, int (*cb)(void *, const struct store_stats_row *), void *ctx)
{
	struct sqlite_store *ss = S(s);
	sqlite3_stmt *st;
	struct store_stats_row row;
	int rc;

	if (sqlite3_prepare_v2(ss->db,
			       "SELECT day, response_chars, rating_sum, rating_count, flags, langs, frameworks,"
			       " redactions FROM conversations INDEXED BY conversations_stats",
			       -1, &st, NULL) != SQLITE_OK)
		return db_err(ss, "cannot scan");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row.day = sqlite3_column_int64(st, 0);
		row.response_chars = (long)sqlite3_column_int64(st, 1);
		row.rating_sum = (long)sqlite3_column_int64(st, 2);
		row.rating_count = (long)sqlite3_column_int64(st, 3);
		row.flags = (unsigned)sqlite3_column_int(st, 4);
		row.langs = col_text(st, 5);
		row.frameworks = col_text(st, 6);
		row.redactions = col_text(st, 7);
		if (cb(ctx, &row)) {
			sqlite3_finalize(st);
			return STORE_ESTOP;
		}
	}
	rc = rc == SQLITE_DONE ? STORE_OK : db_err(ss, "scan failed");
	sqlite3_finalize(st);
	return rc;
}

static int sqlite_rating_histogram(store *s, long hist[6])
{
	struct sqlite_store *ss = S(s);
	sqlite3_stmt *st;
	int rc;

	memset(hist, 0, 6 * sizeof(*hist));
	if (sqlite3_prepare_v2(ss->db, "SELECT rating, n FROM rating_counts", -1, &st, NULL) !=
	    SQLITE_OK)
		return db_err(ss, "cannot read ratings");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int r = sqlite3_column_int(st, 0);
		if (r >= 1 && r <= 5)
			hist[r] = (long)sqlite3_column_int64(st, 1);
	}
	rc = rc == SQLITE_DONE ? STORE_OK : db_err(ss, "cannot read ratings");
	sqlite3_finalize(st);
	return rc;
}

static int sqlite_scan_export(store *s, const struct store_export_filter *f,
			      int (*cb)(void *, const struct store_export_row *), void *ctx)
{
	struct sqlite_store *ss = S(s);
	sqlite3_stmt *st;
	struct store_export_row row;
	int rc;

	if (sqlite3_prepare_v2(ss->db,
			       "SELECT c.id, c.conversation_id, c.user_pseudo, c.created_at, c.rating_sum,"
			       " c.rating_count, c.response_chars, c.flags, b.messages, b.extra"
			       " FROM conversations c JOIN bodies b ON b.id = c.id"
			       " WHERE (c.flags & ?1) = 0 AND c.response_chars >= ?2"
			       " AND (c.rating_count = 0 OR c.rating_sum >= ?3 * c.rating_count - 1e-9)"
			       " ORDER BY c.id",
			       -1, &st, NULL) != SQLITE_OK)
		return db_err(ss, "cannot scan");
	sqlite3_bind_int(st, 1, (int)f->flags_mask);
	sqlite3_bind_int64(st, 2, f->min_response_chars);
	sqlite3_bind_double(st, 3, f->min_rating);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row.rowid = sqlite3_column_int64(st, 0);
		row.conversation_id = col_text(st, 1);
		row.user_pseudo = col_text(st, 2);
		row.created_at = sqlite3_column_int64(st, 3);
		row.rating_sum = (long)sqlite3_column_int64(st, 4);
		row.rating_count = (long)sqlite3_column_int64(st, 5);
		row.response_chars = (long)sqlite3_column_int64(st, 6);
		row.flags = (unsigned)sqlite3_column_int(st, 7);
		row.messages = col_text(st, 8);
		row.messages_len = (size_t)sqlite3_column_bytes(st, 8);
		row.extra = sqlite3_column_type(st, 9) == SQLITE_NULL ? NULL : col_text(st, 9);
		row.extra_len = row.extra ? (size_t)sqlite3_column_bytes(st, 9) : 0;
		if (cb(ctx, &row)) {
			sqlite3_finalize(st);
			return STORE_ESTOP;
		}
	}
	rc = rc == SQLITE_DONE ? STORE_OK : db_err(ss, "scan failed");
	sqlite3_finalize(st);
	return rc;
}

static int sqlite_get_conversation(store *s, const char *cid, struct store_conv_full *out)
{
	struct sqlite_store *ss = S(s);
	sqlite3_stmt *st;
	int rc;

	sqlite3_finalize(ss->get_stmt);
	ss->get_stmt = NULL;
	if (sqlite3_prepare_v2(ss->db,
			       "SELECT c.id, c.conversation_id, c.user_pseudo, c.session_pseudo, c.created_at,"
			       " c.ingested_at, c.model, c.n_messages, c.response_chars, c.flags, c.reasons,"
			       " c.rating_sum, c.rating_count, c.langs, c.frameworks, c.redactions, b.messages, b.extra"
			       " FROM conversations c JOIN bodies b ON b.id = c.id WHERE c.conversation_id = ?1",
			       -1, &st, NULL) != SQLITE_OK)
		return db_err(ss, "cannot read conversation");
	ss->get_stmt = st;
	sqlite3_bind_text(st, 1, cid, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? set_err(ss, STORE_ENOTFOUND, "no conversation '%s'", cid)
					 : db_err(ss, "cannot read conversation");
	memset(out, 0, sizeof(*out));
	out->info.rowid = sqlite3_column_int64(st, 0);
	out->conv.conversation_id = col_text(st, 1);
	out->conv.user_pseudo = col_text(st, 2);
	out->conv.session_pseudo = sqlite3_column_type(st, 3) == SQLITE_NULL ? NULL : col_text(st, 3);
	out->conv.created_at = sqlite3_column_int64(st, 4);
	out->conv.ingested_at = sqlite3_column_int64(st, 5);
	out->conv.model = sqlite3_column_type(st, 6) == SQLITE_NULL ? NULL : col_text(st, 6);
	out->conv.n_messages = (long)sqlite3_column_int64(st, 7);
	out->conv.response_chars = out->info.response_chars = (long)sqlite3_column_int64(st, 8);
	out->conv.flags = out->info.flags = (unsigned)sqlite3_column_int(st, 9);
	out->conv.reasons = (unsigned)sqlite3_column_int(st, 10);
	out->info.rating_sum = (long)sqlite3_column_int64(st, 11);
	out->info.rating_count = (long)sqlite3_column_int64(st, 12);
	out->conv.langs = col_text(st, 13);
	out->conv.frameworks = col_text(st, 14);
	out->conv.redactions = col_text(st, 15);
	out->conv.messages = col_text(st, 16);
	out->conv.messages_len = (size_t)sqlite3_column_bytes(st, 16);
	out->conv.extra = sqlite3_column_type(st, 17) == SQLITE_NULL ? NULL : col_text(st, 17);
	out->conv.extra_len = out->conv.extra ? (size_t)sqlite3_column_bytes(st, 17) : 0;
	return STORE_OK;
}

static int sqlite_scan_ratings(store *s, int64_t rowid, int (*cb)(void *, const struct store_rating_row *),
			       void *ctx)
{
	struct sqlite_store *ss = S(s);
	sqlite3_stmt *st;
	struct store_rating_row row;
	int rc;

	if (sqlite3_prepare_v2(ss->db,
			       "SELECT user_pseudo, rating, comment, created_at FROM ratings WHERE conversation = ?1"
			       " ORDER BY created_at, user_pseudo",
			       -1, &st, NULL) != SQLITE_OK)
		return db_err(ss, "cannot read ratings");
	sqlite3_bind_int64(st, 1, rowid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row.user_pseudo = col_text(st, 0);
		row.rating = sqlite3_column_int(st, 1);
		row.comment = sqlite3_column_type(st, 2) == SQLITE_NULL ? NULL : col_text(st, 2);
		row.created_at = sqlite3_column_int64(st, 3);
		if (cb(ctx, &row)) {
			sqlite3_finalize(st);
			return STORE_ESTOP;
		}
	}
	rc = rc == SQLITE_DONE ? STORE_OK : db_err(ss, "cannot read ratings");
	sqlite3_finalize(st);
	return rc;
}

/* A statement prepared for one call; bind with the varargs of fmt ("t": text,
 * "i": int64) and step to the first row. */
static int prep_bind(struct sqlite_store *ss, const char *sql, const char *what, sqlite3_stmt **out,
		     const char *fmt, ...)
{
	va_list ap;
	int i = 1;

	if (sqlite3_prepare_v2(ss->db, sql, -1, out, NULL) != SQLITE_OK)
		return db_err(ss, what);
	va_start(ap, fmt);
	for (; *fmt; fmt++, i++) {
		if (*fmt == 't')
			bind_text_or_null(*out, i, va_arg(ap, const char *));
		else
			sqlite3_bind_int64(*out, i, va_arg(ap, int64_t));
	}
	va_end(ap);
	return STORE_OK;
}

/* Run a statement that returns one integer (or none: 0). */
static int scalar(struct sqlite_store *ss, sqlite3_stmt *st, const char *what, long *out)
{
	int rc = sqlite3_step(st);

	*out = rc == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : 0;
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : db_err(ss, what);
	sqlite3_finalize(st);
	return rc;
}

/* The filter as SQL: ?1 the user (NULL: any), ?2 the cutoff (0: none);
 * the day bound lets the statistics index find old rows. */
#define DELETE_WHERE                                                                          \
	" WHERE (?1 IS NULL OR user_pseudo = ?1) AND (?2 = 0 OR (day <= ?2 / 86400 AND created_at < ?2))"

static int sqlite_delete_conversations(store *s, const struct store_delete_filter *f, long *convs,
				       long *ratings)
{
	struct sqlite_store *ss = S(s);
	sqlite3_stmt *st;
	int rc;

	*convs = *ratings = 0;
	if ((rc = prep_bind(ss, "SELECT count(*) FROM ratings WHERE conversation IN (SELECT id FROM conversations"
			    DELETE_WHERE ")", "cannot delete conversations", &st, "ti",
			    f->user_pseudo, (int64_t)f->created_before)) ||
	    (rc = scalar(ss, st, "cannot delete conversations", ratings)))
		return rc;
	if ((rc = prep_bind(ss, "DELETE FROM conversations" DELETE_WHERE, "cannot delete conversations", &st, "ti",
			    f->user_pseudo, (int64_t)f->created_before)))
		return rc;
	rc = sqlite3_step(st) == SQLITE_DONE ? STORE_OK : db_err(ss, "cannot delete conversations");
	sqlite3_finalize(st);
	if (rc == STORE_OK)
		*convs = (long)sqlite3_changes(ss->db);
	return rc;
}

static int sqlite_delete_user_ratings(store *s, const char *user, long *ratings, struct store_conv_info **affected,
				      size_t *naffected)
{
	struct sqlite_store *ss = S(s);
	struct store_conv_info *a = NULL, *na;
	size_t n = 0, alloc = 0;
	sqlite3_stmt *st;
	int rc;

	*ratings = 0;
	*affected = NULL;
	*naffected = 0;
	if ((rc = prep_bind(ss, "SELECT c.id, c.response_chars, c.flags FROM ratings r"
			    " JOIN conversations c ON c.id = r.conversation WHERE r.user_pseudo = ?1",
			    "cannot read ratings", &st, "t", user)))
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 16;
			if (!(na = realloc(a, alloc * sizeof(*a)))) {
				sqlite3_finalize(st);
				free(a);
				return set_err(ss, STORE_ENOMEM, "out of memory");
			}
			a = na;
		}
		memset(&a[n], 0, sizeof(a[n]));
		a[n].rowid = sqlite3_column_int64(st, 0);
		a[n].response_chars = (long)sqlite3_column_int64(st, 1);
		a[n].flags = (unsigned)sqlite3_column_int(st, 2);
		n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(a);
		return db_err(ss, "cannot read ratings");
	}
	if ((rc = prep_bind(ss, "DELETE FROM ratings WHERE user_pseudo = ?1", "cannot delete ratings", &st, "t",
			    user))) {
		free(a);
		return rc;
	}
	rc = sqlite3_step(st) == SQLITE_DONE ? STORE_OK : db_err(ss, "cannot delete ratings");
	sqlite3_finalize(st);
	if (rc == STORE_OK)
		*ratings = (long)sqlite3_changes(ss->db);
	for (size_t i = 0; rc == STORE_OK && i < n; i++)
		rc = sqlite_rating_totals(s, a[i].rowid, &a[i].rating_sum, &a[i].rating_count);
	if (rc) {
		free(a);
		return rc;
	}
	*affected = a;
	*naffected = n;
	return STORE_OK;
}

static int sqlite_counts(store *s, long *convs, long *ratings)
{
	struct sqlite_store *ss = S(s);
	sqlite3_stmt *st;
	int rc;

	if ((rc = prep_bind(ss, "SELECT count(*) FROM conversations", "cannot count", &st, "")) ||
	    (rc = scalar(ss, st, "cannot count", convs)))
		return rc;
	if ((rc = prep_bind(ss, "SELECT coalesce(sum(n), 0) FROM rating_counts", "cannot count", &st, "")))
		return rc;
	return scalar(ss, st, "cannot count", ratings);
}

static int sqlite_size(store *s, int64_t *bytes)
{
	struct sqlite_store *ss = S(s);
	struct stat sb;
	char wal[4096];

	*bytes = 0;
	if (stat(ss->path, &sb) != 0)
		return set_err(ss, STORE_EIO, "cannot stat the store");
	*bytes = sb.st_size;
	if ((size_t)snprintf(wal, sizeof(wal), "%s-wal", ss->path) < sizeof(wal) && stat(wal, &sb) == 0)
		*bytes += sb.st_size;
	return STORE_OK;
}

static int sqlite_apikey_add(store *s, const struct store_apikey *k, int64_t *id)
{
	struct sqlite_store *ss = S(s);
	sqlite3_stmt *st;
	int rc;

	if ((rc = prep_bind(ss, "INSERT INTO api_keys(name, scope, hash, prefix, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
			    "cannot add the key", &st, "tttti", k->name ? k->name : "",
			    k->scope, k->hash, k->prefix, k->created_at)))
		return rc;
	rc = sqlite3_step(st) == SQLITE_DONE ? STORE_OK : db_err(ss, "cannot add the key");
	sqlite3_finalize(st);
	*id = rc == STORE_OK ? sqlite3_last_insert_rowid(ss->db) : 0;
	return rc;
}

static int sqlite_apikey_scan(store *s, int (*cb)(void *, const struct store_apikey *), void *ctx)
{
	struct sqlite_store *ss = S(s);
	struct store_apikey k;
	sqlite3_stmt *st;
	int rc;

	if ((rc = prep_bind(ss, "SELECT id, name, scope, hash, prefix, created_at, coalesce(revoked_at, 0)"
			    " FROM api_keys ORDER BY id", "cannot read keys", &st, "")))
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		k.id = sqlite3_column_int64(st, 0);
		k.name = col_text(st, 1);
		k.scope = col_text(st, 2);
		k.hash = col_text(st, 3);
		k.prefix = col_text(st, 4);
		k.created_at = sqlite3_column_int64(st, 5);
		k.revoked_at = sqlite3_column_int64(st, 6);
		if (cb(ctx, &k)) {
			sqlite3_finalize(st);
			return STORE_ESTOP;
		}
	}
	rc = rc == SQLITE_DONE ? STORE_OK : db_err(ss, "cannot read keys");
	sqlite3_finalize(st);
	return rc;
}

static int sqlite_apikey_revoke(store *s, int64_t id, int64_t now)
{
	struct sqlite_store *ss = S(s);
	sqlite3_stmt *st;
	int rc;

	if ((rc = prep_bind(ss, "UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
			    "cannot revoke the key", &st, "ii", id, now)))
		return rc;
	rc = sqlite3_step(st) == SQLITE_DONE ? STORE_OK : db_err(ss, "cannot revoke the key");
	sqlite3_finalize(st);
	if (rc == STORE_OK && sqlite3_changes(ss->db) == 0)
		rc = set_err(ss, STORE_ENOTFOUND, "no valid key with id %lld", (long long)id);
	return rc;
}

/*
 * The syncer: fdatasync() of the write-ahead log through a descriptor of
 * our own (Linux flushes the file's dirty pages whichever descriptor asks),
 * which makes every transaction committed before it durable; SQLite itself
 * syncs the log before a checkpoint copies it and the database after.
 * A thread checkpoints (PASSIVE: never blocks the writer) on a connection
 * of its own whenever the log has grown past CKPT_BYTES.
 */
#define CKPT_BYTES ((off_t)8 << 20)
#define CKPT_POLL_MS 100

struct sqlite_syncer {
	struct store_syncer base;
	char *wal;
	char *path;
	int fd;
	dev_t dev;
	ino_t ino;
	sqlite3 *ckpt;
	pthread_t tid;
	bool started, stop;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

static int syncer_sync(struct store_syncer *y)
{
	struct sqlite_syncer *sy = (struct sqlite_syncer *)y;
	struct stat sb;

	if (stat(sy->wal, &sb) != 0) {
		if (errno == ENOENT)
			return STORE_OK;   /* no log: nothing committed since the last checkpoint */
		snprintf(y->err, sizeof(y->err), "cannot stat '%s': %s", sy->wal, strerror(errno));
		return STORE_EIO;
	}
	if (sy->fd < 0 || sb.st_ino != sy->ino || sb.st_dev != sy->dev) {
		if (sy->fd >= 0)
			close(sy->fd);
		sy->fd = open(sy->wal, O_RDONLY | O_CLOEXEC);
		if (sy->fd < 0) {
			snprintf(y->err, sizeof(y->err), "cannot open '%s': %s", sy->wal, strerror(errno));
			return STORE_EIO;
		}
		sy->dev = sb.st_dev;
		sy->ino = sb.st_ino;
	}
	if (fdatasync(sy->fd) != 0) {
		snprintf(y->err, sizeof(y->err), "cannot flush '%s': %s", sy->wal, strerror(errno));
		return STORE_EIO;
	}
	return STORE_OK;
}

static void *checkpointer(void *arg)
{
	struct sqlite_syncer *sy = arg;
	struct timespec ts;
	struct stat sb;

	pthread_mutex_lock(&sy->mu);
	while (!sy->stop) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += CKPT_POLL_MS * 1000000L;
		ts.tv_sec += ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&sy->cv, &sy->mu, &ts);
		if (sy->stop)
			break;
		pthread_mutex_unlock(&sy->mu);
		if (stat(sy->wal, &sb) == 0 && sb.st_size > CKPT_BYTES)
			sqlite3_wal_checkpoint_v2(sy->ckpt, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_lock(&sy->mu);
	}
	pthread_mutex_unlock(&sy->mu);
	return NULL;
}

static void syncer_close(struct store_syncer *y)
{
	struct sqlite_syncer *sy = (struct sqlite_syncer *)y;

	if (sy->started) {
		pthread_mutex_lock(&sy->mu);
		sy->stop = true;
		pthread_cond_signal(&sy->cv);
		pthread_mutex_unlock(&sy->mu);
		pthread_join(sy->tid, NULL);
	}
	pthread_mutex_destroy(&sy->mu);
	pthread_cond_destroy(&sy->cv);
	if (sy->fd >= 0)
		close(sy->fd);
	sqlite3_close(sy->ckpt);
	free(sy->wal);
	free(sy->path);
	free(sy);
}

static int sqlite_syncer_open(store *s, struct store_syncer **out, char *err, size_t errlen)
{
	struct sqlite_store *ss = S(s);
	struct sqlite_syncer *sy = calloc(1, sizeof(*sy));
	size_t n = strlen(ss->path);

	*out = NULL;
	if (!sy || !(sy->wal = malloc(n + 5)) || !(sy->path = strdup(ss->path))) {
		if (sy)
			free(sy->wal);
		free(sy);
		snprintf(err, errlen, "out of memory");
		return STORE_ENOMEM;
	}
	memcpy(sy->wal, ss->path, n);
	memcpy(sy->wal + n, "-wal", 5);
	sy->fd = -1;
	sy->base.sync = syncer_sync;
	sy->base.close = syncer_close;
	pthread_mutex_init(&sy->mu, NULL);
	pthread_cond_init(&sy->cv, NULL);
	if (sqlite3_open_v2(ss->path, &sy->ckpt, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_exec(sy->ckpt, "PRAGMA synchronous = FULL", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "store '%s': cannot open the checkpoint connection: %s", ss->path,
			 sqlite3_errmsg(sy->ckpt));
		syncer_close(&sy->base);
		return STORE_EIO;
	}
	sqlite3_busy_timeout(sy->ckpt, 100);
	if (pthread_create(&sy->tid, NULL, checkpointer, sy)) {
		snprintf(err, errlen, "cannot start the checkpoint thread");
		syncer_close(&sy->base);
		return STORE_EIO;
	}
	sy->started = true;
	*out = &sy->base;
	return STORE_OK;
}

static const struct store_ops sqlite_ops = {
	.name = "sqlite",
	.close = sqlite_close,
	.begin = sqlite_begin,
	.begin_read = sqlite_begin_read,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.in_transaction = sqlite_in_transaction,
	.meta_get = sqlite_meta_get,
	.meta_set = sqlite_meta_set,
	.find_conversation = sqlite_find,
	.put_conversation = sqlite_put_conversation,
	.put_rating = sqlite_put_rating,
	.rating_totals = sqlite_rating_totals,
	.set_rating_summary = sqlite_set_rating_summary,
	.scan_stats = sqlite_scan_stats,
	.rating_histogram = sqlite_rating_histogram,
	.scan_export = sqlite_scan_export,
	.get_conversation = sqlite_get_conversation,
	.scan_ratings = sqlite_scan_ratings,
	.delete_conversations = sqlite_delete_conversations,
	.delete_user_ratings = sqlite_delete_user_ratings,
	.counts = sqlite_counts,
	.size = sqlite_size,
	.apikey_add = sqlite_apikey_add,
	.apikey_scan = sqlite_apikey_scan,
	.apikey_revoke = sqlite_apikey_revoke,
	.syncer_open = sqlite_syncer_open,
};
