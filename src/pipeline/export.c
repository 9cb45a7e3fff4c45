/*
 * export: curate the stored conversations and write a fine-tuning dataset:
 * train.jsonl, validation.jsonl, contamination.json and manifest.json.
 *
 * Steps, each counted in the manifest (a row is counted by the first step
 * that removes it):
 *   1. the four quality criteria (the store filters the rows)
 *   2. heuristic filters (core/filter.h)
 *   3. exact duplicates of the normalised (prompt, response) pair: the
 *      best-rated copy stays, then the newest
 *   4. near duplicates: MinHash/LSH candidates verified by exact Jaccard
 *      (core/dedup.h); the best of each cluster stays
 *   5. the per-prompt cap: at most max_per_prompt answers to one
 *      normalised prompt (the best-rated, then newest)
 *   6. the split: rows joined by prompt, near-duplicate cluster and
 *      optionally user form groups; a group goes to validation when
 *      hash64(seed, key) mod 10^6 < fraction * 10^6, key being the
 *      smallest member key (the prompt hash, or the user's when grouping by
 *      user), so a group never straddles the split and rows that join no
 *      existing group move nothing
 *   7. decontamination: rows sharing an n-gram with the evaluation set
 *   8. validation rows whose n-grams are mostly (overlap_threshold) in train
 * Preference formats pair answers to the same prompt (near-duplicate
 * prompts included: the MinHash index then holds the prompts alone) whose
 * mean ratings differ by min_rating_gap or more; steps 3-5 then act on
 * pairs (identical pairs, the per-prompt cap).
 *
 * Two scans of one store snapshot: features of every candidate (pass 1,
 * kept in memory: about 100 bytes per row, a quarter of its 13-grams as
 * 32-bit hashes, and the shingle sets until the clusters are built), then
 * the writing (pass 2). Between them, all the decisions are made in memory.
 * Each scan decodes rows on two threads in batches and merges them in store
 * order, so the same store and options give byte-identical files. All files
 * are written and synced
 * under temporary names before the first rename, so a failed export leaves
 * the previous dataset as it was.
 */
#include "pipeline/pipeline.h"
#include "pipeline/internal.h"
#include "core/conv.h"
#include "core/dedup.h"
#include "core/filter.h"
#include "core/format.h"
#include "core/norm.h"
#include "core/overlap.h"
#include "core/split.h"
#include "util/buf.h"
#include "util/hex.h"
#include "util/lines.h"
#include "util/u64map.h"
#include "util/utf8.h"

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct out_file {
	const char *name;        /* "train.jsonl" */
	char *path, *tmp;
	FILE *f;
	EVP_MD_CTX *md;
	long lines;
	uint64_t bytes;
	char sha256[65];
};

static char *path_join(const char *dir, const char *name)
{
	struct buf b = BUF_INIT;

	if (buf_puts(&b, dir) || buf_puts(&b, "/") || buf_puts(&b, name)) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b);
}

