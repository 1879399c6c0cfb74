/* exec (include/verbs.h): a new process in a created or running container.
 *
 *   runc:   exec [--process F] [-d|--detach] [--pid-file F] [-t|--tty] [--console-socket S]
 *                [-e K=V] [--cwd DIR] [-u UID[:GID]] ID [CMD ARG...]
 *   docker: exec [-i] [-t] [-d] [-e K=V] [-w DIR] [-u UID[:GID]] NAME CMD [ARG...]
 *
 * A terminal (-t, or process.terminal in --process's file): a pty of the container's devpts,
 * the command's controlling terminal in a session of its own; its master relayed to the
 * caller's terminal as by run -t (tty.c), or sent to --console-socket (console_socket.c), as
 * runc does: the socket only with -d, and -d with a terminal only with a socket.
 *
 * The process is the container's own in every respect: the description is made again from the
 * words that created it (verb_load_args: the same parser, so the same capabilities, seccomp
 * filter, no_new_privs, rlimits, user and environment), then process.c's process_exec runs it as
 * it runs the workload. Between the two: the container's cgroup (cgroup.procs, "0" is the
 * writer), its namespaces from /proc/PID/ns of its PID 1, the user namespace first (setns(2):
 * the others are then owned by the one we are in). The pid namespace is entered by this process
 * (it applies to children only), the rest by the child, so this side stays on the host to write
 * the pid file and wait. Exit status: the command's (128+N for signal N). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "console_socket.h"
#include "init.h"
#include "oci_config.h"
#include "oci_verbs.h"
#include "process.h"
#include "tty.h"
#include "verbs.h"

#define EXEC_SET_MAX 64
#define ARGS_MAX     1024
#define PROCESS_MAX  (1 << 16)
#define N_NAMESPACES (sizeof(namespaces) / sizeof(namespaces[0]))

struct exec_args {
	const char *id, *pid_file, *process, *console_socket;
	char **cmd;
	struct { /* -e, -w, -u: run's own options (cli.c), applied in order over the description */
		const struct cli_option *option;
		const char *value;
	} set[EXEC_SET_MAX];
	int n_set;
	bool detach, tty;
};

/* setns(2) order: the user namespace first. pid last: entered by this process, for its child. */
static const struct {
	const char *name;
	int type;
} namespaces[] = {
	{ "user", CLONE_NEWUSER }, { "mnt", CLONE_NEWNS },  { "uts", CLONE_NEWUTS },
	{ "ipc", CLONE_NEWIPC },   { "net", CLONE_NEWNET }, { "cgroup", CLONE_NEWCGROUP },
	{ "time", CLONE_NEWTIME }, { "pid", CLONE_NEWPID },
};

/* exec's flags with a value: run's option of that name, or a word of exec_args. */
static const struct {
	const char *name, *alias, *run_option;
	size_t at;
} value_flags[] = {
	{ "--env", "-e", "env", 0 },
	{ "--cwd", "-w", "workdir", 0 },
	{ "--workdir", NULL, "workdir", 0 },
	{ "--user", "-u", "user", 0 },
	{ "--pid-file", NULL, NULL, offsetof(struct exec_args, pid_file) },
	{ "--process", "-p", NULL, offsetof(struct exec_args, process) },
	{ "--console-socket", NULL, NULL, offsetof(struct exec_args, console_socket) },
};

/* exec's flags without a value: -d, -i, -t, their long names, docker's short ones joined
 * (-it). 0, or -1 when w is not one of them. */
static int bool_flag(const char *w, struct exec_args *a)
{
	static const char *const names[] = { "--detach", "--interactive", "--tty" };
	static const char letters[] = "dit";
	char one[3] = "-";

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(w, names[i])) {
			one[1] = letters[i];
			w = one;
		}
	if (!w[1] || w[1] == '-' || w[1 + strspn(w + 1, letters)])
		return -1;
	a->detach |= !!strchr(w, 'd');
	a->tty |= !!strchr(w, 't');
	return 0;
}

static const struct cli_option *run_option(const char *name)
{
	const struct cli_option *o = cli_run_options;

	while (strcmp(o->name, name))
		o++;
	return o;
}

static int parse(int argc, char **argv, struct exec_args *a, struct nb_error *err)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *v = NULL, *w = argv[i];
		int r = 0;

		for (size_t f = 0; !r && f < sizeof(value_flags) / sizeof(value_flags[0]); f++) {
			r = verb_flag(argc, argv, &i, value_flags[f].name, value_flags[f].alias,
				      &v);
			if (r > 0 && !value_flags[f].run_option)
				*(const char **)((char *)a + value_flags[f].at) = v;
			else if (r > 0 && a->n_set == EXEC_SET_MAX)
				return nb_fail(err, E2BIG, "exec", w, "too many options");
			else if (r > 0) {
				a->set[a->n_set].option = run_option(value_flags[f].run_option);
				a->set[a->n_set++].value = v;
			}
		}
		if (r < 0)
			return nb_fail(err, EINVAL, "exec", w, "needs a value");
		/* -i: stdin is always passed in */
		if (!r && bool_flag(w, a))
			return nb_fail(err, EINVAL, "exec", w, "unknown option");
	}
	if (i == argc)
		return nb_fail(err, EINVAL, "exec", NULL, "no container ID given");
	a->id = argv[i++];
	i += i < argc && !strcmp(argv[i], "--");
	a->cmd = argv + i;
	if (!*a->cmd && !a->process)
		return nb_fail(err, EINVAL, "exec", a->id, "no command given");
	return 0;
}

