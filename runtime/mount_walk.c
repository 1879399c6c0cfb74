/* The mount plan's walker (include/mount_plan.h: mount_plan_apply). In the order of the plan:
 * the host sources of every bind are taken as detached trees first, before any path of the
 * image is looked at; then each step, its target opened inside the new root (mount_path.c).
 * On a failure the steps done are undone in reverse (the container's mount namespace goes
 * away with it anyway: this only keeps a failed walk from leaving half a root). Last, before
 * the root is entered: /proc must be procfs and every mask in place. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "cgroup.h"
#include "container.h"
#include "dev.h"
#include "faults.h"
#include "masks.h"
#include "mount_api.h"
#include "mount_plan.h"
#include "mounts.h"
#include "nested.h"
#include "net.h"
#include "overlay.h"
#include "step.h"

#define PROC_SUPER_MAGIC 0x9fa0

struct walk {
	const struct nb_container *c;
	const struct nb_cgroup *cg; /* for the cgroup view */
	int root;		    /* O_PATH fd of NEWROOT, once the root step ran */
	int *sources;		    /* per step: a BIND's source tree, or -1 */
	bool *mounted;		    /* per step: done, and it attached something */
	struct nb_masks masks;
};

static bool under_dev(const struct nb_mount *m)
{
	return m &&
	       (m->op == NB_MOUNT_FS || m->op == NB_MOUNT_DEV_NODES || m->op == NB_MOUNT_NODE) &&
	       !strncmp(m->target, "/dev", 4) && (!m->target[4] || m->target[4] == '/');
}

static bool is_mask(const struct nb_mount *m)
{
	return m && (m->op == NB_MOUNT_MASK || m->op == NB_MOUNT_READ_ONLY);
}

/* The step names of the time before the plan: runs of masks and of /dev's steps are one step. */
static void step_done(const struct nb_container *c, int i)
{
	const struct nb_mount *m = &c->mounts[i], *next = i + 1 < c->n_mounts ? m + 1 : NULL;

	switch (m->op) {
	case NB_MOUNT_ROOT:
		step(c, "mount: overlay");
		break;
	case NB_MOUNT_ETC:
		step(c, "etc files");
		break;
	case NB_MOUNT_BIND:
		step(c, "mount: bind");
		break;
	case NB_MOUNT_CGROUP:
		step(c, "mount: cgroup view");
		break;
	case NB_MOUNT_ROOT_READ_ONLY:
		step(c, "mount: read-only root");
		break;
	case NB_MOUNT_MASK:
	case NB_MOUNT_READ_ONLY:
		if (!is_mask(next))
			step(c, "mount: masked paths");
		break;
	case NB_MOUNT_FS:
	case NB_MOUNT_DEV_NODES:
	case NB_MOUNT_NODE:
		if (!strcmp(m->target, "/proc"))
			step(c, "mount: proc");
		else if (!strcmp(m->target, "/sys"))
			step(c, "mount: sys");
		else if (!under_dev(m))
			step(c, "mount: fs");
		else if (!under_dev(next))
			step(c, "mount: dev");
		break;
	}
}

/* devpts refuses gid=5 where gid 5 is not mapped (a user namespace): the same without it. */
static int devpts_without_gid(const struct nb_mount *m)
{
	char data[128], *gid, *rest;

	snprintf(data, sizeof(data), "%s", m->data);
	gid = strstr(data, ",gid=");
	if (!gid)
		return -EINVAL;
	rest = strchr(gid + 1, ',');
	if (rest)
		memmove(gid, rest, strlen(rest) + 1);
	else
		*gid = '\0';
	return mounts_new_fs(m->type, m->source, data, m->flags);
}

