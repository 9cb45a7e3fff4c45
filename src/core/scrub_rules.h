/*
 * scrub_rules: the scrubber's rule table (data, not code).
 *
 * Each rule names its type, a stage-1 pattern for Hyperscan (which finds
 * where a candidate starts and ends, without captures), an optional stage-2
 * PCRE2 pattern run in a small window from the candidate's start (group 1,
 * when the pattern has one, is the value to replace), a stage-3 validator
 * and examples. In a positive example the value is marked with [[ ]]; the
 * unit test checks that exactly that span is found with the rule's type,
 * and that nothing at all is found in the negative examples.
 * Token-shaped examples are split into adjacent literals so that the
 * source never holds a contiguous secret shape.
 */
#ifndef CERBERUS_SCRUB_RULES_H
#define CERBERUS_SCRUB_RULES_H

#include "core/scrub.h"

enum scrub_validator {
	V_NONE,
	V_EMAIL,       /* a real-looking domain; example.* and .test names are kept */
	V_PHONE_INTL,  /* +CC: known country code, 8-15 digits */
	V_PHONE_NANP,  /* (NXX) NXX-XXXX */
	V_PHONE_CTX,   /* a national number after a phone keyword */
	V_IPV4,        /* octets <= 255, not a version, not in the keep-list */
	V_IPV6,        /* RFC 4291 text form, not in the keep-list */
	V_CARD,        /* issuer prefix, Luhn, not a documented test card */
	V_IBAN,        /* country length, mod 97 = 1 */
	V_SSN,         /* area not 000/666/9xx, group not 00, serial not 0000 */
	V_MAC,         /* one separator, not all-zero or broadcast */
	V_USERPASS,    /* user:password with a real password */
	V_JWT,         /* header is base64url of a JSON object with "alg" */
	V_PASSWORD,    /* a literal value, not a placeholder or an expression */
	V_PASSPHRASE,  /* lower-case words, none of them prose (the, must, enter, ...) */
	V_SECRET,      /* a random-looking value (entropy, classes), not a placeholder */
	V_TOKEN,       /* a provider token: body not a placeholder, not a documented example */
	V_BASIC,       /* base64 that decodes to user:password */
	V_SAS,         /* an Azure SAS signature next to its sv=/se= fields */
	V_DISCORD,     /* first segment is base64 of a numeric user id */
	V_HOME,        /* a user name, not a generic account (runner, ubuntu, user) */
	V_PEM,         /* a key block; a truncated one ends at its last key byte */
};

enum {
	RF_CASELESS = 1 << 0,  /* both stages ignore case */
	RF_WHOLE    = 1 << 1,  /* the whole stage-2 match is the value (groups are for backrefs) */
	RF_ASSIGN   = 1 << 2,  /* a keyword rule: stage 2 runs only if ':' or '=' follows within 32 bytes */
};

struct scrub_rule {
	enum scrub_type type;
	const char *hs;            /* stage 1 (Hyperscan syntax) */
	const char *re;            /* stage 2 (PCRE2), or NULL: the stage-1 match is the value */
	unsigned short tail;       /* bytes past the stage-1 end that stage 2 may read */
	unsigned char priority;    /* overlaps: higher wins (4 provider token, 3 URL credentials,
				    2 structured, 1 keyword) */
	unsigned char flags;
	enum scrub_validator validator;
	const char *const *must;       /* NULL-terminated; value marked with [[ ]] */
	const char *const *must_not;   /* NULL-terminated */
	/* Non-zero: stage 1 runs without start-of-match tracking (which costs
	 * Hyperscan dearly on runs of digits and colons); a value ends at the
	 * reported end and is at most maxlen bytes long, and stage 2 (the
	 * stage-1 pattern itself when re is NULL) finds where it starts. */
	unsigned short maxlen;
};

extern const struct scrub_rule scrub_rules[];
extern const unsigned scrub_nrules;

/* One line per type for `cerberus scrub --rules`. */
extern const char *const scrub_type_summaries[SCRUB_NTYPES];

#endif
