/* The boot.conf reader (runtime/boot_conf.c; boot mode: nestbox as the machine's PID 1). The
 * input is taken whole, NUL bytes included (a line with one is refused, not cut). */
#include "boot_conf.h"
#include "fuzz.h"

/* Container lines go through cli_parse_run, whose small strings live as long as the process by
 * design (boot mode parses boot.conf once): not leaks, as in fuzz_cli. */
const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct boot_conf conf;

	if (size >= sizeof(conf.text))
		return 0; /* conf_read refuses larger files */
	memcpy(conf.text, data, size);
	conf.len = size;
	boot_conf_parse(&conf, "fuzz.conf");
	return 0;
}
