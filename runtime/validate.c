/* Checks of a container description against the host, before anything is created, so bad
 * input fails with one clear line and leaves nothing behind. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "mounts.h"
#include "net.h"
#include "sysctl.h"
#include "validate.h"

static int check_dir(const char *what, const char *path, struct nb_error *err)
{
	struct stat st;

	if (!path[0])
		return nb_fail(err, EINVAL, what, "\"\"", "empty path");
	if (path[0] != '/')
		return nb_fail(err, EINVAL, what, path, "must be an absolute path");
	if (stat(path, &st))
		return nb_fail_errno(err, what, path);
	if (!S_ISDIR(st.st_mode))
		return nb_fail(err, ENOTDIR, what, path, "not a directory");
	return 0;
}

/* overlayfs takes lowerdir as a ':'-separated list inside a ','-separated option string. */
static int check_overlay_path(const char *what, const char *path, struct nb_error *err)
{
	if (strpbrk(path, ",:\\"))
		return nb_fail(err, EINVAL, what, path,
			       "overlayfs paths cannot contain ',' ':' or '\\'");
	return 0;
}

static int check_layers(const struct nb_container *c, struct nb_error *err)
{
	for (int i = 0; i < c->n_layers; i++) {
		int rc = check_dir("--rootfs", c->layers[i], err);

		if (!rc)
			rc = check_overlay_path("--rootfs", c->layers[i], err);
		if (rc)
			return rc;
	}
	return 0;
}

/* overlayfs(5): "The workdir needs to be an empty directory on the same filesystem as
 * upperdir"; the kernel refuses it only at mount time with a bare EINVAL. */
static int check_same_filesystem(const char *upper, const char *work, struct nb_error *err)
{
	struct stat u, w;

	if (stat(upper, &u))
		return nb_fail_errno(err, "--upper", upper);
	if (stat(work, &w))
		return nb_fail_errno(err, "--work", work);
	if (u.st_dev != w.st_dev)
		return nb_fail(err, EXDEV, "--work", work,
			       "must be on the same filesystem as --upper (overlayfs)");
	return 0;
}

static int check_writable_layer(const struct nb_container *c, struct nb_error *err)
{
	int rc;

	if (c->read_only && (c->upper || c->work))
		return nb_fail(err, EINVAL, "--read-only", NULL,
			       "cannot be combined with --upper/--work");
	if (!c->upper != !c->work)
		return nb_fail(err, EINVAL, c->upper ? "--upper" : "--work",
			       c->upper ? c->upper : c->work, "--upper and --work go together");
	if (!c->upper)
		return 0;
	rc = check_dir("--upper", c->upper, err);
	if (!rc)
		rc = check_dir("--work", c->work, err);
	if (!rc)
		rc = check_overlay_path("--upper", c->upper, err);
	if (!rc)
		rc = check_overlay_path("--work", c->work, err);
	if (!rc && !strcmp(c->upper, c->work))
		rc = nb_fail(err, EINVAL, "--work", c->work, "must differ from --upper");
	if (!rc)
		rc = check_same_filesystem(c->upper, c->work, err);
	return rc;
}

/* A ".." component could walk a bind target out of the container's root. */
static bool has_dotdot(const char *path)
{
	for (const char *p = path; (p = strstr(p, "..")); p += 2)
		if ((p == path || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
			return true;
	return false;
}

static int check_binds(const struct nb_container *c, struct nb_error *err)
{
	struct stat st;

	for (int i = 0; i < c->n_mounts; i++) {
		const struct nb_mount *b = &c->mounts[i];

		if (b->op != NB_MOUNT_BIND)
			continue;
		if (b->source[0] != '/')
			return nb_fail(err, EINVAL, "--bind", b->source,
				       "source must be an absolute path");
		if (b->target[0] != '/')
			return nb_fail(err, EINVAL, "--bind", b->target,
				       "target must be an absolute path");
		if (has_dotdot(b->target))
			return nb_fail(err, EINVAL, "--bind", b->target,
				       "target may not contain '..'");
		if (stat(b->source, &st))
			return nb_fail_errno(err, "--bind", b->source);
	}
	return 0;
}

/* The container side prefixes host paths with OLDROOT and container paths with NEWROOT
 * (mounts.h) in PATH_MAX buffers: refuse what would not fit rather than cut it. The message
 * shows the path's start only, so that the reason still fits the one line. */
#define LONGEST_PREFIX (sizeof(OLDROOT) > sizeof(NEWROOT) ? sizeof(OLDROOT) : sizeof(NEWROOT))
#define PATH_LEN_MAX   (PATH_MAX - LONGEST_PREFIX) /* sizeof counts the NUL */

static int check_length(const char *what, const char *path, struct nb_error *err)
{
	char start[64], why[96];
	size_t len = strlen(path);

	if (len <= PATH_LEN_MAX)
		return 0;
	snprintf(start, sizeof(start), "%.40s...", path);
	snprintf(why, sizeof(why), "a path of %zu bytes, longer than PATH_MAX allows (%zu)", len,
		 (size_t)PATH_LEN_MAX);
	return nb_fail(err, ENAMETOOLONG, what, start, why);
}

static int check_lengths(const struct nb_container *c, struct nb_error *err)
{
	int rc = 0;

	for (int i = 0; !rc && i < c->n_layers; i++)
		rc = check_length("--rootfs", c->layers[i], err);
	if (!rc && c->upper)
		rc = check_length("--upper", c->upper, err);
	if (!rc && c->work)
		rc = check_length("--work", c->work, err);
	for (int i = 0; !rc && i < c->n_mounts; i++) {
		if (c->mounts[i].op != NB_MOUNT_BIND)
			continue;
		rc = check_length("--bind", c->mounts[i].source, err);
		if (!rc)
			rc = check_length("--bind", c->mounts[i].target, err);
	}
	if (!rc && c->workdir)
		rc = check_length("--workdir", c->workdir, err);
	return rc;
}

int container_validate(const struct nb_container *c, struct nb_error *err)
{
	int rc = check_lengths(c, err);

	if (!rc)
		rc = check_layers(c, err);

	if (!rc)
		rc = check_writable_layer(c, err);
	if (!rc)
		rc = check_binds(c, err);
	if (!rc && c->workdir && c->workdir[0] != '/')
		rc = nb_fail(err, EINVAL, "--workdir", c->workdir, "must be an absolute path");
	if (!rc)
		rc = net_validate(c, err);
	if (!rc)
		rc = sysctl_validate(c, err);
	return rc;
}
