/* init_main: the command line of nestbox-init (and `nestbox init`), tini-compatible where it
 * overlaps. Messages are written with writev(2): no stdio is linked into the init. */
#include "init.h"
#include "nb_error.h"
#include "version.h"

#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

/* Longest --grace accepted (one day); keeps the deadline arithmetic far from overflow. */
#define GRACE_MAX_SECONDS 86400u

static const char usage_text[] =
    " [-g] [-s] [-v] [--grace SECONDS] [--] CMD [ARG...]\n"
    "Run CMD as the child of a minimal init: forward signals to it, reap orphans, and on its\n"
    "exit TERM what remains, KILL it after the grace period; exit with CMD's status.\n"
    "  -g               forward signals to CMD's process group, not only to CMD\n"
    "  -s               be a child subreaper (accepted for tini; automatic when not PID 1)\n"
    "  -v               say what the init does on stderr\n"
    "  --grace SECONDS  TERM to KILL delay for what remains after CMD (default 3)\n"
    "  -h, --help       this text\n"
    "Exit status: CMD's, 128+N if it died of signal N, 125 usage, 126 cannot exec, 127 not found\n";

/* One line: "<prog>: <what>: <value>: <why>". */
static void err_line(const char *prog, const char *what, const char *value, const char *why)
{
	const char *parts[] = { prog, ": ", what, ": ", value, ": ", why, "\n" };
	struct iovec iov[sizeof(parts) / sizeof(parts[0])];

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		iov[i].iov_base = (void *)parts[i];
		iov[i].iov_len = strlen(parts[i]);
	}
	if (writev(STDERR_FILENO, iov, sizeof(iov) / sizeof(iov[0])) < 0)
		return;
}

/* "<prog> 0.4.0 (git 02979a3)", as tini and crun give a release number with the commit. */
static int version(const char *prog)
{
	static const char rest[] = " " NB_RELEASE " (git " NESTBOX_VERSION ")\n";
	struct iovec iov[] = {
		{ .iov_base = (void *)prog, .iov_len = strlen(prog) },
		{ .iov_base = (void *)rest, .iov_len = sizeof(rest) - 1 },
	};

	return writev(STDOUT_FILENO, iov, 2) < 0 ? NB_EXIT_SETUP : 0;
}

static int usage(const char *prog)
{
	struct iovec iov[] = {
		{ .iov_base = (void *)"usage: ", .iov_len = 7 },
		{ .iov_base = (void *)prog, .iov_len = strlen(prog) },
		{ .iov_base = (void *)usage_text, .iov_len = sizeof(usage_text) - 1 },
	};

	return writev(STDOUT_FILENO, iov, 3) < 0 ? NB_EXIT_SETUP : 0;
}

/* Whole seconds, digits only, at most GRACE_MAX_SECONDS. Returns a reason, or NULL. */
static const char *parse_grace(const char *s, unsigned *out)
{
	unsigned v = 0;

	if (!*s)
		return "empty";
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return "not a whole number of seconds";
		v = v * 10 + (unsigned)(*s - '0');
		if (v > GRACE_MAX_SECONDS)
			return "more than a day";
	}
	*out = v;
	return NULL;
}

/* strerror's table is 2 KiB of the 16 KiB budget: name only what exec and fork report. */
static const char *errno_text(int err)
{
	switch (err) {
	case ENOENT:
		return "No such file or directory";
	case EACCES:
		return "Permission denied";
	case ENOEXEC:
		return "Exec format error";
	case ENOTDIR:
		return "Not a directory";
	case EISDIR:
		return "Is a directory";
	case ELOOP:
		return "Too many symbolic links";
	case ENAMETOOLONG:
		return "File name too long";
	case ETXTBSY:
		return "Text file busy";
	case E2BIG:
		return "Argument list too long";
	case ENOMEM:
		return "Out of memory";
	case EAGAIN:
		return "Resource temporarily unavailable";
	default:
		return "cannot execute";
	}
}

/* Index of the first c in s, or of its terminating NUL (strchr pulls in 240 bytes). */
static size_t find_char(const char *s, char c)
{
	size_t i = 0;

	while (s[i] && s[i] != c)
		i++;
	return i;
}

/* execvp(3)'s search without musl's (also nestbox's execvp: runtime/libc_lite.c): with a
 * stack buffer. An EACCES on one entry is remembered and reported if nothing else is found,
 * ENOENT and ENOTDIR go on to the next entry, other errors stop the search; at its end errno
 * is EACCES or the last entry's. */
