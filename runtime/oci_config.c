/* config.json -> struct nb_container (include/oci_config.h): the top level, root and process.
 * The walker's helpers are oci_walk.c's, mounts oci_mounts.c's, the linux object oci_linux.c's. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli.h"
#include "init.h"
#include "mount_plan.h"
#include "oci_config.h"
#include "oci_walk.h"
#include "option.h"
#include "security.h"

/* --- top level, root ------------------------------------------------------------------------ */

static int walk_version(struct oci_walk *w, const struct json_value *v, const char *path)
{
	int rc = oci_want(w, v, path, JSON_STRING);

	/* runtime-spec: SemVer; every 1.x config is read by a 1.x runtime. */
	if (!rc && strncmp(v->str, "1.", 2))
		rc = oci_bad(w, v, path, "want a 1.x version (this runtime implements 1.2.0)");
	return rc;
}

static int walk_root_path(struct oci_walk *w, const struct json_value *v, const char *path)
{
	int rc = oci_want(w, v, path, JSON_STRING);

	if (!rc)
		rc = oci_bundle_path(w, v, path, &w->c->layers[0]);
	if (!rc)
		w->c->n_layers = 1;
	w->c->root_bind = true; /* the root itself, not an overlay's lower layer */
	return rc;
}

static int walk_root_readonly(struct oci_walk *w, const struct json_value *v, const char *path)
{
	return oci_want_bool(w, v, path, &w->c->read_only);
}

static const struct oci_field root_fields[] = {
	{ OCI_REQUIRED "path", walk_root_path },
	{ "readonly", walk_root_readonly },
	{ NULL, NULL },
};

static int walk_root(struct oci_walk *w, const struct json_value *v, const char *path)
{
	return oci_walk_object(w, v, path, root_fields);
}

static int walk_hostname(struct oci_walk *w, const struct json_value *v, const char *path)
{
	int rc = oci_want(w, v, path, JSON_STRING);
	size_t len = rc ? 0 : strlen(v->str);

	if (!rc && (!len || len > NB_HOSTNAME_MAX))
		rc = oci_bad(w, v, path, "must be 1 to 64 bytes (sethostname(2) limit)");
	if (!rc)
		memcpy(w->c->hostname, v->str, len + 1);
	w->hostname_at = v;
	return rc;
}

/* Not acted on (the spec leaves their meaning to whoever reads them): kept as the JSON object
 * the hooks' state has (runtime.md "State"). */
static int walk_annotations(struct oci_walk *w, const struct json_value *v, const char *path)
{
	char sub[OCI_PATH_MAX], *p, *end;
	size_t size = 3;
	int rc = oci_want(w, v, path, JSON_OBJECT);

	for (const struct json_value *m = rc ? NULL : v->child; !rc && m; m = m->next) {
		oci_path_member(sub, path, m->key);
		rc = oci_want(w, m, sub, JSON_STRING);
		size += 6 * (strlen(m->key) + strlen(m->str)) + 24; /* each byte escaped at worst */
	}
	p = rc ? NULL : malloc(size);
	if (!p)
		return rc ? rc : nb_fail_errno(w->err, OCI_CONFIG_NAME, path);
	w->c->hooks.annotations = p;
	end = p + size - 2;
	*p++ = '{';
	for (const struct json_value *m = v->child; m; m = m->next) {
		p = hooks_json_string(p, end, m->key);
		*p++ = ':';
		p = hooks_json_string(p, end, m->str);
		*p++ = m->next ? ',' : '}';
	}
	strcpy(p, v->child ? "" : "}");
	return strlen(w->c->hooks.annotations) > HOOKS_ANNOTATIONS_MAX
		   ? oci_bad(w, v, path, "more than 8 KiB as JSON (the hooks' state holds them)")
		   : 0;
}

/* config.md "POSIX-platform Hooks": each kind an array of {path, args, env, timeout}, run by
 * oci_hooks.c at its point. */
static int walk_hook_path(struct oci_walk *w, const struct json_value *v, const char *path)
{
	int rc = oci_want(w, v, path, JSON_STRING);

	if (!rc && v->str[0] != '/')
		rc = oci_bad(w, v, path, "must be an absolute path");
	if (!rc)
		w->hook->path = v->str;
	return rc;
}

