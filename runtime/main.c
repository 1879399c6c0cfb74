/* nestbox: the global options, then one verb: run, create, start, state, delete, kill, stop,
 * list, ps, pause, resume, exec, rm, logs (verbs.h),
 * init (the reaper as a tini-like tool), boot (boot.c), help, --version. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "boot.h"
#include "init.h"
#include "nb_error.h"
#include "oci_verbs.h"
#include "state.h"
#include "verbs.h"
#include "version.h"

#ifndef NESTBOX_VERSION
#define NESTBOX_VERSION "unknown"
#endif

static void usage(int fd)
{
	dprintf(
	    fd,
	    "usage: nestbox [--root DIR] COMMAND ...\n"
	    "  run [OPTIONS] -- CMD [ARG...]        run a container (run --help: the options)\n"
	    "  create [OPTIONS] ID -- CMD [ARG...]  set one up, stopped before CMD runs\n"
	    "  create [--bundle DIR] [--pid-file F] [--console-socket S] [--preserve-fds N] ID\n"
	    "                                       the same from DIR/config.json (OCI)\n"
	    "  run [--bundle DIR] [--detach] ID     OCI run: create, start, wait, delete\n"
	    "  start ID                             run a created container's CMD\n"
	    "  state ID                             its OCI state as JSON\n"
	    "  delete [--force] ID, rm [-f] NAME    remove it (--force: also a running one)\n"
	    "  kill ID [SIGNAL] [--all] | [-s SIGNAL] ID, stop [-t SECONDS] ID, pause ID,\n"
	    "  resume ID, exec [-d] [-t] [-e K=V] [-w DIR] [-u UID[:GID]] ID CMD..., list, ps "
	    "[ID]\n"
	    "  exec [--process F] [--tty] [--console-socket S] [--detach] [--pid-file F] ID  "
	    "(OCI)\n"
	    "  logs [-f] NAME                       what a run -d wrote (-f: until it ends)\n"
	    "  spec [--bundle DIR]                  write a default config.json (OCI)\n"
	    "  features                             the OCI features this runtime has, as JSON\n"
	    "  init [-g] [-s] [--grace SECONDS] [--] CMD [ARG...]   the reaper alone\n"
	    "  boot [--check [FILE]]                boot mode (nestbox as the machine's PID 1)\n"
	    "  help, --version\n"
	    "  --root DIR: the state directory (default %s)\n",
	    state_default_root());
}

static const struct {
	const char *name;
	int (*fn)(const char *root, int argc, char **argv);
} verbs[] = {
	{ "run", verb_run },	       { "create", verb_create }, { "start", verb_start },
	{ "state", verb_state },       { "delete", verb_delete }, { "spec", verb_spec },
	{ "features", verb_features }, { "rm", verb_delete },	  { "kill", verb_kill },
	{ "stop", verb_stop },	       { "list", verb_list },	  { "ps", verb_ps },
	{ "pause", verb_pause },       { "resume", verb_resume }, { "exec", verb_exec },
	{ "logs", verb_logs },
};

/* --root DIR / --root=DIR before the verb; returns how many words it took, or -1. */
static int global_options(int argc, char **argv, const char **root)
{
	if (argc > 1 && !strncmp(argv[1], "--root=", 7)) {
		*root = argv[1] + 7;
		return 1;
	}
	if (argc > 1 && !strcmp(argv[1], "--root")) {
		if (argc < 3)
			return -1;
		*root = argv[2];
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *root = state_default_root();
	int skip;

	if (boot_wanted(argc, argv)) /* the kernel's PID 1, or `nestbox boot` (boot.c) */
		return boot_main(argc, argv);
	skip = global_options(argc, argv, &root);
	if (skip < 0 || (skip && root[0] != '/')) {
		dprintf(STDERR_FILENO, "nestbox: --root: %s: want an absolute directory\n",
			skip < 0 ? "\"\"" : root);
		return NB_EXIT_SETUP;
	}
	argc -= skip;
	argv += skip;
	if (argc < 2) {
		usage(STDERR_FILENO);
		return NB_EXIT_SETUP;
	}
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(argv[1], verbs[i].name))
			return verbs[i].fn(root, argc - 1, argv + 1);
	if (!strcmp(argv[1], "init"))
		return init_main("nestbox init", argc - 1, argv + 1);
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("nestbox %s (git %s)\nspec: %s\n", NB_RELEASE, NESTBOX_VERSION,
		       NB_OCI_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(STDOUT_FILENO);
		return 0;
	}
	dprintf(
	    STDERR_FILENO,
	    "nestbox: command: %s: unknown (run, create, start, state, delete, rm, kill, stop, "
	    "list, ps, pause, resume, exec, logs, spec, features, init, boot, help, --version)\n",
	    argv[1]);
	return NB_EXIT_SETUP;
}
