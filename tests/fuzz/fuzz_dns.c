/* fuzz_dns.c: DNS over UDP: each slice one datagram
 * (dissectors/, driven as the engine does: fuzz_app.h). */
#include "fuzz_app.h"

extern const struct sw_dissector sw_dissector_dns;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_app_run(&sw_dissector_dns, data, size);
	return 0;
}
