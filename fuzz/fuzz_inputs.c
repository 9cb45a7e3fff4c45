/*
 * libFuzzer driver for the small input parsers: feedback records,
 * RFC 3339 timestamps, key hex, and the line reader over a memory stream.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pseudo.h"
#include "pipeline/pipeline.h"
#include "util/lines.h"
#include "util/timeutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct feedback_request req;
	struct pseudo_key key;
	struct line_reader r;
	json_t *holder = NULL;
	char err[256];
	int64_t t;
	const char *p;
	size_t n;
	FILE *f;

	if (pipeline_feedback_parse(s, size, &req, &holder, err, sizeof(err)) == PIPE_OK) {
		if (!req.conversation_id || req.rating < 1 || req.rating > 5)
			abort();
		json_decref(holder);
	}
	if (time_parse_rfc3339(s, size, &t) == 0) {
		char out[21];
		time_format_rfc3339(t, out);
	}
	(void)pseudo_key_from_hex(s, size, &key);
	if (size && (f = fmemopen((void *)data, size, "rb"))) {
		if (line_reader_init(&r, f, 64) == 0) {
			int rc;
			while ((rc = line_next(&r, &p, &n)) != LINE_EOF && rc != LINE_ERROR)
				if (rc == LINE_OK && n > 64)
					abort();
			line_reader_release(&r);
		}
		fclose(f);
	}
	return 0;
}
