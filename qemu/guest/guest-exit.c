/* guest-exit CODE: end the test VM so that QEMU exits with (CODE << 1) | 1, never 0 (an init that
 * dies, a panic and a power off all give 0: FACTS). The host compares that with the results
 * port's status line: a run passes only when both say the same. Root only.
 *   x86_64:  QEMU's isa-debug-exit device (iobase 0xf4), which exits with (value << 1) | 1;
 *            needs ioperm(2).
 *   aarch64: Arm semihosting SYS_EXIT (QEMU -semihosting-config enable=on,userspace=on): HLT
 *            #0xf000 with w0 = 0x18 and x1 = { ADP_Stopped_ApplicationExit, status }; QEMU exits
 *            with the status, so the guest sends (CODE << 1) | 1 itself.
 *   armv7:   the same through SVC 0x123456 and SYS_EXIT_EXTENDED. */
#include <stdio.h>
#include <stdlib.h>
#if defined(__x86_64__)
#include <sys/io.h>

#define DEBUG_EXIT_PORT 0xf4

static void vm_exit(unsigned code)
{
	if (ioperm(DEBUG_EXIT_PORT, 4, 1) != 0) {
		perror("guest-exit: ioperm");
		return;
	}
	outl(code, DEBUG_EXIT_PORT);
	/* Still here: no isa-debug-exit device (not a nestbox test VM). */
	fprintf(stderr, "guest-exit: no isa-debug-exit device at 0x%x\n", DEBUG_EXIT_PORT);
}
#elif defined(__aarch64__)
#define SEMIHOSTING_SYS_EXIT	     0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

static void vm_exit(unsigned code)
{
	unsigned long block[2] = { ADP_STOPPED_APPLICATION_EXIT, (code << 1) | 1 };
	register unsigned long op __asm__("x0") = SEMIHOSTING_SYS_EXIT;
	register unsigned long arg __asm__("x1") = (unsigned long)block;

	/* Without semihosting for user space, HLT is an undefined instruction: SIGILL. */
	__asm__ volatile("hlt #0xf000" : "+r"(op) : "r"(arg) : "memory");
	fprintf(stderr, "guest-exit: semihosting SYS_EXIT returned (not a nestbox test VM)\n");
}
#elif defined(__arm__)
#define SEMIHOSTING_SYS_EXIT_EXTENDED 0x20 /* A32's SYS_EXIT takes no status: the extended one */
#define ADP_STOPPED_APPLICATION_EXIT  0x20026

/* SVC 0x123456 is the A32 semihosting call (ARM state: Thumb's is SVC 0xab). */
__attribute__((target("arm"), noinline)) static void vm_exit(unsigned code)
{
	unsigned long block[2] = { ADP_STOPPED_APPLICATION_EXIT, (code << 1) | 1 };
	register unsigned long op __asm__("r0") = SEMIHOSTING_SYS_EXIT_EXTENDED;
	register unsigned long arg __asm__("r1") = (unsigned long)block;

	__asm__ volatile("svc #0x123456" : "+r"(op) : "r"(arg) : "memory");
	fprintf(stderr,
		"guest-exit: semihosting SYS_EXIT_EXTENDED returned (not a nestbox test VM)\n");
}
#else
#error "guest-exit: no way to end a QEMU VM with a status on this architecture"
#endif

int main(int argc, char **argv)
{
	char *end;
	unsigned long code;

	if (argc != 2 || (code = strtoul(argv[1], &end, 10), *end || end == argv[1]) ||
	    code > 127) {
		fprintf(stderr, "usage: guest-exit CODE (0..127)\n");
		return 2;
	}
	vm_exit((unsigned)code);
	return 1;
}
