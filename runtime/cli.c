/* `nestbox run` command line -> struct nb_container. Syntax only: checks against the host
 * (does the layer exist?) are validate.c's, shared with every front end. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "init.h"
#include "ns.h"

struct cli_state {
	struct nb_container *c;
	struct nb_error *err;
	const char *rootfs;
};

typedef int (*cli_handler)(struct cli_state *s, const char *arg);

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

static int split_layers(struct cli_state *s, const char *list)
{
	char *copy = strdup(list), *save = NULL;
	struct nb_container *c = s->c;

	if (!copy)
		return nb_fail_errno(s->err, "--rootfs", list);
	c->n_layers = 0;
	/* strtok_r would silently skip empty fields ("a::b"): an empty layer is an error. */
	for (char *p = copy;; p = save + 1) {
		save = strchr(p, ':');
		if (save)
			*save = '\0';
		if (!*p)
			return nb_fail(s->err, EINVAL, "--rootfs", list, "empty layer path");
		c->layers[c->n_layers++] = p;
		if (!save)
			break;
	}
	return 0;
}

static int opt_rootfs(struct cli_state *s, const char *arg)
{
	s->rootfs = arg;
	return split_layers(s, arg);
}

static int opt_upper(struct cli_state *s, const char *arg)
{
	s->c->upper = arg;
	return 0;
}

static int opt_work(struct cli_state *s, const char *arg)
{
	s->c->work = arg;
	return 0;
}

static int opt_read_only(struct cli_state *s, const char *arg)
{
	(void)arg;
	s->c->read_only = true;
	return 0;
}

