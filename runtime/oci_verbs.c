/* The OCI forms of create and run, and spec and features (include/oci_verbs.h). The bundle
 * becomes the working directory before the lifecycle starts: the run record's bundle is the
 * directory create ran in (lifecycle.c), and relative paths in config.json are the bundle's. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console_socket.h"
#include "oci_config.h"
#include "oci_seccomp.h"
#include "oci_verbs.h"
#include "option.h"
#include "run.h"
#include "security.h"
#include "validate.h"
#include "verbs.h"

struct oci_args {
	const char *bundle;	    /* NULL: the current directory */
	const char *pid_file;	    /* NULL: none */
	bool detach;		    /* run --detach */
	const char *console_socket; /* NULL: none */
	const char *preserve_fds;   /* --preserve-fds N, NULL: 0 */
	const char *id;
};

/* runc's flags nestbox does not have yet: the OCI form, refused by name. */
static const char *const unsupported_flags[] = { "--no-pivot", "--no-new-keyring" };

static const char *unsupported_flag(const char *word)
{
	for (size_t i = 0; i < sizeof(unsupported_flags) / sizeof(unsupported_flags[0]); i++) {
		size_t len = strlen(unsupported_flags[i]);

		if (!strncmp(word, unsupported_flags[i], len) && (!word[len] || word[len] == '='))
			return unsupported_flags[i];
	}
	return NULL;
}

/* runc's flags and one ID, nothing else: 0; -1 when a word is not one of them (the caller
 * takes the docker-like form). An OCI flag that is wrong or not supported yet: 0 with *bad
 * and *why set. */
static int parse_oci(int argc, char **argv, bool is_run, struct oci_args *a, const char **bad,
		     const char **why)
{
	bool oci_flag = false; /* --bundle or --pid-file: the OCI form, whatever else is there */

	memset(a, 0, sizeof(*a));
	*bad = NULL;
	*why = "expected [--bundle DIR] [--pid-file FILE] [--console-socket SOCKET] ID";
	for (int i = 1; i < argc; i++) {
		/* both forms have it (podman's run too): it does not make the words OCI ones */
		int r = verb_flag(argc, argv, &i, "--preserve-fds", NULL, &a->preserve_fds);

		if (r > 0)
			continue;
		if (!r)
			r = verb_flag(argc, argv, &i, "--bundle", "-b", &a->bundle);
		if (!r)
			r = verb_flag(argc, argv, &i, "--pid-file", NULL, &a->pid_file);
		if (!r)
			r = verb_flag(argc, argv, &i, "--console-socket", NULL, &a->console_socket);
		if (r < 0 || (!r && (*bad = unsupported_flag(argv[i])))) {
			*why = r < 0 ? "needs a value" : "not supported yet";
			*bad = argv[i];
			return 0;
		}
		oci_flag |= r > 0;
		if (r)
			continue;
		if (is_run && (!strcmp(argv[i], "--detach") || !strcmp(argv[i], "-d"))) {
			a->detach = true;
			continue;
		}
		if (argv[i][0] == '-' || a->id) {
			*bad = argv[i];
			break;
		}
		a->id = argv[i];
	}
	if (!*bad && a->id)
		return 0;
	if (!oci_flag)
		return -1;
	if (!*bad)
		*bad = "no ID given";
	return 0;
}

bool oci_create_wanted(int argc, char **argv)
{
	struct oci_args a;
	const char *bad, *why;

	return parse_oci(argc, argv, false, &a, &bad, &why) == 0;
}

bool oci_run_wanted(int argc, char **argv)
{
	struct oci_args a;
	const char *bad, *why;

	if (parse_oci(argc, argv, true, &a, &bad, &why))
		return false;
	return a.bundle || bad || access(OCI_CONFIG_NAME, F_OK) == 0;
}

/* The pid file as runc writes it: the PID, no newline, renamed into place. Relative to the
 * directory nestbox was started in (resolved before the chdir into the bundle). */
int verb_write_pid_file(const char *path, pid_t pid, struct nb_error *err)
{
	char tmp[PATH_MAX + 8], text[16];
	int fd, n = snprintf(text, sizeof(text), "%d", (int)pid);

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return nb_fail_errno(err, "--pid-file", path);
	if (write(fd, text, (size_t)n) != n || close(fd) || rename(tmp, path)) {
		unlink(tmp);
		return nb_fail_errno(err, "--pid-file", path);
	}
	return 0;
}

/* Everything before the lifecycle: the flags checked, the bundle entered, config.json read into
 * c and checked as run's flags are. */
static int prepare(int argc, char **argv, bool is_run, struct oci_args *a, char *pid_file,
		   struct nb_container *c, struct nb_error *err)
{
	char bundle[PATH_MAX];
	const char *bad, *why;
	int rc;

