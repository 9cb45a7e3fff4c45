/*
 * conv: parse, validate, scrub and serialise one conversation (see conv.h).
 */
#include "core/conv.h"
#include "core/scrub.h"
#include "util/buf.h"
#include "util/jscan.h"
#include "util/jsonw.h"
#include "util/timeutil.h"
#include "util/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The deepest metadata we accept; deeper nesting is refused, not truncated. */
#define METADATA_MAX_DEPTH 32

static const char *const role_names[] = { "system", "user", "assistant", "tool" };

const char *conv_role_name(enum conv_role r)
{
	return (unsigned)r < 4 ? role_names[r] : "?";
}

bool conv_id_valid(const char *id, size_t len)
{
	if (len == 0 || len > CONV_ID_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = id[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      ch == '.' || ch == '_' || ch == ':' || ch == '-'))
			return false;
	}
	return true;
}

void conv_release(struct conversation *c)
{
	for (size_t i = 0; i < c->nmessages; i++) {
		free(c->messages[i].content);
		free(c->messages[i].finish_reason);
	}
	free(c->messages);
	free(c->id);
	free(c->user_id);
	free(c->session_id);
	free(c->model);
	free(c->context);
	free(c->language);
	free(c->framework);
	free(c->metadata);
	memset(c, 0, sizeof(*c));
}

static void fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* What the scan found for one field, before validation. */
struct field {
	enum jscan_type type;  /* JS_ERROR when absent */
	char *str;             /* decoded, when a string */
	size_t len;
};

static const char *jtype_name(enum jscan_type t)
{
	switch (t) {
	case JS_OBJECT: return "an object";
	case JS_ARRAY: return "an array";
	case JS_STRING: return "a string";
	case JS_NUMBER: return "a number";
	case JS_TRUE: case JS_FALSE: return "a boolean";
	case JS_NULL: return "null";
	case JS_ERROR: break;
	}
	return "nothing";
}

static char *detach_str(struct buf *b, size_t *len)
{
	*len = b->len;
	return buf_detach(b);
}

/* Read the value of a field: strings are decoded, anything else skipped. */
static int read_field(struct jscan *j, struct field *f, struct buf *tmp)
{
	f->type = jscan_peek(j);
	if (f->type == JS_STRING) {
		buf_reset(tmp);
		if (jscan_string(j, tmp))
			return -1;
		f->str = detach_str(tmp, &f->len);
		return f->str ? 0 : -1;
	}
	return jscan_skip(j);
}

/*
 * Check a string field. Absent or null: *out stays NULL. Wrong type, too
 * long or empty when required: -1 with a message. Takes the string.
 */
static int take_string(struct field *f, const char *key, size_t max, bool required, char **out,
		       size_t *lenp, char *err, size_t errlen)
{
	if (f->type == JS_ERROR || f->type == JS_NULL) {
		if (required) {
			fail(err, errlen, "missing required field '%s'", key);
			return -1;
		}
		return 0;
	}
	if (f->type != JS_STRING) {
		fail(err, errlen, "field '%s': expected a string, got %s", key, jtype_name(f->type));
		return -1;
	}
	if (max && f->len > max) {
		fail(err, errlen, "field '%s': longer than %zu bytes", key, max);
		return -1;
	}
	if (required && f->len == 0) {
		fail(err, errlen, "field '%s': must not be empty", key);
		return -1;
	}
	*out = f->str;
	f->str = NULL;
	if (lenp)
		*lenp = f->len;
	return 0;
}

static int parse_role(const char *s, enum conv_role *r)
{
	for (unsigned i = 0; i < 4; i++) {
		if (!strcmp(s, role_names[i])) {
			*r = (enum conv_role)i;
			return 0;
		}
	}
	return -1;
}

enum {
	F_CONVERSATION_ID, F_USER_ID, F_SESSION_ID, F_CREATED_AT, F_MODEL, F_QUESTION, F_ANSWER,
	F_CONTEXT, F_LANGUAGE, F_FRAMEWORK, F_MESSAGES, F_METADATA, F_COUNT
};

