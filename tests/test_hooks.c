/* OCI hooks (runtime-spec config.md "POSIX-platform Hooks"): each kind runs at its point, in its
 * namespace, with the state on stdin, its args and exactly its env; several of a kind in order;
 * a failing createRuntime hook fails create and leaves nothing, a failing poststart only warns;
 * a hook over its timeout is killed with what it started; poststop runs at delete, delete
 * --force and the end of run; bad hooks in config.json are refused by line and column. Each
 * hook is /bin/sh -c SCRIPT writing what it sees into files of the test's directory. */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib.h"

FIXTURE(hooks)
{
	char *dir;
	char root[512];
	char bundle[512];
	char config[600];
	char out[600]; /* the hooks' files; /mnt in the container */
	char id[64];
	char *mounts;
};

FIXTURE_SETUP(hooks)
{
	self->dir = nbt_tempdir("hooks");
	ASSERT_NE(NULL, self->dir);
	snprintf(self->root, sizeof(self->root), "%s/root", self->dir);
	snprintf(self->bundle, sizeof(self->bundle), "%s/bundle", self->dir);
	snprintf(self->config, sizeof(self->config), "%s/config.json", self->bundle);
	snprintf(self->out, sizeof(self->out), "%s/mnt", self->dir);
	ASSERT_EQ(0, mkdir(self->bundle, 0755));
	ASSERT_EQ(0, mkdir(self->out, 0777));
	snprintf(self->id, sizeof(self->id), "nbthooks%d", (int)getpid());
	self->mounts = nbt_mountinfo();
}

FIXTURE_TEARDOWN(hooks)
{
	static struct nbt_result r;

	nbt_run(&r, "--root", self->root, "delete", "--force", self->id, NULL);
	free(self->mounts);
	nbt_rm_rf(self->dir);
}

/* Replace the first `from` in the file by `to`. */
static int edit(const char *path, const char *from, const char *to)
{
	static char text[32768], out[40000];
	char *at;

	if (nbt_read_file(path, text, sizeof(text)) < 0 || !(at = strstr(text, from)))
		return -1;
	snprintf(out, sizeof(out), "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	return nbt_write_file(path, out);
}

/* `nestbox spec`, rootfs linked to the test rootfs, the workload `args` (a sh -c script), the
 * test's out directory bound at /mnt, and hooks (the members of config.json's "hooks"). */
static int make_bundle(FIXTURE_DATA(hooks) * self, const char *script, const char *hooks)
{
	static struct nbt_result r;
	static char text[16384];
	char link[600], real[PATH_MAX];

	nbt_run(&r, "spec", "--bundle", self->bundle, NULL);
	if (r.status || !realpath(nbt_rootfs(), real))
		return -1;
	snprintf(link, sizeof(link), "%s/rootfs", self->bundle);
	if (symlink(real, link))
		return -1;
	snprintf(text, sizeof(text), "\"args\": [ \"sh\", \"-c\", \"%s\" ]", script);
	if (edit(self->config, "\"args\": [ \"sh\" ]", text))
		return -1;
	snprintf(text, sizeof(text),
		 "\"mounts\": [ { \"destination\": \"/mnt\", \"type\": \"bind\", "
		 "\"source\": \"%s\", \"options\": [ \"rbind\" ] },",
		 self->out);
	if (edit(self->config, "\"mounts\": [", text))
		return -1;
	snprintf(text, sizeof(text), "\"hooks\": { %s },\n\t\"hostname\"", hooks);
	return edit(self->config, "\"hostname\"", text);
}

/* One hook: /bin/sh -c script, with env (a JSON array's members) when not NULL. */
static const char *sh_hook(char *buf, size_t size, const char *script, const char *env)
{
	snprintf(buf, size,
		 "{ \"path\": \"/bin/sh\", \"args\": [ \"sh\", \"-c\", \"%s\", \"zero\", \"one\" "
		 "]%s%s%s }",
		 script, env ? ", \"env\": [ " : "", env ? env : "", env ? " ]" : "");
	return buf;
}

static const char *out_file(FIXTURE_DATA(hooks) * self, const char *name, char *buf, size_t size)
{
	static char path[700];

	snprintf(path, sizeof(path), "%s/%s", self->out, name);
	if (buf && nbt_read_file(path, buf, size) < 0)
		buf[0] = '\0';
	return buf ? buf : path;
}

/* create's stdout and stderr stay the container's (as with runc): a file, not nbt_run's pipe,
 * which would wait for the container to end; what it said goes to r->err. */
static int create(FIXTURE_DATA(hooks) * self, char *pid, size_t size, struct nbt_result *r)
{
	char pidfile[600], log[600];
	const char *argv[] = { "--root",     self->root, "create", "--bundle", self->bundle,
			       "--pid-file", pidfile,	 self->id, NULL };

	snprintf(pidfile, sizeof(pidfile), "%s/pid", self->dir);
	snprintf(log, sizeof(log), "%s/create.log", self->dir);
	r->status = nbt_wait_exit(nbt_spawn(argv, log));
	if (nbt_read_file(log, r->err, sizeof(r->err)) < 0)
		r->err[0] = '\0';
	if (pid && nbt_read_file(pidfile, pid, size) < 0)
		pid[0] = '\0';
	return r->status;
}

static void ns_of(const char *pid, char *buf, size_t size)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%s/ns/mnt", pid);
	n = readlink(path, buf, size - 1);
	buf[n > 0 ? n : 0] = '\0';
}

