/* runtime/scan.c, the line parsers that stand in for sscanf: fields, words, numbers and
 * prefixes, on the kernel's own lines (/proc/cgroups, /proc/PID/stat, mountinfo). */
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "scan.h"

TEST(blanks_are_spaces_and_tabs_only)
{
	const char *s = " \t x";

	EXPECT_EQ(s + 3, scan_blanks(s));
	EXPECT_EQ(s + 3, scan_blanks(s + 3));
	s = "\nx"; /* a newline ends the line: not a blank */
	EXPECT_EQ(s, scan_blanks(s));
	EXPECT_EQ(NULL, scan_blanks(NULL));
}

TEST(fields_stay_on_their_line)
{
	const char *s = "  a bb\tccc  \nd";

	EXPECT_EQ(s + 2, scan_field(s, 0));
	EXPECT_EQ(s + 4, scan_field(s, 1));
	EXPECT_EQ(s + 7, scan_field(s, 2));
	EXPECT_EQ(NULL, scan_field(s, 3)); /* "d" is on the next line */
	EXPECT_EQ(NULL, scan_field("", 0));
	EXPECT_EQ(NULL, scan_field("   ", 0));
	EXPECT_EQ(NULL, scan_field(NULL, 0));
}

TEST(words_are_copied_whole_or_not_at_all)
{
	char out[4] = "old";

	EXPECT_STREQ(" y", scan_word(" abc y", out, sizeof(out)));
	EXPECT_STREQ("abc", out);
	EXPECT_STREQ("\n", scan_word("ab\n", out, sizeof(out)));
	EXPECT_STREQ("ab", out);
	EXPECT_EQ(NULL, scan_word("abcd", out, sizeof(out))); /* no room for the NUL */
	EXPECT_STREQ("", out);
	strcpy(out, "old");
	EXPECT_EQ(NULL, scan_word("  \n", out, sizeof(out)));
	EXPECT_STREQ("", out);
	strcpy(out, "old");
	EXPECT_EQ(NULL, scan_word(NULL, out, sizeof(out)));
	EXPECT_STREQ("", out);
}

TEST(unsigned_numbers)
{
	unsigned long long v = 7;

	EXPECT_STREQ(" x", scan_unsigned("123 x", 10, ~0ULL, &v));
	EXPECT_EQ(123ULL, v);
	EXPECT_STREQ("", scan_unsigned("0064", 10, 100, &v));
	EXPECT_EQ(64ULL, v);
	EXPECT_STREQ("g", scan_unsigned("3fFg", 16, ~0U, &v));
	EXPECT_EQ(0x3ffULL, v);
	EXPECT_STREQ("a", scan_unsigned("9a", 10, ~0ULL, &v)); /* 'a' is no decimal digit */
	EXPECT_EQ(9ULL, v);
	EXPECT_STREQ("", scan_unsigned("18446744073709551615", 10, ~0ULL, &v));
	EXPECT_EQ(~0ULL, v);
	EXPECT_STREQ("", scan_unsigned("4294967295", 10, ~0U, &v));
	EXPECT_EQ(4294967295ULL, v);

	/* refused, v left as it was */
	v = 7;
	EXPECT_EQ(NULL, scan_unsigned("18446744073709551616", 10, ~0ULL, &v)); /* 2^64 */
	EXPECT_EQ(NULL, scan_unsigned("4294967296", 10, ~0U, &v));
	EXPECT_EQ(NULL, scan_unsigned("3", 10, 2, &v));
	EXPECT_EQ(NULL, scan_unsigned("10", 10, 9, &v));
	EXPECT_EQ(NULL, scan_unsigned("", 10, ~0ULL, &v));
	EXPECT_EQ(NULL, scan_unsigned(" 1", 10, ~0ULL, &v));
	EXPECT_EQ(NULL, scan_unsigned("-1", 10, ~0ULL, &v));
	EXPECT_EQ(NULL, scan_unsigned("+1", 10, ~0ULL, &v));
	EXPECT_EQ(NULL, scan_unsigned("x1", 16, ~0ULL, &v));
	EXPECT_EQ(NULL, scan_unsigned(NULL, 10, ~0ULL, &v));
	EXPECT_EQ(7ULL, v);
	EXPECT_STREQ("x1", scan_unsigned("0x1", 16, ~0ULL, &v)); /* no "0x" prefix: 0, then x */
	EXPECT_EQ(0ULL, v);
}

