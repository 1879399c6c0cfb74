/* make faults (issue 11): the crash-safety matrix.
 *
 *   1. Every named step (NESTBOX_FAULT_STEPS, listed from the code by faults.mk) x (SIGKILL to
 *      nestbox, SIGKILL to the container's PID 1), in the first profile that reaches the step.
 *   2. --random N runs with a SIGKILL at a random moment (nestbox and PID 1 in turn).
 *   3. SIGTERM and SIGINT to nestbox: a workload that ignores them (stopped 2 x --grace + 1 s
 *      later), one that dies of them, and --signals N at random moments (-1: this part off).
 *   4. --sequential N and --parallel N plain runs of the shipped build/nestbox (--parallel-rounds
 *      R: R rounds of N at once), and --storm R rounds of 20 runs of one name at once: one
 *      winner, every other 125 "in use by PID <winner>".
 * After every run the host must be as before: mount table, cgroups, links (in a network
 * namespace of the runner's own), processes, temp files, and the state directories under the
 * runner's own --root (a temp dir, removed at the end) once the next nestbox swept them. Every
 * wait has a deadline and says which ran out (HUNG (...)). Exit status 1 if anything leaked. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib.h"
#include "lib_faults.h"

#define MAX_STEPS     128
#define GRACE_SECONDS 1
/* nestbox SIGKILLs PID 1 2 x grace + 1 s after SIGTERM/SIGINT; gone within that + 0.5 s. */
#define STOP_BOUND_MS	    (2 * GRACE_SECONDS * 1000 + 1500)
#define SHOW_LEAKS	    10
#define PARALLEL_TIMEOUT_MS 120000
#define STORM_AT_ONCE	    20

struct profile {
	const char *name;
	const char *args[16];
	bool ok;
	long run_us; /* a plain run's mean duration */
};

static char bind_arg[PATH_MAX + 8];
static struct profile profiles[] = {
	{ .name = "default",
	  .args = { "--bind", bind_arg, "--memory", "64m", "--pids", "100", NULL } },
	{ .name = "veth",
	  .args = { "--net", "veth", "--ip", "10.213.0.2/24", "--host-ip", "10.213.0.1/24",
		    "--gateway", "10.213.0.1", "--read-only", NULL } },
	{ .name = "userns",
	  .args = { "--ns", "mnt,pid,uts,ipc,net,cgroup,user", "--uidmap", "0:100000:65536",
		    "--gidmap", "0:100000:65536", NULL } },
	{ .name = "timens",
	  .args = { "--ns", "mnt,pid,uts,ipc,net,cgroup,time", "--monotonic", "100", NULL } },
	{ .name = "no-init", .args = { "--no-init", NULL } },
	{ .name = "tty", .args = { "-t", NULL } },
};
#define N_PROFILES (int)(sizeof(profiles) / sizeof(profiles[0]))

static struct nbf f;
static int failures;

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static const char *plain_nestbox(void)
{
	static char buf[PATH_MAX];
	const char *env = getenv("NESTBOX_PLAIN");

	if (env)
		return env;
	snprintf(buf, sizeof(buf), "%s", nbt_nestbox());
	if (strrchr(buf, '/'))
		snprintf(strrchr(buf, '/') + 1, sizeof(buf) - (size_t)(strrchr(buf, '/') + 1 - buf),
			 "nestbox");
	return buf;
}

static void check_profiles(void)
{
	printf("profiles:\n");
	for (int i = 0; i < N_PROFILES; i++) {
		struct profile *p = &profiles[i];
		long long t0 = now_us();
		int st = 0;

		for (int k = 0; k < 5 && !st; k++)
			st = nbf_run_plain(&f, nbt_nestbox(), p->args, "exit 0");
		p->ok = st == 0;
		p->run_us = (long)((now_us() - t0) / 5);
		printf("  %-8s %s", p->name, p->ok ? "runs" : "UNAVAILABLE");
		if (p->ok)
			printf(", %ld us per run:", p->run_us);
		else
			printf(" (exit %d):", st);
		for (int a = 0; p->args[a]; a++)
			printf(" %s", p->args[a]);
		printf("\n");
	}
}

static int read_steps(const char *path, char steps[][64])
{
	FILE *in = fopen(path, "r");
	int n = 0;

	while (in && n < MAX_STEPS && fgets(steps[n], 64, in)) {
		steps[n][strcspn(steps[n], "\n")] = '\0';
		if (steps[n][0])
			n++;
	}
	if (in)
		fclose(in);
	return n;
}

