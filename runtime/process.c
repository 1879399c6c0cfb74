/* The workload process: a clean environment, its user, its working directory, then exec. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "faults.h"
#include "init.h"
#include "lines.h"
#include "nb_error.h"
#include "process.h"
#include "scan.h"
#include "security.h"

#define DEFAULT_PATH  "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define WORKDIR_MODE  0755 /* docker makes a missing -w directory root's, 0755 */
#define FD_SCAN_LIMIT 65536u

/* Who the workload runs as: --user's uid, the group and HOME from the image's passwd. */
struct workload_user {
	uid_t uid;
	gid_t gid;
	char *home; /* "HOME=..." */
};

extern char **environ;

static void env_set(char **env, int *n, const char *kv)
{
	size_t key_len = strcspn(kv, "=");

	for (int i = 0; i < *n; i++) {
		if (!strncmp(env[i], kv, key_len) && env[i][key_len] == '=') {
			env[i] = (char *)kv;
			return;
		}
	}
	env[(*n)++] = (char *)kv;
}

/* The caller's environment is not passed in: only sensible defaults and what --env gives. */
static char **build_env(const struct nb_container *c, const struct workload_user *u)
{
	char **env = calloc((size_t)c->n_env + 5, sizeof(*env));
	char *hostname = NULL, *term = NULL;
	const char *caller_term = getenv("TERM");
	int n = 0;

	if (!env || asprintf(&hostname, "HOSTNAME=%s", c->hostname) < 0)
		return NULL;
	env_set(env, &n, DEFAULT_PATH);
	env_set(env, &n, u->home);
	env_set(env, &n, hostname);
	if (caller_term && asprintf(&term, "TERM=%s", caller_term) >= 0)
		env_set(env, &n, term);
	for (int i = 0; i < c->n_env; i++)
		env_set(env, &n, c->env[i]);
	env[n] = NULL;
	return env;
}

static int fail(const char *what, const char *value, int status)
{
	struct nb_error err;

	nb_fail_errno(&err, what, value);
	nb_error_print(&err);
	return status;
}

/* A passwd(5) line, name:password:UID:GID:GECOS:directory:shell, split in place as musl's
 * fgetpwent does: false without the seven fields or when UID or GID is not a number. */
static bool passwd_entry(char *line, unsigned long long *uid, unsigned long long *gid,
			 const char **dir)
{
	char *field[7];
	const char *end_uid, *end_gid;
	int n = 0;

	while (n < 7 && (field[n] = strsep(&line, ":")))
		n++;
	if (n < 7)
		return false;
	end_uid = scan_unsigned(field[2], 10, UINT_MAX, uid);
	end_gid = scan_unsigned(field[3], 10, UINT_MAX, gid);
	*dir = field[5];
	return end_uid && !*end_uid && end_gid && !*end_gid;
}

/* docker: HOME and, when --user gave none, the group come from the image's /etc/passwd entry
 * for the uid; without one, HOME is / (/root for root) and the group 0. Read on the container's
 * own file: getpwuid would also ask a host's nscd. */
static int lookup_user(const struct nb_container *c, struct workload_user *u)
{
	const char *home = c->uid == 0 ? "/root" : "/", *dir = NULL;
	unsigned long long uid, gid;
	struct lines r;
	bool found = false;
	char *line;

	u->uid = c->uid;
	u->gid = c->gid == NB_GID_UNSET ? 0 : c->gid;
	lines_open(&r, "/etc/passwd"); /* none: the defaults */
	while (!found && (line = lines_next(&r)))
		found = passwd_entry(line, &uid, &gid, &dir) && uid == c->uid;
	if (found) {
		if (c->gid == NB_GID_UNSET)
			u->gid = (gid_t)gid;
		if (dir[0])
			home = dir;
	}
	if (asprintf(&u->home, "HOME=%s", home) < 0)
		u->home = NULL;
	lines_close(&r);
	return u->home ? 0 : -1;
}

