/* runtime/format.c, the printf family that stands in for musl's: every supported conversion
 * against glibc's snprintf, at every buffer size, and what it does with the rest. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#define NB_FORMAT_NO_MACROS
#include "format.h"

/* For the cases gcc refuses at compile time (and so nestbox never has). */
#define IGNORE_FORMAT_WARNINGS                                                        \
	_Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wformat\"") \
	    _Pragma("GCC diagnostic ignored \"-Wformat-overflow\"")
#define END_IGNORE _Pragma("GCC diagnostic pop")

/* Ours and glibc's give the same bytes and the same return value for every size from 0 to
 * one past the whole output: truncation and the NUL included. */
#define SAME(fmt, ...)                                                                        \
	do {                                                                                  \
		char ours[300], libc[300];                                                    \
		int whole = snprintf(NULL, 0, fmt, __VA_ARGS__);                              \
		ASSERT_LT(whole, (int)sizeof(ours) - 1);                                      \
		for (size_t size = 0; size <= (size_t)whole + 1; size++) {                    \
			memset(ours, 'X', sizeof(ours));                                      \
			memset(libc, 'X', sizeof(libc));                                      \
			EXPECT_EQ(snprintf(libc, size, fmt, __VA_ARGS__),                     \
				  nb_snprintf(ours, size, fmt, __VA_ARGS__))                  \
			TH_LOG("format \"%s\", size %zu", fmt, size);                         \
			EXPECT_EQ(0, memcmp(libc, ours, sizeof(ours)))                        \
			TH_LOG("format \"%s\", size %zu: glibc \"%.*s\", ours \"%.*s\"", fmt, \
			       size, (int)size, libc, (int)size, ours);                       \
		}                                                                             \
	} while (0)

TEST(strings_as_glibc)
{
	SAME("%s", "");
	SAME("%s", "hello");
	SAME("a%sb%sc", "x", "yz");
	SAME("%.40s", "short");
	SAME("%.4s", "a longer string");
	SAME("%.0s|", "gone");
	SAME("%.*s|", 3, "abcdef");
	SAME("%.*s|", 0, "abcdef");
	SAME("%.*s|", -1, "abcdef"); /* a negative precision is none */
	SAME("%-10s|", "left");
	SAME("%10s|", "right");
	SAME("%3s|", "wider than 3");
	SAME("%*s|", 6, "ab");
	SAME("%*s|", -6, "ab"); /* a negative width is '-' */
	SAME("%-8.3s|", "abcdef");
	SAME("%c%c%c", 'a', '\t', 'z');
	SAME("%3c|%-3c|", 'x', 'y');
	SAME("%s", "100%% literal? no: a string argument");
	SAME("100%% %s", "sure");
	SAME("%%%d%%", 5);
}

TEST(null_string_as_musl_prints_it)
{
	char buf[16];

	IGNORE_FORMAT_WARNINGS
	EXPECT_EQ(6, nb_snprintf(buf, sizeof(buf), "%s", (char *)NULL));
	END_IGNORE
	EXPECT_STREQ("(null)", buf);
}

TEST(signed_integers_as_glibc)
{
	SAME("%d", 0);
	SAME("%d|%d", INT_MIN, INT_MAX);
	SAME("%i", -42);
	SAME("%ld|%ld", LONG_MIN, LONG_MAX);
	SAME("%lld|%lld", LLONG_MIN, LLONG_MAX);
	SAME("%zd", (ssize_t)-7);
	SAME("%03ld|%03ld|%03ld", 5L, -5L, 12345L);
	SAME("%03lld", -1LL);
	SAME("%5lld|%-5lld|", 42LL, -42LL);
	SAME("%05d|", -42);
	SAME("%.3d|%.3d|%8.3d|%-8.3d|", 7, -7, 7, -7);
	/* -Wformat refuses these two in nestbox; what C says of them still holds */
	IGNORE_FORMAT_WARNINGS
	SAME("%-05d|", -42); /* '-' wins over '0' */
	SAME("%08.3d|", 7);  /* with a precision '0' is ignored */
	END_IGNORE
	SAME("%.0d|%5.0d|%.0d", 0, 0, 1);
	SAME("%*d|%-*d|%*d", 5, 1, 5, 2, -5, 3);
	SAME("%hd|%hd", 70000, -70000);
	SAME("%hhd|%hhd", 300, -129);
}

TEST(unsigned_integers_as_glibc)
{
	SAME("%u", 0U);
	SAME("%u", UINT_MAX);
	SAME("%02u", 7U);
	SAME("%lu|%llu", ULONG_MAX, ULLONG_MAX);
	SAME("%zu|%zu", (size_t)0, SIZE_MAX);
	SAME("%x|%X", 0xdeadbeefU, 0xdeadbeefU);
	SAME("%02x|%02x|%04x|%07x", 0xaU, 0x1ffU, 0xbeefU, 0x12345U);
	SAME("%llx|%zx|%lx", ULLONG_MAX, SIZE_MAX, 0x10UL);
	SAME("%hu|%hhu|%hhx", 70000U, 300U, 0x1ffU);
	SAME("%.0u|%.0x", 0U, 0U);
	SAME("%-6x|", 0xabU);
}

TEST(truncation_counts_the_whole_output)
{
	char buf[8] = "XXXXXXX";

	EXPECT_EQ(11, nb_snprintf(buf, sizeof(buf), "%s-%d", "abcdef", 1234));
	EXPECT_STREQ("abcdef-", buf);
	EXPECT_EQ(5, nb_snprintf(buf, 1, "%d", 12345));
	EXPECT_STREQ("", buf);
	strcpy(buf, "keep");
	EXPECT_EQ(5, nb_snprintf(buf, 0, "%d", 12345)); /* size 0: nothing stored */
	EXPECT_STREQ("keep", buf);
	EXPECT_EQ(3, nb_snprintf(NULL, 0, "%s", "abc"));
}

