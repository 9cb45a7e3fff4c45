/*
 * Unit tests for src/core/synth (the synthetic data generator) and the
 * `cerberus synth` command: determinism, well-formed JSON Lines in the
 * shapes `cerberus log` accepts, the planted properties and their rates,
 * the timestamps, the ratings and the duplicates.
 * Checks are independent of the generator: Luhn, address ranges and key
 * shapes are re-implemented here.
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/scrub.h"
#include "core/synth.h"
#include "util/buf.h"
#include "util/timeutil.h"
#include "util/utf8.h"

#define NOW 1795564800  /* 2026-11-25T00:00:00Z */
#define N 10000

static struct synth_opts opts(uint64_t seed, uint64_t total)
{
	struct synth_opts o;

	synth_opts_default(&o);
	o.seed = seed;
	o.now = NOW;
	o.total = total;
	return o;
}

/* Generate line i into b (cleared first) and parse it. */
static json_t *line(const struct synth_opts *o, uint64_t i, struct buf *b, struct synth_props *p)
{
	json_error_t e;
	json_t *j;
	size_t bad = 0;
	int rc;

	buf_reset(b);
	rc = synth_conversation(o, i, b, p);
	cr_assert_eq(rc, 0, "line %llu: rc %d", (unsigned long long)i, rc);
	cr_assert(b->len > 0);
	cr_assert_null(memchr(b->data, '\n', b->len), "line %llu has a raw newline", (unsigned long long)i);
	cr_assert(utf8_valid(b->data, b->len, &bad), "line %llu: invalid UTF-8 at %zu",
		  (unsigned long long)i, bad);
	j = json_loadb(b->data, b->len, JSON_REJECT_DUPLICATES, &e);
	cr_assert_not_null(j, "line %llu: %s (col %d)", (unsigned long long)i, e.text, e.column);
	cr_assert(json_is_object(j));
	return j;
}

