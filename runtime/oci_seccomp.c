/* linux.seccomp of config.json (runtime-spec config-linux.md "Seccomp"), as clients write it
 * after resolving their profile (Docker's default.json through containerd or podman,
 * runtime-tools' generator): checked against the spec, then resolved for seccomp_profile.c.
 *
 * - defaultAction, syscalls[].action: SCMP_ACT_ALLOW, ERRNO (errnoRet / defaultErrnoRet, EPERM
 *   when absent), KILL (= KILL_THREAD, as libseccomp), KILL_PROCESS, TRAP, LOG, TRACE (the
 *   errno goes to the tracer as runc gives it; with no tracer the call fails with ENOSYS,
 *   seccomp(2)); errnoRet on another action is ignored, as runc does. SCMP_ACT_NOTIFY and
 *   listenerPath need a seccomp agent: refused ("not supported yet").
 * - syscalls[].names: this architecture's names; one it does not have is skipped, as runc and
 *   crun do (profiles list the calls of every architecture).
 * - args[]: {index 0..5, value, valueTwo, op SCMP_CMP_NE/LT/LE/EQ/GE/GT/MASKED_EQ} on the whole
 *   64-bit argument, ANDed (MASKED_EQ: (arg & value) == valueTwo).
 * - architectures: this machine's must be listed (or none): calls through another ABI (x86 or
 *   x32 on x86_64, arm on aarch64) are killed or refused by the preamble, whatever is listed.
 * - flags: SECCOMP_FILTER_FLAG_TSYNC, LOG, SPEC_ALLOW, passed to seccomp(2). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/seccomp.h>

#include "oci_config.h"
#include "oci_seccomp.h"
#include "seccomp.h"

#if defined(__x86_64__)
#define NATIVE_ARCH "SCMP_ARCH_X86_64"
#elif defined(__aarch64__)
#define NATIVE_ARCH "SCMP_ARCH_AARCH64"
#elif defined(__arm__)
#define NATIVE_ARCH "SCMP_ARCH_ARM"
#else
#error "oci_seccomp.c: this architecture's SCMP_ARCH_ name"
#endif

#define ERRNO_MAX 0xffff /* SECCOMP_RET_DATA */

/* Names after their prefix, NUL-separated, in the order of the values of the table below. */
static const char action_names[] = "ALLOW\0ERRNO\0KILL\0KILL_THREAD\0KILL_PROCESS\0TRAP\0LOG\0"
				   "TRACE\0";
static const uint32_t action_rets[] = {
	SECCOMP_RET_ALLOW,	 SECCOMP_RET_ERRNO,	   SECCOMP_RET_KILL_THREAD,
	SECCOMP_RET_KILL_THREAD, SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_TRAP,
	SECCOMP_RET_LOG,	 SECCOMP_RET_TRACE,
};
static const char op_names[] = "NE\0LT\0LE\0EQ\0GE\0GT\0MASKED_EQ\0"; /* enum nb_seccomp_op */
static const char flag_names[] = "TSYNC\0LOG\0SPEC_ALLOW\0";	      /* bits 0, 1, 2 */

/* The index of word (after prefix) in names, or -1. */
/* features: the actions (or operators) this compiler takes, as JSON strings with their
 * prefix, comma-separated (runtime-spec features.md). */
void oci_seccomp_print_names(bool operators)
{
	const char *names = operators ? op_names : action_names;

	for (const char *n = names; *n; n += strlen(n) + 1)
		printf("%s\"SCMP_%s_%s\"", n == names ? "" : ",", operators ? "CMP" : "ACT", n);
}

static int name_index(const char *names, const char *prefix, const char *word)
{
	size_t len = strlen(prefix);

	if (strncmp(word, prefix, len))
		return -1;
	for (int i = 0; *names; i++, names += strlen(names) + 1)
		if (!strcmp(names, word + len))
			return i;
	return -1;
}

/* Checks only (oci_walk_object's table); the values are read once the whole object passed. */
static int check_action(struct oci_walk *w, const struct json_value *v, const char *path)
{
	int rc = oci_want(w, v, path, JSON_STRING);

	if (!rc && !strcmp(v->str, "SCMP_ACT_NOTIFY"))
		return oci_bad(w, v, path,
			       "SCMP_ACT_NOTIFY: not supported (needs a seccomp agent at "
			       "listenerPath)");
	if (!rc && name_index(action_names, "SCMP_ACT_", v->str) < 0)
		return oci_bad(w, v, path, "unknown action");
	return rc;
}

