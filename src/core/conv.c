/*
 * conv: parse, validate, scrub and serialise one conversation (see conv.h).
 */
#include "core/conv.h"
#include "core/scrub.h"
#include "util/buf.h"
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
	if (c->metadata)
		json_decref(c->metadata);
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

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number";
	case JSON_TRUE: case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "?";
}

static char *dup_string(const json_t *v, size_t *lenp)
{
	size_t len = json_string_length(v);
	char *p = malloc(len + 1);

	if (p) {
		memcpy(p, json_string_value(v), len);
		p[len] = '\0';
	}
	if (lenp)
		*lenp = len;
	return p;
}

/*
 * Read an optional string field. Absent or null: *out stays NULL, 0.
 * Wrong type, too long or empty when required: -1 with a message.
 */
static int opt_string(const json_t *obj, const char *key, size_t max, bool required,
		      char **out, size_t *lenp, char *err, size_t errlen)
{
	const json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v)) {
		if (required) {
			fail(err, errlen, "missing required field '%s'", key);
			return -1;
		}
		return 0;
	}
	if (!json_is_string(v)) {
		fail(err, errlen, "field '%s': expected a string, got %s", key, type_name(v));
		return -1;
	}
	if (max && json_string_length(v) > max) {
		fail(err, errlen, "field '%s': longer than %zu bytes", key, max);
		return -1;
	}
	if (required && json_string_length(v) == 0) {
		fail(err, errlen, "field '%s': must not be empty", key);
		return -1;
	}
	*out = dup_string(v, lenp);
	if (!*out) {
		fail(err, errlen, "out of memory");
		return -1;
	}
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

static int parse_messages(const json_t *arr, struct conversation *c, char *err, size_t errlen)
{
	size_t n = json_array_size(arr);

	if (n == 0) {
		fail(err, errlen, "field 'messages': must not be empty");
		return -1;
	}
	c->messages = calloc(n, sizeof(*c->messages));
	if (!c->messages) {
		fail(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const json_t *m = json_array_get(arr, i);
		const json_t *role, *content, *fr;
		struct conv_message *msg = &c->messages[i];

		if (!json_is_object(m)) {
			fail(err, errlen, "field 'messages[%zu]': expected an object, got %s", i, type_name(m));
			return -1;
		}
		role = json_object_get(m, "role");
		if (!role) {
			fail(err, errlen, "field 'messages[%zu].role': missing", i);
			return -1;
		}
		if (!json_is_string(role) || parse_role(json_string_value(role), &msg->role)) {
			fail(err, errlen, "field 'messages[%zu].role': expected one of system, user, assistant, tool", i);
			return -1;
		}
		content = json_object_get(m, "content");
		if (!content) {
			fail(err, errlen, "field 'messages[%zu].content': missing", i);
			return -1;
		}
		if (!json_is_string(content)) {
			fail(err, errlen, "field 'messages[%zu].content': expected a string, got %s", i,
			     type_name(content));
			return -1;
		}
		fr = json_object_get(m, "finish_reason");
		if (fr && !json_is_null(fr) && !json_is_string(fr)) {
			fail(err, errlen, "field 'messages[%zu].finish_reason': expected a string, got %s", i,
			     type_name(fr));
			return -1;
		}
		msg->content = dup_string(content, &msg->content_len);
		if (fr && json_is_string(fr))
			msg->finish_reason = dup_string(fr, NULL);
		c->nmessages++;
		if (!msg->content || (fr && json_is_string(fr) && !msg->finish_reason)) {
			fail(err, errlen, "out of memory");
			return -1;
		}
	}
	return 0;
}

static int add_message(struct conversation *c, enum conv_role role, char *content, size_t len)
{
	c->messages[c->nmessages].role = role;
	c->messages[c->nmessages].content = content;
	c->messages[c->nmessages].content_len = len;
	c->nmessages++;
	return 0;
}

static int parse_simple(const json_t *root, struct conversation *c, char *err, size_t errlen)
{
	char *q = NULL, *a = NULL;
	size_t qlen = 0, alen = 0;

	if (opt_string(root, "question", 0, true, &q, &qlen, err, errlen))
		return -1;
	if (opt_string(root, "answer", 0, false, &a, &alen, err, errlen) || !a) {
		if (!a && !json_object_get(root, "answer"))
			fail(err, errlen, "missing required field 'answer'");
		else if (!a && json_is_null(json_object_get(root, "answer")))
			fail(err, errlen, "field 'answer': expected a string, got null");
		free(q);
		free(a);
		return -1;
	}
	c->messages = calloc(2, sizeof(*c->messages));
	if (!c->messages) {
		free(q);
		free(a);
		fail(err, errlen, "out of memory");
		return -1;
	}
	add_message(c, ROLE_USER, q, qlen);
	add_message(c, ROLE_ASSISTANT, a, alen);
	if (opt_string(root, "context", 0, false, &c->context, NULL, err, errlen) ||
	    opt_string(root, "language", 64, false, &c->language, NULL, err, errlen) ||
	    opt_string(root, "framework", 64, false, &c->framework, NULL, err, errlen))
		return -1;
	return 0;
}

static int json_depth_ok(const json_t *v, int depth)
{
	size_t i;
	const char *k;
	json_t *x;

	if (depth > METADATA_MAX_DEPTH)
		return 0;
	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, k, x)
			if (!json_depth_ok(x, depth + 1))
				return 0;
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			if (!json_depth_ok(x, depth + 1))
				return 0;
	}
	return 1;
}

