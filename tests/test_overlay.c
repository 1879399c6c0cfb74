/* The container's root from overlayfs: layers merged top first, copy-up and whiteouts land in
 * the upper layer, opaque directories, the tmpfs upper vanishing at exit, --read-only, and the
 * lower layers left byte for byte as they were. */
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib.h"

/* A digest of a tree: every path with its type, mode, size, mtime and content checksum. */
static unsigned long long tree_sum;

static unsigned long long file_hash(const char *path)
{
	static char buf[1 << 20];
	unsigned long long h = 1469598103934665603ULL;
	int n = nbt_read_file(path, buf, sizeof(buf));

	for (int i = 0; i < n; i++)
		h = (h ^ (unsigned char)buf[i]) * 1099511628211ULL;
	return h;
}

static int sum_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	unsigned long long h = 1469598103934665603ULL;

	for (const char *p = path; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h ^= (unsigned long long)st->st_mode * 31 + (unsigned long long)st->st_size * 17 +
	     (unsigned long long)st->st_mtim.tv_sec * 7 + (unsigned long long)st->st_mtim.tv_nsec;
	if (type == FTW_F && S_ISREG(st->st_mode))
		h ^= file_hash(path);
	tree_sum = tree_sum * 1000003ULL + h;
	(void)ftw;
	return 0;
}

static unsigned long long digest(const char *dir)
{
	tree_sum = 0;
	nftw(dir, sum_entry, 16, FTW_PHYS);
	return tree_sum;
}

FIXTURE(overlay)
{
	char *dir;
	char top[256], middle[256], upper[256], work[256], layers[1024];
	unsigned long long top_sum, middle_sum, rootfs_sum;
};

static void put(const char *dir, const char *name, const char *content)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	nbt_write_file(path, content);
}

FIXTURE_SETUP(overlay)
{
	char path[512];

	self->dir = nbt_tempdir("overlay");
	ASSERT_NE(NULL, self->dir);
	snprintf(self->top, sizeof(self->top), "%s/top", self->dir);
	snprintf(self->middle, sizeof(self->middle), "%s/middle", self->dir);
	snprintf(self->upper, sizeof(self->upper), "%s/upper", self->dir);
	snprintf(self->work, sizeof(self->work), "%s/work", self->dir);
	mkdir(self->top, 0755);
	mkdir(self->middle, 0755);
	mkdir(self->upper, 0755);
	mkdir(self->work, 0755);
	/* top: a.txt; middle: a.txt (shadowed), b.txt, c.txt, d/x */
	put(self->top, "a.txt", "a from top\n");
	put(self->middle, "a.txt", "a from middle\n");
	put(self->middle, "b.txt", "b\n");
	put(self->middle, "c.txt", "c\n");
	snprintf(path, sizeof(path), "%s/d", self->middle);
	mkdir(path, 0755);
	put(self->middle, "d/x", "x\n");
	snprintf(self->layers, sizeof(self->layers), "%s:%s:%s", self->top, self->middle,
		 nbt_rootfs());
	self->top_sum = digest(self->top);
	self->middle_sum = digest(self->middle);
	self->rootfs_sum = digest(nbt_rootfs());
}

FIXTURE_TEARDOWN(overlay)
{
	nbt_rm_rf(self->dir);
}

static void expect_lowers_unchanged(struct __test_metadata *_metadata, FIXTURE_DATA(overlay) * self)
{
	EXPECT_EQ(self->top_sum, digest(self->top));
	EXPECT_EQ(self->middle_sum, digest(self->middle));
	EXPECT_EQ(self->rootfs_sum, digest(nbt_rootfs()));
}

