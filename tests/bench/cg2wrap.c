/* cg2wrap CMD [ARG...]: exec CMD in a private mount namespace whose /sys/fs/cgroup is a fresh
 * cgroup2 mount. crun 1.8 refuses a hybrid host ("cgroups in hybrid mode not supported") even
 * with --cgroup-manager=disabled; through this it sees a pure cgroup2 host. The bench measures
 * `cg2wrap /bin/true` in the same hyperfine run and subtracts it from crun's time. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: cg2wrap CMD [ARG...]\n");
		return 125;
	}
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("cgroup2", "/sys/fs/cgroup", "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)) {
		fprintf(stderr, "cg2wrap: private cgroup2 mount: %s\n", strerror(errno));
		return 125;
	}
	execvp(argv[1], &argv[1]);
	fprintf(stderr, "cg2wrap: %s: %s\n", argv[1], strerror(errno));
	return 127;
}
