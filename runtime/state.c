/* The state directory (include/state.h): name locks, run records and the start fifo. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lines.h"
#include "scan.h"
#include "run_log.h"
#include "state.h"

#define LOCK_FILE    "lock"
#define RECORD_FILE  "record"
#define RECORD_TMP   "record.tmp"
#define START_FIFO   "start"
#define STARTED_FIFO "started"
#define CGROUP_FILE  "cgroup"
#define ARGS_FILE    "args"	   /* verbs.h verb_save_args */
#define HOOKS_FILE   "config.json" /* oci_hooks.h hooks_save */
/* How long a claim waits for a lock whose holder is gone (holder_gone) to be let go, in ms. */
#define SWEEP_WAIT_MS 1000

static const char *const status_names[] = {
	[NB_STATUS_CREATING] = "creating", [NB_STATUS_CREATED] = "created",
	[NB_STATUS_RUNNING] = "running",   [NB_STATUS_STOPPED] = "stopped",
	[NB_STATUS_PAUSED] = "paused",
};

const char *state_status_name(enum nb_status st)
{
	return status_names[st];
}

const char *state_default_root(void)
{
	static char buf[PATH_MAX];
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (geteuid() == 0)
		return NB_STATE_ROOT;
	/* A user who cannot write /run: the runtime dir of its session, else one in /tmp that
	 * open_root checks is its own. */
	if (xdg && xdg[0] == '/' &&
	    snprintf(buf, sizeof(buf), "%s/nestbox", xdg) < (int)sizeof(buf))
		return buf;
	snprintf(buf, sizeof(buf), "/tmp/nestbox-%u", (unsigned)geteuid());
	return buf;
}

/* The root may be in a directory others can write (/tmp): it must be a directory of ours that
 * nobody else can enter, not something planted there. */
static int open_root(const char *root, struct nb_error *err)
{
	char parent[PATH_MAX];
	struct stat st;

	/* runc makes the whole path (containerd's shim: --root <runc-root>/<namespace>) */
	for (const char *slash = strchr(root + 1, '/'); slash; slash = strchr(slash + 1, '/'))
		if (snprintf(parent, sizeof(parent), "%.*s", (int)(slash - root), root) <
		    (int)sizeof(parent))
			mkdir(parent, 0711);
	if (mkdir(root, 0711) && errno != EEXIST)
		return nb_fail_errno(err, "--root", root);
	if (lstat(root, &st))
		return nb_fail_errno(err, "--root", root);
	if (!S_ISDIR(st.st_mode))
		return nb_fail(err, ENOTDIR, "--root", root, "not a directory");
	if (st.st_uid != geteuid() || (st.st_mode & 022))
		return nb_fail(err, EPERM, "--root", root,
			       "must be owned by this user and writable by nobody else");
	return 0;
}

static int path_in(const struct nb_state *s, const char *file, char *buf, size_t size)
{
	return snprintf(buf, size, "%s/%s", s->dir, file) >= (int)size ? -1 : 0;
}

static int set_dir(struct nb_state *s, const char *root, const char *id, struct nb_error *err)
{
	s->lock_fd = -1;
	if (!id[0] || strchr(id, '/') || !strcmp(id, ".") || !strcmp(id, ".."))
		return nb_fail(err, EINVAL, "container", id, "not a valid name");
	if (snprintf(s->dir, sizeof(s->dir), "%s/%s", root, id) >= (int)sizeof(s->dir) - 16)
		return nb_fail(err, ENAMETOOLONG, "--root", root, "path too long");
	return 0;
}

unsigned long long state_proc_start(pid_t pid)
{
	char buf[1024];
	unsigned long long start = 0;
	const char *p = scan_proc_stat((int)pid, buf, sizeof(buf)); /* at field 3, the state */
	char state;

	if (!p)
		return 0;
	state = *p;
	/* field 22, the start time in clock ticks */
	if (!scan_unsigned(scan_field(p, 22 - 3), 10, ~0ULL, &start))
		return 0;
	/* A zombie has ended: only its parent's wait is still to come. */
	return state == 'Z' || state == 'X' ? 0 : start;
}

