/* syscall_try CALL: make one call that nestbox's default seccomp filter refuses (issue 19.9), on
 * the caller itself (no other process is needed), and say how it went as one line: "CALL: ok"
 * (exit 0) or "CALL: errno N (text)" (exit 1); exit 2 for an unknown CALL.
 *
 *   vsock            socket(AF_VSOCK, SOCK_STREAM)
 *   alg              socket(AF_ALG, SOCK_SEQPACKET)
 *   kcmp             kcmp(self, self, KCMP_VM)
 *   pidfd_getfd      pidfd_getfd(pidfd_open(self), 0): a copy of our own stdin
 *   process_vm_readv / process_vm_writev   one byte of our own memory
 *   get_mempolicy / set_mempolicy / mbind / migrate_pages / move_pages /
 *   set_mempolicy_home_node                the NUMA calls, each a no-op on ourselves
 *   newer            syscall SYSCALL_NR_MAX + 1 (newer than the kernel headers nestbox was
 *                    built with) with bad arguments: any errno but ENOSYS reached the kernel */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include <asm/unistd.h>
#include <linux/kcmp.h>

#include "../../runtime/syscalls.h" /* SYSCALL_NR_MAX: what the filter knows */

#define AF_VSOCK_FAMILY 40
#define AF_ALG_FAMILY	38
#define MPOL_DEFAULT	0

static const char *call;

static int result(long rc)
{
	if (rc >= 0) {
		printf("%s: ok\n", call);
		return 0;
	}
	printf("%s: errno %d (%s)\n", call, errno, strerror(errno));
	return 1;
}

static long pidfd_getfd_self(void)
{
	long pidfd = syscall(SYS_pidfd_open, getpid(), 0);

	return pidfd < 0 ? pidfd : syscall(SYS_pidfd_getfd, pidfd, 0, 0);
}

static long vm_rw(long nr)
{
	static char byte = 'x';
	char copy = byte;
	struct iovec local = { &copy, 1 }, remote = { &byte, 1 };

	return syscall(nr, getpid(), &local, 1UL, &remote, 1UL, 0UL);
}

static long numa(const char *name)
{
	static char page[4096] __attribute__((aligned(4096)));

	if (!strcmp(name, "get_mempolicy"))
		return syscall(SYS_get_mempolicy, NULL, NULL, 0UL, NULL, 0UL);
	if (!strcmp(name, "set_mempolicy"))
		return syscall(SYS_set_mempolicy, MPOL_DEFAULT, NULL, 0UL);
	if (!strcmp(name, "mbind"))
		return syscall(SYS_mbind, page, sizeof(page), MPOL_DEFAULT, NULL, 0UL, 0U);
	if (!strcmp(name, "migrate_pages"))
		return syscall(SYS_migrate_pages, 0, 0UL, NULL, NULL);
	if (!strcmp(name, "move_pages"))
		return syscall(SYS_move_pages, 0, 0UL, NULL, NULL, NULL, 0);
	/* EOPNOTSUPP where it is allowed: the page has no bind policy to set a home node in */
	return syscall(__NR_set_mempolicy_home_node, page, sizeof(page), 0UL, 0UL);
}

int main(int argc, char **argv)
{
	(void)syscall_names_packed;
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc < 2)
		return 2;
	call = argv[1];
	if (!strcmp(call, "vsock"))
		return result(socket(AF_VSOCK_FAMILY, SOCK_STREAM, 0));
	if (!strcmp(call, "alg"))
		return result(socket(AF_ALG_FAMILY, SOCK_SEQPACKET, 0));
	if (!strcmp(call, "kcmp"))
		return result(syscall(SYS_kcmp, getpid(), getpid(), KCMP_VM, 0UL, 0UL));
	if (!strcmp(call, "pidfd_getfd"))
		return result(pidfd_getfd_self());
	if (!strcmp(call, "process_vm_readv"))
		return result(vm_rw(SYS_process_vm_readv));
	if (!strcmp(call, "process_vm_writev"))
		return result(vm_rw(SYS_process_vm_writev));
	if (strstr(call, "mempolicy") || !strcmp(call, "mbind") || strstr(call, "_pages"))
		return result(numa(call));
	if (!strcmp(call, "newer"))
		return result(syscall(SYSCALL_NR_MAX + 1, -1L, 0L, 0L, -1L, 0L, 0L));
	return 2;
}
