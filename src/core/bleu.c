/*
 * bleu: sacreBLEU 2.6.0 BLEU and chrF (see bleu.h).
 *
 * The 13a passes are re.sub() calls whose patterns match one or two
 * characters, so each is a left-to-right scan that consumes what it
 * matched. Working on UTF-8 bytes instead of code points gives the same
 * result: every pattern character that must be specific is ASCII, and a
 * negated class ([^0-9]) next to an ASCII character sees the lead or last
 * byte of a multi-byte character exactly where Python sees the character.
 */
#include "core/bleu.h"
#include "util/utf8.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <math.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct seg_text {
	struct buf tok;              /* tokenized text */
	struct evaltext_span *sp;    /* chrF: words (spans into tok) */
	size_t nsp, capsp;
	struct ngram_unit *cu, *wu;  /* chrF: characters and words */
	size_t ncu, capcu, nwu, capwu;
	uint32_t *ids;               /* BLEU: the tokens as interned ids */
	size_t nids, capids;
};

/*
 * BLEU counts n-grams of token ids: each distinct token of a segment (its
 * hypothesis and references) gets a small integer once, after one exact
 * comparison of its bytes, so an n-gram of up to four tokens is a 128-bit
 * key compared exactly without touching the text again. Both tables are
 * emptied in O(1) by bumping a generation number.
 */
struct intern_slot {
	uint64_t hash;
	const char *p;
	uint32_t len, id, gen;
};

struct gram_slot {
	uint64_t k1, k2;
	uint32_t gen, hyp, cur, max, epoch;
};

struct bleu {
	struct bleu_opts o;
	pcre2_code *intl[3];
	pcre2_match_data *md;
	struct buf a, c;             /* scratch for the passes */
	struct seg_text *seg;        /* [0] hypothesis, [1..] references */
	size_t nseg;
	struct ngram_table t, tw;     /* chrF: character and word n-grams */
	struct intern_slot *it;       /* BLEU: token -> id */
	size_t itcap, itused;
	uint32_t itgen, nids;
	struct gram_slot *gt;         /* BLEU: n-gram -> counts */
	size_t gtcap, gtused;
	uint32_t gtgen;
};

static const char *const tok_names[] = { "13a", "none", "intl", "char" };
static const char *const smooth_names[] = { "exp", "floor", "add-k", "none" };

int bleu_tokenizer_parse(const char *name)
{
	for (int i = 0; i < 4; i++)
		if (!strcmp(name, tok_names[i]))
			return i;
	return -1;
}

int bleu_smooth_parse(const char *name)
{
	for (int i = 0; i < 4; i++)
		if (!strcmp(name, smooth_names[i]))
			return i;
	return -1;
}

const char *bleu_tokenizer_name(enum bleu_tokenizer t) { return tok_names[t]; }
const char *bleu_smooth_name(enum bleu_smooth s) { return smooth_names[s]; }

/* mteval-v14 patterns, as sacreBLEU's tokenizer_intl.py. */
static const char *const intl_pat[3] = { "(\\P{N})(\\p{P})", "(\\p{P})(\\P{N})", "(\\p{S})" };
static const char *const intl_rep[3] = { "$1 $2 ", " $1 $2", " $1 " };

struct bleu *bleu_new(const struct bleu_opts *o)
{
	struct bleu *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->o = *o;
	buf_init(&b->a, 0);
	buf_init(&b->c, 0);
	if (o->tok == BLEU_TOK_INTL) {
		for (int i = 0; i < 3; i++) {
			int err;
			PCRE2_SIZE off;
			b->intl[i] = pcre2_compile((PCRE2_SPTR)intl_pat[i], PCRE2_ZERO_TERMINATED,
						   PCRE2_UTF | PCRE2_UCP, &err, &off, NULL);
			if (!b->intl[i])
				goto fail;
		}
		b->md = pcre2_match_data_create(4, NULL);
		if (!b->md)
			goto fail;
	}
	return b;
fail:
	bleu_free(b);
	return NULL;
}

void bleu_free(struct bleu *b)
{
	if (!b)
		return;
	for (int i = 0; i < 3; i++)
		pcre2_code_free(b->intl[i]);
	pcre2_match_data_free(b->md);
	buf_release(&b->a);
	buf_release(&b->c);
	for (size_t i = 0; i < b->nseg; i++) {
		buf_release(&b->seg[i].tok);
		free(b->seg[i].sp);
		free(b->seg[i].cu);
		free(b->seg[i].wu);
		free(b->seg[i].ids);
	}
	free(b->seg);
	ngram_table_release(&b->t);
	ngram_table_release(&b->tw);
	free(b->it);
	free(b->gt);
	free(b);
}

