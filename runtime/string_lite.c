/* Byte-at-a-time string functions in place of musl's. musl's go a word at a time (aarch64's
 * memcpy and memset are 650 bytes of assembly, strspn and strcspn build bit sets), which pays
 * off on long buffers; nestbox copies and scans paths, option values and files of a few KiB,
 * where a byte loop costs microseconds at most, and the musl versions cost 1.9 KB of the
 * aarch64 binary. The musl build links these under the libc names, also for musl's own
 * callers (strchr, strcpy, strncpy, getenv and execvp call the __ names); the unit build tests
 * them by their nb_ names against glibc's (tests/unit_string_lite.c). */
#include <stdint.h>
#include <string.h>

#include "string_lite.h"

/* gcc turns a copy or fill loop into a call to memcpy or memset, which here would be itself. */
#define NO_LIBCALLS __attribute__((optimize("no-tree-loop-distribute-patterns")))

NO_LIBCALLS void *nb_memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

/* Forward unless dst starts inside src's bytes (then a forward copy would overwrite what it
 * has yet to read): (dst - src) as an unsigned number is below n exactly then. */
NO_LIBCALLS void *nb_memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if ((uintptr_t)d - (uintptr_t)s >= n)
		while (n--)
			*d++ = *s++;
	else
		while (n--)
			d[n] = s[n];
	return dst;
}

NO_LIBCALLS void *nb_memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

void *nb_memchr(const void *src, int c, size_t n)
{
	const unsigned char *s = src;

	for (; n; n--, s++)
		if (*s == (unsigned char)c)
			return (void *)s;
	return NULL;
}

size_t nb_strlen(const char *s)
{
	const char *end = s;

	while (*end)
		end++;
	return (size_t)(end - s);
}

char *nb_strchrnul(const char *s, int c)
{
	while (*s && *(const unsigned char *)s != (unsigned char)c)
		s++;
	return (char *)s;
}

size_t nb_strspn(const char *s, const char *accept)
{
	size_t n = 0;

	while (s[n] && strchr(accept, s[n]))
		n++;
	return n;
}

size_t nb_strcspn(const char *s, const char *reject)
{
	size_t n = 0;

	while (s[n] && !strchr(reject, s[n]))
		n++;
	return n;
}

NO_LIBCALLS char *nb_stpcpy(char *restrict dst, const char *restrict src)
{
	while ((*dst = *src++))
		dst++;
	return dst;
}

/* At most n bytes, the rest of n filled with NULs; the end is the first NUL put, or dst + n. */
NO_LIBCALLS char *nb_stpncpy(char *restrict dst, const char *restrict src, size_t n)
{
	char *end;

	for (; n && *src; n--)
		*dst++ = *src++;
	end = dst;
	while (n--)
		*dst++ = 0;
	return end;
}

/* musl's tolower in the C locale, the only one nestbox runs in. */
static int lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

int nb_strncasecmp(const char *a, const char *b, size_t n)
{
	const unsigned char *l = (const unsigned char *)a, *r = (const unsigned char *)b;

	for (; n && *l && lower(*l) == lower(*r); n--, l++, r++)
		;
	return n ? lower(*l) - lower(*r) : 0;
}

int nb_strcasecmp(const char *a, const char *b)
{
	return nb_strncasecmp(a, b, SIZE_MAX);
}

#ifndef NB_UNIT_TEST
void *memcpy(void *restrict dst, const void *restrict src, size_t n)
    __attribute__((alias("nb_memcpy")));
void *memmove(void *dst, const void *src, size_t n) __attribute__((alias("nb_memmove")));
void *memset(void *dst, int c, size_t n) __attribute__((alias("nb_memset")));
void *memchr(const void *src, int c, size_t n) __attribute__((alias("nb_memchr")));
size_t strlen(const char *s) __attribute__((alias("nb_strlen")));
char *strchrnul(const char *s, int c) __attribute__((alias("nb_strchrnul")));
char *__strchrnul(const char *s, int c) __attribute__((alias("nb_strchrnul")));
size_t strspn(const char *s, const char *accept) __attribute__((alias("nb_strspn")));
size_t strcspn(const char *s, const char *reject) __attribute__((alias("nb_strcspn")));
char *stpcpy(char *restrict dst, const char *restrict src) __attribute__((alias("nb_stpcpy")));
char *__stpcpy(char *restrict dst, const char *restrict src) __attribute__((alias("nb_stpcpy")));
char *stpncpy(char *restrict dst, const char *restrict src, size_t n)
    __attribute__((alias("nb_stpncpy")));
char *__stpncpy(char *restrict dst, const char *restrict src, size_t n)
    __attribute__((alias("nb_stpncpy")));
int strcasecmp(const char *a, const char *b) __attribute__((alias("nb_strcasecmp")));
int strncasecmp(const char *a, const char *b, size_t n) __attribute__((alias("nb_strncasecmp")));
#endif