static int opt_name(struct cli_state *s, const char *arg)
{
	size_t len = strlen(arg);

	if (!len || len > NB_NAME_MAX)
		return nb_fail(s->err, EINVAL, "--name", arg, "must be 1 to 64 characters");
	/* The name becomes a cgroup and interface-name component: keep it to a safe alphabet. */
	if (arg[0] == '.' || arg[0] == '-' ||
	    strspn(arg, "abcdefghijklmnopqrstuvwxyz"
			"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != len)
		return nb_fail(s->err, EINVAL, "--name", arg,
			       "use letters, digits, '_', '.', '-' (not first)");
	memcpy(s->c->name, arg, len + 1);
	return 0;
}

static int opt_hostname(struct cli_state *s, const char *arg)
{
	size_t len = strlen(arg);

	if (!len || len > NB_HOSTNAME_MAX)
		return nb_fail(s->err, EINVAL, "--hostname", arg,
			       "must be 1 to 64 bytes (sethostname(2) limit)");
	memcpy(s->c->hostname, arg, len + 1);
	return 0;
}

static int opt_ns(struct cli_state *s, const char *arg)
{
	return ns_parse_list(arg, &s->c->namespaces, s->err);
}

static int opt_bind(struct cli_state *s, const char *arg)
{
	char *copy = strdup(arg), *dst, *mode;
	struct nb_bind *b = &s->c->binds[s->c->n_binds];

	if (!copy)
		return nb_fail_errno(s->err, "--bind", arg);
	dst = strchr(copy, ':');
	if (!dst)
		return nb_fail(s->err, EINVAL, "--bind", arg, "expected SRC:DST[:ro]");
	*dst++ = '\0';
	mode = strchr(dst, ':');
	if (mode)
		*mode++ = '\0';
	if (!*copy || !*dst)
		return nb_fail(s->err, EINVAL, "--bind", arg, "expected SRC:DST[:ro]");
	if (mode && strcmp(mode, "ro") && strcmp(mode, "rw"))
		return nb_fail(s->err, EINVAL, "--bind", arg, "mode must be ro or rw");
	b->src = copy;
	b->dst = dst;
	b->read_only = mode && !strcmp(mode, "ro");
	s->c->n_binds++;
	return 0;
}

static int opt_env(struct cli_state *s, const char *arg)
{
	const char *eq = strchr(arg, '=');
	const char *value;
	char *kv;

	if (eq == arg || !*arg)
		return nb_fail(s->err, EINVAL, "--env", arg, "expected KEY=VALUE or KEY");
	if (eq) {
		s->c->env[s->c->n_env++] = arg;
		return 0;
	}
	/* docker's --env KEY: take the value from the caller's environment, skip when unset. */
	value = getenv(arg);
	if (!value)
		return 0;
	if (asprintf(&kv, "%s=%s", arg, value) < 0)
		return nb_fail_errno(s->err, "--env", arg);
	s->c->env[s->c->n_env++] = kv;
	return 0;
}

static int opt_workdir(struct cli_state *s, const char *arg)
{
	s->c->workdir = arg;
	return 0;
}

static int opt_user(struct cli_state *s, const char *arg)
{
	char *copy = strdup(arg), *colon;
	unsigned long uid, gid;

	if (!copy)
		return nb_fail_errno(s->err, "--user", arg);
	colon = strchr(copy, ':');
	if (colon)
		*colon = '\0';
	if (parse_uint(copy, UINT_MAX - 1, &uid) ||
	    (colon && parse_uint(colon + 1, UINT_MAX - 1, &gid)))
		return nb_fail(s->err, EINVAL, "--user", arg, "expected numeric UID[:GID]");
	s->c->uid = (uid_t)uid;
	s->c->gid = colon ? (gid_t)gid : (gid_t)uid;
	free(copy);
	return 0;
}

static int opt_grace(struct cli_state *s, const char *arg)
{
	unsigned long v;

	if (parse_uint(arg, 3600, &v))
		return nb_fail(s->err, EINVAL, "--grace", arg, "expected whole seconds, 0 to 3600");
	s->c->grace_seconds = (unsigned)v;
	return 0;
}

static int opt_no_init(struct cli_state *s, const char *arg)
{
	(void)arg;
	s->c->no_init = true;
	return 0;
}

static int opt_verbose(struct cli_state *s, const char *arg)
{
	(void)arg;
	s->c->verbosity = 1;
	return 0;
}

static int opt_quiet(struct cli_state *s, const char *arg)
{
	(void)arg;
	s->c->verbosity = -1;
	return 0;
}

/* Every `run` option in one table: name, short letter (0 for none), takes an argument. */
static const struct cli_option {
	const char *name;
	int short_name;
	int has_arg;
	cli_handler handler;
	const char *help;
} run_options[] = {
	{ "rootfs", 0, 1, opt_rootfs, "DIR[:DIR...]  read-only layers, leftmost on top" },
	{ "upper", 0, 1, opt_upper, "DIR           persistent writable layer (with --work)" },
	{ "work", 0, 1, opt_work, "DIR           overlay work dir, same filesystem as --upper" },
	{ "read-only", 0, 0, opt_read_only, "              no writable layer at all" },
	{ "name", 0, 1, opt_name, "NAME          container name (default nestbox-<pid>)" },
	{ "hostname", 0, 1, opt_hostname, "NAME          hostname (default: the name)" },
	{ "ns", 0, 1, opt_ns, "LIST          mnt,pid,uts,ipc,net,cgroup,user,time" },
	{ "bind", 0, 1, opt_bind, "SRC:DST[:ro]  bind mount, repeatable" },
	{ "env", 'e', 1, opt_env, "K=V           environment variable, repeatable" },
	{ "workdir", 'w', 1, opt_workdir, "DIR           working directory (default /)" },
	{ "user", 'u', 1, opt_user, "UID[:GID]     run the workload as this user" },
	{ "grace", 0, 1, opt_grace, "SECONDS       TERM->KILL grace at exit (default 3)" },
	{ "no-init", 0, 0, opt_no_init, "              exec CMD as PID 1 (no reaper)" },
	{ "verbose", 'v', 0, opt_verbose, "              say each setup step" },
	{ "quiet", 'q', 0, opt_quiet, "              no messages but errors" },
	{ "help", 'h', 0, NULL, "              this help" },
};
#define N_RUN_OPTIONS (sizeof(run_options) / sizeof(run_options[0]))

void cli_run_usage(int fd)
{
	dprintf(fd, "usage: nestbox run [OPTIONS] -- CMD [ARG...]\n\n");
	for (size_t i = 0; i < N_RUN_OPTIONS; i++) {
		const struct cli_option *o = &run_options[i];

		if (o->short_name)
			dprintf(fd, "  -%c, --%-10s %s\n", o->short_name, o->name, o->help);
		else
			dprintf(fd, "      --%-10s %s\n", o->name, o->help);
	}
}

static void defaults(struct nb_container *c)
{
	memset(c, 0, sizeof(*c));
	c->namespaces = NB_NS_DEFAULT;
	c->grace_seconds = INIT_DEFAULT_GRACE_SECONDS;
}

static int alloc_lists(struct nb_container *c, int argc, struct nb_error *err)
{
	/* No repeatable option can occur more often than there are arguments. */
	c->layers = calloc((size_t)argc + 1, sizeof(*c->layers));
	c->binds = calloc((size_t)argc + 1, sizeof(*c->binds));
	c->env = calloc((size_t)argc + 1, sizeof(*c->env));
	if (!c->layers || !c->binds || !c->env)
		return nb_fail_errno(err, "run", "arguments");
	return 0;
}

/* Long options for getopt_long, built from run_options[] (index in .val above 255). */
static void build_getopt_tables(struct option *longs, char *shorts)
{
	char *sp = shorts;

	*sp++ = '+'; /* stop at CMD: its own options are its own */
	*sp++ = ':'; /* report a missing argument as ':' */
	for (size_t i = 0; i < N_RUN_OPTIONS; i++) {
		longs[i].name = run_options[i].name;
		longs[i].has_arg = run_options[i].has_arg ? required_argument : no_argument;
		longs[i].flag = NULL;
		longs[i].val = 256 + (int)i;
		if (run_options[i].short_name) {
			*sp++ = (char)run_options[i].short_name;
			if (run_options[i].has_arg)
				*sp++ = ':';
		}
	}
	memset(&longs[N_RUN_OPTIONS], 0, sizeof(longs[0]));
	*sp = '\0';
}

static const struct cli_option *option_for(int val)
{
	if (val >= 256)
		return &run_options[val - 256];
	for (size_t i = 0; i < N_RUN_OPTIONS; i++)
		if (run_options[i].short_name == val)
			return &run_options[i];
	return NULL;
}

static int unknown_option(struct cli_state *s, char **argv, int val)
{
	const char *arg = argv[optind - 1];
	char shortopt[3] = { '-', (char)optopt, '\0' };

	if (val == ':')
		return nb_fail(s->err, EINVAL, "run", optopt ? shortopt : arg,
			       "option needs a value");
	return nb_fail(s->err, EINVAL, "run", optopt ? shortopt : arg,
		       "unknown option (see --help)");
}

int cli_parse_run(int argc, char **argv, struct nb_container *c, struct nb_error *err)
{
	struct option longs[N_RUN_OPTIONS + 1];
	char shorts[2 * N_RUN_OPTIONS + 3];
	struct cli_state s = { .c = c, .err = err };
	int val, rc;

	defaults(c);
	rc = alloc_lists(c, argc, err);
	if (rc)
		return rc;
	build_getopt_tables(longs, shorts);
	optind = 1;
	opterr = 0;
	while ((val = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		const struct cli_option *o = option_for(val);

		if (!o)
			return unknown_option(&s, argv, val);
		if (!o->handler) { /* --help */
			cli_run_usage(STDOUT_FILENO);
			return 1;
		}
		rc = o->handler(&s, optarg);
		if (rc)
			return rc;
	}
	if (optind >= argc)
		return nb_fail(err, EINVAL, "run", NULL,
			       "no CMD given (nestbox run [OPTIONS] -- CMD)");
	c->argv = &argv[optind];
	if (!s.rootfs)
		return nb_fail(err, EINVAL, "run", NULL, "--rootfs DIR is required");
	if (!c->name[0])
		snprintf(c->name, sizeof(c->name), "nestbox-%d", (int)getpid());
	if (!c->hostname[0])
		memcpy(c->hostname, c->name, sizeof(c->name));
	return 0;
}