	if (parse_oci(argc, argv, is_run, a, &bad, &why) || bad)
		return nb_fail(err, EINVAL, argv[0], bad, why);
	if (a->pid_file && a->pid_file[0] != '/') {
		if (!getcwd(bundle, sizeof(bundle)) ||
		    (size_t)snprintf(pid_file, PATH_MAX, "%.*s/%s", PATH_MAX / 2, bundle,
				     a->pid_file) >= PATH_MAX)
			return nb_fail(err, ENAMETOOLONG, "--pid-file", a->pid_file,
				       "path too long");
	} else if (a->pid_file) {
		snprintf(pid_file, PATH_MAX, "%s", a->pid_file);
	}
	/* connected here, relative to where nestbox started (checked once config.json is read) */
	rc = a->console_socket ? console_socket_connect(a->console_socket, err) : 0;
	if (rc)
		return rc;
	/* entered, then named by getcwd(3): absolute, its symlinks resolved, as realpath(3)
	 * would give it (musl's realpath is 1.4 KB of the static binary) */
	if (chdir(a->bundle ? a->bundle : ".") || !getcwd(bundle, sizeof(bundle)))
		return nb_fail_errno(err, "--bundle", a->bundle ? a->bundle : ".");
	rc = oci_config_load(bundle, a->id, c, err);
	if (!rc && a->preserve_fds) {
		uint64_t n;

		if (cli_parse_u64(a->preserve_fds, 1021, &n))
			return nb_fail(err, EINVAL, "--preserve-fds", a->preserve_fds,
				       "expected a count, 0 to 1021");
		c->preserve_fds = (unsigned)n;
	}
	if (!rc)
		rc = container_validate(c, err);
	c->console_socket = a->console_socket;
	if (!rc)
		rc = console_socket_check(c, !is_run || a->detach, "process.terminal: true", err);
	c->tty &= !c->console_socket; /* the caller holds it: nothing to relay */
	return rc;
}

int oci_verb_create(const char *root, int argc, char **argv)
{
	char pid_file[PATH_MAX] = "";
	struct nb_container c;
	struct nb_error err = { 0 };
	struct oci_args a;
	struct nb_run r;
	int rc = prepare(argc, argv, false, &a, pid_file, &c, &err);

	if (!rc)
		rc = run_create(&r, &c, root, true, &err);
	if (rc < 0)
		return verb_fail(&err);
	if (rc > 0) /* the container side failed and said why */
		return run_destroy(&r, rc);
	if ((pid_file[0] && verb_write_pid_file(pid_file, r.pid, &err)) ||
	    hooks_save(&c, &r.state, &err)) {
		run_destroy(&r, 0);
		return verb_fail(&err);
	}
	verb_save_args(&r.state, argc, argv);
	return 0;
}

bool oci_systemd_cgroup;

/* runc run: create, start, wait, delete in this process; --detach: create and start. */
int oci_verb_run(const char *root, int argc, char **argv)
{
	char pid_file[PATH_MAX] = "", *start_argv[] = { "start", NULL, NULL };
	struct nb_container c;
	struct nb_error err = { 0 };
	struct oci_args a;
	struct nb_run r;
	int rc = prepare(argc, argv, true, &a, pid_file, &c, &err);

	if (!rc)
		rc = run_create(&r, &c, root, a.detach, &err);
	if (rc < 0)
		return verb_fail(&err);
	if (!rc && ((pid_file[0] && verb_write_pid_file(pid_file, r.pid, &err)) ||
		    (a.detach && hooks_save(&c, &r.state, &err)))) {
		nb_error_print(&err);
		rc = NB_EXIT_SETUP;
	}
	if (!rc && a.detach) {
		verb_save_args(&r.state, argc, argv);
		start_argv[1] = (char *)a.id;
		return verb_start(root, 2, start_argv);
	}
	if (!rc && run_start(&r, &err)) {
		nb_error_print(&err);
		rc = NB_EXIT_SETUP;
	}
	if (!rc)
		rc = run_wait(&r);
	return run_destroy(&r, rc);
}

/* --- spec, features ------------------------------------------------------------------------- */

/* runc spec's default, cut to what nestbox does: no terminal (true needs --console-socket,
 * or a foreground run), the masks nestbox always makes. */