/* The pid the lock file names; 0 while it is still empty. */
static pid_t lock_file_pid(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	return n > 0 ? (pid_t)atoi(buf) : 0;
}

static pid_t read_holder(int fd)
{
	pid_t pid = 0;

	/* The winner writes its pid just after its flock: give it a moment. */
	for (int i = 0; i < 20 && !(pid = lock_file_pid(fd)); i++)
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	return pid;
}

/* One write of a fixed width, over the last (atoi stops at the padding): no ftruncate, one
 * journalled change less per holder on an ext4 root, and never an empty file to read. */
int state_set_holder(const struct nb_state *s, pid_t pid)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%-10d\n", (int)pid);
	return s->lock_fd >= 0 && pwrite(s->lock_fd, buf, 11, 0) == 11 ? 0 : -1;
}

/* The lock file we flock'ed must still be the one at the path: a holder that is done unlinks
 * it before unlocking, and a lock on the unlinked file holds nothing. */
static bool lock_is_current(int fd, const char *path)
{
	struct stat a, b;

	return !fstat(fd, &a) && !stat(path, &b) && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

static int in_use(const char *id, pid_t holder, struct nb_error *err)
{
	char what[NB_NAME_MAX + 16], why[64];

	/* "nestbox: --name ID: in use by PID N", the line docker users look for. */
	snprintf(what, sizeof(what), "--name %s", id);
	if (holder > 0)
		snprintf(why, sizeof(why), "in use by PID %d", (int)holder);
	else
		snprintf(why, sizeof(why), "in use");
	return nb_fail(err, EBUSY, what, NULL, why);
}

static int read_record(const struct nb_state *s, struct nb_record *rec);

/* A created container whose PID 1 execs the workload itself (--no-init) no longer holds the
 * lock: its record still names it, and its pid still lives. (A run's PID 1 always holds it.) */
static pid_t detached_alive(const struct nb_state *s)
{
	struct nb_record rec;

	if (read_record(s, &rec) || !rec.detached || rec.pid <= 0)
		return 0;
	return state_proc_start(rec.pid) == rec.pid_start ? rec.pid : 0;
}

/* *fresh: the directory is new, so nobody left anything in it. */
static int open_lock(struct nb_state *s, const char *root, bool *fresh, struct nb_error *err)
{
	char path[PATH_MAX];
	int rc = open_root(root, err);

	if (rc)
		return rc;
	*fresh = !mkdir(s->dir, 0700);
	if (!*fresh && errno != EEXIST)
		return nb_fail_errno(err, "state directory", s->dir);
	if (path_in(s, LOCK_FILE, path, sizeof(path)))
		return nb_fail(err, ENAMETOOLONG, "state directory", s->dir, "path too long");
	s->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (s->lock_fd < 0)
		return nb_fail_errno(err, "state lock", path);
	return 0;
}

/* nestbox-<our pid>: the name cli.c gives a run without --name */
static bool is_own_default(const char *id)
{
	char own[32];

	snprintf(own, sizeof(own), "nestbox-%d", (int)getpid());
	return !strcmp(id, own);
}

/* A lock held while the pid in its file is gone: a run's guard removing what the dead run made,
 * or another nestbox's state_sweep removing what it left; both let go within moments. */
static bool holder_gone(pid_t holder)
{
	return holder <= 0 || !state_proc_start(holder);
}

int state_claim(const char *root, const char *id, struct nb_state *s, struct nb_error *err)
{
	char path[PATH_MAX];
	int rc = set_dir(s, root, id, err), gone_waits = 0;

	/* A few rounds: the previous holder may remove the directory between our steps. */
	for (int round = 0; !rc && round < 100; round++) {
		bool fresh;

		rc = open_lock(s, root, &fresh, err);
		if (rc == -ENOENT) {
			rc = 0;
			continue;
		}
		if (rc)
			return rc;
		if (flock(s->lock_fd, LOCK_EX | LOCK_NB)) {
			pid_t holder;

			/* Our own default name: held, if at all, by another run's state_sweep for
			 * the moment it takes to remove what a dead run of our pid left. */
			if (errno == EWOULDBLOCK && is_own_default(id)) {
				close(s->lock_fd);
				s->lock_fd = -1;
				nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
				continue;
			}
			if (errno != EWOULDBLOCK) {
				rc = nb_fail_errno(err, "state lock", s->dir);
				break;
			}
			holder = read_holder(s->lock_fd);
			if (holder_gone(holder) && gone_waits++ < SWEEP_WAIT_MS) {
				close(s->lock_fd);
				s->lock_fd = -1;
				round--;
				nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
				continue;
			}
			rc = in_use(id, holder, err);
			break;
		}
		path_in(s, LOCK_FILE, path, sizeof(path));
		if (!lock_is_current(s->lock_fd, path)) {
			close(s->lock_fd);
			s->lock_fd = -1;
			continue;
		}
		if (!fresh && detached_alive(s)) {
			rc = in_use(id, detached_alive(s), err);
			break;
		}
		/* Ours: what a dead holder left goes. */
		if (!fresh) {
			path_in(s, RECORD_FILE, path, sizeof(path));
			unlink(path);
			path_in(s, START_FIFO, path, sizeof(path));
			unlink(path);
			path_in(s, ARGS_FILE, path, sizeof(path));
			unlink(path);
		}
		state_set_holder(s, getpid());
		return 0;
	}
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	s->lock_fd = -1;
	return rc ? rc : nb_fail(err, EAGAIN, "--name", id, "could not take the name");
}

/* ---- the record ---------------------------------------------------------------------------- */

/* The record's text, written with one write(2): its strings are its fields' arrays at most, and
 * the keys and numbers take less than the 256 bytes more. */
struct record_text {
	char buf[sizeof(struct nb_record) + 256];
	size_t len;
};

/* Values are written as they are: none of them holds a newline (names are checked, paths with
 * a newline are refused at parse time, the command is cut at one). */
static void put(struct record_text *f, const char *key, const char *value)
{
	size_t start = f->len + strlen(key) + 1;

	f->len += (size_t)snprintf(f->buf + f->len, sizeof(f->buf) - f->len, "%s %s\n", key, value);
	for (char *p = f->buf + start; p < f->buf + f->len - 1; p++)
		if (*p == '\n')
			*p = ' ';
}

static void write_fields(struct record_text *f, const struct nb_record *rec)
{
	char num[64];

	put(f, "id", rec->id);
	put(f, "status", status_names[rec->status]);
	put(f, "detached", rec->detached ? "1" : "0");
	snprintf(num, sizeof(num), "%d", (int)rec->pid);
	put(f, "pid", num);
	snprintf(num, sizeof(num), "%llu", rec->pid_start);
	put(f, "pid_start", num);
	snprintf(num, sizeof(num), "%lld", rec->created);
	put(f, "created", num);
	put(f, "bundle", rec->bundle);
	put(f, "veth", rec->veth);
	put(f, "command", rec->command);
}

int state_write(const struct nb_state *s, const struct nb_record *rec, struct nb_error *err)
{
	char tmp[PATH_MAX], path[PATH_MAX];
	struct record_text f;
	bool bad;
	int fd;

	if (path_in(s, RECORD_TMP, tmp, sizeof(tmp)) || path_in(s, RECORD_FILE, path, sizeof(path)))
		return nb_fail(err, ENAMETOOLONG, "state record", s->dir, "path too long");
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return nb_fail_errno(err, "state record", tmp);
	f.len = 0;
	write_fields(&f, rec);
	errno = ENOSPC; /* what a short write(2) to a file means */
	bad = write(fd, f.buf, f.len) != (ssize_t)f.len;
	bad = close(fd) || bad;
	if (bad || rename(tmp, path)) {
		unlink(tmp);
		return nb_fail_errno(err, "state record", path);
	}
	return 0;
}

static void set_field(struct nb_record *rec, const char *key, const char *v)
{
	if (!strcmp(key, "id"))
		snprintf(rec->id, sizeof(rec->id), "%s", v);
	else if (!strcmp(key, "detached"))
		rec->detached = !strcmp(v, "1");
	else if (!strcmp(key, "pid"))
		rec->pid = (pid_t)atoi(v);
	else if (!strcmp(key, "pid_start"))
		rec->pid_start = strtoull(v, NULL, 10);
	else if (!strcmp(key, "created"))
		rec->created = strtoll(v, NULL, 10);
	else if (!strcmp(key, "bundle"))
		snprintf(rec->bundle, sizeof(rec->bundle), "%s", v);
	else if (!strcmp(key, "veth"))
		snprintf(rec->veth, sizeof(rec->veth), "%s", v);
	else if (!strcmp(key, "command"))
		snprintf(rec->command, sizeof(rec->command), "%s", v);
	else if (!strcmp(key, "status"))
		for (unsigned i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++)
			if (!strcmp(v, status_names[i]))
				rec->status = i;
}

/* Created: the lock file names the container's PID 1 (state_set_holder once it is ready),
 * which saves create a second record (a file made and renamed over the first, whose data ext4
 * then writes out at once: auto_da_alloc). */
static bool lock_names(const struct nb_state *s, pid_t pid)
{
	int fd = state_open_file(s, LOCK_FILE, O_RDONLY);
	bool names = fd >= 0 && lock_file_pid(fd) == pid;

	if (fd >= 0)
		close(fd);
	return names;
}

static int read_record(const struct nb_state *s, struct nb_record *rec)
{
	char path[PATH_MAX], *line;
	struct lines r;
	int rc;

	memset(rec, 0, sizeof(*rec));
	if (path_in(s, RECORD_FILE, path, sizeof(path)))
		return -ENAMETOOLONG;
	rc = lines_open(&r, path);
	if (rc) {
		lines_close(&r);
		return rc;
	}
	while ((line = lines_next(&r))) {
		char *sp = strchr(line, ' ');

		if (!sp)
			continue;
		*sp = '\0';
		set_field(rec, line, sp + 1);
	}
	lines_close(&r);
	if (rec->status == NB_STATUS_CREATING && rec->pid > 0 && lock_names(s, rec->pid))
		rec->status = NB_STATUS_CREATED;
	return 0;
}

int state_open(const char *root, const char *id, struct nb_state *s, struct nb_record *rec,
	       struct nb_error *err)
{
	struct stat st;
	int rc = set_dir(s, root, id, err);

	if (rc)
		return rc;
	if (lstat(s->dir, &st) || !S_ISDIR(st.st_mode))
		return nb_fail(err, ENOENT, "container", id, "does not exist");
	rc = read_record(s, rec);
	if (rc == -ENOENT) {
		memset(rec, 0, sizeof(*rec));
		snprintf(rec->id, sizeof(rec->id), "%s", id);
		rec->status = NB_STATUS_CREATING;
		return 0;
	}
	return rc ? nb_fail(err, -rc, "state record", s->dir, strerror(-rc)) : 0;
}

int state_try_lock(struct nb_state *s, pid_t *holder)
{
	char path[PATH_MAX];

	*holder = 0;
	path_in(s, LOCK_FILE, path, sizeof(path));
	s->lock_fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (s->lock_fd < 0)
		return errno == ENOENT ? 0 : -errno; /* no lock file: nobody holds it */
	if (!flock(s->lock_fd, LOCK_EX | LOCK_NB))
		return 0;
	*holder = read_holder(s->lock_fd);
	close(s->lock_fd);
	s->lock_fd = -1;
	return -EBUSY;
}

static bool pid_alive(const struct nb_record *rec)
{
	return rec->pid > 0 && state_proc_start(rec->pid) == rec->pid_start;
}

enum nb_status state_status(const struct nb_state *s, const struct nb_record *rec)
{
	char path[PATH_MAX];
	struct stat st;

	if (rec->status == NB_STATUS_CREATING) {
		struct nb_state probe = *s;
		pid_t holder;

		if (state_try_lock(&probe, &holder) == -EBUSY)
			return NB_STATUS_CREATING;
		if (probe.lock_fd >= 0)
			close(probe.lock_fd);
		return pid_alive(rec) ? NB_STATUS_CREATING : NB_STATUS_STOPPED;
	}
	if (!pid_alive(rec))
		return NB_STATUS_STOPPED;
	if (rec->status == NB_STATUS_PAUSED)
		return NB_STATUS_PAUSED;
	path_in(s, START_FIFO, path, sizeof(path));
	return lstat(path, &st) == 0 ? NB_STATUS_CREATED : NB_STATUS_RUNNING;
}

static int make_fifo(const struct nb_state *s, const char *name, struct nb_error *err)
{
	char path[PATH_MAX];
	int fd;

	path_in(s, name, path, sizeof(path));
	unlink(path);
	if (mkfifo(path, 0600))
		return nb_fail_errno(err, "start fifo", path);
	/* fifo(7): a read-write open never blocks; the container side reads its byte. */
	fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		int rc = nb_fail_errno(err, "start fifo", path);

		unlink(path);
		return rc;
	}
	return fd;
}