static const char *const field_names[F_COUNT] = {
	"conversation_id", "user_id", "session_id", "created_at", "model", "question", "answer",
	"context", "language", "framework", "messages", "metadata",
};

/* The scan of a whole record. */
struct record {
	struct field f[F_COUNT];
	size_t meta_start, meta_end;
	int meta_depth;
	char msg_err[200];      /* the first problem inside messages */
	struct conv_message *msgs;
	size_t nmsgs, msgs_alloc;
};

static void record_release(struct record *r)
{
	for (int i = 0; i < F_COUNT; i++)
		free(r->f[i].str);
	for (size_t i = 0; i < r->nmsgs; i++) {
		free(r->msgs[i].content);
		free(r->msgs[i].finish_reason);
	}
	free(r->msgs);
}

/*
 * finish_reason is free text in the input, so it is kept only as one of the
 * words clients send; anything else becomes "other" (and is never stored).
 */
static const char *finish_reason_word(const char *s)
{
	static const char *const words[] = {
		"stop", "length", "error", "tool_calls", "function_call", "content_filter", "end_turn",
		"max_tokens", "stop_sequence", "tool_use", "cancelled",
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(s, words[i]))
			return words[i];
	return "other";
}

/* One element of "messages". Problems with its content are noted in
 * r->msg_err (the first one wins) while the scan goes on, so that a
 * malformed document is reported as such. */
static int scan_message(struct jscan *j, struct record *r, size_t idx, struct buf *key, struct buf *tmp)
{
	struct field role = { JS_ERROR, NULL, 0 }, content = { JS_ERROR, NULL, 0 }, fr = { JS_ERROR, NULL, 0 };
	struct conv_message m = { ROLE_USER, NULL, 0, NULL };
	int n = 0, more, rc = -1;
	char *e = r->msg_err;
	size_t el = sizeof(r->msg_err);

	if (jscan_peek(j) != JS_OBJECT) {
		if (!*e)
			fail(e, el, "field 'messages[%zu]': expected an object, got %s", idx, jtype_name(jscan_peek(j)));
		return jscan_skip(j);
	}
	if (jscan_enter(j, '{'))
		return -1;
	while ((more = jscan_next(j, '}', &n)) == 1) {
		struct field *f = NULL;
		buf_reset(key);
		if (jscan_key(j, key))
			goto out;
		if (!strcmp(buf_cstr(key), "role"))
			f = &role;
		else if (!strcmp(buf_cstr(key), "content"))
			f = &content;
		else if (!strcmp(buf_cstr(key), "finish_reason"))
			f = &fr;
		if (f && f->type != JS_ERROR) {
			j->err = "duplicate object key";
			j->err_pos = j->pos;
			goto out;
		}
		if (f ? read_field(j, f, tmp) : jscan_skip(j))
			goto out;
	}
	if (more < 0)
		goto out;
	rc = 0;
	if (*e)
		goto out;
	if (role.type == JS_ERROR) {
		fail(e, el, "field 'messages[%zu].role': missing", idx);
	} else if (role.type != JS_STRING || parse_role(role.str, &m.role)) {
		fail(e, el, "field 'messages[%zu].role': expected one of system, user, assistant, tool", idx);
	} else if (content.type == JS_ERROR) {
		fail(e, el, "field 'messages[%zu].content': missing", idx);
	} else if (content.type != JS_STRING) {
		fail(e, el, "field 'messages[%zu].content': expected a string, got %s", idx, jtype_name(content.type));
	} else if (fr.type != JS_ERROR && fr.type != JS_NULL && fr.type != JS_STRING) {
		fail(e, el, "field 'messages[%zu].finish_reason': expected a string, got %s", idx, jtype_name(fr.type));
	} else {
		if (r->nmsgs == r->msgs_alloc) {
			size_t na = r->msgs_alloc ? 2 * r->msgs_alloc : 4;
			struct conv_message *v = realloc(r->msgs, na * sizeof(*v));
			if (!v) {
				fail(e, el, "out of memory");
				goto out;
			}
			r->msgs = v;
			r->msgs_alloc = na;
		}
		m.content = content.str;
		m.content_len = content.len;
		content.str = NULL;
		if (fr.type == JS_STRING && !(m.finish_reason = strdup(finish_reason_word(fr.str)))) {
			free(m.content);
			fail(e, el, "out of memory");
			goto out;
		}
		r->msgs[r->nmsgs++] = m;
	}
out:
	free(role.str);
	free(content.str);
	free(fr.str);
	return rc;
}

