/* fuzz_dns_tcp.c: DNS over TCP: length-prefixed messages, sliced and re-presented
 * (dissectors/, driven as the engine does: fuzz_app.h). */
#include "fuzz_app.h"

extern const struct sw_dissector sw_dissector_dns_tcp;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_app_run(&sw_dissector_dns_tcp, data, size);
	return 0;
}
