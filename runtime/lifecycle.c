/* The host side of a run (include/run.h):
 *
 *   host side (this file)               container side (container.c)
 *   the name, block signals, guard,
 *   cgroup, clone into namespaces  -->  wait for the go byte
 *   cgroup join, veth, id maps, go -->  build the root, pivot_root
 *   (create: wait for ready)       <--  ready; wait for the start byte
 *   start                          -->  the reaper (init/) with the workload as its child
 *   forward signals, wait          <--  exit status
 *   veth, cgroup, the name: undone
 *
 * Everything the container side creates lives in its namespaces and goes with them. What this
 * side makes outside them (the cgroup, the veth's host end, the state directory) it undoes in
 * reverse order, through one ladder on failure and run_destroy at the end; the guard (guard.h)
 * removes the cgroup if this process is SIGKILLed. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "container_side.h"
#include "guard.h"
#include "init.h"
#include "nested.h"
#include "net.h"
#include "ns.h"
#include "run.h"
#include "security.h"
#include "step.h"
#include "tty.h"

enum { HOST_END, CONTAINER_END };

static int send_byte(int fd, char byte)
{
	/* MSG_NOSIGNAL: a container side that died is an error to report, not a SIGPIPE. */
	return send(fd, &byte, 1, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

static int exit_status(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return NB_EXIT_SETUP;
}

static long long monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Forward every signal to the container's PID 1 until it exits. SIGTERM, SIGINT and SIGHUP ask
 * the container to stop: if it has not exited in time (a workload that ignores them, or a
 * --no-init PID 1, which the kernel shields from them), PID 1 is SIGKILLed and the kernel ends
 * its whole pid namespace. In time means the workload's own --grace to stop, then the reaper's
 * --grace for what it leaves, plus a second: the reaper's own TERM -> KILL must run first, or a
 * nested nestbox inside is cut off before its own shutdown. */
static int host_side(pid_t child, unsigned grace_seconds)
{
	long long deadline = 0;
	sigset_t all;
	siginfo_t info;
	int wstatus;

	init_signal_set(&all); /* 1..64: sigfillset leaves out 32..34 */
	for (;;) {
		long long left = deadline ? deadline - monotonic_ms() : 0;
		struct timespec ts = { (time_t)(left / 1000), (long)(left % 1000) * 1000000L };
		int sig;

		if (deadline && left <= 0) {
			kill(child, SIGKILL);
			deadline = 0;
			continue;
		}
		sig = init_wait_signal(&all, &info, deadline ? &ts : NULL);
		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			if (!deadline && (sig == SIGTERM || sig == SIGINT || sig == SIGHUP))
				deadline = monotonic_ms() + 2 * grace_seconds * 1000LL + 1000;
			kill(child, sig);
			continue;
		}
		if (waitpid(child, &wstatus, WNOHANG) == child)
			return exit_status(wstatus);
	}
}

static void fill_record(struct nb_run *r)
{
	const struct nb_container *c = r->c;
	struct nb_record *rec = &r->record;
	size_t used = 0;

	memset(rec, 0, sizeof(*rec));
	snprintf(rec->id, sizeof(rec->id), "%s", c->name);
	rec->status = NB_STATUS_CREATING;
	rec->detached = r->detached;
	rec->created = (long long)time(NULL);
	if (!getcwd(rec->bundle, sizeof(rec->bundle)))
		rec->bundle[0] = '\0';
	if (c->net.mode == NB_NET_VETH)
		net_host_ifname(c, rec->veth);
	for (int i = 0; c->argv[i] && used + 1 < sizeof(rec->command); i++)
		used += (size_t)snprintf(rec->command + used, sizeof(rec->command) - used, "%s%s",
					 i ? " " : "", c->argv[i]);
}

