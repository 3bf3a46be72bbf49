/* stratum-method-names.c: see stratum-method-names.h. */
#include <stdint.h>
#include <strings.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "stratum-method-names.h"

const char *const stratum_common_methods[] = {
#define SM_NAME(id, name) name,
	STRATUM_METHODS(SM_NAME)
#undef SM_NAME
	NULL
};

/* The lengths, known when compiling, padded with zeros (no name's
 * length) to whole 16-byte rows: the names of the length looked for are
 * found sixteen at a time (and the EVE event writes a name as its key
 * without measuring it). */
#define SM_LEN_ROWS ((SM_COUNT + 15) / 16)
const unsigned char stratum_common_method_len[SM_LEN_ROWS * 16] = {
#define SM_LEN(id, name) sizeof(name) - 1,
	STRATUM_METHODS(SM_LEN)
#undef SM_LEN
};
_Static_assert(SM_COUNT <= 64, "one bit per name in a uint64_t");
#define SM_FITS(id, name) _Static_assert(sizeof(name) - 1 <= STRATUM_METHOD_NAME_MAX, name);
STRATUM_METHODS(SM_FITS)
#undef SM_FITS

/* The names n bytes long, as bits by number (0 < n <= 255). Passing over
 * the names of other lengths one at a time cost 37 compares a lookup,
 * at every message. */
static uint64_t sm_of_len(size_t n)
{
	uint64_t bits = 0;
	size_t i;

#if defined(__SSE2__)
	const __m128i want = _mm_set1_epi8((char)n);

	for (i = 0; i < SM_LEN_ROWS; i++) {
		const __m128i row = _mm_loadu_si128((const __m128i *)(const void *)
		    (stratum_common_method_len + 16 * i));

		bits |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(row, want)) << (16 * i);
	}
#else
	for (i = 0; i < SM_COUNT; i++)
		bits |= (uint64_t)(stratum_common_method_len[i] == n) << i;
#endif
	return bits;
}

enum stratum_method stratum_method_lookup(const char *name, size_t n, int *exact)
{
	uint64_t cand;

	*exact = 0;
	if (name == NULL || n == 0 || n > STRATUM_METHOD_NAME_MAX)
		return SM_UNKNOWN;
	/* in table order, as before. Bytes equal in any case are equal with
	 * 0x20 set: the first and last are a cheap test before the whole
	 * name, which is usually spelled as the table has it (one memcmp). */
	for (cand = sm_of_len(n); cand != 0; cand &= cand - 1) {
		int i = __builtin_ctzll(cand);
		const char *t = stratum_common_methods[i];

		if ((t[0] | 0x20) != (name[0] | 0x20) || (t[n - 1] | 0x20) != (name[n - 1] | 0x20))
			continue;
		if (memcmp(t, name, n) == 0) {
			*exact = 1;
			return (enum stratum_method)i;
		}
		if (strncasecmp(t, name, n) == 0)
			return (enum stratum_method)i;
	}
	return SM_UNKNOWN;
}
