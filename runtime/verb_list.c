/* list and ps (include/verbs.h), over the state directory:
 *
 *   runc:   list [--format table|json] [-q]     ID PID STATUS BUNDLE CREATED OWNER
 *           ps [--format table|json] ID          the container's processes (json: their pids,
 *                                                as containerd reads them)
 *   docker: ps [-a] [-q]                         NAME PID STATUS CREATED COMMAND (-a: stopped
 *                                                ones too: a created container's state stays)
 * `ps` with an ID is runc's, without one docker's. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lines.h"
#include "run_log.h"
#include "verbs.h"

#define PIDS_MAX 4096

enum list_form { FORM_RUNC, FORM_JSON, FORM_DOCKER };

struct list_opts {
	enum list_form form;
	bool quiet, all;
	const char *id; /* ps ID */
};

/* RFC 3339 in UTC, as runc's list prints it. The civil date from the day number by Howard
 * Hinnant's days_from_civil inverse (chrono-Compatible Low-Level Date Algorithms): gmtime_r
 * would bring musl's __secs_to_tm, 800 bytes. */
static const char *rfc3339(long long secs, char *buf, size_t size)
{
	long long z = secs / 86400 + 719468, era = z / 146097, rest = secs % 86400;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	unsigned day = doy - (153 * mp + 2) / 5 + 1, month = mp < 10 ? mp + 3 : mp - 9;

	snprintf(buf, size, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ",
		 yoe + era * 400 + (month <= 2), month, day, rest / 3600, rest / 60 % 60,
		 rest % 60);
	return buf;
}

/* The state directory's owner, by name where the host's /etc/passwd has it (runc's "#UID"
 * otherwise). */
static const char *owner(const struct nb_target *t, char *buf, size_t size)
{
	struct stat st;
	struct lines r;
	char uid[16];
	size_t uid_len;

	if (stat(t->s.dir, &st))
		return "";
	snprintf(buf, size, "#%u", (unsigned)st.st_uid);
	uid_len = (size_t)snprintf(uid, sizeof(uid), ":%u:", (unsigned)st.st_uid);
	lines_open(&r, "/etc/passwd");
	for (char *line; (line = lines_next(&r));) {
		char *name_end = strchr(line, ':');
		char *uid_at = name_end ? strchr(name_end + 1, ':') : NULL;

		/* name:password:UID:... (passwd(5)) */
		if (uid_at && !strncmp(uid_at, uid, uid_len)) {
			snprintf(buf, size, "%.*s", (int)(name_end - line), line);
			break;
		}
	}
	lines_close(&r);
	return buf;
}

/* One table for both: runc's ID PID STATUS BUNDLE CREATED OWNER, docker's NAME PID STATUS
 * CREATED COMMAND. */
static void print_row(const char *const col[6])
{
	printf("%-20s %-8s %-8s %-21s %s%s%s\n", col[0], col[1], col[2], col[3], col[4],
	       col[5][0] ? " " : "", col[5]);
}

static void print_one(const struct nb_target *t, const struct list_opts *o, bool first)
{
	char when[64], who[64], pid[16], exited[24];
	const char *status = state_status_name(t->st);
	bool docker = o->form == FORM_DOCKER;
	/* docker's "Exited (N)": a run -d's monitor recorded it (run_log.h) */
	int code = docker && t->st == NB_STATUS_STOPPED ? run_log_exit_code(&t->s) : -1;

	if (code >= 0) {
		snprintf(exited, sizeof(exited), "exited (%d)", code);
		status = exited;
	}

	snprintf(pid, sizeof(pid), "%d", t->st == NB_STATUS_STOPPED ? 0 : (int)t->rec.pid);
	rfc3339(t->rec.created, when, sizeof(when));
	owner(t, who, sizeof(who));
	if (o->quiet) {
		printf("%s\n", t->rec.id);
	} else if (o->form != FORM_JSON) {
		print_row(
		    (const char *const[]){ t->rec.id, pid, status, docker ? when : t->rec.bundle,
					   docker ? t->rec.command : when, docker ? "" : who });
	} else {
		printf("%s{\"ociVersion\":\"" NB_OCI_VERSION "\",\"id\":", first ? "" : ",");
		verb_json_string(t->rec.id);
		printf(",\"pid\":%s,\"status\":\"%s\",\"bundle\":", pid, status);
		verb_json_string(t->rec.bundle);
		printf(",\"created\":\"%s\",\"owner\":", when);
		verb_json_string(who);
		putchar('}');
	}
}

