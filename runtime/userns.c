/* User and time namespaces (include/security.h): the host side writes the child's uid/gid maps,
 * root-owned layers are idmapped to the container's root, and the container side becomes root
 * of its user namespace and enters its time namespace with the offsets written first. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include "container.h"
#include "mounts.h"
#include "nested.h"
#include "ns.h"
#include "seccomp.h"
#include "security.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* --- host side ----------------------------------------------------------------------------- */

static bool sysctl_is_zero(const char *name)
{
	char path[64], buf[16] = "";
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false; /* no such knob: nothing forbids it */
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		buf[0] = '\0';
	close(fd);
	return buf[0] == '0' && buf[1] == '\n';
}

/* No map at all means the default one, which maps 0. */
static bool maps_root(const struct nb_idmap *maps, int n)
{
	for (int i = 0; i < n; i++)
		if (maps[i].inside == 0)
			return true;
	return n == 0;
}

static int check(const struct nb_container *c, struct nb_error *err)
{
	const struct nb_security_spec *s = &c->security;

	if ((s->n_uidmap || s->n_gidmap) && !(c->namespaces & NB_NS_USER))
		return nb_fail(err, EINVAL, s->n_uidmap ? "--uidmap" : "--gidmap", NULL,
			       "needs a user namespace (--ns ...,user)");
	if ((s->boottime || s->monotonic) && !(c->namespaces & NB_NS_TIME))
		return nb_fail(err, EINVAL, s->boottime ? "--boottime" : "--monotonic", NULL,
			       "needs a time namespace (--ns ...,time)");
	if (!maps_root(s->uidmap, s->n_uidmap) || !maps_root(s->gidmap, s->n_gidmap))
		return nb_fail(err, EINVAL,
			       maps_root(s->uidmap, s->n_uidmap) ? "--gidmap" : "--uidmap", NULL,
			       "must map id 0 inside (the container starts as root)");
	if (geteuid() && !(c->namespaces & NB_NS_USER))
		return nb_fail(err, EPERM, "--ns", NULL,
			       "a non-root user needs a user namespace (add user to --ns)");
	if (geteuid() && (sysctl_is_zero("user/max_user_namespaces") ||
			  sysctl_is_zero("kernel/unprivileged_userns_clone")))
		return nb_fail(
		    err, EPERM, "rootless", NULL,
		    "this kernel does not let non-root users make user namespaces "
		    "(sysctl user.max_user_namespaces, kernel.unprivileged_userns_clone)");
	return 0;
}

