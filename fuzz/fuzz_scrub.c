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
 *  - scrub_text is the input with each finding replaced by its placeholder,
 *    byte for byte, and the counts add up;
 *  - scanning that output again finds nothing inside a placeholder.
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

static const char *const placeholder[SCRUB_NTYPES] = {
	"<EMAIL>", "<PHONE>", "<IP_ADDRESS>", "<CREDIT_CARD>", "<API_KEY>",
};

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

	if (n > 1100)
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
			if (!is_digit(t[k]) && !strchr("+()-. ", t[k]))
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
	case SCRUB_API_KEY:
		for (k = f->start; k < f->end; k++)
			if (!is_token(t[k]) && t[k] != '.')
				fail("token with a stray byte", k);
		break;
	default:
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

/* scrub_text must be the input with each finding replaced, nothing else. */
static void check_text(const struct scrubber *s, const uint8_t *data, size_t size,
		       const struct scrub_findings *f)
{
	struct buf out = BUF_INIT, want = BUF_INIT;
	struct scrub_counts c = { { 0 } };
	struct scrub_findings r = { NULL, 0, 0 };
	size_t k, pos = 0, total = 0;
	int t;

	if (scrub_text(s, (const char *)data, size, &out, &c))
		goto out;
	for (k = 0; k < f->n; k++) {
		if (buf_append(&want, data + pos, f->v[k].start - pos) ||
		    buf_puts(&want, placeholder[f->v[k].type]))
			goto out;
		pos = f->v[k].end;
	}
	if (buf_append(&want, data + pos, size - pos))
		goto out;
	if (out.len != want.len || (out.len && memcmp(out.data, want.data, out.len)))
		fail("scrub_text differs from the findings", 0);
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
		size_t in = 0, o = 0, j = 0;

		check_findings((const uint8_t *)buf_cstr(&out), out.len, &r);
		for (k = 0; k < f->n; k++) {
			size_t ps = o + (f->v[k].start - in);
			size_t pe = ps + strlen(placeholder[f->v[k].type]);

			while (j < r.n && r.v[j].end <= ps)
				j++;
			if (j < r.n && r.v[j].start < pe)
				fail("re-scan finding overlaps a placeholder", ps);
			in = f->v[k].end;
			o = pe;
		}
	}
out:
	scrub_findings_release(&r);
	buf_release(&out);
	buf_release(&want);
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
out:
	scrub_findings_release(&f);
	scrub_findings_release(&again);
	return 0;
}