/* out = s with every occurrence of pat replaced by rep (str.replace). */
static int replace_all(const char *s, size_t len, const char *pat, const char *rep, struct buf *out)
{
	size_t pl = strlen(pat), rl = strlen(rep), i = 0;
	int rc = BUF_OK;

	buf_reset(out);
	while (i < len && rc == BUF_OK) {
		const char *hit = pl <= len - i ? memmem(s + i, len - i, pat, pl) : NULL;
		if (!hit) {
			rc = buf_append(out, s + i, len - i);
			break;
		}
		rc = buf_append(out, s + i, (size_t)(hit - (s + i)));
		if (rc == BUF_OK)
			rc = buf_append(out, rep, rl);
		i = (size_t)(hit - s) + pl;
	}
	if (rc == BUF_OK && !out->data)
		rc = buf_append(out, "", 0);
	return rc;
}

/* Apply replacements in place: text is in *cur, *tmp is scratch; swaps. */
static int replace_step(struct buf **cur, struct buf **tmp, const char *pat, const char *rep)
{
	struct buf *t;
	int rc;

	if (!memmem(buf_cstr(*cur), (*cur)->len, pat, strlen(pat)))
		return BUF_OK;
	rc = replace_all(buf_cstr(*cur), (*cur)->len, pat, rep, *tmp);
	t = *cur; *cur = *tmp; *tmp = t;
	return rc;
}

static inline bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* 13a pass 1: the ASCII punctuation and symbols that get spaces around
 * them (P1: 0x20-0x26, 0x28-0x2B, 0x3A-0x40, 0x5B-0x60, 0x7B-0x7E and '/'),
 * and the characters the later passes act on (P23: '.' ','; P4: '-'), so
 * that pass 1 learns which later passes have anything to do. */
enum { P1 = 1, P23 = 2, P4 = 4 };
static const unsigned char pass1_set[256] = {
	['.'] = P23, [','] = P23, ['-'] = P4,
	[0x20] = P1, [0x21] = P1, [0x22] = P1, [0x23] = P1, [0x24] = P1, [0x25] = P1, [0x26] = P1,
	[0x28] = P1, [0x29] = P1, [0x2A] = P1, [0x2B] = P1, ['/'] = P1,
	[0x3A] = P1, [0x3B] = P1, [0x3C] = P1, [0x3D] = P1, [0x3E] = P1, [0x3F] = P1, [0x40] = P1,
	[0x5B] = P1, [0x5C] = P1, [0x5D] = P1, [0x5E] = P1, [0x5F] = P1, [0x60] = P1,
	[0x7B] = P1, [0x7C] = P1, [0x7D] = P1, [0x7E] = P1,
};

/* One two-character re.sub pass over s[0..n) into o (room for 2n bytes):
 * kind 2: ([^0-9])([.,]) -> "\1 \2 "; 3: ([.,])([^0-9]) -> " \1 \2";
 * 4: ([0-9])(-) -> "\1 \2 ". Each replacement puts a space on both sides
 * of the punctuation character. A match consumes both of its characters,
 * so a match can only start at or after the end of the previous one
 * (`free`); that is how "a.,b" splits "." in pass 2 but "," only in pass 3.
 * Only the punctuation positions are visited; the text between them is
 * copied in one go. */
static size_t pass2(const unsigned char *s, size_t n, unsigned char *o, int kind)
{
	size_t k = 0, done = 0, free_at = 0;

	for (size_t j = 0; j < n; j++) {
		unsigned char c = s[j];
		size_t at;   /* the punctuation character of a match */

		if (kind == 4 ? c != '-' : c != '.' && c != ',')
			continue;
		if (kind == 3) {
			/* c is \1: a match starting here */
			if (j < free_at || j + 1 >= n || is_digit(s[j + 1]))
				continue;
			free_at = j + 2;
		} else {
			/* c is \2: a match starting at j - 1 */
			if (j == 0 || j - 1 < free_at || (kind == 2) == is_digit(s[j - 1]))
				continue;
			free_at = j + 1;
		}
		at = j;
		memcpy(o + k, s + done, at - done);
		k += at - done;
		o[k++] = ' ';
		o[k++] = c;
		o[k++] = ' ';
		done = at + 1;
	}
	memcpy(o + k, s + done, n - done);
	return k + n - done;
}

