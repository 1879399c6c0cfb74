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

/* config.json's linux.namespaces[].path: open it (before anything of the image is looked at)
 * and check it is a namespace of bit's type (ioctl_ns(2) NS_GET_NSTYPE). 0, -EINVAL when it
 * is not one of that type, or -errno. */
int ns_open_path(const char *path, unsigned bit, int *fd);

/* Container side, first: setns(2) into each joined namespace but the pid one. */
struct nb_container;
int ns_join(const struct nb_container *c, struct nb_error *err);

/* setns(2) CLONE_NEWPID moves only the caller's future children: the host side joins a pid
 * namespace given by path for the clone (*back: its own, to come back to after with
 * ns_leave_pid), -1 when there is none. 0 or -errno. */
int ns_enter_pid(const struct nb_container *c, int *back);
void ns_leave_pid(int back);

#endif
