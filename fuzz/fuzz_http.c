/*
 * libFuzzer driver for the HTTP request handling of `cerberus serve`,
 * without sockets: routing, auth, content-type and body checks, batch
 * splitting and every handler, through http_dispatch() on a server whose
 * writer commits inline to a temporary store.
 *
 * Input: byte 0 picks the method, byte 1 the headers (key, content type,
 * origin), then the path up to the first newline, then the body.
 * Invariants: every answer has a status from 200 to 599 and a JSON body
 * (an {"error":{"code","message"}} object from 400 on), except /metrics.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http/http.h"
#include "http/server.h"
#include "http/web_assets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct server *srv;
static char dir[64];
static char keys[2][APIKEY_LEN + 1];
static char auth[2][APIKEY_LEN + 16];

static void cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		return;
}

static void setup(void)
{
	struct pipeline_options po = { 0 };
	struct pipeline *p;
	char path[128], err[512];
	int64_t id;

	snprintf(dir, sizeof(dir), "/tmp/cerberus-fuzz-http-XXXXXX");
	if (!mkdtemp(dir))
		abort();
	atexit(cleanup);
	snprintf(path, sizeof(path), "%s/f.db", dir);
	po.store_path = path;
	po.create = true;
	po.now = 1795000000;
	if (pipeline_open(&po, &p, err, sizeof(err)) ||
	    pipeline_apikey_create(p, APIKEY_INGEST, "i", keys[0], &id, err, sizeof(err)) ||
	    pipeline_apikey_create(p, APIKEY_ADMIN, "a", keys[1], &id, err, sizeof(err)))
		abort();
	pipeline_close(p);
	po.create = false;
	if (server_open_offline(&po, &srv, err, sizeof(err)))
		abort();
	for (int i = 0; i < 2; i++)
		snprintf(auth[i], sizeof(auth[i]), "Bearer %s", keys[i]);
	/* a conversation to rate, read and erase */
	static const char conv[] = "{\"conversation_id\":\"c-1\",\"user_id\":\"u\",\"question\":\"q\",\"answer\":\"a\"}";
	struct http_exchange x;
	http_exchange_init(&x);
	x.method = "POST";
	x.path = "/v1/conversations";
	x.content_type = "application/json";
	x.authorization = auth[0];
	x.body = conv;
	x.body_len = sizeof(conv) - 1;
	if (http_dispatch(srv, &x) != HTTP_PENDING)
		abort();
	writer_submit(srv->writer, &x.job);
	http_routes[x.route].complete(srv, &x);
	if (x.status != 201)
		abort();
	http_exchange_release(&x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const methods[] = { "GET", "POST", "DELETE", "OPTIONS", "PUT", "HEAD", "POST", "POST" };
	static const char *const types[] = { "application/json", "application/json; charset=utf-8", "text/plain",
					     NULL };
	struct http_exchange x;
	char path[512];
	const char *nl;
	size_t plen;

	if (!srv)
		setup();
	if (size < 2)
		return 0;
	http_exchange_init(&x);
	x.method = methods[data[0] & 7];
	x.authorization = (data[1] & 3) == 0 ? NULL : (data[1] & 3) == 1 ? auth[0]
						  : (data[1] & 3) == 2 ? auth[1] : "Bearer cbk_wrong";
	x.content_type = types[(data[1] >> 2) & 3];
	x.origin = data[1] & 16 ? "https://app.example.com" : NULL;
	x.if_none_match = data[1] & 32 ? web_assets[data[1] >> 6 & 1].etag : data[1] & 64 ? "*" : NULL;
	x.accept_encoding = data[1] & 128 ? "gzip, deflate, br" : NULL;
	data += 2;
	size -= 2;
	nl = memchr(data, '\n', size);
	plen = nl ? (size_t)(nl - (const char *)data) : size;
	if (plen >= sizeof(path))
		plen = sizeof(path) - 1;
	memcpy(path, data, plen);
	path[plen] = '\0';
	if (strlen(path) != plen)   /* MHD never hands over a path with a NUL in it */
		goto out;
	x.path = path;
	x.body = nl ? (const char *)data + plen + 1 : "";
	x.body_len = nl ? size - plen - 1 : 0;
	if (http_dispatch(srv, &x) == HTTP_PENDING) {
		writer_submit(srv->writer, &x.job);
		http_routes[x.route].complete(srv, &x);
	}
	if ((x.status < 200 || x.status > 599) && !(x.status == 304 && x.etag && x.out.len == 0))
		abort();
	if (x.status != 204 && x.status != 304 && !x.out_type) {
		json_t *v = json_loadb(buf_cstr(&x.out), x.out.len, 0, NULL);
		if (!v || (x.status >= 400 && !json_is_string(json_object_get(json_object_get(v, "error"), "code"))))
			abort();
		json_decref(v);
	}
out:
	http_exchange_release(&x);
	return 0;
}
