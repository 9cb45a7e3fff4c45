/* dedup: MinHash + LSH near-duplicate clusters (see dedup.h). */
#include "core/dedup.h"
#include "core/norm.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define U32VEC_MAX ((size_t)1 << 30)
/* Buckets up to this size are verified pair by pair; larger ones (a common
 * template) are verified against their first member and along the chain,
 * which keeps the work linear in the bucket size. */
#define DEDUP_FULL_BUCKET 16

int u32vec_push(struct u32vec *a, uint32_t x)
{
	if (a->n == a->cap) {
		size_t nc = a->cap ? a->cap * 2 : 256;
		uint32_t *nv;

		if (nc > U32VEC_MAX || !(nv = realloc(a->v, nc * sizeof(*nv))))
			return -1;
		a->v = nv;
		a->cap = nc;
	}
	a->v[a->n++] = x;
	return 0;
}

void u32vec_release(struct u32vec *a)
{
	free(a->v);
	memset(a, 0, sizeof(*a));
}

void dedup_params_default(struct dedup_params *p)
{
	p->bands = 14;
	p->rows = 8;
	p->shingle = 5;
	p->threshold = 0.8;
	p->max_cluster = 100;
	p->seed = 0x6365726265727573ULL;  /* "cerberus" */
}

int dedup_params_check(const struct dedup_params *p, char *err, size_t errlen)
{
	if (p->bands < 1 || p->rows < 1 || p->bands * p->rows > DEDUP_MAX_HASHES) {
		snprintf(err, errlen, "bands x rows must be from 1 to %d", DEDUP_MAX_HASHES);
		return -1;
	}
	if (p->shingle < 1 || p->shingle > 32) {
		snprintf(err, errlen, "shingle size must be from 1 to 32 words");
		return -1;
	}
	if (!(p->threshold > 0 && p->threshold <= 1)) {
		snprintf(err, errlen, "near-duplicate threshold must be above 0 and at most 1");
		return -1;
	}
	if (p->max_cluster < 2) {
		snprintf(err, errlen, "largest cluster must be at least 2");
		return -1;
	}
	return 0;
}

double dedup_lsh_threshold(const struct dedup_params *p)
{
	return pow(1.0 / p->bands, 1.0 / p->rows);
}

double dedup_candidate_prob(const struct dedup_params *p, double s)
{
	return 1.0 - pow(1.0 - pow(s, p->rows), p->bands);
}

int dedup_shingles(const uint64_t *words, size_t n, int k, struct u32vec *out)
{
	size_t w = 0;

	out->n = 0;
	if (!n)
		return 0;
	if (n < (size_t)k)
		k = (int)n;
	for (size_t i = 0; i + (size_t)k <= n; i++) {
		uint64_t h = 0x9e3779b97f4a7c15ULL;

		for (int j = 0; j < k; j++)
			h = norm_mix64(h ^ words[i + (size_t)j]) + (uint64_t)j;
		if (u32vec_push(out, (uint32_t)(h >> 32)))
			return -1;
	}
	if (norm_sort_u32(out->v, out->n))
		return -1;
	for (size_t i = 0; i < out->n; i++)
		if (!w || out->v[w - 1] != out->v[i])
			out->v[w++] = out->v[i];
	out->n = w;
	return 0;
}

double dedup_jaccard(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	size_t i = 0, j = 0, inter = 0;

	if (!na && !nb)
		return 1.0;
	while (i < na && j < nb) {
		if (a[i] < b[j]) {
			i++;
		} else if (a[i] > b[j]) {
			j++;
		} else {
			inter++;
			i++;
			j++;
		}
	}
	return (double)inter / (double)(na + nb - inter);
}

/* The i-th hash function: an odd multiplier, an offset and a second odd
 * multiplier, all from the seed; each function is a bijection of 32-bit
 * values, so the minimum is a min-wise sample of the set. */
static void hash_coeffs(uint64_t seed, int i, uint32_t *a, uint32_t *b, uint32_t *c)
{
	uint64_t h = norm_mix64(seed + 0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1));

	*a = (uint32_t)h | 1u;
	*b = (uint32_t)(h >> 32);
	*c = (uint32_t)norm_mix64(h) | 1u;
}

/* The hot loop of the export: cloned for AVX2 (eight 32-bit lanes) with
 * a portable fallback, chosen at load time. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
__attribute__((target_clones("avx2", "default"), optimize("tree-vectorize")))
#endif
static void minhash_with(int k, const uint32_t *restrict ca, const uint32_t *restrict cb,
			 const uint32_t *restrict cc, const uint32_t *restrict sh, size_t n, uint32_t *restrict sig)
{
	for (int i = 0; i < k; i++)
		sig[i] = UINT32_MAX;
	for (size_t s = 0; s < n; s++) {
		uint32_t x = sh[s];

		/* no branches: the compiler vectorises this loop */
		for (int i = 0; i < k; i++) {
			uint32_t v = x * ca[i] + cb[i];
			v ^= v >> 15;
			v *= cc[i];
			v ^= v >> 13;
			sig[i] = v < sig[i] ? v : sig[i];
		}
	}
}

