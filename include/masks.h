/* Masked and read-only paths of /proc and /sys (the mount plan's MASK and READ_ONLY steps).
 * A mask is a bind of an empty directory or an empty file of nestbox's own read-only, nosuid,
 * nodev, noexec tmpfs: never the host's /dev/null, which a bind would let the container chmod. */
#ifndef NB_MASKS_H
#define NB_MASKS_H

#include <stdbool.h>
#include <sys/types.h>

#include "nb_error.h"

struct nb_mount;

struct nb_masks {
	bool ready;
	dev_t dev;		 /* the mask tmpfs */
	ino_t dir_ino, file_ino; /* its empty directory and empty file */
};

/* What masks_apply and masks_read_only return when this kernel has no such path. */
#define NB_MASK_SKIPPED 1

/* Hide m->target (under root, the new root's O_PATH fd) behind the empty directory or file;
 * NB_MOPT_EACH_CPU: every /sys/devices/system/cpu/cpuN/<rest>. A target this kernel does not
 * have is skipped (NB_MASK_SKIPPED); any other failure fails the step (a mask is never
 * silently missing). */
int masks_apply(struct nb_masks *mk, int root, const struct nb_mount *m, struct nb_error *err);

/* Bind m->target onto itself read-only, with its submounts. */
int masks_read_only(int root, const struct nb_mount *m, struct nb_error *err);

/* After the walk: is m->target (a mask step that was applied) the empty directory or file? */
int masks_verify(const struct nb_masks *mk, int root, const struct nb_mount *m,
		 struct nb_error *err);

#endif
