/*
 * store: the persistence interface of Cerberus.
 *
 * Everything that reaches a store is already anonymized and scrubbed: user
 * and session ids are pseudonyms, texts have passed the scrubber. The
 * interface is a table of operations (struct store_ops) so that a database
 * server backend can sit beside the embedded SQLite one; callers only use
 * the functions below. Strings handed in are borrowed for the duration of
 * the call; strings handed out in a row are valid until the callback
 * returns or the next call on the same store.
 *
 * Errors: functions return STORE_OK (0) or a negative STORE_E* code, and
 * store_errmsg() says what failed ("cannot open store 'x': ...").
 * A store handle is used by one thread at a time.
 */
#ifndef CERBERUS_STORE_H
#define CERBERUS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct store store;

enum {
	STORE_OK = 0,
	STORE_ENOTFOUND = -1,  /* no such row */
	STORE_EIO = -2,        /* the database failed (disk, corruption, ...) */
	STORE_EVERSION = -3,   /* schema newer than this program, or not ours */
	STORE_ENOENT = -4,     /* the store does not exist (and was not to be created) */
	STORE_ENOMEM = -5,
	STORE_ESTOP = -6,      /* a scan callback asked to stop */
};

enum store_open_flags {
	STORE_CREATE = 1 << 0,    /* create the store when missing */
	STORE_READONLY = 1 << 1,
	STORE_DURABLE = 1 << 2,   /* fsync every commit (synchronous=FULL) */
	STORE_DEFER_SYNC = 1 << 3,  /* commits reach the OS only; a store_syncer makes them durable */
};

/* A conversation to write. */
struct store_conv {
	const char *conversation_id;
	const char *user_pseudo;     /* 64 hex */
	const char *session_pseudo;  /* NULL when none */
	int64_t created_at;          /* Unix seconds, UTC */
	int64_t ingested_at;
	const char *model;           /* may be NULL */
	long n_messages;
	long response_chars;
	unsigned flags;              /* enum conv_flag */
	unsigned reasons;            /* verdict at the default thresholds */
	const char *langs;           /* "python,sql" */
	const char *frameworks;      /* "FastAPI,React" */
	const char *redactions;      /* "EMAIL=2,PHONE=1" */
	const char *messages;        /* JSON array */
	size_t messages_len;
	const char *extra;           /* JSON object or NULL */
	size_t extra_len;
};

/* What is known of a stored conversation without its text. */
struct store_conv_info {
	int64_t rowid;
	long rating_sum;
	long rating_count;
	long response_chars;
	unsigned flags;
};

/* One row of a statistics scan. */
struct store_stats_row {
	int64_t day;                 /* days since 1970-01-01 of created_at */
	long response_chars;
	long rating_sum;
	long rating_count;
	unsigned flags;
	const char *langs, *frameworks, *redactions;
};

/* One row of an export scan, in store order. */
struct store_export_row {
	int64_t rowid;
	const char *conversation_id;
	const char *user_pseudo;
	int64_t created_at;
	long rating_sum;
	long rating_count;
	long response_chars;
	unsigned flags;
	const char *messages;
	size_t messages_len;
	const char *extra;           /* NULL when none */
	size_t extra_len;
};

/* A full conversation (for show and the admin API). */
struct store_conv_full {
	struct store_conv conv;
	struct store_conv_info info;
};

struct store_rating_row {
	const char *user_pseudo;
	int rating;
	const char *comment;         /* NULL when none */
	int64_t created_at;
};

/* Filter applied by the store in an export scan: rows that can be high
 * quality at these thresholds (flags & mask == 0, long enough, rated well
 * enough or unrated). */
struct store_export_filter {
	unsigned flags_mask;
	long min_response_chars;
	double min_rating;
};

/* An API key as stored: only a hash of the secret (see pipeline_apikey_*). */
struct store_apikey {
	int64_t id;
	const char *name;
	const char *scope;           /* "ingest" or "admin" */
	const char *hash;            /* 64 hex: SHA-256 of the key */
	const char *prefix;          /* the key's first characters, to recognise it */
	int64_t created_at;
	int64_t revoked_at;          /* 0 while the key is valid */
};

/* Which conversations store_delete_conversations removes. */
struct store_delete_filter {
	const char *user_pseudo;     /* NULL: any user */
	int64_t created_before;      /* 0: any age */
};

int store_open(const char *path, unsigned flags, store **out, char *err, size_t errlen);
void store_close(store *s);
const char *store_errmsg(const store *s);

/* A write transaction (takes the write lock at once). */
int store_begin(store *s);
/* A read transaction: every read until the commit sees one snapshot. */
int store_begin_read(store *s);
int store_commit(store *s);
int store_rollback(store *s);
bool store_in_transaction(store *s);

/* Small key/value settings (schema-independent): key fingerprint, ... */
int store_meta_get(store *s, const char *key, char **value);  /* caller frees */
int store_meta_set(store *s, const char *key, const char *value);

int store_find_conversation(store *s, const char *conversation_id, struct store_conv_info *out);
/* Insert, or replace the conversation with the same id (its ratings stay). */
int store_put_conversation(store *s, const struct store_conv *c, bool replace);
/* Set the rating of (conversation, user); *replaced tells if one existed. */
int store_put_rating(store *s, int64_t rowid, const char *user_pseudo, int rating,
		     const char *comment, int64_t now, bool *replaced);
