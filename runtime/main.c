/* nestbox: dispatch to `run`, `init` (the reaper as a tini-like tool) or --version. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "boot.h"
#include "cli.h"
#include "init.h"
#include "nb_error.h"
#include "run.h"
#include "validate.h"

#ifndef NESTBOX_VERSION
#define NESTBOX_VERSION "unknown"
#endif

static void usage(int fd)
{
	dprintf(fd, "usage: nestbox run [OPTIONS] -- CMD [ARG...]   run a container (--help)\n"
		    "       nestbox init [-g] [-s] [--grace SECONDS] [--] CMD [ARG...]\n"
		    "       nestbox --version\n");
}

static int cmd_run(int argc, char **argv)
{
	struct nb_container c;
	struct nb_error err = { 0 };
	int rc = cli_parse_run(argc, argv, &c, &err);

	if (rc == 1)
		return 0;
	if (!rc)
		rc = container_validate(&c, &err);
	if (!rc)
		rc = container_run(&c, &err);
	if (rc < 0) {
		nb_error_print(&err);
		return NB_EXIT_SETUP;
	}
	return rc;
}

int main(int argc, char **argv)
{
	if (boot_wanted(argc, argv)) /* the kernel's PID 1, or `nestbox boot` (boot.c) */
		return boot_main(argc, argv);
	if (argc < 2) {
		usage(STDERR_FILENO);
		return NB_EXIT_SETUP;
	}
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "init"))
		return init_main("nestbox init", argc - 1, argv + 1);
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("nestbox %s\n", NESTBOX_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(STDOUT_FILENO);
		return 0;
	}
	dprintf(STDERR_FILENO, "nestbox: command: %s: unknown (run, init, --version)\n", argv[1]);
	return NB_EXIT_SETUP;
}
