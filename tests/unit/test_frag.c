/* test_frag.c: IPv4 (RFC 791) and IPv6 (RFC 8200 section 4.5) fragment
 * reassembly through the decoder (src/frag.c via src/decode.c): in order,
 * reversed, overlapping with different data (first wins), duplicates,
 * timeouts, memcap and datagram-count eviction, oversized datagrams,
 * inconsistent fragments, fragments inside tunnels, every truncation point,
 * and a randomized comparison against a first-wins model. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_decode.h"
#include "sw_test.h"
#include "pktbuild.h"

#define BUF 70000
#define SEC 1000000ULL
#define T0 (1700000000ULL * SEC)

static struct sw_limits lim;
static struct sw_counters_decode ctr;
static unsigned anomalies, overlap_events;
static const char *last_event;
static struct sw_decoder *dec;
static struct sw_pkt pkt;
static uint8_t frame[BUF];

static void on_anomaly(void *ctx, const struct sw_anomaly *a)
{
	(void)ctx;
	anomalies++;
	last_event = a->event;
	if (strstr(a->event, "frag_overlap") != NULL)
		overlap_events++;
}

static const struct sw_anomaly_sink sink = { on_anomaly, NULL };

static void setup(size_t max_dgrams, size_t memcap, uint32_t timeout)
{
	if (dec != NULL)
		decode_free(dec);
	memset(&lim, 0, sizeof(lim));
	lim.frag_max_datagrams = max_dgrams;
	lim.frag_memcap = memcap;
	lim.frag_timeout = timeout;
	memset(&ctr, 0, sizeof(ctr));
	anomalies = overlap_events = 0;
	last_event = NULL;
	dec = decode_new(&lim, &ctr, &sink);
	if (dec == NULL) {
		fprintf(stderr, "decode_new failed\n");
		exit(99);
	}
}

static uint32_t frag4(uint8_t *b, uint16_t id, uint32_t off, int more,
    const uint8_t *data, uint32_t len, uint8_t proto)
{
	memcpy(b, data, len);
	return mk_ipv4_full(b, proto, b, len, 0, id, (uint16_t)((more ? 0x2000 : 0) | (off / 8)),
	    pb_v4_src, pb_v4_dst);
}

/* IPv6 fragment, optionally after a destination options header (part of
 * the unfragmentable part). */
static uint32_t frag6(uint8_t *b, uint32_t id, uint32_t off, int more,
    const uint8_t *data, uint32_t len, uint8_t nh, int dstopts)
{
	uint32_t n;

	memcpy(b, data, len);
	n = mk_fraghdr(b, nh, off, more, id, b, len);
	if (dstopts) {
		n = mk_ext(b, 44, 0, b, n);
		return mk_ipv6(b, 60, b, n);
	}
	return mk_ipv6(b, 44, b, n);
}

static enum sw_decode_result feed(int lt, uint32_t n, uint64_t ts)
{
	return decode_packet(dec, lt, ts, frame, n, n, &pkt);
}

/* A UDP datagram: header plus a counting pattern. */
static uint32_t make_udp(uint8_t *d, uint32_t plen)
{
	uint32_t i;

	for (i = 0; i < plen; i++)
		d[i] = (uint8_t)(i * 7 + (i >> 8));
	return mk_udp(d, 4444, 3333, d, plen);
}

