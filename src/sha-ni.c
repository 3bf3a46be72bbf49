/* sha-ni.c: whether the SHA extensions may be used (sw_sha_ni.h). The
 * blocks themselves are beside the software ones, in src/community_id.c
 * (SHA-1) and dissectors/sha256.c (SHA-256). */
#include "sw_sha_ni.h"

static int sha_ni_off;

void sw_sha_ni_disable(int off)
{
	__atomic_store_n(&sha_ni_off, off != 0, __ATOMIC_RELAXED);
}

#if SW_SHA_NI
#include <cpuid.h>

/* CPUID leaf 1 ECX: SSSE3 (bit 9), SSE4.1 (bit 19); leaf 7 EBX: SHA (bit
 * 29). Asked once; -1 until then (every thread finds the same answer, so
 * a race only asks twice). (clang 14's __builtin_cpu_supports does not
 * know "sha".) */
static int sha_ni_cpu = -1;

int sw_sha_ni_available(void)
{
	int yes = __atomic_load_n(&sha_ni_cpu, __ATOMIC_RELAXED);

	if (yes < 0) {
		unsigned a, b, c, d;

		yes = __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 9)) && (c & (1u << 19)) &&
		    __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 29));
		__atomic_store_n(&sha_ni_cpu, yes, __ATOMIC_RELAXED);
	}
	return yes && !__atomic_load_n(&sha_ni_off, __ATOMIC_RELAXED);
}

#else /* no SHA extensions to use */

int sw_sha_ni_available(void)
{
	return 0;
}

#endif
