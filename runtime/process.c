/* The workload process: a clean environment, its user, its working directory, then exec. */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "faults.h"
#include "nb_error.h"
#include "process.h"
#include "security.h"

#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

extern char **environ;

static void env_set(char **env, int *n, const char *kv)
{
	size_t key_len = strcspn(kv, "=");

	for (int i = 0; i < *n; i++) {
		if (!strncmp(env[i], kv, key_len) && env[i][key_len] == '=') {
			env[i] = (char *)kv;
			return;
		}
	}
	env[(*n)++] = (char *)kv;
}

/* The caller's environment is not passed in: only sensible defaults and what --env gives. */
static char **build_env(const struct nb_container *c)
{
	char **env = calloc((size_t)c->n_env + 5, sizeof(*env));
	char *hostname = NULL, *term = NULL;
	const char *caller_term = getenv("TERM");
	int n = 0;

	if (!env || asprintf(&hostname, "HOSTNAME=%s", c->hostname) < 0)
		return NULL;
	env_set(env, &n, DEFAULT_PATH);
	env_set(env, &n, c->uid == 0 ? "HOME=/root" : "HOME=/");
	env_set(env, &n, hostname);
	if (caller_term && asprintf(&term, "TERM=%s", caller_term) >= 0)
		env_set(env, &n, term);
	for (int i = 0; i < c->n_env; i++)
		env_set(env, &n, c->env[i]);
	env[n] = NULL;
	return env;
}

static int fail(const char *what, const char *value, int status)
{
	struct nb_error err;

	nb_fail_errno(&err, what, value);
	nb_error_print(&err);
	return status;
}

static int switch_user(const struct nb_container *c)
{
	if (c->uid == 0 && c->gid == 0)
		return setgroups(0, NULL) && errno != EPERM ? -1 : 0;
	if (setgroups(0, NULL) || setgid(c->gid) || setuid(c->uid))
		return -1;
	return 0;
}

int process_exec(const struct nb_container *c)
{
	const char *workdir = c->workdir ? c->workdir : "/";
	char **env = build_env(c);
	struct nb_error serr;
	int err;

	if (!env)
		return fail("environment", NULL, NB_EXIT_SETUP);
	if (security_before_user(c, &serr))
		return nb_error_print(&serr), NB_EXIT_SETUP;
	if (switch_user(c))
		return fail("--user", "switch", NB_EXIT_SETUP);
	if (chdir(workdir))
		return fail("--workdir", workdir, NB_EXIT_SETUP);
	/* Only stdin, stdout and stderr cross into the workload. */
	syscall(SYS_close_range, 3U, ~0U, 0U);
	/* Capabilities, no_new_privs, then seccomp: the last step before exec. */
	if (security_before_exec(c, &serr))
		return nb_error_print(&serr), NB_EXIT_SETUP;
	fault_point("seccomp loaded, exec next"); /* faults.h */
	environ = env;
	execvp(c->argv[0], c->argv);
	err = errno;
	return fail("exec", c->argv[0], err == ENOENT ? NB_EXIT_NOT_FOUND : NB_EXIT_CANNOT_EXEC);
}
