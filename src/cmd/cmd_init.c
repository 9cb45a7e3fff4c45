/* cmd_init: create a store and its pseudonymization key. */
#include "cmd/cli.h"
#include "cmd/cmd.h"
#include "pipeline/pipeline.h"

#include <stdio.h>

const char cmd_init_usage[] =
	"usage: cerberus init [--store PATH] [--key-file PATH]\n"
	"\n"
	"Create a store (an SQLite file) and a 32-byte random pseudonymization key\n"
	"in a separate file beside it (cerberus.db -> cerberus.key, mode 0600).\n"
	"With $CERBERUS_KEY set (64 hex digits) that key is used and no key file is\n"
	"written. The key is never written into the store, only its fingerprint.\n"
	"Running init on an existing store checks it and its key and changes nothing.\n"
	"\n"
	"Options:\n"
	CLI_STORE_HELP
	"\n"
	"Example:\n"
	"  cerberus init --store /var/lib/cerberus/prod.db\n";

int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = { CLI_STORE_OPTIONS, { 0 } };
	struct pipeline_options po;
	struct pipeline *p;
	int c, rc;

	if ((rc = cli_pipeline_defaults("init", &po)))
		return rc;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == OPT_HELP)
			return cli_help(cmd_init_usage);
		if (cli_common_option("init", c, optarg, &po, NULL, &rc)) {
			if (rc)
				return rc;
			continue;
		}
		return cli_usage_error("init", "unknown option");
	}
	if (optind < argc)
		return cli_usage_error("init", "unexpected argument '%s'", argv[optind]);
	po.create = true;
	if ((rc = cli_open(&po, &p)))
		return rc;
	if (p->store_created)
		printf("created store %s\n", p->store_path);
	else
		printf("store %s is already initialized\n", p->store_path);
	if (p->key_created)
		printf("created key file %s (mode 0600): keep it secret and back it up\n", p->key_path);
	else if (p->key_path)
		printf("using key file %s\n", p->key_path);
	else
		printf("using the key in $CERBERUS_KEY\n");
	pipeline_close(p);
	return EXIT_OK;
}
