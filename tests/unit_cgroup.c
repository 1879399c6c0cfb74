/* runtime/cgroup_options.c's option parsers without a kernel: sizes, CPUs, cpuset lists,
 * --io-max, --cgroup paths; every bad value is refused with EINVAL and leaves the spec as it was.
 * cgroup_validate's floor; runtime/cgroup_state.c's saved state: round trip, and every kind of
 * bad record refused. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "cli.h"
#include "container.h"
#include "kselftest_harness.h"

static int opt(struct nb_container *c, const char *name, const char *arg)
{
	struct nb_error err = { 0 };

	for (const struct cli_option *o = cgroup_options; o->name; o++)
		if (!strcmp(o->name, name))
			return o->handler(c, arg, &err);
	return -ENOENT;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

TEST(sizes_take_k_m_g_t_suffixes)
{
	static struct nb_container c;

	ASSERT_EQ(0, opt(&c, "memory", "64m"));
	EXPECT_EQ(64ULL << 20, c.cgroup.memory);
	ASSERT_EQ(0, opt(&c, "memory", "1G"));
	EXPECT_EQ(1ULL << 30, c.cgroup.memory);
	ASSERT_EQ(0, opt(&c, "memory", "512k"));
	EXPECT_EQ(512ULL << 10, c.cgroup.memory);
	ASSERT_EQ(0, opt(&c, "memory", "1048577"));
	EXPECT_EQ(1048577ULL, c.cgroup.memory);
	ASSERT_EQ(0, opt(&c, "memory-swap", "2t"));
	EXPECT_EQ(2ULL << 40, c.cgroup.memory_swap);
}

/* docker's units (go-units RAMInBytes), and its 0 / -1 for no limit (issue 26) */
TEST(sizes_take_dockers_units)
{
	static struct nb_container c;

	ASSERT_EQ(0, opt(&c, "memory", "512mb"));
	EXPECT_EQ(512ULL << 20, c.cgroup.memory);
	ASSERT_EQ(0, opt(&c, "memory", "1GiB"));
	EXPECT_EQ(1ULL << 30, c.cgroup.memory);
	ASSERT_EQ(0, opt(&c, "memory", "100b"));
	EXPECT_EQ(100ULL, c.cgroup.memory);
	ASSERT_EQ(0, opt(&c, "memory", "2mib"));
	EXPECT_EQ(2ULL << 20, c.cgroup.memory);
	ASSERT_EQ(0, opt(&c, "memory", "100b"));
	EXPECT_EQ(100ULL, c.cgroup.memory);
	ASSERT_EQ(0, opt(&c, "memory-swap", "-1"));
	EXPECT_EQ(0ULL, c.cgroup.memory_swap);
	ASSERT_EQ(0, opt(&c, "pids-limit", "-1"));
	EXPECT_EQ(0ULL, c.cgroup.pids);
	ASSERT_EQ(0, opt(&c, "pids-limit", "7"));
	EXPECT_EQ(7ULL, c.cgroup.pids);
	ASSERT_EQ(0, opt(&c, "cpu-shares", "1024"));
	EXPECT_EQ(39U, c.cgroup.cpu_weight);
	ASSERT_EQ(0, opt(&c, "cpu-shares", "262144"));
	EXPECT_EQ(10000U, c.cgroup.cpu_weight);
	ASSERT_EQ(0, opt(&c, "cpu-shares", "2"));
	EXPECT_EQ(1U, c.cgroup.cpu_weight);
}

TEST(bad_sizes_are_refused)
{
	static const char *const bad[] = { "",
					   "-1",
					   "-5m",
					   "0",
					   "0m",
					   "10q",
					   "m",
					   "1.5m",
					   "1bb",
					   "1ib",
					   "1mbb",
					   " 1m",
					   "1m ",
					   "+1m",
					   "0x10",
					   "99999999999999999999",
					   "18446744073709551615k" };
	static struct nb_container c;

	for (size_t i = 0; i < N(bad); i++) {
		EXPECT_EQ(-EINVAL, opt(&c, "memory", bad[i])) TH_LOG("accepted '%s'", bad[i]);
	}
	EXPECT_EQ(0ULL, c.cgroup.memory);
}

TEST(cpus_become_quota_per_100ms)
{
	static const struct {
		const char *arg;
		unsigned long long quota;
	} ok[] = { { "0.2", 20000 },
		   { "1", 100000 },
		   { "1.5", 150000 },
		   { "0.01", 1000 },
		   { "0.125", 12500 } };
	static struct nb_container c;

	for (size_t i = 0; i < N(ok); i++) {
		ASSERT_EQ(0, opt(&c, "cpus", ok[i].arg)) TH_LOG("%s", ok[i].arg);
		EXPECT_EQ(ok[i].quota, c.cgroup.cpu_quota) TH_LOG("%s", ok[i].arg);
	}
}