static void cell(const struct nbf_result *r, char *out, size_t size)
{
	switch (r->outcome) {
	case NBF_KILLED:
		if (r->leaks[0])
			snprintf(out, size, "LEAK (%d): %s", r->status, r->leaks);
		else
			snprintf(out, size, "clean (exit %d)", r->status);
		break;
	case NBF_NO_TARGET:
		snprintf(out, size, "n/a: no PID 1 yet%s%s", r->leaks[0] ? ", LEAK: " : "",
			 r->leaks);
		break;
	case NBF_HUNG:
		snprintf(out, size, "HUNG (%s)%s%s", r->hung, r->leaks[0] ? ", LEAK: " : "",
			 r->leaks);
		break;
	case NBF_NOT_REACHED:
		snprintf(out, size, "not reached");
		break;
	default:
		snprintf(out, size, "ERROR");
	}
}

/* One column of the table: the step in every profile that reaches it, target killed. */
struct column {
	int reached, killed, no_target, bad;
	char first_bad[NBF_LEAK_MAX + 160]; /* "<profile>: <cell>" */
};

static void add_result(struct column *col, const struct profile *p, const struct nbf_result *r)
{
	char c[NBF_LEAK_MAX + 64];

	if (r->outcome == NBF_NOT_REACHED)
		return;
	col->reached++;
	col->killed += r->outcome == NBF_KILLED && !r->leaks[0];
	col->no_target += r->outcome == NBF_NO_TARGET && !r->leaks[0];
	cell(r, c, sizeof(c));
	if ((r->outcome == NBF_KILLED || r->outcome == NBF_NO_TARGET) && !r->leaks[0])
		return;
	if (!col->bad++)
		snprintf(col->first_bad, sizeof(col->first_bad), "%s: %s", p->name, c);
}

static void column_text(const struct column *col, char *out, size_t size)
{
	if (!col->reached)
		snprintf(out, size, "not reached");
	else if (col->bad)
		snprintf(out, size, "%d/%d clean, %s", col->reached - col->bad, col->reached,
			 col->first_bad);
	else if (col->no_target == col->reached)
		snprintf(out, size, "n/a: no PID 1 yet");
	else
		snprintf(out, size, "clean (%d)", col->reached);
}

/* Every step in every profile that reaches it; a cell counts the profiles. */
static void step_matrix(const char *steps_file)
{
	static char steps[MAX_STEPS][64];
	int n = read_steps(steps_file, steps), kills = 0, clean = 0;

	printf("\nSIGKILL at each step (%d steps from %s), in every profile that reaches it:\n", n,
	       steps_file);
	printf("%-26s %-44s %-16s %s\n", "step", "profiles", "nestbox killed", "PID 1 killed");
	for (int s = 0; s < n; s++) {
		struct column cols[2] = { { 0 } };
		char names[128] = "", c1[NBF_LEAK_MAX + 256], c2[NBF_LEAK_MAX + 256];

		for (int i = 0; i < N_PROFILES; i++) {
			struct nbf_result r1, r2;

			if (!profiles[i].ok)
				continue;
			/* sleep 2: PID 1 must still be there at the host's steps after the go byte */
			nbf_run(&f, profiles[i].args, "sleep 2", steps[s], 0, NBF_NESTBOX, SIGKILL,
				&r1);
			if (r1.outcome == NBF_NOT_REACHED)
				continue;
			nbf_run(&f, profiles[i].args, "sleep 2", steps[s], 0, NBF_PID1, SIGKILL,
				&r2);
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
				 names[0] ? "," : "", profiles[i].name);
			add_result(&cols[0], &profiles[i], &r1);
			add_result(&cols[1], &profiles[i], &r2);
			if (r1.leaks[0] || r2.leaks[0])
				nbf_cleanup(&f);
		}
		for (int k = 0; k < 2; k++) {
			kills += cols[k].reached - cols[k].no_target;
			clean += cols[k].killed;
			failures += cols[k].bad;
		}
		column_text(&cols[0], c1, sizeof(c1));
		column_text(&cols[1], c2, sizeof(c2));
		printf("%-26s %-44s %-16s %s\n", steps[s], names[0] ? names : "-", c1, c2);
	}
	printf("steps: %d kills, %d clean\n", kills, clean);
}

