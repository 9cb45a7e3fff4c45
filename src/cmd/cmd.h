/*
 * cmd: the subcommands of the cerberus binary, one file each.
 *
 * Every command has the signature int cmd_NAME(int argc, char **argv), with
 * argv[0] the command's name, and returns the process exit status:
 * 0 success, 1 a data problem (bad input lines, failed checks),
 * 2 a usage error. cmd_NAME_usage is the text `cerberus help NAME` prints.
 * Commands parse options, call the pipeline API and print; no logic lives
 * here that the HTTP server would need too.
 */
#ifndef CERBERUS_CMD_H
#define CERBERUS_CMD_H

#define CMD_DECLARE(name)                        \
	int cmd_##name(int argc, char **argv);   \
	extern const char cmd_##name##_usage[]

CMD_DECLARE(init);
CMD_DECLARE(log);
CMD_DECLARE(feedback);
CMD_DECLARE(stats);
CMD_DECLARE(progress);
CMD_DECLARE(export);
CMD_DECLARE(show);
CMD_DECLARE(synth);
CMD_DECLARE(serve);
CMD_DECLARE(apikey);
CMD_DECLARE(erase);
CMD_DECLARE(purge);
CMD_DECLARE(eval);
CMD_DECLARE(curate);
CMD_DECLARE(scrub);

enum {
	EXIT_OK = 0,
	EXIT_DATA = 1,
	EXIT_USAGE = 2,
};

#endif
