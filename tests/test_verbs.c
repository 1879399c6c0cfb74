/* The verbs on a created or running container, in both spellings (runc's and docker's): kill,
 * stop, rm, list, ps, pause/resume, exec. Each is checked by its effect on the container; each
 * test has a --root of its own, and teardown deletes what it made. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib.h"

FIXTURE(vb)
{
	char *dir;
	char root[512];
	char out[512]; /* bound at /out in the container */
	char bind[600];
	char id[64];
};

FIXTURE_SETUP(vb)
{
	self->dir = nbt_tempdir("vb");
	ASSERT_NE(NULL, self->dir);
	snprintf(self->root, sizeof(self->root), "%s/root", self->dir);
	snprintf(self->out, sizeof(self->out), "%s/out", self->dir);
	ASSERT_EQ(0, mkdir(self->out, 0777));
	snprintf(self->bind, sizeof(self->bind), "%s:/out", self->out);
	snprintf(self->id, sizeof(self->id), "nbtvb%d", (int)getpid());
}

FIXTURE_TEARDOWN(vb)
{
	static struct nbt_result r;
	char other[80];

	nbt_run(&r, "--root", self->root, "delete", "--force", self->id, NULL);
	snprintf(other, sizeof(other), "%s-b", self->id);
	nbt_run(&r, "--root", self->root, "delete", "--force", other, NULL);
	nbt_rm_rf(self->dir);
}

/* create (its stdout stays open in the container: not through nbt_run's pipes), then start
 * unless only created is wanted. */
