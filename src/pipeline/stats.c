/*
 * stats: statistics and progress from one streaming scan of the narrow
 * conversations table (no message text is read). Memory is bounded by the
 * number of distinct days and distinct language/framework/redaction lists,
 * not by the number of conversations. Verdicts are recomputed from the
 * stored inputs, so any thresholds can be asked for.
 */
#include "pipeline/pipeline.h"
#include "core/plan.h"
#include "pipeline/internal.h"
#include "util/taglist.h"
#include "util/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A small hash table: key (a string or a day number) -> two counters. */
struct tally_entry {
	char *key;      /* NULL for day tables */
	uint64_t h;     /* hash of key, compared before the key */
	int64_t day;
	long a, b;
	bool used;
};

struct tally {
	struct tally_entry *v;
	size_t cap, n;
};

static uint64_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return h;
}

static uint64_t hash_day(int64_t d)
{
	uint64_t x = (uint64_t)d * 0x9e3779b97f4a7c15ULL;

	return x ^ (x >> 29);
}

static int tally_grow(struct tally *t);

static struct tally_entry *tally_slot(struct tally *t, const char *key, int64_t day)
{
	size_t i, len = key ? strlen(key) : 0;

	if ((t->n + 1) * 2 > t->cap && tally_grow(t))
		return NULL;
	uint64_t h = key ? hash_bytes(key, len) : hash_day(day);
	i = h & (t->cap - 1);
	for (;; i = (i + 1) & (t->cap - 1)) {
		struct tally_entry *e = &t->v[i];
		if (!e->used) {
			if (key && !(e->key = strdup(key)))
				return NULL;
			e->used = true;
			e->day = day;
			e->h = h;
			t->n++;
			return e;
		}
		if (e->h == h && (key ? !strcmp(e->key, key) : e->day == day))
			return e;
	}
}

static int tally_grow(struct tally *t)
{
	struct tally old = *t;

	t->cap = old.cap ? old.cap * 2 : 64;
	t->n = 0;
	t->v = calloc(t->cap, sizeof(*t->v));
	if (!t->v) {
		*t = old;
		return -1;
	}
	for (size_t i = 0; i < old.cap; i++) {
		if (!old.v[i].used)
			continue;
		size_t j = old.v[i].h & (t->cap - 1);
		while (t->v[j].used)
			j = (j + 1) & (t->cap - 1);
		t->v[j] = old.v[i];
		t->n++;
	}
	free(old.v);
	return 0;
}

/* Count one more of key (nothing for ""). 0, or -1 when memory ran out. */
static int tally_count(struct tally *t, const char *key)
{
	struct tally_entry *e;

	if (!*key)
		return 0;
	if (!(e = tally_slot(t, key, 0)))
		return -1;
	e->a++;
	return 0;
}

