/* runtime/strto.c, the strtol family the musl build links instead of musl's: value, end and
 * errno against glibc's, for every function, over signs, blanks, bases, prefixes and the
 * edges of each type. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "kselftest_harness.h"
#include "strto.h"

static const char *const inputs[] = {
	"0",
	"1",
	"-1",
	"+1",
	"42",
	"  \t\n\v\f\r42x",
	"- 1",
	"+-1",
	"",
	" ",
	"x",
	"-",
	"+",
	"007",
	"08",
	"0x",
	"0x1f",
	"0X1F",
	"-0x10",
	"0xg",
	"0x 1",
	"z",
	"Zz",
	"1e3",
	"12abc",
	"2147483647",
	"2147483648",
	"-2147483648",
	"-2147483649",
	"4294967295",
	"4294967296",
	"-4294967295",
	"-4294967296",
	"9223372036854775807",
	"9223372036854775808",
	"-9223372036854775808",
	"-9223372036854775809",
	"18446744073709551615",
	"18446744073709551616",
	"-18446744073709551615",
	"-18446744073709551616",
	"99999999999999999999999999",
	"-99999999999999999999999999",
	"0xffffffffffffffff",
	"0x10000000000000000",
	"777777777777777777777",
	"1777777777777777777777",
	"2000000000000000000000",
	"\xff"
	"1",
	"1\xff",
};
static const int bases[] = { 0, 2, 8, 10, 16, 36 };

#define SAME(type, ours, libc)                                                               \
	do {                                                                                 \
		for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++)              \
			for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {      \
				char *end_ours, *end_libc;                                   \
				int errno_ours, errno_libc;                                  \
				type v_ours, v_libc;                                         \
                                                                                             \
				errno = 0;                                                   \
				v_libc = libc(inputs[i], &end_libc, bases[b]);               \
				errno_libc = errno;                                          \
				errno = 0;                                                   \
				v_ours = ours(inputs[i], &end_ours, bases[b]);               \
				errno_ours = errno;                                          \
				EXPECT_EQ(v_libc, v_ours)                                    \
				TH_LOG("%s(\"%s\", %d)", #libc, inputs[i], bases[b]);        \
				EXPECT_EQ(end_libc - inputs[i], end_ours - inputs[i])        \
				TH_LOG("%s(\"%s\", %d): end", #libc, inputs[i], bases[b]);   \
				EXPECT_EQ(errno_libc, errno_ours)                            \
				TH_LOG("%s(\"%s\", %d): errno", #libc, inputs[i], bases[b]); \
			}                                                                    \
	} while (0)

TEST(strtol_as_glibc)
{
	SAME(long, nb_strtol, strtol);
}

TEST(strtoll_as_glibc)
{
	SAME(long long, nb_strtoll, strtoll);
}

TEST(strtoul_as_glibc)
{
	SAME(unsigned long, nb_strtoul, strtoul);
}

TEST(strtoull_as_glibc)
{
	SAME(unsigned long long, nb_strtoull, strtoull);
}

TEST(end_may_be_null)
{
	EXPECT_EQ(-12, nb_strtol("-12", NULL, 10));
	EXPECT_EQ(255ULL, nb_strtoull("ff", NULL, 16));
}

TEST_HARNESS_MAIN
