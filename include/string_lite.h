/* Byte-at-a-time stand-ins for musl's string functions (runtime/string_lite.c): in the musl
 * build the libc names are these functions; the nb_ names are for the unit tests. */
#ifndef NB_STRING_LITE_H
#define NB_STRING_LITE_H

#include <stddef.h>

void *nb_memcpy(void *restrict dst, const void *restrict src, size_t n);
void *nb_memmove(void *dst, const void *src, size_t n);
void *nb_memset(void *dst, int c, size_t n);
void *nb_memchr(const void *src, int c, size_t n);
size_t nb_strlen(const char *s);
char *nb_strchrnul(const char *s, int c);
size_t nb_strspn(const char *s, const char *accept);
size_t nb_strcspn(const char *s, const char *reject);
char *nb_stpcpy(char *restrict dst, const char *restrict src);
char *nb_stpncpy(char *restrict dst, const char *restrict src, size_t n);
int nb_strcasecmp(const char *a, const char *b);
int nb_strncasecmp(const char *a, const char *b, size_t n);

#endif