static int walk_hook_args(struct oci_walk *w, const struct json_value *v, const char *path)
{
	return oci_string_array(w, v, path, (const char ***)&w->hook->args, NULL);
}

static int walk_hook_env(struct oci_walk *w, const struct json_value *v, const char *path)
{
	return oci_string_array(w, v, path, (const char ***)&w->hook->env, NULL);
}

static int walk_hook_timeout(struct oci_walk *w, const struct json_value *v, const char *path)
{
	int64_t t;
	/* "MUST be greater than zero"; at most what poll(2) can wait in milliseconds */
	int rc = oci_want_int(w, v, path, 1, INT_MAX / 1000, &t);

	if (!rc)
		w->hook->timeout = (int)t;
	return rc;
}

static const struct oci_field hook_fields[] = {
	{ OCI_REQUIRED "path", walk_hook_path },
	{ "args", walk_hook_args },
	{ "env", walk_hook_env },
	{ "timeout", walk_hook_timeout },
	{ NULL, NULL },
};

static int walk_hook_list(struct oci_walk *w, const struct json_value *v, const char *path,
			  int kind)
{
	struct nb_hooks *h = &w->c->hooks;
	char sub[OCI_PATH_MAX];
	int rc = oci_want(w, v, path, JSON_ARRAY);
	size_t i = 0;

	h->list[kind] = rc ? NULL : calloc(v->n + 1, sizeof(struct nb_hook));
	if (!rc && !h->list[kind])
		return nb_fail_errno(w->err, OCI_CONFIG_NAME, path);
	for (const struct json_value *e = rc ? NULL : v->child; !rc && e; e = e->next, i++) {
		oci_path_index(sub, path, i);
		w->hook = &h->list[kind][i];
		rc = oci_walk_object(w, e, sub, hook_fields);
	}
	h->n[kind] = rc ? 0 : (int)v->n;
	return rc;
}

/* The kinds by their names (oci_walk_object's checks, without a table of six handlers). */
static int walk_hooks(struct oci_walk *w, const struct json_value *v, const char *path)
{
	char sub[OCI_PATH_MAX];
	int rc = oci_want(w, v, path, JSON_OBJECT);

	for (const struct json_value *m = rc ? NULL : v->child; !rc && m; m = m->next) {
		int kind = 0;

		oci_path_member(sub, path, m->key);
		while (kind < NB_HOOK_KINDS && strcmp(hooks_kind_names[kind], m->key))
			kind++;
		rc = kind == NB_HOOK_KINDS    ? oci_bad(w, m, sub, "unknown field")
		     : w->c->hooks.list[kind] ? oci_bad(w, m, sub, "given twice")
					      : walk_hook_list(w, m, sub, kind);
	}
	return rc;
}

/* --- process -------------------------------------------------------------------------------- */

/* true: a pty of the container's own (tty.c); where its master goes is the command line's
 * (--console-socket, or run's relay), checked by console_socket_check. */
static int walk_terminal(struct oci_walk *w, const struct json_value *v, const char *path)
{
	return oci_want_bool(w, v, path, &w->c->tty);
}

/* height and width: struct winsize's unsigned shorts */
static int walk_console_dim(struct oci_walk *w, const struct json_value *v, const char *path)
{
	uint64_t n = 0;
	int rc = oci_want_uint(w, v, path, UINT16_MAX, &n);

	*(path[strlen(path) - 1] == 't' ? &w->c->console_rows : &w->c->console_cols) =
	    (unsigned short)n;
	return rc;
}

static const struct oci_field console_size_fields[] = {
	{ OCI_REQUIRED "height", walk_console_dim },
	{ OCI_REQUIRED "width", walk_console_dim },
	{ NULL, NULL },
};

static int walk_console_size(struct oci_walk *w, const struct json_value *v, const char *path)
{
	return oci_walk_object(w, v, path, console_size_fields);
}

static int walk_cwd(struct oci_walk *w, const struct json_value *v, const char *path)
{
	int rc = oci_want(w, v, path, JSON_STRING);

	if (!rc && v->str[0] != '/')
		rc = oci_bad(w, v, path, "must be an absolute path");
	if (!rc)
		w->c->workdir = v->str;
	return rc;
}

