/*
 * test_scrub_rules: every rule's own examples (src/core/scrub_rules.c).
 *
 * A positive example marks its value with [[ ]]: the marks are removed and
 * the scrubber must report exactly that span with the rule's type. A
 * negative example must give no finding at all. Every rule has at least
 * one positive example, and every type has a rule.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/scrub.h"
#include "core/scrub_rules.h"
#include "util/buf.h"

#include <pthread.h>

static struct scrubber *scr;

static void setup(void)
{
	char err[128] = "";

	scr = scrubber_new(err, sizeof err);
	cr_assert_not_null(scr, "scrubber_new: %s", err);
}

static void teardown(void)
{
	scrubber_free(scr);
}

TestSuite(scrub_rules, .init = setup, .fini = teardown);

/* Copy ex without its [[ ]] marks into an exact-size heap buffer. */
static char *unmark(const char *ex, size_t *len, size_t *vs, size_t *ve)
{
	const char *a = strstr(ex, "[["), *b = a ? strstr(a, "]]") : NULL;
	size_t n = strlen(ex);
	char *p;

	cr_assert(a && b, "example without [[ ]]: %s", ex);
	p = malloc(n - 4);
	cr_assert_not_null(p);
	memcpy(p, ex, (size_t)(a - ex));
	memcpy(p + (a - ex), a + 2, (size_t)(b - a - 2));
	memcpy(p + (b - ex) - 2, b + 2, n - (size_t)(b - ex) - 2);
	*len = n - 4;
	*vs = (size_t)(a - ex);
	*ve = (size_t)(b - ex) - 2;
	return p;
}

static void describe(const struct scrub_findings *f, const char *p, char *out, size_t cap)
{
	size_t o = 0;

	out[0] = '\0';
	for (size_t k = 0; k < f->n && o + 1 < cap; k++)
		o += (size_t)snprintf(out + o, cap - o, " %s[%zu,%zu)='%.*s'", scrub_type_name(f->v[k].type),
				      f->v[k].start, f->v[k].end, (int)(f->v[k].end - f->v[k].start),
				      p + f->v[k].start);
}

Test(scrub_rules, positive_examples_are_found_exactly)
{
	for (unsigned r = 0; r < scrub_nrules; r++) {
		const struct scrub_rule *rule = &scrub_rules[r];

		cr_assert(rule->must && rule->must[0], "rule %u (%s) has no positive example", r,
			  scrub_type_name(rule->type));
		for (const char *const *ex = rule->must; *ex; ex++) {
			struct scrub_findings f = { 0 };
			size_t len, vs, ve, k;
			char *p = unmark(*ex, &len, &vs, &ve), what[1024];

			cr_assert_eq(scrub_find(scr, p, len, &f), 0);
			for (k = 0; k < f.n; k++)
				if (f.v[k].type == rule->type && f.v[k].start == vs && f.v[k].end == ve)
					break;
			describe(&f, p, what, sizeof what);
			cr_expect_lt(k, f.n, "rule %u (%s): example \"%s\" not found exactly; found:%s", r,
				     scrub_type_name(rule->type), *ex, what);
			scrub_findings_release(&f);
			free(p);
		}
	}
}

Test(scrub_rules, negative_examples_find_nothing)
{
	for (unsigned r = 0; r < scrub_nrules; r++) {
		for (const char *const *ex = scrub_rules[r].must_not; ex && *ex; ex++) {
			struct scrub_findings f = { 0 };
			size_t len = strlen(*ex);
			char *p = malloc(len ? len : 1), what[1024];

			memcpy(p, *ex, len);
			cr_assert_eq(scrub_find(scr, p, len, &f), 0);
			describe(&f, p, what, sizeof what);
			cr_expect_eq(f.n, 0, "rule %u (%s): negative \"%s\" gave:%s", r,
				     scrub_type_name(scrub_rules[r].type), *ex, what);
			scrub_findings_release(&f);
			free(p);
		}
	}
}

Test(scrub_rules, every_type_has_a_rule_and_a_summary)
{
	cr_assert_geq(SCRUB_NTYPES, 40);
	for (int t = 0; t < SCRUB_NTYPES; t++) {
		unsigned r;

		for (r = 0; r < scrub_nrules; r++)
			if ((int)scrub_rules[r].type == t)
				break;
		cr_expect_lt(r, scrub_nrules, "type %s has no rule", scrub_type_name((enum scrub_type)t));
		cr_expect_not_null(scrub_type_summary((enum scrub_type)t));
		cr_expect_eq(scrub_type_from_name(scrub_type_name((enum scrub_type)t)), t);
	}
}

/* ---- replacement contexts ------------------------------------------------ */

static char *ctx_text(struct scrub_ctx *c, const char *in)
{
	struct buf b = BUF_INIT;

	cr_assert_eq(scrub_ctx_text(c, in, strlen(in), &b, NULL, NULL), 0);
	return buf_detach(&b);
}

