/* PID 1's one wait (boot_pid1.h): the signals it takes (as a signalfd, so they and the file
 * descriptors are one poll(2)), the entries' log and readiness pipes and the control socket. No thread and
 * no timer of its own: the callers pass the time until their next deadline. */
#include <errno.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "boot_pid1.h"

int boot_wait_signal(const sigset_t *set, long long timeout_ms)
{
	static int sfd = -1;
	struct pollfd p[1 + 2 * BOOT_MAX_ENTRIES + 16];
	int who[1 + 2 * BOOT_MAX_ENTRIES];
	struct signalfd_siginfo si;
	int n = 0, logs, r;

	if (sfd < 0)
		sfd = signalfd(-1, set, SFD_CLOEXEC | SFD_NONBLOCK);
	p[n++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	for (int i = 0; i < boot_cf.n; i++) {
		if (boot_log_fd(i) < 0)
			continue;
		who[n] = i;
		p[n++] = (struct pollfd){ .fd = boot_log_fd(i), .events = POLLIN };
	}
	for (int i = 0; i < boot_cf.n; i++) {
		if (boot_ready_fd(i) < 0)
			continue;
		who[n] = BOOT_MAX_ENTRIES + i;
		p[n++] = (struct pollfd){ .fd = boot_ready_fd(i), .events = POLLIN };
	}
	logs = n;
	n += boot_ctl_fds(p + n);
	timeout_ms = boot_watchdog_timeout(boot_now_ms(), timeout_ms);
	do
		r = poll(p, (nfds_t)n, timeout_ms < 0 ? -1 : (int)timeout_ms);
	while (r < 0 && errno == EINTR);
	boot_watchdog_pet(boot_now_ms());
	if (r <= 0)
		return 0;
	for (int k = 1; k < logs; k++)
		if (p[k].revents && who[k] < BOOT_MAX_ENTRIES)
			boot_log_drain(who[k]);
		else if (p[k].revents)
			boot_ready_read(who[k] - BOOT_MAX_ENTRIES);
	boot_ctl_ready(p + logs, n - logs);
	if (p[0].revents && read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		return (int)si.ssi_signo;
	return 0;
}