static int scan_record(struct jscan *j, struct record *r, char *err, size_t errlen)
{
	struct buf key, tmp;
	int n = 0, more, rc = -1;

	buf_init(&key, 0);
	buf_init(&tmp, 0);
	for (int i = 0; i < F_COUNT; i++)
		r->f[i].type = JS_ERROR;
	if (jscan_enter(j, '{'))
		goto out;
	while ((more = jscan_next(j, '}', &n)) == 1) {
		int k;
		buf_reset(&key);
		if (jscan_key(j, &key))
			goto out;
		for (k = 0; k < F_COUNT; k++)
			if (!strcmp(buf_cstr(&key), field_names[k]))
				break;
		if (k == F_COUNT) {
			if (jscan_skip(j))
				goto out;
			continue;
		}
		if (r->f[k].type != JS_ERROR) {
			j->err = "duplicate object key";
			j->err_pos = j->pos;
			goto out;
		}
		if (k == F_MESSAGES) {
			int m = 0, mm;
			r->f[k].type = jscan_peek(j);
			if (r->f[k].type != JS_ARRAY) {
				if (jscan_skip(j))
					goto out;
				continue;
			}
			if (jscan_enter(j, '['))
				goto out;
			while ((mm = jscan_next(j, ']', &m)) == 1)
				if (scan_message(j, r, (size_t)m - 1, &key, &tmp))
					goto out;
			if (mm < 0)
				goto out;
			r->f[k].len = (size_t)m;
			continue;
		}
		if (k == F_METADATA) {
			r->f[k].type = jscan_peek(j);
			r->meta_start = j->pos;
			j->max_depth = j->depth;
			if (jscan_skip(j))
				goto out;
			r->meta_end = j->pos;
			r->meta_depth = j->max_depth - j->depth;
			continue;
		}
		if (read_field(j, &r->f[k], &tmp))
			goto out;
	}
	if (more == 0 && jscan_end(j))
		rc = 0;
out:
	if (rc)
		fail(err, errlen, "malformed JSON at column %zu: %s", j->err_pos + 1,
		     j->err ? j->err : "invalid document");
	buf_release(&key);
	buf_release(&tmp);
	return rc;
}

