/*
 * h_users: DELETE /v1/users/{user_id}, the right to erasure. The raw user
 * id from the path is pseudonymized by pipeline_erase_user (as at ingest)
 * and never logged; the writer deletes the rows in one transaction.
 */
#include "http/http.h"

int h_users_delete(struct server *srv, struct http_exchange *x)
{
	x->job.type = WJ_ERASE;
	x->job.user_id = x->param;
	return HTTP_PENDING;
}

int h_users_done(struct server *srv, struct http_exchange *x)
{
	json_t *o;
	const char *code;

	if (x->job.rc) {
		int status = http_pipe_status(x->job.rc, &code);
		http_error(x, x->job.rc == PIPE_EINPUT ? 400 : status, x->job.rc == PIPE_EINPUT ? "invalid_user_id" : code,
			   "%s", x->job.err);
		return HTTP_DONE;
	}
	o = json_object();
	json_object_set_new(o, "conversations_deleted", json_integer(x->job.er.conversations));
	json_object_set_new(o, "ratings_deleted", json_integer(x->job.er.ratings));
	http_json(x, 200, o);
	return HTTP_DONE;
}