/* Processes whose command line starts with nestbox's --root of this test: its container. */
static int our_processes(FIXTURE_DATA(hooks) * self)
{
	char needle[700];

	snprintf(needle, sizeof(needle), "%s --root %s", nbt_nestbox(), self->root);
	return nbt_count_procs(needle);
}

/* What a hook saw: its state, argv, environment and mount namespace, into out/NAME.*. */
#define SEE(dir, name)                                                       \
	"cat > " dir "/" name ".state; echo $0 $1 > " dir "/" name ".argv; " \
	"tr '\\\\000' , < /proc/$$/environ > " dir "/" name ".env; "         \
	"readlink /proc/self/ns/mnt > " dir "/" name ".mnt"

TEST_F_TIMEOUT(hooks, each_kind_runs_at_its_point_with_the_state, 60)
{
	static struct nbt_result r;
	static char hooks[30000], h[6][4600], s[6][4700];
	char pid[32], buf[4096], want[PATH_MAX + 32], host_ns[128], ctr_ns[128], real[PATH_MAX];
	const char *names[] = { "prestart", "createRuntime", "createContainer", "startContainer",
				"poststart" };

	/* The host-side hooks write to the host's out directory, the container's to /mnt. */
	for (int i = 0; i < 5; i++) {
		char script[4096];

		if (i == 3)
			snprintf(script, sizeof(script),
				 SEE("/mnt", "%s") "; test -e /mnt/workload || echo first > "
						   "/mnt/%s.order; hostname > /mnt/%s.host; "
						   "echo $$ > /mnt/%s.pid",
				 names[i], names[i], names[i], names[i], names[i], names[i],
				 names[i]);
		else
			snprintf(script, sizeof(script), SEE("%s", "%s"), self->out, names[i],
				 self->out, names[i], self->out, names[i], self->out, names[i]);
		snprintf(s[i], sizeof(s[i]), "\"%s\": [ %s ]", names[i],
			 sh_hook(h[i], sizeof(h[i]), script, "\"A=1\", \"B=two\""));
	}
	snprintf(hooks, sizeof(hooks), "%s, %s, %s, %s, %s", s[0], s[1], s[2], s[3], s[4]);
	ASSERT_EQ(0, make_bundle(self, "echo ran > /mnt/workload; sleep 30", hooks));
	ASSERT_EQ(0, edit(self->config, "\"hostname\"",
			  "\"annotations\": { \"org.nestbox.a\": \"x\\\"y\", \"b\": \"\" "
			  "},\n\t\"hostname\""));
	ASSERT_EQ(0, create(self, pid, sizeof(pid), &r)) TH_LOG("%s", r.err);
	ns_of("self", host_ns, sizeof(host_ns));
	ns_of(pid, ctr_ns, sizeof(ctr_ns));
	ASSERT_STRNE(host_ns, ctr_ns);
	ASSERT_NE(NULL, realpath(self->bundle, real));
	for (int i = 0; i < 3; i++) { /* create's hooks, nothing more yet */
		out_file(self, strcat(strcpy(want, names[i]), ".state"), buf, sizeof(buf));
		EXPECT_NE(NULL, strstr(buf, "\"status\":\"created\""))
		TH_LOG("%s: %s", names[i], buf);
		snprintf(want, sizeof(want), "\"id\":\"%s\"", self->id);
		EXPECT_NE(NULL, strstr(buf, want)) TH_LOG("%s: %s", names[i], buf);
		snprintf(want, sizeof(want), "\"bundle\":\"%s\"", real);
		EXPECT_NE(NULL, strstr(buf, want)) TH_LOG("%s: %s", names[i], buf);
		EXPECT_NE(NULL, strstr(buf, "\"ociVersion\":\"1.2.0\"")) TH_LOG("%s", buf);
		EXPECT_NE(
		    NULL,
		    strstr(buf, ",\"annotations\":{\"org.nestbox.a\":\"x\\\"y\",\"b\":\"\"}}"))
		TH_LOG("%s", buf);
		/* runtime namespace: the pid as the host sees it; container's: as it sees it */
		snprintf(want, sizeof(want), "\"pid\":%s,", i < 2 ? pid : "1");
		EXPECT_NE(NULL, strstr(buf, want)) TH_LOG("%s: %s, want %s", names[i], buf, want);
		out_file(self, strcat(strcpy(want, names[i]), ".argv"), buf, sizeof(buf));
		EXPECT_STREQ("zero one\n", buf);
		/* $$ is the container's pid there, /proc the host's: its environ is not $$'s */
		out_file(self, strcat(strcpy(want, names[i]), ".env"), buf, sizeof(buf));
		if (i != 2)
			EXPECT_STREQ("A=1,B=two,", buf) TH_LOG("%s", names[i]);
		out_file(self, strcat(strcpy(want, names[i]), ".mnt"), buf, sizeof(buf));
		EXPECT_STREQ(i < 2 ? host_ns : ctr_ns, strtok(buf, "\n")) TH_LOG("%s", names[i]);
	}
	EXPECT_NE(0, access(out_file(self, "startContainer.state", NULL, 0), F_OK))
	TH_LOG("startContainer ran at create");
	EXPECT_NE(0, access(out_file(self, "poststart.state", NULL, 0), F_OK));
	nbt_run(&r, "--root", self->root, "start", self->id, NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	/* poststart: before start returns */
	out_file(self, "poststart.state", buf, sizeof(buf));
	EXPECT_NE(NULL, strstr(buf, "\"status\":\"running\"")) TH_LOG("%s", buf);
	snprintf(want, sizeof(want), "\"pid\":%s,", pid);
	EXPECT_NE(NULL, strstr(buf, want)) TH_LOG("%s", buf);
	out_file(self, "poststart.mnt", buf, sizeof(buf));
	EXPECT_STREQ(host_ns, strtok(buf, "\n"));
	out_file(self, "poststart.env", buf, sizeof(buf));
	EXPECT_STREQ("A=1,B=two,", buf);
	/* startContainer: in the container (its sh, its /mnt, its hostname), before the workload */
	ASSERT_TRUE(nbt_wait_for_text(out_file(self, "workload", NULL, 0), "ran", 5000));
	out_file(self, "startContainer.state", buf, sizeof(buf));
	EXPECT_NE(NULL, strstr(buf, "\"status\":\"created\"")) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "\"pid\":1,")) TH_LOG("%s", buf);
	out_file(self, "startContainer.mnt", buf, sizeof(buf));
	EXPECT_STREQ(ctr_ns, strtok(buf, "\n"));
	out_file(self, "startContainer.order", buf, sizeof(buf));
	EXPECT_STREQ("first\n", buf);
	out_file(self, "startContainer.host", buf, sizeof(buf));
	EXPECT_STREQ("nestbox\n", buf);
	out_file(self, "startContainer.env", buf, sizeof(buf));
	EXPECT_STREQ("A=1,B=two,", buf);
	/* the container's /proc: its own pid as the container's pid namespace numbers it */
	EXPECT_GT(100, atoi(out_file(self, "startContainer.pid", buf, sizeof(buf))))
	TH_LOG("%s", buf);
}

