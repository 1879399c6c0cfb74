/* docker run's flags that nestbox had no option for (issue 26): -v/--volume, --mount and --tmpfs
 * as steps of the mount plan, --env-file, --pid/--ipc/--uts/--userns host, the flags accepted
 * for docker's habits, and the docker flags nestbox does not do, refused by name with what to
 * use instead. docker's spellings of nestbox's own options (-m, --pids-limit, --ulimit ...)
 * are entries of their concern's table (cgroup_options.c, security.c, net.c, cli.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "cli.h"
#include "lines.h"
#include "verbs.h"

/* --- -v, --mount, --tmpfs ------------------------------------------------------------------ */

/* Which of list's NUL-separated entries word (len bytes) is, or -1. */
static int word_index(const char *word, size_t len, const char *list)
{
	int i = 0;

	for (const char *k = list; *k; k += strlen(k) + 1, i++)
		if (strlen(k) == len && !strncmp(word, k, len))
			return i;
	return -1;
}

/* The mount flags docker's -v and --tmpfs take (moby volume/mounts/linux_parser.go). */
static const struct {
	char word[7];
	unsigned char set, clear; /* MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC */
} flag_words[] = {
	{ "ro", MS_RDONLY, 0 },	    { "rw", 0, MS_RDONLY },   { "nosuid", MS_NOSUID, 0 },
	{ "suid", 0, MS_NOSUID },   { "nodev", MS_NODEV, 0 }, { "dev", 0, MS_NODEV },
	{ "noexec", MS_NOEXEC, 0 }, { "exec", 0, MS_NOEXEC },
};

/* SELinux relabelling (docker skips it without SELinux, as nestbox always does), docker's
 * default propagation (nestbox's only one), binds being recursive, and macOS's words. */
#define IGNORED_WORDS "z\0Z\0private\0rprivate\0rbind\0consistent\0cached\0delegated\0"

/* One word of a mount's options onto m's flags; KEY=VALUE (tmpfs(5)'s size=, mode=) appended
 * to data for a tmpfs. */
static int mount_word(const char *opt, const char *arg, const char *word, size_t len,
		      struct nb_mount *m, char *data, struct nb_error *err)
{
	for (size_t i = 0; i < sizeof(flag_words) / sizeof(flag_words[0]); i++)
		if (strlen(flag_words[i].word) == len && !strncmp(flag_words[i].word, word, len)) {
			m->flags = (m->flags & ~flag_words[i].clear) | flag_words[i].set;
			return 0;
		}
	if (word_index(word, len, IGNORED_WORDS) >= 0)
		return 0;
	if (m->op == NB_MOUNT_FS && memchr(word, '=', len)) {
		data += strlen(data);
		if (data[-1])
			*data++ = ',';
		memcpy(data, word, len);
		return 0;
	}
	if (word_index(word, len, "shared\0rshared\0slave\0rslave\0") >= 0)
		return nb_fail(err, ENOTSUP, opt, arg, "not supported: every mount is private");
	return nb_fail(err, EINVAL, opt, arg, "unknown mount option");
}

#define NO_VOLUMES "not supported: volumes (a bind of /DIR or ./DIR, or a tmpfs)"

/* The step of -v, --mount or --tmpfs, its OPTS ("a,b,c") applied. */
static int add_mount(struct nb_container *c, const char *opt, const char *arg, struct nb_mount *m,
		     const char *opts, char *data, struct nb_error *err)
{
	for (const char *o = opts; o && *o;) {
		size_t len = strcspn(o, ",");
		int rc = mount_word(opt, arg, o, len, m, data, err);

		if (rc)
			return rc;
		o += len + !!o[len];
	}
	/* docker's anonymous and named volumes live in its volume store, which nestbox has not:
	 * a source is a host path when it starts with '/' or '.', as docker's CLI decides */
	if (m->op == NB_MOUNT_BIND && (!m->source || (m->source[0] != '/' && m->source[0] != '.')))
		return nb_fail(err, ENOTSUP, opt, arg, NO_VOLUMES);
	if (!m->target || m->target[0] != '/')
		return nb_fail(err, EINVAL, opt, arg, "needs an absolute target");
	m->data = data;
	if (m->op == NB_MOUNT_BIND && !(m->source = cli_path(m->source)))
		return nb_fail_errno(err, opt, arg);
	return mount_plan_add(c, m, err);
}