static int list_all(const char *root, const struct list_opts *o)
{
	static const char *const runc[6] = { "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER" };
	static const char *const docker[6] = { "NAME", "PID", "STATUS", "CREATED", "COMMAND", "" };
	struct nb_error err;
	struct nb_target t;
	struct dirent *e;
	bool first = true;
	DIR *d;

	/* What SIGKILLed runs left is not listed: it goes (state.h). */
	state_sweep(root, NULL);
	d = opendir(root);
	if (o->form == FORM_JSON && !o->quiet)
		putchar('[');
	else if (!o->quiet)
		print_row(o->form == FORM_DOCKER ? docker : runc);
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.' || verb_find(root, e->d_name, ~0u, NULL, &t, &err))
			continue;
		/* docker ps: running (and paused) ones; -a every one */
		if (o->form == FORM_DOCKER && !o->all &&
		    !(VERB_IS(t.st) & (VERB_IS(NB_STATUS_RUNNING) | VERB_IS(NB_STATUS_PAUSED))))
			continue;
		print_one(&t, o, first);
		first = false;
	}
	if (d)
		closedir(d);
	if (o->form == FORM_JSON && !o->quiet)
		printf("]\n");
	return 0;
}

/* runc ps ID: PID and command line of each process (json: the pid list). */
static int list_processes(const char *root, const struct list_opts *o)
{
	static pid_t pids[PIDS_MAX];
	struct nb_error err = { 0 };
	struct nb_target t;
	int n;

	if (verb_find(root, o->id,
		      VERB_IS(NB_STATUS_CREATED) | VERB_IS(NB_STATUS_RUNNING) |
			  VERB_IS(NB_STATUS_PAUSED),
		      "running", &t, &err))
		return verb_fail(&err);
	n = verb_pids(&t, pids, PIDS_MAX);
	if (o->form != FORM_JSON)
		printf("%-8s %s\n", "PID", "CMD");
	for (int i = 0; i < n; i++) {
		char path[64], cmd[256] = "";
		int fd;
		ssize_t len = 0;

		if (o->form == FORM_JSON) {
			printf("%s%d", i ? "," : "[", (int)pids[i]);
			continue;
		}
		snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pids[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && (len = read(fd, cmd, sizeof(cmd) - 1)) < 0)
			len = 0;
		if (fd >= 0)
			close(fd);
		while (len > 0 && !cmd[len - 1]) /* PID 1's hidden command line: NULs */
			len--;
		for (ssize_t j = 0; j < len; j++)
			cmd[j] = cmd[j] ? cmd[j] : ' ';
		cmd[len] = '\0';
		printf("%-8d %s\n", (int)pids[i], cmd);
	}
	if (o->form == FORM_JSON)
		printf("%s]\n", n ? "" : "[");
	return 0;
}

static int parse(int argc, char **argv, struct list_opts *o, struct nb_error *err)
{
	for (int i = 1; i < argc; i++) {
		const char *v = NULL;
		int r = verb_flag(argc, argv, &i, "--format", "-f", &v);

		if (r < 0 || (r && strcmp(v, "json") && strcmp(v, "table")))
			return nb_fail(err, EINVAL, "--format", v ? v : "\"\"",
				       "want table or json");
		if (r)
			o->form = !strcmp(v, "json") ? FORM_JSON : o->form;
		else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet"))
			o->quiet = true;
		else if (!strcmp(argv[i], "-a") || !strcmp(argv[i], "--all"))
			o->all = true;
		else if (argv[i][0] != '-' && !o->id && !strcmp(argv[0], "ps"))
			o->id = argv[i];
		else
			return nb_fail(err, EINVAL, argv[0], argv[i], "unexpected argument");
	}
	return 0;
}

int verb_list(const char *root, int argc, char **argv)
{
	struct nb_error err = { 0 };
	struct list_opts o = { FORM_RUNC, false, false, NULL };

	return parse(argc, argv, &o, &err) ? verb_fail(&err) : list_all(root, &o);
}

int verb_ps(const char *root, int argc, char **argv)
{
	struct nb_error err = { 0 };
	struct list_opts o = { FORM_DOCKER, false, false, NULL };

	if (parse(argc, argv, &o, &err))
		return verb_fail(&err);
	if (o.id)
		return list_processes(root, &o);
	return list_all(root, &o);
}
