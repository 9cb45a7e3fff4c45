/* cmd_progress: progress toward the goal of high-quality examples. */
#include "cmd/cli.h"
#include "cmd/cmd.h"
#include "core/plan.h"
#include "pipeline/pipeline.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char cmd_progress_usage[] =
	"usage: cerberus progress [OPTIONS] [--goal N] [--json]\n"
	"       cerberus progress --plan --users N --per-user-per-day X --quality-rate F [--goal N]\n"
	"\n"
	"Show the high-quality examples collected against the goal (default 50000):\n"
	"count, percent, a progress bar, the measured rate of new high-quality examples\n"
	"per day (over the trailing 7 days) and the ETA in days and as a date.\n"
	"With --plan, compute instead how many conversations and days the goal takes\n"
	"for a number of users, conversations per user per day and a quality rate.\n"
	"\n"
	"Options:\n"
	CLI_STORE_HELP
	CLI_THRESHOLD_HELP
	"  --goal N             the number of high-quality examples wanted (default 50000)\n"
	"  --window DAYS        days over which the rate is measured (default 7)\n"
	"  --json               one JSON object (goal, high_quality, percent, rate_per_day,\n"
	"                       eta_days (null when the rate is 0), eta_date, ...)\n"
	"  --plan               planning arithmetic (no store needed), with:\n"
	"  --users N  --per-user-per-day X  --quality-rate F (0-1)  [--have N]\n"
	"\n"
	"Examples:\n"
	"  cerberus progress --goal 50000\n"
	"  cerberus progress --plan --users 100 --per-user-per-day 10 --quality-rate 0.6\n";

enum { OPT_GOAL = OPT_CMD_BASE, OPT_PLAN, OPT_USERS, OPT_PER_USER, OPT_QRATE, OPT_HAVE, OPT_WINDOW };

static int plan(const struct plan_input *in, bool json)
{
	struct plan_result r;

	if (plan_compute(in, &r))
		return cli_usage_error("progress", "--plan needs --users > 0, --per-user-per-day > 0 and "
						   "--quality-rate in (0, 1] (and a goal of at most 10^15 conversations)");
	if (json) {
		json_t *o = json_object();
		json_object_set_new(o, "goal", json_integer(in->goal));
		json_object_set_new(o, "have", json_integer(in->have));
		json_object_set_new(o, "users", json_integer(in->users));
		json_object_set_new(o, "per_user_per_day", json_real(in->per_user_per_day));
		json_object_set_new(o, "quality_rate", json_real(in->quality_rate));
		json_object_set_new(o, "conversations_needed", json_integer(r.conversations_needed));
		json_object_set_new(o, "conversations_per_day", json_real(r.conversations_per_day));
		json_object_set_new(o, "high_quality_per_day", json_real(r.hq_per_day));
		json_object_set_new(o, "days", json_real(r.days));
		cli_print_json(o);
		json_decref(o);
		return EXIT_OK;
	}
	printf("Goal:                   %ld high-quality examples%s\n", in->goal, in->have ? " (remaining)" : "");
	printf("Quality rate:           %.0f%% of conversations\n", in->quality_rate * 100);
	printf("Conversations needed:   %ld\n", r.conversations_needed);
	printf("Collection:             %ld users x %g per day = %.0f conversations/day\n", in->users,
	       in->per_user_per_day, r.conversations_per_day);
	printf("High-quality per day:   %.0f\n", r.hq_per_day);
	printf("Time to goal:           about %.0f days (%.1f)\n", floor(r.days + 0.5), r.days);
	return EXIT_OK;
}