int conv_parse(const char *text, size_t len, struct conversation *c, char *err, size_t errlen)
{
	struct jscan j;
	struct record r;
	struct field *f;
	enum jscan_type top;
	int rc = -1;

	memset(c, 0, sizeof(*c));
	memset(&r, 0, sizeof(r));
	jscan_init(&j, text, len);
	top = jscan_peek(&j);
	if (top == JS_ERROR) {
		fail(err, errlen, "malformed JSON at column %zu: %s", j.err_pos + 1, j.err);
		return -1;
	}
	if (top != JS_OBJECT) {
		/* still report malformed text as such */
		if (jscan_skip(&j) || !jscan_end(&j))
			fail(err, errlen, "malformed JSON at column %zu: %s", j.err_pos + 1, j.err);
		else
			fail(err, errlen, "expected a JSON object, got %s", jtype_name(top));
		return -1;
	}
	if (scan_record(&j, &r, err, errlen))
		goto out;

	f = &r.f[F_CONVERSATION_ID];
	if (f->type != JS_ERROR && f->type != JS_NULL) {
		if (f->type != JS_STRING) {
			fail(err, errlen, "field 'conversation_id': expected a string, got %s", jtype_name(f->type));
			goto out;
		}
		if (!conv_id_valid(f->str, f->len)) {
			fail(err, errlen, "field 'conversation_id': must be 1-%d characters of A-Z a-z 0-9 . _ : -",
			     CONV_ID_MAX);
			goto out;
		}
		c->id = f->str;
		f->str = NULL;
	}
	if (take_string(&r.f[F_USER_ID], "user_id", CONV_USER_ID_MAX, true, &c->user_id, NULL, err, errlen) ||
	    take_string(&r.f[F_SESSION_ID], "session_id", CONV_USER_ID_MAX, false, &c->session_id, NULL, err,
			errlen) ||
	    take_string(&r.f[F_MODEL], "model", 128, false, &c->model, NULL, err, errlen))
		goto out;
	f = &r.f[F_CREATED_AT];
	if (f->type != JS_ERROR && f->type != JS_NULL) {
		if (f->type != JS_STRING || time_parse_rfc3339(f->str, f->len, &c->created_at)) {
			fail(err, errlen, "field 'created_at': expected an RFC 3339 timestamp such as 2026-11-20T14:03:00Z");
			goto out;
		}
		c->has_created_at = true;
	}
	if (r.f[F_MESSAGES].type != JS_ERROR && r.f[F_QUESTION].type != JS_ERROR) {
		fail(err, errlen, "record has both 'messages' and 'question': use one shape");
		goto out;
	}
	if (r.f[F_MESSAGES].type != JS_ERROR) {
		c->shape = CONV_SHAPE_MESSAGES;
		if (r.f[F_MESSAGES].type != JS_ARRAY) {
			fail(err, errlen, "field 'messages': expected an array, got %s", jtype_name(r.f[F_MESSAGES].type));
			goto out;
		}
		if (r.msg_err[0]) {
			fail(err, errlen, "%s", r.msg_err);
			goto out;
		}
		if (r.nmsgs == 0) {
			fail(err, errlen, "field 'messages': must not be empty");
			goto out;
		}
		c->messages = r.msgs;
		c->nmessages = r.nmsgs;
		r.msgs = NULL;
		r.nmsgs = 0;
	} else if (r.f[F_QUESTION].type != JS_ERROR) {
		char *q = NULL, *a = NULL;
		size_t qlen = 0, alen = 0;
		c->shape = CONV_SHAPE_SIMPLE;
		if (take_string(&r.f[F_QUESTION], "question", 0, true, &q, &qlen, err, errlen))
			goto out;
		if (r.f[F_ANSWER].type == JS_ERROR) {
			free(q);
			fail(err, errlen, "missing required field 'answer'");
			goto out;
		}
		if (take_string(&r.f[F_ANSWER], "answer", 0, false, &a, &alen, err, errlen) || !a) {
			if (!a && r.f[F_ANSWER].type == JS_NULL)
				fail(err, errlen, "field 'answer': expected a string, got null");
			free(q);
			free(a);
			goto out;
		}
		c->messages = calloc(2, sizeof(*c->messages));
		if (!c->messages) {
			free(q);
			free(a);
			fail(err, errlen, "out of memory");
			goto out;
		}
		c->messages[0] = (struct conv_message){ ROLE_USER, q, qlen, NULL };
		c->messages[1] = (struct conv_message){ ROLE_ASSISTANT, a, alen, NULL };
		c->nmessages = 2;
	} else {
		fail(err, errlen, "missing required field 'messages' (or 'question' and 'answer')");
		goto out;
	}
	if (take_string(&r.f[F_CONTEXT], "context", 0, false, &c->context, NULL, err, errlen) ||
	    take_string(&r.f[F_LANGUAGE], "language", 64, false, &c->language, NULL, err, errlen) ||
	    take_string(&r.f[F_FRAMEWORK], "framework", 64, false, &c->framework, NULL, err, errlen))
		goto out;

	f = &r.f[F_METADATA];
	if (f->type != JS_ERROR && f->type != JS_NULL) {
		if (f->type != JS_OBJECT) {
			fail(err, errlen, "field 'metadata': expected an object, got %s", jtype_name(f->type));
			goto out;
		}
		if (r.meta_depth > METADATA_MAX_DEPTH) {
			fail(err, errlen, "field 'metadata': nested deeper than %d levels", METADATA_MAX_DEPTH);
			goto out;
		}
		c->metadata_len = r.meta_end - r.meta_start;
		if (!(c->metadata = malloc(c->metadata_len + 1))) {
			fail(err, errlen, "out of memory");
			goto out;
		}
		memcpy(c->metadata, text + r.meta_start, c->metadata_len);
		c->metadata[c->metadata_len] = '\0';
	}
	rc = 0;
out:
	record_release(&r);
	if (rc)
		conv_release(c);
	return rc;
}

