/* runtime/lines.c, the line reader over read(2) that stands in for fopen + fgets/getline. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lines.h"

/* A file holding text, its path in path (a template under /tmp). */
static void make_file(struct __test_metadata *_metadata, char *path, const char *text, size_t len)
{
	int fd = mkstemp(path);

	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)len, write(fd, text, len));
	close(fd);
}

TEST(lines_without_their_newline)
{
	char path[] = "/tmp/unit_lines.XXXXXX";
	struct lines r;

	make_file(_metadata, path, "one\n\nthree  \nlast", 17);
	ASSERT_EQ(0, lines_open(&r, path));
	EXPECT_STREQ("one", lines_next(&r));
	EXPECT_STREQ("", lines_next(&r));
	EXPECT_STREQ("three  ", lines_next(&r));
	EXPECT_STREQ("last", lines_next(&r)); /* no '\n' at the end: still a line */
	EXPECT_EQ(NULL, lines_next(&r));
	EXPECT_EQ(NULL, lines_next(&r));
	EXPECT_EQ(0, r.error);
	lines_close(&r);
	unlink(path);
}

TEST(an_empty_file_has_no_line)
{
	char path[] = "/tmp/unit_lines.XXXXXX";
	struct lines r;

	make_file(_metadata, path, "", 0);
	ASSERT_EQ(0, lines_open(&r, path));
	EXPECT_EQ(NULL, lines_next(&r));
	EXPECT_EQ(0, r.error);
	lines_close(&r);
	unlink(path);
}

/* Longer than the first buffer (1 KB), as getline's: the buffer grows, no line is split. */
TEST(long_lines_come_whole)
{
	char path[] = "/tmp/unit_lines.XXXXXX";
	size_t len = 10000;
	char *text = malloc(2 * len + 5), *line;
	struct lines r;

	ASSERT_NE(NULL, text);
	memset(text, 'a', len);
	text[len] = '\n';
	memset(text + len + 1, 'b', len);
	strcpy(text + 2 * len + 1, "\nc\n");
	make_file(_metadata, path, text, 2 * len + 3);
	ASSERT_EQ(0, lines_open(&r, path));
	line = lines_next(&r);
	ASSERT_NE(NULL, line);
	EXPECT_EQ(len, strlen(line));
	EXPECT_EQ(0, strncmp(line, text, len));
	line = lines_next(&r);
	ASSERT_NE(NULL, line);
	EXPECT_EQ(len, strlen(line));
	EXPECT_EQ('b', line[len - 1]);
	EXPECT_STREQ("c", lines_next(&r));
	EXPECT_EQ(NULL, lines_next(&r));
	EXPECT_EQ(0, r.error);
	lines_close(&r);
	unlink(path);
	free(text);
}

/* A file that cannot be opened reads as empty, with the reason in r.error. */
TEST(a_missing_file_reads_as_empty)
{
	struct lines r;

	EXPECT_EQ(-ENOENT, lines_open(&r, "/nonexistent/unit_lines"));
	EXPECT_EQ(ENOENT, r.error);
	EXPECT_EQ(NULL, lines_next(&r));
	lines_close(&r);
}

/* A read error ends the lines, and is told apart from the end: a directory opens, then
 * read(2) fails with EISDIR. */
TEST(a_read_error_is_not_the_end)
{
	struct lines r;

	ASSERT_EQ(0, lines_open(&r, "/"));
	EXPECT_EQ(NULL, lines_next(&r));
	EXPECT_EQ(EISDIR, r.error);
	lines_close(&r);
}

/* /proc files come in pieces (seq_file's pages): the lines are those of a plain read. */
TEST(proc_mountinfo_as_read_whole)
{
	char whole[1 << 16];
	size_t len = 0, lines = 0, chars = 0;
	ssize_t n;
	struct lines r;
	int fd = open("/proc/self/mountinfo", O_RDONLY);

	ASSERT_LE(0, fd);
	while ((n = read(fd, whole + len, sizeof(whole) - len)) > 0)
		len += (size_t)n;
	close(fd);
	ASSERT_LT(len, sizeof(whole));
	ASSERT_EQ(0, lines_open(&r, "/proc/self/mountinfo"));
	for (char *line; (line = lines_next(&r)); lines++) {
		EXPECT_EQ(0, strncmp(line, whole + chars, strlen(line)));
		chars += strlen(line) + 1;
	}
	EXPECT_EQ(0, r.error);
	EXPECT_EQ(len, chars);
	EXPECT_LT(0, lines);
	lines_close(&r);
}

TEST_HARNESS_MAIN
