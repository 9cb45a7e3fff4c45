/*
 * scrub: find and replace PII and secrets in text.
 *
 * This is the one interface the rest of Cerberus uses for scrubbing; the
 * engine behind it can change (a multi-pattern engine will replace the
 * hand-written scanners) without touching callers. A scrubber is built
 * once, is immutable afterwards and may be shared between threads.
 *
 * Types in this engine: EMAIL, PHONE, IP_ADDRESS (public addresses only;
 * loopback, private, link-local and documentation ranges are kept),
 * CREDIT_CARD (issuer prefix + Luhn) and API_KEY (well-known token shapes).
 * Pure logic: no I/O, no globals that change.
 */
#ifndef CERBERUS_SCRUB_H
#define CERBERUS_SCRUB_H

#include <stddef.h>

struct buf;

enum scrub_type {
	SCRUB_EMAIL,
	SCRUB_PHONE,
	SCRUB_IP_ADDRESS,
	SCRUB_CREDIT_CARD,
	SCRUB_API_KEY,
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

struct scrubber;

/* Build a scrubber. Returns NULL (with a message in err) on failure. */
struct scrubber *scrubber_new(char *err, size_t errlen);
void scrubber_free(struct scrubber *s);

/* "EMAIL", "PHONE", ... ; NULL for an out-of-range type. */
const char *scrub_type_name(enum scrub_type t);
/* The type named name (as scrub_type_name spells it), or -1. */
int scrub_type_from_name(const char *name);

/*
 * Find PII in text[0..len). text need not be NUL-terminated and may hold
 * NUL bytes and invalid UTF-8. Findings are appended to out (which is not
 * cleared first), sorted by start and never overlapping. Returns 0, or -1
 * when memory runs out. Runs in time linear in len.
 */
int scrub_find(const struct scrubber *s, const char *text, size_t len,
	       struct scrub_findings *out);

/*
 * Write text with every finding replaced by its placeholder ("<EMAIL>",
 * "<PHONE>", "<IP_ADDRESS>", "<CREDIT_CARD>", "<API_KEY>") to out (appended).
 * counts (may be NULL) is incremented per type. Returns 0, -1 on memory
 * exhaustion, or a BUF_* error when out reaches its cap; on error the
 * caller must discard out (fail closed).
 */
int scrub_text(const struct scrubber *s, const char *text, size_t len,
	       struct buf *out, struct scrub_counts *counts);

void scrub_findings_release(struct scrub_findings *f);

#endif
