/* A smaller stand-in for musl's strstr (runtime/libc_lite.c): in the musl build the libc name
 * is this function; the nb_ name is for the unit tests. */
#ifndef NB_LIBC_LITE_H
#define NB_LIBC_LITE_H

char *nb_strstr(const char *text, const char *needle);

#endif
