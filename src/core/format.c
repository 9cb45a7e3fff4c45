/* format: export formats (see format.h). */
#include "core/format.h"
#include "util/buf.h"

#include <jansson.h>
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

/* Messages with the context folded into the first user message. */
static int with_context(const char *messages, size_t len, const char *ctx, size_t ctx_len, struct buf *out)
{
	json_t *arr = json_loadb(messages, len, 0, NULL), *m;
	char *text = NULL;
	size_t i;
	int rc = -1;

	if (!json_is_array(arr))
		goto out;
	json_array_foreach(arr, i, m) {
		json_t *role = json_object_get(m, "role"), *content = json_object_get(m, "content");
		struct buf b = BUF_INIT;
		if (!json_is_string(role) || strcmp(json_string_value(role), "user") || !json_is_string(content))
			continue;
		if (buf_append(&b, json_string_value(content), json_string_length(content)) ||
		    buf_append(&b, "\n\n", 2) || buf_append(&b, ctx, ctx_len) ||
		    json_object_set_new(m, "content", json_stringn(b.data, b.len))) {
			buf_release(&b);
			goto out;
		}
		buf_release(&b);
		break;
	}
	text = json_dumps(arr, JSON_COMPACT);
	if (text && !buf_puts(out, "{\"messages\":") && !buf_puts(out, text) && !buf_puts(out, "}\n"))
		rc = 0;
out:
	free(text);
	json_decref(arr);
	return rc;
}

int format_openai(const char *messages, size_t messages_len, const char *extra, size_t extra_len,
		  struct buf *out)
{
	json_t *x = NULL, *ctx;
	int rc;

	if (extra && extra_len && memmem(extra, extra_len, "\"context\":", 10)) {
		x = json_loadb(extra, extra_len, 0, NULL);
		ctx = json_object_get(x, "context");
		if (json_is_string(ctx) && json_string_length(ctx) > 0) {
			rc = with_context(messages, messages_len, json_string_value(ctx), json_string_length(ctx), out);
			json_decref(x);
			return rc;
		}
		json_decref(x);
	}
	if (buf_puts(out, "{\"messages\":") || buf_append(out, messages, messages_len) || buf_puts(out, "}\n"))
		return -1;
	return 0;
}
