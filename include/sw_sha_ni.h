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

/* 1 where the SHA-extension blocks are compiled (x86-64, GCC or clang):
 * the hash files then define them with SW_SHA_NI_TARGET, from Intel's
 * description of the instructions (the SHA extensions white paper, and
 * the intrinsics guide for sha1rnds4, sha1nexte, sha1msg1/2, sha256rnds2
 * and sha256msg1/2). */
#if defined(__x86_64__) && defined(__GNUC__)
#define SW_SHA_NI 1
#define SW_SHA_NI_TARGET __attribute__((target("sha,ssse3,sse4.1")))
#else
#define SW_SHA_NI 0
#endif

/* 1 when those blocks may be called: the CPU has SHA, SSSE3 and SSE4.1,
 * and sw_sha_ni_disable() has not turned them off. */
int sw_sha_ni_available(void);

/* Tests: off = 1 makes sw_sha_ni_available() say 0, so that both paths
 * can be compared in one process; 0 restores it. */
void sw_sha_ni_disable(int off);

#endif