static int new_fs(const struct nb_mount *m, struct nb_error *err)
{
	char what[80], where[PATH_MAX];
	int fs = mounts_new_fs(m->type, m->source, m->data, m->flags);

	if (fs == -EINVAL && (m->opts & NB_MOPT_DEVPTS_GID))
		fs = devpts_without_gid(m);
	/* sysfs can only be mounted by an owner of the network namespace; otherwise show the
	 * host's, read-only. */
	if (fs == -EPERM && (m->opts & NB_MOPT_HOST_SYSFS))
		return mounts_clone_host(m->target, m->flags, 0, err);
	if (fs >= 0)
		return fs;
	snprintf(what, sizeof(what), "mount %s", m->target);
	snprintf(where, sizeof(where), NEWROOT "%s", m->target);
	if (!strcmp(m->type, "proc"))
		return nested_fail_proc(err, -fs, what, where, OLDROOT "/proc");
	if (-fs == EPERM || -fs == EACCES)
		return nested_fail(err, -fs, what, where, NB_NEED_SYS_ADMIN);
	return nb_fail(err, -fs, what, where, strerror(-fs));
}

/* config.json's "shared", "unbindable" & co. on a detached tree (mount_setattr(2)); the tree
 * or -errno, the tree closed. */
static int set_propagation(int tree, const struct nb_mount *m, struct nb_error *err)
{
	struct nb_mount_attr_v0 attr = { 0, 0, m->propagation, 0 };

	if (!m->propagation || !nb_mount_setattr(tree, AT_RECURSIVE, &attr))
		return tree;
	close(tree);
	return nb_fail_errno(err, "mount propagation", m->target);
}

static int fs_step(struct walk *w, const struct nb_mount *m, struct nb_error *err)
{
	int target, fs, rc = mounts_open_target(w->root, m, true, &target, err);

	if (rc || target < 0)
		return rc;
	fs = new_fs(m, err);
	if (fs >= 0)
		fs = set_propagation(fs, m, err);
	rc = fs < 0 ? fs : mounts_attach(fs, target, m->target, err);
	close(target);
	return rc;
}

static int bind_step(struct walk *w, int i, struct nb_error *err)
{
	const struct nb_mount *m = &w->c->mounts[i];
	struct stat st;
	int target, tree, rc;

	if (fstat(w->sources[i], &st))
		return nb_fail_errno(err, "bind", m->source);
	rc = mounts_open_target(w->root, m, S_ISDIR(st.st_mode), &target, err);
	if (rc || target < 0)
		return rc;
	/* A copy of the tree taken before the image was looked at, made now: mountinfo lists
	 * mounts by creation since 6.8, and runtime-tools checks config.json's order there.
	 * Kernels that cannot copy a detached tree list them by attachment: the tree itself. */
	tree = nb_open_tree(w->sources[i], "",
			    OPEN_TREE_CLONE | AT_RECURSIVE | AT_EMPTY_PATH | O_CLOEXEC);
	if (tree >= 0)
		close(w->sources[i]);
	tree = set_propagation(tree >= 0 ? tree : w->sources[i], m, err); /* unbindable: after */
	rc = tree < 0 ? tree : mounts_attach(tree, target, m->target, err);
	w->sources[i] = -1;
	close(target);
	return rc;
}

static int root_step(struct walk *w, const struct nb_mount *m, struct nb_error *err)
{
	int rc = overlay_mount_root(w->c, m->flags, err);

	if (rc)
		return rc;
	w->root = open(NEWROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return w->root < 0 ? nb_fail_errno(err, "open", NEWROOT) : 0;
}

static int apply(struct walk *w, int i, struct nb_error *err)
{
	const struct nb_mount *m = &w->c->mounts[i];

	if (m->op != NB_MOUNT_ROOT && w->root < 0)
		return nb_fail(err, EINVAL, "mount plan", m->target, "no root step first");
	switch (m->op) {
	case NB_MOUNT_ROOT:
		return root_step(w, m, err);
	case NB_MOUNT_ETC:
		return net_write_etc(w->c, err);
	case NB_MOUNT_BIND:
		return bind_step(w, i, err);
	case NB_MOUNT_FS:
		return fs_step(w, m, err);
	case NB_MOUNT_DEV_NODES:
		return dev_populate(w->root, m->target, err);
	case NB_MOUNT_NODE:
		return dev_make_node(w->root, m, err);
	case NB_MOUNT_CGROUP:
		return cgroup_mount_view(w->cg, w->c, err);
	case NB_MOUNT_MASK:
		return masks_apply(&w->masks, w->root, m, err);
	case NB_MOUNT_READ_ONLY:
		return masks_read_only(w->root, m, err);
	case NB_MOUNT_ROOT_READ_ONLY:
		return mounts_root_read_only(err);
	}
	return nb_fail(err, EINVAL, "mount plan", m->target, "unknown step");
}

/* Reverse order; only the steps that completed (a failed step's path may go through the very
 * symlink it was refused for). MNT_DETACH takes what is mounted below a target along. */
static void undo(struct walk *w, int failed)
{
	char path[PATH_MAX];

	for (int i = failed - 1; i >= 0; i--) {
		const char *t = w->c->mounts[i].target;

		if (!w->mounted[i])
			continue;
		snprintf(path, sizeof(path), NEWROOT "%s", strcmp(t, "/") ? t : "");
		umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW);
	}
}

