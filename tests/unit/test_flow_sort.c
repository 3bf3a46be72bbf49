/* test_flow_sort.c: flow_sort_by_seq (the order flow_flush and
 * flow_expire end flows in) against qsort, on 2 to 17 flows (insertion
 * up to 16), on ranges needing from no pass to all eight, with equal
 * keys, already sorted and reversed input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "sw_test.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int cmp_seq(const void *a, const void *b)
{
	const struct sw_flow *x = *(const struct sw_flow *const *)a;
	const struct sw_flow *y = *(const struct sw_flow *const *)b;

	return x->seq_no < y->seq_no ? -1 : x->seq_no > y->seq_no;
}

/* Sort n flows with seq_no = base + (a value below span) and compare with
 * qsort's order. Equal keys: the radix sort is stable, qsort need not be,
 * so only the keys are compared. order: 0 random, 1 ascending, 2
 * descending. */
static void check(size_t n, uint64_t base, uint64_t span, int order)
{
	struct sw_flow *flows = calloc(n ? n : 1, sizeof(*flows));
	struct sw_flow **a = malloc((n ? n : 1) * sizeof(*a));
	struct sw_flow **b = malloc((n ? n : 1) * sizeof(*b));
	struct sw_flow **tmp = malloc((n ? n : 1) * sizeof(*tmp));
	size_t i, bad = 0;

	FAIL_IF(flows == NULL || a == NULL || b == NULL || tmp == NULL);
	for (i = 0; i < n; i++) {
		uint64_t v = span ? next() % span : 0;

		if (order == 1)
			v = span ? (uint64_t)i * (span / (n + 1)) : 0;
		else if (order == 2)
			v = span ? (uint64_t)(n - i) * (span / (n + 1)) : 0;
		flows[i].seq_no = base + v;
		a[i] = b[i] = &flows[i];
	}
	flow_sort_by_seq(a, tmp, n);
	qsort(b, n, sizeof(*b), cmp_seq);
	for (i = 0; i < n; i++)
		if (a[i]->seq_no != b[i]->seq_no)
			bad++;
	/* stable: equal keys keep their input order */
	for (i = 1; i < n; i++)
		if (a[i - 1]->seq_no == a[i]->seq_no && a[i - 1] > a[i])
			bad++;
	EXPECT_EQ_U64(bad, 0);
	free(flows);
	free(a);
	free(b);
	free(tmp);
}

int main(void)
{
	static const uint64_t spans[] = { 0, 1, 2, 255, 256, 257, 65536, 1u << 20,
	    1ull << 32, 1ull << 40, UINT64_MAX };
	size_t s;
	int order;

	check(0, 0, 0, 0);
	check(1, 42, 0, 0);
	/* a tick's few (insertion), and just past them (radix) */
	for (s = 2; s <= 17; s++)
		for (order = 0; order < 3; order++) {
			check(s, 5, 1000, order);
			check(s, 0, 3, order);
		}
	for (s = 0; s < sizeof(spans) / sizeof(spans[0]); s++)
		for (order = 0; order < 3; order++) {
			check(1000, 0, spans[s], order);
			check(1000, UINT64_MAX / 3, spans[s] / 2, order);
			check(37, 7, spans[s], order);
		}
	/* the lowest and highest keys there are: all eight passes */
	{
		struct sw_flow f[3];
		struct sw_flow *a[3] = { &f[0], &f[1], &f[2] }, *tmp[3];

		memset(f, 0, sizeof(f));
		f[0].seq_no = UINT64_MAX;
		f[1].seq_no = 0;
		f[2].seq_no = 1ull << 63;
		flow_sort_by_seq(a, tmp, 3);
		FAIL_UNLESS(a[0] == &f[1] && a[1] == &f[2] && a[2] == &f[0]);
	}
	return sw_test_done("test_flow_sort");
}
