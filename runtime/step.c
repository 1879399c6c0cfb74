/* The -v line of a setup step (step.h), with the time since this nestbox started. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "step.h"

static long long origin_us;

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* Before main: the clock starts when the process does (the container's side is a clone, so
 * it counts from the same start; a nestbox exec'd by boot mode counts from its own). */
static void __attribute__((constructor)) step_origin(void)
{
	origin_us = now_us();
}

/* "nestbox: NAME: 12.345 ms: STEP": which step is slow reads off the differences. */
void step_say(const struct nb_container *c, const char *name)
{
	long long us = now_us() - origin_us;

	dprintf(STDERR_FILENO, "nestbox: %s: %lld.%03lld ms: %s\n", c->name, us / 1000, us % 1000,
		name);
}
