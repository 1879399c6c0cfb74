/* The verbs on containers: run (create + start + wait + destroy in one process), and create,
 * start, state, delete on the state directory (state.h), with runc's meanings: the first cut of
 * the OCI runtime command line. Each returns the exit status for main(). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cli.h"
#include "net.h"
#include "oci_verbs.h"
#include "run.h"
#include "run_log.h"
#include "state.h"
#include "validate.h"
#include "verbs.h"

#define DELETE_WAIT_MS 5000 /* a killed PID 1 and the run holding its name: gone by then */

int verb_run(const char *root, int argc, char **argv)
{
	struct nb_container c;
	struct nb_error err = { 0 };
	int rc;

	if (oci_run_wanted(argc, argv)) /* runc's run [--bundle DIR] ID (oci_verbs.h) */
		return oci_verb_run(root, argc, argv);
	rc = cli_parse_run(argc, argv, &c, &err);

	if (rc == 1)
		return 0;
	if (!rc)
		rc = container_validate(&c, &err);
	if (!rc) /* -d: in the background under a monitor (run_log.c) */
		rc = c.detach ? run_detached(&c, root, &err) : container_run(&c, root, &err);
	return rc < 0 ? verb_fail(&err) : rc;
}

int verb_create(const char *root, int argc, char **argv)
{
	struct nb_container c;
	struct nb_error err = { 0 };
	struct nb_run r;
	int rc;

	if (oci_create_wanted(argc, argv)) /* runc's create [--bundle DIR] ID (oci_verbs.h) */
		return oci_verb_create(root, argc, argv);
	rc = cli_parse_create(argc, argv, &c, &err);

	if (rc == 1)
		return 0;
	if (!rc && c.tty)
		rc = nb_fail(&err, EINVAL, "create", "-t",
			     "a created container has no terminal to relay to (use run -t)");
	/* A created container is driven by later verbs (pause, kill --all, ps, exec) that find its
	 * processes through its group: it always has one, as OCI's and boot mode's do. Only a
	 * foreground run goes without, for its start time. */
	c.cgroup.wanted = true;
	if (!rc)
		rc = container_validate(&c, &err);
	if (!rc)
		rc = run_create(&r, &c, root, true, &err);
	if (rc < 0)
		return verb_fail(&err);
	if (rc > 0) /* the container side failed and said why */
		return run_destroy(&r, rc);
	verb_save_args(&r.state, argc, argv);
	return 0;
}

int verb_start(const char *root, int argc, char **argv)
{
	struct nb_error err = { 0 };
	struct nb_container c;
	struct nb_target t;
	int rc =
	    verb_find_arg(root, argc, argv, 1, VERB_IS(NB_STATUS_CREATED), "created", &t, &err);

	/* The record stays "created": with the start fifo gone it reads running (state_status),
	 * and a rewrite (a file made and renamed) cost start 1-5 ms on a busy ext4 /tmp. */
	if (!rc)
		rc = state_signal_start(&t.s, &err);
	if (rc)
		return verb_fail(&err);
	/* poststart: from create's copy of config.json (oci_hooks.h), warnings only */
	hooks_load(&t.s, t.rec.id, t.rec.bundle, &c);
	hooks_run(&c, NB_HOOK_POSTSTART, t.rec.pid, NULL);
	return 0;
}

/* The OCI state (runtime-spec "State"): ociVersion, id, status, pid, bundle; the hooks get the
 * same (oci_hooks.c). */
int verb_state(const char *root, int argc, char **argv)
{
	struct nb_error err = { 0 };
	struct nb_target t;
	char json[8192];
	int rc = verb_find_arg(root, argc, argv, 1, ~0u, NULL, &t, &err);

	if (rc)
		return verb_fail(&err);
	hooks_state_json(json, sizeof(json), t.rec.id, state_status_name(t.st),
			 t.st == NB_STATUS_STOPPED ? 0 : t.rec.pid, t.rec.bundle, NULL);
	printf("%s\n", json);
	return 0;
}