Test(scrub_rules, same_value_same_number_across_texts)
{
	struct scrub_ctx *c = scrub_ctx_new(scr, SCRUB_MODE_PLACEHOLDER, (const unsigned char *)"k", 1);
	char *a, *b;

	cr_assert_not_null(c);
	a = ctx_text(c, "from jane.doe@acme-corp.io and bob@corp-mail.de");
	b = ctx_text(c, "reply to JANE.DOE@acme-corp.io, cc carol@corp-mail.de, bob@corp-mail.de");
	cr_expect_str_eq(a, "from <EMAIL_1> and <EMAIL_2>");
	cr_expect_str_eq(b, "reply to <EMAIL_1>, cc <EMAIL_3>, <EMAIL_2>");
	free(a);
	free(b);
	scrub_ctx_free(c);
}

Test(scrub_rules, hash_mode_is_keyed_and_stable)
{
	static const unsigned char k1[32] = { 1 }, k2[32] = { 2 };
	struct scrub_ctx *a = scrub_ctx_new(scr, SCRUB_MODE_HASH, k1, sizeof k1);
	struct scrub_ctx *b = scrub_ctx_new(scr, SCRUB_MODE_HASH, k1, sizeof k1);
	struct scrub_ctx *c = scrub_ctx_new(scr, SCRUB_MODE_HASH, k2, sizeof k2);
	char *x, *y, *z;

	cr_assert(a && b && c);
	cr_expect_null(scrub_ctx_new(scr, SCRUB_MODE_HASH, NULL, 0), "hash mode needs a key");
	x = ctx_text(a, "mail jane.doe@acme-corp.io");
	y = ctx_text(b, "mail jane.doe@acme-corp.io");
	z = ctx_text(c, "mail jane.doe@acme-corp.io");
	cr_expect_str_eq(x, y, "same key, another context: same placeholder");
	cr_expect_str_neq(x, z, "another key: another placeholder");
	cr_expect_eq(strlen(x), strlen("mail <EMAIL_12345678>"), "%s", x);
	cr_expect_null(strstr(x, "jane"));
	free(x);
	free(y);
	free(z);
	scrub_ctx_free(a);
	scrub_ctx_free(b);
	scrub_ctx_free(c);
}

Test(scrub_rules, mask_mode_keeps_length_in_characters)
{
	struct scrub_ctx *c = scrub_ctx_new(scr, SCRUB_MODE_MASK, NULL, 0);
	char *a;

	cr_assert_not_null(c);
	a = ctx_text(c, "an josé@correo.es b");
	cr_expect_str_eq(a, "an ************** b");
	free(a);
	scrub_ctx_free(c);
}

static const char mt_text[] = "mail jane.doe@acme-corp.io from 52.14.88.201 key AKIA" "Z7QX3KDLW5NPRT2Y pw: x\n";

static void *mt_worker(void *arg)
{
	size_t *bad = arg;

	for (int i = 0; i < 300; i++) {
		struct scrub_findings f = { 0 };

		if (scrub_find(scr, mt_text, sizeof mt_text - 1, &f) || f.n != 3)
			(*bad)++;
		scrub_findings_release(&f);
	}
	return NULL;
}

/* One scrubber shared by threads: each scan takes its own scratch space. */
Test(scrub_rules, shared_between_threads)
{
	pthread_t th[4];
	size_t bad[4] = { 0 };

	for (int i = 0; i < 4; i++)
		cr_assert_eq(pthread_create(&th[i], NULL, mt_worker, &bad[i]), 0);
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		cr_expect_eq(bad[i], 0, "thread %d", i);
	}
}

/* Found by fuzz_scrub: `curl -u` took a placeholder as its user name when
 * scrubbed text was scanned again. */
Test(scrub_rules, rescan_never_swallows_a_placeholder)
{
	struct scrub_findings f = { 0 };
	const char *t = "curl -u <BASIC_AUTH_1>\xff\xff" "1fff:mail x and user <EMAIL_2>:Zk29vLq8T";

	cr_assert_eq(scrub_find(scr, t, strlen(t), &f), 0);
	cr_expect_eq(f.n, 0, "%zu findings", f.n);
	scrub_findings_release(&f);
}

/* Test binaries link without the build-time database: the scrubber compiles
 * the rules itself, and the serialized copy the build embeds in the binary
 * comes from the same rules (same fingerprint on every call). */
Test(scrub_rules, serialized_database)
{
	char err[256], *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;
	uint64_t fa = 0, fb = 0;
	struct scrubber *s = scrubber_new(err, sizeof err);

	cr_assert_not_null(s, "%s", err);
	cr_assert(!scrubber_db_embedded(s));
	scrubber_free(s);
	cr_assert_eq(scrub_serialize_rules(&a, &na, &fa, err, sizeof err), 0, "%s", err);
	cr_assert_eq(scrub_serialize_rules(&b, &nb, &fb, err, sizeof err), 0, "%s", err);
	cr_assert(na > 1000);
	cr_assert_eq(fa, fb);
	free(a);
	free(b);
}
