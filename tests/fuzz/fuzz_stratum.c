/* fuzz_stratum.c: the Stratum dissector (dissectors/stratum*.c: framing,
 * JSON-RPC, dialects, sessions, getwork over HTTP, Stratum V2) on both
 * directions of arbitrary streams, driven as the engine does (fuzz_app.h):
 * sliced, re-presented tails, gaps, EOF, then facts and events. */
#include "fuzz_app.h"

extern const struct sw_dissector sw_dissector_stratum;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_app_run(&sw_dissector_stratum, data, size);
	return 0;
}
