/* test_reasm.c: TCP reassembly (src/reasm.c) against its documented
 * policies: every split and order gives back the original stream; first
 * wins on overlaps; gaps are reported; sequence wrap; FIN/EOF once; depth,
 * segment and memory caps counted; no memory left behind. */
#include "sw_reasm.h"
#include "sw_test.h"

struct sink {
	uint8_t out[65536];
	size_t n;
	int gaps, eofs, depth_eof;
	uint64_t gap_len;
	int line_mode;     /* consume only up to the last LF */
};

static size_t deliver(void *arg, const struct sw_slice *s)
{
	struct sink *k = arg;
	size_t use = s->len;

	if (s->flags & SW_SLICE_GAP) {
		k->gaps++;
		k->gap_len += s->gap_len;
	}
	if (s->flags & SW_SLICE_EOF)
		k->eofs++;
	if (s->flags & SW_SLICE_DEPTH)
		k->depth_eof++;
	if (k->line_mode && !(s->flags & SW_SLICE_EOF)) {
		while (use > 0 && s->data[use - 1] != '\n')
			use--;
	}
	if (use > 0 && k->n + use <= sizeof(k->out)) {
		memcpy(k->out + k->n, s->data, use);
		k->n += use;
	}
	return use;
}

static struct sw_limits lim;
static struct sw_counters_reasm cnt;
static struct sw_reasm_ctx ctx;

static void setup(void)
{
	sw_limits_default(&lim);
	memset(&cnt, 0, sizeof(cnt));
	ctx.limits = &lim;
	ctx.counters = &cnt;
	ctx.mem_used = 0;
}

struct seg { uint32_t seq; size_t off, len; uint8_t flags; };

/* Feed segments of msg (by offsets) in the given order, SYN first. */
static void feed(struct sink *k, const char *msg, uint32_t isn, const struct seg *segs,
    size_t nseg, const size_t *order, int finish)
{
	struct sw_reasm_dir d;
	struct sw_guarded g;
	size_t i;

	reasm_dir_init(&d);
	reasm_segment(&ctx, &d, 0, isn, 0x02, NULL, 0, 1, deliver, k, NULL);
	for (i = 0; i < nseg; i++) {
		const struct seg *s = &segs[order ? order[i] : i];
		const uint8_t *p = sw_guarded_copy(&g, msg + s->off, s->len);

		reasm_segment(&ctx, &d, 0, isn + 1 + (uint32_t)s->off, s->flags | 0x10, p,
		    s->len, 2 + i, deliver, k, NULL);
		sw_guarded_free(&g);
	}
	if (finish)
		reasm_finish(&ctx, &d, 0, 100, deliver, k, NULL);
	reasm_dir_free(&ctx, &d);
}

static void test_splits(void)
{
	static const char msg[] =
	    "{\"id\":1,\"method\":\"login\",\"params\":{\"login\":\"x\"}}\n{\"id\":2}\n";
	size_t n = sizeof(msg) - 1, a, b, i;
	static const size_t perms[6][3] = {
		{ 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 }, { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 },
	};
	uint32_t isns[] = { 1000, 0xffffffe0u, 0xfffffffeu };
	size_t ii;

	for (ii = 0; ii < 3; ii++)
		for (a = 1; a < n; a++)
			for (b = a + 1; b <= n; b++) {
				struct seg segs[3] = {
					{ 0, 0, a, 0 }, { 0, a, b - a, 0 }, { 0, b, n - b, 0x01 },
				};
				for (i = 0; i < 6; i++) {
					struct sink k;

					memset(&k, 0, sizeof(k));
					k.line_mode = (i & 1);
					setup();
					feed(&k, msg, isns[ii], segs, 3, perms[i], 1);
					FAIL_IF(k.n != n || memcmp(k.out, msg, n) != 0);
					FAIL_IF(k.eofs != 1);
					FAIL_IF(k.gaps != 0);
					FAIL_IF(ctx.mem_used != 0);
				}
			}
}

