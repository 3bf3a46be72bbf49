/* test_reasm.c: TCP reassembly (src/reasm.c) against the policies of
 * include/sw_reasm.h: every split and order gives back the original stream;
 * first wins on overlaps; gaps by ACK, by cap and at finish; midstream;
 * sequence wrap; SYN data; FIN/EOF exactly once; depth; segment, memory and
 * unparsed caps counted; zero copy; no memory left behind. */
#include "sw_reasm.h"
#include "sw_test.h"

#define OUT_MAX 16384

enum sink_mode {
	CONSUME_ALL,       /* a dissector that takes everything */
	CONSUME_LINES,     /* line framing: up to the last LF (all at EOF) */
	CONSUME_NONE,      /* never consumes before EOF */
	CONSUME_RANDOM,    /* a random prefix */
	CONSUME_OVERRUN,   /* a buggy dissector claiming len + 5 */
};

/* Records, per direction, the bytes consumed and every slice's flags, and
 * checks the slice contract as it goes. */
struct sink {
	enum sink_mode mode;
	uint32_t rng;
	uint8_t out[2][OUT_MAX];
	size_t n[2];               /* bytes consumed (recorded) */
	uint64_t expect_off[2];    /* stream offset of the first unconsumed byte */
	int slices[2], gaps[2], eofs[2], depth_eofs[2];
	uint64_t gap_len[2];       /* sum over GAP slices */
	uint64_t gap_lens[2][8];   /* each GAP slice's gap_len, first 8 */
	int bad_offset, after_eof;
	const uint8_t *last_data;
	size_t last_len;
	uint8_t last_flags;
};

static size_t deliver(void *arg, const struct sw_slice *s)
{
	struct sink *k = arg;
	int dir = s->dir;
	size_t use = s->len, i;
	volatile uint8_t sum = 0;

	/* touch every byte: ASan or the guard page catch an over-long slice */
	for (i = 0; i < s->len; i++)
		sum ^= s->data[i];
	(void)sum;
	k->slices[dir]++;
	k->last_data = s->data;
	k->last_len = s->len;
	k->last_flags = s->flags;
	if (k->eofs[dir] > 0)
		k->after_eof++;
	if (s->flags & SW_SLICE_GAP) {
		if (k->gaps[dir] < 8)
			k->gap_lens[dir][k->gaps[dir]] = s->gap_len;
		k->gaps[dir]++;
		k->gap_len[dir] += s->gap_len;
		if (s->offset < k->expect_off[dir])
			k->bad_offset++;
	} else if (s->offset != k->expect_off[dir]) {
		k->bad_offset++;
	}
	if (s->flags & SW_SLICE_EOF)
		k->eofs[dir]++;
	if (s->flags & SW_SLICE_DEPTH)
		k->depth_eofs[dir]++;
	if (!(s->flags & SW_SLICE_EOF)) {
		switch (k->mode) {
		case CONSUME_ALL:
			break;
		case CONSUME_LINES:
			while (use > 0 && s->data[use - 1] != '\n')
				use--;
			break;
		case CONSUME_NONE:
			use = 0;
			break;
		case CONSUME_RANDOM:
			k->rng = k->rng * 1103515245u + 12345u;
			use = s->len == 0 ? 0 : (k->rng >> 8) % (s->len + 1);
			break;
		case CONSUME_OVERRUN:
			break;
		}
	}
	if (use > 0 && k->n[dir] + use <= OUT_MAX) {
		memcpy(k->out[dir] + k->n[dir], s->data, use);
		k->n[dir] += use;
	}
	k->expect_off[dir] = s->offset + use;
	return k->mode == CONSUME_OVERRUN ? s->len + 5 : use;
}

/* Anomaly events, by name. */
struct an_log {
	int n;
	const char *ev[32];
};

static void an_report(void *ctx, const struct sw_anomaly *a)
{
	struct an_log *l = ctx;

	if (l->n < 32)
		l->ev[l->n] = a->event;
	l->n++;
}

static int an_count(const struct an_log *l, const char *ev)
{
	int i, c = 0;

	for (i = 0; i < l->n && i < 32; i++)
		c += strcmp(l->ev[i], ev) == 0;
	return c;
}

static struct sw_limits lim;
static struct sw_counters_reasm cnt;
static struct sw_reasm_ctx ctx;
static struct an_log alog;
static struct sw_anomaly_sink asink = { an_report, &alog };
static struct sink k;
static struct sw_reasm_dir d;

static void setup(enum sink_mode mode)
{
	sw_limits_default(&lim);
	memset(&cnt, 0, sizeof(cnt));
	memset(&alog, 0, sizeof(alog));
	memset(&k, 0, sizeof(k));
	k.mode = mode;
	k.rng = 7;
	ctx.limits = &lim;
	ctx.counters = &cnt;
	ctx.mem_used = 0;
	reasm_dir_init(&d);
}

/* Free the direction; nothing may stay accounted. */
static void teardown(void)
{
	reasm_dir_free(&ctx, &d);
	EXPECT_EQ_U64(ctx.mem_used, 0);
	FAIL_IF(k.bad_offset != 0);
	FAIL_IF(k.after_eof != 0);
}

/* One segment of direction 0, its payload flush against a guard page. */
static void seg(uint32_t seq, uint8_t flags, const char *data, size_t len)
{
	struct sw_guarded g;
	const uint8_t *p = sw_guarded_copy(&g, data, len);

	reasm_segment(&ctx, &d, 0, seq, flags, len ? p : NULL, len, 1, deliver, &k, &asink);
	sw_guarded_free(&g);
}