/* A copy of arg and room for a tmpfs's options, or NULL. */
static char *copy_arg(const char *arg, char **data)
{
	size_t len = strlen(arg) + 1;
	char *copy = calloc(2, len + 8);

	*data = copy ? copy + len + 9 : NULL; /* data[-1] is a NUL */
	return copy ? memcpy(copy, arg, len) : NULL;
}

#define TMPFS_STEP(dst)                                                               \
	{                                                                             \
		.op = NB_MOUNT_FS, .source = "tmpfs", .type = "tmpfs", .target = dst, \
		.flags = MS_NOSUID | MS_NODEV | MS_NOEXEC, .make = NB_MAKE_DIR        \
	}

/* -v, --volume SRC:DST[:OPTS] and --tmpfs DST[:OPTS] (docker's tmpfs: noexec,nosuid,nodev
 * unless OPTS say otherwise) */
static int opt_volume_or_tmpfs(struct nb_container *c, const char *opt, const char *arg, bool tmpfs,
			       struct nb_error *err)
{
	char *data, *copy = copy_arg(arg, &data), *opts;
	struct nb_mount bind = { .op = NB_MOUNT_BIND, .make = NB_MAKE_LIKE_SOURCE },
			fs = TMPFS_STEP(copy), *m = tmpfs ? &fs : &bind;

	if (!copy)
		return nb_fail_errno(err, opt, arg);
	opts = strchr(copy, ':');
	if (!tmpfs && opts) {
		*opts++ = '\0';
		bind.source = copy;
		bind.target = opts;
		opts = strchr(opts, ':');
	}
	if (opts)
		*opts++ = '\0';
	return add_mount(c, opt, arg, m, opts, data, err);
}

static int opt_volume(struct nb_container *c, const char *arg, struct nb_error *err)
{
	return opt_volume_or_tmpfs(c, "--volume", arg, false, err);
}

static int opt_tmpfs(struct nb_container *c, const char *arg, struct nb_error *err)
{
	return opt_volume_or_tmpfs(c, "--tmpfs", arg, true, err);
}

#define MOUNT_KEYS                                                                            \
	"type\0source\0src\0target\0dst\0destination\0readonly\0ro\0bind-propagation\0tmpfs-" \
	"size\0"                                                                              \
	"tmpfs-mode\0consistency\0"

/* --mount type=bind|tmpfs,source=,target=,readonly,bind-propagation=,tmpfs-size=,tmpfs-mode=:
 * each field becomes a word of add_mount's OPTS. */
static int opt_mount(struct nb_container *c, const char *arg, struct nb_error *err)
{
	char *data, *copy = copy_arg(arg, &data), *save = copy, *f, *opts, *o;
	struct nb_mount bind = { .op = NB_MOUNT_BIND, .make = NB_MAKE_LIKE_SOURCE },
			fs = TMPFS_STEP(NULL), *m = &bind;

	if (!copy || !(opts = o = calloc(1, strlen(arg) + 8)))
		return nb_fail_errno(err, "--mount", arg);
	while ((f = strsep(&save, ","))) {
		char *v = strchr(f, '=');
		int k = word_index(f, v ? (size_t)(v - f) : strlen(f), MOUNT_KEYS);

		v = v ? v + 1 : NULL;
		if (k < 0 || (!v && k != 6 && k != 7))
			return nb_fail(err, EINVAL, "--mount", arg,
				       "expected type=bind|tmpfs,source=SRC,target=DST[,readonly]");
		if (k == 0 && strcmp(v, "bind")) {
			if (strcmp(v, "tmpfs"))
				return nb_fail(err, ENOTSUP, "--mount", arg, NO_VOLUMES);
			m = &fs;
		} else if (k == 1 || k == 2) {
			bind.source = v;
		} else if (k >= 3 && k <= 5) {
			bind.target = fs.target = v;
		} else if (k == 6 || k == 7) {
			o = stpcpy(o, !v || !strcmp(v, "true") || !strcmp(v, "1") ? ",ro" : ",rw");
		} else if (k >= 8 && k <= 10) { /* tmpfs-size=N is tmpfs(5)'s size=N */
			o = stpcpy(stpcpy(o, ","), k == 8 ? v : f + 6);
		}
	}
	if (m == &fs && bind.source)
		return nb_fail(err, EINVAL, "--mount", arg, "type=tmpfs takes no source");
	return add_mount(c, "--mount", arg, m, opts + !!*opts, data, err);
}

