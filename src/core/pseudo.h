/*
 * pseudo: keyed pseudonyms for identifiers (HMAC-SHA-256, RFC 2104).
 *
 * A raw user or session id goes in, 64 lowercase hex digits come out; the
 * same key always gives the same pseudonym, and without the key the raw id
 * cannot be recovered or confirmed. The key lives outside the store.
 */
#ifndef CERBERUS_PSEUDO_H
#define CERBERUS_PSEUDO_H

#include <stddef.h>

#define PSEUDO_KEY_LEN 32
#define PSEUDO_HEX_LEN 64

struct pseudo_key {
	unsigned char k[PSEUDO_KEY_LEN];
};

/* Parse exactly 64 hex digits (surrounding whitespace allowed). 0 or -1. */
int pseudo_key_from_hex(const char *s, size_t len, struct pseudo_key *key);
void pseudo_key_to_hex(const struct pseudo_key *key, char out[static PSEUDO_HEX_LEN + 1]);
/* out = hex(HMAC-SHA-256(key, id)). Returns 0, or -1 if the HMAC failed. */
int pseudo_id(const struct pseudo_key *key, const char *id, size_t len,
	      char out[static PSEUDO_HEX_LEN + 1]);
/* A fingerprint of the key (an HMAC of a fixed label), stored in the store
 * so that a wrong key is detected instead of silently splitting users. */
int pseudo_key_fingerprint(const struct pseudo_key *key, char out[static PSEUDO_HEX_LEN + 1]);
/* The feedback token of a conversation: an HMAC of its id under a label of
 * its own, so that a token never equals the pseudonym of a user whose raw id
 * happens to be that conversation id. */
int pseudo_feedback_token(const struct pseudo_key *key, const char *conversation_id, size_t len,
			  char out[static PSEUDO_HEX_LEN + 1]);

#endif
