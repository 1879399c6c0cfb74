/* Boot mode: nestbox as the kernel's PID 1 (the /init of an initramfs). It mounts the API
 * filesystems, loads the modules /etc/nestbox/boot.conf lists, starts its containers and
 * programs in order, reaps every orphan, and never exits: shutdown ends in reboot(2).
 * Everything lives in static storage; no heap after start. */
#ifndef NB_BOOT_H
#define NB_BOOT_H

#include <stdbool.h>
#include <sys/types.h>

#define BOOT_CONF_DEFAULT     "/etc/nestbox/boot.conf"
#define BOOT_CONF_CMDLINE     "nestbox.conf=" /* kernel command line override */
#define BOOT_STATUS_FILE      "/run/nestbox/status"
#define BOOT_CONF_MAX	      16384 /* bytes of boot.conf */
#define BOOT_MAX_ENTRIES      32
#define BOOT_MAX_ARGS	      512 /* words of all entries together, with 5 spare per entry */
#define BOOT_DEFAULT_GRACE    5
#define BOOT_RESTART_DELAY_MS 1000

/* One console line from boot mode. */
#define BOOT_LOG(fmt, ...) dprintf(STDERR_FILENO, "nestbox: boot: " fmt "\n", __VA_ARGS__)

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
	char text[BOOT_CONF_MAX];
};

/* True when main() must hand over to boot_main: PID 1 started as .../init or with no argument,
 * or `nestbox boot ...`. */
bool boot_wanted(int argc, char **argv);

/* `nestbox boot --check [FILE]` validates a file; as PID 1 it boots and never returns. */
int boot_main(int argc, char **argv);

/* Parse text (NUL-terminated, modified in place) into conf. Bad lines are reported as
 * "<path>:LINE: reason" on stderr and skipped. Returns the number of bad lines. */
int boot_conf_parse(struct boot_conf *conf, const char *path);

/* Read path into conf->text (at most BOOT_CONF_MAX - 1 bytes). Returns 0 or -1 after a line. */
int boot_conf_read(struct boot_conf *conf, const char *path);

extern const char *const boot_action_names[];

#endif
