/* Unit tests for src/core: conv, quality, plan, split, format, pseudo. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "core/conv.h"
#include "core/format.h"
#include "core/plan.h"
#include "core/pseudo.h"
#include "core/quality.h"
#include "core/scrub.h"
#include "core/split.h"
#include "util/buf.h"

static int parse(const char *s, struct conversation *c, char *err)
{
	return conv_parse(s, strlen(s), c, err, 256);
}

Test(conv, messages_shape)
{
	struct conversation c;
	char err[256];

	cr_assert_eq(parse("{\"conversation_id\":\"c-1\",\"user_id\":\"alice\",\"session_id\":\"s\","
			   "\"created_at\":\"2026-11-20T14:03:11Z\",\"model\":\"m\",\"messages\":["
			   "{\"role\":\"system\",\"content\":\"be brief\"},"
			   "{\"role\":\"user\",\"content\":\"hi\"},"
			   "{\"role\":\"assistant\",\"content\":\"héllo\",\"finish_reason\":\"stop\"}],"
			   "\"metadata\":{\"client\":\"vscode\"},\"future_field\":1}",
			   &c, err), 0, "%s", err);
	cr_assert_str_eq(c.id, "c-1");
	cr_assert_str_eq(c.user_id, "alice");
	cr_assert(c.has_created_at);
	cr_assert_eq(c.created_at, 1795183391);
	cr_assert_eq(c.nmessages, 3);
	cr_assert_eq(c.messages[2].role, ROLE_ASSISTANT);
	cr_assert_str_eq(c.messages[2].finish_reason, "stop");
	cr_assert_eq(conv_response_chars(&c), 5);
	cr_assert(conv_complete(&c));
	cr_assert_not_null(c.metadata);
	conv_release(&c);
}

Test(conv, simple_shape_keeps_context)
{
	struct conversation c;
	char err[256];
	struct buf b = BUF_INIT;

	cr_assert_eq(parse("{\"user_id\":\"u\",\"question\":\"q?\",\"answer\":\"a\",\"context\":\"ctx\","
			   "\"language\":\"python\",\"framework\":\"fastapi\"}", &c, err), 0, "%s", err);
	cr_assert_null(c.id);
	cr_assert_eq(c.shape, CONV_SHAPE_SIMPLE);
	cr_assert_eq(c.nmessages, 2);
	cr_assert_eq(c.messages[0].role, ROLE_USER);
	cr_assert_str_eq(c.context, "ctx");
	conv_messages_json(&c, &b);
	cr_assert_str_eq(buf_cstr(&b), "[{\"role\":\"user\",\"content\":\"q?\"},{\"role\":\"assistant\",\"content\":\"a\"}]");
	buf_reset(&b);
	conv_extra_json(&c, &b);
	cr_assert_str_eq(buf_cstr(&b), "{\"context\":\"ctx\",\"language\":\"python\",\"framework\":\"fastapi\"}");
	buf_release(&b);
	conv_release(&c);
}

struct bad_case {
	const char *json;
	const char *msg;
};

Test(conv, bad_records_have_clear_reasons)
{
	static const struct bad_case cases[] = {
		{ "", "malformed JSON" },
		{ "{", "malformed JSON" },
		{ "[1,2]", "expected a JSON object" },
		{ "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", "missing required field 'user_id'" },
		{ "{\"user_id\":5,\"question\":\"q\",\"answer\":\"a\"}", "field 'user_id': expected a string" },
		{ "{\"user_id\":\"\",\"question\":\"q\",\"answer\":\"a\"}", "must not be empty" },
		{ "{\"user_id\":\"u\"}", "missing required field 'messages'" },
		{ "{\"user_id\":\"u\",\"messages\":{}}", "field 'messages': expected an array" },
		{ "{\"user_id\":\"u\",\"messages\":[]}", "must not be empty" },
		{ "{\"user_id\":\"u\",\"messages\":[1]}", "messages[0]': expected an object" },
		{ "{\"user_id\":\"u\",\"messages\":[{\"role\":\"bot\",\"content\":\"x\"}]}", "messages[0].role" },
		{ "{\"user_id\":\"u\",\"messages\":[{\"role\":\"user\",\"content\":3}]}", "messages[0].content': expected a string" },
		{ "{\"user_id\":\"u\",\"messages\":[{\"role\":\"user\"}]}", "messages[0].content': missing" },
		{ "{\"user_id\":\"u\",\"question\":\"q\"}", "missing required field 'answer'" },
		{ "{\"user_id\":\"u\",\"question\":\"q\",\"answer\":\"a\",\"created_at\":\"yesterday\"}", "RFC 3339" },
		{ "{\"user_id\":\"u\",\"question\":\"q\",\"answer\":\"a\",\"conversation_id\":\"has space\"}", "conversation_id" },
		{ "{\"user_id\":\"u\",\"question\":\"q\",\"answer\":\"a\",\"metadata\":[]}", "field 'metadata': expected an object" },
		{ "{\"user_id\":\"u\",\"question\":\"q\",\"answer\":\"a\",\"user_id\":\"v\"}", "malformed JSON" },
		{ "{\"user_id\":\"u\",\"question\":\"a\\u0000b\",\"answer\":\"a\"}", "malformed JSON" },
		{ "{\"user_id\":\"u\",\"question\":\"q\",\"answer\":\"a\",\"messages\":[]}", "both" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct conversation c;
		char err[256] = "";
		cr_assert_neq(parse(cases[i].json, &c, err), 0, "case %zu accepted", i);
		cr_assert(strstr(err, cases[i].msg), "case %zu: '%s' lacks '%s'", i, err, cases[i].msg);
	}
}

Test(conv, malformed_json_message_never_quotes_input)
{
	struct conversation c;
	char err[256];

	cr_assert_neq(parse("{\"user_id\": alice@secret.example}", &c, err), 0);
	cr_assert_null(strstr(err, "alice"), "%s", err);
}

Test(conv, metadata_scrubbed_as_text)
{
	struct conversation c;
	struct scrub_counts counts = { { 0 } };
	struct buf b = BUF_INIT;
	char err[256];
	struct scrubber *s = scrubber_new(err, sizeof(err));
	bool pii = true;

	cr_assert_not_null(s, "%s", err);
	cr_assert_eq(parse("{\"user_id\":\"u\",\"question\":\"q\",\"answer\":\"a\",\"metadata\": { \"owner\" : "
			   "\"ann.lee@acme-corp.com\", \"bob.ray@acme-corp.com\": [1, -2.5e3, true, null, {\"x\": \"\\u00e9\"}]}}",
			   &c, err), 0, "%s", err);
	cr_assert_eq(conv_scrub(&c, s, &counts), 0);
	cr_assert_eq(counts.n[SCRUB_EMAIL], 2, "a key and a value");
	cr_assert_str_eq(c.metadata, "{\"owner\":\"<EMAIL_1>\",\"<EMAIL_2>\":[1,-2.5e3,true,null,{\"x\":\"é\"}]}");
	cr_assert_eq(conv_has_pii(&c, s, &pii), 0);
	cr_assert_not(pii);
	conv_extra_json(&c, &b);
	cr_assert_str_eq(buf_cstr(&b), "{\"metadata\":{\"owner\":\"<EMAIL_1>\",\"<EMAIL_2>\":[1,-2.5e3,true,null,{\"x\":\"é\"}]}}");
	buf_release(&b);
	conv_release(&c);
	scrubber_free(s);
}

Test(conv, deep_metadata_refused)
{
	struct buf b = BUF_INIT;
	struct conversation c;
	char err[256];

	buf_puts(&b, "{\"user_id\":\"u\",\"question\":\"q\",\"answer\":\"a\",\"metadata\":");
	for (int i = 0; i < 40; i++)
		buf_puts(&b, "{\"a\":");
	buf_puts(&b, "1");
	for (int i = 0; i < 40; i++)
		buf_puts(&b, "}");
	buf_puts(&b, "}");
	cr_assert_neq(parse(buf_cstr(&b), &c, err), 0);
	cr_assert(strstr(err, "nested"), "%s", err);
	buf_release(&b);
}

static bool complete(const char *msgs)
{
	struct buf b = BUF_INIT;
	struct conversation c;
	char err[256];
	bool r;

	buf_printf(&b, "{\"user_id\":\"u\",\"messages\":%s}", msgs);
	cr_assert_eq(parse(buf_cstr(&b), &c, err), 0, "%s", err);
	r = conv_complete(&c);
	conv_release(&c);
	buf_release(&b);
	return r;
}

#define U(x) "{\"role\":\"user\",\"content\":\"" x "\"}"
#define A(x) "{\"role\":\"assistant\",\"content\":\"" x "\"}"
#define S(x) "{\"role\":\"system\",\"content\":\"" x "\"}"
#define T(x) "{\"role\":\"tool\",\"content\":\"" x "\"}"

Test(conv, completeness)
{
	cr_assert(complete("[" U("q") "," A("a") "]"));
	cr_assert(complete("[" S("s") "," U("q") "," A("a") "," U("q2") "," A("a2") "]"));
	cr_assert(complete("[" U("q") "," A("call") "," T("result") "," A("a") "]"));
	cr_assert_not(complete("[" U("q") "]"), "ends on the user");
	cr_assert_not(complete("[" A("a") "]"), "no user");
	cr_assert_not(complete("[" U("  ") "," A("a") "]"), "blank user");
	cr_assert_not(complete("[" U("q") "," A(" \\n") "]"), "blank answer");
	cr_assert_not(complete("[" U("q") "," U("q") "," A("a") "]"), "two user turns");
	cr_assert_not(complete("[" U("q") "," S("s") "," A("a") "]"), "system in the middle");
	cr_assert_not(complete("[" U("q") "," T("t") "," A("a") "]"), "tool without a call");
	cr_assert_not(complete("[" U("q") ",{\"role\":\"assistant\",\"content\":\"a\",\"finish_reason\":\"length\"}]"));
	cr_assert_not(complete("[" U("q") ",{\"role\":\"assistant\",\"content\":\"a\",\"finish_reason\":\"error\"},"
			       U("again") "," A("ok") "]"), "an earlier truncated answer");
}

Test(quality, criteria)
{
	struct quality_thresholds t;
	struct quality_input in = { 0, 0, 60, 0 };

	quality_thresholds_default(&t);
	cr_assert_eq(quality_reasons(&in, &t), 0, "unrated and long enough");
	in.rating_sum = 7; in.rating_count = 2;  /* mean 3.5 */
	cr_assert_eq(quality_reasons(&in, &t), Q_LOW_RATING);
	in.rating_sum = 8;                        /* mean 4.0: exactly the threshold */
	cr_assert_eq(quality_reasons(&in, &t), 0);
	in.response_chars = 49;
	cr_assert_eq(quality_reasons(&in, &t), Q_SHORT_RESPONSE);
	in.response_chars = 50;
	in.flags = CONV_F_PII | CONV_F_INCOMPLETE | CONV_F_CONTEXT;
	cr_assert_eq(quality_reasons(&in, &t), Q_PII | Q_INCOMPLETE);
	t.min_rating = 4.5;
	in.flags = 0;
	cr_assert_eq(quality_reasons(&in, &t), Q_LOW_RATING);
	cr_assert_str_eq(quality_reason_name(0), "low_rating");
	cr_assert_str_eq(quality_reason_name(3), "incomplete");
	cr_assert_null(quality_reason_name(4));
}

