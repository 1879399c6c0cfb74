/* runtime/cgroup.c's option parsers without a kernel: sizes, CPUs, cpuset lists, --io-max,
 * --cgroup paths; every bad value is refused with EINVAL and leaves the spec as it was. */
#include <errno.h>
#include <string.h>

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
					   "1mb",
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
	static const char *const bad[] = { "", "/", "..", "../x", "a/..", "a/../b", "/a//../b" };
	static struct nb_container c;

	for (size_t i = 0; i < N(good); i++) {
		EXPECT_EQ(0, opt(&c, "cgroup", good[i])) TH_LOG("refused '%s'", good[i]);
	}
	for (size_t i = 0; i < N(bad); i++) {
		EXPECT_EQ(-EINVAL, opt(&c, "cgroup", bad[i])) TH_LOG("accepted '%s'", bad[i]);
	}
}

TEST_HARNESS_MAIN
