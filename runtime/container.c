/* A container's life, top to bottom:
 *
 *   host side (nestbox run)          container side (PID 1 of the new pid namespace)
 *   block signals                    die with the host side (PDEATHSIG), setsid
 *   clone into new namespaces  --->  private mounts, scratch root, overlay root,
 *   forward signals, wait            binds, /proc, /sys, /dev, hostname, pivot_root,
 *   exit with the status       <---  reaper (init/) with the workload as its child
 *
 * Everything the container side creates lives in its own mount namespace, so a crash at any
 * point leaves nothing on the host: the kernel tears the namespaces down with their last
 * process, and the host side's death kills that process (PR_SET_PDEATHSIG). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "dev.h"
#include "faults.h"
#include "guard.h"
#include "init.h"
#include "mounts.h"
#include "nested.h"
#include "net.h"
#include "ns.h"
#include "overlay.h"
#include "process.h"
#include "run.h"
#include "security.h"
#include "tty.h"

/* A named setup step: logged with -v, and where the test build stops for `make faults`
 * (faults.h; tests/faults/faults.mk lists the steps from the calls to step and done). */
static void step(const struct nb_container *c, const char *name)
{
	if (c->verbosity > 0)
		dprintf(STDERR_FILENO, "nestbox: %s: %s\n", c->name, name);
	fault_point(name);
}

/* step() once the action returned 0; its result passed through. */
static int done(const struct nb_container *c, const char *name, int rc)
{
	if (!rc)
		step(c, name);
	return rc;
}

/* The host side -> container side handshake, one pipe:
 *  - PR_SET_PDEATHSIG only covers a parent that dies after the prctl; the host side holds the
 *    write end for its whole life, so EOF means it is already gone.
 *  - The host side writes one SYNC_GO byte once every step it must take on the child from
 *    outside is done (uid/gid maps, cgroup membership, the veth pair): the container side
 *    does nothing before that byte arrives. */
#define SYNC_GO 'G'

static int wait_for_host_side(int sync_fd)
{
	char byte = 0;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		return -1;
	while (read(sync_fd, &byte, 1) < 0)
		if (errno != EINTR)
			return -1;
	return byte == SYNC_GO ? 0 : -1;
}

static int release_container_side(int sync_fd)
{
	static const struct timespec now = { 0, 0 };
	const char go = SYNC_GO;
	sigset_t pipe_set;

	if (write(sync_fd, &go, 1) == 1)
		return 0;
	/* EPIPE: the container side died. Take the SIGPIPE that came with it while it is still
	 * blocked: restoring the caller's mask would kill nestbox before it says why. */
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigtimedwait(&pipe_set, NULL, &now);
	return -1;
}

static int build_root(const struct nb_container *c, const struct nb_cgroup *cg,
		      struct nb_error *err)
{
	int rc;

	rc = done(c, "mount: private", mounts_make_private(err));
	if (rc)
		return rc;
	rc = done(c, "mount: scratch root", mounts_enter_scratch(c->layers[0], err));
	if (rc)
		return rc;
	rc = done(c, "id-mapped layers", security_idmap_attach(c, err));
	if (!rc)
		rc = done(c, "mount: overlay", overlay_mount_root(c, err));
	if (!rc)
		rc = done(c, "etc files", net_write_etc(c, err));
	for (int i = 0; !rc && i < c->n_binds; i++) {
		const struct nb_bind *b = &c->binds[i];

		rc = done(c, "mount: bind", mounts_bind(b->src, b->dst, b->read_only, err));
	}
	if (!rc)
		rc = done(c, "mount: proc", mounts_proc(err));
	if (!rc)
		rc = done(c, "mount: sys", mounts_sys(err));
	if (!rc)
		rc = done(c, "mount: cgroup view", cgroup_mount_view(cg, c, err));
	if (!rc)
		rc = done(c, "mount: masked paths", security_mask_paths(c, err));
	if (!rc)
		rc = done(c, "mount: dev", dev_populate(err));
	if (!rc && c->read_only)
		rc = done(c, "mount: read-only root", mounts_root_read_only(err));
	return rc;
}

static int set_hostname(const struct nb_container *c, struct nb_error *err)
{
	if (!(c->namespaces & NB_NS_UTS))
		return 0;
	if (sethostname(c->hostname, strlen(c->hostname)))
		return nb_fail_errno(err, "sethostname", c->hostname);
	return 0;
}

static int exec_workload(void *arg)
{
	return process_exec(arg);
}

static int start_workload(const struct nb_container *c, const sigset_t *saved)
{
	const struct init_config cfg = { .grace_seconds = c->grace_seconds,
					 .verbose = c->verbosity > 0 };
	pid_t pid;

	if (c->no_init) {
		sigprocmask(SIG_SETMASK, saved, NULL);
		return process_exec(c);
	}
	pid = init_spawn(saved, exec_workload, (void *)c);
	if (pid > 0)
		step(c, "fork workload");
	if (pid < 0) {
		struct nb_error err;

		errno = -pid;
		nb_fail_errno(&err, "fork workload", c->argv[0]);
		nb_error_print(&err);
		return NB_EXIT_SETUP;
	}
	return init_supervise(pid, &cfg);
}

