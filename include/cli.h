/* The docker-like front end: `nestbox run` flags -> struct nb_container. */
#ifndef NB_CLI_H
#define NB_CLI_H

#include <stdint.h>

#include "container.h"
#include "nb_error.h"

/* Parse `run`'s arguments (argv[0] is "run"). Returns 0, 1 when --help was printed, or -errno
 * with err filled. Allocations live as long as the process (a run is one process lifetime). */
/* One option of `nestbox run`. Each concern owns a table of these next to the code that
 * acts on them (run_options in cli.c; --memory in cgroup.c, --ip in net.c ...), and cli.c
 * lists the tables in cli_option_tables[]. A handler parses its value into the container
 * description, or fails with err filled. */
struct cli_option {
	const char *name;
	int short_name; /* 0 for none */
	int has_arg;
	int (*handler)(struct nb_container *c, const char *arg, struct nb_error *err);
	const char *help; /* "ARG   what it does" */
};

/* Tables end with an entry whose name is NULL. */
extern const struct cli_option cli_run_options[];
extern const struct cli_option cli_security_options[]; /* security.c */
extern const struct cli_option net_options[];	       /* net.c */
extern const struct cli_option cgroup_options[];       /* cgroup.c */

/* A whole decimal number, digits only, at most max: 0, or -1 for anything else. Every option
 * handler that takes a count uses it. */
int cli_parse_u64(const char *s, uint64_t max, uint64_t *out);

int cli_parse_run(int argc, char **argv, struct nb_container *c, struct nb_error *err);

/* `nestbox create [OPTIONS] ID [--] CMD [ARG...]`: as run, the name being the ID. */
int cli_parse_create(int argc, char **argv, struct nb_container *c, struct nb_error *err);

/* The --name rules (length, alphabet) for a container name given another way (an OCI ID). */
int cli_parse_name(struct nb_container *c, const char *name, struct nb_error *err);

void cli_run_usage(int fd);

#endif