void init_exec_search(const char *name, char *const argv[], const char *path)
{
	size_t name_len = strlen(name);
	int seen_eacces = 0;
	char buf[4096];

	if (name[find_char(name, '/')]) {
		execve(name, argv, environ);
		return;
	}
	errno = ENOENT; /* what a search of entries all too long finds */
	for (;;) {
		size_t dir_len = find_char(path, ':');

		if (dir_len + name_len + 2 <= sizeof(buf)) {
			memcpy(buf, path, dir_len);
			buf[dir_len] = '/';
			memcpy(buf + dir_len + 1, name, name_len + 1);
			/* an empty PATH entry means the current directory */
			execve(dir_len ? buf : buf + 1, argv, environ);
			if (errno == EACCES)
				seen_eacces = 1;
			else if (errno != ENOENT && errno != ENOTDIR)
				return;
		}
		if (!path[dir_len])
			break;
		path += dir_len + 1;
	}
	if (seen_eacces)
		errno = EACCES;
}

/* The init's: the last PATH= of the environment, and a search that finds nothing is ENOENT
 * (not the last entry's ENOTDIR). */
static void exec_path(char **argv)
{
	const char *path = "/usr/local/bin:/bin:/usr/bin", *name = argv[0];

	for (char **e = environ; *e; e++)
		if (memcmp(*e, "PATH=", 5) == 0)
			path = *e + 5;
	init_exec_search(name, argv, path);
	if (errno == ENOTDIR && !name[find_char(name, '/')])
		errno = ENOENT;
}

struct exec_args {
	const char *prog;
	char **argv;
};

/* In the child: exec CMD; on failure one line and 127 (not found) or 126 (execvp(3)). */
static int exec_workload(void *arg)
{
	const struct exec_args *a = arg;
	int err;

	exec_path(a->argv);
	err = errno;
	err_line(a->prog, "exec", a->argv[0], errno_text(err));
	return err == ENOENT ? NB_EXIT_NOT_FOUND : NB_EXIT_CANNOT_EXEC;
}

int init_main(const char *prog, int argc, char **argv)
{
	/* harden: the reaper's own privileges go once the workload is forked (init/harden.c) */
	struct init_config cfg = { .grace_seconds = INIT_DEFAULT_GRACE_SECONDS, .harden = true };
	struct exec_args ea = { .prog = prog };
	const char *why;
	sigset_t saved;
	pid_t pid;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] != '-' || a[1] == '\0')
			break;
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(a, "--help") == 0)
			return usage(prog);
		if (strcmp(a, "--version") == 0)
			return version(prog);
		if (memcmp(a, "--grace", 7) == 0 && (a[7] == '\0' || a[7] == '=')) {
			const char *v = a[7] == '=' ? a + 8 : argv[++i];

			if (!v) {
				err_line(prog, "--grace", "(none)", "missing value");
				return NB_EXIT_SETUP;
			}
			why = parse_grace(v, &cfg.grace_seconds);
			if (why) {
				err_line(prog, "--grace", v, why);
				return NB_EXIT_SETUP;
			}
			continue;
		}
		if (a[1] == '-') {
			err_line(prog, "option", a, "unknown option");
			return NB_EXIT_SETUP;
		}
		for (const char *c = a + 1; *c; c++) {
			switch (*c) {
			case 'g':
				cfg.signal_group = true;
				break;
			case 's': /* automatic: init_supervise is a subreaper whenever not PID 1 */
				break;
			case 'v':
				cfg.verbose = true;
				break;
			case 'h':
				return usage(prog);
			default:
				err_line(prog, "option", a, "unknown option");
				return NB_EXIT_SETUP;
			}
		}
	}
	if (i >= argc) {
		err_line(prog, "command", "(none)", "no command given");
		return NB_EXIT_SETUP;
	}
	ea.argv = argv + i;

	if (init_block_signals(&saved) < 0) {
		err_line(prog, "signals", "block", "cannot block signals");
		return NB_EXIT_SETUP;
	}
	/* The workload keeps the caller's fds (as tini's does); the reaper closes its own in
	 * init_supervise. */
	pid = init_spawn(exec_workload, &ea, 0);
	if (pid < 0) {
		err_line(prog, "fork", argv[i], errno_text((int)-pid));
		return NB_EXIT_SETUP;
	}
	return init_supervise(pid, &cfg);
}
