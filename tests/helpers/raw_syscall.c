/* raw_syscall NAME [ARG...]: one syscall by its name on this architecture (the filter's own
 * table), with up to six arguments given as numbers (strtoull, base 0: 0x100000008 is a 64-bit
 * value), and one line: "NAME: ok RET" (exit 0) or "NAME: errno N" (exit 1); exit 2 for an
 * unknown NAME. For tests of config.json's linux.seccomp argument rules. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../runtime/syscalls.h"

int main(int argc, char **argv)
{
	unsigned long long a[6] = { 0 };
	char s[SYSCALL_NAME_MAX];
	unsigned at = 0;
	long rc;
	int nr;

	if (argc < 2)
		return 2;
	for (nr = 0; nr < SYSCALL_NAMES_COUNT; nr++) {
		syscall_name_next(&at, s);
		if (!strcmp(s, argv[1]))
			break;
	}
	if (nr == SYSCALL_NAMES_COUNT)
		return 2;
	for (int i = 0; i < 6 && i + 2 < argc; i++)
		a[i] = strtoull(argv[i + 2], NULL, 0);
	/* syscall() is variadic and reads longs: 64-bit values would land in the wrong registers
	 * on a 32-bit architecture (armv7 passes them in aligned register pairs). */
	rc = syscall(nr, (long)a[0], (long)a[1], (long)a[2], (long)a[3], (long)a[4], (long)a[5]);
	if (rc < 0) {
		printf("%s: errno %d\n", argv[1], errno);
		return 1;
	}
	printf("%s: ok %ld\n", argv[1], rc);
	return 0;
}