static int walk_args(struct oci_walk *w, const struct json_value *v, const char *path)
{
	const char **args;
	int n, rc = oci_string_array(w, v, path, &args, &n);

	if (rc)
		return rc;
	w->c->argv = (char *const *)args;
	return n ? 0 : oci_bad(w, v, path, "empty (the process needs a program to run)");
}

static int walk_env(struct oci_walk *w, const struct json_value *v, const char *path)
{
	char sub[OCI_PATH_MAX];
	int rc = oci_string_array(w, v, path, &w->c->env, &w->c->n_env);

	for (int i = 0; !rc && i < w->c->n_env; i++) {
		const char *eq = strchr(w->c->env[i], '=');

		oci_path_index(sub, path, (size_t)i);
		if (!eq || eq == w->c->env[i])
			rc = oci_bad(w, v, sub, "expected KEY=VALUE");
	}
	return rc;
}

static int walk_uid(struct oci_walk *w, const struct json_value *v, const char *path)
{
	uint64_t id;
	int rc = oci_want_uint(w, v, path, UINT32_MAX - 1, &id);

	if (!rc)
		w->c->uid = (uid_t)id;
	return rc;
}

static int walk_gid(struct oci_walk *w, const struct json_value *v, const char *path)
{
	uint64_t id;
	int rc = oci_want_uint(w, v, path, UINT32_MAX - 1, &id);

	if (!rc)
		w->c->gid = (gid_t)id;
	return rc;
}

/* process.user.additionalGids: the workload's supplementary groups, handed on as --group-add
 * GIDs (process.c sets them with setgroups(2)); containerd and podman always pass the image
 * user's groups ([0] for root). */
static int walk_additional_gids(struct oci_walk *w, const struct json_value *v, const char *path)
{
	char sub[OCI_PATH_MAX];
	int rc = oci_want(w, v, path, JSON_ARRAY);
	size_t i = 0;

	if (!rc && v->n > NB_GROUPS_MAX)
		rc = oci_bad(w, v, path, "more than 32 groups");
	for (const struct json_value *g = rc ? NULL : v->child; g && !rc; g = g->next, i++) {
		uint64_t id;
		char *text;

		oci_path_index(sub, path, i);
		rc = oci_want_uint(w, g, sub, UINT32_MAX - 1, &id);
		if (!rc && asprintf(&text, "%u", (unsigned)id) < 0)
			rc = nb_fail_errno(w->err, sub, NULL);
		if (!rc)
			w->c->groups_add[w->c->n_groups_add++] = text;
	}
	return rc;
}

static int walk_umask(struct oci_walk *w, const struct json_value *v, const char *path)
{
	uint64_t mask;
	int rc = oci_want_uint(w, v, path, 0777, &mask);

	if (!rc) {
		w->c->has_umask = true;
		w->c->umask = (unsigned)mask;
	}
	return rc;
}

static const struct oci_field user_fields[] = {
	{ OCI_REQUIRED "uid", walk_uid },
	{ OCI_REQUIRED "gid", walk_gid },
	{ "additionalGids", walk_additional_gids },
	{ "umask", walk_umask },
	{ "username", NULL },
	{ NULL, NULL },
};

static int walk_user(struct oci_walk *w, const struct json_value *v, const char *path)
{
	return oci_walk_object(w, v, path, user_fields);
}

static int walk_cap_set(struct oci_walk *w, const struct json_value *v, const char *path)
{
	static const char *const sets[] = { "bounding", "effective", "permitted", "inheritable",
					    "ambient" };
	const char *name = strrchr(path, '.') + 1;
	char sub[OCI_PATH_MAX];
	size_t set = 0, i = 0;
	int rc = oci_want(w, v, path, JSON_ARRAY);

	while (strcmp(sets[set], name))
		set++;
	for (const struct json_value *e = rc ? NULL : v->child; !rc && e; e = e->next, i++) {
		int cap;

		oci_path_index(sub, path, i);
		rc = oci_want(w, e, sub, JSON_STRING);
		cap = rc ? -1 : security_cap_number(e->str);
		if (!rc && (cap < 0 || strncmp(e->str, "CAP_", 4)))
			rc = oci_bad(w, e, sub, "unknown capability (CAP_NAME, capabilities(7))");
		if (!rc)
			w->caps[set] |= 1ULL << cap;
	}
	return rc;
}