TEST(prefixes)
{
	EXPECT_STREQ("1", scan_prefix("ino=1", "ino="));
	EXPECT_STREQ("", scan_prefix("ino=", "ino="));
	EXPECT_EQ(NULL, scan_prefix(" ino=1", "ino="));
	EXPECT_EQ(NULL, scan_prefix("ino", "ino="));
	EXPECT_EQ(NULL, scan_prefix(NULL, "ino="));
}

/* The chains the runtime uses, on real lines. */
TEST(proc_stat_after_the_command_name)
{
	/* proc(5): the name may hold spaces and ')'; the fields start after the last ')' */
	const char *line = "4242 (a) b (c)) S 17 4242 4242 0 -1 4194560 112 0 0 0 0 0 0 0 20 0 "
			   "1 0 987654 4325376 199 18446744073709551615 1 1 0 0 0 0 0\n";
	const char *p = scan_field(strrchr(line, ')') + 1, 0);
	unsigned long long ppid = 0, start = 0;

	ASSERT_NE(NULL, p);
	EXPECT_EQ('S', *p);
	EXPECT_NE(NULL, scan_unsigned(scan_field(p, 1), 10, ~0ULL, &ppid));
	EXPECT_EQ(17ULL, ppid);
	EXPECT_NE(NULL, scan_unsigned(scan_field(p, 22 - 3), 10, ~0ULL, &start));
	EXPECT_EQ(987654ULL, start);
	EXPECT_EQ(NULL, scan_field(p, 60));
}

TEST(proc_cgroups_and_mountinfo)
{
	const char *cgroups = "#subsys_name\thierarchy\tnum_cgroups\tenabled\n"
			      "cpuset\t2\t1\t1\nmemory\t0\t12\t0\n";
	const char *mountinfo =
	    "36 35 98:0 /mnt1 /proc/sys rw,noatime master:1 - ext3 /dev/root rw";
	const char *line = strchr(cgroups, '\n') + 1;
	unsigned long long enabled = 9;
	char name[32];

	EXPECT_NE(NULL, scan_word(line, name, sizeof(name)));
	EXPECT_STREQ("cpuset", name);
	EXPECT_NE(NULL, scan_unsigned(scan_field(line, 3), 10, ~0ULL, &enabled));
	EXPECT_EQ(1ULL, enabled);
	line = strchr(line, '\n') + 1;
	EXPECT_NE(NULL, scan_unsigned(scan_field(line, 3), 10, ~0ULL, &enabled));
	EXPECT_EQ(0ULL, enabled);
	EXPECT_EQ(0, strncmp(scan_field(mountinfo, 4), "/proc/sys ", 10));
}

/* /proc/self/stat: the field after the command name is the state (R: running, reading it),
 * field 4 the parent's pid; a process that does not exist reads as NULL. */
TEST(proc_stat_fields_after_the_command_name)
{
	char buf[1024];
	const char *p = scan_proc_stat(0, buf, sizeof(buf));
	unsigned long long ppid = 0;

	ASSERT_NE(NULL, p);
	EXPECT_EQ('R', *p);
	ASSERT_NE(NULL, scan_unsigned(scan_field(p, 4 - 3), 10, ~0ULL, &ppid));
	EXPECT_EQ((unsigned long long)getppid(), ppid);
	EXPECT_EQ(NULL, scan_proc_stat(0x7fffffff, buf, sizeof(buf)));
}

TEST_HARNESS_MAIN
