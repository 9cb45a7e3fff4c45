/* cli: helpers shared by the subcommands (see cli.h). */
#include "cmd/cli.h"
#include "cmd/cmd.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("cerberus: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_help(const char *usage)
{
	fputs(usage, stdout);
	return EXIT_OK;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "cerberus %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\ntry 'cerberus %s --help'\n", cmd);
	return EXIT_USAGE;
}

bool cli_parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!s || !*s)
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool cli_parse_double(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool cli_parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	uint64_t mul = 1;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return false;
	switch (*end) {
	case 'k': case 'K': mul = 1ULL << 10; end++; break;
	case 'm': case 'M': mul = 1ULL << 20; end++; break;
	case 'g': case 'G': mul = 1ULL << 30; end++; break;
	}
	if (*end == 'i' || *end == 'B')
		end += (*end == 'i' && end[1] == 'B') ? 2 : 1;
	if (*end || (v && mul > UINT64_MAX / v))
		return false;
	*out = (uint64_t)v * mul;
	return true;
}

bool cli_parse_duration(const char *s, int64_t *out)
{
	static const struct { char unit; int64_t secs; } units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 }, { 'w', 7 * 86400 },
	};
	char *end;
	long long v;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || !end[0] || end[1])
		return false;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (units[i].unit == *end) {
			if (v > INT64_MAX / units[i].secs / 2)
				return false;
			*out = v * units[i].secs;
			return true;
		}
	return false;
}

#include "core/quality.h"
#include "pipeline/pipeline.h"
#include "util/timeutil.h"

#include <string.h>

static int parse_now(const char *cmd, const char *s, int64_t *out)
{
	if (time_parse_rfc3339(s, strlen(s), out) && time_parse_date(s, strlen(s), out))
		return cli_usage_error(cmd, "--now: expected an RFC 3339 time such as 2026-11-20T12:00:00Z");
	if (*out <= 0)
		return cli_usage_error(cmd, "--now: must be after 1970-01-01");
	return 0;
}

int cli_pipeline_defaults(const char *cmd, struct pipeline_options *po)
{
	const char *env = getenv("CERBERUS_NOW");

	memset(po, 0, sizeof(*po));
	if (env && *env && parse_now(cmd, env, &po->now))
		return EXIT_USAGE;
	return 0;
}

int cli_common_option(const char *cmd, int opt, const char *arg, struct pipeline_options *po,
		      struct quality_thresholds *qt, int *rc)
{
	*rc = 0;
	switch (opt) {
	case OPT_STORE:
		po->store_path = arg;
		return 1;
	case OPT_KEY_FILE:
		po->key_path = arg;
		return 1;
	case OPT_NOW:
		*rc = parse_now(cmd, arg, &po->now);
		return 1;
	case OPT_MIN_RATING:
		if (!qt)
			return 0;
		if (!cli_parse_double(arg, 1, 5, &qt->min_rating))
			*rc = cli_usage_error(cmd, "--min-rating: expected a number from 1 to 5");
		return 1;
	case OPT_MIN_RESPONSE_CHARS:
		if (!qt)
			return 0;
		if (!cli_parse_long(arg, 0, 100000000, &qt->min_response_chars))
			*rc = cli_usage_error(cmd, "--min-response-chars: expected a non-negative integer");
		return 1;
	}
	return 0;
}

int cli_open(const struct pipeline_options *po, struct pipeline **p)
{
	char err[512];

	if (pipeline_open(po, p, err, sizeof(err))) {
		cli_error("%s", err);
		return EXIT_DATA;
	}
	return 0;
}

int cli_print_json(json_t *v)
{
	char *s = json_dumps(v, JSON_INDENT(2));

	if (!s)
		return EXIT_DATA;
	puts(s);
	free(s);
	return 0;
}

void cli_bar(char *out, size_t outlen, double f, int width)
{
	static const char *const part[8] = { "", "▏", "▎", "▍", "▌", "▋", "▊", "▉" };
	size_t pos = 0;
	int eighths;

	if (!(f > 0))
		f = 0;
	if (f > 1)
		f = 1;
	eighths = (int)(f * width * 8 + 0.5);
	out[0] = '\0';
	for (int i = 0; i < width; i++) {
		const char *cell = eighths >= 8 ? "█" : eighths > 0 ? part[eighths] : "";
		size_t n = strlen(cell);
		if (!*cell)
			cell = "·", n = strlen(cell);
		if (pos + n + 1 > outlen)
			break;
		memcpy(out + pos, cell, n);
		pos += n;
		eighths -= 8;
		if (eighths < 0)
			eighths = 0;
	}
	out[pos] = '\0';
}