static void segs(uint32_t seq, uint8_t flags, const char *str)
{
	seg(seq, flags, str, strlen(str));
}

static void ack(uint32_t a)
{
	reasm_peer_ack(&ctx, &d, 0, a, 2, deliver, &k, &asink);
}

static void finish(void)
{
	reasm_finish(&ctx, &d, 0, 3, deliver, &k, &asink);
}

static int out_is(const char *want)
{
	return k.n[0] == strlen(want) && memcmp(k.out[0], want, k.n[0]) == 0;
}

#define SYN 0x02
#define FIN 0x01
#define ACK 0x10
#define RST 0x04

/* msg cut at the given offsets (cuts[0] = 0, cuts[nseg] = len) and fed in
 * order[], SYN first; FIN rides on the last piece when fin. */
static void feed_cut(const char *msg, uint32_t isn, const size_t *cuts,
    size_t nseg, const size_t *order, int fin)
{
	size_t i, j;

	seg(isn, SYN, NULL, 0);
	for (i = 0; i < nseg; i++) {
		j = order[i];
		seg(isn + 1 + (uint32_t)cuts[j], (uint8_t)(ACK | (fin && j == nseg - 1 ? FIN : 0)),
		    msg + cuts[j], cuts[j + 1] - cuts[j]);
	}
	finish();
}

static void check_whole(const char *msg, size_t len)
{
	FAIL_IF(k.n[0] != len || memcmp(k.out[0], msg, len) != 0);
	EXPECT_EQ_U64(k.eofs[0], 1);
	EXPECT_EQ_U64(k.gaps[0], 0);
	FAIL_UNLESS(k.last_flags & SW_SLICE_EOF);
}

/* Every split into 2 and 3 pieces, every order, both sink kinds, FIN or
 * not, ISNs that wrap before, at and inside the stream. */
static void test_splits(void)
{
	static const char msg[] =
	    "{\"id\":1,\"method\":\"login\",\"params\":{\"login\":\"x\"}}\n{\"id\":2}\n";
	static const size_t perm3[6][3] = {
		{ 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 }, { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 },
	};
	static const size_t perm2[2][2] = { { 0, 1 }, { 1, 0 } };
	static const uint32_t isns[] = { 1000, 0xffffff00u, 0xffffffffu, 0xffffffe0u };
	size_t n = sizeof(msg) - 1, a, b, p, ii;
	int mode, fin;

	for (ii = 0; ii < sizeof(isns) / sizeof(isns[0]); ii++)
		for (mode = 0; mode < 2; mode++)
			for (fin = 0; fin < 2; fin++) {
				for (a = 1; a < n; a++) {
					size_t cuts2[3] = { 0, a, n };

					for (p = 0; p < 2; p++) {
						setup(mode ? CONSUME_LINES : CONSUME_ALL);
						feed_cut(msg, isns[ii], cuts2, 2, perm2[p], fin);
						check_whole(msg, n);
						teardown();
					}
					for (b = a + 1; b < n; b++) {
						size_t cuts3[4] = { 0, a, b, n };

						for (p = 0; p < 6; p++) {
							setup(mode ? CONSUME_LINES : CONSUME_ALL);
							feed_cut(msg, isns[ii], cuts3, 3, perm3[p], fin);
							check_whole(msg, n);
							EXPECT_EQ_U64(cnt.bytes_delivered, n);
							teardown();
						}
					}
				}
			}
}

/* In-order data with no tail goes to the dissector from the packet. */
static void test_zero_copy(void)
{
	static const uint8_t pkt[] = "line one\n";

	setup(CONSUME_ALL);
	seg(0, SYN, NULL, 0);
	reasm_segment(&ctx, &d, 0, 1, ACK, pkt, 9, 1, deliver, &k, &asink);
	FAIL_UNLESS(k.last_data == pkt);
	EXPECT_EQ_U64(cnt.in_order_zero_copy, 1);
	EXPECT_EQ_U64(cnt.mem_peak, 0);
	/* with a partial line kept, the next slice is the tail plus the data */
	k.mode = CONSUME_LINES;
	segs(10, ACK, "two");
	FAIL_UNLESS(k.last_data != NULL && k.last_len == 3);
	EXPECT_EQ_U64(reasm_dir_holding(&d).tail_len, 3);
	segs(13, ACK, " more\nthree");
	EXPECT_EQ_U64(k.last_len, 11 + 3);
	FAIL_UNLESS(out_is("line one\ntwo more\n"));
	EXPECT_EQ_U64(reasm_dir_holding(&d).tail_len, 5);
	segs(24, ACK, "\n");
	FAIL_UNLESS(out_is("line one\ntwo more\nthree\n"));
	EXPECT_EQ_U64(reasm_dir_holding(&d).tail_len, 0);
	teardown();
}

