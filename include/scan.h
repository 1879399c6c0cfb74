/* Small explicit parsers for the lines of kernel files (/proc/cgroups, /proc/PID/stat,
 * mountinfo), resolv.conf and our own records, in place of sscanf: musl's vfscanf brings its
 * float scanner with it (about 10 KB of the static binary, for a handful of integer fields).
 *
 * A field is a run of characters other than blanks (space, tab), '\n' and '\0': no function
 * reads past the end of its line. Every function takes p == NULL and then returns NULL, so
 * that a parse is one chain of calls checked once at its end. */
#ifndef NB_SCAN_H
#define NB_SCAN_H

#include <stddef.h>

/* p past any spaces and tabs. */
const char *scan_blanks(const char *p);

/* The start of field n (0 is the first, blanks before it skipped) of the line at p; NULL when
 * the line has fewer fields. */
const char *scan_field(const char *p, unsigned n);

/* The field at p (blanks before it skipped) copied into out, NUL-terminated: p past the field,
 * or NULL (and out "") when there is no field or it does not fit in size bytes. */
const char *scan_word(const char *p, char *out, size_t size);

/* An unsigned number in base 10 or 16 at p: digits only (no blank, sign or "0x" before them).
 * p past its last digit with the value in *v; NULL when p has no digit or the value is above
 * max (*v is then left as it was). */
const char *scan_unsigned(const char *p, unsigned base, unsigned long long max,
			  unsigned long long *v);

/* p past prefix when p starts with it (blanks are not skipped), else NULL. */
const char *scan_prefix(const char *p, const char *prefix);

/* Read /proc/PID/stat (pid 0: self) into buf: the start of its field 3 (the state, just after
 * the command name, which may hold blanks and ')'), or NULL when it cannot be read. Field N of
 * proc(5) is then scan_field(returned, N - 3). */
const char *scan_proc_stat(int pid, char *buf, size_t size);

#endif
