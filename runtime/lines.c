/* Lines of a file over read(2): see include/lines.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lines.h"

/* The first buffer: a mountinfo line, a passwd entry, a state record line fit in it. */
enum { LINES_FIRST_CAP = 1024 };

int lines_open(struct lines *r, const char *path)
{
	return lines_open_fd(r, open(path, O_RDONLY | O_CLOEXEC));
}

int lines_open_fd(struct lines *r, int fd)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	if (r->fd >= 0 && !(r->buf = malloc(LINES_FIRST_CAP))) {
		close(r->fd);
		r->fd = -1;
		errno = ENOMEM;
	}
	if (r->fd < 0) { /* a reader of nothing: lines_next returns NULL at once */
		r->error = errno;
		r->eof = true;
		return -r->error;
	}
	r->cap = LINES_FIRST_CAP;
	return 0;
}

/* The unread bytes moved to the front of the buffer, then more of them: false on an error. */
static bool fill(struct lines *r)
{
	ssize_t n;

	memmove(r->buf, r->buf + r->next, r->len - r->next);
	r->len -= r->next;
	r->next = 0;
	if (r->len + 1 == r->cap) { /* a line longer than the buffer: double it */
		char *more = realloc(r->buf, r->cap * 2);

		if (!more) {
			r->error = ENOMEM;
			return false;
		}
		r->buf = more;
		r->cap *= 2;
	}
	do
		n = read(r->fd, r->buf + r->len, r->cap - 1 - r->len); /* 1 for the last NUL */
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		r->error = errno;
		return false;
	}
	r->eof = n == 0;
	r->len += (size_t)n;
	return true;
}

char *lines_next(struct lines *r)
{
	while (r->buf) {
		char *line = r->buf + r->next;
		char *end = memchr(line, '\n', r->len - r->next);

		if (!end && r->eof && r->next < r->len) /* a last line without its '\n' */
			end = r->buf + r->len;
		if (end) {
			*end = '\0';
			r->next = (size_t)(end - r->buf) + (end < r->buf + r->len);
			return line;
		}
		if (r->eof || r->error || !fill(r))
			break;
	}
	return NULL;
}

void lines_close(struct lines *r)
{
	if (r->fd >= 0)
		close(r->fd);
	free(r->buf);
	r->buf = NULL;
	r->fd = -1;
}