/* First wins; differing re-sent bytes are counted when we can compare. */
static void test_overlap_first_wins(void)
{
	/* against buffered out-of-order data */
	setup(CONSUME_ALL);
	seg(99, SYN, NULL, 0);
	segs(110, ACK, "CCCCC");     /* 10..14 buffered */
	segs(108, ACK, "XXZZZ");     /* 8..9 new, 10..12 differ from C's */
	segs(100, ACK, "AAAAA");
	segs(105, ACK, "BBBBB");     /* 5..7 new, 8..9 differ from XX */
	finish();
	FAIL_UNLESS(out_is("AAAAABBBXXCCCCC"));
	EXPECT_EQ_U64(cnt.overlap_diff, 2);
	EXPECT_EQ_U64(cnt.overlap, 2);
	EXPECT_EQ_U64(an_count(&alog, "stream.reassembly_overlap_different_data"), 1);
	teardown();

	/* against the unparsed tail (bytes we still hold) */
	setup(CONSUME_LINES);
	seg(0, SYN, NULL, 0);
	segs(1, ACK, "abc");
	segs(1, ACK, "abX");
	segs(4, ACK, "d\n");
	FAIL_UNLESS(out_is("abcd\n"));
	EXPECT_EQ_U64(cnt.overlap_diff, 1);
	EXPECT_EQ_U64(cnt.retransmissions, 1);
	teardown();

	/* consumed and freed bytes cannot be compared: a retransmission */
	setup(CONSUME_ALL);
	seg(0, SYN, NULL, 0);
	segs(1, ACK, "hello\n");
	segs(1, ACK, "HELLO\n");
	FAIL_UNLESS(out_is("hello\n"));
	EXPECT_EQ_U64(cnt.retransmissions, 1);
	EXPECT_EQ_U64(cnt.overlap_diff, 0);
	/* partly old, partly new: only the new part is delivered */
	segs(4, ACK, "lo\nworld\n");
	FAIL_UNLESS(out_is("hello\nworld\n"));
	EXPECT_EQ_U64(cnt.overlap, 1);
	EXPECT_EQ_U64(cnt.bytes_delivered, 12);
	teardown();

	/* an in-order segment over a buffered one: the buffered copy wins */
	setup(CONSUME_ALL);
	seg(0, SYN, NULL, 0);
	segs(6, ACK, "BBB");          /* 5..7 */
	segs(1, ACK, "aaaaaXXXcc");   /* 0..9 */
	FAIL_UNLESS(out_is("aaaaaBBBcc"));
	EXPECT_EQ_U64(cnt.overlap_diff, 1);
	EXPECT_EQ_U64(cnt.in_order_zero_copy, 2); /* "aaaaa" and "cc" */
	teardown();
}

static void test_gap_by_ack(void)
{
	/* a lost segment, ACKed by the peer: GAP slice, then resync */
	setup(CONSUME_LINES);
	seg(0, SYN, NULL, 0);
	segs(1, ACK, "one\n");
	ack(1);                       /* nothing new */
	ack(5);
	/* "two\n" (5..8) never seen; the peer ACKs past it */
	ack(9);
	EXPECT_EQ_U64(k.gaps[0], 0);  /* no data yet to flag */
	segs(9, ACK, "three\n");
	FAIL_UNLESS(out_is("one\nthree\n"));
	EXPECT_EQ_U64(k.gaps[0], 1);
	EXPECT_EQ_U64(k.gap_lens[0][0], 4);
	EXPECT_EQ_U64(cnt.gaps, 1);
	EXPECT_EQ_U64(cnt.gap_bytes, 4);
	/* the lost segment turns up late: old news */
	segs(5, ACK, "two\n");
	EXPECT_EQ_U64(cnt.retransmissions, 1);
	FAIL_UNLESS(out_is("one\nthree\n"));
	teardown();

	/* two holes under one ACK, buffered data between them */
	setup(CONSUME_LINES);
	seg(0, SYN, NULL, 0);
	segs(1, ACK, "one\n");        /* 0..3 */
	segs(10, ACK, "three\n");     /* 9..14, after hole 4..8 */
	segs(21, ACK, "five\n");      /* 20..24, after hole 15..19 */
	ack(26);
	FAIL_UNLESS(out_is("one\nthree\nfive\n"));
	EXPECT_EQ_U64(k.gaps[0], 2);
	EXPECT_EQ_U64(k.gap_lens[0][0], 5);
	EXPECT_EQ_U64(k.gap_lens[0][1], 5);
	EXPECT_EQ_U64(cnt.gap_bytes, 10);
	EXPECT_EQ_U64(reasm_dir_holding(&d).ooo_count, 0);
	FAIL_IF(d.held != NULL); /* nothing left to hold: freed */
	teardown();

	/* an ACK that stops inside a hole skips only to it */
	setup(CONSUME_ALL);
	seg(0, SYN, NULL, 0);
	segs(11, ACK, "later");       /* 10..14 */
	ack(6);                       /* 0..4 lost */
	EXPECT_EQ_U64(d.next_off, 5);
	segs(6, ACK, "abcde");        /* 5..9: GAP, then "later" follows */
	FAIL_UNLESS(out_is("abcdelater"));
	EXPECT_EQ_U64(k.gaps[0], 1);
	EXPECT_EQ_U64(k.gap_lens[0][0], 5);
	teardown();

	/* an ACK a gigabyte ahead is not believed */
	setup(CONSUME_ALL);
	seg(0, SYN, NULL, 0);
	segs(1, ACK, "x");
	ack(2 + (1u << 30) + 1);
	EXPECT_EQ_U64(cnt.bogus_ack, 1);
	EXPECT_EQ_U64(cnt.gaps, 0);
	ack(0xffff0000u);             /* far behind: an old ACK, ignored */
	EXPECT_EQ_U64(cnt.gaps, 0);
	EXPECT_EQ_U64(cnt.bogus_ack, 1);
	teardown();

	/* the ACK of a FIN (fin_seq + 1) is not a gap */
	setup(CONSUME_ALL);
	seg(0, SYN, NULL, 0);
	segs(1, ACK | FIN, "a\n");
	ack(4);
	finish();
	EXPECT_EQ_U64(k.gaps[0], 0);
	EXPECT_EQ_U64(k.eofs[0], 1);
	teardown();

	/* FIN seen beyond a hole; the ACK of the FIN closes it */
	setup(CONSUME_ALL);
	seg(0, SYN, NULL, 0);
	segs(1, ACK, "a\n");
	segs(5, ACK | FIN, "c\n");    /* 4..5, hole 2..3 */
	ack(8);
	FAIL_UNLESS(out_is("a\nc\n"));
	EXPECT_EQ_U64(k.gaps[0], 1);
	EXPECT_EQ_U64(k.gap_lens[0][0], 2);
	EXPECT_EQ_U64(k.eofs[0], 1);
	teardown();
}

