/* boot.conf, the boot-mode configuration (include/boot_conf.h, README "Boot mode"): one directive
 * a line, read into static storage and checked line by line; a bad line is reported with its
 * number and skipped, never fatal. Container lines are checked by the run front end itself. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot_conf.h"
#include "cli.h"
#include "validate.h"

const char *const boot_action_names[] = {
	[BOOT_IGNORE] = "ignore", [BOOT_RESTART] = "restart", [BOOT_POWEROFF] = "poweroff",
	[BOOT_REBOOT] = "reboot", [BOOT_HALT] = "halt",
};

const char *const boot_kind_names[] = {
	[BOOT_MODULE] = "module",
	[BOOT_CONTAINER] = "container",
	[BOOT_RUN] = "run",
};

const char *const boot_restart_names[] = {
	[BOOT_RESTART_NO] = "no",
	[BOOT_RESTART_ON_FAILURE] = "on-failure",
	[BOOT_RESTART_ALWAYS] = "always",
};

const char *const boot_wd_mode_names[] = {
	[BOOT_WD_OFF] = "off",
	[BOOT_WD_RUN_TIME] = "run-time",
	[BOOT_WD_THROUGH_SHUTDOWN] = "through-shutdown",
};

long long boot_parse_duration(const char *s)
{
	static const struct {
		const char *unit;
		long long ms;
	} units[] = { { "ms", 1 }, { "s", 1000 }, { "", 1000 }, { "m", 60000 }, { "h", 3600000 } };
	long long whole = 0, frac = 0, div = 1;
	const char *p = s;

	if (!(*p >= '0' && *p <= '9'))
		return -1;
	for (; *p >= '0' && *p <= '9'; p++)
		if ((whole = whole * 10 + (*p - '0')) > BOOT_MAX_DURATION_MS)
			return -1;
	if (*p == '.') {
		if (!(*++p >= '0' && *p <= '9'))
			return -1;
		for (; *p >= '0' && *p <= '9'; p++)
			if (div < 1000000)
				frac = frac * 10 + (*p - '0'), div *= 10;
	}
	for (unsigned i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(p, units[i].unit) == 0) {
			long long ms = whole * units[i].ms + frac * units[i].ms / div;

			return ms > BOOT_MAX_DURATION_MS ? -1 : ms;
		}
	}
	return -1;
}

long boot_parse_size(const char *s, long max)
{
	char *end;
	unsigned long v;

	if (!(*s >= '0' && *s <= '9'))
		return -1;
	v = strtoul(s, &end, 10);
	if (*end == 'k' || *end == 'K')
		v *= 1024, end++;
	else if (*end == 'm' || *end == 'M')
		v *= 1024 * 1024, end++;
	return *end || v > (unsigned long)max ? -1 : (long)v;
}

/* ---- boot.conf ------------------------------------------------------------------------------ */

void boot_conf_bad_line(struct boot_conf *c, int line, const char *reason)
{
	dprintf(STDERR_FILENO, "nestbox: %s:%d: %s\n", c->path, line, reason);
	c->bad++;
}

/* Split a line into words in place: blanks separate, '...' and "..." quote (\" and \\ inside
 * double quotes), '#' outside a word starts a comment. Returns the count, -1 for an unclosed
 * quote, -2 when more than max words. */
static int tokenize(char *r, char **tok, int max)
{
	int n = 0;

	for (;;) {
		char *w, q = 0;

		while (*r == ' ' || *r == '\t' || *r == '\r')
			r++;
		if (!*r || *r == '#')
			return n;
		if (n == max)
			return -2;
		tok[n++] = w = r;
		for (; *r; r++) {
			if (q) {
				if (*r == q) {
					q = 0;
					continue;
				}
				if (q == '"' && *r == '\\' && (r[1] == '"' || r[1] == '\\'))
					r++;
			} else if (*r == '"' || *r == '\'') {
				q = *r;
				continue;
			} else if (*r == ' ' || *r == '\t' || *r == '\r') {
				r++;
				break;
			}
			*w++ = *r;
		}
		if (q)
			return -1;
		*w = '\0'; /* w never passes r: words only shrink */
	}
}