static int mkdir_p(const char *dir)
{
	char *p = strdup(dir), *s;
	int rc = 0;

	if (!p)
		return -1;
	for (s = p + 1; *s && !rc; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	if (!rc && mkdir(p, 0755) && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

static int out_open(struct out_file *f, const char *dir, const char *name)
{
	char tmpname[64];

	f->name = name;
	snprintf(tmpname, sizeof(tmpname), ".%s.tmp", name);
	f->path = path_join(dir, name);
	f->tmp = path_join(dir, tmpname);
	f->md = EVP_MD_CTX_new();
	if (!f->path || !f->tmp || !f->md || !EVP_DigestInit_ex(f->md, EVP_sha256(), NULL))
		return -1;
	f->f = fopen(f->tmp, "wb");
	if (!f->f)
		return -1;
	setvbuf(f->f, NULL, _IOFBF, 1 << 20);
	return 0;
}

static int out_write(struct out_file *f, const char *p, size_t n)
{
	if (fwrite(p, 1, n, f->f) != n || !EVP_DigestUpdate(f->md, p, n))
		return -1;
	f->lines++;
	f->bytes += n;
	return 0;
}

static int out_finish(struct out_file *f)
{
	unsigned char d[32];
	unsigned dl = 0;
	int rc = 0;

	if (fflush(f->f) || fsync(fileno(f->f)))
		rc = -1;
	if (fclose(f->f))
		rc = -1;
	f->f = NULL;
	if (rc || !EVP_DigestFinal_ex(f->md, d, &dl))
		return -1;
	hex_encode(d, dl, f->sha256);
	return 0;
}

static void out_release(struct out_file *f, bool remove_tmp)
{
	if (f->f)
		fclose(f->f);
	if (remove_tmp && f->tmp)
		unlink(f->tmp);
	free(f->path);
	free(f->tmp);
	EVP_MD_CTX_free(f->md);
	memset(f, 0, sizeof(*f));
}

static int fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}


void export_options_default(struct export_options *o)
{
	memset(o, 0, sizeof(*o));
	o->format = "openai";
	o->val_fraction = 0.1;
	quality_thresholds_default(&o->thresholds);
	filter_config_default(&o->filters);
	o->exact_dedup = true;
	o->near_dedup = true;
	dedup_params_default(&o->dedup);
	o->max_per_prompt = 10;
	o->overlap_n = OVERLAP_DEFAULT_N;
	o->overlap_threshold = 0.5;
	o->max_tokens = 16384;
	o->min_rating_gap = 2;
}

/* Why a candidate row is not exported (the first step that removed it). */
enum drop {
	DROP_NONE,
	DROP_FILTER,
	DROP_EXACT,
	DROP_NEAR,
	DROP_PROMPT_CAP,
	DROP_EVAL,
	DROP_VAL_OVERLAP,
	DROP_UNPAIRED,   /* preference formats: in no pair */
	DROP_N
};

static const char *const drop_names[DROP_N] = {
	"", "filters", "exact_duplicates", "near_duplicates", "prompt_cap", "eval_contamination",
	"validation_overlap", "unpaired",
};

/* What pass 1 keeps of a candidate row. */
struct doc {
	int64_t rowid;
	int64_t created_at;
	uint64_t exact, exact2;  /* normalised (prompt, response) */
	uint64_t prompt;         /* normalised prompt */
	uint64_t user;           /* hash of the user pseudonym */
	uint64_t key;            /* split group key */
	long rating_sum, rating_count;
	uint32_t nwords;
	uint64_t gram_off;       /* sampled n-grams in exp.grams (32-bit hashes) */
	uint32_t ngrams;
	float share;             /* validation: share of its n-grams seen in train */
	uint32_t entry;          /* in the dedup index, UINT32_MAX when none */
	uint32_t cluster;        /* doc of the cluster's first entry */
	uint16_t fired;          /* filter bits */
	uint8_t drop;
	bool val, eval_hit, pair_member;
};

struct pair {
	uint32_t chosen, rejected;
};

struct contam {
	char *id;
	double share;
	bool val;
};

/*
 * Rows are processed in batches: the store thread copies BATCH rows, two
 * threads compute what each row needs (decoding, normalising, filters,
 * signatures, n-grams, formatting: the expensive, independent part), then
 * the store thread merges the results in store order (tables, index,
 * files), so the output is the same as a sequential run.
 */
#define BATCH 512
#define NWORKERS 2

struct scratch {
	struct example ex;
	struct buf prompt, np, nr;
	struct u64vec words, grams;
	size_t resp_words;
	uint32_t sig[DEDUP_MAX_HASHES];
	struct format_check check;
};

/* What a worker found for one row. */
struct result {
	int rc;                  /* 0, or 1 with err set */
	char err[160];
	/* pass 1 */
	uint64_t prompt, exact, exact2;
	uint32_t nwords;
	uint16_t fired;
	bool eval_hit, has_keys;
	bool pii;                /* the re-scan found PII in the stored text */
	struct u32vec shingles;
	uint64_t *keys;          /* bands values, in the batch's key block */
	struct u64vec grams;     /* a quarter of its 13-grams, distinct */
	/* pass 2 */
	struct doc *doc;
	struct buf line;
	long tokens;
	struct example ex;       /* preference formats: the decoded row */
};

struct batch {
	struct store_export_row rows[BATCH];
	struct result res[BATCH];
	uint64_t *keys;          /* BATCH * bands */
	struct buf text;         /* the rows' strings, back to back */
	size_t off[BATCH][4];    /* id, user, messages, extra offsets in text */
	size_t n;
};

struct exp {
	struct pipeline *p;
	const struct export_options *o;
	enum format_kind kind;
	bool pairs_mode;
	struct doc *docs;
	size_t n, cap, cursor;
	struct dedup_index *dx;
	uint32_t *entry_doc;
	size_t nentry, entry_cap;
	struct u64map exact_map;
	struct u64vec eval;        /* sorted n-gram hashes of the evaluation set */
	long eval_lines, eval_ngrams;
	struct bloom train_grams;
	struct u32vec grams;       /* every candidate's sampled n-grams, until the check */
	bool want_grams;
	struct pair *pairs;
	size_t npairs;
	struct example *pair_ex;   /* pass 2: examples of pair members, by doc */
	/* the rows of one batch and the two workers that share it */
	struct batch *b;
	struct scratch w[NWORKERS];
	int (*work)(struct exp *x, struct scratch *w, const struct store_export_row *r, struct result *res);
	int (*merge)(struct exp *x, const struct store_export_row *r, struct result *res);
	/* outputs */
	struct out_file train, val;
	bool writing;
	struct format_check check;
	long *tokens;
	size_t ntokens;
	long over_tokens;
	struct contam *contam;
	size_t ncontam, contam_cap;
	long contam_dropped[2];    /* [0] eval set, [1] validation vs train */
	long val_checked;
	/* counts */
	long total, hq, rejected[Q_NREASONS], candidates;
	long pii_rescan, pii_rescan_hq; /* rows the re-scan held back (of them high quality) */
	long filter_counts[FILTER_N];
	long dropped[DROP_N];
	long prompt_dup_rows, prompt_dup_prompts, groups, largest_group;
	struct dedup_stats dstats;
	EVP_MD_CTX *state;         /* hash of the store state */
	long done, phase_total;
	const char *phase;
	bool failed;
	int fail_rc;
	char err[256];
};

static void progress(struct exp *x, const char *phase, long done, long total)
{
	if (x->o->progress)
		x->o->progress(x->o->progress_ctx, phase, done, total);
}

static int fail(struct exp *x, int rc, const char *fmt, const char *arg)
{
	if (!x->failed) {
		snprintf(x->err, sizeof(x->err), fmt, arg);
		x->failed = true;
		x->fail_rc = rc;
	}
	return 1;
}

/* a rated copy beats an unrated one, then the higher mean, the newer, the later row */
static bool better(const struct doc *a, const struct doc *b)
{
	if ((a->rating_count > 0) != (b->rating_count > 0))
		return a->rating_count > 0;
	if (a->rating_count > 0) {
		double l = (double)a->rating_sum * (double)b->rating_count;
		double r = (double)b->rating_sum * (double)a->rating_count;
		if (l != r)
			return l > r;
	}
	if (a->created_at != b->created_at)
		return a->created_at > b->created_at;
	return a->rowid > b->rowid;
}

static double mean(const struct doc *d)
{
	return d->rating_count ? (double)d->rating_sum / (double)d->rating_count : 0;
}

static int wfail(struct result *res, const char *fmt, const char *arg)
{
	res->rc = 1;
	snprintf(res->err, sizeof(res->err), fmt, arg);
	return 1;
}

/* Decode the row and, when norm is set, normalise its prompt and response
 * into w->np and w->nr and their words into w->words (the response's
 * words start at w->resp_words). */
static int featurize(struct scratch *w, const struct store_export_row *r, bool norm, struct result *res)
{
	const char *resp;
	size_t rlen;

	if (example_parse(&w->ex, r->messages, r->messages_len, r->extra, r->extra_len) || w->ex.last < 0)
		return wfail(res, "conversation '%.100s': stored text is malformed", r->conversation_id);
	if (!norm)
		return 0;
	buf_reset(&w->prompt);
	buf_reset(&w->np);
	buf_reset(&w->nr);
	w->words.n = 0;
	resp = example_content(&w->ex, (size_t)w->ex.last);
	rlen = w->ex.m[w->ex.last].len;
	if (example_prompt_text(&w->ex, &w->prompt) ||
	    norm_text_words(buf_cstr(&w->prompt), w->prompt.len, &w->np, &w->words))
		return wfail(res, "conversation '%.100s': out of memory", r->conversation_id);
	w->resp_words = w->words.n;
	if (norm_text_words(resp, rlen, &w->nr, &w->words))
		return wfail(res, "conversation '%.100s': out of memory", r->conversation_id);
	return 0;
}

/* A polynomial hash of a sequence of word hashes, with its length. */
static uint64_t seq_hash(const uint64_t *w, size_t n, uint64_t base, uint64_t seed)
{
	uint64_t h = norm_mix64(seed);

	for (size_t i = 0; i < n; i++)
		h = h * base + w[i];
	return norm_mix64(h ^ (uint64_t)n);
}

static struct doc *new_doc(struct exp *x)
{
	if (x->n == x->cap) {
		size_t nc = x->cap ? x->cap * 2 : 4096;
		struct doc *nd = realloc(x->docs, nc * sizeof(*nd));

		if (!nd)
			return NULL;
		x->docs = nd;
		x->cap = nc;
	}
	memset(&x->docs[x->n], 0, sizeof(struct doc));
	return &x->docs[x->n++];
}

static int add_entry(struct exp *x, uint32_t doc)
{
	if (x->nentry == x->entry_cap) {
		size_t nc = x->entry_cap ? x->entry_cap * 2 : 4096;
		uint32_t *ne = realloc(x->entry_doc, nc * sizeof(*ne));

		if (!ne)
			return -1;
		x->entry_doc = ne;
		x->entry_cap = nc;
	}
	x->entry_doc[x->nentry++] = doc;
	return 0;
}

/* The store state: ids, times, ratings, flags, sizes and content hash of
 * every candidate row, in store order. */
static void hash_state(struct exp *x, const struct store_export_row *r, const struct doc *d)
{
	char rec[160];
	int n = snprintf(rec, sizeof(rec), "%s|%lld|%ld|%ld|%u|%zu|%zu|%016llx%016llx\n", r->conversation_id,
			 (long long)r->created_at, r->rating_sum, r->rating_count, r->flags, r->messages_len,
			 r->extra_len, (unsigned long long)d->exact, (unsigned long long)d->exact2);

	if (n > 0)
		EVP_DigestUpdate(x->state, rec, (size_t)n < sizeof(rec) ? (size_t)n : sizeof(rec) - 1);
}

static bool eval_overlaps(const struct exp *x, struct scratch *w)
{
	if (!x->eval.n)
		return false;
	w->grams.n = 0;
	if (overlap_ngrams(w->words.v, w->words.n, x->o->overlap_n ? x->o->overlap_n : OVERLAP_DEFAULT_N,
			   &w->grams))
		return false;
	for (size_t i = 0; i < w->grams.n; i++)
		if (overlap_set_has(&x->eval, w->grams.v[i]))
			return true;
	return false;
}

/* Pass 1, on a worker: everything about one row that needs its text. */
static int pass1_work(struct exp *x, struct scratch *w, const struct store_export_row *r, struct result *res)
{
	const uint64_t *rw;
	size_t nrw;

	/* the "no PII" criterion is judged again on the stored text with
	 * today's rules: a conversation stored before a rule existed is held
	 * back, never exported (the scrubber is shared by the workers) */
	res->pii = false;
	{
		bool pii = false, extra_pii = false;

		if (conv_json_has_pii(r->messages, r->messages_len, x->p->scrub, &pii) ||
		    (r->extra_len && conv_json_has_pii(r->extra, r->extra_len, x->p->scrub, &extra_pii)))
			return wfail(res, "conversation '%.100s': re-scan for PII failed", r->conversation_id);
		if (pii || extra_pii) {
			res->pii = true;
			return 0;
		}
	}
	if (featurize(w, r, true, res))
		return 1;
	rw = w->words.v + w->resp_words;
	nrw = w->words.n - w->resp_words;
	res->nwords = (uint32_t)w->words.n;
	/* the normal form is its words joined by spaces, so hashes of the word
	 * hash sequences identify it (two independent 64-bit ones for the pair) */
	res->prompt = seq_hash(w->words.v, w->resp_words, 0x9e3779b97f4a7c15ULL, 5);
	res->exact = norm_mix64(res->prompt * 31 + seq_hash(rw, nrw, 0x9e3779b97f4a7c15ULL, 6));
	res->exact2 = seq_hash(w->words.v, w->resp_words, 0xc2b2ae3d27d4eb4fULL, 7) ^
		      seq_hash(rw, nrw, 0xc2b2ae3d27d4eb4fULL, 8);
	res->fired = (uint16_t)filter_check_norm(&x->o->filters, buf_cstr(&w->prompt), w->prompt.len,
						  example_content(&w->ex, (size_t)w->ex.last), w->ex.m[w->ex.last].len,
						  buf_cstr(&w->np), w->np.len, buf_cstr(&w->nr), w->nr.len, rw, nrw);
	res->eval_hit = eval_overlaps(x, w);
	res->grams.n = 0;
	if (x->want_grams && !res->fired) {
		/* the validation-vs-train check needs them after the split: a
		 * fixed quarter, distinct, kept as 32-bit hashes */
		size_t k = 0;
		if (overlap_ngrams(w->words.v, w->words.n, x->o->overlap_n, &res->grams))
			return wfail(res, "%s", "out of memory");
		for (size_t i = 0; i < res->grams.n; i++)
			if (overlap_sampled(res->grams.v[i]))
				res->grams.v[k++] = res->grams.v[i] >> 32;
		res->grams.n = k;
		overlap_unique(&res->grams);
	}
	res->has_keys = false;
	if (!x->pairs_mode && res->fired)
		return 0;  /* filtered rows need no signature */
	/* preference pairs group answers by near-duplicate prompt: sign the
	 * prompt alone; otherwise the (prompt, response) pair */
	if (dedup_shingles(w->words.v, x->pairs_mode ? w->resp_words : w->words.n, x->o->dedup.shingle,
			   &res->shingles))
		return wfail(res, "%s", "out of memory");
	dedup_index_keys(x->dx, res->shingles.v, res->shingles.n, w->sig, res->keys);
	res->has_keys = true;
	return 0;
}

/* Pass 1, in store order: the tables, the exact-duplicate map, the index. */
static int pass1_merge(struct exp *x, const struct store_export_row *r, struct result *res)
{
	struct doc *d;
	uint32_t idx;

	if (res->pii) {
		/* no doc: pass 2 finds none for this row and writes nothing */
		x->pii_rescan++;
		if (!r->rating_count ||
		    (double)r->rating_sum >= x->o->thresholds.min_rating * (double)r->rating_count - 1e-9)
			x->pii_rescan_hq++;
		return 0;
	}
	if (!(d = new_doc(x)))
		return fail(x, PIPE_ENOMEM, "%s", "out of memory");
	idx = (uint32_t)(x->n - 1);
	d->rowid = r->rowid;
	d->created_at = r->created_at;
	d->rating_sum = r->rating_sum;
	d->rating_count = r->rating_count;
	d->entry = UINT32_MAX;
	d->cluster = idx;
	d->nwords = res->nwords;
	d->prompt = res->prompt;
	d->exact = res->exact;
	d->exact2 = res->exact2;
	d->user = norm_hash64(9, r->user_pseudo, strlen(r->user_pseudo));
	d->fired = res->fired;
	d->eval_hit = res->eval_hit;
	d->gram_off = x->grams.n;
	d->ngrams = (uint32_t)res->grams.n;
	for (size_t i = 0; i < res->grams.n; i++)
		if (u32vec_push(&x->grams, (uint32_t)res->grams.v[i]))
			return fail(x, PIPE_ENOMEM, "%s", "out of memory");
	hash_state(x, r, d);
	x->candidates++;
	if (x->pairs_mode) {
		/* every rated answer joins the prompt index (unrated ones pair with nothing) */
		if (!r->rating_count)
			return 0;
		if (!res->has_keys || dedup_index_add_keys(x->dx, res->shingles.v, res->shingles.n, res->keys) ||
		    add_entry(x, idx))
			return fail(x, PIPE_ENOMEM, "%s", "out of memory");
		d->entry = (uint32_t)(x->nentry - 1);
		return 0;
	}
	if (d->fired) {
		d->drop = DROP_FILTER;
		return 0;
	}
	if (x->o->exact_dedup) {
		bool created;
		uint32_t *slot = u64map_upsert(&x->exact_map, d->exact, idx, &created);

		if (!slot)
			return fail(x, PIPE_ENOMEM, "%s", "out of memory");
		if (!created && x->docs[*slot].exact2 == d->exact2) {
			struct doc *old = &x->docs[*slot];

			if (better(d, old)) {
				/* same text, same shingles: take over the old entry */
				d->entry = old->entry;
				if (d->entry != UINT32_MAX)
					x->entry_doc[d->entry] = idx;
				old->entry = UINT32_MAX;
				old->drop = DROP_EXACT;
				*slot = idx;
			} else {
				d->drop = DROP_EXACT;
			}
			return 0;
		}
	}
	if (!res->has_keys || dedup_index_add_keys(x->dx, res->shingles.v, res->shingles.n, res->keys) ||
	    add_entry(x, idx))
		return fail(x, PIPE_ENOMEM, "%s", "out of memory");
	d->entry = (uint32_t)(x->nentry - 1);
	return 0;
}

/* Near-duplicate clusters: the best doc of each stays. */
static int apply_clusters(struct exp *x)
{
	uint32_t *cl = malloc((x->nentry ? x->nentry : 1) * sizeof(uint32_t));
	uint32_t *best;

	if (!cl || dedup_index_cluster(x->dx, cl, &x->dstats)) {
		free(cl);
		return -1;
	}
	best = malloc((x->nentry ? x->nentry : 1) * sizeof(uint32_t));
	if (!best) {
		free(cl);
		return -1;
	}
	for (size_t e = 0; e < x->nentry; e++)
		best[e] = UINT32_MAX;
	for (size_t e = 0; e < x->nentry; e++) {
		uint32_t d = x->entry_doc[e], rep = cl[e];

		x->docs[d].cluster = x->entry_doc[rep];
		if (best[rep] == UINT32_MAX || better(&x->docs[d], &x->docs[best[rep]]))
			best[rep] = d;
	}
	if (x->o->near_dedup)
		for (size_t e = 0; e < x->nentry; e++) {
			uint32_t d = x->entry_doc[e];
			if (best[cl[e]] != d && x->docs[d].drop == DROP_NONE)
				x->docs[d].drop = DROP_NEAR;
		}
	free(cl);
	free(best);
	return 0;
}

/* Preference formats: near-duplicate prompts (clusters of the prompt
 * index) share the prompt key of their cluster's first row. */
static int prompt_clusters(struct exp *x)
{
	uint32_t *cl = malloc((x->nentry ? x->nentry : 1) * sizeof(uint32_t));

	if (!cl || dedup_index_cluster(x->dx, cl, &x->dstats)) {
		free(cl);
		return -1;
	}
	for (size_t e = 0; e < x->nentry; e++) {
		struct doc *d = &x->docs[x->entry_doc[e]];

		d->cluster = x->entry_doc[cl[e]];
		d->prompt = x->docs[d->cluster].prompt;  /* the first entry keeps its own */
	}
	free(cl);
	return 0;
}

/* sort helpers: docs by (prompt, best first) */
static const struct doc *sort_docs;

static int cmp_prompt_best(const void *a, const void *b)
{
	const struct doc *x = &sort_docs[*(const uint32_t *)a], *y = &sort_docs[*(const uint32_t *)b];

	if (x->prompt != y->prompt)
		return x->prompt < y->prompt ? -1 : 1;
	if (better(x, y))
		return -1;
	if (better(y, x))
		return 1;
	return 0;
}

/* The alive docs sorted by prompt, best first; *n set. */
static uint32_t *by_prompt(struct exp *x, bool (*alive)(const struct doc *), size_t *n)
{
	uint32_t *v = malloc((x->n ? x->n : 1) * sizeof(uint32_t));
	size_t k = 0;

	if (!v)
		return NULL;
	for (size_t i = 0; i < x->n; i++)
		if (alive(&x->docs[i]))
			v[k++] = (uint32_t)i;
	sort_docs = x->docs;
	qsort(v, k, sizeof(uint32_t), cmp_prompt_best);
	*n = k;
	return v;
}

static bool is_alive(const struct doc *d)
{
	return d->drop == DROP_NONE;
}

/* Prompt duplicates: counted, and capped at max_per_prompt per prompt. */
static int cap_prompts(struct exp *x)
{
	size_t n, i = 0;
	uint32_t *v = by_prompt(x, is_alive, &n);

	if (!v)
		return -1;
	while (i < n) {
		size_t j = i + 1;

		while (j < n && x->docs[v[j]].prompt == x->docs[v[i]].prompt)
			j++;
		if (j - i > 1) {
			x->prompt_dup_prompts++;
			x->prompt_dup_rows += (long)(j - i);
		}
		if (x->o->max_per_prompt > 0)
			for (size_t k = i + (size_t)x->o->max_per_prompt; k < j; k++)
				x->docs[v[k]].drop = DROP_PROMPT_CAP;
		i = j;
	}
	free(v);
	return 0;
}

static bool is_pair_candidate(const struct doc *d)
{
	return d->rating_count > 0;
}

/*
 * Preference pairs: within one prompt key (the normalised prompt, or its
 * near-duplicate cluster's, see prompt_clusters), the best chosen answers
 * (rated at least min_rating, no filter fired) meet the worst answers,
 * best with worst, while the gap is at least min_rating_gap and the two
 * answers differ; every answer is used once.
 */
static int build_pairs(struct exp *x)
{
	size_t n, i = 0;
	uint32_t *v = by_prompt(x, is_pair_candidate, &n);
	struct u64map seen;

	if (!v)
		return -1;
	u64map_init(&seen);
	x->pairs = malloc((n / 2 + 1) * sizeof(struct pair));
	if (!x->pairs) {
		free(v);
		return -1;
	}
	while (i < n) {
		size_t j = i + 1, lo, hi;
		long made = 0;

		while (j < n && x->docs[v[j]].prompt == x->docs[v[i]].prompt)
			j++;
		if (j - i > 1) {
			x->prompt_dup_prompts++;
			x->prompt_dup_rows += (long)(j - i);
		}
		lo = i;
		hi = j;
		while (lo + 1 < hi) {
			struct doc *c = &x->docs[v[lo]], *r = &x->docs[v[hi - 1]];
			bool created;
			uint64_t pk;

			if (mean(c) < x->o->thresholds.min_rating - 1e-9 || mean(c) - mean(r) < x->o->min_rating_gap - 1e-9)
				break;
			if (c->fired) {
				lo++;
				continue;
			}
			if (c->exact == r->exact) {
				hi--;  /* the same answer rated twice is no preference */
				continue;
			}
			pk = norm_mix64(c->exact ^ norm_mix64(r->exact));
			if (!u64map_upsert(&seen, pk, 0, &created)) {
				u64map_release(&seen);
				free(v);
				return -1;
			}
			if (!created && x->o->exact_dedup) {
				x->dropped[DROP_EXACT]++;
			} else if (x->o->max_per_prompt > 0 && made >= x->o->max_per_prompt) {
				x->dropped[DROP_PROMPT_CAP]++;
			} else {
				x->pairs[x->npairs].chosen = v[lo];
				x->pairs[x->npairs].rejected = v[hi - 1];
				x->npairs++;
				made++;
				c->pair_member = r->pair_member = true;
			}
			lo++;
			hi--;
		}
		i = j;
	}
	u64map_release(&seen);
	free(v);
	return 0;
}

/* union-find over docs for the split groups */
static uint32_t find(uint32_t *parent, uint32_t i)
{
	while (parent[i] != i) {
		parent[i] = parent[parent[i]];
		i = parent[i];
	}
	return i;
}

static void unite(uint32_t *parent, uint32_t a, uint32_t b)
{
	a = find(parent, a);
	b = find(parent, b);
	if (a != b)
		parent[a > b ? a : b] = a < b ? a : b;
}

static bool in_output(const struct exp *x, const struct doc *d)
{
	return x->pairs_mode ? d->pair_member : d->drop == DROP_NONE;
}

/* Group rows by prompt, near-duplicate cluster and (option) user; each
 * group's key is its smallest member key. */
static int assign_split(struct exp *x)
{
	uint32_t *parent = malloc((x->n ? x->n : 1) * sizeof(uint32_t));
	uint64_t *gkey = malloc((x->n ? x->n : 1) * sizeof(uint64_t));
	uint32_t *gsize = calloc(x->n ? x->n : 1, sizeof(uint32_t));
	struct u64map by_prompt_m, by_user;
	int rc = -1;

	u64map_init(&by_prompt_m);
	u64map_init(&by_user);
	if (!parent || !gkey || !gsize)
		goto out;
	for (size_t i = 0; i < x->n; i++)
		parent[i] = (uint32_t)i;
	for (size_t i = 0; i < x->n; i++) {
		struct doc *d = &x->docs[i];
		bool created;
		uint32_t *s;

		if (!in_output(x, d))
			continue;
		if (!(s = u64map_upsert(&by_prompt_m, d->prompt, (uint32_t)i, &created)))
			goto out;
		unite(parent, (uint32_t)i, *s);
		if (d->cluster != i && in_output(x, &x->docs[d->cluster]))
			unite(parent, (uint32_t)i, d->cluster);
		if (x->o->split_by_user) {
			if (!(s = u64map_upsert(&by_user, d->user, (uint32_t)i, &created)))
				goto out;
			unite(parent, (uint32_t)i, *s);
		}
	}
	if (x->pairs_mode)
		for (size_t k = 0; k < x->npairs; k++)
			unite(parent, x->pairs[k].chosen, x->pairs[k].rejected);
	for (size_t i = 0; i < x->n; i++)
		gkey[i] = UINT64_MAX;
	for (size_t i = 0; i < x->n; i++) {
		struct doc *d = &x->docs[i];
		uint32_t g = find(parent, (uint32_t)i);
		uint64_t k = x->o->split_by_user ? d->user : d->prompt;

		if (!in_output(x, d))
			continue;
		if (k < gkey[g])
			gkey[g] = k;
		if (!gsize[g]++)
			x->groups++;
		if ((long)gsize[g] > x->largest_group)
			x->largest_group = gsize[g];
	}
	for (size_t i = 0; i < x->n; i++) {
		struct doc *d = &x->docs[i];
		unsigned char kb[8];

		if (!in_output(x, d))
			continue;
		d->key = gkey[find(parent, (uint32_t)i)];
		for (int b = 0; b < 8; b++)
			kb[b] = (unsigned char)(d->key >> (8 * b));
		d->val = split_is_validation(x->o->seed, x->o->val_fraction, (const char *)kb, 8);
	}
	rc = 0;
out:
	free(parent);
	free(gkey);
	free(gsize);
	u64map_release(&by_prompt_m);
	u64map_release(&by_user);
	return rc;
}

/* Step 7: rows (or pairs) that share an n-gram with the evaluation set. */
static void apply_eval(struct exp *x)
{
	if (!x->eval.n)
		return;
	if (x->pairs_mode) {
		size_t w = 0;
		for (size_t k = 0; k < x->npairs; k++) {
			struct doc *c = &x->docs[x->pairs[k].chosen], *r = &x->docs[x->pairs[k].rejected];
			if (c->eval_hit || r->eval_hit)
				x->dropped[DROP_EVAL]++;
			else
				x->pairs[w++] = x->pairs[k];
		}
		x->npairs = w;
		for (size_t i = 0; i < x->n; i++)
			x->docs[i].pair_member = false;
		for (size_t k = 0; k < x->npairs; k++)
			x->docs[x->pairs[k].chosen].pair_member = x->docs[x->pairs[k].rejected].pair_member = true;
		return;
	}
	for (size_t i = 0; i < x->n; i++)
		if (x->docs[i].drop == DROP_NONE && x->docs[i].eval_hit)
			x->docs[i].drop = DROP_EVAL;
}

/* The doc of a row in pass 2 or 3 (docs are in rowid order); NULL for a
 * row that was not there in pass 1. Read-only: safe on workers. */
static struct doc *doc_of(const struct exp *x, int64_t rowid)
{
	size_t lo = 0, hi = x->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (x->docs[mid].rowid < rowid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < x->n && x->docs[lo].rowid == rowid ? &x->docs[lo] : NULL;
}

/* The doc whose n-grams represent an output unit on the train side. */
static bool train_side(const struct exp *x, const struct doc *d)
{
	if (x->pairs_mode)
		return d->pair_member && !d->val;
	return d->drop == DROP_NONE && !d->val;
}

/* Step 8 in memory: the train side's n-grams into a Bloom filter, then
 * each validation row's share of n-grams found there. */
static int check_val_overlap(struct exp *x)
{
	uint64_t n = 0;
	bool any_val = false;

	for (size_t i = 0; i < x->n; i++) {
		if (train_side(x, &x->docs[i]))
			n += x->docs[i].ngrams;
		else if (in_output(x, &x->docs[i]) && x->docs[i].val)
			any_val = true;
	}
	if (!any_val || !n)
		return 0;
	if (bloom_init(&x->train_grams, n))
		return -1;
	for (size_t i = 0; i < x->n; i++)
		if (train_side(x, &x->docs[i]))
			for (uint32_t k = 0; k < x->docs[i].ngrams; k++)
				bloom_add(&x->train_grams, x->grams.v[x->docs[i].gram_off + k]);
	for (size_t i = 0; i < x->n; i++) {
		struct doc *d = &x->docs[i];
		uint32_t hit = 0;

		if (!in_output(x, d) || !d->val)
			continue;
		x->val_checked++;
		for (uint32_t k = 0; k < d->ngrams; k++)
			hit += bloom_has(&x->train_grams, x->grams.v[d->gram_off + k]);
		d->share = d->ngrams ? (float)hit / (float)d->ngrams : 0;
		if (d->ngrams && d->share >= x->o->overlap_threshold - 1e-6) {
			d->drop = DROP_VAL_OVERLAP;
			x->contam_dropped[1]++;
			if (x->pairs_mode)
				d->pair_member = false;
		}
	}
	bloom_release(&x->train_grams);
	u32vec_release(&x->grams);
	return 0;
}

static int add_contam(struct exp *x, const char *id, double share, bool val)
{
	if (x->ncontam == x->contam_cap) {
		size_t nc = x->contam_cap ? x->contam_cap * 2 : 64;
		struct contam *n = realloc(x->contam, nc * sizeof(*n));

		if (!n)
			return -1;
		x->contam = n;
		x->contam_cap = nc;
	}
	if (!(x->contam[x->ncontam].id = strdup(id)))
		return -1;
	x->contam[x->ncontam].share = share;
	x->contam[x->ncontam].val = val;
	x->ncontam++;
	return 0;
}

static int push_tokens(struct exp *x, long t)
{
	if (!(x->ntokens & (x->ntokens + 1)) || !x->tokens) {
		long *nt = realloc(x->tokens, (x->ntokens * 2 + 2) * sizeof(long));
		if (!nt)
			return -1;
		x->tokens = nt;
	}
	x->tokens[x->ntokens++] = t;
	if (t > x->o->max_tokens)
		x->over_tokens++;
	return 0;
}

static int write_line(struct exp *x, bool val, const struct buf *line, const char *id)
{
	struct out_file *f = val ? &x->val : &x->train;

	if (!x->writing) {
		f->lines++;
		return 0;
	}
	if (out_write(f, line->data, line->len))
		return fail(x, PIPE_EIO, "cannot write %s", f->path ? f->path : id);
	return 0;
}

/* Pass 2, on a worker: the output line. */
static int pass2_work(struct exp *x, struct scratch *w, const struct store_export_row *r, struct result *res)
{
	struct doc *d = doc_of(x, r->rowid);

	res->doc = d;
	buf_reset(&res->line);
	if (!d || !in_output(x, d))
		return 0;
	if (featurize(w, r, false, res))
		return 1;
	if (x->pairs_mode) {
		/* keep the example until both sides of its pairs are read */
		example_release(&res->ex);
		res->ex = w->ex;
		example_init(&w->ex);
		return 0;
	}
	if (format_example(x->kind, &w->ex, r->conversation_id, x->o->format_flags, &res->line))
		return wfail(res, "conversation '%.100s': cannot format", r->conversation_id);
	if (x->kind == FORMAT_OPENAI || x->kind == FORMAT_MESSAGES)
		format_check_chat_line(res->line.data, res->line.len, &w->check);
	res->tokens = example_tokens(&w->ex);
	return 0;
}

static int pass2_merge(struct exp *x, const struct store_export_row *r, struct result *res)
{
	struct doc *d = res->doc;

	if (d && d->drop == DROP_VAL_OVERLAP && add_contam(x, r->conversation_id, d->share, true))
		return fail(x, PIPE_ENOMEM, "%s", "out of memory");
	if (!d || !in_output(x, d))
		return 0;
	if (x->pairs_mode) {
		x->pair_ex[d - x->docs] = res->ex;
		example_init(&res->ex);
		return 0;
	}
	if (push_tokens(x, res->tokens))
		return fail(x, PIPE_ENOMEM, "%s", "out of memory");
	return write_line(x, d->val, &res->line, r->conversation_id);
}

/* After pass 2 in the preference formats: write the pairs in chosen order. */
static int write_pairs(struct exp *x)
{
	struct buf line = BUF_INIT;

	for (size_t k = 0; k < x->npairs; k++) {
		struct pair *p = &x->pairs[k];
		struct doc *c = &x->docs[p->chosen];
		struct example *ce = &x->pair_ex[p->chosen], *re = &x->pair_ex[p->rejected];

		if (c->drop == DROP_VAL_OVERLAP || x->docs[p->rejected].drop == DROP_VAL_OVERLAP) {
			x->dropped[DROP_VAL_OVERLAP]++;
			continue;
		}
		if (ce->last < 0 || re->last < 0) {
			buf_release(&line);
			return fail(x, PIPE_EIO, "%s", "a paired conversation changed during the export");
		}
		/* the pair's two conversations as chat lines, for the checks */
		for (int side = 0; side < 2; side++) {
			struct example *e = side ? re : ce;
			buf_reset(&line);
			if (format_example(FORMAT_MESSAGES, e, NULL, 0, &line))
				goto nomem;
			format_check_chat_line(line.data, line.len, &x->check);
		}
		buf_reset(&line);
		if (format_pair(x->kind, ce, re, &line) || push_tokens(x, example_tokens(ce)))
			goto nomem;
		if (write_line(x, c->val, &line, "pair")) {
			buf_release(&line);
			return 1;
		}
	}
	buf_release(&line);
	return 0;
nomem:
	buf_release(&line);
	return fail(x, PIPE_ENOMEM, "%s", "out of memory");
}

/* pairs sorted by the chosen row (store order) */
static int cmp_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	if (x->chosen != y->chosen)
		return x->chosen < y->chosen ? -1 : 1;
	return x->rejected < y->rejected ? -1 : x->rejected > y->rejected;
}

/* ------------------------------------------------------------------ */
/* the evaluation set                                                  */

/* Append every string value of a JSON value (depth-first) to texts. */
static void json_strings(json_t *v, struct buf *out, int depth)
{
	size_t i;
	const char *k;
	json_t *e;

	if (depth > 64)
		return;
	if (json_is_string(v)) {
		buf_append(out, json_string_value(v), json_string_length(v));
		buf_putc(out, '\n');
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, e)
			json_strings(e, out, depth + 1);
	} else if (json_is_object(v)) {
		json_object_foreach(v, k, e)
			json_strings(e, out, depth + 1);
	}
}

#define EVAL_MAX_LINE ((size_t)16 << 20)

/*
 * Read the evaluation set: JSON Lines (every string value of each line's
 * value counts) or plain text, one item per line. Its n-grams become a
 * sorted set. Errors name the file and line: unreadable, invalid UTF-8, a
 * line over 16 MiB, or no item of n words at all.
 */
static int load_eval(struct exp *x, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	struct line_reader lr;
	struct buf text = BUF_INIT, norm = BUF_INIT;
	struct u64vec w = { 0 };
	const char *line;
	size_t len;
	int r, rc = PIPE_EINPUT;

	if (!f) {
		snprintf(err, errlen, "cannot open evaluation set '%s': %s", path, strerror(errno));
		return PIPE_EIO;
	}
	if (line_reader_init(&lr, f, EVAL_MAX_LINE)) {
		fclose(f);
		snprintf(err, errlen, "out of memory");
		return PIPE_ENOMEM;
	}
	while ((r = line_next(&lr, &line, &len)) != LINE_EOF) {
		json_t *v = NULL;
		json_error_t je;
		size_t bad;

		if (r == LINE_ERROR) {
			snprintf(err, errlen, "cannot read evaluation set '%s': %s", path, strerror(lr.error));
			rc = PIPE_EIO;
			goto out;
		}
		if (r == LINE_TOO_LONG) {
			snprintf(err, errlen, "evaluation set '%s' line %ld: longer than 16 MiB", path, lr.lineno);
			goto out;
		}
		if (!utf8_valid(line, len, &bad) || memchr(line, '\0', len)) {
			snprintf(err, errlen, "evaluation set '%s' line %ld: not valid UTF-8 text", path, lr.lineno);
			goto out;
		}
		if (line_is_blank(line, len))
			continue;
		x->eval_lines++;
		buf_reset(&text);
		if ((line[0] == '{' || line[0] == '[' || line[0] == '"') &&
		    (v = json_loadb(line, len, JSON_DECODE_ANY, &je)) != NULL) {
			json_strings(v, &text, 0);
			json_decref(v);
		} else if (buf_append(&text, line, len)) {
			goto nomem;
		}
		buf_reset(&norm);
		w.n = 0;
		if (norm_text(buf_cstr(&text), text.len, &norm) || norm_word_hashes(buf_cstr(&norm), norm.len, &w) ||
		    overlap_ngrams(w.v, w.n, x->o->overlap_n ? x->o->overlap_n : OVERLAP_DEFAULT_N, &x->eval))
			goto nomem;
	}
	if (!x->eval_lines) {
		snprintf(err, errlen, "evaluation set '%s' is empty", path);
		goto out;
	}
	overlap_unique(&x->eval);
	x->eval_ngrams = (long)x->eval.n;
	if (!x->eval.n) {
		snprintf(err, errlen, "evaluation set '%s' has no text of %d words or more", path,
			 x->o->overlap_n ? x->o->overlap_n : OVERLAP_DEFAULT_N);
		goto out;
	}
	rc = PIPE_OK;
	goto out;
nomem:
	snprintf(err, errlen, "evaluation set '%s': out of memory", path);
	rc = PIPE_ENOMEM;
out:
	line_reader_release(&lr);
	fclose(f);
	buf_release(&text);
	buf_release(&norm);
	u64vec_release(&w);
	return rc;
}

/* ------------------------------------------------------------------ */
/* report and manifest                                                 */

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

static json_t *token_json(struct exp *x)
{
	json_t *t = json_object();
	double sum = 0;

	if (x->ntokens)
		qsort(x->tokens, x->ntokens, sizeof(long), cmp_long);
	for (size_t i = 0; i < x->ntokens; i++)
		sum += (double)x->tokens[i];
	json_object_set_new(t, "estimate", json_string("approximate: a quarter of each word's characters "
						       "rounded up, one per punctuation mark, four per message"));
	json_object_set_new(t, "examples", json_integer((json_int_t)x->ntokens));
	json_object_set_new(t, "total", json_integer((json_int_t)sum));
	json_object_set_new(t, "min", json_integer(x->ntokens ? x->tokens[0] : 0));
	json_object_set_new(t, "mean", json_real(x->ntokens ? sum / (double)x->ntokens : 0));
	json_object_set_new(t, "p50", json_integer(x->ntokens ? x->tokens[x->ntokens / 2] : 0));
	json_object_set_new(t, "p95", json_integer(x->ntokens ? x->tokens[x->ntokens * 95 / 100] : 0));
	json_object_set_new(t, "max", json_integer(x->ntokens ? x->tokens[x->ntokens - 1] : 0));
	json_object_set_new(t, "max_tokens", json_integer(x->o->max_tokens));
	json_object_set_new(t, "over_max_tokens", json_integer(x->over_tokens));
	return t;
}

static json_t *check_json(struct exp *x)
{
	json_t *c = json_object(), *e = json_object();
	long total = 0;

	for (unsigned i = 0; i < FCHK_N; i++) {
		json_object_set_new(e, format_check_name(i), json_integer(x->check.errors[i]));
		total += x->check.errors[i];
	}
	json_object_set_new(c, "checked", json_integer(x->check.examples));
	json_object_set_new(c, "errors", e);
	json_object_set_new(c, "error_total", json_integer(total));
	json_object_set_new(c, "warnings", json_pack("{sIsI}", "missing_system_message", (json_int_t)x->check.no_system,
						     "missing_user_message", (json_int_t)x->check.no_user));
	if (x->check.examples < 10)
		json_object_set_new(c, "note", json_string("fewer than 10 examples: fine-tuning needs at least 10, "
							   "and 50-100 to see gains"));
	return c;
}

static json_t *contam_json(struct exp *x, const char *eval_path)
{
	json_t *c = json_object(), *vt = json_object(), *ev, *list = json_array();
	size_t listed = 0;

	json_object_set_new(c, "ngram", json_integer(x->o->overlap_n));
	json_object_set_new(vt, "threshold", json_real(x->o->overlap_threshold));
	json_object_set_new(vt, "checked", json_integer(x->val_checked));
	json_object_set_new(vt, "dropped", json_integer(x->contam_dropped[1]));
	json_object_set_new(vt, "rule", json_string("a validation example is dropped when at least threshold of its "
						    "distinct n-grams occur in train (estimated on the quarter of all n-grams "
						    "chosen by hash; blocked Bloom filter, about 1% false positives)"));
	for (size_t i = 0; i < x->ncontam && listed < 10000; i++, listed++)
		json_array_append_new(list, json_pack("{sssf}", "conversation_id", x->contam[i].id, "overlap",
						      x->contam[i].share));
	json_object_set_new(vt, "examples", list);
	json_object_set_new(vt, "truncated", json_boolean(x->ncontam > listed));
	json_object_set_new(c, "validation_vs_train", vt);
	if (eval_path) {
		ev = json_object();
		json_object_set_new(ev, "file", json_string(eval_path));
		json_object_set_new(ev, "items", json_integer(x->eval_lines));
		json_object_set_new(ev, "ngrams", json_integer(x->eval_ngrams));
		json_object_set_new(ev, "dropped", json_integer(x->dropped[DROP_EVAL]));
		json_object_set_new(ev, "rule", json_string("dropped when it shares any n-gram with the evaluation set"));
		json_object_set_new(c, "eval_set", ev);
	}
	return c;
}

static json_t *options_json(const struct export_options *o)
{
	json_t *j = json_object(), *f = json_array();
	char seed[24];

	for (unsigned i = 0; i < FILTER_N; i++)
		if (o->filters.enabled & 1u << i)
			json_array_append_new(f, json_string(filter_name(i)));
	snprintf(seed, sizeof(seed), "%llu", (unsigned long long)o->seed);
	json_object_set_new(j, "format", json_string(o->format));
	json_object_set_new(j, "last_turn_only", json_boolean(o->format_flags & FORMAT_LAST_TURN_ONLY));
	json_object_set_new(j, "val_fraction", json_real(o->val_fraction));
	json_object_set_new(j, "seed", json_string(seed));
	json_object_set_new(j, "min_rating", json_real(o->thresholds.min_rating));
	json_object_set_new(j, "min_response_chars", json_integer(o->thresholds.min_response_chars));
	json_object_set_new(j, "filters", f);
	json_object_set_new(j, "filter_thresholds",
			    json_pack("{sIsIsfsfsfsfsIsf}", "refusal_window", (json_int_t)o->filters.refusal_window,
				      "error_max_chars", (json_int_t)o->filters.error_max_chars, "repeat_overlap",
				      o->filters.repeat_overlap, "max_dup_lines", o->filters.max_dup_lines,
				      "max_dup_ngrams", o->filters.max_dup_ngrams, "min_text_share",
				      o->filters.min_text_share, "long_token", (json_int_t)o->filters.long_token,
				      "max_long_token_share", o->filters.max_long_token_share));
	json_object_set_new(j, "exact_dedup", json_boolean(o->exact_dedup));
	json_object_set_new(j, "near_dedup", json_boolean(o->near_dedup));
	json_object_set_new(j, "max_per_prompt", json_integer(o->max_per_prompt));
	json_object_set_new(j, "split_by_user", json_boolean(o->split_by_user));
	json_object_set_new(j, "overlap_n", json_integer(o->overlap_n));
	json_object_set_new(j, "overlap_threshold", json_real(o->overlap_threshold));
	json_object_set_new(j, "decontaminate", o->decontaminate ? json_string(o->decontaminate) : json_null());
	json_object_set_new(j, "max_tokens", json_integer(o->max_tokens));
	json_object_set_new(j, "min_rating_gap", json_integer(o->min_rating_gap));
	return j;
}

static json_t *report_json(struct exp *x, const unsigned char state[32])
{
	const struct export_options *o = x->o;
	json_t *m = json_object(), *counts = json_object(), *rej = json_object(), *rem = json_object(),
	       *filt = json_object(), *dd = json_object(), *split = json_object(), *pd = json_object();
	char hex[65], seed[24];
	long removed = 0;

	json_object_set_new(m, "cerberus_version", json_string(CERBERUS_VERSION));
	json_object_set_new(m, "format", json_string(o->format));
	hex_encode(state, 32, hex);
	json_object_set_new(m, "store_state", json_pack("{ssss}", "sha256", hex, "of",
		"every candidate row in store order: id, created_at, rating sum and count, flags, sizes, "
		"hash of the normalised prompt and response"));
	json_object_set_new(m, "options", options_json(o));
	json_object_set_new(counts, "conversations", json_integer(x->total));
	json_object_set_new(counts, "high_quality", json_integer(x->hq));
	for (unsigned i = 0; i < Q_NREASONS; i++)
		json_object_set_new(rej, quality_reason_name(i), json_integer(x->rejected[i]));
	json_object_set_new(counts, "rejected", rej);
	json_object_set_new(counts, "candidates", json_integer(x->candidates));
	for (unsigned i = 0; i < FILTER_N; i++)
		json_object_set_new(filt, filter_name(i), json_integer(x->filter_counts[i]));
	json_object_set_new(counts, "filter_hits", filt);
	for (unsigned i = DROP_FILTER; i < DROP_N; i++) {
		if (i == DROP_UNPAIRED && !x->pairs_mode)
			continue;
		json_object_set_new(rem, drop_names[i], json_integer(x->dropped[i]));
		removed += x->dropped[i];
	}
	json_object_set_new(counts, "removed", rem);
	json_object_set_new(counts, "removed_total", json_integer(removed));
	json_object_set_new(pd, "prompts", json_integer(x->prompt_dup_prompts));
	json_object_set_new(pd, "rows", json_integer(x->prompt_dup_rows));
	json_object_set_new(pd, "max_per_prompt", json_integer(o->max_per_prompt));
	json_object_set_new(counts, "prompt_duplicates", pd);
	if (x->pairs_mode)
		json_object_set_new(counts, "pairs", json_integer(x->train.lines + x->val.lines));
	json_object_set_new(counts, "exported", json_integer(x->train.lines + x->val.lines));
	json_object_set_new(counts, "train", json_integer(x->train.lines));
	json_object_set_new(counts, "validation", json_integer(x->val.lines));
	json_object_set_new(m, "counts", counts);
	json_object_set_new(m, "thresholds", json_pack("{sfsI}", "min_rating", o->thresholds.min_rating,
						       "min_response_chars", (json_int_t)o->thresholds.min_response_chars));
	json_object_set_new(dd, "normalisation", json_string("Unicode NFC, case folding, punctuation and symbols "
							     "to spaces, digits to 0, white space collapsed"));
	json_object_set_new(dd, "exact", json_string("64+64-bit hashes of the normalised (prompt, response); "
						     "keep the best-rated, then newest"));
	json_object_set_new(dd, "shingle_words", json_integer(o->dedup.shingle));
	json_object_set_new(dd, "bands", json_integer(o->dedup.bands));
	json_object_set_new(dd, "rows", json_integer(o->dedup.rows));
	json_object_set_new(dd, "hashes", json_integer(o->dedup.bands * o->dedup.rows));
	json_object_set_new(dd, "lsh_threshold", json_real(dedup_lsh_threshold(&o->dedup)));
	json_object_set_new(dd, "jaccard_threshold", json_real(o->dedup.threshold));
	json_object_set_new(dd, "max_cluster", json_integer(o->dedup.max_cluster));
	json_object_set_new(dd, "candidate_pairs", json_integer(x->dstats.candidate_pairs));
	json_object_set_new(dd, "verified_pairs", json_integer(x->dstats.verified_pairs));
	json_object_set_new(dd, "rejected_pairs", json_integer(x->dstats.rejected_pairs));
	json_object_set_new(dd, "capped_joins", json_integer(x->dstats.capped_joins));
	json_object_set_new(dd, "clusters", json_integer(x->dstats.clusters));
	json_object_set_new(dd, "clustered_rows", json_integer(x->dstats.clustered_docs));
	json_object_set_new(dd, "largest_cluster", json_integer(x->dstats.largest_cluster));
	json_object_set_new(m, "dedup", dd);
	snprintf(seed, sizeof(seed), "%llu", (unsigned long long)o->seed);
	json_object_set_new(split, "by", json_string(o->split_by_user ? "group: conversation + prompt + near-duplicate "
							"cluster + user" : "group: conversation + prompt + near-duplicate cluster"));
	json_object_set_new(split, "rule", json_string(
		"validation when hash64(seed, group key) mod 1000000 < val_fraction * 1000000; the group key is the "
		"smallest member key (64-bit hash of the normalised prompt, or of the user pseudonym when split by user), "
		"as 8 little-endian bytes (FNV-1a 64 + splitmix64 finaliser)"));
	json_object_set_new(split, "seed", json_string(seed));
	json_object_set_new(split, "val_fraction", json_real(o->val_fraction));
	json_object_set_new(split, "groups", json_integer(x->groups));
	json_object_set_new(split, "largest_group", json_integer(x->largest_group));
	json_object_set_new(m, "split", split);
	json_object_set_new(m, "tokens", token_json(x));
	json_object_set_new(m, "checks", check_json(x));
	json_object_set_new(m, "contamination", contam_json(x, o->decontaminate));
	return m;
}

static json_t *file_json(const struct out_file *f)
{
	json_t *o = json_object();

	json_object_set_new(o, "lines", json_integer(f->lines));
	json_object_set_new(o, "bytes", json_integer((json_int_t)f->bytes));
	json_object_set_new(o, "sha256", json_string(f->sha256));
	return o;
}

/* Write a JSON file under a temporary name, synced; its checksum is
 * returned in sha (65 bytes). */
static int write_json_tmp(const char *dir, const char *tmpname, json_t *v, char *sha)
{
	char *tmp = path_join(dir, tmpname), *text = json_dumps(v, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	FILE *f = NULL;
	int rc = -1;

	if (!tmp || !text || !(f = fopen(tmp, "wb")))
		goto out;
	if (fputs(text, f) == EOF || fputc('\n', f) == EOF || fflush(f) || fsync(fileno(f)))
		goto out;
	if (sha) {
		unsigned char d[32];
		unsigned dl = 0;
		EVP_MD_CTX *md = EVP_MD_CTX_new();
		if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL) || !EVP_DigestUpdate(md, text, strlen(text)) ||
		    !EVP_DigestUpdate(md, "\n", 1) || !EVP_DigestFinal_ex(md, d, &dl)) {
			EVP_MD_CTX_free(md);
			goto out;
		}
		EVP_MD_CTX_free(md);
		hex_encode(d, dl, sha);
	}
	rc = 0;
out:
	if (f && fclose(f))
		rc = -1;
	if (rc && tmp)
		unlink(tmp);
	free(tmp);
	free(text);
	return rc;
}