/* mteval-v13a: the replacements, then the four passes; text in *cur. */
static int tok_13a(struct bleu *b, struct buf **cur, struct buf **tmp)
{
	struct buf *t;
	unsigned seen = 0;
	size_t n = (*cur)->len, k = 0;
	unsigned char *o;
	int rc;

	if (memchr(buf_cstr(*cur), '<', n) || memchr(buf_cstr(*cur), '\n', n)) {
		if ((rc = replace_step(cur, tmp, "<skipped>", "")) ||
		    (rc = replace_step(cur, tmp, "-\n", "")) ||
		    (rc = replace_step(cur, tmp, "\n", " ")))
			return rc;
	}
	if (memchr(buf_cstr(*cur), '&', (*cur)->len)) {
		if ((rc = replace_step(cur, tmp, "&quot;", "\"")) ||
		    (rc = replace_step(cur, tmp, "&amp;", "&")) ||
		    (rc = replace_step(cur, tmp, "&lt;", "<")) ||
		    (rc = replace_step(cur, tmp, "&gt;", ">")))
			return rc;
	}
	/* pad with spaces, and pass 1 */
	n = (*cur)->len;
	buf_reset(*tmp);
	if ((rc = buf_grow(*tmp, 3 * n + 2)))
		return rc;
	o = (unsigned char *)(*tmp)->data;
	o[k++] = ' ';
	{
		const unsigned char *in = (const unsigned char *)(*cur)->data;
		size_t done = 0;
		for (size_t i = 0; i < n; i++) {
			unsigned f = pass1_set[in[i]];
			if (!f)
				continue;
			seen |= f;
			if (!(f & P1))
				continue;
			memcpy(o + k, in + done, i - done);
			k += i - done;
			o[k++] = ' '; o[k++] = in[i]; o[k++] = ' ';
			done = i + 1;
		}
		memcpy(o + k, in + done, n - done);
		k += n - done;
	}
	o[k++] = ' ';
	(*tmp)->len = k;
	t = *cur; *cur = *tmp; *tmp = t;
	for (int kind = 2; kind <= 4; kind++) {
		n = (*cur)->len;
		/* the passes only add spaces, so what pass 1 saw still holds */
		if (!(seen & (kind == 4 ? P4 : P23)))
			continue;
		buf_reset(*tmp);
		if ((rc = buf_grow(*tmp, 2 * n + 1)))
			return rc;
		(*tmp)->len = pass2((const unsigned char *)(*cur)->data, n, (unsigned char *)(*tmp)->data, kind);
		(*tmp)->data[(*tmp)->len] = '\0';
		t = *cur; *cur = *tmp; *tmp = t;
	}
	(void)b;
	return BUF_OK;
}

static int tok_intl(struct bleu *b, struct buf **cur, struct buf **tmp)
{
	if (!utf8_valid(buf_cstr(*cur), (*cur)->len, NULL))
		return BUF_OK;
	for (int i = 0; i < 3; i++) {
		PCRE2_SIZE olen = (*cur)->len * 3 + 16;
		struct buf *t;
		int rc, r;

		for (;;) {
			buf_reset(*tmp);
			if ((rc = buf_grow(*tmp, olen + 1)))
				return rc;
			r = pcre2_substitute(b->intl[i], (PCRE2_SPTR)buf_cstr(*cur), (*cur)->len, 0,
					     PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH |
					     PCRE2_NO_UTF_CHECK, b->md, NULL,
					     (PCRE2_SPTR)intl_rep[i], PCRE2_ZERO_TERMINATED,
					     (PCRE2_UCHAR *)(*tmp)->data, &olen);
			if (r != PCRE2_ERROR_NOMEMORY)
				break;
		}
		if (r < 0)
			return BUF_NOMEM;
		(*tmp)->len = olen;
		(*tmp)->data[olen] = '\0';
		t = *cur; *cur = *tmp; *tmp = t;
	}
	return BUF_OK;
}

/* Append the tokens of text, joined by single spaces, to out. */
static int join_tokens(const char *s, size_t len, bool each_char, struct buf *out)
{
	size_t i = 0, adv;
	bool first = true;
	int rc;

	while (i < len) {
		size_t start;
		uint32_t cp = evaltext_decode(s + i, len - i, &adv);
		if (evaltext_is_space(cp)) {
			i += adv;
			continue;
		}
		start = i;
		if (each_char) {
			i += adv;
		} else {
			while (i < len) {
				cp = evaltext_decode(s + i, len - i, &adv);
				if (evaltext_is_space(cp))
					break;
				i += adv;
			}
		}
		if ((!first && (rc = buf_putc(out, ' '))) || (rc = buf_append(out, s + start, i - start)))
			return rc;
		first = false;
	}
	return buf_append(out, "", 0);
}

/* Lowercase and rstrip as asked, then run the tokenizer's passes: the
 * text, whose whitespace-separated tokens are the tokens, ends in *res
 * (one of b's scratch buffers). */
