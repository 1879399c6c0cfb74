/* The hardware watchdog of boot mode (boot_pid1.h, README "Boot mode"; the kernel's
 * Documentation/watchdog/watchdog-api.rst): `watchdog DEVICE TIMEOUT [MODE]`. PID 1 opens the
 * device (which arms it), sets the timeout (WDIOC_SETTIMEOUT; the driver may round it, so
 * WDIOC_GETTIMEOUT says what it took), and pets it with a write every half timeout from its
 * one poll(2) (boot_events.c): no thread, no wakeup but the petting ones. A clean shutdown
 * ends with the magic close ('V' then close(2)), which disarms it: when shutdown begins in
 * run-time mode, just before reboot(2) in through-shutdown mode. A PID 1 that hangs stops
 * petting, and the device resets the machine. */
#include <errno.h>
#include <fcntl.h>
#include <linux/watchdog.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot_pid1.h"

static int wd = -1;
static long long interval_ms, next_pet_ms;

static void bad(const char *why)
{
	dprintf(STDERR_FILENO, "nestbox: %s:%d: watchdog %s: %s: the machine runs without\n",
		boot_cf.path, boot_cf.wd_line, boot_cf.wd_device, why);
}

void boot_watchdog_open(void)
{
	int timeout = (int)boot_cf.wd_timeout;
	struct stat st;

	if (!boot_cf.wd_device || boot_cf.wd_mode == BOOT_WD_OFF)
		return;
	wd = open(boot_cf.wd_device, O_WRONLY | O_CLOEXEC);
	if (wd < 0) {
		bad(strerror(errno));
		return;
	}
#ifdef NB_FAULTS
	/* Test builds: a plain file or a FIFO stands in for the device (no ioctls), so the
	 * native suite can see the pets without arming the host's watchdog. */
	if (fstat(wd, &st) == 0 && !S_ISCHR(st.st_mode))
		goto armed;
#else
	(void)st;
#endif
	if (ioctl(wd, WDIOC_SETTIMEOUT, &timeout) != 0 &&
	    ioctl(wd, WDIOC_GETTIMEOUT, &timeout) != 0) {
		bad(errno == ENOTTY ? "not a watchdog device" : strerror(errno));
		/* It may be armed by the open already: disarm it, or it resets us. */
		(void)!write(wd, "V", 1);
		close(wd);
		wd = -1;
		return;
	}
	ioctl(wd, WDIOC_GETTIMEOUT, &timeout);
#ifdef NB_FAULTS
armed:
#endif
	interval_ms = timeout > 0 ? timeout * 1000LL / 2 : 500;
	next_pet_ms = 0;
	BOOT_LOG("watchdog %s: timeout %d s, petted every %lld ms, mode %s", boot_cf.wd_device,
		 timeout, interval_ms, boot_wd_mode_names[boot_cf.wd_mode]);
	boot_watchdog_pet(boot_now_ms());
}

long long boot_watchdog_timeout(long long now, long long timeout_ms)
{
	long long left;

	if (wd < 0)
		return timeout_ms;
	left = next_pet_ms > now ? next_pet_ms - now : 0;
	return timeout_ms < 0 || left < timeout_ms ? left : timeout_ms;
}

void boot_watchdog_pet(long long now)
{
	if (wd < 0 || now < next_pet_ms)
		return;
	/* Any write but the magic 'V' is a keepalive (watchdog-api.rst). */
	if (write(wd, ".", 1) != 1)
		BOOT_LOG("watchdog %s: pet: %s", boot_cf.wd_device, strerror(errno));
	next_pet_ms = now + interval_ms;
}

void boot_watchdog_close(bool at_reboot)
{
	if (wd < 0 || at_reboot != (boot_cf.wd_mode == BOOT_WD_THROUGH_SHUTDOWN))
		return;
	if (write(wd, "V", 1) != 1)
		BOOT_LOG("watchdog %s: magic close: %s", boot_cf.wd_device, strerror(errno));
	close(wd);
	wd = -1;
	BOOT_LOG("watchdog %s: disarmed (magic close)", boot_cf.wd_device);
}

#ifdef NB_FAULTS
/* The hang switch of test builds (`nestbox boot hang`): PID 1 stops for good, as a PID 1 stuck
 * in a kernel call or a loop would: no petting, no reaping, no signals. */
void boot_watchdog_hang(void)
{
	BOOT_LOG("%s", "hang switch: PID 1 stops (test build)");
	for (;;)
		poll(NULL, 0, -1);
}
#endif
