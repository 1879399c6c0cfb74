/* strtol, strtoul, strtoll and strtoull as C11 7.22.1.4 says, in place of musl's: those read
 * through a FILE (__intscan, shgetc, __uflow), which links the stdio layer's locks and
 * exit-time flush for a handful of numbers. The musl build links these under the libc names
 * (the callers are unchanged); the unit build tests them by their nb_ names against glibc. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>

#include "strto.h"

static bool is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r'); /* isspace(3) in the C locale */
}

/* The value of c as a digit of bases up to 36; 36 or more for any other character. */
static unsigned digit(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	c |= 0x20; /* 'A' -> 'a' */
	return c >= 'a' && c <= 'z' ? (unsigned)(c - 'a' + 10) : 36;
}

/* The number at s, with max the type's largest value: its bits as an unsigned long long
 * (negated when a '-' came first), clamped with ERANGE when out of range. */
static unsigned long long strto(const char *s, char **end, int base, unsigned long long max,
				bool is_signed)
{
	const char *start = s;
	unsigned long long v = 0, limit;
	bool negative = false, any = false, over = false;
	unsigned d;

	while (is_space(*s))
		s++;
	if (*s == '-' || *s == '+')
		negative = *s++ == '-';
	if ((base == 0 || base == 16) && s[0] == '0' && (s[1] | 0x20) == 'x' && digit(s[2]) < 16) {
		s += 2; /* "0x" counts only with a hex digit after it */
		base = 16;
	} else if (base == 0) {
		base = *s == '0' ? 8 : 10;
	}
	if (base < 2 || base > 36) {
		errno = EINVAL;
		base = 0; /* no digit: the end is the start */
	}
	/* signed: one more below zero than above (LONG_MIN is -LONG_MAX - 1) */
	limit = is_signed && negative ? max + 1 : max;
	for (; (d = digit(*s)) < (unsigned)base; s++, any = true) {
		if (v > (limit - d) / (unsigned)base)
			over = true;
		else
			v = v * (unsigned)base + d;
	}
	if (end)
		*end = (char *)(any ? s : start);
	if (over) {
		errno = ERANGE;
		return is_signed && negative ? 0 - limit : max;
	}
	return negative ? 0 - v : v;
}

long nb_strtol(const char *s, char **end, int base)
{
	return (long)strto(s, end, base, LONG_MAX, true);
}

long long nb_strtoll(const char *s, char **end, int base)
{
	return (long long)strto(s, end, base, LLONG_MAX, true);
}

unsigned long nb_strtoul(const char *s, char **end, int base)
{
	return (unsigned long)strto(s, end, base, ULONG_MAX, false);
}

unsigned long long nb_strtoull(const char *s, char **end, int base)
{
	return strto(s, end, base, ULLONG_MAX, false);
}

#ifndef NB_UNIT_TEST
long strtol(const char *restrict s, char **restrict end, int base)
    __attribute__((alias("nb_strtol")));
long long strtoll(const char *restrict s, char **restrict end, int base)
    __attribute__((alias("nb_strtoll")));
unsigned long strtoul(const char *restrict s, char **restrict end, int base)
    __attribute__((alias("nb_strtoul")));
unsigned long long strtoull(const char *restrict s, char **restrict end, int base)
    __attribute__((alias("nb_strtoull")));
#endif
