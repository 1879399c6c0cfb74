/* The seccomp filter: a classic-BPF program nestbox builds itself (no libseccomp). The default
 * filter refuses with EPERM what Docker's default profile refuses; --seccomp FILE reads a
 * text policy (format in runtime/seccomp.c); --seccomp off loads nothing; config.json's
 * linux.seccomp is compiled from the profile below (runtime/seccomp_profile.c). */
#ifndef NB_SECCOMP_H
#define NB_SECCOMP_H

#include <stdint.h>

#include "nb_error.h"
#include "security.h"

/* config.json's linux.seccomp, resolved by oci_seccomp.c (names to this architecture's numbers,
 * actions to SECCOMP_RET_* values) for seccomp_profile.c's compiler. */
enum nb_seccomp_op {
	NB_CMP_NE,
	NB_CMP_LT,
	NB_CMP_LE,
	NB_CMP_EQ,
	NB_CMP_GE,
	NB_CMP_GT,
	NB_CMP_MASKED_EQ, /* (arg & value) == value_two */
};
#define NB_SECCOMP_CMP_MAX 6 /* comparisons ANDed in one rule */

struct nb_seccomp_cmp {
	uint64_t value, value_two;
	uint8_t index, op;
};

struct nb_seccomp_entry {
	uint32_t ret; /* SECCOMP_RET_* | data */
	uint16_t nr;
	uint8_t n_cmp;
	unsigned first_cmp; /* into the profile's cmp[] (shared by a rule's names) */
};

struct nb_seccomp_profile {
	uint32_t default_ret;
	unsigned flags; /* SECCOMP_FILTER_FLAG_* for seccomp(2) */
	int n, n_cmp;
	struct nb_seccomp_entry *e; /* in the file's order: a syscall's first matching rule wins */
	struct nb_seccomp_cmp *cmp;
};

/* Parse a --seccomp text policy into s->rules / s->seccomp_default. */
int seccomp_parse_file(const char *path, struct nb_security_spec *s, struct nb_error *err);

/* Build the container's filter and load it on the calling thread (no-op when off). The caller
 * has no_new_privs set or CAP_SYS_ADMIN in effect. */
int seccomp_load(const struct nb_container *c, struct nb_error *err);

/* Syscall name -> number on this architecture, or -1. */
int seccomp_syscall_number(const char *name);

#endif
