/* One error convention for the whole runtime: a failing function fills a caller's
 * struct nb_error and returns a negative errno-style code; main() prints the message
 * as one stderr line and exits 125. */
#ifndef NB_ERROR_H
#define NB_ERROR_H

#include <stdbool.h>

#define NB_EXIT_SETUP	    125 /* nestbox failed before the workload started */
#define NB_EXIT_CANNOT_EXEC 126
#define NB_EXIT_NOT_FOUND   127

struct nb_error {
	int code;      /* positive errno value, 0 when unset */
	char msg[512]; /* "<what>: <value>: <why>" */
};

/* Record "<what>: <value>: <why>" and return -code (code is a positive errno). */
int nb_fail(struct nb_error *err, int code, const char *what, const char *value, const char *why);

/* Same, with why = strerror(errno) and code = errno (EIO when errno is 0). */
int nb_fail_errno(struct nb_error *err, const char *what, const char *value);

/* The directory relative paths were made absolute against ("/srv/x" for "build/rootfs" given
 * in /srv/x): messages show such paths relative again, as the user gave them. */
extern const char *nb_error_cwd;

/* Print "nestbox: <msg>" on stderr, one line; to runc's --log FILE instead when given, as a
 * JSON object with --log-format json (main.c). */
void nb_error_print(const struct nb_error *err);
extern int nb_log_fd;	 /* STDERR_FILENO, or the --log file */
extern bool nb_log_json; /* --log-format json */

#endif
