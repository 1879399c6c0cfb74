/* nestbox: the global options, then one verb: run, create, start, state, delete, kill, stop,
 * list, ps, pause, resume, exec, rm, logs (verbs.h),
 * init (the reaper as a tini-like tool), boot (boot.c), help, --version. */
#include <errno.h>
#include <fcntl.h>
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
	    "usage: nestbox [--root DIR] [--log FILE] [--log-format text|json] COMMAND ...\n"
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

/* --log FILE [--log-format json]: errors go to FILE (appended), as runc's do; containerd's
 * shim passes both and reads the file back when a command fails. */
static int open_log(const char *path, const char *format, struct nb_error *err)
{
	int fd;

	if (format && strcmp(format, "text") && strcmp(format, "json"))
		return nb_fail(err, EINVAL, "--log-format", format, "want text or json");
	nb_log_json = format && !strcmp(format, "json");
	if (!path)
		return 0;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return nb_fail_errno(err, "--log", path);
	nb_log_fd = fd;
	return 0;
}

/* runc's global options before the verb, as its clients pass them: --root DIR, --log FILE,
 * --log-format FMT (each also as --opt=VALUE); --systemd-cgroup (cgroupsPath is systemd's
 * slice:prefix:name, oci_linux.c); --debug taken and changing nothing.
 * Returns how many words they took, or -1. */
static int global_options(int argc, char **argv, const char **root, struct nb_error *err)
{
	const char *log = NULL, *format = NULL;
	int i;

	for (i = 1; i < argc; i++) {
		int rc = 0;

		if (!strcmp(argv[i], "--systemd-cgroup") || !strcmp(argv[i], "--debug")) {
			oci_systemd_cgroup |= argv[i][2] == 's';
			continue;
		}
		if ((rc = verb_flag(argc, argv, &i, "--root", NULL, root)) > 0 && (*root)[0] != '/')
			return nb_fail(err, EINVAL, "--root", *root, "want an absolute directory");
		if (!rc)
			rc = verb_flag(argc, argv, &i, "--log", NULL, &log);
		if (!rc)
			rc = verb_flag(argc, argv, &i, "--log-format", NULL, &format);
		if (rc < 0)
			return nb_fail(err, EINVAL, argv[i], NULL, "wants a value");
		if (!rc)
			break;
	}
	return open_log(log, format, err) ? -1 : i - 1;
}

int main(int argc, char **argv)
{
	const char *root = state_default_root();
	struct nb_error err = { 0 };
	int skip;

	if (boot_wanted(argc, argv)) /* the kernel's PID 1, or `nestbox boot` (boot.c) */
		return boot_main(argc, argv);
	skip = global_options(argc, argv, &root, &err);
	if (skip < 0)
		return verb_fail(&err);
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
	nb_fail(&err, EINVAL, "command", argv[1],
		"unknown (run, create, start, state, delete, rm, kill, stop, list, ps, pause, "
		"resume, exec, logs, spec, features, init, boot, help, --version)");
	return verb_fail(&err);
}
