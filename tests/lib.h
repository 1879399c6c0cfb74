/* Shared helpers for the kselftest-harness suites: run nestbox and capture what it says,
 * snapshot host state (mounts, processes) to prove nothing leaked. Paths come from the
 * environment so the same binaries run from the repo and inside the QEMU VMs:
 * NESTBOX, NESTBOX_INIT, NESTBOX_ROOTFS, NESTBOX_HELPERS.
 */
#ifndef NBT_LIB_H
#define NBT_LIB_H

#include <stdbool.h>
#include <sys/types.h>

#define NBT_OUT_MAX 65536

struct nbt_result {
	const char *input; /* written to the child's stdin, then closed; NULL: /dev/null */
	int status;	   /* exit code, or 128+N when killed by signal N, -1 on harness error */
	char out[NBT_OUT_MAX];
	char err[NBT_OUT_MAX];
};

const char *nbt_nestbox(void);
const char *nbt_rootfs(void);
const char *nbt_helpers(void);

/* Run nestbox with the NULL-terminated arguments after its path; capture stdout/stderr. */
int nbt_run(struct nbt_result *r, ...);
/* Same with an argv array (argv[0] is the first argument after nestbox's path). */
int nbt_runv(struct nbt_result *r, const char *const *argv);

/* Start nestbox in the background with stdout/stderr to a file; returns its pid. */
pid_t nbt_spawn(const char *const *argv, const char *log_path);

/* Host mount table without the fields that differ between reads; caller frees. */
char *nbt_mountinfo(void);
/* Wait up to timeout_ms for the file at path to contain text: 1 when it did, 0 otherwise. */
int nbt_wait_for_text(const char *path, const char *text, int timeout_ms);
/* waitpid and the exit status as `nestbox run` reports it: code, or 128+N for signal N. */
int nbt_wait_exit(pid_t pid);
/* CLOCK_MONOTONIC in seconds, and in whole milliseconds. */
double nbt_now(void);
long long nbt_now_ms(void);
/* nanosleep for ms milliseconds (a signal may cut it short). */
void nbt_sleep_ms(long ms);
/* The state letter of /proc/PID/stat (R, S, Z, T ...), '?' when there is no such process. */
char nbt_proc_state(int pid);
/* Number of processes whose command line starts with needle (excluding the caller). */
int nbt_count_procs(const char *needle);
/* Poll nbt_count_procs(needle) until it equals want or timeout_ms passes; the last count.
 * "echo READY; exec sleep N" prints before the exec, so a count right after READY races. */
int nbt_wait_procs(const char *needle, int want, int timeout_ms);
/* Entries in a directory, "." and ".." not counted; -1 when it cannot be read. */
int nbt_count_entries(const char *path);
/* nestbox run --rootfs <busybox rootfs> [--bind <helpers>:HELPERS_AT:ro] OPTS... -- CMD...
 * opts may be NULL; both lists NULL-terminated; helpers_at NULL binds no helpers. */
int nbt_run_container(struct nbt_result *r, const char *helpers_at, const char *const *opts,
		      const char *const *cmd);
/* Lines of stderr (to check "one clear line"). */
int nbt_count_lines(const char *text);
/* Read a whole small file into buf; returns bytes or -1. */
int nbt_read_file(const char *path, char *buf, size_t size);
/* Write content to path (creating directories is the caller's job). */
int nbt_write_file(const char *path, const char *content);
/* A fresh directory under /tmp (mkdtemp) and rm -rf of one. */
char *nbt_tempdir(const char *tag);
void nbt_rm_rf(const char *path);
/* Is there a cgroup directory named name in any hierarchy (a few levels down)? */
int nbt_cgroup_named(const char *name);

#endif
