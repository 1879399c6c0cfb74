/* The runtime's one error convention (include/nb_error.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nb_error.h"

int nb_fail(struct nb_error *err, int code, const char *what, const char *value, const char *why)
{
	if (code <= 0)
		code = EIO;
	err->code = code;
	if (value)
		snprintf(err->msg, sizeof(err->msg), "%s: %s: %s", what, value, why);
	else
		snprintf(err->msg, sizeof(err->msg), "%s: %s", what, why);
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
