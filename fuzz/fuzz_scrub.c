/*
 * fuzz_scrub: libFuzzer driver for the scrubber (src/core/scrub.c).
 *
 * Runs scrub_find and scrub_text on arbitrary bytes and aborts when an
 * invariant that must always hold is broken:
 *  - findings are in bounds, non-empty, sorted and non-overlapping;
 *  - each finding has the shape of its type (one '@' in an address, a
 *    Luhn-valid 13-19 digit card, 8-15 digits in a phone, ...);
 *  - the same input gives the same findings, and surrounding it with
 *    newlines (also shifting it across the 64-byte blocks of the fast path)
 *    only shifts them;
 *  - scrub_text is the input with each finding replaced by a typed,
 *    numbered placeholder (<EMAIL_1>), byte for byte, the same value gets
 *    the same number, and the counts add up;
 *  - scanning that output again finds nothing inside a placeholder;
 *  - the hash and mask modes run on the same input (mask keeps the text
 *    outside findings and writes only '*' inside).
 * It does not assert that the output scans clean: a finding can hide a
 * neighbour by touching it ("1.2.3.4(415) 555-2671"), and a second pass
 * may then see the neighbour.
 *
 * Build: make fuzz (or clang -fsanitize=fuzzer,address,undefined ...).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/scrub.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void fail(const char *what, size_t at)
{
	fprintf(stderr, "fuzz_scrub: %s (at %zu)\n", what, at);
	abort();
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_hex(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int is_token(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '_' || c == '-';
}

static int luhn_ok(const char *d, size_t n)
{
	unsigned sum = 0;
	size_t k;

	for (k = 0; k < n; k++) {
		unsigned v = (unsigned)(d[n - 1 - k] - '0');

		if (k & 1)
			v = v * 2 > 9 ? v * 2 - 9 : v * 2;
		sum += v;
	}
	return sum % 10 == 0;
}

/* What every finding of a type must look like, whatever the rules are. */
static void check_shape(const uint8_t *t, const struct scrub_finding *f)
{
	size_t k, n = f->end - f->start, digits = 0, at = 0;
	char d[20];

	/* key blocks run to 16000 bytes, JWTs to 7000; everything else is short */
	if (n > (f->type == SCRUB_PRIVATE_KEY ? 16200u : f->type == SCRUB_JWT ? 7100u : 2200u))
		fail("finding too long", f->start);
	for (k = f->start; k < f->end; k++) {
		if (t[k] == '@')
			at++;
		if (is_digit(t[k]) && digits < sizeof d)
			d[digits] = (char)t[k];
		digits += is_digit(t[k]) != 0;
	}
	switch (f->type) {
	case SCRUB_EMAIL:
		if (at != 1 || t[f->start] == '@' || t[f->end - 1] == '@')
			fail("address without exactly one inner '@'", f->start);
		break;
	case SCRUB_PHONE:
		if (digits < 8 || digits > 15)
			fail("phone with a bad digit count", f->start);
		for (k = f->start; k < f->end; k++)
			if (!is_digit(t[k]) && !strchr("+()-./ ", t[k]))
				fail("phone with a stray byte", k);
		break;
	case SCRUB_IP_ADDRESS:
		for (k = f->start; k < f->end; k++)
			if (!is_hex(t[k]) && t[k] != '.' && t[k] != ':')
				fail("address with a stray byte", k);
		break;
	case SCRUB_CREDIT_CARD:
		if (digits < 13 || digits > 19 || !luhn_ok(d, digits))
			fail("card that is not 13-19 Luhn-valid digits", f->start);
		for (k = f->start; k < f->end; k++)
			if (!is_digit(t[k]) && t[k] != ' ' && t[k] != '-')
				fail("card with a stray byte", k);
		break;
	case SCRUB_AWS_ACCESS_KEY:
	case SCRUB_GITHUB_TOKEN:
	case SCRUB_NPM_TOKEN:
	case SCRUB_HUGGINGFACE_TOKEN:
		for (k = f->start; k < f->end; k++)
			if (!is_token(t[k]))
				fail("token with a stray byte", k);
		break;
	default:
		if ((unsigned)f->type >= SCRUB_NTYPES)
			fail("unknown type", f->start);
	}
}

