/*
 * store: dispatch from the store interface to the backend that opened the
 * store (see store.h). Only SQLite exists today; a path is a file name.
 */
#include "store/store.h"

#include <stdio.h>
#include <string.h>

int store_open(const char *path, unsigned flags, store **out, char *err, size_t errlen)
{
	*out = NULL;
	if (!strncmp(path, "postgres://", 11) || !strncmp(path, "postgresql://", 13)) {
		snprintf(err, errlen, "cannot open store '%s': the PostgreSQL backend is not built into this cerberus",
			 path);
		return STORE_EVERSION;
	}
	return store_sqlite_open(path, flags, out, err, errlen);
}

void store_close(store *s)
{
	if (s)
		s->ops->close(s);
}

const char *store_errmsg(const store *s)
{
	return s->err;
}

int store_begin(store *s) { return s->ops->begin(s); }
int store_begin_read(store *s) { return s->ops->begin_read(s); }
int store_commit(store *s) { return s->ops->commit(s); }
bool store_in_transaction(store *s) { return s->ops->in_transaction(s); }
int store_rollback(store *s) { return s->ops->rollback(s); }

int store_meta_get(store *s, const char *key, char **value)
{
	return s->ops->meta_get(s, key, value);
}

int store_meta_set(store *s, const char *key, const char *value)
{
	return s->ops->meta_set(s, key, value);
}

int store_find_conversation(store *s, const char *cid, struct store_conv_info *out)
{
	return s->ops->find_conversation(s, cid, out);
}

int store_put_conversation(store *s, const struct store_conv *c, bool replace)
{
	return s->ops->put_conversation(s, c, replace);
}

int store_put_rating(store *s, int64_t rowid, const char *user, int rating, const char *comment,
		     int64_t now, bool *replaced)
{
	return s->ops->put_rating(s, rowid, user, rating, comment, now, replaced);
}

int store_rating_totals(store *s, int64_t rowid, long *sum, long *count)
{
	return s->ops->rating_totals(s, rowid, sum, count);
}

int store_set_rating_summary(store *s, int64_t rowid, long sum, long count, unsigned reasons)
{
	return s->ops->set_rating_summary(s, rowid, sum, count, reasons);
}

int store_scan_stats(store *s, int (*cb)(void *, const struct store_stats_row *), void *ctx)
{
	return s->ops->scan_stats(s, cb, ctx);
}

int store_rating_histogram(store *s, long hist[6])
{
	return s->ops->rating_histogram(s, hist);
}

int store_scan_export(store *s, const struct store_export_filter *f,
		      int (*cb)(void *, const struct store_export_row *), void *ctx)
{
	return s->ops->scan_export(s, f, cb, ctx);
}

int store_get_conversation(store *s, const char *cid, struct store_conv_full *out)
{
	return s->ops->get_conversation(s, cid, out);
}

int store_scan_ratings(store *s, int64_t rowid, int (*cb)(void *, const struct store_rating_row *),
		       void *ctx)
{
	return s->ops->scan_ratings(s, rowid, cb, ctx);
}

int store_delete_conversations(store *s, const struct store_delete_filter *f, long *convs, long *ratings)
{
	return s->ops->delete_conversations(s, f, convs, ratings);
}

int store_delete_user_ratings(store *s, const char *user, long *ratings, struct store_conv_info **affected,
			      size_t *naffected)
{
	return s->ops->delete_user_ratings(s, user, ratings, affected, naffected);
}

int store_counts(store *s, long *convs, long *ratings)
{
	return s->ops->counts(s, convs, ratings);
}

int store_size(store *s, int64_t *bytes)
{
	return s->ops->size(s, bytes);
}

int store_apikey_add(store *s, const struct store_apikey *k, int64_t *id)
{
	return s->ops->apikey_add(s, k, id);
}

int store_apikey_scan(store *s, int (*cb)(void *, const struct store_apikey *), void *ctx)
{
	return s->ops->apikey_scan(s, cb, ctx);
}

int store_apikey_revoke(store *s, int64_t id, int64_t now)
{
	return s->ops->apikey_revoke(s, id, now);
}

int store_syncer_open(store *s, struct store_syncer **out, char *err, size_t errlen)
{
	return s->ops->syncer_open(s, out, err, errlen);
}

int store_syncer_sync(struct store_syncer *y)
{
	return y->sync(y);
}

void store_syncer_close(struct store_syncer *y)
{
	if (y)
		y->close(y);
}
