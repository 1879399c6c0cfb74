/* The container side of a run (include/container_side.h): PID 1 of the new pid namespace, from
 * the clone to the workload. The host side is lifecycle.c.
 *
 *   wait for the go byte, die with the host side (PDEATHSIG), cgroup namespace, network,
 *   session, user and time namespaces -> the root: private mounts, scratch root, overlay,
 *   binds, /proc, /sys, /dev, masks -> hostname -> pivot_root -> ready byte -> start byte ->
 *   terminal, capabilities -> the reaper (init/) with the workload as its child.
 *
 * Everything the container side creates lives in its own mount namespace, so a crash at any
 * point leaves nothing on the host: the kernel tears the namespaces down with their last
 * process, and the host side's death kills that process (PR_SET_PDEATHSIG) until the container
 * is created; a detached one (nestbox create) is then the state directory's to delete. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cgroup.h"
#include "console_socket.h"
#include "container_side.h"
#include "dev.h"
#include "init.h"
#include "mount_plan.h"
#include "mounts.h"
#include "net.h"
#include "ns.h"
#include "overlay.h"
#include "process.h"
#include "proctitle.h"
#include "security.h"
#include "step.h"
#include "sysctl.h"
#include "tty.h"

/* One byte from fd; 0, or -1 on EOF or error (the other side is gone). */
static int read_byte(int fd, char want)
{
	char byte = 0;
	ssize_t n;

	while ((n = read(fd, &byte, 1)) < 0 && errno == EINTR)
		;
	return n == 1 && byte == want ? 0 : -1;
}

/* PR_SET_PDEATHSIG only covers a parent that dies after the prctl; the host side holds its end
 * of the socket for its whole life, so EOF means it is already gone. */
static int wait_for_host_side(int sync_fd)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		return -1;
	return read_byte(sync_fd, SYNC_GO);
}

/* The root is built: tell the host side, then wait for the start byte. A detached container
 * (nestbox create) outlives the host side: it stops dying with it first. */
static int report_ready_wait_start(int sync_fd, int start_fd, bool detached)
{
	const char ready = SYNC_READY;

	if (detached && prctl(PR_SET_PDEATHSIG, 0))
		return -1;
	if (send(sync_fd, &ready, 1, MSG_NOSIGNAL) != 1)
		return -1;
	if (start_fd < 0) /* sync_fd stays open for the answer (report_started) */
		return read_byte(sync_fd, SYNC_START);
	close(sync_fd);
	return read_byte(start_fd, SYNC_START) || close(start_fd) ? -1 : 0;
}

static int build_root(const struct nb_container *c, const struct nb_cgroup *cg,
		      struct nb_error *err)
{
	int rc;

	rc = done(c, "mount: private", mounts_make_private(err));
	if (rc)
		return rc;
	rc = done(c, "mount: scratch root", mounts_enter_scratch(c, err));
	if (rc)
		return rc;
	rc = security_idmap_attach(c, err); /* nothing without a user namespace's map */
	if (!rc && (c->namespaces & NB_NS_USER) && c->security.n_uidmap)
		step(c, "id-mapped layers");
	/* the overlay root, /etc files, binds, /proc, /sys, masks, /dev: the plan's steps */
	return rc ? rc : mount_plan_apply(c, cg, err);
}

