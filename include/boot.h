/* Boot mode: nestbox as the kernel's PID 1 (the /init of an initramfs). It mounts the API
 * filesystems, loads the modules /etc/nestbox/boot.conf lists (boot_conf.h), starts its
 * containers and programs in order, reaps every orphan, and never exits: shutdown ends in
 * reboot(2). Everything lives in static storage; after boot.conf is parsed, no heap. */
#ifndef NB_BOOT_H
#define NB_BOOT_H

#include <stdbool.h>

#define BOOT_CONF_DEFAULT "/etc/nestbox/boot.conf"
#define BOOT_CONF_CMDLINE "nestbox.conf=" /* kernel command line override */
#define BOOT_STATUS_FILE  "/run/nestbox/status"

/* True when main() must hand over to boot_main: PID 1 started as .../init or with no argument,
 * or `nestbox boot ...`. */
bool boot_wanted(int argc, char **argv);

/* `nestbox boot --check [FILE]` validates a file (0, or 125 when it has bad lines or cannot be
 * read); `nestbox boot --help` prints usage (0); as PID 1 it boots and never returns. */
int boot_main(int argc, char **argv);

#endif
