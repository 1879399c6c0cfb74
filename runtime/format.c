/* Our printf family for the conversions nestbox uses: see include/format.h. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format.h"

/* Where the output goes: a caller's string, or a buffer that is written to fd when full. */
struct sink {
	char *buf;
	size_t size;  /* bytes buf holds */
	size_t fill;  /* bytes in buf now */
	size_t total; /* bytes of output so far, stored or not: the return value */
	int fd;	      /* -1: buf is the caller's string (snprintf); else write(2) it to fd */
	int failed;   /* a write failed: the rest of the call is counted, not written */
	int newline;  /* a '\n' went in (line buffering of printf) */
};

/* One conversion as written: %[flags][width][.precision][length]conversion. */
struct field {
	int left;  /* '-': pad on the right */
	int zero;  /* '0': pad numbers with zeros */
	int width; /* the least bytes the field takes */
	int prec;  /* -1 when none: integers' least digits, strings' most bytes */
	int len;   /* -2 hh, -1 h, 0 none, 1 l, 2 ll, 3 z */
};

enum { LEN_HH = -2, LEN_H, LEN_NONE, LEN_L, LEN_LL, LEN_Z };

static void sink_flush(struct sink *s)
{
	size_t off = 0;

	while (off < s->fill && !s->failed) {
		ssize_t n = write(s->fd, s->buf + off, s->fill - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			s->failed = 1;
		else
			off += (size_t)n;
	}
	s->fill = 0;
}

static void put(struct sink *s, const char *p, size_t n)
{
	s->total += n;
	for (; n; n--, p++) {
		if (s->fd >= 0 && s->fill == s->size)
			sink_flush(s);
		/* a string keeps its last byte for the NUL */
		if (s->fill + (s->fd < 0) < s->size)
			s->buf[s->fill++] = *p;
		s->newline |= *p == '\n';
	}
}

static void pad(struct sink *s, char c, size_t n)
{
	while (n--)
		put(s, &c, 1);
}

/* sign, then zeros, then body, padded with spaces to the field's width. */
static void emit(struct sink *s, const struct field *f, const char *sign, size_t zeros,
		 const char *body, size_t len)
{
	size_t n = strlen(sign) + zeros + len;
	size_t spaces = (size_t)f->width > n ? (size_t)f->width - n : 0;

	if (!f->left)
		pad(s, ' ', spaces);
	put(s, sign, strlen(sign));
	pad(s, '0', zeros);
	put(s, body, len);
	if (f->left)
		pad(s, ' ', spaces);
}

/* Digits or '*' (an int argument) at *p; INT_MAX stands for any larger number. */
static int number(const char **p, va_list *ap)
{
	int n = 0;

	if (**p == '*') {
		(*p)++;
		return va_arg(*ap, int);
	}
	for (; **p >= '0' && **p <= '9'; (*p)++)
		n = n <= (INT_MAX - 9) / 10 ? n * 10 + (**p - '0') : INT_MAX;
	return n;
}

/* The integer argument as the length modifier says, as a sign and a magnitude. */
static unsigned long long integer(va_list *ap, int len, int is_signed, int *negative)
{
	long long v;

	if (!is_signed) {
		*negative = 0;
		if (len == LEN_LL)
			return va_arg(*ap, unsigned long long);
		if (len == LEN_L)
			return va_arg(*ap, unsigned long);
		if (len == LEN_Z)
			return va_arg(*ap, size_t);
		v = va_arg(*ap, unsigned);
		return len == LEN_H    ? (unsigned short)v
		       : len == LEN_HH ? (unsigned char)v
				       : (unsigned)v;
	}
	if (len == LEN_LL)
		v = va_arg(*ap, long long);
	else if (len == LEN_L)
		v = va_arg(*ap, long);
	else if (len == LEN_Z)
		v = va_arg(*ap, ssize_t);
	else
		v = va_arg(*ap, int);
	if (len == LEN_H)
		v = (short)v;
	else if (len == LEN_HH)
		v = (signed char)v;
	*negative = v < 0;
	return v < 0 ? -(unsigned long long)v : (unsigned long long)v;
}

static void emit_integer(struct sink *s, struct field *f, char conv, va_list *ap)
{
	static const char hex[] = "0123456789abcdef0123456789ABCDEF";
	char digits[3 * sizeof(unsigned long long)];
	char *d = digits + sizeof(digits);
	unsigned base = conv == 'x' || conv == 'X' ? 16 : 10;
	int negative;
	unsigned long long v = integer(ap, f->len, conv == 'd' || conv == 'i', &negative);
	size_t len, zeros = 0;
	const char *sign = negative ? "-" : "";

	do
		*--d = hex[v % base + (conv == 'X' ? 16 : 0)];
	while (v /= base);
	len = (size_t)(digits + sizeof(digits) - d);
	if (f->prec == 0 && *d == '0') /* C: zero with precision 0 is no digit at all */
		len = 0;
	if (f->prec >= 0) /* C: with a precision the '0' flag is ignored */
		zeros = (size_t)f->prec > len ? (size_t)f->prec - len : 0;
	else if (f->zero && !f->left && (size_t)f->width > len + negative)
		zeros = (size_t)f->width - len - negative;
	emit(s, f, sign, zeros, d, len);
}

/* Writes the conversion at spec ('%' ...) and returns what follows it, or writes the marker
 * and returns NULL for a conversion it does not know. */
static const char *convert(struct sink *s, const char *spec, va_list *ap)
{
	struct field f = { 0, 0, 0, -1, LEN_NONE };
	const char *p = spec + 1;
	const char *str;
	char c;

	for (; *p == '-' || *p == '0'; p++)
		*(*p == '-' ? &f.left : &f.zero) = 1;
	f.width = number(&p, ap);
	if (f.width < 0) { /* C: a negative '*' width is a '-' flag and its absolute value */
		f.left = 1;
		f.width = f.width == INT_MIN ? INT_MAX : -f.width;
	}
	if (*p == '.') {
		p++;
		f.prec = number(&p, ap);
		if (f.prec < 0) /* C: a negative '*' precision is as if none was given */
			f.prec = -1;
	}
	if (*p == 'h' || *p == 'l') {
		f.len = *p == 'h' ? LEN_H : LEN_L;
		p++;
		if (*p == p[-1]) { /* hh, ll */
			f.len *= 2;
			p++;
		}
	} else if (*p == 'z') {
		f.len = LEN_Z;
		p++;
	}
	switch (*p) {
	case 'd':
	case 'i':
	case 'u':
	case 'x':
	case 'X':
		emit_integer(s, &f, *p, ap);
		return p + 1;
	case 'c':
	case 's':
		if (f.len != LEN_NONE) /* %lc, %ls: wide characters */
			break;
		if (*p == 'c') {
			c = (char)va_arg(*ap, int);
			emit(s, &f, "", 0, &c, 1);
			return p + 1;
		}
		str = va_arg(*ap, const char *);
		if (!str)
			str = "(null)"; /* as musl and glibc print it */
		emit(s, &f, "", 0, str, f.prec >= 0 ? strnlen(str, (size_t)f.prec) : strlen(str));
		return p + 1;
	}
	put(s, "%!", 2);
	put(s, spec + 1, (size_t)(p - spec) - (*p == '\0'));
	return NULL;
}

static void format(struct sink *s, const char *fmt, va_list *ap)
{
	while (fmt && *fmt) {
		size_t lit = strcspn(fmt, "%");

		put(s, fmt, lit);
		fmt += lit;
		if (fmt[0] == '%' && fmt[1] == '%') {
			put(s, "%", 1);
			fmt += 2;
		} else if (*fmt) {
			fmt = convert(s, fmt, ap);
		}
	}
}

static int result(const struct sink *s)
{
	if (s->failed)
		return -1;
	if (s->total > INT_MAX) {
		errno = EOVERFLOW;
		return -1;
	}
	return (int)s->total;
}

int nb_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = { buf, size, 0, 0, -1, 0, 0 };
	va_list aq;

	va_copy(aq, ap);
	format(&s, fmt, &aq);
	va_end(aq);
	if (size)
		buf[s.fill] = '\0';
	return result(&s);
}

