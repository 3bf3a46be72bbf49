/* fuzz_proxy.c: HTTP CONNECT, plain HTTP Host and SOCKS4/4a/5 handshakes
 * (dissectors/, driven as the engine does: fuzz_app.h). */
#include "fuzz_app.h"

extern const struct sw_dissector sw_dissector_proxy;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_app_run(&sw_dissector_proxy, data, size);
	return 0;
}
