/*
 * overlap: n-gram overlap between texts, for leak and contamination checks.
 *
 * Texts are compared on word n-grams of their normal form (norm.h); 13
 * words is the choice of GPT-3 (Brown et al. 2020, appendix C) and NeMo
 * Curator's task decontamination. The training side is large, so its
 * n-grams go into a blocked Bloom filter (10 to 20 bits and 6 hashes per
 * n-gram, about 1% false positives, well below the share that drops an
 * example), and only a fixed quarter of all n-grams (chosen by hash, the
 * same on both sides, so the share found is an unbiased estimate) is
 * inserted and looked up; an evaluation set is small and kept exactly as
 * a sorted array. Pure: no I/O.
 */
#ifndef CERBERUS_OVERLAP_H
#define CERBERUS_OVERLAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/norm.h"

#define OVERLAP_DEFAULT_N 13

/* Append the hashes of the n-word n-grams of words[0..nw) to out (none
 * when there are fewer than n words). 0 or -1. */
int overlap_ngrams(const uint64_t *words, size_t nw, int n, struct u64vec *out);
/* True for the n-grams the train-side filter keeps and checks. */
bool overlap_sampled(uint64_t h);
/* Sort and drop repeats. */
void overlap_unique(struct u64vec *v);

struct bloom {
	uint64_t *bits;
	uint64_t nbits;
	int k;
};

/* Room for about n items. 0 or -1 (memory). */
int bloom_init(struct bloom *b, uint64_t n);
void bloom_release(struct bloom *b);
void bloom_add(struct bloom *b, uint64_t h);
bool bloom_has(const struct bloom *b, uint64_t h);

/* A sorted, distinct set of n-gram hashes. */
bool overlap_set_has(const struct u64vec *set, uint64_t h);

#endif
