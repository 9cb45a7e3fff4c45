/* pseudo: HMAC-SHA-256 pseudonyms (see pseudo.h). */
#include "core/pseudo.h"
#include "util/hex.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

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
	unsigned char mac[32];
	unsigned int maclen = 0;

	if (!HMAC(EVP_sha256(), key->k, PSEUDO_KEY_LEN, (const unsigned char *)id, len, mac, &maclen) ||
	    maclen != sizeof(mac))
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
