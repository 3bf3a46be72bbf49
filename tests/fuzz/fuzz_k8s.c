/* fuzz_k8s.c: the pod attribution inputs on arbitrary bytes: the input is
 * loaded as a pods file (PodList JSON) and as a conntrack text file, then
 * every address the index and the table hold is looked up, and watch
 * events replay the same items (MODIFIED, DELETED) with a reference held
 * across them, so the eviction and refcount paths run too. */
#include <stdint.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "sw_conntrack.h"
#include "sw_pods.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sw_pod_index *idx = pods_new(4, NULL);
	struct sw_conntrack *ct = ct_new(8, NULL);
	const struct sw_pod *p = NULL, *held = NULL;
	const struct sw_ct_entry *ce;
	char err[512];
	cJSON *doc, *it;
	unsigned k;

	if (idx == NULL || ct == NULL)
		goto out;
	(void)pods_load_buf(idx, "fuzz", (const char *)data, size, err, sizeof(err));
	(void)ct_load_buf(ct, "fuzz", (const char *)data, size, err, sizeof(err));
	doc = cJSON_ParseWithLength((const char *)data, size);
	if (doc != NULL) {
		const cJSON *items = cJSON_GetObjectItemCaseSensitive(doc, "items");

		if (!cJSON_IsArray(items))
			items = NULL;

		pods_relist_begin(idx);
		cJSON_ArrayForEach(it, items) {
			uint8_t a[16] = { 10, 0, 0, 1 };

			(void)pods_apply(idx, it, POD_MODIFIED, 1000, err, sizeof(err));
			if (held == NULL && pods_lookup(idx, a, 4, 500, &p, NULL) != PODS_NONE) {
				held = p;
				pod_hold(held);
			}
			(void)pods_apply(idx, it, POD_DELETED, 2000, err, sizeof(err));
		}
		(void)pods_relist_end(idx, 3000);
		cJSON_Delete(doc);
	}
	/* look up the first bytes as addresses, at a few times */
	for (k = 0; k + 16 <= size && k < 256; k += 16) {
		(void)pods_lookup(idx, data + k, 4, (uint64_t)k * 100, &p, NULL);
		(void)pods_lookup(idx, data + k, 6, (uint64_t)k * 100, &p, NULL);
		(void)pods_is_node_addr(idx, data + k, 4);
		ce = ct_lookup(ct, 6, 4, data + k, 1, data + k + 4, 2, k);
		if (ce != NULL)
			(void)ct_is_snat(ce);
	}
	if (held != NULL)
		pods_release(idx, held);
out:
	pods_free(idx);
	ct_free(ct);
	return 0;
}