static int parse_action(const char *s, enum boot_action *out)
{
	for (unsigned i = 0; i < sizeof(boot_action_names) / sizeof(boot_action_names[0]); i++) {
		if (strcmp(s, boot_action_names[i]) == 0) {
			*out = i;
			return 0;
		}
	}
	return -1;
}

static int check_name(struct boot_conf *c, const char *name, char *why, size_t len)
{
	size_t n = strlen(name);

	if (n == 0 || n > 64 ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789_.-") != n) {
		snprintf(why, len, "bad name '%s': 1 to 64 of [A-Za-z0-9_.-]", name);
		return -1;
	}
	for (int i = 0; i < c->n; i++) {
		if (c->e[i].name && strcmp(c->e[i].name, name) == 0) {
			snprintf(why, len, "name '%s' already used on line %d", name, c->e[i].line);
			return -1;
		}
	}
	return 0;
}

/* The line's `nestbox run` argv ("run --name NAME ARGS...") through run's own parser and
 * checks, so a line is refused exactly when `nestbox run` would refuse it, in run's words.
 * The description is only looked at: the child that boot mode starts parses the same argv. */
static int check_with_run_parser(struct boot_entry *e, char *why, size_t len)
{
	struct nb_container c;
	struct nb_error err = { 0 };
	int argc = 0, rc;

	while (e->argv[argc])
		argc++;
	rc = cli_parse_run(argc - 1, e->argv + 1, &c, &err);
	if (rc == 1) /* run printed its usage */
		rc = nb_fail(&err, EINVAL, "--help", NULL, "prints help, starts no container");
	/* boot puts "--name NAME" first: a later --name in ARGS (any spelling) would win. */
	if (!rc && strcmp(c.name, e->name) != 0)
		rc = nb_fail(&err, EINVAL, "--name", c.name, "the name is the NAME field");
	if (!rc && c.detach) /* it would return at once: nothing left to supervise */
		rc =
		    nb_fail(&err, EINVAL, "--detach", NULL, "boot mode runs its containers itself");
	if (!rc)
		rc = container_validate(&c, &err);
	if (rc)
		snprintf(why, len, "%s", err.msg);
	return rc ? -1 : 0;
}

/* container NAME [on-exit=A] -- RUN-ARGS...  |  run NAME [on-exit=A] -- PROGRAM [ARGS...] */
/* restart=no|on-failure[:N]|always */
static int parse_restart(const char *v, struct boot_entry *e)
{
	char *end;

	for (unsigned i = 0; i < sizeof(boot_restart_names) / sizeof(boot_restart_names[0]); i++)
		if (strcmp(v, boot_restart_names[i]) == 0) {
			e->restart = i;
			return 0;
		}
	if (strncmp(v, "on-failure:", 11) != 0 || !(v[11] >= '0' && v[11] <= '9'))
		return -1;
	e->max_restarts = strtoul(v + 11, &end, 10);
	if (*end || e->max_restarts == 0 || e->max_restarts > 1000000)
		return -1;
	e->restart = BOOT_RESTART_ON_FAILURE;
	return 0;
}

/* give-up=down|poweroff|reboot|halt: what happens when on-failure:N is used up */
static int parse_give_up(const char *v, struct boot_entry *e)
{
	if (strcmp(v, "down") == 0) {
		e->give_up = BOOT_IGNORE;
		return 0;
	}
	return parse_action(v, &e->give_up) != 0 || e->give_up == BOOT_RESTART ||
		       e->give_up == BOOT_IGNORE
		   ? -1
		   : 0;
}

