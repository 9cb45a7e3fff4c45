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
