/* The container's /etc/hosts and /etc/resolv.conf (net.h: net_write_etc), written while the
 * root is assembled at NEWROOT, before pivot_root. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "container.h"
#include "mount_api.h"
#include "mounts.h"
#include "net.h"
#include "scan.h"
#include "write_all.h"

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
		rc = nb_write_all(fd, text, strlen(text));
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
	/* messages name the container's file, not the scratch copy it is bound from */
	if (fd < 0)
		return nb_fail_errno(err, "write /etc", file);
	rc = nb_write_all(fd, text, strlen(text));
	close(fd);
	if (rc)
		return nb_fail(err, -rc, "write /etc", file, strerror(-rc));
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
	/* a bound root is the caller's own directory (config.json): never written into */
	int rc = c->read_only || c->root_bind ? -EROFS : write_in_layer(file, text);

	if (rc == -EROFS || rc == -EACCES || rc == -EPERM)
		return bind_over(file, text, required, err);
	if (rc)
		return nb_fail(err, -rc, "write /etc", file, strerror(-rc));
	return 0;
}

/* /etc/hosts, as docker writes it: localhost, and the container's hostname on each of its
 * addresses (127.0.1.1, Debian's convention, when it has none of its own). Every mode: the
 * hostname is the container's (its own UTS namespace), whatever network it has. */
static int write_hosts(const struct nb_container *c, struct nb_error *err)
{
	char text[2048], addr[INET6_ADDRSTRLEN];
	size_t len;

	len = (size_t)snprintf(text, sizeof(text),
			       "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
	for (int i = 0; i < c->net.n_ip && len < sizeof(text); i++) {
		inet_ntop(c->net.ip[i].family, c->net.ip[i].addr, addr, sizeof(addr));
		len +=
		    (size_t)snprintf(text + len, sizeof(text) - len, "%s\t%s\n", addr, c->hostname);
	}
	if (!c->net.n_ip)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "127.0.1.1\t%s\n",
					c->hostname);
	for (int i = 0; i < c->net.n_hosts && len < sizeof(text); i++) /* docker's --add-host */
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s\n", c->net.hosts[i]);
	return put_etc(c, "hosts", text, false, err);
}

/* The host's /etc/resolv.conf into buf (NUL-terminated); bytes read, or -1. It is often a
 * symlink (systemd-resolved: ../run/systemd/resolve/stub-resolv.conf, or an absolute one):
 * resolved inside OLDROOT (openat2(2) RESOLVE_IN_ROOT, 5.6; every mount target is opened with
 * it too), never in the scratch root. */
static ssize_t read_host_resolv(char *buf, size_t size)
{
	struct open_how how = { .flags = O_RDONLY | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT };
	int root = open(OLDROOT, O_PATH | O_DIRECTORY | O_CLOEXEC), fd = -1;
	ssize_t n = 0, got;

	if (root >= 0)
		fd = nb_openat2(root, "etc/resolv.conf", &how);
	if (root >= 0)
		close(root);
	if (fd < 0)
		return -1;
	while ((size_t)n < size - 1 && (got = read(fd, buf + n, size - 1 - (size_t)n)) > 0)
		n += got;
	close(fd);
	buf[n] = '\0';
	return n;
}

/* 127.0.0.0/8 or ::1: a server on the host's loopback. */
static bool is_loopback(const char *addr)
{
	unsigned char a[16];
	static const unsigned char v6_loopback[16] = { [15] = 1 };

	if (inet_pton(AF_INET, addr, a) == 1)
		return a[0] == 127;
	return inet_pton(AF_INET6, addr, a) == 1 && !memcmp(a, v6_loopback, sizeof(a));
}

static void warn(const struct nb_container *c, const char *what, const char *value, const char *why)
{
	if (c->verbosity >= 0)
		dprintf(STDERR_FILENO, "nestbox: warning: %s: %s: %s\n", what, value, why);
}

/* The host's resolv.conf without its loopback nameservers (each dropped with a warning), in
 * out; the number of nameservers kept. search, options and comments stay as they are. */
