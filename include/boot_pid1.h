/* Inside boot mode (boot.c and its boot_*.c parts): PID 1's one configuration and the few
 * calls its parts share. Not for the rest of the runtime: boot.h is the front door. */
#ifndef NB_BOOT_PID1_H
#define NB_BOOT_PID1_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>

#include "boot_conf.h"

/* One console line from boot mode: "nestbox: boot: " fmt "\n", the prefix and the newline put
 * by nb_log_line (format.h), not copied into each of the ~40 formats. */
#define BOOT_LOG(fmt, ...) nb_log_line(fmt, __VA_ARGS__)
void nb_log_line(const char *fmt, ...) __attribute__((format(__printf__, 1, 2))); /* format.h */

#define BOOT_CTL_SOCKET "/run/nestbox/control"

struct pollfd;

extern struct boot_conf boot_cf; /* what PID 1 runs; static storage */
extern bool boot_stopping;	 /* shutdown has begun */

/* boot.c */
void boot_start(struct boot_entry *e);
const char *boot_state_name(const struct boot_entry *e);
/* A request from the control socket: "stop", "start" or "restart"; -1 for another verb. */
int boot_control(struct boot_entry *e, const char *verb);

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

/* boot_log.c: ring buffers (and files) of the entries' output. */
void boot_log_setup(void);		     /* cut the pool, after boot.conf is read */
int boot_log_child_fd(struct boot_entry *e); /* stdout+stderr for its child; -1: console */
int boot_log_fd(int entry);		     /* the read end to poll, or -1 */
void boot_log_drain(int entry);		     /* read what is there, never waits */
size_t boot_log_copy(int entry, char *out, size_t len); /* the ring, oldest line first */

/* boot_ready.c: ready=FD pipes, and whether an entry's after= entries are up. */
int boot_ready_child_fd(struct boot_entry *e); /* before the fork: FD for the child, or -1 */
void boot_ready_forked(struct boot_entry *e);  /* after it: PID 1 drops the write end */
int boot_ready_fd(int entry);		       /* the read end to poll, or -1 */
void boot_ready_read(int entry);
bool boot_ready_for(const struct boot_entry *e); /* everything it waits for is up */

/* boot_ctl.c: the control socket, served from the event loop. */
void boot_ctl_listen(void);
int boot_ctl_fds(struct pollfd *p); /* at most 1 + 8 */
void boot_ctl_ready(const struct pollfd *p, int n);
void boot_ctl_follow(int entry, const char *s, size_t n);
int boot_ctl_client(const char *socket_path, int argc, char **argv);

/* boot_watchdog.c */
void boot_watchdog_open(void);
long long boot_watchdog_timeout(long long now, long long timeout_ms); /* capped to the pet */
void boot_watchdog_pet(long long now);				      /* when it is due */
void boot_watchdog_close(bool at_reboot); /* magic close, when the mode says it is time */
#ifdef NB_FAULTS
void __attribute__((noreturn)) boot_watchdog_hang(void);
#endif

/* boot_shutdown.c: stop everything within the deadline, sync, unmount, reboot(2). */
void __attribute__((noreturn)) boot_shutdown(const sigset_t *set, enum boot_action how);

#endif
