/*
 * admin: erasure (right to erasure, retention), API keys and feedback
 * tokens: the operations that `cerberus erase|purge|apikey` and the HTTP
 * server's admin and auth paths share.
 *
 * Raw user ids are pseudonymized before they reach the store, exactly as
 * at ingest, so erasure finds the rows without the raw id ever being kept.
 * API keys are 256-bit random secrets; the store holds only their SHA-256,
 * which is enough because the secret has full entropy (no salt or slow
 * hash is needed, unlike passwords).
 */
#include "pipeline/pipeline.h"
#include "util/hex.h"
#include "util/utf8.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pipeline_feedback_token(const struct pipeline *p, const char *conversation_id,
			    char out[static PSEUDO_HEX_LEN + 1])
{
	return pseudo_feedback_token(&p->key, conversation_id, strlen(conversation_id), out);
}

bool pipeline_feedback_token_ok(const struct pipeline *p, const char *conversation_id, const char *token,
				size_t token_len)
{
	char want[PSEUDO_HEX_LEN + 1];

	if (token_len != PSEUDO_HEX_LEN || pipeline_feedback_token(p, conversation_id, want))
		return false;
	return CRYPTO_memcmp(want, token, PSEUDO_HEX_LEN) == 0;
}

/* Run fn in the caller's transaction or in one of our own. */
static int in_transaction(struct pipeline *p, int (*fn)(struct pipeline *, const void *, struct erase_result *,
							 char *, size_t),
			  const void *arg, struct erase_result *res, char *err, size_t errlen)
{
	bool own = !store_in_transaction(p->st);
	int rc;

	memset(res, 0, sizeof(*res));
	if (own && store_begin(p->st)) {
		snprintf(err, errlen, "%s", store_errmsg(p->st));
		return PIPE_ESTORE;
	}
	rc = fn(p, arg, res, err, errlen);
	if (own) {
		if (rc == PIPE_OK && store_commit(p->st)) {
			snprintf(err, errlen, "%s", store_errmsg(p->st));
			rc = PIPE_ESTORE;
		}
		if (rc)
			store_rollback(p->st);
	}
	if (rc)
		memset(res, 0, sizeof(*res));
	return rc;
}

static int erase_user(struct pipeline *p, const void *arg, struct erase_result *res, char *err, size_t errlen)
{
	const char *user_ps = arg;
	struct store_delete_filter f = { user_ps, 0 };
	struct store_conv_info *aff = NULL;
	struct quality_thresholds qt;
	size_t naff = 0;
	long given = 0;
	int rc = PIPE_OK;

	/* the user's conversations first (their ratings go with them); what
	 * is left of the user's ratings is on other users' conversations,
	 * whose totals and verdicts must then be recomputed */
	if (store_delete_conversations(p->st, &f, &res->conversations, &res->ratings) ||
	    store_delete_user_ratings(p->st, user_ps, &given, &aff, &naff)) {
		snprintf(err, errlen, "%s", store_errmsg(p->st));
		return PIPE_ESTORE;
	}
	res->ratings += given;
	quality_thresholds_default(&qt);
	for (size_t i = 0; i < naff; i++) {
		struct quality_input qi = { aff[i].rating_sum, aff[i].rating_count, aff[i].response_chars,
					    aff[i].flags };
		if (store_set_rating_summary(p->st, aff[i].rowid, aff[i].rating_sum, aff[i].rating_count,
					     quality_reasons(&qi, &qt))) {
			snprintf(err, errlen, "%s", store_errmsg(p->st));
			rc = PIPE_ESTORE;
			break;
		}
	}
	free(aff);
	return rc;
}

int pipeline_erase_user(struct pipeline *p, const char *user_id, struct erase_result *res, char *err,
			size_t errlen)
{
	char user_ps[PSEUDO_HEX_LEN + 1];
	size_t len = user_id ? strlen(user_id) : 0;

	memset(res, 0, sizeof(*res));
	if (!len || len > CONV_USER_ID_MAX || !utf8_valid(user_id, len, NULL)) {
		snprintf(err, errlen, "user id must be 1-%d bytes of UTF-8", CONV_USER_ID_MAX);
		return PIPE_EINPUT;
	}
	if (pseudo_id(&p->key, user_id, len, user_ps)) {
		snprintf(err, errlen, "pseudonymization failed");
		return PIPE_ESCRUB;
	}
	return in_transaction(p, erase_user, user_ps, res, err, errlen);
}

static int purge(struct pipeline *p, const void *arg, struct erase_result *res, char *err, size_t errlen)
{
	struct store_delete_filter f = { NULL, *(const int64_t *)arg };

	if (store_delete_conversations(p->st, &f, &res->conversations, &res->ratings)) {
		snprintf(err, errlen, "%s", store_errmsg(p->st));
		return PIPE_ESTORE;
	}
	return PIPE_OK;
}

