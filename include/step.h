/* A named setup step: said with -v, and where the test build stops for `make faults`
 * (faults.h; tests/faults/faults.mk lists the steps from the calls to step and done, so the
 * container description is always called c at those calls). */
#ifndef NB_STEP_H
#define NB_STEP_H

#include "container.h"
#include "faults.h"

/* step.c: "nestbox: NAME: MS ms: STEP", MS since this process started (CLOCK_MONOTONIC). */
void step_say(const struct nb_container *c, const char *name);

static inline void step(const struct nb_container *c, const char *name)
{
	if (c->verbosity > 0)
		step_say(c, name);
	fault_point(name);
}

/* step() once the action returned 0; its result passed through. */
static inline int done(const struct nb_container *c, const char *name, int rc)
{
	if (!rc)
		step(c, name);
	return rc;
}

#endif
