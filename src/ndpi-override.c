/* ndpi-override.c: three of nDPI 4.2's exported helpers, defined here so
 * that nDPI's own calls bind to these faster ones, with the same results.
 *
 * nDPI is the largest cost per packet on mixed traffic (ndpi_glue.h): on
 * the mixed benchmark's first 100,000 packets it runs 6,300 times and
 * takes 45% of all instructions. Three of its helpers are leaf functions
 * called from its protocol callbacks:
 *   - NDPI_BITMASK_COMPARE: whether two 512-bit protocol sets share a
 *     bit, asked for every callback of every packet (714,000 calls). The
 *     library walks sixteen 32-bit words and stops at the first common
 *     bit; mostly there is none, so 48 instructions a call, 9% of all.
 *     Here: four 16-byte ANDs ORed together, no branch: 22 instructions
 *     a call under callgrind; with AVX2 (where the CPU has it), two
 *     32-byte ANDs and a test: 12 with the CPU check.
 *   - ndpi_strnstr: the first place a string occurs in the first slen
 *     bytes of a payload (22,000 calls, 465 instructions each: a byte
 *     loop with a strncmp at every candidate; the Mining dissector's
 *     calls over whole payloads take 5,200). Here: glibc's strnlen, memchr
 *     and memcmp, which look at many bytes at once.
 *   - ndpi_exclude_protocol (NDPI_EXCLUDE_PROTO): see its definition.
 *
 * Why nDPI uses these: all three are exported (ndpi_main.h and ndpi_api.h
 * declare them) and libndpi calls them through its PLT, so, as for
 * malloc, a definition in the executable comes first in symbol lookup.
 * test_ndpi_override checks that the dynamic linker resolves each name
 * here, and compares each with the library's own (found with RTLD_NEXT)
 * on random and edge-case inputs. The prototypes are checked against
 * nDPI's headers and the bitmask layout below, so a release that changes
 * either fails to build rather than being silently mis-read. Only the
 * stratumwatch binary (and that test) links this file; unit tests and
 * fuzz targets built on the engine library alone run nDPI's own. */
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
/* GCC and clang on x86-64: an AVX2 version as well, chosen by the CPU
 * at run time (the build stays for any x86-64) */
#if defined(__x86_64__) && defined(__GNUC__)
#define SW_BITMASK_AVX2 1
#endif

#include <ndpi_api.h>

#include "ndpi-override.h"

_Static_assert(sizeof(NDPI_PROTOCOL_BITMASK) == 64, "nDPI's protocol bitmask is 512 bits");
_Static_assert(sizeof(((NDPI_PROTOCOL_BITMASK *)0)->fds_bits) == 64, "bitmask words fill it");

/* 1 when a and b have a protocol in common, else 0 (as the library).
 * The portable version. */
int sw_bitmask_any_base(NDPI_PROTOCOL_BITMASK a, NDPI_PROTOCOL_BITMASK b)
{
#ifdef __SSE2__
	const __m128i *pa = (const __m128i *)(const void *)a.fds_bits;
	const __m128i *pb = (const __m128i *)(const void *)b.fds_bits;
	__m128i any = _mm_or_si128(
	    _mm_or_si128(_mm_and_si128(_mm_loadu_si128(pa), _mm_loadu_si128(pb)),
		_mm_and_si128(_mm_loadu_si128(pa + 1), _mm_loadu_si128(pb + 1))),
	    _mm_or_si128(_mm_and_si128(_mm_loadu_si128(pa + 2), _mm_loadu_si128(pb + 2)),
		_mm_and_si128(_mm_loadu_si128(pa + 3), _mm_loadu_si128(pb + 3))));

	return _mm_movemask_epi8(_mm_cmpeq_epi8(any, _mm_setzero_si128())) != 0xffff;
#else
	uint32_t any = 0;
	size_t i;

	for (i = 0; i < sizeof(a.fds_bits) / sizeof(a.fds_bits[0]); i++)
		any |= a.fds_bits[i] & b.fds_bits[i];
	return any != 0;
#endif
}