static void test_gap_at_finish(void)
{
	setup(CONSUME_LINES);
	seg(0, SYN, NULL, 0);
	segs(1, ACK, "a\n");
	segs(5, ACK, "c\n");          /* 4..5, hole 2..3 */
	segs(9, ACK, "e\n");          /* 8..9, hole 6..7 */
	EXPECT_EQ_U64(k.gaps[0], 0);
	finish();
	finish();                     /* twice: still one EOF */
	FAIL_UNLESS(out_is("a\nc\ne\n"));
	EXPECT_EQ_U64(k.gaps[0], 2);
	EXPECT_EQ_U64(k.gap_lens[0][0], 2);
	EXPECT_EQ_U64(k.gap_lens[0][1], 2);
	EXPECT_EQ_U64(k.eofs[0], 1);
	EXPECT_EQ_U64(cnt.gaps, 2);
	teardown();

	/* a direction that never started still gets its one EOF */
	setup(CONSUME_ALL);
	finish();
	EXPECT_EQ_U64(k.eofs[0], 1);
	EXPECT_EQ_U64(k.slices[0], 1);
	teardown();
}

static void test_midstream(void)
{
	setup(CONSUME_LINES);
	seg(5000, ACK, NULL, 0);      /* a bare ACK does not start the stream */
	FAIL_IF(d.started);
	segs(5000, ACK | 0x08, "tail\nnext\n");
	EXPECT_EQ_U64(k.gaps[0], 1);  /* the first slice says bytes came before */
	EXPECT_EQ_U64(k.gap_lens[0][0], 0);
	segs(4990, ACK, "0123456789"); /* wholly before the pickup */
	EXPECT_EQ_U64(cnt.old_data, 1);
	segs(4995, ACK, "56789tail\n"); /* before and already delivered */
	EXPECT_EQ_U64(cnt.old_data, 2);
	EXPECT_EQ_U64(cnt.retransmissions, 1);
	segs(5005, ACK, "next\nlast\n"); /* overlap plus new bytes */
	FAIL_UNLESS(out_is("tail\nnext\nlast\n"));
	EXPECT_EQ_U64(cnt.overlap, 1);
	EXPECT_EQ_U64(cnt.gaps, 0);   /* a pickup is not a declared hole */
	EXPECT_EQ_U64(k.gaps[0], 1);
	teardown();

	/* a segment from before the pickup that also carries new bytes */
	setup(CONSUME_ALL);
	segs(5000, ACK, "abc");
	segs(4995, ACK, "XXXXXabcdef");
	FAIL_UNLESS(out_is("abcdef"));
	EXPECT_EQ_U64(cnt.old_data, 1);
	EXPECT_EQ_U64(cnt.overlap, 1);
	teardown();

	/* midstream start with a bare FIN: EOF at once */
	setup(CONSUME_ALL);
	seg(77, ACK | FIN, NULL, 0);
	EXPECT_EQ_U64(k.eofs[0], 1);
	teardown();
}

static void test_wrap(void)
{
	static char msg[1000];
	uint32_t isn = 0xffffff00u;
	size_t i;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (char)(i % 50 == 49 ? '\n' : 'a' + i % 26);
	setup(CONSUME_LINES);
	seg(isn, SYN, NULL, 0);
	/* 100-byte segments, the even ones first: the wrap (offset 255)
	 * falls inside segment 2 */
	for (i = 0; i < 10; i += 2)
		seg(isn + 1 + (uint32_t)(i * 100), ACK, msg + i * 100, 100);
	for (i = 1; i < 10; i += 2)
		seg(isn + 1 + (uint32_t)(i * 100), ACK, msg + i * 100, 100);
	FAIL_UNLESS(k.n[0] == 1000 && memcmp(k.out[0], msg, 1000) == 0);
	EXPECT_EQ_U64(d.next_off, 1000);
	EXPECT_EQ_U64(d.next_seq, isn + 1001);
	finish();
	teardown();

	/* a gap by ACK whose ACK number has wrapped */
	setup(CONSUME_ALL);
	seg(0xfffffff0u, SYN, NULL, 0);
	seg(0xfffffff1u, ACK, msg, 10);       /* offsets 0..9 */
	ack(0x00000005u);                     /* 0xfffffffb..4 lost: 10 bytes */
	seg(0x00000005u, ACK, msg + 20, 10);
	EXPECT_EQ_U64(k.gaps[0], 1);
	EXPECT_EQ_U64(k.gap_lens[0][0], 10);
	EXPECT_EQ_U64(d.next_off, 30);
	teardown();
}