/* ------------------------------------------------------------------ */

static void exp_release(struct exp *x, bool remove_tmp)
{
	free(x->docs);
	dedup_index_free(x->dx);
	free(x->entry_doc);
	u64map_release(&x->exact_map);
	u64vec_release(&x->eval);
	bloom_release(&x->train_grams);
	u32vec_release(&x->grams);
	free(x->pairs);
	if (x->pair_ex) {
		for (size_t i = 0; i < x->n; i++)
			example_release(&x->pair_ex[i]);
		free(x->pair_ex);
	}
	for (int i = 0; i < NWORKERS; i++) {
		example_release(&x->w[i].ex);
		buf_release(&x->w[i].prompt);
		buf_release(&x->w[i].np);
		buf_release(&x->w[i].nr);
		u64vec_release(&x->w[i].words);
		u64vec_release(&x->w[i].grams);
	}
	if (x->b) {
		for (size_t i = 0; i < BATCH; i++) {
			u32vec_release(&x->b->res[i].shingles);
			u64vec_release(&x->b->res[i].grams);
			buf_release(&x->b->res[i].line);
			example_release(&x->b->res[i].ex);
		}
		free(x->b->keys);
		buf_release(&x->b->text);
		free(x->b);
	}
	out_release(&x->train, remove_tmp);
	out_release(&x->val, remove_tmp);
	free(x->tokens);
	for (size_t i = 0; i < x->ncontam; i++)
		free(x->contam[i].id);
	free(x->contam);
	EVP_MD_CTX_free(x->state);
}

