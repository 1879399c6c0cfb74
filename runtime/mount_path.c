/* Mount targets inside the container's new root (include/mounts.h: mounts_open_target).
 *
 * The image is hostile until proven otherwise: a layer whose /proc is a symlink to /sys/...
 * would make procfs land elsewhere (and every mask be skipped), and a --bind target through a
 * symlink to /oldroot/... would create files on the host (CVE-2019-16884, CVE-2019-19921,
 * CVE-2021-30465 classes). So a target is never a string handed to mount(2): it is opened
 * below an fd of the new root with openat2(2) RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS (no
 * symlink is followed, ".." cannot climb out), each missing component made with mkdirat or
 * openat(O_CREAT | O_EXCL | O_NOFOLLOW) on its parent's fd, and the mount is moved onto the
 * opened fd (move_mount). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mount_api.h"
#include "mount_plan.h"
#include "mounts.h"

#define RESOLVE_INSIDE (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)

int mounts_open_in_root(int root, const char *path)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_INSIDE };
	int fd = nb_openat2(root, *path ? path : ".", &how);

	return fd < 0 ? -errno : fd;
}

/* One missing component name under the directory parent: a directory, or an empty file. */
static int make_component(int parent, const char *name, bool dir)
{
	int fd;

	if (dir)
		return mkdirat(parent, name, 0755) && errno != EEXIST ? -errno : 0;
	fd = openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return errno == EEXIST ? 0 : -errno;
	close(fd);
	return 0;
}

/* Walk rel one component at a time from root, making what is missing; the last component is
 * a directory when last_dir. Returns the O_PATH fd of the whole path or -errno. */
static int make_path(int root, char *rel, bool last_dir)
{
	int dir = mounts_open_in_root(root, "");

	for (char *p = rel; dir >= 0 && *p;) {
		char *slash = strchr(p, '/');
		bool last = !slash;
		int next, rc;

		if (slash)
			*slash = '\0';
		if (!*p || !strcmp(p, ".")) {
			p = last ? p + strlen(p) : slash + 1;
			continue;
		}
		next = mounts_open_in_root(dir, p);
		if (next == -ENOENT) {
			rc = make_component(dir, p, !last || last_dir);
			next = rc ? rc : mounts_open_in_root(dir, p);
		}
		close(dir);
		dir = next;
		p = last ? p + strlen(p) : slash + 1;
	}
	return dir;
}

static int refuse(const struct nb_mount *m, int code, struct nb_error *err)
{
	const char *what = m->op == NB_MOUNT_BIND ? "bind target" : "mount target";

	if (code == -ELOOP)
		return nb_fail(err, ELOOP, what, m->target,
			       "goes through a symbolic link in the image (nestbox never follows "
			       "one for a mount target: name the real path)");
	if (code == -EXDEV)
		return nb_fail(err, EXDEV, what, m->target, "leaves the container's root");
	return nb_fail(err, -code, what, m->target, strerror(-code));
}

int mounts_open_target(int root, const struct nb_mount *m, bool source_is_dir, int *fd,
		       struct nb_error *err)
{
	char rel[PATH_MAX];
	struct stat st;
	int t;

	*fd = -1;
	if ((size_t)snprintf(rel, sizeof(rel), "%s", m->target + (m->target[0] == '/')) >=
	    sizeof(rel))
		return nb_fail(err, ENAMETOOLONG, "mount target", m->target, "too long");
	t = mounts_open_in_root(root, rel);
	if (t == -ENOENT && m->make == NB_MAKE_NOTHING)
		return 0;
	if (t == -ENOENT)
		t = make_path(root, rel, m->make == NB_MAKE_DIR || source_is_dir);
	if (t < 0)
		return refuse(m, t, err);
	if (fstat(t, &st)) {
		int rc = nb_fail_errno(err, "mount target", m->target);

		close(t);
		return rc;
	}
	if ((m->opts & NB_MOPT_REAL_DIR) && !S_ISDIR(st.st_mode)) {
		close(t);
		return nb_fail(err, ENOTDIR, "mount target", m->target,
			       "is not a directory in the image (refused: the container's own "
			       "filesystem goes there)");
	}
	if (m->make == NB_MAKE_LIKE_SOURCE && S_ISDIR(st.st_mode) != source_is_dir) {
		close(t);
		return nb_fail(err, source_is_dir ? ENOTDIR : EISDIR, "mount target", m->target,
			       source_is_dir ? "is not a directory, the source is"
					     : "is a directory, the source is not");
	}
	*fd = t;
	return 0;
}
