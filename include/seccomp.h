/* The seccomp filter: a classic-BPF program nestbox builds itself (no libseccomp). The default
 * filter refuses with EPERM what Docker's default profile refuses; --seccomp FILE reads a
 * text policy (format in runtime/seccomp.c); --seccomp off loads nothing. */
#ifndef NB_SECCOMP_H
#define NB_SECCOMP_H

#include "nb_error.h"
#include "security.h"

/* Parse a --seccomp text policy into s->rules / s->seccomp_default. */
int seccomp_parse_file(const char *path, struct nb_security_spec *s, struct nb_error *err);

/* Build the container's filter and load it on the calling thread (no-op when off). The caller
 * has no_new_privs set or CAP_SYS_ADMIN in effect. */
int seccomp_load(const struct nb_container *c, struct nb_error *err);

/* Syscall name -> number on this architecture, or -1. */
int seccomp_syscall_number(const char *name);

#endif
