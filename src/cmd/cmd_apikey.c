/* cmd_apikey: create, list and revoke API keys of the HTTP server. */
#include "cmd/cli.h"
#include "cmd/cmd.h"
#include "pipeline/pipeline.h"
#include "util/timeutil.h"

#include <stdio.h>
#include <string.h>

const char cmd_apikey_usage[] =
	"usage: cerberus apikey create --scope ingest|admin [--name NAME]\n"
	"       cerberus apikey list [--json]\n"
	"       cerberus apikey revoke ID\n"
	"\n"
	"API keys authorise calls to 'cerberus serve' (Authorization: Bearer KEY).\n"
	"Scope ingest may post conversations and feedback and read statistics;\n"
	"scope admin may also read conversations and erase users. 'create' prints\n"
	"the new key once: the store keeps only a hash of it. A revoked key stops\n"
	"working within a second on a running server.\n"
	"\n"
	"Options:\n"
	"  --scope SCOPE        ingest or admin (create)\n"
	"  --name NAME          a label to recognise the key by (create)\n"
	"  --json               list as a JSON array\n"
	CLI_STORE_HELP
	"\n"
	"Example:\n"
	"  cerberus apikey create --scope ingest --name assistant-backend\n";

enum { OPT_SCOPE = OPT_CMD_BASE, OPT_NAME };

static int print_list(json_t *a, bool json)
{
	size_t i;
	json_t *k;

	if (json)
		return cli_print_json(a);
	printf("%-6s %-8s %-14s %-20s %-20s %s\n", "ID", "SCOPE", "PREFIX", "CREATED", "REVOKED", "NAME");
	json_array_foreach(a, i, k) {
		char created[21], revoked[21] = "-";
		json_t *rv = json_object_get(k, "revoked_at");
		time_format_rfc3339(json_integer_value(json_object_get(k, "created_at")), created);
		if (json_is_integer(rv))
			time_format_rfc3339(json_integer_value(rv), revoked);
		printf("%-6lld %-8s %-14s %-20s %-20s %s\n", (long long)json_integer_value(json_object_get(k, "id")),
		       json_string_value(json_object_get(k, "scope")), json_string_value(json_object_get(k, "prefix")),
		       created, revoked, json_string_value(json_object_get(k, "name")));
	}
	return EXIT_OK;
}

int cmd_apikey(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_STORE_OPTIONS,
		{ "scope", required_argument, NULL, OPT_SCOPE },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "json", no_argument, NULL, OPT_JSON },
		{ 0 },
	};
	struct pipeline_options po;
	struct pipeline *p;
	const char *scope = NULL, *name = NULL, *action;
	bool json = false;
	char err[512], key[APIKEY_LEN + 1];
	int64_t id;
	long lid = 0;
	json_t *list;
	int c, rc;

	if ((rc = cli_pipeline_defaults("apikey", &po)))
		return rc;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case OPT_HELP:
			return cli_help(cmd_apikey_usage);
		case OPT_SCOPE:
			scope = optarg;
			break;
		case OPT_NAME:
			name = optarg;
			break;
		case OPT_JSON:
			json = true;
			break;
		default:
			if (cli_common_option("apikey", c, optarg, &po, NULL, &rc)) {
				if (rc)
					return rc;
				break;
			}
			return cli_usage_error("apikey", "unknown option");
		}
	}
	if (optind >= argc)
		return cli_usage_error("apikey", "expected create, list or revoke");
	action = argv[optind++];
	if (!strcmp(action, "create")) {
		if (optind < argc)
			return cli_usage_error("apikey", "unexpected argument '%s'", argv[optind]);
		if (apikey_scope_from_name(scope) == APIKEY_NONE)
			return cli_usage_error("apikey", "create: --scope must be ingest or admin");
	} else if (!strcmp(action, "revoke")) {
		if (argc - optind != 1 || !cli_parse_long(argv[optind], 1, INT64_MAX, &lid))
			return cli_usage_error("apikey", "revoke: expected one key ID (see 'cerberus apikey list')");
	} else if (!strcmp(action, "list")) {
		if (optind < argc)
			return cli_usage_error("apikey", "unexpected argument '%s'", argv[optind]);
	} else {
		return cli_usage_error("apikey", "unknown action '%s'; expected create, list or revoke", action);
	}
	if ((rc = cli_open(&po, &p)))
		return rc;
	if (!strcmp(action, "create")) {
		if (pipeline_apikey_create(p, apikey_scope_from_name(scope), name, key, &id, err, sizeof(err))) {
			rc = EXIT_DATA;
		} else {
			printf("%s\n", key);
			fprintf(stderr, "cerberus: created %s key %lld; it is shown only now, keep it secret\n", scope,
				(long long)id);
			memset(key, 0, sizeof(key));
		}
	} else if (!strcmp(action, "revoke")) {
		if (pipeline_apikey_revoke(p, lid, err, sizeof(err)))
			rc = EXIT_DATA;
		else
			fprintf(stderr, "cerberus: revoked key %ld\n", lid);
	} else {
		if (pipeline_apikey_list(p, &list, err, sizeof(err))) {
			rc = EXIT_DATA;
		} else {
			rc = print_list(list, json);
			json_decref(list);
		}
	}
	if (rc == EXIT_DATA)
		cli_error("%s", err);
	pipeline_close(p);
	return rc;
}
