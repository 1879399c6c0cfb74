/* A file read line by line with read(2), in place of stdio's fopen + fgets/getline: musl's
 * FILE layer (fopen, getdelim, fflush, fclose, the locks and the exit-time flush) is about
 * 5 KB of the static binary, for a handful of loops over small text files.
 *
 *	struct lines r;
 *	lines_open(&r, path);
 *	for (char *line; (line = lines_next(&r));)
 *		... line is NUL-terminated, without its '\n', and writable ...
 *	if (r.error) ... open or a read failed: what was read is not the whole file ...
 *	lines_close(&r);
 *
 * A line may be of any length (the buffer grows, as getline's does); the last line counts
 * whether a '\n' ends it or not. */
#ifndef NB_LINES_H
#define NB_LINES_H

#include <stdbool.h>
#include <stddef.h>

struct lines {
	int fd;
	char *buf;   /* malloc'd; holds the line being read and what follows it */
	size_t cap;  /* bytes buf holds */
	size_t len;  /* bytes read into buf */
	size_t next; /* where the next line starts in buf */
	bool eof;    /* read(2) returned 0 */
	int error;   /* errno of a failed read(2) or allocation; 0 at a clean end */
};

/* open(2) path for reading (close-on-exec): 0, or -errno (r->error) and r reads as an empty
 * file. lines_close(r) either way. */
int lines_open(struct lines *r, const char *path);
/* The same over an fd opened by the caller (-1 with errno set: as a failed open); r owns it. */
int lines_open_fd(struct lines *r, int fd);

/* The next line, or NULL at the end of the file or on an error (r->error says which). The line
 * stays valid until the next call. */
char *lines_next(struct lines *r);

void lines_close(struct lines *r);

#endif