static const struct oci_field cap_fields[] = {
	{ "bounding", walk_cap_set },  { "effective", walk_cap_set },
	{ "permitted", walk_cap_set }, { "inheritable", walk_cap_set },
	{ "ambient", walk_cap_set },   { NULL, NULL },
};

/* nestbox holds one set (bounding = permitted = effective) and raises it as inheritable and
 * ambient or not at all (security.h): other combinations cannot be said yet. */
static int walk_caps(struct oci_walk *w, const struct json_value *v, const char *path)
{
	const uint64_t *s = w->caps;
	int rc = oci_walk_object(w, v, path, cap_fields);

	if (rc)
		return rc;
	if (s[1] != s[0] || s[2] != s[0])
		return oci_bad(w, v, path,
			       "bounding, effective and permitted must be the same set (nestbox "
			       "cannot say otherwise yet)");
	if ((s[3] || s[4]) && (s[3] != s[0] || s[4] != s[0]))
		return oci_bad(w, v, path,
			       "inheritable and ambient must be empty or the same as bounding "
			       "(nestbox cannot say otherwise yet)");
	w->c->security.caps = s[0];
	w->c->security.caps_ambient = s[4] != 0;
	return 0;
}

static int walk_nnp(struct oci_walk *w, const struct json_value *v, const char *path)
{
	bool nnp;
	int rc = oci_want_bool(w, v, path, &nnp);

	if (!rc)
		w->c->security.allow_new_privs = !nnp;
	return rc;
}

/* setrlimit(2) resources by their spec names without "RLIMIT_", in the kernel's numbering
 * (asm-generic/resource.h, the same on every architecture nestbox builds for), one string. */
static const char rlimit_names[] = "CPU\0FSIZE\0DATA\0STACK\0CORE\0RSS\0NPROC\0NOFILE\0"
				   "MEMLOCK\0AS\0LOCKS\0SIGPENDING\0MSGQUEUE\0NICE\0RTPRIO\0RTTIME";
_Static_assert(RLIMIT_CPU == 0 && RLIMIT_RSS == 5 && RLIMIT_NOFILE == 7 && RLIMIT_AS == 9 &&
		   RLIMIT_RTTIME == 15 && NB_RLIMIT_MAX == 16,
	       "rlimit_names follows the kernel's numbering");

/* "RLIMIT_NOFILE" -> RLIMIT_NOFILE, or -1. */
static int rlimit_number(const char *name)
{
	const char *k = rlimit_names;

	if (strncmp(name, "RLIMIT_", 7))
		return -1;
	for (int i = 0; i < NB_RLIMIT_MAX; k += strlen(k) + 1, i++)
		if (!strcmp(name + 7, k))
			return i;
	return -1;
}

static int walk_rlimit_type(struct oci_walk *w, const struct json_value *v, const char *path)
{
	struct nb_security_spec *s = &w->c->security;
	int rc = oci_want(w, v, path, JSON_STRING), res = rc ? -1 : rlimit_number(v->str);

	if (!rc && res < 0)
		return oci_bad(w, v, path, "unknown resource (RLIMIT_NOFILE ..., getrlimit(2))");
	for (int i = 0; !rc && i < s->n_rlimits; i++)
		if (s->rlimits[i].resource == res)
			return oci_bad(w, v, path, "given twice");
	if (!rc)
		s->rlimits[s->n_rlimits].resource = res;
	return rc;
}

static int walk_rlimit_soft(struct oci_walk *w, const struct json_value *v, const char *path)
{
	struct nb_security_spec *s = &w->c->security;

	return oci_want_uint(w, v, path, UINT64_MAX, &s->rlimits[s->n_rlimits].soft);
}

static int walk_rlimit_hard(struct oci_walk *w, const struct json_value *v, const char *path)
{
	struct nb_security_spec *s = &w->c->security;

	return oci_want_uint(w, v, path, UINT64_MAX, &s->rlimits[s->n_rlimits].hard);
}

