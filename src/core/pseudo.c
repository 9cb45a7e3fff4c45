/*
 * pseudo: HMAC-SHA-256 pseudonyms (see pseudo.h), computed as RFC 2104
 * defines HMAC: H((K ^ opad) || H((K ^ ipad) || m)).
 *
 * OpenSSL's one-shot HMAC() looks the algorithms up and sets up a MAC on
 * every call, which costs more than hashing a short id. Each thread keeps
 * instead the SHA-256 states after the two padded key blocks for the last
 * key it used, so a pseudonym costs two context copies and two short
 * digests. The cache only memoizes: the result is the same HMAC.
 */
#include "core/pseudo.h"
#include "util/hex.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define SHA256_BLOCK 64

struct hmac_cache {
	unsigned char key[PSEUDO_KEY_LEN];
	bool valid;
	EVP_MD_CTX *inner, *outer, *work;
};

static pthread_once_t cache_once = PTHREAD_ONCE_INIT;
static pthread_key_t cache_key;
static EVP_MD *sha256;

static void cache_free(void *p)
{
	struct hmac_cache *c = p;

	EVP_MD_CTX_free(c->inner);
	EVP_MD_CTX_free(c->outer);
	EVP_MD_CTX_free(c->work);
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
}

static void cache_setup(void)
{
	sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	if (pthread_key_create(&cache_key, cache_free))
		sha256 = NULL;   /* no cache: pseudo_id fails rather than misbehave */
}

/* This thread's HMAC state for key, or NULL. */
static struct hmac_cache *cache_for(const struct pseudo_key *key)
{
	unsigned char ipad[SHA256_BLOCK], opad[SHA256_BLOCK];
	struct hmac_cache *c;

	pthread_once(&cache_once, cache_setup);
	if (!sha256)
		return NULL;
	c = pthread_getspecific(cache_key);
	if (!c) {
		if (!(c = calloc(1, sizeof(*c))))
			return NULL;
		c->inner = EVP_MD_CTX_new();
		c->outer = EVP_MD_CTX_new();
		c->work = EVP_MD_CTX_new();
		if (!c->inner || !c->outer || !c->work || pthread_setspecific(cache_key, c)) {
			cache_free(c);
			return NULL;
		}
	}
	if (c->valid && CRYPTO_memcmp(c->key, key->k, PSEUDO_KEY_LEN) == 0)
		return c;
	memset(ipad, 0x36, sizeof(ipad));
	memset(opad, 0x5c, sizeof(opad));
	for (int i = 0; i < PSEUDO_KEY_LEN; i++) {
		ipad[i] ^= key->k[i];
		opad[i] ^= key->k[i];
	}
	c->valid = EVP_DigestInit_ex(c->inner, sha256, NULL) == 1 && EVP_DigestUpdate(c->inner, ipad, sizeof(ipad)) == 1 &&
		   EVP_DigestInit_ex(c->outer, sha256, NULL) == 1 && EVP_DigestUpdate(c->outer, opad, sizeof(opad)) == 1;
	OPENSSL_cleanse(ipad, sizeof(ipad));
	OPENSSL_cleanse(opad, sizeof(opad));
	memcpy(c->key, key->k, PSEUDO_KEY_LEN);
	return c->valid ? c : NULL;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int pseudo_key_from_hex(const char *s, size_t len, struct pseudo_key *key)
{
	while (len && is_space(*s))
		s++, len--;
	while (len && is_space(s[len - 1]))
		len--;
	if (len != 2 * PSEUDO_KEY_LEN)
		return -1;
	for (size_t i = 0; i < PSEUDO_KEY_LEN; i++) {
		int hi = hexval((unsigned char)s[2 * i]), lo = hexval((unsigned char)s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		key->k[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

void pseudo_key_to_hex(const struct pseudo_key *key, char out[static PSEUDO_HEX_LEN + 1])
{
	hex_encode(key->k, PSEUDO_KEY_LEN, out);
}

int pseudo_id(const struct pseudo_key *key, const char *id, size_t len,
	      char out[static PSEUDO_HEX_LEN + 1])
{
	struct hmac_cache *c = cache_for(key);
	unsigned char ih[32], mac[32];
	unsigned int n1 = 0, n2 = 0;

	if (!c || EVP_MD_CTX_copy_ex(c->work, c->inner) != 1 || EVP_DigestUpdate(c->work, id, len) != 1 ||
	    EVP_DigestFinal_ex(c->work, ih, &n1) != 1 || EVP_MD_CTX_copy_ex(c->work, c->outer) != 1 ||
	    EVP_DigestUpdate(c->work, ih, sizeof(ih)) != 1 || EVP_DigestFinal_ex(c->work, mac, &n2) != 1 ||
	    n1 != sizeof(ih) || n2 != sizeof(mac))
		return -1;
	hex_encode(mac, sizeof(mac), out);
	return 0;
}

int pseudo_key_fingerprint(const struct pseudo_key *key, char out[static PSEUDO_HEX_LEN + 1])
{
	static const char label[] = "cerberus key fingerprint v1";

	return pseudo_id(key, label, sizeof(label) - 1, out);
}

int pseudo_feedback_token(const struct pseudo_key *key, const char *conversation_id, size_t len,
			  char out[static PSEUDO_HEX_LEN + 1])
{
	static const char label[] = "cerberus feedback token v1:";
	char msg[sizeof(label) + 256];

	if (len > sizeof(msg) - sizeof(label))
		return -1;
	memcpy(msg, label, sizeof(label) - 1);
	memcpy(msg + sizeof(label) - 1, conversation_id, len);
	return pseudo_id(key, msg, sizeof(label) - 1 + len, out);
}
