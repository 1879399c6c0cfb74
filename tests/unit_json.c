/* runtime/json.c and runtime/oci_config.c without a kernel: what the strict parser takes and
 * refuses (with NAME:LINE:COL), and what config.json fills in the description. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "container.h"
#include "json.h"
#include "kselftest_harness.h"
#include "oci_config.h"
#include "oci_verbs.h"

/* Parse a copy of text (the parser decodes in place); NULL when refused, err filled. */
static struct json_value *parse(const char *text, struct nb_error *err, char **copy)
{
	*copy = strdup(text);
	return json_parse(*copy, strlen(text), "t.json", err);
}

TEST(valid_documents_parse_with_values_and_positions)
{
	struct nb_error err = { 0 };
	char *copy;
	struct json_value *v = parse(
	    "{\"a\": [1, -2, 3.5e2, true, false, null],\n \"s\": \"x\\u00e9\\ud83d\\ude00\\n\","
	    " \"e\": {}, \"z\": []}",
	    &err, &copy);
	const struct json_value *a, *s;
	int64_t i;

	ASSERT_NE(NULL, v) TH_LOG("%s", err.msg);
	ASSERT_EQ(JSON_OBJECT, v->type);
	ASSERT_EQ(4, v->n);
	a = json_member(v, "a");
	ASSERT_NE(NULL, a);
	ASSERT_EQ(6, a->n);
	ASSERT_EQ(0, json_int(a->child->next, -10, 10, &i));
	ASSERT_EQ(-2, i);
	ASSERT_EQ(-1, json_int(a->child->next->next, 0, 1000, &i)); /* 3.5e2: not whole */
	ASSERT_EQ(JSON_TRUE, a->child->next->next->next->type);
	ASSERT_EQ(JSON_NULL, a->child->next->next->next->next->next->type);
	s = json_member(v, "s");
	ASSERT_NE(NULL, s);
	ASSERT_STREQ("x\xc3\xa9\xf0\x9f\x98\x80\n", s->str);
	ASSERT_EQ(2, s->line);
	ASSERT_EQ(7, s->col);
	ASSERT_EQ(0, json_member(v, "e")->n);
	json_free(v);
	free(copy);
}

TEST(top_level_scalars_and_big_numbers)
{
	struct nb_error err = { 0 };
	uint64_t u;
	char *copy;
	struct json_value *v = parse(" 18446744073709551615 ", &err, &copy);

	ASSERT_NE(NULL, v) TH_LOG("%s", err.msg);
	ASSERT_EQ(0, json_uint(v, UINT64_MAX, &u));
	ASSERT_EQ(UINT64_MAX, u);
	json_free(v);
	free(copy);
	v = parse("18446744073709551616", &err, &copy); /* valid JSON, too big for an integer */
	ASSERT_NE(NULL, v);
	ASSERT_EQ(-1, json_uint(v, UINT64_MAX, &u));
	json_free(v);
	free(copy);
}