/* The group's state for `nestbox delete` in another process (none: no file). */
static int save_cgroup(struct nb_run *r, struct nb_error *err)
{
	int fd, rc;

	if (!r->cg.version)
		return 0;
	fd = state_open_file(&r->state, "cgroup", O_WRONLY | O_CREAT | O_TRUNC);
	if (fd < 0)
		return nb_fail_errno(err, "state record", r->state.dir);
	rc = cgroup_state_save(&r->cg, fd);
	close(fd);
	return rc ? nb_fail(err, -rc, "state record", r->state.dir, strerror(-rc)) : 0;
}

/* The record says what is made so far: once the child exists, its pid. A run in this process
 * starts the container right after: the record says running at once, written once (issue 21). */
static int record_child(struct nb_run *r, struct nb_error *err)
{
	if (!r->detached)
		r->record.status = NB_STATUS_RUNNING;
	r->record.pid = r->pid;
	r->record.pid_start = state_proc_start(r->pid);
	int rc = save_cgroup(r, err);

	return rc ? rc : state_write(&r->state, &r->record, err);
}

static int set_status(struct nb_run *r, enum nb_status st, struct nb_error *err)
{
	r->record.status = st;
	return state_write(&r->state, &r->record, err);
}

/* Detached: the container side reports ready, or dies (EOF) after saying why. */
static int wait_ready(struct nb_run *r)
{
	char byte = 0;
	int wstatus;

	while (read(r->sync_fd, &byte, 1) < 0 && errno == EINTR)
		;
	if (byte == SYNC_READY)
		return 0;
	if (waitpid(r->pid, &wstatus, 0) != r->pid)
		return NB_EXIT_SETUP;
	r->pid = 0;
	return exit_status(wstatus) ? exit_status(wstatus) : NB_EXIT_SETUP;
}

/* Host-side steps on the new child, all before the go byte. */
static int setup_child(struct nb_run *r, struct nb_error *err)
{
	const struct nb_container *c = r->c;
	int rc = done(c, "cgroup: joined", cgroup_join(&r->cg, r->pid, err));

	/* -v says only what was done (issue 28.5): each step named where it applies. */
	if (!rc && c->net.mode == NB_NET_VETH)
		rc = done(c, "network: veth", net_host_setup(c, r->pid, err));
	if (!rc)
		rc = security_host_setup(c, r->pid, err); /* also drops idmapped clones' fds */
	if (!rc && (c->namespaces & NB_NS_USER))
		step(c, "id maps");
	if (!rc)
		rc = done(c, "state: pid", record_child(r, err));
	/* config.md: in the runtime namespace once the namespaces exist, before pivot_root */
	if (!rc)
		rc = hooks_run(c, NB_HOOK_PRESTART, r->pid, err);
	if (!rc)
		rc = hooks_run(c, NB_HOOK_CREATE_RUNTIME, r->pid, err);
	if (!rc && send_byte(r->sync_fd, SYNC_GO))
		rc = nb_fail_errno(err, "start container", NULL);
	return rc;
}

/* The clone: the child runs the container side and never returns. */
static pid_t clone_container(struct nb_run *r, const int sock[2], const int fifo[2])
{
	const struct nb_container *c = r->c;
	/* cgroup.h: these hooks may look for the child in its group before the go byte */
	bool may_join = !c->hooks.n[NB_HOOK_PRESTART] && !c->hooks.n[NB_HOOK_CREATE_RUNTIME] &&
			!(c->namespaces & NB_NS_USER);
	int back, rc = ns_enter_pid(c, &back); /* a pid namespace given by path (ns.c) */
	pid_t child = rc ? rc : cgroup_clone(&r->cg, ns_clone_flags(net_namespaces(c)), may_join);

	ns_leave_pid(back);

	if (child == 0) {
		close(sock[HOST_END]);
		_exit(container_side(c, &r->cg, &r->saved, sock[CONTAINER_END], fifo[0], fifo[1],
				     r->detached));
	}
	return child;
}

/* Detached: created is the end of this process's part. The cgroup goes over to the record (the
 * guard stops watching), the caller's signal mask comes back. */