void dedup_minhash(const struct dedup_params *p, const uint32_t *sh, size_t n, uint32_t *sig)
{
	uint32_t a[DEDUP_MAX_HASHES], b[DEDUP_MAX_HASHES], c[DEDUP_MAX_HASHES];
	int k = p->bands * p->rows;

	for (int i = 0; i < k; i++)
		hash_coeffs(p->seed, i, &a[i], &b[i], &c[i]);
	minhash_with(k, a, b, c, sh, n, sig);
}

struct dedup_index {
	struct dedup_params p;
	uint32_t ca[DEDUP_MAX_HASHES], cb[DEDUP_MAX_HASHES], cc[DEDUP_MAX_HASHES];
	uint32_t *sig;           /* scratch: one signature */
	struct u32vec arena;     /* every document's shingles, back to back */
	uint64_t *off;           /* start of document i in arena; off[n] = end */
	uint64_t *keys;          /* band keys, document-major: keys[i * bands + b] */
	size_t n, cap;
	bool clustered;
};

struct dedup_index *dedup_index_new(const struct dedup_params *p)
{
	struct dedup_index *x;
	char err[128];

	if (dedup_params_check(p, err, sizeof(err)) || !(x = calloc(1, sizeof(*x))))
		return NULL;
	x->p = *p;
	for (int i = 0; i < p->bands * p->rows; i++)
		hash_coeffs(p->seed, i, &x->ca[i], &x->cb[i], &x->cc[i]);
	x->sig = malloc((size_t)(p->bands * p->rows) * sizeof(uint32_t));
	x->off = calloc(1, sizeof(uint64_t));
	if (!x->sig || !x->off) {
		dedup_index_free(x);
		return NULL;
	}
	return x;
}

void dedup_index_free(struct dedup_index *x)
{
	if (!x)
		return;
	free(x->sig);
	u32vec_release(&x->arena);
	free(x->off);
	free(x->keys);
	free(x);
}

size_t dedup_index_count(const struct dedup_index *x)
{
	return x->n;
}

void dedup_index_keys(const struct dedup_index *x, const uint32_t *sh, size_t n, uint32_t *sig, uint64_t *keys)
{
	int bands = x->p.bands, rows = x->p.rows;

	minhash_with(bands * rows, x->ca, x->cb, x->cc, sh, n, sig);
	for (int b = 0; b < bands; b++) {
		/* the band number is part of the key: bands never collide; an
		 * empty document matches only other empty documents */
		uint64_t h = norm_hash64((uint64_t)b, sig + b * rows, (size_t)rows * sizeof(uint32_t));

		keys[b] = n ? h : 0;
	}
}

int dedup_index_add_keys(struct dedup_index *x, const uint32_t *sh, size_t n, const uint64_t *keys)
{
	int bands = x->p.bands;

	if (x->clustered)
		return -1;
	if (x->n == x->cap) {
		size_t nc = x->cap ? x->cap * 2 : 1024;
		uint64_t *no = realloc(x->off, (nc + 1) * sizeof(uint64_t));
		uint64_t *nk;

		if (!no)
			return -1;
		x->off = no;
		nk = realloc(x->keys, nc * (size_t)bands * sizeof(uint64_t));
		if (!nk)
			return -1;
		x->keys = nk;
		x->cap = nc;
	}
	for (size_t i = 0; i < n; i++)
		if (u32vec_push(&x->arena, sh[i]))
			return -1;
	memcpy(x->keys + x->n * (size_t)bands, keys, (size_t)bands * sizeof(uint64_t));
	x->n++;
	x->off[x->n] = x->arena.n;
	return 0;
}

int dedup_index_add(struct dedup_index *x, const uint32_t *sh, size_t n)
{
	uint64_t keys[DEDUP_MAX_HASHES];

	dedup_index_keys(x, sh, n, x->sig, keys);
	return dedup_index_add_keys(x, sh, n, keys);
}

int dedup_index_bands(const struct dedup_index *x)
{
	return x->p.bands;
}

/* union-find with sizes */
static uint32_t uf_find(uint32_t *parent, uint32_t i)
{
	while (parent[i] != i) {
		parent[i] = parent[parent[i]];
		i = parent[i];
	}
	return i;
}

struct bucket_ent {
	uint64_t key;
	uint32_t doc;
};