static int batch_init(struct exp *x)
{
	int bands = dedup_index_bands(x->dx);

	if (!(x->b = calloc(1, sizeof(*x->b))))
		return -1;
	buf_init(&x->b->text, 0);
	if (!(x->b->keys = malloc((size_t)BATCH * (size_t)bands * sizeof(uint64_t))))
		return -1;
	for (size_t i = 0; i < BATCH; i++) {
		buf_init(&x->b->res[i].line, 0);
		example_init(&x->b->res[i].ex);
		x->b->res[i].keys = x->b->keys + i * (size_t)bands;
	}
	return 0;
}

struct job {
	struct exp *x;
	struct scratch *w;
	size_t from, to;
};

static void *job_run(void *arg)
{
	struct job *j = arg;

	for (size_t i = j->from; i < j->to; i++) {
		j->x->b->res[i].rc = 0;
		j->x->work(j->x, j->w, &j->x->b->rows[i], &j->x->b->res[i]);
	}
	return NULL;
}

/* Work on the batch on two threads, then merge it in store order. */
static int run_batch(struct exp *x)
{
	struct batch *b = x->b;
	struct job jobs[NWORKERS];
	pthread_t t;
	bool threaded = false;
	size_t half = b->n / 2;

	for (size_t i = 0; i < b->n; i++) {
		struct store_export_row *r = &b->rows[i];
		r->conversation_id = b->text.data + b->off[i][0];
		r->user_pseudo = b->text.data + b->off[i][1];
		r->messages = b->text.data + b->off[i][2];
		if (r->extra)
			r->extra = b->text.data + b->off[i][3];
	}
	jobs[0] = (struct job){ x, &x->w[0], 0, half };
	jobs[1] = (struct job){ x, &x->w[1], half, b->n };
	if (b->n >= 16 && !pthread_create(&t, NULL, job_run, &jobs[1]))
		threaded = true;
	job_run(&jobs[0]);
	if (threaded)
		pthread_join(t, NULL);
	else
		job_run(&jobs[1]);
	for (size_t i = 0; i < b->n && !x->failed; i++) {
		if (b->res[i].rc)
			fail(x, PIPE_EIO, "%s", b->res[i].err);
		else
			x->merge(x, &b->rows[i], &b->res[i]);
	}
	b->n = 0;
	buf_reset(&b->text);
	return x->failed;
}

