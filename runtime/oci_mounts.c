/* config.json's mounts (include/oci_walk.h oci_walk_mounts): binds and new tmpfs/mqueue
 * filesystems into the mount plan; the standard /proc /sys /dev mounts are nestbox's own. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "mount_plan.h"
#include "oci_walk.h"

/* What nestbox always makes (mounts.c, dev.c; cgroup_layout.c with a cgroup namespace): the
 * spec's default mounts there are accepted as they are, whatever their options. /dev/mqueue is
 * not among them: it is a new filesystem like a tmpfs (fs_types). */
static const struct {
	const char *dst, *type;
} standard_mounts[] = {
	{ "/proc", "proc" },
	{ "/sys", "sysfs" },
	{ "/dev", "tmpfs" },
	{ "/dev/pts", "devpts" },
	{ "/dev/shm", "tmpfs" },
	{ "/sys/fs/cgroup", "cgroup" },
	{ "/sys/fs/cgroup", "cgroup2" },
};

static bool is_standard(const char *dst, const char *type)
{
	for (size_t i = 0; i < sizeof(standard_mounts) / sizeof(standard_mounts[0]); i++)
		if (!strcmp(dst, standard_mounts[i].dst) && !strcmp(type, standard_mounts[i].type))
			return true;
	return false;
}

/* mount(8)'s flag options, as runc takes them (runc libcontainer/specconv mountPropagation and
 * flags tables): set or cleared in the step's flags. */
static const struct {
	char name[12];		   /* inline: no pointer and string apart for each */
	unsigned short set, clear; /* MS_RDONLY ... MS_BIND (4096) */
} mount_flags[] = {
	{ "ro", MS_RDONLY, 0 },
	{ "rw", 0, MS_RDONLY },
	{ "nosuid", MS_NOSUID, 0 },
	{ "suid", 0, MS_NOSUID },
	{ "nodev", MS_NODEV, 0 },
	{ "dev", 0, MS_NODEV },
	{ "noexec", MS_NOEXEC, 0 },
	{ "exec", 0, MS_NOEXEC },
	/* atime: taken, and the mount keeps the kernel's default (relatime): nestbox's mounts
	 * carry only the four bits above (mount_api.h NB_MOUNT_ATTR_MASK) */
	{ "noatime", 0, 0 },
	{ "relatime", 0, 0 },
	{ "strictatime", 0, 0 },
	{ "nodiratime", 0, 0 },
	/* nestbox always binds recursively (a clone of the host's tree: nothing goes back) */
	{ "bind", MS_BIND, 0 },
	{ "rbind", MS_BIND, 0 },
};

/* mount(8)'s propagation options (runtime-spec config.md mounts, linux.rootfsPropagation);
 * the r- forms as runc takes them. A mount's is set on its whole tree (mount_setattr(2)). */
static const char propagation_names[][12] = { "shared", "slave", "private", "unbindable" };
static const unsigned long propagation_flags[] = { MS_SHARED, MS_SLAVE, MS_PRIVATE, MS_UNBINDABLE };

int oci_propagation(const char *name, unsigned long *flag)
{
	const char *base = name + (name[0] == 'r');

	for (size_t i = 0; i < sizeof(propagation_flags) / sizeof(propagation_flags[0]); i++)
		if (!strcmp(base, propagation_names[i])) {
			*flag = propagation_flags[i] | (base != name ? MS_REC : 0);
			return 0;
		}
	return -EINVAL;
}

/* The new filesystems a mounts[] entry may make besides binds (the standard ones are
 * is_standard's); their KEY=VALUE options (size=, mode=) go to mount(2) as its data. */
static const char *const fs_types[] = { "tmpfs", "mqueue" };

/* A mount's options: flags into b->flags (MS_BIND: a bind), the rest, for a new filesystem,
 * KEY=VALUE joined by commas into b->data. */
static int oci_mount_options(struct oci_walk *w, const struct json_value *opts, const char *path,
			     struct nb_mount *b)
{
	char sub[OCI_PATH_MAX], why[96], *data = NULL;
	size_t i = 0, used = 0;

	if (!opts)
		return 0;
	for (const struct json_value *o = opts->child; o; o = o->next, i++) {
		size_t k = 0;

		oci_path_index(sub, path, i);
		if (oci_want(w, o, sub, JSON_STRING))
			return -EINVAL;
		while (k < sizeof(mount_flags) / sizeof(mount_flags[0]) &&
		       strcmp(o->str, mount_flags[k].name))
			k++;
		if (k < sizeof(mount_flags) / sizeof(mount_flags[0])) {
			b->flags = (b->flags | mount_flags[k].set) & ~mount_flags[k].clear;
			continue;
		}
		if (!oci_propagation(o->str, &b->propagation)) {
			b->propagation &= ~(unsigned long)MS_REC;
			continue;
		}
		if (!strchr(o->str, '=') || used + strlen(o->str) + 2 > OCI_PATH_MAX) {
			snprintf(why, sizeof(why), "mount option %.40s: not supported yet", o->str);
			return oci_bad(w, o, sub, why);
		}
		/* only KEY=VALUE options make data: the caller frees it unless the plan took it */
		if (!data && !(b->data = data = calloc(1, OCI_PATH_MAX)))
			return nb_fail_errno(w->err, path, NULL);
		used += (size_t)snprintf(data + used, OCI_PATH_MAX - used, "%s%s", used ? "," : "",
					 o->str);
	}
	return 0;
}

