/* format: export formats and the OpenAI chat checks (see format.h). */
#include "core/format.h"
#include "util/jscan.h"
#include "util/jsonw.h"

#include <stdlib.h>
#include <string.h>

const char *const format_names[] = {
	"openai", "messages", "sharegpt", "alpaca", "completion", "dpo-openai", "dpo-trl", NULL,
};

int format_kind(const char *name)
{
	for (int i = 0; format_names[i]; i++)
		if (!strcmp(format_names[i], name))
			return i;
	return -1;
}

bool format_known(const char *name)
{
	return format_kind(name) >= 0;
}

bool format_is_pair(enum format_kind k)
{
	return k == FORMAT_DPO_OPENAI || k == FORMAT_DPO_TRL;
}

void example_init(struct example *e)
{
	memset(e, 0, sizeof(*e));
	buf_init(&e->text, 0);
	e->last = -1;
}

void example_release(struct example *e)
{
	free(e->m);
	buf_release(&e->text);
	example_init(e);
}

static int add_msg(struct example *e, enum conv_role role, size_t off, size_t len)
{
	if (e->n == e->cap) {
		size_t nc = e->cap ? e->cap * 2 : 8;
		struct example_msg *nm = realloc(e->m, nc * sizeof(*nm));

		if (!nm)
			return -1;
		e->m = nm;
		e->cap = nc;
	}
	e->m[e->n].role = role;
	e->m[e->n].off = off;
	e->m[e->n].len = len;
	e->n++;
	return 0;
}

static int role_of(const char *s)
{
	static const char *const roles[] = { "system", "user", "assistant", "tool" };

	for (int i = 0; i < 4; i++)
		if (!strcmp(s, roles[i]))
			return i;
	return -1;
}

/* The decoded top-level string "context" of extra, appended to out. */
static int find_context(const char *extra, size_t len, struct buf *out, bool *found)
{
	struct jscan j;
	struct buf key = BUF_INIT;
	int n = 0, rc = -1, more;

	*found = false;
	jscan_init(&j, extra, len);
	if (jscan_enter(&j, '{'))
		goto out;
	while ((more = jscan_next(&j, '}', &n)) == 1) {
		buf_reset(&key);
		if (jscan_key(&j, &key))
			goto out;
		if (!strcmp(buf_cstr(&key), "context") && jscan_peek(&j) == JS_STRING) {
			if (jscan_string(&j, out))
				goto out;
			*found = true;
			rc = 0;
			goto out;
		}
		if (jscan_skip(&j))
			goto out;
	}
	rc = more == 0 ? 0 : -1;
out:
	buf_release(&key);
	return rc;
}

int example_parse(struct example *e, const char *messages, size_t mlen, const char *extra, size_t elen)
{
	struct jscan j;
	struct buf key = BUF_INIT, role = BUF_INIT, ctx = BUF_INIT;
	int n = 0, more, rc = -1;
	bool have_ctx = false, ctx_done = false;

	e->n = 0;
	e->last = -1;
	buf_reset(&e->text);
	if (buf_grow(&e->text, 1))
		goto out;  /* contents are never a NULL pointer */
	if (extra && elen && memmem(extra, elen, "\"context\"", 9) && find_context(extra, elen, &ctx, &have_ctx))
		goto out;
	jscan_init(&j, messages, mlen);
	if (jscan_enter(&j, '['))
		goto out;
	while ((more = jscan_next(&j, ']', &n)) == 1) {
		int k = 0, r = -1;
		size_t off = e->text.len;
		bool content = false;

		buf_reset(&role);
		if (jscan_enter(&j, '{'))
			goto out;
		while ((more = jscan_next(&j, '}', &k)) == 1) {
			buf_reset(&key);
			if (jscan_key(&j, &key))
				goto out;
			if (!strcmp(buf_cstr(&key), "role") && jscan_peek(&j) == JS_STRING) {
				if (jscan_string(&j, &role))
					goto out;
			} else if (!strcmp(buf_cstr(&key), "content") && jscan_peek(&j) == JS_STRING && !content) {
				if (jscan_string(&j, &e->text))
					goto out;
				content = true;
			} else if (jscan_skip(&j)) {
				goto out;
			}
		}
		if (more < 0 || !content || (r = role_of(buf_cstr(&role))) < 0)
			goto out;
		if (r == ROLE_USER && have_ctx && !ctx_done && ctx.len) {
			if (buf_puts(&e->text, "\n\n") || buf_append(&e->text, ctx.data, ctx.len))
				goto out;
			ctx_done = true;
		}
		if (add_msg(e, (enum conv_role)r, off, e->text.len - off))
			goto out;
	}
	if (more < 0 || !jscan_end(&j))
		goto out;
	for (size_t i = e->n; i-- > 0;)
		if (e->m[i].role == ROLE_ASSISTANT) {
			e->last = (long)i;
			break;
		}
	rc = 0;
out:
	buf_release(&key);
	buf_release(&role);
	buf_release(&ctx);
	return rc;
}