static int put_str(struct buf *t, const char *s, size_t n, size_t *off)
{
	*off = t->len;
	return buf_append(t, s, n) || buf_putc(t, '\0');
}

/* The store's callback: copy the row into the batch; run it when full. */
static int batch_add(void *ctx, const struct store_export_row *r)
{
	struct exp *x = ctx;
	struct batch *b = x->b;
	size_t i = b->n;

	if (++x->done % 4096 == 0)
		progress(x, x->phase, x->done, x->phase_total);
	b->rows[i] = *r;
	if (put_str(&b->text, r->conversation_id, strlen(r->conversation_id), &b->off[i][0]) ||
	    put_str(&b->text, r->user_pseudo, strlen(r->user_pseudo), &b->off[i][1]) ||
	    put_str(&b->text, r->messages, r->messages_len, &b->off[i][2]) ||
	    (r->extra && put_str(&b->text, r->extra, r->extra_len, &b->off[i][3])))
		return fail(x, PIPE_ENOMEM, "%s", "out of memory");
	b->n++;
	return b->n == BATCH ? run_batch(x) : 0;
}

static int scan(struct exp *x, const struct store_export_filter *f,
		int (*work)(struct exp *, struct scratch *, const struct store_export_row *, struct result *),
		int (*merge)(struct exp *, const struct store_export_row *, struct result *), const char *phase,
		char *err, size_t errlen)
{
	int rc;

	x->done = 0;
	x->work = work;
	x->merge = merge;
	x->phase = phase;
	x->phase_total = x->candidates ? x->candidates : x->total;
	x->b->n = 0;
	buf_reset(&x->b->text);
	rc = store_scan_export(x->p->st, f, batch_add, x);
	if (!rc && !x->failed && x->b->n)
		run_batch(x);
	if (x->failed) {
		snprintf(err, errlen, "%s", x->err);
		return x->fail_rc;
	}
	if (rc) {
		snprintf(err, errlen, "%s", store_errmsg(x->p->st));
		return PIPE_ESTORE;
	}
	progress(x, phase, x->phase_total, x->phase_total);
	return PIPE_OK;
}