TEST_F(overlay, merged_view_shows_all_layers_top_first)
{
	static struct nbt_result r;

	nbt_run(&r, "run", "--rootfs", self->layers, "--", "sh", "-c",
		"cat /a.txt /b.txt /c.txt /d/x", NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("a from top\nb\nc\nx\n", r.out);
}

TEST_F(overlay, delete_leaves_whiteout_in_upper_and_lower_intact)
{
	static struct nbt_result r;
	char path[512];
	struct stat st;

	nbt_run(&r, "run", "--rootfs", self->layers, "--upper", self->upper, "--work", self->work,
		"--", "sh", "-c",
		"rm /b.txt && echo changed >> /c.txt && echo new > /n.txt && ls /", NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_EQ(NULL, strstr(r.out, "b.txt"));
	/* overlayfs(5): a whiteout is a character device 0/0 in the upper layer. */
	snprintf(path, sizeof(path), "%s/b.txt", self->upper);
	ASSERT_EQ(0, lstat(path, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0, major(st.st_rdev));
	EXPECT_EQ(0, minor(st.st_rdev));
	/* copy-up: the modified file and the new one are in the upper layer */
	snprintf(path, sizeof(path), "%s/c.txt", self->upper);
	nbt_read_file(path, r.out, sizeof(r.out));
	EXPECT_STREQ("c\nchanged\n", r.out);
	snprintf(path, sizeof(path), "%s/n.txt", self->upper);
	EXPECT_EQ(0, access(path, F_OK));
	expect_lowers_unchanged(_metadata, self);
	/* the persistent upper is seen by the next run */
	nbt_run(&r, "run", "--rootfs", self->layers, "--upper", self->upper, "--work", self->work,
		"--", "sh", "-c", "cat /n.txt; test -e /b.txt || echo gone", NULL);
	EXPECT_STREQ("new\ngone\n", r.out);
}

TEST_F(overlay, opaque_directory_hides_lower_contents)
{
	static struct nbt_result r;
	char path[512], value[8] = { 0 };

	nbt_run(&r, "run", "--rootfs", self->layers, "--upper", self->upper, "--work", self->work,
		"--", "sh", "-c", "rm -rf /d && mkdir /d && echo y > /d/y && ls /d", NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("y\n", r.out);
	snprintf(path, sizeof(path), "%s/d", self->upper);
	ASSERT_LT(0, getxattr(path, "trusted.overlay.opaque", value, sizeof(value) - 1));
	EXPECT_STREQ("y", value);
	expect_lowers_unchanged(_metadata, self);
}

TEST_F(overlay, tmpfs_upper_is_gone_at_exit)
{
	static struct nbt_result r;

	nbt_run(&r, "run", "--rootfs", self->layers, "--", "sh", "-c",
		"echo scratch > /s.txt && rm /a.txt && cat /s.txt", NULL);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("scratch\n", r.out);
	nbt_run(&r, "run", "--rootfs", self->layers, "--", "sh", "-c",
		"test -e /s.txt && echo leaked; cat /a.txt", NULL);
	EXPECT_STREQ("a from top\n", r.out);
	expect_lowers_unchanged(_metadata, self);
}

TEST_F(overlay, read_only_has_no_writable_layer)
{
	static struct nbt_result r;

	/* several layers: overlayfs without an upper */
	nbt_run(
	    &r, "run", "--read-only", "--rootfs", self->layers, "--", "sh", "-c",
	    "touch /new 2>&1; echo rc=$?; cat /a.txt; echo ok > /tmp/t 2>/dev/null || echo tmp-ro",
	    NULL);
	EXPECT_EQ(0, r.status);
	EXPECT_NE(NULL, strstr(r.out, "Read-only file system")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "rc=1"));
	EXPECT_NE(NULL, strstr(r.out, "a from top"));
	/* one layer: a read-only bind */
	nbt_run(&r, "run", "--read-only", "--rootfs", nbt_rootfs(), "--", "sh", "-c",
		"touch /new 2>&1; echo rc=$?", NULL);
	EXPECT_NE(NULL, strstr(r.out, "Read-only file system")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "rc=1"));
	expect_lowers_unchanged(_metadata, self);
}

/* nestbox in nestbox in nestbox, each taking a directory of its own overlay root as the next
 * one's layer: the third overlay would stack three deep, which the kernel refuses with a bare
 * EINVAL. nestbox says why and what to do; what it says to do (a layer bound in from below)
 * works. */
TEST_F(overlay, third_naive_level_says_overlay_stacks_two_deep)
{
	static struct nbt_result r;
	static char top[PATH_MAX + 600], b_rootfs[PATH_MAX + 16], b_nestbox[PATH_MAX + 16];
	char real[PATH_MAX], real2[PATH_MAX], path[600];
	const char *argv[] = { "run",
			       "--cap-add",
			       "SYS_ADMIN",
			       "--rootfs",
			       top,
			       "--bind",
			       b_rootfs,
			       "--bind",
			       b_nestbox,
			       "--",
			       "/nb/nestbox",
			       "run",
			       "--net",
			       "host",
			       "--cap-add",
			       "SYS_ADMIN",
			       "--rootfs",
			       "/l2:/nb/rootfs",
			       "--bind",
			       "/nb/rootfs:/nb/rootfs:ro",
			       "--bind",
			       "/nb/nestbox:/nb/nestbox:ro",
			       "--",
			       "/nb/nestbox",
			       "run",
			       "--net", /* the inner levels have no CAP_NET_ADMIN to bring up lo */
			       "host",
			       "--rootfs",
			       "/l3:/nb/rootfs",
			       "--",
			       "true",
			       NULL };

	ASSERT_NE(NULL, realpath(nbt_rootfs(), real));
	ASSERT_NE(NULL, realpath(nbt_nestbox(), real2));
	static const char *const dirs[] = { "l1", "l1/l2", "l1/l2/l3" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", self->dir, dirs[i]);
		ASSERT_EQ(0, mkdir(path, 0755));
	}
	snprintf(top, sizeof(top), "%s/l1:%s", self->dir, real);
	snprintf(b_rootfs, sizeof(b_rootfs), "%s:/nb/rootfs:ro", real);
	snprintf(b_nestbox, sizeof(b_nestbox), "%s:/nb/nestbox:ro", real2);
	nbt_runv(&r, argv);
	EXPECT_EQ(125, r.status) TH_LOG("out: %s err: %s", r.out, r.err);
	EXPECT_NE(NULL, strstr(r.err, "nestbox: mount overlay: /l3: Invalid argument: this layer "
				      "is itself on an overlayfs"))
	TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "overlayfs stacks at most 2 deep")) TH_LOG("%s", r.err);
	/* as told: the third level's layer bound in from below */
	argv[28] = "/nb/rootfs";
	nbt_runv(&r, argv);
	EXPECT_EQ(0, r.status) TH_LOG("out: %s err: %s", r.out, r.err);
}

TEST_HARNESS_MAIN
