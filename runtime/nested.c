/* Nested use: see include/nested.h. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include "scratch_root.h"
#include "nested.h"
#include "scan.h"

static const struct {
	uint64_t bit;
	const char *name;
} needed_caps[] = {
	{ NB_NEED_SYS_ADMIN, "SYS_ADMIN" },
	{ NB_NEED_DAC_OVERRIDE, "DAC_OVERRIDE" },
	{ NB_NEED_SETPCAP, "SETPCAP" },
	{ NB_NEED_NET_ADMIN, "NET_ADMIN" },
};

static uint64_t effective_caps(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = { 0 };

	if (syscall(SYS_capget, &hdr, data))
		return ~0ULL; /* cannot tell: blame nothing */
	return data[0].effective | (uint64_t)data[1].effective << 32;
}

/* The value of a "Key:\tvalue" line of /proc/self/status, or "" */
static void status_field(const char *path, const char *key, char *out, size_t size)
{
	char buf[4096], *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	out[0] = '\0';
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	p = strstr(buf, key);
	if (!p)
		return;
	p += strlen(key);
	p += strspn(p, " \t");
	snprintf(out, size, "%.*s", (int)strcspn(p, "\n"), p);
}

/* /proc/self while the root is being built may only be under the old root. */
static void self_file(char *path, size_t size, const char *file)
{
	snprintf(path, size, "/proc/self/%s", file);
	if (access(path, F_OK))
		snprintf(path, size, OLDROOT "/proc/self/%s", file);
}

/* Under a seccomp filter (Seccomp: 2 in /proc/self/status)? */
static bool seccomp_filtered(void)
{
	char path[64], field[8];

	self_file(path, sizeof(path), "status");
	status_field(path, "Seccomp:", field, sizeof(field));
	return !strcmp(field, "2");
}

/* The LSM label we run under when it confines us (AppArmor, SELinux), else "". */
static void lsm_label(char *label, size_t size)
{
	char path[64];

	self_file(path, sizeof(path), "attr/current");
	status_field(path, "", label, size);
	if (!strcmp(label, "unconfined") || !strncmp(label, "unconfined ", 11))
		label[0] = '\0';
}

int nested_fail(struct nb_error *err, int code, const char *what, const char *value, uint64_t caps)
{
	uint64_t have = effective_caps();
	char label[128], why[320];
	bool filtered;

	for (size_t i = 0; i < sizeof(needed_caps) / sizeof(needed_caps[0]); i++) {
		if (!(caps & needed_caps[i].bit) || (have & needed_caps[i].bit))
			continue;
		snprintf(why, sizeof(why),
			 "%s: needs CAP_%s, which the runtime that started nestbox did not grant "
			 "(e.g. --cap-add %s)",
			 strerror(code), needed_caps[i].name, needed_caps[i].name);
		return nb_fail(err, code, what, value, why);
	}
	if (code != EPERM && code != EACCES)
		return nb_fail(err, code, what, value, strerror(code));
	/* Seccomp filters refuse with EPERM (docker's, runc's default errno), AppArmor and
	 * SELinux with EACCES: blame the one that fits the errno first. */
	filtered = seccomp_filtered();
	lsm_label(label, sizeof(label));
	if (filtered && (code == EPERM || !label[0]))
		snprintf(why, sizeof(why),
			 "%s: refused by the seccomp filter nestbox runs under (run the outer "
			 "container with seccomp unconfined, or a profile that allows it)",
			 strerror(code));
	else if (label[0])
		snprintf(
		    why, sizeof(why),
		    "%s: refused by the security profile nestbox runs under (%s; run the outer "
		    "container with AppArmor/SELinux unconfined)",
		    strerror(code), label);
	else
		snprintf(why, sizeof(why), "%s", strerror(code));
	return nb_fail(err, code, what, value, why);
}

/* Is anything mounted below proc_dir? mountinfo's 5th field is the mount point. */
static int proc_has_submounts(const char *proc_dir)
{
	static char buf[1 << 16];
	char path[256], *save = NULL;
	size_t len = 0, plen = strlen(proc_dir);
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/self/mountinfo", proc_dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	while (len < sizeof(buf) - 1 && (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *point = scan_field(line, 4);

		if (point && !strncmp(point, proc_dir, plen) && point[plen] == '/')
			return 1;
	}
	return 0;
}

int nested_fail_proc(struct nb_error *err, int code, const char *what, const char *value,
		     const char *proc_dir)
{
	if (code == EPERM && (effective_caps() & NB_NEED_SYS_ADMIN) && proc_has_submounts(proc_dir))
		return nb_fail(err, code, what, value,
			       "the kernel refuses a new /proc in a user namespace while the "
			       "/proc nestbox was given has masked paths (mount_too_revealing): "
			       "run the outer container with /proc unmasked");
	return nested_fail(err, code, what, value, NB_NEED_SYS_ADMIN);
}

int nested_fail_cgroup(struct nb_error *err, int code, const char *path)
{
	char why[320];

	if (code != EROFS && code != EACCES && code != EPERM)
		return nested_fail(err, code, "cgroup", path, 0);
	snprintf(why, sizeof(why),
		 "%s: this cgroup tree was not delegated to nestbox by the runtime that started it "
		 "(give the container a writable cgroup of its own, or run without the resource "
		 "options --memory --cpus --pids --io-max --cpuset --stats)",
		 strerror(code));
	return nb_fail(err, code, "cgroup", path, why);
}