static int tokenize_passes(struct bleu *b, const char *s, size_t len, struct buf **res)
{
	struct buf *cur = &b->a, *tmp = &b->c;
	int rc;

	buf_reset(cur);
	/* both scratch buffers allocated, so their data is never NULL */
	if ((rc = buf_grow(cur, len + 1)) || (rc = buf_grow(tmp, 16)))
		return rc;
	rc = b->o.lowercase ? evaltext_lower(s, len, cur) : buf_append(cur, s, len);
	if (rc)
		return rc;
	/* sacreBLEU rstrips again after lowercasing */
	cur->len = evaltext_rstrip((struct evaltext_span){ buf_cstr(cur), cur->len }).len;
	cur->data[cur->len] = '\0';
	if (b->o.tok == BLEU_TOK_13A)
		rc = tok_13a(b, &cur, &tmp);
	else if (b->o.tok == BLEU_TOK_INTL)
		rc = tok_intl(b, &cur, &tmp);
	*res = cur;
	return rc;
}

int bleu_tokenize(struct bleu *b, const char *s, size_t len, struct buf *out)
{
	struct buf *res;
	int rc;

	buf_reset(out);
	if ((rc = tokenize_passes(b, s, len, &res)))
		return rc;
	return join_tokens(buf_cstr(res), res->len, b->o.tok == BLEU_TOK_CHAR, out);
}

static int ensure_segs(struct bleu *b, size_t n)
{
	if (n <= b->nseg)
		return 0;
	struct seg_text *s = realloc(b->seg, n * sizeof(*s));
	if (!s)
		return -1;
	for (size_t i = b->nseg; i < n; i++) {
		memset(&s[i], 0, sizeof(s[i]));
		buf_init(&s[i].tok, 0);
	}
	b->seg = s;
	b->nseg = n;
	return 0;
}

static int intern_grow(struct bleu *b)
{
	size_t nc = b->itcap ? b->itcap * 2 : 1024;
	struct intern_slot *n = calloc(nc, sizeof(*n));

	if (!n)
		return -1;
	for (size_t i = 0; i < b->itcap; i++) {
		size_t j;
		if (b->it[i].gen != b->itgen)
			continue;
		j = b->it[i].hash & (nc - 1);
		while (n[j].gen == b->itgen)
			j = (j + 1) & (nc - 1);
		n[j] = b->it[i];
	}
	free(b->it);
	b->it = n;
	b->itcap = nc;
	return 0;
}

/* The id of token p[0..len) (h its ngram_hash_bytes), assigned on first
 * sight in this segment. */
static int intern(struct bleu *b, const char *p, size_t len, uint64_t h, uint32_t *id)
{
	size_t j;

	if ((b->itused + 1) * 2 > b->itcap && intern_grow(b))
		return -1;
	j = h & (b->itcap - 1);
	while (b->it[j].gen == b->itgen) {
		struct intern_slot *e = &b->it[j];
		if (e->hash == h && e->len == len && !memcmp(e->p, p, len)) {
			*id = e->id;
			return 0;
		}
		j = (j + 1) & (b->itcap - 1);
	}
	b->it[j] = (struct intern_slot){ h, p, (uint32_t)len, b->nids, b->itgen };
	b->itused++;
	*id = b->nids++;
	return 0;
}

static int push_id(struct seg_text *seg, uint32_t id)
{
	if (seg->nids == seg->capids) {
		size_t nc = seg->capids ? seg->capids * 2 : 64;
		uint32_t *v = realloc(seg->ids, nc * sizeof(*v));
		if (!v)
			return -1;
		seg->ids = v;
		seg->capids = nc;
	}
	seg->ids[seg->nids++] = id;
	return 0;
}

/* Python's whitespace among ASCII bytes (str.split()). */
static inline bool ascii_space(unsigned char c)
{
	return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
}

/* Tokenize text into seg->ids. The char tokenizer's tokens are the
 * non-whitespace code points; the others' are the whitespace-separated
 * runs of the tokenized text, which seg->tok keeps for the segment. */
