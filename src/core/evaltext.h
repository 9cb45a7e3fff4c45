/*
 * evaltext: the text handling shared by the evaluation metrics (BLEU,
 * chrF, CodeBLEU): splitting a file's bytes into lines the way Python
 * reads them, Python's idea of whitespace, UTF-8 decoding and n-gram
 * counting tables.
 *
 * Reference: Python 3 str semantics as used by sacreBLEU 2.6.0 and the
 * CodeXGLUE CodeBLEU evaluator (open(..., newline="\n"), str.rstrip(),
 * str.strip(), str.split(), str.lower()).
 * Not for: reading files (the caller reads them; this is pure).
 */
#ifndef CERBERUS_EVALTEXT_H
#define CERBERUS_EVALTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* A slice of text. */
struct evaltext_span {
	const char *p;
	size_t len;
};

/* Lines of one input file; the spans point into the caller's bytes. */
struct evaltext_lines {
	struct evaltext_span *v;
	size_t n, cap;
};

enum evaltext_strip {
	EVALTEXT_RSTRIP = 1,   /* str.rstrip(): sacreBLEU */
	EVALTEXT_STRIP = 2,    /* str.strip() and universal newlines: CodeXGLUE */
};

/*
 * Split data[0..len) into lines at "\n" only (Python's newline="\n"), strip
 * each as `how` says with Python's whitespace set (so "\r" goes too). A
 * final line without "\n" counts; a "\n" at the very end adds no empty
 * line. A leading byte order mark stays part of the first line, as in
 * Python's "utf-8" codec. Invalid UTF-8 fails: returns -1 with the 1-based
 * line number in *bad_line; 0 on success, -2 when out of memory.
 * out must be zeroed or released before; evaltext_lines_release frees it.
 */
int evaltext_split_lines(const char *data, size_t len, int how, struct evaltext_lines *out,
			 size_t *bad_line);
void evaltext_lines_release(struct evaltext_lines *l);
/* Append the span p[0..len) to a growable array. 0, or -1 when out of memory. */
int evaltext_push_span(struct evaltext_span **v, size_t *n, size_t *cap, const char *p, size_t len);

/* Decode one code point at s (len > 0); *adv is its byte length. Invalid
 * bytes decode as themselves (0x80..0xFF) one byte at a time, so the
 * functions below never fail on bad input (they just see odd characters). */
uint32_t evaltext_decode(const char *s, size_t len, size_t *adv);
/* Append the UTF-8 encoding of cp. */
int evaltext_encode(struct buf *b, uint32_t cp);
/* Python's str.isspace() for one code point. */
bool evaltext_is_space(uint32_t cp);
/* Python's str.rstrip() / str.strip() on a span. */
struct evaltext_span evaltext_rstrip(struct evaltext_span s);
struct evaltext_span evaltext_strip(struct evaltext_span s);

/* Split s on runs of Python whitespace (str.split()); appends spans into s
 * to *v (grown as needed, *cap its capacity). Returns the token count or -1
 * when out of memory. */
long evaltext_split_ws(struct evaltext_span s, struct evaltext_span **v, size_t *n, size_t *cap);

/*
 * Lowercase UTF-8 text into out, like Python's str.lower(): the simple
 * Unicode mapping from the C library (C.UTF-8 locale), plus U+0130 ->
 * "i\u0307" and Python's Final_Sigma rule for Σ (ς at the end of a word),
 * with the case-ignorable set approximated (ASCII marks, a few quotes and
 * the combining diacritics). Returns a buf error code.
 */
int evaltext_lower(const char *s, size_t len, struct buf *out);

/*
 * Counting table for n-grams over a sequence of units (tokens or code
 * points). One table counts the n-grams of one hypothesis (hyp) and then
 * of each reference in turn (cur, per reference; max over the references
 * so far), so clipped matches come out incrementally without a second
 * pass. Entries point into the caller's unit arrays, which must outlive the
 * table's use for one segment.
 */
struct ngram_unit {
	const char *p;
	uint32_t len;
	uint64_t hash;
};

struct ngram_entry {
	uint64_t hash;
	const struct ngram_unit *u;  /* first unit; NULL marks a free slot */
	uint32_t n;
	uint32_t epoch;   /* reference whose occurrences cur counts */
	uint32_t cur;     /* occurrences in that reference */
	uint32_t max;     /* max occurrences over the references so far */
	uint32_t hyp;     /* occurrences in the hypothesis */
	float weight;     /* free for the caller (CodeBLEU keyword weights) */
};

struct ngram_table {
	struct ngram_entry *e;
	size_t cap;       /* power of two */
	size_t used;
};

/* Empty the table, sized for about `expect` distinct n-grams. 0 or -1. */
int ngram_table_reset(struct ngram_table *t, size_t expect);
void ngram_table_release(struct ngram_table *t);
/* Hash of a unit's bytes. */
uint64_t ngram_hash_bytes(const char *p, size_t len);
/* The n-gram u[0..n) whose hash (ngram_hash_extend over the units) is h:
 * found or inserted with zero counts; NULL when out of memory. */
struct ngram_entry *ngram_table_get(struct ngram_table *t, const struct ngram_unit *u, uint32_t n,
				    uint64_t h);
/* Like ngram_table_get but never inserts: NULL when absent. */
struct ngram_entry *ngram_table_find(const struct ngram_table *t, const struct ngram_unit *u, uint32_t n,
				     uint64_t h);
/* The hash of an n-gram extended by one unit (start with NGRAM_HASH_SEED). */
#define NGRAM_HASH_SEED 0x9e3779b97f4a7c15ULL
static inline uint64_t ngram_hash_extend(uint64_t h, uint64_t unit)
{
	h ^= unit + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdULL;
}

#endif
