/* Masked and read-only paths: see include/masks.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "masks.h"
#include "mount_api.h"
#include "mount_plan.h"
#include "mounts.h"

/* On the scratch root, gone with it at pivot_root (the binds keep the superblock). */
#define MASK_DIR   "/.nestbox-mask"
#define MASK_EDIR  MASK_DIR "/d"
#define MASK_FILE  MASK_DIR "/f"
#define MASK_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)

/* The empty directory and file, on a tmpfs made read-only once they exist: a bind of either
 * copies those flags (fs/namespace.c clone_mnt), so each mask is ro, nosuid, nodev, noexec. */
static int prepare(struct nb_masks *mk, struct nb_error *err)
{
	struct stat d, f;
	int fd;

	if (mk->ready)
		return 0;
	if (mkdir(MASK_DIR, 0755) ||
	    mount("nestbox-mask", MASK_DIR, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "size=4k,nr_inodes=8,mode=0555") ||
	    mkdir(MASK_EDIR, 0555))
		return nb_fail_errno(err, "mask", MASK_DIR);
	fd = open(MASK_FILE, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
	if (fd < 0)
		return nb_fail_errno(err, "mask", MASK_FILE);
	close(fd);
	if (mount(NULL, MASK_DIR, NULL, MS_REMOUNT | MASK_FLAGS, NULL) || stat(MASK_EDIR, &d) ||
	    stat(MASK_FILE, &f))
		return nb_fail_errno(err, "mask", MASK_DIR);
	mk->dev = d.st_dev;
	mk->dir_ino = d.st_ino;
	mk->file_ino = f.st_ino;
	mk->ready = true;
	return 0;
}

static int mask_one(struct nb_masks *mk, int root, const struct nb_mount *m, struct nb_error *err)
{
	struct stat st;
	int target, tree, rc = mounts_open_target(root, m, false, &target, err);

	if (rc || target < 0)
		return rc ? rc : NB_MASK_SKIPPED;
	rc = prepare(mk, err);
	if (!rc && fstat(target, &st))
		rc = nb_fail_errno(err, "mask", m->target);
	if (!rc) {
		tree = nb_open_tree(AT_FDCWD, S_ISDIR(st.st_mode) ? MASK_EDIR : MASK_FILE,
				    OPEN_TREE_CLONE | O_CLOEXEC);
		rc = tree < 0 ? nb_fail_errno(err, "mask", m->target)
			      : mounts_attach(tree, target, m->target, err);
	}
	close(target);
	return rc;
}

/* "/sys/devices/system/cpu/cpu*<rest>": one mask per cpuN directory the kernel shows, when the
 * first CPU has <rest> at all (most virtual machines do not: then nothing to read). */
static int mask_each_cpu(struct nb_masks *mk, int root, const struct nb_mount *m,
			 struct nb_error *err)
{
	const char *star = strchr(m->target, '*');
	char base[128], path[PATH_MAX];
	struct nb_mount one = *m;
	struct dirent *e;
	DIR *d;
	int fd, rc = 0;

	if (!star || (size_t)(star - m->target) >= sizeof(base) || strlen(star) > 64)
		return nb_fail(err, EINVAL, "mask", m->target, "expected .../cpu*<rest>");
	/* base: the directory of the cpuN, "sys/devices/system/cpu" (the "cpu" before the star
	 * is the entries' prefix, matched below) */
	snprintf(base, sizeof(base), "%.*s", (int)(star - m->target - 5), m->target + 1);
	snprintf(path, sizeof(path), "%s/cpu0%s", base, star + 1);
	fd = mounts_open_in_root(root, path);
	if (fd == -ENOENT)
		return NB_MASK_SKIPPED;
	if (fd >= 0)
		close(fd);
	fd = mounts_open_in_root(root, base);
	if (fd >= 0) {
		int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		close(fd);
		fd = dfd;
	}
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d)
		return nb_fail_errno(err, "mask", m->target);
	one.opts &= ~NB_MOPT_EACH_CPU;
	one.target = path;
	while (!rc && (e = readdir(d))) {
		if (strncmp(e->d_name, "cpu", 3) || e->d_name[3] < '0' || e->d_name[3] > '9')
			continue;
		snprintf(path, sizeof(path), "/%s/%s%s", base, e->d_name, star + 1);
		rc = mask_one(mk, root, &one, err);
		rc = rc == NB_MASK_SKIPPED ? 0 : rc;
	}
	closedir(d);
	return rc;
}

int masks_apply(struct nb_masks *mk, int root, const struct nb_mount *m, struct nb_error *err)
{
	if (m->opts & NB_MOPT_EACH_CPU)
		return mask_each_cpu(mk, root, m, err);
	return mask_one(mk, root, m, err);
}

int masks_read_only(int root, const struct nb_mount *m, struct nb_error *err)
{
	int target, tree, rc = mounts_open_target(root, m, false, &target, err);

	if (rc || target < 0)
		return rc ? rc : NB_MASK_SKIPPED;
	tree = mounts_clone_fd(target, m->target, MS_RDONLY, 0, err);
	rc = tree < 0 ? tree : mounts_attach(tree, target, m->target, err);
	close(target);
	return rc;
}

int masks_verify(const struct nb_masks *mk, int root, const struct nb_mount *m,
		 struct nb_error *err)
{
	struct stat st;
	int fd;

	if (m->opts & NB_MOPT_EACH_CPU) /* one per CPU: checked as they were made */
		return 0;
	fd = mounts_open_in_root(root, m->target + 1);
	if (fd < 0 || fstat(fd, &st) || !mk->ready || st.st_dev != mk->dev ||
	    (st.st_ino != mk->dir_ino && st.st_ino != mk->file_ino)) {
		if (fd >= 0)
			close(fd);
		return nb_fail(err, EIO, "mask", m->target,
			       "not masked after the root was built (refusing to start)");
	}
	close(fd);
	return 0;
}
