/* quality: the four high-quality criteria (see quality.h). */
#include "core/quality.h"

static const char *const reason_names[Q_NREASONS] = {
	"low_rating", "short_response", "pii", "incomplete",
};

void quality_thresholds_default(struct quality_thresholds *t)
{
	t->min_rating = QUALITY_DEFAULT_MIN_RATING;
	t->min_response_chars = QUALITY_DEFAULT_MIN_RESPONSE_CHARS;
}

unsigned quality_reasons(const struct quality_input *in, const struct quality_thresholds *t)
{
	unsigned r = 0;

	/* mean >= min, compared without division: sum >= min * count */
	if (in->rating_count > 0 && (double)in->rating_sum < t->min_rating * (double)in->rating_count - 1e-9)
		r |= Q_LOW_RATING;
	if (in->response_chars < t->min_response_chars)
		r |= Q_SHORT_RESPONSE;
	if (in->flags & CONV_F_PII)
		r |= Q_PII;
	if (in->flags & CONV_F_INCOMPLETE)
		r |= Q_INCOMPLETE;
	return r;
}

const char *quality_reason_name(unsigned i)
{
	return i < Q_NREASONS ? reason_names[i] : 0;
}