static const char *str(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static json_t *synth_meta(json_t *j)
{
	json_t *s = json_object_get(json_object_get(j, "metadata"), "synth");

	cr_assert(json_is_object(s), "metadata.synth missing");
	return s;
}

/* The last assistant answer (NULL when the conversation ends otherwise). */
static const char *final_answer(json_t *j)
{
	json_t *msgs = json_object_get(j, "messages"), *last;

	if (!msgs)
		return str(j, "answer");
	last = json_array_get(msgs, json_array_size(msgs) - 1);
	if (strcmp(str(last, "role"), "assistant"))
		return NULL;
	return str(last, "content");
}

/* Every text of the conversation, joined. */
static void all_text(json_t *j, struct buf *out)
{
	json_t *msgs = json_object_get(j, "messages"), *m;
	size_t i;

	buf_reset(out);
	if (msgs) {
		json_array_foreach(msgs, i, m) {
			buf_puts(out, str(m, "content"));
			buf_putc(out, '\n');
		}
		return;
	}
	buf_puts(out, str(j, "question"));
	buf_putc(out, '\n');
	buf_puts(out, str(j, "answer"));
	buf_putc(out, '\n');
	if (str(j, "context"))
		buf_puts(out, str(j, "context"));
}

/* The question and answer part that a duplicate must repeat exactly. */
static char *qa_key(json_t *j)
{
	json_t *k;
	char *s;

	if (json_object_get(j, "messages"))
		k = json_pack("{sO}", "m", json_object_get(j, "messages"));
	else
		k = json_pack("{ssss}", "q", str(j, "question"), "a", str(j, "answer"));
	s = json_dumps(k, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(k);
	return s;
}

static bool luhn_ok(const char *s)
{
	int sum = 0, n = 0;

	for (size_t i = strlen(s); i-- > 0;) {
		int v;

		if (s[i] == ' ' || s[i] == '-')
			continue;
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = s[i] - '0';
		if (n++ % 2 == 1) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	return n >= 13 && sum % 10 == 0;
}

static bool all_of(const char *s, size_t n, const char *set)
{
	if (strlen(s) != n)
		return false;
	return strspn(s, set) == n;
}

#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

static bool key_shape_ok(const char *k)
{
	if (!strncmp(k, "AKIA", 4))
		return all_of(k + 4, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") &&
		       strcmp(k + 13, "EXAMPLE") != 0;
	if (!strncmp(k, "ghp_", 4))
		return all_of(k + 4, 36, ALNUM);
	if (!strncmp(k, "sk_live_", 8))
		return all_of(k + 8, 24, ALNUM);
	if (!strncmp(k, "sk-proj-", 8))
		return all_of(k + 8, 40, ALNUM);
	if (!strncmp(k, "AIza", 4))
		return all_of(k + 4, 35, ALNUM "_-");
	if (!strncmp(k, "hf_", 3))
		return all_of(k + 3, 34, ALNUM);
	if (!strncmp(k, "xoxb-", 5))
		return strspn(k + 5, "0123456789-") >= 20 && strlen(k) > 40;
	return false;
}

/* Public unicast: not private, loopback, CGNAT, link-local, documentation,
 * benchmark, multicast or reserved space. */
static bool ip_public(const char *s)
{
	unsigned a, b, c, d;
	char tail;

	if (sscanf(s, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4)
		return false;
	if (a > 255 || b > 255 || c > 255 || d > 255)
		return false;
	if (a == 0 || a == 10 || a == 127 || a >= 224)
		return false;
	if ((a == 100 && b >= 64 && b < 128) || (a == 169 && b == 254) ||
	    (a == 172 && b >= 16 && b < 32) || (a == 192 && b == 168) ||
	    (a == 192 && b == 0 && c == 2) || (a == 198 && (b == 18 || b == 19)) ||
	    (a == 198 && b == 51 && c == 100) || (a == 203 && b == 0 && c == 113))
		return false;
	return !(a == 8 && b == 8) && !(a == 1 && b == 1 && c == 1);
}

static bool phone_ok(const char *s)
{
	size_t digits = 0;

	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (!strchr("+-() ", *p))
			return false;
	}
	return digits >= 10 && digits <= 12;
}

Test(synth, deterministic)
{
	struct synth_opts o = opts(42, 500), o2 = opts(43, 500);
	struct buf a = BUF_INIT, b = BUF_INIT, fa = BUF_INIT, fb = BUF_INIT;
	unsigned same = 0;

	for (uint64_t i = 0; i < 500; i++) {
		buf_reset(&a);
		buf_reset(&b);
		cr_assert_eq(synth_conversation(&o, i, &a, NULL), 0);
		cr_assert_eq(synth_conversation(&o, i, &b, NULL), 0);
		cr_assert_eq(a.len, b.len);
		cr_assert(!memcmp(a.data, b.data, a.len), "line %llu differs between runs",
			  (unsigned long long)i);
		cr_assert_eq(synth_feedback(&o, i, &fa), 0);
		cr_assert_eq(synth_feedback(&o, i, &fb), 0);
		/* another seed gives other content (ids differ anyway; compare
		 * past the id) */
		buf_reset(&b);
		cr_assert_eq(synth_conversation(&o2, i, &b, NULL), 0);
		if (a.len == b.len && !memcmp(strstr(a.data, "\"user_id\""), strstr(b.data, "\"user_id\""),
					      a.len - (size_t)(strstr(a.data, "\"user_id\"") - a.data)))
			same++;
	}
	cr_assert_eq(fa.len, fb.len);
	cr_assert(!memcmp(fa.data, fb.data, fa.len));
	cr_assert_lt(same, 5, "%u of 500 lines identical across seeds", same);
	/* appending: out is not cleared */
	buf_reset(&a);
	buf_puts(&a, "x");
	cr_assert_eq(synth_conversation(&o, 3, &a, NULL), 0);
	cr_assert_eq(a.data[0], 'x');
	cr_assert_eq(a.data[1], '{');
	buf_release(&a);
	buf_release(&b);
	buf_release(&fa);
	buf_release(&fb);
}

Test(synth, valid_json_and_fields)
{
	struct synth_opts o = opts(1, N);
	struct buf b = BUF_INIT, t = BUF_INIT;
	struct synth_props p;
	unsigned with_system = 0, multi = 0, tool = 0, untagged = 0, tagged = 0, nmessages = 0;

	for (uint64_t i = 0; i < N; i++) {
		json_t *j = line(&o, i, &b, &p), *s = synth_meta(j), *msgs, *m;
		char id[64];
		size_t k;

		synth_conversation_id(&o, i, id, sizeof id);
		cr_assert_str_eq(str(j, "conversation_id"), id);
		cr_assert(str(j, "user_id") && *str(j, "user_id"));
		cr_assert(str(j, "created_at"));
		cr_assert_str_eq(str(s, "lang"), p.lang);
		cr_assert_str_eq(str(s, "framework"), p.framework);
		cr_assert_str_eq(str(s, "topic"), p.topic);
		cr_assert(json_is_boolean(json_object_get(s, "short")));
		cr_assert(json_is_boolean(json_object_get(s, "incomplete")));
		cr_assert(json_is_array(json_object_get(s, "pii")));
		cr_assert(json_is_integer(json_object_get(s, "turns")));
		all_text(j, &t);
		cr_assert_null(strstr(t.data, "$["), "line %llu: unexpanded slot", (unsigned long long)i);
		if (final_answer(j) && !p.short_answer && !p.incomplete && p.turns == 1) {
			/* the fix in the answer: a fence with a language tag, mostly */
			const char *a = final_answer(j), *f = strstr(a, "```");

			cr_assert_not_null(f, "line %llu: answer without code", (unsigned long long)i);
			if (f[3] == '\n')
				untagged++;
			else
				tagged++;
		}
		msgs = json_object_get(j, "messages");
		if (p.shape == SYNTH_SHAPE_MESSAGES) {
			cr_assert_str_eq(str(s, "shape"), "messages");
			cr_assert(json_is_array(msgs) && json_array_size(msgs) >= 1);
			cr_assert_null(json_object_get(j, "question"));
			cr_assert(str(j, "session_id") && str(j, "model"));
			json_array_foreach(msgs, k, m) {
				const char *role = str(m, "role"), *fr = str(m, "finish_reason");

				cr_assert(role && (!strcmp(role, "system") || !strcmp(role, "user") ||
						   !strcmp(role, "assistant") || !strcmp(role, "tool")));
				cr_assert(json_is_string(json_object_get(m, "content")));
				cr_assert(!fr || !strcmp(fr, "stop") || !strcmp(fr, "length") || !strcmp(fr, "error"));
				cr_assert(!fr || !strcmp(role, "assistant"));
				if (!strcmp(role, "system")) {
					cr_assert_eq(k, 0);
					with_system++;
				}
				if (!strcmp(role, "tool"))
					tool++;
			}
			k = (size_t)!strcmp(str(json_array_get(msgs, 0), "role"), "system");
			cr_assert_str_eq(str(json_array_get(msgs, k), "role"), "user");
			if (p.turns > 1)
				multi++;
			nmessages += (unsigned)json_array_size(msgs);
		} else {
			cr_assert_str_eq(str(s, "shape"), "simple");
			cr_assert_null(msgs);
			cr_assert(str(j, "question") && *str(j, "question"));
			cr_assert(str(j, "answer"));
			cr_assert(str(j, "context"));
			cr_assert_str_eq(str(j, "language"), p.lang);
			if (*p.framework)
				cr_assert_str_eq(str(j, "framework"), p.framework);
		}
		json_decref(j);
	}
	/* variety within the messages shape */
	cr_assert_gt(with_system, N / 5);
	cr_assert_gt(multi, N / 10);
	cr_assert_gt(tool, N / 100);
	cr_assert_gt(untagged, N / 50);
	cr_assert_gt(tagged, 5 * untagged, "%u tagged, %u untagged fences", tagged, untagged);
	cr_assert_gt(nmessages, N);
	buf_release(&b);
	buf_release(&t);
}

static void check_rates(struct synth_opts *o, double pii, double shrt, double inc)
{
	struct buf b = BUF_INIT;
	struct synth_props p;
	unsigned n_pii = 0, n_short = 0, n_inc = 0, n_msgs = 0, n_hard = 0, n_clean = 0;

	o->pii_rate = pii;
	o->short_rate = shrt;
	o->incomplete_rate = inc;
	for (uint64_t i = 0; i < N; i++) {
		json_t *j = line(o, i, &b, &p), *s = synth_meta(j);

		cr_assert_eq(json_boolean_value(json_object_get(s, "short")), p.short_answer);
		cr_assert_eq(json_boolean_value(json_object_get(s, "incomplete")), p.incomplete != 0);
		cr_assert_eq(json_array_size(json_object_get(s, "pii")) > 0, p.npii > 0);
		n_pii += p.npii > 0;
		n_short += p.short_answer;
		n_inc += p.incomplete != 0;
		n_msgs += p.shape == SYNTH_SHAPE_MESSAGES;
		if (!p.npii) {
			n_clean++;
			n_hard += p.hard_negative;
		}
		json_decref(j);
	}
	/* binomial: 4 standard deviations at most */
#define NEAR(count, rate) cr_assert(fabs((double)(count) / N - (rate)) <= 4 * sqrt((rate) * (1 - (rate)) / N) + 1e-9, \
				    #count " = %u, expected share %.3f", count, rate)
	NEAR(n_pii, pii);
	NEAR(n_short, shrt);
	NEAR(n_inc, inc);
	NEAR(n_msgs, 0.7);
	if (n_clean)
		cr_assert(fabs((double)n_hard / n_clean - o->hard_negative_rate) < 0.03,
			  "hard negatives %u of %u", n_hard, n_clean);
#undef NEAR
	buf_release(&b);
}

Test(synth, default_rates)
{
	struct synth_opts o = opts(5, N);

	check_rates(&o, 0.10, 0.08, 0.05);
}

Test(synth, custom_rates)
{
	struct synth_opts o = opts(6, N);

	check_rates(&o, 0.5, 0.2, 0.15);
}

Test(synth, zero_rates)
{
	struct synth_opts o = opts(7, 2000);
	struct buf b = BUF_INIT;
	struct synth_props p;

	o.pii_rate = o.short_rate = o.incomplete_rate = o.hard_negative_rate = 0;
	for (uint64_t i = 0; i < 2000; i++) {
		json_t *j = line(&o, i, &b, &p);

		cr_assert(!p.npii && !p.short_answer && !p.incomplete && !p.hard_negative && !p.dup);
		json_decref(j);
	}
	buf_release(&b);
}

Test(synth, short_and_incomplete_answers)
{
	struct synth_opts o = opts(8, N);
	struct buf b = BUF_INIT;
	struct synth_props p;
	unsigned kinds[5] = { 0 };

	o.short_rate = 0.2;
	o.incomplete_rate = 0.2;
	for (uint64_t i = 0; i < N; i++) {
		json_t *j = line(&o, i, &b, &p), *msgs = json_object_get(j, "messages");
		json_t *last = msgs ? json_array_get(msgs, json_array_size(msgs) - 1) : NULL;
		const char *ans = final_answer(j), *fr = last ? str(last, "finish_reason") : NULL;

		kinds[p.incomplete]++;
		if (p.short_answer) {
			cr_assert_not_null(ans);
			cr_assert_lt(utf8_count(ans, strlen(ans)), 50, "short answer '%s'", ans);
			cr_assert_gt(strlen(ans), 0);
		} else if (!p.incomplete) {
			cr_assert_not_null(ans, "line %llu ends without an answer", (unsigned long long)i);
			cr_assert_geq(utf8_count(ans, strlen(ans)), 50, "line %llu: answer too short",
				      (unsigned long long)i);
			cr_assert(!fr || !strcmp(fr, "stop"));
		}
		switch (p.incomplete) {
		case SYNTH_INC_NONE:
			break;
		case SYNTH_INC_LENGTH:
			cr_assert_str_eq(fr, "length");
			cr_assert(ans && *ans);
			break;
		case SYNTH_INC_ERROR:
			cr_assert_str_eq(fr, "error");
			break;
		case SYNTH_INC_USER_LAST:
			cr_assert_str_eq(str(last, "role"), "user");
			break;
		case SYNTH_INC_EMPTY:
			cr_assert_not_null(ans);
			cr_assert_str_eq(ans, "");
			break;
		}
		if (p.incomplete)
			cr_assert_str_eq(str(synth_meta(j), "incomplete_kind"),
					 p.incomplete == SYNTH_INC_LENGTH ? "length" :
					 p.incomplete == SYNTH_INC_ERROR ? "error" :
					 p.incomplete == SYNTH_INC_USER_LAST ? "user_last" : "empty");
		json_decref(j);
	}
	for (int k = 1; k <= 4; k++)
		cr_assert_gt(kinds[k], 20, "incomplete kind %d: %u", k, kinds[k]);
	buf_release(&b);
}

Test(synth, pii_values)
{
	struct synth_opts o = opts(9, N);
	struct buf b = BUF_INIT, t = BUF_INIT;
	struct synth_props p;
	unsigned per_type[SCRUB_NTYPES] = { 0 }, grouped = 0, in_answer = 0;

	o.pii_rate = 0.3;
	for (uint64_t i = 0; i < N; i++) {
		json_t *j = line(&o, i, &b, &p), *types = json_object_get(synth_meta(j), "pii");
		unsigned mask = 0;
		size_t k;
		json_t *v;

		all_text(j, &t);
		json_array_foreach(types, k, v)
			mask |= 1u << scrub_type_from_name(json_string_value(v));
		cr_assert_eq(mask, p.pii_types, "line %llu: metadata types differ", (unsigned long long)i);
		cr_assert_eq(json_integer_value(json_object_get(synth_meta(j), "pii_n")), p.npii);
		for (unsigned n = 0; n < p.npii; n++) {
			const char *val = p.pii[n].value;

			per_type[p.pii[n].type]++;
			cr_assert_not_null(strstr(t.data, val), "line %llu: '%s' not in the text",
					   (unsigned long long)i, val);
			switch (p.pii[n].type) {
			case SCRUB_EMAIL:
				cr_assert_not_null(strchr(val, '@'));
				cr_assert_null(strstr(val, "example."), "%s", val);
				break;
			case SCRUB_PHONE:
				cr_assert(phone_ok(val), "phone '%s'", val);
				break;
			case SCRUB_IP_ADDRESS:
				cr_assert(ip_public(val), "ip '%s'", val);
				break;
			case SCRUB_CREDIT_CARD:
				cr_assert(luhn_ok(val), "card '%s' fails Luhn", val);
				cr_assert(val[0] == '4' || (val[0] == '5' && val[1] >= '1' && val[1] <= '5'),
					  "card '%s' issuer", val);
				grouped += strchr(val, ' ') || strchr(val, '-');
				break;
			case SCRUB_API_KEY:
				cr_assert(key_shape_ok(val), "key '%s'", val);
				if (final_answer(j) && strstr(final_answer(j), val))
					in_answer++;
				break;
			default:
				cr_assert_fail("bad type");
			}
		}
		json_decref(j);
	}
	for (int k = 0; k < SYNTH_NPII_TYPES; k++)
		cr_assert_gt(per_type[k], 100, "type %d planted %u times", k, per_type[k]);
	cr_assert_gt(grouped, 20);
	cr_assert_gt(in_answer, 20);
	buf_release(&b);
	buf_release(&t);
}

/* Conversations without planted PII carry none of the planted shapes, and
 * the hard negatives are really there. */
Test(synth, hard_negatives_are_not_pii)
{
	struct synth_opts o = opts(10, 4000);
	struct buf b = BUF_INIT, t = BUF_INIT;
	struct synth_props p;
	unsigned seen_example = 0, seen_private = 0;

	o.pii_rate = 0;
	o.hard_negative_rate = 1;
	for (uint64_t i = 0; i < 4000; i++) {
		json_t *j = line(&o, i, &b, &p);
		const char *s;

		cr_assert(p.hard_negative);
		all_text(j, &t);
		for (s = t.data; (s = strstr(s, "AKIA")); s++)
			cr_assert(!strncmp(s, "AKIAIOSFODNN7EXAMPLE", 20), "line %llu: a live-looking AWS key",
				  (unsigned long long)i);
		for (s = t.data; (s = strchr(s, '@')); s++) {
			/* an address: a local part before '@', a dotted domain after
			 * (decorators, annotations and action refs have neither) */
			const char *d = s + 1;
			size_t dl = strspn(d, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");

			if (s == t.data || !(isalnum((unsigned char)s[-1]) || strchr("._+-", s[-1])))
				continue;
			if (!memchr(d, '.', dl))
				continue;
			cr_assert(dl >= 11 && !strncmp(d, "example.com", 11),
				  "line %llu: address-like '%.40s'", (unsigned long long)i, s > t.data + 10 ? s - 10 : s);
		}
		seen_example += strstr(t.data, "user@example.com") != NULL;
		seen_private += strstr(t.data, "192.168.") || strstr(t.data, "10.0.0.5");
		cr_assert_null(strstr(t.data, "sk_live_"));
		cr_assert_null(strstr(t.data, "ghp_"));
		json_decref(j);
	}
	cr_assert_gt(seen_example, 100);
	cr_assert_gt(seen_private, 100);
	buf_release(&b);
	buf_release(&t);
}

Test(synth, created_at_window)
{
	struct synth_opts o = opts(11, N);
	struct buf b = BUF_INIT;
	struct synth_props p;
	int64_t prev = INT64_MIN, start = NOW - 30 * 86400;
	unsigned first = 0, last = 0, work = 0;

	for (uint64_t i = 0; i < N; i++) {
		json_t *j = line(&o, i, &b, &p);
		const char *ts = str(j, "created_at");
		int64_t t, h;

		cr_assert_not_null(ts);
		cr_assert_eq(strlen(ts), 20, "'%s'", ts);
		cr_assert_eq(ts[19], 'Z');
		cr_assert_eq(time_parse_rfc3339(ts, strlen(ts), &t), 0, "'%s'", ts);
		cr_assert_eq(t, p.created_at);
		cr_assert(t >= start && t <= NOW, "'%s' outside the window", ts);
		cr_assert_geq(t, prev, "line %llu goes back in time", (unsigned long long)i);
		prev = t;
		first += t < start + 10 * 86400;
		last += t >= NOW - 10 * 86400;
		h = (t % 86400) / 3600;
		work += h >= 8 && h < 18;
		json_decref(j);
	}
	cr_assert_gt(last, first + first / 2, "not denser recently: %u vs %u", last, first);
	cr_assert_gt(work, N / 2, "only %u in working hours", work);
	/* without a total, times are independent but still in the window */
	o.total = 0;
	o.days = 3;
	for (uint64_t i = 0; i < 200; i++) {
		json_t *j = line(&o, i, &b, &p);

		cr_assert(p.created_at >= NOW - 3 * 86400 && p.created_at <= NOW);
		json_decref(j);
	}
	buf_release(&b);
}

Test(synth, feedback_lines)
{
	struct synth_opts o = opts(12, N);
	struct buf fb = BUF_INIT;
	unsigned rated = 0, lines = 0, twice = 0, hist[6] = { 0 }, comments = 0;
	for (uint64_t i = 0; i < N; i++) {
		char id[64], *p, *nl;
		unsigned here = 0;
		const char *users[2] = { NULL, NULL };

		buf_reset(&fb);
		cr_assert_eq(synth_feedback(&o, i, &fb), 0);
		synth_conversation_id(&o, i, id, sizeof id);
		for (p = fb.data; p && *p; p = nl + 1) {
			json_error_t e;
			json_t *j;
			json_int_t r;

			nl = strchr(p, '\n');
			cr_assert_not_null(nl, "feedback line without newline");
			j = json_loadb(p, (size_t)(nl - p), JSON_REJECT_DUPLICATES, &e);
			cr_assert_not_null(j, "%s", e.text);
			cr_assert_str_eq(str(j, "conversation_id"), id);
			cr_assert(json_is_integer(json_object_get(j, "rating")));
			r = json_integer_value(json_object_get(j, "rating"));
			cr_assert(r >= 1 && r <= 5);
			hist[r]++;
			cr_assert(str(j, "user_id") && *str(j, "user_id"));
			if (json_object_get(j, "comment")) {
				cr_assert(str(j, "comment") && *str(j, "comment"));
				comments++;
			}
			if (here < 2)
				users[here] = strdup(str(j, "user_id"));
			here++;
			lines++;
			json_decref(j);
		}
		cr_assert_leq(here, 2);
		if (here == 2) {
			cr_assert_str_neq(users[0], users[1], "rated twice by the same user");
			twice++;
		}
		rated += here > 0;
		free((char *)users[0]);
		free((char *)users[1]);
	}
	cr_assert(fabs((double)rated / N - 0.6) < 0.03, "rated %u of %d", rated, N);
	cr_assert_gt(twice, rated / 40);
	cr_assert_gt(comments, lines / 10);
	cr_assert(fabs((double)(hist[4] + hist[5]) / lines - 0.65) < 0.04, "4-5 stars: %u of %u",
		  hist[4] + hist[5], lines);
	cr_assert(hist[5] > hist[3] && hist[4] > hist[2] && hist[1] > 0);
	o.feedback_rate = 0;
	buf_reset(&fb);
	for (uint64_t i = 0; i < 100; i++)
		cr_assert_eq(synth_feedback(&o, i, &fb), 0);
	cr_assert_eq(fb.len, 0);
	buf_release(&fb);
}

Test(synth, incomplete_conversations_rate_low)
{
	struct synth_opts o = opts(13, N);
	struct buf b = BUF_INIT, fb = BUF_INIT;
	struct synth_props p;
	double sum_inc = 0, sum_ok = 0;
	unsigned n_inc = 0, n_ok = 0;

	o.incomplete_rate = 0.3;
	for (uint64_t i = 0; i < N; i++) {
		char *s;

		buf_reset(&b);
		buf_reset(&fb);
		cr_assert_eq(synth_conversation(&o, i, &b, &p), 0);
		cr_assert_eq(synth_feedback(&o, i, &fb), 0);
		for (s = fb.data; s && (s = strstr(s, "\"rating\":")); s++) {
			double r = s[9] - '0';

			if (p.incomplete) {
				sum_inc += r;
				n_inc++;
			} else {
				sum_ok += r;
				n_ok++;
			}
		}
	}
	cr_assert_lt(sum_inc / n_inc + 1.0, sum_ok / n_ok, "incomplete %.2f vs %.2f",
		     sum_inc / n_inc, sum_ok / n_ok);
	buf_release(&b);
	buf_release(&fb);
}

Test(synth, duplicates)
{
	struct synth_opts o = opts(14, 5000);
	struct buf b = BUF_INIT;
	struct synth_props p;
	char **keys = calloc(5000, sizeof *keys);
	unsigned dups = 0;

	o.dup_rate = 0.3;
	for (uint64_t i = 0; i < 5000; i++) {
		json_t *j = line(&o, i, &b, &p), *s = synth_meta(j);

		keys[i] = qa_key(j);
		if (p.dup) {
			char id[64];

			dups++;
			cr_assert_lt(p.dup_of, i);
			synth_conversation_id(&o, p.dup_of, id, sizeof id);
			cr_assert_str_eq(str(s, "dup_of"), id);
			cr_assert_str_eq(keys[i], keys[p.dup_of], "line %llu is not an exact copy of %llu",
					 (unsigned long long)i, (unsigned long long)p.dup_of);
		} else {
			cr_assert_null(json_object_get(s, "dup_of"));
		}
		json_decref(j);
	}
	cr_assert(fabs(dups / 5000.0 - 0.3) < 0.03, "%u duplicates", dups);
	for (int i = 0; i < 5000; i++)
		free(keys[i]);
	free(keys);
	buf_release(&b);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Without --dup-rate, exact repeats of a question and answer are rare,
 * and the questions themselves vary. */
Test(synth, variety)
{
	struct synth_opts o = opts(15, N);
	struct buf b = BUF_INIT;
	struct synth_props p;
	char **keys = calloc(N, sizeof *keys);
	unsigned same = 0, langs = 0, topics = 0;
	const char *seen_langs[32], *seen_topics[128];

	for (uint64_t i = 0; i < N; i++) {
		json_t *j = line(&o, i, &b, &p);
		unsigned k;

		keys[i] = qa_key(j);
		for (k = 0; k < langs && strcmp(seen_langs[k], p.lang); k++)
			;
		if (k == langs && langs < 32)
			seen_langs[langs++] = p.lang;
		for (k = 0; k < topics && strcmp(seen_topics[k], p.topic); k++)
			;
		if (k == topics && topics < 128)
			seen_topics[topics++] = p.topic;
		json_decref(j);
	}
	qsort(keys, N, sizeof *keys, cmp_str);
	for (int i = 1; i < N; i++)
		same += !strcmp(keys[i - 1], keys[i]);
	cr_assert_lt(same, N / 200, "%u exact repeats without --dup-rate", same);
	cr_assert_geq(langs, 14, "only %u languages", langs);
	cr_assert_geq(topics, 40, "only %u topics", topics);
	for (int i = 0; i < N; i++)
		free(keys[i]);
	free(keys);
	buf_release(&b);
}

Test(synth, bad_options)
{
	struct synth_opts o = opts(1, 0);
	struct buf b = BUF_INIT;

	o.pii_rate = 1.5;
	cr_assert_eq(synth_conversation(&o, 0, &b, NULL), SYNTH_BAD_OPTS);
	o.pii_rate = 0.1;
	o.days = 0;
	cr_assert_eq(synth_conversation(&o, 0, &b, NULL), SYNTH_BAD_OPTS);
	cr_assert_eq(synth_feedback(&o, 0, &b), SYNTH_BAD_OPTS);
	o.days = 30;
	o.users = 0;
	cr_assert_eq(synth_opts_check(&o), SYNTH_BAD_OPTS);
	o.users = 1;
	cr_assert_eq(synth_opts_check(&o), SYNTH_OK);
	cr_assert_eq(b.len, 0);
	/* a buffer too small for a line fails cleanly */
	buf_init(&b, 64);
	cr_assert_eq(synth_conversation(&o, 0, &b, NULL), BUF_TOO_LARGE);
	buf_release(&b);
	cr_assert_eq(synth_shape_from_name("simple"), SYNTH_SHAPE_SIMPLE);
	cr_assert_eq(synth_shape_from_name("nope"), -1);
}

Test(synth, shapes_forced)
{
	struct synth_opts o = opts(16, 500);
	struct buf b = BUF_INIT;
	struct synth_props p;

	o.shape = SYNTH_SHAPE_SIMPLE;
	for (uint64_t i = 0; i < 500; i++) {
		json_t *j = line(&o, i, &b, &p);

		cr_assert(json_object_get(j, "question") && !json_object_get(j, "messages"));
		json_decref(j);
	}
	o.shape = SYNTH_SHAPE_MESSAGES;
	for (uint64_t i = 0; i < 500; i++) {
		json_t *j = line(&o, i, &b, &p);

		cr_assert(json_object_get(j, "messages") && !json_object_get(j, "question"));
		json_decref(j);
	}
	buf_release(&b);
}

/* Run `cerberus synth ARGS` with stdout captured into a file; returns the
 * exit status and the output in *out (caller frees). */
static int run_cmd(char **argv, int argc, char **out, size_t *outlen)
{
	char path[] = "/tmp/test_synth_out_XXXXXX";
	int fd = mkstemp(path), saved, rc;
	FILE *f;

	cr_assert_geq(fd, 0);
	fflush(stdout);
	saved = dup(1);
	dup2(fd, 1);
	rc = cmd_synth(argc, argv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	close(fd);
	f = fopen(path, "rb");
	cr_assert_not_null(f);
	fseek(f, 0, SEEK_END);
	*outlen = (size_t)ftell(f);
	rewind(f);
	*out = malloc(*outlen + 1);
	cr_assert_eq(fread(*out, 1, *outlen, f), *outlen);
	(*out)[*outlen] = '\0';
	fclose(f);
	unlink(path);
	return rc;
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; (s = strchr(s, '\n')); s++)
		n++;
	return n;
}

Test(synth_cmd, writes_lines_and_feedback)
{
	char fbpath[] = "/tmp/test_synth_fb_XXXXXX";
	int fd = mkstemp(fbpath);
	char *a1 = NULL, *a2 = NULL, *fbdata;
	size_t l1, l2, fblen;
	FILE *f;
	char *argv1[] = { "synth", "--count", "3000", "--seed", "3", "--now", "2026-11-20T12:00:00Z",
			  "--jobs", "1", "--feedback", fbpath, NULL };
	char *argv2[] = { "synth", "--count", "3000", "--seed", "3", "--now", "2026-11-20T14:00:00+02:00",
			  "--jobs", "3", NULL };

	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(run_cmd(argv1, 11, &a1, &l1), 0);
	cr_assert_eq(run_cmd(argv2, 9, &a2, &l2), 0);
	cr_assert_eq(count_lines(a1), 3000);
	cr_assert_eq(l1, l2, "--jobs changes the output");
	cr_assert(!memcmp(a1, a2, l1), "--jobs changes the output");
	cr_assert(!strncmp(a1, "{\"conversation_id\":\"syn-3-0\"", 28));
	f = fopen(fbpath, "rb");
	cr_assert_not_null(f);
	fbdata = calloc(1, 1 << 20);
	fblen = fread(fbdata, 1, (1 << 20) - 1, f);
	fclose(f);
	unlink(fbpath);
	cr_assert_gt(count_lines(fbdata), 1500);
	cr_assert_lt(count_lines(fbdata), 2200);
	cr_assert_eq(fbdata[fblen - 1], '\n');
	cr_assert(!strncmp(fbdata, "{\"conversation_id\":\"syn-3-", 26));
	free(a1);
	free(a2);
	free(fbdata);
}

Test(synth_cmd, start_splits_a_run)
{
	char *whole, *p1, *p2;
	size_t lw, l1, l2;
	char *aw[] = { "synth", "--count", "2000", "--now", "2026-11-20T12:00:00Z", NULL };
	char *a1[] = { "synth", "--count", "1200", "--start", "0", "--now", "2026-11-20T12:00:00Z", NULL };
	char *a2[] = { "synth", "--count", "800", "--start", "1200", "--now", "2026-11-20T12:00:00Z", NULL };

	cr_assert_eq(run_cmd(aw, 5, &whole, &lw), 0);
	cr_assert_eq(run_cmd(a1, 7, &p1, &l1), 0);
	cr_assert_eq(run_cmd(a2, 7, &p2, &l2), 0);
	cr_assert_eq(l1 + l2, lw);
	cr_assert(!memcmp(whole + l1, p2, l2), "the second part differs from the whole run");
	/* timestamps follow the range I+N, so part one is not a prefix */
	free(whole);
	free(p1);
	free(p2);
}

Test(synth_cmd, usage)
{
	char *out;
	size_t len;
	char *help[] = { "synth", "--help", NULL };
	char *bad1[] = { "synth", "--pii-rate", "1.5", NULL };
	char *bad2[] = { "synth", "--shape", "round", NULL };
	char *bad3[] = { "synth", "--now", "yesterday", NULL };
	char *bad4[] = { "synth", "--frobnicate", NULL };
	char *bad5[] = { "synth", "extra", NULL };
	char *bad6[] = { "synth", "--seed", "-1", NULL };
	char *zero[] = { "synth", "--count", "0", NULL };

	cr_assert_eq(run_cmd(help, 2, &out, &len), 0);
	cr_assert_not_null(strstr(out, "usage: cerberus synth"));
	free(out);
	cr_assert_eq(run_cmd(bad1, 3, &out, &len), 2);
	free(out);
	cr_assert_eq(run_cmd(bad2, 3, &out, &len), 2);
	free(out);
	cr_assert_eq(run_cmd(bad3, 3, &out, &len), 2);
	free(out);
	cr_assert_eq(run_cmd(bad4, 2, &out, &len), 2);
	free(out);
	cr_assert_eq(run_cmd(bad5, 2, &out, &len), 2);
	cr_assert_eq(len, 0);
	free(out);
	cr_assert_eq(run_cmd(bad6, 3, &out, &len), 2);
	free(out);
	cr_assert_eq(run_cmd(zero, 3, &out, &len), 0);
	cr_assert_eq(len, 0);
	free(out);
}
