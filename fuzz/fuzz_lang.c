/*
 * libFuzzer driver for core/lang: lang_detect on arbitrary bytes (NULs,
 * invalid UTF-8, fences of every length), checked for memory errors and
 * UB by the sanitizers, and for a few properties: the result only ORs
 * bits in, names exist for every bit set, and the answer does not depend
 * on where the input lies in memory (the scanner reads 64-byte blocks).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/lang.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lang_result r = { 0, 0 }, again = { UINT64_C(1) << 63, 0 };
	char *copy;
	unsigned i;

	lang_detect((const char *)data, size, &r);
	for (i = 0; i < 64; i++) {
		if ((r.langs >> i) & 1 && !lang_name(i))
			abort();
		if ((r.frameworks >> i) & 1 && !framework_name(i))
			abort();
	}

	/* the same bytes at another alignment, into a result already set */
	copy = malloc(size + 1);
	if (!copy)
		return 0;
	memcpy(copy + 1, data, size);
	lang_detect(copy + 1, size, &again);
	if (again.langs != (r.langs | (UINT64_C(1) << 63)) || again.frameworks != r.frameworks)
		abort();
	free(copy);

	/* lookups take any bytes too */
	if (size <= 64) {
		(void)lang_lookup((const char *)data, size);
		(void)framework_lookup((const char *)data, size);
	}
	return 0;
}
