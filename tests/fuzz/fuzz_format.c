/* runtime/format.c against the C library's snprintf: the input picks one conversion that
 * include/format.h supports (flags, width, precision, length, '*' arguments), its argument, a
 * literal around it and the buffer size; both must give the same bytes and return value. */
#include "fuzz.h"
#define NB_FORMAT_NO_MACROS
#include "format.h"

#include <sys/types.h>

struct input {
	const uint8_t *p;
	size_t left;
};

static unsigned take(struct input *in, unsigned limit)
{
	unsigned v = 0;

	if (in->left) {
		v = *in->p++;
		in->left--;
	}
	return v % limit;
}

static unsigned long long take64(struct input *in)
{
	unsigned long long v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | take(in, 256);
	return v;
}

/* Same call, with 0, 1 or 2 '*' arguments before the value. */
#define CALL(fn, value)                                    \
	(stars == 0   ? fn(buf, size, fmt, value)          \
	 : stars == 1 ? fn(buf, size, fmt, star[0], value) \
		      : fn(buf, size, fmt, star[0], star[1], value))

#define BOTH(value)                                \
	do {                                       \
		buf = libc;                        \
		n_libc = CALL(snprintf, value);    \
		buf = ours;                        \
		n_ours = CALL(nb_snprintf, value); \
	} while (0)

#pragma GCC diagnostic ignored "-Wformat-nonliteral"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size_in)
{
	static const char convs[] = "diuxXcs";
	static const char *const lens[] = { "", "hh", "h", "l", "ll", "z" };
	struct input in = { data, size_in };
	char fmt[64], libc[160], ours[160], *buf, *f = fmt, text[48];
	int star[2], stars = 0, n_libc, n_ours;
	char conv = convs[take(&in, sizeof(convs) - 1)];
	int is_text = conv == 'c' || conv == 's';
	unsigned flags = take(&in, 4), width = take(&in, 40), prec = take(&in, 40);
	unsigned len = is_text ? 0 : take(&in, 6);
	unsigned long long v = take64(&in);
	size_t size = take(&in, sizeof(libc) + 1), textlen;

	/* a literal around the conversion, '%%' included */
	f += sprintf(f, "%s<", take(&in, 2) ? "%%" : "");
	*f++ = '%';
	if (flags & 1)
		*f++ = '-';
	if ((flags & 2) && !is_text) /* '0' on c and s is undefined */
		*f++ = '0';
	if (width == 39) /* '*', negative now and then */
		star[stars++] = (int)(take(&in, 60)) - 30, *f++ = '*';
	else if (width)
		f += sprintf(f, "%u", width);
	if (conv != 'c' && prec < 30)
		f += sprintf(f, ".%u", prec);
	else if (conv != 'c' && prec < 34)
		star[stars++] = (int)(take(&in, 60)) - 30, f += sprintf(f, ".*");
	f += sprintf(f, "%s%c>", lens[len], conv);
	*f = '\0';

	textlen = in.left < sizeof(text) - 1 ? in.left : sizeof(text) - 1;
	memcpy(text, in.p, textlen);
	text[textlen] = '\0';

	memset(libc, 'X', sizeof(libc));
	memset(ours, 'X', sizeof(ours));
	if (conv == 's')
		BOTH(text);
	else if (conv == 'c')
		BOTH((int)(v & 0xff));
	else if (conv == 'd' || conv == 'i')
		switch (len) {
		case 3:
			BOTH((long)v);
			break;
		case 4:
			BOTH((long long)v);
			break;
		case 5:
			BOTH((ssize_t)v);
			break;
		default:
			BOTH((int)v);
		}
	else
		switch (len) {
		case 3:
			BOTH((unsigned long)v);
			break;
		case 4:
			BOTH((unsigned long long)v);
			break;
		case 5:
			BOTH((size_t)v);
			break;
		default:
			BOTH((unsigned)v);
		}
	if (n_libc != n_ours || memcmp(libc, ours, sizeof(libc))) {
		fprintf(stderr, "format \"%s\" size %zu: libc %d \"%.*s\", ours %d \"%.*s\"\n", fmt,
			size, n_libc, (int)size, libc, n_ours, (int)size, ours);
		abort();
	}
	return 0;
}