/* The NAME=VALUE options between NAME and "--"; one table, one reason per option. */
static int parse_option(struct boot_entry *e, const char *opt, bool *restart_set, bool *on_exit_set,
			char *why, size_t len)
{
	static const char *const reasons[] = {
		"on-exit is restart, poweroff, reboot, halt or ignore",
		"restart is no, on-failure, on-failure:N (N >= 1) or always",
		"give-up is down, poweroff, reboot or halt",
		"grace is a duration: 500ms, 2s, 1.5m",
		"log is console or a ring buffer size: 16k, 1m (at most 1m)",
		"after is NAME[,NAME...]",
		"ready is a file descriptor number, 3 to 255",
	};
	const char *v = strchr(opt, '=');
	int which = -1, bad = 0;

	if (v && strncmp(opt, "on-exit=", 8) == 0) {
		which = 0, *on_exit_set = true;
		bad = parse_action(v + 1, &e->on_exit);
	} else if (v && strncmp(opt, "restart=", 8) == 0) {
		which = 1, *restart_set = true;
		bad = parse_restart(v + 1, e);
	} else if (v && strncmp(opt, "give-up=", 8) == 0) {
		which = 2;
		bad = parse_give_up(v + 1, e);
	} else if (v && strncmp(opt, "grace=", 6) == 0) {
		which = 3;
		bad = (e->grace_ms = boot_parse_duration(v + 1)) < 0;
	} else if (v && strncmp(opt, "after=", 6) == 0) {
		which = 5;
		e->after = v + 1;
		bad = !v[1] || v[strlen(v) - 1] == ',' || strstr(v, ",,");
	} else if (v && strncmp(opt, "ready=", 6) == 0) {
		char *end;

		which = 6;
		e->ready_fd = (int)strtol(v + 1, &end, 10);
		bad = !v[1] || *end || e->ready_fd < 3 || e->ready_fd > 255;
	} else if (v && strncmp(opt, "log=", 4) == 0) {
		which = 4;
		e->log_size =
		    strcmp(v + 1, "console") == 0 ? 0 : boot_parse_size(v + 1, BOOT_LOG_POOL);
		bad = e->log_size <= 0 && strcmp(v + 1, "console") != 0;
	}
	if (which < 0)
		snprintf(why, len, "unknown option '%s' (before '--')", opt);
	else if (bad)
		snprintf(why, len, "bad option '%s': %s", opt, reasons[which]);
	return which < 0 || bad ? -1 : 0;
}

/* on-exit=restart is the old spelling of restart=always; with restart= the two would say
 * different things, and the kind's default on-exit=restart gives way to ignore. */
static int settle_restart(struct boot_entry *e, bool restart_set, bool on_exit_set, char *why,
			  size_t len)
{
	if (!restart_set) {
		e->restart = e->on_exit == BOOT_RESTART ? BOOT_RESTART_ALWAYS : BOOT_RESTART_NO;
		return 0;
	}
	if (e->on_exit == BOOT_RESTART && on_exit_set) {
		snprintf(why, len,
			 "%s: on-exit=restart and restart= both given: keep restart=", e->name);
		return -1;
	}
	if (e->on_exit == BOOT_RESTART)
		e->on_exit = BOOT_IGNORE;
	return 0;
}

