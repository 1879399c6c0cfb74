/* cg2wrap [-r] CMD [ARG...]: exec CMD in a private mount namespace whose /sys/fs/cgroup is a
 * fresh cgroup2 mount. crun 1.8 refuses a hybrid host ("cgroups in hybrid mode not supported")
 * even with --cgroup-manager=disabled; through this it sees a pure cgroup2 host. The bench
 * measures `cg2wrap /bin/true` in the same hyperfine run and subtracts it from crun's time.
 * -r: instead, remount every cgroup mount under /sys/fs/cgroup read-only, so that nestbox runs
 * without a cgroup of its own (what its cgroup costs; as tests/bench/cgroup.sh does). */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#define CG_ROOT "/sys/fs/cgroup"

static int remount_cgroups_ro(void)
{
	char line[4096], mp[4096];
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (!f)
		return -1;
	/* mountinfo: ID PARENT MAJ:MIN ROOT MOUNTPOINT ...; cgroup mount points have no blanks */
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1 ||
		    strncmp(mp, CG_ROOT, strlen(CG_ROOT)) != 0)
			continue;
		if (mount(NULL, mp, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL)) {
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	int ro = argc > 1 && strcmp(argv[1], "-r") == 0;

	if (argc < 2 + ro) {
		fprintf(stderr, "usage: cg2wrap [-r] CMD [ARG...]\n");
		return 125;
	}
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    (ro ? remount_cgroups_ro()
		: mount("cgroup2", CG_ROOT, "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))) {
		fprintf(stderr, "cg2wrap: %s: %s\n",
			ro ? "read-only cgroup mounts" : "cgroup2 mount", strerror(errno));
		return 125;
	}
	execvp(argv[1 + ro], &argv[1 + ro]);
	fprintf(stderr, "cg2wrap: %s: %s\n", argv[1 + ro], strerror(errno));
	return 127;
}
