/* fuzz_stratum_json.c: the Stratum JSON parser (dissectors/stratum-json.c)
 * on its own, with cJSON as the oracle (tests/unit/sj_oracle.h): what
 * sj_parse accepts, cJSON must accept with the same tree. Byte 0 picks the
 * node cap (1..256, small so that SJ_ERR_NODES is common; 0: 4096); the
 * rest is the document. Every member and element is then looked up
 * through the accessors the dissector uses, the document classified as a
 * Stratum message (d->high checked: no byte >= 0x80 before the end of
 * the value when it is 0), and a refused document parsed again after
 * stratum_json_fix_surrogates, as the dissector does. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/sj_oracle.h"
#include "stratum-json.h"
#include "stratum-msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_NODES 4096

static struct sj_node nodes[FUZZ_NODES];

/* Each child found again by name (the first of its name) or by index. */
static void walk(const struct sj_node *v)
{
	const struct sj_node *it;
	int k = 0;

	sj_for_each(it, v) {
		if (v->type == SJ_OBJECT) {
			const struct sj_node *f = sj_object_get(v, it->key);

			if (f == NULL || f > it || strcmp(f->key, it->key) != 0)
				abort();
		} else if (sj_array_get(v, k) != it) {
			abort();
		}
		if (it + it->size > v + v->size)
			abort(); /* a subtree runs past its parent's */
		walk(it);
		k++;
	}
	if (k != (int)(v->type == SJ_ARRAY || v->type == SJ_OBJECT ? v->count : 0))
		abort();
}

static void run(struct sj_doc *d, const uint8_t *s, size_t n)
{
	enum sj_err e = sj_parse(d, s, n);
	struct stratum_msg m;

	if (sj_oracle_check(d, e, s, n) != NULL)
		abort();
	if (e != SJ_OK)
		return;
	walk(&d->nodes[0]);
	/* high == 0: no byte >= 0x80 before end, so the value is UTF-8 (the
	 * dissector skips stratum_utf8_valid then) */
	if (!d->high) {
		size_t i;

		for (i = 0; i < d->end; i++)
			if (s[i] >= 0x80 && !(i < 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf))
				abort();
	}
	stratum_msg_classify(&d->nodes[0], &m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sj_doc d;
	uint8_t *copy;
	char *text;

	if (size < 1)
		return 0;
	memset(&d, 0, sizeof(d));
	d.nodes = nodes;
	d.cap = data[0] == 0 ? FUZZ_NODES : data[0];
	data++;
	size--;
	/* exactly n + 1 bytes: ASan sees any write past the promise */
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	d.text = text;
	d.text_cap = size + 1;
	run(&d, data, size);
	if (d.n == 0 && size > 0 && (copy = malloc(size)) != NULL) {
		memcpy(copy, data, size);
		if (stratum_json_fix_surrogates(copy, size) > 0)
			run(&d, copy, size);
		free(copy);
	}
	free(text);
	return 0;
}
