/*
 * h_conversations: POST /v1/conversations (one record, or a batch) and
 * GET /v1/conversations/{id}.
 *
 * A record is prepared (validated, scrubbed, pseudonymized) by
 * pipeline_prepare in the request's thread, stored by the writer, and
 * answered only once committed, with its id and feedback token.
 */
#include "http/http.h"
#include "util/jscan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_MAX_ITEMS 1000

struct span {
	const char *s;
	size_t len;
};

struct ingest_state {
	struct wjob_item *items;
	size_t n;
	bool batch;
};

static void free_ingest(void *p)
{
	struct ingest_state *st = p;

	for (size_t i = 0; i < st->n; i++)
		ingest_prep_release(&st->items[i].prep);
	free(st->items);
	free(st);
}

/*
 * A batch is an object whose first and only key is "conversations",
 * holding an array; a record never starts with that key. Fills the element
 * spans (caller frees *v); returns 0 for a single record (only its first
 * key is looked at: the record's parser reads the rest), 1 for a batch,
 * -1 for a malformed batch with its status and code (the whole batch is
 * scanned here, so its elements are known to be valid JSON).
 */
static int split_batch(const char *body, size_t len, struct span **v, size_t *n, int *status, const char **code,
		       char *err, size_t errlen)
{
	struct jscan j;
	struct buf key;
	struct span *spans = NULL, *ns;
	size_t alloc = 0;
	int k = 0, e = 0, more;
	bool first;

	*v = NULL;
	*n = 0;
	*status = 422;
	*code = "invalid_batch";
	/* a record's first key: anything else is a single record */
	jscan_init(&j, body, len);
	if (jscan_peek(&j) != JS_OBJECT || jscan_enter(&j, '{') || jscan_next(&j, '}', &k) != 1)
		return 0;
	buf_init(&key, 64);
	first = jscan_key(&j, &key) == 0 && !strcmp(buf_cstr(&key), "conversations");
	buf_release(&key);
	if (!first)
		return 0;
	if ((*status = http_check_json(body, len, err, errlen, code)))
		return -1;
	*status = 422;
	if (jscan_peek(&j) != JS_ARRAY) {
		snprintf(err, errlen, "field 'conversations': expected an array");
		return -1;
	}
	jscan_enter(&j, '[');
	while ((more = jscan_next(&j, ']', &e)) == 1) {
		jscan_peek(&j);   /* skips the whitespace before the element */
		if (*n == BATCH_MAX_ITEMS) {
			snprintf(err, errlen, "a batch holds at most %d conversations", BATCH_MAX_ITEMS);
			goto fail;
		}
		if (*n == alloc) {
			alloc = alloc ? 2 * alloc : 16;
			if (!(ns = realloc(spans, alloc * sizeof(*ns)))) {
				*status = 503;
				*code = "out_of_memory";
				snprintf(err, errlen, "out of memory");
				goto fail;
			}
			spans = ns;
		}
		spans[*n].s = body + j.pos;
		jscan_skip(&j);
		spans[*n].len = (size_t)(body + j.pos - spans[*n].s);
		(*n)++;
	}
	if (jscan_next(&j, '}', &k) != 0) {
		snprintf(err, errlen, "a batch is {\"conversations\": [...]} with no other fields");
		goto fail;
	}
	if (*n == 0) {
		snprintf(err, errlen, "field 'conversations': the batch is empty");
		goto fail;
	}
	*v = spans;
	return 1;
fail:
	free(spans);
	*n = 0;
	return -1;
}