/* Replace *p (length *lenp) by its scrubbed copy. */
static int scrub_str(char **p, size_t *lenp, struct scrub_ctx *s, struct scrub_counts *counts,
		     struct buf *tmp)
{
	size_t len = lenp ? *lenp : strlen(*p);

	buf_reset(tmp);
	if (scrub_ctx_text(s, *p, len, tmp, counts, NULL))
		return -1;
	if (tmp->len == len && !memcmp(tmp->data ? tmp->data : "", *p, len))
		return 0;
	free(*p);
	*p = buf_detach(tmp);
	if (lenp)
		*lenp = strlen(*p);
	return 0;
}

/*
 * Copy the JSON value at j to out with every string (keys included) passed
 * through the scrubber, or, when out is NULL, only look for findings.
 * The text was validated when the record was parsed.
 */
static int walk_json(struct jscan *j, const struct scrubber *s, struct scrub_ctx *ctx, struct scrub_counts *counts,
		     struct buf *out, struct buf *tmp, struct buf *clean, struct scrub_findings *f, bool *found)
{
	enum jscan_type t = jscan_peek(j);
	size_t start = j->pos;
	int n = 0, more;

	switch (t) {
	case JS_STRING:
		buf_reset(tmp);
		if (jscan_string(j, tmp))
			return -1;
		if (!out) {
			f->n = 0;
			if (scrub_find(s, buf_cstr(tmp), tmp->len, f))
				return -1;
			*found |= f->n > 0;
			return 0;
		}
		buf_reset(clean);
		if (scrub_ctx_text(ctx, buf_cstr(tmp), tmp->len, clean, counts, NULL))
			return -1;
		return jsonw_string(out, buf_cstr(clean), clean->len) ? -1 : 0;
	case JS_OBJECT:
	case JS_ARRAY: {
		char open = t == JS_OBJECT ? '{' : '[', close = t == JS_OBJECT ? '}' : ']';
		if (jscan_enter(j, open) || (out && buf_putc(out, open)))
			return -1;
		while ((more = jscan_next(j, close, &n)) == 1) {
			if (out && n > 1 && buf_putc(out, ','))
				return -1;
			if (t == JS_OBJECT) {
				/* a key is a string value followed by ':' */
				if (walk_json(j, s, ctx, counts, out, tmp, clean, f, found))
					return -1;
				while (j->pos < j->len && j->s[j->pos] != ':')
					j->pos++;
				j->pos++;
				if (out && buf_putc(out, ':'))
					return -1;
			}
			if (walk_json(j, s, ctx, counts, out, tmp, clean, f, found))
				return -1;
		}
		if (more < 0 || (out && buf_putc(out, close)))
			return -1;
		return 0;
	}
	case JS_NUMBER:
		/* a card or phone number can be a JSON number: scrub its text, and
		 * write a placeholder (a string) when anything was found */
		if (jscan_skip(j))
			return -1;
		f->n = 0;
		if (scrub_find(s, j->s + start, j->pos - start, f))
			return -1;
		*found |= !out && f->n > 0;
		if (!out)
			return 0;
		if (!f->n)
			return buf_append(out, j->s + start, j->pos - start) ? -1 : 0;
		buf_reset(clean);
		if (scrub_ctx_text(ctx, j->s + start, j->pos - start, clean, counts, NULL))
			return -1;
		return jsonw_string(out, buf_cstr(clean), clean->len) ? -1 : 0;
	case JS_TRUE:
	case JS_FALSE:
	case JS_NULL:
		if (jscan_skip(j))
			return -1;
		return out && buf_append(out, j->s + start, j->pos - start) ? -1 : 0;
	case JS_ERROR:
		break;
	}
	return -1;
}

