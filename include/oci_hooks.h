/* OCI hooks (runtime-spec config.md "POSIX-platform Hooks", runtime.md "Lifecycle"): programs
 * config.json names, run at points of the container's life with its state JSON on stdin.
 *
 *   prestart, createRuntime  host side, runtime namespace: the namespaces exist (the clone is
 *                            made, id maps, cgroup, veth), the root is not built or pivoted yet
 *   createContainer          container side, its namespaces, the root built, before pivot_root;
 *                            chrooted into the host's root (the path resolves in the runtime
 *                            namespace, as the spec says)
 *   startContainer           container side after the start byte, after pivot_root, before the
 *                            workload: its path resolves in the container
 *   poststart                runtime namespace, after the start (run_start, `nestbox start`)
 *   poststop                 runtime namespace, after the container is deleted
 *
 * Each hook: execve(path, args, env) (no args: argv is just path; no env: an empty
 * environment), stdin a pipe holding the state, stdout and stderr nestbox's, a process group of
 * its own. A timeout SIGKILLs that group and counts as a failure. A failing hook of the first
 * four kinds fails the operation (the remaining ones do not run); poststart and poststop only
 * warn, and every one of them runs. */
#ifndef NB_OCI_HOOKS_H
#define NB_OCI_HOOKS_H

#include <sys/types.h>

#include "nb_error.h"

#define HOOKS_ANNOTATIONS_MAX 8192 /* config.json's annotations, as JSON, in the state */

enum nb_hook_kind {
	NB_HOOK_PRESTART,
	NB_HOOK_CREATE_RUNTIME,
	NB_HOOK_CREATE_CONTAINER,
	NB_HOOK_START_CONTAINER,
	NB_HOOK_POSTSTART,
	NB_HOOK_POSTSTOP,
	NB_HOOK_KINDS
};

struct nb_hook {
	const char *path;		/* absolute */
	char *const *args, *const *env; /* NULL-terminated, or NULL when not given */
	int timeout;			/* seconds, 0: none */
};

struct nb_hooks {
	struct nb_hook *list[NB_HOOK_KINDS];
	int n[NB_HOOK_KINDS];
	const char *bundle;	 /* the state's bundle, and the runtime-namespace hooks' cwd */
	const char *annotations; /* config.json's, as the state's JSON object; NULL: {} */
};

struct nb_container;
struct nb_state;

/* config.json's names of the kinds, in enum order. */
extern const char *const hooks_kind_names[NB_HOOK_KINDS];

/* Run c's hooks of one kind with the state {ociVersion, id, status, pid, bundle, annotations}
 * (status by kind: creating, created, running, stopped). 0, or -errno with err filled when a
 * failing kind's hook failed; poststart and poststop print warnings and return 0. */
int hooks_run(const struct nb_container *c, enum nb_hook_kind kind, pid_t pid,
	      struct nb_error *err);

/* The state JSON (runtime-spec runtime.md "State") into buf: `nestbox state` prints it too
 * (annotations a JSON object, NULL for {}). */
void hooks_state_json(char *buf, size_t size, const char *id, const char *status, pid_t pid,
		      const char *bundle, const char *annotations);

/* s as a JSON string at p (RFC 8259 section 7: quote, backslash and controls escaped), stopping
 * short of end; NUL-terminated, returns where it ends. */
char *hooks_json_string(char *p, const char *end, const char *s);

/* A created container's poststart and poststop hooks are run by later verbs: create keeps a
 * copy of the bundle's config.json in the state directory (when it has any of them), and
 * start and delete read the hooks back from it (none when there is no copy; a warning when it
 * does not read). */
int hooks_save(const struct nb_container *c, const struct nb_state *s, struct nb_error *err);
void hooks_load(const struct nb_state *s, const char *id, const char *bundle,
		struct nb_container *c);

#endif
