/* The verbs on containers: run (create + start + wait + destroy in one process), and create,
 * start, state, delete on the state directory (state.h), with runc's meanings: the first cut of
 * the OCI runtime command line. Each returns the exit status for main(). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cli.h"
#include "net.h"
#include "oci_verbs.h"
#include "run.h"
#include "state.h"
#include "validate.h"
#include "verbs.h"

#define DELETE_WAIT_MS 5000 /* a killed PID 1 and the run holding its name: gone by then */

static int fail(const struct nb_error *err)
{
	nb_error_print(err);
	return NB_EXIT_SETUP;
}

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
	if (!rc)
		rc = container_run(&c, root, &err);
	return rc < 0 ? fail(&err) : rc;
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
	if (!rc)
		rc = container_validate(&c, &err);
	if (!rc)
		rc = run_create(&r, &c, root, true, &err);
	if (rc < 0)
		return fail(&err);
	if (rc > 0) /* the container side failed and said why */
		return run_destroy(&r, rc);
	return 0;
}

/* The ID of a verb that takes only an ID (after its own flags, parsed by the caller). */
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

int verb_start(const char *root, int argc, char **argv)
{
	struct nb_error err = { 0 };
	struct nb_record rec;
	struct nb_state s;
	const char *id = NULL;
	enum nb_status st;
	int rc = one_id("start", argc, argv, 1, &id, &err);

	if (!rc)
		rc = state_open(root, id, &s, &rec, &err);
	if (rc)
		return fail(&err);
	st = state_status(&s, &rec);
	if (st != NB_STATUS_CREATED) {
		char why[64];

		snprintf(why, sizeof(why), "is %s, not created", state_status_name(st));
		nb_fail(&err, EINVAL, "container", id, why);
		return fail(&err);
	}
	rc = state_signal_start(&s, &err);
	if (!rc) {
		rec.status = NB_STATUS_RUNNING;
		rc = state_write(&s, &rec, &err);
	}
	return rc ? fail(&err) : 0;
}

/* The OCI state (runtime-spec "State"): ociVersion, id, status, pid, bundle. */
int verb_state(const char *root, int argc, char **argv)
{
	struct nb_error err = { 0 };
	struct nb_record rec;
	struct nb_state s;
	const char *id = NULL;
	enum nb_status st;
	int rc = one_id("state", argc, argv, 1, &id, &err);

	if (!rc)
		rc = state_open(root, id, &s, &rec, &err);
	if (rc)
		return fail(&err);
	st = state_status(&s, &rec);
	printf("{\"ociVersion\":\"%s\",\"id\":\"%s\",\"status\":\"%s\",\"pid\":%d,\"bundle\":\"",
	       NB_OCI_VERSION, rec.id, state_status_name(st),
	       st == NB_STATUS_STOPPED ? 0 : (int)rec.pid);
	for (const char *p = rec.bundle; *p; p++) /* JSON string escapes (RFC 8259 section 7) */
		printf((*p == '"' || *p == '\\') ? "\\%c"
						 : ((unsigned char)*p < 0x20 ? "\\u%04x" : "%c"),
		       *p);
	printf("\",\"annotations\":{}}\n");
	return 0;
}

static void sleep_ms(long ms)
{
	const struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Kill the container's PID 1 (the kernel ends its whole pid namespace) and wait until it and
 * whoever holds the name (a `nestbox run` cleaning up after it) are gone; then hold the lock. */
static int stop_and_lock(struct nb_state *s, const struct nb_record *rec, struct nb_error *err)
{
	pid_t holder = 0;

	if (rec->pid > 0 && state_proc_start(rec->pid) == rec->pid_start)
		kill(rec->pid, SIGKILL);
	for (int waited = 0; waited < DELETE_WAIT_MS; waited += 10) {
		int rc = state_try_lock(s, &holder);

		if (rc != -EBUSY)
			return rc ? nb_fail(err, -rc, "state lock", s->dir, strerror(-rc)) : 0;
		sleep_ms(10);
	}
	return nb_fail(err, EBUSY, "delete", rec->id, "its process does not go away");
}

/* The group create made, from its saved state; a state that does not load is left alone. */
static void remove_cgroup(const struct nb_state *s)
{
	struct nb_error err;
	struct nb_cgroup cg;
	int fd = state_open_file(s, "cgroup", O_RDONLY);

	if (fd < 0)
		return;
	cgroup_init(&cg);
	if (!cgroup_state_load(&cg, fd, &err))
		cgroup_remove(&cg);
	close(fd);
}

int verb_delete(const char *root, int argc, char **argv)
{
	struct nb_error err = { 0 };
	bool force = argc > 1 && (!strcmp(argv[1], "--force") || !strcmp(argv[1], "-f"));
	struct nb_record rec;
	struct nb_state s;
	const char *id = NULL;
	int rc = one_id("delete", argc, argv, force ? 2 : 1, &id, &err);

	if (!rc)
		rc = state_open(root, id, &s, &rec, &err);
	if (rc)
		return fail(&err);
	if (!force && state_status(&s, &rec) == NB_STATUS_RUNNING) {
		nb_fail(&err, EBUSY, "container", id,
			"is running (stop it first, or delete --force)");
		return fail(&err);
	}
	rc = stop_and_lock(&s, &rec, &err);
	if (rc)
		return fail(&err);
	/* Ours now: what a detached container leaves outside its namespaces. */
	remove_cgroup(&s);
	net_delete_host_end(rec.veth);
	state_remove(&s);
	return 0;
}