static int ipv4_checksum_ok(const uint8_t *h)
{
	uint32_t sum = 0, i, hlen = (uint32_t)(h[0] & 15) * 4;

	for (i = 0; i < hlen; i += 2)
		sum += (uint32_t)h[i] << 8 | h[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

static void expect_udp_dgram(const uint8_t *dg, uint32_t len, int version)
{
	EXPECT_EQ_U64(pkt.ip_version, version);
	EXPECT_EQ_U64(pkt.ipproto, 17);
	FAIL_UNLESS(pkt.flags & SW_PKT_REASSEMBLED);
	FAIL_IF(pkt.flags & SW_PKT_TRUNCATED);
	EXPECT_EQ_U64(pkt.sport, 4444);
	EXPECT_EQ_U64(pkt.dport, 3333);
	EXPECT_EQ_U64(pkt.payload_len, len - 8);
	EXPECT_EQ_U64(pkt.payload_wire_len, len - 8);
	FAIL_UNLESS(pkt.payload != NULL && memcmp(pkt.payload, dg + 8, len - 8) == 0);
	FAIL_UNLESS(pkt.l3 != NULL);
	if (pkt.l3 == NULL)
		return;
	if (version == 4) {
		EXPECT_EQ_U64(pkt.ip_len, 20 + len);
		EXPECT_EQ_U64((uint32_t)pkt.l3[2] << 8 | pkt.l3[3], 20 + len);
		EXPECT_EQ_U64(pkt.l3[6] & 0x3f, 0);
		EXPECT_EQ_U64(pkt.l3[7], 0);
		FAIL_UNLESS(ipv4_checksum_ok(pkt.l3));
		FAIL_UNLESS(memcmp(pkt.src, pb_v4_src, 4) == 0);
	} else {
		FAIL_UNLESS(memcmp(pkt.src, pb_v6_src, 16) == 0);
	}
	EXPECT_EQ_U64(pkt.l3_len, pkt.ip_len);
}

static void test_v4_order(void)
{
	static uint8_t dg[4000];
	uint32_t len = make_udp(dg, 3000), n;   /* 3008 bytes: 1480 + 1480 + 48 */
	static const uint32_t offs[3] = { 0, 1480, 2960 };
	int order, i;

	for (order = 0; order < 3; order++) {
		static const int seq[3][3] = { { 0, 1, 2 }, { 2, 1, 0 }, { 1, 2, 0 } };

		setup(16, 1 << 20, 30);
		for (i = 0; i < 3; i++) {
			int k = seq[order][i];
			uint32_t e = k == 2 ? len : offs[k + 1];
			enum sw_decode_result r;

			n = frag4(frame, 0x4242, offs[k], k != 2, dg + offs[k], e - offs[k], 17);
			r = feed(228, n, T0 + (uint64_t)i * 1000);
			EXPECT_EQ_U64(r, i < 2 ? SW_DECODE_HELD : SW_DECODE_OK);
		}
		expect_udp_dgram(dg, len, 4);
		EXPECT_EQ_U64(ctr.frag_fragments, 3);
		EXPECT_EQ_U64(ctr.frag_reassembled, 1);
		EXPECT_EQ_U64(ctr.frag_overlap, 0);
		EXPECT_EQ_U64(ctr.udp, 1);
		EXPECT_EQ_U64(ctr.ipv4, 3);
		EXPECT_EQ_U64(anomalies, 0);
		/* a fragment after completion starts a new datagram */
		n = frag4(frame, 0x4242, 0, 1, dg, 1480, 17);
		EXPECT_EQ_U64(feed(228, n, T0 + 5000), SW_DECODE_HELD);
	}
}

/* Overlapping fragments carrying different bytes: the first one received
 * keeps its bytes, whichever side of the overlap it is on. */
static void test_v4_overlap(void)
{
	uint8_t a[64], b[64], c[64];
	uint32_t n;

	memset(a, 'A', sizeof(a));
	memset(b, 'B', sizeof(b));
	memset(c, 'C', sizeof(c));
	/* UDP header in the first fragment */
	mk_udp(a, 4444, 3333, a + 8, 0);
	pb_put16(a + 4, 48);

	/* A [0,24) then B [16,40) then C [40,48) last */
	setup(16, 1 << 20, 30);
	n = frag4(frame, 7, 0, 1, a, 24, 17);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_HELD);
	n = frag4(frame, 7, 16, 1, b, 24, 17);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_HELD);
	EXPECT_EQ_U64(ctr.frag_overlap, 1);
	EXPECT_STREQ(last_event, "decoder.ipv4.frag_overlap");
	n = frag4(frame, 7, 40, 0, c, 8, 17);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_OK);
	EXPECT_EQ_U64(pkt.payload_len, 40);
	FAIL_UNLESS(memcmp(pkt.payload, "AAAAAAAAAAAAAAAA", 16) == 0);   /* [8,24) */
	FAIL_UNLESS(memcmp(pkt.payload + 16, "BBBBBBBBBBBBBBBB", 16) == 0); /* [24,40) */
	FAIL_UNLESS(memcmp(pkt.payload + 32, "CCCCCCCC", 8) == 0);

	/* B first, then A: B's bytes win in [16,24) */
	setup(16, 1 << 20, 30);
	n = frag4(frame, 8, 16, 1, b, 24, 17);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_HELD);
	n = frag4(frame, 8, 0, 1, a, 24, 17);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_HELD);
	/* a second overlap in the same datagram: counted, not reported again */
	n = frag4(frame, 8, 8, 1, c, 16, 17);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_HELD);
	n = frag4(frame, 8, 40, 0, c, 8, 17);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_OK);
	FAIL_UNLESS(memcmp(pkt.payload, "AAAAAAAA", 8) == 0);            /* [8,16) */
	FAIL_UNLESS(memcmp(pkt.payload + 8, "BBBBBBBBBBBBBBBBBBBBBBBB", 24) == 0);
	EXPECT_EQ_U64(ctr.frag_overlap, 2);
	EXPECT_EQ_U64(overlap_events, 1);

	/* an exact duplicate */
	setup(16, 1 << 20, 30);
	n = frag4(frame, 9, 0, 1, a, 24, 17);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_HELD);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_HELD);
	n = frag4(frame, 9, 24, 0, c, 24, 17);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_OK);
	EXPECT_EQ_U64(ctr.frag_overlap, 1);
	EXPECT_EQ_U64(ctr.frag_reassembled, 1);
}