static const struct {
	const char *text, *msg;
} bad[] = {
	{ "", "t.json:1:1: expected a value, got the end of the text" },
	{ "[1,]", "t.json:1:4: trailing comma" },
	{ "{\"a\":1,}", "t.json:1:8: trailing comma" },
	{ "{\"a\":1 \"b\":2}", "t.json:1:8: expected ',' or '}', got '\"'" },
	{ "// c\n{}", "t.json:1:1: expected a value, got '/'" },
	{ "{}\n/* c */", "t.json:2:1: expected the end of the text after the top value, got '/'" },
	{ "[01]", "t.json:1:2: numbers have no leading zeros" },
	{ "[-]", "t.json:1:3: expected a digit, got ']'" },
	{ "[1.]", "t.json:1:4: expected a digit after '.', got ']'" },
	{ "[1e]", "t.json:1:4: expected a digit in the exponent, got ']'" },
	{ "[+1]", "t.json:1:2: expected a value, got '+'" },
	{ "[.5]", "t.json:1:2: expected a value, got '.'" },
	{ "\"\\x\"", "t.json:1:2: unknown escape" },
	{ "\"\\ud800\"", "t.json:1:2: high surrogate without its low surrogate" },
	{ "\"\\udc00\"", "t.json:1:2: lone low surrogate in \\u escape" },
	{ "\"\\ud800\\u0041\"", "t.json:1:2: high surrogate without its low surrogate" },
	{ "\"\\u12g4\"", "t.json:1:6: \\u wants four hex digits" },
	{ "\"\\u0000\"", "t.json:1:2: \\u0000 is not taken" },
	{ "\"a\tb\"", "t.json:1:3: control character in a string" },
	{ "\"\xc3\x28\"", "t.json:1:2: invalid UTF-8 in a string" },
	{ "\"\xed\xa0\x80\"", "t.json:1:2: invalid UTF-8" }, /* a surrogate in UTF-8 */
	{ "\"\xc0\xaf\"", "t.json:1:2: invalid UTF-8" },     /* overlong '/' */
	{ "\"abc", "t.json:1:5: expected '\"' to end the string, got the end of the text" },
	{ "['a']", "t.json:1:2: expected a value, got '''" },
	{ "{a:1}", "t.json:1:2: expected a member name or '}', got 'a'" },
	{ "[tru]", "t.json:1:2: expected a value, got 't'" },
	{ "[1]\n\n  x", "t.json:3:3: expected the end of the text" },
	{ "{\"a\"\n  1}", "t.json:2:3: expected ':', got '1'" },
	{ "[1] [2]", "t.json:1:5: expected the end of the text" },
	{ "\xef\xbb\xbf{}", "t.json:1:1: expected a value, got byte 0xef" }, /* no BOM (8.1) */
};

TEST(invalid_documents_are_refused_with_line_and_column)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct nb_error err = { 0 };
		char *copy;
		struct json_value *v = parse(bad[i].text, &err, &copy);

		EXPECT_EQ(NULL, v) TH_LOG("accepted %s", bad[i].text);
		EXPECT_EQ(0, strncmp(err.msg, bad[i].msg, strlen(bad[i].msg)))
		TH_LOG("%s: got \"%s\", want \"%s\"", bad[i].text, err.msg, bad[i].msg);
		json_free(v);
		free(copy);
	}
}

TEST(a_nul_byte_is_refused_where_it_is)
{
	struct nb_error err = { 0 };
	char text[] = "[1,\n 2\0]";

	ASSERT_EQ(NULL, json_parse(text, sizeof(text) - 1, "t.json", &err));
	ASSERT_STREQ("t.json:2:3: NUL byte in the text", err.msg);
}

TEST(nesting_is_bounded)
{
	char deep[2 * JSON_MAX_DEPTH + 8], *copy;
	struct nb_error err = { 0 };
	struct json_value *v;
	int n = JSON_MAX_DEPTH;

	memset(deep, '[', (size_t)n);
	memset(deep + n, ']', (size_t)n);
	deep[2 * n] = '\0';
	v = parse(deep, &err, &copy);
	ASSERT_NE(NULL, v) TH_LOG("%d levels: %s", n, err.msg);
	json_free(v);
	free(copy);
	memset(deep, '[', (size_t)n + 1);
	memset(deep + n + 1, ']', (size_t)n + 1);
	deep[2 * n + 2] = '\0';
	ASSERT_EQ(NULL, parse(deep, &err, &copy));
	ASSERT_NE(NULL, strstr(err.msg, "nested too deep")) TH_LOG("%s", err.msg);
	free(copy);
}

/* --- config.json -> the description ------------------------------------------------------- */

#define BASE_PROCESS                                                                    \
	"\"process\":{\"cwd\":\"/w\",\"args\":[\"sh\",\"-c\",\"x\"],\"env\":[\"A=1\"]," \
	"\"user\":{\"uid\":5,\"gid\":6}"
#define BASE_LINUX "\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"pid\"}"

static int config(const char *text, struct nb_container *c, struct nb_error *err)
{
	char *copy = strdup(text); /* c points into it: kept for the test */

	return oci_config_parse(copy, strlen(copy), "/b", "id1", c, err);
}