static void tally_release(struct tally *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free(t->v[i].key);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

struct agg {
	const struct quality_thresholds *qt;
	bool detail;             /* languages, frameworks, redactions too */
	long total, with_feedback, hq;
	long rating_sum, rating_count;
	long rejected[Q_NREASONS];
	struct tally days, langs, fws, reds;
	bool day_run;            /* the last row's day and its slot in days */
	int64_t day_run_day;
	size_t day_run_slot;
	bool oom;
};

static int agg_row(void *ctx, const struct store_stats_row *r)
{
	struct agg *a = ctx;
	struct quality_input qi = { r->rating_sum, r->rating_count, r->response_chars, r->flags };
	unsigned reasons = quality_reasons(&qi, a->qt);
	struct tally_entry *e;

	a->total++;
	if (r->rating_count > 0) {
		a->with_feedback++;
		a->rating_sum += r->rating_sum;
		a->rating_count += r->rating_count;
	}
	if (!reasons)
		a->hq++;
	for (unsigned i = 0; i < Q_NREASONS; i++)
		a->rejected[i] += (reasons >> i) & 1;
	if (!a->day_run || a->day_run_day != r->day) {
		if (!(e = tally_slot(&a->days, NULL, r->day)))
			goto oom;
		a->day_run = true;
		a->day_run_day = r->day;
		a->day_run_slot = (size_t)(e - a->days.v);
	}
	/* the slot stays valid: the day table only grows when a day is added */
	a->days.v[a->day_run_slot].a++;
	a->days.v[a->day_run_slot].b += !reasons;
	if (!a->detail)
		return 0;
	/* whole lists are tallied here and split once at the end: few distinct */
	if (tally_count(&a->langs, r->langs) || tally_count(&a->fws, r->frameworks) ||
	    tally_count(&a->reds, r->redactions))
		goto oom;
	return 0;
oom:
	a->oom = true;
	return 1;
}

static void agg_release(struct agg *a)
{
	tally_release(&a->days);
	tally_release(&a->langs);
	tally_release(&a->fws);
	tally_release(&a->reds);
}

static int aggregate(struct pipeline *p, struct agg *a, char *err, size_t errlen)
{
	int rc = store_scan_stats(p->st, agg_row, a);

	if (a->oom) {
		snprintf(err, errlen, "out of memory while scanning");
		return PIPE_ENOMEM;
	}
	if (rc) {
		snprintf(err, errlen, "%s", store_errmsg(p->st));
		return PIPE_ESTORE;
	}
	return PIPE_OK;
}

static long day_count(const struct agg *a, int64_t day, bool hq)
{
	struct tally *t = (struct tally *)&a->days;

	if (!t->cap)
		return 0;
	for (size_t i = hash_day(day) & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
		if (!t->v[i].used)
			return 0;
		if (t->v[i].day == day)
			return hq ? t->v[i].b : t->v[i].a;
	}
}

static long window_sum(const struct agg *a, int64_t today, int days, bool hq)
{
	long n = 0;

	for (int i = 0; i < days; i++)
		n += day_count(a, today - i, hq);
	return n;
}

/* Split "a,b" lists (or "EMAIL=2,PHONE=1" with counts) into name -> total. */
static int explode(const struct tally *in, bool counted, struct tally *out)
{
	char name[128];
	long mult;

	for (size_t i = 0; i < in->cap; i++) {
		const char *s;
		if (!in->v[i].used)
			continue;
		for (s = in->v[i].key; taglist_next(&s, name, sizeof(name), &mult);) {
			struct tally_entry *e = tally_slot(out, name, 0);
			if (!e)
				return -1;
			e->a += (counted ? mult : 1) * in->v[i].a;
		}
	}
	return 0;
}

static int by_count_desc(const void *x, const void *y)
{
	const struct tally_entry *a = x, *b = y;

	if (a->a != b->a)
		return a->a > b->a ? -1 : 1;
	return strcmp(a->key, b->key);
}

/* {"name": count, ...} ordered by count (descending), then name. */
static json_t *tally_object(const struct tally *in, bool counted)
{
	struct tally t = { 0 };
	struct tally_entry *v = NULL;
	size_t n = 0;
	json_t *o = json_object();

	if (!o || explode(in, counted, &t))
		goto fail;
	v = calloc(t.n ? t.n : 1, sizeof(*v));
	if (!v)
		goto fail;
	for (size_t i = 0; i < t.cap; i++)
		if (t.v[i].used)
			v[n++] = t.v[i];
	qsort(v, n, sizeof(*v), by_count_desc);
	for (size_t i = 0; i < n; i++)
		json_object_set_new(o, v[i].key, json_integer(v[i].a));
	free(v);
	tally_release(&t);
	return o;
fail:
	free(v);
	tally_release(&t);
	json_decref(o);
	return NULL;
}

static json_t *ratio(long num, long den)
{
	return json_real(den ? (double)num / (double)den : 0.0);
}

int pipeline_stats(struct pipeline *p, const struct stats_options *o, json_t **out, char *err, size_t errlen)
{
	struct agg a;
	long hist[6];
	int64_t today = time_day(pipeline_now(p));
	int days = o->days > 0 ? o->days : 30;
	json_t *root = NULL, *ratings, *rejected, *per_day, *col, *th;
	char date[11];
	bool own;
	int rc;

	*out = NULL;
	memset(&a, 0, sizeof(a));
	a.qt = &o->thresholds;
	a.detail = true;
	/* the scan and the histogram from one snapshot */
	own = !store_in_transaction(p->st);
	if (own && store_begin_read(p->st)) {
		snprintf(err, errlen, "%s", store_errmsg(p->st));
		return PIPE_ESTORE;
	}
	rc = aggregate(p, &a, err, errlen);
	if (!rc && store_rating_histogram(p->st, hist)) {
		snprintf(err, errlen, "%s", store_errmsg(p->st));
		rc = PIPE_ESTORE;
	}
	if (own)
		store_rollback(p->st);
	if (rc)
		goto out;
	rc = PIPE_ENOMEM;
	snprintf(err, errlen, "out of memory");
	if (!(root = json_object()))
		goto out;
	time_format_day(today, date);
	json_object_set_new(root, "today", json_string(date));
	json_object_set_new(root, "conversations", json_integer(a.total));
	col = json_object();
	json_object_set_new(col, "today", json_integer(day_count(&a, today, false)));
	json_object_set_new(col, "avg_7d", json_real((double)window_sum(&a, today, 7, false) / 7.0));
	json_object_set_new(col, "avg_30d", json_real((double)window_sum(&a, today, 30, false) / 30.0));
	json_object_set_new(root, "collection", col);
	json_object_set_new(root, "with_feedback", json_integer(a.with_feedback));
	json_object_set_new(root, "feedback_rate", ratio(a.with_feedback, a.total));
	json_object_set_new(root, "ratings_total", json_integer(a.rating_count));
	json_object_set_new(root, "avg_rating",
			    a.rating_count ? json_real((double)a.rating_sum / (double)a.rating_count) : json_null());
	ratings = json_object();
	for (int r = 1; r <= 5; r++) {
		char k[2] = { (char)('0' + r), 0 };
		json_object_set_new(ratings, k, json_integer(hist[r]));
	}
	json_object_set_new(root, "ratings", ratings);
	json_object_set_new(root, "high_quality", json_integer(a.hq));
	json_object_set_new(root, "quality_rate", ratio(a.hq, a.total));
	rejected = json_object();
	for (unsigned i = 0; i < Q_NREASONS; i++)
		json_object_set_new(rejected, quality_reason_name(i), json_integer(a.rejected[i]));
	json_object_set_new(root, "rejected", rejected);
	json_object_set_new(root, "languages", tally_object(&a.langs, false));
	json_object_set_new(root, "frameworks", tally_object(&a.fws, false));
	json_object_set_new(root, "redactions", tally_object(&a.reds, true));
	per_day = json_array();
	for (int i = days - 1; i >= 0; i--) {
		json_t *d = json_object();
		time_format_day(today - i, date);
		json_object_set_new(d, "date", json_string(date));
		json_object_set_new(d, "conversations", json_integer(day_count(&a, today - i, false)));
		json_object_set_new(d, "high_quality", json_integer(day_count(&a, today - i, true)));
		json_array_append_new(per_day, d);
	}
	json_object_set_new(root, "per_day", per_day);
	th = json_object();
	json_object_set_new(th, "min_rating", json_real(o->thresholds.min_rating));
	json_object_set_new(th, "min_response_chars", json_integer(o->thresholds.min_response_chars));
	json_object_set_new(root, "thresholds", th);
	if (!json_object_get(root, "languages") || !json_object_get(root, "frameworks") ||
	    !json_object_get(root, "redactions") || !json_object_get(root, "per_day"))
		goto out;
	*out = root;
	root = NULL;
	rc = PIPE_OK;
out:
	json_decref(root);
	agg_release(&a);
	return rc;
}

int pipeline_progress(struct pipeline *p, const struct progress_options *o, json_t **out, char *err,
		      size_t errlen)
{
	struct agg a;
	struct eta eta;
	int64_t today = time_day(pipeline_now(p));
	int window = o->window_days > 0 ? o->window_days : 7;
	json_t *root;
	char date[11];
	int rc;

	*out = NULL;
	memset(&a, 0, sizeof(a));
	a.qt = &o->thresholds;
	if ((rc = aggregate(p, &a, err, errlen))) {
		agg_release(&a);
		return rc;
	}
	plan_eta(o->goal, a.hq, (double)window_sum(&a, today, window, true) / window, today, &eta);
	agg_release(&a);
	if (!(root = json_object())) {
		snprintf(err, errlen, "out of memory");
		return PIPE_ENOMEM;
	}
	json_object_set_new(root, "goal", json_integer(o->goal));
	json_object_set_new(root, "high_quality", json_integer(a.hq));
	json_object_set_new(root, "remaining", json_integer(a.hq < o->goal ? o->goal - a.hq : 0));
	json_object_set_new(root, "percent", json_real(eta.percent));
	json_object_set_new(root, "rate_per_day", json_real(eta.rate_per_day));
	json_object_set_new(root, "window_days", json_integer(window));
	json_object_set_new(root, "eta_days", eta.has_eta ? json_real(eta.days) : json_null());
	if (eta.has_eta)
		time_format_day(eta.eta_day, date);
	json_object_set_new(root, "eta_date", eta.has_eta ? json_string(date) : json_null());
	time_format_day(today, date);
	json_object_set_new(root, "today", json_string(date));
	json_object_set_new(root, "conversations", json_integer(a.total));
	*out = root;
	return PIPE_OK;
}

int pipeline_count_verdicts(struct pipeline *p, const struct quality_thresholds *qt, long *total, long *hq,
			    long rejected[Q_NREASONS], char *err, size_t errlen)
{
	struct agg a;
	int rc;

	memset(&a, 0, sizeof(a));
	a.qt = qt;
	rc = aggregate(p, &a, err, errlen);
	*total = a.total;
	*hq = a.hq;
	memcpy(rejected, a.rejected, sizeof(a.rejected));
	agg_release(&a);
	return rc;
}
