/* Checks of a container description against the host, before anything is created, so bad
 * input fails with one clear line and leaves nothing behind. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>

#include "net.h"
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

int container_validate(const struct nb_container *c, struct nb_error *err)
{
	int rc = check_layers(c, err);

	if (!rc)
		rc = check_writable_layer(c, err);
	if (!rc)
		rc = check_binds(c, err);
	if (!rc && c->workdir && c->workdir[0] != '/')
		rc = nb_fail(err, EINVAL, "--workdir", c->workdir, "must be an absolute path");
	if (!rc)
		rc = net_validate(c, err);
	return rc;
}
