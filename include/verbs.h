/* The verbs on containers: each takes the state root and its own argv (argv[0] is the verb) and
 * returns the exit status. run, create, start, state, delete: verbs.c; kill, stop: verb_signal.c;
 * list, ps: verb_list.c; pause, resume: verb_pause.c; exec: verb_exec.c; logs: verb_logs.c.
 * Each verb is one implementation that takes both runc's and docker's spelling. */
#ifndef NB_VERBS_H
#define NB_VERBS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cgroup.h"
#include "nb_error.h"
#include "state.h"

int verb_run(const char *root, int argc, char **argv);
int verb_create(const char *root, int argc, char **argv);
int verb_start(const char *root, int argc, char **argv);
int verb_state(const char *root, int argc, char **argv);
int verb_delete(const char *root, int argc, char **argv); /* also docker's rm [-f] */
int verb_kill(const char *root, int argc, char **argv);
int verb_stop(const char *root, int argc, char **argv);
int verb_list(const char *root, int argc, char **argv);
int verb_ps(const char *root, int argc, char **argv);
int verb_pause(const char *root, int argc, char **argv);
int verb_resume(const char *root, int argc, char **argv);
int verb_exec(const char *root, int argc, char **argv);
int verb_logs(const char *root, int argc, char **argv); /* a run -d's output */

/* --- shared by the verbs (verb_target.c) ------------------------------------------------- */

/* A container found in the state directory, and what it is now. */
struct nb_target {
	struct nb_state s;
	struct nb_record rec;
	enum nb_status st;
};
#define VERB_IS(st) (1u << (st))

/* Print err, return 125. */
int verb_fail(const struct nb_error *err);

/* "NAME VALUE" or "NAME=VALUE" (or ALIAS VALUE) at argv[*i]: 1 with *value set (and *i on the
 * value), 0 when it is another word, -1 when the value is missing. */
int verb_flag(int argc, char **argv, int *i, const char *name, const char *alias,
	      const char **value);

/* Find id under root; its status must be one of want (VERB_IS bits), else "container ID: is
 * STATUS, not NEED" (-EINVAL). "container ID: does not exist" (-ENOENT). */
int verb_find(const char *root, const char *id, unsigned want, const char *need,
	      struct nb_target *t, struct nb_error *err);

/* The same with the ID at argv[first], the last word (argv[0] is the verb): else "VERB: ...: no
 * container ID given" or "unexpected argument". */
int verb_find_arg(const char *root, int argc, char **argv, int first, unsigned want,
		  const char *need, struct nb_target *t, struct nb_error *err);

/* The group create saved: 0, or -ENOENT (none, or it did not load). */
int verb_cgroup(const struct nb_target *t, struct nb_cgroup *cg);

/* The container's processes (host pids): its pid namespace's, else its cgroup's, else PID 1. */
int verb_pids(const struct nb_target *t, pid_t *pids, int max);

/* The pid file as runc writes it: the pid, no newline, renamed into place (oci_verbs.c). */
int verb_write_pid_file(const char *path, pid_t pid, struct nb_error *err);

/* s as a JSON string on stdout, quotes and escapes. */
void verb_json_string(const char *s);
void verb_sleep_ms(long ms);

/* Signal name (KILL, SIGKILL, kill, RTMIN+3) or number -> number, or -1 (verb_signal.c). */
int verb_signal_number(const char *name);

/* The freezer (verb_pause.c): frozen or thawed, 0 or -errno with err. verb_freezer_release
 * thaws and removes what pause made outside the container's own group (v1), for delete. */
int verb_set_frozen(const struct nb_target *t, bool frozen, struct nb_error *err);
void verb_freezer_release(const struct nb_target *t);

/* The create's words (argv[0] the verb), kept for exec, which describes the container again from
 * them; verb_load_args reads them back (a `nestbox run` keeps none: its command line is read),
 * argv NULL-terminated: the count, or -1. */
void verb_save_args(const struct nb_state *s, int argc, char **argv);
int verb_load_args(const struct nb_target *t, char *buf, size_t size, char **argv, int max);

#endif