int cmd_progress(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_STORE_OPTIONS,
		CLI_THRESHOLD_OPTIONS,
		{ "json", no_argument, NULL, OPT_JSON },
		{ "goal", required_argument, NULL, OPT_GOAL },
		{ "window", required_argument, NULL, OPT_WINDOW },
		{ "plan", no_argument, NULL, OPT_PLAN },
		{ "users", required_argument, NULL, OPT_USERS },
		{ "per-user-per-day", required_argument, NULL, OPT_PER_USER },
		{ "quality-rate", required_argument, NULL, OPT_QRATE },
		{ "have", required_argument, NULL, OPT_HAVE },
		{ 0 }
	};
	struct pipeline_options po;
	struct pipeline *p;
	struct progress_options o;
	struct plan_input in = { 0, 0, 0, 50000, 0 };
	bool json = false, do_plan = false;
	long window = 7;
	json_t *out;
	char err[512], bar[200];
	int c, rc;

	if ((rc = cli_pipeline_defaults("progress", &po)))
		return rc;
	quality_thresholds_default(&o.thresholds);
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case OPT_HELP:
			return cli_help(cmd_progress_usage);
		case OPT_JSON:
			json = true;
			break;
		case OPT_GOAL:
			if (!cli_parse_long(optarg, 1, 1000000000000L, &in.goal))
				return cli_usage_error("progress", "--goal: expected a positive integer");
			break;
		case OPT_WINDOW:
			if (!cli_parse_long(optarg, 1, 365, &window))
				return cli_usage_error("progress", "--window: expected 1 to 365 days");
			break;
		case OPT_PLAN:
			do_plan = true;
			break;
		case OPT_USERS:
			if (!cli_parse_long(optarg, 1, 1000000000L, &in.users))
				return cli_usage_error("progress", "--users: expected a positive integer");
			break;
		case OPT_PER_USER:
			if (!cli_parse_double(optarg, 0, 1e9, &in.per_user_per_day) || !(in.per_user_per_day > 0))
				return cli_usage_error("progress", "--per-user-per-day: expected a positive number");
			break;
		case OPT_QRATE:
			if (!cli_parse_double(optarg, 0, 1, &in.quality_rate) || !(in.quality_rate > 0))
				return cli_usage_error("progress", "--quality-rate: expected a number in (0, 1]");
			break;
		case OPT_HAVE:
			if (!cli_parse_long(optarg, 0, 1000000000000L, &in.have))
				return cli_usage_error("progress", "--have: expected a non-negative integer");
			break;
		default:
			if (cli_common_option("progress", c, optarg, &po, &o.thresholds, &rc)) {
				if (rc)
					return rc;
				break;
			}
			return cli_usage_error("progress", "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("progress", "unexpected argument '%s'", argv[optind]);
	if (do_plan)
		return plan(&in, json);
	if (in.users || in.per_user_per_day > 0 || in.quality_rate > 0)
		return cli_usage_error("progress", "--users, --per-user-per-day and --quality-rate need --plan");
	o.goal = in.goal;
	o.window_days = (int)window;
	if ((rc = cli_open(&po, &p)))
		return rc;
	if (pipeline_progress(p, &o, &out, err, sizeof(err))) {
		cli_error("%s", err);
		pipeline_close(p);
		return EXIT_DATA;
	}
	if (json) {
		rc = cli_print_json(out);
	} else {
		json_t *eta = json_object_get(out, "eta_days");
		cli_bar(bar, sizeof(bar), json_number_value(json_object_get(out, "percent")) / 100.0, 40);
		printf("High-quality examples: %lld of %lld\n",
		       (long long)json_integer_value(json_object_get(out, "high_quality")),
		       (long long)json_integer_value(json_object_get(out, "goal")));
		printf("[%s] %.1f%%\n", bar, json_number_value(json_object_get(out, "percent")));
		printf("Rate: %.1f new high-quality examples per day (last %d days)\n",
		       json_number_value(json_object_get(out, "rate_per_day")), (int)window);
		if (json_is_null(eta))
			printf("ETA: none at the current rate (no new high-quality examples in the window)\n");
		else
			printf("ETA: %.1f days, on %s\n", json_number_value(eta),
			       json_string_value(json_object_get(out, "eta_date")));
	}
	json_decref(out);
	pipeline_close(p);
	return rc;
}
