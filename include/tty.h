/* `nestbox run -t`: a pseudo-terminal of the container's own for the workload, relayed to the
 * caller's terminal by the host side. The whole terminal concern lives in tty.c; the OCI front
 * end reuses the same pieces for process.terminal and --console-socket (there the master is
 * sent to the given socket instead of being relayed).
 *
 *   host side (nestbox run)               container side (after pivot_root)
 *   tty_host_prepare: stdin a terminal?   tty_container_setup: open /dev/ptmx (the container's
 *     socket pair                           devpts instance), the slave becomes the session's
 *   tty_host_relay: receive the master,     controlling terminal, send the master over,
 *     window size, raw mode, ack  <-------  wait for the ack, slave -> fds 0, 1, 2
 *     relay both ways, forward signals,
 *     SIGWINCH, drain, restore termios */
#ifndef NB_TTY_H
#define NB_TTY_H

#include <sys/types.h>

#include "option.h"
#include "nb_error.h"

/* -t/--tty and -i/--interactive. */
extern const struct cli_option tty_options[];

/* Host side, before the clone: fails with "-t needs a terminal on stdin" when it is not one,
 * and makes the socket pair the master will cross. */
int tty_host_prepare(struct nb_error *err);

/* Host side, after the clone, instead of plain signal forwarding: relay between the caller's
 * terminal (raw while the container runs) and the master, copy the window size at start and on
 * SIGWINCH, forward every other signal to child (SIGTERM, SIGINT, SIGHUP not obeyed within
 * 2 * grace_seconds + 1 s: SIGKILL, as without -t), and return once child has exited and the
 * master is drained, with the caller's terminal modes restored. Returns child's wait status. */
int tty_host_relay(pid_t child, unsigned grace_seconds);

/* Container side, after pivot_root, in the session leader: the pty's slave becomes the
 * controlling terminal and fds 0, 1 and 2; the master goes to the host side. */
int tty_container_setup(struct nb_error *err);

/* A session leader's new pty in the container's devpts: *master, and *slave as its
 * controlling terminal (TIOCSCTTY). The slave as fds 0, 1 and 2 (closed itself). */
int tty_open_pty(int *master, int *slave, struct nb_error *err);
int tty_slave_as_stdio(int slave, struct nb_error *err);

/* runtime-spec (config.md, default devices): with a terminal, the pty's slave (fd 0 by now) is
 * bound onto /dev/console, as runc does; for the container's PID 1, not for exec. */
int tty_bind_console(struct nb_error *err);

/* Send / receive one fd over a unix socket (SCM_RIGHTS, unix(7)); -errno on failure, and
 * tty_recv_fd returns -EPIPE when the peer closed without sending one. name: the message's
 * bytes (runc sends the file's name); NULL: one zero byte. */
int tty_send_fd(int sock, int fd, const char *name);
int tty_recv_fd(int sock);

#endif