/* --device HOST[:CTR[:rwm]]: the host's node bound at CTR (default HOST) over the container's
 * /dev, device access allowed there alone. nestbox has no device cgroup rules: rwm only. */
static int opt_device(struct nb_container *c, const char *arg, struct nb_error *err)
{
	char *copy = strdup(arg), *perms;
	struct nb_mount m = { .op = NB_MOUNT_BIND,
			      .make = NB_MAKE_LIKE_SOURCE,
			      .opts = NB_MOPT_DEVICE };
	struct stat st;

	if (!copy)
		return nb_fail_errno(err, "--device", arg);
	m.source = m.target = copy;
	if ((perms = strchr(copy, ':'))) {
		*perms++ = '\0';
		m.target = perms;
		perms = strchr(perms, ':');
	}
	if (perms)
		*perms++ = '\0';
	if (perms && strcmp(perms, "rwm"))
		return nb_fail(err, ENOTSUP, "--device", arg,
			       "not supported: rwm only (no device cgroup rules)");
	if (stat(copy, &st) || !(S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)))
		return nb_fail(err, ENODEV, "--device", arg, "not a device node of the host");
	if (m.target[0] != '/')
		return nb_fail(err, EINVAL, "--device", arg, "needs an absolute target");
	return mount_plan_add(c, &m, err);
}

/* --- the workload ------------------------------------------------------------------------ */

/* docker's env file (opts/envfile.go): KEY=VALUE taken verbatim, a bare KEY takes the caller's
 * value (skipped when unset), blank lines and "#" comments skipped. */
static int opt_env_file(struct nb_container *c, const char *arg, struct nb_error *err)
{
	struct lines r;
	char *kv;
	int rc = 0;

	if (lines_open(&r, arg))
		return nb_fail(err, r.error, "--env-file", arg, strerror(r.error));
	for (char *line; !rc && (line = lines_next(&r));) {
		char *p = line + strspn(line, " \t");
		size_t len = strlen(p);

		while (len && p[len - 1] == '\r') /* a file written on Windows */
			p[--len] = '\0';
		if (!*p || *p == '#')
			continue;
		rc = (kv = strdup(p)) ? cli_add_env(c, kv, err) : -ENOMEM;
		if (rc)
			rc = nb_fail(err, -rc, "--env-file", arg,
				     rc == -EINVAL ? "a line without a name" : strerror(-rc));
	}
	if (!rc && r.error)
		rc = nb_fail(err, r.error, "--env-file", arg, strerror(r.error));
	lines_close(&r);
	return rc;
}

/* --pid, --ipc, --uts, --userns host: that namespace is the caller's (--ns without it). A
 * later --ns sets the whole list again. */
static int host_ns(struct nb_container *c, const char *opt, unsigned ns, const char *arg,
		   struct nb_error *err)
{
	if (strcmp(arg, "host"))
		return nb_fail(err, ENOTSUP, opt, arg,
			       "expected host (nestbox joins no container)");
	c->namespaces &= ~ns;
	return 0;
}

static int opt_pid(struct nb_container *c, const char *arg, struct nb_error *err)
{
	return host_ns(c, "--pid", NB_NS_PID, arg, err);
}

static int opt_ipc(struct nb_container *c, const char *arg, struct nb_error *err)
{
	return host_ns(c, "--ipc", NB_NS_IPC, arg, err);
}

static int opt_uts(struct nb_container *c, const char *arg, struct nb_error *err)
{
	return host_ns(c, "--uts", NB_NS_UTS, arg, err);
}

static int opt_userns(struct nb_container *c, const char *arg, struct nb_error *err)
{
	return host_ns(c, "--userns", NB_NS_USER, arg, err);
}