static int seg_prepare(struct bleu *b, struct seg_text *seg, struct evaltext_span text)
{
	struct buf *res, keep;
	const char *p;
	size_t n, i = 0, adv;
	bool each = b->o.tok == BLEU_TOK_CHAR;

	if (tokenize_passes(b, text.p, text.len, &res))
		return -1;
	/* take the result's storage instead of copying it */
	keep = seg->tok;
	seg->tok = *res;
	*res = keep;
	p = buf_cstr(&seg->tok);
	n = seg->tok.len;
	seg->nids = 0;
	while (i < n) {
		size_t start;
		uint32_t id;
		unsigned char c = (unsigned char)p[i];

		if (c < 0x80 ? ascii_space(c) : evaltext_is_space(evaltext_decode(p + i, n - i, &adv))) {
			i += c < 0x80 ? 1 : adv;
			continue;
		}
		start = i;
		if (each) {
			evaltext_decode(p + i, n - i, &adv);
			i += adv;
		} else {
			/* plain ASCII words first: the common case */
			while (i < n && (c = (unsigned char)p[i]) < 0x80 && !ascii_space(c))
				i++;
			while (i < n) {
				c = (unsigned char)p[i];
				if (c < 0x80) {
					if (ascii_space(c))
						break;
					i++;
				} else {
					if (evaltext_is_space(evaltext_decode(p + i, n - i, &adv)))
						break;
					i += adv;
				}
			}
		}
		if (intern(b, p + start, i - start, ngram_hash_bytes(p + start, i - start), &id) ||
		    push_id(seg, id))
			return -1;
	}
	return 0;
}

/* n-gram of order n (1..4) at ids as a 128-bit key; absent tokens are ~0,
 * which no id reaches. */
static inline void gram_key(const uint32_t *ids, uint32_t n, uint64_t *k1, uint64_t *k2)
{
	uint64_t x[4] = { UINT32_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX };

	for (uint32_t i = 0; i < n; i++)
		x[i] = ids[i];
	*k1 = x[0] | x[1] << 32;
	*k2 = x[2] | x[3] << 32;
}

static inline uint64_t gram_hash(uint64_t k1, uint64_t k2)
{
	uint64_t h = (k1 ^ (k2 * 0x9e3779b97f4a7c15ULL)) * 0xff51afd7ed558ccdULL;
	return h ^ (h >> 32);
}

static int gram_reset(struct bleu *b, size_t expect)
{
	size_t want = 256;

	while (want < expect * 2 + 16)
		want *= 2;
	if (++b->gtgen == 0 || want > b->gtcap) {
		struct gram_slot *n = calloc(want > b->gtcap ? want : b->gtcap, sizeof(*n));
		if (!n)
			return -1;
		free(b->gt);
		b->gt = n;
		b->gtcap = want > b->gtcap ? want : b->gtcap;
		b->gtgen = 1;
	}
	b->gtused = 0;
	return 0;
}

/* The slot of key (k1, k2): found, or inserted when insert is set (the
 * table was sized for every hypothesis n-gram, so it never fills). */
static struct gram_slot *gram_slot(struct bleu *b, uint64_t k1, uint64_t k2, bool insert)
{
	size_t j = gram_hash(k1, k2) & (b->gtcap - 1);

	while (b->gt[j].gen == b->gtgen) {
		if (b->gt[j].k1 == k1 && b->gt[j].k2 == k2)
			return &b->gt[j];
		j = (j + 1) & (b->gtcap - 1);
	}
	if (!insert)
		return NULL;
	b->gt[j] = (struct gram_slot){ k1, k2, b->gtgen, 0, 0, 0, 0 };
	b->gtused++;
	return &b->gt[j];
}

int bleu_segment(struct bleu *b, struct evaltext_span hyp, const struct evaltext_span *refs,
		 size_t nrefs, struct bleu_stats *st)
{
	struct seg_text *h;
	size_t best = 0, bestdiff = SIZE_MAX;
	uint32_t hmax;

	memset(st, 0, sizeof(*st));
	if (ensure_segs(b, nrefs + 1))
		return -1;
	/* a new segment: forget the previous one's ids */
	if (++b->itgen == 0) {
		memset(b->it, 0, b->itcap * sizeof(*b->it));
		b->itgen = 1;
	}
	b->itused = 0;
	b->nids = 0;
	if (seg_prepare(b, &b->seg[0], hyp))
		return -1;
	h = &b->seg[0];
	hmax = b->nids;
	st->hyp_len = h->nids;
	if (gram_reset(b, h->nids * BLEU_MAX_ORDER))
		return -1;
	for (size_t i = 0; i < h->nids; i++) {
		for (uint32_t n = 1; n <= BLEU_MAX_ORDER && i + n <= h->nids; n++) {
			uint64_t k1, k2;
			gram_key(&h->ids[i], n, &k1, &k2);
			gram_slot(b, k1, k2, true)->hyp++;
			st->total[n - 1]++;
		}
	}
	for (size_t r = 0; r < nrefs; r++) {
		struct seg_text *s = &b->seg[r + 1];
		size_t diff;

		if (seg_prepare(b, s, refs[r]))
			return -1;
		/* closest reference length, ties to the shorter */
		diff = s->nids > h->nids ? s->nids - h->nids : h->nids - s->nids;
		if (diff < bestdiff || (diff == bestdiff && s->nids < best)) {
			bestdiff = diff;
			best = s->nids;
		}
		for (size_t i = 0; i < s->nids; i++) {
			for (uint32_t n = 1; n <= BLEU_MAX_ORDER && i + n <= s->nids; n++) {
				uint64_t k1, k2;
				struct gram_slot *e;
				gram_key(&s->ids[i], n, &k1, &k2);
				/* absent from the hypothesis: so is every longer
				 * n-gram starting here (ids from hmax on are
				 * tokens the hypothesis does not have) */
				if (s->ids[i + n - 1] >= hmax || !(e = gram_slot(b, k1, k2, false)))
					break;
				if (e->epoch != r + 1) {
					e->epoch = (uint32_t)(r + 1);
					e->cur = 0;
				}
				/* sum of min(hyp count, max over references) */
				if (++e->cur > e->max) {
					e->max = e->cur;
					if (e->max <= e->hyp)
						st->correct[n - 1]++;
				}
			}
		}
	}
	st->ref_len = best;
	return 0;
}

