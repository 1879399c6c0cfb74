/* orphans [N] [SETTLE_MS]: an orphan storm for the reaper tests.
 * Double-forks N orphans (default 100): each middle child exits at once, so its child is
 * reparented to the nearest subreaper or the namespace's PID 1 — which must be our parent, the
 * init. Each orphan reports its new parent through a pipe and exits. Then, after SETTLE_MS
 * (default 200 ms), scans /proc for zombies: all of /proc when we are in a pid namespace whose
 * PID 1 is our parent, otherwise only the init's children. Retries for up to 2 s.
 * Exit: 0 all reparented to the init and no zombie left, 2 wrong parent, 3 zombies, 4 error. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SCAN_TRIES   40
#define SCAN_STEP_MS 50

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* State and ppid from /proc/PID/stat; the comm may hold spaces and parentheses. */
static int read_stat(const char *pid, char *state, long *ppid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %c %ld", state, ppid) != 2)
		return -1;
	return 0;
}

static int count_zombies(pid_t init, int whole_ns)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int zombies = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char state;
		long ppid;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		if (read_stat(e->d_name, &state, &ppid) < 0)
			continue;
		if (state == 'Z' && (whole_ns || ppid == init)) {
			fprintf(stderr, "orphans: zombie %s (parent %ld)\n", e->d_name, ppid);
			zombies++;
		}
	}
	closedir(d);
	return zombies;
}

static void orphan(pid_t middle, int wfd)
{
	pid_t ppid;

	while ((ppid = getppid()) == middle)
		sleep_ms(1);
	if (write(wfd, &ppid, sizeof(ppid)) != sizeof(ppid))
		_exit(1);
	_exit(0);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 100, settle = argc > 2 ? atoi(argv[2]) : 200;
	pid_t init = getppid(), got;
	int fds[2], wrong = 0, reported = 0, zombies = -1;

	if (pipe(fds) < 0)
		return 4;
	for (int i = 0; i < n; i++) {
		pid_t middle = fork();

		if (middle < 0)
			return 4;
		if (middle == 0) {
			pid_t self = getpid(), child = fork();

			if (child == 0)
				orphan(self, fds[1]);
			_exit(child < 0);
		}
		waitpid(middle, NULL, 0);
	}
	close(fds[1]);
	while (read(fds[0], &got, sizeof(got)) == sizeof(got)) {
		reported++;
		if (got != init)
			wrong++;
	}
	sleep_ms(settle);
	for (int i = 0; i < SCAN_TRIES && zombies != 0; i++) {
		if (i)
			sleep_ms(SCAN_STEP_MS);
		zombies = count_zombies(init, init == 1);
	}
	printf("orphans: %d of %d reported, %d not reparented to %d, %d zombies\n", reported, n,
	       wrong, (int)init, zombies);
	if (reported != n || zombies < 0)
		return 4;
	if (wrong)
		return 2;
	return zombies ? 3 : 0;
}