static void test_v4_limits(void)
{
	static uint8_t dg[66000];
	uint32_t n;

	/* never completes: kept until the timeout, then expired */
	setup(16, 1 << 20, 30);
	memset(dg, 1, 64);
	n = frag4(frame, 1, 0, 1, dg, 16, 17);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_HELD);
	decode_expire(dec, T0 + 29 * SEC);
	EXPECT_EQ_U64(ctr.frag_timeout, 0);
	decode_expire(dec, T0 + 30 * SEC);
	EXPECT_EQ_U64(ctr.frag_timeout, 1);
	/* the rest arrives too late: a new, incomplete datagram */
	n = frag4(frame, 1, 16, 0, dg, 16, 17);
	EXPECT_EQ_U64(feed(228, n, T0 + 31 * SEC), SW_DECODE_HELD);
	EXPECT_EQ_U64(ctr.frag_reassembled, 0);

	/* timed out when the next fragment arrives, before any expire pass */
	setup(16, 1 << 20, 30);
	n = frag4(frame, 2, 0, 1, dg, 16, 17);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_HELD);
	n = frag4(frame, 2, 16, 0, dg, 16, 17);
	EXPECT_EQ_U64(feed(228, n, T0 + 40 * SEC), SW_DECODE_HELD);
	EXPECT_EQ_U64(ctr.frag_timeout, 1);

	/* the datagram-count cap drops the oldest */
	setup(2, 1 << 20, 30);
	n = frag4(frame, 10, 0, 1, dg, 16, 17);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_HELD);
	n = frag4(frame, 11, 0, 1, dg, 16, 17);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_HELD);
	n = frag4(frame, 12, 0, 1, dg, 16, 17);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_HELD);
	EXPECT_EQ_U64(ctr.frag_memcap, 1);
	make_udp(dg, 8);
	n = frag4(frame, 10, 16, 0, dg, 16, 17);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_HELD);   /* 10 was dropped */
	n = frag4(frame, 12, 0, 1, dg, 16, 17);            /* overlaps, first wins */
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_HELD);
	EXPECT_EQ_U64(ctr.frag_memcap, 2);                 /* new 10 evicted 11 */

	/* the memcap: a large fragment evicts older datagrams */
	setup(16, 12000, 30);
	make_udp(dg, 8000);
	n = frag4(frame, 20, 0, 1, dg, 1000, 17);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_HELD);
	n = frag4(frame, 21, 0, 1, dg, 1000, 17);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_HELD);
	EXPECT_EQ_U64(ctr.frag_memcap, 0);
	n = frag4(frame, 22, 1000, 0, dg + 1000, 7008, 17);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_HELD);
	FAIL_UNLESS(ctr.frag_memcap >= 1);
	n = frag4(frame, 22, 0, 1, dg, 1000, 17);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_OK);
	expect_udp_dgram(dg, 8008, 4);
	n = frag4(frame, 20, 1000, 0, dg + 1000, 8, 17);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_HELD);   /* 20 was evicted */
	/* one datagram larger than the whole memcap */
	setup(16, 12000, 30);
	n = frag4(frame, 23, 40000, 1, dg, 1000, 17);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_HELD);
	EXPECT_EQ_U64(ctr.frag_memcap, 1);
	EXPECT_EQ_U64(ctr.frag_reassembled, 0);

	/* beyond 65535 bytes: dropped, with the datagram it belonged to */
	setup(16, 1 << 20, 30);
	n = frag4(frame, 30, 0, 1, dg, 16, 17);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_HELD);
	n = frag4(frame, 30, 65512, 0, dg, 8, 17);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_BAD);
	EXPECT_EQ_U64(ctr.frag_too_large, 1);
	EXPECT_STREQ(last_event, "decoder.ipv4.frag_pkt_too_large");
	n = frag4(frame, 30, 16, 0, dg, 8, 17);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_HELD);
	EXPECT_EQ_U64(ctr.frag_reassembled, 0);
	/* exactly 65535 is fine */
	make_udp(dg, 65535 - 20 - 8);
	n = frag4(frame, 31, 0, 1, dg, 32768, 17);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_HELD);
	n = frag4(frame, 31, 32768, 0, dg + 32768, 65515 - 32768, 17);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_OK);
	expect_udp_dgram(dg, 65515, 4);

	/* the offset-zero fragment's options push a datagram that every
	 * fragment alone allowed past 65535 */
	setup(16, 1 << 20, 30);
	memcpy(frame, dg, 32);
	n = mk_ipv4_full(frame, 17, frame, 32, 40, 32, 0x2000, pb_v4_src, pb_v4_dst);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_HELD);
	n = frag4(frame, 32, 32, 0, dg, 65512 - 32, 17);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_BAD);
	EXPECT_EQ_U64(ctr.frag_too_large, 1);
	EXPECT_EQ_U64(ctr.frag_reassembled, 0);

	/* malformed: middle fragment not a multiple of 8, conflicting ends */
	setup(16, 1 << 20, 30);
	n = frag4(frame, 40, 0, 1, dg, 20, 17);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_BAD);
	EXPECT_STREQ(last_event, "decoder.ipv4.frag_invalid_length");
	n = frag4(frame, 41, 64, 0, dg, 8, 17);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_HELD);
	n = frag4(frame, 41, 80, 0, dg, 8, 17);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_BAD);
	EXPECT_STREQ(last_event, "decoder.ipv4.frag_inconsistent_end");
	n = frag4(frame, 42, 64, 1, dg, 16, 17);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_HELD);
	n = frag4(frame, 42, 8, 0, dg, 8, 17);   /* ends before held data */
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_BAD);
	EXPECT_EQ_U64(ctr.frag_invalid, 3);

	/* a fragment whose IP length exceeds the frame */
	n = frag4(frame, 43, 0, 1, dg, 64, 17);
	EXPECT_EQ_U64(decode_packet(dec, 228, T0, frame, n - 1, n, &pkt), SW_DECODE_BAD);
	EXPECT_STREQ(last_event, "decoder.ipv4.frag_truncated");
}

