/* The `nestbox run` command line: argv is the input split at NUL bytes, after "run". Every
 * option table (cli_option_tables[]) and every handler is reached through cli_parse_run. */
#include <getopt.h>

#include "cli.h"
#include "fuzz.h"

#define MAX_ARGS 64

/* cli_parse_run's small strings live as long as the process by design (one run per
 * process); the lists are freed below so that millions of runs fit in memory. */
const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}

static void free_lists(struct nb_container *c)
{
	if (c->n_layers)
		free((void *)c->layers[0]); /* split_layers' copy of the list */
	free(c->layers);
	free(c->mounts);
	free(c->env);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *const reset_argv[] = { "x", NULL };
	char *text = fuzz_string(data, size), *argv[MAX_ARGS + 2];
	struct nb_container c;
	struct nb_error err = { 0 };
	int argc = 0;

	argv[argc++] = "run";
	for (size_t i = 0; i <= size && argc < MAX_ARGS; i += strlen(text + i) + 1)
		argv[argc++] = text + i;
	argv[argc] = NULL;
	/* glibc's getopt keeps a pointer into the previous argv: optind 0 forgets it. */
	optind = 0;
	getopt_long(1, reset_argv, "", NULL, NULL);
	memset(&c, 0, sizeof(c));
	if (cli_parse_run(argc, argv, &c, &err) < 0 && !err.msg[0])
		abort(); /* a failure must say why */
	free_lists(&c);
	free(text);
	return 0;
}