static const struct oci_field rlimit_fields[] = {
	{ OCI_REQUIRED "type", walk_rlimit_type },
	{ OCI_REQUIRED "soft", walk_rlimit_soft },
	{ OCI_REQUIRED "hard", walk_rlimit_hard },
	{ NULL, NULL },
};

/* Applied from inside, before the workload's exec (security_before_user), as the issue asks:
 * not with prlimit from outside. */
static int walk_rlimits(struct oci_walk *w, const struct json_value *v, const char *path)
{
	struct nb_security_spec *s = &w->c->security;
	char sub[OCI_PATH_MAX];
	size_t i = 0;
	int rc = oci_want(w, v, path, JSON_ARRAY);

	for (const struct json_value *e = rc ? NULL : v->child; !rc && e; e = e->next, i++) {
		oci_path_index(sub, path, i);
		if (s->n_rlimits == NB_RLIMIT_MAX)
			return oci_bad(w, e, sub, "more limits than resources");
		rc = oci_walk_object(w, e, sub, rlimit_fields);
		if (!rc && s->rlimits[s->n_rlimits].soft > s->rlimits[s->n_rlimits].hard)
			rc = oci_bad(w, e, sub, "soft limit above hard limit");
		if (!rc)
			s->n_rlimits++;
	}
	return rc;
}

/* process.oomScoreAdj: --oom-score-adj's (written from outside the container, sysctl.c) */
static int walk_oom_score_adj(struct oci_walk *w, const struct json_value *v, const char *path)
{
	int64_t n;
	char *text;
	int rc = oci_want_int(w, v, path, -1000, 1000, &n);

	if (!rc && asprintf(&text, "%d", (int)n) < 0)
		rc = nb_fail_errno(w->err, path, NULL);
	return rc ? rc : oci_by_option(w, v, path, cli_docker_options, "oom-score-adj", text);
}

static const struct oci_field process_fields[] = {
	{ "terminal", walk_terminal },
	{ OCI_REQUIRED "cwd", walk_cwd },
	{ OCI_REQUIRED "args", walk_args },
	{ "env", walk_env },
	{ OCI_REQUIRED "user", walk_user },
	{ "capabilities", walk_caps },
	{ "rlimits", walk_rlimits },
	{ "noNewPrivileges", walk_nnp },
	{ "consoleSize", walk_console_size },
	{ "commandLine", NULL },
	{ "apparmorProfile", NULL },
	{ "oomScoreAdj", walk_oom_score_adj },
	{ "selinuxLabel", NULL },
	{ "scheduler", NULL },
	{ "ioPriority", NULL },
	{ "execCPUAffinity", NULL },
	{ NULL, NULL },
};

static int walk_process(struct oci_walk *w, const struct json_value *v, const char *path)
{
	return oci_walk_object(w, v, path, process_fields);
}

/* --- the whole file ------------------------------------------------------------------------- */

static const struct oci_field top_fields[] = {
	{ OCI_REQUIRED "ociVersion", walk_version },
	{ OCI_REQUIRED "root", walk_root },
	{ OCI_REQUIRED "process", walk_process },
	{ "hostname", walk_hostname },
	{ "mounts", oci_walk_mounts },
	{ "hooks", walk_hooks },
	{ "annotations", walk_annotations },
	{ OCI_REQUIRED "linux", oci_walk_linux },
	{ "domainname", NULL },
	{ NULL, NULL },
};

/* Before the file: what holds when a field is absent (runtime-spec config.md). */
static int defaults(struct nb_container *c, const char *id, struct nb_error *err)
{
	memset(c, 0, sizeof(*c));
	c->grace_seconds = INIT_DEFAULT_GRACE_SECONDS;
	c->security.allow_new_privs = true;   /* process.noNewPrivileges: false when absent */
	c->security.seccomp = NB_SECCOMP_OFF; /* no linux.seccomp: no filter */
	c->layers = calloc(2, sizeof(*c->layers));
	if (!c->layers)
		return nb_fail_errno(err, OCI_CONFIG_NAME, NULL);
	return cli_parse_name(c, id, err);
}