/* Is each step's target what the step made it? /proc procfs, each mask the empty file or
 * directory, each read-only path read-only (the steps that were applied: a masked path this
 * kernel does not have stays absent). */
static int verify(struct walk *w, struct nb_error *err)
{
	for (int i = 0; i < w->c->n_mounts; i++) {
		const struct nb_mount *m = &w->c->mounts[i];
		struct statfs sf;
		int fd, rc;

		if (!w->mounted[i])
			continue;
		if (m->op == NB_MOUNT_MASK) {
			rc = masks_verify(&w->masks, w->root, m, err);
			if (rc)
				return rc;
			continue;
		}
		if (m->op != NB_MOUNT_READ_ONLY &&
		    !(m->op == NB_MOUNT_FS && !strcmp(m->type, "proc")))
			continue;
		fd = mounts_open_in_root(w->root, m->target + 1);
		rc = fd < 0 || fstatfs(fd, &sf) ? -1 : 0;
		if (!rc && m->op == NB_MOUNT_FS && sf.f_type != PROC_SUPER_MAGIC)
			rc = -1;
		if (!rc && m->op == NB_MOUNT_READ_ONLY && !(sf.f_flags & ST_RDONLY))
			rc = -1;
		if (fd >= 0)
			close(fd);
		if (rc)
			return nb_fail(err, EIO, "mount plan", m->target,
				       m->op == NB_MOUNT_FS
					   ? "not procfs after the root was built"
					   : "not read-only after the root was built");
	}
	return 0;
}

int mount_plan_apply(const struct nb_container *c, const struct nb_cgroup *cg, struct nb_error *err)
{
	struct walk w = { .c = c, .cg = cg, .root = -1 };
	int i, rc = 0;

	w.sources = calloc((size_t)c->n_mounts + 1, sizeof(*w.sources));
	w.mounted = calloc((size_t)c->n_mounts + 1, sizeof(*w.mounted));
	if (!w.sources || !w.mounted)
		return nb_fail_errno(err, "mount plan", NULL);
	for (i = 0; i < c->n_mounts; i++) {
		const struct nb_mount *m = &c->mounts[i];

		w.sources[i] = -1;
		if (!rc && m->op == NB_MOUNT_BIND) {
			w.sources[i] = mounts_clone_host(m->source, m->flags, 0, err);
			rc = w.sources[i] < 0 ? w.sources[i] : 0;
		}
	}
	for (i = 0; !rc && i < c->n_mounts; i++) {
		rc = apply(&w, i, err);
		if (rc >= 0) {
			w.mounted[i] = !rc && c->mounts[i].op != NB_MOUNT_ROOT_READ_ONLY;
			rc = 0; /* NB_MASK_SKIPPED: a path this kernel does not have */
			step_done(c, i);
		}
	}
	if (!rc)
		rc = verify(&w, err);
	if (rc)
		undo(&w, i);
	for (i = 0; i < c->n_mounts; i++)
		if (w.sources[i] >= 0)
			close(w.sources[i]);
	if (w.root >= 0)
		close(w.root);
	free(w.sources);
	free(w.mounted);
	return rc;
}

int mount_plan_root_propagation(const struct nb_container *c, struct nb_error *err)
{
	if (mount(NULL, "/", NULL, c->root_propagation, NULL))
		return nb_fail_errno(err, "linux.rootfsPropagation", "/");
	return 0;
}
