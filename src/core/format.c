/* format: export formats (see format.h). */
#include "core/format.h"
#include "util/buf.h"
#include "util/jscan.h"

#include <stdlib.h>
#include <string.h>

const char *const format_names[] = { "openai", NULL };

bool format_known(const char *name)
{
	for (size_t i = 0; format_names[i]; i++)
		if (!strcmp(format_names[i], name))
			return true;
	return false;
}

/* The raw (still JSON-escaped) bytes of the top-level string "context" in
 * extra, or false when there is none or it is empty. */
static bool find_context(const char *extra, size_t len, const char **ctx, size_t *ctx_len)
{
	struct jscan j;
	struct buf key = BUF_INIT;
	int n = 0;
	bool found = false;

	jscan_init(&j, extra, len);
	if (jscan_enter(&j, '{'))
		goto out;
	while (jscan_next(&j, '}', &n) == 1) {
		size_t start;
		buf_reset(&key);
		if (jscan_key(&j, &key))
			break;
		if (!strcmp(buf_cstr(&key), "context") && jscan_peek(&j) == JS_STRING) {
			start = j.pos;
			if (jscan_skip(&j))
				break;
			*ctx = extra + start + 1;
			*ctx_len = j.pos - start - 2;
			found = *ctx_len > 0;
			break;
		}
		if (jscan_skip(&j))
			break;
	}
out:
	buf_release(&key);
	return found;
}

/* Byte offset of the closing quote of the first user message's content in
 * the stored messages array; 0 when there is none. */
static size_t first_user_content_end(const char *msgs, size_t len)
{
	struct jscan j;
	struct buf key = BUF_INIT, role = BUF_INIT;
	int n = 0, more;
	size_t found = 0;

	jscan_init(&j, msgs, len);
	if (jscan_enter(&j, '['))
		goto out;
	while (!found && (more = jscan_next(&j, ']', &n)) == 1) {
		int k = 0;
		size_t content_end = 0;
		buf_reset(&role);
		if (jscan_enter(&j, '{'))
			break;
		while (jscan_next(&j, '}', &k) == 1) {
			buf_reset(&key);
			if (jscan_key(&j, &key))
				goto out;
			if (!strcmp(buf_cstr(&key), "role") && jscan_peek(&j) == JS_STRING) {
				if (jscan_string(&j, &role))
					goto out;
			} else if (!strcmp(buf_cstr(&key), "content") && jscan_peek(&j) == JS_STRING) {
				if (jscan_skip(&j))
					goto out;
				content_end = j.pos - 1;
			} else if (jscan_skip(&j)) {
				goto out;
			}
		}
		if (j.err)
			break;
		if (content_end && !strcmp(buf_cstr(&role), "user"))
			found = content_end;
	}
out:
	buf_release(&key);
	buf_release(&role);
	return j.err ? 0 : found;
}

int format_openai(const char *messages, size_t messages_len, const char *extra, size_t extra_len,
		  struct buf *out)
{
	struct jscan j;
	const char *ctx;
	size_t ctx_len, at;

	/* never write an invalid line, even from a damaged store */
	jscan_init(&j, messages, messages_len);
	if (jscan_peek(&j) != JS_ARRAY || jscan_skip(&j) || !jscan_end(&j))
		return -1;
	/* context is spliced in as escaped text: both sides are already JSON */
	if (extra && extra_len && memmem(extra, extra_len, "\"context\":", 10) &&
	    find_context(extra, extra_len, &ctx, &ctx_len) &&
	    (at = first_user_content_end(messages, messages_len)) > 0) {
		if (buf_puts(out, "{\"messages\":") || buf_append(out, messages, at) || buf_puts(out, "\\n\\n") ||
		    buf_append(out, ctx, ctx_len) || buf_append(out, messages + at, messages_len - at) ||
		    buf_puts(out, "}\n"))
			return -1;
		return 0;
	}
	if (buf_puts(out, "{\"messages\":") || buf_append(out, messages, messages_len) || buf_puts(out, "}\n"))
		return -1;
	return 0;
}
