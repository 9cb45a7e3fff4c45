/* overlap: n-gram sets and a Bloom filter (see overlap.h). */
#include "core/overlap.h"

#include <stdlib.h>
#include <string.h>

/* A polynomial rolling hash over the word hashes (odd base, mod 2^64),
 * finished with a mixer: O(1) per n-gram whatever n is. */
#define ROLL_BASE 0x9e3779b97f4a7c15ULL

int overlap_ngrams(const uint64_t *words, size_t nw, int n, struct u64vec *out)
{
	uint64_t h = 0, top = 1;

	if (n < 1 || nw < (size_t)n)
		return 0;
	for (int j = 1; j < n; j++)
		top *= ROLL_BASE;  /* ROLL_BASE^(n-1) */
	for (size_t i = 0; i < nw; i++) {
		if (i >= (size_t)n)
			h -= words[i - (size_t)n] * top;
		h = h * ROLL_BASE + words[i];
		if (i + 1 >= (size_t)n && u64vec_push(out, norm_mix64(h ^ (uint64_t)n)))
			return -1;
	}
	return 0;
}

bool overlap_sampled(uint64_t h)
{
	return (h >> 60) < 4;  /* a quarter of all n-grams, the same ones everywhere */
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void overlap_unique(struct u64vec *v)
{
	size_t w = 0;

	if (norm_sort_u64(v->v, v->n))
		qsort(v->v, v->n, sizeof(uint64_t), cmp_u64);  /* no memory for the fast sort */
	for (size_t i = 0; i < v->n; i++)
		if (!w || v->v[w - 1] != v->v[i])
			v->v[w++] = v->v[i];
	v->n = w;
}

/* A blocked Bloom filter (Putze, Sanders, Singler 2007): the k bits of an
 * item lie in one 512-bit block, so a lookup costs one cache miss. */
int bloom_init(struct bloom *b, uint64_t n)
{
	uint64_t want = (n < 1024 ? 1024 : n) * 10, bits = 4096;

	while (bits < want)
		bits <<= 1;  /* a power of two: positions by mask, not division */
	b->bits = aligned_alloc(64, bits / 8);
	if (b->bits)
		memset(b->bits, 0, bits / 8);
	b->nbits = bits;
	b->k = 6;
	return b->bits ? 0 : -1;
}

void bloom_release(struct bloom *b)
{
	free(b->bits);
	memset(b, 0, sizeof(*b));
}

static uint64_t *block_of(const struct bloom *b, uint64_t h)
{
	return b->bits + ((h & ((b->nbits >> 9) - 1)) << 3);
}

void bloom_add(struct bloom *b, uint64_t h)
{
	uint64_t *blk = block_of(b, h), g = norm_mix64(h);

	for (int i = 0; i < b->k; i++, g >>= 9)
		blk[(g >> 6) & 7] |= (uint64_t)1 << (g & 63);
}

bool bloom_has(const struct bloom *b, uint64_t h)
{
	const uint64_t *blk = block_of(b, h);
	uint64_t g = norm_mix64(h);

	for (int i = 0; i < b->k; i++, g >>= 9)
		if (!(blk[(g >> 6) & 7] & (uint64_t)1 << (g & 63)))
			return false;
	return true;
}

bool overlap_set_has(const struct u64vec *set, uint64_t h)
{
	size_t lo = 0, hi = set->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (set->v[mid] < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < set->n && set->v[lo] == h;
}