/* Kill the container's PID 1 (the kernel ends its whole pid namespace) and wait until it and
 * whoever holds the name (a `nestbox run` cleaning up after it) are gone; then hold the lock. A
 * paused container is thawed after the SIGKILL: a v1 freezer holds a killed task frozen. */
static int stop_and_lock(struct nb_target *t, struct nb_error *err)
{
	pid_t holder = 0;
	int pidfd = -1, rc = -EBUSY, waited = 0; /* ms */

	if (t->rec.pid > 0 && state_proc_start(t->rec.pid) == t->rec.pid_start) {
		pidfd = (int)syscall(SYS_pidfd_open, t->rec.pid, 0);
		kill(t->rec.pid, SIGKILL);
	}
	if (t->st == NB_STATUS_PAUSED)
		verb_set_frozen(t, false, err);
	/* Until the pidfd says PID 1 has exited, lock or no lock: a started PID 1 let go of the
	 * lock long ago, and its group is empty only then (the kernel reaps the rest of its pid
	 * namespace and takes it out of its cgroups before). Without this wait the group's rmdir
	 * met the exiting tasks (EBUSY) and slept 2.5 ms. A holder that is not PID 1 (a run
	 * cleaning up) is polled every ms. */
	if (pidfd >= 0) { /* half the time each: DELETE_WAIT_MS in all, as before */
		poll(&(struct pollfd){ pidfd, POLLIN, 0 }, 1, DELETE_WAIT_MS / 2);
		close(pidfd);
		waited = DELETE_WAIT_MS / 2;
	}
	for (; waited < DELETE_WAIT_MS && rc == -EBUSY; waited++) {
		rc = state_try_lock(&t->s, &holder);
		if (rc == -EBUSY)
			verb_sleep_ms(1);
	}
	if (rc == -EBUSY)
		return nb_fail(err, EBUSY, "delete", t->rec.id, "its process does not go away");
	return rc ? nb_fail(err, -rc, "state lock", t->s.dir, strerror(-rc)) : 0;
}

/* The group create made, from its saved state; a state that does not load is left alone. */
static void remove_cgroup(const struct nb_target *t)
{
	struct nb_cgroup cg;

	if (!verb_cgroup(t, &cg))
		cgroup_remove_deleted(&cg);
}

/* runc delete [--force] ID, docker rm [-f] NAME: a running or paused one only when forced. */
int verb_delete(const char *root, int argc, char **argv)
{
	struct nb_error err = { 0 };
	bool force = argc > 1 && (!strcmp(argv[1], "--force") || !strcmp(argv[1], "-f"));
	unsigned forced = VERB_IS(NB_STATUS_RUNNING) | VERB_IS(NB_STATUS_PAUSED);
	struct nb_target t;
	struct nb_container c;
	int rc = verb_find_arg(root, argc, argv, force ? 2 : 1, ~0u, NULL, &t, &err);

	if (!rc && !force && (forced & VERB_IS(t.st))) {
		char why[80];

		snprintf(why, sizeof(why), "is %s (stop it first, or %s --force)",
			 state_status_name(t.st), argv[0]);
		rc = nb_fail(&err, EBUSY, "container", t.rec.id, why);
	}
	if (!rc)
		rc = stop_and_lock(&t, &err);
	if (rc)
		return verb_fail(&err);
	/* Ours now: what a detached container leaves outside its namespaces. */
	verb_freezer_release(&t);
	remove_cgroup(&t);
	net_delete_host_end(t.rec.veth);
	hooks_load(&t.s, t.rec.id, t.rec.bundle, &c); /* before the state directory goes */
	state_remove_entry(&t.s);
	hooks_run(&c, NB_HOOK_POSTSTOP, 0, NULL); /* runtime.md: once the container is deleted */
	return 0;
}
