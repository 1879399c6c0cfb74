/* sig_record_all COUNT: records every signal it is sent, 1..64 (32..34, which musl keeps for
 * itself and whose names a shell may not know, included), for the forwarding tests of both
 * reapers. Blocks them all with raw rt_sigprocmask (musl's sigfillset leaves 32..34 out), says
 * "ready <pid>", then takes each with rt_sigtimedwait and prints "got N"; exits 0 once COUNT
 * distinct signals came, 1 after 20 s without them. Each line is one write(2). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define KERNEL_SIGSET_SIZE 8
#define GIVE_UP_SECONDS	   20

static void say(const char *what, long n)
{
	char line[48];
	int len = snprintf(line, sizeof(line), "%s %ld\n", what, n);

	if (write(STDOUT_FILENO, line, (size_t)len) < 0)
		_exit(3);
}

int main(int argc, char **argv)
{
	unsigned long long all = ~((1ULL << (SIGKILL - 1)) | (1ULL << (SIGSTOP - 1))), seen = 0;
	int want = argc > 1 ? atoi(argv[1]) : 1, got = 0;
	sigset_t set;
	time_t end = time(NULL) + GIVE_UP_SECONDS;

	memset(&set, 0, sizeof(set));
	memcpy(&set, &all, sizeof(all));
	if (syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, KERNEL_SIGSET_SIZE))
		return 2;
	say("ready", (long)getpid());
	while (got < want && time(NULL) < end) {
		struct timespec ts = { 1, 0 };
		long sig = syscall(SYS_rt_sigtimedwait, &set, NULL, &ts, KERNEL_SIGSET_SIZE);

		if (sig <= 0)
			continue;
		say("got", sig);
		if (!(seen & (1ULL << (sig - 1))))
			got++;
		seen |= 1ULL << (sig - 1);
	}
	return got < want;
}
