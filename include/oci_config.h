/* The OCI front end: a bundle's config.json (runtime-spec config.md) -> struct nb_container, the
 * same description `nestbox run`'s flags fill; it then goes through container_validate.
 *
 * What the description cannot say yet is refused, never dropped: one line naming the JSON path,
 * "config.json:LINE:COL: linux.intelRdt: not supported yet". Where the spec and nestbox's own
 * defaults differ, the spec wins: no seccomp filter without linux.seccomp, no_new_privs only
 * with process.noNewPrivileges, no capabilities but the listed ones. */
#ifndef NB_OCI_CONFIG_H
#define NB_OCI_CONFIG_H

#include <stddef.h>

#include "container.h"
#include "nb_error.h"

#define OCI_CONFIG_NAME "config.json"
#define OCI_CONFIG_MAX	(1 << 20) /* bytes: a config.json is a few KB */

/* Parse config.json's text (modified in place; c's strings point into it, so it must live as
 * long as c) for the container id. Paths relative to the bundle (root.path, bind sources) are
 * joined to bundle, which should be absolute. No file system access: pure, for the unit tests and
 * the fuzzer. 0 or -errno with err filled. */
int oci_config_parse(char *text, size_t len, const char *bundle, const char *id,
		     struct nb_container *c, struct nb_error *err);

/* exec --process FILE: an OCI process object (config.md "process") over c, the container's
 * description: args, env and rlimits replaced, the rest as given. Like oci_config_parse. */
int oci_process_parse(char *text, size_t len, struct nb_container *c, struct nb_error *err);

/* Read dir/config.json into a malloc'd *text (at most OCI_CONFIG_MAX bytes). */
int oci_config_read(const char *dir, char **text, size_t *len, struct nb_error *err);

/* Read bundle/config.json and parse it; the root path is then made canonical (realpath). */
int oci_config_load(const char *bundle, const char *id, struct nb_container *c,
		    struct nb_error *err);

#endif