/* The container's description, made again from the words that created it, in the directory
 * they were said in. */
static int describe(const struct nb_target *t, struct nb_container *c, struct nb_error *err)
{
	static char buf[1 << 16], *words[ARGS_MAX];
	int n = verb_load_args(t, buf, sizeof(buf), words, ARGS_MAX), v = 0, rc;
	char **argv = words;
	bool run;

	while (v < n && v < 4 && strcmp(words[v], "create") && strcmp(words[v], "run"))
		v++;
	if (n < 0 || v >= n || v == 4)
		return nb_fail(err, ENOENT, "exec", t->rec.id,
			       "how it was made is not known (not by nestbox create or run)");
	if (chdir(t->rec.bundle))
		return nb_fail_errno(err, "exec: bundle", t->rec.bundle);
	argv += v;
	n -= v;
	run = argv[0][0] == 'r';
	if (run ? oci_run_wanted(n, argv) : oci_create_wanted(n, argv))
		return oci_config_load(t->rec.bundle, t->rec.id, c, err);
	rc = run ? cli_parse_run(n, argv, c, err) : cli_parse_create(n, argv, c, err);
	if (rc > 0)
		return nb_fail(err, EINVAL, "exec", t->rec.id, "cannot describe it");
	/* Words without --name got a default made from this process's pid: the container's name
	 * is the record's, and so is a hostname that defaulted to the name (HOSTNAME=). */
	if (!rc && strcmp(c->name, t->rec.id)) {
		if (!strcmp(c->hostname, c->name))
			snprintf(c->hostname, sizeof(c->hostname), "%s", t->rec.id);
		snprintf(c->name, sizeof(c->name), "%s", t->rec.id);
	}
	return rc;
}

/* exec's own words over the description. */
static int apply(const struct exec_args *a, struct nb_container *c, struct nb_error *err)
{
	static char text[PROCESS_MAX + 1];
	const char **env;

	/* the container's own terminal is its PID 1's: exec asks for one of its own */
	c->tty = false;
	c->console_rows = c->console_cols = 0;
	if (a->process) {
		int fd = open(a->process, O_RDONLY | O_CLOEXEC);
		ssize_t len = fd < 0 ? -1 : read(fd, text, PROCESS_MAX + 1);

		if (fd >= 0)
			close(fd);
		if (len < 0 || len > PROCESS_MAX)
			return nb_fail(err, len < 0 ? errno : EFBIG, "--process", a->process,
				       len < 0 ? strerror(errno) : "larger than 64 KiB");
		if (oci_process_parse(text, (size_t)len, c, err))
			return -EINVAL;
	}
	if (*a->cmd)
		c->argv = a->cmd;
	env = calloc((size_t)(c->n_env + a->n_set + 1), sizeof(*env));
	if (!env)
		return nb_fail_errno(err, "exec", NULL);
	memcpy(env, c->env, sizeof(*env) * (size_t)c->n_env);
	c->env = env;
	for (int i = 0; i < a->n_set; i++)
		if (a->set[i].option->handler(c, a->set[i].value, err))
			return -EINVAL;
	c->tty |= a->tty;
	c->console_socket = a->console_socket;
	return console_socket_check(c, a->detach, "exec: -t", err);
}

/* Where the master goes, made before the fork: the console socket connected (relative to where
 * exec started), or the socket pair to the relay (stdin must be a terminal). */
static int prepare_terminal(const struct nb_container *c, struct nb_error *err)
{
	if (c->console_socket)
		return console_socket_connect(c->console_socket, err);
	return c->tty ? tty_host_prepare(err) : 0;
}

/* /proc/PID/ns/NAME of every namespace PID 1 does not share with us, opened; -1 for the rest. */
static int open_namespaces(const struct nb_target *t, int *fds, struct nb_error *err)
{
	for (size_t i = 0; i < N_NAMESPACES; i++) {
		char path[64], self[64], theirs[64] = "", ours[64] = "";

		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)t->rec.pid, namespaces[i].name);
		snprintf(self, sizeof(self), "/proc/self/ns/%s", namespaces[i].name);
		fds[i] = -1;
		if (readlink(path, theirs, sizeof(theirs) - 1) < 0 && errno == ENOENT)
			continue; /* a kernel without it */
		if (!theirs[0])	  /* never run outside one of them: a non-dumpable PID 1, EACCES */
			return nb_fail_errno(err, "exec: namespace", path);
		if (readlink(self, ours, sizeof(ours) - 1) > 0 && !strcmp(theirs, ours))
			continue;
		fds[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0)
			return nb_fail_errno(err, "exec: namespace", path);
	}
	/* The pid is still the container's (not reused since verb_find): the fds are its. */
	if (state_proc_start(t->rec.pid) != t->rec.pid_start)
		return nb_fail(err, ESRCH, "container", t->rec.id, "is gone");
	return 0;
}

