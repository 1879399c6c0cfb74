/* runtime/mount_plan.c without a kernel: the order of the plan the command line gives (root,
 * /etc, the binds in their order, /proc, /sys, the cgroup view, masks, read-only paths, /dev,
 * read-only root), nodev unless --privileged, no masks with --privileged, and the size options. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "cli.h"
#include "container.h"
#include "kselftest_harness.h"
#include "mount_plan.h"

const char *__asan_default_options(void)
{
	return "detect_leaks=0"; /* cli_parse_run's strings live as long as the process */
}

static int parse(struct nb_container *c, const char *const *args, struct nb_error *err)
{
	char *argv[32];
	int n = 0;

	argv[n++] = "run";
	while (*args)
		argv[n++] = (char *)*args++;
	argv[n] = NULL;
	return cli_parse_run(n, argv, c, err);
}

static int find(const struct nb_container *c, enum nb_mount_op op, const char *target)
{
	for (int i = 0; i < c->n_mounts; i++)
		if (c->mounts[i].op == op && !strcmp(c->mounts[i].target, target))
			return i;
	return -1;
}

TEST(plan_order_from_the_command_line)
{
	const char *const args[] = { "--rootfs", "/l", "--bind", "/a:/x:ro", "--bind",
				     "/b:/y",	 "--", "true",	 NULL };
	struct nb_container c;
	struct nb_error err = { 0 };
	int x, y, proc, sys, kcore, sysro, dev, pts, shm;

	ASSERT_EQ(0, parse(&c, args, &err)) TH_LOG("%s", err.msg);
	ASSERT_EQ(NB_MOUNT_ROOT, c.mounts[0].op);
	EXPECT_EQ(MS_NODEV, c.mounts[0].flags);
	EXPECT_EQ(NB_MOUNT_ETC, c.mounts[1].op);
	x = find(&c, NB_MOUNT_BIND, "/x");
	y = find(&c, NB_MOUNT_BIND, "/y");
	proc = find(&c, NB_MOUNT_FS, "/proc");
	sys = find(&c, NB_MOUNT_FS, "/sys");
	kcore = find(&c, NB_MOUNT_MASK, "/proc/kcore");
	sysro = find(&c, NB_MOUNT_READ_ONLY, "/proc/sys");
	dev = find(&c, NB_MOUNT_FS, "/dev");
	pts = find(&c, NB_MOUNT_FS, "/dev/pts");
	shm = find(&c, NB_MOUNT_FS, "/dev/shm");
	EXPECT_EQ(2, x);
	EXPECT_EQ(3, y);
	EXPECT_STREQ("/a", c.mounts[x].source);
	EXPECT_EQ(MS_RDONLY | MS_NODEV, c.mounts[x].flags);
	EXPECT_EQ(MS_NODEV, c.mounts[y].flags);
	EXPECT_EQ(NB_MAKE_LIKE_SOURCE, c.mounts[x].make);
	/* /proc, /dev, /sys: the runtime-spec's default order (runtime-tools checks it) */
	EXPECT_LT(y, proc);
	EXPECT_LT(proc, dev);
	EXPECT_LT(dev, pts);
	EXPECT_LT(pts, shm);
	EXPECT_LT(shm, sys);
	EXPECT_LT(sys, kcore);
	EXPECT_LT(kcore, sysro);
	EXPECT_EQ(NB_MAKE_NOTHING, c.mounts[kcore].make);
	EXPECT_NE(0, c.mounts[proc].opts & NB_MOPT_REAL_DIR);
	EXPECT_NE(0, c.mounts[dev].opts & NB_MOPT_REAL_DIR);
	EXPECT_NE(NULL, strstr(c.mounts[pts].data, "gid=5"));
	EXPECT_NE(NULL, strstr(c.mounts[shm].data, "size=64m"));
	EXPECT_LE(0, find(&c, NB_MOUNT_MASK, "/proc/interrupts"));
	EXPECT_LE(0, find(&c, NB_MOUNT_MASK, "/sys/devices/system/cpu/cpu*/thermal_throttle"));
	EXPECT_EQ(-1, find(&c, NB_MOUNT_ROOT_READ_ONLY, "/"));
	free(c.mounts);
}

TEST(privileged_has_no_masks_and_no_nodev)
{
	const char *const args[] = { "--rootfs",    "/l", "--bind", "/a:/x", "--privileged",
				     "--read-only", "--", "true",   NULL };
	struct nb_container c;
	struct nb_error err = { 0 };

	ASSERT_EQ(0, parse(&c, args, &err)) TH_LOG("%s", err.msg);
	EXPECT_EQ(0, c.mounts[0].flags);
	EXPECT_EQ(0, c.mounts[find(&c, NB_MOUNT_BIND, "/x")].flags);
	for (int i = 0; i < c.n_mounts; i++)
		EXPECT_NE(NB_MOUNT_MASK, c.mounts[i].op);
	EXPECT_EQ(c.n_mounts - 1, find(&c, NB_MOUNT_ROOT_READ_ONLY, "/"));
	free(c.mounts);
}

TEST(size_options)
{
	static const char *const good[] = { "64m", "1g", "25%", "100%", "4096", "512k" };
	static const char *const bad[] = { "0", "0m", "101%", "m", "64mb", "-1", "", "1x", "0%" };
	struct nb_container c;
	struct nb_error err = { 0 };

	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
		const char *const args[] = { "--rootfs", "/l",		 "--shm-size",
					     good[i],	 "--upper-size", good[i],
					     "--",	 "true",	 NULL };

		EXPECT_EQ(0, parse(&c, args, &err)) TH_LOG("%s: %s", good[i], err.msg);
		EXPECT_STREQ(good[i], c.upper_size);
		free(c.mounts);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		const char *const args[] = { "--rootfs", "/l",	 "--shm-size", bad[i],
					     "--",	 "true", NULL };

		EXPECT_EQ(-EINVAL, parse(&c, args, &err)) TH_LOG("%s", bad[i]);
		EXPECT_NE(NULL, strstr(err.msg, "--shm-size: ")) TH_LOG("%s", err.msg);
	}
}

TEST_HARNESS_MAIN
