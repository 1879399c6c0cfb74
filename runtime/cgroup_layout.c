/* The cgroup concern's view of the machine: which layout (statfs, /proc/self/mountinfo,
 * /proc/self/cgroup), where nestbox's own groups are, the group's files; and the container's
 * read-only view of the cgroup fs (the mounts under /sys/fs/cgroup, repeated). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "cgroup_impl.h"
#include "container.h"
#include "lines.h"
#include "mounts.h"

/* --- files -------------------------------------------------------------------------------- */

int cg_write(const char *dir, const char *file, const char *value, struct nb_error *err)
{
	char path[PATH_MAX + 64];
	size_t len = strlen(value);
	int fd, rc = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, value, len) != (ssize_t)len)
		rc = nb_fail_errno(err, path, value);
	if (fd >= 0)
		close(fd);
	return rc;
}

int cg_read(const char *dir, const char *file, char *buf, size_t size)
{
	char path[PATH_MAX + 64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return (int)n;
}

long long cg_read_value(const char *dir, const char *file, const char *key)
{
	char buf[4096];
	const char *p = buf;
	size_t klen = key ? strlen(key) : 0;

	if (!dir || cg_read(dir, file, buf, sizeof(buf)) < 0)
		return -1;
	for (; key && p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, klen) && p[klen] == ' ')
			break;
	if (!p || !isdigit((unsigned char)p[klen + (key ? 1 : 0)]))
		return -1;
	return strtoll(p + klen + (key ? 1 : 0), NULL, 10);
}

const char *cg_dir_of(const struct nb_cgroup *cg, unsigned ctrl)
{
	for (int i = 0; i < cg->n_dirs; i++)
		if (cg->dirs[i].ctrls & ctrl)
			return cg->dirs[i].path;
	return NULL;
}

/* --- layout ------------------------------------------------------------------------------- */

static const struct {
	const char *name;
	unsigned bit;
} controllers[] = {
	{ "memory", CG_MEMORY }, { "cpu", CG_CPU },   { "cpuacct", CG_CPUACCT },
	{ "cpuset", CG_CPUSET }, { "pids", CG_PIDS }, { "blkio", CG_IO },
};
#define N_CONTROLLERS (sizeof(controllers) / sizeof(controllers[0]))

const char *cg_ctrl_name(unsigned bit, int version)
{
	if (bit == CG_IO && version == 2)
		return "io";
	for (size_t i = 0; i < N_CONTROLLERS; i++)
		if (controllers[i].bit == bit)
			return controllers[i].name;
	return "?";
}

static bool has_token(const char *list, const char *token)
{
	size_t len = strlen(token);

	for (const char *p = list; p; p = strchr(p, ','), p = p ? p + 1 : NULL)
		if (!strncmp(p, token, len) && (p[len] == ',' || !p[len]))
			return true;
	return false;
}

/* In /proc/self/cgroup text ("ID:CONTROLLERS:PATH" lines), the path of the hierarchy whose
 * controller list has name ("" for v2), "" for its root. */
static int cgroup_file_path(const char *text, const char *name, char *out, size_t size)
{
	char copy[4096];
	char *save = NULL;

	snprintf(copy, sizeof(copy), "%s", text);
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *list = strchr(line, ':'), *path;

		if (!list || !(path = strchr(++list, ':')))
			continue;
		*path++ = '\0';
		if (*name ? has_token(list, name) : !*list) {
			snprintf(out, size, "%s", strcmp(path, "/") ? path : "");
			return 0;
		}
	}
	return -1;
}

/* /proc/self/cgroup, read afresh on every setup: a v2 nestbox may have moved (nestbox.leaf). */
static int read_own_cgroups(char *buf, size_t size)
{
	int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, size - 1);

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n > 0 ? 0 : -1;
}