/* Recompute a conversation's rating totals from its ratings and store them
 * with the verdict 'reasons' computed by the caller from those totals. */
int store_rating_totals(store *s, int64_t rowid, long *sum, long *count);
int store_set_rating_summary(store *s, int64_t rowid, long sum, long count, unsigned reasons);

int store_scan_stats(store *s, int (*cb)(void *ctx, const struct store_stats_row *row), void *ctx);
/* hist[1..5] = number of ratings with that many stars. */
int store_rating_histogram(store *s, long hist[6]);
int store_scan_export(store *s, const struct store_export_filter *f,
		      int (*cb)(void *ctx, const struct store_export_row *row), void *ctx);

/* Read one conversation; strings stay valid until the next call. */
int store_get_conversation(store *s, const char *conversation_id, struct store_conv_full *out);
int store_scan_ratings(store *s, int64_t rowid,
		       int (*cb)(void *ctx, const struct store_rating_row *row), void *ctx);

/* Delete the matching conversations with their text and every rating of
 * them; *conversations and *ratings say how many rows went. */
int store_delete_conversations(store *s, const struct store_delete_filter *f, long *conversations,
			       long *ratings);
/* Delete every rating given by user_pseudo. *affected (caller frees) lists
 * the conversations that lost a rating, with rowid, response_chars, flags
 * and their recomputed rating_sum/rating_count filled in. */
int store_delete_user_ratings(store *s, const char *user_pseudo, long *ratings,
			      struct store_conv_info **affected, size_t *naffected);
/* Rows stored, and the bytes the store takes on disk. */
int store_counts(store *s, long *conversations, long *ratings);
int store_size(store *s, int64_t *bytes);
/* API keys: add one (its id comes back in *id), scan all (revoked ones
 * included, in id order), revoke one (STORE_ENOTFOUND: no valid key with
 * that id). */
int store_apikey_add(store *s, const struct store_apikey *k, int64_t *id);
int store_apikey_scan(store *s, int (*cb)(void *ctx, const struct store_apikey *k), void *ctx);
int store_apikey_revoke(store *s, int64_t id, int64_t now);

/*
 * Group commit across transactions (STORE_DEFER_SYNC): the writer commits
 * without waiting for the disk, and another thread calls store_syncer_sync()
 * to make every transaction committed before the call durable, so one
 * flush covers many commits and the writer never waits for it. The syncer
 * also checkpoints in the background. It may be used from any one thread
 * while the store's own handle is used by another.
 */
struct store_syncer {
	int (*sync)(struct store_syncer *y);
	void (*close)(struct store_syncer *y);
	char err[256];
};
int store_syncer_open(store *s, struct store_syncer **out, char *err, size_t errlen);
/* STORE_OK, or STORE_EIO with the reason in y->err. */
int store_syncer_sync(struct store_syncer *y);
void store_syncer_close(struct store_syncer *y);

/* The backend's operations; a backend fills one of these. */
struct store_ops {
	const char *name;
	void (*close)(store *s);
	int (*begin)(store *s);
	int (*begin_read)(store *s);
	int (*commit)(store *s);
	int (*rollback)(store *s);
	bool (*in_transaction)(store *s);
	int (*meta_get)(store *s, const char *key, char **value);
	int (*meta_set)(store *s, const char *key, const char *value);
	int (*find_conversation)(store *s, const char *cid, struct store_conv_info *out);
	int (*put_conversation)(store *s, const struct store_conv *c, bool replace);
	int (*put_rating)(store *s, int64_t rowid, const char *user, int rating, const char *comment,
			  int64_t now, bool *replaced);
	int (*rating_totals)(store *s, int64_t rowid, long *sum, long *count);
	int (*set_rating_summary)(store *s, int64_t rowid, long sum, long count, unsigned reasons);
	int (*scan_stats)(store *s, int (*cb)(void *, const struct store_stats_row *), void *ctx);
	int (*rating_histogram)(store *s, long hist[6]);
	int (*scan_export)(store *s, const struct store_export_filter *f,
			   int (*cb)(void *, const struct store_export_row *), void *ctx);
	int (*get_conversation)(store *s, const char *cid, struct store_conv_full *out);
	int (*scan_ratings)(store *s, int64_t rowid, int (*cb)(void *, const struct store_rating_row *),
			    void *ctx);
	int (*delete_conversations)(store *s, const struct store_delete_filter *f, long *convs, long *ratings);
	int (*delete_user_ratings)(store *s, const char *user, long *ratings, struct store_conv_info **affected,
				   size_t *naffected);
	int (*counts)(store *s, long *convs, long *ratings);
	int (*size)(store *s, int64_t *bytes);
	int (*apikey_add)(store *s, const struct store_apikey *k, int64_t *id);
	int (*apikey_scan)(store *s, int (*cb)(void *, const struct store_apikey *), void *ctx);
	int (*apikey_revoke)(store *s, int64_t id, int64_t now);
	int (*syncer_open)(store *s, struct store_syncer **out, char *err, size_t errlen);
};

/* The part of every backend's handle that the dispatch functions use. */
struct store {
	const struct store_ops *ops;
	char err[512];
};

/* Backends. */
int store_sqlite_open(const char *path, unsigned flags, store **out, char *err, size_t errlen);

#endif