int nb_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = nb_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

#ifndef NB_UNIT_TEST
/* musl's inet_ntop calls snprintf: this one, so that nothing links musl's vfprintf. */
#undef snprintf
int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
    __attribute__((alias("nb_snprintf")));
#endif

int nb_asprintf(char **out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = nb_vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !(*out = malloc((size_t)n + 1)))
		return -1;
	va_start(ap, fmt);
	nb_vsnprintf(*out, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return n;
}

/* A message under this size leaves in one write(2), so that lines from several processes on
 * one pipe or terminal do not interleave. */
enum { DPRINTF_STAGE = 512 };

int nb_vdprintf(int fd, const char *fmt, va_list ap)
{
	char stage[DPRINTF_STAGE];
	struct sink s = { stage, sizeof(stage), 0, 0, fd, 0, 0 };
	va_list aq;

	va_copy(aq, ap);
	format(&s, fmt, &aq);
	va_end(aq);
	sink_flush(&s);
	return result(&s);
}

int nb_dprintf(int fd, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = nb_vdprintf(fd, fmt, ap);
	va_end(ap);
	return n;
}

void nb_log_line(const char *fmt, ...)
{
	char stage[DPRINTF_STAGE];
	struct sink s = { stage, sizeof(stage), 0, 0, STDERR_FILENO, 0, 0 };
	va_list ap;

	put(&s, NB_LOG_LINE_PREFIX, sizeof(NB_LOG_LINE_PREFIX) - 1);
	va_start(ap, fmt);
	format(&s, fmt, &ap);
	va_end(ap);
	put(&s, "\n", 1);
	sink_flush(&s);
}

/* stdout, line-buffered as stdio(3) makes it on a terminal. */
static char stdout_buf[1024];
static struct sink stdout_sink = { stdout_buf, sizeof(stdout_buf), 0, 0, STDOUT_FILENO, 0, 0 };

/* exit(3) runs the destructors (musl: __libc_exit_fini), as it flushes stdio's streams. */
__attribute__((destructor)) static void stdout_flush_at_exit(void)
{
	sink_flush(&stdout_sink);
}

/* A new call on stdout: its own count, and a write error of an earlier one forgotten. */
static void stdout_begin(void)
{
	stdout_sink.total = 0;
	stdout_sink.failed = 0;
	stdout_sink.newline = 0;
}

static void stdout_end(void)
{
	if (stdout_sink.newline)
		sink_flush(&stdout_sink);
}

int nb_printf(const char *fmt, ...)
{
	va_list ap;

	stdout_begin();
	va_start(ap, fmt);
	format(&stdout_sink, fmt, &ap);
	va_end(ap);
	stdout_end();
	return result(&stdout_sink);
}

int nb_putchar(int c)
{
	char ch = (char)c;

	stdout_begin();
	put(&stdout_sink, &ch, 1);
	stdout_end();
	return stdout_sink.failed ? EOF : (unsigned char)ch;
}
