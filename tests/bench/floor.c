/* floor [-n] ROOTFS CMD [ARG...]: the least every container runtime must do to start CMD in
 * ROOTFS (issue 21), nothing else: clone with fork semantics into new mount and pid namespaces,
 * an overlay of ROOTFS under a tmpfs upper layer, pivot_root into it, a fresh /proc, exec. No
 * cgroup, no other namespace, no /dev, no capabilities or filter, no reaper: the row `make bench`
 * gives every runtime's ratio to. -n: the same in new network, uts, ipc and cgroup namespaces
 * too, nestbox's default set, with nothing set up in them: what the kernel alone spends on the
 * namespaces the defaults ask for (issue 19). Exits with CMD's status; 125 when a step fails. */
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define SCRATCH "/tmp" /* the tmpfs goes over it, inside the new mount namespace only */

static int die(const char *what)
{
	perror(what);
	return 125;
}

static int child(char **argv)
{
	char opts[4200];

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return die("private /");
	if (mount("floor", SCRATCH, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755"))
		return die("tmpfs");
	if (mkdir(SCRATCH "/upper", 0755) || mkdir(SCRATCH "/work", 0700) ||
	    mkdir(SCRATCH "/root", 0755))
		return die("mkdir");
	snprintf(opts, sizeof(opts),
		 "lowerdir=%s,upperdir=" SCRATCH "/upper,workdir=" SCRATCH "/work", argv[1]);
	if (mount("overlay", SCRATCH "/root", "overlay", MS_NODEV, opts))
		return die("overlay");
	/* pivot_root(2): new_root and put_old may be the same directory; the old root is then
	 * on top of it, and a lazy unmount of "." drops it. */
	if (chdir(SCRATCH "/root") || syscall(SYS_pivot_root, ".", ".") ||
	    umount2(".", MNT_DETACH) || chdir("/"))
		return die("pivot_root");
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		return die("proc");
	execv(argv[2], argv + 2);
	return die(argv[2]);
}

int main(int argc, char **argv)
{
	unsigned long flags = CLONE_NEWNS | CLONE_NEWPID | SIGCHLD;
	int status;
	pid_t pid;

	if (argc > 1 && !strcmp(argv[1], "-n")) {
		flags |= CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP;
		argv++;
		argc--;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: floor [-n] ROOTFS CMD [ARG...]\n");
		return 125;
	}
	pid = (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, NULL);
	if (pid < 0)
		return die("clone");
	if (pid == 0)
		_exit(child(argv));
	if (waitpid(pid, &status, 0) != pid)
		return die("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
