/* Our own printf family, for the conversions nestbox uses: musl's vfprintf links its float
 * formatter (fmt_fp), wide characters and the FILE layer, about 13 KB of the static binary,
 * for messages made of strings and integers.
 *
 * Supported: %d %i %u %x %X %c %s %%; flags '-' and '0'; a width and a precision (digits or
 * '*'; on integers the minimum number of digits, on strings the most bytes taken); length
 * modifiers hh h l ll z. Anything else (%f, %p, %o, '+', ' ', '#', j, t, L ...) writes the
 * marker "%!" followed by the conversion as written, and the rest of the format is dropped:
 * where the next argument starts is unknown after a conversion we cannot read.
 *
 * Same contract as C's: the return value is the length the whole output has (or -1 when it
 * does not fit in an int, or the write failed for dprintf/printf); snprintf NUL-terminates
 * whenever size > 0 and stores at most size - 1 bytes.
 *
 * printf and putchar are line-buffered on fd 1: a call that puts a '\n' writes out what is
 * buffered, and exit(3) writes the rest (a destructor). dprintf writes each call at once, in
 * one write(2) when it is under 512 bytes.
 *
 * The Makefile passes -include include/format.h to the musl builds, so that the calls keep
 * their names and -Wformat still checks every one of them. A format attribute in our code must
 * then say __printf__ (the macro would rename printf). Define NB_FORMAT_NO_MACROS before
 * including this header to reach the nb_ names only (tests/unit_format.c). */
#ifndef NB_FORMAT_H
#define NB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#define NB_FORMAT(fmt_index, first_arg) __attribute__((format(__printf__, fmt_index, first_arg)))

int nb_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(__printf__, 3, 0)));
int nb_snprintf(char *buf, size_t size, const char *fmt, ...) NB_FORMAT(3, 4);
int nb_vdprintf(int fd, const char *fmt, va_list ap) __attribute__((format(__printf__, 2, 0)));
int nb_dprintf(int fd, const char *fmt, ...) NB_FORMAT(2, 3);
int nb_printf(const char *fmt, ...) NB_FORMAT(1, 2);
int nb_putchar(int c);
/* One stderr line, as dprintf(STDERR_FILENO, NB_LOG_LINE_PREFIX fmt "\n", ...) writes it
 * (one write(2) under 512 bytes): boot mode's BOOT_LOG, whose ~40 formats then share the
 * prefix and the newline, and need no fd. */
#define NB_LOG_LINE_PREFIX "nestbox: boot: "
void nb_log_line(const char *fmt, ...) NB_FORMAT(1, 2);
/* *out is malloc'd (free it); -1 and *out unspecified when out of memory. */
int nb_asprintf(char **out, const char *fmt, ...) NB_FORMAT(2, 3);

#ifndef NB_FORMAT_NO_MACROS
#define vsnprintf nb_vsnprintf
#define snprintf  nb_snprintf
#define vdprintf  nb_vdprintf
#define dprintf	  nb_dprintf
#define printf	  nb_printf
#define putchar	  nb_putchar
#define asprintf  nb_asprintf
#endif

#endif
