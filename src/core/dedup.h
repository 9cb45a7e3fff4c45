/*
 * dedup: near-duplicate detection with MinHash and LSH banding.
 *
 * A document is the set of its word shingles (k consecutive words of the
 * normal form in norm.h; 5 by default), each hashed to 32 bits. Its MinHash
 * signature has bands * rows values; documents whose signatures agree on
 * every row of at least one band become candidate pairs. The chance of
 * that for Jaccard similarity s is 1 - (1 - s^rows)^bands, an S-curve with
 * its threshold near (1/bands)^(1/rows): 14 x 8 (the default) puts it at
 * about 0.72, so pairs at the 0.8 duplicate threshold are found with
 * probability 0.92 and pairs at 0.9 with 0.9997 (Broder 1997; Leskovec,
 * Rajaraman, Ullman, Mining of Massive Datasets, ch. 3).
 *
 * Every candidate pair is then verified by the exact Jaccard similarity of
 * the two shingle sets; only pairs at or above the threshold are joined,
 * with union-find. A join that would make a cluster larger than
 * max_cluster is refused (and counted), so a chain of pairwise similar
 * documents cannot swallow a whole topic.
 *
 * Pure: no I/O. The index owns copies of what is added; memory is about
 * 4 bytes per shingle plus 8 per band per document.
 */
#ifndef CERBERUS_DEDUP_H
#define CERBERUS_DEDUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DEDUP_MAX_HASHES 1024

struct dedup_params {
	int bands;           /* LSH bands (default 14) */
	int rows;            /* rows per band (default 8) */
	int shingle;         /* words per shingle (default 5) */
	double threshold;    /* exact Jaccard of a near duplicate (default 0.8) */
	long max_cluster;    /* largest cluster a join may build (default 100) */
	uint64_t seed;       /* of the hash functions */
};

void dedup_params_default(struct dedup_params *p);
/* 0 when the parameters are usable, else -1 and a reason in err. */
int dedup_params_check(const struct dedup_params *p, char *err, size_t errlen);
/* The LSH threshold (1/bands)^(1/rows) and the probability that a pair at
 * similarity s becomes a candidate. */
double dedup_lsh_threshold(const struct dedup_params *p);
double dedup_candidate_prob(const struct dedup_params *p, double s);

/* A growable array of 32-bit values. */
struct u32vec {
	uint32_t *v;
	size_t n, cap;
};
int u32vec_push(struct u32vec *a, uint32_t x);
void u32vec_release(struct u32vec *a);

/*
 * The sorted, distinct 32-bit hashes of the k-word shingles of a document
 * given as word hashes (norm_word_hashes); out is cleared first. A document
 * shorter than k words has one shingle of all its words (none when empty).
 * Returns 0 or -1 (memory).
 */
int dedup_shingles(const uint64_t *words, size_t n, int k, struct u32vec *out);
/* Exact Jaccard similarity of two sorted distinct sets (1 when both empty). */
double dedup_jaccard(const uint32_t *a, size_t na, const uint32_t *b, size_t nb);
/* The MinHash signature (bands*rows values) of a shingle set. */
void dedup_minhash(const struct dedup_params *p, const uint32_t *sh, size_t n, uint32_t *sig);

struct dedup_stats {
	long docs;
	long candidate_pairs;   /* distinct pairs that shared a band */
	long verified_pairs;    /* of them, at or above the threshold */
	long rejected_pairs;    /* below the threshold on exact Jaccard */
	long capped_joins;      /* joins refused by max_cluster */
	long clusters;          /* clusters of two or more documents */
	long clustered_docs;    /* documents in those clusters */
	long largest_cluster;
};

struct dedup_index;

/* A new index (NULL on bad parameters or no memory). */
struct dedup_index *dedup_index_new(const struct dedup_params *p);
void dedup_index_free(struct dedup_index *x);
/* Add a document's shingle set; documents are numbered 0, 1, ... in the
 * order added. Returns 0 or -1 (memory). */
int dedup_index_add(struct dedup_index *x, const uint32_t *sh, size_t n);
size_t dedup_index_count(const struct dedup_index *x);
/* The same in two steps, so that the signatures can be computed on other
 * threads: dedup_index_keys only reads the index (sig holds bands*rows
 * values, keys bands), dedup_index_add_keys adds in order. */
void dedup_index_keys(const struct dedup_index *x, const uint32_t *sh, size_t n, uint32_t *sig, uint64_t *keys);
int dedup_index_add_keys(struct dedup_index *x, const uint32_t *sh, size_t n, const uint64_t *keys);
int dedup_index_bands(const struct dedup_index *x);
/*
 * Find the clusters: cluster[i] (an array of count entries the caller
 * provides) becomes the smallest document number of i's cluster (i itself
 * when it has no near duplicate). Deterministic. The shingle sets are
 * freed afterwards; the index can only be freed then. Returns 0 or -1.
 */
int dedup_index_cluster(struct dedup_index *x, uint32_t *cluster, struct dedup_stats *st);

#endif
