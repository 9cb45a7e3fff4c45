/* plan: goal, rate and ETA arithmetic (see plan.h). */
#include "core/plan.h"

#include <math.h>

int plan_compute(const struct plan_input *in, struct plan_result *out)
{
	long remaining;

	if (in->users <= 0 || !(in->per_user_per_day > 0) || !(in->quality_rate > 0) ||
	    in->quality_rate > 1 || in->goal <= 0 || in->have < 0)
		return -1;
	remaining = in->goal > in->have ? in->goal - in->have : 0;
	/* keep the count representable: at most 10^15 conversations */
	if ((double)remaining / in->quality_rate > 1e15)
		return -1;
	/* the small epsilon keeps 50000/0.6 = 83333.33.. at 83334, and an
	 * exact quotient such as 50000/0.5 at 100000 despite rounding */
	out->conversations_needed = (long)ceil((double)remaining / in->quality_rate - 1e-9);
	out->conversations_per_day = (double)in->users * in->per_user_per_day;
	out->hq_per_day = out->conversations_per_day * in->quality_rate;
	out->days = (double)out->conversations_needed / out->conversations_per_day;
	return 0;
}

void plan_eta(long goal, long have, double rate_per_day, int64_t today, struct eta *out)
{
	out->percent = goal > 0 ? 100.0 * (double)have / (double)goal : 100.0;
	if (out->percent > 100.0)
		out->percent = 100.0;
	out->rate_per_day = rate_per_day;
	if (have >= goal) {
		out->has_eta = true;
		out->days = 0;
		out->eta_day = today;
	} else if (rate_per_day > 0) {
		out->has_eta = true;
		out->days = (double)(goal - have) / rate_per_day;
		out->eta_day = today + (int64_t)ceil(out->days);
	} else {
		out->has_eta = false;
		out->days = 0;
		out->eta_day = 0;
	}
}