/* A conversion we do not implement is seen in the output, and nothing after it is read from
 * the arguments (where they would start is unknown). */
#define MARKED(want, fmt, ...)                                                                 \
	do {                                                                                   \
		char buf[32];                                                                  \
		EXPECT_EQ((int)strlen(want), nb_snprintf(buf, sizeof(buf), fmt, __VA_ARGS__)); \
		EXPECT_STREQ(want, buf);                                                       \
	} while (0)

TEST(unsupported_conversions_are_marked)
{
	MARKED("a%!f", "a%fb%s", 1.5, "never read");
	MARKED("%!5.2f", "%5.2f", 2.0);
	MARKED("x=%!p", "x=%p|%d", (void *)0, 1);
	MARKED("%!o", "%o", 8U);
	MARKED("%!+", "%+d", 1);
	MARKED("%! ", "% d", 1);
	MARKED("%!#", "%#x", 1U);
	MARKED("%!j", "%jd", (intmax_t)1);
	MARKED("%!lc", "%lc", 65);
	MARKED("%!ls", "%ls", L"wide");
	IGNORE_FORMAT_WARNINGS
	MARKED("1 %!5%", "%d %5%", 1);
	END_IGNORE
	MARKED("ok ", "ok %s", ""); /* and a supported one is not */
}

TEST(a_lone_percent_at_the_end_is_marked)
{
	char buf[8];

	IGNORE_FORMAT_WARNINGS
	EXPECT_EQ(4, nb_snprintf(buf, sizeof(buf), "50%"));
	END_IGNORE
	EXPECT_STREQ("50%!", buf);
}

TEST(asprintf_allocates_the_whole_output)
{
	char *s = NULL;
	char big[2000];

	EXPECT_EQ(10, nb_asprintf(&s, "%s=%d", "HOME", 12345));
	EXPECT_STREQ("HOME=12345", s);
	free(s);
	memset(big, 'b', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ASSERT_EQ(1999 + 2, nb_asprintf(&s, "<%s>", big));
	EXPECT_EQ(0, strncmp(s + 1, big, 1999));
	EXPECT_STREQ(">", s + 2000);
	free(s);
}

/* A pipe whose read end does not block: what has been written so far, as a string. */
static int pipe_nonblock(int fds[2])
{
	return pipe2(fds, O_NONBLOCK | O_CLOEXEC);
}

static ssize_t drain(int fd, char *buf, size_t size)
{
	ssize_t n = read(fd, buf, size - 1);

	buf[n > 0 ? n : 0] = '\0';
	return n;
}

TEST(dprintf_writes_every_byte)
{
	int fds[2];
	char big[3000], got[4000];
	size_t off = 0;
	ssize_t n;

	ASSERT_EQ(0, pipe_nonblock(fds));
	EXPECT_EQ(11, nb_dprintf(fds[1], "%s %05d\n", "line", 42));
	drain(fds[0], got, sizeof(got));
	EXPECT_STREQ("line 00042\n", got);

	/* more than the 512 bytes staged at once */
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	EXPECT_EQ(3000, nb_dprintf(fds[1], "%s\n", big));
	while ((n = read(fds[0], got + off, sizeof(got) - 1 - off)) > 0)
		off += (size_t)n;
	EXPECT_EQ(3000, off);
	EXPECT_EQ(0, memcmp(got, big, 2999));
	EXPECT_EQ('\n', got[2999]);
	close(fds[0]);
	close(fds[1]);
}

TEST(dprintf_on_a_bad_fd_fails)
{
	int fd = open("/dev/null", O_RDONLY);

	ASSERT_LE(0, fd);
	close(fd);
	EXPECT_EQ(-1, nb_dprintf(fd, "%s\n", "lost"));
	EXPECT_EQ(EBADF, errno);
}

/* printf is line-buffered on fd 1: a partial line waits for its '\n'. */
TEST(printf_writes_whole_lines)
{
	int fds[2], saved = dup(STDOUT_FILENO);
	char got[64];

	ASSERT_LE(0, saved);
	ASSERT_EQ(0, pipe_nonblock(fds));
	ASSERT_EQ(STDOUT_FILENO, dup2(fds[1], STDOUT_FILENO));
	EXPECT_EQ(3, nb_printf("%s", "abc"));
	EXPECT_EQ('d', nb_putchar('d'));
	EXPECT_EQ(-1, drain(fds[0], got, sizeof(got))); /* nothing yet: EAGAIN */
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(4, nb_printf("%d!\n", 42));
	drain(fds[0], got, sizeof(got));
	EXPECT_STREQ("abcd42!\n", got);
	EXPECT_EQ('\n', nb_putchar('\n'));
	drain(fds[0], got, sizeof(got));
	EXPECT_STREQ("\n", got);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(fds[0]);
	close(fds[1]);
}

/* exit(3) writes out a partial line, as it flushes stdio's streams. */
TEST(exit_writes_the_partial_line)
{
	int fds[2], status;
	char got[64];
	pid_t pid;

	ASSERT_EQ(0, pipe(fds));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		nb_printf("no newline %d", 7);
		exit(0);
	}
	close(fds[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	drain(fds[0], got, sizeof(got));
	EXPECT_STREQ("no newline 7", got);
	close(fds[0]);
}

TEST_HARNESS_MAIN
