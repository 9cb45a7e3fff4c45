/* Unit tests for the curation core: norm, dedup (MinHash, LSH, Jaccard,
 * clusters), filters, overlap, formats and the OpenAI checks, and the
 * split of groups. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dedup.h"
#include "core/filter.h"
#include "core/format.h"
#include "core/norm.h"
#include "core/overlap.h"
#include "core/split.h"
#include "util/buf.h"

static char *normed(const char *s)
{
	struct buf b = BUF_INIT;

	cr_assert_eq(norm_text(s, strlen(s), &b), 0, "normalise '%s'", s);
	return buf_detach(&b);
}

#define NORM_EQ(in, want)                                            \
	do {                                                         \
		char *got_ = normed(in);                             \
		cr_assert_str_eq(got_, want, "norm('%s')", in);      \
		free(got_);                                          \
	} while (0)

Test(norm, case_space_punctuation_digits)
{
	NORM_EQ("Hello,   World!", "hello world");
	NORM_EQ("  \t How do I fix CORS in FastAPI?\n\n", "how do i fix cors in fastapi");
	NORM_EQ("port 8080, version 3.11", "port 0000 version 0 00");
	NORM_EQ("user_id == \"x\"", "user id x");
	NORM_EQ("", "");
	NORM_EQ("!!! ...", "");
}

Test(norm, unicode_nfc_and_case_folding)
{
	/* e + combining acute (NFD) and the precomposed letter agree */
	NORM_EQ("Cafe\xcc\x81", "caf\xc3\xa9");
	NORM_EQ("CAF\xc3\x89", "caf\xc3\xa9");
	/* Greek capitals fold; Arabic-Indic digits become 0; an em dash is punctuation */
	NORM_EQ("\xce\x9a\xce\x91\xce\x9b\xce\x97 \xd9\xa3\xd9\xa4 \xe2\x80\x94 ok", "\xce\xba\xce\xb1\xce\xbb\xce\xb7 00 ok");
	/* German sharp s folds to ss (full case folding) */
	NORM_EQ("STRA\xc3\x9f" "E", "strasse");
	NORM_EQ("Stra\xc3\x9f" "e", "strasse");
}

Test(norm, invalid_utf8_and_words)
{
	struct buf b = BUF_INIT;
	struct u64vec w1 = { 0 }, w2 = { 0 };
	const char *t = "The QUICK brown fox, 42 times; caf\xc3\xa9 na\xc3\xafve";

	cr_assert_eq(norm_text("ab\xff", 3, &b), -2);
	buf_reset(&b);
	cr_assert_eq(norm_text("\xc3", 1, &b), -2, "truncated sequence");
	buf_reset(&b);
	/* the fused path gives the same words as normalising then hashing */
	cr_assert_eq(norm_text_words(t, strlen(t), &b, &w1), 0);
	cr_assert_eq(norm_word_hashes(b.data, b.len, &w2), 0);
	cr_assert_eq(w1.n, 8);
	cr_assert_eq(w1.n, w2.n);
	cr_assert_eq(memcmp(w1.v, w2.v, w1.n * sizeof(uint64_t)), 0);
	buf_reset(&b);
	w1.n = w2.n = 0;
	cr_assert_eq(norm_text_words("Plain ASCII text", 16, &b, &w1), 0);
	cr_assert_eq(norm_word_hashes(b.data, b.len, &w2), 0);
	cr_assert_eq(memcmp(w1.v, w2.v, w1.n * sizeof(uint64_t)), 0);
	u64vec_release(&w1);
	u64vec_release(&w2);
	buf_release(&b);
}

Test(norm, radix_sort)
{
	uint64_t v[1000];
	uint32_t u[1000];

	for (int i = 0; i < 1000; i++) {
		v[i] = norm_mix64((uint64_t)i);
		u[i] = (uint32_t)v[i];
	}
	cr_assert_eq(norm_sort_u64(v, 1000), 0);
	cr_assert_eq(norm_sort_u32(u, 1000), 0);
	for (int i = 1; i < 1000; i++) {
		cr_assert(v[i - 1] <= v[i]);
		cr_assert(u[i - 1] <= u[i]);
	}
}

