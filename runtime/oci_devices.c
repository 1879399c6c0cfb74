/* config.json's linux.devices (runtime-spec config-linux.md "Devices"): each entry a step of
 * the mount plan (NB_MOUNT_NODE) that dev.c makes over the container's /dev. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "mount_plan.h"
#include "oci_walk.h"

/* The numbers, each into its place of nb_mount.node: makedev(3) has 12 bits of major and 20 of
 * minor; fileMode is the permissions (runc's default 0666). */
static const struct {
	char name[9];
	unsigned char at;
	unsigned max;
} numbers[] = {
	{ "fileMode", offsetof(struct nb_mount, node.perm), 07777 },
	{ "major", offsetof(struct nb_mount, node.major), 0xfff },
	{ "minor", offsetof(struct nb_mount, node.minor), 0xfffff },
	{ "uid", offsetof(struct nb_mount, node.uid), UINT32_MAX - 1 },
	{ "gid", offsetof(struct nb_mount, node.gid), UINT32_MAX - 1 },
};

/* c and u (unbuffered: the same node), b, p (a FIFO: no device number) */
static const char types[] = "cubp";
static const unsigned short type_modes[] = { S_IFCHR, S_IFCHR, S_IFBLK, S_IFIFO };

static int walk_member(struct oci_walk *w, const struct json_value *f, const char *path,
		       struct nb_mount *m, unsigned *seen)
{
	const char *at;
	uint64_t n;
	size_t i = 0;

	if (!strcmp(f->key, "path") || !strcmp(f->key, "type")) {
		if (oci_want(w, f, path, JSON_STRING))
			return -EINVAL;
		if (f->key[0] == 'p') {
			m->target = f->str;
			return f->str[0] == '/' && f->str[1]
				   ? 0
				   : oci_bad(w, f, path, "must be an absolute path below /");
		}
		at = f->str[0] && !f->str[1] ? strchr(types, f->str[0]) : NULL;
		if (!at)
			return oci_bad(w, f, path, "unknown device type (c, u, b, p)");
		m->node.type = type_modes[at - types];
		return 0;
	}
	while (i < sizeof(numbers) / sizeof(numbers[0]) && strcmp(f->key, numbers[i].name))
		i++;
	if (i == sizeof(numbers) / sizeof(numbers[0]))
		return oci_bad(w, f, path, "unknown field");
	if (oci_want_uint(w, f, path, numbers[i].max, &n))
		return -EINVAL;
	*(unsigned *)((char *)m + numbers[i].at) = (unsigned)n;
	*seen |= 1u << i;
	return 0;
}

static int walk_device(struct oci_walk *w, const struct json_value *e, const char *sub)
{
	char field[OCI_PATH_MAX];
	struct nb_mount m = { .op = NB_MOUNT_NODE, .node.perm = 0666 };
	unsigned seen = 0;
	int rc = oci_want(w, e, sub, JSON_OBJECT);

	for (const struct json_value *f = rc ? NULL : e->child; !rc && f; f = f->next) {
		oci_path_member(field, sub, f->key);
		rc = walk_member(w, f, field, &m, &seen);
	}
	if (!rc && (!m.target || !m.node.type))
		rc = oci_bad(w, e, sub, "path and type are required");
	if (!rc && m.node.type != S_IFIFO && (seen & 6) != 6) /* major, minor */
		rc = oci_bad(w, e, sub, "major and minor are required for this type");
	if (!rc)
		rc = mount_plan_add(w->c, &m, w->err);
	return rc;
}

int oci_walk_devices(struct oci_walk *w, const struct json_value *v, const char *path)
{
	return oci_walk_array(w, v, path, walk_device);
}