TEST(a_config_fills_the_description)
{
	struct nb_container c;
	struct nb_error err = { 0 };
	int rc = config(
	    "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
	    "\"hostname\":\"h\"," BASE_PROCESS ",\"noNewPrivileges\":true,\"terminal\":true,"
	    "\"consoleSize\":{\"height\":24,\"width\":80},"
	    "\"capabilities\":{\"bounding\":[\"CAP_KILL\"],\"effective\":[\"CAP_KILL\"],"
	    "\"permitted\":[\"CAP_KILL\"]},"
	    "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":10,\"hard\":20}]},"
	    "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
	    "{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\"},"
	    "{\"destination\":\"/d\",\"type\":\"bind\",\"source\":\"data\",\"options\":[\"rbind\","
	    "\"ro\"]}],\"annotations\":{\"k\":\"v\"}," BASE_LINUX
	    ",{\"type\":\"uts\"},{\"type\":\"network\"},{\"type\":\"cgroup\"}],"
	    "\"resources\":{\"memory\":{\"limit\":67108864},\"pids\":{\"limit\":10},"
	    "\"cpu\":{\"quota\":50000,\"period\":200000,\"shares\":1024}},"
	    "\"maskedPaths\":[\"/proc/kcore\"],\"readonlyPaths\":[\"/proc/sys\"]}}",
	    &c, &err);

	ASSERT_EQ(0, rc) TH_LOG("%s", err.msg);
	EXPECT_STREQ("id1", c.name);
	EXPECT_STREQ("h", c.hostname);
	ASSERT_EQ(1, c.n_layers);
	EXPECT_STREQ("/b/rootfs", c.layers[0]);
	EXPECT_TRUE(c.read_only);
	EXPECT_STREQ("/w", c.workdir);
	EXPECT_STREQ("sh", c.argv[0]);
	EXPECT_STREQ("x", c.argv[2]);
	EXPECT_EQ(NULL, c.argv[3]);
	ASSERT_EQ(1, c.n_env);
	EXPECT_STREQ("A=1", c.env[0]);
	EXPECT_EQ(5, c.uid);
	EXPECT_EQ(6, c.gid);
	EXPECT_FALSE(c.security.allow_new_privs);
	EXPECT_TRUE(c.tty);
	EXPECT_EQ(24, c.console_rows);
	EXPECT_EQ(80, c.console_cols);
	EXPECT_EQ(1ULL << 5, c.security.caps); /* CAP_KILL */
	EXPECT_FALSE(c.security.caps_ambient);
	ASSERT_EQ(1, c.security.n_rlimits);
	EXPECT_EQ(10, c.security.rlimits[0].soft);
	EXPECT_EQ(20, c.security.rlimits[0].hard);
	/* parse alone: the plan holds config.json's bind, not yet the defaults around it */
	ASSERT_EQ(1, c.n_mounts);
	EXPECT_EQ(NB_MOUNT_BIND, c.mounts[0].op);
	EXPECT_STREQ("/b/data", c.mounts[0].source);
	EXPECT_STREQ("/d", c.mounts[0].target);
	EXPECT_TRUE(c.mounts[0].flags & MS_RDONLY);
	EXPECT_EQ(NB_NS_MNT | NB_NS_PID | NB_NS_UTS | NB_NS_NET | NB_NS_CGROUP, c.namespaces);
	EXPECT_EQ(NB_NET_NONE, c.net.mode);
	EXPECT_EQ(64ULL << 20, c.cgroup.memory);
	EXPECT_EQ(10, c.cgroup.pids);
	EXPECT_EQ(50000, c.cgroup.cpu_quota); /* as given, with its period (runtime-tools) */
	EXPECT_EQ(200000, c.cgroup.cpu_period);
	EXPECT_EQ(1024, c.cgroup.cpu_shares); /* v1's cpu.shares as given */
	EXPECT_EQ(39, c.cgroup.cpu_weight);   /* runc's conversion of 1024 shares */
}

/* What containerd's and podman's configs have that nestbox's own spec does not (issue 22):
 * supplementary groups, new tmpfs and mqueue mounts with flag and KEY=VALUE options, a bind's
 * nosuid/nodev/noexec, a deny-all device list, a cgroupfs cgroupsPath. */