/* container NAME [OPTION=V...] -- RUN-ARGS...  |  run NAME [OPTION=V...] -- PROGRAM [ARGS...] */
static int parse_process(struct boot_conf *c, struct boot_entry *e, char **tok, int n, char *why,
			 size_t len)
{
	bool restart_set = false, on_exit_set = false;
	int dd;

	if (n < 2) {
		snprintf(why, len, "%s: missing NAME", tok[0]);
		return -1;
	}
	if (check_name(c, tok[1], why, len) != 0)
		return -1;
	e->name = tok[1];
	e->on_exit = e->kind == BOOT_CONTAINER ? BOOT_RESTART : BOOT_IGNORE;
	e->grace_ms = -1;
	e->log_size = -1;
	for (dd = 2; dd < n && strcmp(tok[dd], "--") != 0; dd++)
		if (parse_option(e, tok[dd], &restart_set, &on_exit_set, why, len) != 0)
			return -1;
	if (settle_restart(e, restart_set, on_exit_set, why, len) != 0)
		return -1;
	if (dd >= n - 1) {
		snprintf(why, len, "%s %s: no command: write '-- %s'", tok[0], e->name,
			 e->kind == BOOT_CONTAINER ? "--rootfs DIR -- CMD..." : "PROGRAM...");
		return -1;
	}
	if (e->kind == BOOT_RUN) {
		e->argv = &tok[dd + 1];
		if (strchr(e->argv[0], '/') && access(e->argv[0], X_OK) != 0) {
			snprintf(why, len, "program '%s': %s", e->argv[0], strerror(errno));
			return -1;
		}
		return 0;
	}
	/* Room for "nestbox run --name NAME [--preserve-fds=N]": dd words before "--" plus the
	 * spare ones. A group only when RUN-ARGS ask for one (a limit, --stats, --cgroup), as for
	 * a plain run (issue 21): a limit-less group and the guard forked to remove it were ~7% of
	 * a container line's start under TCG (issue 23); the container's init dies with its
	 * nestbox (PDEATHSIG), so no group is needed to kill what is left. ready=FD crosses into
	 * the workload as fds 3..FD (process.c closes the rest of that range: none of PID 1's fds
	 * lose FD_CLOEXEC). */
	e->argv = &tok[dd - (e->ready_fd ? 4 : 3)];
	e->argv[0] = "nestbox";
	e->argv[1] = "run";
	e->argv[2] = "--name";
	e->argv[3] = (char *)e->name;
	if (e->ready_fd) {
		/* allocated: boot_order.c moves entries, the configuration lives as PID 1 does */
		char word[24];

		snprintf(word, sizeof(word), "--preserve-fds=%d", e->ready_fd - 2);
		if (!(e->argv[4] = strdup(word))) {
			snprintf(why, len, "%s: out of memory", e->name);
			return -1;
		}
	}
	return check_with_run_parser(e, why, len);
}

/* watchdog DEVICE TIMEOUT [MODE]: TIMEOUT in whole seconds (WDIOC_SETTIMEOUT takes an int of
 * seconds, watchdog-api.rst), MODE through-shutdown by default. The device is opened by PID 1
 * after the modules are loaded (a module may be what makes it), so it is not looked at here. */
static int parse_watchdog(struct boot_conf *c, int line, char **tok, int n, char *why, size_t len)
{
	long long t = n >= 3 && n <= 4 ? boot_parse_duration(tok[2]) : -1;
	int mode = BOOT_WD_THROUGH_SHUTDOWN;

	if (n == 4) {
		for (mode = 0; mode <= BOOT_WD_THROUGH_SHUTDOWN; mode++)
			if (strcmp(tok[3], boot_wd_mode_names[mode]) == 0)
				break;
	}
	if (t < 1000 || t % 1000 || t > 3600000 || mode > BOOT_WD_THROUGH_SHUTDOWN ||
	    tok[1][0] != '/') {
		snprintf(why, len,
			 "watchdog: want DEVICE (absolute) TIMEOUT (whole seconds, 1 to "
			 "3600) [off|run-time|through-shutdown]");
		return -1;
	}
	if (c->wd_device) {
		snprintf(why, len, "watchdog: one already on line %d", c->wd_line);
		return -1;
	}
	c->wd_device = tok[1];
	c->wd_line = line;
	c->wd_timeout = (unsigned)(t / 1000);
	c->wd_mode = mode;
	return 1;
}

/* The machine-wide settings. Returns 0 when tok is not one, 1 when it was one and is taken,
 * -1 with why filled when it is one but bad. */
/* "2", "1.5", "1.25" -> 200, 150, 125 (hundredths), or -1: the backoff factor, in whole
 * numbers so that no floating-point parser is linked (musl's strtod is 5 KB). */
static long long parse_percent(const char *s)
{
	long long v = 0;
	int decimals = -1;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s; s++) {
		if (*s == '.' && decimals < 0) {
			decimals = 0;
			continue;
		}
		if (*s < '0' || *s > '9' || decimals == 2 || v > 1000000)
			return -1;
		v = v * 10 + (*s - '0');
		if (decimals >= 0)
			decimals++;
	}
	if (decimals == 0) /* "2." */
		return -1;
	for (int d = decimals < 0 ? 0 : decimals; d < 2; d++)
		v *= 10;
	return v;
}