static int write_proc(pid_t pid, const char *file, const char *text, struct nb_error *err)
{
	char path[64];
	int fd, ok;

	/* pid 0: ourselves (getpid() means nothing in the host's /proc from a new pid namespace) */
	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	else
		snprintf(path, sizeof(path), "/proc/self/%s", file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return nb_fail_errno(err, "open", path);
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	if (!ok) {
		int rc = nb_fail_errno(err, "write", path);

		close(fd);
		return rc;
	}
	close(fd);
	return 0;
}

/* --- idmapped layers --------------------------------------------------------------------------
 * Under a shifted map the image's root-owned files would show up as the overflow id, and the
 * overlay's copy-up would fail (EOVERFLOW). Root on the host gives each layer an idmapped
 * clone (mount_setattr(2) MOUNT_ATTR_IDMAP, 5.12+; overlayfs takes them as lower layers from
 * 5.19) made with a throwaway user namespace that has the container's maps; the container side
 * moves them over the layers' paths before it mounts the overlay. Where the layer's filesystem
 * cannot be idmapped (tmpfs before 6.3...), the layer stays as it is. */
#define MOUNT_ATTR_IDMAP_FLAG 0x00100000
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif

struct nb_mount_attr { /* linux/mount.h's struct mount_attr (that header clashes with musl's) */
	uint64_t attr_set, attr_clr, propagation, userns_fd;
};

/* Idmapped clones made on the host side, each to be moved over OLDROOT "/<path>" by the
 * container side: the layers, the persistent upper layer's directory, the binds' sources.
 * Plain binds and the overlay mount then take the paths under OLDROOT as before and get the
 * idmapped mounts, so no other code needs to know about them. */
struct idmapped_mount {
	int fd;		  /* detached clone, -1 once moved (or when none was made) */
	const char *path; /* the host path it covers */
	char *owned;	  /* path, when allocated here */
};

static struct idmapped_mount *idmapped;
static int n_idmapped;
static int bind_slot0 = -1; /* idmapped[] index of c->binds[0]'s clone */

static int write_map(pid_t pid, const char *file, const struct nb_idmap *maps, int n, uint32_t self,
		     struct nb_error *err);

/* A user namespace with the container's maps, held by a child that waits on a pipe. */
static int maps_userns(const struct nb_container *c, struct nb_error *err)
{
	const struct nb_security_spec *s = &c->security;
	char path[64], byte;
	int p[2], fd = -1, rc;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return nb_fail_errno(err, "pipe", NULL);
	pid = ns_clone(CLONE_NEWUSER, -1);
	if (pid == 0) {
		close(p[1]);
		_exit(read(p[0], &byte, 1) < 0);
	}
	close(p[0]);
	if (pid < 0) {
		close(p[1]);
		errno = -pid;
		return nb_fail_errno(err, "idmapped layers", "user namespace");
	}
	rc = write_map(pid, "uid_map", s->uidmap, s->n_uidmap, 0, err);
	if (!rc)
		rc = write_map(pid, "gid_map", s->gidmap, s->n_gidmap, 0, err);
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	if (!rc && (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		rc = nb_fail_errno(err, "open", path);
	close(p[1]);
	waitpid(pid, NULL, 0);
	return rc ? rc : fd;
}

/* A directory whose owner is one of the map's outside ids was made for it (chowned, as with
 * docker's userns-remap): idmapping it again would shift it twice. */
static bool already_shifted(const struct nb_container *c, const char *path)
{
	const struct nb_security_spec *s = &c->security;
	struct stat st;

	if (stat(path, &st))
		return false;
	for (int i = 0; i < s->n_uidmap; i++)
		if (st.st_uid >= s->uidmap[i].outside &&
		    st.st_uid - s->uidmap[i].outside < s->uidmap[i].count)
			return true;
	return false;
}

/* An open_tree(2) clone of path idmapped with userns (mount_setattr(2) MOUNT_ATTR_IDMAP);
 * recursive: with every mount below path, each of which must support idmapping. The fd, or
 * -errno (EINVAL, EPERM or ENOSYS: the filesystem or the kernel cannot idmap). */
static int idmapped_clone(const char *path, int userns, bool recursive)
{
	struct nb_mount_attr attr = { MOUNT_ATTR_IDMAP_FLAG, 0, 0, (uint64_t)userns };
	unsigned rec = recursive ? AT_RECURSIVE : 0;
	int fd = (int)syscall(SYS_open_tree, AT_FDCWD, path, OPEN_TREE_CLONE | O_CLOEXEC | rec);
	int rc;

	if (fd < 0)
		return -errno;
	if (!syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | rec, &attr, sizeof(attr)))
		return fd;
	rc = -errno;
	close(fd);
	return rc;
}

/* What a mount that cannot be idmapped lacks, and what to do instead: one string for the upper
 * layer and the binds (the binary's size budget). */
static const char no_idmap[] =
    "its filesystem cannot be idmapped (mount_setattr(2) MOUNT_ATTR_IDMAP: Linux 5.12+, "
    "tmpfs 6.3+) and its owner is not mapped: chown it to the mapped ids, or leave out "
    "--upper / bind it :ro";

/* The directory both --upper and --work are in ("/a/b" for /a/b/up and /a/b/wk): overlayfs
 * wants them on one mount ("workdir and upperdir must reside under the same mount"), so one
 * clone covers both. "" when it is / itself. */
static char *common_parent(const char *a, const char *b)
{
	size_t n = 0, cut = 0;

	while (a[n] && a[n] == b[n])
		if (a[n++] == '/')
			cut = n - 1;
	if ((!a[n] || a[n] == '/') && (!b[n] || b[n] == '/'))
		cut = n;
	while (cut && a[cut - 1] == '/')
		cut--;
	return strndup(a, cut);
}

/* A persistent upper layer owned by ids the map does not cover (root's, typically) could not
 * take the container's copy-ups (EOVERFLOW): idmapped like the layers, or refused here. */
static int idmap_upper(const struct nb_container *c, int userns, struct nb_error *err)
{
	struct idmapped_mount *m = &idmapped[n_idmapped];
	int fd;

	if (c->read_only || !c->upper || already_shifted(c, c->upper))
		return 0;
	m->owned = common_parent(c->upper, c->work);
	if (!m->owned)
		return nb_fail_errno(err, "--upper", c->upper);
	if (!m->owned[0])
		return nb_fail(err, EINVAL, "--upper", c->upper,
			       "under --uidmap, --upper and --work need a common parent directory "
			       "below / (it is idmapped for them)");
	/* recursive where it can be, so that the clone hides no mount below it */
	fd = idmapped_clone(m->owned, userns, true);
	if (fd < 0)
		fd = idmapped_clone(m->owned, userns, false);
	if (fd < 0)
		return nb_fail(err, -fd, "--upper", c->upper, no_idmap);
	m->fd = fd;
	m->path = m->owned;
	n_idmapped++;
	return 0;
}

/* The layers: where one cannot be idmapped it stays as it is (the image is only read). */
static void idmap_lower_layers(const struct nb_container *c, int userns)
{
	for (int i = 0; i < c->n_layers; i++) {
		struct idmapped_mount *m = &idmapped[n_idmapped];

		if (already_shifted(c, c->layers[i]))
			continue;
		m->fd = idmapped_clone(c->layers[i], userns, false);
		m->path = c->layers[i];
		if (m->fd >= 0)
			n_idmapped++;
	}
}

/* The plan's binds (mount_plan.h), counted and indexed on their own. */
static int count_binds(const struct nb_container *c)
{
	int n = 0;

	for (int i = 0; i < c->n_mounts; i++)
		n += c->mounts[i].op == NB_MOUNT_BIND;
	return n;
}

static const struct nb_mount *bind_at(const struct nb_container *c, int k)
{
	for (int i = 0; i < c->n_mounts; i++)
		if (c->mounts[i].op == NB_MOUNT_BIND && k-- == 0)
			return &c->mounts[i];
	return NULL;
}

/* Binds, recursive as MS_REC binds are. A read-only one that cannot be idmapped stays as it
 * is, as the layers do; a writable one would fail every write (EOVERFLOW): refused. */
static int idmap_binds(const struct nb_container *c, int userns, struct nb_error *err)
{
	bind_slot0 = n_idmapped;
	for (int i = 0; i < count_binds(c); i++) {
		const struct nb_mount *b = bind_at(c, i);
		struct idmapped_mount *m = &idmapped[n_idmapped++];

		m->fd = -1;
		m->path = b->source;
		if (already_shifted(c, b->source))
			continue;
		m->fd = idmapped_clone(b->source, userns, true);
		if (m->fd < 0 && !(b->flags & MS_RDONLY))
			return nb_fail(err, -m->fd, "--bind", b->source, no_idmap);
	}
	return 0;
}

static int idmap_mounts(const struct nb_container *c, struct nb_error *err)
{
	int userns, rc;

	if (!(c->namespaces & NB_NS_USER) || !c->security.n_uidmap || geteuid())
		return 0;
	idmapped = calloc((size_t)(c->n_layers + count_binds(c) + 1), sizeof(*idmapped));
	if (!idmapped)
		return nb_fail_errno(err, "idmapped layers", NULL);
	userns = maps_userns(c, err);
	if (userns < 0)
		return userns;
	/* in the order they are attached: a later one covers what an earlier one has below it */
	rc = idmap_upper(c, userns, err);
	if (!rc) {
		idmap_lower_layers(c, userns);
		rc = idmap_binds(c, userns, err);
	}
	close(userns);
	return rc;
}

/* Move clone m over OLDROOT "/<path>", in the container's own mount namespace. */
static int attach(struct idmapped_mount *m, const char *what, struct nb_error *err)
{
	char target[PATH_MAX];

	if (m->fd < 0)
		return 0;
	snprintf(target, sizeof(target), OLDROOT "%s", m->path);
	if (syscall(SYS_move_mount, m->fd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH))
		return nb_fail_errno(err, what, m->path);
	close(m->fd);
	m->fd = -1;
	return 0;
}

int security_idmap_bind(const struct nb_container *c, int i, struct nb_error *err)
{
	if (bind_slot0 < 0 || i < 0 || i >= count_binds(c))
		return 0;
	return attach(&idmapped[bind_slot0 + i], "idmapped bind", err);
}

int security_idmap_attach(const struct nb_container *c, struct nb_error *err)
{
	int end = bind_slot0 < 0 ? n_idmapped : bind_slot0, rc = 0;

	for (int i = 0; !rc && i < end; i++)
		rc = attach(&idmapped[i], "idmapped layer", err);
	for (int i = 0; !rc && i < count_binds(c); i++)
		rc = security_idmap_bind(c, i, err);
	return rc;
}

int security_prepare(const struct nb_container *c, struct nb_error *err)
{
	int rc = check(c, err);

	return rc ? rc : idmap_mounts(c, err);
}

/* No map given: map the caller itself to root inside, as `unshare -r` does. */
static int write_map(pid_t pid, const char *file, const struct nb_idmap *maps, int n, uint32_t self,
		     struct nb_error *err)
{
	char text[NB_IDMAP_MAX * 36 + 1];
	size_t len = 0;

	if (!n)
		snprintf(text, sizeof(text), "0 %u 1\n", self);
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%u %u %u\n",
					maps[i].inside, maps[i].outside, maps[i].count);
	return write_proc(pid, file, text, err);
}

int security_host_setup(const struct nb_container *c, pid_t child, struct nb_error *err)
{
	const struct nb_security_spec *s = &c->security;
	int rc;

	/* the idmapped mounts went to the child with the clone: the host side holds none */
	for (int i = 0; i < n_idmapped; i++)
		if (idmapped[i].fd >= 0)
			close(idmapped[i].fd);
	if (!(c->namespaces & NB_NS_USER))
		return 0;
	rc = write_map(child, "uid_map", s->uidmap, s->n_uidmap, geteuid(), err);
	/* user_namespaces(7): without CAP_SETGID in the parent namespace, gid_map can only be
	 * written after setgroups is denied (else a process could drop a group meant to deny it
	 * access). Root keeps setgroups allowed. */
	if (!rc && geteuid())
		rc = write_proc(child, "setgroups", "deny", err);
	if (!rc)
		rc = write_map(child, "gid_map", s->gidmap, s->n_gidmap, getegid(), err);
	return rc;
}

/* --- container side -------------------------------------------------------------------------- */

/* A new user namespace keeps the caller's credentials, which are unmapped there unless the
 * caller is mapped to root (files it makes would fail with EOVERFLOW): become root of it. */
static int become_userns_root(const struct nb_container *c, struct nb_error *err)
{
	if (!(c->namespaces & NB_NS_USER))
		return 0;
	/* Raw syscalls: musl's wrappers apply the change to every thread (__synccall, 2 KB of the
	 * static binary), and this child has one. */
	if (syscall(SYS_setresgid, 0, 0, 0) || syscall(SYS_setresuid, 0, 0, 0))
		return nb_fail_errno(err, "user namespace", "become root");
	/* setgroups is denied for a rootless caller (security_host_setup): keep its groups. */
	if (syscall(SYS_setgroups, 0, NULL) && errno != EPERM)
		return nb_fail_errno(err, "user namespace", "setgroups");
	/* The uid change made the process non-dumpable (credentials(7)), and /proc/self then
	 * belongs to the host's root, unmapped here: timens_offsets and the like could not be
	 * opened. The reaper is made non-dumpable again once set up (security_limit_caps). */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		return nb_fail_errno(err, "user namespace", "PR_SET_DUMPABLE");
	/* prctl(2): the uid change cleared the parent-death signal too, and without it this PID 1
	 * outlived a SIGKILLed nestbox (make faults, userns). Armed again: a host side that died
	 * in between is seen at the ready byte (EOF on the sync socket). */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		return nb_fail_errno(err, "user namespace", "PR_SET_PDEATHSIG");
	return 0;
}

/* time_namespaces(7): offsets can only be written before any process is in the namespace, so
 * the clone does not create it (ns.c): unshare it here, set the offsets, then join it. */
static int enter_timens(const struct nb_container *c, struct nb_error *err)
{
	char text[96];
	int fd, rc;

	if (!(c->namespaces & NB_NS_TIME))
		return 0;
	if (unshare(CLONE_NEWTIME))
		return nb_fail(err, errno, "--ns time", NULL,
			       errno == EINVAL ? "the kernel has no time namespaces (5.6+)"
					       : strerror(errno));
	snprintf(text, sizeof(text), "monotonic %lld 0\nboottime %lld 0\n", c->security.monotonic,
		 c->security.boottime);
	rc = write_proc(0, "timens_offsets", text, err);
	if (rc)
		return rc;
	fd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWTIME)) {
		rc = nb_fail_errno(err, "join time namespace", NULL);
		if (fd >= 0)
			close(fd);
		return rc;
	}
	close(fd);
	return 0;
}

int security_enter(const struct nb_container *c, struct nb_error *err)
{
	int rc = become_userns_root(c, err);

	return rc ? rc : enter_timens(c, err);
}
