/*
 * libFuzzer driver for the conversation record parser: conv_parse on any
 * bytes, then everything ingest does with a parsed record (scrub,
 * serialise, completeness, response length). Invariants: a parsed and
 * scrubbed record serialises to JSON that jansson parses again.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/conv.h"
#include "core/scrub.h"
#include "util/buf.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conversation c;
	char err[256];
	struct buf b = BUF_INIT;
	struct scrub_counts counts;
	static struct scrubber *scrub;

	if (!scrub && !(scrub = scrubber_new(err, sizeof(err))))
		abort();
	if (!utf8_valid((const char *)data, size, NULL))
		return 0;
	if (conv_parse((const char *)data, size, &c, err, sizeof(err)) != 0)
		return 0;
	if (conv_scrub(&c, scrub, &counts))
		abort();
	(void)conv_complete(&c);
	(void)conv_response_chars(&c);
	if (conv_messages_json(&c, &b) == 0) {
		json_t *v = json_loadb(b.data, b.len, 0, NULL);
		if (!json_is_array(v))
			abort();
		json_decref(v);
	}
	buf_reset(&b);
	if (conv_extra_json(&c, &b) == 0 && b.len) {
		json_t *v = json_loadb(b.data, b.len, 0, NULL);
		if (!json_is_object(v))
			abort();
		json_decref(v);
	}
	buf_release(&b);
	conv_release(&c);
	return 0;
}
