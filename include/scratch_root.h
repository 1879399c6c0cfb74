/* The two places of the scratch root the container side pivots into while it builds the root
 * (mounts.c): a header of its own so that what only needs the names (nested.c, to read the
 * host's view of /proc) does not depend on the mount code. */
#ifndef NB_SCRATCH_ROOT_H
#define NB_SCRATCH_ROOT_H

/* Where the host's root is seen while the container's root is assembled. */
#define OLDROOT "/oldroot"
/* Where the container's root is assembled, on the scratch tmpfs. */
#define NEWROOT "/newroot"

#endif