static void test_v6(void)
{
	static uint8_t dg[4000];
	uint32_t len = make_udp(dg, 2500), n, i;
	static const uint32_t offs[3] = { 0, 1232, 2464 };
	int dst, rev;

	for (dst = 0; dst < 2; dst++) {
		for (rev = 0; rev < 2; rev++) {
			setup(16, 1 << 20, 30);
			for (i = 0; i < 3; i++) {
				uint32_t k = rev ? 2 - i : i;
				uint32_t e = k == 2 ? len : offs[k + 1];

				n = frag6(frame, 0xabcdef01, offs[k], k != 2, dg + offs[k], e - offs[k], 17, dst);
				EXPECT_EQ_U64(feed(229, n, T0), i < 2 ? SW_DECODE_HELD : SW_DECODE_OK);
			}
			expect_udp_dgram(dg, len, 6);
			EXPECT_EQ_U64(pkt.ip_len, 40 + (dst ? 8 : 0) + len);
			EXPECT_EQ_U64((uint32_t)pkt.l3[4] << 8 | pkt.l3[5], (dst ? 8 : 0) + len);
			/* the fragment header is gone from the chain */
			EXPECT_EQ_U64(pkt.l3[6], dst ? 60 : 17);
			if (dst)
				EXPECT_EQ_U64(pkt.l3[40], 17);
			EXPECT_EQ_U64(ctr.frag_reassembled, 1);
			EXPECT_EQ_U64(ctr.ipv6, 3);
		}
	}

	/* overlap, first wins */
	{
		uint8_t a[64], b[64];

		memset(a, 'A', sizeof(a));
		memset(b, 'B', sizeof(b));
		setup(16, 1 << 20, 30);
		n = frag6(frame, 5, 8, 1, b, 16, 253, 0);
		EXPECT_EQ_U64(feed(229, n, T0), SW_DECODE_HELD);
		n = frag6(frame, 5, 0, 1, a, 16, 253, 0);
		EXPECT_EQ_U64(feed(229, n, T0), SW_DECODE_HELD);
		n = frag6(frame, 5, 24, 0, a, 8, 253, 0);
		EXPECT_EQ_U64(feed(229, n, T0), SW_DECODE_OK);
		EXPECT_EQ_U64(pkt.ipproto, 253);
		EXPECT_EQ_U64(pkt.payload_len, 32);
		FAIL_UNLESS(memcmp(pkt.payload, "AAAAAAAABBBBBBBBBBBBBBBBAAAAAAAA", 32) == 0);
		EXPECT_EQ_U64(ctr.frag_overlap, 1);
		EXPECT_STREQ(last_event, "decoder.ipv6.frag_overlap");
	}

	/* too large, and an IPv6 fragment never completed */
	setup(16, 1 << 20, 30);
	n = frag6(frame, 6, 65528, 0, dg, 16, 17, 0);
	EXPECT_EQ_U64(feed(229, n, T0), SW_DECODE_BAD);
	EXPECT_EQ_U64(ctr.frag_too_large, 1);
	EXPECT_STREQ(last_event, "decoder.ipv6.frag_pkt_too_large");
	n = frag6(frame, 7, 0, 1, dg, 16, 17, 0);
	EXPECT_EQ_U64(feed(229, n, T0), SW_DECODE_HELD);
	decode_expire(dec, T0 + 31 * SEC);
	EXPECT_EQ_U64(ctr.frag_timeout, 1);

	/* IPv4 and IPv6 with the same id do not mix */
	setup(16, 1 << 20, 30);
	make_udp(dg, 8);
	n = frag6(frame, 9, 0, 1, dg, 8, 17, 0);
	EXPECT_EQ_U64(feed(229, n, T0), SW_DECODE_HELD);
	n = frag4(frame, 9, 8, 0, dg + 8, 8, 17);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_HELD);
	n = frag6(frame, 9, 8, 0, dg + 8, 8, 17, 0);
	EXPECT_EQ_U64(feed(229, n, T0), SW_DECODE_OK);
	expect_udp_dgram(dg, 16, 6);
}