/* One mountinfo line: root, mount point, fs type, super options. */
static int mount_fields(char *line, char **root, char **mnt, char **type, char **opts)
{
	char *sep = strstr(line, " - ");
	char *save = NULL;

	if (!sep)
		return -1;
	*sep = '\0';
	strtok_r(line, " ", &save);
	strtok_r(NULL, " ", &save);
	strtok_r(NULL, " ", &save);
	*root = strtok_r(NULL, " ", &save);
	*mnt = strtok_r(NULL, " ", &save);
	save = NULL;
	*type = strtok_r(sep + 3, " ", &save);
	strtok_r(NULL, " ", &save);
	*opts = strtok_r(NULL, " \n", &save);
	return *root && *mnt && *type && *opts ? 0 : -1;
}

/* Super options a fresh mount of the same hierarchy takes (no rw, no release_agent). */
static void view_options(const char *opts, char *out, size_t size)
{
	char copy[256], *save = NULL;
	size_t len = 0;

	snprintf(copy, sizeof(copy), "%s", opts);
	out[0] = '\0';
	for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save))
		if (strcmp(o, "rw") && strcmp(o, "ro") && strncmp(o, "release_agent=", 14))
			len += (size_t)snprintf(out + len, len < size ? size - len : 0, "%s%s",
						len ? "," : "", o);
}

/* Add the group in the v1 hierarchy mounted at mnt (root: its mountinfo root); own_cgroups is
 * /proc/self/cgroup's text. */
static int add_v1_dir(struct nb_cgroup *cg, const char *own_cgroups, const char *mnt,
		      const char *root, const char *opts)
{
	char own[PATH_MAX] = "";
	unsigned ctrls = 0;
	struct nb_cgroup_dir *d;
	size_t rlen = strcmp(root, "/") ? strlen(root) : 0;

	for (size_t i = 0; i < N_CONTROLLERS; i++)
		if (has_token(opts, controllers[i].name))
			ctrls |= controllers[i].bit;
	if (!ctrls || cg->n_dirs == NB_CGROUP_DIRS || cg_dir_of(cg, ctrls))
		return 0;
	for (size_t i = 0; i < N_CONTROLLERS; i++)
		if ((ctrls & controllers[i].bit) &&
		    !cgroup_file_path(own_cgroups, controllers[i].name, own, sizeof(own)))
			break;
	d = &cg->dirs[cg->n_dirs++];
	memset(d, 0, sizeof(*d));
	d->ctrls = ctrls;
	snprintf(d->path, sizeof(d->path), "%s%s", mnt,
		 strncmp(own, root, rlen) ? own : own + rlen);
	d->base_len = strlen(mnt);
	return 0;
}

/* Is the hierarchy of view v (mountinfo root: root) mounted at nestbox's own group in it? Then
 * a cgroup namespace made here sees that mount as a fresh mount in it would be. The hierarchy's
 * line in /proc/self/cgroup: cgroup2's has no controllers; a v1 mount's options name its
 * controllers first, a name= last (cgroup1_show_options). */
static bool rooted_at_own(const struct nb_cgroup_view *v, const char *root, const char *own_cgroups)
{
	const char *named = strstr(v->opts, "name="), *first = named ? named : v->opts;
	char name[sizeof(v->opts)], own[PATH_MAX];

	strcpy(name, strcmp(v->type, "cgroup2") ? first : "");
	name[strcspn(name, ",")] = '\0';
	return !cgroup_file_path(own_cgroups, name, own, sizeof(own)) &&
	       !strcmp(root, *own ? own : "/");
}

/* Does a mount at target (below /sys/fs/cgroup, "" for itself) cover one of the views seen
 * before it? mountinfo lists a mount after the ones it stacks on. */
static bool covers_a_view(const struct nb_cgroup *cg, const char *target)
{
	size_t n = strlen(target);

	for (int i = 0; i < cg->n_views; i++)
		if (!strncmp(cg->views[i].target, target, n) &&
		    (!cg->views[i].target[n] || cg->views[i].target[n] == '/'))
			return true;
	return false;
}