int example_prompt_text(const struct example *e, struct buf *out)
{
	bool first = true;

	for (size_t i = 0; i < e->n; i++) {
		if (e->m[i].role != ROLE_USER || (e->last >= 0 && (long)i > e->last))
			continue;
		if ((!first && buf_putc(out, '\n')) || buf_append(out, example_content(e, i), e->m[i].len))
			return -1;
		first = false;
	}
	return 0;
}

/* Byte classes for the token estimate: 0 space, 1 word start, 2 word
 * continuation (UTF-8 continuation bytes), 3 punctuation. */
static inline unsigned char tok_class(unsigned char c)
{
	if (c == ' ' || c == '\n' || c == '\t' || c == '\r')
		return 0;
	if ((unsigned)((c | 32) - 'a') < 26u || (unsigned)(c - '0') < 10u || c >= 0xc0)
		return 1;
	if (c >= 0x80)
		return 2;
	return 3;
}

long example_tokens(const struct example *e)
{
	long t = 3;
	for (size_t i = 0; i < e->n; i++) {
		const unsigned char *s = (const unsigned char *)example_content(e, i);
		size_t n = e->m[i].len, w = 0;

		t += 4;
		for (size_t k = 0; k < n; k++) {
			unsigned char c = tok_class(s[k]);

			if (c == 1) {
				w++;
			} else if (c != 2) {
				t += (long)((w + 3) / 4) + (c == 3);
				w = 0;
			}
		}
		t += (long)((w + 3) / 4);
	}
	return t;
}

static int put_str(struct buf *b, const struct example *e, size_t i)
{
	return jsonw_string(b, example_content(e, i), e->m[i].len);
}

/* [{"role":..,"content":..},...] of messages [from, to). */
static int put_messages(struct buf *b, const struct example *e, size_t from, size_t to, unsigned flags)
{
	if (buf_putc(b, '['))
		return -1;
	for (size_t i = from; i < to; i++) {
		if ((i > from && buf_putc(b, ',')) || buf_puts(b, "{\"role\":\"") ||
		    buf_puts(b, conv_role_name(e->m[i].role)) || buf_puts(b, "\",\"content\":") || put_str(b, e, i))
			return -1;
		if ((flags & FORMAT_LAST_TURN_ONLY) && e->m[i].role == ROLE_ASSISTANT &&
		    buf_puts(b, (long)i == e->last ? ",\"weight\":1" : ",\"weight\":0"))
			return -1;
		if (buf_putc(b, '}'))
			return -1;
	}
	return buf_putc(b, ']');
}

static const char *sharegpt_from(enum conv_role r)
{
	switch (r) {
	case ROLE_SYSTEM:
		return "system";
	case ROLE_USER:
		return "human";
	case ROLE_ASSISTANT:
		return "gpt";
	default:
		return "observation";
	}
}

static int put_sharegpt(struct buf *b, const struct example *e, const char *id)
{
	if (buf_puts(b, "{\"id\":") || jsonw_cstr(b, id ? id : "") || buf_puts(b, ",\"conversations\":["))
		return -1;
	for (size_t i = 0; i < e->n && (long)i <= e->last; i++)
		if ((i && buf_putc(b, ',')) || buf_puts(b, "{\"from\":\"") || buf_puts(b, sharegpt_from(e->m[i].role)) ||
		    buf_puts(b, "\",\"value\":") || put_str(b, e, i) || buf_putc(b, '}'))
			return -1;
	return buf_puts(b, "]}\n");
}

/* The user message that the final answer answers (the last before it). */
static long last_user(const struct example *e)
{
	for (long i = e->last; i-- > 0;)
		if (e->m[i].role == ROLE_USER)
			return i;
	return -1;
}