static void random_kills(int n, int sig, enum nbf_target only, bool both, const char *script,
			 const char *what)
{
	int clean = 0, leaked = 0, hung = 0, shown = 0, slow = 0;
	long long worst = 0;

	struct profile *usable[N_PROFILES];
	int n_usable = 0;

	for (int i = 0; i < N_PROFILES; i++)
		if (profiles[i].ok)
			usable[n_usable++] = &profiles[i];
	for (int i = 0; i < n && n_usable; i++) {
		struct profile *p = usable[i % n_usable];
		enum nbf_target t = both && (i / n_usable) % 2 ? NBF_PID1 : only;
		const char *args[24];
		struct nbf_result r;
		long delay;
		int a = 0;

		for (; p->args[a]; a++)
			args[a] = p->args[a];
		args[a++] = "--grace";
		args[a++] = "1";
		args[a] = NULL;
		delay =
		    (long)(((unsigned long)random() % 1000) * (unsigned long)p->run_us * 3 / 2000);
		nbf_run(&f, args, script, NULL, delay, t, sig, &r);
		if (r.exit_ms > worst)
			worst = r.exit_ms;
		if (sig != SIGKILL && r.exit_ms > STOP_BOUND_MS)
			slow++;
		if (r.outcome == NBF_HUNG)
			hung++;
		else if (r.leaks[0])
			leaked++;
		else
			clean++;
		if ((r.leaks[0] || r.outcome == NBF_HUNG) && shown++ < SHOW_LEAKS)
			printf("  run %d (%s, delay %ld us): %s%s%s%s (exit %d) %s\n", i, p->name,
			       delay, r.outcome == NBF_HUNG ? "HUNG (" : "", r.hung,
			       r.outcome == NBF_HUNG ? ") " : "", r.leaks, r.status, r.stderr_tail);
	}
	printf("%s: %d runs, %d clean, %d leaked, %d hung, %d slower than %d ms, slowest exit "
	       "%lld ms\n",
	       what, clean + leaked + hung, clean, leaked, hung, slow, STOP_BOUND_MS, worst);
	failures += leaked + hung + slow;
}

static void signal_cases(int n_random)
{
	static const int sigs[] = { SIGTERM, SIGINT };

	printf("\nSIGTERM / SIGINT to nestbox (--grace %d):\n", GRACE_SECONDS);
	for (int s = 0; s < 2; s++) {
		char what[96];
		int sig = sigs[s];
		const char *name = sig == SIGTERM ? "SIGTERM" : "SIGINT";

		for (int i = 0; i < N_PROFILES; i++) {
			struct profile *p = &profiles[i];
			const char *args[24];
			struct nbf_result r;
			int a = 0;

			if (!p->ok)
				continue;
			for (; p->args[a]; a++)
				args[a] = p->args[a];
			args[a++] = "--grace";
			args[a++] = "1";
			args[a] = NULL;
			/* Running, ignoring the signal: the reaper kills it after the grace period. */
			nbf_run(&f, args, "trap '' TERM INT; sleep 30", NULL, p->run_us + 300000,
				NBF_NESTBOX, sig, &r);
			printf("  %-7s %-8s ignored: exit %d after %lld ms, %s\n", name, p->name,
			       r.status, r.exit_ms, r.leaks[0] ? r.leaks : "clean");
			failures +=
			    r.leaks[0] || r.outcome == NBF_HUNG || r.exit_ms > STOP_BOUND_MS;
			nbf_run(&f, args, "sleep 30", NULL, p->run_us + 300000, NBF_NESTBOX, sig,
				&r);
			printf("  %-7s %-8s default: exit %d after %lld ms, %s\n", name, p->name,
			       r.status, r.exit_ms, r.leaks[0] ? r.leaks : "clean");
			failures +=
			    r.leaks[0] || r.outcome == NBF_HUNG || r.exit_ms > STOP_BOUND_MS;
		}
		snprintf(what, sizeof(what), "  %s at a random moment", name);
		random_kills(n_random, sig, NBF_NESTBOX, false, "trap '' TERM INT; sleep 30", what);
	}
}

