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

int verb_logs(const char *root, int argc, char **argv)
{
	struct nb_error err = { 0 };
	struct nb_target t;
	struct stat a, b;
	bool follows = argc > 1 && (!strcmp(argv[1], "-f") || !strcmp(argv[1], "--follow"));
	int rc = verb_find_arg(root, argc, argv, 1 + follows, ~0u, NULL, &t, &err), fd, next;

	if (rc)
		return verb_fail(&err);
	fd = state_open_file(&t.s, RUN_LOG_FILE ".1", O_RDONLY); /* the older one first */
	run_log_copy(fd, STDOUT_FILENO);
	close(fd);
	fd = state_open_file(&t.s, RUN_LOG_FILE, O_RDONLY);
	if (fd < 0) {
		nb_fail(&err, ENOENT, "logs", t.rec.id, "no output kept (only a run -d keeps it)");
		return verb_fail(&err);
	}
	for (;;) {
		bool gone = monitor_gone(&t); /* before the copy: what it wrote first is read */

		run_log_copy(fd, STDOUT_FILENO);
		/* another file at the path: the monitor rotated it (none for a moment: not yet) */
		next = state_open_file(&t.s, RUN_LOG_FILE, O_RDONLY);
		if (next >= 0 && !fstat(fd, &a) && !fstat(next, &b) && a.st_ino != b.st_ino) {
			close(fd);
			fd = next;
			continue;
		}
		close(next);
		if (gone || !follows)
			return 0;
		verb_sleep_ms(FOLLOW_MS);
	}
}