static int parse_setting(struct boot_conf *c, int line, char **tok, int n, char *why, size_t len)
{
	long long v[3];

	if (strcmp(tok[0], "grace") == 0) {
		v[0] = n == 2 ? boot_parse_duration(tok[1]) : -1;
		if (v[0] < 0 || v[0] > 3600000) {
			snprintf(why, len,
				 "grace: want one number of seconds (0 to 3600) or a "
				 "duration (500ms, 2s)");
			return -1;
		}
		c->grace_ms = v[0];
		c->grace_seconds = (unsigned)(v[0] / 1000);
		return 1;
	}
	if (strcmp(tok[0], "backoff") == 0) {
		long long pct = n == 4 ? parse_percent(tok[2]) : -1;

		v[0] = n == 4 ? boot_parse_duration(tok[1]) : -1;
		v[2] = n == 4 ? boot_parse_duration(tok[3]) : -1;
		if (v[0] <= 0 || v[2] < v[0] || pct < 100 || pct > 10000) {
			snprintf(why, len,
				 "backoff: want START FACTOR CAP (e.g. 1s 2 60s): "
				 "durations above 0, CAP >= START, FACTOR 1 to 100 (two decimals "
				 "at most)");
			return -1;
		}
		c->backoff_start_ms = v[0];
		c->backoff_factor = (unsigned)pct;
		c->backoff_cap_ms = v[2];
		return 1;
	}
	if (strcmp(tok[0], "watchdog") == 0)
		return parse_watchdog(c, line, tok, n, why, len);
	if (strcmp(tok[0], "group") == 0) {
		if (n > 2) {
			snprintf(why, len, "group: at most one LABEL");
			return -1;
		}
		c->group++;
		return 1;
	}
	if (strcmp(tok[0], "log-size") == 0) {
		long size = n == 2 ? boot_parse_size(tok[1], BOOT_LOG_POOL) : -1;

		if (size < 0) {
			snprintf(why, len, "log-size: want one size (16k, 1m; 0: the console)");
			return -1;
		}
		c->log_size = size;
		return 1;
	}
	if (strcmp(tok[0], "log-dir") == 0) {
		long size = n == 3 ? boot_parse_size(tok[2], 1L << 30) : BOOT_DEFAULT_LOG_FILE_SIZE;

		if (n < 2 || n > 3 || tok[1][0] != '/' || size < 4096) {
			snprintf(why, len,
				 "log-dir: want an absolute DIR and a MAX-SIZE of 4k or "
				 "more (default 256k)");
			return -1;
		}
		c->log_dir = tok[1];
		c->log_file_size = size;
		return 1;
	}
	if (strcmp(tok[0], "backoff-reset") == 0 || strcmp(tok[0], "shutdown-deadline") == 0) {
		v[0] = n == 2 ? boot_parse_duration(tok[1]) : -1;
		if (v[0] < 0) {
			snprintf(why, len, "%s: want one duration (500ms, 2s, 1m)", tok[0]);
			return -1;
		}
		*(tok[0][0] == 'b' ? &c->stable_ms : &c->deadline_ms) = v[0];
		return 1;
	}
	return 0;
}