int state_make_fifos(const struct nb_state *s, int fds[2], struct nb_error *err)
{
	fds[1] = -1;
	fds[0] = make_fifo(s, START_FIFO, err);
	if (fds[0] >= 0 && (fds[1] = make_fifo(s, STARTED_FIFO, err)) < 0) {
		close(fds[0]);
		fds[0] = fds[1];
	}
	return fds[0] < 0 ? fds[0] : 0;
}

int state_signal_start(const struct nb_state *s, struct nb_error *err)
{
	char path[PATH_MAX], byte = 'S';
	int fd, answer, rc;

	/* Opened first: fifo(7)'s data goes with its last opener, and the container side closes
	 * its end once it has answered. None: a container made before there was one. */
	path_in(s, STARTED_FIFO, path, sizeof(path));
	answer = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	path_in(s, START_FIFO, path, sizeof(path));
	/* fifo(7): a write-only non-blocking open fails with ENXIO when nobody reads: the
	 * container's PID 1 is gone. */
	fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	rc = fd < 0 && (errno == ENXIO || errno == ENOENT)
		 ? nb_fail(err, ESRCH, "start", s->dir, "the container is not waiting")
	     : fd < 0 || write(fd, &byte, 1) != 1 ? nb_fail_errno(err, "start fifo", path)
						  : 0;
	if (fd >= 0)
		close(fd);
	unlink(path);
	/* runtime.md: the startContainer hooks are part of start; a failed one stops the container
	 * (EOF here), which said why on its stderr */
	if (!rc && answer >= 0 && (fcntl(answer, F_SETFL, 0) || read(answer, &byte, 1) != 1))
		rc = nb_fail(err, ECANCELED, "start", s->dir,
			     "the container stopped before its workload ran");
	if (answer >= 0)
		close(answer);
	return rc;
}

