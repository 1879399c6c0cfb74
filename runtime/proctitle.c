/* Hiding the host's command line from the container (include/proctitle.h). PR_SET_MM_ARG_START
 * would point the kernel elsewhere but needs CAP_SYS_RESOURCE, which root may lack (it does in
 * nested use): the areas are overwritten in place instead. proc(5): /proc/PID/stat fields 48-51
 * are where they are (arg_start, arg_end, env_start, env_end). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <string.h>
#include <unistd.h>

#include "proctitle.h"
#include "scan.h"

extern char **environ;

#define STAT_ARG_START 48 /* proc(5) field numbers, from 1 */

static int read_areas(unsigned long v[4])
{
	char buf[2048];
	const char *p = scan_proc_stat(0, buf, sizeof(buf)); /* at field 3 */
	unsigned long long x;

	p = scan_field(p, STAT_ARG_START - 3);
	for (int i = 0; i < 4; i++) {
		p = scan_unsigned(scan_blanks(p), 10, ~0UL, &x);
		if (!p)
			return -1;
		v[i] = (unsigned long)x;
	}
	return v[0] && v[1] >= v[0] && v[3] >= v[2] ? 0 : -1;
}

static char **dup_vector(char *const *v)
{
	size_t n = 0;
	char **copy;

	while (v && v[n])
		n++;
	copy = calloc(n + 1, sizeof(*copy));
	for (size_t i = 0; copy && i < n; i++)
		if (!(copy[i] = strdup(v[i])))
			return NULL;
	return copy;
}

int proctitle_hide(struct nb_container *c, const char *name, struct nb_error *err)
{
	unsigned long area[4];
	char **argv = dup_vector(c->argv), **env = dup_vector((char *const *)c->env);
	char **host_env = dup_vector(environ);
	const char *workdir = c->workdir ? strdup(c->workdir) : NULL;
	size_t len;

	if (!argv || !env || !host_env || (c->workdir && !workdir))
		return nb_fail(err, ENOMEM, "hide the command line", NULL, strerror(ENOMEM));
	if (read_areas(area))
		return nb_fail(err, EIO, "hide the command line", "/proc/self/stat", "unreadable");
	c->argv = argv;
	c->env = (const char **)env;
	c->workdir = workdir;
	environ = host_env;
	/* Everything else in c that points into these areas served the setup, which is done. */
	len = area[1] - area[0];
	memset((void *)area[0], 0, len);
	memcpy((void *)area[0], name, strlen(name) < len ? strlen(name) : len - 1);
	memset((void *)area[2], 0, area[3] - area[2]);
	prctl(PR_SET_NAME, name); /* /proc/1/comm and ps's name column */
	return 0;
}
