/* The syscall name table of the target architecture (runtime/gen-syscalls.sh makes one per
 * architecture from its kernel headers): syscall_names, SYSCALL_NAMES_COUNT, SYSCALL_NR_MAX.
 * Included by seccomp.c and by the tests that need what the filter knows. */
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