/* Fragments inside tunnels: an inner IPv4 datagram whose second fragment
 * travels in an outer datagram that is itself fragmented. */
static void test_tunnel_frags(void)
{
	static uint8_t dg[4000], inner[4000];
	uint32_t len = make_udp(dg, 1600), n, in_len;

	setup(16, 1 << 20, 30);
	/* inner fragment 1 in a plain IPv4-in-IPv4 packet */
	n = frag4(frame, 77, 0, 1, dg, 800, 17);
	n = mk_ipv4_full(frame, 4, frame, n, 0, 1, 0, pb_v4_dst, pb_v4_src);
	n = mk_eth(frame, 0x0800, frame, n);
	EXPECT_EQ_U64(feed(1, n, T0), SW_DECODE_HELD);
	/* inner fragment 2, 828 bytes, split across two outer fragments */
	in_len = frag4(inner, 77, 800, 0, dg + 800, len - 800, 17);
	memcpy(frame, inner, 400);
	n = mk_ipv4_full(frame, 4, frame, 400, 0, 99, 0x2000, pb_v4_dst, pb_v4_src);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_HELD);
	memcpy(frame, inner + 400, in_len - 400);
	n = mk_ipv4_full(frame, 4, frame, in_len - 400, 0, 99, 400 / 8, pb_v4_dst, pb_v4_src);
	EXPECT_EQ_U64(feed(228, n, T0), SW_DECODE_OK);
	expect_udp_dgram(dg, len, 4);
	EXPECT_EQ_U64(pkt.tunnel_depth, 1);
	FAIL_UNLESS(pkt.flags & SW_PKT_TUNNELLED);
	EXPECT_EQ_U64(ctr.frag_reassembled, 2);
	EXPECT_EQ_U64(ctr.frag_fragments, 4);
}

