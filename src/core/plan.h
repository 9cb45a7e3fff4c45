/*
 * plan: the arithmetic of progress toward a goal of high-quality examples.
 * Pure functions, so the CLI, the server and the tests agree.
 */
#ifndef CERBERUS_PLAN_H
#define CERBERUS_PLAN_H

#include <stdbool.h>
#include <stdint.h>

struct plan_input {
	long users;
	double per_user_per_day;
	double quality_rate;  /* share of conversations that are high-quality */
	long goal;
	long have;            /* high-quality examples already collected */
};

struct plan_result {
	long conversations_needed;  /* ceil((goal - have) / quality_rate) */
	double conversations_per_day;
	double hq_per_day;
	double days;                /* conversations_needed / per day */
};

/* Returns 0, or -1 when an input is out of range (no users, rate 0, or a
 * goal that would need more than 10^15 conversations). */
int plan_compute(const struct plan_input *in, struct plan_result *out);

struct eta {
	double percent;       /* have / goal * 100, capped at 100 */
	double rate_per_day;  /* measured */
	bool has_eta;         /* false when the rate is 0 and the goal not met */
	double days;          /* days left at the measured rate (0 when done) */
	int64_t eta_day;      /* day number (days since epoch) the goal is met */
};

void plan_eta(long goal, long have, double rate_per_day, int64_t today, struct eta *out);

#endif