int conv_parse(const char *text, size_t len, struct conversation *c, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root;
	const json_t *msgs, *meta, *cid, *created;
	int rc = -1;

	memset(c, 0, sizeof(*c));
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		/* jansson quotes the offending input ("near '...'"); that text may
		 * be personal data, so the quote is cut from the message */
		char *near = strstr(jerr.text, " near ");
		if (near)
			*near = '\0';
		fail(err, errlen, "malformed JSON at column %d: %s", jerr.column, jerr.text);
		return -1;
	}
	if (!json_is_object(root)) {
		fail(err, errlen, "expected a JSON object, got %s", type_name(root));
		goto out;
	}

	cid = json_object_get(root, "conversation_id");
	if (cid && !json_is_null(cid)) {
		if (!json_is_string(cid)) {
			fail(err, errlen, "field 'conversation_id': expected a string, got %s", type_name(cid));
			goto out;
		}
		if (!conv_id_valid(json_string_value(cid), json_string_length(cid))) {
			fail(err, errlen, "field 'conversation_id': must be 1-%d characters of A-Z a-z 0-9 . _ : -",
			     CONV_ID_MAX);
			goto out;
		}
		if (!(c->id = dup_string(cid, NULL))) {
			fail(err, errlen, "out of memory");
			goto out;
		}
	}
	if (opt_string(root, "user_id", CONV_USER_ID_MAX, true, &c->user_id, NULL, err, errlen) ||
	    opt_string(root, "session_id", CONV_USER_ID_MAX, false, &c->session_id, NULL, err, errlen) ||
	    opt_string(root, "model", 128, false, &c->model, NULL, err, errlen))
		goto out;

	created = json_object_get(root, "created_at");
	if (created && !json_is_null(created)) {
		if (!json_is_string(created) ||
		    time_parse_rfc3339(json_string_value(created), json_string_length(created), &c->created_at)) {
			fail(err, errlen, "field 'created_at': expected an RFC 3339 timestamp such as 2026-11-20T14:03:00Z");
			goto out;
		}
		c->has_created_at = true;
	}

	msgs = json_object_get(root, "messages");
	if (msgs && json_object_get(root, "question")) {
		fail(err, errlen, "record has both 'messages' and 'question': use one shape");
		goto out;
	}
	if (msgs) {
		c->shape = CONV_SHAPE_MESSAGES;
		if (!json_is_array(msgs)) {
			fail(err, errlen, "field 'messages': expected an array, got %s", type_name(msgs));
			goto out;
		}
		if (parse_messages(msgs, c, err, errlen))
			goto out;
		if (opt_string(root, "context", 0, false, &c->context, NULL, err, errlen) ||
		    opt_string(root, "language", 64, false, &c->language, NULL, err, errlen) ||
		    opt_string(root, "framework", 64, false, &c->framework, NULL, err, errlen))
			goto out;
	} else if (json_object_get(root, "question")) {
		c->shape = CONV_SHAPE_SIMPLE;
		if (parse_simple(root, c, err, errlen))
			goto out;
	} else {
		fail(err, errlen, "missing required field 'messages' (or 'question' and 'answer')");
		goto out;
	}

	meta = json_object_get(root, "metadata");
	if (meta && !json_is_null(meta)) {
		if (!json_is_object(meta)) {
			fail(err, errlen, "field 'metadata': expected an object, got %s", type_name(meta));
			goto out;
		}
		if (!json_depth_ok(meta, 1)) {
			fail(err, errlen, "field 'metadata': nested deeper than %d levels", METADATA_MAX_DEPTH);
			goto out;
		}
		c->metadata = json_incref((json_t *)meta);
	}
	rc = 0;