static void test_syn(void)
{
	/* data in the SYN starts at seq + 1 */
	setup(CONSUME_ALL);
	segs(100, SYN, "hello\n");
	segs(107, ACK, "world\n");
	FAIL_UNLESS(out_is("hello\nworld\n"));
	EXPECT_EQ_U64(k.gaps[0], 0);
	/* a retransmitted SYN (same ISN) changes nothing */
	segs(100, SYN, "hello\n");
	EXPECT_EQ_U64(cnt.syn_conflict, 0);
	EXPECT_EQ_U64(cnt.retransmissions, 1);
	/* a SYN with another ISN after data: ignored, counted */
	segs(5000, SYN, "evil\n");
	EXPECT_EQ_U64(cnt.syn_conflict, 1);
	segs(113, ACK, "!\n");
	finish();
	FAIL_UNLESS(out_is("hello\nworld\n!\n"));
	EXPECT_EQ_U64(k.gaps[0], 0);
	teardown();

	/* a new ISN before any data: the attempt was restarted, follow it */
	setup(CONSUME_ALL);
	seg(100, SYN, NULL, 0);
	seg(9000, SYN, NULL, 0);
	segs(9001, ACK, "new\n");
	segs(101, ACK, "old\n");      /* before the new ISN: old */
	FAIL_UNLESS(out_is("new\n"));
	EXPECT_EQ_U64(cnt.old_data, 1);
	EXPECT_EQ_U64(cnt.syn_conflict, 0);
	EXPECT_EQ_U64(k.gaps[0], 0);
	teardown();

	/* a SYN after a midstream pickup: conflict */
	setup(CONSUME_ALL);
	segs(500, ACK, "mid\n");
	seg(100, SYN, NULL, 0);
	EXPECT_EQ_U64(cnt.syn_conflict, 1);
	teardown();

	/* an RST's payload is not stream data */
	setup(CONSUME_ALL);
	seg(0, SYN, NULL, 0);
	segs(1, RST, "reset reason");
	EXPECT_EQ_U64(k.n[0], 0);
	finish();
	EXPECT_EQ_U64(k.eofs[0], 1);
	teardown();
}

static void test_fin(void)
{
	/* FIN on the data: EOF once, nothing after */
	setup(CONSUME_ALL);
	seg(0, SYN, NULL, 0);
	segs(1, ACK | FIN, "bye\n");
	EXPECT_EQ_U64(k.eofs[0], 1);
	FAIL_UNLESS(d.closed);
	segs(1, ACK | FIN, "bye\n");  /* retransmitted */
	segs(5, ACK, "more");         /* after the FIN */
	finish();
	FAIL_UNLESS(out_is("bye\n"));
	EXPECT_EQ_U64(k.eofs[0], 1);
	teardown();

	/* FIN first, out of order; buffered data beyond it is dropped */
	setup(CONSUME_ALL);
	seg(0, SYN, NULL, 0);
	segs(12, ACK, "beyond");      /* 11..16, past the FIN-to-be */
	segs(6, ACK | FIN, "world");  /* 5..9, FIN at 10 */
	EXPECT_EQ_U64(reasm_dir_holding(&d).ooo_count, 1);
	segs(1, ACK, "hello");
	FAIL_UNLESS(out_is("helloworld"));
	EXPECT_EQ_U64(k.eofs[0], 1);
	FAIL_UNLESS(k.last_flags & SW_SLICE_EOF);
	teardown();

	/* a bare FIN first, nothing buffered: the data up to it comes
	 * in order, and with it the EOF; bytes past the FIN are not
	 * delivered (in-order data on a direction whose FIN is known does
	 * not take reasm_segment's short way) */
	setup(CONSUME_ALL);
	seg(0, SYN, NULL, 0);
	seg(6, ACK | FIN, NULL, 0);   /* FIN at 5 */
	EXPECT_EQ_U64(reasm_dir_holding(&d).ooo_count, 0);
	FAIL_IF(d.closed);
	segs(1, ACK, "helloXX");      /* 0..6 */
	FAIL_UNLESS(out_is("hello"));
	EXPECT_EQ_U64(k.eofs[0], 1);
	FAIL_UNLESS(d.closed);
	finish();
	EXPECT_EQ_U64(k.eofs[0], 1);
	teardown();

	/* a FIN that straddles buffered data trims it */
	setup(CONSUME_ALL);
	seg(0, SYN, NULL, 0);
	segs(6, ACK, "worldXXX");     /* 5..12 */
	seg(11, ACK | FIN, NULL, 0);  /* FIN at 10 */
	segs(1, ACK, "hello");
	FAIL_UNLESS(out_is("helloworld"));
	EXPECT_EQ_U64(k.eofs[0], 1);
	teardown();

	/* the unparsed tail gets its last look with EOF */
	setup(CONSUME_LINES);
	seg(0, SYN, NULL, 0);
	segs(1, ACK, "line\npartial");
	seg(13, ACK | FIN, NULL, 0);
	FAIL_UNLESS(out_is("line\npartial"));
	EXPECT_EQ_U64(k.eofs[0], 1);
	teardown();
}

