/* `nestbox run` command line -> struct nb_container. Syntax only: checks against the host
 * (does the layer exist?) are validate.c's, shared with every front end. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "cgroup.h"
#include "cli.h"
#include "init.h"
#include "ns.h"
#include "process.h"
#include "tty.h"
#include "security.h"

static int split_layers(struct nb_container *c, const char *list, struct nb_error *err)
{
	char *copy = strdup(list), *save = NULL;
	size_t n = 1;

	for (const char *p = list; (p = strchr(p, ':')); p++)
		n++;
	/* As many layers as the list has fields, not as argc (found by tests/fuzz/fuzz_cli). */
	free(c->layers);
	c->layers = copy ? calloc(n + 1, sizeof(*c->layers)) : NULL;
	if (!c->layers)
		return nb_fail_errno(err, "--rootfs", list);
	c->n_layers = 0;
	/* strtok_r would silently skip empty fields ("a::b"): an empty layer is an error. */
	for (char *p = copy;; p = save + 1) {
		save = strchr(p, ':');
		if (save)
			*save = '\0';
		if (!*p)
			return nb_fail(err, EINVAL, "--rootfs", list, "empty layer path");
		c->layers[c->n_layers] = cli_path(p);
		if (!c->layers[c->n_layers++])
			return nb_fail_errno(err, "--rootfs", p);
		if (!save)
			break;
	}
	return 0;
}

static int opt_rootfs(struct nb_container *c, const char *arg, struct nb_error *err)
{
	return split_layers(c, arg, err);
}

static int opt_upper(struct nb_container *c, const char *arg, struct nb_error *err)
{
	c->upper = cli_path(arg);
	return c->upper ? 0 : nb_fail_errno(err, "--upper", arg);
}

static int opt_work(struct nb_container *c, const char *arg, struct nb_error *err)
{
	c->work = cli_path(arg);
	return c->work ? 0 : nb_fail_errno(err, "--work", arg);
}

static int opt_read_only(struct nb_container *c, const char *arg, struct nb_error *err)
{
	(void)err;
	(void)arg;
	c->read_only = true;
	return 0;
}

/* arg for an error message, on one line: control bytes as \xNN, cut to fit out. */
static const char *shown(const char *arg, char *out, size_t size)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)arg; *p && n + 5 < size; p++)
		n += (size_t)snprintf(out + n, size - n, *p < ' ' || *p == 0x7f ? "\\x%02x" : "%c",
				      *p);
	out[n] = '\0';
	return out;
}

static int opt_name(struct nb_container *c, const char *arg, struct nb_error *err)
{
	size_t len = strlen(arg);
	char text[128];

	if (!len || len > NB_NAME_MAX)
		return nb_fail(err, EINVAL, "--name", shown(arg, text, sizeof(text)),
			       "must be 1 to 64 characters");
	/* The name becomes a cgroup and interface-name component: keep it to a safe alphabet
	 * (no control character, no blank, no '/'). */
	if (arg[0] == '.' || arg[0] == '-' ||
	    strspn(arg, "abcdefghijklmnopqrstuvwxyz"
			"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != len)
		return nb_fail(err, EINVAL, "--name", shown(arg, text, sizeof(text)),
			       "use letters, digits, '_', '.', '-' (not first)");
	memcpy(c->name, arg, len + 1);
	return 0;
}

int cli_parse_name(struct nb_container *c, const char *name, struct nb_error *err)
{
	return opt_name(c, name, err);
}

static int opt_hostname(struct nb_container *c, const char *arg, struct nb_error *err)
{
	size_t len = strlen(arg);
	char text[128];

	if (!len || len > NB_HOSTNAME_MAX)
		return nb_fail(err, EINVAL, "--hostname", shown(arg, text, sizeof(text)),
			       "must be 1 to 64 bytes (sethostname(2) limit)");
	/* sethostname(2) takes any byte, but the name is written into /etc/hosts and shown by
	 * every tool: a newline there would add a line of the caller's choosing. */
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)arg[i] <= ' ' || arg[i] == 0x7f)
			return nb_fail(err, EINVAL, "--hostname", shown(arg, text, sizeof(text)),
				       "control characters and blanks are not allowed");
	memcpy(c->hostname, arg, len + 1);
	return 0;
}

