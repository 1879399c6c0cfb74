/* Walking config.json's tree against tables of fields (include/oci_walk.h): messages with the
 * JSON path and the value's line and column, type checks, arrays of strings, bundle paths. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oci_config.h"
#include "oci_walk.h"
#include "option.h"

int oci_bad(struct oci_walk *w, const struct json_value *v, const char *path, const char *why)
{
	w->err->code = EINVAL;
	if (v)
		snprintf(w->err->msg, sizeof(w->err->msg), OCI_CONFIG_NAME ":%u:%u: %s: %s",
			 v->line, v->col, path, why);
	else
		snprintf(w->err->msg, sizeof(w->err->msg), OCI_CONFIG_NAME ": %s: %s", path, why);
	return -EINVAL;
}

int oci_by_option(struct oci_walk *w, const struct json_value *v, const char *path,
		  const struct cli_option *table, const char *name, const char *arg)
{
	struct nb_error e = { 0 };

	while (table->name && strcmp(table->name, name))
		table++;
	if (!table->name || table->handler(w->c, arg, &e))
		return oci_bad(w, v, path, table->name ? e.msg : "no such option");
	return 0;
}

void oci_path_member(char *out, const char *path, const char *name)
{
	snprintf(out, OCI_PATH_MAX, "%s%s%.64s", path, *path ? "." : "", name);
}

void oci_path_index(char *out, const char *path, size_t i)
{
	snprintf(out, OCI_PATH_MAX, "%s[%zu]", path, i);
}

int oci_want(struct oci_walk *w, const struct json_value *v, const char *path, enum json_type type)
{
	char why[64];

	if (v->type == type || (type == JSON_TRUE && v->type == JSON_FALSE))
		return 0;
	snprintf(why, sizeof(why), "expected %s, got %s", json_type_name(type),
		 json_type_name(v->type));
	return oci_bad(w, v, path, why);
}

int oci_want_bool(struct oci_walk *w, const struct json_value *v, const char *path, bool *out)
{
	int rc = oci_want(w, v, path, JSON_TRUE);

	if (!rc)
		*out = v->type == JSON_TRUE;
	return rc;
}

int oci_want_uint(struct oci_walk *w, const struct json_value *v, const char *path, uint64_t max,
		  uint64_t *out)
{
	char why[64];

	if (v->type != JSON_NUMBER)
		return oci_want(w, v, path, JSON_NUMBER);
	if (!json_uint(v, max, out))
		return 0;
	snprintf(why, sizeof(why), "expected a whole number from 0 to %llu",
		 (unsigned long long)max);
	return oci_bad(w, v, path, why);
}

int oci_want_int(struct oci_walk *w, const struct json_value *v, const char *path, int64_t min,
		 int64_t max, int64_t *out)
{
	char why[80];

	if (v->type != JSON_NUMBER)
		return oci_want(w, v, path, JSON_NUMBER);
	if (!json_int(v, min, max, out))
		return 0;
	snprintf(why, sizeof(why), "expected a whole number from %lld to %lld", (long long)min,
		 (long long)max);
	return oci_bad(w, v, path, why);
}

/* The field's key in config.json: its name without OCI_REQUIRED. */
static const char *field_key(const struct oci_field *f)
{
	return f->name + (*f->name == *OCI_REQUIRED);
}

static const struct oci_field *field_named(const struct oci_field *fields, const char *name)
{
	for (; fields->name; fields++)
		if (!strcmp(field_key(fields), name))
			return fields;
	return NULL;
}

int oci_walk_object(struct oci_walk *w, const struct json_value *obj, const char *path,
		    const struct oci_field *fields)
{
	char sub[OCI_PATH_MAX];
	int rc = oci_want(w, obj, path, JSON_OBJECT);

	for (const struct json_value *m = rc ? NULL : obj->child; m; m = m->next) {
		const struct oci_field *f = field_named(fields, m->key);

		oci_path_member(sub, path, m->key);
		for (const struct json_value *e = obj->child; e != m; e = e->next)
			if (!strcmp(e->key, m->key))
				return oci_bad(w, m, sub, "given twice");
		if (!f)
			return oci_bad(w, m, sub, "unknown field");
		if (!f->walk)
			return oci_bad(w, m, sub, "not supported yet");
		rc = f->walk(w, m, sub);
		if (rc)
			return rc;
	}
	for (const struct oci_field *f = fields; !rc && f->name; f++)
		if (*f->name == *OCI_REQUIRED && !json_member(obj, field_key(f))) {
			oci_path_member(sub, path, field_key(f));
			return oci_bad(w, obj, sub, "missing (required)");
		}
	return rc;
}

int oci_walk_array(struct oci_walk *w, const struct json_value *v, const char *path,
		   int (*each)(struct oci_walk *w, const struct json_value *e, const char *path))
{
	char sub[OCI_PATH_MAX];
	size_t i = 0;
	int rc = oci_want(w, v, path, JSON_ARRAY);

	for (const struct json_value *e = rc ? NULL : v->child; !rc && e; e = e->next, i++) {
		oci_path_index(sub, path, i);
		rc = each(w, e, sub);
	}
	return rc;
}

/* A non-empty string array into a NULL-terminated vector of its strings. */
int oci_string_array(struct oci_walk *w, const struct json_value *v, const char *path,
		     const char ***out, int *n)
{
	char sub[OCI_PATH_MAX];
	const struct json_value *e;
	const char **list;
	int i = 0, rc = oci_want(w, v, path, JSON_ARRAY);

	if (rc)
		return rc;
	list = calloc(v->n + 1, sizeof(*list));
	if (!list)
		return nb_fail_errno(w->err, OCI_CONFIG_NAME, path);
	for (e = v->child; e; e = e->next, i++) {
		oci_path_index(sub, path, (size_t)i);
		rc = oci_want(w, e, sub, JSON_STRING);
		if (rc) {
			free(list);
			return rc;
		}
		list[i] = e->str;
	}
	*out = list;
	if (n)
		*n = i;
	return 0;
}

/* bundle/rel, or path itself when absolute. */
int oci_bundle_path(struct oci_walk *w, const struct json_value *v, const char *path,
		    const char **out)
{
	char *joined;

	if (!v->str[0])
		return oci_bad(w, v, path, "empty path");
	if (v->str[0] == '/') {
		*out = v->str;
		return 0;
	}
	if (asprintf(&joined, "%s/%s", w->bundle, v->str) < 0)
		return nb_fail_errno(w->err, OCI_CONFIG_NAME, path);
	*out = joined;
	return 0;
}
