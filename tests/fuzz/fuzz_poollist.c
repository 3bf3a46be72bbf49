/* fuzz_poollist.c: the pool-list loader and matcher on arbitrary text:
 * load the input as a list, then match every line of it as a name. */
#include <stdint.h>
#include <string.h>

#include "sw_poollist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sw_poollist *pl = poollist_new();
	struct sw_pool_match m;
	char err[512];
	size_t i = 0;

	if (pl == NULL)
		return 0;
	(void)poollist_load_buf(pl, "fuzz", (const char *)data, size, err, sizeof(err));
	(void)poollist_load_buf(pl, "fuzz2", "pool.example # coin=xmr\nexample.org\n", 36, err, sizeof(err));
	while (i < size) {
		const uint8_t *nl = memchr(data + i, '\n', size - i);
		size_t n = nl ? (size_t)(nl - data - i) : size - i;

		(void)poollist_match(pl, (const char *)data + i, n, &m);
		i += n + 1;
	}
	poollist_free(pl);
	return 0;
}