/* --- the container's /etc/hosts and resolv.conf (net_etc.c) ------------------------------- */

/* --add-host HOST:IP (or docker 25's HOST=IP): one more /etc/hosts line. docker's host-gateway
 * is its bridge's address, which nestbox has not. */
static int opt_add_host(struct nb_container *c, const char *arg, struct nb_error *err)
{
	size_t len = strcspn(arg, ":=");
	const char *ip = arg + len + !!arg[len];
	struct nb_net_addr a;
	char *line;

	if (!len || !arg[len] || strpbrk(arg, " \t\n#"))
		return nb_fail(err, EINVAL, "--add-host", arg, "expected HOST:IP");
	if (!strcmp(ip, "host-gateway"))
		return nb_fail(err, ENOTSUP, "--add-host", arg, "not supported: give the address");
	if (net_parse_addr(ip, false, &a))
		return nb_fail(err, EINVAL, "--add-host", arg, "expected an IPv4 or IPv6 address");
	if (c->net.n_hosts == NET_MAX_HOSTS)
		return nb_fail(err, E2BIG, "--add-host", arg, "at most 16");
	if (asprintf(&line, "%s\t%.*s", ip, (int)len, arg) < 0)
		return nb_fail_errno(err, "--add-host", arg);
	c->net.hosts[c->net.n_hosts++] = line;
	return 0;
}

/* One word of a resolv.conf(5) line: no blanks, no comment, no newline. */
static int resolv_word(const char *opt, const char *arg, const char **list, int *n,
		       struct nb_error *err)
{
	if (!*arg || strlen(arg) > 253 || strpbrk(arg, " \t\n#;"))
		return nb_fail(err, EINVAL, opt, arg, "expected one word, 253 bytes at most");
	if (*n == NET_MAX_SEARCH)
		return nb_fail(err, E2BIG, opt, arg, "at most 6");
	if (!(list[*n] = strdup(arg))) /* proctitle.c overwrites argv */
		return nb_fail_errno(err, opt, arg);
	++*n;
	return 0;
}

static int opt_dns_search(struct nb_container *c, const char *arg, struct nb_error *err)
{
	return resolv_word("--dns-search", arg, c->net.search, &c->net.n_search, err);
}

static int opt_dns_option(struct nb_container *c, const char *arg, struct nb_error *err)
{
	return resolv_word("--dns-option", arg, c->net.dns_opts, &c->net.n_dns_opts, err);
}

/* --- sysctl.c's ------------------------------------------------------------------------- */

/* --sysctl KEY=VALUE; sysctl.c checks the key once the namespaces are known. */
static int opt_sysctl(struct nb_container *c, const char *arg, struct nb_error *err)
{
	if (c->n_sysctls == NB_GROUPS_MAX)
		return nb_fail(err, E2BIG, "--sysctl", arg, "at most 32");
	c->sysctls[c->n_sysctls++] = arg;
	return 0;
}

/* --oom-score-adj N: -1000 to 1000 (proc(5)). */
static int opt_oom_score_adj(struct nb_container *c, const char *arg, struct nb_error *err)
{
	uint64_t v;

	if (cli_parse_u64(arg + (*arg == '-'), 1000, &v))
		return nb_fail(err, EINVAL, "--oom-score-adj", arg, "expected -1000 to 1000");
	c->oom_score_adj = arg;
	return 0;
}

/* --stop-signal SIG (a number, or a name with or without SIG): the reaper forwards a TERM as
 * this signal, and sends it to what remains after the workload (init/reaper.c). */
static int opt_stop_signal(struct nb_container *c, const char *arg, struct nb_error *err)
{
	int sig = verb_signal_number(arg); /* kill's names and numbers (verb_signal.c) */

	if (sig < 0)
		return nb_fail(err, EINVAL, "--stop-signal", arg,
			       "expected a signal: TERM, SIGQUIT, 3 ...");
	c->stop_signal = sig;
	return 0;
}

/* --cidfile FILE: where the container's name goes once it is created (lifecycle.c) */
static int opt_cidfile(struct nb_container *c, const char *arg, struct nb_error *err)
{
	c->cidfile = cli_path(arg);
	return c->cidfile ? 0 : nb_fail_errno(err, "--cidfile", arg);
}

