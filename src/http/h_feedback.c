/*
 * h_feedback: POST /v1/feedback, a 1-5 star rating of one conversation.
 *
 * Authorised by an ingest (or admin) key, or, for the browser widget that
 * holds no secret, by the feedback_token the conversation's POST returned.
 * The rating is stored by the writer through pipeline_feedback, like
 * `cerberus feedback`.
 */
#include "http/http.h"

#include <stdlib.h>
#include <string.h>

struct feedback_state {
	json_t *root;   /* the strings of the request point into it */
};

static void free_feedback(void *p)
{
	struct feedback_state *st = p;

	json_decref(st->root);
	free(st);
}

int h_feedback_post(struct server *srv, struct http_exchange *x)
{
	struct feedback_state *st;
	json_error_t jerr;
	json_t *root, *tok;
	char err[256];

	root = json_loadb(x->body, x->body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		/* the scanner accepted it: a duplicate key, or a number jansson cannot hold */
		http_error(x, 400, "malformed_json", "JSON rejected at column %d", jerr.column);
		return HTTP_DONE;
	}
	if (!(st = calloc(1, sizeof(*st)))) {
		json_decref(root);
		http_error(x, 503, "out_of_memory", "out of memory");
		return HTTP_DONE;
	}
	st->root = root;
	x->state = st;
	x->free_state = free_feedback;
	if (pipeline_feedback_from_json(root, &x->job.fb, err, sizeof(err))) {
		http_error(x, 422, "invalid_feedback", "%s", err);
		return HTTP_DONE;
	}
	if (x->scope == APIKEY_NONE) {
		const char *t;
		tok = json_object_get(root, "feedback_token");
		if (!json_is_string(tok)) {
			x->www_authenticate = true;
			http_error(x, 401, "unauthorized", "an API key or the conversation's feedback_token is required");
			return HTTP_DONE;
		}
		t = json_string_value(tok);
		if (!pipeline_feedback_token_ok(srv->wp, x->job.fb.conversation_id, t, json_string_length(tok))) {
			x->www_authenticate = true;
			http_error(x, 401, "unauthorized", "invalid feedback_token for this conversation");
			return HTTP_DONE;
		}
	}
	x->job.type = WJ_FEEDBACK;
	return HTTP_PENDING;
}

int h_feedback_done(struct server *srv, struct http_exchange *x)
{
	const struct feedback_result *r = &x->job.fbres;
	json_t *o, *v;
	const char *code;
	int status;

	if (x->job.rc) {
		status = http_pipe_status(x->job.rc, &code);
		if (x->job.rc == PIPE_EINPUT)
			code = "invalid_feedback";
		http_error(x, status, code, "%s", x->job.err);
		return HTTP_DONE;
	}
	o = json_object();
	json_object_set_new(o, "conversation_id", json_string(x->job.fb.conversation_id));
	json_object_set_new(o, "rating", json_integer(x->job.fb.rating));
	json_object_set_new(o, "replaced", json_boolean(r->replaced));
	json_object_set_new(o, "rating_count", json_integer(r->rating_count));
	json_object_set_new(o, "rating_mean", json_real(r->rating_mean));
	v = json_object();
	json_object_set_new(v, "high_quality", json_boolean(r->reasons == 0));
	json_object_set_new(v, "reasons", pipeline_reasons_json(r->reasons));
	json_object_set_new(o, "verdict", v);
	http_json(x, 200, o);
	return HTTP_DONE;
}
