/* The syscall name table of the target architecture (runtime/gen-syscalls.sh makes one per
 * architecture from its kernel headers): syscall_names_packed, SYSCALL_NAMES_COUNT, SYSCALL_NR_MAX,
 * and syscall_name_next() to read the names in number order.
 * Included by seccomp.c and by the tests that need what the filter knows. */
#ifndef NB_SYSCALLS_H
#define NB_SYSCALLS_H
#if defined(__x86_64__)
#include "syscalls_x86_64.h"
#elif defined(__aarch64__)
#include "syscalls_aarch64.h"
#elif defined(__arm__)
#include "syscalls_armv7.h"
#else
#error \
    "no syscall table for this architecture: sh runtime/gen-syscalls.sh > runtime/syscalls_ARCH.h"
#endif

/* The longest name with its NUL, and some room (set_mempolicy_home_node is 23). */
#define SYSCALL_NAME_MAX 32

/* The name of the next number into name[SYSCALL_NAME_MAX] ("" for a gap), *at counting
 * characters from 0: 6 bits each, 4 in 3 bytes; 0 ends a name, 1-26 are a-z, 27-36 0-9, 37 _. */
static inline void syscall_name_next(unsigned *at, char *name)
{
	unsigned code;

	do {
		const unsigned char *b = syscall_names_packed + *at / 4 * 3;
		unsigned word = (unsigned)b[0] << 16 | (unsigned)b[1] << 8 | b[2];

		code = word >> (18 - 6 * (*at % 4)) & 63;
		++*at;
		*name++ = (char)(!code	      ? 0
				 : code <= 26 ? 'a' + code - 1
				 : code <= 36 ? '0' + code - 27
					      : '_');
	} while (code);
}
#endif
