/* `nestbox run -t` (include/tty.h): the container's own pseudo-terminal, its master relayed to
 * the caller's terminal by the host side. Without -t nothing here runs: the workload gets the
 * caller's fds 0, 1, 2 as they are, in a session of its own (container.c). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "container.h"
#include "init.h"
#include "tty.h"

#define RELAY_BUF 16384
#define TTY_ACK	  'T' /* host side -> container side: size copied, caller's terminal raw */

enum { HOST_END, CONTAINER_END };

/* One terminal per nestbox process: the socket pair crosses the clone, and the caller's saved
 * modes must be reachable from every way out of the relay. */
static struct {
	int sock[2];
	struct termios saved;
	bool raw;
} tty = { .sock = { -1, -1 } };

/* --- options ------------------------------------------------------------------------------- */

static int opt_tty(struct nb_container *c, const char *arg, struct nb_error *err)
{
	(void)arg;
	(void)err;
	c->tty = true;
	return 0;
}

/* docker's -i keeps stdin open; nestbox always passes stdin in, so it only has to be accepted. */
static int opt_interactive(struct nb_container *c, const char *arg, struct nb_error *err)
{
	(void)c;
	(void)arg;
	(void)err;
	return 0;
}

const struct cli_option tty_options[] = {
	OPT("tty", "t", 0, opt_tty,
	    "              a terminal of its own for CMD (stdin must be one)"),
	OPT("interactive", "i", 0, opt_interactive,
	    "             accepted (docker's -i): stdin is always passed"),
	{ NULL },
};

/* --- passing the master (unix(7) SCM_RIGHTS) ------------------------------------------------ */

union fd_cmsg {
	struct cmsghdr align;
	char buf[CMSG_SPACE(sizeof(int))];
};

int tty_send_fd(int sock, int fd, const char *name)
{
	char byte = 0;
	struct iovec iov = { .iov_base = name ? (char *)name : &byte,
			     .iov_len = name ? strlen(name) : 1 };
	union fd_cmsg u;
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm;

	memset(&u, 0, sizeof(u));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	while (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

int tty_recv_fd(int sock)
{
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union fd_cmsg u;
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm;
	ssize_t n;
	int fd;

	while ((n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) < 0)
		if (errno != EINTR)
			return -errno;
	cm = CMSG_FIRSTHDR(&msg);
	if (n == 0 || !cm)
		return -EPIPE;
	if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS ||
	    cm->cmsg_len != CMSG_LEN(sizeof(int)))
		return -EPROTO;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* --- container side -------------------------------------------------------------------------- */

int tty_open_pty(int *master, int *slave, struct nb_error *err)
{
	int unlock = 0, rc;

	/* After pivot_root (or setns into its mount namespace) /dev/ptmx is pts/ptmx of the
	 * container's own devpts instance (dev.c, newinstance): the pty is invisible in the
	 * host's /dev/pts. */
	*master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*master < 0)
		return nb_fail_errno(err, "open", "/dev/ptmx");
	/* TIOCGPTPEER (Linux 4.13, ioctl_tty(2)) opens the slave through the master: no path
	 * lookup that a process in the container could race. */
	*slave = -1;
	if (ioctl(*master, TIOCSPTLCK, &unlock) ||
	    (*slave = ioctl(*master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
		rc = nb_fail_errno(err, "open pty slave", "/dev/ptmx");
		goto fail;
	}
	/* We are a session leader (setsid in container.c, verb_exec.c) with no controlling
	 * terminal: TIOCSCTTY makes the slave the session's, and init_spawn's child then takes it
	 * as the foreground process group (tcsetpgrp) before it execs the workload. */
	if (ioctl(*slave, TIOCSCTTY, 0)) {
		rc = nb_fail_errno(err, "TIOCSCTTY", "pty slave");
		goto fail;
	}
	return 0;

fail:
	if (*slave >= 0)
		close(*slave);
	close(*master);
	return rc;
}

int tty_slave_as_stdio(int slave, struct nb_error *err)
{
	for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++)
		if (dup2(slave, fd) < 0)
			return nb_fail_errno(err, "dup2", "pty slave");
	if (slave > STDERR_FILENO)
		close(slave);
	return 0;
}

int tty_bind_console(struct nb_error *err)
{
	int fd = open("/dev/console", O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd >= 0)
		close(fd);
	/* the magic link is followed to the slave's node (the container's devpts) */
	if (fd < 0 || mount("/proc/self/fd/0", "/dev/console", NULL, MS_BIND, NULL))
		return nb_fail_errno(err, "mount", "/dev/console");
	return 0;
}

int tty_container_setup(struct nb_error *err)
{
	int sock = tty.sock[CONTAINER_END], master, slave, rc;
	char ack = 0;

	close(tty.sock[HOST_END]);
	rc = tty_open_pty(&master, &slave, err);
	if (rc)
		return rc;
	rc = tty_send_fd(sock, master, NULL);
	close(master);
	if (rc) {
		close(slave);
		errno = -rc;
		return nb_fail_errno(err, "send pty master", "host side");
	}
	/* Nothing may run on the terminal before the window size is in and the caller's terminal
	 * is raw: wait for the host side's ack (EOF: it is gone). */
	if (read(sock, &ack, 1) != 1 || ack != TTY_ACK) {
		close(slave);
		return nb_fail(err, EPIPE, "--tty", "host side", "no ack for the pty master");
	}
	close(sock);
	return tty_slave_as_stdio(slave, err);
}

/* --- host side ------------------------------------------------------------------------------ */

int tty_host_prepare(struct nb_error *err)
{
	if (tcgetattr(STDIN_FILENO, &tty.saved))
		return nb_fail(err, ENOTTY, "--tty", NULL, "-t needs a terminal on stdin");
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, tty.sock))
		return nb_fail_errno(err, "socketpair", "--tty");
	return 0;
}

