/* The workload process: a clean environment, its user, its working directory, then exec. */
#include <errno.h>
#include <fcntl.h>
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
#include "mount_api.h"
#include "nb_error.h"
#include "process.h"
#include "scan.h"
#include "security.h"

#define DEFAULT_PATH  "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define WORKDIR_MODE  0755 /* docker makes a missing -w directory root's, 0755 */
#define FD_SCAN_LIMIT 65536u

/* Who the workload runs as: --user's uid (or name), the group and HOME from the image's passwd,
 * --group-add's groups. */
struct workload_user {
	uid_t uid;
	gid_t gid;
	char *home; /* "HOME=..." */
	gid_t groups[NB_GROUPS_MAX];
	int n_groups;
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

/* A passwd(5) or group(5) line split at ':' in place, as musl's fgetpwent does: false without
 * its n fields. */
static bool split_fields(char *line, char **field, int n)
{
	int i = 0;

	while (i < n && (field[i] = strsep(&line, ":")))
		i++;
	return i == n;
}

static bool id_field(const char *s, unsigned long long *id)
{
	const char *end = scan_unsigned(s, 10, UINT_MAX - 1, id);

	return end && !*end;
}

/* The image's passwd or group file, opened inside the container's root: openat2(2)
 * RESOLVE_IN_ROOT keeps the image's absolute symlinks and ".." inside it, and
 * RESOLVE_NO_MAGICLINKS refuses a /proc/PID/root or fd link out of it. */
static void open_in_image(struct lines *r, const char *path)
{
	struct open_how how = { .flags = O_RDONLY | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), fd;

	fd = root < 0 ? -1 : nb_openat2(root, path, &how);
	if (root >= 0)
		close(root);
	lines_open_fd(r, fd);
}

/* -u's GROUP and --group-add's names, from the image's /etc/group (docker's rule); numbers as
 * they are. */
static int lookup_groups(const struct nb_container *c, struct workload_user *u,
			 struct nb_error *err)
{
	gid_t *slot[NB_GROUPS_MAX + 1];
	const char *name[NB_GROUPS_MAX + 1];
	char *field[4];
	unsigned long long gid;
	int n = 0, left = 0;
	struct lines r;
	char *line;

