/* config.json's linux.devices (runtime-spec config-linux.md "Devices"): each entry a step of
 * the mount plan (NB_MOUNT_NODE) that dev.c makes over the container's /dev. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "mount_plan.h"
#include "oci_walk.h"

static int walk_path(struct oci_walk *w, const struct json_value *v, const char *path)
{
	int rc = oci_want(w, v, path, JSON_STRING);

	if (!rc && (v->str[0] != '/' || !v->str[1]))
		rc = oci_bad(w, v, path, "must be an absolute path below /");
	if (!rc)
		w->node->target = v->str;
	return rc;
}

/* c and u (unbuffered: the same node), b, p (a FIFO: no device number) */
static int walk_type(struct oci_walk *w, const struct json_value *v, const char *path)
{
	static const char types[] = "cubp";
	static const unsigned modes[] = { S_IFCHR, S_IFCHR, S_IFBLK, S_IFIFO };
	int rc = oci_want(w, v, path, JSON_STRING);
	const char *at = rc || !v->str[0] || v->str[1] ? NULL : strchr(types, v->str[0]);

	if (!rc && !at)
		rc = oci_bad(w, v, path, "unknown device type (c, u, b, p)");
	if (!rc)
		w->node->node.mode |= modes[at - types];
	return rc;
}

static int walk_number(struct oci_walk *w, const struct json_value *v, const char *path,
		       uint64_t max, unsigned *out)
{
	uint64_t n;
	int rc = oci_want_uint(w, v, path, max, &n);

	if (!rc)
		*out = (unsigned)n;
	return rc;
}

/* makedev(3): 12 bits of major, 20 of minor */
static int walk_major(struct oci_walk *w, const struct json_value *v, const char *path)
{
	w->node->opts |= 1; /* seen: c, u and b need it */
	return walk_number(w, v, path, 0xfff, &w->node->node.major);
}

static int walk_minor(struct oci_walk *w, const struct json_value *v, const char *path)
{
	w->node->opts |= 2;
	return walk_number(w, v, path, 0xfffff, &w->node->node.minor);
}

static int walk_file_mode(struct oci_walk *w, const struct json_value *v, const char *path)
{
	unsigned mode;
	int rc = walk_number(w, v, path, 07777, &mode);

	w->node->node.mode = (w->node->node.mode & S_IFMT) | mode;
	return rc;
}

static int walk_uid(struct oci_walk *w, const struct json_value *v, const char *path)
{
	return walk_number(w, v, path, UINT32_MAX - 1, &w->node->node.uid);
}

static int walk_gid(struct oci_walk *w, const struct json_value *v, const char *path)
{
	return walk_number(w, v, path, UINT32_MAX - 1, &w->node->node.gid);
}

static const struct oci_field device_fields[] = {
	{ "path", walk_path, true },
	{ "type", walk_type, true },
	{ "major", walk_major, false },
	{ "minor", walk_minor, false },
	{ "fileMode", walk_file_mode, false },
	{ "uid", walk_uid, false },
	{ "gid", walk_gid, false },
	{ NULL, NULL, false },
};

int oci_walk_devices(struct oci_walk *w, const struct json_value *v, const char *path)
{
	char sub[OCI_PATH_MAX];
	size_t i = 0;
	int rc = oci_want(w, v, path, JSON_ARRAY);

	for (const struct json_value *e = rc ? NULL : v->child; !rc && e; e = e->next, i++) {
		/* fileMode absent: 0666 as runc; the permissions from the table's walk, if any */
		struct nb_mount m = { .op = NB_MOUNT_NODE, .node.mode = 0666 };

		oci_path_index(sub, path, i);
		w->node = &m;
		rc = oci_walk_object(w, e, sub, device_fields);
		if (!rc && !S_ISFIFO(m.node.mode) && m.opts != 3)
			rc = oci_bad(w, e, sub, "major and minor are required for this type");
		m.opts = 0;
		if (!rc)
			rc = mount_plan_add(w->c, &m, w->err);
	}
	return rc;
}