static void test_overlap_first_wins(void)
{
	struct sw_reasm_dir d;
	struct sink k;

	setup();
	memset(&k, 0, sizeof(k));
	reasm_dir_init(&d);
	reasm_segment(&ctx, &d, 0, 99, 0x02, NULL, 0, 1, deliver, &k, NULL);
	/* third segment first (buffered), then a different overlapping copy */
	reasm_segment(&ctx, &d, 0, 110, 0x10, (const uint8_t *)"CCCCC", 5, 2, deliver, &k, NULL);
	reasm_segment(&ctx, &d, 0, 108, 0x10, (const uint8_t *)"XXZZZ", 5, 3, deliver, &k, NULL);
	reasm_segment(&ctx, &d, 0, 100, 0x10, (const uint8_t *)"AAAAA", 5, 4, deliver, &k, NULL);
	reasm_segment(&ctx, &d, 0, 105, 0x10, (const uint8_t *)"BBBBB", 5, 5, deliver, &k, NULL);
	reasm_finish(&ctx, &d, 0, 6, deliver, &k, NULL);
	reasm_dir_free(&ctx, &d);
	/* "XX" at 108-109 was new when it came; "ZZZ" overlapped buffered C's */
	FAIL_IF(k.n != 15 || memcmp(k.out, "AAAAABBBXXCCCCC", 15) != 0);
	FAIL_UNLESS(cnt.overlap_diff >= 1);
	FAIL_IF(ctx.mem_used != 0);
}

static void test_retrans_diff_in_tail(void)
{
	struct sw_reasm_dir d;
	struct sink k;

	setup();
	memset(&k, 0, sizeof(k));
	k.line_mode = 1; /* keeps "abc" unconsumed in the tail */
	reasm_dir_init(&d);
	reasm_segment(&ctx, &d, 0, 0, 0x02, NULL, 0, 1, deliver, &k, NULL);
	reasm_segment(&ctx, &d, 0, 1, 0x10, (const uint8_t *)"abc", 3, 2, deliver, &k, NULL);
	reasm_segment(&ctx, &d, 0, 1, 0x10, (const uint8_t *)"abX", 3, 3, deliver, &k, NULL);
	reasm_segment(&ctx, &d, 0, 4, 0x10, (const uint8_t *)"d\n", 2, 4, deliver, &k, NULL);
	reasm_dir_free(&ctx, &d);
	FAIL_IF(k.n != 5 || memcmp(k.out, "abcd\n", 5) != 0);
	EXPECT_EQ_U64(cnt.overlap_diff, 1);
	EXPECT_EQ_U64(cnt.retransmissions, 1);
}

static void test_gap_by_ack(void)
{
	struct sw_reasm_dir d;
	struct sink k;

	setup();
	memset(&k, 0, sizeof(k));
	reasm_dir_init(&d);
	reasm_segment(&ctx, &d, 0, 0, 0x02, NULL, 0, 1, deliver, &k, NULL);
	reasm_segment(&ctx, &d, 0, 1, 0x10, (const uint8_t *)"one\n", 4, 2, deliver, &k, NULL);
	/* "two\n" (seq 5..8) is missing; the peer ACKs past it */
	reasm_peer_ack(&ctx, &d, 0, 9, 3, deliver, &k, NULL);
	reasm_segment(&ctx, &d, 0, 9, 0x10, (const uint8_t *)"three\n", 6, 4, deliver, &k, NULL);
	reasm_dir_free(&ctx, &d);
	FAIL_IF(k.n != 10 || memcmp(k.out, "one\nthree\n", 10) != 0);
	EXPECT_EQ_U64(k.gaps, 1);
	EXPECT_EQ_U64(k.gap_len, 4);
	EXPECT_EQ_U64(cnt.gaps, 1);
	EXPECT_EQ_U64(cnt.gap_bytes, 4);
}