static int same_findings(const struct scrub_findings *a, const struct scrub_findings *b,
			 size_t shift)
{
	size_t k;

	if (a->n != b->n)
		return 0;
	for (k = 0; k < a->n; k++)
		if (a->v[k].type != b->v[k].type || a->v[k].start + shift != b->v[k].start ||
		    a->v[k].end + shift != b->v[k].end)
			return 0;
	return 1;
}

static void check_findings(const uint8_t *t, size_t len, const struct scrub_findings *f)
{
	size_t k;

	for (k = 0; k < f->n; k++) {
		const struct scrub_finding *x = &f->v[k];

		if (x->start >= x->end || x->end > len)
			fail("finding empty or out of bounds", x->start);
		if (k && x->start < f->v[k - 1].end)
			fail("findings unsorted or overlapping", x->start);
		check_shape(t, x);
	}
}

/* Findings of text padded with pad newlines on each side match f, shifted. */
static void check_padded(const struct scrubber *s, const uint8_t *data, size_t size,
			 const struct scrub_findings *f, size_t pad)
{
	struct scrub_findings g = { NULL, 0, 0 };
	uint8_t *p = malloc(size + 2 * pad);

	if (!p)
		return;
	memset(p, '\n', size + 2 * pad);
	if (size)
		memcpy(p + pad, data, size);
	if (scrub_find(s, (const char *)p, size + 2 * pad, &g) == 0 &&
	    !same_findings(f, &g, pad))
		fail("padding with newlines changed the findings", pad);
	scrub_findings_release(&g);
	free(p);
}

/* Length of a "<TYPE_n>" placeholder at p (n decimal), or 0. */
static size_t placeholder_at(const char *p, size_t avail, enum scrub_type t, unsigned *num)
{
	const char *name = scrub_type_name(t);
	size_t nl = strlen(name), k;

	if (avail < nl + 4 || p[0] != '<' || memcmp(p + 1, name, nl) || p[nl + 1] != '_')
		return 0;
	*num = 0;
	for (k = nl + 2; k < avail && is_digit((unsigned char)p[k]); k++)
		*num = *num * 10 + (unsigned)(p[k] - '0');
	if (k == nl + 2 || k >= avail || p[k] != '>')
		return 0;
	return k + 1;
}

/* scrub_text must be the input with each finding replaced, nothing else. */
static void check_text(const struct scrubber *s, const uint8_t *data, size_t size,
		       const struct scrub_findings *f)
{
	struct buf out = BUF_INIT;
	struct scrub_counts c = { { 0 } };
	struct scrub_findings r = { NULL, 0, 0 };
	size_t k, pos = 0, o = 0, total = 0, *pstart = NULL, *pend = NULL;
	unsigned *num = NULL;
	int t;

	if (scrub_text(s, (const char *)data, size, &out, &c))
		goto out;
	pstart = calloc(f->n + 1, sizeof *pstart);
	pend = calloc(f->n + 1, sizeof *pend);
	num = calloc(f->n + 1, sizeof *num);
	if (!pstart || !pend || !num)
		goto out;
	for (k = 0; k < f->n; k++) {
		size_t gap = f->v[k].start - pos, pl;

		if (o + gap > out.len || memcmp(out.data + o, data + pos, gap))
			fail("scrub_text changed bytes outside findings", pos);
		o += gap;
		pl = placeholder_at(out.data + o, out.len - o, f->v[k].type, &num[k]);
		if (!pl)
			fail("scrub_text: no typed placeholder where a finding was", f->v[k].start);
		pstart[k] = o;
		pend[k] = o + pl;
		o += pl;
		pos = f->v[k].end;
	}
	if (out.len - o != size - pos || memcmp(out.data + o, data + pos, size - pos))
		fail("scrub_text changed the bytes after the last finding", pos);
	/* numbers: identical values of a type share one, and a new value gets
	 * the next number (1, 2, ...) */
	for (k = 0; k < f->n; k++) {
		unsigned max = 0;
		size_t j;

		for (j = 0; j < k; j++) {
			if (f->v[j].type != f->v[k].type)
				continue;
			if (num[j] > max)
				max = num[j];
			if (f->v[j].end - f->v[j].start == f->v[k].end - f->v[k].start &&
			    !memcmp(data + f->v[j].start, data + f->v[k].start, f->v[k].end - f->v[k].start) &&
			    num[j] != num[k])
				fail("the same value got two numbers", f->v[k].start);
		}
		if (num[k] > max + 1 || !num[k])
			fail("placeholder numbers skip", f->v[k].start);
	}
	for (t = 0; t < SCRUB_NTYPES; t++)
		total += c.n[t];
	for (k = 0; k < f->n; k++)
		c.n[f->v[k].type]--;
	for (t = 0; t < SCRUB_NTYPES; t++)
		if (c.n[t])
			fail("counts do not match the findings", (size_t)t);
	if (total != f->n)
		fail("count total does not match", total);

	/* no finding in the output reaches into a placeholder */
	if (scrub_find(s, buf_cstr(&out), out.len, &r) == 0) {
		size_t j = 0;

		check_findings((const uint8_t *)buf_cstr(&out), out.len, &r);
		for (k = 0; k < f->n; k++) {
			while (j < r.n && r.v[j].end <= pstart[k])
				j++;
			if (j < r.n && r.v[j].start < pend[k])
				fail("re-scan finding overlaps a placeholder", pstart[k]);
		}
	}
out:
	free(pstart);
	free(pend);
	free(num);
	scrub_findings_release(&r);
	buf_release(&out);
}

