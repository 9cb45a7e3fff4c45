/*
 * routes: the table of every endpoint of `cerberus serve`, and matching a
 * request against it. A new endpoint (or a static file) is one line here
 * plus its handler.
 */
#include "http/http.h"

#include <stdio.h>
#include <string.h>

const struct route http_routes[] = {
	/* method    pattern                    auth           cors   handle                complete              data  own_checks */
	{ "POST",   "/v1/conversations",       AUTH_INGEST,   false, h_conversations_post, h_conversations_done, NULL, true },
	{ "GET",    "/v1/conversations/{id}",  AUTH_ADMIN,    false, h_conversation_get,   NULL,                 NULL, false },
	{ "POST",   "/v1/feedback",            AUTH_FEEDBACK, true,  h_feedback_post,      h_feedback_done,      NULL, false },
	{ "GET",    "/v1/stats",               AUTH_DASHBOARD, false, h_stats_get,         NULL,                 NULL, false },
	{ "GET",    "/v1/progress",            AUTH_DASHBOARD, false, h_progress_get,      NULL,                 NULL, false },
	{ "DELETE", "/v1/users/{user_id}",     AUTH_ADMIN,    false, h_users_delete,       h_users_done,         NULL, false },
	{ "GET",    "/healthz",                AUTH_NONE,     false, h_healthz,            NULL,                 NULL, false },
	{ "GET",    "/metrics",                AUTH_READ,     false, h_metrics,            NULL,                 NULL, false },
	/* the dashboard, the rating widget and its demo (h_web.c, web/) */
	{ "GET",    "/",                       AUTH_NONE,     false, h_web_asset,          NULL,                 NULL, false },
	{ "GET",    "/dashboard.json",         AUTH_NONE,     false, h_dashboard_config,   NULL,                 NULL, false },
	{ "GET",    "/assets/{file}",          AUTH_NONE,     false, h_web_asset,          NULL,                 NULL, false },
	{ "GET",    "/favicon.svg",            AUTH_NONE,     false, h_web_asset,          NULL,                 NULL, false },
	{ "GET",    "/widget.js",              AUTH_NONE,     true,  h_web_asset,          NULL,                 NULL, false },
	{ "GET",    "/demo",                   AUTH_NONE,     false, h_web_asset,          NULL,                 NULL, false },
};

const size_t http_nroutes = sizeof(http_routes) / sizeof(http_routes[0]);

/* Does path match pattern? The {x} segment, if any, is copied to param. */
static bool path_match(const char *pattern, const char *path, char *param, size_t paramlen)
{
	while (*pattern) {
		if (*pattern == '{') {
			size_t n = strcspn(path, "/");
			if (n == 0 || n >= paramlen)
				return false;
			memcpy(param, path, n);
			param[n] = '\0';
			path += n;
			pattern = strchr(pattern, '}');
			if (!pattern)
				return false;
			pattern++;
			continue;
		}
		if (*pattern++ != *path++)
			return false;
	}
	return *path == '\0';
}

int routes_match(const char *method, const char *path, int *route, char *param, size_t paramlen, char *allow,
		 size_t allowlen)
{
	size_t used = 0;
	bool path_found = false;

	*route = -1;
	if (allowlen)
		allow[0] = '\0';
	for (size_t i = 0; i < http_nroutes; i++) {
		if (!path_match(http_routes[i].pattern, path, param, paramlen))
			continue;
		if (!strcmp(http_routes[i].method, method)) {
			*route = (int)i;
			return 0;
		}
		path_found = true;
		if (!strstr(allow, http_routes[i].method)) {
			int n = snprintf(allow + used, allowlen - used, "%s%s", used ? ", " : "", http_routes[i].method);
			if (n > 0 && (size_t)n < allowlen - used)
				used += (size_t)n;
		}
		if (http_routes[i].cors && !strstr(allow, "OPTIONS")) {
			int n = snprintf(allow + used, allowlen - used, ", OPTIONS");
			if (n > 0 && (size_t)n < allowlen - used)
				used += (size_t)n;
		}
	}
	param[0] = '\0';
	return path_found ? 405 : 404;
}