static int check_errno(struct oci_walk *w, const struct json_value *v, const char *path)
{
	uint64_t n;

	return oci_want_uint(w, v, path, ERRNO_MAX, &n);
}

/* Each element a string that table (or, without one, prefix alone) knows. */
static int check_words(struct oci_walk *w, const struct json_value *v, const char *path,
		       const char *table, const char *prefix, const char *why)
{
	char sub[OCI_PATH_MAX];
	int i = 0, rc = oci_want(w, v, path, JSON_ARRAY);

	for (const struct json_value *e = rc ? NULL : v->child; !rc && e; e = e->next, i++) {
		oci_path_index(sub, path, (size_t)i);
		rc = oci_want(w, e, sub, JSON_STRING);
		if (!rc && (table ? name_index(table, prefix, e->str) < 0
				  : strncmp(e->str, prefix, strlen(prefix))))
			rc = oci_bad(w, e, sub, why);
	}
	return rc;
}

static int check_arches(struct oci_walk *w, const struct json_value *v, const char *path)
{
	int rc = check_words(w, v, path, NULL, "SCMP_ARCH_", "expected an SCMP_ARCH_ name");

	if (rc || !v->n)
		return rc;
	for (const struct json_value *e = v->child; e; e = e->next)
		if (!strcmp(e->str, NATIVE_ARCH))
			return 0;
	return oci_bad(w, v, path, "does not list this machine's " NATIVE_ARCH);
}

static int check_flags(struct oci_walk *w, const struct json_value *v, const char *path)
{
	return check_words(w, v, path, flag_names, "SECCOMP_FILTER_FLAG_", "unknown flag");
}

static int check_names(struct oci_walk *w, const struct json_value *v, const char *path)
{
	return check_words(w, v, path, NULL, "", "");
}

static int check_index(struct oci_walk *w, const struct json_value *v, const char *path)
{
	uint64_t n;

	return oci_want_uint(w, v, path, 5, &n);
}

static int check_u64(struct oci_walk *w, const struct json_value *v, const char *path)
{
	uint64_t n;

	return oci_want_uint(w, v, path, UINT64_MAX, &n);
}

static int check_op(struct oci_walk *w, const struct json_value *v, const char *path)
{
	int rc = oci_want(w, v, path, JSON_STRING);

	if (!rc && name_index(op_names, "SCMP_CMP_", v->str) < 0)
		rc = oci_bad(w, v, path, "unknown operator");
	return rc;
}

static const struct oci_field arg_fields[] = {
	{ OCI_REQUIRED "index", check_index },
	{ OCI_REQUIRED "value", check_u64 },
	{ "valueTwo", check_u64 },
	{ OCI_REQUIRED "op", check_op },
	{ NULL, NULL },
};

static int check_arg(struct oci_walk *w, const struct json_value *v, const char *path)
{
	return oci_walk_object(w, v, path, arg_fields);
}

static int check_args(struct oci_walk *w, const struct json_value *v, const char *path)
{
	if (v->type == JSON_ARRAY && v->n > NB_SECCOMP_CMP_MAX)
		return oci_bad(w, v, path, "more than 6 comparisons in one rule");
	return oci_walk_array(w, v, path, check_arg);
}

static const struct oci_field syscall_fields[] = {
	{ OCI_REQUIRED "names", check_names },
	{ OCI_REQUIRED "action", check_action },
	{ "errnoRet", check_errno },
	{ "args", check_args },
	{ NULL, NULL },
};

static int check_syscall(struct oci_walk *w, const struct json_value *v, const char *path)
{
	return oci_walk_object(w, v, path, syscall_fields);
}

static int check_syscalls(struct oci_walk *w, const struct json_value *v, const char *path)
{
	return oci_walk_array(w, v, path, check_syscall);
}

