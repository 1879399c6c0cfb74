/* Shared test helpers: see tests/lib.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib.h"

static const char *env_path(const char *name, const char *fallback, char *buf)
{
	const char *v = getenv(name);

	if (v)
		return v;
	if (!realpath(fallback, buf))
		snprintf(buf, PATH_MAX, "%s", fallback);
	return buf;
}

const char *nbt_nestbox(void)
{
	static char buf[PATH_MAX];

	return env_path("NESTBOX", "build/nestbox", buf);
}

const char *nbt_rootfs(void)
{
	static char buf[PATH_MAX];

	return env_path("NESTBOX_ROOTFS", "build/rootfs", buf);
}

const char *nbt_helpers(void)
{
	static char buf[PATH_MAX];

	return env_path("NESTBOX_HELPERS", "build/helpers", buf);
}

static int wait_status(pid_t pid)
{
	int ws;

	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(ws))
		return WEXITSTATUS(ws);
	return 128 + WTERMSIG(ws);
}

static void exec_nestbox(const char *const *argv)
{
	const char *full[256];
	int n = 0;

	/* Since issue 28.1 nestbox gives the workload every disposition default whatever its
	 * caller ignored (it used to pass them on, as tini does); a suite started as a background
	 * job (`make check &`) still runs nestbox itself as an interactive caller would. */
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	full[n++] = nbt_nestbox();
	for (int i = 0; argv[i] && n < 255; i++)
		full[n++] = argv[i];
	full[n] = NULL;
	execv(full[0], (char *const *)full);
	_exit(124);
}

/* Drain both pipes until EOF on both, feeding input meanwhile. */
static void pump(struct nbt_result *r, int in_fd, int out_fd, int err_fd)
{
	size_t out_len = 0, err_len = 0, in_off = 0, in_len = r->input ? strlen(r->input) : 0;
	struct pollfd p[3] = { { out_fd, POLLIN, 0 },
			       { err_fd, POLLIN, 0 },
			       { in_fd, POLLOUT, 0 } };

	if (in_fd >= 0 && in_len == 0) {
		close(in_fd);
		p[2].fd = -1;
	}
	while (p[0].fd >= 0 || p[1].fd >= 0) {
		if (poll(p, 3, -1) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 2; i++) {
			char *buf = i ? r->err : r->out;
			size_t *len = i ? &err_len : &out_len;
			ssize_t n;

			if (p[i].fd < 0 || !p[i].revents)
				continue;
			n = read(p[i].fd, buf + *len, NBT_OUT_MAX - 1 - *len);
			if (n <= 0) {
				close(p[i].fd);
				p[i].fd = -1;
				continue;
			}
			*len += (size_t)n;
			buf[*len] = '\0';
		}
		if (p[2].fd >= 0 && p[2].revents) {
			ssize_t n = write(p[2].fd, r->input + in_off, in_len - in_off);

			if (n > 0)
				in_off += (size_t)n;
			if (n <= 0 || in_off == in_len) {
				close(p[2].fd);
				p[2].fd = -1;
			}
		}
	}
	if (p[2].fd >= 0)
		close(p[2].fd);
}

int nbt_runv(struct nbt_result *r, const char *const *argv)
{
	int out[2], err[2], in[2] = { -1, -1 };
	pid_t pid;

	r->out[0] = r->err[0] = '\0';
	r->status = -1;
	/* O_CLOEXEC: nestbox must not hold the write end of its own stdin (no EOF ever). */
	if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC) || (r->input && pipe2(in, O_CLOEXEC)))
		return -1;
	signal(SIGPIPE, SIG_IGN);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		dup2(r->input ? in[0] : null, 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		/* Dies with the test, so a hung container never outlives a failed test. */
		exec_nestbox(argv);
	}
	close(out[1]);
	close(err[1]);
	if (r->input)
		close(in[0]);
	pump(r, r->input ? in[1] : -1, out[0], err[0]);
	r->status = wait_status(pid);
	return r->status;
}