/* The child: cgroup, namespaces, then the container's own process steps. Never returns. */
static void __attribute__((noreturn))
child(const struct nb_target *t, const struct nb_container *c, const int *fds)
{
	struct nb_error err = { 0 };
	struct nb_cgroup cg;
	int rc = verb_cgroup(t, &cg) ? 0 : cgroup_join(&cg, 0, &err);

	for (size_t i = 0; !rc && i + 1 < N_NAMESPACES; i++)
		if (fds[i] >= 0 && setns(fds[i], namespaces[i].type))
			rc = nb_fail_errno(&err, "exec: setns", namespaces[i].name);
	/* setns(2) keeps our ids, which a user namespace does not map: become its root, as the
	 * container's PID 1 did (raw calls: musl's go through __synccall) */
	if (!rc && fds[0] >= 0 &&
	    (syscall(SYS_setresgid, 0, 0, 0) || syscall(SYS_setresuid, 0, 0, 0)))
		rc = nb_fail_errno(&err, "exec", "user namespace root");
	/* the pty in the container's devpts (its mount namespace is ours now), the controlling
	 * terminal of a new session (TIOCSCTTY wants a leader without one) */
	if (!rc && c->tty && setsid() > 0)
		rc = c->console_socket ? console_socket_setup(c, &err)
				       : tty_container_setup(&err) ?: console_own(c, 0, &err);
	if (rc) {
		nb_error_print(&err);
		_exit(NB_EXIT_SETUP);
	}
	_exit(process_exec(c));
}

static int exit_status(int ws)
{
	return WIFEXITED(ws)	 ? WEXITSTATUS(ws)
	       : WIFSIGNALED(ws) ? 128 + WTERMSIG(ws)
				 : NB_EXIT_SETUP;
}

/* Every signal but SIGCHLD goes to the command, until it exits: its wait status. */
static int wait_forwarding(pid_t pid)
{
	sigset_t all;
	siginfo_t info;
	int ws;

	init_signal_set(&all);
	for (;;) {
		int sig = init_wait_signal(&all, &info, NULL);

		if (sig > 0 && sig != SIGCHLD)
			kill(pid, sig);
		else if (sig == SIGCHLD && waitpid(pid, &ws, WNOHANG) == pid)
			return ws;
	}
}

int verb_exec(const char *root, int argc, char **argv)
{
	struct nb_error err = { 0 };
	struct exec_args a = { 0 };
	struct nb_container c;
	struct nb_target t;
	int fds[N_NAMESPACES], rc = parse(argc, argv, &a, &err);
	int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC); /* describe leaves it */
	int sync[2];
	bool relay;
	char byte;
	sigset_t saved;
	pid_t pid;

	if (!rc)
		rc = verb_find(root, a.id, VERB_IS(NB_STATUS_CREATED) | VERB_IS(NB_STATUS_RUNNING),
			       "running", &t, &err);
	if (!rc)
		rc = describe(&t, &c, &err);
	if (!rc && fchdir(cwd)) /* --pid-file and --process: relative to where exec started */
		rc = nb_fail_errno(&err, "exec", ".");
	if (!rc)
		rc = apply(&a, &c, &err);
	if (!rc)
		rc = prepare_terminal(&c, &err);
	if (!rc)
		rc = open_namespaces(&t, fds, &err);
	if (!rc && fds[N_NAMESPACES - 1] >= 0 && setns(fds[N_NAMESPACES - 1], CLONE_NEWPID))
		rc = nb_fail_errno(&err, "exec: setns", "pid");
	if (!rc && (rc = init_block_signals(&saved)))
		nb_fail(&err, -rc, "exec", "block signals", strerror(-rc));
	if (rc)
		return verb_fail(&err);
	relay = c.tty && !c.console_socket;
	/* EOF once the child is in (process_exec closes every fd above stderr): -d returns only
	 * then, with the process in the container's cgroup and namespaces. */
	if (pipe2(sync, O_CLOEXEC))
		return verb_fail(&err);
	pid = fork();
	if (pid == 0) {
		close(sync[0]);
		child(&t, &c, fds);
	}
	close(sync[1]);
	/* the relayed terminal's child waits for the relay's ack before it goes on */
	while (pid > 0 && !relay && read(sync[0], &byte, 1) < 0 && errno == EINTR)
		;
	close(sync[0]);
	for (size_t i = 0; i < N_NAMESPACES; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (pid < 0 || (a.pid_file && verb_write_pid_file(a.pid_file, pid, &err))) {
		if (pid < 0)
			nb_fail_errno(&err, "exec", "fork");
		else
			kill(pid, SIGKILL);
		return verb_fail(&err);
	}
	if (a.detach) /* it goes on without us (runc exec -d, docker exec -d) */
		return 0;
	return exit_status(relay ? tty_host_relay(pid, c.grace_seconds) : wait_forwarding(pid));
}
