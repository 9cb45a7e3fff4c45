/* Unit tests for the pure parts of src/http: routing, bearer parsing, key
 * matching, body checks, metrics formatting; and the feedback token. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cli.h"
#include "core/pseudo.h"
#include "http/http.h"
#include "util/buf.h"

static int match(const char *method, const char *path, char *param, char *allow)
{
	int route;
	int st = routes_match(method, path, &route, param, HTTP_PARAM_MAX, allow, 64);

	return st ? -st : route;
}

static int route_of(const char *method, const char *pattern)
{
	for (size_t i = 0; i < http_nroutes; i++)
		if (!strcmp(http_routes[i].method, method) && !strcmp(http_routes[i].pattern, pattern))
			return (int)i;
	return -1;
}

Test(routes, exact_and_param)
{
	char param[HTTP_PARAM_MAX], allow[64];

	cr_assert_eq(match("POST", "/v1/conversations", param, allow), route_of("POST", "/v1/conversations"));
	cr_assert_eq(match("GET", "/v1/conversations/c-1", param, allow),
		     route_of("GET", "/v1/conversations/{id}"));
	cr_assert_str_eq(param, "c-1");
	cr_assert_eq(match("DELETE", "/v1/users/alice@example.com", param, allow),
		     route_of("DELETE", "/v1/users/{user_id}"));
	cr_assert_str_eq(param, "alice@example.com");
	cr_assert_eq(match("GET", "/healthz", param, allow), route_of("GET", "/healthz"));
}

Test(routes, not_found_and_method)
{
	char param[HTTP_PARAM_MAX], allow[64];

	cr_assert_eq(match("GET", "/nope", param, allow), -404);
	cr_assert_eq(match("GET", "/v1/conversations/", param, allow), -404, "empty segment");
	cr_assert_eq(match("GET", "/v1/conversations/a/b", param, allow), -404, "two segments");
	cr_assert_eq(match("GET", "/v1/statsx", param, allow), -404, "prefix only");
	cr_assert_eq(match("GET", "/healthz/", param, allow), -404);
	cr_assert_eq(match("GET", "/v1/conversations", param, allow), -405);
	cr_assert_str_eq(allow, "POST");
	cr_assert_eq(match("PUT", "/v1/feedback", param, allow), -405);
	cr_assert_str_eq(allow, "POST, OPTIONS", "CORS routes allow OPTIONS");
	cr_assert_eq(match("POST", "/v1/conversations/c-1", param, allow), -405);
	cr_assert_str_eq(allow, "GET");
}

Test(routes, long_param_refused)
{
	char path[HTTP_PARAM_MAX + 64], param[HTTP_PARAM_MAX], allow[64];

	snprintf(path, sizeof(path), "/v1/users/");
	memset(path + 10, 'a', HTTP_PARAM_MAX);
	path[10 + HTTP_PARAM_MAX] = '\0';
	cr_assert_eq(match("DELETE", path, param, allow), -404);
}

Test(auth, bearer)
{
	const char *k;
	size_t n;

	cr_assert_eq(auth_bearer("Bearer cbk_abc", &k, &n), 0);
	cr_assert_eq(n, 7);
	cr_assert_eq(strncmp(k, "cbk_abc", n), 0);
	cr_assert_eq(auth_bearer("bearer  cbk_abc  ", &k, &n), 0, "scheme is case-insensitive");
	cr_assert_eq(n, 7);
	cr_assert_eq(auth_bearer(NULL, &k, &n), -1);
	cr_assert_eq(auth_bearer("Basic abc", &k, &n), -1);
	cr_assert_eq(auth_bearer("Bearer ", &k, &n), -1);
	cr_assert_eq(auth_bearer("Bearer a b", &k, &n), -1);
	cr_assert_eq(auth_bearer("Bearercbk", &k, &n), -1);
}

Test(auth, match_scopes)
{
	struct auth_key keys[3];
	char h[PSEUDO_HEX_LEN + 1];

	pipeline_apikey_hash("k-ingest", 8, keys[0].hash);
	keys[0].scope = APIKEY_INGEST;
	pipeline_apikey_hash("k-admin", 7, keys[1].hash);
	keys[1].scope = APIKEY_ADMIN;
	pipeline_apikey_hash("k-other", 7, keys[2].hash);
	keys[2].scope = APIKEY_INGEST;
	pipeline_apikey_hash("k-admin", 7, h);
	cr_assert_eq(auth_match(keys, 3, h), APIKEY_ADMIN);
	pipeline_apikey_hash("k-ingest", 8, h);
	cr_assert_eq(auth_match(keys, 3, h), APIKEY_INGEST);
	pipeline_apikey_hash("k-ingesT", 8, h);
	cr_assert_eq(auth_match(keys, 3, h), APIKEY_NONE);
	cr_assert_eq(auth_match(keys, 0, h), APIKEY_NONE);
	/* SHA-256("abc"), a published test vector (FIPS 180-2) */
	pipeline_apikey_hash("abc", 3, h);
	cr_assert_str_eq(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

Test(auth, feedback_token_is_domain_separated)
{
	struct pseudo_key key;
	char t1[PSEUDO_HEX_LEN + 1], t2[PSEUDO_HEX_LEN + 1], ps[PSEUDO_HEX_LEN + 1];

	memset(key.k, 7, sizeof(key.k));
	cr_assert_eq(pseudo_feedback_token(&key, "c-1", 3, t1), 0);
	cr_assert_eq(pseudo_feedback_token(&key, "c-1", 3, t2), 0);
	cr_assert_str_eq(t1, t2);
	cr_assert_eq(pseudo_feedback_token(&key, "c-2", 3, t2), 0);
	cr_assert_str_neq(t1, t2);
	cr_assert_eq(pseudo_id(&key, "c-1", 3, ps), 0);
	cr_assert_str_neq(t1, ps, "a token is not the pseudonym of a user named like the conversation");
}

static int check(const char *s, const char **code)
{
	char err[256];

	*code = "";
	return http_check_json(s, strlen(s), err, sizeof(err), code);
}

Test(body, json_checks)
{
	const char *code;
	char deep[300];

	cr_assert_eq(check("{\"a\":[1,2,{\"b\":null}]}", &code), 0);
	cr_assert_eq(check("", &code), 400);
	cr_assert_str_eq(code, "malformed_json");
	cr_assert_eq(check("{\"a\":", &code), 400);
	cr_assert_eq(check("{} x", &code), 400);
	cr_assert_eq(check("\"\xff\"", &code), 400);
	cr_assert_str_eq(code, "invalid_utf8");
	memset(deep, '[', HTTP_MAX_DEPTH);
	memset(deep + HTTP_MAX_DEPTH, ']', HTTP_MAX_DEPTH);
	deep[2 * HTTP_MAX_DEPTH] = '\0';
	cr_assert_eq(check(deep, &code), 0, "at the limit");
	memset(deep, '[', HTTP_MAX_DEPTH + 1);
	memset(deep + HTTP_MAX_DEPTH + 1, ']', HTTP_MAX_DEPTH + 1);
	deep[2 * HTTP_MAX_DEPTH + 2] = '\0';
	cr_assert_eq(check(deep, &code), 400);
	cr_assert_str_eq(code, "too_deep");
}

Test(metrics, format)
{
	struct metrics m;
	struct metrics_gauges g = { true, 12, 3, 4096, 5, 9, 4, 1 };
	struct scrub_counts c = { { 0 } };
	const char *names[16];
	struct buf out = BUF_INIT;

	for (size_t i = 0; i < http_nroutes; i++)
		names[i] = http_routes[i].pattern;
	cr_assert_eq(metrics_init(&m, http_nroutes), 0);
	metrics_observe(&m, 0, 201, 300);       /* 0.3 ms */
	metrics_observe(&m, 0, 201, 4000);      /* 4 ms */
	metrics_observe(&m, 0, 422, 9000000);   /* 9 s: beyond the last bucket */
	metrics_observe(&m, -1, 404, 100);
	metrics_observe(&m, 1, 299, 100);       /* an unlisted status */
	c.n[SCRUB_EMAIL] = 2;
	metrics_add_redactions(&m, &c);
	cr_assert_eq(metrics_format(&m, names, &g, &out), 0);
	const char *s = buf_cstr(&out);
	cr_assert_not_null(strstr(s, "cerberus_http_requests_total{route=\"/v1/conversations\",status=\"201\"} 2\n"));
	cr_assert_not_null(strstr(s, "cerberus_http_requests_total{route=\"/v1/conversations\",status=\"422\"} 1\n"));
	cr_assert_not_null(strstr(s, "cerberus_http_requests_total{route=\"unmatched\",status=\"404\"} 1\n"));
	cr_assert_not_null(strstr(s, "status=\"other\"} 1\n"));
	cr_assert_not_null(strstr(s, "_bucket{route=\"/v1/conversations\",le=\"0.0005\"} 1\n"));
	cr_assert_not_null(strstr(s, "_bucket{route=\"/v1/conversations\",le=\"0.005\"} 2\n"), "cumulative");
	cr_assert_not_null(strstr(s, "_bucket{route=\"/v1/conversations\",le=\"2.5\"} 2\n"));
	cr_assert_not_null(strstr(s, "_bucket{route=\"/v1/conversations\",le=\"+Inf\"} 3\n"));
	cr_assert_not_null(strstr(s, "_sum{route=\"/v1/conversations\"} 9.004300\n"));
	cr_assert_not_null(strstr(s, "_count{route=\"/v1/conversations\"} 3\n"));
	cr_assert_not_null(strstr(s, "cerberus_redactions_total{type=\"EMAIL\"} 2\n"));
	cr_assert_not_null(strstr(s, "cerberus_redactions_total{type=\"PHONE\"} 0\n"), "every type listed");
	cr_assert_not_null(strstr(s, "cerberus_conversations_stored 12\n"));
	cr_assert_not_null(strstr(s, "cerberus_ratings_stored 3\n"));
	cr_assert_not_null(strstr(s, "cerberus_store_size_bytes 4096\n"));
	cr_assert_not_null(strstr(s, "# TYPE cerberus_http_request_duration_seconds histogram\n"));
	/* every sample line is "name{labels} value" or "name value" */
	for (const char *l = s; *l; l = strchr(l, '\n') + 1) {
		if (*l == '#')
			continue;
		cr_assert(strchr(l, ' ') && strchr(l, ' ') < strchr(l, '\n'), "bad line: %.60s", l);
	}
	buf_release(&out);
	metrics_release(&m);
}

Test(cli, durations)
{
	int64_t s;

	cr_assert(cli_parse_duration("90d", &s));
	cr_assert_eq(s, 90 * 86400);
	cr_assert(cli_parse_duration("2w", &s) && s == 14 * 86400);
	cr_assert(cli_parse_duration("12h", &s) && s == 12 * 3600);
	cr_assert(cli_parse_duration("0s", &s) && s == 0);
	cr_assert(!cli_parse_duration("90", &s));
	cr_assert(!cli_parse_duration("d", &s));
	cr_assert(!cli_parse_duration("-1d", &s));
	cr_assert(!cli_parse_duration("1dd", &s));
	cr_assert(!cli_parse_duration("99999999999999999999d", &s));
}

#include <openssl/hmac.h>

Test(auth, pseudonym_is_rfc2104_hmac)
{
	struct pseudo_key key, key2;
	char out[PSEUDO_HEX_LEN + 1], want[PSEUDO_HEX_LEN + 1];
	unsigned char mac[32];
	unsigned int n;
	const char *ids[] = { "", "alice", "user-0093@corp", "a much longer identifier than one hash block, "
							     "so that the inner hash takes two blocks of input" };

	for (int k = 0; k < 3; k++) {
		for (int i = 0; i < PSEUDO_KEY_LEN; i++)
			key.k[i] = (unsigned char)(i * 37 + k * 101);
		for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
			cr_assert_not_null(HMAC(EVP_sha256(), key.k, PSEUDO_KEY_LEN, (const unsigned char *)ids[i],
						strlen(ids[i]), mac, &n));
			for (int b = 0; b < 32; b++)
				snprintf(want + 2 * b, 3, "%02x", mac[b]);
			cr_assert_eq(pseudo_id(&key, ids[i], strlen(ids[i]), out), 0);
			cr_assert_str_eq(out, want, "key %d id %zu", k, i);
		}
	}
	/* switching keys back and forth on one thread */
	memset(key.k, 1, sizeof(key.k));
	memset(key2.k, 2, sizeof(key2.k));
	cr_assert_eq(pseudo_id(&key, "x", 1, want), 0);
	cr_assert_eq(pseudo_id(&key2, "x", 1, out), 0);
	cr_assert_str_neq(out, want);
	cr_assert_eq(pseudo_id(&key, "x", 1, out), 0);
	cr_assert_str_eq(out, want);
}
