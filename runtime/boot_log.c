/* Logs of boot mode (boot_pid1.h, README "Boot mode"): each container's and program's stdout
 * and stderr go into one pipe that PID 1 reads from its event loop into a ring buffer of the
 * entry's own in PID 1's static memory, every line time-stamped with the time since boot; with
 * `log-dir`, into DIR/NAME.log too, rotated to NAME.log.1 at a size.
 *
 * PID 1 keeps the pipe's write end open for the entry's whole life, so the pipe outlives each
 * run and never reaches EOF: after an exit, whatever the process wrote is still in the pipe
 * and is drained then (a process that printed and exited at once loses nothing; one that
 * fills the pipe blocks until PID 1 has read it, it cannot exit first). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "boot_pid1.h"

/* Every ring, cut from one mapping at setup; its untouched pages cost nothing. A mapping, not
 * a static array: 1 MiB of .bss would put nestbox's data out of reach of aarch64's tiny code
 * model (Makefile, -mcmodel=tiny: code and static data within 1 MiB of each other). */
static char *pool;

static struct ring {
	char *buf;
	size_t size;
	unsigned long long written; /* bytes ever put in: the head is written % size */
	int rd, wr;		    /* the pipe; -1 before the first start */
	int file;		    /* DIR/NAME.log, or -1 */
	long file_bytes;
	bool mid_line; /* the last byte in was not a newline: no stamp for the next one */
} rings[BOOT_MAX_ENTRIES];

static long size_of(const struct boot_entry *e)
{
	return e->log_size >= 0 ? e->log_size : boot_cf.log_size;
}

void boot_log_setup(void)
{
	size_t used = 0, room = BOOT_LOG_POOL;

	pool = mmap(NULL, room, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pool == MAP_FAILED) {
		BOOT_LOG("log ring buffers: %s: all output goes to the console", strerror(errno));
		pool = NULL;
		room = 0;
	}
	for (int i = 0; i < boot_cf.n; i++) {
		const struct boot_entry *e = &boot_cf.e[i];
		struct ring *r = &rings[i];
		size_t want = e->kind == BOOT_MODULE ? 0 : (size_t)size_of(e);

		r->rd = r->wr = r->file = -1;
		if (want > room - used) {
			if (pool)
				dprintf(STDERR_FILENO,
					"nestbox: %s:%d: %s: log: the %d KiB of all ring "
					"buffers are used up: its output goes to the console\n",
					boot_cf.path, e->line, e->name, BOOT_LOG_POOL / 1024);
			want = 0;
		}
		r->buf = pool ? pool + used : NULL;
		r->size = want;
		used += want;
	}
}

static void open_file(struct boot_entry *e, struct ring *r)
{
	char path[512];
	struct stat st;

	if (!boot_cf.log_dir)
		return;
	snprintf(path, sizeof(path), "%s/%s.log", boot_cf.log_dir, e->name);
	mkdir(boot_cf.log_dir, 0755);
	r->file = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (r->file < 0)
		BOOT_LOG("%s: log file %s: %s", e->name, path, strerror(errno));
	r->file_bytes = r->file >= 0 && fstat(r->file, &st) == 0 ? st.st_size : 0;
}

/* NAME.log -> NAME.log.1 (the one before is dropped), and a fresh NAME.log. */
static void rotate(struct boot_entry *e, struct ring *r)
{
	char from[512], to[520];

	snprintf(from, sizeof(from), "%s/%s.log", boot_cf.log_dir, e->name);
	snprintf(to, sizeof(to), "%s.1", from);
	close(r->file);
	rename(from, to);
	open_file(e, r);
	r->file_bytes = 0;
}

int boot_log_child_fd(struct boot_entry *e)
{
	struct ring *r = &rings[e - boot_cf.e];
	int p[2];

	if (r->size == 0)
		return -1;
	if (r->wr >= 0)
		return r->wr;
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) != 0) {
		BOOT_LOG("%s: log pipe: %s: output to the console", e->name, strerror(errno));
		r->size = 0;
		return -1;
	}
	/* Only the read end is non-blocking: a writer that fills the pipe waits for PID 1. */
	fcntl(p[1], F_SETFL, 0);
	r->rd = p[0];
	r->wr = p[1];
	open_file(e, r);
	return r->wr;
}

int boot_log_fd(int i)
{
	return rings[i].rd;
}

static void put(struct ring *r, const char *s, size_t n)
{
	for (size_t k = 0; k < n; k++)
		r->buf[(r->written + k) % r->size] = s[k];
	r->written += n;
}

/* "[  12.345] ", the time since boot as the kernel's own log writes it. */
static size_t stamp(char *out, size_t len)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (size_t)snprintf(out, len, "[%5lld.%03ld] ", (long long)ts.tv_sec,
				ts.tv_nsec / 1000000);
}

static void emit(struct boot_entry *e, struct ring *r, const char *s, size_t n)
{
	put(r, s, n);
	boot_ctl_follow((int)(e - boot_cf.e), s, n);
	/* The file part: whole lines while they fit, then rotate and go on, so that NAME.log
	 * always holds the newest output and no file passes the size (but a line longer than it). */
	while (r->file >= 0 && n) {
		size_t fit = n, room = boot_cf.log_file_size > r->file_bytes
					   ? (size_t)(boot_cf.log_file_size - r->file_bytes)
					   : 0;

		if (fit > room) {
			fit = 0;
			for (size_t k = 0; k < room; k++)
				if (s[k] == '\n')
					fit = k + 1;
		}
		if (!fit && r->file_bytes) {
			rotate(e, r);
			continue;
		}
		if (!fit) /* one line longer than the size, into a fresh file */
			fit = n;
		if (write(r->file, s, fit) > 0)
			r->file_bytes += (long)fit;
		s += fit;
		n -= fit;
	}
}

/* Put a chunk of output in, a stamp before each line. */
static void take(struct boot_entry *e, struct ring *r, const char *s, size_t n)
{
	enum { STAMP_MAX = 32 };
	char out[4096 + 2048];
	size_t o = 0;

	for (size_t k = 0; k < n; k++) {
		if (o + STAMP_MAX + 1 > sizeof(out)) {
			emit(e, r, out, o);
			o = 0;
		}
		if (!r->mid_line)
			o += stamp(out + o, STAMP_MAX);
		out[o++] = s[k];
		r->mid_line = s[k] != '\n';
	}
	emit(e, r, out, o);
}

void boot_log_drain(int i)
{
	struct ring *r = &rings[i];
	char chunk[4096];
	ssize_t n;

	if (r->rd < 0)
		return;
	while ((n = read(r->rd, chunk, sizeof(chunk))) > 0)
		take(&boot_cf.e[i], r, chunk, (size_t)n);
}

size_t boot_log_copy(int i, char *out, size_t len)
{
	const struct ring *r = &rings[i];
	unsigned long long from = r->written > r->size ? r->written - r->size : 0;
	size_t n = 0;

	if (r->written > r->size) /* the oldest line was cut by the ring: start at the next */
		while (from < r->written && r->buf[from++ % r->size] != '\n')
			;
	for (; from < r->written && n < len; from++)
		out[n++] = r->buf[from % r->size];
	return n;
}