/* A document of n words "w<k>" for k in [from, from + n). */
static void doc_words(struct u64vec *w, int from, int n)
{
	char word[32];

	w->n = 0;
	for (int k = from; k < from + n; k++) {
		snprintf(word, sizeof(word), "w%d", k);
		cr_assert_eq(norm_word_hashes(word, strlen(word), w), 0);
	}
}

Test(dedup, jaccard_and_shingles)
{
	uint32_t a[] = { 1, 2, 3, 4 }, b[] = { 3, 4, 5, 6 }, c[] = { 7 };
	struct u64vec w = { 0 };
	struct u32vec s = { 0 };

	cr_assert_float_eq(dedup_jaccard(a, 4, b, 4), 2.0 / 6.0, 1e-12);
	cr_assert_float_eq(dedup_jaccard(a, 4, a, 4), 1.0, 1e-12);
	cr_assert_float_eq(dedup_jaccard(a, 4, c, 1), 0.0, 1e-12);
	cr_assert_float_eq(dedup_jaccard(a, 0, c, 0), 1.0, 1e-12);
	doc_words(&w, 0, 10);
	cr_assert_eq(dedup_shingles(w.v, w.n, 5, &s), 0);
	cr_assert_eq(s.n, 6, "10 words give 6 distinct 5-word shingles");
	for (size_t i = 1; i < s.n; i++)
		cr_assert(s.v[i - 1] < s.v[i], "sorted and distinct");
	doc_words(&w, 0, 3);
	cr_assert_eq(dedup_shingles(w.v, w.n, 5, &s), 0);
	cr_assert_eq(s.n, 1, "a short document is one shingle");
	cr_assert_eq(dedup_shingles(w.v, 0, 5, &s), 0);
	cr_assert_eq(s.n, 0);
	u64vec_release(&w);
	u32vec_release(&s);
}

Test(dedup, parameters_and_lsh_curve)
{
	struct dedup_params p;
	char err[128];

	dedup_params_default(&p);
	cr_assert_eq(dedup_params_check(&p, err, sizeof(err)), 0);
	cr_assert_float_eq(dedup_lsh_threshold(&p), pow(1.0 / 14, 1.0 / 8), 1e-12);
	cr_assert(dedup_candidate_prob(&p, 0.8) > 0.9, "pairs at 0.8 are found 9 times in 10");
	cr_assert(dedup_candidate_prob(&p, 0.9) > 0.999);
	cr_assert(dedup_candidate_prob(&p, 0.3) < 0.001);
	p.bands = 0;
	cr_assert_neq(dedup_params_check(&p, err, sizeof(err)), 0);
	dedup_params_default(&p);
	p.threshold = 1.5;
	cr_assert_neq(dedup_params_check(&p, err, sizeof(err)), 0);
	dedup_params_default(&p);
	p.max_cluster = 1;
	cr_assert_neq(dedup_params_check(&p, err, sizeof(err)), 0);
	cr_assert_null(dedup_index_new(&p));
}

Test(dedup, minhash_estimates_jaccard)
{
	struct dedup_params p;
	struct u64vec w = { 0 };
	struct u32vec a = { 0 }, b = { 0 };
	uint32_t sa[DEDUP_MAX_HASHES], sb[DEDUP_MAX_HASHES];
	int agree = 0, k;

	dedup_params_default(&p);
	p.bands = 32;
	p.rows = 16;
	k = p.bands * p.rows;
	/* 400 words; b shares 360 consecutive words: J = 356 / (396 + 40) */
	doc_words(&w, 0, 400);
	dedup_shingles(w.v, w.n, 5, &a);
	doc_words(&w, 40, 400);
	dedup_shingles(w.v, w.n, 5, &b);
	double j = dedup_jaccard(a.v, a.n, b.v, b.n);
	dedup_minhash(&p, a.v, a.n, sa);
	dedup_minhash(&p, b.v, b.n, sb);
	for (int i = 0; i < k; i++)
		agree += sa[i] == sb[i];
	cr_assert(fabs((double)agree / k - j) < 0.08, "estimate %.3f vs exact %.3f", (double)agree / k, j);
	u64vec_release(&w);
	u32vec_release(&a);
	u32vec_release(&b);
}

