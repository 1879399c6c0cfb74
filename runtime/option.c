/* Value parsers shared by every option table (include/option.h). */
#include <errno.h>
#include <stdlib.h>

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