/* Raw syscalls (0, or -1 with errno, as the libc calls): musl's setgroups, setgid and setuid
 * apply the change to every thread through __synccall (a signal per thread, semaphores: 2 KB
 * of the static binary), and this child has one thread. */
static int switch_user(const struct workload_user *u)
{
	if (u->uid == 0 && u->gid == 0)
		return syscall(SYS_setgroups, 0, NULL) && errno != EPERM ? -1 : 0;
	if (syscall(SYS_setgroups, 0, NULL) || syscall(SYS_setgid, (unsigned long)u->gid) ||
	    syscall(SYS_setuid, (unsigned long)u->uid))
		return -1;
	return 0;
}

/* CVE-2024-21626: a caller's fd left open is a way out of the root (/proc/self/fd/N of a host
 * directory, as a -w or a cwd). Every fd above stderr goes before any path is resolved.
 * close_range(2) is Linux 5.9 (and has no musl 1.2.3 wrapper); older kernels get the loop. */
static void close_fds_above_stderr(void)
{
	struct rlimit rl;
	unsigned max = 1024;

	if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0)
		return;
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < FD_SCAN_LIMIT)
		max = (unsigned)rl.rlim_cur;
	else if (!getrlimit(RLIMIT_NOFILE, &rl))
		max = FD_SCAN_LIMIT;
	for (unsigned fd = 3; fd < max; fd++)
		close((int)fd);
}

/* mkdir -p of an absolute path, each missing directory WORKDIR_MODE. */
static int make_dirs(const char *path)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return errno = ENAMETOOLONG, -1;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;

		*p = '\0';
		if (mkdir(buf, WORKDIR_MODE) && errno != EEXIST)
			return -1;
		*p = saved;
		if (!saved)
			return 0;
	}
}

/* docker: a -w directory that does not exist is made in the writable layer, as root, before the
 * user switch. With --read-only there is no layer to make it in: say so. Anything else wrong
 * with the path (not a directory, no permission) is chdir's to report, as the user. */
static int ensure_workdir(const struct nb_container *c, const char *dir)
{
	struct nb_error err;
	struct stat st;

	if (!stat(dir, &st) || errno != ENOENT)
		return 0;
	if (c->read_only) {
		nb_fail(&err, ENOENT, "--workdir", dir,
			"does not exist, and the root is read-only (--read-only): make it in the "
			"image or bind a directory there");
		return nb_error_print(&err), -1;
	}
	if (make_dirs(dir)) {
		nb_fail_errno(&err, "--workdir", dir);
		return nb_error_print(&err), -1;
	}
	return 0;
}

int process_exec(const struct nb_container *c)
{
	const char *workdir = c->workdir ? c->workdir : "/";
	struct workload_user user;
	struct nb_error serr;
	char **env;
	int err;

	/* Only stdin, stdout and stderr cross into the workload, and nothing else is open while
	 * a path of the container is resolved. */
	close_fds_above_stderr();
	/* Whatever the caller ignored, the workload starts with every disposition default
	 * (issue 28.1); the mask is emptied last, just before execve. */
	init_default_signals();
	if (lookup_user(c, &user) || !(env = build_env(c, &user)))
		return fail("environment", NULL, NB_EXIT_SETUP);
	if (security_before_user(c, &serr))
		return nb_error_print(&serr), NB_EXIT_SETUP;
	if (ensure_workdir(c, workdir))
		return NB_EXIT_SETUP;
	if (switch_user(&user))
		return fail("--user", "switch", NB_EXIT_SETUP);
	if (chdir(workdir))
		return fail("--workdir", workdir, NB_EXIT_SETUP);
	/* Capabilities, no_new_privs, then seccomp: the last step before exec. */
	if (security_before_exec(c, &serr))
		return nb_error_print(&serr), NB_EXIT_SETUP;
	fault_point("seccomp loaded, exec next"); /* faults.h */
	environ = env;
	init_unblock_all();
	execvp(c->argv[0], c->argv);
	err = errno;
	return fail("exec", c->argv[0], err == ENOENT ? NB_EXIT_NOT_FOUND : NB_EXIT_CANNOT_EXEC);
}
