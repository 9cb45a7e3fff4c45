/*
 * scrub: find and replace PII and secrets in text.
 *
 * This is the one interface the rest of Cerberus uses for scrubbing. The
 * engine (scrub.c) runs the rule table (scrub_rules.c) in three stages:
 * Hyperscan finds candidates for every rule in one pass, PCRE2 (JIT)
 * extracts the value in a small window where a rule needs captures, and a
 * validator (Luhn, IBAN mod 97, address parsing, JWT header, randomness,
 * context and allow-lists) confirms it. A scrubber is built once, is
 * immutable afterwards and may be shared between threads; the per-thread
 * scan state (Hyperscan scratch, PCRE2 match data) comes from a pool.
 *
 * Replacement goes through a scrub_ctx, one per conversation: the same
 * value gets the same placeholder in every text scrubbed with one context
 * ("<EMAIL_1>" twice for the same address). The numbering is held in
 * memory only and derived from a keyed hash of (type, normalised value).
 * Pure logic: no I/O, no globals that change.
 */
#ifndef CERBERUS_SCRUB_H
#define CERBERUS_SCRUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

/* The first five keep their numbers from the first engine (the synthetic
 * data generator plants those five and records them as a bit mask). */
enum scrub_type {
	SCRUB_EMAIL,
	SCRUB_PHONE,
	SCRUB_IP_ADDRESS,
	SCRUB_CREDIT_CARD,
	SCRUB_API_KEY,           /* generic: api key keyword + assignment + random value */
	SCRUB_IBAN,
	SCRUB_US_SSN,
	SCRUB_MAC_ADDRESS,
	SCRUB_URL_CREDENTIALS,
	SCRUB_PRIVATE_KEY,
	SCRUB_JWT,
	SCRUB_PASSWORD,
	SCRUB_AWS_ACCESS_KEY,
	SCRUB_AWS_SECRET_KEY,
	SCRUB_GCP_API_KEY,
	SCRUB_GCP_SERVICE_ACCOUNT,
	SCRUB_GCP_OAUTH,
	SCRUB_AZURE_STORAGE_KEY,
	SCRUB_AZURE_SAS_TOKEN,
	SCRUB_GITHUB_TOKEN,
	SCRUB_GITLAB_TOKEN,
	SCRUB_SLACK_TOKEN,
	SCRUB_SLACK_WEBHOOK,
	SCRUB_STRIPE_KEY,
	SCRUB_OPENAI_KEY,
	SCRUB_ANTHROPIC_KEY,
	SCRUB_HUGGINGFACE_TOKEN,
	SCRUB_NPM_TOKEN,
	SCRUB_PYPI_TOKEN,
	SCRUB_TWILIO_KEY,
	SCRUB_SENDGRID_KEY,
	SCRUB_MAILGUN_KEY,
	SCRUB_DISCORD_TOKEN,
	SCRUB_DISCORD_WEBHOOK,
	SCRUB_TELEGRAM_BOT_TOKEN,
	SCRUB_SHOPIFY_TOKEN,
	SCRUB_DIGITALOCEAN_TOKEN,
	SCRUB_HEROKU_KEY,
	SCRUB_DATADOG_KEY,
	SCRUB_BASIC_AUTH,
	SCRUB_BEARER_TOKEN,
	SCRUB_HOME_PATH,
	SCRUB_GENERIC_SECRET,    /* secret/token keyword + assignment + random value */
	SCRUB_NTYPES
};

struct scrub_finding {
	enum scrub_type type;
	size_t start;  /* byte offset of the first byte */
	size_t end;    /* byte offset one past the last byte */
};

/* A growable array of findings, owned by the caller. */
struct scrub_findings {
	struct scrub_finding *v;
	size_t n;
	size_t alloc;
};

struct scrub_counts {
	unsigned n[SCRUB_NTYPES];
};

enum scrub_mode {
	SCRUB_MODE_PLACEHOLDER,  /* <EMAIL_1>, numbered per context (default) */
	SCRUB_MODE_HASH,         /* <EMAIL_3fa2c1d0>: keyed hash, stable across contexts */
	SCRUB_MODE_MASK,         /* every character of the value becomes '*' */
};

/* Options of scrubber_new_opts; zeroed means the defaults. */
struct scrub_options {
	/* Report loopback, private, link-local, documentation addresses and
	 * well-known public resolvers too (kept by default). */
	bool report_kept_ips;
};

struct scrubber;
struct scrub_ctx;

/* Build a scrubber (compiles every rule). Returns NULL (with a message in
 * err) on failure. */
struct scrubber *scrubber_new(char *err, size_t errlen);
struct scrubber *scrubber_new_opts(const struct scrub_options *o, char *err, size_t errlen);
void scrubber_free(struct scrubber *s);
/* True when s uses the database serialized at build time rather than one
 * compiled when it was made (see tools/hsdb_gen.c). */
bool scrubber_db_embedded(const struct scrubber *s);
/* Compile the rules and serialize the database (for the build-time copy):
 * *bytes is malloc'd; *fingerprint identifies the rules and the Hyperscan
 * version it was made from. Returns 0 or -1 with a message in err. */
int scrub_serialize_rules(char **bytes, size_t *len, uint64_t *fingerprint, char *err, size_t errlen);

/* "EMAIL", "PHONE", ... ; NULL for an out-of-range type. */
const char *scrub_type_name(enum scrub_type t);
/* The type named name (as scrub_type_name spells it), or -1. */
int scrub_type_from_name(const char *name);
/* One line on what a type covers (for `cerberus scrub --rules`). */
const char *scrub_type_summary(enum scrub_type t);
/* "placeholder", "hash", "mask" -> mode; -1 for anything else. */
int scrub_mode_from_name(const char *name);

/*
 * Find PII in text[0..len). text need not be NUL-terminated and may hold
 * NUL bytes and invalid UTF-8. Findings are appended to out (which is not
 * cleared first), sorted by start and never overlapping. Returns 0, or -1
 * when memory runs out or the engine fails (fail closed: the caller must
 * not use the text as clean). Runs in time linear in len.
 */
int scrub_find(const struct scrubber *s, const char *text, size_t len,
	       struct scrub_findings *out);

/*
 * A replacement context, normally one per conversation. key (keylen
 * bytes, may be NULL) keys the hash that numbers values and the hash mode's
 * placeholders; hash mode needs a key. The context holds the value -> number
 * map in memory and is freed (and the map wiped) by scrub_ctx_free. One
 * context must be used by one thread at a time. NULL on failure.
 */
struct scrub_ctx *scrub_ctx_new(const struct scrubber *s, enum scrub_mode mode,
				const unsigned char *key, size_t keylen);
void scrub_ctx_free(struct scrub_ctx *c);
/* The scrubber a context was made for. */
const struct scrubber *scrub_ctx_scrubber(const struct scrub_ctx *c);

/*
 * Write text with every finding replaced by its placeholder to out
 * (appended); counts (may be NULL) is incremented per type. found (may be
 * NULL) receives the findings with offsets into text. Returns 0, -1 on
 * memory exhaustion or engine failure, or a BUF_* error when out reaches
 * its cap; on error the caller must discard out (fail closed).
 */
int scrub_ctx_text(struct scrub_ctx *c, const char *text, size_t len, struct buf *out,
		   struct scrub_counts *counts, struct scrub_findings *found);

/* scrub_ctx_text with a context of its own (placeholders numbered within
 * this one text). */
int scrub_text(const struct scrubber *s, const char *text, size_t len,
	       struct buf *out, struct scrub_counts *counts);

void scrub_findings_release(struct scrub_findings *f);

#endif
