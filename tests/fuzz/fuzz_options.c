/* One option's value parser at a time: the first byte picks the option among every table's
 * options that take a value (--bind, --ip, --memory, --cpuset, --uidmap, --rlimit, --io-max ...),
 * the rest is its value. Shorter inputs than fuzz_cli's, so the value grammars go deeper. */
#include <getopt.h>

#include "cli.h"
#include "fuzz.h"

const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}

static const struct cli_option *const tables[] = {
	cli_run_options, cli_security_options, net_options,
	cgroup_options,	 mount_options,	       cli_docker_options,
};

static const struct cli_option *pick(unsigned n)
{
	unsigned count = 0;

	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (const struct cli_option *o = tables[t]; o->name; o++)
			count += cli_option_has_arg(o);
	n %= count;
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (const struct cli_option *o = tables[t]; o->name; o++)
			if (cli_option_has_arg(o) && !n--)
				return o;
	return NULL;
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
	const struct cli_option *o;
	char opt[64], *value, *argv[8];
	struct nb_container c;
	struct nb_error err = { 0 };

	if (size < 1)
		return 0;
	o = pick(data[0]);
	value = fuzz_string(data + 1, size - 1);
	snprintf(opt, sizeof(opt), "--%s", o->name);
	argv[0] = "run";
	argv[1] = opt;
	argv[2] = value;
	argv[3] = "--rootfs";
	argv[4] = "/";
	argv[5] = "--";
	argv[6] = "true";
	argv[7] = NULL;
	optind = 0;
	getopt_long(1, reset_argv, "", NULL, NULL);
	memset(&c, 0, sizeof(c));
	if (cli_parse_run(7, argv, &c, &err) < 0 && !err.msg[0])
		abort();
	free_lists(&c);
	free(value);
	return 0;
}