static int check_options(const struct export_options *o, char *err, size_t errlen)
{
	if (!format_known(o->format)) {
		snprintf(err, errlen, "unknown format '%s'", o->format);
		return PIPE_EINPUT;
	}
	if (!(o->val_fraction >= 0 && o->val_fraction <= 1)) {
		snprintf(err, errlen, "validation fraction must be between 0 and 1");
		return PIPE_EINPUT;
	}
	if (dedup_params_check(&o->dedup, err, errlen))
		return PIPE_EINPUT;
	if (o->overlap_n < 0 || o->overlap_n > 64 || !(o->overlap_threshold >= 0 && o->overlap_threshold <= 1)) {
		snprintf(err, errlen, "overlap n-gram size must be 0-64 and its threshold 0-1");
		return PIPE_EINPUT;
	}
	return PIPE_OK;
}

/* Steps 2-7 after pass 1. */
static int curate(struct exp *x, char *err, size_t errlen)
{
	for (size_t i = 0; i < x->n; i++)
		for (unsigned k = 0; k < FILTER_N; k++)
			x->filter_counts[k] += (x->docs[i].fired >> k) & 1;
	progress(x, "deduplicate", 0, 0);
	if (x->pairs_mode) {
		/* answers to near-duplicate prompts count as answers to one
		 * prompt: each takes its cluster's first prompt key */
		if (prompt_clusters(x))
			goto nomem;
		if (build_pairs(x))
			goto nomem;
		if (x->npairs)
			qsort(x->pairs, x->npairs, sizeof(struct pair), cmp_pair);
	} else if (apply_clusters(x) || cap_prompts(x)) {
		goto nomem;
	}
	if (assign_split(x))
		goto nomem;
	apply_eval(x);
	if (!x->pairs_mode)
		for (size_t i = 0; i < x->n; i++)
			x->dropped[x->docs[i].drop]++;
	else
		for (size_t i = 0; i < x->n; i++)
			x->dropped[DROP_UNPAIRED] += !x->docs[i].pair_member;
	return PIPE_OK;
nomem:
	snprintf(err, errlen, "out of memory while deduplicating");
	return PIPE_ENOMEM;
}