static const char default_spec[] =
    "{\n"
    "\t\"ociVersion\": \"" NB_OCI_VERSION "\",\n"
    "\t\"process\": {\n"
    "\t\t\"terminal\": false,\n"
    "\t\t\"user\": { \"uid\": 0, \"gid\": 0 },\n"
    "\t\t\"args\": [ \"sh\" ],\n"
    "\t\t\"env\": [\n"
    "\t\t\t\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\n"
    "\t\t\t\"TERM=xterm\"\n"
    "\t\t],\n"
    "\t\t\"cwd\": \"/\",\n"
    "\t\t\"capabilities\": {\n"
    "\t\t\t\"bounding\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ],\n"
    "\t\t\t\"effective\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ],\n"
    "\t\t\t\"permitted\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ]\n"
    "\t\t},\n"
    "\t\t\"rlimits\": [ { \"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024 } ],\n"
    "\t\t\"noNewPrivileges\": true\n"
    "\t},\n"
    "\t\"root\": { \"path\": \"rootfs\", \"readonly\": true },\n"
    "\t\"hostname\": \"nestbox\",\n"
    "\t\"mounts\": [\n"
    "\t\t{ \"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\" },\n"
    "\t\t{ \"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\",\n"
    "\t\t  \"options\": [ \"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\" ] },\n"
    "\t\t{ \"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\",\n"
    "\t\t  \"options\": [ \"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\",\n"
    "\t\t\t       \"mode=0620\" ] },\n"
    "\t\t{ \"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\",\n"
    "\t\t  \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"mode=1777\" ] },\n"
    "\t\t{ \"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\",\n"
    "\t\t  \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"ro\" ] }\n"
    "\t],\n"
    "\t\"linux\": {\n"
    "\t\t\"namespaces\": [\n"
    "\t\t\t{ \"type\": \"pid\" }, { \"type\": \"network\" }, { \"type\": \"ipc\" },\n"
    "\t\t\t{ \"type\": \"uts\" }, { \"type\": \"mount\" }, { \"type\": \"cgroup\" }\n"
    "\t\t],\n"
    "\t\t\"maskedPaths\": [ \"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", "
    "\"/proc/keys\",\n"
    "\t\t\t\"/proc/latency_stats\", \"/proc/timer_list\", \"/proc/timer_stats\",\n"
    "\t\t\t\"/proc/sched_debug\", \"/proc/scsi\", \"/sys/firmware\" ],\n"
    "\t\t\"readonlyPaths\": [ \"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\",\n"
    "\t\t\t\"/proc/sysrq-trigger\" ]\n"
    "\t}\n"
    "}\n";

/* runc spec [--bundle DIR]: DIR/config.json, never over an existing one. */
int verb_spec(const char *root, int argc, char **argv)
{
	const char *dir = ".";
	char path[PATH_MAX];
	struct nb_error err = { 0 };
	int i = 1, fd;

	(void)root;
	if (argc > 1 && verb_flag(argc, argv, &i, "--bundle", "-b", &dir) > 0)
		i++;
	if (i < argc) {
		nb_fail(&err, EINVAL, "spec", argv[i], "unexpected argument ([--bundle DIR])");
		return verb_fail(&err);
	}
	snprintf(path, sizeof(path), "%s/" OCI_CONFIG_NAME, dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		nb_fail(&err, errno, "spec", path,
			errno == EEXIST ? "exists (not overwritten)" : strerror(errno));
		return verb_fail(&err);
	}
	if (write(fd, default_spec, sizeof(default_spec) - 1) != sizeof(default_spec) - 1 ||
	    close(fd)) {
		nb_fail_errno(&err, "spec", path);
		unlink(path);
		return verb_fail(&err);
	}
	return 0;
}

/* runtime-spec features.md: what config.json may ask of this runtime. */
int verb_features(const char *root, int argc, char **argv)
{
	(void)root;
	if (argc > 1) {
		struct nb_error err;

		nb_fail(&err, EINVAL, "features", argv[1], "unexpected argument");
		return verb_fail(&err);
	}
	printf("{\"ociVersionMin\":\"1.0.0\",\"ociVersionMax\":\"" NB_OCI_VERSION "\","
	       "\"hooks\":[\"prestart\",\"createRuntime\",\"createContainer\",\"startContainer\","
	       "\"poststart\",\"poststop\"],\"mountOptions\":[\"bind\",\"rbind\",\"ro\",\"rw\","
	       "\"private\",\"rprivate\"],\"linux\":{\"namespaces\":[\"cgroup\",\"ipc\",\"mount\","
	       "\"network\",\"pid\",\"time\",\"user\",\"uts\"],\"capabilities\":[");
	for (int cap = 0; security_cap_name(cap); cap++) {
		printf("%s\"CAP_", cap ? "," : "");
		for (const char *p = security_cap_name(cap); *p; p++)
			putchar(toupper((unsigned char)*p));
		putchar('"');
	}
	printf("],\"cgroup\":{\"v1\":true,\"v2\":true,\"systemd\":false,\"systemdUser\":false},"
	       "\"seccomp\":{\"enabled\":true,\"actions\":[");
	oci_seccomp_print_names(false); /* from the compiler's own tables: what it takes */
	printf("],\"operators\":[");
	oci_seccomp_print_names(true);
	printf("]},\"apparmor\":{\"enabled\":false},\"selinux\":{\"enabled\":false}}}\n");
	return 0;
}
