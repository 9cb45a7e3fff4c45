/*
 * norm: text normalisation for duplicate detection and n-gram overlap.
 *
 * The normal form is Unicode NFC, case-folded, with every punctuation or
 * symbol character turned into a space, every decimal digit into '0', and
 * runs of white space collapsed into one space (none at either end). Two
 * answers that differ only in capitals, spacing, quoting or numbers get
 * the same normal form. ASCII text (the usual case) takes a byte-table
 * fast path; other text goes through ICU (NFC, full case folding,
 * Unicode character classes). The result is valid UTF-8.
 *
 * Words are the space-separated tokens of the normal form; norm_word_hashes
 * gives a 64-bit hash per word, the input of the shingles in dedup.h.
 * Pure: no I/O, no globals except ICU's immutable singletons.
 */
#ifndef CERBERUS_NORM_H
#define CERBERUS_NORM_H

#include <stddef.h>
#include <stdint.h>

struct buf;

/*
 * Append the normal form of s[0..len) (valid UTF-8) to out. A space is
 * put first when out is not empty and does not end in one, so texts can
 * be normalised one after another into one buffer. Returns 0, -1 when out
 * cannot grow, -2 when s is not valid UTF-8 (out then holds a partial
 * result the caller must discard).
 */
int norm_text(const char *s, size_t len, struct buf *out);

/* A growable array of 64-bit values (capped like a buf). */
struct u64vec {
	uint64_t *v;
	size_t n, cap;
};
int u64vec_push(struct u64vec *a, uint64_t x);
void u64vec_release(struct u64vec *a);

/* norm_text, also appending one hash per word of the appended normal form
 * to words (as norm_word_hashes would). Same return values. */
int norm_text_words(const char *s, size_t len, struct buf *out, struct u64vec *words);

/* Append one hash per word of normalised text t[0..len) to out. 0 or -1. */
int norm_word_hashes(const char *t, size_t len, struct u64vec *out);

/* Sort in place (LSD radix sort; tmp holds n values or is allocated). 0 or -1. */
int norm_sort_u64(uint64_t *v, size_t n);
int norm_sort_u32(uint32_t *v, size_t n);

/* 64-bit hash of bytes (FNV-1a finished with the splitmix64 mixer). */
uint64_t norm_hash64(uint64_t seed, const void *p, size_t len);
static inline uint64_t norm_mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#endif
