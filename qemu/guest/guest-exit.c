/* guest-exit CODE: end the test VM through QEMU's isa-debug-exit device (iobase 0xf4), which
 * makes QEMU exit with (CODE << 1) | 1. The host compares that with the results port's status
 * line: a run passes only when both say the same. Needs ioperm(2), so root. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/io.h>

#define DEBUG_EXIT_PORT 0xf4

int main(int argc, char **argv)
{
	char *end;
	unsigned long code;

	if (argc != 2 || (code = strtoul(argv[1], &end, 10), *end || end == argv[1]) ||
	    code > 127) {
		fprintf(stderr, "usage: guest-exit CODE (0..127)\n");
		return 2;
	}
	if (ioperm(DEBUG_EXIT_PORT, 4, 1) != 0) {
		perror("guest-exit: ioperm");
		return 1;
	}
	outl((unsigned)code, DEBUG_EXIT_PORT);
	/* Still here: no isa-debug-exit device (not a nestbox test VM). */
	fprintf(stderr, "guest-exit: no isa-debug-exit device at 0x%x\n", DEBUG_EXIT_PORT);
	return 1;
}