int state_open_file(const struct nb_state *s, const char *name, int flags)
{
	char path[PATH_MAX];

	if (path_in(s, name, path, sizeof(path))) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return open(path, flags | O_CLOEXEC | O_NOFOLLOW, 0600);
}

void state_remove_entry(struct nb_state *s)
{
	/* log, log.1, exit: what a run -d keeps (run_log.h); config.json: hooks (oci_hooks.h) */
	static const char *const files[] = { RECORD_FILE, RECORD_TMP, START_FIFO, STARTED_FIFO,
					     CGROUP_FILE, ARGS_FILE,  HOOKS_FILE, "log",
					     "log.1",	  "exit",     LOCK_FILE };
	char path[PATH_MAX];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (!path_in(s, files[i], path, sizeof(path)))
			unlink(path);
	rmdir(s->dir);
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	s->lock_fd = -1;
}

void state_remove(struct nb_state *s)
{
	char path[PATH_MAX];

	state_remove_entry(s);
	/* The root too, once nothing else is in it (a claim that races this makes it again). */
	snprintf(path, sizeof(path), "%s", s->dir);
	if (strrchr(path, '/') && strrchr(path, '/') != path) {
		*strrchr(path, '/') = '\0';
		rmdir(path);
	}
}

/* Under its lock: may the directory of a named container go? Its record says setup never
 * finished (none yet: a run writes it at "state: pid"; creating: a create that did not get to
 * created), or it is a run's (not detached: a run's state never outlives the run), and its
 * PID 1 is gone. A created container's stays until delete (OCI: stopped until deleted), and an
 * ended run -d's (its exit file) until rm. */