static int make(struct __test_metadata *_metadata, FIXTURE_DATA(vb) * self, const char *id,
		const char *script, bool start)
{
	static struct nbt_result r;
	const char *argv[] = { "--root", self->root, "create", "--rootfs", nbt_rootfs(),
			       "--bind", self->bind, id,       "--",	   "sh",
			       "-c",	 script,     NULL };
	pid_t pid = nbt_spawn(argv, "/dev/null");

	if (pid <= 0 || nbt_wait_exit(pid) != 0)
		return -1;
	if (!start)
		return 0;
	nbt_run(&r, "--root", self->root, "start", id, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	return r.status;
}

static const char *status_of(const char *root, const char *id, char *buf, size_t size)
{
	static struct nbt_result r;
	const char *p;

	nbt_run(&r, "--root", root, "state", id, NULL);
	p = r.status == 0 ? strstr(r.out, "\"status\":\"") : NULL;
	buf[0] = '\0';
	if (p)
		snprintf(buf, size, "%.*s", (int)strcspn(p + 10, "\""), p + 10);
	return buf;
}

static int pid1_of(const char *root, const char *id)
{
	static struct nbt_result r;
	const char *p;

	nbt_run(&r, "--root", root, "state", id, NULL);
	p = strstr(r.out, "\"pid\":");
	return p ? atoi(p + 6) : 0;
}

/* Until `state` says want (or 5 s): 1 when it did. */
static int wait_status(const char *root, const char *id, const char *want)
{
	char st[32];

	for (int i = 0; i < 250; i++) {
		if (!strcmp(status_of(root, id, st, sizeof(st)), want))
			return 1;
		usleep(20 * 1000);
	}
	return 0;
}

static int wait_file(const char *dir, const char *name)
{
	char path[700];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	for (int i = 0; i < 250 && access(path, F_OK); i++)
		usleep(20 * 1000);
	return access(path, F_OK) == 0;
}

/* The pids `ps --format json ID` gives, into pids: how many. */
static int ps_pids(const char *root, const char *id, int *pids, int max)
{
	static struct nbt_result r;
	int n = 0;

	nbt_run(&r, "--root", root, "ps", "--format", "json", id, NULL);
	if (r.status || r.out[0] != '[')
		return -1;
	for (char *p = r.out + 1; *p && *p != ']' && n < max; p += strcspn(p, ",]"), p += *p == ',')
		pids[n++] = atoi(p);
	return n;
}

/* --- kill ---------------------------------------------------------------------------------- */

TEST_F(vb, kill_delivers_a_named_signal_to_the_workload)
{
	static struct nbt_result r;

	ASSERT_EQ(0, make(_metadata, self, self->id,
			  "trap 'echo > /out/usr1' USR1; trap 'echo > /out/term; exit 5' TERM; "
			  "echo > /out/up; while :; do sleep 0.05; done",
			  true));
	ASSERT_TRUE(wait_file(self->out, "up"));
	/* runc's form: ID SIGNAL, the name without SIG and in any case */
	nbt_run(&r, "--root", self->root, "kill", self->id, "usr1", NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_TRUE(wait_file(self->out, "usr1"));
	EXPECT_STREQ("running", status_of(self->root, self->id, (char[32]){ 0 }, 32));
	/* docker's form: -s SIGNAL NAME, a number */
	nbt_run(&r, "--root", self->root, "kill", "-s", "15", self->id, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_TRUE(wait_file(self->out, "term"));
	EXPECT_TRUE(wait_status(self->root, self->id, "stopped"));
}

TEST_F(vb, kill_without_a_signal_kills)
{
	static struct nbt_result r;

	ASSERT_EQ(0, make(_metadata, self, self->id, "trap '' TERM INT HUP; sleep 60", true));
	nbt_run(&r, "--root", self->root, "kill", self->id, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_TRUE(wait_status(self->root, self->id, "stopped"));
}

TEST_F(vb, kill_all_reaches_every_process_and_ps_lists_them)
{
	static struct nbt_result r;
	int pids[64], n;

	ASSERT_EQ(
	    0, make(_metadata, self, self->id, "sleep 60 & sleep 60 & echo > /out/up; wait", true));
	ASSERT_TRUE(wait_file(self->out, "up"));
	usleep(100 * 1000);
	n = ps_pids(self->root, self->id, pids, 64);
	ASSERT_GE(n, 4) TH_LOG("PID 1, sh and two sleeps: %d", n); /* PID 1, sh, two sleeps */
	EXPECT_EQ(pid1_of(self->root, self->id), pids[0]);
	/* SIGSTOP from outside the namespace stops its init too (pid_namespaces(7)) */
	nbt_run(&r, "--root", self->root, "kill", self->id, "STOP", "--all", NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	usleep(100 * 1000);
	for (int k = 0; k < n; k++) {
		int p = pids[k];

		EXPECT_EQ('T', nbt_proc_state(p)) TH_LOG("pid %d not stopped", p);
	}
	nbt_run(&r, "--root", self->root, "kill", self->id, "SIGCONT", "-a", NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	usleep(100 * 1000);
	for (int k = 0; k < n; k++) {
		int p = pids[k];

		EXPECT_NE('T', nbt_proc_state(p)) TH_LOG("pid %d still stopped", p);
	}
	/* the table names them too */
	nbt_run(&r, "--root", self->root, "ps", self->id, NULL);
	EXPECT_EQ(0, r.status);
	EXPECT_NE(NULL, strstr(r.out, "sleep 60")) TH_LOG("%s", r.out);
}

TEST_F(vb, kill_refuses_a_bad_signal_an_unknown_id_and_a_stopped_container)
{
	static struct nbt_result r;

	nbt_run(&r, "--root", self->root, "kill", "nosuch", "KILL", NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_STREQ("nestbox: container: nosuch: does not exist\n", r.err);
	ASSERT_EQ(0, make(_metadata, self, self->id, "exit 0", true));
	nbt_run(&r, "--root", self->root, "kill", self->id, "SIGNOPE", NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_NE(NULL, strstr(r.err, "SIGNOPE: not a signal")) TH_LOG("%s", r.err);
	EXPECT_EQ(1, nbt_count_lines(r.err));
	ASSERT_TRUE(wait_status(self->root, self->id, "stopped"));
	nbt_run(&r, "--root", self->root, "kill", self->id, "TERM", NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_NE(NULL, strstr(r.err, "is stopped, not running")) TH_LOG("%s", r.err);
	EXPECT_EQ(1, nbt_count_lines(r.err));
}

/* --- stop, rm ------------------------------------------------------------------------------ */

TEST_F(vb, stop_terms_and_returns_once_it_is_gone)
{
	static struct nbt_result r;
	double t0;

	ASSERT_EQ(0, make(_metadata, self, self->id,
			  "trap 'echo > /out/term; exit 7' TERM; echo > /out/up; "
			  "while :; do sleep 0.05; done",
			  true));
	ASSERT_TRUE(wait_file(self->out, "up"));
	t0 = nbt_now();
	nbt_run(&r, "--root", self->root, "stop", self->id, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_LT(nbt_now() - t0, 5.0);
	EXPECT_TRUE(wait_file(self->out, "term"));
	/* gone when stop returns: no waiting here */
	EXPECT_STREQ("stopped", status_of(self->root, self->id, (char[32]){ 0 }, 32));
	EXPECT_NE(NULL, strstr(r.out, self->id)) TH_LOG("docker prints the name: %s", r.out);
}

TEST_F(vb, stop_kills_after_the_grace_period)
{
	static struct nbt_result r;
	double t0, took;

	/* the reaper forwards TERM; the workload ignores it */
	ASSERT_EQ(0,
		  make(_metadata, self, self->id, "trap '' TERM; echo > /out/up; sleep 60", true));
	ASSERT_TRUE(wait_file(self->out, "up"));
	t0 = nbt_now();
	nbt_run(&r, "--root", self->root, "stop", "-t", "1", self->id, NULL);
	took = nbt_now() - t0;
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_GE(took, 0.9);
	EXPECT_LT(took, 4.0);
	EXPECT_STREQ("stopped", status_of(self->root, self->id, (char[32]){ 0 }, 32));
	nbt_run(&r, "--root", self->root, "stop", "-t", "x", self->id, NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("%s", r.err);
}

/* A created container's PID 1 has every signal blocked until start: stop does not wait the
 * grace period for a TERM it cannot take. */
TEST_F(vb, stop_of_a_created_container_does_not_wait)
{
	static struct nbt_result r;
	double t0;

	ASSERT_EQ(0, make(_metadata, self, self->id, "sleep 60", false));
	t0 = nbt_now();
	nbt_run(&r, "--root", self->root, "stop", self->id, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_LT(nbt_now() - t0, 3.0);
	EXPECT_STREQ("stopped", status_of(self->root, self->id, (char[32]){ 0 }, 32));
}

TEST_F(vb, rm_refuses_a_running_container_and_rm_f_removes_it)
{
	static struct nbt_result r;
	char path[700];

	ASSERT_EQ(0, make(_metadata, self, self->id, "sleep 60", true));
	nbt_run(&r, "--root", self->root, "rm", self->id, NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_NE(NULL, strstr(r.err, "is running")) TH_LOG("%s", r.err);
	EXPECT_STREQ("running", status_of(self->root, self->id, (char[32]){ 0 }, 32));
	nbt_run(&r, "--root", self->root, "rm", "-f", self->id, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	snprintf(path, sizeof(path), "%s/%s", self->root, self->id);
	EXPECT_NE(0, access(path, F_OK));
	EXPECT_FALSE(nbt_cgroup_named(self->id));
}

/* --- list, ps ------------------------------------------------------------------------------ */

TEST_F(vb, list_and_ps_show_the_state_directory)
{
	static struct nbt_result r;
	char other[80], want[200];

	snprintf(other, sizeof(other), "%s-b", self->id);
	ASSERT_EQ(0, make(_metadata, self, self->id, "sleep 60", true));
	ASSERT_EQ(0, make(_metadata, self, other, "sleep 60", false));
	nbt_run(&r, "--root", self->root, "list", NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_EQ(0, strncmp(r.out, "ID ", 3)) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "OWNER")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "running")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "created")) TH_LOG("%s", r.out);
	EXPECT_EQ(3, nbt_count_lines(r.out)) TH_LOG("%s", r.out);
	nbt_run(&r, "--root", self->root, "list", "--format", "json", NULL);
	ASSERT_EQ(0, r.status);
	snprintf(want, sizeof(want), "\"id\":\"%s\",\"pid\":%d,\"status\":\"running\"", self->id,
		 pid1_of(self->root, self->id));
	EXPECT_NE(NULL, strstr(r.out, want)) TH_LOG("%s", r.out);
	snprintf(want, sizeof(want), "\"id\":\"%s\"", other);
	EXPECT_NE(NULL, strstr(r.out, want)) TH_LOG("%s", r.out);
	EXPECT_EQ('[', r.out[0]);
	nbt_run(&r, "--root", self->root, "list", "-q", NULL);
	EXPECT_EQ(2, nbt_count_lines(r.out)) TH_LOG("%s", r.out);
	/* docker's ps: running ones; -a: the created one too */
	nbt_run(&r, "--root", self->root, "ps", NULL);
	EXPECT_EQ(0, strncmp(r.out, "NAME ", 5)) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "sleep 60")) TH_LOG("the command column: %s", r.out);
	EXPECT_EQ(NULL, strstr(r.out, other)) TH_LOG("%s", r.out);
	nbt_run(&r, "--root", self->root, "ps", "-a", NULL);
	EXPECT_NE(NULL, strstr(r.out, other)) TH_LOG("%s", r.out);
	nbt_run(&r, "--root", self->root, "ps", "--format", "yaml", NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_EQ(1, nbt_count_lines(r.err));
}

/* --- pause, resume ------------------------------------------------------------------------- */

static long file_size(const char *dir, const char *name)
{
	char path[700];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) ? -1 : (long)st.st_size;
}

TEST_F(vb, pause_freezes_and_resume_thaws)
{
	static struct nbt_result r;
	long a, b;

	ASSERT_EQ(0, make(_metadata, self, self->id,
			  "while :; do echo x >> /out/tick; sleep 0.02; done", true));
	ASSERT_TRUE(wait_file(self->out, "tick"));
	nbt_run(&r, "--root", self->root, "pause", self->id, NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("paused", status_of(self->root, self->id, (char[32]){ 0 }, 32));
	a = file_size(self->out, "tick");
	usleep(300 * 1000);
	b = file_size(self->out, "tick");
	EXPECT_EQ(a, b) TH_LOG("it ran while paused");
	/* wrong state: paused twice, exec into a paused one */
	nbt_run(&r, "--root", self->root, "pause", self->id, NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_NE(NULL, strstr(r.err, "is paused, not running")) TH_LOG("%s", r.err);
	nbt_run(&r, "--root", self->root, "resume", self->id, NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("running", status_of(self->root, self->id, (char[32]){ 0 }, 32));
	usleep(300 * 1000);
	EXPECT_GT(file_size(self->out, "tick"), b) TH_LOG("it did not run again");
	nbt_run(&r, "--root", self->root, "resume", self->id, NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_NE(NULL, strstr(r.err, "is running, not paused")) TH_LOG("%s", r.err);
	EXPECT_EQ(1, nbt_count_lines(r.err));
}

TEST_F(vb, delete_force_of_a_paused_container_leaves_nothing)
{
	static struct nbt_result r;
	char path[700], script[128];

	/* tagged: other suites' containers may sleep 60 too */
	snprintf(script, sizeof(script), "sleep 60; : %s", self->id);
	ASSERT_EQ(0, make(_metadata, self, self->id, script, true));
	nbt_run(&r, "--root", self->root, "pause", self->id, NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	nbt_run(&r, "--root", self->root, "delete", self->id, NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_NE(NULL, strstr(r.err, "is paused")) TH_LOG("%s", r.err);
	nbt_run(&r, "--root", self->root, "delete", "--force", self->id, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	snprintf(path, sizeof(path), "%s/%s", self->root, self->id);
	EXPECT_NE(0, access(path, F_OK));
	EXPECT_FALSE(nbt_cgroup_named(self->id)) TH_LOG("a cgroup (or freezer group) is left");
	snprintf(path, sizeof(path), "sh -c %s", script);
	EXPECT_EQ(0, nbt_wait_procs(path, 0, 3000));
}

/* --- exec ---------------------------------------------------------------------------------- */

static void ns_link(int pid, const char *ns, char *buf, size_t size)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, ns);
	n = readlink(path, buf, size - 1);
	buf[n > 0 ? n : 0] = '\0';
}

TEST_F(vb, exec_runs_in_the_containers_namespaces)
{
	static const char *const ns[] = { "mnt", "pid", "uts", "ipc", "net", "cgroup" };
	static struct nbt_result r;
	char want[128];
	int pid1;

	ASSERT_EQ(0, make(_metadata, self, self->id, "sleep 60", true));
	pid1 = pid1_of(self->root, self->id);
	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		char path[32];

		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns[i]);
		nbt_run(&r, "--root", self->root, "exec", self->id, "readlink", path, NULL);
		ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
		ns_link(pid1, ns[i], want, sizeof(want));
		EXPECT_EQ(0, strncmp(r.out, want, strlen(want)))
		TH_LOG("%s: %s, not the container's %s", ns[i], r.out, want);
	}
	/* the container's root and hostname, as the container sees them */
	nbt_run(&r, "--root", self->root, "exec", self->id, "hostname", NULL);
	snprintf(want, sizeof(want), "%s\n", self->id);
	EXPECT_STREQ(want, r.out);
	nbt_run(&r, "--root", self->root, "exec", self->id, "ls", "/out", NULL);
	EXPECT_EQ(0, r.status) TH_LOG("the container's bind is not there: %s", r.err);
}

/* The capability, no_new_privs and seccomp lines of /proc/PID/status. */
static void security_lines(const char *status, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (const char *p = status; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		size_t len = strcspn(p, "\n");

		if (!strncmp(p, "Cap", 3) || !strncmp(p, "NoNewPrivs", 10) ||
		    !strncmp(p, "Seccomp:", 8))
			used += (size_t)snprintf(out + used, size - used, "%.*s\n", (int)len, p);
	}
}

TEST_F(vb, exec_has_the_workloads_security_cgroup_and_user)
{
	static struct nbt_result r;
	char path[64], buf[4096], theirs[1024], ours[1024], pidfile[700];
	const char *argv[16];
	int pids[16], n, workload = 0;
	pid_t pid;

	ASSERT_EQ(0, make(_metadata, self, self->id, "echo > /out/up; exec sleep 60", true));
	ASSERT_TRUE(wait_file(self->out, "up"));
	usleep(100 * 1000);
	n = ps_pids(self->root, self->id, pids, 16);
	for (int i = 1; i < n; i++)
		workload = pids[i];
	ASSERT_GT(workload, 0);
	snprintf(path, sizeof(path), "/proc/%d/status", workload);
	ASSERT_GT(nbt_read_file(path, buf, sizeof(buf)), 0);
	security_lines(buf, theirs, sizeof(theirs));
	nbt_run(&r, "--root", self->root, "exec", self->id, "cat", "/proc/self/status", NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	security_lines(r.out, ours, sizeof(ours));
	EXPECT_STREQ(theirs, ours);
	EXPECT_NE(NULL, strstr(ours, "Seccomp:\t2")) TH_LOG("%s", ours);
	/* -d and --pid-file: the host pid of a process in the container's cgroup */
	snprintf(pidfile, sizeof(pidfile), "%s/exec.pid", self->dir);
	n = 0;
	argv[n++] = "--root";
	argv[n++] = self->root;
	argv[n++] = "exec";
	argv[n++] = "-d";
	argv[n++] = "--pid-file";
	argv[n++] = pidfile;
	argv[n++] = self->id;
	argv[n++] = "sleep";
	argv[n++] = "30";
	argv[n] = NULL;
	pid = nbt_spawn(argv, "/dev/null");
	ASSERT_EQ(0, nbt_wait_exit(pid));
	ASSERT_GT(nbt_read_file(pidfile, buf, sizeof(buf)), 0);
	snprintf(path, sizeof(path), "/proc/%d/cgroup", atoi(buf));
	ASSERT_GT(nbt_read_file(path, ours, sizeof(ours)), 0);
	snprintf(path, sizeof(path), "/proc/%d/cgroup", workload);
	ASSERT_GT(nbt_read_file(path, theirs, sizeof(theirs)), 0);
	EXPECT_STREQ(theirs, ours);
	/* docker's -e, -w, -u; the command's exit status */
	nbt_run(&r, "--root", self->root, "exec", "-e", "A=b", "-w", "/tmp", "-u", "1000:1001",
		self->id, "sh", "-c", "echo $A $(pwd) $(id -u):$(id -g); exit 3", NULL);
	EXPECT_EQ(3, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("b /tmp 1000:1001\n", r.out);
}

/* setns(2) into a user namespace keeps the host's ids, unmapped there: exec becomes its root,
 * as the workload is, with the workload's capabilities. */
TEST_F(vb, exec_in_a_user_namespace_is_its_root)
{
	static struct nbt_result r;
	const char *argv[] = { "--root",
			       self->root,
			       "create",
			       "--rootfs",
			       nbt_rootfs(),
			       "--ns",
			       "mnt,pid,uts,ipc,net,cgroup,user",
			       "--uidmap",
			       "0:100000:65536",
			       "--gidmap",
			       "0:100000:65536",
			       self->id,
			       "--",
			       "sleep",
			       "60",
			       NULL };
	pid_t pid = nbt_spawn(argv, "/dev/null");

	ASSERT_GT(pid, 0);
	if (nbt_wait_exit(pid) != 0)
		SKIP(return, "no user namespace with id-mapped layers here");
	nbt_run(&r, "--root", self->root, "start", self->id, NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	nbt_run(&r, "--root", self->root, "exec", self->id, "sh", "-c",
		"id -u; id -g; grep CapEff /proc/self/status", NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("0\n0\nCapEff:\t00000000a80425fb\n", r.out);
}

TEST_F(vb, exec_with_a_process_file)
{
	static struct nbt_result r;
	char path[700];

	ASSERT_EQ(0, make(_metadata, self, self->id, "sleep 60", true));
	snprintf(path, sizeof(path), "%s/process.json", self->dir);
	ASSERT_EQ(0, nbt_write_file(path, "{\"args\":[\"sh\",\"-c\",\"echo $P $(pwd); exit 2\"],"
					  "\"env\":[\"P=q\"],\"cwd\":\"/tmp\","
					  "\"user\":{\"uid\":0,\"gid\":0}}"));
	nbt_run(&r, "--root", self->root, "exec", "--process", path, self->id, NULL);
	EXPECT_EQ(2, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("q /tmp\n", r.out);
	ASSERT_EQ(0, nbt_write_file(path, "{\"args\":[]}"));
	nbt_run(&r, "--root", self->root, "exec", "--process", path, self->id, NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("%s", r.err);
}

TEST_F(vb, exec_into_a_foreground_run)
{
	int status;
	static struct nbt_result r;
	const char *argv[] = { "--root",
			       self->root,
			       "run",
			       "--rootfs",
			       nbt_rootfs(),
			       "--bind",
			       self->bind,
			       "--name",
			       self->id,
			       "--",
			       "sh",
			       "-c",
			       "echo > /out/up; sleep 60",
			       NULL };
	pid_t pid = nbt_spawn(argv, "/dev/null");
	char want[80];

	ASSERT_GT(pid, 0);
	ASSERT_TRUE(wait_file(self->out, "up"));
	nbt_run(&r, "--root", self->root, "exec", self->id, "hostname", NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	snprintf(want, sizeof(want), "%s\n", self->id);
	EXPECT_STREQ(want, r.out);
	nbt_run(&r, "--root", self->root, "stop", "-t", "0", self->id, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	/* -t 0: TERM and at once KILL; which one ends the run first is the scheduler's choice */
	status = nbt_wait_exit(pid);
	EXPECT_TRUE(status == 137 || status == 143) TH_LOG("exit %d", status);
}

TEST_F(vb, exec_refuses_wrong_states_and_bad_words)
{
	static struct nbt_result r;

	nbt_run(&r, "--root", self->root, "exec", "nosuch", "true", NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_STREQ("nestbox: container: nosuch: does not exist\n", r.err);
	ASSERT_EQ(0, make(_metadata, self, self->id, "exit 0", true));
	ASSERT_TRUE(wait_status(self->root, self->id, "stopped"));
	nbt_run(&r, "--root", self->root, "exec", self->id, "true", NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_NE(NULL, strstr(r.err, "is stopped, not running")) TH_LOG("%s", r.err);
	nbt_run(&r, "--root", self->root, "exec", "--bogus", self->id, "true", NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("%s", r.err);
	nbt_run(&r, "--root", self->root, "exec", "-u", "x", self->id, "true", NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_EQ(1, nbt_count_lines(r.err)) TH_LOG("%s", r.err);
	nbt_run(&r, "--root", self->root, "exec", self->id, NULL);
	EXPECT_EQ(125, r.status);
	EXPECT_NE(NULL, strstr(r.err, "no command")) TH_LOG("%s", r.err);
}

TEST_HARNESS_MAIN
