/* The control socket of boot mode (boot_pid1.h, README "Boot mode"): PID 1 listens on
 * /run/nestbox/control (a unix stream socket, mode 0600; SO_PEERCRED must say uid 0) for one
 * request a connection: "status", "logs NAME", "follow NAME", "stop NAME", "start NAME",
 * "restart NAME". The answer is one status byte ('0' done, '1' refused) and text. Everything
 * is non-blocking and driven by PID 1's event loop: a client that connects and says nothing,
 * or does not read, never holds PID 1 up (an answer that does not fit the socket's buffer is
 * cut, and a follower that falls behind is dropped). `nestbox boot status|logs|...` is the
 * client (boot_ctl_client). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "boot_pid1.h"

#define CTL_CLIENTS 8
#define CTL_REQUEST 128

static int listener = -1;
static struct client {
	int fd;	    /* -1: free */
	int follow; /* entry index it follows (logs -f), or -1 */
	size_t len;
	char req[CTL_REQUEST];
} clients[CTL_CLIENTS];
static char answer[BOOT_LOG_POOL > 65536 ? 65536 : BOOT_LOG_POOL];

void boot_ctl_listen(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	for (int i = 0; i < CTL_CLIENTS; i++)
		clients[i].fd = -1;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", BOOT_CTL_SOCKET);
	unlink(sa.sun_path);
	listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (listener < 0 || bind(listener, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    chmod(sa.sun_path, 0600) != 0 || listen(listener, CTL_CLIENTS) != 0) {
		BOOT_LOG("control socket %s: %s: `nestbox boot status` will not answer",
			 sa.sun_path, strerror(errno));
		if (listener >= 0)
			close(listener);
		listener = -1;
	}
}

int boot_ctl_fds(struct pollfd *p)
{
	int n = 0;

	if (listener < 0)
		return 0;
	p[n++] = (struct pollfd){ .fd = listener, .events = POLLIN };
	for (int i = 0; i < CTL_CLIENTS; i++)
		if (clients[i].fd >= 0)
			p[n++] = (struct pollfd){ .fd = clients[i].fd, .events = POLLIN };
	return n;
}

static void drop(struct client *c)
{
	close(c->fd);
	c->fd = -1;
}

/* One send, never waiting: what does not fit is cut (and said). */
static void reply(struct client *c, char status, const char *text, size_t len)
{
	static const char cut[] = "\n[nestbox: answer cut: the socket's buffer is full]\n";
	ssize_t n;

	if (send(c->fd, &status, 1, MSG_DONTWAIT | MSG_NOSIGNAL) != 1)
		return;
	n = send(c->fd, text, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n >= 0 && (size_t)n < len)
		send(c->fd, cut, sizeof(cut) - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
}

static void refuse(struct client *c, const char *what, const char *why)
{
	int n = snprintf(answer, sizeof(answer), "nestbox: boot: %s: %s\n", what, why);

	reply(c, '1', answer, (size_t)n);
}

static size_t status_text(char *out, size_t len)
{
	long long now = boot_now_ms();
	size_t o = 0;

	for (int i = 0; i < boot_cf.n && o < len; i++) {
		const struct boot_entry *e = &boot_cf.e[i];
		char last[64] = "none";

		if (e->kind == BOOT_MODULE)
			continue;
		if (e->last_status != -1)
			boot_describe(e->last_status, last, sizeof(last));
		o += (size_t)snprintf(out + o, len - o,
				      "%s %s %s pid=%d starts=%u restarts=%u uptime=%llds "
				      "last=\"%s\"\n",
				      e->name, boot_kind_names[e->kind], boot_state_name(e), e->pid,
				      e->starts, e->restarts,
				      e->pid ? (now - e->started_ms) / 1000 : 0LL, last);
	}
	return o < len ? o : len;
}

static void handle(struct client *c)
{
	char *verb = c->req, *name = strchr(c->req, ' ');
	struct boot_entry *e = NULL;

	if (name)
		*name++ = '\0';
#ifdef NB_FAULTS
	if (strcmp(verb, "hang") == 0) {
		reply(c, '0', "hanging\n", 8);
		drop(c);
		boot_watchdog_hang();
	}
#endif
	if (strcmp(verb, "status") == 0) {
		reply(c, '0', answer, status_text(answer, sizeof(answer)));
		return;
	}
	for (int i = 0; name && i < boot_cf.n; i++)
		if (boot_cf.e[i].kind != BOOT_MODULE && strcmp(boot_cf.e[i].name, name) == 0)
			e = &boot_cf.e[i];
	if (!e) {
		refuse(c, name ? name : verb, name ? "no such container or program" : "want NAME");
		return;
	}
	if (strcmp(verb, "logs") == 0 || strcmp(verb, "follow") == 0) {
		reply(c, '0', answer, boot_log_copy((int)(e - boot_cf.e), answer, sizeof(answer)));
		if (verb[0] == 'f') {
			c->follow = (int)(e - boot_cf.e);
			return; /* stays open: boot_ctl_follow sends what comes */
		}
	} else if (boot_stopping) {
		refuse(c, name, "the machine is shutting down");
	} else if (boot_control(e, verb) == 0) {
		int n = snprintf(answer, sizeof(answer), "%s %s: %s\n", boot_kind_names[e->kind],
				 e->name, verb);

		reply(c, '0', answer, (size_t)n);
	} else {
		refuse(c, verb, "unknown request (status, logs, stop, start, restart)");
	}
}

void boot_ctl_follow(int entry, const char *s, size_t n)
{
	for (int i = 0; i < CTL_CLIENTS; i++) {
		struct client *c = &clients[i];

		if (c->fd >= 0 && c->follow == entry &&
		    send(c->fd, s, n, MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)n)
			drop(c); /* fallen behind or gone: dropped, never waited for */
	}
}

static void accept_one(void)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK), i;

	if (fd < 0)
		return;
	for (i = 0; i < CTL_CLIENTS && clients[i].fd >= 0; i++)
		;
	if (i == CTL_CLIENTS) {
		close(fd); /* busy: the client sees the connection closed */
		return;
	}
	clients[i] = (struct client){ .fd = fd, .follow = -1 };
	/* unix(7) SO_PEERCRED: the credentials at connect(2); the socket's mode says 0600 too */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || cred.uid != 0) {
		refuse(&clients[i], "control socket", "root only");
		drop(&clients[i]);
	}
}

