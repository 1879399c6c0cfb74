/* config.json's linux.seccomp (runtime/oci_seccomp.c): the OCI seccomp object checked and
 * resolved into security.profile (seccomp.h), which seccomp_profile.c compiles to BPF. */
#ifndef NB_OCI_SECCOMP_H
#define NB_OCI_SECCOMP_H

#include <stdbool.h>

#include "oci_walk.h"

struct nb_seccomp_profile;

/* linux.seccomp: a bad value is "config.json:LINE:COL: linux.seccomp.FIELD: why". */
int oci_walk_seccomp(struct oci_walk *w, const struct json_value *v, const char *path);

/* features: the actions (operators when true) the compiler takes, as comma-separated JSON strings. */
void oci_seccomp_print_names(bool operators);
void oci_seccomp_free(struct nb_seccomp_profile *pr);

#endif
