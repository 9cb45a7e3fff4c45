/*
 * lang: programming-language and framework detection for statistics.
 *
 * Languages come from fenced code blocks (the info string after ``` or ~~~,
 * with aliases such as py, js, golang) and, for untagged blocks, from a
 * keyword heuristic; frameworks from imports and well-known identifiers
 * anywhere in the text (FastAPI, Django, React, Spring, Rails, ...).
 * Both lists are tables in lang.c, easy to extend (at most 64 entries each).
 * Pure logic: no I/O, no mutable globals.
 */
#ifndef CERBERUS_LANG_H
#define CERBERUS_LANG_H

#include <stddef.h>
#include <stdint.h>

#define LANG_MAX 64

struct lang_result {
	uint64_t langs;       /* bit i set: language i (see lang_name) */
	uint64_t frameworks;  /* bit i set: framework i (see framework_name) */
};

/* Add what text[0..len) shows to r (bits are OR-ed in; r is not cleared).
 * Safe on any bytes; linear in len. */
void lang_detect(const char *text, size_t len, struct lang_result *r);

/* Canonical lowercase names: "python", "javascript", ...; NULL past the end. */
const char *lang_name(unsigned i);
unsigned lang_count(void);
/* Index of a language given a name or alias, any case ("py", "Python3",
 * "c++", "golang"); -1 when unknown. */
int lang_lookup(const char *name, size_t len);

/* Display names: "FastAPI", "Django", ...; NULL past the end. */
const char *framework_name(unsigned i);
unsigned framework_count(void);
/* Index of a framework given its name, any case; -1 when unknown. */
int framework_lookup(const char *name, size_t len);

#endif
