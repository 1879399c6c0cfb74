/* What every verb on an existing container shares (include/verbs.h): its flags and ID, the
 * container found in the state directory with its status checked, its cgroup, its processes,
 * and the front end's words kept for exec. */
#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup_impl.h"
#include "scan.h"
#include "verbs.h"

#define ARGS_FILE "args"

int verb_fail(const struct nb_error *err)
{
	nb_error_print(err);
	return NB_EXIT_SETUP;
}

int verb_flag(int argc, char **argv, int *i, const char *name, const char *alias,
	      const char **value)
{
	size_t len = strlen(name);

	if (!strncmp(argv[*i], name, len) && argv[*i][len] == '=') {
		*value = argv[*i] + len + 1;
		return 1;
	}
	if (strcmp(argv[*i], name) && (!alias || strcmp(argv[*i], alias)))
		return 0;
	if (*i + 1 >= argc)
		return -1;
	*value = argv[++*i];
	return 1;
}

static int one_id(const char *verb, int argc, char **argv, int first, const char **id,
		  struct nb_error *err)
{
	if (first >= argc)
		return nb_fail(err, EINVAL, verb, NULL, "no container ID given");
	if (first + 1 < argc)
		return nb_fail(err, EINVAL, verb, argv[first + 1], "unexpected argument");
	*id = argv[first];
	return 0;
}

int verb_find(const char *root, const char *id, unsigned want, const char *need,
	      struct nb_target *t, struct nb_error *err)
{
	char why[64];
	int rc = state_open(root, id, &t->s, &t->rec, err);

	if (rc)
		return rc;
	t->st = state_status(&t->s, &t->rec);
	if (want & VERB_IS(t->st))
		return 0;
	snprintf(why, sizeof(why), "is %s, not %s", state_status_name(t->st), need);
	return nb_fail(err, EINVAL, "container", id, why);
}

int verb_find_arg(const char *root, int argc, char **argv, int first, unsigned want,
		  const char *need, struct nb_target *t, struct nb_error *err)
{
	const char *id = NULL;
	int rc = one_id(argv[0], argc, argv, first, &id, err);

	return rc ? rc : verb_find(root, id, want, need, t, err);
}

int verb_cgroup(const struct nb_target *t, struct nb_cgroup *cg)
{
	struct nb_error err;
	int fd = state_open_file(&t->s, "cgroup", O_RDONLY), rc;

	cgroup_init(cg);
	if (fd < 0)
		return -ENOENT;
	rc = cgroup_state_load(cg, fd, &err);
	close(fd);
	return rc ? rc : cg->version && cg->n_dirs ? 0 : -ENOENT;
}

/* The pid namespace of pid as its /proc link says ("pid:[4026531836]"), or "". */
static void pid_ns_of(const char *pid, char *buf, size_t size)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%s/ns/pid", pid);
	n = readlink(path, buf, size - 1);
	buf[n > 0 ? n : 0] = '\0';
}

/* A zombie is in no cgroup's cgroup.procs and cannot be moved or signalled: it is not counted
 * (a frozen parent may keep one for as long as it is paused). */
static bool is_zombie(int pid)
{
	char buf[512];
	const char *state = scan_proc_stat(pid, buf, sizeof(buf));

	return state && *state == 'Z';
}

/* Every process of a pid namespace of its own: those whose /proc/N/ns/pid is PID 1's. */
static int pids_in_namespace(const char *ns, pid_t *pids, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	char other[64];
	int n = 0;

	while (d && n < max && (e = readdir(d))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		pid_ns_of(e->d_name, other, sizeof(other));
		if (!strcmp(other, ns) && !is_zombie(atoi(e->d_name)))
			pids[n++] = (pid_t)atoi(e->d_name);
	}
	if (d)
		closedir(d);
	return n;
}

/* cgroup.procs of the container's group: the processes of a container that shares the host's
 * pid namespace. */
static int pids_in_cgroup(const struct nb_target *t, pid_t *pids, int max)
{
	static char buf[1 << 16];
	struct nb_cgroup cg;
	int n = 0;

	if (verb_cgroup(t, &cg) || cg_read(cg.dirs[0].path, "cgroup.procs", buf, sizeof(buf)) < 0)
		return 0;
	for (char *p = buf; *p && n < max; p += strcspn(p, "\n"), p += *p == '\n')
		pids[n++] = (pid_t)atoi(p);
	return n;
}

int verb_pids(const struct nb_target *t, pid_t *pids, int max)
{
	char pid1[16], ns[64], own[64];
	int n;

	snprintf(pid1, sizeof(pid1), "%d", (int)t->rec.pid);
	pid_ns_of(pid1, ns, sizeof(ns));
	pid_ns_of("self", own, sizeof(own));
	n = ns[0] && strcmp(ns, own) ? pids_in_namespace(ns, pids, max)
				     : pids_in_cgroup(t, pids, max);
	if (!n && max > 0) /* no group: PID 1 is what there is to name */
		pids[n++] = t->rec.pid;
	return n;
}

/* The front end's words, NUL-separated, for exec to describe the container as it was made. */
void verb_save_args(const struct nb_state *s, int argc, char **argv)
{
	int fd = state_open_file(s, ARGS_FILE, O_WRONLY | O_CREAT | O_TRUNC);

	for (int i = 0; fd >= 0 && i < argc; i++)
		if (write(fd, argv[i], strlen(argv[i]) + 1) < 0)
			break;
	if (fd >= 0)
		close(fd);
}

int verb_load_args(const struct nb_target *t, char *buf, size_t size, char **argv, int max)
{
	char path[64];
	pid_t holder = 0;
	struct nb_state probe = t->s;
	int fd = state_open_file(&t->s, ARGS_FILE, O_RDONLY), argc = 0;
	ssize_t n;

	/* A `nestbox run` kept none: it holds the name, and its command line is the same. */
	if (fd < 0 && state_try_lock(&probe, &holder) == -EBUSY && holder != t->rec.pid) {
		snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)holder);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (probe.lock_fd >= 0)
		close(probe.lock_fd);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	for (char *p = buf; p < buf + n && argc < max - 1; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	return argc;
}

void verb_json_string(const char *s)
{
	putchar('"');
	for (const char *p = s; *p; p++) /* JSON string escapes (RFC 8259 section 7) */
		printf((*p == '"' || *p == '\\') ? "\\%c"
						 : ((unsigned char)*p < 0x20 ? "\\u%04x" : "%c"),
		       *p);
	putchar('"');
}

void verb_sleep_ms(long ms)
{
	const struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}
