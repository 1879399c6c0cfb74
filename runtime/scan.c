/* Line parsers without sscanf: see include/scan.h. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "scan.h"

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static size_t field_len(const char *p)
{
	return strcspn(p, " \t\n");
}

const char *scan_blanks(const char *p)
{
	while (p && is_blank(*p))
		p++;
	return p;
}

const char *scan_field(const char *p, unsigned n)
{
	for (p = scan_blanks(p); p && n; n--)
		p = scan_blanks(p + field_len(p));
	return p && field_len(p) ? p : NULL;
}

const char *scan_word(const char *p, char *out, size_t size)
{
	size_t len;

	p = scan_blanks(p);
	len = p ? field_len(p) : 0;
	if (size)
		out[0] = '\0';
	if (!len || len >= size)
		return NULL;
	memcpy(out, p, len);
	out[len] = '\0';
	return p + len;
}

static unsigned digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (unsigned)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (unsigned)(c - 'A' + 10);
	return 99;
}

const char *scan_unsigned(const char *p, unsigned base, unsigned long long max,
			  unsigned long long *v)
{
	unsigned long long n = 0;
	const char *start = p;
	unsigned d;

	if (!p)
		return NULL;
	for (; (d = digit_value(*p)) < base; p++) {
		if (d > max || n > (max - d) / base)
			return NULL;
		n = n * base + d;
	}
	if (p == start)
		return NULL;
	*v = n;
	return p;
}

const char *scan_prefix(const char *p, const char *prefix)
{
	size_t len = strlen(prefix);

	return p && !strncmp(p, prefix, len) ? p + len : NULL;
}

const char *scan_proc_stat(int pid, char *buf, size_t size)
{
	char path[32];
	ssize_t n;
	char *p;
	int fd;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/stat");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p ? scan_field(p + 1, 0) : NULL;
}
