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
	struct stat st;
	int rc;

	/* unix(7): sun_path holds 108 bytes with the NUL */
	if (strlen(path) >= sizeof(sa.sun_path))
		return nb_fail(err, ENAMETOOLONG, WHAT, path, "longer than a unix socket path");
	if (stat(path, &st))
		return nb_fail_errno(err, WHAT, path);
	if (!S_ISSOCK(st.st_mode))
		return nb_fail(err, ENOTSOCK, WHAT, path, "not a socket");
	memcpy(sa.sun_path, path, strlen(path) + 1);
	/* runc dials it as a stream socket (net.Dial "unix"): what its callers listen on */
	console_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (console_fd < 0 || connect(console_fd, (struct sockaddr *)&sa, sizeof(sa))) {
		rc = nb_fail_errno(err, WHAT, path);
		console_socket_close();
		return rc;
	}
	return 0;
}

void console_socket_close(void)
{
	if (console_fd >= 0)
		close(console_fd);
	console_fd = -1;
}

int console_socket_setup(const struct nb_container *c, struct nb_error *err)
{
	struct winsize ws = { .ws_row = c->console_rows, .ws_col = c->console_cols };
	int master, slave, rc = tty_open_pty(&master, &slave, err);

	if (rc)
		goto out;
	/* tty_ioctl(4): TIOCSWINSZ on either end; before the caller has it, so the first thing
	 * run on the terminal sees the size */
	if ((ws.ws_row || ws.ws_col) && ioctl(master, TIOCSWINSZ, &ws))
		rc = nb_fail_errno(err, "process.consoleSize", "TIOCSWINSZ");
	if (!rc && (rc = tty_send_fd(console_fd, master, "/dev/ptmx"))) {
		errno = -rc;
		rc = nb_fail_errno(err, WHAT, c->console_socket);
	}
	close(master);
	if (rc)
		close(slave);
	else
		rc = tty_slave_as_stdio(slave, err);
out:
	console_socket_close();
	return rc;
}

int console_socket_check(const struct nb_container *c, bool detached, const char *what,
			 struct nb_error *err)
{
	if (c->console_socket && !(c->tty && detached))
		return nb_fail(err, EINVAL, WHAT, c->console_socket,
			       c->tty ? "only for a detached process (create, run -d, exec -d)"
				      : "needs a terminal (process.terminal true, exec -t)");
	if (c->tty && detached && !c->console_socket)
		return nb_fail(err, EINVAL, what, NULL,
			       "a detached process's terminal needs --console-socket");
	return 0;
}