static void copy_window_size(int master)
{
	struct winsize ws;

	if (!ioctl(STDIN_FILENO, TIOCGWINSZ, &ws))
		ioctl(master, TIOCSWINSZ, &ws); /* the kernel sends SIGWINCH to the fg group */
}

static void enter_raw_mode(void)
{
	struct termios raw = tty.saved;

	cfmakeraw(&raw);
	tty.raw = !tcsetattr(STDIN_FILENO, TCSANOW, &raw);
}

/* TCSANOW, not TCSADRAIN: a caller's terminal that never drains must not hang the way out. */
static void restore_modes(void)
{
	if (tty.raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &tty.saved);
	tty.raw = false;
}

struct relay_buf {
	char data[RELAY_BUF];
	size_t off, len;
};

struct relay {
	pid_t child;
	int wstatus;
	bool exited;
	unsigned grace_seconds;
	long long kill_at; /* ms, CLOCK_MONOTONIC; 0: no stop asked */
	int master;	   /* -1 until the container side sends it */
	bool in_open, master_open;
	struct relay_buf in, out; /* caller -> master, master -> caller */
};

/* Bytes read into an empty buffer; 0 at the end (EOF, or EIO: a pty master once every slave
 * fd is closed, pty(7)); -1 when there is nothing now. */
static ssize_t fill(struct relay_buf *b, int fd)
{
	ssize_t n = read(fd, b->data, sizeof(b->data));

	if (n > 0) {
		b->off = 0;
		b->len = (size_t)n;
		return n;
	}
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return -1;
	return 0;
}

/* Write what fd takes; on an error the bytes are dropped (there is nowhere else to put them). */
static bool flush(struct relay_buf *b, int fd)
{
	ssize_t n = write(fd, b->data + b->off, b->len - b->off);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n > 0)
		b->off += (size_t)n;
	if (n <= 0 || b->off == b->len)
		b->off = b->len = 0;
	return n > 0;
}

static long long monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void take_signals(int sfd, struct relay *r)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
		int sig = (int)si.ssi_signo;

		if (sig == SIGCHLD) {
			if (!r->exited && waitpid(r->child, &r->wstatus, WNOHANG) == r->child)
				r->exited = true;
		} else if (sig == SIGWINCH) {
			if (r->master >= 0)
				copy_window_size(r->master);
		} else {
			/* Continued after a SIGSTOP: the caller's shell put its own modes back when
			 * it saw us stop, and the window may have changed meanwhile. */
			if (sig == SIGCONT && tty.raw) {
				enter_raw_mode();
				copy_window_size(r->master);
			}
			/* As host_side (container.c): a stop asked for and not done in time (an
			 * interactive shell ignores SIGTERM) ends in SIGKILL of the container. */
			if (!r->kill_at && (sig == SIGTERM || sig == SIGINT || sig == SIGHUP))
				r->kill_at = monotonic_ms() + 2 * r->grace_seconds * 1000LL + 1000;
			kill(r->child, sig);
		}
	}
}

