/* Our malloc family (runtime/malloc.c): in the musl build the libc names are these functions;
 * the nb_ names are for the unit tests, which run them beside the host's malloc. */
#ifndef NB_MALLOC_H
#define NB_MALLOC_H

#include <stddef.h>

void *nb_malloc(size_t n);
void nb_free(void *p);
void *nb_calloc(size_t count, size_t n);
void *nb_realloc(void *p, size_t n);

#endif
