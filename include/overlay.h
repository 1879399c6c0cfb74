/* The container's root filesystem: overlayfs over read-only layers, with a writable upper
 * layer on a fresh tmpfs, a persistent --upper/--work pair, or none (--read-only). */
#ifndef NB_OVERLAY_H
#define NB_OVERLAY_H

#include <stddef.h>

#include "container.h"
#include "nb_error.h"

/* Build overlayfs's option string for c, with host paths seen under host_prefix and the tmpfs
 * upper/work under scratch_upper/scratch_work. Returns 0, or -ENAMETOOLONG when it does not
 * fit (mount(2) takes one page of options). */
int overlay_options(const struct nb_container *c, const char *host_prefix, char *buf, size_t size);

/* Mount the root at NEWROOT (inside the scratch root of mounts.h), with flags (MS_NODEV) on
 * the root's mounts. */
int overlay_mount_root(const struct nb_container *c, unsigned long flags, struct nb_error *err);

#endif