TEST(a_clients_config_is_taken)
{
	struct nb_container c;
	struct nb_error err = { 0 };
	int rc = config(
	    "{\"ociVersion\":\"1.0.2-dev\",\"root\":{\"path\":\"rootfs\"},"
	    "\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],"
	    "\"oomScoreAdj\":-5,\"user\":{\"uid\":0,\"gid\":0,\"umask\":18,\"additionalGids\":[0,"
	    "10]}},"
	    "\"mounts\":[{\"destination\":\"/run\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
	    "\"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},"
	    "{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"source\":\"mqueue\","
	    "\"options\":[\"nosuid\",\"noexec\",\"nodev\"]},"
	    "{\"destination\":\"/etc/hosts\",\"type\":\"bind\",\"source\":\"/h\","
	    "\"options\":[\"rbind\",\"rprivate\",\"nosuid\",\"noexec\",\"nodev\"]}]," BASE_LINUX
	    "],\"cgroupsPath\":\"/nbtest/t1\",\"sysctl\":{\"net.ipv4.ping_group_range\":\"0 0\"},"
	    "\"maskedPaths\":[\"/proc/kcore\",\"/sys/fs/selinux\"],"
	    "\"resources\":{\"cpu\":{\"cpus\":\"0\",\"mems\":\"0\"},\"memory\":{\"limit\":1048576,"
	    "\"swap\":2097152},\"devices\":[{"
	    "\"allow\":false,"
	    "\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,"
	    "\"access\":\"rwm\"}]}}}",
	    &c, &err);

	ASSERT_EQ(0, rc) TH_LOG("%s", err.msg);
	ASSERT_EQ(2, c.n_groups_add);
	EXPECT_STREQ("0", c.groups_add[0]);
	EXPECT_STREQ("10", c.groups_add[1]);
	ASSERT_EQ(4, c.n_mounts);
	EXPECT_EQ(NB_MOUNT_FS, c.mounts[0].op);
	EXPECT_STREQ("tmpfs", c.mounts[0].type);
	EXPECT_STREQ("/run", c.mounts[0].target);
	EXPECT_STREQ("mode=755,size=65536k", c.mounts[0].data);
	EXPECT_EQ(MS_NOSUID, c.mounts[0].flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY));
	EXPECT_EQ(NB_MOUNT_FS, c.mounts[1].op);
	EXPECT_STREQ("mqueue", c.mounts[1].type);
	EXPECT_EQ(MS_NOSUID | MS_NODEV | MS_NOEXEC, c.mounts[1].flags);
	EXPECT_EQ(NB_MOUNT_BIND, c.mounts[2].op);
	EXPECT_STREQ("/h", c.mounts[2].source);
	EXPECT_EQ(MS_NOSUID | MS_NODEV | MS_NOEXEC, c.mounts[2].flags);
	EXPECT_STREQ("/nbtest/t1", c.cgroup.path);
	EXPECT_TRUE(c.has_umask);
	EXPECT_EQ(022, c.umask);
	ASSERT_EQ(1, c.n_sysctls);
	EXPECT_STREQ("net.ipv4.ping_group_range=0 0", c.sysctls[0]);
	EXPECT_EQ(2097152ULL, c.cgroup.memory_swap);
	EXPECT_STREQ("-5", c.oom_score_adj);
	EXPECT_STREQ("0", c.cgroup.cpuset_cpus);
	EXPECT_STREQ("0", c.cgroup.cpuset_mems);
	/* /proc/kcore is one of nestbox's own masks; /sys/fs/selinux a step of its own */
	EXPECT_EQ(NB_MOUNT_MASK, c.mounts[3].op);
	EXPECT_STREQ("/sys/fs/selinux", c.mounts[3].target);
}

TEST(absent_fields_take_the_specs_defaults)
{
	struct nb_container c;
	struct nb_error err = { 0 };
	int rc = config("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"/r\"}," BASE_PROCESS
			"}," BASE_LINUX "]}}",
			&c, &err);

	ASSERT_EQ(0, rc) TH_LOG("%s", err.msg);
	EXPECT_STREQ("/r", c.layers[0]);
	EXPECT_FALSE(c.read_only);
	EXPECT_TRUE(c.security.allow_new_privs); /* noNewPrivileges: false */
	EXPECT_EQ(0, c.security.caps);		 /* no capabilities object: none */
	EXPECT_EQ(NB_SECCOMP_OFF, c.security.seccomp);
	EXPECT_EQ(NB_NET_HOST, c.net.mode); /* no network namespace: the host's */
	EXPECT_STREQ("id1", c.hostname);
}