static int opt_ns(struct nb_container *c, const char *arg, struct nb_error *err)
{
	c->net.ns_listed = true; /* --net host conflicts with a net asked for here (net.c) */
	return ns_parse_list(arg, &c->namespaces, err);
}

static int opt_bind(struct nb_container *c, const char *arg, struct nb_error *err)
{
	char *copy = strdup(arg), *dst, *mode;
	struct nb_mount m = { .op = NB_MOUNT_BIND, .make = NB_MAKE_LIKE_SOURCE };

	if (!copy)
		return nb_fail_errno(err, "--bind", arg);
	dst = strchr(copy, ':');
	if (!dst)
		return nb_fail(err, EINVAL, "--bind", arg, "expected SRC:DST[:ro]");
	*dst++ = '\0';
	mode = strchr(dst, ':');
	if (mode)
		*mode++ = '\0';
	if (!*copy || !*dst)
		return nb_fail(err, EINVAL, "--bind", arg, "expected SRC:DST[:ro]");
	if (mode && strcmp(mode, "ro") && strcmp(mode, "rw"))
		return nb_fail(err, EINVAL, "--bind", arg, "mode must be ro or rw");
	m.source = cli_path(copy);
	if (!m.source)
		return nb_fail_errno(err, "--bind", arg);
	m.target = dst;
	m.flags = mode && !strcmp(mode, "ro") ? MS_RDONLY : 0;
	return mount_plan_add(c, &m, err);
}

/* c->env's room: alloc_lists gives one slot per argument, --env-file adds a file's lines. */
static size_t env_cap;

static int add_env(struct nb_container *c, const char *kv, struct nb_error *err)
{
	if ((size_t)c->n_env + 1 >= env_cap) {
		const char **more = realloc(c->env, 2 * env_cap * sizeof(*more));

		if (!more)
			return nb_fail_errno(err, "--env", kv);
		c->env = more;
		env_cap *= 2;
	}
	c->env[c->n_env++] = kv;
	c->env[c->n_env] = NULL;
	return 0;
}

/* -e K=V, or K alone: docker's, the value from the caller's environment, skipped when unset. */
int cli_add_env(struct nb_container *c, const char *arg, struct nb_error *err)
{
	const char *eq = strchr(arg, '=');
	const char *value;
	char *kv;

	if (eq == arg || !*arg)
		return nb_fail(err, EINVAL, "--env", arg, "expected KEY=VALUE or KEY");
	if (eq)
		return add_env(c, arg, err);
	value = getenv(arg);
	if (!value)
		return 0;
	if (asprintf(&kv, "%s=%s", arg, value) < 0)
		return nb_fail_errno(err, "--env", arg);
	return add_env(c, kv, err);
}

static int opt_workdir(struct nb_container *c, const char *arg, struct nb_error *err)
{
	(void)err;
	c->workdir = arg;
	return 0;
}

/* A user or group name of passwd(5)/group(5): one field, no ':' or newline. */
static bool id_name(const char *s)
{
	return *s && !strpbrk(s, ":\n");
}

/* -u UID|NAME[:GID|GROUP]: names are looked up in the image's files when the workload starts
 * (process.c), numbers taken as they are. */
static int opt_user(struct nb_container *c, const char *arg, struct nb_error *err)
{
	char *copy = strdup(arg), *colon;
	uint64_t uid = 0, gid;

	if (!copy)
		return nb_fail_errno(err, "--user", arg);
	colon = strchr(copy, ':');
	if (colon)
		*colon++ = '\0';
	c->user_name = c->group_name = NULL;
	if (cli_parse_u64(copy, UINT_MAX - 1, &uid))
		c->user_name = copy;
	c->gid = NB_GID_UNSET; /* process.c: the passwd entry's, or 0 */
	if (colon && cli_parse_u64(colon, UINT_MAX - 1, &gid))
		c->group_name = colon;
	else if (colon)
		c->gid = (gid_t)gid;
	if ((c->user_name && !id_name(c->user_name)) || (c->group_name && !id_name(c->group_name)))
		return nb_fail(err, EINVAL, "--user", arg, "expected UID|NAME[:GID|GROUP]");
	c->uid = (uid_t)uid;
	return 0;
}