/* AVX2 where the CPU has it: two 32-byte ANDs, an OR and a VPTEST on the
 * arguments where the caller left them (VEX loads take any alignment),
 * 12 instructions a call with the CPU check, against 22. Written out
 * here rather than as a target("avx2") function: that one cannot be
 * inlined here, and its call and frame cost 5 more a call, 3.6 million
 * on the mixed head. The library calls through its PLT, and glibc
 * refuses an IFUNC in the executable that a library's eagerly bound
 * relocation needs ("unsatisfiable circular dependency"), so the choice
 * is a test of the CPU-features word, which libgcc fills in before main. */
int NDPI_BITMASK_COMPARE(NDPI_PROTOCOL_BITMASK a, NDPI_PROTOCOL_BITMASK b)
{
#ifdef SW_BITMASK_AVX2
	if (__builtin_cpu_supports("avx2")) {
		int any;

		__asm__("xorl %k0, %k0\n\t"
			"vmovdqu %1, %%ymm0\n\t"
			"vmovdqu %2, %%ymm1\n\t"
			"vpand %3, %%ymm0, %%ymm0\n\t"
			"vpand %4, %%ymm1, %%ymm1\n\t"
			"vpor %%ymm1, %%ymm0, %%ymm0\n\t"
			"vptest %%ymm0, %%ymm0\n\t"
			"setnz %b0\n\t"
			"vzeroupper"
			: "=&q"(any)
			: "m"(*(const uint8_t (*)[32])(const void *)&a.fds_bits[0]),
			  "m"(*(const uint8_t (*)[32])(const void *)&a.fds_bits[8]),
			  "m"(*(const uint8_t (*)[32])(const void *)&b.fds_bits[0]),
			  "m"(*(const uint8_t (*)[32])(const void *)&b.fds_bits[8])
			: "xmm0", "xmm1", "cc");
		return any;
	}
#endif
	return sw_bitmask_any_base(a, b);
}

/* The library's answer, restated: the first occurrence of find (a C
 * string) lying wholly inside the first slen bytes of s and before any
 * NUL in s; s itself when find is empty; NULL otherwise. (Its loop stops
 * at a NUL or at slen, and a candidate is compared only while the rest
 * of find fits in what is left of slen; find has no NUL, so a NUL inside
 * a candidate is a mismatch.) s is read no further than slen bytes. */
char *ndpi_strnstr(const char *s, const char *find, size_t slen)
{
	size_t flen = strlen(find), n;
	const char *p, *end;

	if (flen == 0)
		return (char *)s;
	n = strnlen(s, slen);
	if (flen > n)
		return NULL;
	/* candidates by memchr (a payload holds few of the first byte), each
	 * compared whole: no worse than the library's loop on any input, and
	 * cheaper than memmem's set-up for these short haystacks */
	end = s + (n - flen);
	for (p = s; p <= end; p++) {
		p = memchr(p, find[0], (size_t)(end - p) + 1);
		if (p == NULL)
			return NULL;
		if (memcmp(p + 1, find + 1, flen - 1) == 0)
			return (char *)p;
	}
	return NULL;
}

/* The library's NDPI_EXCLUDE_PROTO: a dissector that has ruled its
 * protocol out marks it in the flow's excluded set, so that its callback
 * is not asked again. 155,000 calls on the mixed benchmark's head, each
 * two calls through the PLT (this and ndpi_is_valid_protoId) and 25
 * instructions; here a bound check and a bit. The library sets the bit
 * for an id below NDPI_NUM_BITS (its protocols and the custom ones) and
 * ignores any other; test_ndpi_override compares every one of the 65,536
 * ids with the library's own on a real flow. */
void ndpi_exclude_protocol(struct ndpi_detection_module_struct *ndpi_struct,
    struct ndpi_flow_struct *flow, u_int16_t master_protocol_id,
    const char *_file, const char *_func, int _line)
{
	(void)ndpi_struct;
	(void)_file;
	(void)_func;
	(void)_line;
	if (master_protocol_id < NDPI_MAX_SUPPORTED_PROTOCOLS + NDPI_MAX_NUM_CUSTOM_PROTOCOLS)
		NDPI_ADD_PROTOCOL_TO_BITMASK(flow->excluded_protocol_bitmask, master_protocol_id);
}
