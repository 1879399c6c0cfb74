/* docker's --sysctl and --oom-score-adj (include/sysctl.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "net.h"
#include "sysctl.h"

/* The keys whose files act on a namespace (moby's ValidateSysctl): by name, or every key
 * below one ending in '.'. Anything else would change the host. */
static const struct {
	char key[24];
	unsigned char ns;
} namespaced[] = {
	{ "kernel.msgmax", NB_NS_IPC },	    { "kernel.msgmnb", NB_NS_IPC },
	{ "kernel.msgmni", NB_NS_IPC },	    { "kernel.sem", NB_NS_IPC },
	{ "kernel.shmall", NB_NS_IPC },	    { "kernel.shmmax", NB_NS_IPC },
	{ "kernel.shmmni", NB_NS_IPC },	    { "kernel.shm_rmid_forced", NB_NS_IPC },
	{ "fs.mqueue.", NB_NS_IPC },	    { "net.", NB_NS_NET },
	{ "kernel.domainname", NB_NS_UTS },
};

static int check(const char *kv, unsigned namespaces, struct nb_error *err)
{
	size_t klen = strcspn(kv, "=");

	if (!klen || !kv[klen] || strspn(kv, "abcdefghijklmnopqrstuvwxyz0123456789_.-") != klen ||
	    strstr(kv, ".."))
		return nb_fail(err, EINVAL, "--sysctl", kv, "expected KEY=VALUE");
	for (size_t i = 0; i < sizeof(namespaced) / sizeof(namespaced[0]); i++) {
		size_t n = strlen(namespaced[i].key);

		if (strncmp(kv, namespaced[i].key, n) || (kv[n - 1] != '.' && n != klen))
			continue;
		if (namespaces & namespaced[i].ns)
			return 0;
		return nb_fail(err, EINVAL, "--sysctl", kv,
			       "needs the container's own namespace of it");
	}
	return nb_fail(err, EPERM, "--sysctl", kv,
		       "not a namespaced key: it would change the host");
}

int sysctl_validate(const struct nb_container *c, struct nb_error *err)
{
	int rc = 0;

	for (int i = 0; !rc && i < c->n_sysctls; i++)
		rc = check(c->sysctls[i], net_namespaces(c), err);
	return rc;
}

/* path := value; 0 or -errno. */
static int write_file(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), rc = 0;
	ssize_t len = (ssize_t)strlen(value);

	if (fd < 0)
		return -errno;
	if (write(fd, value, (size_t)len) != len)
		rc = -errno;
	close(fd);
	return rc;
}

int sysctl_apply(const struct nb_container *c, struct nb_error *err)
{
	int rc = 0;

	/* proc(5): lowering oom_score_adj below what it was needs CAP_SYS_RESOURCE */
	if (c->oom_score_adj && (rc = write_file("/proc/self/oom_score_adj", c->oom_score_adj)))
		return nb_fail(err, -rc, "--oom-score-adj", c->oom_score_adj,
			       rc == -EACCES ? "lowering it needs CAP_SYS_RESOURCE"
					     : strerror(-rc));
	for (int i = 0; i < c->n_sysctls; i++) {
		const char *kv = c->sysctls[i];
		size_t klen = strcspn(kv, "=");
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "/proc/sys/%.*s", (int)klen, kv);
		for (char *p = path + 10; *p; p++)
			*p = *p == '.' ? '/' : *p;
		if ((rc = write_file(path, kv + klen + 1)))
			return nb_fail(err, -rc, "--sysctl", kv,
				       rc == -ENOENT ? "no such key in this kernel"
						     : strerror(-rc));
	}
	return 0;
}
