/*
 * Lookup in the embedded web assets (see web_assets.h). The table is a
 * handful of entries, so a linear scan of exact paths is all it needs.
 */
#include <string.h>
#include <strings.h>

#include "http/web_assets.h"

const struct web_asset *web_asset_find(const char *path, size_t path_len)
{
	const struct web_asset *a;

	for (a = web_assets; a->path; a++)
		if (strlen(a->path) == path_len && !memcmp(a->path, path, path_len))
			return a;
	return NULL;
}

/* Is the weight "q=..." zero? Only 0, 0., 0.0, 0.00, 0.000 are (RFC 9110 12.4.2). */
static bool q_zero(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (end - p < 2 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=')
		return false;
	p += 2;
	if (p == end || *p != '0')
		return false;
	for (p++; p < end && *p != ' ' && *p != '\t' && *p != ';'; p++)
		if (*p != '.' && *p != '0')
			return false;
	return true;
}

bool web_accepts_gzip(const char *h)
{
	int named = -1;      /* gzip listed: 1 acceptable, 0 refused (q=0) */
	bool star = false;

	if (!h)
		return false;
	while (*h) {
		const char *item = h, *end = h + strcspn(h, ","), *semi, *name_end;
		size_t n;
		bool zero;

		while (item < end && (*item == ' ' || *item == '\t'))
			item++;
		semi = memchr(item, ';', (size_t)(end - item));
		name_end = semi ? semi : end;
		while (name_end > item && (name_end[-1] == ' ' || name_end[-1] == '\t'))
			name_end--;
		n = (size_t)(name_end - item);
		/* the weight is the first parameter when there is one */
		zero = semi && q_zero(semi + 1, end);
		if ((n == 4 && !strncasecmp(item, "gzip", 4)) || (n == 6 && !strncasecmp(item, "x-gzip", 6)))
			named = !zero || named == 1;
		else if (n == 1 && *item == '*')
			star = star || !zero;
		h = *end ? end + 1 : end;
	}
	/* a coding named outright overrides "*" */
	return named >= 0 ? named == 1 : star;
}