/* Every cut of a fragment in an Ethernet frame: BAD until whole. */
static void test_frag_truncation(void)
{
	static uint8_t dg[200], full[400];
	uint32_t n, cut;
	int v;

	make_udp(dg, 100);
	for (v = 4; v <= 6; v += 2) {
		setup(16, 1 << 20, 30);
		if (v == 4)
			n = mk_eth(full, 0x0800, full, frag4(full, 3, 0, 1, dg, 64, 17));
		else
			n = mk_eth(full, 0x86dd, full, frag6(full, 3, 0, 1, dg, 64, 17, 1));
		for (cut = 0; cut <= n; cut++) {
			struct sw_guarded g;
			const uint8_t *p = sw_guarded_copy(&g, full, cut);
			enum sw_decode_result r = decode_packet(dec, 1, T0, p, cut, n, &pkt);

			EXPECT_EQ_U64(r, cut < n ? SW_DECODE_BAD : SW_DECODE_HELD);
			sw_guarded_free(&g);
		}
		EXPECT_EQ_U64(ctr.truncated, n);
		EXPECT_EQ_U64(ctr.frag_fragments, 1);
	}
}

static uint64_t rng = 0x243f6a8885a308d3ULL;

static uint32_t rnd(uint32_t n)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rng >> 33) % n;
}

/* Random datagrams cut into random, overlapping fragments with distinct
 * bytes, sent in random order: the result must match a model where each
 * byte comes from the first fragment that carried it, and completion must
 * happen exactly when the last byte is covered. */
