/*
 * quality: the four criteria that make an example high-quality.
 *
 *  1. rating: its mean rating is >= min_rating, or it has no rating
 *  2. response: the final assistant message has >= min_response_chars
 *     code points
 *  3. privacy: the scrubber finds nothing in the stored text
 *  4. context: the conversation is complete (conv_complete)
 *
 * The inputs are what the store keeps per conversation, so a verdict can be
 * recomputed for any thresholds without reading message text. Pure.
 */
#ifndef CERBERUS_QUALITY_H
#define CERBERUS_QUALITY_H

#include <stdbool.h>
#include <stdint.h>

enum quality_reason {
	Q_LOW_RATING = 1 << 0,
	Q_SHORT_RESPONSE = 1 << 1,
	Q_PII = 1 << 2,
	Q_INCOMPLETE = 1 << 3,
};
#define Q_NREASONS 4

/* Per-conversation flags kept in the store. */
enum conv_flag {
	CONV_F_INCOMPLETE = 1 << 0,  /* criterion 4 failed */
	CONV_F_PII = 1 << 1,         /* criterion 3 failed */
	CONV_F_CONTEXT = 1 << 2,     /* the record carries a context field */
};

#define QUALITY_DEFAULT_MIN_RATING 4.0
#define QUALITY_DEFAULT_MIN_RESPONSE_CHARS 50

struct quality_thresholds {
	double min_rating;
	long min_response_chars;
};

struct quality_input {
	long rating_sum;
	long rating_count;
	long response_chars;
	unsigned flags;  /* enum conv_flag */
};

void quality_thresholds_default(struct quality_thresholds *t);
/* The reasons (enum quality_reason bits) an example is rejected; 0 when it
 * is high-quality. */
unsigned quality_reasons(const struct quality_input *in, const struct quality_thresholds *t);
/* "low_rating", "short_response", "pii", "incomplete" for bit index i. */
const char *quality_reason_name(unsigned i);

#endif