/* --group-add GID|NAME: a supplementary group of the workload (process.c). */
static int opt_group_add(struct nb_container *c, const char *arg, struct nb_error *err)
{
	if (!id_name(arg))
		return nb_fail(err, EINVAL, "--group-add", arg, "expected a GID or a group name");
	if (c->n_groups_add == NB_GROUPS_MAX)
		return nb_fail(err, E2BIG, "--group-add", arg, "at most 32");
	/* a copy: proctitle.c overwrites argv before the workload's side reads it */
	if (!(c->groups_add[c->n_groups_add++] = strdup(arg)))
		return nb_fail_errno(err, "--group-add", arg);
	return 0;
}

static int opt_grace(struct nb_container *c, const char *arg, struct nb_error *err)
{
	uint64_t v;

	if (cli_parse_u64(arg, 3600, &v))
		return nb_fail(err, EINVAL, "--grace", arg, "expected whole seconds, 0 to 3600");
	c->grace_seconds = (unsigned)v;
	return 0;
}

/* podman's and runc's --preserve-fds N: fds 3..N+2 of the caller reach the workload (boot mode's
 * ready= of container lines is one). At most 1021, the default soft nofile limit's fds. */
static int opt_preserve_fds(struct nb_container *c, const char *arg, struct nb_error *err)
{
	uint64_t v;

	if (cli_parse_u64(arg, 1021, &v))
		return nb_fail(err, EINVAL, "--preserve-fds", arg, "expected a count, 0 to 1021");
	c->preserve_fds = (unsigned)v;
	return 0;
}

static int opt_no_init(struct nb_container *c, const char *arg, struct nb_error *err)
{
	(void)err;
	(void)arg;
	c->no_init = true;
	return 0;
}

static int opt_verbose(struct nb_container *c, const char *arg, struct nb_error *err)
{
	(void)err;
	(void)arg;
	c->verbosity = 1;
	return 0;
}

static int opt_quiet(struct nb_container *c, const char *arg, struct nb_error *err)
{
	(void)err;
	(void)arg;
	c->verbosity = -1;
	return 0;
}

/* The core `run` options; other concerns' tables are listed in cli_option_tables[]. */
const struct cli_option cli_run_options[] = {
	OPT("rootfs", " ", 1, opt_rootfs, "DIR[:DIR...]  read-only layers, leftmost on top"),
	OPT("upper", " ", 1, opt_upper, "DIR           persistent writable layer (with --work)"),
	OPT("work", " ", 1, opt_work, "DIR           overlay work dir, same filesystem as --upper"),
	OPT("read-only", " ", 0, opt_read_only, "              no writable layer at all"),
	OPT("name", " ", 1, opt_name, "NAME          container name (default nestbox-<pid>)"),
	OPT("hostname", "h", 1, opt_hostname, "NAME          hostname (default: the name)"),
	OPT("ns", " ", 1, opt_ns, "LIST          mnt,pid,uts,ipc,net,cgroup,user,time"),
	OPT("bind", " ", 1, opt_bind, "SRC:DST[:ro]  bind mount, repeatable"),
	OPT("env", "e", 1, cli_add_env, "K=V           environment variable, repeatable"),
	OPT("workdir", "w", 1, opt_workdir, "DIR           working directory (default /)"),
	OPT("user", "u", 1, opt_user, "UID[:GID]     run the workload as this user (or names)"),
	OPT("group-add", " ", 1, opt_group_add, "GID|NAME      a supplementary group, repeatable"),
	OPT("grace", " ", 1, opt_grace, "SECONDS       TERM->KILL grace at exit (default 3)"),
	OPT("preserve-fds", " ", 1, opt_preserve_fds,
	    "N             keep the caller's fds 3..N+2 open"),
	OPT("no-init", " ", 0, opt_no_init, "              exec CMD as PID 1 (no reaper)"),
	OPT("verbose", " ", 0, opt_verbose, "              say each setup step"),
	OPT("quiet", "q", 0, opt_quiet, "              no messages but errors"),
	OPT("help", " ", 0, NULL, "              this help"),
	OPT("stop-timeout", " ", 1, opt_grace, ""),
	{ NULL },
};

static const struct cli_option *const cli_option_tables[] = {
	cli_run_options, tty_options,	cli_security_options, net_options,
	cgroup_options,	 mount_options, cli_docker_options,
};
#define N_TABLES    (sizeof(cli_option_tables) / sizeof(cli_option_tables[0]))
#define MAX_OPTIONS 192