out:
	json_decref(root);
	if (rc)
		conv_release(c);
	return rc;
}

/* Replace *p (length *lenp) by its scrubbed copy. */
static int scrub_str(char **p, size_t *lenp, const struct scrubber *s, struct scrub_counts *counts,
		     struct buf *tmp)
{
	size_t len = lenp ? *lenp : strlen(*p);

	buf_reset(tmp);
	if (scrub_text(s, *p, len, tmp, counts))
		return -1;
	if (tmp->len == len && !memcmp(tmp->data ? tmp->data : "", *p, len))
		return 0;
	free(*p);
	*p = buf_detach(tmp);
	if (lenp)
		*lenp = strlen(*p);
	return 0;
}

static json_t *scrub_json(json_t *v, const struct scrubber *s, struct scrub_counts *counts,
			  struct buf *tmp);

static json_t *scrub_json(json_t *v, const struct scrubber *s, struct scrub_counts *counts,
			  struct buf *tmp)
{
	json_t *out = NULL, *x, *y;
	const char *k;
	size_t i;

	if (json_is_string(v)) {
		buf_reset(tmp);
		if (scrub_text(s, json_string_value(v), json_string_length(v), tmp, counts))
			return NULL;
		return json_stringn(buf_cstr(tmp), tmp->len);
	}
	if (json_is_object(v)) {
		if (!(out = json_object()))
			return NULL;
		json_object_foreach(v, k, x) {
			char *key;
			if (!(y = scrub_json(x, s, counts, tmp)))
				goto fail;
			buf_reset(tmp);
			if (scrub_text(s, k, strlen(k), tmp, counts)) {
				json_decref(y);
				goto fail;
			}
			key = buf_detach(tmp);
			if (json_object_set_new(out, key, y)) {
				free(key);
				goto fail;
			}
			free(key);
		}
		return out;
	}
	if (json_is_array(v)) {
		if (!(out = json_array()))
			return NULL;
		json_array_foreach(v, i, x) {
			if (!(y = scrub_json(x, s, counts, tmp)) || json_array_append_new(out, y))
				goto fail;
		}
		return out;
	}
	return json_incref(v);
fail:
	json_decref(out);
	return NULL;
}

int conv_scrub(struct conversation *c, const struct scrubber *s, struct scrub_counts *counts)
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
		json_t *m = scrub_json(c->metadata, s, counts, &tmp);
		if (!m)
			goto out;
		json_decref(c->metadata);
		c->metadata = m;
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

static int json_has_pii(const json_t *v, const struct scrubber *s, struct scrub_findings *f,
			bool *found)
{
	const char *k;
	json_t *x;
	size_t i;

	if (json_is_string(v))
		return find_any(s, json_string_value(v), json_string_length(v), f, found);
	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, k, x)
			if (find_any(s, k, strlen(k), f, found) || json_has_pii(x, s, f, found))
				return -1;
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			if (json_has_pii(x, s, f, found))
				return -1;
	}
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
	if (c->metadata && json_has_pii(c->metadata, s, &f, found))
		goto out;
	rc = 0;
out:
	scrub_findings_release(&f);
	return rc;
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
		char *m = json_dumps(c->metadata, JSON_COMPACT);
		if (!m)
			return -1;
		rc = buf_puts(out, out->len - start > 1 ? ",\"metadata\":" : "\"metadata\":");
		if (!rc)
			rc = buf_puts(out, m);
		free(m);
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