static int put_alpaca(struct buf *b, const struct example *e)
{
	long u = last_user(e), prev_user = -1;
	bool hist = false;

	if (u < 0)
		return -1;
	if (buf_puts(b, "{\"instruction\":") || put_str(b, e, (size_t)u) || buf_puts(b, ",\"input\":\"\",\"output\":") ||
	    put_str(b, e, (size_t)e->last))
		return -1;
	if (e->n && e->m[0].role == ROLE_SYSTEM && (buf_puts(b, ",\"system\":") || put_str(b, e, 0)))
		return -1;
	/* earlier exchanges as [user, assistant] pairs */
	for (long i = 0; i < u; i++) {
		if (e->m[i].role == ROLE_USER) {
			prev_user = i;
		} else if (e->m[i].role == ROLE_ASSISTANT && prev_user >= 0) {
			if (buf_puts(b, hist ? ",[" : ",\"history\":[[") || put_str(b, e, (size_t)prev_user) ||
			    buf_putc(b, ',') || put_str(b, e, (size_t)i) || buf_putc(b, ']'))
				return -1;
			hist = true;
			prev_user = -1;
		}
	}
	if (hist && buf_putc(b, ']'))
		return -1;
	return buf_puts(b, "}\n");
}

static int put_completion(struct buf *b, const struct example *e)
{
	struct buf p = BUF_INIT;
	int rc = -1;

	for (long i = 0; i < e->last; i++) {
		static const char *const label[] = { "System: ", "User: ", "Assistant: ", "Tool: " };

		if (buf_puts(&p, label[e->m[i].role]) || buf_append(&p, example_content(e, (size_t)i), e->m[i].len) ||
		    buf_puts(&p, "\n\n"))
			goto out;
	}
	if (buf_puts(&p, "Assistant:") || buf_puts(b, "{\"prompt\":") || jsonw_string(b, p.data, p.len))
		goto out;
	/* the completion starts with the space after "Assistant:" */
	buf_reset(&p);
	if (buf_putc(&p, ' ') || buf_append(&p, example_content(e, (size_t)e->last), e->m[e->last].len) ||
	    buf_puts(b, ",\"completion\":") || jsonw_string(b, p.data, p.len))
		goto out;
	rc = buf_puts(b, "}\n");
out:
	buf_release(&p);
	return rc;
}

int format_example(enum format_kind k, const struct example *e, const char *id, unsigned flags, struct buf *out)
{
	if (e->last < 0)
		return -1;
	switch (k) {
	case FORMAT_OPENAI:
	case FORMAT_MESSAGES:
		if (buf_puts(out, "{\"messages\":") ||
		    put_messages(out, e, 0, (size_t)e->last + 1, k == FORMAT_OPENAI ? flags : 0))
			return -1;
		return buf_puts(out, "}\n");
	case FORMAT_SHAREGPT:
		return put_sharegpt(out, e, id);
	case FORMAT_ALPACA:
		return put_alpaca(out, e);
	case FORMAT_COMPLETION:
		return put_completion(out, e);
	default:
		return -1;
	}
}

int format_pair(enum format_kind k, const struct example *chosen, const struct example *rejected, struct buf *out)
{
	size_t pc = (size_t)chosen->last, pr = (size_t)rejected->last;

	if (chosen->last < 0 || rejected->last < 0)
		return -1;
	if (k == FORMAT_DPO_OPENAI) {
		if (buf_puts(out, "{\"input\":{\"messages\":") || put_messages(out, chosen, 0, pc, 0) ||
		    buf_puts(out, "},\"preferred_output\":") || put_messages(out, chosen, pc, pc + 1, 0) ||
		    buf_puts(out, ",\"non_preferred_output\":") || put_messages(out, rejected, pr, pr + 1, 0))
			return -1;
		return buf_puts(out, "}\n");
	}
	if (k == FORMAT_DPO_TRL) {
		if (buf_puts(out, "{\"prompt\":") || put_messages(out, chosen, 0, pc, 0) || buf_puts(out, ",\"chosen\":") ||
		    put_messages(out, chosen, pc, pc + 1, 0) || buf_puts(out, ",\"rejected\":") ||
		    put_messages(out, rejected, pr, pr + 1, 0))
			return -1;
		return buf_puts(out, "}\n");
	}
	return -1;
}

