/*
 * auth: API keys in the Authorization header (RFC 6750 bearer tokens).
 *
 * The server keeps the hashes of the valid keys in memory and reloads them
 * from the store at most once a second, so a revoked key stops working
 * within a second without a store query per request. A presented key is
 * hashed (SHA-256) and compared with every known hash in full with
 * CRYPTO_memcmp, so the time taken says nothing about which key, or how
 * much of one, matched.
 */
#include "http/http.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define KEYS_RELOAD_MS 1000

int auth_bearer(const char *header, const char **key, size_t *len)
{
	const char *p;

	*key = NULL;
	*len = 0;
	if (!header || strncasecmp(header, "Bearer ", 7))
		return -1;
	p = header + 7;
	while (*p == ' ')
		p++;
	*len = strcspn(p, " \t\r\n");
	if (*len == 0 || *len > 256 || p[*len + strspn(p + *len, " \t")] != '\0')
		return -1;
	*key = p;
	return 0;
}

int auth_match(const struct auth_key *keys, size_t n, const char *hash)
{
	int scope = APIKEY_NONE;

	for (size_t i = 0; i < n; i++) {
		/* no early exit: every key costs the same */
		int hit = CRYPTO_memcmp(keys[i].hash, hash, PSEUDO_HEX_LEN) == 0;
		scope |= -hit & keys[i].scope;
	}
	return scope & APIKEY_ADMIN ? APIKEY_ADMIN : scope;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct key_list {
	struct auth_key *v;
	size_t n, alloc;
};

static int collect_key(void *ctx, const struct store_apikey *k)
{
	struct key_list *l = ctx;
	struct auth_key *nv;

	if (k->revoked_at || strlen(k->hash) != PSEUDO_HEX_LEN)
		return 0;
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? 2 * l->alloc : 8;
		if (!(nv = realloc(l->v, l->alloc * sizeof(*nv))))
			return 1;
		l->v = nv;
	}
	memcpy(l->v[l->n].hash, k->hash, PSEUDO_HEX_LEN + 1);
	l->v[l->n].scope = apikey_scope_from_name(k->scope);
	l->n++;
	return 0;
}

/* Reload the keys when they are older than KEYS_RELOAD_MS; one thread does
 * it while the others keep using the old list. */
static void reload_keys(struct server *srv)
{
	struct key_list l = { 0 };
	struct pipeline *r;
	int64_t t = now_ms();
	int rc;

	if (t - __atomic_load_n(&srv->keys_loaded_ms, __ATOMIC_RELAXED) < KEYS_RELOAD_MS ||
	    pthread_mutex_trylock(&srv->keys_reload_mu))
		return;
	r = server_reader(srv);
	rc = store_apikey_scan(r->st, collect_key, &l);
	server_reader_put(srv, r);
	if (rc == STORE_OK) {
		pthread_rwlock_wrlock(&srv->keys_mu);
		free(srv->keys);
		srv->keys = l.v;
		srv->nkeys = l.n;
		pthread_rwlock_unlock(&srv->keys_mu);
		__atomic_store_n(&srv->keys_loaded_ms, t, __ATOMIC_RELAXED);
	} else {
		free(l.v);   /* keep the old list; try again on the next request */
	}
	pthread_mutex_unlock(&srv->keys_reload_mu);
}

int auth_scope(struct server *srv, const char *authorization)
{
	char hash[PSEUDO_HEX_LEN + 1];
	const char *key;
	size_t len;
	int scope;

	if (auth_bearer(authorization, &key, &len))
		return APIKEY_NONE;
	reload_keys(srv);
	pipeline_apikey_hash(key, len, hash);
	pthread_rwlock_rdlock(&srv->keys_mu);
	scope = auth_match(srv->keys, srv->nkeys, hash);
	pthread_rwlock_unlock(&srv->keys_mu);
	return scope;
}
