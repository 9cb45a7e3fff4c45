/*
 * format: fine-tuning export formats, one JSON object per line.
 *
 * openai: {"messages":[{"role":..,"content":..},...]} (OpenAI chat
 * fine-tuning). A record's context (the simple shape's "context" field) is
 * appended to its first user message, separated by a blank line, so the
 * answer keeps the material it refers to. Pure.
 */
#ifndef CERBERUS_FORMAT_H
#define CERBERUS_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

/* Known format names, NULL-terminated. */
extern const char *const format_names[];
bool format_known(const char *name);

/*
 * Append one line (with its trailing newline) for the stored messages
 * (a JSON array) and extra (a JSON object or NULL). Returns 0, or -1 when
 * the stored JSON is malformed or memory runs out.
 */
int format_openai(const char *messages, size_t messages_len, const char *extra, size_t extra_len,
		  struct buf *out);

#endif
