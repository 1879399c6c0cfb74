/* The JSON parser (runtime/json.c) and config.json's walker (runtime/oci_config.c, with
 * oci_seccomp.c for linux.seccomp) on any bytes: a refused input must say where
 * (NAME:LINE:COL), an accepted one must be a tree whose strings are C strings, and the walker
 * must take or refuse it without touching the kernel. */
#include <sanitizer/allocator_interface.h>

#include "fuzz.h"
#include "container.h"
#include "json.h"
#include "oci_config.h"
#include "oci_seccomp.h"

/* oci_config_parse's lists live as long as the process by design (as cli.c's); here they are
 * freed after each input, or a long run grows past libFuzzer's RSS limit. Strings inside the
 * text are not the walker's. */
static void free_outside(const void *p, const char *text, size_t size)
{
	if ((const char *)p < text || (const char *)p > text + size)
		free((void *)p);
}

static void free_description(struct nb_container *c, const char *text, size_t size)
{
	if (c->layers)
		free_outside(c->layers[0], text, size);
	for (int i = 0; i < c->n_mounts; i++)
		if (c->mounts[i].op == NB_MOUNT_BIND)
			free_outside(c->mounts[i].source, text, size);
		else if (c->mounts[i].data && __sanitizer_get_ownership(c->mounts[i].data))
			free((void *)c->mounts[i].data); /* a tmpfs/mqueue mount's options */
	oci_seccomp_free(c->security.profile);		 /* linux.seccomp's, never in the text */
	free(c->layers);
	free(c->mounts);
	free((void *)c->argv);
	free(c->env);
}

static void walk(const struct json_value *v)
{
	for (; v; v = v->next) {
		if (v->type == JSON_STRING && strlen(v->str) > 1 << 20)
			abort();
		walk(v->child);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size), *copy = fuzz_string(data, size);
	struct nb_error err = { 0 };
	struct json_value *root = json_parse(text, size, "f.json", &err);
	struct nb_container c;

	if (root)
		walk(root);
	else if (strncmp(err.msg, "f.json:", 7))
		abort(); /* a refusal without its place */
	json_free(root);
	oci_config_parse(copy, size, "/b", "fuzz", &c, &err);
	free_description(&c, copy, size);
	free(copy);
	free(text);
	return 0;
}
