/*
 * libFuzzer driver for the embedded web assets' request parsing: the
 * Accept-Encoding parser (web_accepts_gzip) and the path lookup
 * (web_asset_find), on arbitrary bytes.
 * Invariants: no crash or over-read; a lookup only finds an asset whose
 * path is exactly the input; a header accepts gzip only if it names gzip
 * (or x-gzip) or "*".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/web_assets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	const struct web_asset *a;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	a = web_asset_find(s, size);
	if (a && (strlen(a->path) != size || memcmp(a->path, s, size)))
		abort();

	/* MHD hands over header values as C strings */
	if (web_accepts_gzip(s) && !strcasestr(s, "gzip") && !strchr(s, '*'))
		abort();
	free(s);
	return 0;
}
