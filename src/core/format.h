/*
 * format: fine-tuning export formats, one JSON object per line, and the
 * checks OpenAI's data-preparation script runs on chat files.
 *
 * An example is a stored conversation decoded once (struct example): its
 * messages, with the record's context (the simple shape's "context" field)
 * appended to the first user message after a blank line, so the answer
 * keeps the material it refers to. The prompt is everything before the
 * final assistant message; the response is that message.
 *
 *   openai      {"messages":[{"role","content"[,"weight"]}]}; with
 *               FORMAT_LAST_TURN_ONLY earlier assistant turns get weight 0
 *               and the last weight 1 (only it is trained)
 *   messages    {"messages":[{"role","content"}]} (Hugging Face / TRL)
 *   sharegpt    {"id","conversations":[{"from":"system"|"human"|"gpt"|
 *               "observation","value"}]} (tool results are "observation")
 *   alpaca      {"instruction","input","output"} (+ "system" and
 *               "history":[[user, assistant],...] for longer conversations)
 *   completion  {"prompt","completion"}: the turns before the answer as
 *               "User: ...\n\nAssistant: ..." text ending in "Assistant:"
 *   dpo-openai  {"input":{"messages":[...]},"preferred_output":[...],
 *               "non_preferred_output":[...]}
 *   dpo-trl     {"prompt":[...],"chosen":[...],"rejected":[...]}
 * Pure: no I/O.
 */
#ifndef CERBERUS_FORMAT_H
#define CERBERUS_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/conv.h"
#include "util/buf.h"

enum format_kind {
	FORMAT_OPENAI,
	FORMAT_MESSAGES,
	FORMAT_SHAREGPT,
	FORMAT_ALPACA,
	FORMAT_COMPLETION,
	FORMAT_DPO_OPENAI,
	FORMAT_DPO_TRL,
	FORMAT_NKINDS
};

enum format_flags {
	FORMAT_LAST_TURN_ONLY = 1 << 0,  /* openai: weight 0 on earlier assistant turns */
};

/* Known format names, NULL-terminated, in enum order. */
extern const char *const format_names[];
bool format_known(const char *name);
/* The kind for a name, or -1. */
int format_kind(const char *name);
/* True for the preference formats (pairs of answers). */
bool format_is_pair(enum format_kind k);

struct example_msg {
	enum conv_role role;
	size_t off, len;         /* content in example.text */
};

struct example {
	struct example_msg *m;
	size_t n, cap;
	struct buf text;         /* decoded contents, back to back */
	long last;               /* index of the final assistant message, -1 when none */
};

void example_init(struct example *e);
void example_release(struct example *e);
/*
 * Decode stored messages (a JSON array of {"role","content"}) and extra
 * (a JSON object or NULL) into e (cleared first). Returns 0, or -1 when
 * the stored JSON is malformed or memory runs out.
 */
int example_parse(struct example *e, const char *messages, size_t mlen, const char *extra, size_t elen);
static inline const char *example_content(const struct example *e, size_t i)
{
	return e->text.data + e->m[i].off;
}
/* The user turns joined by "\n" (the prompt for dedup and filters). */
int example_prompt_text(const struct example *e, struct buf *out);
/* Approximate token count of the whole example (a BPE-like estimate:
 * a quarter of each word's length, rounded up, plus one per punctuation
 * character and four per message). */
long example_tokens(const struct example *e);

/*
 * Append one line (with its newline) for e in a single-example format; id
 * is the conversation id (sharegpt). Returns 0 or -1 (memory; e without a
 * final assistant message).
 */
int format_example(enum format_kind k, const struct example *e, const char *id, unsigned flags, struct buf *out);
/* Append one preference line: chosen's prompt, its answer and rejected's. */
int format_pair(enum format_kind k, const struct example *chosen, const struct example *rejected, struct buf *out);

/* The error classes of OpenAI's data-preparation checks. */
enum format_check_error {
	FCHK_NOT_OBJECT,        /* the line is not a JSON object */
	FCHK_MISSING_MESSAGES,  /* "messages" missing, not a list, or empty */
	FCHK_MISSING_FIELD,     /* a message without "role" or "content" */
	FCHK_UNKNOWN_KEY,       /* a message key outside role, content, name, function_call, weight */
	FCHK_UNKNOWN_ROLE,      /* role outside system, user, assistant, function, tool */
	FCHK_EMPTY_CONTENT,     /* empty or non-string content */
	FCHK_NO_ASSISTANT,      /* no assistant message */
	FCHK_N
};

struct format_check {
	long examples;
	long errors[FCHK_N];
	long no_system, no_user;  /* warnings */
};

/* "data_type", ... the names OpenAI's script prints. */
const char *format_check_name(unsigned i);
/* Check one line of a chat file (openai, messages) and count its errors.
 * Returns the number of error classes the line hit. */
int format_check_chat_line(const char *line, size_t len, struct format_check *c);
#endif
