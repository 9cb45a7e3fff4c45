/*
 * timeutil: RFC 3339 timestamps and civil dates in UTC, without the C
 * library's locale- and timezone-dependent functions.
 */
#ifndef CERBERUS_TIMEUTIL_H
#define CERBERUS_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

#define SECONDS_PER_DAY 86400

/* Parse "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)" ('t', 'z' and a
 * space separator accepted). Returns 0 and Unix seconds (UTC) in *out,
 * or -1 for anything else (including out-of-range fields). */
int time_parse_rfc3339(const char *s, size_t len, int64_t *out);
/* Parse "YYYY-MM-DD" as midnight UTC. */
int time_parse_date(const char *s, size_t len, int64_t *out);
/* Days since 1970-01-01 of the UTC day containing t (floor division). */
int64_t time_day(int64_t t);
/* "YYYY-MM-DD" of day number d; out holds at least 11 bytes. */
void time_format_day(int64_t d, char out[static 11]);
/* "YYYY-MM-DDTHH:MM:SSZ"; out holds at least 21 bytes. */
void time_format_rfc3339(int64_t t, char out[static 21]);
/* Days since 1970-01-01 of a proleptic Gregorian date (no validation). */
int64_t time_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