TEST(bad_cpus_are_refused)
{
	static const char *const bad[] = { "0",	  "0.0", "0.009", "0.0001", "-1",     "1.2.3",
					   "abc", ".5",	 "",	  "1e3",    "100000", "1,5" };
	static struct nb_container c;

	for (size_t i = 0; i < N(bad); i++) {
		EXPECT_EQ(-EINVAL, opt(&c, "cpus", bad[i])) TH_LOG("accepted '%s'", bad[i]);
	}
	EXPECT_EQ(0ULL, c.cgroup.cpu_quota);
}

TEST(pids_and_weight_ranges)
{
	static struct nb_container c;

	EXPECT_EQ(0, opt(&c, "pids", "10"));
	EXPECT_EQ(10ULL, c.cgroup.pids);
	EXPECT_EQ(-EINVAL, opt(&c, "pids", "0"));
	EXPECT_EQ(-EINVAL, opt(&c, "pids", "-1"));
	EXPECT_EQ(-EINVAL, opt(&c, "pids", "ten"));
	EXPECT_EQ(-EINVAL, opt(&c, "pids", "99999999999"));
	EXPECT_EQ(0, opt(&c, "cpu-weight", "1"));
	EXPECT_EQ(0, opt(&c, "cpu-weight", "10000"));
	EXPECT_EQ(10000U, c.cgroup.cpu_weight);
	EXPECT_EQ(-EINVAL, opt(&c, "cpu-weight", "0"));
	EXPECT_EQ(-EINVAL, opt(&c, "cpu-weight", "10001"));
	EXPECT_EQ(-EINVAL, opt(&c, "cpu-weight", "+5"));
}

TEST(cpuset_lists)
{
	static const char *const good[] = { "0", "0-0", "0,0" };
	static const char *const bad[] = { "",	   "1-0", "0-", "-1",	 ",",	 "0,",
					   "0,,0", "a",	  "0 ", "0-1-2", "99999" };
	static struct nb_container c;

	for (size_t i = 0; i < N(good); i++) {
		EXPECT_EQ(0, opt(&c, "cpuset", good[i])) TH_LOG("refused '%s'", good[i]);
	}
	for (size_t i = 0; i < N(bad); i++) {
		EXPECT_EQ(-EINVAL, opt(&c, "cpuset", bad[i])) TH_LOG("accepted '%s'", bad[i]);
	}
	/* memory nodes are checked by the kernel, not against the CPU count */
	EXPECT_EQ(0, opt(&c, "cpuset-mems", "0-3,7"));
	EXPECT_EQ(-EINVAL, opt(&c, "cpuset-mems", "3-1"));
}

TEST(io_max)
{
	static const char *const bad[] = { "8:0",	 "8:0:",	"8:0:rbps",
					   "8:0:rbps=",	 "8:0:rbps=0",	"8:0:speed=1",
					   "x:0:rbps=1", "8:0:rbps=1,", "8:0:rbps=-1",
					   "8" };
	static struct nb_container c;

	ASSERT_EQ(0, opt(&c, "io-max", "8:16:rbps=1m,wiops=100"));
	ASSERT_EQ(1, c.cgroup.n_io);
	EXPECT_EQ(8U, c.cgroup.io[0].major);
	EXPECT_EQ(16U, c.cgroup.io[0].minor);
	EXPECT_EQ(1ULL << 20, c.cgroup.io[0].rbps);
	EXPECT_EQ(100ULL, c.cgroup.io[0].wiops);
	EXPECT_EQ(0ULL, c.cgroup.io[0].wbps);
	for (size_t i = 0; i < N(bad); i++) {
		EXPECT_EQ(-EINVAL, opt(&c, "io-max", bad[i])) TH_LOG("accepted '%s'", bad[i]);
	}
	EXPECT_EQ(1, c.cgroup.n_io);
	for (int i = 1; i < NB_CGROUP_IO_MAX; i++)
		ASSERT_EQ(0, opt(&c, "io-max", "8:0:wbps=1k"));
	EXPECT_EQ(-EINVAL, opt(&c, "io-max", "8:0:wbps=1k")); /* a ninth device */
}

