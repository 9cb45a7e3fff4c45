/*
 * cli: small helpers shared by the subcommands: option conventions,
 * error printing, store and key resolution.
 */
#ifndef CERBERUS_CLI_H
#define CERBERUS_CLI_H

#include <stdbool.h>
#include <stdint.h>

/* Print "cerberus: <msg>\n" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print usage to stdout (help requested) and return EXIT_OK. */
int cli_help(const char *usage);
/* Print "cerberus NAME: <msg>" and a pointer to --help; return EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Parse a non-negative integer in [min, max]; false on anything else. */
bool cli_parse_long(const char *s, long min, long max, long *out);
/* Parse a finite double in [min, max]. */
bool cli_parse_double(const char *s, double min, double max, double *out);
/* Parse a byte size with optional K/M/G suffix (binary units). */
bool cli_parse_size(const char *s, uint64_t *out);
/* Parse a duration "N<unit>" (s, m, h, d, w) into seconds. */
bool cli_parse_duration(const char *s, int64_t *out);

#endif

#include <getopt.h>
#include <jansson.h>

struct pipeline;
struct pipeline_options;
struct quality_thresholds;

/* Long options every store-using command accepts; values for getopt_long. */
enum {
	OPT_STORE = 1000,
	OPT_KEY_FILE,
	OPT_NOW,
	OPT_HELP,
	OPT_JSON,
	OPT_MIN_RATING,
	OPT_MIN_RESPONSE_CHARS,
	OPT_CMD_BASE = 1100,  /* commands number their own options from here */
};

#define CLI_STORE_OPTIONS                                       \
	{ "store", required_argument, NULL, OPT_STORE },        \
	{ "key-file", required_argument, NULL, OPT_KEY_FILE },  \
	{ "now", required_argument, NULL, OPT_NOW },            \
	{ "help", no_argument, NULL, OPT_HELP }

#define CLI_THRESHOLD_OPTIONS                                                       \
	{ "min-rating", required_argument, NULL, OPT_MIN_RATING },                  \
	{ "min-response-chars", required_argument, NULL, OPT_MIN_RESPONSE_CHARS }

#define CLI_STORE_HELP                                                                   \
	"  --store PATH         the store (default: $CERBERUS_STORE, else ./cerberus.db)\n" \
	"  --key-file PATH      the key file (default: $CERBERUS_KEY, else beside the store)\n" \
	"  --now TIME           the clock, RFC 3339 (default: $CERBERUS_NOW, else now)\n"

#define CLI_THRESHOLD_HELP                                                                   \
	"  --min-rating X       lowest mean rating of a high-quality example (default 4)\n"  \
	"  --min-response-chars N  shortest final answer, in code points (default 50)\n"

/*
 * Handle the options above. Returns 1 when opt was one of them (and sets
 * *rc to a non-zero exit status if its value was bad), 0 otherwise.
 */
int cli_common_option(const char *cmd, int opt, const char *arg, struct pipeline_options *po,
		      struct quality_thresholds *qt, int *rc);
/* Fill po from the environment (CERBERUS_NOW). Returns 0 or EXIT_USAGE. */
int cli_pipeline_defaults(const char *cmd, struct pipeline_options *po);
/* Open the pipeline or print why not; returns 0 or an exit status. */
int cli_open(const struct pipeline_options *po, struct pipeline **p);
/* Print a JSON value to stdout, indented, with a newline. */
int cli_print_json(json_t *v);
/* A bar of width cells for fraction f (0..1) using block characters. */
void cli_bar(char *out, size_t outlen, double f, int width);