int h_conversations_post(struct server *srv, struct http_exchange *x)
{
	struct ingest_state *st;
	struct span one = { x->body, x->body_len }, *spans = NULL;
	size_t n = 1;
	char err[256];
	const char *code;
	int status, b = split_batch(x->body, x->body_len, &spans, &n, &status, &code, err, sizeof(err));

	if (b < 0) {
		http_error(x, status, code, "%s", err);
		return HTTP_DONE;
	}
	if (b == 0) {
		spans = &one;
		n = 1;
	}
	st = calloc(1, sizeof(*st));
	if (!st || !(st->items = calloc(n, sizeof(*st->items)))) {
		free(st);
		if (b)
			free(spans);
		http_error(x, 503, "out_of_memory", "out of memory");
		return HTTP_DONE;
	}
	st->n = n;
	st->batch = b == 1;
	for (size_t i = 0; i < n; i++)
		pipeline_prepare(srv->wp, spans[i].s, spans[i].len, &st->items[i].prep);
	if (b)
		free(spans);
	/* a single record that is not even JSON is a 400, as on every route:
	 * checked only now, so that valid records are scanned once */
	if (!b && st->items[0].prep.rc == PIPE_EINPUT &&
	    (status = http_check_json(x->body, x->body_len, err, sizeof(err), &code))) {
		free_ingest(st);
		http_error(x, status, code, "%s", err);
		return HTTP_DONE;
	}
	x->state = st;
	x->free_state = free_ingest;
	x->job.type = WJ_INGEST;
	x->job.items = st->items;
	x->job.nitems = n;
	return HTTP_PENDING;
}

/* The answer for one item: {conversation_id, feedback_token} or an error. */
static json_t *item_json(struct server *srv, const struct wjob_item *it, int *status)
{
	json_t *o = json_object(), *e;
	char token[PSEUDO_HEX_LEN + 1];
	const char *code;

	if (it->rc == PIPE_OK && pipeline_feedback_token(srv->wp, it->res.conversation_id, token) == 0) {
		*status = 201;
		json_object_set_new(o, "conversation_id", json_string(it->res.conversation_id));
		json_object_set_new(o, "feedback_token", json_string(token));
		json_object_set_new(o, "replaced", json_boolean(it->res.replaced));
		return o;
	}
	*status = it->rc == PIPE_OK ? 500 : http_pipe_status(it->rc, &code);
	if (it->rc == PIPE_OK)
		code = "internal";
	else if (it->rc == PIPE_EINPUT)
		code = "invalid_conversation";
	e = json_object();
	json_object_set_new(e, "code", json_string(code));
	json_object_set_new(e, "message", json_string(it->rc == PIPE_OK ? "cannot compute the feedback token"
								       : it->err));
	json_object_set_new(o, "error", e);
	return o;
}

int h_conversations_done(struct server *srv, struct http_exchange *x)
{
	struct ingest_state *st = x->state;
	json_t *o, *results;
	int status = 500;

	for (size_t i = 0; i < st->n; i++)
		if (st->items[i].rc == PIPE_OK)
			metrics_add_redactions(&srv->metrics, &st->items[i].res.redactions);
	if (!st->batch) {
		o = item_json(srv, &st->items[0], &status);
		http_json(x, status, o);
		return HTTP_DONE;
	}
	results = json_array();
	for (size_t i = 0; i < st->n; i++) {
		json_t *it = item_json(srv, &st->items[i], &status);
		json_object_set_new(it, "status", json_integer(status));
		json_array_append_new(results, it);
	}
	o = json_object();
	json_object_set_new(o, "results", results);
	http_json(x, 207, o);
	return HTTP_DONE;
}

int h_conversation_get(struct server *srv, struct http_exchange *x)
{
	struct quality_thresholds qt;
	struct pipeline *r = server_reader(srv);
	json_t *out;
	char err[256];
	const char *code;
	int rc;

	quality_thresholds_default(&qt);
	rc = pipeline_show(r, x->param, &qt, &out, err, sizeof(err));
	server_reader_put(srv, r);
	if (rc == PIPE_EINPUT || rc == PIPE_ENOTFOUND) {
		http_error(x, 404, "not_found", "no conversation with this id");
		return HTTP_DONE;
	}
	if (rc) {
		int status = http_pipe_status(rc, &code);
		http_error(x, status, code, "%s", err);
		return HTTP_DONE;
	}
	http_json(x, 200, out);
	return HTTP_DONE;
}