TEST(cgroup_paths)
{
	static const char *const good[] = { "/a", "/a/b", "a", "a/b/", "..a", "a/b..c" };
	static const char *const bad[] = { "",	     "/",	 "..",	 "../x", "a/..",
					   "a/../b", "/a//../b", "a\nb", "/a\tb" };
	static struct nb_container c;

	for (size_t i = 0; i < N(good); i++) {
		EXPECT_EQ(0, opt(&c, "cgroup", good[i])) TH_LOG("refused '%s'", good[i]);
	}
	for (size_t i = 0; i < N(bad); i++) {
		EXPECT_EQ(-EINVAL, opt(&c, "cgroup", bad[i])) TH_LOG("accepted '%s'", bad[i]);
	}
}

/* --- cgroup_validate ------------------------------------------------------------------------- */

TEST(memory_below_the_floor_is_refused_naming_it)
{
	struct nb_cgroup_spec s = { .memory = 64 };
	struct nb_error err = { 0 };

	EXPECT_EQ(-EINVAL, cgroup_validate(&s, &err));
	EXPECT_NE(NULL, strstr(err.msg, "--memory: 64 bytes: below 256 KiB")) TH_LOG("%s", err.msg);
	s.memory = NB_CGROUP_MIN_MEMORY - 4096;
	EXPECT_EQ(-EINVAL, cgroup_validate(&s, &err));
	EXPECT_NE(NULL, strstr(err.msg, "--memory: 252 KiB: below 256 KiB")) TH_LOG("%s", err.msg);
	s.memory = NB_CGROUP_MIN_MEMORY;
	EXPECT_EQ(0, cgroup_validate(&s, &err));
	s.memory_swap = s.memory - 1;
	EXPECT_EQ(-EINVAL, cgroup_validate(&s, &err));
	EXPECT_NE(NULL, strstr(err.msg, "at least --memory")) TH_LOG("%s", err.msg);
}

TEST(io_max_device_must_exist)
{
	struct nb_cgroup_spec s = { .n_io = 1, .io = { { 4095, 4095, 1, 0, 0, 0 } } };
	struct nb_error err = { 0 };
	struct stat st;

	if (stat("/sys/dev/block", &st))
		SKIP(return, "no /sys/dev/block here");
	EXPECT_EQ(-ENODEV, cgroup_validate(&s, &err));
	EXPECT_NE(NULL, strstr(err.msg, "--io-max: 4095:4095: no such block device"))
	TH_LOG("%s", err.msg);
}

/* --- saved state -------------------------------------------------------------------------- */

static void two_dirs(struct nb_cgroup *cg)
{
	struct nb_cgroup_dir *d = cg->dirs;

	cgroup_init(cg);
	cg->version = 1;
	cg->n_dirs = 2;
	snprintf(d[0].path, sizeof(d[0].path), "/sys/fs/cgroup/memory/own/nestbox/a b");
	d[0].base_len = strlen("/sys/fs/cgroup/memory/own");
	d[0].shared_len = d[0].made_from = strlen("/sys/fs/cgroup/memory/own/nestbox");
	d[0].ctrls = 1;
	d[0].ino = 123456789012ULL;
	snprintf(d[1].path, sizeof(d[1].path), "/sys/fs/cgroup/cpu,cpuacct/x/y");
	d[1].base_len = d[1].made_from = strlen("/sys/fs/cgroup/cpu,cpuacct");
	d[1].shared_len = 0;
	d[1].ctrls = 6;
}

/* save into a pipe, text out of it */
static int saved_text(const struct nb_cgroup *cg, char *buf, size_t size)
{
	int p[2], rc;
	ssize_t n;

	if (pipe(p))
		return -errno;
	rc = cgroup_state_save(cg, p[1]);
	close(p[1]);
	n = read(p[0], buf, size - 1);
	close(p[0]);
	buf[n > 0 ? n : 0] = '\0';
	return rc;
}

TEST(state_round_trip)
{
	static struct nb_cgroup cg, back;
	struct nb_error err = { 0 };
	char text[8192];
	int p[2];

	two_dirs(&cg);
	ASSERT_EQ(0, saved_text(&cg, text, sizeof(text)));
	TH_LOG("%s", text);
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ((ssize_t)strlen(text), write(p[1], text, strlen(text)));
	close(p[1]);
	memset(&back, 0xff, sizeof(back));
	ASSERT_EQ(0, cgroup_state_load(&back, p[0], &err)) TH_LOG("%s", err.msg);
	close(p[0]);
	EXPECT_EQ(1, back.version);
	ASSERT_EQ(2, back.n_dirs);
	EXPECT_EQ(-1, back.clone_fd);
	EXPECT_EQ(NULL, back.watch);
	for (int i = 0; i < 2; i++) {
		EXPECT_STREQ(cg.dirs[i].path, back.dirs[i].path);
		EXPECT_EQ(cg.dirs[i].base_len, back.dirs[i].base_len);
		EXPECT_EQ(cg.dirs[i].shared_len, back.dirs[i].shared_len);
		EXPECT_EQ(cg.dirs[i].made_from, back.dirs[i].made_from);
		EXPECT_EQ(cg.dirs[i].ctrls, back.dirs[i].ctrls);
		EXPECT_EQ(cg.dirs[i].ino, back.dirs[i].ino);
	}
}

