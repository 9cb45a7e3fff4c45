/*
 * synth: realistic synthetic conversations and ratings, for tests and
 * benchmarks.
 *
 * Writes JSON Lines in exactly the shapes `cerberus log` and
 * `cerberus feedback` accept: developer-assistant conversations across many
 * languages and frameworks, composed from hand-written template fragments
 * and random choices, with known properties planted at controllable rates
 * (PII and secrets, hard negatives that look like PII but are not, short
 * answers, incomplete conversations, exact duplicates). Each line records
 * what was planted in metadata.synth so tests can check detection.
 *
 * Line i depends only on (opts, i): generation is reproducible and can be
 * split over threads or processes. Pure logic: no I/O, no globals, no clock
 * (the caller supplies "now"), its own PRNG (splitmix64), never rand().
 * Every function is thread-safe.
 *
 * metadata.synth of each line: {"topic", "shape": "messages"|"simple",
 * "lang", "framework" ("" when none), "pii": [distinct types, named as
 * scrub_type_name() names them], "pii_n" (values planted), "short",
 * "incomplete", "incomplete_kind" (only when incomplete: "length", "error",
 * "user_last" or "empty"), "hard_negative", "turns", "dup_of" (only on
 * duplicates: the id of the line whose content this repeats),
 * "near_dup_of" and "near_dup_sim" (only on near duplicates: the line whose
 * content this one varies, and the targeted similarity)}.
 *
 * Ownership: output goes into the caller's struct buf; nothing is kept
 * between calls. Strings in synth_props point to static storage; planted
 * PII values are copied into the props.
 * Not for: reading or validating conversations (see core/conv.h).
 */
#ifndef CERBERUS_SYNTH_H
#define CERBERUS_SYNTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/scrub.h"

struct buf;

enum synth_shape {
	SYNTH_SHAPE_MIXED = 0,  /* about 70% messages, 30% simple */
	SYNTH_SHAPE_MESSAGES,   /* {"messages":[...]} */
	SYNTH_SHAPE_SIMPLE,     /* {"question":...,"answer":...} */
};

enum synth_incomplete {
	SYNTH_INC_NONE = 0,
	SYNTH_INC_LENGTH,     /* last answer cut off, finish_reason "length" */
	SYNTH_INC_ERROR,      /* last answer partial or empty, finish_reason "error" */
	SYNTH_INC_USER_LAST,  /* the conversation ends with a user message */
	SYNTH_INC_EMPTY,      /* the last answer is the empty string */
};

enum {
	SYNTH_OK = 0,
	/* BUF_NOMEM (-1) and BUF_TOO_LARGE (-2) come from the output buffer */
	SYNTH_BAD_OPTS = -16,  /* an option is out of range */
};

struct synth_opts {
	uint64_t seed;
	/* Number of lines in the whole run. When index < total, created_at
	 * rises with the index (the output is in time order); otherwise each
	 * line draws its time independently. 0: unknown. */
	uint64_t total;
	long days;           /* window length, 1..36500 */
	int64_t now;         /* end of the window, Unix seconds UTC */
	double pii_rate;     /* share of conversations with planted PII */
	/* Short and incomplete are exclusive: a line is incomplete with
	 * incomplete_rate, else short with short_rate (capped by what is left). */
	double short_rate;   /* final answer under 50 code points */
	double incomplete_rate;
	double dup_rate;     /* exact repeat of an earlier line's content */
	/* near repeat: an earlier line's content with words replaced so that
	 * the Jaccard similarity of the word 5-gram sets (of the user turns
	 * and the final answer, normalised) is about near_dup_sim */
	double near_dup_rate;
	double near_dup_sim; /* (0, 1], default 0.85 */
	double hard_negative_rate;  /* share of PII-free lines with look-alikes */
	double feedback_rate;       /* share of conversations that get a rating */
	unsigned users;      /* size of the user pool, >= 1 */
	enum synth_shape shape;
};

#define SYNTH_PII_MAX 4
/* The generator plants the first five scrub types (EMAIL .. API_KEY; its
 * API_KEY values are provider tokens, which the scrubber types precisely). */
#define SYNTH_NPII_TYPES (SCRUB_API_KEY + 1)
#define SYNTH_PII_LEN 72

struct synth_pii {
	enum scrub_type type;
	char value[SYNTH_PII_LEN];  /* exactly as it appears in the text */
};

/* What synth_conversation planted in one line (all of it is also in
 * metadata.synth, except the PII values). Strings are static. */
struct synth_props {
	uint64_t index;
	bool dup;              /* content repeats line dup_of exactly */
	uint64_t dup_of;       /* meaningful only when dup */
	bool near_dup;         /* content is near_dup_of's with words replaced */
	uint64_t near_dup_of;
	enum synth_shape shape;  /* MESSAGES or SIMPLE */
	const char *topic;     /* e.g. "fastapi-cors" */
	const char *lang;      /* canonical: "python", "cpp", "csharp", ... */
	const char *framework; /* "fastapi", "next.js", ...; "" when none */
	bool short_answer;
	enum synth_incomplete incomplete;
	bool hard_negative;
	unsigned turns;        /* user messages */
	unsigned npii;
	struct synth_pii pii[SYNTH_PII_MAX];
	unsigned pii_types;    /* bit (1u << enum scrub_type) per type present */
	int64_t created_at;
	unsigned user;         /* rank in the user pool */
};

/* Defaults: seed 1, 30 days ending 2026-11-25T00:00:00Z (callers set now
 * to the current time themselves), PII 10%, short 8%, incomplete 5%,
 * duplicates 0%, hard negatives 20%, feedback 60%, 200 users, mixed shapes. */
void synth_opts_default(struct synth_opts *o);

/* Check the options; SYNTH_OK or SYNTH_BAD_OPTS. */
int synth_opts_check(const struct synth_opts *o);

/*
 * Append conversation line index to out, without the trailing newline
 * (out is not cleared first). props (may be NULL) receives what was
 * planted. Returns SYNTH_OK, SYNTH_BAD_OPTS, or a BUF_* error when out
 * cannot grow (then out holds a partial line the caller must discard).
 */
int synth_conversation(const struct synth_opts *o, uint64_t index,
		       struct buf *out, struct synth_props *props);

/*
 * Append the feedback lines for conversation index to out: 0, 1 or 2
 * lines, each ending with "\n". Ratings are skewed high overall and low
 * for incomplete conversations. Same return values as synth_conversation.
 */
int synth_feedback(const struct synth_opts *o, uint64_t index, struct buf *out);

/* Write "syn-<seed>-<index>" into out (NUL-terminated, truncated to n). */
void synth_conversation_id(const struct synth_opts *o, uint64_t index,
			   char *out, size_t n);

/* "mixed", "messages", "simple"; -1 for an unknown name. */
int synth_shape_from_name(const char *name);

#endif
