/* Fault injection points of the test build (include/faults.h). Compiled to nothing unless
 * -DNB_FAULTS: the shipped binary must not carry a way to stop itself. */
#ifdef NB_FAULTS
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "faults.h"

/* The longest a process waits at its step (NESTBOX_FAULT_WAIT: another): every runner resumes
 * it within seconds. */
#define FAULT_WAIT_S 120

void fault_point(const char *step)
{
	const char *want = getenv("NESTBOX_FAULT_STEP");
	const char *wait_env = getenv("NESTBOX_FAULT_WAIT"); /* seconds, for the test of it */
	struct timespec wait = { wait_env ? atoi(wait_env) : FAULT_WAIT_S, 0 };
	sigset_t cont, old;
	int rc;

	if (!want || strcmp(want, step))
		return;
	/* Once per process tree: a step inside a loop (each --bind) stops at its first pass, and a
	 * child forked after the stop does not stop again. */
	unsetenv("NESTBOX_FAULT_STEP");
	sigemptyset(&cont);
	sigaddset(&cont, SIGCONT);
	sigprocmask(SIG_BLOCK, &cont, &old);
	/* NESTBOX_FAULT_FD: where the test listens even once -t made stderr the container's
	 * terminal; stderr when it is not set or already closed (the workload's last step). */
	if (!getenv("NESTBOX_FAULT_FD") ||
	    dprintf(atoi(getenv("NESTBOX_FAULT_FD")), "nestbox-fault: %s\n", step) < 0)
		dprintf(STDERR_FILENO, "nestbox-fault: %s\n", step);
	/* Not forever: a runner that died (or lost this process) must not leave it stopped. */
	while ((rc = sigtimedwait(&cont, NULL, &wait)) < 0 && errno == EINTR)
		;
	if (rc < 0)
		dprintf(STDERR_FILENO, "nestbox-fault: %s: no SIGCONT in %d s, going on\n", step,
			(int)wait.tv_sec);
	sigprocmask(SIG_SETMASK, &old, NULL);
}
#else
/* ISO C forbids an empty translation unit. */
typedef int nb_faults_unused;
#endif