static void test_gap_at_finish_and_fin_ack(void)
{
	struct sw_reasm_dir d;
	struct sink k;

	setup();
	memset(&k, 0, sizeof(k));
	reasm_dir_init(&d);
	reasm_segment(&ctx, &d, 0, 0, 0x02, NULL, 0, 1, deliver, &k, NULL);
	reasm_segment(&ctx, &d, 0, 1, 0x10, (const uint8_t *)"a\n", 2, 2, deliver, &k, NULL);
	reasm_segment(&ctx, &d, 0, 5, 0x10, (const uint8_t *)"c\n", 2, 3, deliver, &k, NULL);
	reasm_finish(&ctx, &d, 0, 4, deliver, &k, NULL);
	reasm_dir_free(&ctx, &d);
	FAIL_IF(k.n != 4 || memcmp(k.out, "a\nc\n", 4) != 0);
	EXPECT_EQ_U64(k.gaps, 1);
	EXPECT_EQ_U64(k.eofs, 1);

	/* the ACK of a FIN (fin_seq + 1) is not a gap */
	setup();
	memset(&k, 0, sizeof(k));
	reasm_dir_init(&d);
	reasm_segment(&ctx, &d, 0, 0, 0x02, NULL, 0, 1, deliver, &k, NULL);
	reasm_segment(&ctx, &d, 0, 1, 0x11, (const uint8_t *)"a\n", 2, 2, deliver, &k, NULL);
	reasm_peer_ack(&ctx, &d, 0, 4, 3, deliver, &k, NULL);
	reasm_finish(&ctx, &d, 0, 4, deliver, &k, NULL);
	reasm_dir_free(&ctx, &d);
	EXPECT_EQ_U64(k.gaps, 0);
	EXPECT_EQ_U64(k.eofs, 1);
}

static void test_midstream(void)
{
	struct sw_reasm_dir d;
	struct sink k;

	setup();
	memset(&k, 0, sizeof(k));
	reasm_dir_init(&d);
	reasm_segment(&ctx, &d, 0, 5000, 0x18, (const uint8_t *)"tail\nnext\n", 10, 1, deliver, &k, NULL);
	reasm_segment(&ctx, &d, 0, 4990, 0x18, (const uint8_t *)"0123456789", 10, 2, deliver, &k, NULL);
	reasm_dir_free(&ctx, &d);
	FAIL_IF(k.n != 10);
	EXPECT_EQ_U64(k.gaps, 1); /* the first slice says bytes came before */
	EXPECT_EQ_U64(cnt.retransmissions, 1);
}

static void test_depth(void)
{
	struct sw_reasm_dir d;
	struct sink k;

	setup();
	lim.reasm_depth = 8;
	memset(&k, 0, sizeof(k));
	reasm_dir_init(&d);
	reasm_segment(&ctx, &d, 0, 0, 0x02, NULL, 0, 1, deliver, &k, NULL);
	reasm_segment(&ctx, &d, 0, 1, 0x10, (const uint8_t *)"12345", 5, 2, deliver, &k, NULL);
	reasm_segment(&ctx, &d, 0, 6, 0x10, (const uint8_t *)"67890", 5, 3, deliver, &k, NULL);
	reasm_segment(&ctx, &d, 0, 11, 0x10, (const uint8_t *)"abc", 3, 4, deliver, &k, NULL);
	reasm_finish(&ctx, &d, 0, 5, deliver, &k, NULL);
	reasm_dir_free(&ctx, &d);
	FAIL_IF(k.n != 8 || memcmp(k.out, "12345678", 8) != 0);
	EXPECT_EQ_U64(k.depth_eof, 1);
	EXPECT_EQ_U64(k.eofs, 1);
	EXPECT_EQ_U64(cnt.depth_reached, 1);
}