void bleu_stats_add(struct bleu_stats *sum, const struct bleu_stats *s)
{
	sum->hyp_len += s->hyp_len;
	sum->ref_len += s->ref_len;
	for (int n = 0; n < BLEU_MAX_ORDER; n++) {
		sum->correct[n] += s->correct[n];
		sum->total[n] += s->total[n];
	}
}

/* sacreBLEU's my_log: log(0) is a very negative number, not -inf. */
static double my_log(double x)
{
	return x == 0 ? -9999999999.0 : log(x);
}

void bleu_compute(const struct bleu_opts *o, const struct bleu_stats *st, struct bleu_score *sc)
{
	double sv = o->has_smooth_value ? o->smooth_value
		    : o->smooth == BLEU_SMOOTH_FLOOR ? 0.1 : o->smooth == BLEU_SMOOTH_ADD_K ? 1 : 0;
	double smooth_mteval = 1.0, sum = 0;
	int eff = BLEU_MAX_ORDER;
	bool any = false;

	memset(sc, 0, sizeof(*sc));
	sc->hyp_len = st->hyp_len;
	sc->ref_len = st->ref_len;
	sc->bp = 1.0;
	if (st->hyp_len < st->ref_len)
		sc->bp = st->hyp_len > 0 ? exp(1.0 - (double)st->ref_len / (double)st->hyp_len) : 0.0;
	sc->ratio = st->ref_len ? (double)st->hyp_len / (double)st->ref_len : 0;
	for (int n = 0; n < BLEU_MAX_ORDER; n++) {
		sc->counts[n] = (double)st->correct[n];
		sc->totals[n] = (double)st->total[n];
		any |= st->correct[n] != 0;
	}
	if (!any)
		return;
	for (int n = 1; n <= BLEU_MAX_ORDER; n++) {
		if (o->smooth == BLEU_SMOOTH_ADD_K && n > 1) {
			sc->counts[n - 1] += sv;
			sc->totals[n - 1] += sv;
		}
		if (sc->totals[n - 1] == 0)
			break;
		if (o->effective_order)
			eff = n;
		if (sc->counts[n - 1] == 0) {
			if (o->smooth == BLEU_SMOOTH_EXP) {
				smooth_mteval *= 2;
				sc->precisions[n - 1] = 100.0 / (smooth_mteval * sc->totals[n - 1]);
			} else if (o->smooth == BLEU_SMOOTH_FLOOR) {
				sc->precisions[n - 1] = 100.0 * sv / sc->totals[n - 1];
			}
		} else {
			sc->precisions[n - 1] = 100.0 * sc->counts[n - 1] / sc->totals[n - 1];
		}
	}
	for (int n = 0; n < eff; n++)
		sum += my_log(sc->precisions[n]);
	sc->score = sc->bp * exp(sum / eff);
}

static int smooth_str(enum bleu_smooth s, bool has, double v, struct buf *out)
{
	if (s == BLEU_SMOOTH_FLOOR || s == BLEU_SMOOTH_ADD_K)
		return buf_printf(out, "%s[%.2f]", smooth_names[s],
				  has ? v : s == BLEU_SMOOTH_FLOOR ? 0.1 : 1.0);
	return buf_puts(out, smooth_names[s]);
}