/* The container side: runs as PID 1 of the new pid namespace; returns its exit status. */
static int container_side(const struct nb_container *c, struct nb_cgroup *cg, const sigset_t *saved,
			  int sync_fd)
{
	struct nb_error err = { 0 };
	int rc;

	if (wait_for_host_side(sync_fd))
		return NB_EXIT_SETUP;
	close(sync_fd);
	step(c, "go received");
	if (done(c, "namespace: cgroup", cgroup_enter_ns(cg, c, &err))) {
		nb_error_print(&err);
		return NB_EXIT_SETUP;
	}
	if (done(c, "network: container", net_container_setup(c, &err))) {
		nb_error_print(&err);
		return NB_EXIT_SETUP;
	}
	/* A session of its own: the container can never take the caller's terminal as its
	 * controlling terminal. */
	setsid();
	rc = done(c, "namespace: user, time", security_enter(c, &err));
	if (!rc)
		rc = build_root(c, cg, &err);
	if (!rc)
		rc = done(c, "hostname", set_hostname(c, &err));
	if (!rc)
		rc = done(c, "pivot_root", mounts_pivot(&err));
	if (!rc && c->tty)
		rc = done(c, "tty", tty_container_setup(&err));
	if (!rc) /* the reaper: nothing it spawns can regain a capability */
		rc = done(c, "capabilities", security_limit_caps(c, &err));
	if (rc) {
		nb_error_print(&err);
		return NB_EXIT_SETUP;
	}
	return start_workload(c, saved);
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

/* The host side: forward every signal to the container's PID 1 until it exits. SIGTERM, SIGINT
 * and SIGHUP ask the container to stop: if it has not exited in time (a workload that ignores
 * them, or a --no-init PID 1, which the kernel shields from them), PID 1 is SIGKILLed and the
 * kernel ends its whole pid namespace. In time means the workload's own --grace to stop, then
 * the reaper's --grace for what it leaves, plus a second: the reaper's own TERM -> KILL must
 * run first, or a nested nestbox inside is cut off before its own shutdown. */
static int host_side(pid_t child, unsigned grace_seconds)
{
	long long deadline = 0;
	sigset_t all;
	siginfo_t info;
	int wstatus;

	sigfillset(&all);
	for (;;) {
		long long left = deadline ? deadline - monotonic_ms() : 0;
		struct timespec ts = { (time_t)(left / 1000), (long)(left % 1000) * 1000000L };
		int sig;

		if (deadline && left <= 0) {
			kill(child, SIGKILL);
			deadline = 0;
			continue;
		}
		sig = deadline ? sigtimedwait(&all, &info, &ts) : sigwaitinfo(&all, &info);
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

/* Undo in reverse order of setup: one ladder, each label undoing one step. */
int container_run(const struct nb_container *c, struct nb_error *err)
{
	struct nb_cgroup cg; /* the lifecycle's run record will hold it */
	struct nb_guard guard;
	sigset_t saved;
	int sync[2];
	pid_t child;
	int rc;

	rc = c->tty ? tty_host_prepare(err) : 0;
	if (!rc)
		rc = security_prepare(c, err);
	if (rc)
		return rc;
	if (pipe2(sync, O_CLOEXEC))
		return nb_fail_errno(err, "pipe", NULL);
	rc = init_block_signals(&saved);
	if (rc) {
		rc = nb_fail(err, -rc, "block signals", NULL, strerror(-rc));
		goto fail_pipe;
	}
	/* Best effort: without the guard only a SIGKILLed nestbox leaves its group behind. */
	cgroup_init(&cg);
	guard_start(&guard, &cg, -1);
	rc = cgroup_setup(&cg, c, err);
	if (rc)
		goto fail_guard;
	guard_arm(&guard, &cg);
	step(c, "cgroup: made");
	child = cgroup_clone(&cg, ns_clone_flags(net_namespaces(c)));
	if (child == 0) {
		close(sync[1]);
		_exit(container_side(c, &cg, &saved, sync[0]));
	}
	if (child < 0) {
		rc = nested_fail(err, -child, "clone namespaces", NULL, NB_NEED_SYS_ADMIN);
		goto fail_cgroup;
	}
	step(c, "clone");
	close(sync[0]);
	sync[0] = -1;
	/* Host-side steps on the new child, all before the go byte. */
	rc = done(c, "cgroup: joined", cgroup_join(&cg, child, err));
	if (!rc)
		rc = done(c, "network: veth", net_host_setup(c, child, err));
	if (!rc)
		rc = done(c, "id maps", security_host_setup(c, child, err));
	if (!rc && release_container_side(sync[1]))
		rc = nb_fail_errno(err, "start container", NULL);
	if (rc)
		goto fail_child;
	step(c, "go sent");
	rc = c->tty ? exit_status(tty_host_relay(child, c->grace_seconds))
		    : host_side(child, c->grace_seconds);
	net_host_teardown(c);
	close(sync[1]);
	rc = cgroup_finish(&cg, c, rc);
	guard_end(&guard);
	return rc;

fail_child:
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	net_host_teardown(c);
fail_cgroup:
	cgroup_remove(&cg);
fail_guard:
	guard_end(&guard);
	sigprocmask(SIG_SETMASK, &saved, NULL);
fail_pipe:
	if (sync[0] >= 0)
		close(sync[0]);
	close(sync[1]);
	return rc;
}