/* Read mountinfo: the v1 hierarchies (when v1) and the mounts the container will see. */
static void scan_mounts(struct nb_cgroup *cg, const char *own_cgroups, int version)
{
	const size_t len = strlen(CG_FS);
	struct lines r;
	char *line;

	lines_open(&r, "/proc/self/mountinfo"); /* unreadable: as empty, as before */
	cg->n_views = 0;
	cg->views_apart = 0;
	while ((line = lines_next(&r))) {
		char *root, *mnt, *type, *opts;
		struct nb_cgroup_view *v;
		bool cgroupfs;

		if (mount_fields(line, &root, &mnt, &type, &opts))
			continue;
		cgroupfs = !strcmp(type, "cgroup") || !strcmp(type, "cgroup2");
		if (version == 1 && !strcmp(type, "cgroup"))
			add_v1_dir(cg, own_cgroups, mnt, root, opts);
		if (strncmp(mnt, CG_FS, len) || (mnt[len] && mnt[len] != '/'))
			continue;
		if (cg->n_views == NB_CGROUP_VIEWS ||
		    (!cgroupfs && (strcmp(type, "tmpfs") || mnt[len]))) {
			cg->views_apart = NB_CGROUP_VIEWS + 1; /* a mount the view leaves out */
			continue;
		}
		/* Stacked mounts (cgroup2 mounted over a hybrid host's tmpfs): one recursive copy
		 * takes only the top one, so only mounting each view afresh gives them all. */
		if (covers_a_view(cg, mnt + len))
			cg->views_apart = NB_CGROUP_VIEWS + 1;
		v = &cg->views[cg->n_views++];
		snprintf(v->target, sizeof(v->target), "%s", mnt + len);
		snprintf(v->type, sizeof(v->type), "%s", type);
		view_options(opts, v->opts, sizeof(v->opts));
		v->apart = cgroupfs && !rooted_at_own(v, root, own_cgroups);
		cg->views_apart += v->apart;
	}
	lines_close(&r);
}

/* v2: the cgroup2 mount that holds the controllers, "" when there is none. */
const char *cg_v2_mount(void)
{
	struct statfs st;

	if (!statfs(CG_FS, &st) && st.f_type == CGROUP2_SUPER_MAGIC)
		return CG_FS;
	if (!statfs(CG_FS "/unified", &st) && st.f_type == CGROUP2_SUPER_MAGIC)
		return CG_FS "/unified";
	return "";
}

int cg_detect_layout(struct nb_cgroup *cg)
{
	char own_cgroups[4096], own[PATH_MAX];
	struct statfs st;
	const char *v2 = cg_v2_mount();

	cg->n_dirs = 0;
	cg->n_views = 0;
	if (statfs(CG_FS, &st))
		return 0;
	read_own_cgroups(own_cgroups, sizeof(own_cgroups));
	if (st.f_type != CGROUP2_SUPER_MAGIC) {
		scan_mounts(cg, own_cgroups, 1);
		if (cg->n_dirs)
			return 1;
	}
	if (!*v2)
		return 0;
	scan_mounts(cg, own_cgroups, 2);
	cg->n_dirs = 1;
	memset(&cg->dirs[0], 0, sizeof(cg->dirs[0]));
	cg->dirs[0].ctrls = CG_ALL_CTRLS;
	if (cgroup_file_path(own_cgroups, "", own, sizeof(own)))
		own[0] = '\0';
	snprintf(cg->dirs[0].path, sizeof(cg->dirs[0].path), "%s%s", v2, own);
	cg->dirs[0].base_len = strlen(v2);
	return 2;
}

/* --- container side ----------------------------------------------------------------------- */

