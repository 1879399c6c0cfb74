/* Fault injection at the named setup steps, for `make faults` (tests/faults/): only in the test
 * build build/nestbox-faults (-DNB_FAULTS). The shipped build/nestbox has none of it: there
 * fault_point() is an empty inline function and the step names it is given are not kept.
 *
 * In the test build, with NESTBOX_FAULT_STEP=<step> in the environment, the process that reaches
 * that step writes "nestbox-fault: <step>" on fd NESTBOX_FAULT_FD (or stderr) and waits for
 * SIGCONT (blocked and taken with sigtimedwait, which works for the PID 1 of a pid namespace
 * too: it ignores a SIGSTOP it raises itself), at most 120 s: a process whose runner is gone
 * goes on. Meanwhile the test SIGKILLs nestbox or the container's PID 1, then resumes the
 * stopped process, and checks that the host is as it was. */
#ifndef NB_FAULTS_H
#define NB_FAULTS_H

#ifdef NB_FAULTS
void fault_point(const char *step);
#else
static inline void fault_point(const char *step)
{
	(void)step;
}
#endif

#endif