static const char *const check_names[FCHK_N] = {
	"data_type", "missing_messages_list", "message_missing_key", "message_unrecognized_key",
	"unrecognized_role", "missing_content", "example_missing_assistant_message",
};

const char *format_check_name(unsigned i)
{
	return i < FCHK_N ? check_names[i] : NULL;
}

static bool in_list(const char *s, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

/* Check one message object; sets the hit bits. */
static int check_message(struct jscan *j, unsigned *hit, bool *assistant, bool *sys, bool *user)
{
	static const char *const keys[] = { "role", "content", "name", "function_call", "weight", NULL };
	static const char *const roles[] = { "system", "user", "assistant", "function", "tool", NULL };
	struct buf key = BUF_INIT, role = BUF_INIT;
	bool has_role = false, has_content = false, good_content = false;
	int k = 0, more, rc = -1;

	if (jscan_peek(j) != JS_OBJECT) {
		*hit |= 1u << FCHK_MISSING_FIELD;
		rc = jscan_skip(j);
		goto out;
	}
	if (jscan_enter(j, '{'))
		goto out;
	while ((more = jscan_next(j, '}', &k)) == 1) {
		buf_reset(&key);
		if (jscan_key(j, &key))
			goto out;
		if (!in_list(buf_cstr(&key), keys))
			*hit |= 1u << FCHK_UNKNOWN_KEY;
		if (!strcmp(buf_cstr(&key), "role")) {
			has_role = true;
			if (jscan_peek(j) == JS_STRING) {
				buf_reset(&role);
				if (jscan_string(j, &role))
					goto out;
				continue;
			}
		} else if (!strcmp(buf_cstr(&key), "content")) {
			has_content = true;
			if (jscan_peek(j) == JS_STRING) {
				size_t start = j->pos;
				if (jscan_skip(j))
					goto out;
				good_content = j->pos - start > 2;  /* more than "" */
				continue;
			}
		}
		if (jscan_skip(j))
			goto out;
	}
	if (more < 0)
		goto out;
	if (!has_role || !has_content)
		*hit |= 1u << FCHK_MISSING_FIELD;
	if (has_role && !in_list(buf_cstr(&role), roles))
		*hit |= 1u << FCHK_UNKNOWN_ROLE;
	if (has_content && !good_content)
		*hit |= 1u << FCHK_EMPTY_CONTENT;
	*assistant |= !strcmp(buf_cstr(&role), "assistant");
	*sys |= !strcmp(buf_cstr(&role), "system");
	*user |= !strcmp(buf_cstr(&role), "user");
	rc = 0;
out:
	buf_release(&key);
	buf_release(&role);
	return rc;
}

int format_check_chat_line(const char *line, size_t len, struct format_check *c)
{
	struct jscan j;
	struct buf key = BUF_INIT;
	unsigned hit = 0;
	bool messages = false, assistant = false, sys = false, user = false;
	int n = 0, more, nhit = 0;

	c->examples++;
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	jscan_init(&j, line, len);
	if (jscan_peek(&j) != JS_OBJECT || jscan_enter(&j, '{')) {
		hit |= 1u << FCHK_NOT_OBJECT;
		goto done;
	}
	while ((more = jscan_next(&j, '}', &n)) == 1) {
		buf_reset(&key);
		if (jscan_key(&j, &key))
			break;
		if (strcmp(buf_cstr(&key), "messages") || jscan_peek(&j) != JS_ARRAY) {
			if (jscan_skip(&j))
				break;
			continue;
		}
		int m = 0, count = 0;
		if (jscan_enter(&j, '['))
			break;
		while ((more = jscan_next(&j, ']', &m)) == 1) {
			count++;
			if (check_message(&j, &hit, &assistant, &sys, &user))
				break;
		}
		if (more < 0)
			break;
		messages = count > 0;
	}
	if (j.err || !jscan_end(&j)) {
		hit |= 1u << FCHK_NOT_OBJECT;
		goto done;
	}
	if (!messages)
		hit |= 1u << FCHK_MISSING_MESSAGES;
	else if (!assistant)
		hit |= 1u << FCHK_NO_ASSISTANT;
	c->no_system += messages && !sys;
	c->no_user += messages && !user;
done:
	for (unsigned i = 0; i < FCHK_N; i++)
		if (hit & 1u << i) {
			c->errors[i]++;
			nhit++;
		}
	buf_release(&key);
	return nhit;
}