static void test_depth(void)
{
	setup(CONSUME_ALL);
	lim.reasm_depth = 8;
	seg(0, SYN, NULL, 0);
	segs(1, ACK, "12345");
	segs(6, ACK, "67890");
	segs(11, ACK, "abc");
	finish();
	FAIL_UNLESS(out_is("12345678"));
	EXPECT_EQ_U64(k.depth_eofs[0], 1);
	EXPECT_EQ_U64(k.eofs[0], 1);
	EXPECT_EQ_U64(cnt.depth_reached, 1);
	EXPECT_EQ_U64(cnt.bytes_delivered, 8);
	EXPECT_EQ_U64(an_count(&alog, "stream.reassembly_depth_reached"), 1);
	teardown();

	/* exactly at the depth: EOF|DEPTH on that slice, at once */
	setup(CONSUME_ALL);
	lim.reasm_depth = 10;
	seg(0, SYN, NULL, 0);
	segs(1, ACK, "12345");
	segs(6, ACK, "67890");
	FAIL_UNLESS(d.closed);
	EXPECT_EQ_U64(k.depth_eofs[0], 1);
	FAIL_UNLESS(k.last_len == 5 && (k.last_flags & SW_SLICE_EOF));
	FAIL_UNLESS(out_is("1234567890"));
	teardown();

	/* depth reached through buffered data, with a line tail */
	setup(CONSUME_LINES);
	lim.reasm_depth = 10;
	seg(0, SYN, NULL, 0);
	segs(5, ACK, "ef\nghijkl");  /* 4..12 */
	segs(1, ACK, "abcd");         /* 0..3, kept as a tail */
	FAIL_UNLESS(out_is("abcdef\nghi"));
	EXPECT_EQ_U64(k.depth_eofs[0], 1);
	EXPECT_EQ_U64(reasm_dir_holding(&d).ooo_count, 0);
	teardown();

	/* a gap that jumps past the depth closes the direction */
	setup(CONSUME_ALL);
	lim.reasm_depth = 10;
	seg(0, SYN, NULL, 0);
	segs(1, ACK, "abc");
	ack(21);
	FAIL_UNLESS(d.closed);
	EXPECT_EQ_U64(k.depth_eofs[0], 1);
	EXPECT_EQ_U64(k.eofs[0], 1);
	FAIL_UNLESS(k.last_flags & SW_SLICE_GAP);
	finish();
	EXPECT_EQ_U64(k.eofs[0], 1);
	teardown();
}

static void test_segment_cap(void)
{
	uint32_t i;

	/* 4 buffered at most; the fifth gives up the first hole */
	setup(CONSUME_ALL);
	lim.reasm_max_segments = 4;
	seg(0, SYN, NULL, 0);
	for (i = 0; i < 10; i++) {
		char c = (char)('a' + i);

		seg(1 + 10 + i * 2, ACK, &c, 1);  /* offsets 10, 12, ... 28 */
		FAIL_IF(reasm_dir_holding(&d).ooo_count > 4);
	}
	EXPECT_EQ_U64(cnt.seg_limit, 6);
	EXPECT_EQ_U64(cnt.gaps, 6);
	EXPECT_EQ_U64(an_count(&alog, "stream.reassembly_segment_limit"), 1);
	EXPECT_EQ_U64(k.n[0], 6);
	finish();
	FAIL_UNLESS(out_is("abcdefghij"));
	EXPECT_EQ_U64(k.eofs[0], 1);
	teardown();

	/* a full buffer must not cost in-order data */
	setup(CONSUME_ALL);
	lim.reasm_max_segments = 2;
	seg(0, SYN, NULL, 0);
	segs(11, ACK, "KK");          /* 10..11 */
	segs(21, ACK, "UU");          /* 20..21 */
	segs(1, ACK, "0123456789KKmnopqrst");
	FAIL_UNLESS(out_is("0123456789KKmnopqrstUU"));
	EXPECT_EQ_U64(cnt.seg_limit, 0);
	EXPECT_EQ_U64(cnt.gaps, 0);
	teardown();

	/* a segment below every buffered one, with the buffer full: the
	 * gap goes only up to it */
	setup(CONSUME_ALL);
	lim.reasm_max_segments = 1;
	seg(0, SYN, NULL, 0);
	segs(21, ACK, "UU");          /* 20..21 */
	segs(11, ACK, "KK");          /* 10..11: full */
	EXPECT_EQ_U64(cnt.seg_limit, 1);
	FAIL_UNLESS(out_is("KK"));
	EXPECT_EQ_U64(k.gap_lens[0][0], 10);
	teardown();

	/* nothing may be buffered: the segment is a hole */
	setup(CONSUME_ALL);
	lim.reasm_max_segments = 0;
	seg(0, SYN, NULL, 0);
	segs(11, ACK, "KK");
	EXPECT_EQ_U64(cnt.seg_limit, 1);
	EXPECT_EQ_U64(reasm_dir_holding(&d).ooo_count, 0);
	teardown();
}

static void test_memcap(void)
{
	static char big[100];

	memset(big, 'z', sizeof(big));
	/* the second out-of-order segment does not fit */
	setup(CONSUME_ALL);
	lim.reasm_memcap = 200;
	seg(0, SYN, NULL, 0);
	seg(101, ACK, big, 100);      /* 100..199: fits */
	seg(301, ACK, big, 100);      /* 300..399: refused */
	EXPECT_EQ_U64(cnt.memcap, 1);
	EXPECT_EQ_U64(reasm_dir_holding(&d).ooo_count, 1);
	FAIL_IF(ctx.mem_used > 200);
	EXPECT_EQ_U64(an_count(&alog, "stream.reassembly_memcap"), 1);
	finish();
	EXPECT_EQ_U64(k.n[0], 100);
	EXPECT_EQ_U64(k.gaps[0], 1);
	FAIL_UNLESS(cnt.mem_peak > 100 && cnt.mem_peak <= 200);
	teardown();

	/* the tail cannot be kept: the next slice is GAP */
	setup(CONSUME_LINES);
	lim.reasm_memcap = 16;
	seg(0, SYN, NULL, 0);
	seg(1, ACK, "one\ntwo-and-a-partial-line", 26);
	EXPECT_EQ_U64(cnt.memcap, 1);
	EXPECT_EQ_U64(reasm_dir_holding(&d).tail_len, 0);
	segs(27, ACK, "\nthree\n");
	FAIL_UNLESS(out_is("one\n\nthree\n"));
	EXPECT_EQ_U64(k.gaps[0], 1);
	teardown();
}