int nbt_run(struct nbt_result *r, ...)
{
	const char *argv[256];
	va_list ap;
	int n = 0;

	va_start(ap, r);
	while (n < 255 && (argv[n] = va_arg(ap, const char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	return nbt_runv(r, argv);
}

pid_t nbt_spawn(const char *const *argv, const char *log_path)
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int null = open("/dev/null", O_RDONLY);

		dup2(null, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		exec_nestbox(argv);
	}
	return pid;
}

int nbt_wait_for_text(const char *path, const char *text, int timeout_ms)
{
	static char buf[NBT_OUT_MAX];

	for (int waited = 0; waited <= timeout_ms; waited += 20) {
		if (nbt_read_file(path, buf, sizeof(buf)) > 0 && strstr(buf, text))
			return 1;
		usleep(20000);
	}
	return 0;
}

int nbt_wait_exit(pid_t pid)
{
	return wait_status(pid);
}

double nbt_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

long long nbt_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

void nbt_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

char nbt_proc_state(int pid)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (nbt_read_file(path, buf, sizeof(buf)) <= 0 || !(p = strrchr(buf, ')')))
		return '?';
	return p[2];
}

char *nbt_mountinfo(void)
{
	static char buf[1 << 20];
	int n = nbt_read_file("/proc/self/mountinfo", buf, sizeof(buf));

	return n < 0 ? NULL : strdup(buf);
}

int nbt_read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	return (int)len;
}

int nbt_write_file(const char *path, const char *content)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, content, strlen(content));
	close(fd);
	return n == (ssize_t)strlen(content) ? 0 : -1;
}

int nbt_count_procs(const char *needle)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	char path[64], cmd[4096];
	int count = 0, self = getpid();

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		int pid = atoi(e->d_name), n;

		if (pid <= 0 || pid == self)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
		n = nbt_read_file(path, cmd, sizeof(cmd));
		for (int i = 0; i < n; i++)
			if (!cmd[i])
				cmd[i] = ' ';
		if (n > 0 && !strncmp(cmd, needle, strlen(needle)))
			count++;
	}
	closedir(d);
	return count;
}

int nbt_wait_procs(const char *needle, int want, int timeout_ms)
{
	int n = nbt_count_procs(needle);

	for (int waited = 0; n != want && waited < timeout_ms; waited += 20) {
		usleep(20000);
		n = nbt_count_procs(needle);
	}
	return n;
}

int nbt_count_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

int nbt_run_container(struct nbt_result *r, const char *helpers_at, const char *const *opts,
		      const char *const *cmd)
{
	static char helpers[PATH_MAX + 64];
	const char *argv[128];
	int n = 0;

	argv[n++] = "run";
	argv[n++] = "--rootfs";
	argv[n++] = nbt_rootfs();
	if (helpers_at) {
		snprintf(helpers, sizeof(helpers), "%s:%s:ro", nbt_helpers(), helpers_at);
		argv[n++] = "--bind";
		argv[n++] = helpers;
	}
	for (int i = 0; opts && opts[i] && n < 100; i++)
		argv[n++] = opts[i];
	argv[n++] = "--";
	for (int i = 0; cmd[i] && n < 127; i++)
		argv[n++] = cmd[i];
	argv[n] = NULL;
	return nbt_runv(r, argv);
}

int nbt_count_lines(const char *text)
{
	int n = 0;

	for (; *text; text++)
		if (*text == '\n')
			n++;
	return n;
}

char *nbt_tempdir(const char *tag)
{
	char *path;

	if (asprintf(&path, "/tmp/nbt-%s-XXXXXX", tag) < 0)
		return NULL;
	return mkdtemp(path);
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	remove(path);
	return 0;
}

/* In process, not through rm(1): a test that unshared a pid namespace whose PID 1 is gone can no
 * longer fork. */
void nbt_rm_rf(const char *path)
{
	if (!path || strncmp(path, "/tmp/", 5))
		return;
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Is there a directory named name below dir, at most depth levels down? */
static int dir_named(const char *dir, const char *name, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;

	while (d && !found && (e = readdir(d))) {
		char sub[1024];

		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		if (!strcmp(e->d_name, name)) {
			found = 1;
			break;
		}
		snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
		if (depth > 1)
			found = dir_named(sub, name, depth - 1);
	}
	if (d)
		closedir(d);
	return found;
}

int nbt_cgroup_named(const char *name)
{
	return dir_named("/sys/fs/cgroup", name, 7);
}