static const struct {
	const char *process_extra, *linux_extra, *top_extra, *msg;
} refused[] = {
	{ "", "", ",\"foo\":1", "config.json:1:" /* col varies */ },
	/* terminal true is taken (where its master goes is the command line's, test_console) */
	{ ",\"terminal\":\"yes\"", "", "", "process.terminal: expected " },
	{ ",\"consoleSize\":{\"height\":24}", "", "",
	  "process.consoleSize.width: missing (required)" },
	{ ",\"consoleSize\":{\"height\":24,\"width\":-1}", "", "",
	  "process.consoleSize.width: expected a whole number from 0 to 65535" },
	{ ",\"apparmorProfile\":\"x\"", "", "", "process.apparmorProfile: not supported yet" },
	{ "", ",\"seccomp\":{}", "", "linux.seccomp.defaultAction: missing (required)" },
	{ "", ",\"devices\":[{\"path\":\"/dev/x\",\"type\":\"q\"}]", "",
	  "linux.devices[0].type: unknown device type (c, u, b, p)" },
	{ "", ",\"devices\":[{\"path\":\"/dev/x\",\"type\":\"c\",\"major\":1}]", "",
	  "linux.devices[0]: major and minor are required for this type" },
	{ "", ",\"devices\":[{\"path\":\"dev/x\",\"type\":\"p\"}]", "",
	  "linux.devices[0].path: must be an absolute path below /" },
	{ "", "", ",\"hostname\":7", "hostname: expected a string, got a number" },
	{ "", "", ",\"hooks\":{\"prestart\":[{\"path\":\"x\"}]}",
	  "hooks.prestart[0].path: must be an absolute path" },
	{ "", "", ",\"hooks\":{\"poststop\":[{\"path\":\"/x\",\"when\":1}]}",
	  "hooks.poststop[0].when: unknown field" },
	{ "", "", ",\"hooks\":{\"poststart\":[{\"path\":\"/x\",\"timeout\":0}]}",
	  "hooks.poststart[0].timeout: expected a whole number from 1 to 2147483" },
	{ "", "", ",\"hooks\":{\"poststart\":[],\"poststart\":[]}",
	  "hooks.poststart: given twice" },
	{ "", "", ",\"hooks\":{\"prestart\":{}}",
	  "hooks.prestart: expected an array, got an object" },
	{ ",\"rlimits\":[{\"type\":\"RLIMIT_NOPE\",\"soft\":1,\"hard\":1}]", "", "",
	  "process.rlimits[0].type: unknown resource" },
	{ ",\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"soft\":2,\"hard\":1}]", "", "",
	  "process.rlimits[0]: soft limit above hard limit" },
	{ ",\"capabilities\":{\"bounding\":[\"CAP_KILL\"]}", "", "",
	  "process.capabilities: bounding, effective and permitted must be the same set" },
	{ ",\"capabilities\":{\"bounding\":[\"CAP_KILL\"],\"effective\":[\"CAP_KILL\"],"
	  "\"permitted\":[\"CAP_KILL\"],\"ambient\":[\"CAP_KILL\"]}",
	  "", "", "process.capabilities: inheritable and ambient must be empty or the same" },
	{ ",\"capabilities\":{\"bounding\":[\"CAP_NOPE\"]}", "", "",
	  "process.capabilities.bounding[0]: unknown capability" },
	{ ",\"capabilities\":{\"bounding\":[\"kill\"]}", "", "",
	  "process.capabilities.bounding[0]: unknown capability" },
	{ ",\"user\":{\"uid\":0,\"gid\":0,\"additionalGids\":[1]}", "", "",
	  "process.user: given twice" },
	{ "", ",\"namespaces\":[]", "", "linux.namespaces: given twice" },
	{ "", "", ",\"mounts\":[{\"destination\":\"/x\",\"type\":\"overlay\"}]",
	  "mounts[0]: overlay on /x: not supported yet" },
	{ "", "",
	  ",\"mounts\":[{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"/s\","
	  "\"options\":[\"rbind\",\"rsharing\"]}]",
	  "mounts[0].options[1]: mount option rsharing: not supported yet" },
	{ "", ",\"rootfsPropagation\":\"rshare\"", "",
	  "linux.rootfsPropagation: unknown (shared, slave, private, unbindable)" },
	{ "", ",\"resources\":{\"devices\":[{\"allow\":true,\"access\":\"rwm\"}]}", "",
	  "linux.resources.devices[0]: not supported yet (the first rule must deny all)" },
	{ "",
	  ",\"resources\":{\"devices\":[{\"allow\":false},{\"allow\":false,"
	  "\"type\":\"c\",\"major\":1,\"minor\":3}]}",
	  "", "linux.resources.devices[1]: not supported yet (a deny after the first rule)" },
	{ "", "",
	  ",\"mounts\":[{\"destination\":\"/x\",\"type\":\"tmpfs\",\"options\":[\"huge\"]}]",
	  "mounts[0].options[0]: mount option huge: not supported yet" },
	{ "", "", ",\"mounts\":[{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\"}]",
	  "mounts: /sys/fs/cgroup: nestbox mounts it only with a cgroup namespace" },
	{ "", ",\"maskedPaths\":[\"proc/cpuinfo\"]", "",
	  "linux.maskedPaths[0]: not an absolute path" },
	{ "", ",\"resources\":{\"memory\":{\"limit\":\"1g\"}}", "",
	  "linux.resources.memory.limit: expected a number, got a string" },
	{ "", ",\"resources\":{\"blockIO\":{}}", "", "linux.resources.blockIO: not supported yet" },
	{ "", ",\"resources\":{\"cpu\":{\"cpus\":\"0-x\"}}", "",
	  "linux.resources.cpu.cpus: --cpuset: 0-x: expected a list like 0-2,4" },
	{ ",\"oomScoreAdj\":1001", "", "",
	  "process.oomScoreAdj: expected a whole number from -1000 to 1000" },
	{ "", ",\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]", "",
	  "linux.uidMappings: needs a user namespace" },
	{ ",\"cwd\":\"rel\"", "", "", "process.cwd: given twice" },
	{ ",\"args\":[]", "", "", "process.args: given twice" },
};

