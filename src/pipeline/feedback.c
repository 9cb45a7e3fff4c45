/*
 * feedback: record a 1-5 star rating of a conversation.
 *
 * One rating per (conversation, user): a later one replaces the earlier.
 * The rater's id is pseudonymized and the comment scrubbed before either
 * reaches the store; the conversation's rating totals and its verdict are
 * updated in the same transaction as the rating.
 */
#include "pipeline/pipeline.h"
#include "util/buf.h"
#include "util/utf8.h"

#include <stdio.h>
#include <string.h>

#define COMMENT_MAX 8192

int pipeline_feedback(struct pipeline *p, const struct feedback_request *req, struct feedback_result *res,
		      char *err, size_t errlen)
{
	struct store_conv_info info;
	struct quality_input qi;
	struct quality_thresholds qt;
	struct scrub_counts counts;
	struct buf comment;
	char user_ps[PSEUDO_HEX_LEN + 1] = "";
	long sum, count;
	bool own;
	int rc;

	memset(res, 0, sizeof(*res));
	if (!req->conversation_id || !conv_id_valid(req->conversation_id, strlen(req->conversation_id))) {
		snprintf(err, errlen, "invalid conversation id");
		return PIPE_EINPUT;
	}
	if (req->rating < 1 || req->rating > 5) {
		snprintf(err, errlen, "rating must be an integer from 1 to 5");
		return PIPE_EINPUT;
	}
	if (req->comment && (strlen(req->comment) > COMMENT_MAX ||
			     !utf8_valid(req->comment, strlen(req->comment), NULL))) {
		snprintf(err, errlen, "comment must be valid UTF-8 of at most %d bytes", COMMENT_MAX);
		return PIPE_EINPUT;
	}
	if (req->user_id && (!*req->user_id || strlen(req->user_id) > CONV_USER_ID_MAX ||
			     !utf8_valid(req->user_id, strlen(req->user_id), NULL))) {
		snprintf(err, errlen, "user id must be 1-%d bytes of UTF-8", CONV_USER_ID_MAX);
		return PIPE_EINPUT;
	}
	/* the rating and the conversation's totals change together: in the
	 * caller's transaction, or in one of our own */
	own = !store_in_transaction(p->st);
	if (own && store_begin(p->st)) {
		snprintf(err, errlen, "%s", store_errmsg(p->st));
		return PIPE_ESTORE;
	}
	rc = store_find_conversation(p->st, req->conversation_id, &info);
	if (rc == STORE_ENOTFOUND) {
		snprintf(err, errlen, "unknown conversation '%s'", req->conversation_id);
		rc = PIPE_ENOTFOUND;
		goto fail;
	}
	if (rc)
		goto store_fail;
	/* an anonymous rating is keyed by the empty pseudonym: one per conversation */
	if (req->user_id && pseudo_id(&p->key, req->user_id, strlen(req->user_id), user_ps)) {
		snprintf(err, errlen, "pseudonymization failed; rating refused");
		rc = PIPE_ESCRUB;
		goto fail;
	}
	buf_init(&comment, COMMENT_MAX * 4);
	memset(&counts, 0, sizeof(counts));
	if (req->comment && scrub_text(p->scrub, req->comment, strlen(req->comment), &comment, &counts)) {
		buf_release(&comment);
		snprintf(err, errlen, "scrubbing failed; rating refused");
		rc = PIPE_ESCRUB;
		goto fail;
	}
	rc = store_put_rating(p->st, info.rowid, user_ps, req->rating, req->comment ? buf_cstr(&comment) : NULL,
			      pipeline_now(p), &res->replaced);
	buf_release(&comment);
	if (rc || store_rating_totals(p->st, info.rowid, &sum, &count))
		goto store_fail;
	qi.rating_sum = sum;
	qi.rating_count = count;
	qi.response_chars = info.response_chars;
	qi.flags = info.flags;
	quality_thresholds_default(&qt);
	res->reasons = quality_reasons(&qi, &qt);
	res->rating_count = count;
	res->rating_mean = count ? (double)sum / (double)count : 0;
	if (store_set_rating_summary(p->st, info.rowid, sum, count, res->reasons))
		goto store_fail;
	if (own && store_commit(p->st))
		goto store_fail;
	return PIPE_OK;
store_fail:
	snprintf(err, errlen, "%s", store_errmsg(p->st));
	rc = PIPE_ESTORE;
fail:
	if (own)
		store_rollback(p->st);
	return rc;
}

int pipeline_feedback_parse(const char *json, size_t len, struct feedback_request *req, json_t **holder,
			    char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root;
	size_t bad;

	memset(req, 0, sizeof(*req));
	*holder = NULL;
	if (!utf8_valid(json, len, &bad)) {
		snprintf(err, errlen, "invalid UTF-8 at byte %zu", bad + 1);
		return PIPE_EINPUT;
	}
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		char *near = strstr(jerr.text, " near ");  /* never echo input */
		if (near)
			*near = '\0';
		snprintf(err, errlen, "malformed JSON at column %d: %s", jerr.column, jerr.text);
		return PIPE_EINPUT;
	}
	if (pipeline_feedback_from_json(root, req, err, errlen)) {
		json_decref(root);
		return PIPE_EINPUT;
	}
	*holder = root;
	return PIPE_OK;
}

int pipeline_feedback_from_json(json_t *root, struct feedback_request *req, char *err, size_t errlen)
{
	json_t *v;

	memset(req, 0, sizeof(*req));
	if (!json_is_object(root)) {
		snprintf(err, errlen, "expected a JSON object");
		goto bad;
	}
	v = json_object_get(root, "conversation_id");
	if (!json_is_string(v)) {
		snprintf(err, errlen, v ? "field 'conversation_id': expected a string"
					: "missing required field 'conversation_id'");
		goto bad;
	}
	req->conversation_id = json_string_value(v);
	v = json_object_get(root, "rating");
	if (!v) {
		snprintf(err, errlen, "missing required field 'rating'");
		goto bad;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 5) {
		snprintf(err, errlen, "field 'rating': must be an integer from 1 to 5");
		goto bad;
	}
	req->rating = (int)json_integer_value(v);
	v = json_object_get(root, "comment");
	if (v && !json_is_null(v)) {
		if (!json_is_string(v)) {
			snprintf(err, errlen, "field 'comment': expected a string");
			goto bad;
		}
		req->comment = json_string_value(v);
	}
	v = json_object_get(root, "user_id");
	if (v && !json_is_null(v)) {
		if (!json_is_string(v)) {
			snprintf(err, errlen, "field 'user_id': expected a string");
			goto bad;
		}
		req->user_id = json_string_value(v);
	}
	return PIPE_OK;
bad:
	memset(req, 0, sizeof(*req));
	return PIPE_EINPUT;
}
