/* kill and stop (include/verbs.h), and the one table of signal names.
 *
 *   runc:   kill ID [SIGNAL] [--all|-a]
 *   docker: kill [-s|--signal SIGNAL] NAME       stop [-t|--time SECONDS] NAME
 *
 * kill's default is SIGKILL, docker's: the OCI clients (containerd, podman, runtime-tools) always
 * name the signal, so the default only meets a person, who types `kill NAME` to kill it. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verbs.h"

#define STOP_DEFAULT_SECONDS 10 /* docker stop's -t */
#define PIDS_MAX	     4096

/* signal(7), numbers 1..31 in order (the x86 and arm numbering, asm-generic/signal.h). */
static const char signal_names[] = "HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE "
				   "ALRM TERM STKFLT CHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ "
				   "VTALRM PROF WINCH IO PWR SYS ";

static int number(const char *s, int max)
{
	char *end;
	long v = strtol(s, &end, 10);

	return *s >= '0' && *s <= '9' && !*end && v > 0 && v <= max ? (int)v : -1;
}

int verb_signal_number(const char *name)
{
	size_t len;
	int n = 1;

	if (*name >= '0' && *name <= '9')
		return number(name, SIGRTMAX);
	if (!strncasecmp(name, "SIG", 3))
		name += 3;
	len = strlen(name);
	for (const char *p = signal_names; *p; n++) {
		size_t w = strcspn(p, " ");

		if (w == len && !strncasecmp(p, name, len))
			return n;
		p += w + 1;
	}
	return -1;
}

/* Signal PID 1, or with all every process of the container. A paused container is thawed after
 * a SIGKILL: a frozen v1 task does not die until it runs. */
static int send_signal(const struct nb_target *t, int sig, bool all, struct nb_error *err)
{
	static pid_t pids[PIDS_MAX];
	int n = all ? verb_pids(t, pids, PIDS_MAX) : 1;

	if (!all)
		pids[0] = t->rec.pid;
	for (int i = 0; i < n; i++)
		if (kill(pids[i], sig) && !all) /* --all: one that just exited is no error */
			return nb_fail_errno(err, "kill", t->rec.id);
	if (sig == SIGKILL && t->st == NB_STATUS_PAUSED)
		verb_set_frozen(t, false, err);
	return 0;
}

static const unsigned alive =
    VERB_IS(NB_STATUS_CREATED) | VERB_IS(NB_STATUS_RUNNING) | VERB_IS(NB_STATUS_PAUSED);

int verb_kill(const char *root, int argc, char **argv)
{
	struct nb_error err = { 0 };
	const char *id = NULL, *name = NULL;
	struct nb_target t;
	bool all = false;
	int sig = SIGKILL, rc = 0;

	for (int i = 1; i < argc && !rc; i++) {
		int r = verb_flag(argc, argv, &i, "--signal", "-s", &name);

		if (!r && (!strcmp(argv[i], "--all") || !strcmp(argv[i], "-a")))
			all = true;
		else if (!r && argv[i][0] != '-' && (!id || !name))
			*(id ? &name : &id) = argv[i];
		else if (r <= 0)
			rc = nb_fail(&err, EINVAL, "kill", argv[i],
				     "expected ID [SIGNAL] [--all], or -s SIGNAL ID");
	}
	if (!rc && !id)
		rc = nb_fail(&err, EINVAL, "kill", NULL, "no container ID given");
	if (!rc && name && (sig = verb_signal_number(name)) < 0)
		rc = nb_fail(&err, EINVAL, "kill", name,
			     "not a signal (a name as KILL or SIGKILL, or a number)");
	if (!rc)
		rc = verb_find(root, id, alive, "running", &t, &err);
	if (!rc)
		rc = send_signal(&t, sig, all, &err);
	return rc ? verb_fail(&err) : 0;
}

/* Until PID 1 is gone, at most ms: true when it is. */
static bool wait_gone(const struct nb_target *t, long ms)
{
	for (; state_proc_start(t->rec.pid) == t->rec.pid_start; ms -= 10) {
		if (ms <= 0)
			return false;
		verb_sleep_ms(10);
	}
	return true;
}

/* docker stop: SIGTERM (a paused container thawed to take it), SIGKILL after the grace period,
 * and back only once PID 1 is gone. A stopped one is no error. Prints the name, as docker. */
int verb_stop(const char *root, int argc, char **argv)
{
	struct nb_error err = { 0 };
	const char *secs = NULL;
	struct nb_target t;
	int i = 1, rc = 0;
	long grace = STOP_DEFAULT_SECONDS;

	if (argc > 1 && verb_flag(argc, argv, &i, "--time", "-t", &secs) > 0) {
		char *end;

		grace = strtol(secs, &end, 10);
		if (*end || !*secs || grace < 0 || grace > 1000000)
			rc = nb_fail(&err, EINVAL, "stop -t", secs, "want whole seconds");
		i++;
	}
	if (!rc)
		rc = verb_find_arg(root, argc, argv, i, alive | VERB_IS(NB_STATUS_STOPPED),
				   "running", &t, &err);
	if (!rc && t.st != NB_STATUS_STOPPED) {
		/* a created PID 1 still has every signal blocked (lifecycle.c): KILL at once */
		kill(t.rec.pid, SIGTERM);
		if (t.st == NB_STATUS_CREATED)
			grace = 0;
		if (t.st == NB_STATUS_PAUSED)
			rc = verb_set_frozen(&t, false, &err);
		if (!rc && !wait_gone(&t, grace * 1000))
			kill(t.rec.pid, SIGKILL);
		if (!rc && !wait_gone(&t, 5000))
			rc = nb_fail(&err, EBUSY, "stop", t.rec.id, "its process does not go away");
	}
	if (rc)
		return verb_fail(&err);
	printf("%s\n", t.rec.id);
	return 0;
}
