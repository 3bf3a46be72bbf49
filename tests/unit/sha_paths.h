/* sha_paths.h: a hash's SHA-extension path (sw_sha_ni.h, taken when the
 * CPU has it) against its software one, on pseudo-random inputs of every
 * length from 0 to 320 bytes: the padding's one- and two-block tails and
 * the multi-block body. Says on stdout which was possible here. */
#ifndef SHA_PATHS_H
#define SHA_PATHS_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sw_sha_ni.h"
#include "sw_test.h"

static void sha_paths_compare(const char *what, void (*hash)(const uint8_t *, size_t, uint8_t *),
    size_t out_len, uint64_t seed)
{
	uint8_t buf[320], a[64], b[64];
	uint64_t x = seed;
	size_t n, i;

	FAIL_IF(out_len > sizeof(a));
	for (n = 0; n <= sizeof(buf); n++) {
		for (i = 0; i < n; i++) {
			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			buf[i] = (uint8_t)x;
		}
		hash(buf, n, a);
		sw_sha_ni_disable(1);
		hash(buf, n, b);
		sw_sha_ni_disable(0);
		EXPECT_EQ_U64(memcmp(a, b, out_len), 0);
	}
	printf("# %s on the SHA extensions %s\n", what,
	    sw_sha_ni_available() ? "compared with software" : "not available here: software only");
}

#endif
