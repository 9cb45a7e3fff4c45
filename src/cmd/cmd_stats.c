/* cmd_stats: collection, feedback, quality, language and PII statistics. */
#include "cmd/cli.h"
#include "cmd/cmd.h"
#include "pipeline/pipeline.h"

#include <stdio.h>
#include <string.h>

const char cmd_stats_usage[] =
	"usage: cerberus stats [OPTIONS] [--json]\n"
	"\n"
	"Print conversations in total; the collection rate (today, 7- and 30-day\n"
	"averages per day); feedback count, rate, mean rating and the 1-5 histogram;\n"
	"high-quality count and rate; rejections per reason; languages; frameworks;\n"
	"redactions per PII type; and conversations per day.\n"
	"\n"
	"Options:\n"
	CLI_STORE_HELP
	CLI_THRESHOLD_HELP
	"  --days N             days in the per-day series (default 30)\n"
	"  --json               one JSON object (keys: conversations, with_feedback,\n"
	"                       feedback_rate, avg_rating, ratings, high_quality,\n"
	"                       quality_rate, rejected, languages, frameworks,\n"
	"                       redactions, per_day, ...)\n"
	"\n"
	"Example:\n"
	"  cerberus stats --min-rating 4.5 --json\n";

enum { OPT_DAYS = OPT_CMD_BASE };

#define BAR_WIDTH 30

static void section(const char *title)
{
	printf("\n%s\n", title);
}

/* Rows "name  count  bar" for an object of counts, largest first. */
static void print_counts(json_t *obj, long total, int limit)
{
	const char *k;
	json_t *v;
	char bar[BAR_WIDTH * 4 + 1];
	int shown = 0;

	if (!json_object_size(obj)) {
		printf("  (none)\n");
		return;
	}
	json_object_foreach(obj, k, v) {
		long n = (long)json_integer_value(v);
		if (limit && shown++ >= limit) {
			printf("  ... %zu more\n", json_object_size(obj) - (size_t)limit);
			break;
		}
		cli_bar(bar, sizeof(bar), total ? (double)n / (double)total : 0, BAR_WIDTH);
		printf("  %-16s %9ld  %s %5.1f%%\n", k, n, bar, total ? 100.0 * n / total : 0.0);
	}
}

static long jlong(json_t *o, const char *k)
{
	return (long)json_integer_value(json_object_get(o, k));
}

static double jreal(json_t *o, const char *k)
{
	return json_number_value(json_object_get(o, k));
}

static void print_human(json_t *s)
{
	json_t *col = json_object_get(s, "collection"), *ratings = json_object_get(s, "ratings");
	json_t *per_day = json_object_get(s, "per_day"), *d;
	long total = jlong(s, "conversations"), nratings = jlong(s, "ratings_total"), maxday = 1;
	char bar[BAR_WIDTH * 4 + 1];
	size_t i;

	printf("Cerberus statistics (today %s)\n", json_string_value(json_object_get(s, "today")));
	section("Collection");
	printf("  conversations      %ld\n", total);
	printf("  today              %ld\n", jlong(col, "today"));
	printf("  7-day average      %.1f / day\n", jreal(col, "avg_7d"));
	printf("  30-day average     %.1f / day\n", jreal(col, "avg_30d"));
	section("Feedback");
	printf("  with feedback      %ld (%.1f%%)\n", jlong(s, "with_feedback"), 100 * jreal(s, "feedback_rate"));
	if (json_is_null(json_object_get(s, "avg_rating")))
		printf("  average rating     -\n");
	else
		printf("  average rating     %.2f over %ld ratings\n", jreal(s, "avg_rating"), nratings);
	for (int r = 5; r >= 1; r--) {
		char k[2] = { (char)('0' + r), 0 };
		long n = jlong(ratings, k);
		cli_bar(bar, sizeof(bar), nratings ? (double)n / nratings : 0, BAR_WIDTH);
		printf("  %d star%s %12ld  %s\n", r, r == 1 ? " " : "s", n, bar);
	}
	section("Quality");
	printf("  high-quality       %ld (%.1f%%)\n", jlong(s, "high_quality"), 100 * jreal(s, "quality_rate"));
	printf("  rejected for:\n");
	print_counts(json_object_get(s, "rejected"), total, 0);
	section("Languages (conversations)");
	print_counts(json_object_get(s, "languages"), total, 15);
	section("Frameworks (conversations)");
	print_counts(json_object_get(s, "frameworks"), total, 15);
	section("Redactions (values replaced)");
	{
		json_t *red = json_object_get(s, "redactions");
		const char *k;
		json_t *v;
		long all = 0;
		json_object_foreach(red, k, v)
			all += (long)json_integer_value(v);
		print_counts(red, all, 0);
	}
	json_array_foreach(per_day, i, d)
		if (jlong(d, "conversations") > maxday)
			maxday = jlong(d, "conversations");
	section("Per day (conversations, high-quality)");
	json_array_foreach(per_day, i, d) {
		cli_bar(bar, sizeof(bar), (double)jlong(d, "conversations") / maxday, BAR_WIDTH);
		printf("  %s %7ld %7ld  %s\n", json_string_value(json_object_get(d, "date")),
		       jlong(d, "conversations"), jlong(d, "high_quality"), bar);
	}
}

int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_STORE_OPTIONS,
		CLI_THRESHOLD_OPTIONS,
		{ "json", no_argument, NULL, OPT_JSON },
		{ "days", required_argument, NULL, OPT_DAYS },
		{ 0 }
	};
	struct pipeline_options po;
	struct pipeline *p;
	struct stats_options so;
	bool json = false;
	json_t *out;
	char err[512];
	long days = 30;
	int c, rc;

	if ((rc = cli_pipeline_defaults("stats", &po)))
		return rc;
	quality_thresholds_default(&so.thresholds);
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case OPT_HELP:
			return cli_help(cmd_stats_usage);
		case OPT_JSON:
			json = true;
			break;
		case OPT_DAYS:
			if (!cli_parse_long(optarg, 1, 3660, &days))
				return cli_usage_error("stats", "--days: expected an integer from 1 to 3660");
			break;
		default:
			if (cli_common_option("stats", c, optarg, &po, &so.thresholds, &rc)) {
				if (rc)
					return rc;
				break;
			}
			return cli_usage_error("stats", "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("stats", "unexpected argument '%s'", argv[optind]);
	so.days = (int)days;
	if ((rc = cli_open(&po, &p)))
		return rc;
	if (pipeline_stats(p, &so, &out, err, sizeof(err))) {
		cli_error("%s", err);
		pipeline_close(p);
		return EXIT_DATA;
	}
	if (json)
		rc = cli_print_json(out);
	else
		print_human(out);
	json_decref(out);
	pipeline_close(p);
	return rc;
}
