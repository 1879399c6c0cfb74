/* Readiness of boot mode (boot_pid1.h, README "Boot mode"), as s6 does it (s6-supervise's
 * notification-fd): a line with `ready=FD` gets the write end of a pipe as its fd FD, and
 * writes a newline there when it is ready to serve. Entries that name it in after= (or are in
 * a later group) start then, not when it merely runs. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "boot_pid1.h"

static int rd[BOOT_MAX_ENTRIES] = { [0 ... BOOT_MAX_ENTRIES - 1] = -1 };
static int wr[BOOT_MAX_ENTRIES] = { [0 ... BOOT_MAX_ENTRIES - 1] = -1 };

int boot_ready_child_fd(struct boot_entry *e)
{
	int i = (int)(e - boot_cf.e), p[2];

	e->ready = false;
	if (!e->ready_fd)
		return -1;
	if (rd[i] >= 0)
		close(rd[i]);
	rd[i] = -1;
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) != 0) {
		BOOT_LOG("%s: ready pipe: %s", e->name, "cannot make one");
		return -1;
	}
	fcntl(p[1], F_SETFL, 0);
	rd[i] = p[0];
	wr[i] = p[1];
	return p[1];
}

void boot_ready_forked(struct boot_entry *e)
{
	int i = (int)(e - boot_cf.e);

	if (wr[i] >= 0)
		close(wr[i]); /* only the child holds it now: its exit is EOF here */
	wr[i] = -1;
}

int boot_ready_fd(int i)
{
	return rd[i];
}

void boot_ready_read(int i)
{
	struct boot_entry *e = &boot_cf.e[i];
	char buf[64];
	ssize_t n = read(rd[i], buf, sizeof(buf));

	if (n > 0 && !memchr(buf, '\n', (size_t)n))
		return; /* not a whole line yet */
	if (n > 0) {
		e->ready = true;
		BOOT_LOG("%s %s: ready", boot_kind_names[e->kind], e->name);
	}
	close(rd[i]); /* ready, or closed without saying so: done listening */
	rd[i] = -1;
}

bool boot_ready_for(const struct boot_entry *e)
{
	for (int j = 0; j < boot_cf.n; j++) {
		const struct boot_entry *d = &boot_cf.e[j];

		if ((e->after_mask & (1u << j)) && (!d->first_start || (d->ready_fd && !d->ready)))
			return false;
	}
	return true;
}