static int drop_loopback_servers(const struct nb_container *c, char *text, char *out, size_t size)
{
	size_t len = 0;
	int kept = 0;

	out[0] = '\0';
	for (char *line = text, *next; *line; line = next) {
		char server[INET6_ADDRSTRLEN + 1] = "";
		const char *after;

		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		/* resolv.conf(5): "nameserver", blanks, the address (musl's parser wants a blank) */
		after = scan_prefix(scan_blanks(line), "nameserver");
		if (after && (*after == ' ' || *after == '\t') &&
		    scan_word(after, server, sizeof(server)) && is_loopback(server)) {
			warn(c, "resolv.conf", server,
			     "the host's loopback server is not reachable from the container's "
			     "network namespace: dropped (give --dns)");
			continue;
		}
		kept += server[0] != '\0';
		len += (size_t)snprintf(out + len, size - len, "%s\n", line);
		if (len >= size)
			break;
	}
	return kept;
}

/* " WORD..." of n words onto line kind at out + *len (nothing for none). */
static void add_line(char *out, size_t size, size_t *len, const char *kind,
		     const char *const *words, int n)
{
	for (int i = 0; i < n && *len < size; i++)
		*len += (size_t)snprintf(out + *len, size - *len, "%s %s%s", i ? "" : kind,
					 words[i], i + 1 < n ? "" : "\n");
}

/* resolv.conf := text, where docker's --dns-search and --dns-option replace its search (and
 * domain) and options lines; a search domain "." means none. */
static int put_resolv(const struct nb_container *c, const char *text, bool required,
		      struct nb_error *err)
{
	const struct nb_net_spec *n = &c->net;
	char out[4096];
	size_t len = 0;

	if (!n->n_search && !n->n_dns_opts)
		return put_etc(c, "resolv.conf", text, required, err);
	for (const char *p = text; *p && len < sizeof(out);) {
		size_t l = strcspn(p, "\n");
		const char *w = scan_blanks(p);
		bool search = scan_prefix(w, "search") || scan_prefix(w, "domain");

		if (!(n->n_search && search) && !(n->n_dns_opts && scan_prefix(w, "options")))
			len += (size_t)snprintf(out + len, sizeof(out) - len, "%.*s\n", (int)l, p);
		p += l + (p[l] == '\n');
	}
	add_line(out, sizeof(out), &len, "search", n->search,
		 n->n_search && strcmp(n->search[0], ".") ? n->n_search : 0);
	add_line(out, sizeof(out), &len, "options", n->dns_opts, n->n_dns_opts);
	out[sizeof(out) - 1] = '\0';
	return put_etc(c, "resolv.conf", out, required, err);
}

/* /etc/resolv.conf, as docker makes it:
 *  - --dns given: those servers, whatever the network;
 *  - the host's network namespace (--net host): the host's file as it is, loopback servers
 *    too (a stub resolver such as 127.0.0.53 is on this very loopback; docker keeps them in
 *    host mode, moby/libnetwork#887);
 *  - --net veth: the host's file without its loopback servers, which the container's own
 *    loopback does not reach (docker's bridge mode). Docker then falls back to Google's
 *    8.8.8.8; nestbox sends nothing anywhere it was not told to: with no server left it warns
 *    and writes no file (--dns gives one);
 *  - a network namespace with only lo (--net none): no file; no server can be reached, and a
 *    resolver without one fails at once (it tries 127.0.0.1) instead of timing out. */
static int write_resolv(const struct nb_container *c, struct nb_error *err)
{
	char host[4096], text[4096];
	size_t len = 0;

	if (c->net.n_dns) {
		for (int i = 0; i < c->net.n_dns; i++)
			len += (size_t)snprintf(text + len, sizeof(text) - len, "nameserver %s\n",
						c->net.dns[i]);
		return put_resolv(c, text, true, err);
	}
	if ((net_namespaces(c) & NB_NS_NET) && c->net.mode != NB_NET_VETH) /* only what is asked */
		return c->net.n_search || c->net.n_dns_opts ? put_resolv(c, "", false, err) : 0;
	if (read_host_resolv(host, sizeof(host)) <= 0)
		return 0;
	if (!(net_namespaces(c) & NB_NS_NET))
		return put_resolv(c, host, false, err);
	if (!drop_loopback_servers(c, host, text, sizeof(text))) {
		warn(c, "resolv.conf", "/etc/resolv.conf",
		     "no nameserver of the host's is reachable from the container: none written "
		     "(give --dns)");
		return 0;
	}
	return put_resolv(c, text, false, err);
}

int net_write_etc(const struct nb_container *c, struct nb_error *err)
{
	int rc = write_hosts(c, err);

	return rc ? rc : write_resolv(c, err);
}
