/* Smaller stand-ins for musl's strstr, fork, clock_gettime, time, execvp, fcntl, open, strtok
 * and atoi (runtime/libc_lite.c): in the musl build the libc names are these functions; the nb_
 * names are for the unit tests. */
#ifndef NB_LIBC_LITE_H
#define NB_LIBC_LITE_H

#include <sys/types.h>
#include <time.h>

char *nb_strstr(const char *text, const char *needle);
pid_t nb_fork(void);
int nb_clock_gettime(clockid_t clock, struct timespec *ts);
time_t nb_time(time_t *t);
int nb_execvp(const char *file, char *const argv[]);
int nb_fcntl(int fd, int cmd, ...);
int nb_open(const char *path, int flags, ...);
char *nb_strtok(char *s, const char *sep);
int nb_atoi(const char *s);

#endif
