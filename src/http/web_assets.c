/*
 * Lookup in the embedded web assets (see web_assets.h). The table is a
 * handful of entries, so a linear scan of exact paths is all it needs.
 */
#include <string.h>

#include "http/web_assets.h"

const struct web_asset *web_asset_find(const char *path, size_t path_len)
{
	const struct web_asset *a;

	for (a = web_assets; a->path; a++)
		if (strlen(a->path) == path_len && !memcmp(a->path, path, path_len))
			return a;
	return NULL;
}
