/* sw_sha_ni.h: SHA-1 and SHA-256 blocks on the x86 SHA extensions.
 *
 * The Community ID hashes a SHA-1 for every flow that writes an event, and
 * JA4 two SHA-256s for every TLS flow: in software a block costs 1,530 and
 * 2,900 instructions. CPUs with the SHA extensions (Intel since Goldmont
 * and Ice Lake, AMD since Zen) do a block in a few dozen. The software
 * code stays the reference and the fallback: sw_sha_ni_available() asks
 * the CPU at each call (a load and a test), so a machine without them,
 * or valgrind, whose emulated CPU does not offer them, takes the software
 * path with the same results. */
#ifndef SW_SHA_NI_H
#define SW_SHA_NI_H

#include <stddef.h>
#include <stdint.h>

/* 1 when the blocks below may be called: the CPU has SHA, SSSE3 and
 * SSE4.1, and sw_sha_ni_disable() has not turned them off. */
int sw_sha_ni_available(void);

/* Tests: off = 1 makes sw_sha_ni_available() say 0, so that both paths
 * can be compared in one process; 0 restores it. */
void sw_sha_ni_disable(int off);

/* nblocks 64-byte blocks of p into the chaining values h (FIPS 180-4
 * order: h[0] is A). Only when sw_sha_ni_available(). */
void sw_sha1_blocks_ni(uint32_t h[5], const uint8_t *p, size_t nblocks);
void sw_sha256_blocks_ni(uint32_t h[8], const uint8_t *p, size_t nblocks);

#endif