/* All options of all tables, flattened once per parse. */
static size_t collect_options(const struct cli_option **all)
{
	size_t n = 0;

	for (size_t t = 0; t < N_TABLES; t++)
		for (const struct cli_option *o = cli_option_tables[t]; o->name && n < MAX_OPTIONS;
		     o++)
			all[n++] = o;
	return n;
}

void cli_run_usage(int fd)
{
	const struct cli_option *all[MAX_OPTIONS];
	size_t n = collect_options(all);

	dprintf(fd, "usage: nestbox run [OPTIONS] -- CMD [ARG...]\n\n");
	for (size_t i = 0; i < n; i++) {
		const struct cli_option *o = all[i];

		const char *help = cli_option_help(o);

		if (!*help || o->handler == cli_docker_refuse)
			continue;
		if (cli_option_short(o))
			dprintf(fd, "  -%c, --%-10s %s\n", cli_option_short(o), o->name, help);
		else
			dprintf(fd, "      --%-10s %s\n", o->name, help);
	}
}

static void defaults(struct nb_container *c)
{
	memset(c, 0, sizeof(*c));
	c->namespaces = NB_NS_DEFAULT;
	c->grace_seconds = INIT_DEFAULT_GRACE_SECONDS;
	security_defaults(c);
}

static int alloc_lists(struct nb_container *c, int argc, struct nb_error *err)
{
	/* No repeatable option can occur more often than there are arguments. */
	c->layers = calloc((size_t)argc + 1, sizeof(*c->layers));
	c->env = calloc((size_t)argc + 1, sizeof(*c->env));
	if (!c->layers || !c->env)
		return nb_fail_errno(err, "run", "arguments");
	env_cap = (size_t)argc + 1;
	return 0;
}

static const struct cli_option *long_option(const struct cli_option **all, size_t n,
					    const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++) {
		size_t own = strlen(all[i]->name);

		/* a refused docker name ending in '-' covers every option it starts */
		if ((own == len || (own < len && all[i]->name[own - 1] == '-')) &&
		    !strncmp(all[i]->name, name, own))
			return all[i];
	}
	return NULL;
}

static const struct cli_option *short_option(const struct cli_option **all, size_t n, char ch)
{
	for (size_t i = 0; i < n; i++)
		if (cli_option_short(all[i]) && cli_option_short(all[i]) == ch)
			return all[i];
	return NULL;
}

/* A handler's message names its own option ("--pids: ..."): reached through a docker
 * spelling (an entry without help: --pids-limit), it names the option the user typed. */
static void name_as_typed(const struct cli_option *o, struct nb_error *err)
{
	char msg[sizeof(err->msg)];

	if (*cli_option_help(o) || strncmp(err->msg, "--", 2))
		return;
	snprintf(msg, sizeof(msg), "--%s%.400s", o->name, err->msg + strcspn(err->msg, ":"));
	memcpy(err->msg, msg, sizeof(msg));
}

/* typed: the option's name as given (len bytes), for a refused docker name's message. */
static int apply(struct nb_container *c, const struct cli_option *o, const char *typed, size_t len,
		 const char *value, struct nb_error *err)
{
	char what[40], why[160];
	int rc;

	if (!o->handler) { /* --help */
		cli_run_usage(STDOUT_FILENO);
		return 1;
	}
	if (o->handler == cli_docker_refuse) { /* help: what to use instead */
		snprintf(what, sizeof(what), "--%.*s", (int)len, typed);
		snprintf(why, sizeof(why), "not supported: %s", cli_option_help(o));
		return nb_fail(err, ENOTSUP, what, value, why);
	}
	rc = o->handler(c, value, err);
	if (rc < 0)
		name_as_typed(o, err);
	return rc;
}

/* "--name", "--name=VALUE" or "--name VALUE". A long option matches only by its whole name
 * (getopt_long(3) would take any unambiguous prefix: "--pid" for --pids), as docker's do. */
