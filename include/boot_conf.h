/* boot.conf, boot mode's configuration (README "Boot mode"): one directive a line, read into
 * static storage and checked line by line. A container line's `nestbox run` arguments go
 * through the run front end's own parser and checks (cli_parse_run, container_validate), so
 * `nestbox boot --check` refuses exactly what `nestbox run` refuses.
 *
 * Layering: this parser sits below boot mode (boot.c) and above the run front end (cli.c,
 * validate.c); it knows nothing of boot.c. */
#ifndef NB_BOOT_CONF_H
#define NB_BOOT_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "nb_error.h"

#define BOOT_CONF_MAX	   16384 /* bytes of boot.conf */
#define BOOT_MAX_ENTRIES   32
#define BOOT_MAX_ARGS	   512 /* words of all entries together, with 6 spare per entry */
#define BOOT_DEFAULT_GRACE 5

/* Defaults of the directives below (README "Boot mode"). */
#define BOOT_DEFAULT_BACKOFF_START_MS 1000  /* first restart 1 s after the exit, as before */
#define BOOT_DEFAULT_BACKOFF_FACTOR   200   /* percent: each further restart waits twice as long */
#define BOOT_DEFAULT_BACKOFF_CAP_MS   60000 /* ... but never more than a minute */
#define BOOT_DEFAULT_STABLE_MS	      30000 /* up this long: the backoff starts over */
#define BOOT_DEFAULT_DEADLINE_MS      10000 /* shutdown: everything left is killed after this */
#define BOOT_DEFAULT_LOG_SIZE	      16384 /* bytes of ring buffer per container */
#define BOOT_LOG_POOL		      (1024 * 1024) /* all the ring buffers together */
#define BOOT_DEFAULT_LOG_FILE_SIZE    (256 * 1024)  /* rotate NAME.log at this size */
#define BOOT_MAX_DURATION_MS	      (24LL * 3600 * 1000)

enum boot_kind {
	BOOT_MODULE,
	BOOT_CONTAINER,
	BOOT_RUN,
};

enum boot_action {
	BOOT_IGNORE,
	BOOT_RESTART,
	BOOT_POWEROFF,
	BOOT_REBOOT,
	BOOT_HALT,
};

/* `watchdog DEVICE TIMEOUT [MODE]`: when PID 1 pets it. */
enum boot_wd_mode {
	BOOT_WD_OFF,	  /* the line is kept, the device left alone */
	BOOT_WD_RUN_TIME, /* petted while the machine runs; magic close when shutdown begins */
	BOOT_WD_THROUGH_SHUTDOWN, /* petted until just before reboot(2): a stuck shutdown resets */
};

/* restart=no|on-failure[:N]|always: whether an exit is followed by a new start. */
enum boot_restart {
	BOOT_RESTART_NO,
	BOOT_RESTART_ON_FAILURE,
	BOOT_RESTART_ALWAYS,
};

struct boot_entry {
	int line;
	enum boot_kind kind;
	enum boot_action on_exit; /* when it ends and is not restarted */
	enum boot_restart restart;
	unsigned max_restarts;	  /* on-failure:N; 0 is no limit */
	enum boot_action give_up; /* when max_restarts are used up; BOOT_IGNORE: leave it down */
	long long grace_ms;	  /* grace=D; -1: the global grace */
	long log_size;		  /* log=SIZE: ring buffer bytes; 0: log=console; -1: log-size */
	const char *after;	  /* after=A,B: the names, as written */
	unsigned group;		  /* `group` lines before it */
	int ready_fd;		  /* ready=FD: it writes a line to FD when ready; 0: none */
	unsigned after_mask;	  /* the entries it waits for (bit i: e[i]), after and group */
	const char *name;
	char **argv; /* module: path, params...; container: full `nestbox run` argv; run: program */
	pid_t pid;   /* running, or 0 */
	unsigned starts;
	int last_status;	 /* wait(2) status of the last exit, -1 before any */
	long long restart_at_ms; /* CLOCK_MONOTONIC time of a pending restart, or 0 */
	long long started_ms;	 /* CLOCK_MONOTONIC time of the last start */
	unsigned restarts;	 /* restarts since it last stayed up for stable_ms */
	unsigned first_start;	 /* order of its first start (1, 2, ...); 0: never started */
	bool down;		 /* given up on: not restarted any more */
	bool ready;		 /* wrote its readiness line (ready=FD) */
	bool held;		 /* stopped on request (boot stop): not restarted */
	bool restart_asked;	 /* boot restart: start again as soon as it has exited */
	long long kill_at_ms;	 /* a requested stop: SIGKILL at this time, or 0 */
};

struct boot_conf {
	const char *path;
	unsigned grace_seconds; /* `grace N`: TERM -> KILL delay at shutdown */
	long long grace_ms;
	long long backoff_start_ms; /* `backoff START FACTOR CAP` */
	unsigned backoff_factor;    /* percent */
	long long backoff_cap_ms;
	long long stable_ms;   /* `backoff-reset D`: up this long and the backoff starts over */
	long long deadline_ms; /* `shutdown-deadline D` */
	long log_size;	       /* `log-size SIZE`: ring buffer per entry that does not say */
	const char *log_dir;   /* `log-dir DIR [MAX-SIZE]`: NAME.log files there too */
	long log_file_size;
	const char *wd_device; /* `watchdog`: NULL when there is none */
	unsigned wd_timeout;   /* seconds */
	enum boot_wd_mode wd_mode;
	int wd_line;
	int n;
	int bad;	/* lines skipped */
	unsigned group; /* while parsing: the `group` lines so far */
	struct boot_entry e[BOOT_MAX_ENTRIES];
	int nargs;
	char *args[BOOT_MAX_ARGS];
	size_t len; /* bytes in text; a NUL byte among them is an error, not the end */
	char text[BOOT_CONF_MAX];
};

/* Names of the enums above, as boot.conf and the status file spell them. */
extern const char *const boot_action_names[];
extern const char *const boot_kind_names[];

/* A duration as boot.conf writes it: digits with an optional fraction, then ms, s (the
 * default), m or h. Returns milliseconds, or -1 when it is not one (or beyond 24 h). */
long long boot_parse_duration(const char *s);

/* A size: digits, then nothing (bytes), k or m. Returns bytes, or -1 (or above max). */
long boot_parse_size(const char *s, long max);

extern const char *const boot_restart_names[];
extern const char *const boot_wd_mode_names[];

/* Report "nestbox: PATH:LINE: reason" and count the line as bad. */
void boot_conf_bad_line(struct boot_conf *c, int line, const char *reason);

/* boot_order.c: resolve after= names and groups into after_mask; an unknown name or a cycle
 * is a bad line, and its entries are dropped (those that wait for them too). */
void boot_order_resolve(struct boot_conf *c);

/* Read path into conf->text and conf->len (at most BOOT_CONF_MAX - 1 bytes). Returns 0, or
 * -errno with err filled ("boot: PATH: why"). */
int boot_conf_read(struct boot_conf *conf, const char *path, struct nb_error *err);

/* Parse conf->text[0 .. conf->len) in place into conf. Bad lines are reported as
 * "nestbox: <path>:LINE: reason" on stderr and skipped. Returns the number of bad lines.
 * Container lines are parsed with cli_parse_run, whose lists stay allocated: parse once per
 * process (boot mode does, at start; restarts reuse the parsed argv). */
int boot_conf_parse(struct boot_conf *conf, const char *path);

#endif