int oci_config_parse(char *text, size_t len, const char *bundle, const char *id,
		     struct nb_container *c, struct nb_error *err)
{
	struct oci_walk w = { .c = c, .bundle = bundle, .err = err };
	struct json_value *root;
	int rc = defaults(c, id, err);

	if (rc)
		return rc;
	root = json_parse(text, len, OCI_CONFIG_NAME, err);
	if (!root)
		return -EINVAL;
	c->hooks.bundle = bundle;
	rc = oci_walk_object(&w, root, "", top_fields);
	if (!rc && w.cgroup_mount_at && !(c->namespaces & NB_NS_CGROUP))
		rc = oci_bad(&w, w.cgroup_mount_at, "mounts",
			     "/sys/fs/cgroup: nestbox mounts it only with a cgroup namespace");
	if (!rc && w.hostname_at && !((c->namespaces | c->ns_join) & NB_NS_UTS))
		rc = oci_bad(&w, w.hostname_at, "hostname",
			     "needs a uts namespace in linux.namespaces");
	json_free(root);
	if (rc)
		return rc;
	if (!c->hostname[0]) /* as `run`: the name, rather than a copy of the host's */
		memcpy(c->hostname, c->name, sizeof(c->name));
	return 0;
}

int oci_process_parse(char *text, size_t len, struct nb_container *c, struct nb_error *err)
{
	struct oci_walk w = { .c = c, .bundle = "/", .err = err };
	struct json_value *root = json_parse(text, len, "--process", err);
	int rc;

	if (!root)
		return -EINVAL;
	c->env = NULL; /* the file's process is the whole process: its env, its limits */
	c->n_env = 0;
	c->security.n_rlimits = 0;
	rc = walk_process(&w, root, "process");
	json_free(root);
	return rc;
}

int oci_config_read(const char *bundle, char **text, size_t *len, struct nb_error *err)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/" OCI_CONFIG_NAME, bundle);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nb_fail_errno(err, "bundle", path);
	*text = malloc(OCI_CONFIG_MAX + 1);
	if (!*text) {
		close(fd);
		return nb_fail_errno(err, "bundle", path);
	}
	*len = 0;
	while ((n = read(fd, *text + *len, OCI_CONFIG_MAX + 1 - *len)) > 0)
		*len += (size_t)n;
	close(fd);
	if (n < 0)
		return nb_fail_errno(err, "bundle", path);
	if (*len > OCI_CONFIG_MAX)
		return nb_fail(err, EFBIG, "bundle", path, "larger than 1 MiB");
	return 0;
}

/* A directory's absolute name with its symlinks resolved (root.path): chdir(2) there, getcwd(3),
 * then back. Not realpath(3): musl's is 1.4 KB of the static binary for this one call (and
 * prepare's, which enters the bundle anyway). NULL with errno set when it fails. */
static char *directory_path(const char *path)
{
	int back = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC), saved;
	char buf[PATH_MAX], *real = NULL;

	if (back < 0)
		return NULL;
	if (!chdir(path) && getcwd(buf, sizeof(buf)))
		real = strdup(buf);
	saved = errno;
	if (fchdir(back) && real) {
		saved = errno;
		free(real);
		real = NULL;
	}
	close(back);
	errno = saved;
	return real;
}

int oci_config_load(const char *bundle, const char *id, struct nb_container *c,
		    struct nb_error *err)
{
	char *text = NULL, *real;
	size_t len;
	int rc = oci_config_read(bundle, &text, &len, err);

	if (!rc)
		rc = oci_config_parse(text, len, bundle, id, c, err);
	if (rc)
		return rc; /* text stays: c points into it; the process ends */
	real = directory_path(c->layers[0]);
	if (!real)
		return nb_fail_errno(err, OCI_CONFIG_NAME ": root.path", c->layers[0]);
	c->layers[0] = real;
	c->hooks.bundle = strdup(bundle); /* the caller's buffer: the hooks' state needs it later */
	if (!c->hooks.bundle)
		return nb_fail_errno(err, OCI_CONFIG_NAME, bundle);
	c->cgroup.wanted = true; /* runc and crun make one for every container: so does this */
	/* the plan's defaults around config.json's binds, as cli_parse_run ends */
	return mount_plan_build(c, err);
}