static void test_random_model(void)
{
	static uint8_t want[3000], have[3000], data[3000];
	struct { uint32_t s, e; uint8_t fill; } fr[24];
	uint32_t round;

	setup(64, 1 << 22, 30);
	for (round = 0; round < 600; round++) {
		uint32_t len = 16 + rnd(2900), nfr = 0, i, s, done = 0;
		int v = (round & 1) ? 6 : 4;
		uint32_t id = 1000 + round;

		/* a base cover of [0, len), then extra overlapping fragments */
		for (s = 0; s < len && nfr < 12; ) {
			uint32_t e = s + 8 * (1 + rnd(40));

			if (e >= len || nfr == 11)
				e = len;
			/* [0, len) in one piece is not a fragment at all */
			if (s == 0 && e == len)
				e = 8;
			fr[nfr].s = s;
			fr[nfr].e = e;
			nfr++;
			s = e;
		}
		while (nfr < 12 + rnd(12)) {
			uint32_t a = 8 * rnd(len / 8 + 1), e;

			if (a >= len)
				a = (len - 1) & ~7u;
			e = a + 8 * (1 + rnd(20));
			if (e > len)
				e = len;
			if (a == 0 && e == len)
				continue;
			fr[nfr].s = a;
			fr[nfr].e = e;
			nfr++;
		}
		for (i = 0; i < nfr; i++)
			fr[i].fill = (uint8_t)(i + 1 + round);
		for (i = nfr - 1; i > 0; i--) {   /* shuffle */
			uint32_t j = rnd(i + 1);
			__typeof__(fr[0]) t = fr[i];

			fr[i] = fr[j];
			fr[j] = t;
		}
		memset(have, 0, len);
		for (i = 0; i < nfr && !done; i++) {
			uint32_t b, n, covered = 1;
			enum sw_decode_result r;

			for (b = fr[i].s; b < fr[i].e; b++) {
				if (!have[b])
					want[b] = fr[i].fill;
				have[b] = 1;
			}
			for (b = 0; b < len; b++)
				covered &= have[b];
			memset(data, fr[i].fill, fr[i].e - fr[i].s);
			if (v == 4)
				n = frag4(frame, (uint16_t)id, fr[i].s, fr[i].e != len, data,
				    fr[i].e - fr[i].s, 253);
			else
				n = frag6(frame, id, fr[i].s, fr[i].e != len, data,
				    fr[i].e - fr[i].s, 253, (int)(round & 2));
			r = feed(v == 4 ? 228 : 229, n, T0 + round);
			if (covered) {
				done = 1;
				EXPECT_EQ_U64(r, SW_DECODE_OK);
				if (r != SW_DECODE_OK)
					continue;
				EXPECT_EQ_U64(pkt.ipproto, 253);
				EXPECT_EQ_U64(pkt.payload_len, len);
				FAIL_UNLESS(memcmp(pkt.payload, want, len) == 0);
			} else
				EXPECT_EQ_U64(r, SW_DECODE_HELD);
		}
		FAIL_UNLESS(done);
	}
	EXPECT_EQ_U64(ctr.frag_reassembled, 600);
	EXPECT_EQ_U64(ctr.frag_invalid, 0);
	decode_expire(dec, T0 + 100 * SEC);
}

/* Datagrams whose keys differ in one field each (id, protocol, source,
 * destination, either half of an IPv6 address, IP version), their
 * fragments interleaved at random: each must come out whole, with its own
 * bytes, exactly when its last fragment arrives. Then with room for three
 * datagrams only: the oldest open one is evicted (its fragments so far
 * lost, as a model of the age list says) and a later fragment of its key
 * starts it afresh. */
