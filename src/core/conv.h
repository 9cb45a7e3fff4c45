/*
 * conv: the conversation model, parsing and validation of one JSON Lines
 * record, and its serialisation for the store.
 *
 * Two input shapes are accepted (see README): the messages shape
 *   {"conversation_id"?, "user_id", "session_id"?, "created_at"?, "model"?,
 *    "messages":[{"role","content","finish_reason"?}...], "metadata"?}
 * and the simple shape
 *   {"conversation_id"?, "user_id", "question", "answer", "context"?,
 *    "language"?, "framework"?, "created_at"?}
 * which becomes a user message and an assistant message. Unknown keys are
 * ignored (logs from newer clients still load); known keys with the wrong
 * type are errors. "metadata" is kept as JSON text (any object nested at
 * most 32 deep); its keys and string values are scrubbed like any text.
 * Pure: no I/O.
 */
#ifndef CERBERUS_CONV_H
#define CERBERUS_CONV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct scrubber;
struct scrub_counts;
struct scrub_ctx;

#define CONV_ID_MAX 128
#define CONV_USER_ID_MAX 256

enum conv_role { ROLE_SYSTEM, ROLE_USER, ROLE_ASSISTANT, ROLE_TOOL };

enum conv_shape { CONV_SHAPE_MESSAGES, CONV_SHAPE_SIMPLE };

struct conv_message {
	enum conv_role role;
	char *content;        /* NUL-terminated, valid UTF-8, no NUL inside */
	size_t content_len;
	char *finish_reason;  /* NULL when absent */
};

struct conversation {
	enum conv_shape shape;
	char *id;             /* NULL when the record had none */
	char *user_id;        /* raw: pseudonymize, never store */
	char *session_id;     /* raw, may be NULL */
	int64_t created_at;
	bool has_created_at;
	char *model, *context, *language, *framework;  /* may be NULL */
	char *metadata;       /* a JSON object's text, or NULL; owned */
	size_t metadata_len;
	struct conv_message *messages;
	size_t nmessages;
};

/* "system", "user", "assistant", "tool". */
const char *conv_role_name(enum conv_role r);

/*
 * Parse one record. text must be valid UTF-8 (check first; the message is
 * better). On success returns 0 and fills c (release with conv_release).
 * On error returns -1, leaves c released and writes a one-line reason to
 * err, e.g. "field 'messages[2].content': expected a string".
 */
int conv_parse(const char *text, size_t len, struct conversation *c,
	       char *err, size_t errlen);
void conv_release(struct conversation *c);

/* True when id is a valid conversation id: 1-128 of [A-Za-z0-9._:-]. */
bool conv_id_valid(const char *id, size_t len);

/*
 * Scrub every stored text in place: message contents, context, metadata
 * string values and keys. counts is incremented per type. Returns 0, or
 * -1 on failure (memory, caps): the caller must then refuse the record.
 */
int conv_scrub(struct conversation *c, const struct scrubber *s,
	       struct scrub_counts *counts);
/* The same through a replacement context (one per conversation: the same
 * value gets the same placeholder in every message). */
int conv_scrub_ctx(struct conversation *c, struct scrub_ctx *ctx, struct scrub_counts *counts);
/* True when the scrubber still finds anything in the conversation's text. */
int conv_has_pii(const struct conversation *c, const struct scrubber *s, bool *found);
/* True when the scrubber finds anything in a JSON value's strings (keys
 * included), e.g. the stored messages array. -1 on malformed JSON. */
int conv_json_has_pii(const char *json, size_t len, const struct scrubber *s, bool *found);

/* The messages as stored and exported: [{"role":..,"content":..},...]. */
int conv_messages_json(const struct conversation *c, struct buf *out);
/* Everything else worth keeping, as a JSON object (or "" when nothing):
 * context, language, framework, metadata, finish_reasons. */
int conv_extra_json(const struct conversation *c, struct buf *out);

/* Code points of the final assistant message (0 when there is none). */
size_t conv_response_chars(const struct conversation *c);
/* Criterion 4: a non-empty user message, then user/assistant turns in
 * order after an optional leading system message, a final non-empty
 * assistant message, no assistant message ending "length" or "error". */
bool conv_complete(const struct conversation *c);

#endif
