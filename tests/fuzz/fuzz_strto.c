/* runtime/strto.c against the C library's strtol family: the first byte picks the base (0, or
 * 2 to 36), the rest is the text; value, end and errno must be the same. */
#include <errno.h>

#include "fuzz.h"
#include "strto.h"

#define SAME(ours, libc)                                                                        \
	do {                                                                                    \
		char *end_ours, *end_libc;                                                      \
		int errno_ours, errno_libc;                                                     \
		errno = 0;                                                                      \
		v_libc = (unsigned long long)libc(text, &end_libc, base);                       \
		errno_libc = errno;                                                             \
		errno = 0;                                                                      \
		v_ours = (unsigned long long)ours(text, &end_ours, base);                       \
		errno_ours = errno;                                                             \
		if (v_ours != v_libc || end_ours != end_libc || errno_ours != errno_libc) {     \
			fprintf(stderr, "%s(\"%s\", %d): libc %llu %zd %d, ours %llu %zd %d\n", \
				#libc, text, base, v_libc, end_libc - text, errno_libc, v_ours, \
				end_ours - text, errno_ours);                                   \
			abort();                                                                \
		}                                                                               \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;
	int base;
	unsigned long long v_ours, v_libc;

	if (!size)
		return 0;
	base = data[0] % 36; /* 0, or 2 to 35 ... */
	if (base == 1)
		base = 36; /* ... and 36 */
	text = fuzz_string(data + 1, size - 1);
	SAME(nb_strtol, strtol);
	SAME(nb_strtoll, strtoll);
	SAME(nb_strtoul, strtoul);
	SAME(nb_strtoull, strtoull);
	free(text);
	return 0;
}
