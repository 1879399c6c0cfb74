/* reaper_inject: as a workload with CAP_SYS_PTRACE, attach to PID 1 (the reaper) and make it
 * run unshare(CLONE_NEWUTS), a syscall only a privileged, unfiltered process can make: what an
 * attacker would do with a reaper that kept host root's capabilities (issue 19.3). Prints
 * "injected: 0" or "injected: errno N", or "attach: errno N" when PID 1 cannot be traced at all;
 * PID 1's registers are put back before the detach. x86_64 only (exit 3 elsewhere).
 * ptrace(2): PTRACE_SEIZE + PTRACE_INTERRUPT stop it inside rt_sigtimedwait, whose 2-byte
 * `syscall` instruction ends just before rip; PTRACE_SYSCALL twice runs one syscall there. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>

#ifdef __x86_64__
#define X86_SYSCALL_INSN 0x050f /* 0f 05, read little-endian */

static int step_syscall(void)
{
	int st;

	if (ptrace(PTRACE_SYSCALL, 1, 0, 0) || waitpid(1, &st, __WALL) != 1 || !WIFSTOPPED(st))
		return -1;
	return 0;
}
#endif

int main(void)
{
#ifdef __x86_64__
	struct user_regs_struct saved, regs;
	long insn;
	int st;

	if (ptrace(PTRACE_SEIZE, 1, 0, 0)) {
		printf("attach: errno %d\n", errno);
		return 1;
	}
	if (ptrace(PTRACE_INTERRUPT, 1, 0, 0) || waitpid(1, &st, __WALL) != 1 ||
	    ptrace(PTRACE_GETREGS, 1, 0, &saved)) {
		printf("interrupt: errno %d\n", errno);
		return 2;
	}
	errno = 0;
	insn = ptrace(PTRACE_PEEKTEXT, 1, (void *)(saved.rip - 2), 0);
	if ((insn & 0xffff) != X86_SYSCALL_INSN) {
		printf("no syscall instruction before rip (errno %d)\n", errno);
		ptrace(PTRACE_DETACH, 1, 0, 0);
		return 2;
	}
	regs = saved;
	regs.rip = saved.rip - 2;
	regs.rax = SYS_unshare;
	regs.orig_rax = (unsigned long long)-1; /* no restart of the interrupted wait */
	regs.rdi = CLONE_NEWUTS;
	if (ptrace(PTRACE_SETREGS, 1, 0, &regs) || step_syscall() || step_syscall() ||
	    ptrace(PTRACE_GETREGS, 1, 0, &regs)) {
		printf("inject: errno %d\n", errno);
		return 2;
	}
	if ((long long)regs.rax < 0)
		printf("injected: errno %lld\n", -(long long)regs.rax);
	else
		printf("injected: %lld\n", (long long)regs.rax);
	saved.orig_rax = (unsigned long long)-1;
	saved.rax = (unsigned long long)-EINTR; /* the reaper's loop takes EINTR and waits again */
	ptrace(PTRACE_SETREGS, 1, 0, &saved);
	ptrace(PTRACE_DETACH, 1, 0, 0);
	return 0;
#else
	printf("x86_64 only\n");
	return 3;
#endif
}
