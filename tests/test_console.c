/* Terminals for the OCI front end and exec: --console-socket as containerd and podman's conmon
 * use it (the test listens on a unix socket, receives the pty master with SCM_RIGHTS, types into
 * it and reads the container's answers), process.consoleSize, exec -t relayed to the caller's
 * terminal, exec --process/--detach/--pid-file, and the bad inputs: one line, 125, nothing
 * made. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib.h"

#define WAIT_MS 10000
#define OUT_MAX 65536

FIXTURE(console)
{
	char *dir;
	char root[512], bundle[512], config[600], sock_path[600], id[64];
	int listener;
	int master;
	char out[OUT_MAX + 1];
	size_t len, mark;
};

FIXTURE_SETUP(console)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	self->listener = self->master = -1;
	self->dir = nbt_tempdir("console");
	ASSERT_NE(NULL, self->dir);
	snprintf(self->root, sizeof(self->root), "%s/root", self->dir);
	snprintf(self->bundle, sizeof(self->bundle), "%s/bundle", self->dir);
	snprintf(self->config, sizeof(self->config), "%s/config.json", self->bundle);
	snprintf(self->sock_path, sizeof(self->sock_path), "%s/console.sock", self->dir);
	snprintf(self->id, sizeof(self->id), "nbtcon%d", (int)getpid());
	ASSERT_EQ(0, mkdir(self->bundle, 0755));
	/* what containerd's shim and conmon do: listen, pass the path, accept once */
	self->listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, self->listener);
	ASSERT_GT(sizeof(sa.sun_path), strlen(self->sock_path));
	memcpy(sa.sun_path, self->sock_path, strlen(self->sock_path) + 1);
	ASSERT_EQ(0, bind(self->listener, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_EQ(0, listen(self->listener, 1));
}

FIXTURE_TEARDOWN(console)
{
	static struct nbt_result r;

	nbt_run(&r, "--root", self->root, "delete", "--force", self->id, NULL);
	if (self->master >= 0)
		close(self->master);
	if (self->listener >= 0)
		close(self->listener);
	nbt_rm_rf(self->dir);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* `nestbox spec` in the bundle, rootfs linked to the test rootfs, then `from` replaced by `to`
 * (from NULL: the spec as it is). */
static int make_bundle(const char *bundle, const char *from, const char *to)
{
	static struct nbt_result r;
	static char text[16384], edited[20000];
	char path[600], real[PATH_MAX], *at;

	nbt_run(&r, "spec", "--bundle", bundle, NULL);
	if (r.status || !realpath(nbt_rootfs(), real))
		return -1;
	snprintf(path, sizeof(path), "%s/rootfs", bundle);
	if (symlink(real, path))
		return -1;
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	if (!from)
		return 0;
	if (nbt_read_file(path, text, sizeof(text)) < 0 || !(at = strstr(text, from)))
		return -1;
	snprintf(edited, sizeof(edited), "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	return nbt_write_file(path, edited);
}

/* A terminal on: an interactive sh, consoleSize 37x101 (a size no default passes for). */
static int make_tty_bundle(const char *bundle)
{
	return make_bundle(
	    bundle, "\"terminal\": false,",
	    "\"terminal\": true, \"consoleSize\": { \"height\": 37, \"width\": 101 },");
}

/* Accept one connection and receive one fd from it, as go-runc's ReceiveMaster does; the
 * message's bytes into name. -1 when none came within WAIT_MS. */
static int receive_master(int listener, char *name, size_t size)
{
	struct pollfd p = { .fd = listener, .events = POLLIN };
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct iovec iov = { .iov_base = name, .iov_len = size - 1 };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm;
	ssize_t n;
	int conn, fd = -1;

	if (poll(&p, 1, WAIT_MS) != 1)
		return -1;
	conn = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		return -1;
	p.fd = conn;
	n = poll(&p, 1, WAIT_MS) == 1 ? recvmsg(conn, &msg, MSG_CMSG_CLOEXEC) : -1;
	cm = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
	if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	name[n > 0 ? n : 0] = '\0';
	close(conn);
	return fd;
}

/* What the master has within ms into self->out; -1 at its end (EIO: no slave left). */
static int pump(FIXTURE_DATA(console) * self, int ms)
{
	struct pollfd p = { .fd = self->master, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, ms) != 1 || self->len == OUT_MAX)
		return 0;
	n = read(self->master, self->out + self->len, OUT_MAX - self->len);
	if (n <= 0)
		return -1;
	self->len += (size_t)n;
	self->out[self->len] = '\0';
	return 0;
}

/* Wait until pattern shows up on the master after the previous match. */
static int expect_out(FIXTURE_DATA(console) * self, const char *pattern)
{
	long deadline = now_ms() + WAIT_MS;

	do {
		char *hit = strstr(self->out + self->mark, pattern);

		if (hit) {
			self->mark = (size_t)(hit - self->out) + strlen(pattern);
			return 0;
		}
		if (pump(self, 50))
			return -1;
	} while (now_ms() < deadline);
	return -1;
}

static void type(int master, const char *keys)
{
	if (write(master, keys, strlen(keys)) != (ssize_t)strlen(keys))
		return;
}

static const char *status_of(const char *root, const char *id)
{
	static struct nbt_result r;
	const char *p;

	nbt_run(&r, "--root", root, "state", id, NULL);
	p = strstr(r.out, "\"status\":\"");
	if (r.status || !p)
		return "";
	p += strlen("\"status\":\"");
	((char *)p)[strcspn(p, "\"")] = '\0';
	return p;
}

static int wait_stopped(const char *root, const char *id)
{
	for (int i = 0; i < WAIT_MS / 20; i++) {
		if (!strcmp(status_of(root, id), "stopped"))
			return 0;
		usleep(20 * 1000);
	}
	return -1;
}

/* create --console-socket as containerd and conmon call it: the master arrives before create
 * returns, the shell runs on it once started, with consoleSize as its window and the pty as
 * its controlling terminal. */
TEST_F_TIMEOUT(console, create_sends_the_pty_master_to_the_console_socket, 60)
{
	static struct nbt_result r;
	const char *argv[] = { "--root",	self->root,   "create",
			       "--bundle",	self->bundle, "--console-socket",
			       self->sock_path, self->id,     NULL };
	char log[600], name[256], buf[4096];
	unsigned ptn = ~0u;
	pid_t create;

	ASSERT_EQ(0, make_tty_bundle(self->bundle));
	snprintf(log, sizeof(log), "%s/create.log", self->dir);
	create = nbt_spawn(argv, log);
	ASSERT_GT(create, 0);
	self->master = receive_master(self->listener, name, sizeof(name));
	ASSERT_EQ(0, nbt_wait_exit(create))
	TH_LOG("%s", nbt_read_file(log, buf, sizeof(buf)) > 0 ? buf : "");
	ASSERT_LE(0, self->master) TH_LOG("no fd on the console socket");
	/* runc's message: the master's name */
	EXPECT_STREQ("/dev/ptmx", name);
	/* a pty master: TIOCGPTN answers (ioctl_tty(2)); the container's own devpts */
	EXPECT_EQ(0, ioctl(self->master, TIOCGPTN, &ptn)) TH_LOG("not a pty master");
	EXPECT_STREQ("created", status_of(self->root, self->id));
	nbt_run(&r, "--root", self->root, "start", self->id, NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	/* typed in: the echo shows "$((6*7))", only the shell's answer "42" */
	type(self->master, "stty size; tty; [ /dev/console -ef $(tty) ] && echo got-$((6*7))\n");
	EXPECT_EQ(0, expect_out(self, "37 101")) TH_LOG("consoleSize not seen: %s", self->out);
	EXPECT_EQ(0, expect_out(self, "/dev/pts/")) TH_LOG("stdin not the pty: %s", self->out);
	/* runtime-spec's default devices: /dev/console is the terminal */
	EXPECT_EQ(0, expect_out(self, "got-42")) TH_LOG("/dev/console: %s", self->out);
	/* ^C reaches the foreground sleep only from a controlling terminal: the shell is back
	 * well before the sleep would end (WAIT_MS < 30 s) */
	type(self->master, "sleep 30\n");
	usleep(300 * 1000);
	type(self->master, "\003");
	type(self->master, "echo after-$((1+1))\n");
	EXPECT_EQ(0, expect_out(self, "after-2")) TH_LOG("^C did not stop sleep: %s", self->out);
	type(self->master, "exit 3\n");
	EXPECT_EQ(0, wait_stopped(self->root, self->id));
	nbt_run(&r, "--root", self->root, "delete", self->id, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
}

/* runc run --detach --console-socket: created, started, the master sent, run returns. */
TEST_F_TIMEOUT(console, run_detach_sends_the_master, 60)
{
	const char *argv[] = {
		"--root",     self->root,	  "run",	   "--detach", "--bundle",
		self->bundle, "--console-socket", self->sock_path, self->id,   NULL
	};
	char log[600], name[256], buf[4096];
	pid_t run;

	ASSERT_EQ(0, make_tty_bundle(self->bundle));
	snprintf(log, sizeof(log), "%s/run.log", self->dir);
	run = nbt_spawn(argv, log);
	ASSERT_GT(run, 0);
	self->master = receive_master(self->listener, name, sizeof(name));
	ASSERT_EQ(0, nbt_wait_exit(run))
	TH_LOG("%s", nbt_read_file(log, buf, sizeof(buf)) > 0 ? buf : "");
	ASSERT_LE(0, self->master);
	EXPECT_STREQ("running", status_of(self->root, self->id));
	type(self->master, "echo run-$((6*7)); exit 0\n");
	EXPECT_EQ(0, expect_out(self, "run-42")) TH_LOG("%s", self->out);
	EXPECT_EQ(0, wait_stopped(self->root, self->id));
}

/* One line, 125, and nothing made: no state directory, no cgroup, the socket not used. */
static void expect_refused(struct __test_metadata *_metadata, FIXTURE_DATA(console) * self,
			   const struct nbt_result *r, const char *why)
{
	char state_dir[700];
	struct pollfd p = { .fd = self->listener, .events = POLLIN };

	EXPECT_EQ(125, r->status) TH_LOG("%s", r->err);
	EXPECT_EQ(1, nbt_count_lines(r->err)) TH_LOG("%s", r->err);
	EXPECT_NE(NULL, strstr(r->err, why)) TH_LOG("%s", r->err);
	snprintf(state_dir, sizeof(state_dir), "%s/%s", self->root, self->id);
	EXPECT_NE(0, access(state_dir, F_OK)) TH_LOG("state directory left");
	EXPECT_FALSE(nbt_cgroup_named(self->id)) TH_LOG("cgroup left");
	/* a connection made and dropped is harmless, a master sent is not */
	if (poll(&p, 1, 0) == 1) {
		char name[64];
		int fd = receive_master(self->listener, name, sizeof(name));

		EXPECT_EQ(-1, fd) TH_LOG("a master was sent");
		if (fd >= 0)
			close(fd);
	}
}

/* runc's rules: a terminal for a detached container needs a socket; a socket needs a
 * terminal; the socket must be one and be there. */
TEST_F(console, bad_console_socket_input_is_refused)
{
	static struct nbt_result r;
	char file[600], missing[600];

	ASSERT_EQ(0, make_tty_bundle(self->bundle));
	nbt_run(&r, "--root", self->root, "create", "--bundle", self->bundle, self->id, NULL);
	expect_refused(
	    _metadata, self, &r,
	    "process.terminal: true: a detached process's terminal needs --console-socket");
	nbt_run(&r, "--root", self->root, "run", "-d", "--bundle", self->bundle, self->id, NULL);
	expect_refused(_metadata, self, &r, "needs --console-socket");
	snprintf(file, sizeof(file), "%s/plain", self->dir);
	ASSERT_EQ(0, nbt_write_file(file, "x"));
	nbt_run(&r, "--root", self->root, "create", "--bundle", self->bundle, "--console-socket",
		file, self->id, NULL);
	expect_refused(_metadata, self, &r, "--console-socket: ");
	EXPECT_NE(NULL, strstr(r.err, "plain: not a socket")) TH_LOG("%s", r.err);
	snprintf(missing, sizeof(missing), "%s/nosuch.sock", self->dir);
	nbt_run(&r, "--root", self->root, "create", "--bundle", self->bundle, "--console-socket",
		missing, self->id, NULL);
	expect_refused(_metadata, self, &r, "nosuch.sock: No such file or directory");
	nbt_run(&r, "--root", self->root, "create", "--bundle", self->bundle, "--console-socket",
		NULL);
	expect_refused(_metadata, self, &r, "--console-socket");
	/* a foreground run relays its own terminal (as run -t): a socket is not for it */
	nbt_run(&r, "--root", self->root, "run", "--bundle", self->bundle, "--console-socket",
		self->sock_path, self->id, NULL);
	expect_refused(_metadata, self, &r, "of a detached process (create, run -d");
	nbt_rm_rf(self->bundle);
	ASSERT_EQ(0, mkdir(self->bundle, 0755));
	ASSERT_EQ(0, make_bundle(self->bundle, NULL, NULL));
	nbt_run(&r, "--root", self->root, "create", "--bundle", self->bundle, "--console-socket",
		self->sock_path, self->id, NULL);
	expect_refused(_metadata, self, &r, "only for a terminal (process.terminal");
	/* consoleSize: struct winsize's unsigned shorts, both given */
	nbt_rm_rf(self->bundle);
	ASSERT_EQ(0, mkdir(self->bundle, 0755));
	ASSERT_EQ(0, make_bundle(self->bundle, "\"terminal\": false,",
				 "\"terminal\": true, \"consoleSize\": { \"height\": 70000, "
				 "\"width\": 80 },"));
	nbt_run(&r, "--root", self->root, "create", "--bundle", self->bundle, "--console-socket",
		self->sock_path, self->id, NULL);
	expect_refused(_metadata, self, &r, "process.consoleSize.height: ");
	EXPECT_NE(NULL, strstr(r.err, "config.json:4:48: ")) TH_LOG("no line: %s", r.err);
}

/* --- exec ---------------------------------------------------------------------------------- */

/* A running container to exec into (docker-like create + start, no terminal of its own). */
static int make_running(FIXTURE_DATA(console) * self)
{
	static struct nbt_result r;
	const char *argv[] = { "--root", self->root, "create", "--rootfs", nbt_rootfs(),
			       self->id, "--",	     "sleep",  "60",	   NULL };
	pid_t pid = nbt_spawn(argv, "/dev/null");

	if (pid <= 0 || nbt_wait_exit(pid) != 0)
		return -1;
	nbt_run(&r, "--root", self->root, "start", self->id, NULL);
	/* started: its workload forked and exec'd (ps compares against this) */
	for (int i = 0; !r.status && i < WAIT_MS / 20; i++) {
		nbt_run(&r, "--root", self->root, "ps", self->id, NULL);
		if (strstr(r.out, "sleep 60"))
			return 0;
		usleep(20 * 1000);
	}
	return -1;
}

/* nestbox ARGS... on a terminal the test holds (as a person's): the slave its controlling
 * terminal and fds 0, 1, 2, the master in self->master. */
static pid_t spawn_on_terminal(FIXTURE_DATA(console) * self, const char *const *args)
{
	struct winsize ws = { .ws_row = 29, .ws_col = 83 };
	const char *argv[32] = { nbt_nestbox() };
	int slave, n = 1;
	pid_t pid;

	while (n < 31 && args[n - 1]) {
		argv[n] = args[n - 1];
		n++;
	}
	argv[n] = NULL;
	if (openpty(&self->master, &slave, NULL, NULL, &ws))
		return -1;
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		setsid();
		if (ioctl(slave, TIOCSCTTY, 0))
			_exit(124);
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		close(self->master);
		execv(argv[0], (char *const *)argv);
		_exit(124);
	}
	close(slave);
	return pid;
}

/* nestbox's exit status, reading the master meanwhile (a full pty would block it). */
static int wait_on_terminal(FIXTURE_DATA(console) * self, pid_t pid)
{
	long deadline = now_ms() + WAIT_MS;
	int ws;

	while (now_ms() < deadline) {
		pump(self, 20);
		if (waitpid(pid, &ws, WNOHANG) == pid)
			return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

/* docker exec -it NAME CMD: the command's stdin is a terminal (test -t 0, tty), the caller's
 * window size, its exit status; typed keys reach it through the relay. */
TEST_F_TIMEOUT(console, exec_it_relays_a_terminal, 60)
{
	const char *args[] = { "--root",
			       self->root,
			       "exec",
			       "-it",
			       self->id,
			       "sh",
			       "-c",
			       "test -t 0 && echo tty-$((6*7)); tty; stty size; read x; "
			       "echo got-$x; exit 5",
			       NULL };
	pid_t pid;

	ASSERT_EQ(0, make_running(self));
	pid = spawn_on_terminal(self, args);
	ASSERT_GT(pid, 0);
	EXPECT_EQ(0, expect_out(self, "tty-42")) TH_LOG("stdin not a terminal: %s", self->out);
	EXPECT_EQ(0, expect_out(self, "/dev/pts/")) TH_LOG("%s", self->out);
	EXPECT_EQ(0, expect_out(self, "29 83")) TH_LOG("window size not copied: %s", self->out);
	type(self->master, "typed\r");
	EXPECT_EQ(0, expect_out(self, "got-typed")) TH_LOG("%s", self->out);
	EXPECT_EQ(5, wait_on_terminal(self, pid)) TH_LOG("%s", self->out);
}

/* runc exec -t -d --console-socket S --pid-file F: returns once the master is sent, the pid
 * file names the command, which answers on the master. */
TEST_F_TIMEOUT(console, exec_tty_detach_sends_the_master, 60)
{
	static struct nbt_result r;
	char pidfile[600], name[256], buf[64], proc[64];
	int pid;

	ASSERT_EQ(0, make_running(self));
	snprintf(pidfile, sizeof(pidfile), "%s/exec.pid", self->dir);
	nbt_run(&r, "--root", self->root, "exec", "--tty", "--detach", "--console-socket",
		self->sock_path, "--pid-file", pidfile, self->id, "sh", NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	self->master = receive_master(self->listener, name, sizeof(name));
	ASSERT_LE(0, self->master) TH_LOG("no master on the console socket");
	ASSERT_GT(nbt_read_file(pidfile, buf, sizeof(buf)), 0);
	pid = atoi(buf);
	snprintf(proc, sizeof(proc), "/proc/%d", pid);
	EXPECT_EQ(0, access(proc, F_OK)) TH_LOG("pid file %s: no such process", buf);
	type(self->master, "test -t 0 && echo tty-$((6*7)); exit\n");
	EXPECT_EQ(0, expect_out(self, "tty-42")) TH_LOG("%s", self->out);
}

/* containerd's call: exec --process F --console-socket S --detach --pid-file P, F a
 * process.json with terminal and consoleSize, cwd, env, user. */
TEST_F_TIMEOUT(console, exec_process_json_with_a_terminal, 60)
{
	static struct nbt_result r;
	char process[600], pidfile[600], name[256];

	ASSERT_EQ(0, make_running(self));
	snprintf(process, sizeof(process), "%s/process.json", self->dir);
	snprintf(pidfile, sizeof(pidfile), "%s/exec.pid", self->dir);
	ASSERT_EQ(0,
		  nbt_write_file(process,
				 "{\"terminal\":true,\"consoleSize\":{\"height\":21,\"width\":77},"
				 "\"args\":[\"sh\"],\"env\":[\"PATH=/bin:/sbin\",\"Q=w-$((6*7))\"],"
				 "\"cwd\":\"/tmp\",\"user\":{\"uid\":0,\"gid\":0}}"));
	nbt_run(&r, "--root", self->root, "exec", "--process", process, "--console-socket",
		self->sock_path, "--detach", "--pid-file", pidfile, self->id, NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	self->master = receive_master(self->listener, name, sizeof(name));
	ASSERT_LE(0, self->master);
	EXPECT_LT(0, nbt_read_file(pidfile, name, sizeof(name)));
	type(self->master, "stty size; pwd; eval echo $Q; exit\n");
	EXPECT_EQ(0, expect_out(self, "21 77")) TH_LOG("consoleSize: %s", self->out);
	EXPECT_EQ(0, expect_out(self, "/tmp")) TH_LOG("%s", self->out);
	EXPECT_EQ(0, expect_out(self, "w-42")) TH_LOG("%s", self->out);
}

/* exec -d returns at once, the command still running, its pid in the pid file. */
TEST_F(console, exec_detach_returns_at_once_with_the_pid_file)
{
	char pidfile[600], log[600], buf[4096], path[64], cmdline[64];
	const char *argv[] = { "--root", self->root, "exec",  "-d", "--pid-file",
			       pidfile,	 self->id,   "sleep", "30", NULL };
	double start;
	pid_t pid;

	ASSERT_EQ(0, make_running(self));
	snprintf(pidfile, sizeof(pidfile), "%s/exec.pid", self->dir);
	snprintf(log, sizeof(log), "%s/exec.log", self->dir);
	/* a log file, not nbt_run's pipes: the command keeps them open for its 30 s */
	start = nbt_now();
	pid = nbt_spawn(argv, log);
	ASSERT_EQ(0, nbt_wait_exit(pid))
	TH_LOG("%s", nbt_read_file(log, buf, sizeof(buf)) > 0 ? buf : "");
	EXPECT_GT(5.0, nbt_now() - start) TH_LOG("exec -d waited for the command");
	ASSERT_GT(nbt_read_file(pidfile, buf, sizeof(buf)), 0);
	snprintf(path, sizeof(path), "/proc/%d/cmdline", atoi(buf));
	/* -d returns once the process is in the container, maybe before its execve; in the
	 * middle of execve the new mm has no arguments yet and cmdline reads empty (seen) */
	for (int i = 0; i < WAIT_MS / 20; i++) {
		ASSERT_LE(0, nbt_read_file(path, cmdline, sizeof(cmdline)))
		TH_LOG("pid %s gone", buf);
		if (!strcmp(cmdline, "sleep"))
			break;
		usleep(20 * 1000);
	}
	EXPECT_STREQ("sleep", cmdline);
}

/* runc's rules and bad files: one line, 125, no master sent, no process left in the
 * container. */
TEST_F(console, exec_bad_terminal_input_is_refused)
{
	static struct nbt_result r;
	static char procs[NBT_OUT_MAX];
	char process[600], file[600];
	struct pollfd p = { .fd = -1, .events = POLLIN };

	ASSERT_EQ(0, make_running(self));
	nbt_run(&r, "--root", self->root, "ps", self->id, NULL);
	memcpy(procs, r.out, sizeof(procs));
	p.fd = self->listener;
	nbt_run(&r, "--root", self->root, "exec", "-t", "-d", self->id, "sh", NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_STREQ("nestbox: exec: -t: a detached process's terminal needs --console-socket\n",
		     r.err);
	nbt_run(&r, "--root", self->root, "exec", "-d", "--console-socket", self->sock_path,
		self->id, "sh", NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_NE(NULL, strstr(r.err, "only for a terminal")) TH_LOG("%s", r.err);
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("%s", r.err);
	snprintf(file, sizeof(file), "%s/plain", self->dir);
	ASSERT_EQ(0, nbt_write_file(file, "x"));
	nbt_run(&r, "--root", self->root, "exec", "-td", "--console-socket", file, self->id, "sh",
		NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_NE(NULL, strstr(r.err, "plain: not a socket")) TH_LOG("%s", r.err);
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("%s", r.err);
	/* nbt_run's stdin is /dev/null: no terminal to relay */
	nbt_run(&r, "--root", self->root, "exec", "-it", self->id, "sh", NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_NE(NULL, strstr(r.err, "needs a terminal on stdin")) TH_LOG("%s", r.err);
	snprintf(process, sizeof(process), "%s/process.json", self->dir);
	ASSERT_EQ(0, nbt_write_file(process, "{\"terminal\": true,\n \"args\": [\"sh\",]\n}"));
	nbt_run(&r, "--root", self->root, "exec", "--process", process, self->id, NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "--process:2:")) TH_LOG("no line number: %s", r.err);
	ASSERT_EQ(0, nbt_write_file(process, "{\"terminal\": 1, \"args\": [\"sh\"], \"cwd\": \"/\","
					     "\"user\": {\"uid\": 0, \"gid\": 0}}"));
	nbt_run(&r, "--root", self->root, "exec", "--process", process, self->id, NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_NE(NULL, strstr(r.err, "process.terminal")) TH_LOG("%s", r.err);
	EXPECT_EQ(0, poll(&p, 1, 0)) TH_LOG("the console socket was used");
	nbt_run(&r, "--root", self->root, "ps", self->id, NULL);
	EXPECT_STREQ(procs, r.out) TH_LOG("a process was left in the container");
}

/* runc run (foreground) with process.terminal: no socket, the terminal relayed to the
 * caller's, as run -t; the caller's window size, not consoleSize (the caller's wins, as
 * runc's resize of its console does). */
TEST_F_TIMEOUT(console, foreground_run_relays_the_terminal, 60)
{
	const char *args[] = {
		"--root", self->root, "run", "--bundle", self->bundle, self->id, NULL
	};
	char state_dir[700];
	pid_t pid;

	static char text[16384], edited[20000];
	const char *args_at;

	ASSERT_EQ(0, make_tty_bundle(self->bundle));
	ASSERT_LT(0, nbt_read_file(self->config, text, sizeof(text)));
	args_at = strstr(text, "\"args\": [ \"sh\" ]");
	ASSERT_NE(NULL, args_at);
	snprintf(edited, sizeof(edited), "%.*s%s%s", (int)(args_at - text), text,
		 "\"args\": [ \"sh\", \"-c\", \"test -t 0 && [ /dev/console -ef $(tty) ] && echo "
		 "tty-$((6*7)); stty size; exit 4\" ]",
		 args_at + strlen("\"args\": [ \"sh\" ]"));
	ASSERT_EQ(0, nbt_write_file(self->config, edited));
	pid = spawn_on_terminal(self, args);
	ASSERT_GT(pid, 0);
	EXPECT_EQ(0, expect_out(self, "tty-42")) TH_LOG("%s", self->out);
	EXPECT_EQ(0, expect_out(self, "29 83")) TH_LOG("%s", self->out);
	EXPECT_EQ(4, wait_on_terminal(self, pid)) TH_LOG("%s", self->out);
	snprintf(state_dir, sizeof(state_dir), "%s/%s", self->root, self->id);
	EXPECT_NE(0, access(state_dir, F_OK)) TH_LOG("run left its state");
}

TEST_HARNESS_MAIN