static bool is_fs_type(const char *type)
{
	for (size_t i = 0; i < sizeof(fs_types) / sizeof(fs_types[0]); i++)
		if (!strcmp(type, fs_types[i]))
			return true;
	return false;
}

static int plan_mount(struct oci_walk *w, const struct json_value *m, const char *path,
		      const struct json_value *dst, const struct json_value *type,
		      const struct json_value *src, struct nb_mount *mb);

static int walk_mount(struct oci_walk *w, const struct json_value *m, const char *path)
{
	static const char *const known[] = { "destination", "type", "source", "options" };
	const struct json_value *dst = json_member(m, "destination"),
				*type = json_member(m, "type"), *src = json_member(m, "source"),
				*opts = json_member(m, "options");
	char sub[OCI_PATH_MAX];
	struct nb_mount b = { .op = NB_MOUNT_BIND, .make = NB_MAKE_LIKE_SOURCE };
	int rc = oci_want(w, m, path, JSON_OBJECT);

	for (const struct json_value *f = rc ? NULL : m->child; f; f = f->next) {
		bool ok = false;

		oci_path_member(sub, path, f->key);
		for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			ok |= !strcmp(f->key, known[k]);
		if (!ok)
			return oci_bad(w, f, sub,
				       strcmp(f->key, "uidMappings") &&
					       strcmp(f->key, "gidMappings")
					   ? "unknown field"
					   : "not supported yet");
	}
	if (rc || !dst)
		return rc ? rc : oci_bad(w, m, path, "no destination");
	oci_path_member(sub, path, "destination");
	rc = oci_want(w, dst, sub, JSON_STRING);
	oci_path_member(sub, path, "type");
	if (!rc && type)
		rc = oci_want(w, type, sub, JSON_STRING);
	oci_path_member(sub, path, "source");
	if (!rc && src)
		rc = oci_want(w, src, sub, JSON_STRING);
	oci_path_member(sub, path, "options");
	if (!rc && opts)
		rc = oci_want(w, opts, sub, JSON_ARRAY);
	if (!rc && type && is_standard(dst->str, type->str)) {
		if (!strcmp(dst->str, "/sys/fs/cgroup"))
			w->cgroup_mount_at = m;
		return 0;
	}
	if (rc)
		return rc;
	rc = oci_mount_options(w, opts, sub, &b);
	if (!rc)
		rc = plan_mount(w, m, path, dst, type, src, &b);
	if (rc) /* fuzz_json found it leaking: whatever the plan did not take goes */
		free((void *)b.data);
	return rc;
}

/* A mount entry's checked parts into the plan: a bind or a new filesystem. */
static int plan_mount(struct oci_walk *w, const struct json_value *m, const char *path,
		      const struct json_value *dst, const struct json_value *type,
		      const struct json_value *src, struct nb_mount *mb)
{
	char sub[OCI_PATH_MAX], why[OCI_PATH_MAX + 64];
	struct nb_mount b = *mb;
	bool is_bind, is_fs;
	int rc;

	/* type "bind" is a bind with or without the option (runc); "none" only with it */
	is_bind = (type && !strcmp(type->str, "bind")) ||
		  ((b.flags & MS_BIND) && (!type || !strcmp(type->str, "none")));
	is_fs = type && !(b.flags & MS_BIND) && is_fs_type(type->str);
	b.flags &= ~(unsigned long)MS_BIND;
	if ((!is_bind || !src) && !is_fs) {
		snprintf(why, sizeof(why),
			 "%.60s on %.60s: not supported yet (binds, tmpfs, mqueue and the "
			 "standard /proc /sys /dev mounts only)",
			 type ? type->str : "untyped", dst->str);
		return oci_bad(w, m, path, why);
	}
	b.target = dst->str;
	if (is_fs) { /* a new filesystem: made where the image has nothing (runc does too) */
		b.op = NB_MOUNT_FS;
		b.type = type->str;
		b.source = src ? src->str : type->str;
		b.make = NB_MAKE_DIR;
		return mount_plan_add(w->c, &b, w->err);
	}
	/* mount(2): a bind ignores data (runc passes it, runtime-tools' mounts test gives one) */
	free((void *)b.data);
	mb->data = b.data = NULL;
	oci_path_member(sub, path, "source");
	rc = oci_bundle_path(w, src, sub, &b.source);
	if (rc)
		return rc;
	return mount_plan_add(w->c, &b, w->err);
}

int oci_walk_mounts(struct oci_walk *w, const struct json_value *v, const char *path)
{
	return oci_walk_array(w, v, path, walk_mount);
}