int pipeline_export(struct pipeline *p, const struct export_options *o, struct export_result *res, char *err,
		    size_t errlen)
{
	struct exp x;
	struct store_export_filter f;
	unsigned char state[32];
	unsigned sl = 0;
	char *paths[4] = { NULL }, *tmps[4] = { NULL }, csha[65] = "";
	json_t *report = NULL, *files, *contam = NULL;
	bool own = false;
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&x, 0, sizeof(x));
	if ((rc = check_options(o, err, errlen)))
		return rc;
	x.p = p;
	x.o = o;
	x.kind = (enum format_kind)format_kind(o->format);
	x.pairs_mode = format_is_pair(x.kind);
	u64map_init(&x.exact_map);
	for (int i = 0; i < NWORKERS; i++) {
		example_init(&x.w[i].ex);
		buf_init(&x.w[i].prompt, 0);
		buf_init(&x.w[i].np, 0);
		buf_init(&x.w[i].nr, 0);
	}
	x.writing = o->out_dir != NULL;
	x.state = EVP_MD_CTX_new();
	x.dx = dedup_index_new(&o->dedup);
	if (!x.state || !EVP_DigestInit_ex(x.state, EVP_sha256(), NULL) || !x.dx || batch_init(&x)) {
		snprintf(err, errlen, "out of memory");
		rc = PIPE_ENOMEM;
		goto out;
	}
	if (o->decontaminate && (rc = load_eval(&x, o->decontaminate, err, errlen)))
		goto out;
	/* the counts and the rows come from one snapshot of the store */
	own = !store_in_transaction(p->st);
	if (own && store_begin_read(p->st)) {
		snprintf(err, errlen, "%s", store_errmsg(p->st));
		own = false;
		rc = PIPE_ESTORE;
		goto out;
	}
	if ((rc = pipeline_count_verdicts(p, &o->thresholds, &x.total, &x.hq, x.rejected, err, errlen)))
		goto out;
	if (x.writing && (mkdir_p(o->out_dir) || out_open(&x.train, o->out_dir, "train.jsonl") ||
			  out_open(&x.val, o->out_dir, "validation.jsonl"))) {
		snprintf(err, errlen, "cannot write to '%s': %s", o->out_dir, strerror(errno));
		rc = PIPE_EIO;
		goto out;
	}
	f.flags_mask = CONV_F_INCOMPLETE | CONV_F_PII;
	f.min_response_chars = o->thresholds.min_response_chars;
	/* preference pairs need the badly rated answers too */
	f.min_rating = x.pairs_mode ? 0 : o->thresholds.min_rating;
	x.want_grams = o->overlap_n > 0 && o->val_fraction > 0;
	if ((rc = scan(&x, &f, pass1_work, pass1_merge, "analyse", err, errlen)))
		goto out;
	x.hq -= x.pii_rescan_hq;
	x.rejected[__builtin_ctz(Q_PII)] += x.pii_rescan;
	if ((rc = curate(&x, err, errlen)))
		goto out;
	if (o->overlap_n > 0 && check_val_overlap(&x)) {
		snprintf(err, errlen, "out of memory for the overlap check");
		rc = PIPE_ENOMEM;
		goto out;
	}
	if (x.pairs_mode && !(x.pair_ex = calloc(x.n ? x.n : 1, sizeof(struct example)))) {
		snprintf(err, errlen, "out of memory");
		rc = PIPE_ENOMEM;
		goto out;
	}
	for (size_t i = 0; x.pair_ex && i < x.n; i++)
		example_init(&x.pair_ex[i]);
	if ((rc = scan(&x, &f, pass2_work, pass2_merge, "write", err, errlen)))
		goto out;
	for (int i = 0; i < NWORKERS; i++) {
		x.check.examples += x.w[i].check.examples;
		x.check.no_system += x.w[i].check.no_system;
		x.check.no_user += x.w[i].check.no_user;
		for (unsigned k = 0; k < FCHK_N; k++)
			x.check.errors[k] += x.w[i].check.errors[k];
	}
	if (x.pairs_mode && write_pairs(&x)) {
		snprintf(err, errlen, "%s", x.err);
		rc = x.fail_rc;
		goto out;
	}
	if (!x.pairs_mode)
		x.dropped[DROP_VAL_OVERLAP] = x.contam_dropped[1];
	EVP_DigestFinal_ex(x.state, state, &sl);
	if (x.writing && (out_finish(&x.train) || out_finish(&x.val))) {
		snprintf(err, errlen, "cannot write to '%s': %s", o->out_dir, strerror(errno));
		rc = PIPE_EIO;
		goto out;
	}
	report = report_json(&x, state);
	res->train = x.train.lines;
	res->validation = x.val.lines;
	res->considered = x.total;
	res->rejected = x.total - x.hq;
	res->removed = json_integer_value(json_object_get(json_object_get(report, "counts"), "removed_total"));
	res->check_errors = json_integer_value(json_object_get(json_object_get(report, "checks"), "error_total"));
	if (x.writing) {
		static const char *const names[4] = { "train.jsonl", "validation.jsonl", "contamination.json",
						      "manifest.json" };
		static const char *const tnames[4] = { NULL, NULL, ".contamination.json.tmp", ".manifest.json.tmp" };

		contam = json_object_get(report, "contamination");
		if (write_json_tmp(o->out_dir, tnames[2], contam, csha)) {
			snprintf(err, errlen, "cannot write contamination report in '%s': %s", o->out_dir,
				 strerror(errno));
			rc = PIPE_EIO;
			goto out;
		}
		files = json_object();
		json_object_set_new(files, "train.jsonl", file_json(&x.train));
		json_object_set_new(files, "validation.jsonl", file_json(&x.val));
		json_object_set_new(files, "contamination.json", json_pack("{ss}", "sha256", csha));
		json_object_set_new(report, "files", files);
		for (int i = 0; i < 4; i++) {
			paths[i] = path_join(o->out_dir, names[i]);
			tmps[i] = i == 0 ? strdup(x.train.tmp) : i == 1 ? strdup(x.val.tmp) : path_join(o->out_dir, tnames[i]);
			if (!paths[i] || !tmps[i]) {
				snprintf(err, errlen, "out of memory");
				rc = PIPE_ENOMEM;
				goto out;
			}
		}
		if (write_json_tmp(o->out_dir, tnames[3], report, NULL)) {
			snprintf(err, errlen, "cannot write manifest in '%s': %s", o->out_dir, strerror(errno));
			unlink(tmps[2]);
			rc = PIPE_EIO;
			goto out;
		}
		/* everything is written and synced before the first rename;
		 * the manifest goes last and its checksums tell files of
		 * another export */
		for (int i = 0; i < 4; i++)
			if (rename(tmps[i], paths[i])) {
				snprintf(err, errlen, "cannot rename into '%s': %s", o->out_dir, strerror(errno));
				for (int k = i; k < 4; k++)
					unlink(tmps[k]);
				rc = PIPE_EIO;
				goto out;
			}
		if (fsync_path(o->out_dir)) {
			snprintf(err, errlen, "cannot sync '%s': %s", o->out_dir, strerror(errno));
			rc = PIPE_EIO;
			goto out;
		}
	}
	res->report = report;
	report = NULL;
	rc = PIPE_OK;
out:
	if (own)
		store_rollback(p->st);  /* a read transaction: nothing to keep */
	if (rc != PIPE_OK && x.writing) {
		static const char *const t[2] = { ".contamination.json.tmp", ".manifest.json.tmp" };
		for (int i = 0; i < 2; i++) {
			char *path = path_join(o->out_dir, t[i]);
			if (path)
				unlink(path);
			free(path);
		}
	}
	json_decref(report);
	for (int i = 0; i < 4; i++) {
		free(paths[i]);
		free(tmps[i]);
	}
	exp_release(&x, rc != PIPE_OK);
	return rc;
}
