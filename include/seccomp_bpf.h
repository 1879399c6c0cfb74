/* The classic-BPF program seccomp.c and seccomp_profile.c build together: the instruction
 * buffer, one emitter, the preamble every filter starts with (arch check, x32, ENOSYS above the
 * newest syscall), and the compiler of config.json's linux.seccomp (seccomp.h's profile). */
#ifndef NB_SECCOMP_BPF_H
#define NB_SECCOMP_BPF_H

#include <linux/filter.h>

#include "seccomp.h"

struct seccomp_prog {
	struct sock_filter insn[BPF_MAXINSNS];
	unsigned n; /* may pass BPF_MAXINSNS: counted, not stored; the loader refuses it */
};

void seccomp_emit(struct seccomp_prog *p, unsigned short code, unsigned k, unsigned char jt,
		  unsigned char jf);
/* Leaves the syscall number in the accumulator. */
void seccomp_prologue(struct seccomp_prog *p);

/* The profile's rules after the preamble (seccomp_profile.c); 0 or -ENOMEM. */
int seccomp_profile_build(const struct nb_seccomp_profile *pr, struct seccomp_prog *p);

#endif
