/* Our strtol family (runtime/strto.c): in the musl build the libc names are these functions;
 * the nb_ names are for the unit tests, which compare them with glibc's. */
#ifndef NB_STRTO_H
#define NB_STRTO_H

long nb_strtol(const char *s, char **end, int base);
long long nb_strtoll(const char *s, char **end, int base);
unsigned long nb_strtoul(const char *s, char **end, int base);
unsigned long long nb_strtoull(const char *s, char **end, int base);

#endif