/* Documents 0..n-1: pairs (2i, 2i+1) overlap so that J is about sim; all
 * pairs are otherwise disjoint. Returns how many planted pairs clustered
 * and how many clusters hold documents of two different pairs. */
static void planted(double sim, int npairs, long *found, long *wrong, struct dedup_stats *st)
{
	struct dedup_params p;
	struct dedup_index *x;
	struct u64vec w = { 0 };
	struct u32vec s = { 0 };
	uint32_t *cl = malloc((size_t)npairs * 2 * sizeof(uint32_t));
	/* J = (L - 4 - d) / (L - 4 + d) for a shift of d words over L words */
	int len = 200, shift = (int)lround((len - 4) * (1 - sim) / (1 + sim));

	dedup_params_default(&p);
	x = dedup_index_new(&p);
	cr_assert_not_null(x);
	for (int i = 0; i < npairs; i++) {
		doc_words(&w, i * 10000, len);
		dedup_shingles(w.v, w.n, 5, &s);
		cr_assert_eq(dedup_index_add(x, s.v, s.n), 0);
		doc_words(&w, i * 10000 + shift, len);
		dedup_shingles(w.v, w.n, 5, &s);
		cr_assert_eq(dedup_index_add(x, s.v, s.n), 0);
	}
	cr_assert_eq(dedup_index_cluster(x, cl, st), 0);
	*found = *wrong = 0;
	for (int i = 0; i < npairs; i++) {
		*found += cl[2 * i] == cl[2 * i + 1];
		*wrong += cl[2 * i] / 2 != (uint32_t)i || cl[2 * i + 1] / 2 != (uint32_t)i;
	}
	dedup_index_free(x);
	free(cl);
	u64vec_release(&w);
	u32vec_release(&s);
}

Test(dedup, recall_and_precision_at_chosen_similarities)
{
	struct dedup_stats st;
	long found, wrong;

	planted(0.95, 200, &found, &wrong, &st);
	cr_assert_eq(found, 200, "J 0.95: all found (%ld)", found);
	cr_assert_eq(wrong, 0);
	planted(0.85, 200, &found, &wrong, &st);
	cr_assert(found >= 190, "J 0.85: recall %ld/200", found);
	cr_assert_eq(wrong, 0);
	/* below the threshold: candidates may appear, exact Jaccard rejects them */
	planted(0.7, 200, &found, &wrong, &st);
	cr_assert_eq(found, 0, "J 0.7 is not a near duplicate (%ld joined)", found);
	cr_assert_eq(st.verified_pairs, 0);
	cr_assert(st.rejected_pairs > 0, "some candidates were verified and rejected");
	planted(0.3, 200, &found, &wrong, &st);
	cr_assert_eq(found, 0);
}

Test(dedup, clusters_are_capped_and_deterministic)
{
	struct dedup_params p;
	struct dedup_index *x;
	struct u64vec w = { 0 };
	struct u32vec s = { 0 };
	struct dedup_stats st;
	uint32_t cl[50], cl2[50];

	for (int round = 0; round < 2; round++) {
		dedup_params_default(&p);
		p.max_cluster = 10;
		x = dedup_index_new(&p);
		/* a chain: each document shifts the previous one by one word */
		for (int i = 0; i < 50; i++) {
			doc_words(&w, i, 300);
			dedup_shingles(w.v, w.n, 5, &s);
			dedup_index_add(x, s.v, s.n);
		}
		cr_assert_eq(dedup_index_cluster(x, round ? cl2 : cl, &st), 0);
		cr_assert(st.largest_cluster <= 10, "largest %ld", st.largest_cluster);
		cr_assert(st.capped_joins > 0);
		cr_assert(st.clusters >= 5);
		dedup_index_free(x);
	}
	cr_assert_eq(memcmp(cl, cl2, sizeof(cl)), 0, "the same input, the same clusters");
	for (int i = 0; i < 50; i++)
		cr_assert(cl[i] <= (uint32_t)i && cl[cl[i]] == cl[i], "labels are the smallest member");
	u64vec_release(&w);
	u32vec_release(&s);
}

