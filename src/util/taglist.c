/* taglist: iterate "a,b" and "A=1,B=2" lists (see taglist.h). */
#include "util/taglist.h"

#include <stdlib.h>
#include <string.h>

bool taglist_next(const char **s, char *name, size_t namelen, long *count)
{
	const char *p = *s, *eq;
	size_t n, k;

	if (!*p || !namelen)
		return false;
	n = strcspn(p, ",");
	eq = memchr(p, '=', n);
	k = eq ? (size_t)(eq - p) : n;
	if (k >= namelen)
		k = namelen - 1;
	memcpy(name, p, k);
	name[k] = '\0';
	*count = eq ? strtol(eq + 1, NULL, 10) : 1;
	p += n;
	*s = *p == ',' ? p + 1 : p;
	return true;
}