Test(plan, issue_example)
{
	struct plan_input in = { 100, 10, 0.6, 50000, 0 };
	struct plan_result r;

	cr_assert_eq(plan_compute(&in, &r), 0);
	cr_assert_eq(r.conversations_needed, 83334);
	cr_assert_float_eq(r.conversations_per_day, 1000, 1e-9);
	cr_assert_float_eq(r.days, 83.334, 1e-9);
	in.quality_rate = 0.5;
	plan_compute(&in, &r);
	cr_assert_eq(r.conversations_needed, 100000, "exact quotient is not rounded up");
	in.users = 0;
	cr_assert_neq(plan_compute(&in, &r), 0);
}

Test(plan, eta)
{
	struct eta e;

	plan_eta(100, 40, 10, 1000, &e);
	cr_assert(e.has_eta);
	cr_assert_float_eq(e.percent, 40, 1e-9);
	cr_assert_float_eq(e.days, 6, 1e-9);
	cr_assert_eq(e.eta_day, 1006);
	plan_eta(100, 40, 0, 1000, &e);
	cr_assert_not(e.has_eta, "rate 0: no ETA");
	plan_eta(100, 150, 0, 1000, &e);
	cr_assert(e.has_eta);
	cr_assert_float_eq(e.percent, 100, 1e-9);
	plan_eta(100, 41, 7, 1000, &e);
	cr_assert_eq(e.eta_day, 1009, "partial days round up");
}

