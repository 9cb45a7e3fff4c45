/*
 * taglist: the compact lists the store keeps per conversation:
 * "python,sql" (names) and "EMAIL=2,PHONE=1" (names with counts).
 */
#ifndef CERBERUS_TAGLIST_H
#define CERBERUS_TAGLIST_H

#include <stdbool.h>
#include <stddef.h>

/* Read the next item of *s into name (truncated to namelen - 1 bytes) and
 * its count (the number after '=', else 1), and advance *s. False at the
 * end of the list. */
bool taglist_next(const char **s, char *name, size_t namelen, long *count);

#endif
