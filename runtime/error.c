/* The runtime's one error convention (include/nb_error.h). */
#include <errno.h>
#include <stdbool.h>
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

int nb_log_fd = STDERR_FILENO;
bool nb_log_json;

/* runc --log-format json: one {"level":"error","msg":...} object a line, which containerd's
 * shim reads back from --log to tell why create failed (go-runc's getLastRuntimeError);
 * written with one write(2) so concurrent commands on one log (O_APPEND) never interleave. */
static void log_json(const char *msg)
{
	char line[sizeof(((struct nb_error *)0)->msg) * 6 + 32];
	size_t n = (size_t)snprintf(line, sizeof(line), "{\"level\":\"error\",\"msg\":\"nestbox: ");

	for (const unsigned char *p = (const unsigned char *)msg; *p; p++) /* RFC 8259 7 */
		if (*p == '"' || *p == '\\')
			n += (size_t)snprintf(line + n, sizeof(line) - n, "\\%c", *p);
		else if (*p < 0x20)
			n += (size_t)snprintf(line + n, sizeof(line) - n, "\\u%04x", *p);
		else
			line[n++] = (char)*p;
	n += (size_t)snprintf(line + n, sizeof(line) - n, "\"}\n");
	if (write(nb_log_fd, line, n) < 0)
		return; /* nowhere left to say it */
}

void nb_error_print(const struct nb_error *err)
{
	const char *msg = err->msg[0] ? err->msg : "unknown error";

	if (nb_log_json)
		log_json(msg);
	else
		dprintf(nb_log_fd, "nestbox: %s\n", msg);
}
