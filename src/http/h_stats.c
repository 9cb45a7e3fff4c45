/*
 * h_stats: GET /v1/stats and GET /v1/progress, the objects of
 * `cerberus stats --json` and `cerberus progress --json`, computed by the
 * same pipeline functions on a read connection. Query arguments: days
 * (stats), goal and window (progress), with the CLI's defaults and ranges.
 */
#include "http/http.h"
#include "cmd/cli.h"

#include <stdio.h>

/* A numeric query argument in [min, max]; def when absent; -1 when bad. */
static int query_long(struct http_exchange *x, const char *name, long min, long max, long def, long *out)
{
	const char *v = x->query ? x->query(x->conn, name) : NULL;

	*out = def;
	if (!v)
		return 0;
	if (!cli_parse_long(v, min, max, out)) {
		http_error(x, 400, "invalid_argument", "query argument '%s' must be an integer from %ld to %ld", name,
			   min, max);
		return -1;
	}
	return 0;
}

static void answer(struct http_exchange *x, int rc, json_t *out, const char *err)
{
	const char *code;

	if (rc) {
		int status = http_pipe_status(rc, &code);
		http_error(x, status, code, "%s", err);
		return;
	}
	http_json(x, 200, out);
}

int h_stats_get(struct server *srv, struct http_exchange *x)
{
	struct stats_options so;
	struct pipeline *r;
	json_t *out = NULL;
	char err[256];
	long days;
	int rc;

	if (query_long(x, "days", 1, 3660, 30, &days))
		return HTTP_DONE;
	quality_thresholds_default(&so.thresholds);
	so.days = (int)days;
	r = server_reader(srv);
	rc = pipeline_stats(r, &so, &out, err, sizeof(err));
	server_reader_put(srv, r);
	answer(x, rc, out, err);
	return HTTP_DONE;
}

int h_progress_get(struct server *srv, struct http_exchange *x)
{
	struct progress_options po;
	struct pipeline *r;
	json_t *out = NULL;
	char err[256];
	long goal, window;
	int rc;

	if (query_long(x, "goal", 1, 1000000000000L, 50000, &goal) || query_long(x, "window", 1, 365, 7, &window))
		return HTTP_DONE;
	quality_thresholds_default(&po.thresholds);
	po.goal = goal;
	po.window_days = (int)window;
	r = server_reader(srv);
	rc = pipeline_progress(r, &po, &out, err, sizeof(err));
	server_reader_put(srv, r);
	answer(x, rc, out, err);
	return HTTP_DONE;
}
