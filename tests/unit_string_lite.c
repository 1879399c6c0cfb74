/* runtime/string_lite.c: the byte-at-a-time string functions the musl build links in place of
 * musl's, each against glibc's over every offset and length of small buffers (memmove over
 * every overlap, both ways) and over sets of strings that have the edge cases: empty strings
 * and sets, bytes above 127, a NUL looked for, n of 0 and n past the end. */
#include <string.h>
#include <strings.h>

#include "kselftest_harness.h"
#include "string_lite.h"

#define LEN 40

static void fill(unsigned char *b, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (unsigned char)(seed + i * 37 + (i >> 2) * 101);
}

TEST(memcpy_every_offset_and_length)
{
	unsigned char src[LEN], ours[LEN], theirs[LEN];

	fill(src, LEN, 1);
	for (size_t at = 0; at < LEN; at++)
		for (size_t n = 0; at + n <= LEN; n++) {
			fill(ours, LEN, 2);
			fill(theirs, LEN, 2);
			EXPECT_EQ(ours + at, nb_memcpy(ours + at, src, n));
			memcpy(theirs + at, src, n);
			EXPECT_EQ(0, memcmp(ours, theirs, LEN)) TH_LOG("at %zu, n %zu", at, n);
		}
}

/* Every source and destination offset in one buffer, overlapping either way or not at all. */
TEST(memmove_every_overlap)
{
	unsigned char ours[LEN], theirs[LEN];

	for (size_t from = 0; from < LEN; from++)
		for (size_t to = 0; to < LEN; to++)
			for (size_t n = 0; from + n <= LEN && to + n <= LEN; n++) {
				fill(ours, LEN, 3);
				fill(theirs, LEN, 3);
				EXPECT_EQ(ours + to, nb_memmove(ours + to, ours + from, n));
				memmove(theirs + to, theirs + from, n);
				ASSERT_EQ(0, memcmp(ours, theirs, LEN))
				TH_LOG("from %zu, to %zu, n %zu", from, to, n);
			}
}

TEST(memset_every_offset_and_length)
{
	static const int values[] = { 0, 'x', 0xff, 0x1ab, -1 };
	unsigned char ours[LEN], theirs[LEN];

	for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++)
		for (size_t at = 0; at < LEN; at++)
			for (size_t n = 0; at + n <= LEN; n++) {
				fill(ours, LEN, 4);
				fill(theirs, LEN, 4);
				EXPECT_EQ(ours + at, nb_memset(ours + at, values[v], n));
				memset(theirs + at, values[v], n);
				EXPECT_EQ(0, memcmp(ours, theirs, LEN))
				TH_LOG("at %zu, n %zu", at, n);
			}
}

static const char *const strings[] = {
	"",	 "a",	       "A",    "ab",	    "aB",	 "abc",	      "ABC",
	"abd",	 "b",	       "/a/b", "rw,nosuid", "RW,NOSUID", "\xe9t\xe9", "\xc9T\xc9",
	" \t x", "0123456789", "[@`{", "Zz",	    "zZ",
};
#define N_STRINGS (sizeof(strings) / sizeof(strings[0]))

/* Every byte of every string, the NUL, and ones not in it; c above 255 is cut to a char. */
TEST(memchr_strchrnul_strlen_as_glibc)
{
	static const int chars[] = { 0, 'a', 'b', '/', ',', 0xe9, 0x100 + 'a', 'q' };

	for (size_t i = 0; i < N_STRINGS; i++) {
		const char *s = strings[i];
		size_t len = strlen(s);

		EXPECT_EQ(len, nb_strlen(s));
		for (size_t c = 0; c < sizeof(chars) / sizeof(chars[0]); c++) {
			EXPECT_EQ(strchrnul(s, chars[c]), nb_strchrnul(s, chars[c]))
			TH_LOG("strchrnul(\"%s\", %d)", s, chars[c]);
			for (size_t n = 0; n <= len + 1; n++) {
				EXPECT_EQ(memchr(s, chars[c], n), nb_memchr(s, chars[c], n))
				TH_LOG("memchr(\"%s\", %d, %zu)", s, chars[c], n);
			}
		}
	}
}

TEST(strspn_strcspn_as_glibc)
{
	static const char *const sets[] = {
		"",  "a",   "ab",	  "ba",	  "/",
		",", " \t", "0123456789", "\xe9", "abcdefghijklmnopqrstuvwxyz"
	};

	for (size_t i = 0; i < N_STRINGS; i++)
		for (size_t k = 0; k < sizeof(sets) / sizeof(sets[0]); k++)
			for (const char *p = strings[i]; p <= strings[i] + strlen(strings[i]);
			     p++) {
				EXPECT_EQ(strspn(p, sets[k]), nb_strspn(p, sets[k]))
				TH_LOG("strspn(\"%s\", \"%s\")", p, sets[k]);
				EXPECT_EQ(strcspn(p, sets[k]), nb_strcspn(p, sets[k]))
				TH_LOG("strcspn(\"%s\", \"%s\")", p, sets[k]);
			}
}

/* The copy, the padding of stpncpy up to n, the bytes after n untouched, the end returned. */
TEST(stpcpy_stpncpy_as_glibc)
{
	for (size_t i = 0; i < N_STRINGS; i++) {
		char ours[LEN], theirs[LEN];
		const char *s = strings[i];

		memset(ours, '#', LEN);
		memset(theirs, '#', LEN);
		EXPECT_EQ(ours + (stpcpy(theirs, s) - theirs), nb_stpcpy(ours, s));
		EXPECT_EQ(0, memcmp(ours, theirs, LEN)) TH_LOG("stpcpy(\"%s\")", s);
		for (size_t n = 0; n < 20; n++) {
			memset(ours, '#', LEN);
			memset(theirs, '#', LEN);
			EXPECT_EQ(ours + (stpncpy(theirs, s, n) - theirs), nb_stpncpy(ours, s, n));
			EXPECT_EQ(0, memcmp(ours, theirs, LEN))
			TH_LOG("stpncpy(\"%s\", %zu)", s, n);
		}
	}
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

/* The sign of every pair's comparison, and with every n up to past both ends; case folds only
 * A-Z (the C locale: 0xc9 and 0xe9 differ), and '[' '@' '`' '{' are not letters. */
TEST(strcasecmp_strncasecmp_as_glibc)
{
	for (size_t i = 0; i < N_STRINGS; i++)
		for (size_t k = 0; k < N_STRINGS; k++) {
			const char *a = strings[i], *b = strings[k];

			EXPECT_EQ(sign(strcasecmp(a, b)), sign(nb_strcasecmp(a, b)))
			TH_LOG("strcasecmp(\"%s\", \"%s\")", a, b);
			for (size_t n = 0; n < 12; n++) {
				EXPECT_EQ(sign(strncasecmp(a, b, n)), sign(nb_strncasecmp(a, b, n)))
				TH_LOG("strncasecmp(\"%s\", \"%s\", %zu)", a, b, n);
			}
		}
}

TEST_HARNESS_MAIN