static void test_unparsed_cap(void)
{
	static char chunk[30];
	uint32_t i;

	memset(chunk, 'q', sizeof(chunk));
	setup(CONSUME_NONE);
	lim.reasm_max_unparsed = 100;
	seg(0, SYN, NULL, 0);
	for (i = 0; i < 3; i++) {
		seg(1 + i * 30, ACK, chunk, 30);
		EXPECT_EQ_U64(reasm_dir_holding(&d).tail_len, (i + 1) * 30);
		FAIL_IF(reasm_dir_holding(&d).tail_cap > 100 + 30);
	}
	seg(91, ACK, chunk, 30);      /* 120 unconsumed > 100: dropped */
	EXPECT_EQ_U64(cnt.unparsed_overflow, 1);
	EXPECT_EQ_U64(reasm_dir_holding(&d).tail_len, 0);
	EXPECT_EQ_U64(an_count(&alog, "stream.unparsed_overflow"), 1);
	k.mode = CONSUME_ALL;
	segs(121, ACK, "ok\n");
	FAIL_UNLESS(out_is("ok\n"));
	EXPECT_EQ_U64(k.gaps[0], 1);  /* the parser is told to resync */
	FAIL_UNLESS(k.last_flags & SW_SLICE_GAP);
	teardown();

	/* one huge segment left unconsumed: never kept past the cap */
	setup(CONSUME_NONE);
	lim.reasm_max_unparsed = 10;
	seg(0, SYN, NULL, 0);
	seg(1, ACK, chunk, 30);
	EXPECT_EQ_U64(cnt.unparsed_overflow, 1);
	EXPECT_EQ_U64(reasm_dir_holding(&d).tail_cap, 0);
	FAIL_IF(d.held != NULL);
	teardown();
}

static void test_overrun(void)
{
	setup(CONSUME_OVERRUN);
	seg(0, SYN, NULL, 0);
	segs(1, ACK, "abc");
	EXPECT_EQ_U64(cnt.deliver_overrun, 1);
	EXPECT_EQ_U64(reasm_dir_holding(&d).tail_len, 0);
	segs(4, ACK, "def");
	finish();
	FAIL_UNLESS(out_is("abcdef"));
	EXPECT_EQ_U64(cnt.unparsed_overflow, 0);
	EXPECT_EQ_U64(k.gaps[0], 0);
	teardown();
}

/* Two directions share the context; each gets its own EOF. */
static void test_two_dirs(void)
{
	struct sw_reasm_dir c;
	static const uint8_t req[] = "{\"id\":1}\n", resp[] = "{\"id\":1,\"result\":true}\n";

	setup(CONSUME_LINES);
	reasm_dir_init(&c);
	reasm_segment(&ctx, &d, 0, 10, SYN, NULL, 0, 1, deliver, &k, &asink);
	reasm_segment(&ctx, &c, 1, 500, SYN | ACK, NULL, 0, 1, deliver, &k, &asink);
	reasm_peer_ack(&ctx, &c, 1, 501, 1, deliver, &k, &asink);
	reasm_segment(&ctx, &d, 0, 11, ACK, req, 9, 1, deliver, &k, &asink);
	reasm_peer_ack(&ctx, &d, 0, 20, 1, deliver, &k, &asink);
	reasm_segment(&ctx, &c, 1, 501, ACK, resp, sizeof(resp) - 1, 1, deliver, &k, &asink);
	reasm_finish(&ctx, &d, 0, 2, deliver, &k, &asink);
	reasm_finish(&ctx, &c, 1, 2, deliver, &k, &asink);
	FAIL_UNLESS(k.n[0] == 9 && memcmp(k.out[0], req, 9) == 0);
	FAIL_UNLESS(k.n[1] == sizeof(resp) - 1 && memcmp(k.out[1], resp, sizeof(resp) - 1) == 0);
	EXPECT_EQ_U64(k.eofs[0], 1);
	EXPECT_EQ_U64(k.eofs[1], 1);
	EXPECT_EQ_U64(k.gaps[0] + k.gaps[1], 0);
	reasm_dir_free(&ctx, &c);
	teardown();
}

