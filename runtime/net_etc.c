/* The container's /etc/hosts and /etc/resolv.conf (net.h: net_write_etc), written while the
 * root is assembled at NEWROOT, before pivot_root. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container.h"
#include "mounts.h"
#include "net.h"

/* write(2) all of text; 0 or -errno. */
static int write_all(int fd, const char *text)
{
	size_t len = strlen(text);

	while (len) {
		ssize_t n = write(fd, text, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		text += n;
		len -= (size_t)n;
	}
	return 0;
}

/* NEWROOT/etc, never through a symlink the image has there (one could point at the host,
 * still mounted under OLDROOT). */
static int open_etc(bool create)
{
	int dir;

	if (create && mkdir(NEWROOT "/etc", 0755) && errno != EEXIST)
		return -errno;
	dir = open(NEWROOT "/etc", O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return dir < 0 ? -errno : dir;
}

/* The file replaced in the writable layer (the image's copy stays in its layer); 0 or -errno. */
static int write_in_layer(const char *file, const char *text)
{
	int dir = open_etc(true), fd, rc = 0;

	if (dir < 0)
		return dir;
	if (unlinkat(dir, file, 0) && errno != ENOENT)
		rc = -errno;
	fd =
	    rc ? -1 : openat(dir, file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (!rc && fd < 0)
		rc = -errno;
	if (fd >= 0) {
		rc = write_all(fd, text);
		close(fd);
	}
	close(dir);
	return rc;
}

/* The file written on the scratch tmpfs and bound read-only over the image's, which must
 * exist: a root we cannot write has nowhere to create a mount point. */
static int bind_over(const char *file, const char *text, bool required, struct nb_error *err)
{
	char scratch[64], target[64];
	struct stat st;
	int dir = open_etc(false), fd, rc;

	if (dir >= 0 && (fstatat(dir, file, &st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st.st_mode))) {
		close(dir);
		dir = -ENOENT;
	}
	if (dir < 0)
		return required ? nb_fail(err, ENOENT, "/etc", file,
					  "the root is not writable here and the image has no "
					  "regular file to bind over")
				: 0;
	close(dir);
	snprintf(scratch, sizeof(scratch), "/.nestbox-%s", file);
	snprintf(target, sizeof(target), NEWROOT "/etc/%s", file);
	fd = open(scratch, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return nb_fail_errno(err, "write", scratch);
	rc = write_all(fd, text);
	close(fd);
	if (rc)
		return nb_fail(err, -rc, "write", scratch, strerror(-rc));
	if (mount(scratch, target, NULL, MS_BIND, NULL) ||
	    mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL))
		return nb_fail_errno(err, "bind /etc", file);
	return 0;
}

/* NEWROOT/etc/<file> := text, in the writable layer; with --read-only, or when the container's
 * root may not write there (a user namespace over an image whose owners it does not map),
 * bound over the image's file instead. */
static int put_etc(const struct nb_container *c, const char *file, const char *text, bool required,
		   struct nb_error *err)
{
	int rc = c->read_only ? -EROFS : write_in_layer(file, text);

	if (rc == -EROFS || rc == -EACCES || rc == -EPERM)
		return bind_over(file, text, required, err);
	if (rc)
		return nb_fail(err, -rc, "write /etc", file, strerror(-rc));
	return 0;
}

int net_write_etc(const struct nb_container *c, struct nb_error *err)
{
	char text[1024], addr[INET6_ADDRSTRLEN];
	size_t len;
	int rc = 0;

	if (net_namespaces(c) & NB_NS_NET) {
		len = (size_t)snprintf(text, sizeof(text),
				       "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost "
				       "ip6-loopback\n");
		for (int i = 0; i < c->net.n_ip && len < sizeof(text); i++) {
			inet_ntop(c->net.ip[i].family, c->net.ip[i].addr, addr, sizeof(addr));
			len += (size_t)snprintf(text + len, sizeof(text) - len, "%s\t%s\n", addr,
						c->hostname);
		}
		if (!c->net.n_ip)
			snprintf(text + len, sizeof(text) - len, "127.0.1.1\t%s\n", c->hostname);
		rc = put_etc(c, "hosts", text, false, err);
	}
	if (rc || !c->net.n_dns)
		return rc;
	len = 0;
	for (int i = 0; i < c->net.n_dns; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "nameserver %s\n",
					c->net.dns[i]);
	return put_etc(c, "resolv.conf", text, true, err);
}
