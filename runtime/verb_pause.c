/* pause and resume (include/verbs.h): the cgroup freezer, as runc's pause/resume and docker's.
 *
 * v2: the container's own group's cgroup.freeze; frozen once cgroup.events says "frozen 1"
 * (cgroup-v2.rst, "Core Interface Files"). v1: nestbox makes no freezer group at create (it would
 * cost every run a hierarchy), so pause makes <freezer mount>/nestbox/ID, moves the container's
 * processes in and writes FROZEN to freezer.state until it reads FROZEN (cgroup-v1/freezer-
 * subsystem.rst: FREEZING while tasks are still running); a process forked meanwhile is moved on
 * the next round. resume (and delete) thaw it, move them back to the hierarchy's root and remove
 * the group (verb_freezer_release). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup_impl.h"
#include "lines.h"
#include "scan.h"
#include "verbs.h"

#define FREEZE_WAIT_MS 2000
#define FREEZE_ROUNDS  10
#define PIDS_MAX       4096

/* The v1 freezer group pause uses for t, in buf; -1 without a freezer hierarchy. */
static int v1_freezer_dir(const struct nb_target *t, char *buf, size_t size)
{
	char mnt[512];
	struct lines r;
	int rc = -1;

	lines_open(&r, "/proc/self/mountinfo");
	for (char *line; rc && (line = lines_next(&r));) {
		const char *sep = strstr(line, " - cgroup ");

		if (sep && strstr(sep, "freezer") &&
		    scan_word(scan_field(line, 4), mnt, sizeof(mnt)))
			rc = snprintf(buf, size, "%s/nestbox/%s", mnt, t->rec.id) < (int)size ? 0
											      : -1;
	}
	lines_close(&r);
	return rc;
}

/* Until the file holds want, at most FREEZE_WAIT_MS: 0, or -1. */
static int wait_for(const char *dir, const char *file, const char *want)
{
	char buf[512];

	for (int ms = 0; ms < FREEZE_WAIT_MS; ms += 5) {
		if (cg_read(dir, file, buf, sizeof(buf)) >= 0 && strstr(buf, want))
			return 0;
		verb_sleep_ms(5);
	}
	return -1;
}

static int count_lines(const char *dir, const char *file)
{
	char buf[1 << 15];
	int n = 0;

	if (cg_read(dir, file, buf, sizeof(buf)) < 0)
		return -1;
	for (const char *p = buf; (p = strchr(p, '\n')); p++)
		n++;
	return n;
}

/* v1: every process of the container into the freezer group dir (made if need be). */
static int v1_move_in(const struct nb_target *t, const char *dir, struct nb_error *err)
{
	static pid_t pids[PIDS_MAX];
	char parent[PATH_MAX], pid[16];
	int n = verb_pids(t, pids, PIDS_MAX);

	snprintf(parent, sizeof(parent), "%.*s", (int)(strrchr(dir, '/') - dir), dir);
	if ((mkdir(parent, 0755) && errno != EEXIST) || (mkdir(dir, 0755) && errno != EEXIST))
		return nb_fail_errno(err, "freezer", dir);
	/* Frozen before anything moves in: a task attached to a freezing group is frozen at once
	 * (legacy_freezer.c, freezer_attach), so what is inside forks no more while the rest moves. */
	if (cg_write(dir, "freezer.state", "FROZEN", err))
		return -err->code;
	for (int i = 0; i < n; i++) {
		snprintf(pid, sizeof(pid), "%d", (int)pids[i]);
		cg_write(dir, "cgroup.procs", pid, err); /* one that exited meanwhile: ESRCH */
	}
	return 0;
}

int verb_set_frozen(const struct nb_target *t, bool frozen, struct nb_error *err)
{
	static pid_t pids[PIDS_MAX];
	struct nb_cgroup cg;
	char dir[PATH_MAX];
	bool v2;

	if (verb_cgroup(t, &cg))
		return nb_fail(err, ENOENT, "container", t->rec.id,
			       "has no cgroup (pause needs the cgroup freezer)");
	v2 = cg.version == 2;
	if (v2)
		snprintf(dir, sizeof(dir), "%s", cg.dirs[0].path);
	else if (v1_freezer_dir(t, dir, sizeof(dir)))
		return nb_fail(err, ENOENT, "container", t->rec.id,
			       "no freezer hierarchy is mounted (pause needs it)");
	if (!v2 && !frozen) {
		verb_freezer_release(t);
		return 0;
	}
	for (int round = 0; round < FREEZE_ROUNDS; round++) {
		if (!v2 && v1_move_in(t, dir, err))
			return -err->code;
		if (cg_write(dir, v2 ? "cgroup.freeze" : "freezer.state",
			     v2 ? (frozen ? "1" : "0") : "FROZEN", err))
			return -err->code;
		if (!frozen)
			return 0;
		if (wait_for(dir, v2 ? "cgroup.events" : "freezer.state",
			     v2 ? "frozen 1" : "FROZEN"))
			return nb_fail(err, EBUSY, "freezer", dir, "does not freeze");
		/* v1: what is in the group cannot fork any more; done when nothing is outside */
		if (v2 || count_lines(dir, "cgroup.procs") >= verb_pids(t, pids, PIDS_MAX))
			return 0;
	}
	return nb_fail(err, EBUSY, "freezer", dir, "its processes keep forking");
}

/* v1: thawed, its processes back in the hierarchy's root, the group removed: it exists only
 * while the container is paused. */
void verb_freezer_release(const struct nb_target *t)
{
	static char procs[1 << 15];
	char dir[PATH_MAX], top[PATH_MAX];
	struct nb_error err;

	if (v1_freezer_dir(t, dir, sizeof(dir)) || access(dir, F_OK))
		return;
	cg_write(dir, "freezer.state", "THAWED", &err);
	snprintf(top, sizeof(top), "%s", dir);
	*strrchr(top, '/') = '\0';
	*strrchr(top, '/') = '\0';
	if (cg_read(dir, "cgroup.procs", procs, sizeof(procs)) > 0)
		for (char *p = strtok(procs, "\n"); p; p = strtok(NULL, "\n"))
			cg_write(top, "cgroup.procs", p, &err);
	for (int i = 0; i < 50 && rmdir(dir) && errno == EBUSY; i++)
		verb_sleep_ms(10); /* its last processes still exiting */
	*strrchr(dir, '/') = '\0';
	rmdir(dir); /* the shared nestbox/ level, once empty */
}

/* pause ID / resume ID: running <-> paused, in the record too. */
static int set_paused(const char *root, int argc, char **argv, bool pause)
{
	struct nb_error err = { 0 };
	struct nb_target t;
	enum nb_status from = pause ? NB_STATUS_RUNNING : NB_STATUS_PAUSED;
	int rc =
	    verb_find_arg(root, argc, argv, 1, VERB_IS(from), state_status_name(from), &t, &err);

	if (!rc) {
		rc = verb_set_frozen(&t, pause, &err);
		t.rec.status = pause ? NB_STATUS_PAUSED : NB_STATUS_RUNNING;
		if (!rc)
			rc = state_write(&t.s, &t.rec, &err);
		if (rc && pause) /* not left half frozen */
			verb_set_frozen(&t, false, &(struct nb_error){ 0 });
	}
	return rc ? verb_fail(&err) : 0;
}

int verb_pause(const char *root, int argc, char **argv)
{
	return set_paused(root, argc, argv, true);
}

int verb_resume(const char *root, int argc, char **argv)
{
	return set_paused(root, argc, argv, false);
}
