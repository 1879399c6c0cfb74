/* The docker-like front end: `nestbox run` flags -> struct nb_container. */
#ifndef NB_CLI_H
#define NB_CLI_H

#include "container.h"
#include "nb_error.h"
#include "option.h" /* struct cli_option, cli_parse_u64 */

/* The core `run` options; the concerns' tables are declared in option.h and tty.h. */
extern const struct cli_option cli_run_options[];

/* Parse `run`'s arguments (argv[0] is "run"). Returns 0, 1 when --help was printed, or -errno
 * with err filled. Allocations live as long as the process (a run is one process lifetime). */
int cli_parse_run(int argc, char **argv, struct nb_container *c, struct nb_error *err);

/* `nestbox create [OPTIONS] ID [--] CMD [ARG...]`: as run, the name being the ID. */
int cli_parse_create(int argc, char **argv, struct nb_container *c, struct nb_error *err);

/* The --name rules (length, alphabet) for a container name given another way (an OCI ID). */
int cli_parse_name(struct nb_container *c, const char *name, struct nb_error *err);

void cli_run_usage(int fd);

/* -e: add "K=V" (or K with the caller's value) to c->env, which grows: --env-file adds a
 * file's lines for one argument. arg must outlive the parse. */
int cli_add_env(struct nb_container *c, const char *kv, struct nb_error *err);

#endif