int cgroup_enter_ns(struct nb_cgroup *cg, const struct nb_container *c, struct nb_error *err)
{
	if (cg->clone_fd >= 0)
		close(cg->clone_fd);
	cg->clone_fd = -1;
	/* The namespace made by the clone is rooted where the child started (nestbox's group
	 * unless CLONE_INTO_CGROUP): make a new one rooted at the container's group. */
	if (!cg->version || !(c->namespaces & NB_NS_CGROUP))
		return 0;
	if (unshare(CLONE_NEWCGROUP))
		return nb_fail_errno(err, "unshare", "cgroup namespace");
	return 0;
}

/* mount(2) refuses the same filesystem on a mount point that is already the root of a mount of
 * it (EBUSY). That happens when /sys is a bind of the host's (a user namespace cannot mount
 * sysfs), which brings the host's cgroup mount along, locked: cover it with a tmpfs, then mount
 * the container's view on that. */
static int mount_view(const struct nb_cgroup_view *v, const char *target, unsigned long flags)
{
	bool tmpfs = !strcmp(v->type, "tmpfs");
	const char *source = tmpfs ? "cgroup" : v->type;
	unsigned long view_flags = flags | (tmpfs ? 0 : MS_RDONLY);
	const char *opts = tmpfs ? "mode=755" : v->opts;

	if (!mount(source, target, v->type, view_flags, opts))
		return 0;
	if (errno != EBUSY || mount("cgroup", target, "tmpfs", flags, "mode=755"))
		return -1;
	return mount(source, target, v->type, view_flags, opts);
}

/* No group made, no user namespace: the container's cgroup namespace, made by the clone, is
 * rooted at nestbox's own groups, and every mount of the host's view rooted there is what a
 * fresh mount in it shows. So the host's mounts, copied read-only in one go, are the view but
 * for the few rooted elsewhere (scan_mounts: apart), which are moved aside (they go with the
 * old root at pivot_root) and mounted afresh. Instead of a tmpfs, a directory and a fresh mount
 * per hierarchy: ~0.1 ms CPU less with a hybrid host's ten (issue 21). */
#define VIEWS_APART_MAX 3
#define VIEW_ASIDE	"/.nestbox-cgroup" /* on the scratch root: each one moved there stacks */

static int bind_host_view(struct nb_error *err)
{
	int target = open(NEWROOT CG_FS, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), rc;

	if (target < 0)
		return nb_fail_errno(err, "mount cgroup view", NEWROOT CG_FS);
	rc = mounts_bind_host(CG_FS, target, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, err);
	close(target);
	return rc;
}

int cgroup_mount_view(const struct nb_cgroup *cg, const struct nb_container *c,
		      struct nb_error *err)
{
	const unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	bool copy = cg->views_apart <= VIEWS_APART_MAX && !cg->version &&
		    !((c->namespaces | c->ns_join) & NB_NS_USER) && !(c->ns_join & NB_NS_CGROUP);
	char target[PATH_MAX];
	int rc;

	if (!(c->namespaces & NB_NS_CGROUP) || !cg->n_views)
		return 0;
	if (copy && (rc = bind_host_view(err)))
		return rc;
	for (int i = 0; i < cg->n_views; i++) {
		const struct nb_cgroup_view *v = &cg->views[i];

		if (copy && !v->apart)
			continue;
		if ((size_t)snprintf(target, sizeof(target), "%s%s", NEWROOT CG_FS, v->target) >=
			sizeof(target) ||
		    (copy && ((mkdir(VIEW_ASIDE, 0700) && errno != EEXIST) ||
			      mount(target, VIEW_ASIDE, NULL, MS_MOVE, NULL))) ||
		    (!copy && v->target[0] && mkdir(target, 0755) && errno != EEXIST) ||
		    mount_view(v, target, flags))
			return nb_fail_errno(err, "mount cgroup view", target);
	}
	if (copy)
		return 0;
	/* The tmpfs holding the v1 hierarchies: read-only once its mount points exist. */
	if (!strcmp(cg->views[0].type, "tmpfs") &&
	    mount(NULL, NEWROOT CG_FS, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | flags, NULL))
		return nb_fail_errno(err, "read-only cgroup view", NEWROOT CG_FS);
	return 0;
}
