/* The --seccomp FILE text policy (runtime/seccomp.c), read from a memfd by its own reader. */
#include "fuzz.h"
#include "seccomp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nb_security_spec s;
	struct nb_error err = { 0 };

	memset(&s, 0, sizeof(s));
	if (seccomp_parse_file(fuzz_file(data, size), &s, &err) < 0 && !err.msg[0])
		abort();
	free(s.rules);
	return 0;
}
