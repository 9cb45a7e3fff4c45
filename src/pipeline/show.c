/*
 * show: one stored conversation as a JSON object, with its ratings and its
 * verdict at the given thresholds. Everything in it is what the store
 * holds: pseudonyms and scrubbed text.
 */
#include "pipeline/pipeline.h"
#include "util/taglist.h"
#include "util/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int add_rating(void *ctx, const struct store_rating_row *r)
{
	json_t *a = ctx, *o = json_object();
	char ts[21];

	time_format_rfc3339(r->created_at, ts);
	json_object_set_new(o, "user", *r->user_pseudo ? json_string(r->user_pseudo) : json_null());
	json_object_set_new(o, "rating", json_integer(r->rating));
	json_object_set_new(o, "comment", r->comment ? json_string(r->comment) : json_null());
	json_object_set_new(o, "created_at", json_string(ts));
	return json_array_append_new(a, o) ? 1 : 0;
}

static json_t *split_list(const char *s, bool counted)
{
	json_t *v = counted ? json_object() : json_array();
	char name[128];
	long n;

	while (v && taglist_next(&s, name, sizeof(name), &n)) {
		if (counted)
			json_object_set_new(v, name, json_integer(n));
		else
			json_array_append_new(v, json_string(name));
	}
	return v;
}

int pipeline_show(struct pipeline *p, const char *conversation_id, const struct quality_thresholds *t,
		  json_t **out, char *err, size_t errlen)
{
	struct store_conv_full f;
	struct quality_input qi;
	json_t *o, *ratings, *verdict, *msgs, *extra = NULL;
	unsigned reasons;
	char ts[21];
	int rc;

	*out = NULL;
	if (!conv_id_valid(conversation_id, strlen(conversation_id))) {
		snprintf(err, errlen, "invalid conversation id");
		return PIPE_EINPUT;
	}
	rc = store_get_conversation(p->st, conversation_id, &f);
	if (rc == STORE_ENOTFOUND) {
		snprintf(err, errlen, "unknown conversation '%s'", conversation_id);
		return PIPE_ENOTFOUND;
	}
	if (rc) {
		snprintf(err, errlen, "%s", store_errmsg(p->st));
		return PIPE_ESTORE;
	}
	msgs = json_loadb(f.conv.messages, f.conv.messages_len, 0, NULL);
	if (!msgs) {
		snprintf(err, errlen, "conversation '%s': stored text is malformed", conversation_id);
		return PIPE_ESTORE;
	}
	/* metadata may hold numbers jansson cannot represent exactly (any JSON
	 * number is accepted at ingest): big integers are shown as reals, and
	 * what still does not load is shown as its text */
	if (f.conv.extra && !(extra = json_loadb(f.conv.extra, f.conv.extra_len, JSON_DECODE_INT_AS_REAL, NULL))) {
		extra = json_object();
		json_object_set_new(extra, "extra_text", json_stringn(f.conv.extra, f.conv.extra_len));
	}
	o = json_object();
	json_object_set_new(o, "conversation_id", json_string(f.conv.conversation_id));
	json_object_set_new(o, "user", json_string(f.conv.user_pseudo));
	json_object_set_new(o, "session", f.conv.session_pseudo ? json_string(f.conv.session_pseudo) : json_null());
	time_format_rfc3339(f.conv.created_at, ts);
	json_object_set_new(o, "created_at", json_string(ts));
	time_format_rfc3339(f.conv.ingested_at, ts);
	json_object_set_new(o, "ingested_at", json_string(ts));
	json_object_set_new(o, "model", f.conv.model ? json_string(f.conv.model) : json_null());
	json_object_set_new(o, "messages", msgs);
	if (extra) {
		const char *k;
		json_t *v;
		json_object_foreach(extra, k, v)
			json_object_set(o, k, v);
		json_decref(extra);
	}
	json_object_set_new(o, "languages", split_list(f.conv.langs, false));
	json_object_set_new(o, "frameworks", split_list(f.conv.frameworks, false));
	json_object_set_new(o, "redactions", split_list(f.conv.redactions, true));
	json_object_set_new(o, "response_chars", json_integer(f.info.response_chars));
	ratings = json_array();
	qi.rating_sum = f.info.rating_sum;
	qi.rating_count = f.info.rating_count;
	qi.response_chars = f.info.response_chars;
	qi.flags = f.info.flags;
	reasons = quality_reasons(&qi, t);
	if (store_scan_ratings(p->st, f.info.rowid, add_rating, ratings)) {
		json_decref(ratings);
		json_decref(o);
		snprintf(err, errlen, "%s", store_errmsg(p->st));
		return PIPE_ESTORE;
	}
	json_object_set_new(o, "ratings", ratings);
	json_object_set_new(o, "rating_mean", qi.rating_count ? json_real((double)qi.rating_sum / qi.rating_count)
							      : json_null());
	verdict = json_object();
	json_object_set_new(verdict, "high_quality", json_boolean(reasons == 0));
	json_object_set_new(verdict, "reasons", pipeline_reasons_json(reasons));
	json_object_set_new(o, "verdict", verdict);
	*out = o;
	return PIPE_OK;
}
