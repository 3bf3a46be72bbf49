/* stratum-method-names.c: see stratum-method-names.h. */
#include <strings.h>
#include <string.h>

#include "stratum-method-names.h"

const char *const stratum_common_methods[] = {
#define SM_NAME(id, name) name,
	STRATUM_METHODS(SM_NAME)
#undef SM_NAME
	NULL
};

/* The lengths, known when compiling: a name of another length is passed
 * over with one compare. */
static const unsigned char stratum_method_len[] = {
#define SM_LEN(id, name) sizeof(name) - 1,
	STRATUM_METHODS(SM_LEN)
#undef SM_LEN
};
_Static_assert(sizeof(stratum_method_len) == SM_COUNT, "one length per name");
#define SM_FITS(id, name) _Static_assert(sizeof(name) - 1 <= STRATUM_METHOD_NAME_MAX, name);
STRATUM_METHODS(SM_FITS)
#undef SM_FITS

enum stratum_method stratum_method_lookup(const char *name, size_t n, int *exact)
{
	int i;

	*exact = 0;
	if (name == NULL || n == 0)
		return SM_UNKNOWN;
	for (i = 0; i < SM_COUNT; i++) {
		const char *t = stratum_common_methods[i];

		if (stratum_method_len[i] != n || (t[0] | 0x20) != (name[0] | 0x20) ||
		    strncasecmp(t, name, n) != 0)
			continue;
		*exact = memcmp(t, name, n) == 0;
		return (enum stratum_method)i;
	}
	return SM_UNKNOWN;
}
