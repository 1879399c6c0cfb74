/* --console-socket PATH (runc's protocol, for a caller that holds the terminal itself:
 * containerd's shim, podman's conmon): the runtime connects to the unix socket at PATH, makes
 * the process a pty of the container's own devpts (its controlling terminal and fds 0, 1, 2,
 * process.consoleSize applied) and sends the master over the socket with SCM_RIGHTS, the
 * message's bytes its name ("/dev/ptmx", as runc's). Then the socket is closed: the caller
 * owns the terminal, nestbox relays nothing.
 *
 *   create / run -d / exec -d (host side)     container side: PID 1 after pivot_root, or
 *   console_socket_connect: PATH a socket?     exec's child after setns
 *     connected before anything is made   ->  console_socket_setup: pty, size, send, stdio */
#ifndef NB_CONSOLE_SOCKET_H
#define NB_CONSOLE_SOCKET_H

#include "container.h"
#include "nb_error.h"

/* Host side, before anything is created: connect to the socket at path (not a socket, or no
 * one listening: the error). The fd is kept for the container side, across the clone or
 * fork. */
int console_socket_connect(const char *path, struct nb_error *err);

/* Container side, in a session leader with no controlling terminal. */
int console_socket_setup(const struct nb_container *c, struct nb_error *err);

/* runc's fixStdioPermissions: the pty slave fd is the workload user's (process.user.uid); its
 * group stays devpts' gid=5, tty (mount_plan.c), as runc leaves it. */
int console_own(const struct nb_container *c, int fd, struct nb_error *err);

/* runc's rules (utils_linux.go): a terminal for a process nestbox does not wait for needs a
 * socket to send it to, and a socket is only for such a terminal. what: where the terminal
 * was asked ("process.terminal: true", "exec: -t"); detached: create, run -d, exec -d. */
int console_socket_check(const struct nb_container *c, bool detached, const char *what,
			 struct nb_error *err);

#endif
