/* All of a buffer onto a file or socket (runtime/write_all.c). */
#ifndef NB_WRITE_ALL_H
#define NB_WRITE_ALL_H

#include <stddef.h>

/* len bytes of buf, again after a short write or EINTR; 0 or -errno (-EIO for a write of
 * nothing). A socket is written with send(2) and MSG_NOSIGNAL, so that a reader gone (the
 * cleanup guard's channel) is EPIPE, not a SIGPIPE pending in a blocked mask that kills
 * once it is restored; anything else with write(2). */
int nb_write_all(int fd, const void *buf, size_t len);

#endif