static unsigned fires(const struct filter_config *c, const char *q, const char *a)
{
	return filter_check(c, q, strlen(q), a, strlen(a));
}

#define FIRES(id, q, a) cr_assert(fires(&c, q, a) & (1u << (id)), "%s should fire on '%.60s'", filter_name(id), a)
#define QUIET(q, a) cr_assert_eq(fires(&c, q, a), 0, "no filter should fire on '%.60s' (got %#x)", a, fires(&c, q, a))

Test(filter, each_filter_fires_and_stays_quiet_on_good_answers)
{
	struct filter_config c;
	char rep[4096] = "", noise[600];

	filter_config_default(&c);
	FIRES(FILTER_REFUSAL, "write a regex", "As an AI language model, I cannot browse the web, but here is a regex: ...");
	FIRES(FILTER_REFUSAL, "write a regex", "I\xe2\x80\x99m sorry, but I can\xe2\x80\x99t help with that request.");
	FIRES(FILTER_ERROR_MESSAGE, "fix my code", "Error: Rate limit exceeded. Please try again in 20s.");
	FIRES(FILTER_ERROR_MESSAGE, "fix my code", "{\"error\":{\"code\":429,\"message\":\"Too Many Requests\"}}");
	FIRES(FILTER_REPEATS_QUESTION, "How do I enable CORS in FastAPI?", "How do I enable CORS in FastAPI?");
	FIRES(FILTER_REPEATS_QUESTION, "How do I enable CORS in FastAPI for my app?",
	      "how do I enable cors in FastAPI for my app");
	FIRES(FILTER_EMPTY_CODE_BLOCK, "show me", "Here is the fix:\n\n```python\n\n```\n");
	for (int i = 0; i < 20; i++)
		strcat(rep, "Use the middleware to add the header.\n");
	FIRES(FILTER_REPETITION, "cors?", rep);
	memset(noise, 0, sizeof(noise));
	for (int i = 0; i < 400; i++)
		noise[i] = "{}[]()<>=+-*/%$#@!~^&|;:"[i % 24];
	FIRES(FILTER_NON_TEXT, "what is this", noise);
	memset(noise, 'A', 400);
	noise[400] = '\0';
	FIRES(FILTER_NON_TEXT, "decode", noise);

	/* good answers, short or with code or about errors, pass every filter */
	QUIET("How do I list files?", "`ls -la`");
	QUIET("How do I enable CORS in FastAPI?",
	      "Add `CORSMiddleware`:\n\n```python\napp.add_middleware(CORSMiddleware, allow_origins=[\"*\"])\n```\n");
	QUIET("Why do I get 429 Too Many Requests from the GitHub API?",
	      "GitHub answers 429 Too Many Requests when you exceed the rate limit. Read the `Retry-After` header, "
	      "back off, and authenticate to get a higher limit. A long explanation of rate limits follows here, "
	      "with more detail on secondary limits, conditional requests and caching of ETags, so that the answer "
	      "is well over the size of an error message and clearly explains the error instead of being one. "
	      "It goes on about exponential backoff with jitter and about batching requests through GraphQL.");
	QUIET("sorting", "```c\nfor (i = 0; i < n; i++)\n\tfor (j = 0; j < n; j++)\n\t\tif (a[j] > a[i]) swap(&a[i], &a[j]);\n```\n");
	QUIET("hi", "Hi! What are you working on?");

	/* turned off, a filter says nothing */
	c.enabled &= ~(1u << FILTER_REFUSAL);
	QUIET("write a regex", "As an AI language model, I cannot do that.");
}

