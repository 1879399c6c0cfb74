/* Restart policy of boot mode (boot_pid1.h, README "Boot mode"): restart=no|on-failure[:N]|
 * always with an exponential backoff, a reset once a container stayed up long enough, and a
 * give-up action when N restarts are used up. Restarts are only a time in the entry
 * (restart_at_ms): the event loop starts them when it is due, so a waiting restart never
 * blocks the loop, a signal, or another container. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "boot_pid1.h"

/* boot stop|start|restart NAME, from the control socket: a stop is TERM, its grace, KILL (the
 * KILL is a time the event loop keeps, like a restart). */
int boot_control(struct boot_entry *e, const char *verb)
{
	long long grace = e->grace_ms >= 0 ? e->grace_ms : boot_cf.grace_ms;
	bool stop = strcmp(verb, "stop") == 0, restart = strcmp(verb, "restart") == 0;

	if (!stop && !restart && strcmp(verb, "start") != 0)
		return -1;
	e->held = stop;
	e->restart_asked = restart && e->pid;
	if (stop || restart) {
		e->restart_at_ms = 0;
		if (e->pid && kill(e->pid, SIGTERM) == 0 && !e->kill_at_ms)
			e->kill_at_ms = boot_now_ms() + grace;
	}
	if (!stop && !e->pid) {
		e->down = false;
		e->restarts = 0;
		boot_start(e);
	}
	boot_write_status();
	return 0;
}

long long boot_backoff_ms(const struct boot_conf *c, unsigned k)
{
	long long d = c->backoff_start_ms;

	while (k-- > 0 && d < c->backoff_cap_ms)
		d = d * c->backoff_factor / 100;
	return d < c->backoff_cap_ms ? d : c->backoff_cap_ms;
}

static bool wants_restart(const struct boot_entry *e, int status)
{
	bool failed = !WIFEXITED(status) || WEXITSTATUS(status) != 0;

	return e->restart == BOOT_RESTART_ALWAYS ||
	       (e->restart == BOOT_RESTART_ON_FAILURE && failed);
}

static enum boot_action give_up(struct boot_entry *e, const char *how, const char *why)
{
	e->down = true;
	BOOT_LOG("%s %s: %s: %s: give-up=%s", boot_kind_names[e->kind], e->name, how, why,
		 e->give_up == BOOT_IGNORE ? "down" : boot_action_names[e->give_up]);
	return e->give_up;
}

enum boot_action boot_after_exit(struct boot_entry *e, int status, long long now)
{
	const char *kind = boot_kind_names[e->kind];
	char how[40], why[48];
	long long delay;

	boot_describe(status, how, sizeof(how));
	e->kill_at_ms = 0;
	if (e->held || e->restart_asked) {
		BOOT_LOG("%s %s: %s: %s on request", kind, e->name, how,
			 e->held ? "stopped" : "restarting");
		if (!e->held)
			e->restart_at_ms = now;
		e->restart_asked = false;
		return BOOT_IGNORE;
	}
	/* Up long enough: the exits before this one were not a crash loop. */
	if (now - e->started_ms >= boot_cf.stable_ms)
		e->restarts = 0;
	if (!wants_restart(e, status)) {
		BOOT_LOG("%s %s: %s: on-exit=%s", kind, e->name, how,
			 boot_action_names[e->on_exit]);
		return e->on_exit == BOOT_RESTART ? BOOT_IGNORE : e->on_exit;
	}
	/* 125: nestbox run failed before the workload: retrying cannot help */
	if (e->kind == BOOT_CONTAINER && WIFEXITED(status) && WEXITSTATUS(status) == 125)
		return give_up(e, how, "setup failed, not restarted");
	if (e->max_restarts && e->restarts >= e->max_restarts) {
		snprintf(why, sizeof(why), "%u restarts used up", e->max_restarts);
		return give_up(e, how, why);
	}
	delay = boot_backoff_ms(&boot_cf, e->restarts);
	e->restarts++;
	e->restart_at_ms = now + delay;
	BOOT_LOG("%s %s: %s: restart %u in %lld ms", kind, e->name, how, e->restarts, delay);
	return BOOT_IGNORE;
}
