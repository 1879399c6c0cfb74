/* The cgroup state as text (cgroup.h): what another process needs to remove exactly the
 * directories a run made. `nestbox delete` reads it from the state directory after a
 * `nestbox create` in another process; the cleanup guard reads it from its pipe after a death.
 * The reader trusts nothing: every path must lie under /sys/fs/cgroup with no ".." step, and
 * a record without its "end" line (a writer killed half-way) is refused as a whole. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cgroup_impl.h"
#include "scan.h"
#include "write_all.h"

#define STATE_MAGIC  "nestbox-cgroup 1"
#define LINE_MAX_LEN (PATH_MAX + 96)
/* Header, version, one line per directory, end: what a complete record can take. */
#define STATE_MAX (NB_CGROUP_DIRS * LINE_MAX_LEN + 128)

/* One line at a time: a small buffer (nestbox may run in a tight memory cgroup), and a reader
 * that gets a record cut short by a death sees no "end" line and refuses it. */
int cgroup_state_save(const struct nb_cgroup *cg, int fd)
{
	char line[LINE_MAX_LEN];
	int len, rc;

	for (int i = 0; i < cg->n_dirs; i++)
		if (strchr(cg->dirs[i].path, '\n'))
			return -EINVAL;
	len = snprintf(line, sizeof(line), STATE_MAGIC "\nversion %d\n", cg->version);
	rc = nb_write_all(fd, line, (size_t)len);
	for (int i = 0; !rc && i < cg->n_dirs; i++) {
		const struct nb_cgroup_dir *d = &cg->dirs[i];

		len = snprintf(line, sizeof(line),
			       "dir ctrls=%x base=%zu shared=%zu made=%zu ino=%llu path=%s\n",
			       d->ctrls, d->base_len, d->shared_len, d->made_from, d->ino, d->path);
		rc = len >= (int)sizeof(line) ? -ENAMETOOLONG : nb_write_all(fd, line, (size_t)len);
	}
	return rc ? rc : nb_write_all(fd, "end\n", 4);
}

/* An offset into the path: on a '/' after the cgroup fs's own path (0 allowed when zero_ok). */
static bool on_slash(const char *p, size_t off, bool zero_ok)
{
	if (!off)
		return zero_ok;
	return off >= strlen(CG_FS) && off < strlen(p) && p[off] == '/';
}

/* Under /sys/fs/cgroup/, no "." or ".." component, no "//", offsets on '/' in order. */
static bool safe_dir(const struct nb_cgroup_dir *d)
{
	const char *p = d->path;

	if (strncmp(p, CG_FS "/", strlen(CG_FS "/")) || !on_slash(p, d->base_len, false) ||
	    !on_slash(p, d->shared_len, true) || !on_slash(p, d->made_from, true) ||
	    (d->shared_len && d->shared_len <= d->base_len) ||
	    (d->made_from && d->made_from < d->base_len))
		return false;
	for (p = strchr(p, '/'); p; p = strchr(p + 1, '/'))
		if ((p[1] == '.' && (p[2] == '/' || !p[2])) ||
		    (p[1] == '.' && p[2] == '.' && (p[3] == '/' || !p[3])) || p[1] == '/')
			return false;
	return true;
}

static int parse_dir(struct nb_cgroup *cg, const char *line)
{
	struct nb_cgroup_dir *d = &cg->dirs[cg->n_dirs];
	unsigned long long ctrls, base, shared, made;
	const char *p;

	if (cg->n_dirs == NB_CGROUP_DIRS)
		return -1;
	memset(d, 0, sizeof(*d));
	/* the line cgroup_state_save writes, field for field */
	p = scan_unsigned(scan_prefix(line, "dir ctrls="), 16, ~0U, &ctrls);
	p = scan_unsigned(scan_prefix(p, " base="), 10, PATH_MAX, &base);
	p = scan_unsigned(scan_prefix(p, " shared="), 10, PATH_MAX, &shared);
	p = scan_unsigned(scan_prefix(p, " made="), 10, PATH_MAX, &made);
	p = scan_prefix(scan_unsigned(scan_prefix(p, " ino="), 10, ~0ULL, &d->ino), " path=");
	if (!p || strlen(p) >= sizeof(d->path))
		return -1;
	snprintf(d->path, sizeof(d->path), "%s", p);
	d->ctrls = (unsigned)ctrls;
	d->base_len = (size_t)base;
	d->shared_len = (size_t)shared;
	d->made_from = (size_t)made;
	if (!safe_dir(d) || (d->ctrls & ~(unsigned)CG_ALL_CTRLS))
		return -1;
	cg->n_dirs++;
	return 0;
}

/* "version N": the cgroup version the record was made under, 0 (none) to 2. */
static bool parse_version(struct nb_cgroup *cg, const char *line)
{
	unsigned long long version;
	const char *end = scan_unsigned(scan_prefix(line, "version "), 10, 2, &version);

	if (!end || *end)
		return false;
	cg->version = (int)version;
	return true;
}

int cgroup_state_parse(struct nb_cgroup *cg, const char *text, size_t *used, struct nb_error *err)
{
	const char *p = text;
	int n_line = 0;

	cgroup_init(cg);
	for (;;) {
		char line[LINE_MAX_LEN], where[32];
		size_t len = strcspn(p, "\n");
		bool ok;

		n_line++;
		snprintf(where, sizeof(where), "line %d", n_line);
		if (!p[len] || len >= sizeof(line)) /* no newline: cut short */
			break;
		memcpy(line, p, len);
		line[len] = '\0';
		p += len + 1;
		if (n_line == 1)
			ok = !strcmp(line, STATE_MAGIC);
		else if (n_line == 2)
			ok = parse_version(cg, line);
		else if (!strcmp(line, "end")) {
			if (used)
				*used = (size_t)(p - text);
			return 0;
		} else
			ok = !parse_dir(cg, line);
		if (!ok) {
			cgroup_init(cg);
			return nb_fail(err, EINVAL, "cgroup state", where,
				       "not a nestbox cgroup record (or an unsafe path)");
		}
	}
	cgroup_init(cg);
	return nb_fail(err, EINVAL, "cgroup state", "end", "missing: the record is incomplete");
}

int cgroup_state_load(struct nb_cgroup *cg, int fd, struct nb_error *err)
{
	char *buf = malloc(STATE_MAX + 1);
	size_t got = 0;
	int rc;

	if (!buf)
		return nb_fail(err, ENOMEM, "cgroup state", NULL, "out of memory");
	for (;;) {
		ssize_t n = read(fd, buf + got, STATE_MAX - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = nb_fail_errno(err, "cgroup state", "read");
			free(buf);
			return rc;
		}
		if (!n || got + (size_t)n == STATE_MAX) {
			got += (size_t)n;
			break;
		}
		got += (size_t)n;
	}
	buf[got] = '\0';
	rc = cgroup_state_parse(cg, buf, NULL, err);
	free(buf);
	return rc;
}