static uint32_t rnd(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

/* 1000 rounds: a 10 KB stream cut at random, plus re-sent copies cut
 * differently, all shuffled (fixed seed): the output is the input. */
/* reasm_ack_ahead() says yes exactly when reasm_peer_ack() would act:
 * the engine skips the call on its no. */
static int ack_is_noop(uint32_t a)
{
	struct sw_reasm_dir before = d;
	struct sw_counters_reasm cbefore = cnt;
	int slices = k.slices[0];

	ack(a);
	return memcmp(&before, &d, sizeof(d)) == 0 &&
	    memcmp(&cbefore, &cnt, sizeof(cnt)) == 0 && k.slices[0] == slices;
}

static void test_ack_ahead(void)
{
	static const uint32_t isns[] = { 0, 1000, 0xfffffff0u, 0x7fffffffu };
	static const int32_t deltas[] = { -100000, -1, 0, 1, 4, 5, 100000 };
	size_t i, j;

	setup(CONSUME_LINES);
	FAIL_IF(reasm_ack_ahead(&d, 5));       /* not started */
	FAIL_UNLESS(ack_is_noop(5));
	teardown();
	for (i = 0; i < sizeof(isns) / sizeof(isns[0]); i++)
		for (j = 0; j < sizeof(deltas) / sizeof(deltas[0]); j++) {
			uint32_t a = isns[i] + 1 + 4 + (uint32_t)deltas[j];
			int ahead;

			setup(CONSUME_LINES);
			seg(isns[i], SYN, NULL, 0);
			segs(isns[i] + 1, ACK, "one\n");   /* next_seq = isn + 5 */
			ahead = reasm_ack_ahead(&d, a);
			EXPECT_EQ_U64(ahead, deltas[j] > 0);
			if (!ahead)
				FAIL_UNLESS(ack_is_noop(a));
			else
				FAIL_IF(ack_is_noop(a));
			teardown();
		}
	/* closed: never */
	setup(CONSUME_LINES);
	seg(1000, SYN, NULL, 0);
	finish();
	FAIL_IF(reasm_ack_ahead(&d, 2000));
	FAIL_UNLESS(ack_is_noop(2000));
	teardown();
}

/* A bare ACK or RST segment (no SYN, no FIN, no bytes) is counted and
 * changes nothing else, before or after the direction started. */
static int bare_is_noop(uint32_t seq, uint8_t flags)
{
	struct sw_reasm_dir before = d;
	struct sw_counters_reasm cbefore = cnt;
	int slices = k.slices[0];

	cbefore.segments++;
	seg(seq, flags, NULL, 0);
	return memcmp(&before, &d, sizeof(d)) == 0 &&
	    memcmp(&cbefore, &cnt, sizeof(cnt)) == 0 && k.slices[0] == slices;
}

static void test_bare_ack(void)
{
	setup(CONSUME_LINES);
	FAIL_UNLESS(bare_is_noop(77, ACK));        /* before the start */
	seg(100, SYN, NULL, 0);
	segs(101, ACK, "one\ntw");
	FAIL_UNLESS(bare_is_noop(107, ACK));
	FAIL_UNLESS(bare_is_noop(90, ACK));        /* old */
	FAIL_UNLESS(bare_is_noop(5000, ACK));      /* ahead */
	FAIL_UNLESS(bare_is_noop(107, RST | ACK)); /* (the engine then finishes) */
	segs(107, ACK, "o\n");
	FAIL_UNLESS(out_is("one\ntwo\n"));
	EXPECT_EQ_U64(cnt.segments, 8);
	teardown();
}

static void test_random(void)
{
	static char msg[10240];
	struct piece { size_t off, len; } pieces[160];
	uint32_t rng = 12345, isn;
	size_t i, n, np, off;
	int round, fails = 0;

	for (i = 0; i < sizeof(msg); i++) {
		rng = rng * 1103515245u + 12345u;
		msg[i] = (rng >> 16) % 40 == 0 ? '\n' : (char)('a' + (rng >> 16) % 26);
	}
	for (round = 0; round < 1000; round++) {
		np = 0;
		for (off = 0; off < sizeof(msg); off += n) {
			n = 1 + rnd(&rng) % 600;
			if (n > sizeof(msg) - off)
				n = sizeof(msg) - off;
			pieces[np].off = off;
			pieces[np].len = n;
			np++;
		}
		for (i = 0, n = np / 3; i < n && np < 160; i++) { /* re-sent, re-cut */
			pieces[np].off = rnd(&rng) % sizeof(msg);
			pieces[np].len = 1 + rnd(&rng) % 1500;
			if (pieces[np].len > sizeof(msg) - pieces[np].off)
				pieces[np].len = sizeof(msg) - pieces[np].off;
			np++;
		}
		for (i = np - 1; i > 0; i--) {
			size_t j = rnd(&rng) % (i + 1);
			struct piece t = pieces[i];

			pieces[i] = pieces[j];
			pieces[j] = t;
		}
		setup((enum sink_mode)(round % 3 == 0 ? CONSUME_ALL :
		    round % 3 == 1 ? CONSUME_LINES : CONSUME_RANDOM));
		k.rng = rng;
		isn = round % 4 == 0 ? 0xffffffffu - (rnd(&rng) % 12000) : rnd(&rng);
		seg(isn, SYN, NULL, 0);
		for (i = 0; i < np; i++)
			seg(isn + 1 + (uint32_t)pieces[i].off,
			    (uint8_t)(ACK | (pieces[i].off + pieces[i].len == sizeof(msg) ? FIN : 0)),
			    msg + pieces[i].off, pieces[i].len);
		finish();
		if (k.n[0] != sizeof(msg) || memcmp(k.out[0], msg, sizeof(msg)) != 0 ||
		    k.gaps[0] != 0 || k.eofs[0] != 1 || cnt.overlap_diff != 0 ||
		    cnt.bytes_delivered != sizeof(msg))
			fails++;
		teardown();
	}
	EXPECT_EQ_U64(fails, 0);
}

int main(void)
{
	test_splits();
	test_zero_copy();
	test_overlap_first_wins();
	test_gap_by_ack();
	test_gap_at_finish();
	test_midstream();
	test_wrap();
	test_syn();
	test_fin();
	test_depth();
	test_segment_cap();
	test_memcap();
	test_unparsed_cap();
	test_overrun();
	test_two_dirs();
	test_ack_ahead();
	test_bare_ack();
	test_random();
	return sw_test_done("test_reasm");
}