static void test_caps(void)
{
	struct sw_reasm_dir d;
	struct sink k;
	uint32_t i;

	/* segment cap: 4 buffered at most; then the oldest hole is given up */
	setup();
	lim.reasm_max_segments = 4;
	memset(&k, 0, sizeof(k));
	reasm_dir_init(&d);
	reasm_segment(&ctx, &d, 0, 0, 0x02, NULL, 0, 1, deliver, &k, NULL);
	for (i = 0; i < 10; i++)
		reasm_segment(&ctx, &d, 0, 1 + 10 + i * 2, 0x10, (const uint8_t *)"x", 1, 2, deliver, &k, NULL);
	reasm_finish(&ctx, &d, 0, 3, deliver, &k, NULL);
	reasm_dir_free(&ctx, &d);
	FAIL_UNLESS(cnt.gaps >= 1);
	EXPECT_EQ_U64(k.n, 10);
	FAIL_IF(ctx.mem_used != 0);

	/* memcap: nothing can be buffered out of order */
	setup();
	lim.reasm_memcap = 16;
	memset(&k, 0, sizeof(k));
	reasm_dir_init(&d);
	reasm_segment(&ctx, &d, 0, 0, 0x02, NULL, 0, 1, deliver, &k, NULL);
	reasm_segment(&ctx, &d, 0, 100, 0x10, (const uint8_t *)"late data", 9, 2, deliver, &k, NULL);
	EXPECT_EQ_U64(cnt.memcap, 1);
	reasm_dir_free(&ctx, &d);
	FAIL_IF(ctx.mem_used != 0);

	/* unparsed cap: a dissector that never consumes */
	setup();
	lim.reasm_max_unparsed = 10;
	memset(&k, 0, sizeof(k));
	k.line_mode = 1;
	reasm_dir_init(&d);
	reasm_segment(&ctx, &d, 0, 0, 0x02, NULL, 0, 1, deliver, &k, NULL);
	reasm_segment(&ctx, &d, 0, 1, 0x10, (const uint8_t *)"0123456789abcdef", 16, 2, deliver, &k, NULL);
	reasm_segment(&ctx, &d, 0, 17, 0x10, (const uint8_t *)"x\ny\n", 4, 3, deliver, &k, NULL);
	reasm_dir_free(&ctx, &d);
	EXPECT_EQ_U64(cnt.unparsed_overflow, 1);
	FAIL_IF(k.n != 4 || memcmp(k.out, "x\ny\n", 4) != 0);
	EXPECT_EQ_U64(k.gaps, 1);
}

/* Random orders and duplicates of a 10 KB stream (fixed seed). */
static void test_random(void)
{
	static char msg[10000];
	uint32_t rng = 12345;
	int round;
	size_t i;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (char)('a' + i % 26);
	for (round = 0; round < 1000; round++) {
		struct seg segs[64];
		size_t order[128], nseg = 0, off = 0, n, nord;
		struct sink k;

		while (off < sizeof(msg) && nseg < 63) {
			rng = rng * 1103515245 + 12345;
			n = 1 + (rng >> 16) % 400;
			if (off + n > sizeof(msg))
				n = sizeof(msg) - off;
			segs[nseg].off = off;
			segs[nseg].len = n;
			segs[nseg].flags = 0;
			nseg++;
			off += n;
		}
		segs[nseg].off = off;
		segs[nseg].len = sizeof(msg) - off;
		segs[nseg].flags = 0x01;
		nseg++;
		nord = 0;
		for (i = 0; i < nseg; i++)
			order[nord++] = i;
		for (i = 0; i < nseg / 4; i++) { /* duplicates */
			rng = rng * 1103515245 + 12345;
			order[nord++] = (rng >> 16) % nseg;
		}
		for (i = nord - 1; i > 0; i--) { /* shuffle */
			size_t j, t;

			rng = rng * 1103515245 + 12345;
			j = (rng >> 16) % (i + 1);
			t = order[i];
			order[i] = order[j];
			order[j] = t;
		}
		setup();
		memset(&k, 0, sizeof(k));
		k.line_mode = round & 1;
		feed(&k, msg, rng, segs, nord, order, 1);
		FAIL_IF(k.n != sizeof(msg) || memcmp(k.out, msg, sizeof(msg)) != 0);
		FAIL_IF(k.gaps != 0 || k.eofs != 1);
		FAIL_IF(ctx.mem_used != 0);
	}
}

int main(void)
{
	test_splits();
	test_overlap_first_wins();
	test_retrans_diff_in_tail();
	test_gap_by_ack();
	test_gap_at_finish_and_fin_ack();
	test_midstream();
	test_depth();
	test_caps();
	test_random();
	return sw_test_done("test_reasm");
}
