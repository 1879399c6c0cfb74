/* Checks of a container description against the host, before anything is created: every
 * front end (flags today, config.json later) goes through the same checks. */
#ifndef NB_VALIDATE_H
#define NB_VALIDATE_H

#include "container.h"
#include "nb_error.h"

int container_validate(const struct nb_container *c, struct nb_error *err);

#endif