static int set_hostname(const struct nb_container *c, struct nb_error *err)
{
	if (!((c->namespaces | c->ns_join) & NB_NS_UTS))
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
	/* --privileged keeps the reaper's privileges too (as it keeps the workload's) */
	const struct init_config cfg = { .grace_seconds = c->grace_seconds,
					 .stop_signal = c->stop_signal,
					 .verbose = c->verbosity > 0,
					 .harden = !c->security.privileged };
	pid_t pid;

	if (c->no_init) {
		sigprocmask(SIG_SETMASK, saved, NULL);
		return process_exec(c);
	}
	/* INIT_SPAWN_CLOSE_FDS would close the --preserve-fds ones too: the reaper closes the
	 * rest itself and init_supervise all of its own once the workload has them. */
	process_close_fds(c->preserve_fds);
	pid = init_spawn(exec_workload, (void *)c, 0);
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

static int fail_setup(const struct nb_error *err)
{
	nb_error_print(err);
	return NB_EXIT_SETUP;
}

/* Everything up to a container that is created: its root built and pivoted into. */
static int create_side(const struct nb_container *c, struct nb_cgroup *cg, struct nb_error *err)
{
	unsigned ns = net_namespaces(c);
	int rc = cgroup_join_self(cg, err); /* before the namespace: rooted at the group */

	/* config.json's namespaces given by path, after the join (which writes the host's cgroup
	 * files, perhaps out of sight in a joined mount namespace), before anything else (ns.c) */
	if (!rc && c->ns_join)
		rc = done(c, "namespace: join", ns_join(c, err));

	if (!rc && (ns & NB_NS_CGROUP))
		rc = done(c, "namespace: cgroup", cgroup_enter_ns(cg, c, err));

	/* -v says only what was done (issue 28.5): each step named where it applies. */
	if (!rc && (ns & NB_NS_NET))
		rc = done(c, "network: container", net_container_setup(c, err));
	if (rc)
		return rc;
	/* A session of its own: the container can never take the caller's terminal as its
	 * controlling terminal. */
	setsid();
	if (ns & (NB_NS_USER | NB_NS_TIME))
		rc = done(c, "namespace: user, time", security_enter(c, err));
	if (!rc && (c->n_sysctls || c->oom_score_adj)) /* the host's /proc, our namespaces */
		rc = done(c, "sysctl", sysctl_apply(c, err));
	if (!rc)
		rc = build_root(c, cg, err);
	if (!rc)
		rc = done(c, "hostname", set_hostname(c, err));
	if (!rc) /* config.md: the container's namespaces, the root prepared, before pivot_root */
		rc = hooks_run(c, NB_HOOK_CREATE_CONTAINER, getpid(), err);
	if (!rc)
		rc = done(c, "pivot_root", mounts_pivot(err));
	if (!rc && c->root_propagation)
		rc = done(c, "mount: root propagation", mount_plan_root_propagation(c, err));
	/* runc's order: the caller has the terminal once the container is created */
	if (!rc && c->console_socket)
		rc = done(c, "console socket",
			  console_socket_setup(c, err) ?: tty_bind_console(err));
	return rc;
}

int container_side(const struct nb_container *c, struct nb_cgroup *cg, const sigset_t *saved,
		   int sync_fd, int start_fd, int started_fd, bool detached)
{
	struct nb_error err = { 0 };
	struct nb_container workload = *c;
	int rc;

	if (wait_for_host_side(sync_fd))
		return NB_EXIT_SETUP;
	step(c, "go received");
	rc = create_side(c, cg, &err);
	if (rc)
		return fail_setup(&err);
	if (report_ready_wait_start(sync_fd, start_fd, detached))
		return NB_EXIT_SETUP;
	step(c, "start received");
	/* Running now: what goes wrong is the container's own stderr to show; the --log reader
	 * (containerd's shim, after a failed create) is no longer asking. */
	nb_log_fd = STDERR_FILENO;
	nb_log_json = false;
	rc = done(c, "command line hidden", proctitle_hide(&workload, NB_PID1_NAME, &err));
	c = &workload;
	if (!rc && c->tty) /* a pty, and the spec's /dev/console */
		rc = done(c, "tty",
			  tty_container_setup(&err) ?: console_own(c, 0, &err)
							 ?: tty_bind_console(&err));
	if (!rc) /* the reaper: nothing it spawns can regain a capability */
		rc = done(c, "capabilities", security_limit_caps(c, &err));
	if (!rc) /* config.md: in the container, before the workload; pid as the container sees it */
		rc = hooks_run(c, NB_HOOK_START_CONTAINER, getpid(), &err);
	/* to whoever sent start: the socket, or the started fifo (state.h); EOF if it failed. A
	 * host side gone by now is a SIGPIPE blocked (init_block_signals) and PDEATHSIG's kill. */
	started_fd = start_fd < 0 ? sync_fd : started_fd;
	if (!rc)
		(void)!write(started_fd, (char[]){ SYNC_STARTED }, 1);
	close(started_fd);
	if (rc)
		return fail_setup(&err);
	return start_workload(c, saved);
}