static bool named_is_stale(const struct nb_state *s)
{
	struct nb_record rec;
	char exit_file[PATH_MAX];
	int rc = read_record(s, &rec);

	if (rc)
		return rc == -ENOENT;
	/* a run -d that ended: kept, with its exit status and log, for ps, logs and rm */
	if ((size_t)snprintf(exit_file, sizeof(exit_file), "%s/" RUN_LOG_EXIT, s->dir) >=
		sizeof(exit_file) ||
	    access(exit_file, F_OK) == 0)
		return false;
	return (rec.status == NB_STATUS_CREATING || !rec.detached) && !pid_alive(&rec);
}

/* A named directory whose lock nobody holds and that is stale goes. The lock is only opened,
 * never made, and our pid is not written into it: a claim that meets our lock reads the dead
 * holder's and waits for us (holder_gone). Our own name is held by us through another open
 * file: flock(2) fails. No lock file: a run killed between its mkdir and its open(O_CREAT);
 * rmdir(2) takes only an empty directory, and a claim at that point meets ENOENT and makes the
 * directory again. */
static void sweep_named(const char *root, const char *id)
{
	char path[PATH_MAX];
	struct nb_error err;
	struct nb_state s;

	if (set_dir(&s, root, id, &err) || path_in(&s, LOCK_FILE, path, sizeof(path)))
		return;
	s.lock_fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (s.lock_fd < 0) {
		if (errno == ENOENT)
			rmdir(s.dir);
		return;
	}
	if (!flock(s.lock_fd, LOCK_EX | LOCK_NB) && lock_is_current(s.lock_fd, path) &&
	    named_is_stale(&s)) {
		state_remove_entry(&s);
		return;
	}
	close(s.lock_fd);
}