int bleu_signature(const struct bleu_opts *o, size_t nrefs, struct buf *out)
{
	int rc = buf_printf(out, "nrefs:%zu|case:%s|eff:%s|tok:%s|smooth:", nrefs,
			    o->lowercase ? "lc" : "mixed", o->effective_order ? "yes" : "no",
			    tok_names[o->tok]);

	if (!rc)
		rc = smooth_str(o->smooth, o->has_smooth_value, o->smooth_value, out);
	if (!rc)
		rc = buf_puts(out, "|version:" BLEU_SACREBLEU_VERSION);
	return rc;
}

int bleu_format(const struct bleu_score *sc, struct buf *out)
{
	return buf_printf(out, "BLEU = %.2f %.1f/%.1f/%.1f/%.1f (BP = %.3f ratio = %.3f hyp_len = %llu "
			  "ref_len = %llu)", sc->score, sc->precisions[0], sc->precisions[1],
			  sc->precisions[2], sc->precisions[3], sc->bp, sc->ratio,
			  (unsigned long long)sc->hyp_len, (unsigned long long)sc->ref_len);
}

/* chrF */

void chrf_opts_default(struct chrf_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->char_order = 6;
	o->word_order = 2;
	o->beta = 2;
}

static int push_unit(struct ngram_unit **v, size_t *n, size_t *cap, const char *p, size_t len)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		struct ngram_unit *nv = realloc(*v, nc * sizeof(*nv));
		if (!nv)
			return -1;
		*v = nv;
		*cap = nc;
	}
	(*v)[*n].p = p;
	(*v)[*n].len = (uint32_t)len;
	(*v)[*n].hash = ngram_hash_bytes(p, len);
	(*n)++;
	return 0;
}

