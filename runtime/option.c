/* Value parsers shared by every option table (include/option.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "option.h"

int cli_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	/* strtoull takes "-1", "+1" and " 1": a value here is digits only. */
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

const char *cli_path(const char *path)
{
	static char cwd[PATH_MAX];
	char *abs;

	if (path[0] == '/' || !path[0]) /* "" stays: the checks say "empty path" */
		return path;
	if (!cwd[0] && !getcwd(cwd, sizeof(cwd)))
		return NULL;
	if (asprintf(&abs, "%s/%s", cwd[1] ? cwd : "", path) < 0)
		return NULL;
	nb_error_cwd = cwd[1] ? cwd : NULL;
	return abs;
}