static int finish_detached(struct nb_run *r, struct nb_error *err)
{
	int rc = wait_ready(r);

	if (rc)
		return rc;
	/* created: the lock names PID 1 (state.h); a record is the way back if that failed */
	rc = state_set_holder(&r->state, r->pid) ? set_status(r, NB_STATUS_CREATED, err) : 0;
	if (rc)
		return rc;
	step(r->c, "created");
	close(r->sync_fd);
	r->sync_fd = -1;
	guard_end(&r->guard);
	sigprocmask(SIG_SETMASK, &r->saved, NULL);
	return 0;
}

static int prepare(const struct nb_container *c, struct nb_error *err)
{
	int rc = c->tty ? tty_host_prepare(err) : 0;

	if (!rc)
		rc = security_prepare(c, err);
	return rc;
}

/* In the guard, after this process died: the state directory goes too (the guard holds the
 * name lock until it is done). */
static void remove_state_after_death(void *arg)
{
	struct nb_run *r = arg;

	state_remove_entry(&r->state);
}

/* Undo in reverse order of setup: one ladder, each label undoing one step. */
int run_create(struct nb_run *r, const struct nb_container *c, const char *state_root,
	       bool detached, struct nb_error *err)
{
	int sock[2], fifo[2] = { -1, -1 }; /* start, started (state.h) */
	int rc;

	memset(r, 0, sizeof(*r));
	cgroup_init(&r->cg);
	r->guard.pid = -1;
	r->guard.life_fd = r->guard.state_fd = -1;
	r->c = c;
	r->detached = detached;
	r->sync_fd = -1;
	rc = prepare(c, err);
	if (!rc)
		rc = done(c, "state: name", state_claim(state_root, c->name, &r->state, err));
	if (rc)
		return rc;
	state_sweep(state_root, c->name);
	fill_record(r);
	rc = net_host_name_free(c, err); /* after the claim: the name lock decides */
	if (rc)
		goto fail_state;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sock)) {
		rc = nb_fail_errno(err, "socketpair", NULL);
		goto fail_state;
	}
	if (detached && (rc = state_make_fifos(&r->state, fifo, err)))
		goto fail_sock;
	rc = init_block_signals(&r->saved);
	if (rc) {
		rc = nb_fail(err, -rc, "block signals", NULL, strerror(-rc));
		goto fail_sock;
	}
	/* Only for a group, the one thing here a death would leave (issue 21: the fork cost
	 * every run). Best effort: without it a SIGKILLed nestbox leaves its group behind. */
	if (cgroup_asked(&c->cgroup))
		guard_start(&r->guard, &r->cg, r->state.lock_fd, remove_state_after_death, r);
	rc = cgroup_setup(&r->cg, c, err);
	if (rc)
		goto fail_guard;
	guard_arm(&r->guard, &r->cg);
	step(c, "cgroup: made");
	r->pid = clone_container(r, sock, fifo);
	if (r->pid < 0) {
		rc = nested_fail(err, -r->pid, "clone namespaces", NULL, NB_NEED_SYS_ADMIN);
		goto fail_cgroup;
	}
	step(c, "clone");
	close(sock[CONTAINER_END]);
	sock[CONTAINER_END] = -1;
	for (int i = 0; i < 2; i++)
		if (fifo[i] >= 0)
			close(fifo[i]);
	fifo[0] = fifo[1] = -1;
	r->sync_fd = sock[HOST_END];
	rc = setup_child(r, err);
	if (rc)
		goto fail_child;
	step(c, "go sent");
	if (!detached)
		return 0;
	rc = finish_detached(r, err);
	if (rc < 0) /* the container exists by now: run_destroy is the way back */
		run_destroy(r, 0);
	return rc;

fail_child:
	kill(r->pid, SIGKILL);
	waitpid(r->pid, NULL, 0);
	net_host_teardown(c);
fail_cgroup:
	cgroup_remove(&r->cg);
fail_guard:
	guard_end(&r->guard);
	sigprocmask(SIG_SETMASK, &r->saved, NULL);
