/* The runtime's one error convention (include/nb_error.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mounts.h"
#include "nb_error.h"

const char *nb_error_cwd;

/* While the root is built, the host's paths are seen under OLDROOT and the container's under
 * NEWROOT (mounts.h); a message names the paths as the user knows them: "/oldroot/srv/x" is
 * the host's /srv/x, "/newroot/proc" the container's /proc. Every prefix that starts a path
 * (start of the message, or after ' ', '=', ':' or ',') and ends a component goes; so does
 * the current directory before a relative path the user gave (cli_path made it absolute). */

static void strip_internal_roots(char *msg)
{
	static const char *const roots[] = { OLDROOT, NEWROOT };

	for (char *p = msg; *p; p++) {
		size_t cwd_len = nb_error_cwd ? strlen(nb_error_cwd) : 0;

		if (p != msg && !strchr(" =:,", p[-1]))
			continue;
		for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
			size_t len = strlen(roots[i]);

			if (strncmp(p, roots[i], len) || (p[len] && !strchr("/:, ", p[len])))
				continue;
			if (p[len] == '/') /* the path goes on: drop the prefix */
				memmove(p, p + len, strlen(p + len) + 1);
			else /* the root itself */
				memmove(p + 1, p + len, strlen(p + len) + 1);
			break;
		}
		if (cwd_len && !strncmp(p, nb_error_cwd, cwd_len) && p[cwd_len] == '/')
			memmove(p, p + cwd_len + 1, strlen(p + cwd_len + 1) + 1);
	}
}

int nb_fail(struct nb_error *err, int code, const char *what, const char *value, const char *why)
{
	if (code <= 0)
		code = EIO;
	err->code = code;
	if (value)
		snprintf(err->msg, sizeof(err->msg), "%s: %s: %s", what, value, why);
	else
		snprintf(err->msg, sizeof(err->msg), "%s: %s", what, why);
	strip_internal_roots(err->msg);
	return -code;
}

int nb_fail_errno(struct nb_error *err, const char *what, const char *value)
{
	int code = errno ? errno : EIO;

	return nb_fail(err, code, what, value, strerror(code));
}

void nb_error_print(const struct nb_error *err)
{
	dprintf(STDERR_FILENO, "nestbox: %s\n", err->msg[0] ? err->msg : "unknown error");
}