static const struct oci_field seccomp_fields[] = {
	{ OCI_REQUIRED "defaultAction", check_action },
	{ "defaultErrnoRet", check_errno },
	{ "architectures", check_arches },
	{ "flags", check_flags },
	/* SCMP_ACT_NOTIFY's agent: "not supported yet" */
	{ "listenerPath", NULL },
	{ "listenerMetadata", NULL },
	{ "syscalls", check_syscalls },
	{ NULL, NULL },
};

static uint64_t member_u64(const struct json_value *obj, const char *key, uint64_t absent)
{
	const struct json_value *v = json_member(obj, key);

	return v ? v->magnitude : absent;
}

/* The action's SECCOMP_RET_ value, with errno_key's errno (EPERM when absent) for ERRNO and
 * TRACE; another action ignores it, as runc does. */
static uint32_t resolve_action(const struct json_value *obj, const char *action_key,
			       const char *errno_key)
{
	uint32_t r =
	    action_rets[name_index(action_names, "SCMP_ACT_", json_member(obj, action_key)->str)];

	if (r == SECCOMP_RET_ERRNO || r == SECCOMP_RET_TRACE)
		r |= (uint32_t)member_u64(obj, errno_key, EPERM);
	return r;
}

/* One syscalls[] element: its comparisons once, an entry for each name this machine has. */
static void add_rule(struct nb_seccomp_profile *pr, const struct json_value *s, uint32_t ret)
{
	const struct json_value *args = json_member(s, "args");
	unsigned first = (unsigned)pr->n_cmp;

	for (const struct json_value *a = args ? args->child : NULL; a; a = a->next)
		pr->cmp[pr->n_cmp++] = (struct nb_seccomp_cmp){
			.index = (uint8_t)member_u64(a, "index", 0),
			.value = member_u64(a, "value", 0),
			.value_two = member_u64(a, "valueTwo", 0),
			.op = (uint8_t)name_index(op_names, "SCMP_CMP_", json_member(a, "op")->str),
		};
	for (const struct json_value *n = json_member(s, "names")->child; n; n = n->next) {
		int nr = seccomp_syscall_number(n->str);

		if (nr >= 0)
			pr->e[pr->n++] =
			    (struct nb_seccomp_entry){ .ret = ret,
						       .nr = (uint16_t)nr,
						       .n_cmp = (uint8_t)(pr->n_cmp - (int)first),
						       .first_cmp = first };
	}
}

/* The checked object into pr: one allocation for the entries, one for the comparisons. */
static int resolve(const struct json_value *v, struct nb_seccomp_profile *pr)
{
	const struct json_value *calls = json_member(v, "syscalls"), *f = json_member(v, "flags");
	const struct json_value *s, *first = calls ? calls->child : NULL;
	size_t names = 0, cmps = 0;

	pr->default_ret = resolve_action(v, "defaultAction", "defaultErrnoRet");
	for (f = f ? f->child : NULL; f; f = f->next)
		pr->flags |= 1u << name_index(flag_names, "SECCOMP_FILTER_FLAG_", f->str);
	for (s = first; s; s = s->next) {
		const struct json_value *args = json_member(s, "args");

		names += json_member(s, "names")->n;
		cmps += args ? args->n : 0;
	}
	pr->e = calloc(names + 1, sizeof(*pr->e));
	pr->cmp = calloc(cmps + 1, sizeof(*pr->cmp));
	if (!pr->e || !pr->cmp)
		return -ENOMEM;
	for (s = first; s; s = s->next)
		add_rule(pr, s, resolve_action(s, "action", "errnoRet"));
	return 0;
}

int oci_walk_seccomp(struct oci_walk *w, const struct json_value *v, const char *path)
{
	struct nb_seccomp_profile *pr;
	int rc = oci_walk_object(w, v, path, seccomp_fields);

	if (rc)
		return rc;
	pr = calloc(1, sizeof(*pr));
	if (!pr)
		return nb_fail_errno(w->err, OCI_CONFIG_NAME, path);
	if (resolve(v, pr)) {
		oci_seccomp_free(pr);
		return nb_fail_errno(w->err, OCI_CONFIG_NAME, path);
	}
	w->c->security.seccomp = NB_SECCOMP_OCI;
	w->c->security.profile = pr;
	return 0;
}

void oci_seccomp_free(struct nb_seccomp_profile *pr)
{
	if (pr) {
		free(pr->e);
		free(pr->cmp);
		free(pr);
	}
}
