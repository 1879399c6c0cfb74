/* escape_try ATTEMPT [ARG]: make one escape attempt from inside a container and say how it
 * went, as one line: "ATTEMPT: ok" (exit 0: the attempt worked) or "ATTEMPT: errno N (text)"
 * (exit 1), "ATTEMPT: <what happened>" (exit 1) when it failed without an errno; exit 2 when
 * the attempt could not even be set up. The tests compare the line with the exact failure.
 *
 *   sysrq         open /proc/sysrq-trigger for writing and write "h" (help to the kernel log)
 *   kcore         read a byte of /proc/kcore
 *   mount         mount a new tmpfs on /tmp
 *   remount       remount / read-write
 *   mknod DEV     mknod block device MAJ:MIN (DEV) at /tmp/escape-blk, then open it
 *   module        finit_module of an empty file (gets past the capability check: ENOEXEC)
 *   kexec         kexec_load with no segments (an unload: succeeds when allowed)
 *   keyctl        keyctl(GET_KEYRING_ID, session keyring)
 *   bpf           bpf(BPF_MAP_CREATE) of a one-entry array
 *   hostname      sethostname("escaped")
 *   settime       clock_settime(CLOCK_REALTIME) to the current time
 *   kill PID      kill(PID, 0) of a host process
 *   ptrace        PTRACE_ATTACH to PID 1, then detach
 *   capset        raise CAP_SYS_ADMIN into the effective set
 *   userns        unshare(CLONE_NEWUSER)
 *   euid          print the effective uid (run setuid-root: did it gain root?)
 *   cgroup FILE   write our pid to FILE (a parent cgroup's cgroup.procs) */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/keyctl.h>

static const char *attempt;

static int result(long rc)
{
	if (rc >= 0) {
		printf("%s: ok\n", attempt);
		return 0;
	}
	printf("%s: errno %d (%s)\n", attempt, errno, strerror(errno));
	return 1;
}

static int say(const char *what)
{
	printf("%s: %s\n", attempt, what);
	return 1;
}

static int try_write(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return result(-1);
	return result(write(fd, text, strlen(text)));
}

static int try_kcore(void)
{
	char byte;
	int fd = open("/proc/kcore", O_RDONLY | O_CLOEXEC);
	long n;

	if (fd < 0)
		return result(-1);
	n = read(fd, &byte, 1);
	if (n == 0)
		return say("read 0 bytes");
	return result(n);
}

static int try_mknod(const char *dev)
{
	unsigned maj, min;
	int fd;

	if (!dev || sscanf(dev, "%u:%u", &maj, &min) != 2)
		return 2;
	unlink("/tmp/escape-blk");
	if (mknod("/tmp/escape-blk", S_IFBLK | 0600, makedev(maj, min)))
		return result(-1);
	fd = open("/tmp/escape-blk", O_RDONLY | O_CLOEXEC);
	return result(fd);
}

static int try_module(void)
{
	int fd = open("/tmp/escape-empty.ko", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

	/* finit_module refuses a writable fd (ETXTBSY): reopen read-only */
	if (fd < 0 || close(fd) || (fd = open("/tmp/escape-empty.ko", O_RDONLY | O_CLOEXEC)) < 0)
		return 2;
	return result(syscall(SYS_finit_module, fd, "", 0));
}

static int try_bpf(void)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = 1;
	return result(syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr)));
}

static int try_settime(void)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return result(clock_settime(CLOCK_REALTIME, &now));
}

static int try_ptrace(void)
{
	if (ptrace(PTRACE_ATTACH, 1, 0, 0))
		return result(-1);
	waitpid(1, NULL, __WALL);
	ptrace(PTRACE_DETACH, 1, 0, 0);
	return result(0);
}

static int try_capset(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return 2;
	data[0].effective |= 1u << CAP_SYS_ADMIN;
	data[0].permitted |= 1u << CAP_SYS_ADMIN;
	return result(syscall(SYS_capset, &hdr, data));
}

static int try_cgroup(const char *file)
{
	char pid[16];

	if (!file)
		return 2;
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	return try_write(file, pid);
}

int main(int argc, char **argv)
{
	const char *arg = argc > 2 ? argv[2] : NULL;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc < 2)
		return 2;
	attempt = argv[1];
	if (!strcmp(attempt, "sysrq"))
		return try_write("/proc/sysrq-trigger", "h");
	if (!strcmp(attempt, "kcore"))
		return try_kcore();
	if (!strcmp(attempt, "mount"))
		return result(mount("escape", "/tmp", "tmpfs", 0, NULL));
	if (!strcmp(attempt, "remount"))
		return result(mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND, NULL));
	if (!strcmp(attempt, "mknod"))
		return try_mknod(arg);
	if (!strcmp(attempt, "module"))
		return try_module();
	if (!strcmp(attempt, "kexec"))
		return result(syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0UL));
	if (!strcmp(attempt, "keyctl"))
		return result(
		    syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0));
	if (!strcmp(attempt, "bpf"))
		return try_bpf();
	if (!strcmp(attempt, "hostname"))
		return result(sethostname("escaped", 7));
	if (!strcmp(attempt, "settime"))
		return try_settime();
	if (!strcmp(attempt, "kill") && arg)
		return result(kill(atoi(arg), 0));
	if (!strcmp(attempt, "ptrace"))
		return try_ptrace();
	if (!strcmp(attempt, "capset"))
		return try_capset();
	if (!strcmp(attempt, "userns"))
		return result(unshare(CLONE_NEWUSER));
	if (!strcmp(attempt, "euid")) {
		printf("euid: %d\n", (int)geteuid());
		return 0;
	}
	if (!strcmp(attempt, "cgroup"))
		return try_cgroup(arg);
	return 2;
}