Test(split, deterministic_fraction_and_seeded)
{
	char id[32];
	long val = 0, differ = 0;

	for (int i = 0; i < 100000; i++) {
		int n = snprintf(id, sizeof(id), "conv-%d", i);
		bool v = split_is_validation(7, 0.1, id, (size_t)n);
		cr_assert_eq(v, split_is_validation(7, 0.1, id, (size_t)n));
		val += v;
		differ += v != split_is_validation(8, 0.1, id, (size_t)n);
	}
	cr_assert(val > 9500 && val < 10500, "validation share %ld of 100000", val);
	cr_assert(differ > 10000, "another seed gives another split (%ld differ)", differ);
	cr_assert_not(split_is_validation(1, 0, "x", 1));
	cr_assert(split_is_validation(1, 1, "x", 1));
}

static int fmt(const char *msgs, const char *extra, struct buf *b)
{
	struct example e;
	int rc;

	example_init(&e);
	rc = example_parse(&e, msgs, strlen(msgs), extra, extra ? strlen(extra) : 0);
	if (!rc)
		rc = format_example(FORMAT_OPENAI, &e, "c-1", 0, b);
	example_release(&e);
	return rc;
}

Test(format, openai_plain_and_context)
{
	struct buf b = BUF_INIT;
	const char *msgs = "[{\"role\":\"user\",\"content\":\"why?\"},{\"role\":\"assistant\",\"content\":\"because\"}]";

	cr_assert_eq(fmt(msgs, NULL, &b), 0);
	cr_assert_str_eq(buf_cstr(&b), "{\"messages\":[{\"role\":\"user\",\"content\":\"why?\"},"
				       "{\"role\":\"assistant\",\"content\":\"because\"}]}\n");
	buf_reset(&b);
	cr_assert_eq(fmt(msgs, "{\"context\":\"x = 1\"}", &b), 0);
	cr_assert_str_eq(buf_cstr(&b), "{\"messages\":[{\"role\":\"user\",\"content\":\"why?\\n\\nx = 1\"},"
				       "{\"role\":\"assistant\",\"content\":\"because\"}]}\n");
	buf_reset(&b);
	cr_assert_neq(fmt("[{", "{\"context\":\"c\"}", &b), 0, "malformed stored JSON");
	cr_assert_neq(fmt("[{", NULL, &b), 0, "malformed stored JSON");
	buf_reset(&b);
	{
		/* escapes in the context are decoded and written again */
		const char *m2 = "[{\"role\":\"system\",\"content\":\"s\"},{\"content\":\"q\\\"x\",\"role\":\"user\"},"
				 "{\"role\":\"assistant\",\"content\":\"a\"}]";
		const char *x2 = "{\"metadata\":{\"context\":1},\"context\":\"a\\n\\\"b\\u00e9\"}";
		cr_assert_eq(fmt(m2, x2, &b), 0);
		cr_assert_str_eq(buf_cstr(&b), "{\"messages\":[{\"role\":\"system\",\"content\":\"s\"},"
					       "{\"role\":\"user\",\"content\":\"q\\\"x\\n\\na\\n\\\"b\u00e9\"},"
					       "{\"role\":\"assistant\",\"content\":\"a\"}]}\n");
		buf_reset(&b);
		cr_assert_eq(fmt(m2, "{\"context\":\"\"}", &b), 0);
		cr_assert_eq(strstr(buf_cstr(&b), "\\n\\n"), NULL, "an empty context adds nothing");
		buf_reset(&b);
		cr_assert_neq(fmt("[{\"role\":\"user\",\"content\":\"q\"}]", NULL, &b), 0, "no answer");
	}
	cr_assert(format_known("openai"));
	cr_assert_not(format_known("csv"));
	buf_release(&b);
}

Test(pseudo, hmac_sha256_known_answer)
{
	/* RFC 4231 test case 2 uses a short key; here: key = 32 x 0x0b, data "Hi There" */
	struct pseudo_key k;
	char out[65], hex[65];

	memset(k.k, 0x0b, sizeof(k.k));
	cr_assert_eq(pseudo_id(&k, "Hi There", 8, out), 0);
	cr_assert_str_eq(out, "198a607eb44bfbc69903a0f1cf2bbdc5ba0aa3f3d9ae3c1c7a3b1696a0b68cf7");
	pseudo_key_to_hex(&k, hex);
	cr_assert_eq(pseudo_key_from_hex(hex, 64, &k), 0);
	cr_assert_eq(pseudo_key_from_hex("abc", 3, &k), -1);
	cr_assert_eq(pseudo_key_from_hex("zz0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", 64, &k), -1);
}