Test(filter, names_and_lists)
{
	unsigned on;
	char err[128];

	cr_assert_str_eq(filter_name(FILTER_NON_TEXT), "non_text");
	cr_assert_null(filter_name(FILTER_N));
	cr_assert_eq(filter_from_name("refusal"), FILTER_REFUSAL);
	cr_assert_eq(filter_from_name("nope"), -1);
	cr_assert_eq(filter_parse_list("all", &on, err, sizeof(err)), 0);
	cr_assert_eq(on, FILTER_ALL);
	cr_assert_eq(filter_parse_list("none", &on, err, sizeof(err)), 0);
	cr_assert_eq(on, 0);
	cr_assert_eq(filter_parse_list("refusal,non_text", &on, err, sizeof(err)), 0);
	cr_assert_eq(on, (1u << FILTER_REFUSAL) | (1u << FILTER_NON_TEXT));
	cr_assert_eq(filter_parse_list("-repetition", &on, err, sizeof(err)), 0);
	cr_assert_eq(on, FILTER_ALL & ~(1u << FILTER_REPETITION));
	cr_assert_neq(filter_parse_list("refusal,bogus", &on, err, sizeof(err)), 0);
	cr_assert(strstr(err, "bogus"));
	cr_assert_neq(filter_parse_list("refusal,-non_text", &on, err, sizeof(err)), 0, "mixed list");
	cr_assert_neq(filter_parse_list(",", &on, err, sizeof(err)), 0);
}

Test(overlap, ngrams_bloom_and_sets)
{
	struct u64vec w = { 0 }, g = { 0 }, g2 = { 0 };
	struct bloom b;
	int fp = 0;

	doc_words(&w, 0, 30);
	cr_assert_eq(overlap_ngrams(w.v, w.n, 13, &g), 0);
	cr_assert_eq(g.n, 18);
	/* the rolling hash equals hashing each window on its own */
	for (size_t i = 0; i < g.n; i++) {
		g2.n = 0;
		overlap_ngrams(w.v + i, 13, 13, &g2);
		cr_assert_eq(g2.n, 1);
		cr_assert_eq(g2.v[0], g.v[i]);
	}
	g2.n = 0;
	cr_assert_eq(overlap_ngrams(w.v, 12, 13, &g2), 0);
	cr_assert_eq(g2.n, 0, "fewer words than n: no n-gram");
	cr_assert_eq(bloom_init(&b, 10000), 0);
	for (uint64_t i = 0; i < 10000; i++)
		bloom_add(&b, norm_mix64(i));
	for (uint64_t i = 0; i < 10000; i++)
		cr_assert(bloom_has(&b, norm_mix64(i)), "no false negatives");
	for (uint64_t i = 10000; i < 20000; i++)
		fp += bloom_has(&b, norm_mix64(i));
	cr_assert(fp < 300, "false positives %d of 10000", fp);
	bloom_release(&b);
	overlap_unique(&g);
	cr_assert(overlap_set_has(&g, g.v[3]));
	cr_assert_not(overlap_set_has(&g, 12345));
	int sampled = 0;
	for (uint64_t i = 0; i < 10000; i++)
		sampled += overlap_sampled(norm_mix64(i));
	cr_assert(sampled > 2200 && sampled < 2800, "a quarter sampled (%d)", sampled);
	u64vec_release(&w);
	u64vec_release(&g);
	u64vec_release(&g2);
}

static const char *conv3 =
	"[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":\"q1\"},"
	"{\"role\":\"assistant\",\"content\":\"a1\"},{\"role\":\"user\",\"content\":\"q2 \\\"x\\\"\"},"
	"{\"role\":\"assistant\",\"content\":\"a2\"}]";

static json_t *line_json(enum format_kind k, unsigned flags)
{
	struct example e;
	struct buf b = BUF_INIT;
	json_error_t je;
	json_t *v;

	example_init(&e);
	cr_assert_eq(example_parse(&e, conv3, strlen(conv3), "{\"context\":\"ctx\"}", 17), 0);
	cr_assert_eq(format_example(k, &e, "c-9", flags, &b), 0);
	cr_assert_eq(b.data[b.len - 1], '\n');
	cr_assert_null(memchr(b.data, '\n', b.len - 1), "one line");
	v = json_loadb(b.data, b.len, 0, &je);
	cr_assert_not_null(v, "valid JSON: %s", je.text);
	example_release(&e);
	buf_release(&b);
	return v;
}

static const char *jstr(json_t *v, const char *path)
{
	char key[64];
	const char *p = path;

	while (*p) {
		size_t n = strcspn(p, ".");
		memcpy(key, p, n);
		key[n] = '\0';
		v = json_is_array(v) ? json_array_get(v, (size_t)atoi(key)) : json_object_get(v, key);
		p += n + (p[n] == '.');
	}
	return json_string_value(v);
}