/* --init: nestbox always has one (unless --no-init). */
static int opt_accepted(struct nb_container *c, const char *arg, struct nb_error *err)
{
	(void)arg;
	(void)err;
	(void)c;
	return 0;
}

/* -d, --detach: run.c's run_detached (run_log.c). A detached run is driven by later verbs, as a
 * created container is: it always has a group. Without --name (given before or after), a name of
 * 12 random hex digits, docker's short ID: a default nestbox-<pid> names a process that is gone
 * once run -d returns, and state_sweep would take its state for a dead run's. */
static int opt_detach(struct nb_container *c, const char *arg, struct nb_error *err)
{
	unsigned long long v;

	(void)arg;
	(void)err;
	c->detach = c->cgroup.wanted = true;
	if (!c->name[0] && getrandom(&v, sizeof(v), 0) == sizeof(v))
		snprintf(c->name, 13, "%012llx", v);
	return 0;
}

/* --rm: with -d the state (its log, its exit status) goes when the container ends, as docker's;
 * a run in the foreground keeps nothing anyway. */
static int opt_rm(struct nb_container *c, const char *arg, struct nb_error *err)
{
	(void)arg;
	(void)err;
	c->auto_remove = true;
	return 0;
}

/* --- what nestbox does not do ------------------------------------------------------------ */

/* Never called: cli.c's apply() sees this handler and says the entry's help (what to use
 * instead), with exit 125. */
int cli_docker_refuse(struct nb_container *c, const char *arg, struct nb_error *err)
{
	(void)c;
	(void)arg;
	return nb_fail(err, ENOTSUP, "run", NULL, "not supported");
}

#define REFUSE(name, short_name, has_arg, instead) \
	OPT(name, short_name, has_arg, cli_docker_refuse, instead)

/* A name ending in '-' stands for every option it starts (--health-cmd, --log-opt ...). */
const struct cli_option cli_docker_options[] = {
	OPT("volume", "v", 1, opt_volume, "SRC:DST[:OPTS] bind; OPTS ro,nosuid,nodev,noexec"),
	OPT("mount", " ", 1, opt_mount, "type=bind|tmpfs,src=S,dst=D[,ro]"),
	OPT("tmpfs", " ", 1, opt_tmpfs, "DST[:OPTS]    a tmpfs (noexec,nosuid,nodev)"),
	OPT("device", " ", 1, opt_device, ""),
	OPT("env-file", " ", 1, opt_env_file, "FILE          KEY=VALUE lines"),
	OPT("pid", " ", 1, opt_pid, ""),
	OPT("ipc", " ", 1, opt_ipc, ""),
	OPT("uts", " ", 1, opt_uts, ""),
	OPT("userns", " ", 1, opt_userns, ""),
	OPT("add-host", " ", 1, opt_add_host, ""),
	OPT("dns-search", " ", 1, opt_dns_search, ""),
	OPT("dns-option", " ", 1, opt_dns_option, ""),
	OPT("dns-opt", " ", 1, opt_dns_option, ""),
	OPT("sysctl", " ", 1, opt_sysctl, ""),
	OPT("oom-score-adj", " ", 1, opt_oom_score_adj, ""),
	OPT("stop-signal", " ", 1, opt_stop_signal, ""),
	OPT("cidfile", " ", 1, opt_cidfile, ""),
	OPT("detach", "d", 0, opt_detach, "              in the background; print the name"),
	OPT("rm", " ", 0, opt_rm, ""),
	OPT("init", " ", 0, opt_accepted, ""),
	REFUSE("publish", "p", 1, "no ports; use --net veth and --ip"),
	REFUSE("restart", " ", 1, "boot mode restarts (boot.conf restart=)"),
	REFUSE("entrypoint", " ", 1, "no images; give CMD after --"),
	REFUSE("gpus", " ", 1, "bind the device nodes with -v"),
	REFUSE("health-", " ", 1, "no health checks"),
	REFUSE("log-", " ", 1, "no log drivers; redirect the output"),
	{ NULL },
};