static void sequential(int n)
{
	const char *const args[] = { "--memory", "64m", NULL };
	char leaks[NBF_LEAK_MAX];
	int fds = nbf_fd_count(), bad = 0;
	long rss = nbf_rss_kib();
	long long t0 = now_us();

	for (int i = 0; i < n; i++)
		bad += nbf_run_plain(&f, plain_nestbox(), args, "exit 0") != 0;
	nbf_leaks(&f, leaks, sizeof(leaks), 2000);
	printf("\nsequential: %d runs of %s in %.1f s (%.2f ms each), %d failed; parent fds %d -> "
	       "%d, RSS %ld -> %ld KiB; host: %s\n",
	       n, plain_nestbox(), (double)(now_us() - t0) / 1e6, (double)(now_us() - t0) / 1e3 / n,
	       bad, fds, nbf_fd_count(), rss, nbf_rss_kib(), leaks[0] ? leaks : "as before");
	failures += bad || leaks[0] || fds != nbf_fd_count();
}

/* A pipe for a run's stderr: the write end for the run, the read end (non-blocking: read once
 * the run is over, whatever it left running) returned; -1 on failure. */
static int stderr_pipe(int *write_end)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC))
		return *write_end = -1;
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	*write_end = p[1];
	return p[0];
}

static void read_close(int fd, char *buf, size_t size)
{
	ssize_t n = fd >= 0 ? read(fd, buf, size - 1) : -1;

	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
}

/* Wait for the runs of one round (started at t0_us), each at most until PARALLEL_TIMEOUT_MS
 * after t0; one that is not over by then is SIGKILLed and counts as hung (status -1). */
static int wait_round(const pid_t *pids, int *status, int n, long long t0_us)
{
	int hung = 0;

	for (int i = 0; i < n; i++) {
		long long left = PARALLEL_TIMEOUT_MS - (now_us() - t0_us) / 1000;

		status[i] = -1;
		if (pids[i] > 0 && nbf_wait(pids[i], left > 0 ? (int)left : 0, &status[i])) {
			printf("  run %d (pid %d): no exit within %d ms, killed\n", i, (int)pids[i],
			       PARALLEL_TIMEOUT_MS);
			kill(pids[i], SIGKILL);
			hung++;
			nbf_wait(pids[i], PARALLEL_TIMEOUT_MS, &status[i]);
			status[i] = -1;
		}
	}
	return hung;
}

/* rounds x n runs at once (sleep 1 each, --memory 64m: a group each); the first failure's
 * message is shown. */
static void parallel(int n, int rounds)
{
	const char *const args[] = { "--memory", "64m", NULL };
	char leaks[NBF_LEAK_MAX], first[NBF_LEAK_MAX] = "";
	pid_t *pids = calloc((size_t)n, sizeof(*pids));
	int *errs = calloc((size_t)n, sizeof(*errs)), *status = calloc((size_t)n, sizeof(*status));
	int bad = 0, hung = 0, leaked = 0, fds = nbf_fd_count();
	long long t0 = now_us();

	for (int r = 0; r < rounds; r++) {
		long long t_round = now_us();

		for (int i = 0; i < n; i++) {
			int w;

			errs[i] = stderr_pipe(&w);
			pids[i] = nbf_spawn_named(&f, plain_nestbox(), "", args, "sleep 1", w);
			if (w >= 0)
				close(w);
		}
		hung += wait_round(pids, status, n, t_round);
		for (int i = 0; i < n; i++) {
			char err[256];

			read_close(errs[i], err, sizeof(err));
			if (status[i] && !bad++)
				snprintf(first, sizeof(first), "round %d run %d: exit %d: %s", r, i,
					 status[i], err);
		}
		nbf_leaks(&f, leaks, sizeof(leaks), 5000);
		if (leaks[0] && !leaked++)
			printf("  round %d left: %s\n", r, leaks);
		if (leaks[0])
			nbf_cleanup(&f);
	}
	printf("parallel: %d x %d at once (sleep 1 each) in %.1f s, %d of %d failed (%d hung), %d "
	       "rounds left something; parent fds %d -> %d%s%s\n",
	       rounds, n, (double)(now_us() - t0) / 1e6, bad, rounds * n, hung, leaked, fds,
	       nbf_fd_count(), first[0] ? "; first failure: " : "", first);
	failures += bad || leaked;
	free(pids);
	free(errs);
	free(status);
}

/* The same-name storm (issue 27.1): STORM_AT_ONCE runs of one name at once, per round (every
 * other round with --net veth). Exactly one runs (exit 0); every other exits 125 with
 * "nestbox: --name NAME: in use by PID <the winner>" having made nothing; after the round
 * nothing is left (mounts, tagged cgroups and processes, links, state). */
