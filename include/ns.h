/* Namespaces: names <-> bits <-> CLONE_NEW* flags, and the clone that creates them. */
#ifndef NB_NS_H
#define NB_NS_H

#include <sys/types.h>

#include "nb_error.h"

/* Parse "mnt,pid,uts" into enum nb_ns bits. */
int ns_parse_list(const char *list, unsigned *out, struct nb_error *err);

/* CLONE_NEW* flags for a set of enum nb_ns bits. */
unsigned long ns_clone_flags(unsigned namespaces);

/* Fork-like clone into new namespaces: returns 0 in the child, the child's pid in the parent,
 * -errno on failure. cgroup_fd >= 0 asks the kernel to start the child in that cgroup
 * (clone3 CLONE_INTO_CGROUP); pass -1 for none. */
pid_t ns_clone(unsigned long flags, int cgroup_fd);

#endif