static void read_request(struct client *c)
{
	ssize_t n = recv(c->fd, c->req + c->len, sizeof(c->req) - 1 - c->len, MSG_DONTWAIT);
	char *nl;

	if (n <= 0 || c->follow >= 0) { /* closed, or a follower saying something: done */
		if (n == 0 || c->follow >= 0 || (errno != EAGAIN && errno != EINTR))
			drop(c);
		return;
	}
	c->len += (size_t)n;
	c->req[c->len] = '\0';
	nl = strchr(c->req, '\n');
	if (!nl && c->len < sizeof(c->req) - 1)
		return; /* the rest comes later */
	if (nl)
		*nl = '\0';
	handle(c);
	if (c->follow < 0)
		drop(c);
}

void boot_ctl_ready(const struct pollfd *p, int n)
{
	for (int k = 0; k < n; k++) {
		if (!p[k].revents)
			continue;
		if (p[k].fd == listener) {
			accept_one();
			continue;
		}
		for (int i = 0; i < CTL_CLIENTS; i++)
			if (clients[i].fd == p[k].fd)
				read_request(&clients[i]);
	}
}

/* ---- the client: nestbox boot [--socket PATH] status|logs [-f] NAME|stop|start|restart NAME */

static int usage(const char *value, const char *why)
{
	dprintf(STDERR_FILENO, "nestbox: boot: %s: %s (see nestbox boot --help)\n", value, why);
	return NB_EXIT_SETUP;
}

int boot_ctl_client(const char *path, int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	bool follow = argc > 1 && strcmp(argv[1], "-f") == 0;
	const char *verb = follow ? "follow" : argv[0];
	const char *name = argc > 1 + follow ? argv[1 + follow] : NULL;
	char buf[4096], status = 0;
	int fd, len;
	ssize_t n;

	bool bare = strcmp(argv[0], "status") == 0 || strcmp(argv[0], "hang") == 0;

	if (bare ? argc > 1 : !name || argc > 2 + follow)
		return usage(argv[0], bare ? "takes no NAME" : "want one NAME");
	if (follow && strcmp(argv[0], "logs") != 0)
		return usage("-f", "only for logs");
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		dprintf(STDERR_FILENO, "nestbox: boot: %s: %s (is nestbox PID 1 in boot mode?)\n",
			path, strerror(errno));
		return NB_EXIT_SETUP;
	}
	len = snprintf(buf, sizeof(buf), "%s%s%s\n", verb, name ? " " : "", name ? name : "");
	if (len >= (int)sizeof(buf) || write(fd, buf, (size_t)len) != len)
		return usage(name ? name : verb, "request too long or not sent");
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		size_t skip = status ? 0 : 1;

		if (!status)
			status = buf[0];
		if (write(status == '0' ? STDOUT_FILENO : STDERR_FILENO, buf + skip,
			  (size_t)n - skip) < 0)
			break;
	}
	close(fd);
	return status == '0' ? 0 : NB_EXIT_SETUP;
}
