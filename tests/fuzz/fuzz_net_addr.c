/* --ip / --host-ip / --gateway addresses (runtime/net.c): parse, then subnet membership of
 * the address in itself. */
#include "fuzz.h"
#include "net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	struct nb_net_addr a, b;

	if (!net_parse_addr(text, false, &a) && !net_parse_addr(text, true, &b)) {
		if (!net_addr_in_subnet(&a, &b) || a.prefix > (a.family == 4 ? 32u : 128u))
			; /* both outcomes are valid; the parse itself is what is fuzzed */
	}
	free(text);
	return 0;
}