/* Directories of default-named runs (nestbox-<pid>) whose nestbox is gone: a run without a
 * cgroup has no guard to remove its directory after a SIGKILL (issue 21), so a later run does.
 * The name lock decides, as for any claim: one still held (a created container's PID 1) stays.
 * Named ones likewise, when stale (sweep_named): a run SIGKILLed before its setup ended. */
void state_sweep(const char *root, const char *own)
{
	struct dirent *e;
	struct stat st;
	DIR *d;

	/* What is swept is a directory, and a directory's link count is 2 + its subdirectories
	 * (tmpfs, ext4; btrfs and overlayfs say 1, and are read): none but ours, nothing to read.
	 * A run in a boot then reads no directory, a getdents path run for the first time (~450
	 * guest instructions QEMU translates, issue 23). */
	if (!stat(root, &st) && st.st_nlink == 2 + (own != NULL))
		return;
	d = opendir(root);
	while (d && (e = readdir(d))) {
		struct nb_error err;
		struct nb_state s;
		char *end;
		long pid;

		if (e->d_name[0] == '.' || (own && !strcmp(e->d_name, own)))
			continue; /* ours: its lock is held, by us */
		if (strncmp(e->d_name, "nestbox-", 8)) {
			sweep_named(root, e->d_name);
			continue;
		}
		pid = strtol(e->d_name + 8, &end, 10);
		if (*end || pid <= 0) {
			sweep_named(root, e->d_name);
			continue;
		}
		if (pid == getpid() || !kill((pid_t)pid, 0) || errno != ESRCH)
			continue;
		if (!state_claim(root, e->d_name, &s, &err))
			state_remove_entry(&s);
	}
	if (d)
		closedir(d);
}
