/* Walking config.json's tree (json.h) into the description, with helpers in oci_walk.c: shared
 * by oci_config.c (the top level, root, process), oci_mounts.c (mounts) and oci_linux.c (the
 * linux object).
 * Each object is walked against a table of its fields: an unknown name is an error, and so is a
 * known one that nestbox cannot do yet (a NULL handler). */
#ifndef NB_OCI_WALK_H
#define NB_OCI_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "container.h"
#include "json.h"
#include "nb_error.h"

#define OCI_PATH_MAX 160

struct oci_walk {
	struct nb_container *c;
	const char *bundle;
	struct nb_error *err;
	/* What later checks need: what the file said, before the cross-field checks. */
	uint64_t caps[5]; /* bounding, effective, permitted, inheritable, ambient */
	const struct json_value *idmaps_at, *hostname_at, *cgroup_mount_at;
	int64_t cpu_quota; /* linux.resources.cpu, before the conversion */
	uint64_t cpu_period;
	struct nb_hook *hook;  /* the hook being walked (oci_config.c walk_hooks) */
	struct nb_mount *node; /* the linux.devices entry being walked (oci_devices.c) */
};

/* A table's field: its name, after OCI_REQUIRED when config.json must have it (a prefix, not a
 * bool member: 16 bytes an entry instead of 24 on 64-bit machines, ~130 entries). walk NULL:
 * "not supported yet". */
#define OCI_REQUIRED "!"
struct oci_field {
	const char *name;
	int (*walk)(struct oci_walk *w, const struct json_value *v, const char *path);
};

/* "config.json:LINE:COL: PATH: why", -EINVAL. */
int oci_bad(struct oci_walk *w, const struct json_value *v, const char *path, const char *why);

/* The members of obj through fields (NULL-name terminated): unknown, not supported yet, twice,
 * or a required one missing are errors. */
int oci_walk_object(struct oci_walk *w, const struct json_value *obj, const char *path,
		    const struct oci_field *fields);

/* Each element of the array v through each, with the element's path ("path[i]"). */
int oci_walk_array(struct oci_walk *w, const struct json_value *v, const char *path,
		   int (*each)(struct oci_walk *w, const struct json_value *e, const char *path));

/* Type checks with the path in the message. */
int oci_want(struct oci_walk *w, const struct json_value *v, const char *path, enum json_type type);
int oci_want_bool(struct oci_walk *w, const struct json_value *v, const char *path, bool *out);
int oci_want_uint(struct oci_walk *w, const struct json_value *v, const char *path, uint64_t max,
		  uint64_t *out);
int oci_want_int(struct oci_walk *w, const struct json_value *v, const char *path, int64_t min,
		 int64_t max, int64_t *out);

/* An array of strings into a NULL-terminated vector (*n: how many, when n is not NULL). */
int oci_string_array(struct oci_walk *w, const struct json_value *v, const char *path,
		     const char ***out, int *n);

/* A path from config.json: bundle/rel for a relative one, itself when absolute. */
int oci_bundle_path(struct oci_walk *w, const struct json_value *v, const char *path,
		    const char **out);

/* A value handed to the docker-like option of the same meaning (option.h table, by name), so
 * that it gets that option's checks; its message comes back under the JSON path. */
struct cli_option;
int oci_by_option(struct oci_walk *w, const struct json_value *v, const char *path,
		  const struct cli_option *table, const char *name, const char *arg);

/* path + "." + name, or path + "[i]". */
void oci_path_member(char *out, const char *path, const char *name);
void oci_path_index(char *out, const char *path, size_t i);

/* The mounts array (oci_mounts.c): binds and new filesystems into the mount plan. */
int oci_walk_mounts(struct oci_walk *w, const struct json_value *v, const char *path);
/* "shared", "rslave"...: MS_SHARED ... MS_UNBINDABLE, with MS_REC for the r- forms; -EINVAL. */
int oci_propagation(const char *name, unsigned long *flag);
/* linux.devices (oci_devices.c): device nodes made in the container (dev.c). */
int oci_walk_devices(struct oci_walk *w, const struct json_value *v, const char *path);
/* The linux object (oci_linux.c), and its checks once the whole file is read. */
int oci_walk_linux(struct oci_walk *w, const struct json_value *v, const char *path);

#endif
