/*
 * cerberus: the data flywheel of an AI developer assistant in one binary.
 *
 * This file is only the command table and dispatch (git-style):
 *   cerberus [--version] [--help] COMMAND [OPTIONS] [ARGS]
 * Each command lives in src/cmd/cmd_NAME.c.
 */
#include "cmd/cmd.h"

#include <stdio.h>
#include <string.h>

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
	const char *summary;
};

static const struct command commands[] = {
	{ "init",     cmd_init,     cmd_init_usage,     "create a store and its pseudonymization key" },
	{ "log",      cmd_log,      cmd_log_usage,      "ingest conversations (JSON Lines), anonymized and scrubbed" },
	{ "feedback", cmd_feedback, cmd_feedback_usage, "record 1-5 star ratings" },
	{ "stats",    cmd_stats,    cmd_stats_usage,    "collection, feedback, quality, language and PII statistics" },
	{ "progress", cmd_progress, cmd_progress_usage, "progress toward the high-quality goal, rate and ETA" },
	{ "export",   cmd_export,   cmd_export_usage,   "write the high-quality examples as a fine-tuning dataset" },
	{ "curate",   cmd_curate,   cmd_curate_usage,   "report what export's curation would do (dedup, filters, split), writing nothing" },
	{ "show",     cmd_show,     cmd_show_usage,     "print one stored conversation with its ratings and verdict" },
	{ "synth",    cmd_synth,    cmd_synth_usage,    "generate realistic synthetic conversations for tests and benchmarks" },
	{ "serve",    cmd_serve,    cmd_serve_usage,    "serve the collection HTTP API (conversations, feedback, stats)" },
	{ "apikey",   cmd_apikey,   cmd_apikey_usage,   "create, list and revoke API keys of the HTTP server" },
	{ "erase",    cmd_erase,    cmd_erase_usage,    "delete every conversation and rating of one user" },
	{ "purge",    cmd_purge,    cmd_purge_usage,    "delete conversations older than a retention period" },
	{ "eval",     cmd_eval,     cmd_eval_usage,     "BLEU, chrF and CodeBLEU of model outputs against references" },
	{ "scrub",    cmd_scrub,    cmd_scrub_usage,    "find and replace PII and secrets in any text (--check for CI)" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void print_main_help(FILE *out)
{
	fprintf(out,
		"usage: cerberus [--version] [--help] COMMAND [OPTIONS] [ARGS]\n"
		"\n"
		"Turns an AI developer assistant's conversations into fine-tuning data:\n"
		"log (anonymized, scrubbed) -> rate -> curate -> export.\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
		"  %-10s %s\n"
		"\n"
		"Every command that uses a store takes --store PATH (default: $CERBERUS_STORE,\n"
		"else ./cerberus.db). The pseudonymization key is read from $CERBERUS_KEY\n"
		"(64 hex digits) or from the key file beside the store (cerberus.key).\n"
		"\n"
		"Example:\n"
		"  cerberus init && cerberus log conversations.jsonl && cerberus stats\n"
		"\n"
		"'cerberus help COMMAND' or 'cerberus COMMAND --help' describes a command.\n",
		"help", "describe a command");
}

int main(int argc, char **argv)
{
	const struct command *c;

	if (argc < 2) {
		print_main_help(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("cerberus %s\n", CERBERUS_VERSION);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		print_main_help(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "help")) {
		if (argc < 3) {
			print_main_help(stdout);
			return EXIT_OK;
		}
		c = find_command(argv[2]);
		if (!c) {
			fprintf(stderr, "cerberus: no such command '%s'\n", argv[2]);
			return EXIT_USAGE;
		}
		fputs(c->usage, stdout);
		return EXIT_OK;
	}
	c = find_command(argv[1]);
	if (!c) {
		fprintf(stderr, "cerberus: '%s' is not a command; see 'cerberus --help'\n", argv[1]);
		return EXIT_USAGE;
	}
	return c->fn(argc - 1, argv + 1);
}