/* The other modes: hash must not fail; mask writes '*' inside findings
 * and leaves everything else. */
static void check_modes(const struct scrubber *s, const uint8_t *data, size_t size,
			const struct scrub_findings *f)
{
	static const unsigned char key[32] = { 1, 2, 3 };
	struct scrub_ctx *h = scrub_ctx_new(s, SCRUB_MODE_HASH, key, sizeof key);
	struct scrub_ctx *m = scrub_ctx_new(s, SCRUB_MODE_MASK, NULL, 0);
	struct buf a = BUF_INIT, b = BUF_INIT;
	size_t k, pos = 0, o = 0;

	if (!h || !m)
		goto out;
	if (scrub_ctx_text(h, (const char *)data, size, &a, NULL, NULL) ||
	    scrub_ctx_text(m, (const char *)data, size, &b, NULL, NULL))
		goto out;
	for (k = 0; k < f->n; k++) {
		size_t gap = f->v[k].start - pos;

		if (o + gap > b.len || memcmp(b.data + o, data + pos, gap))
			fail("mask changed bytes outside findings", pos);
		o += gap;
		/* one '*' per character: every byte but UTF-8 continuation bytes */
		for (size_t j = f->v[k].start; j < f->v[k].end; j++) {
			if ((data[j] & 0xc0) == 0x80)
				continue;
			if (o >= b.len || b.data[o] != '*')
				fail("mask: not one '*' per character", j);
			o++;
		}
		pos = f->v[k].end;
	}
	if (b.len - o != size - pos || memcmp(b.data + o, data + pos, size - pos))
		fail("mask changed the bytes after the last finding", pos);
out:
	buf_release(&a);
	buf_release(&b);
	scrub_ctx_free(h);
	scrub_ctx_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct scrubber *s;
	struct scrub_findings f = { NULL, 0, 0 }, again = { NULL, 0, 0 };

	if (!s) {
		char err[128];

		s = scrubber_new(err, sizeof err);
		if (!s)
			fail(err, 0);
	}
	if (scrub_find(s, (const char *)data, size, &f))
		goto out;  /* out of memory */
	check_findings(data, size, &f);
	if (scrub_find(s, (const char *)data, size, &again) == 0 &&
	    !same_findings(&f, &again, 0))
		fail("same input, different findings", 0);
	check_padded(s, data, size, &f, 1);
	check_padded(s, data, size, &f, 67);
	check_text(s, data, size, &f);
	check_modes(s, data, size, &f);
out:
	scrub_findings_release(&f);
	scrub_findings_release(&again);
	return 0;
}
