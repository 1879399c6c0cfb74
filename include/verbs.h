/* The verbs on containers (verbs.c): each takes the state root and its own argv (argv[0] is
 * the verb) and returns the exit status. */
#ifndef NB_VERBS_H
#define NB_VERBS_H

int verb_run(const char *root, int argc, char **argv);
int verb_create(const char *root, int argc, char **argv);
int verb_start(const char *root, int argc, char **argv);
int verb_state(const char *root, int argc, char **argv);
int verb_delete(const char *root, int argc, char **argv);

#endif
