/* One option of a command line, and the value parsers every option table shares. The lowest
 * layer of option handling: each concern (security.c, net.c, cgroup.c, tty.c ...) defines its
 * table with these and includes only this header; cli.c, the front end above them, lists the
 * tables and parses argv. */
#ifndef NB_OPTION_H
#define NB_OPTION_H

#include <stdint.h>

#include "nb_error.h"

struct nb_container;

/* Each concern owns a table of these next to the code that acts on them (run_options in
 * cli.c; --memory in cgroup.c, --ip in net.c ...), and cli.c lists the tables in
 * cli_option_tables[]. A handler parses its value into the container description, or fails
 * with err filled. Tables are const and end with an entry whose name is NULL. */
struct cli_option {
	const char *name;
	int (*handler)(struct nb_container *c, const char *arg, struct nb_error *err);
	/* "1h" + help: takes a value ('1') or not ('0'), the short name (' ' for none), then
	 * the help ("ARG   what it does", "" for a spelling --help does not list) */
	const char *form;
};

/* One entry: short_name a one-letter string (" " for none), has_arg 0 or 1. The flags live
 * in the help string, so that an entry is three words, not four (~100 entries: the size
 * budget), and the names stay shared with the same words elsewhere. */
#define OPT(name, short_name, has_arg, handler, help)   \
	{                                               \
		name, handler, #has_arg short_name help \
	}

static inline int cli_option_has_arg(const struct cli_option *o)
{
	return o->form[0] == '1';
}

/* The short name, 0 for none. */
static inline char cli_option_short(const struct cli_option *o)
{
	return o->form[1] == ' ' ? 0 : o->form[1];
}

static inline const char *cli_option_help(const struct cli_option *o)
{
	return o->form + 2;
}

/* The concerns' tables, declared here so that each definition is checked against its const
 * declaration by the file that defines it (tty_options: tty.h). */
extern const struct cli_option cli_security_options[]; /* security.c */
extern const struct cli_option net_options[];	       /* net.c */
extern const struct cli_option cgroup_options[];       /* cgroup.c */
extern const struct cli_option mount_options[];	       /* mount_plan.c */
extern const struct cli_option cli_docker_options[];   /* cli_docker.c */

/* The handler of the docker flags nestbox does not do: cli.c refuses them by name, with the
 * entry's help (what to use instead) as the reason. */
int cli_docker_refuse(struct nb_container *c, const char *arg, struct nb_error *err);

/* A whole decimal number, digits only, at most max: 0, or -1 for anything else. Every option
 * handler that takes a count uses it. */
int cli_parse_u64(const char *s, uint64_t max, uint64_t *out);

/* A path option's value made absolute, as a shell would take it: a relative one against the
 * current directory, once, at parse time (the container side resolves from elsewhere).
 * Messages show it as given again (error.c). NULL with errno set on failure. */
const char *cli_path(const char *path);

#endif