static void refused_config(size_t i, char *text, size_t size)
{
	snprintf(text, size,
		 "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"/r\"}%s," BASE_PROCESS
		 "%s}," BASE_LINUX "]%s}}",
		 refused[i].top_extra, refused[i].process_extra, refused[i].linux_extra);
}

TEST(unknown_and_unsupported_fields_are_refused_by_path)
{
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		struct nb_container c;
		struct nb_error err = { 0 };
		char text[1024];

		refused_config(i, text, sizeof(text));
		EXPECT_EQ(-EINVAL, config(text, &c, &err)) TH_LOG("accepted %s", text);
		EXPECT_NE(NULL, strstr(err.msg, refused[i].msg))
		TH_LOG("%zu: got \"%s\", want \"%s\"", i, err.msg, refused[i].msg);
		EXPECT_EQ(0, strncmp(err.msg, "config.json:1:", 14)) TH_LOG("%s", err.msg);
	}
}

/* --systemd-cgroup: slice:prefix:name as systemd's cgroupfs path (runc's rules); without it the
 * same text is a cgroupfs path. */
TEST(systemd_cgroups_paths)
{
	static const char *const cases[][2] = {
		{ "a-b-c.slice:p:n", "/a.slice/a-b.slice/a-b-c.slice/p-n.scope" },
		{ ":cri:id", "/system.slice/cri-id.scope" },
		{ "-.slice:p:n", "/p-n.scope" },
		{ "a.slice:p:b.slice", "/a.slice/b.slice" },
		{ "a--b.slice:p:n", NULL },
		{ "a.slice:p", NULL },
		{ "a.slice::", NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nb_container c;
		struct nb_error err = { 0 };
		char text[1024], extra[200];
		int rc;

		snprintf(extra, sizeof(extra), "\"cgroupsPath\":\"%s\",", cases[i][0]);
		snprintf(text, sizeof(text),
			 "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"/r\"}," BASE_PROCESS
			 "}," BASE_LINUX "],%s\"sysctl\":{}}}",
			 extra);
		oci_systemd_cgroup = true;
		rc = config(text, &c, &err);
		oci_systemd_cgroup = false;
		if (!cases[i][1]) {
			EXPECT_EQ(-EINVAL, rc) TH_LOG("%s", cases[i][0]);
			EXPECT_NE(NULL, strstr(err.msg, "want systemd's slice:prefix:name"))
			TH_LOG("%s", err.msg);
			continue;
		}
		ASSERT_EQ(0, rc) TH_LOG("%s: %s", cases[i][0], err.msg);
		EXPECT_STREQ(cases[i][1], c.cgroup.path);
		ASSERT_EQ(0, config(text, &c, &err)) TH_LOG("%s", err.msg);
		EXPECT_STREQ(cases[i][0], c.cgroup.path);
	}
}

TEST(hooks_fill_the_description)
{
	struct nb_container c;
	struct nb_error err = { 0 };
	const struct nb_hook *h;
	int rc = config(
	    "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"/r\"}," BASE_PROCESS
	    "},\"hooks\":{\"createRuntime\":[{\"path\":\"/a\",\"args\":[\"a0\",\"a1\"],"
	    "\"env\":[\"K=V\"],\"timeout\":7},{\"path\":\"/b\"}],\"poststop\":[]}," BASE_LINUX
	    "]}}",
	    &c, &err);

	ASSERT_EQ(0, rc) TH_LOG("%s", err.msg);
	EXPECT_EQ(2, c.hooks.n[NB_HOOK_CREATE_RUNTIME]);
	EXPECT_EQ(0, c.hooks.n[NB_HOOK_POSTSTOP]);
	EXPECT_EQ(0, c.hooks.n[NB_HOOK_PRESTART]);
	EXPECT_STREQ("/b", c.hooks.bundle);
	EXPECT_EQ(NULL, c.hooks.annotations);
	h = c.hooks.list[NB_HOOK_CREATE_RUNTIME];
	EXPECT_STREQ("/a", h[0].path);
	EXPECT_STREQ("a1", h[0].args[1]);
	EXPECT_EQ(NULL, h[0].args[2]);
	EXPECT_STREQ("K=V", h[0].env[0]);
	EXPECT_EQ(7, h[0].timeout);
	EXPECT_STREQ("/b", h[1].path);
	EXPECT_EQ(NULL, h[1].args);
	EXPECT_EQ(NULL, h[1].env);
	EXPECT_EQ(0, h[1].timeout);
}

TEST(the_state_json_escapes_the_bundle)
{
	char buf[256];

	hooks_state_json(buf, sizeof(buf), "id1", "created", 42, "/b\"u\\n\x01", NULL);
	EXPECT_STREQ("{\"ociVersion\":\"1.2.0\",\"id\":\"id1\",\"status\":\"created\",\"pid\":42,"
		     "\"bundle\":\"/b\\\"u\\\\n\\u0001\",\"annotations\":{}}",
		     buf);
}

TEST(required_fields_and_versions)
{
	struct nb_container c;
	struct nb_error err = { 0 };

	EXPECT_EQ(-EINVAL,
		  config("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"/r\"}," BASE_LINUX "]}}",
			 &c, &err));
	EXPECT_NE(NULL, strstr(err.msg, "process: missing (required)")) TH_LOG("%s", err.msg);
	EXPECT_EQ(-EINVAL,
		  config("{\"ociVersion\":\"2.0.0\",\"root\":{\"path\":\"/r\"}," BASE_PROCESS
			 "}," BASE_LINUX "]}}",
			 &c, &err));
	EXPECT_NE(NULL, strstr(err.msg, "ociVersion: want a 1.x version")) TH_LOG("%s", err.msg);
	EXPECT_EQ(-EINVAL,
		  config("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"/r\"}," BASE_PROCESS
			 "},\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]}}",
			 &c, &err));
	EXPECT_NE(NULL, strstr(err.msg, "a mount namespace is required")) TH_LOG("%s", err.msg);
	EXPECT_EQ(-EINVAL,
		  config("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"/r\"}," BASE_PROCESS
			 "}," BASE_LINUX
			 ",{\"type\":\"network\",\"path\":\"/proc/self/ns/uts\"}]}}",
			 &c, &err));
	EXPECT_NE(NULL, strstr(err.msg, "linux.namespaces[2].path: not a namespace of this type"))
	TH_LOG("%s", err.msg);
	EXPECT_EQ(-EINVAL, config("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"/r\"},"
				  "\"hostname\":\"h\"," BASE_PROCESS "},\"linux\":{\"namespaces\":"
				  "[{\"type\":\"mount\"}]}}",
				  &c, &err));
	EXPECT_NE(NULL, strstr(err.msg, "hostname: needs a uts namespace")) TH_LOG("%s", err.msg);
}

TEST_HARNESS_MAIN