static void take_master(struct relay *r)
{
	const char ack = TTY_ACK;
	int fd = tty_recv_fd(tty.sock[HOST_END]);

	if (fd >= 0) {
		fcntl(fd, F_SETFL, O_NONBLOCK);
		r->master = fd;
		r->master_open = true;
		copy_window_size(fd);
		enter_raw_mode();
		/* Should the container side be gone, its SIGCHLD ends the loop. */
		write(tty.sock[HOST_END], &ack, 1);
	}
	/* Sent or not (EOF: the container side failed and said why), the socket is done. */
	close(tty.sock[HOST_END]);
	tty.sock[HOST_END] = -1;
}

/* pid_namespaces(7): the container's PID 1 is reaped only after every process of its namespace
 * is gone, so every slave fd is closed and what the master still holds is the last output. */
static void drain(struct relay *r)
{
	for (;;) {
		struct pollfd p = { .fd = STDOUT_FILENO, .events = POLLOUT };

		if (!r->out.len && (!r->master_open || fill(&r->out, r->master) <= 0))
			return;
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			return;
		if (!flush(&r->out, STDOUT_FILENO) && !r->out.len)
			return;
	}
}

static void relay_step(struct relay *r, const struct pollfd *p)
{
	if (p[1].revents)
		take_master(r);
	if (p[2].revents && fill(&r->in, STDIN_FILENO) == 0)
		r->in_open = false;
	if ((p[3].revents & POLLOUT) && r->in.len)
		flush(&r->in, r->master);
	if ((p[3].revents & (POLLIN | POLLHUP | POLLERR)) && !r->out.len &&
	    fill(&r->out, r->master) == 0)
		r->master_open = false;
	if (p[4].revents)
		flush(&r->out, STDOUT_FILENO);
}

int tty_host_relay(pid_t child, unsigned grace_seconds)
{
	struct relay r = {
		.child = child, .grace_seconds = grace_seconds, .master = -1, .in_open = true
	};
	sigset_t all;
	int sfd;

	close(tty.sock[CONTAINER_END]);
	/* Every signal is already blocked (init_block_signals): take them from a signalfd so one
	 * poll waits for the terminal, the master and the signals together. */
	init_signal_set(&all); /* 1..64: sigfillset leaves out 32..34 */
	sfd = signalfd(-1, &all, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sfd < 0) {
		kill(child, SIGKILL);
		waitpid(child, &r.wstatus, 0);
		return r.wstatus;
	}
	while (!r.exited) {
		long long left = r.kill_at ? r.kill_at - monotonic_ms() : -1;
		bool master_wanted = r.master_open && (!r.out.len || r.in.len);
		struct pollfd p[5] = {
			{ .fd = sfd, .events = POLLIN },
			{ .fd = tty.sock[HOST_END], .events = POLLIN },
			{ .fd = r.in_open && r.master_open && !r.in.len ? STDIN_FILENO : -1,
			  .events = POLLIN },
			{ .fd = master_wanted ? r.master : -1,
			  .events = (short)((r.out.len ? 0 : POLLIN) | (r.in.len ? POLLOUT : 0)) },
			{ .fd = r.out.len ? STDOUT_FILENO : -1, .events = POLLOUT },
		};

		if (r.kill_at && left <= 0) {
			kill(child, SIGKILL);
			r.kill_at = 0;
			continue;
		}
		if (poll(p, 5, left > INT_MAX ? INT_MAX : (int)left) < 0)
			continue;
		/* Signals first: a SIGWINCH sent before a keystroke resizes before it is relayed. */
		if (p[0].revents)
			take_signals(sfd, &r);
		if (!r.exited)
			relay_step(&r, p);
	}
	drain(&r);
	restore_modes();
	close(sfd);
	if (r.master >= 0)
		close(r.master);
	if (tty.sock[HOST_END] >= 0)
		close(tty.sock[HOST_END]);
	return r.wstatus;
}
