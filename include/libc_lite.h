/* Smaller stand-ins for musl's strstr and fork (runtime/libc_lite.c): in the musl build the
 * libc names are these functions; the nb_ names are for the unit tests. */
#ifndef NB_LIBC_LITE_H
#define NB_LIBC_LITE_H

#include <sys/types.h>

char *nb_strstr(const char *text, const char *needle);
pid_t nb_fork(void);

#endif