static int metadata_walk(const char *text, size_t len, const struct scrubber *s, struct scrub_ctx *ctx,
			 struct scrub_counts *counts, struct buf *out, bool *found)
{
	struct jscan j;
	struct buf tmp, clean;
	struct scrub_findings f = { 0 };
	int rc;

	buf_init(&tmp, 0);
	buf_init(&clean, 0);
	jscan_init(&j, text, len);
	rc = walk_json(&j, s, ctx, counts, out, &tmp, &clean, &f, found) || !jscan_end(&j) ? -1 : 0;
	buf_release(&tmp);
	buf_release(&clean);
	scrub_findings_release(&f);
	return rc;
}

int conv_scrub(struct conversation *c, const struct scrubber *s, struct scrub_counts *counts)
{
	struct scrub_ctx *ctx = scrub_ctx_new(s, SCRUB_MODE_PLACEHOLDER, NULL, 0);
	int rc = ctx ? conv_scrub_ctx(c, ctx, counts) : -1;

	scrub_ctx_free(ctx);
	return rc;
}

int conv_scrub_ctx(struct conversation *c, struct scrub_ctx *s, struct scrub_counts *counts)
{
	struct buf tmp;
	int rc = -1;

	buf_init(&tmp, 0);
	for (size_t i = 0; i < c->nmessages; i++)
		if (scrub_str(&c->messages[i].content, &c->messages[i].content_len, s, counts, &tmp))
			goto out;
	if (c->context && scrub_str(&c->context, NULL, s, counts, &tmp))
		goto out;
	if (c->model && scrub_str(&c->model, NULL, s, counts, &tmp))
		goto out;
	if (c->language && scrub_str(&c->language, NULL, s, counts, &tmp))
		goto out;
	if (c->framework && scrub_str(&c->framework, NULL, s, counts, &tmp))
		goto out;
	if (c->metadata) {
		struct buf m;
		bool unused = false;
		buf_init(&m, 0);
		if (metadata_walk(c->metadata, c->metadata_len, scrub_ctx_scrubber(s), s, counts, &m, &unused)) {
			buf_release(&m);
			goto out;
		}
		free(c->metadata);
		c->metadata_len = m.len;
		c->metadata = buf_detach(&m);
	}
	rc = 0;
out:
	buf_release(&tmp);
	return rc;
}

static int find_any(const struct scrubber *s, const char *p, size_t len, struct scrub_findings *f,
		    bool *found)
{
	f->n = 0;
	if (scrub_find(s, p, len, f))
		return -1;
	if (f->n)
		*found = true;
	return 0;
}

int conv_has_pii(const struct conversation *c, const struct scrubber *s, bool *found)
{
	struct scrub_findings f = { 0 };
	int rc = -1;

	*found = false;
	for (size_t i = 0; i < c->nmessages; i++)
		if (find_any(s, c->messages[i].content, c->messages[i].content_len, &f, found))
			goto out;
	if (c->context && find_any(s, c->context, strlen(c->context), &f, found))
		goto out;
	if (c->metadata && metadata_walk(c->metadata, c->metadata_len, s, NULL, NULL, NULL, found))
		goto out;
	rc = 0;
out:
	scrub_findings_release(&f);
	return rc;
}

int conv_json_has_pii(const char *json, size_t len, const struct scrubber *s, bool *found)
{
	*found = false;
	return metadata_walk(json, len, s, NULL, NULL, NULL, found);
}

