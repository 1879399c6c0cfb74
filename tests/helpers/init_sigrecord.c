/* init_sigrecord [--fork]: records the signals it receives, for the forwarding tests.
 * Prints "ready <who> <pid> <pgid>" once its handlers are in place, then "<who> <signo>" for
 * each of SIGHUP, SIGINT, SIGUSR1, SIGUSR2, SIGTERM, SIGRTMIN..SIGRTMIN+4; exits 0 after
 * SIGTERM. With --fork a child in the same process group does the same as "child".
 * Lines go to stdout with one write(2) each (O_APPEND from the test keeps them whole).
 * Gives up after 20 s so that a broken test leaves nothing behind. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define GIVE_UP_SECONDS 20

static const char *who = "parent";

static void say(const char *tag, int n)
{
	char line[64];
	int len = snprintf(line, sizeof(line), "%s %d\n", tag, n);

	if (write(STDOUT_FILENO, line, (size_t)len) < 0)
		_exit(3);
}

static void on_signal(int sig)
{
	say(who, sig);
	if (sig == SIGTERM)
		_exit(0);
}

int main(int argc, char **argv)
{
	int sigs[] = { SIGHUP, SIGINT, SIGUSR1, SIGUSR2, SIGTERM };
	struct sigaction sa;
	sigset_t set;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigfillset(&sa.sa_mask);
	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sigaction(sigs[i], &sa, NULL);
		sigaddset(&set, sigs[i]);
	}
	for (int sig = SIGRTMIN; sig <= SIGRTMIN + 4; sig++) {
		sigaction(sig, &sa, NULL);
		sigaddset(&set, sig);
	}
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	if (argc > 1 && strcmp(argv[1], "--fork") == 0) {
		pid_t pid = fork();

		if (pid < 0)
			return 2;
		if (pid == 0)
			who = "child";
	}
	alarm(GIVE_UP_SECONDS);
	{
		char line[96];
		int len = snprintf(line, sizeof(line), "ready %s %d %d\n", who, (int)getpid(),
				   (int)getpgrp());

		if (write(STDOUT_FILENO, line, (size_t)len) < 0)
			return 3;
	}
	for (;;)
		pause();
}