fail_sock:
	for (int i = 0; i < 2; i++)
		if (fifo[i] >= 0)
			close(fifo[i]);
	if (sock[CONTAINER_END] >= 0)
		close(sock[CONTAINER_END]);
	close(sock[HOST_END]);
fail_state:
	state_remove(&r->state);
	if (r->pid > 0) /* runtime.md: a failed createRuntime hook goes on to delete's poststop */
		hooks_run(c, NB_HOOK_POSTSTOP, 0, NULL);
	return rc;
}

int run_start(struct nb_run *r, struct nb_error *err)
{
	const struct nb_container *c = r->c;
	char byte = 0;
	int rc;

	/* A container side that died during setup, or whose startContainer hooks failed, has said
	 * why: run_wait gets its status, and there is no poststart for a workload that never ran. */
	if (!send_byte(r->sync_fd, SYNC_START))
		step(c, "start sent");
	/* After its ready byte (run -d's monitor reads that first, a foreground run not). Not with
	 * -t: the pty master is sent before the hooks and waits for run_wait's relay. Every signal
	 * is blocked here: no EINTR. */
	while (!c->tty && read(r->sync_fd, &byte, 1) == 1 && byte == SYNC_READY)
		;
	if (!c->tty && byte != SYNC_STARTED)
		return 0;
	rc = r->record.status == NB_STATUS_RUNNING ? 0 : set_status(r, NB_STATUS_RUNNING, err);
	return rc ? rc : hooks_run(c, NB_HOOK_POSTSTART, r->pid, err); /* warnings only */
}

int run_wait(struct nb_run *r)
{
	const struct nb_container *c = r->c;
	int status = c->tty ? exit_status(tty_host_relay(r->pid, c->grace_seconds))
			    : host_side(r->pid, c->grace_seconds);

	r->pid = 0;
	return status;
}

int run_destroy(struct nb_run *r, int status)
{
	if (r->pid > 0) { /* not waited for: it must not outlive the run */
		kill(r->pid, SIGKILL);
		waitpid(r->pid, NULL, 0);
		r->pid = 0;
	}
	/* The veth pair goes with the container's network namespace, which the kernel tears down
	 * after PID 1 (cleanup_net): deleting the host end here made the caller wait 12-30 ms for
	 * it (issue 21). A run that failed says so only once nothing of it is left. */
	if (status == NB_EXIT_SETUP)
		net_host_teardown(r->c);
	if (r->sync_fd >= 0)
		close(r->sync_fd);
	r->sync_fd = -1;
	status = cgroup_finish(&r->cg, r->c, status);
	guard_end(&r->guard);
	/* A run -d's monitor keeps the state for logs and rm; a failed run leaves nothing, not
	 * even its root. */
	if (!r->keep_state) {
		if (status == NB_EXIT_SETUP)
			state_remove(&r->state);
		else
			state_remove_entry(&r->state);
		hooks_run(r->c, NB_HOOK_POSTSTOP, 0, NULL); /* deleted: warnings only */
	}
	return status;
}

int container_run(const struct nb_container *c, const char *state_root, struct nb_error *err)
{
	struct nb_run r;
	/* docker's --cidfile: a file that exists is another container's (or a stale one) */
	int cid = c->cidfile ? open(c->cidfile, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644) : -2;
	int rc = cid == -1 ? nb_fail_errno(err, "--cidfile", c->cidfile)
			   : run_create(&r, c, state_root, false, err);

	if (cid >= 0 && rc < 0)
		unlink(c->cidfile);
	if (cid >= 0 && rc >= 0)
		dprintf(cid, "%s", c->name);
	if (cid >= 0)
		close(cid);
	if (rc < 0)
		return rc;
	if (!rc && run_start(&r, err)) {
		nb_error_print(err);
		rc = NB_EXIT_SETUP;
	}
	if (!rc)
		rc = run_wait(&r);
	return run_destroy(&r, rc);
}
