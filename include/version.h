/* The release number, shared by nestbox and nestbox-init (`--version`); the Makefile passes the
 * git description as NESTBOX_VERSION. */
#ifndef NB_VERSION_H
#define NB_VERSION_H

#define NB_RELEASE "0.4.0"

#ifndef NESTBOX_VERSION
#define NESTBOX_VERSION "unknown"
#endif

#endif