static int long_word(struct nb_container *c, const struct cli_option **all, size_t n, int argc,
		     char **argv, int *i, struct nb_error *err)
{
	const char *word = argv[*i], *name = word + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct cli_option *o = long_option(all, n, name, len);

	if (!o)
		return nb_fail(err, EINVAL, "run", word, "unknown option (see --help)");
	if (!cli_option_has_arg(o) && eq)
		return nb_fail(err, EINVAL, "run", word, "takes no value");
	if (cli_option_has_arg(o) && !eq && *i + 1 >= argc)
		return nb_fail(err, EINVAL, "run", word, "option needs a value");
	return apply(c, o, name, len,
		     !cli_option_has_arg(o) ? NULL
		     : eq		    ? eq + 1
					    : argv[++*i],
		     err);
}

/* "-qt", "-eK=V", "-e K=V": flags in a cluster, an option with a value takes the rest. */
static int short_word(struct nb_container *c, const struct cli_option **all, size_t n, int argc,
		      char **argv, int *i, struct nb_error *err)
{
	const char *word = argv[*i];

	for (const char *p = word + 1; *p; p++) {
		const struct cli_option *o = short_option(all, n, *p);
		char opt[3] = { '-', *p, '\0' };
		int rc;

		if (!o)
			return nb_fail(err, EINVAL, "run", opt, "unknown option (see --help)");
		if (!cli_option_has_arg(o)) {
			rc = apply(c, o, o->name, strlen(o->name), NULL, err);
			if (rc)
				return rc;
			continue;
		}
		if (!p[1] && *i + 1 >= argc)
			return nb_fail(err, EINVAL, "run", opt, "option needs a value");
		return apply(c, o, o->name, strlen(o->name), p[1] ? p + 1 : argv[++*i], err);
	}
	return 0;
}

/* The options, up to the first word that is not one ("--" ends them too); *next is left at
 * that word. No getopt: exact names only, and no global state between parses (boot.conf
 * parses one argv per container line). */
static int parse_options(int argc, char **argv, struct nb_container *c, int *next,
			 struct nb_error *err)
{
	const struct cli_option *all[MAX_OPTIONS];
	size_t n = collect_options(all);
	int i, rc;

	defaults(c);
	rc = alloc_lists(c, argc, err);
	for (i = 1; !rc && i < argc; i++) {
		const char *word = argv[i];

		if (word[0] != '-' || !word[1])
			break;
		if (!strcmp(word, "--")) {
			i++;
			break;
		}
		rc = word[1] == '-' ? long_word(c, all, n, argc, argv, &i, err)
				    : short_word(c, all, n, argc, argv, &i, err);
	}
	*next = i;
	return rc;
}

static int finish(int argc, char **argv, int next, struct nb_container *c, struct nb_error *err)
{
	if (next >= argc)
		return nb_fail(err, EINVAL, argv[0], NULL,
			       "no CMD given (nestbox run [OPTIONS] -- CMD)");
	c->argv = &argv[next];
	if (!c->n_layers)
		return nb_fail(err, EINVAL, argv[0], NULL, "--rootfs DIR is required");
	if (!c->name[0])
		snprintf(c->name, sizeof(c->name), "nestbox-%d", (int)getpid());
	if (!c->hostname[0])
		memcpy(c->hostname, c->name, sizeof(c->name));
	if (c->cgroup.parent && /* docker's --cgroup-parent (cgroup_options.c) */
	    asprintf((char **)&c->cgroup.path, "%s/%s", c->cgroup.parent, c->name) < 0)
		return nb_fail_errno(err, "--cgroup-parent", c->cgroup.parent);
	return mount_plan_build(c, err);
}

int cli_parse_run(int argc, char **argv, struct nb_container *c, struct nb_error *err)
{
	int next, rc = parse_options(argc, argv, c, &next, err);

	return rc ? rc : finish(argc, argv, next, c, err);
}

/* `create [OPTIONS] ID [--] CMD [ARG...]`: the container's name is the ID. */
int cli_parse_create(int argc, char **argv, struct nb_container *c, struct nb_error *err)
{
	int next, rc = parse_options(argc, argv, c, &next, err);

	if (rc)
		return rc;
	if (next >= argc)
		return nb_fail(err, EINVAL, "create", NULL,
			       "no ID given (nestbox create [OPTIONS] ID -- CMD)");
	if (c->name[0])
		return nb_fail(err, EINVAL, "create", "--name", "the ID is the name");
	rc = opt_name(c, argv[next++], err);
	if (!rc && next < argc && !strcmp(argv[next], "--"))
		next++;
	return rc ? rc : finish(argc, argv, next, c, err);
}
