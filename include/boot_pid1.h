/* Inside boot mode (boot.c and its boot_*.c parts): PID 1's one configuration and the few
 * calls its parts share. Not for the rest of the runtime: boot.h is the front door. */
#ifndef NB_BOOT_PID1_H
#define NB_BOOT_PID1_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <unistd.h>

#include "boot_conf.h"

/* One console line from boot mode. */
#define BOOT_LOG(fmt, ...) dprintf(STDERR_FILENO, "nestbox: boot: " fmt "\n", __VA_ARGS__)

extern struct boot_conf boot_cf; /* what PID 1 runs; static storage */

long long boot_now_ms(void);

/* Wait for one of set's signals for at most timeout_ms (-1: forever); 0 on timeout. */
int boot_wait_signal(const sigset_t *set, long long timeout_ms);

/* Reap every exited child; returns the machine action the exits ask for. */
enum boot_action boot_reap(bool stopping);

int boot_running(void);
void boot_write_status(void);
void boot_describe(int status, char *buf, size_t len);

/* boot_restart.c: after e exited with wait status `status` at now, either schedule its
 * restart (e->restart_at_ms) or not; returns the machine action that follows (BOOT_IGNORE:
 * none) and says what it decided on the console. */
enum boot_action boot_after_exit(struct boot_entry *e, int status, long long now);

/* The delay before restart number k (0-based) of the backoff: start * factor^k, capped. */
long long boot_backoff_ms(const struct boot_conf *c, unsigned k);

/* boot_shutdown.c: stop everything within the deadline, sync, unmount, reboot(2). */
void __attribute__((noreturn)) boot_shutdown(const sigset_t *set, enum boot_action how);

#endif
