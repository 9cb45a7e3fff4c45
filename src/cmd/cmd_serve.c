/* cmd_serve: run the collection HTTP API (src/http/). */
#include "cmd/cli.h"
#include "cmd/cmd.h"
#include "http/server.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char cmd_serve_usage[] =
	"usage: cerberus serve [OPTIONS]\n"
	"\n"
	"Serve the collection API over HTTP on the store: the assistant's backend\n"
	"posts conversations, its frontend posts ratings. Every write is committed\n"
	"durably (fsync, shared by concurrent requests) before it is answered.\n"
	"SIGTERM or SIGINT stops accepting, answers the requests in flight, and exits.\n"
	"\n"
	"Endpoints (API keys from 'cerberus apikey create', as Authorization: Bearer KEY):\n"
	"  POST   /v1/conversations        ingest key; one conversation or {\"conversations\":[...]}\n"
	"  POST   /v1/feedback             ingest key or the conversation's feedback_token\n"
	"  GET    /v1/conversations/{id}   admin key\n"
	"  GET    /v1/stats, /v1/progress  any key\n"
	"  DELETE /v1/users/{user_id}      admin key; erases the user's data\n"
	"  GET    /healthz                 no key\n"
	"  GET    /metrics                 any key; Prometheus text format\n"
	"  GET    /                        the dashboard (sign in with an admin key)\n"
	"  GET    /widget.js, /demo        the star-rating widget and an example page\n"
	"\n"
	"Options:\n"
	"  --listen HOST:PORT   address to listen on (default 127.0.0.1:8080; port 0: any free)\n"
	"  --threads N          connection threads (default: the number of CPUs)\n"
	"  --cors-origin O      allow browser calls of /v1/feedback from origin O\n"
	"                       (repeatable; '*' allows any origin)\n"
	"  --max-body BYTES     request body limit, K/M suffixes allowed (default 1M)\n"
	"  --timeout SECONDS    close idle or slow connections after this (default 30)\n"
	"  --drain SECONDS      on SIGTERM, wait this long for requests in flight (default 10)\n"
	"  --scrub-mode M       what replaces PII in stored text: placeholder (default),\n"
	"                       hash or mask (as `cerberus log --scrub-mode`)\n"
	"  --public-dashboard   show the dashboard, and answer GET /v1/stats and\n"
	"                       /v1/progress, without a key\n"
	"  --dashboard-refresh SECONDS\n"
	"                       how often the dashboard reloads its figures (default 10)\n"
	CLI_STORE_HELP
	"\n"
	"Example:\n"
	"  cerberus apikey create --scope ingest --name backend\n"
	"  cerberus serve --listen 127.0.0.1:8080 --cors-origin https://app.example.com\n";

enum { OPT_LISTEN = OPT_CMD_BASE, OPT_THREADS, OPT_CORS, OPT_MAX_BODY, OPT_TIMEOUT, OPT_DRAIN,
       OPT_PUBLIC_DASHBOARD, OPT_DASHBOARD_REFRESH, OPT_SCRUB_MODE };

#define MAX_CORS 32

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_STORE_OPTIONS,
		{ "listen", required_argument, NULL, OPT_LISTEN },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ "cors-origin", required_argument, NULL, OPT_CORS },
		{ "max-body", required_argument, NULL, OPT_MAX_BODY },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "drain", required_argument, NULL, OPT_DRAIN },
		{ "scrub-mode", required_argument, NULL, OPT_SCRUB_MODE },
		{ "public-dashboard", no_argument, NULL, OPT_PUBLIC_DASHBOARD },
		{ "dashboard-refresh", required_argument, NULL, OPT_DASHBOARD_REFRESH },
		{ 0 },
	};
	struct server_options so = { 0 };
	const char *cors[MAX_CORS];
	struct server *srv;
	sigset_t sigs;
	uint64_t size;
	long n, drain = 10;
	char err[512];
	int c, rc, sig;

	if ((rc = cli_pipeline_defaults("serve", &so.po)))
		return rc;
	so.listen = "127.0.0.1:8080";
	n = sysconf(_SC_NPROCESSORS_ONLN);
	so.threads = n > 0 && n < 64 ? (int)n : 2;
	so.max_body = SERVER_DEFAULT_MAX_BODY;
	so.timeout_s = SERVER_DEFAULT_TIMEOUT;
	so.dashboard_refresh_s = SERVER_DEFAULT_DASHBOARD_REFRESH;
	so.cors = cors;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case OPT_HELP:
			return cli_help(cmd_serve_usage);
		case OPT_LISTEN:
			so.listen = optarg;
			break;
		case OPT_THREADS:
			if (!cli_parse_long(optarg, 1, 256, &n))
				return cli_usage_error("serve", "--threads: expected an integer from 1 to 256");
			so.threads = (int)n;
			break;
		case OPT_CORS:
			if (so.ncors == MAX_CORS)
				return cli_usage_error("serve", "--cors-origin: at most %d origins", MAX_CORS);
			cors[so.ncors++] = optarg;
			break;
		case OPT_MAX_BODY:
			if (!cli_parse_size(optarg, &size) || size < 64 || size > ((uint64_t)1 << 30))
				return cli_usage_error("serve", "--max-body: expected a size from 64 bytes to 1G");
			so.max_body = (size_t)size;
			break;
		case OPT_TIMEOUT:
			if (!cli_parse_long(optarg, 1, 3600, &n))
				return cli_usage_error("serve", "--timeout: expected 1 to 3600 seconds");
			so.timeout_s = (int)n;
			break;
		case OPT_DRAIN:
			if (!cli_parse_long(optarg, 0, 3600, &drain))
				return cli_usage_error("serve", "--drain: expected 0 to 3600 seconds");
			break;
		case OPT_SCRUB_MODE: {
			int m = scrub_mode_from_name(optarg);
			if (m < 0)
				return cli_usage_error("serve", "--scrub-mode: expected placeholder, hash or mask");
			so.po.scrub_mode = (enum scrub_mode)m;
			break;
		}
		case OPT_PUBLIC_DASHBOARD:
			so.public_dashboard = true;
			break;
		case OPT_DASHBOARD_REFRESH:
			if (!cli_parse_long(optarg, 1, 3600, &n))
				return cli_usage_error("serve", "--dashboard-refresh: expected 1 to 3600 seconds");
			so.dashboard_refresh_s = (int)n;
			break;
		default:
			if (cli_common_option("serve", c, optarg, &so.po, NULL, &rc)) {
				if (rc)
					return rc;
				break;
			}
			return cli_usage_error("serve", "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("serve", "unexpected argument '%s'", argv[optind]);

	/* the server's threads inherit this mask: only sigwait below sees the signals */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (server_start(&so, &srv, err, sizeof(err))) {
		cli_error("%s", err);
		return EXIT_DATA;
	}
	fprintf(stderr, "cerberus serve: listening on http://%.*s:%u (%d threads)\n",
		(int)(strrchr(so.listen, ':') - so.listen), so.listen, server_port(srv), so.threads);
	sigwait(&sigs, &sig);
	fprintf(stderr, "cerberus serve: %s, draining\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	n = server_stop(srv, (int)drain * 1000);
	if (n > 0)
		fprintf(stderr, "cerberus serve: %ld requests were still in flight after %ld s; their connections were closed\n",
			n, drain);
	fprintf(stderr, "cerberus serve: stopped\n");
	return EXIT_OK;
}
