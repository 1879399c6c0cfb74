/* One write-everything loop for the state file, the guard's channel and /etc files
 * (include/write_all.h). */
#include <errno.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <unistd.h>

#include "write_all.h"

int nb_write_all(int fd, const void *buf, size_t len)
{
	bool sock = true; /* until send(2) says ENOTSOCK */

	for (size_t put = 0; put < len;) {
		const char *at = (const char *)buf + put;
		ssize_t n = sock ? send(fd, at, len - put, MSG_NOSIGNAL) : write(fd, at, len - put);

		if (n < 0 && sock && errno == ENOTSOCK) {
			sock = false;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		put += (size_t)n;
	}
	return 0;
}
