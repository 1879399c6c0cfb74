/* The container's /etc/hosts and /etc/resolv.conf (net.h: net_write_etc), written while the
 * root is assembled at NEWROOT, before pivot_root. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container.h"
#include "mounts.h"
#include "net.h"

static int write_all(int fd, const char *text)
{
	size_t len = strlen(text);

	while (len) {
		ssize_t n = write(fd, text, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		text += n;
		len -= (size_t)n;
	}
	return 0;
}

/* NEWROOT/etc/<file> := text. Written in the writable layer without following any symlink
 * the image has there (one could point at the host, still mounted under OLDROOT); with a
 * read-only root, a file on the scratch tmpfs is bound over the image's (which must exist:
 * there is nowhere to create a mount point). */
static int put_etc(const struct nb_container *c, const char *file, const char *text, bool required,
		   struct nb_error *err)
{
	char scratch[64];
	struct stat st;
	int dir, fd, rc = 0;

	if (!c->read_only && mkdir(NEWROOT "/etc", 0755) && errno != EEXIST)
		return nb_fail_errno(err, "mkdir", "/etc");
	dir = open(NEWROOT "/etc", O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0)
		return c->read_only && !required ? 0 : nb_fail_errno(err, "open", "/etc");
	if (!c->read_only) {
		if (unlinkat(dir, file, 0) && errno != ENOENT)
			rc = nb_fail_errno(err, "unlink /etc", file);
		fd = rc ? -1
			: openat(dir, file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				 0644);
	} else if (fstatat(dir, file, &st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st.st_mode)) {
		close(dir);
		return required ? nb_fail(err, ENOENT, "--read-only", file,
					  "the image has no regular /etc file to bind over")
				: 0;
	} else {
		snprintf(scratch, sizeof(scratch), "/.nestbox-%s", file);
		fd = open(scratch, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	}
	if (!rc && (fd < 0 || write_all(fd, text)))
		rc = nb_fail_errno(err, "write /etc", file);
	if (fd >= 0)
		close(fd);
	if (!rc && c->read_only) {
		char target[64];

		snprintf(target, sizeof(target), NEWROOT "/etc/%s", file);
		if (mount(scratch, target, NULL, MS_BIND, NULL) ||
		    mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL))
			rc = nb_fail_errno(err, "bind /etc", file);
	}
	close(dir);
	return rc;
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