static int cmp_bucket(const void *a, const void *b)
{
	const struct bucket_ent *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->doc < y->doc ? -1 : x->doc > y->doc;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int add_pair(struct u64vec *pairs, uint32_t i, uint32_t j)
{
	if (i == j)
		return 0;
	if (i > j) {
		uint32_t t = i;
		i = j;
		j = t;
	}
	return u64vec_push(pairs, (uint64_t)i << 32 | j);
}

/* Candidate pairs of one band, appended to pairs. */
static int band_pairs(const struct dedup_index *x, int b, struct bucket_ent *ent, struct u64vec *pairs)
{
	size_t n = x->n, i = 0;

	for (size_t d = 0; d < n; d++) {
		ent[d].key = x->keys[d * (size_t)x->p.bands + (size_t)b];
		ent[d].doc = (uint32_t)d;
	}
	qsort(ent, n, sizeof(*ent), cmp_bucket);
	while (i < n) {
		size_t j = i + 1;

		while (j < n && ent[j].key == ent[i].key)
			j++;
		if (j - i <= DEDUP_FULL_BUCKET) {
			for (size_t a = i; a < j; a++)
				for (size_t c = a + 1; c < j; c++)
					if (add_pair(pairs, ent[a].doc, ent[c].doc))
						return -1;
		} else {
			for (size_t a = i + 1; a < j; a++)
				if (add_pair(pairs, ent[i].doc, ent[a].doc) ||
				    (a > i + 1 && add_pair(pairs, ent[a - 1].doc, ent[a].doc)))
					return -1;
		}
		i = j;
	}
	return 0;
}

int dedup_index_cluster(struct dedup_index *x, uint32_t *cluster, struct dedup_stats *st)
{
	struct bucket_ent *ent = NULL;
	struct u64vec pairs = { 0 };
	uint32_t *parent = NULL, *size = NULL, *minof = NULL;
	size_t n = x->n, w = 0;
	int rc = -1;

	memset(st, 0, sizeof(*st));
	st->docs = (long)n;
	if (x->clustered)
		return -1;
	ent = malloc((n ? n : 1) * sizeof(*ent));
	parent = malloc((n ? n : 1) * sizeof(uint32_t));
	size = malloc((n ? n : 1) * sizeof(uint32_t));
	minof = malloc((n ? n : 1) * sizeof(uint32_t));
	if (!ent || !parent || !size || !minof)
		goto out;
	for (int b = 0; b < x->p.bands; b++)
		if (band_pairs(x, b, ent, &pairs))
			goto out;
	free(x->keys);
	x->keys = NULL;
	if (pairs.n)
		qsort(pairs.v, pairs.n, sizeof(uint64_t), cmp_u64);
	for (size_t i = 0; i < pairs.n; i++)
		if (!w || pairs.v[w - 1] != pairs.v[i])
			pairs.v[w++] = pairs.v[i];
	pairs.n = w;
	st->candidate_pairs = (long)w;
	for (size_t i = 0; i < n; i++) {
		parent[i] = (uint32_t)i;
		size[i] = 1;
	}
	/* pairs in (i, j) order: the same input always builds the same clusters */
	for (size_t k = 0; k < pairs.n; k++) {
		uint32_t i = (uint32_t)(pairs.v[k] >> 32), j = (uint32_t)pairs.v[k], ri, rj;
		const uint32_t *a = x->arena.v + x->off[i], *c = x->arena.v + x->off[j];

		ri = uf_find(parent, i);
		rj = uf_find(parent, j);
		if (ri == rj)
			continue;  /* already joined through others */
		if (dedup_jaccard(a, x->off[i + 1] - x->off[i], c, x->off[j + 1] - x->off[j]) < x->p.threshold) {
			st->rejected_pairs++;
			continue;
		}
		st->verified_pairs++;
		if ((long)size[ri] + (long)size[rj] > x->p.max_cluster) {
			st->capped_joins++;
			continue;
		}
		if (size[ri] < size[rj]) {
			uint32_t t = ri;
			ri = rj;
			rj = t;
		}
		parent[rj] = ri;
		size[ri] += size[rj];
	}
	for (size_t i = 0; i < n; i++)
		minof[i] = UINT32_MAX;
	for (size_t i = 0; i < n; i++) {
		uint32_t r = uf_find(parent, (uint32_t)i);

		if (minof[r] == UINT32_MAX)
			minof[r] = (uint32_t)i;  /* i rises: the first seen is the smallest */
		cluster[i] = minof[r];
	}
	for (size_t i = 0; i < n; i++) {
		uint32_t r = uf_find(parent, (uint32_t)i);

		if (minof[r] == i && size[r] > 1) {
			st->clusters++;
			st->clustered_docs += size[r];
			if ((long)size[r] > st->largest_cluster)
				st->largest_cluster = size[r];
		}
	}
	u32vec_release(&x->arena);
	x->clustered = true;
	rc = 0;
out:
	free(ent);
	free(parent);
	free(size);
	free(minof);
	u64vec_release(&pairs);
	return rc;
}