static bool is_punct(uint32_t c)
{
	return c < 0x80 && c > 0x20 && c != 0x7F && !((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
						       (c >= 'a' && c <= 'z'));
}

/* Characters (whitespace dropped unless kept) and punctuation-split words. */
static int chrf_prepare(struct bleu *b, const struct chrf_opts *o, struct seg_text *seg,
			struct evaltext_span text)
{
	const char *s;
	size_t len, i = 0, adv;

	buf_reset(&seg->tok);
	if (o->lowercase ? evaltext_lower(text.p, text.len, &seg->tok)
			 : buf_append(&seg->tok, text.p, text.len))
		return -1;
	s = buf_cstr(&seg->tok);
	len = seg->tok.len;
	seg->ncu = seg->nwu = 0;
	while (i < len) {
		uint32_t cp = evaltext_decode(s + i, len - i, &adv);
		if ((o->whitespace || !evaltext_is_space(cp)) &&
		    push_unit(&seg->cu, &seg->ncu, &seg->capcu, s + i, adv))
			return -1;
		i += adv;
	}
	if (o->word_order <= 0)
		return 0;
	seg->nsp = 0;
	if (evaltext_split_ws((struct evaltext_span){ s, len }, &seg->sp, &seg->nsp, &seg->capsp) < 0)
		return -1;
	for (size_t w = 0; w < seg->nsp; w++) {
		const char *p = seg->sp[w].p;
		size_t wl = seg->sp[w].len, first;
		int rc;

		evaltext_decode(p, wl, &first);
		/* the punctuation set is ASCII, so the last byte decides */
		if (first == wl) {
			rc = push_unit(&seg->wu, &seg->nwu, &seg->capwu, p, wl);
		} else if (is_punct((unsigned char)p[wl - 1])) {
			rc = push_unit(&seg->wu, &seg->nwu, &seg->capwu, p, wl - 1) ||
			     push_unit(&seg->wu, &seg->nwu, &seg->capwu, p + wl - 1, 1);
		} else if (is_punct((unsigned char)p[0])) {
			rc = push_unit(&seg->wu, &seg->nwu, &seg->capwu, p, 1) ||
			     push_unit(&seg->wu, &seg->nwu, &seg->capwu, p + 1, wl - 1);
		} else {
			rc = push_unit(&seg->wu, &seg->nwu, &seg->capwu, p, wl);
		}
		if (rc)
			return -1;
	}
	(void)b;
	return 0;
}

/* Count the n-grams of units (orders 1..maxn) in t under order slots base..; hyp
 * counts when r == 0, else reference r's matches into st. */
static int chrf_count(struct ngram_table *t, const struct ngram_unit *u, size_t nu, int maxn, int base,
		      uint32_t r, struct chrf_stats *st)
{
	for (size_t i = 0; i < nu; i++) {
		uint64_t hh = NGRAM_HASH_SEED;
		for (int n = 1; n <= maxn && i + (size_t)n <= nu; n++) {
			struct ngram_entry *e;
			uint64_t *v = &st->v[3 * (base + n - 1)];

			hh = ngram_hash_extend(hh, u[i + n - 1].hash);
			if (r == 0) {
				if (!(e = ngram_table_get(t, &u[i], (uint32_t)n, hh)))
					return -1;
				e->hyp++;
				v[0]++;
				continue;
			}
			v[1]++;
			if (!(e = ngram_table_find(t, &u[i], (uint32_t)n, hh)))
				continue;
			if (e->epoch != r) {
				e->epoch = r;
				e->cur = 0;
			}
			if (++e->cur <= e->hyp)
				v[2]++;
		}
	}
	return 0;
}

int chrf_segment(struct bleu *b, const struct chrf_opts *o, struct evaltext_span hyp,
		 const struct evaltext_span *refs, size_t nrefs, struct chrf_stats *st)
{
	struct chrf_stats hs, rs;
	double best = -1.0;
	int order = o->char_order + o->word_order;
	struct seg_text *h;

	memset(st, 0, sizeof(*st));
	memset(&hs, 0, sizeof(hs));
	if (order > CHRF_MAX_ORDER || ensure_segs(b, 2) || chrf_prepare(b, o, &b->seg[0], hyp))
		return -1;
	h = &b->seg[0];
	if (ngram_table_reset(&b->t, h->ncu * (size_t)o->char_order) ||
	    ngram_table_reset(&b->tw, h->nwu * (size_t)o->word_order) ||
	    chrf_count(&b->t, h->cu, h->ncu, o->char_order, 0, 0, &hs) ||
	    chrf_count(&b->tw, h->wu, h->nwu, o->word_order, o->char_order, 0, &hs))
		return -1;
	for (size_t r = 0; r < nrefs; r++) {
		struct seg_text *s = &b->seg[1];
		double f;

		memset(&rs, 0, sizeof(rs));
		if (chrf_prepare(b, o, s, refs[r]) ||
		    chrf_count(&b->t, s->cu, s->ncu, o->char_order, 0, (uint32_t)(r + 1), &rs) ||
		    chrf_count(&b->tw, s->wu, s->nwu, o->word_order, o->char_order, (uint32_t)(r + 1), &rs))
			return -1;
		for (int k = 0; k < order; k++)
			rs.v[3 * k] = rs.v[3 * k + 1] ? hs.v[3 * k] : 0;
		f = chrf_compute(o, &rs);
		if (f > best) {
			best = f;
			*st = rs;
		}
	}
	return 0;
}

void chrf_stats_add(const struct chrf_opts *o, struct chrf_stats *sum, const struct chrf_stats *s)
{
	for (int k = 0; k < 3 * (o->char_order + o->word_order); k++)
		sum->v[k] += s->v[k];
}

double chrf_compute(const struct chrf_opts *o, const struct chrf_stats *st)
{
	const double eps = 1e-16;
	double score = 0, factor = (double)o->beta * o->beta, avg_prec = 0, avg_rec = 0;
	int order = o->char_order + o->word_order, eff = 0;

	for (int i = 0; i < order; i++) {
		double nh = (double)st->v[3 * i], nr = (double)st->v[3 * i + 1], nm = (double)st->v[3 * i + 2];
		double prec = nh > 0 ? nm / nh : eps, rec = nr > 0 ? nm / nr : eps;
		double denom = factor * prec + rec;

		score += denom > 0 ? (1 + factor) * prec * rec / denom : eps;
		if (nh > 0 && nr > 0) {
			avg_prec += prec;
			avg_rec += rec;
			eff++;
		}
	}
	if (o->eps_smoothing)
		return 100 * score / order;
	if (eff == 0) {
		avg_prec = avg_rec = 0;
	} else {
		avg_prec /= eff;
		avg_rec /= eff;
	}
	if (avg_prec + avg_rec == 0)
		return 0.0;
	score = (1 + factor) * avg_prec * avg_rec;
	return 100 * score / (factor * avg_prec + avg_rec);
}

int chrf_name(const struct chrf_opts *o, struct buf *out)
{
	int rc = buf_printf(out, "chrF%d", o->beta);

	for (int i = 0; i < o->word_order && !rc; i++)
		rc = buf_putc(out, '+');
	return rc;
}

int chrf_signature(const struct chrf_opts *o, size_t nrefs, struct buf *out)
{
	return buf_printf(out, "nrefs:%zu|case:%s|eff:%s|nc:%d|nw:%d|space:%s|version:%s", nrefs,
			  o->lowercase ? "lc" : "mixed", o->eps_smoothing ? "no" : "yes", o->char_order,
			  o->word_order, o->whitespace ? "yes" : "no", BLEU_SACREBLEU_VERSION);
}
