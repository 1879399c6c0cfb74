/* runtime/libc_lite.c: the plain strstr the musl build links instead of musl's two-way one,
 * against glibc's on every (text, needle) pair of a small set, at every start of the text;
 * fork as _Fork; clock_gettime and time by system call, against glibc's (vDSO) reads. */
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "libc_lite.h"

TEST(strstr_as_glibc)
{
	static const char *const texts[] = {
		"",
		"a",
		"aa",
		"aaa",
		"ab",
		"abab",
		"aabaab",
		"a - b - c",
		"rw,nosuid,gid=5,mode=620",
		"/a/../b",
		"..",
		"x..y..",
		"Unknown device type",
		"abcabcabd",
		"mississippi",
	};
	static const char *const needles[] = {
		"",
		"a",
		"aa",
		"ab",
		"b",
		" - ",
		",gid=",
		"..",
		"Unknown device type",
		"abcabd",
		"issip",
		"ppi",
		"zzz",
		"mississippis",
	};

	for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++)
		for (size_t n = 0; n < sizeof(needles) / sizeof(needles[0]); n++)
			for (const char *p = texts[t]; p <= texts[t] + strlen(texts[t]); p++) {
				EXPECT_EQ(strstr(p, needles[n]), nb_strstr(p, needles[n]))
				TH_LOG("strstr(\"%s\", \"%s\")", p, needles[n]);
			}
}

/* fork is _Fork: a child with its own pid that returns 0, the parent gets its pid. */
TEST(fork_makes_a_child)
{
	pid_t parent = getpid(), pid;
	int status;

	pid = nb_fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(getpid() != parent && getppid() == parent ? 7 : 1);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(7, WEXITSTATUS(status));
}

static long long ns(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

/* Each clock read between two of glibc's reads of it. */
TEST(clock_gettime_as_glibc)
{
	static const clockid_t clocks[] = { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME };

	for (size_t i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
		struct timespec before, ours, after;

		ASSERT_EQ(0, clock_gettime(clocks[i], &before));
		ASSERT_EQ(0, nb_clock_gettime(clocks[i], &ours));
		ASSERT_EQ(0, clock_gettime(clocks[i], &after));
		EXPECT_LE(ns(&before), ns(&ours));
		EXPECT_LE(ns(&ours), ns(&after));
		EXPECT_LT(ours.tv_nsec, 1000000000L);
	}
	errno = 0;
	EXPECT_EQ(-1, nb_clock_gettime((clockid_t)-1000, &(struct timespec){ 0, 0 }));
	EXPECT_EQ(EINVAL, errno);
}

TEST(time_as_glibc)
{
	time_t before = time(NULL), stored = 0, ours = nb_time(&stored);

	EXPECT_EQ(ours, stored);
	EXPECT_LE(before, ours);
	EXPECT_LE(ours, time(NULL));
}

/* The commands nestbox gives fcntl, against glibc's on the same fds. */
TEST(fcntl_as_glibc)
{
	int p[2], dup_ours, dup_glibc;

	ASSERT_EQ(0, pipe(p));
	EXPECT_EQ(fcntl(p[0], F_GETFD), nb_fcntl(p[0], F_GETFD));
	EXPECT_EQ(0, nb_fcntl(p[0], F_SETFD, FD_CLOEXEC));
	EXPECT_EQ(FD_CLOEXEC, fcntl(p[0], F_GETFD));
	EXPECT_EQ(0, nb_fcntl(p[1], F_SETFL, O_NONBLOCK));
	EXPECT_EQ(fcntl(p[1], F_GETFL), nb_fcntl(p[1], F_GETFL));
	EXPECT_TRUE(nb_fcntl(p[1], F_GETFL) & O_NONBLOCK);
	dup_ours = nb_fcntl(p[1], F_DUPFD_CLOEXEC, 40);
	dup_glibc = fcntl(p[1], F_DUPFD_CLOEXEC, 40);
	EXPECT_LE(40, dup_ours);
	EXPECT_EQ(dup_ours + 1, dup_glibc);
	EXPECT_EQ(FD_CLOEXEC, fcntl(dup_ours, F_GETFD));
	close(dup_ours);
	close(dup_glibc);
	close(p[0]);
	close(p[1]);
	errno = 0;
	EXPECT_EQ(-1, nb_fcntl(-1, F_GETFD));
	EXPECT_EQ(EBADF, errno);
}

/* open without musl's fcntl after it: O_CLOEXEC still set by the kernel, the mode of O_CREAT
 * applied, a failure -1 with errno, as glibc's open. */
TEST(open_as_glibc)
{
	char path[] = "/tmp/nb-unit-open.XXXXXX";
	struct stat st;
	int fd = mkstemp(path), ours;
	mode_t old = umask(0);

	ASSERT_LE(0, fd);
	close(fd);
	unlink(path);
	ours = nb_open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	ASSERT_LE(0, ours);
	EXPECT_EQ(FD_CLOEXEC, fcntl(ours, F_GETFD));
	EXPECT_EQ(0, fstat(ours, &st));
	EXPECT_EQ(0640, st.st_mode & 0777);
	close(ours);
	ours = nb_open(path, O_RDONLY);
	ASSERT_LE(0, ours);
	EXPECT_EQ(0, fcntl(ours, F_GETFD));
	close(ours);
	unlink(path);
	umask(old);
	errno = 0;
	EXPECT_EQ(-1, nb_open(path, O_RDONLY | O_CLOEXEC));
	EXPECT_EQ(ENOENT, errno);
}

/* Every token of a few texts, against glibc's strtok on a copy. */
TEST(strtok_as_glibc)
{
	static const char *const texts[] = { "", " ", "a", " a b  c ", "\n1\n\n22\n", ",,x,,y" };

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		char ours[32], theirs[32], *o, *t;

		strcpy(ours, texts[i]);
		strcpy(theirs, texts[i]);
		o = nb_strtok(ours, " \n,");
		t = strtok(theirs, " \n,");
		for (;;) {
			ASSERT_EQ(!o, !t);
			if (!o)
				break;
			EXPECT_EQ(o - ours, t - theirs);
			EXPECT_STREQ(t, o);
			o = nb_strtok(NULL, " \n,");
			t = strtok(NULL, " \n,");
		}
	}
}

/* Every text whose value fits an int (outside it atoi is undefined), against glibc's. */
TEST(atoi_as_glibc)
{
	static const char *const texts[] = { "",      "0",	"42",	      "-7",
					     " +12",  "\t\n-3", "2147483647", "-2147483648",
					     "12abc", "abc",	"  ",	      "007",
					     "+",     "-",	"1 2",	      "0x10" };

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		EXPECT_EQ(atoi(texts[i]), nb_atoi(texts[i]));
}

TEST_HARNESS_MAIN
