/* A smaller stand-in for a musl function whose full version nestbox does not need. The musl
 * build links it under the libc name (the callers are unchanged); the unit build tests it by
 * its nb_ name (tests/unit_libc_lite.c). */
#include <string.h>

#include "libc_lite.h"

/* musl's strstr is the two-way search (1.3 KB) for long needles in long texts; nestbox looks
 * for a few bytes in a line, a path or a small file, where the plain loop does as well. */
char *nb_strstr(const char *text, const char *needle)
{
	size_t len = strlen(needle);

	for (; *text; text++)
		if (!strncmp(text, needle, len))
			return (char *)text;
	return len ? NULL : (char *)text;
}

#ifndef NB_UNIT_TEST
char *strstr(const char *text, const char *needle) __attribute__((alias("nb_strstr")));
#endif
