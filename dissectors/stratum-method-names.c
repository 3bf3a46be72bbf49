/* stratum-method-names.c: see stratum-method-names.h. */
#include <stdint.h>
#include <strings.h>
#include <string.h>

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

enum stratum_method stratum_method_lookup(const char *name, size_t n, int *exact)
{
	uint64_t cand;

	*exact = 0;
	if (name == NULL || n == 0 || n > STRATUM_METHOD_NAME_MAX)
		return SM_UNKNOWN;
	/* in table order, as before. Bytes equal in any case are equal with
	 * 0x20 set: the first and last are a cheap test before the whole
	 * name, which is usually spelled as the table has it (one memcmp). */
	for (cand = stratum_len_bits(stratum_common_method_len, SM_LEN_ROWS, n); cand != 0;
	    cand &= cand - 1) {
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
