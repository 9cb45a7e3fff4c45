/*
 * libFuzzer driver for the curation code that reads text: the normaliser
 * (ASCII and ICU paths, fused word hashing), the heuristic filters, the
 * stored-example decoder with every format, the OpenAI chat-line checks,
 * shingles and n-grams. The input is split at the first NUL into a prompt
 * and a response; the whole input is also tried as stored messages JSON
 * and as a chat line.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/dedup.h"
#include "core/filter.h"
#include "core/format.h"
#include "core/norm.h"
#include "core/overlap.h"
#include "util/buf.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_norm(const char *s, size_t n)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	struct u64vec w1 = { 0 }, w2 = { 0 }, g = { 0 };
	struct u32vec sh = { 0 };
	int r1 = norm_text(s, n, &a), r2 = norm_text_words(s, n, &b, &w1);

	assert(r1 == r2);
	assert(r1 != -2 || !utf8_valid(s, n, NULL));
	if (!r1) {
		/* the normal form is valid UTF-8, has no double or edge spaces,
		 * and the fused path agrees with the two-step one */
		assert(utf8_valid(buf_cstr(&a), a.len, NULL));
		assert(a.len == b.len && !memcmp(buf_cstr(&a), buf_cstr(&b), a.len));
		assert(!strstr(buf_cstr(&a), "  "));
		assert(!a.len || (a.data[0] != ' ' && a.data[a.len - 1] != ' '));
		assert(!norm_word_hashes(buf_cstr(&a), a.len, &w2));
		assert(w1.n == w2.n && (!w1.n || !memcmp(w1.v, w2.v, w1.n * sizeof(uint64_t))));
		assert(!dedup_shingles(w1.v, w1.n, 5, &sh));
		assert(dedup_jaccard(sh.v, sh.n, sh.v, sh.n) == 1.0);
		assert(!overlap_ngrams(w1.v, w1.n, 13, &g));
		assert(g.n == (w1.n >= 13 ? w1.n - 12 : 0));
	}
	buf_release(&a);
	buf_release(&b);
	u64vec_release(&w1);
	u64vec_release(&w2);
	u64vec_release(&g);
	u32vec_release(&sh);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *nul = memchr(s, '\0', size);
	size_t pl = nul ? (size_t)(nul - s) : size / 2;
	const char *resp = s + (nul ? pl + 1 : pl);
	size_t rl = size - (size_t)(resp - s);
	struct filter_config c;
	struct example e;
	struct format_check chk;
	struct buf out = BUF_INIT;

	check_norm(s, size);
	filter_config_default(&c);
	if (utf8_valid(s, pl, NULL) && utf8_valid(resp, rl, NULL))
		(void)filter_check(&c, s, pl, resp, rl);
	example_init(&e);
	if (utf8_valid(s, size, NULL) && !example_parse(&e, s, size, NULL, 0) && e.last >= 0) {
		for (int k = 0; k < FORMAT_DPO_OPENAI; k++) {
			buf_reset(&out);
			if (!format_example((enum format_kind)k, &e, "id", FORMAT_LAST_TURN_ONLY, &out)) {
				memset(&chk, 0, sizeof(chk));
				format_check_chat_line(out.data, out.len, &chk);
				/* what we write passes the checks, unless a content was empty */
				if (k == FORMAT_OPENAI || k == FORMAT_MESSAGES)
					assert(!chk.errors[FCHK_NOT_OBJECT] && !chk.errors[FCHK_UNKNOWN_KEY] &&
					       !chk.errors[FCHK_NO_ASSISTANT]);
			}
		}
		buf_reset(&out);
		(void)format_pair(FORMAT_DPO_TRL, &e, &e, &out);
		(void)example_tokens(&e);
	}
	memset(&chk, 0, sizeof(chk));
	if (utf8_valid(s, size, NULL))
		format_check_chat_line(s, size, &chk);
	example_release(&e);
	buf_release(&out);
	return 0;
}