static void storm(int rounds)
{
	/* every other round with a veth: the losers must not touch the winner's host end */
	const char *const memory[] = { "--memory", "64m", NULL };
	const char *const veth[] = { "--memory",      "64m",	   "--net",	    "veth", "--ip",
				     "10.214.0.2/24", "--host-ip", "10.214.0.1/24", NULL };
	char leaks[NBF_LEAK_MAX], name[64], first[512] = "";
	int wrong = 0, bad_rounds = 0, losers = 0, leaked = 0;
	long long t0 = now_us();

	snprintf(name, sizeof(name), "%ssame", f.tag);
	for (int r = 0; r < rounds; r++) {
		pid_t pids[STORM_AT_ONCE], winner = 0;
		int errs[STORM_AT_ONCE], status[STORM_AT_ONCE], winners = 0;
		long long t_round = now_us();

		for (int i = 0; i < STORM_AT_ONCE; i++) {
			int w;

			errs[i] = stderr_pipe(&w);
			/* sleep 2: the winner outlives every start of its round */
			pids[i] = nbf_spawn_named(&f, plain_nestbox(), name, r % 2 ? veth : memory,
						  "sleep 2", w);
			if (w >= 0)
				close(w);
		}
		wait_round(pids, status, STORM_AT_ONCE, t_round);
		for (int i = 0; i < STORM_AT_ONCE; i++)
			if (status[i] == 0 && !winners++)
				winner = pids[i];
		for (int i = 0; i < STORM_AT_ONCE; i++) {
			char err[256], want[160];

			read_close(errs[i], err, sizeof(err));
			snprintf(want, sizeof(want), "nestbox: --name %s: in use by PID %d\n", name,
				 (int)winner);
			if (status[i] == 0)
				continue;
			losers++;
			if ((status[i] != 125 || strcmp(err, want)) && !wrong++)
				snprintf(first, sizeof(first), "round %d run %d: exit %d: %s", r, i,
					 status[i], err);
		}
		if (winners != 1 && !bad_rounds++ && !first[0])
			snprintf(first, sizeof(first), "round %d: %d winners", r, winners);
		nbf_leaks(&f, leaks, sizeof(leaks), 5000);
		if (leaks[0] && !leaked++)
			printf("  storm round %d left: %s\n", r, leaks);
		if (leaks[0])
			nbf_cleanup(&f);
	}
	printf("storm: %d rounds of %d runs of one name at once in %.1f s: %d rounds without "
	       "exactly one winner, %d losers, %d of them not 125 with the in-use line; %d rounds "
	       "left something%s%s\n",
	       rounds, STORM_AT_ONCE, (double)(now_us() - t0) / 1e6, bad_rounds, losers, wrong,
	       leaked, first[0] ? "; first: " : "", first);
	failures += bad_rounds || wrong || leaked;
}

int main(int argc, char **argv)
{
	const char *steps = getenv("NESTBOX_FAULT_STEPS");
	int n_random = 1000, n_seq = 10000, n_par = 200, n_signals = 50, n_rounds = 1, n_storm = 10;
	char why[256];

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--random"))
			n_random = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--sequential"))
			n_seq = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--parallel"))
			n_par = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--signals"))
			n_signals = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--parallel-rounds"))
			n_rounds = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--storm"))
			n_storm = atoi(argv[i + 1]);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	srandom((unsigned)getpid());
	if (nbf_init(&f, true, why, sizeof(why))) {
		fprintf(stderr, "faults: %s\n", why);
		return 1;
	}
	snprintf(bind_arg, sizeof(bind_arg), "%s:/mnt:ro", f.bind_dir);
	printf("faults: %s, rootfs %s, tag %s, --root %s\n", nbt_nestbox(), nbt_rootfs(), f.tag,
	       f.root);
	check_profiles();
	if (steps)
		step_matrix(steps);
	printf("\n");
	random_kills(n_random, SIGKILL, NBF_NESTBOX, true, "exit 0",
		     "SIGKILL at a random moment (nestbox and PID 1 in turn)");
	if (n_signals >= 0)
		signal_cases(n_signals);
	if (n_seq)
		sequential(n_seq);
	if (n_par)
		parallel(n_par, n_rounds > 0 ? n_rounds : 1);
	if (n_storm)
		storm(n_storm);
	/* A killed run's directory (no guard: no cgroup) waits for the next nestbox's sweep. */
	printf("\nstate directories removed by the next nestbox's sweep: %d\n", f.swept);
	nbf_fini(&f);
	printf("faults: %s\n", failures ? "FAILED" : "all clean");
	return failures ? 1 : 0;
}