int conv_messages_json(const struct conversation *c, struct buf *out)
{
	int rc = buf_putc(out, '[');

	for (size_t i = 0; !rc && i < c->nmessages; i++) {
		const struct conv_message *m = &c->messages[i];
		rc = buf_puts(out, i ? ",{\"role\":\"" : "{\"role\":\"");
		if (!rc)
			rc = buf_puts(out, conv_role_name(m->role));
		if (!rc)
			rc = buf_puts(out, "\",\"content\":");
		if (!rc)
			rc = jsonw_string(out, m->content, m->content_len);
		if (!rc)
			rc = buf_putc(out, '}');
	}
	return rc ? rc : buf_putc(out, ']');
}

int conv_extra_json(const struct conversation *c, struct buf *out)
{
	bool any_fr = false;
	size_t start = out->len;
	int rc = 0;

	for (size_t i = 0; i < c->nmessages; i++)
		any_fr |= c->messages[i].finish_reason != NULL;
	if (!c->context && !c->language && !c->framework && !c->metadata && !any_fr)
		return 0;
	rc = buf_putc(out, '{');
#define FIELD(name, val)                                                   \
	if (!rc && (val)) {                                                \
		rc = buf_puts(out, out->len - start > 1 ? ",\"" name "\":" \
							 : "\"" name "\":"); \
		if (!rc)                                                   \
			rc = jsonw_cstr(out, (val));                       \
	}
	FIELD("context", c->context)
	FIELD("language", c->language)
	FIELD("framework", c->framework)
#undef FIELD
	if (!rc && any_fr) {
		rc = buf_puts(out, out->len - start > 1 ? ",\"finish_reasons\":[" : "\"finish_reasons\":[");
		for (size_t i = 0; !rc && i < c->nmessages; i++) {
			if (i)
				rc = buf_putc(out, ',');
			if (!rc)
				rc = c->messages[i].finish_reason ? jsonw_cstr(out, c->messages[i].finish_reason)
								  : buf_puts(out, "null");
		}
		if (!rc)
			rc = buf_putc(out, ']');
	}
	if (!rc && c->metadata) {
		rc = buf_puts(out, out->len - start > 1 ? ",\"metadata\":" : "\"metadata\":");
		if (!rc)
			rc = buf_append(out, c->metadata, c->metadata_len);
	}
	return rc ? rc : buf_putc(out, '}');
}

size_t conv_response_chars(const struct conversation *c)
{
	for (size_t i = c->nmessages; i-- > 0;)
		if (c->messages[i].role == ROLE_ASSISTANT)
			return utf8_count(c->messages[i].content, c->messages[i].content_len);
	return 0;
}

static bool blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return false;
	return true;
}

bool conv_complete(const struct conversation *c)
{
	enum conv_role prev = ROLE_SYSTEM;
	bool user_seen = false;
	size_t i = 0;

	if (c->nmessages == 0)
		return false;
	if (c->messages[0].role == ROLE_SYSTEM)
		i = 1;
	for (; i < c->nmessages; i++) {
		const struct conv_message *m = &c->messages[i];
		bool first = prev == ROLE_SYSTEM;

		switch (m->role) {
		case ROLE_SYSTEM:
			return false;
		case ROLE_USER:
			/* a turn starts the conversation or follows an answer */
			if (!first && prev != ROLE_ASSISTANT)
				return false;
			if (!blank(m->content, m->content_len))
				user_seen = true;
			break;
		case ROLE_ASSISTANT:
			if (prev != ROLE_USER && prev != ROLE_TOOL)
				return false;
			if (m->finish_reason && (!strcmp(m->finish_reason, "length") ||
						 !strcmp(m->finish_reason, "error")))
				return false;
			break;
		case ROLE_TOOL:
			if (prev != ROLE_ASSISTANT && prev != ROLE_TOOL)
				return false;
			break;
		}
		prev = m->role;
	}
	if (!user_seen || prev != ROLE_ASSISTANT)
		return false;
	return !blank(c->messages[c->nmessages - 1].content, c->messages[c->nmessages - 1].content_len);
}