Test(format, every_single_example_format)
{
	json_t *v;

	v = line_json(FORMAT_OPENAI, 0);
	cr_assert_str_eq(jstr(v, "messages.1.content"), "q1\n\nctx", "context joins the first user turn");
	cr_assert_str_eq(jstr(v, "messages.3.content"), "q2 \"x\"");
	cr_assert_null(json_object_get(json_array_get(json_object_get(v, "messages"), 2), "weight"));
	json_decref(v);
	v = line_json(FORMAT_OPENAI, FORMAT_LAST_TURN_ONLY);
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(json_object_get(v, "messages"), 2), "weight")), 0);
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(json_object_get(v, "messages"), 4), "weight")), 1);
	cr_assert_null(json_object_get(json_array_get(json_object_get(v, "messages"), 1), "weight"), "users have none");
	json_decref(v);
	v = line_json(FORMAT_MESSAGES, FORMAT_LAST_TURN_ONLY);
	cr_assert_null(json_object_get(json_array_get(json_object_get(v, "messages"), 4), "weight"));
	cr_assert_str_eq(jstr(v, "messages.4.role"), "assistant");
	json_decref(v);
	v = line_json(FORMAT_SHAREGPT, 0);
	cr_assert_str_eq(jstr(v, "id"), "c-9");
	cr_assert_str_eq(jstr(v, "conversations.0.from"), "system");
	cr_assert_str_eq(jstr(v, "conversations.1.from"), "human");
	cr_assert_str_eq(jstr(v, "conversations.2.from"), "gpt");
	cr_assert_str_eq(jstr(v, "conversations.4.value"), "a2");
	json_decref(v);
	v = line_json(FORMAT_ALPACA, 0);
	cr_assert_str_eq(jstr(v, "instruction"), "q2 \"x\"");
	cr_assert_str_eq(jstr(v, "input"), "");
	cr_assert_str_eq(jstr(v, "output"), "a2");
	cr_assert_str_eq(jstr(v, "system"), "be brief");
	cr_assert_str_eq(jstr(v, "history.0.0"), "q1\n\nctx");
	cr_assert_str_eq(jstr(v, "history.0.1"), "a1");
	json_decref(v);
	v = line_json(FORMAT_COMPLETION, 0);
	cr_assert_str_eq(jstr(v, "prompt"), "System: be brief\n\nUser: q1\n\nctx\n\nAssistant: a1\n\nUser: q2 \"x\"\n\nAssistant:");
	cr_assert_str_eq(jstr(v, "completion"), " a2");
	json_decref(v);
}

Test(format, preference_pairs)
{
	struct example c, r;
	struct buf b = BUF_INIT;
	const char *rej = "[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"bad\"}]";
	json_error_t je;
	json_t *v;

	example_init(&c);
	example_init(&r);
	cr_assert_eq(example_parse(&c, conv3, strlen(conv3), NULL, 0), 0);
	cr_assert_eq(example_parse(&r, rej, strlen(rej), NULL, 0), 0);
	cr_assert_eq(format_pair(FORMAT_DPO_OPENAI, &c, &r, &b), 0);
	v = json_loadb(b.data, b.len, 0, &je);
	cr_assert_not_null(v);
	cr_assert_eq(json_array_size(json_object_get(json_object_get(v, "input"), "messages")), 4);
	cr_assert_str_eq(jstr(v, "preferred_output.0.content"), "a2");
	cr_assert_str_eq(jstr(v, "preferred_output.0.role"), "assistant");
	cr_assert_str_eq(jstr(v, "non_preferred_output.0.content"), "bad");
	json_decref(v);
	buf_reset(&b);
	cr_assert_eq(format_pair(FORMAT_DPO_TRL, &c, &r, &b), 0);
	v = json_loadb(b.data, b.len, 0, &je);
	cr_assert_not_null(v);
	cr_assert_eq(json_array_size(json_object_get(v, "prompt")), 4);
	cr_assert_str_eq(jstr(v, "chosen.0.content"), "a2");
	cr_assert_str_eq(jstr(v, "rejected.0.content"), "bad");
	json_decref(v);
	cr_assert_neq(format_pair(FORMAT_OPENAI, &c, &r, &b), 0, "not a pair format");
	cr_assert(format_is_pair(FORMAT_DPO_TRL));
	cr_assert_not(format_is_pair(FORMAT_ALPACA));
	cr_assert_eq(format_kind("sharegpt"), FORMAT_SHAREGPT);
	cr_assert_eq(format_kind("csv"), -1);
	example_release(&c);
	example_release(&r);
	buf_release(&b);
}