int pipeline_purge(struct pipeline *p, int64_t cutoff, struct erase_result *res, char *err, size_t errlen)
{
	memset(res, 0, sizeof(*res));
	if (cutoff <= 0) {
		snprintf(err, errlen, "the retention cutoff must be after 1970-01-01");
		return PIPE_EINPUT;
	}
	return in_transaction(p, purge, &cutoff, res, err, errlen);
}

static const char *const scope_names[] = { [APIKEY_INGEST] = "ingest", [APIKEY_ADMIN] = "admin" };

const char *apikey_scope_name(int scope)
{
	return scope == APIKEY_INGEST || scope == APIKEY_ADMIN ? scope_names[scope] : "none";
}

int apikey_scope_from_name(const char *name)
{
	if (name && !strcmp(name, "ingest"))
		return APIKEY_INGEST;
	if (name && !strcmp(name, "admin"))
		return APIKEY_ADMIN;
	return APIKEY_NONE;
}

/* SHA-256 fetched once: the one-shot SHA256() looks it up on every call,
 * which costs more than hashing a key (this runs on every request). */
static pthread_once_t sha_once = PTHREAD_ONCE_INIT;
static EVP_MD *sha256;

static void sha_setup(void)
{
	sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
}

void pipeline_apikey_hash(const char *key, size_t len, char out[static PSEUDO_HEX_LEN + 1])
{
	unsigned char md[SHA256_DIGEST_LENGTH];

	pthread_once(&sha_once, sha_setup);
	if (!sha256 || EVP_Digest(key, len, md, NULL, sha256, NULL) != 1)
		SHA256((const unsigned char *)key, len, md);
	hex_encode(md, sizeof(md), out);
}

int pipeline_apikey_create(struct pipeline *p, int scope, const char *name, char key[static APIKEY_LEN + 1],
			   int64_t *id, char *err, size_t errlen)
{
	unsigned char r[32];
	char hash[PSEUDO_HEX_LEN + 1], prefix[APIKEY_PREFIX_LEN + 1];
	struct store_apikey k;

	*id = 0;
	if (scope != APIKEY_INGEST && scope != APIKEY_ADMIN) {
		snprintf(err, errlen, "scope must be 'ingest' or 'admin'");
		return PIPE_EINPUT;
	}
	if (name && (strlen(name) > 200 || !utf8_valid(name, strlen(name), NULL))) {
		snprintf(err, errlen, "the key name must be at most 200 bytes of UTF-8");
		return PIPE_EINPUT;
	}
	if (RAND_bytes(r, sizeof(r)) != 1) {
		snprintf(err, errlen, "cannot generate a random key");
		return PIPE_EKEY;
	}
	memcpy(key, "cbk_", 4);
	hex_encode(r, sizeof(r), key + 4);
	memset(r, 0, sizeof(r));
	pipeline_apikey_hash(key, APIKEY_LEN, hash);
	memcpy(prefix, key, APIKEY_PREFIX_LEN);
	prefix[APIKEY_PREFIX_LEN] = '\0';
	k = (struct store_apikey){ 0, name ? name : "", apikey_scope_name(scope), hash, prefix, pipeline_now(p), 0 };
	if (store_apikey_add(p->st, &k, id)) {
		snprintf(err, errlen, "%s", store_errmsg(p->st));
		memset(key, 0, APIKEY_LEN + 1);
		return PIPE_ESTORE;
	}
	return PIPE_OK;
}

int pipeline_apikey_revoke(struct pipeline *p, int64_t id, char *err, size_t errlen)
{
	int rc = store_apikey_revoke(p->st, id, pipeline_now(p));

	if (rc == STORE_ENOTFOUND) {
		snprintf(err, errlen, "no valid API key with id %lld", (long long)id);
		return PIPE_ENOTFOUND;
	}
	if (rc) {
		snprintf(err, errlen, "%s", store_errmsg(p->st));
		return PIPE_ESTORE;
	}
	return PIPE_OK;
}

static int list_key(void *ctx, const struct store_apikey *k)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(k->id));
	json_object_set_new(o, "name", json_string(k->name));
	json_object_set_new(o, "scope", json_string(k->scope));
	json_object_set_new(o, "prefix", json_string(k->prefix));
	json_object_set_new(o, "created_at", json_integer(k->created_at));
	json_object_set_new(o, "revoked_at", k->revoked_at ? json_integer(k->revoked_at) : json_null());
	return json_array_append_new(ctx, o) ? 1 : 0;
}

int pipeline_apikey_list(struct pipeline *p, json_t **out, char *err, size_t errlen)
{
	json_t *a = json_array();

	*out = NULL;
	if (!a)
		return PIPE_ENOMEM;
	if (store_apikey_scan(p->st, list_key, a)) {
		snprintf(err, errlen, "%s", store_errmsg(p->st));
		json_decref(a);
		return PIPE_ESTORE;
	}
	*out = a;
	return PIPE_OK;
}
