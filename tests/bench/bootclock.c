/* bootclock: print the time since boot (CLOCK_BOOTTIME, which starts with the kernel's
 * timekeeping, early in boot) as its first and only line, then exit. The workload of the boot
 * benchmark (qemu/boot-bench.sh): the same program started by nestbox's boot mode, in a
 * container or directly, and by busybox init; the line says when it ran.
 *
 * Called stamp-NAME (rdinit=/stamp-NAME), it prints "initclock: T s" and becomes /bin/NAME as
 * "init": the time the kernel handed over to init, in the same clock, for every variant. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define STAMP "stamp-"

int main(int argc, char **argv)
{
	const char *base = argc > 0 && strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : "";
	struct timespec ts;
	char init[64];

	clock_gettime(CLOCK_BOOTTIME, &ts);
	if (strncmp(base, STAMP, strlen(STAMP))) {
		printf("bootclock: %lld.%06ld s\n", (long long)ts.tv_sec, ts.tv_nsec / 1000);
		return 0;
	}
	/* PID 1's stdout is the console the kernel opened for it. */
	dprintf(STDOUT_FILENO, "initclock: %lld.%06ld s\n", (long long)ts.tv_sec,
		ts.tv_nsec / 1000);
	snprintf(init, sizeof(init), "/bin/%s", base + strlen(STAMP));
	argv[0] = "init";
	execv(init, argv);
	perror(init);
	return 127;
}