static int parse_line(struct boot_conf *c, int line, char *text)
{
	enum { SPARE = 4 }; /* words kept free before each line's words (see parse_process) */
	char why[sizeof(((struct nb_error *)0)->msg) + 64];
	int room = BOOT_MAX_ARGS - c->nargs - SPARE - 1;
	char **tok = &c->args[c->nargs + SPARE];
	struct boot_entry *e = &c->e[c->n];
	int n = room > 0 ? tokenize(text, tok, room) : -2;

	if (n == 0)
		return 0;
	if (n < 0) {
		boot_conf_bad_line(c, line,
				   n == -1 ? "unclosed quote" : "too many words in boot.conf");
		return -1;
	}
	tok[n] = NULL;
	switch (parse_setting(c, line, tok, n, why, sizeof(why))) {
	case -1:
		boot_conf_bad_line(c, line, why);
		return -1;
	case 1:
		return 0;
	}
	if (c->n == BOOT_MAX_ENTRIES) {
		boot_conf_bad_line(c, line, "too many entries (at most 32)");
		return -1;
	}
	memset(e, 0, sizeof(*e));
	e->line = line;
	e->group = c->group;
	e->last_status = -1;
	if (strcmp(tok[0], "module") == 0) {
		e->kind = BOOT_MODULE;
		if (n < 2) {
			boot_conf_bad_line(c, line, "module: missing PATH");
			return -1;
		}
		e->argv = &tok[1];
	} else if (strcmp(tok[0], "container") == 0 || strcmp(tok[0], "run") == 0) {
		e->kind = tok[0][0] == 'c' ? BOOT_CONTAINER : BOOT_RUN;
		if (parse_process(c, e, tok, n, why, sizeof(why)) != 0) {
			boot_conf_bad_line(c, line, why);
			return -1;
		}
	} else {
		snprintf(
		    why, sizeof(why),
		    "unknown directive '%s' (want module, container, run, group, grace, "
		    "backoff, backoff-reset, shutdown-deadline, log-size, log-dir or watchdog)",
		    tok[0]);
		boot_conf_bad_line(c, line, why);
		return -1;
	}
	c->nargs += SPARE + n + 1;
	c->n++;
	return 0;
}

/* A NUL byte would end the line early and hide the rest of it from the checks. */
static bool has_nul(const char *line, size_t len)
{
	return memchr(line, '\0', len) != NULL;
}

int boot_conf_parse(struct boot_conf *c, const char *path)
{
	char *p = c->text, *end;

	if (c->len > sizeof(c->text) - 1)
		c->len = sizeof(c->text) - 1;
	end = c->text + c->len;
	*end = '\0';
	c->path = path;
	c->grace_seconds = BOOT_DEFAULT_GRACE;
	c->grace_ms = BOOT_DEFAULT_GRACE * 1000LL;
	c->backoff_start_ms = BOOT_DEFAULT_BACKOFF_START_MS;
	c->backoff_factor = BOOT_DEFAULT_BACKOFF_FACTOR;
	c->backoff_cap_ms = BOOT_DEFAULT_BACKOFF_CAP_MS;
	c->stable_ms = BOOT_DEFAULT_STABLE_MS;
	c->deadline_ms = BOOT_DEFAULT_DEADLINE_MS;
	c->log_size = BOOT_DEFAULT_LOG_SIZE;
	c->log_dir = NULL;
	c->log_file_size = BOOT_DEFAULT_LOG_FILE_SIZE;
	c->wd_device = NULL;
	c->n = c->bad = c->nargs = 0;
	c->group = 0;
	for (int line = 1; p < end; line++) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);

		if (nl)
			*nl = '\0';
		if (has_nul(p, n))
			boot_conf_bad_line(c, line, "NUL byte in the line (boot.conf is text)");
		else
			parse_line(c, line, p);
		if (!nl)
			break;
		p = nl + 1;
	}
	boot_order_resolve(c);
	return c->bad;
}

int boot_conf_read(struct boot_conf *c, const char *path, struct nb_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r = 0;
	size_t n = 0;

	if (fd < 0)
		return nb_fail_errno(err, "boot", path);
	while (n < sizeof(c->text) - 1 && (r = read(fd, c->text + n, sizeof(c->text) - 1 - n)) > 0)
		n += (size_t)r;
	if (r < 0)
		r = nb_fail_errno(err, "boot", path);
	else if (n == sizeof(c->text) - 1 && read(fd, &(char){ 0 }, 1) > 0)
		r = nb_fail(err, EFBIG, "boot", path, "larger than 16383 bytes");
	close(fd);
	if (r < 0)
		return (int)r;
	c->text[n] = '\0';
	c->len = n;
	return 0;
}
