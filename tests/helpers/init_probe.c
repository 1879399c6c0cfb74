/* init_probe MODE ...: small workloads for the reaper tests.
 *   status          print our SigBlk and SigIgn lines (/proc/self/status) and "fds: 0 1 2 ..."
 *   status-wait     the same, then wait until killed
 *   pause           wait until killed
 *   raise N         die of signal N (no core dump)
 *   tty             print "tty: fg <foreground group of fd 0> self <our group>"
 *   leave-child ignore|handle PIDFILE
 *                   leave behind a child and a grandchild in a process group of their own
 *                   (so only a walk of the init's descendants finds them) that ignore SIGTERM
 *                   (ignore) or exit on it (handle); write "CHILD GRANDCHILD" to PIDFILE and
 *                   exit 0 once both are ready
 *   leave-stopped PIDFILE
 *                   leave behind a child in a process group of its own that exits on SIGTERM
 *                   but has stopped itself (SIGSTOP): only a SIGCONT lets it see the TERM;
 *                   write its pid to PIDFILE and exit 0 once it is stopped
 * Anything that waits gives up after 20 s so that a broken test leaves nothing behind. */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define GIVE_UP_SECONDS 20

static void print_status(void)
{
	char line[256], fds[512];
	FILE *f = fopen("/proc/self/status", "r");
	size_t len = 0;
	struct dirent *e;
	DIR *d;

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "SigBlk:", 7) || !strncmp(line, "SigIgn:", 7))
			fputs(line, stdout);
	if (f)
		fclose(f);
	d = opendir("/proc/self/fd");
	len = (size_t)snprintf(fds, sizeof(fds), "fds:");
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
			continue;
		len += (size_t)snprintf(fds + len, sizeof(fds) - len, " %s", e->d_name);
	}
	if (d)
		closedir(d);
	printf("%s\n", fds);
	fflush(stdout);
}

static void wait_forever(void)
{
	alarm(GIVE_UP_SECONDS);
	for (;;)
		pause();
}

static void exit_now(int sig)
{
	(void)sig;
	_exit(0);
}

static int leave_child(const char *how, const char *pidfile)
{
	int ready[2];
	pid_t child;
	char c;

	if (pipe(ready) < 0)
		return 2;
	child = fork();
	if (child < 0)
		return 2;
	if (child == 0) {
		pid_t grandchild;
		char buf[64];
		int fd, len;

		setpgid(0, 0);
		signal(SIGTERM, strcmp(how, "ignore") == 0 ? SIG_IGN : exit_now);
		grandchild = fork(); /* inherits the group and the SIGTERM disposition */
		if (grandchild < 0)
			_exit(2);
		if (grandchild == 0) {
			close(ready[1]);
			wait_forever();
		}
		len = snprintf(buf, sizeof(buf), "%d %d\n", (int)getpid(), (int)grandchild);
		fd = open(pidfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, buf, (size_t)len) != len)
			_exit(2);
		close(fd);
		if (write(ready[1], "r", 1) != 1)
			_exit(2);
		close(ready[1]);
		wait_forever();
	}
	close(ready[1]);
	return read(ready[0], &c, 1) == 1 ? 0 : 2;
}

static int leave_stopped(const char *pidfile)
{
	pid_t child = fork();
	int st;

	if (child < 0)
		return 2;
	if (child == 0) {
		setpgid(0, 0);
		signal(SIGTERM, exit_now);
		alarm(GIVE_UP_SECONDS);
		raise(SIGSTOP);
		wait_forever();
	}
	if (waitpid(child, &st, WUNTRACED) != child || !WIFSTOPPED(st))
		return 2;
	FILE *f = fopen(pidfile, "w");

	if (!f || fprintf(f, "%d\n", (int)child) < 0 || fclose(f))
		return 2;
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "status")) {
		print_status();
		return 0;
	}
	if (!strcmp(mode, "status-wait")) {
		print_status();
		wait_forever();
	}
	if (!strcmp(mode, "tty")) {
		printf("tty: fg %d self %d\n", (int)tcgetpgrp(STDIN_FILENO), (int)getpgrp());
		return 0;
	}
	if (!strcmp(mode, "pause"))
		wait_forever();
	if (!strcmp(mode, "raise") && argc > 2) {
		int sig = atoi(argv[2]);
		sigset_t set;

		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); /* core(5): no dump when not dumpable */
		signal(sig, SIG_DFL);
		sigemptyset(&set);
		sigaddset(&set, sig);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		raise(sig);
		return 99;
	}
	if (!strcmp(mode, "leave-child") && argc > 3)
		return leave_child(argv[2], argv[3]);
	if (!strcmp(mode, "leave-stopped") && argc > 2)
		return leave_stopped(argv[2]);
	fprintf(stderr,
		"usage: init_probe status|status-wait|pause|raise N|tty|leave-child HOW FILE|"
		"leave-stopped FILE\n");
	return 2;
}
