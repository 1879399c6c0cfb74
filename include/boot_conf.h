/* boot.conf, boot mode's configuration (README "Boot mode"): one directive a line, read into
 * static storage and checked line by line. A container line's `nestbox run` arguments go
 * through the run front end's own parser and checks (cli_parse_run, container_validate), so
 * `nestbox boot --check` refuses exactly what `nestbox run` refuses.
 *
 * Layering: this parser sits below boot mode (boot.c) and above the run front end (cli.c,
 * validate.c); it knows nothing of boot.c. */
#ifndef NB_BOOT_CONF_H
#define NB_BOOT_CONF_H

#include <stddef.h>
#include <sys/types.h>

#include "nb_error.h"

#define BOOT_CONF_MAX	   16384 /* bytes of boot.conf */
#define BOOT_MAX_ENTRIES   32
#define BOOT_MAX_ARGS	   512 /* words of all entries together, with 5 spare per entry */
#define BOOT_DEFAULT_GRACE 5

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

struct boot_entry {
	int line;
	enum boot_kind kind;
	enum boot_action on_exit;
	const char *name;
	char **argv; /* module: path, params...; container: full `nestbox run` argv; run: program */
	pid_t pid;   /* running, or 0 */
	unsigned starts;
	int last_status;	 /* wait(2) status of the last exit, -1 before any */
	long long restart_at_ms; /* CLOCK_MONOTONIC time of a pending restart, or 0 */
};

struct boot_conf {
	const char *path;
	unsigned grace_seconds; /* `grace N`: TERM -> KILL delay at shutdown */
	int n;
	int bad; /* lines skipped */
	struct boot_entry e[BOOT_MAX_ENTRIES];
	int nargs;
	char *args[BOOT_MAX_ARGS];
	size_t len; /* bytes in text; a NUL byte among them is an error, not the end */
	char text[BOOT_CONF_MAX];
};

/* Names of the enums above, as boot.conf and the status file spell them. */
extern const char *const boot_action_names[];
extern const char *const boot_kind_names[];

/* Read path into conf->text and conf->len (at most BOOT_CONF_MAX - 1 bytes). Returns 0, or
 * -errno with err filled ("boot: PATH: why"). */
int boot_conf_read(struct boot_conf *conf, const char *path, struct nb_error *err);

/* Parse conf->text[0 .. conf->len) in place into conf. Bad lines are reported as
 * "nestbox: <path>:LINE: reason" on stderr and skipped. Returns the number of bad lines.
 * Container lines are parsed with cli_parse_run, whose lists stay allocated: parse once per
 * process (boot mode does, at start; restarts reuse the parsed argv). */
int boot_conf_parse(struct boot_conf *conf, const char *path);

#endif
