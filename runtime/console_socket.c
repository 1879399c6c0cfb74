/* --console-socket (include/console_socket.h): the pty master handed to the caller. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "console_socket.h"
#include "tty.h"

#define WHAT "--console-socket"

/* One console per nestbox process, as tty.c's one terminal. */
static int console_fd = -1;

int console_socket_connect(const char *path, struct nb_error *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(path) + 1;
	struct stat st;

	/* unix(7): sun_path holds 108 bytes with the NUL */
	errno = ENAMETOOLONG;
	if (len > sizeof(sa.sun_path) || stat(path, &st))
		return nb_fail_errno(err, WHAT, path);
	if (!S_ISSOCK(st.st_mode))
		return nb_fail(err, ENOTSOCK, WHAT, path, "not a socket");
	memcpy(sa.sun_path, path, len);
	/* runc dials it as a stream socket (net.Dial "unix"): what its callers listen on. The
	 * fd stays open in a failed connect's case too: nestbox exits on the error. */
	console_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (console_fd < 0 || connect(console_fd, (struct sockaddr *)&sa, sizeof(sa)))
		return nb_fail_errno(err, WHAT, path);
	return 0;
}

int console_socket_setup(const struct nb_container *c, struct nb_error *err)
{
	struct winsize ws = { .ws_row = c->console_rows, .ws_col = c->console_cols };
	int master, slave, rc = tty_open_pty(&master, &slave, err);

	if (rc)
		return rc;
	/* tty_ioctl(4): TIOCSWINSZ on either end, before the caller has it, so the first thing
	 * run on the terminal sees the size (it cannot fail on a pty just made) */
	if (ws.ws_row || ws.ws_col)
		ioctl(master, TIOCSWINSZ, &ws);
	rc = tty_send_fd(console_fd, master, "/dev/ptmx");
	close(master);
	close(console_fd); /* the caller has the terminal: the socket is done */
	if (rc) {
		close(slave);
		errno = -rc;
		return nb_fail_errno(err, WHAT, c->console_socket);
	}
	return console_own(c, slave, err) ?: tty_slave_as_stdio(slave, err);
}

int console_own(const struct nb_container *c, int fd, struct nb_error *err)
{
	if (c->uid && fchown(fd, c->uid, (gid_t)-1))
		return nb_fail_errno(err, "chown", "pty slave");
	return 0;
}

int console_socket_check(const struct nb_container *c, bool detached, const char *what,
			 struct nb_error *err)
{
	if (c->console_socket && !(c->tty && detached))
		return nb_fail(err, EINVAL, WHAT, c->console_socket,
			       "only for a terminal (process.terminal, exec -t) of a detached "
			       "process (create, run -d, exec -d)");
	if (c->tty && detached && !c->console_socket)
		return nb_fail(err, EINVAL, what, NULL,
			       "a detached process's terminal needs --console-socket");
	return 0;
}