TEST(state_of_no_group)
{
	static struct nb_cgroup cg, back;
	struct nb_error err = { 0 };
	char text[256];
	size_t used = 0;

	cgroup_init(&cg);
	ASSERT_EQ(0, saved_text(&cg, text, sizeof(text)));
	EXPECT_STREQ("nestbox-cgroup 1\nversion 0\nend\n", text);
	strcat(text, "watch /after/the/record\n");
	ASSERT_EQ(0, cgroup_state_parse(&back, text, &used, &err));
	EXPECT_EQ(strlen("nestbox-cgroup 1\nversion 0\nend\n"), used);
	EXPECT_EQ(0, back.n_dirs);
}

TEST(state_path_with_a_newline_is_not_saved)
{
	static struct nb_cgroup cg;
	char text[8192];

	two_dirs(&cg);
	strcat(cg.dirs[1].path, "\nend");
	EXPECT_EQ(-EINVAL, saved_text(&cg, text, sizeof(text)));
	EXPECT_STREQ("", text);
}

TEST(bad_state_records_are_refused)
{
#define H "nestbox-cgroup 1\nversion 1\n"
#define D "dir ctrls=1 base=14 shared=0 "
	static const char *const bad[] = {
		"",
		H,				      /* no end */
		H "end",			      /* no newline */
		"nestbox-cgroup 2\nversion 1\nend\n", /* magic */
		"nestbox-cgroup 1\nversion 3\nend\n", /* version */
		H "foo\nend\n",			      /* unknown line */
		H D "made=14 ino=0 path=/etc/x\nend\n",
		H D "made=14 ino=0 path=/sys/fs/cgroup/../x\nend\n",
		H D "made=14 ino=0 path=/sys/fs/cgroup/a/./b\nend\n",
		H D "made=14 ino=0 path=/sys/fs/cgroup//a\nend\n",
		H D "made=99 ino=0 path=/sys/fs/cgroup/a\nend\n",
		H D "made=16 ino=0 path=/sys/fs/cgroup/ab/c\nend\n",
		H D "made=3 ino=0 path=/sys/fs/cgroup/a\nend\n",
		H D "made=14 path=/sys/fs/cgroup/a\nend\n", /* no ino */
		H "dir ctrls=ff base=14 shared=0 made=14 ino=0 path=/sys/fs/cgroup/a\nend\n",
		H "dir ctrls=1 base=0 shared=0 made=14 ino=0 path=/sys/fs/cgroup/a\nend\n",
		H "dir ctrls=1 base=14 shared=14 made=14 ino=0 path=/sys/fs/cgroup/a\nend\n",
		H "dir ctrls=1 base=16 shared=0 made=14 ino=0 path=/sys/fs/cgroup/a/b/c\nend\n",
		H "dir ctrls=1 made=14 ino=0 path=/sys/fs/cgroup/a\nend\n", /* no base */
	};
	static struct nb_cgroup cg;
	struct nb_error err = { 0 };

	for (size_t i = 0; i < N(bad); i++) {
		err.msg[0] = '\0';
		EXPECT_EQ(-EINVAL, cgroup_state_parse(&cg, bad[i], NULL, &err))
		TH_LOG("accepted record %zu", i);
		EXPECT_EQ(0, cg.n_dirs) TH_LOG("record %zu left dirs", i);
		EXPECT_EQ(0, strncmp(err.msg, "cgroup state: ", 14)) TH_LOG("%s", err.msg);
	}
	/* the same line, good */
	EXPECT_EQ(0, cgroup_state_parse(&cg, H D "made=14 ino=0 path=/sys/fs/cgroup/a\nend\n", NULL,
					&err))
	TH_LOG("%s", err.msg);
	EXPECT_EQ(1, cg.n_dirs);
}

TEST(state_with_too_many_dirs_is_refused)
{
	static struct nb_cgroup cg;
	struct nb_error err = { 0 };
	char text[4096] = "nestbox-cgroup 1\nversion 1\n";

	for (int i = 0; i <= NB_CGROUP_DIRS; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "dir ctrls=1 base=14 shared=0 made=14 ino=0 path=/sys/fs/cgroup/d%d\n", i);
	strcat(text, "end\n");
	EXPECT_EQ(-EINVAL, cgroup_state_parse(&cg, text, NULL, &err));
}

TEST_HARNESS_MAIN