static unsigned check1(const char *line)
{
	struct format_check c;
	unsigned hit = 0;

	memset(&c, 0, sizeof(c));
	format_check_chat_line(line, strlen(line), &c);
	for (unsigned i = 0; i < FCHK_N; i++)
		if (c.errors[i])
			hit |= 1u << i;
	return hit;
}

Test(format, openai_checks_find_each_error_class)
{
	cr_assert_eq(check1("{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"a\","
			    "\"weight\":1}]}\n"), 0);
	cr_assert_eq(check1("[1,2]"), 1u << FCHK_NOT_OBJECT);
	cr_assert_eq(check1("{\"messages\":"), 1u << FCHK_NOT_OBJECT, "truncated");
	cr_assert_eq(check1("{}"), 1u << FCHK_MISSING_MESSAGES);
	cr_assert_eq(check1("{\"messages\":[]}"), 1u << FCHK_MISSING_MESSAGES);
	cr_assert(check1("{\"messages\":[{\"role\":\"assistant\"}]}") & 1u << FCHK_MISSING_FIELD);
	cr_assert(check1("{\"messages\":[{\"role\":\"assistant\",\"content\":\"a\",\"x\":1}]}") & 1u << FCHK_UNKNOWN_KEY);
	cr_assert(check1("{\"messages\":[{\"role\":\"robot\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":\"a\"}]}") &
		  1u << FCHK_UNKNOWN_ROLE);
	cr_assert(check1("{\"messages\":[{\"role\":\"assistant\",\"content\":\"\"}]}") & 1u << FCHK_EMPTY_CONTENT);
	cr_assert(check1("{\"messages\":[{\"role\":\"assistant\",\"content\":5}]}") & 1u << FCHK_EMPTY_CONTENT);
	cr_assert_eq(check1("{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}"), 1u << FCHK_NO_ASSISTANT);
	cr_assert_str_eq(format_check_name(FCHK_NO_ASSISTANT), "example_missing_assistant_message");
}

Test(format, token_estimate)
{
	struct example e;
	const char *m = "[{\"role\":\"user\",\"content\":\"hello world\"},{\"role\":\"assistant\",\"content\":\"x = 1;\"}]";

	example_init(&e);
	cr_assert_eq(example_parse(&e, m, strlen(m), NULL, 0), 0);
	/* 3 + (4 + 2 + 2) + (4 + 1 + 1 + 1 + 1) = 19: words by quarters, punctuation one each */
	cr_assert_eq(example_tokens(&e), 19);
	example_release(&e);
}

Test(split, groups_stay_together_and_assignment_is_stable)
{
	/* the split decides per group key: members share it, and adding other
	 * keys changes nothing for existing ones */
	uint64_t keys[1000];
	bool first[1000];
	long val = 0;

	for (int i = 0; i < 1000; i++) {
		unsigned char kb[8];
		keys[i] = norm_mix64((uint64_t)i);
		for (int b = 0; b < 8; b++)
			kb[b] = (unsigned char)(keys[i] >> (8 * b));
		first[i] = split_is_validation(7, 0.2, (const char *)kb, 8);
		val += first[i];
	}
	cr_assert(val > 150 && val < 250, "about 20%% (%ld)", val);
	for (int i = 0; i < 1000; i++) {
		unsigned char kb[8];
		for (int b = 0; b < 8; b++)
			kb[b] = (unsigned char)(keys[i] >> (8 * b));
		cr_assert_eq(split_is_validation(7, 0.2, (const char *)kb, 8), first[i]);
	}
}
