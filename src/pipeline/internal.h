/* Functions shared between pipeline files; not part of the pipeline API. */
#ifndef CERBERUS_PIPELINE_INTERNAL_H
#define CERBERUS_PIPELINE_INTERNAL_H

#include "pipeline/pipeline.h"

/* Count conversations, high-quality ones and rejections per reason. */
int pipeline_count_verdicts(struct pipeline *p, const struct quality_thresholds *qt, long *total, long *hq,
			    long rejected[Q_NREASONS], char *err, size_t errlen);

#endif
