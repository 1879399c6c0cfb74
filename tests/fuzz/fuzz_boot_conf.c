/* The boot.conf reader (runtime/boot_conf.c; boot mode: nestbox as the machine's PID 1). */
#include "boot.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct boot_conf conf;

	if (size >= sizeof(conf.text))
		return 0; /* conf_read refuses larger files */
	memcpy(conf.text, data, size);
	conf.text[size] = '\0';
	boot_conf_parse(&conf, "fuzz.conf");
	return 0;
}
