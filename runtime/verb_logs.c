/* docker logs [-f|--follow] NAME (include/verbs.h): what a detached run wrote (run -d keeps its
 * stdout and stderr in ROOT/NAME/log and log.1, run_log.h), as it was written: no time stamps.
 * -f follows the log, across its rotation, until the run's monitor is gone: it holds the name
 * lock until its last byte is in the log, and the kernel frees the lock when it exits. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run_log.h"
#include "verbs.h"

#define FOLLOW_MS 100 /* how often -f looks again */

static bool monitor_gone(const struct nb_target *t)
{
	struct nb_state probe = t->s;
	pid_t holder;
	int rc = state_try_lock(&probe, &holder);

	if (probe.lock_fd >= 0)
		close(probe.lock_fd);
	return rc != -EBUSY;
}

/* The log at its path is another file than fd: the monitor rotated it (a moment without one
 * is no rotation yet). */
static bool rotated(const struct nb_target *t, int fd)
{
	char path[PATH_MAX + 8];
	struct stat a, b;

	snprintf(path, sizeof(path), "%s/" RUN_LOG_FILE, t->s.dir);
	return !fstat(fd, &a) && !stat(path, &b) && a.st_ino != b.st_ino;
}

static void follow(const struct nb_target *t, int fd)
{
	for (;;) {
		bool gone = monitor_gone(t); /* before the copy: what it wrote first is read */

		run_log_copy(fd, STDOUT_FILENO);
		if (rotated(t, fd)) {
			int next = state_open_file(&t->s, RUN_LOG_FILE, O_RDONLY);

			if (next < 0)
				break;
			close(fd);
			fd = next;
			continue;
		}
		if (gone)
			break;
		verb_sleep_ms(FOLLOW_MS);
	}
	close(fd);
}

int verb_logs(const char *root, int argc, char **argv)
{
	struct nb_error err = { 0 };
	struct nb_target t;
	bool follows = argc > 1 && (!strcmp(argv[1], "-f") || !strcmp(argv[1], "--follow"));
	int rc = verb_find_arg(root, argc, argv, 1 + follows, ~0u, NULL, &t, &err);
	/* log.1 first: the older one */
	int old = rc ? -1 : state_open_file(&t.s, RUN_LOG_FILE ".1", O_RDONLY);
	int fd = rc ? -1 : state_open_file(&t.s, RUN_LOG_FILE, O_RDONLY);

	if (!rc && fd < 0)
		rc = nb_fail(&err, ENOENT, "logs", t.rec.id,
			     "no output kept (only a run -d keeps it)");
	if (rc)
		return verb_fail(&err);
	if (old >= 0) {
		run_log_copy(old, STDOUT_FILENO);
		close(old);
	}
	if (follows)
		follow(&t, fd);
	else
		run_log_copy(fd, STDOUT_FILENO);
	return 0;
}
