/*
 * Differential libFuzzer driver: jscan against jansson. Whatever jansson
 * accepts (within jscan's nesting limit) jscan accepts; whatever jscan
 * accepts, jansson accepts too unless it refuses a number it cannot
 * represent; inputs with NUL bytes are left out (jansson reads them as the
 * end of input, jscan refuses them); a top-level string decodes to the same bytes.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/jscan.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int depth_of(const char *s, size_t n)
{
	int d = 0, max = 0;
	bool in_str = false;

	for (size_t i = 0; i < n; i++) {
		if (in_str) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				in_str = false;
		} else if (s[i] == '"') {
			in_str = true;
		} else if (s[i] == '[' || s[i] == '{') {
			if (++d > max)
				max = d;
		} else if (s[i] == ']' || s[i] == '}') {
			d--;
		}
	}
	return max;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	json_error_t jerr;
	struct jscan j;
	json_t *v;
	bool ours;

	/* jansson stops at a NUL byte where jscan (like RFC 8259) refuses it */
	if (!utf8_valid(s, size, NULL) || memchr(s, '\0', size))
		return 0;
	v = json_loadb(s, size, JSON_DECODE_ANY, &jerr);
	jscan_init(&j, s, size);
	ours = jscan_skip(&j) == 0 && jscan_end(&j);
	if (v && !ours && depth_of(s, size) <= JSCAN_MAX_DEPTH)
		abort();
	if (!v && ours && !strstr(jerr.text, "too big") && !strstr(jerr.text, "overflow"))
		abort();
	if (v && json_is_string(v)) {
		struct buf b = BUF_INIT;
		jscan_init(&j, s, size);
		if (jscan_string(&j, &b) || b.len != json_string_length(v) ||
		    memcmp(buf_cstr(&b), json_string_value(v), b.len))
			abort();
		buf_release(&b);
	}
	json_decref(v);
	return 0;
}
