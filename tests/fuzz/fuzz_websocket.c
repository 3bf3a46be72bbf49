/* fuzz_websocket.c: WebSocket: the Upgrade handshake, then (un)masked, fragmented frames carrying Stratum
 * (dissectors/, driven as the engine does: fuzz_app.h). */
#include "fuzz_app.h"

extern const struct sw_dissector sw_dissector_websocket;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_app_run(&sw_dissector_websocket, data, size);
	return 0;
}