	if (c->group_name) {
		slot[n] = &u->gid;
		name[n++] = c->group_name;
	}
	for (int i = 0; i < c->n_groups_add; i++) {
		slot[n] = &u->groups[i];
		name[n++] = c->groups_add[i];
	}
	u->n_groups = c->n_groups_add;
	for (int i = 0; i < n; i++)
		if (id_field(name[i], &gid))
			*slot[i] = (gid_t)gid, name[i] = NULL;
		else
			left++;
	if (!left)
		return 0;
	open_in_image(&r, "etc/group");
	while (left && (line = lines_next(&r)))
		if (split_fields(line, field, 4) && id_field(field[2], &gid))
			for (int i = 0; i < n; i++)
				if (name[i] && !strcmp(name[i], field[0]))
					*slot[i] = (gid_t)gid, name[i] = NULL, left--;
	lines_close(&r);
	for (int i = 0; i < n; i++)
		if (name[i])
			return nb_fail(err, ENOENT, i || !c->group_name ? "--group-add" : "--user",
				       name[i], "no such group in the image's /etc/group");
	return 0;
}

/* docker: HOME and, when --user gave none, the group come from the image's /etc/passwd entry
 * for the uid (or the name); without one, HOME is / (/root for root) and the group 0. Read on
 * the container's own file: getpwuid would also ask a host's nscd. */
static int lookup_user(const struct nb_container *c, struct workload_user *u, struct nb_error *err)
{
	unsigned long long uid, gid;
	char *field[7];
	struct lines r;
	bool found = false;
	char *line;

	u->uid = c->uid;
	u->gid = c->gid == NB_GID_UNSET ? 0 : c->gid;
	open_in_image(&r, "etc/passwd"); /* none: the defaults */
	while (!found && (line = lines_next(&r)))
		found = split_fields(line, field, 7) && id_field(field[2], &uid) &&
			id_field(field[3], &gid) &&
			(c->user_name ? !strcmp(field[0], c->user_name) : uid == c->uid);
	if (found) {
		u->uid = (uid_t)uid;
		if (c->gid == NB_GID_UNSET)
			u->gid = (gid_t)gid;
	}
	if (asprintf(&u->home, "HOME=%s",
		     found && field[5][0] ? field[5]
		     : u->uid == 0	  ? "/root"
					  : "/") < 0)
		u->home = NULL;
	lines_close(&r);
	if (!u->home)
		return nb_fail_errno(err, "environment", NULL);
	if (c->user_name && !found)
		return nb_fail(err, ENOENT, "--user", c->user_name,
			       "no such user in the image's /etc/passwd");
	return lookup_groups(c, u, err);
}

/* Raw syscalls (0, or -1 with errno, as the libc calls): musl's setgroups, setgid and setuid
 * apply the change to every thread through __synccall (a signal per thread, semaphores: 2 KB
 * of the static binary), and this child has one thread. */
#ifdef SYS_setgroups32 /* 32-bit arm: setgroups takes 16-bit ids, setgroups32 gid_t's */
#define NB_SYS_SETGROUPS SYS_setgroups32
#else
#define NB_SYS_SETGROUPS SYS_setgroups
#endif
static int switch_user(const struct workload_user *u)
{
	/* the supplementary groups are --group-add's, else none; a user namespace that denies
	 * setgroups(2) (EPERM) is fine only for root with none to add */
	if (syscall(NB_SYS_SETGROUPS, (long)u->n_groups, u->groups) &&
	    (errno != EPERM || u->n_groups || u->uid || u->gid))
		return -1;
	if (u->uid == 0 && u->gid == 0)
		return 0;
	if (syscall(SYS_setgid, (unsigned long)u->gid) ||
	    syscall(SYS_setuid, (unsigned long)u->uid))
		return -1;
	return 0;
}

/* CVE-2024-21626: a caller's fd left open is a way out of the root (/proc/self/fd/N of a host
 * directory, as a -w or a cwd). Every fd above stderr goes before any path is resolved, but for
 * the --preserve-fds N the caller passed on purpose (3 .. N+2, as runc's and podman's flag).
 * close_range(2) is Linux 5.9 (and has no musl 1.2.3 wrapper); older kernels get the loop. */
static void close_fds_from(unsigned first)
{
	struct rlimit rl;
	unsigned max = 1024;

	if (syscall(SYS_close_range, first, ~0U, 0U) == 0)
		return;
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < FD_SCAN_LIMIT)
		max = (unsigned)rl.rlim_cur;
	else if (!getrlimit(RLIMIT_NOFILE, &rl))
		max = FD_SCAN_LIMIT;
	for (unsigned fd = first; fd < max; fd++)
		close((int)fd);
}

/* In the preserved range, only what came from the caller stays: an fd that crossed nestbox's
 * own execve had no FD_CLOEXEC, so one with it is nestbox's own (the range had a hole), and
 * it must not be open while the workdir is resolved. */
void process_close_fds(unsigned preserve)
{
	for (unsigned fd = 3; fd < 3 + preserve; fd++) {
		int flags = fcntl((int)fd, F_GETFD);

		if (flags >= 0 && (flags & FD_CLOEXEC))
			close((int)fd);
	}
	close_fds_from(3 + preserve);
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
	process_close_fds(c->preserve_fds);
	/* Whatever the caller ignored, the workload starts with every disposition default
	 * (issue 28.1); the mask is emptied last, just before execve. */
	init_default_signals();
	if (lookup_user(c, &user, &serr))
		return nb_error_print(&serr), NB_EXIT_SETUP;
	if (!(env = build_env(c, &user)))
		return fail("environment", NULL, NB_EXIT_SETUP);
	if (security_before_user(c, &serr))
		return nb_error_print(&serr), NB_EXIT_SETUP;
	if (ensure_workdir(c, workdir))
		return NB_EXIT_SETUP;
	if (switch_user(&user))
		return fail("--user", "switch", NB_EXIT_SETUP);
	if (chdir(workdir))
		return fail("--workdir", workdir, NB_EXIT_SETUP);
	if (c->has_umask) /* config.json's process.user.umask (podman's: 022) */
		umask((mode_t)c->umask);
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