TEST_F_TIMEOUT(hooks, poststop_runs_after_delete_and_delete_force, 60)
{
	static struct nbt_result r;
	char hook[4600], script[4096], hooks[4800], buf[4096], state_dir[700];

	snprintf(state_dir, sizeof(state_dir), "%s/%s", self->root, self->id);
	snprintf(script, sizeof(script),
		 "cat >> %s/poststop.state; echo >> %s/poststop.state; test -e %s || echo gone "
		 ">> %s/poststop.gone",
		 self->out, self->out, state_dir, self->out);
	snprintf(hooks, sizeof(hooks), "\"poststop\": [ %s ]",
		 sh_hook(hook, sizeof(hook), script, NULL));
	ASSERT_EQ(0, make_bundle(self, "sleep 30", hooks));
	/* created, never started: delete */
	ASSERT_EQ(0, create(self, NULL, 0, &r)) TH_LOG("%s", r.err);
	EXPECT_NE(0, access(out_file(self, "poststop.state", NULL, 0), F_OK)) TH_LOG("ran early");
	nbt_run(&r, "--root", self->root, "delete", self->id, NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	out_file(self, "poststop.state", buf, sizeof(buf));
	EXPECT_NE(NULL, strstr(buf, "\"status\":\"stopped\"")) TH_LOG("%s", buf);
	out_file(self, "poststop.gone", buf, sizeof(buf));
	EXPECT_STREQ("gone\n", buf) TH_LOG("poststop ran before the state went");
	/* running: delete --force */
	ASSERT_EQ(0, create(self, NULL, 0, &r)) TH_LOG("%s", r.err);
	nbt_run(&r, "--root", self->root, "start", self->id, NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	nbt_run(&r, "--root", self->root, "delete", "--force", self->id, NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	out_file(self, "poststop.gone", buf, sizeof(buf));
	EXPECT_STREQ("gone\ngone\n", buf);
	EXPECT_FALSE(nbt_cgroup_named(self->id)) TH_LOG("cgroup left");
}

TEST_F_TIMEOUT(hooks, poststart_and_poststop_at_the_ends_of_run, 60)
{
	static struct nbt_result r;
	char h1[1024], h2[1024], s1[700], s2[700], hooks[2400], buf[4096];

	snprintf(s1, sizeof(s1), "cat > %s/poststart.state", self->out);
	snprintf(s2, sizeof(s2), "cat > %s/poststop.state", self->out);
	snprintf(hooks, sizeof(hooks), "\"poststart\": [ %s ], \"poststop\": [ %s ]",
		 sh_hook(h1, sizeof(h1), s1, NULL), sh_hook(h2, sizeof(h2), s2, NULL));
	ASSERT_EQ(0, make_bundle(self, "exit 4", hooks));
	nbt_run(&r, "--root", self->root, "run", "--bundle", self->bundle, self->id, NULL);
	EXPECT_EQ(4, r.status) TH_LOG("%s", r.err);
	out_file(self, "poststart.state", buf, sizeof(buf));
	EXPECT_NE(NULL, strstr(buf, "\"status\":\"running\"")) TH_LOG("%s", buf);
	out_file(self, "poststop.state", buf, sizeof(buf));
	EXPECT_NE(NULL, strstr(buf, "\"status\":\"stopped\"")) TH_LOG("%s", buf);
}

TEST_F(hooks, several_hooks_of_a_kind_run_in_order)
{
	static struct nbt_result r;
	char h[3][1024], s[3][700], hooks[4000], buf[64];

	for (int i = 0; i < 3; i++)
		snprintf(s[i], sizeof(s[i]), "echo %d >> %s/order", i + 1, self->out);
	snprintf(hooks, sizeof(hooks), "\"createRuntime\": [ %s, %s, %s ]",
		 sh_hook(h[0], sizeof(h[0]), s[0], NULL), sh_hook(h[1], sizeof(h[1]), s[1], NULL),
		 sh_hook(h[2], sizeof(h[2]), s[2], NULL));
	ASSERT_EQ(0, make_bundle(self, "exit 0", hooks));
	nbt_run(&r, "--root", self->root, "run", "--bundle", self->bundle, self->id, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("1\n2\n3\n", out_file(self, "order", buf, sizeof(buf)));
}

/* create refused by a hook: one line, exit 125, and nothing of it left. */
static void expect_nothing_left(struct __test_metadata *_metadata, FIXTURE_DATA(hooks) * self,
				const struct nbt_result *r, const char *want)
{
	char state_dir[700], *after;

	EXPECT_EQ(125, r->status);
	EXPECT_EQ(1, nbt_count_lines(r->err)) TH_LOG("%s", r->err);
	EXPECT_NE(NULL, strstr(r->err, want)) TH_LOG("got %s, want %s", r->err, want);
	snprintf(state_dir, sizeof(state_dir), "%s/%s", self->root, self->id);
	EXPECT_NE(0, access(state_dir, F_OK)) TH_LOG("state directory left");
	EXPECT_FALSE(nbt_cgroup_named(self->id)) TH_LOG("cgroup left");
	EXPECT_EQ(0, our_processes(self)) TH_LOG("container process left");
	after = nbt_mountinfo();
	EXPECT_STREQ(self->mounts, after);
	free(after);
}

TEST_F(hooks, a_failing_create_runtime_hook_fails_create_and_leaves_nothing)
{
	static struct nbt_result r;
	char h[3][1024], s[700], s2[700], hooks[3600], buf[4096];

	snprintf(s, sizeof(s), "echo ran > %s/second", self->out);
	snprintf(s2, sizeof(s2), "cat > %s/poststop.state", self->out);
	snprintf(hooks, sizeof(hooks), "\"createRuntime\": [ %s, %s ], \"poststop\": [ %s ]",
		 sh_hook(h[0], sizeof(h[0]), "exit 3", NULL), sh_hook(h[1], sizeof(h[1]), s, NULL),
		 sh_hook(h[2], sizeof(h[2]), s2, NULL));
	ASSERT_EQ(0, make_bundle(self, "exit 0", hooks));
	create(self, NULL, 0, &r);
	expect_nothing_left(_metadata, self, &r, "createRuntime hook: /bin/sh: exit status 3");
	EXPECT_NE(0, access(out_file(self, "second", NULL, 0), F_OK))
	TH_LOG("ran on after a failure");
	/* runtime.md: the lifecycle goes on at delete, poststop included */
	out_file(self, "poststop.state", buf, sizeof(buf));
	EXPECT_NE(NULL, strstr(buf, "\"status\":\"stopped\"")) TH_LOG("no poststop: %s", buf);
}

TEST_F(hooks, a_failing_create_container_hook_fails_create_and_leaves_nothing)
{
	static struct nbt_result r;
	char h[1024], hooks[1200];

	snprintf(hooks, sizeof(hooks), "\"createContainer\": [ %s ]",
		 sh_hook(h, sizeof(h), "exit 2", NULL));
	ASSERT_EQ(0, make_bundle(self, "exit 0", hooks));
	create(self, NULL, 0, &r);
	expect_nothing_left(_metadata, self, &r, "createContainer hook: /bin/sh: exit status 2");
}

TEST_F(hooks, a_failing_start_container_hook_stops_the_container)
{
	static struct nbt_result r;
	char h[1024], hooks[1200];

	snprintf(hooks, sizeof(hooks), "\"startContainer\": [ %s ]",
		 sh_hook(h, sizeof(h), "exit 5", NULL));
	ASSERT_EQ(0, make_bundle(self, "echo ran > /mnt/workload", hooks));
	nbt_run(&r, "--root", self->root, "run", "--bundle", self->bundle, self->id, NULL);
	EXPECT_EQ(125, r.status) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "startContainer hook: /bin/sh: exit status 5"))
	TH_LOG("%s", r.err);
	EXPECT_NE(0, access(out_file(self, "workload", NULL, 0), F_OK)) TH_LOG("the workload ran");
}

TEST_F(hooks, a_failing_poststart_hook_is_a_warning_and_the_container_runs)
{
	static struct nbt_result r;
	char h[1024], hooks[1200];

	snprintf(hooks, sizeof(hooks), "\"poststart\": [ %s ]",
		 sh_hook(h, sizeof(h), "exit 6", NULL));
	ASSERT_EQ(0, make_bundle(self, "echo ran > /mnt/workload; sleep 30", hooks));
	ASSERT_EQ(0, create(self, NULL, 0, &r)) TH_LOG("%s", r.err);
	nbt_run(&r, "--root", self->root, "start", self->id, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "nestbox: warning: poststart hook: /bin/sh: exit status 6"))
	TH_LOG("%s", r.err);
	EXPECT_TRUE(nbt_wait_for_text(out_file(self, "workload", NULL, 0), "ran", 5000));
	nbt_run(&r, "--root", self->root, "state", self->id, NULL);
	EXPECT_NE(NULL, strstr(r.out, "\"status\":\"running\"")) TH_LOG("%s", r.out);
}

/* prestart and createRuntime hooks may look for the container in its cgroup (a device hook
 * finds the devices group through /proc/PID/cgroup): it is there before they run, even where
 * the container's side joins its groups itself when there is no such hook (cgroup.h). */
TEST_F(hooks, a_create_runtime_hook_finds_the_container_in_its_cgroup)
{
	static struct nbt_result r;
	char h[1024], s[700], hooks[1200], seen[4096], created[4096], pid[32], path[64];

	snprintf(s, sizeof(s),
		 "pid=$(tr , '\\\\n' | grep pid | tr -dc 0-9); cat /proc/$pid/cgroup > %s/cgroup",
		 self->out);
	snprintf(hooks, sizeof(hooks), "\"createRuntime\": [ %s ]", sh_hook(h, sizeof(h), s, NULL));
	ASSERT_EQ(0, make_bundle(self, "exit 0", hooks));
	ASSERT_EQ(0, create(self, pid, sizeof(pid), &r)) TH_LOG("%s", r.err);
	snprintf(path, sizeof(path), "/proc/%s/cgroup", pid);
	ASSERT_LT(0, nbt_read_file(path, created, sizeof(created))) TH_LOG("%s", path);
	out_file(self, "cgroup", seen, sizeof(seen));
	EXPECT_NE(NULL, strstr(created, self->id)) TH_LOG("created, not in its group: %s", created);
	EXPECT_STREQ(created, seen); /* what the hook saw: the groups the container ends in */
}

TEST_F(hooks, a_hook_over_its_timeout_is_killed_with_its_children)
{
	static struct nbt_result r;
	char h[1024], hooks[1200];
	double t0;

	snprintf(h, sizeof(h),
		 "{ \"path\": \"/bin/sh\", \"args\": [ \"sh\", \"-c\", \"sleep 30.123; true\" ], "
		 "\"timeout\": 1 }");
	snprintf(hooks, sizeof(hooks), "\"createRuntime\": [ %s ]", h);
	ASSERT_EQ(0, make_bundle(self, "exit 0", hooks));
	t0 = nbt_now();
	create(self, NULL, 0, &r);
	EXPECT_LT(nbt_now() - t0, 10.0);
	expect_nothing_left(_metadata, self, &r, "timed out after 1 s");
	EXPECT_EQ(0, nbt_wait_procs("sleep 30.123", 0, 2000)) TH_LOG("the hook's child survived");
}

TEST_F(hooks, hook_without_args_or_env_gets_its_path_and_an_empty_environment)
{
	static struct nbt_result r;
	char hooks[1200], buf[1400], script[700];

	/* path alone: a script of the test's own, argv[0] its path, no environment */
	snprintf(script, sizeof(script), "%s/hook.sh", self->dir);
	snprintf(buf, sizeof(buf),
		 "#!/bin/sh\necho \"$0 $# $(cat /proc/$$/environ | wc -c)\" > %s/seen\n",
		 self->out);
	ASSERT_EQ(0, nbt_write_file(script, buf));
	ASSERT_EQ(0, chmod(script, 0755));
	snprintf(hooks, sizeof(hooks), "\"prestart\": [ { \"path\": \"%s\" } ]", script);
	ASSERT_EQ(0, make_bundle(self, "exit 0", hooks));
	nbt_run(&r, "--root", self->root, "run", "--bundle", self->bundle, self->id, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	snprintf(hooks, sizeof(hooks), "%s 0 0\n", script);
	EXPECT_STREQ(hooks, out_file(self, "seen", buf, sizeof(buf)));
}

/* config.json's hooks are checked like the rest of it: one line with the line and column. */
static void expect_bad_hooks(struct __test_metadata *_metadata, FIXTURE_DATA(hooks) * self,
			     const char *hooks, const char *want)
{
	static struct nbt_result r;

	ASSERT_EQ(0, make_bundle(self, "exit 0", hooks));
	create(self, NULL, 0, &r);
	EXPECT_NE(NULL, strstr(r.err, "nestbox: config.json:")) TH_LOG("%s", r.err);
	expect_nothing_left(_metadata, self, &r, want);
}

TEST_F(hooks, a_relative_hook_path_is_refused)
{
	expect_bad_hooks(_metadata, self, "\"poststop\": [ { \"path\": \"bin/true\" } ]",
			 "hooks.poststop[0].path: must be an absolute path");
}

TEST_F(hooks, a_wrong_type_in_a_hook_is_refused)
{
	expect_bad_hooks(_metadata, self,
			 "\"createRuntime\": [ { \"path\": \"/bin/true\", \"timeout\": \"5\" } ]",
			 "hooks.createRuntime[0].timeout: expected a number, got a string");
}

TEST_F(hooks, a_zero_timeout_is_refused)
{
	expect_bad_hooks(_metadata, self,
			 "\"createRuntime\": [ { \"path\": \"/bin/true\", \"timeout\": 0 } ]",
			 "hooks.createRuntime[0].timeout: expected a whole number from 1");
}

TEST_F(hooks, an_unknown_hook_kind_or_field_is_refused)
{
	expect_bad_hooks(_metadata, self, "\"prestop\": [ ]", "hooks.prestop: unknown field");
}

TEST_F(hooks, a_hook_without_a_path_is_refused)
{
	expect_bad_hooks(_metadata, self, "\"poststart\": [ { \"args\": [ \"x\" ] } ]",
			 "hooks.poststart[0].path: missing (required)");
}

TEST(features_lists_the_hooks)
{
	static struct nbt_result r;

	nbt_run(&r, "features", NULL);
	EXPECT_EQ(0, r.status);
	EXPECT_NE(NULL,
		  strstr(r.out, "\"hooks\":[\"prestart\",\"createRuntime\",\"createContainer\","
				"\"startContainer\",\"poststart\",\"poststop\"]"))
	TH_LOG("%s", r.out);
}

TEST_HARNESS_MAIN