static void test_interleaved(void)
{
	enum { NK = 9, NF = 4, FL = 64 };
	static const uint8_t c4[4] = { 10, 0, 0, 99 };
	uint8_t c6lo[16], c6hi[16];
	struct { int v; uint8_t proto; uint32_t id; const uint8_t *src, *dst; } key[NK] = {
		{ 4, 253, 7, pb_v4_src, pb_v4_dst }, { 4, 253, 8, pb_v4_src, pb_v4_dst },
		{ 4, 254, 7, pb_v4_src, pb_v4_dst }, { 4, 253, 7, c4, pb_v4_dst },
		{ 4, 253, 7, pb_v4_src, c4 },
		{ 6, 253, 7, pb_v6_src, pb_v6_dst }, { 6, 253, 8, pb_v6_src, pb_v6_dst },
		{ 6, 253, 7, c6lo, pb_v6_dst }, { 6, 253, 7, pb_v6_src, c6hi },
	};
	int room;

	memcpy(c6lo, pb_v6_src, 16);
	c6lo[15] ^= 0x80;
	memcpy(c6hi, pb_v6_dst, 16);
	c6hi[0] ^= 0x01;
	for (room = 0; room < 2; room++) {
		uint32_t round, done = 0;
		uint64_t timeouts;

		setup(room == 0 ? 64 : 3, 1 << 24, 30);
		for (round = 0; round < 300; round++) {
			uint32_t order[NK * NF], i, alive = 0, seq = 1, born[NK] = { 0 };
			uint8_t got[NK] = { 0 };

			for (i = 0; i < NK * NF; i++)
				order[i] = i;
			for (i = NK * NF - 1; i > 0; i--) {
				uint32_t j = rnd(i + 1), t = order[i];

				order[i] = order[j];
				order[j] = t;
			}
			for (i = 0; i < NK * NF; i++) {
				uint32_t k = order[i] / NF, fi = order[i] % NF, n, b;
				uint8_t data[FL], want[NF * FL];
				enum sw_decode_result r;

				/* the model: a new datagram evicts the oldest open one */
				if (born[k] == 0) {
					if (alive == lim.frag_max_datagrams) {
						uint32_t old = 0, j;

						for (j = 0; j < NK; j++)
							if (born[j] != 0 && (old == 0 || born[j] < born[old - 1]))
								old = j + 1;
						born[old - 1] = 0;
						got[old - 1] = 0;
						alive--;
					}
					born[k] = seq++;
					alive++;
				}
				got[k] |= (uint8_t)(1u << fi);
				memset(data, (int)(16 * k + fi + 1), FL);
				if (key[k].v == 4) {
					memcpy(frame, data, FL);
					n = mk_ipv4_full(frame, key[k].proto, frame, FL, 0,
					    (uint16_t)key[k].id, (uint16_t)((fi + 1 < NF ? 0x2000 : 0) |
					    (fi * FL / 8)), key[k].src, key[k].dst);
				} else {
					memcpy(frame, data, FL);
					n = mk_fraghdr(frame, key[k].proto, fi * FL, fi + 1 < NF,
					    key[k].id, frame, FL);
					n = mk_ipv6_addr(frame, 44, frame, n, key[k].src, key[k].dst);
				}
				r = feed(key[k].v == 4 ? 228 : 229, n, T0 + round);
				if (got[k] != (1u << NF) - 1) {
					EXPECT_EQ_U64(r, SW_DECODE_HELD);
					continue;
				}
				born[k] = 0;
				got[k] = 0;
				alive--;
				done++;
				EXPECT_EQ_U64(r, SW_DECODE_OK);
				if (r != SW_DECODE_OK)
					continue;
				for (b = 0; b < NF * FL; b++)
					want[b] = (uint8_t)(16 * k + b / FL + 1);
				EXPECT_EQ_U64(pkt.ip_version, key[k].v);
				EXPECT_EQ_U64(pkt.ipproto, key[k].proto);
				EXPECT_EQ_U64(pkt.payload_len, NF * FL);
				FAIL_UNLESS(memcmp(pkt.payload, want, NF * FL) == 0);
				FAIL_UNLESS(memcmp(pkt.src, key[k].src, key[k].v == 4 ? 4 : 16) == 0);
				FAIL_UNLESS(memcmp(pkt.dst, key[k].dst, key[k].v == 4 ? 4 : 16) == 0);
			}
			/* what the model still holds open, the decoder does too:
			 * the timeout drops exactly those */
			timeouts = ctr.frag_timeout;
			decode_expire(dec, T0 + 100 * SEC + round);
			EXPECT_EQ_U64(ctr.frag_timeout - timeouts, alive);
		}
		EXPECT_EQ_U64(ctr.frag_reassembled, done);
		if (room == 0)
			EXPECT_EQ_U64(done, 300 * NK);
		else
			FAIL_UNLESS(ctr.frag_memcap > 0 && done > 0);
		EXPECT_EQ_U64(ctr.frag_invalid, 0);
	}
}

int main(void)
{
	test_v4_order();
	test_v4_overlap();
	test_v4_limits();
	test_v6();
	test_tunnel_frags();
	test_frag_truncation();
	test_random_model();
	test_interleaved();
	decode_free(dec);
	return sw_test_done("test_frag");
}
