/* The OCI runtime command line's forms of the verbs (oci_verbs.c), with runc's flags:
 *   create [--bundle DIR] [--pid-file F] [--console-socket S] ID   the process from config.json
 *   run [--bundle DIR] [--pid-file F] [--detach] [--console-socket S] ID
 *   (--console-socket: process.terminal's pty master goes there, console_socket.h)
 *   spec [--bundle DIR]                           a default config.json for a busybox rootfs
 *   features                                      what this runtime implements, as JSON
 * `create` and `run` keep their docker-like forms too (verbs.c): the OCI form is the one whose
 * words are only the flags above and one ID (run: with --bundle, or config.json in the current
 * directory). */
#ifndef NB_OCI_VERBS_H
#define NB_OCI_VERBS_H

#include <stdbool.h>

bool oci_create_wanted(int argc, char **argv);
bool oci_run_wanted(int argc, char **argv);

int oci_verb_create(const char *root, int argc, char **argv);
int oci_verb_run(const char *root, int argc, char **argv);
int verb_spec(const char *root, int argc, char **argv);
int verb_features(const char *root, int argc, char **argv);

/* runc's global --systemd-cgroup (main.c): linux.cgroupsPath is systemd's slice:prefix:name. */
extern bool oci_systemd_cgroup;

#endif
