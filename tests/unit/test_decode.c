/* test_decode.c: the decoder (src/decode.c) on hand-built frames for every
 * supported link type and encapsulation, malformed headers, every
 * truncation point of valid frames (input flush against a PROT_NONE page),
 * and random corruption. Frame layouts: tests/unit/pktbuild.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_decode.h"
#include "sw_test.h"
#include "pktbuild.h"

#define BUF 4096

static struct sw_limits lim;
static struct sw_counters_decode ctr;
static unsigned anomalies;
static const char *last_event;

static void on_anomaly(void *ctx, const struct sw_anomaly *a)
{
	(void)ctx;
	FAIL_IF(a->type != SW_ANOMALY_DECODE);
	FAIL_IF(a->event == NULL || strncmp(a->event, "decoder.", 8) != 0);
	anomalies++;
	last_event = a->event;
}

static const struct sw_anomaly_sink sink = { on_anomaly, NULL };
static struct sw_decoder *dec;
static struct sw_pkt pkt;
static const uint8_t payload[] = "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[]}\n";
#define PLEN ((uint32_t)sizeof(payload) - 1)

static void reset(void)
{
	memset(&ctr, 0, sizeof(ctr));
	anomalies = 0;
	last_event = NULL;
}

/* The last frame decoded stays mapped until the next run(), so checks can
 * read pkt's pointers. */
static struct sw_guarded g;
static int g_live;

/* Decode a copy placed flush against a guard page. */
static enum sw_decode_result run(int lt, const uint8_t *b, uint32_t caplen, uint32_t wirelen)
{
	enum sw_decode_result r;
	const uint8_t *p;

	if (g_live)
		sw_guarded_free(&g);
	p = sw_guarded_copy(&g, b, caplen);
	g_live = 1;

	r = decode_packet(dec, lt, 1000000, p, caplen, wirelen, &pkt);
	if (r == SW_DECODE_OK && !(pkt.flags & SW_PKT_REASSEMBLED)) {
		/* every pointer handed out stays inside the frame */
		FAIL_IF(pkt.payload_len > 0 && (pkt.payload < p || pkt.payload + pkt.payload_len > p + caplen));
		FAIL_IF(pkt.l3 == NULL || pkt.l3 < p || pkt.l3 + pkt.l3_len > p + caplen);
		FAIL_IF(pkt.payload_len > pkt.payload_wire_len);
	}
	return r;
}

static uint32_t build_tcp4(uint8_t *b)
{
	uint32_t n = PLEN;

	memcpy(b, payload, n);
	n = mk_tcp(b, 49307, 3333, 1000, 2000, SW_TH_PSH | SW_TH_ACK, b, n, 0);
	return mk_ipv4(b, 6, b, n);
}

static uint32_t build_udp6(uint8_t *b)
{
	uint32_t n = PLEN;

	memcpy(b, payload, n);
	n = mk_udp(b, 5353, 53, b, n);
	return mk_ipv6(b, 17, b, n);
}

static void expect_tcp4(void)
{
	static const uint8_t z[12];

	EXPECT_EQ_U64(pkt.ip_version, 4);
	EXPECT_EQ_U64(pkt.ipproto, 6);
	FAIL_IF(memcmp(pkt.src, pb_v4_src, 4) != 0 || memcmp(pkt.src + 4, z, 12) != 0);
	FAIL_IF(memcmp(pkt.dst, pb_v4_dst, 4) != 0 || memcmp(pkt.dst + 4, z, 12) != 0);
	EXPECT_EQ_U64(pkt.sport, 49307);
	EXPECT_EQ_U64(pkt.dport, 3333);
	EXPECT_EQ_U64(pkt.seq, 1000);
	EXPECT_EQ_U64(pkt.ack, 2000);
	EXPECT_EQ_U64(pkt.tcp_flags, SW_TH_PSH | SW_TH_ACK);
	EXPECT_EQ_U64(pkt.win, 0xfaf0);
	EXPECT_EQ_U64(pkt.ttl, 64);
	EXPECT_EQ_U64(pkt.payload_len, PLEN);
	EXPECT_EQ_U64(pkt.payload_wire_len, PLEN);
	FAIL_IF(pkt.payload == NULL || memcmp(pkt.payload, payload, PLEN) != 0);
}

static void expect_udp6(void)
{
	EXPECT_EQ_U64(pkt.ip_version, 6);
	EXPECT_EQ_U64(pkt.ipproto, 17);
	FAIL_IF(memcmp(pkt.src, pb_v6_src, 16) != 0);
	FAIL_IF(memcmp(pkt.dst, pb_v6_dst, 16) != 0);
	EXPECT_EQ_U64(pkt.sport, 5353);
	EXPECT_EQ_U64(pkt.dport, 53);
	EXPECT_EQ_U64(pkt.ttl, 63);
	EXPECT_EQ_U64(pkt.payload_len, PLEN);
	FAIL_IF(pkt.payload == NULL || memcmp(pkt.payload, payload, PLEN) != 0);
}

static void test_ethernet(void)
{
	uint8_t b[BUF];
	uint32_t n;

	reset();
	n = build_tcp4(b);
	n = mk_eth(b, 0x0800, b, n);
	EXPECT_EQ_U64(run(1, b, n, n), SW_DECODE_OK);
	expect_tcp4();
	EXPECT_EQ_U64(pkt.flags, 0);
	EXPECT_EQ_U64(pkt.vlan_count, 0);
	EXPECT_EQ_U64(pkt.ip_len, 40 + PLEN);
	EXPECT_EQ_U64(pkt.l3_len, 40 + PLEN);
	FAIL_UNLESS(pkt.l3 != NULL && pkt.l3[0] == 0x45);
	EXPECT_EQ_U64(ctr.pkts, 1);
	EXPECT_EQ_U64(ctr.ipv4, 1);
	EXPECT_EQ_U64(ctr.tcp, 1);
	EXPECT_EQ_U64(anomalies, 0);

	n = build_udp6(b);
	n = mk_eth(b, 0x86dd, b, n);
	EXPECT_EQ_U64(run(1, b, n, n), SW_DECODE_OK);
	expect_udp6();
	EXPECT_EQ_U64(ctr.ipv6, 1);
	EXPECT_EQ_U64(ctr.udp, 1);

	/* a short frame padded to 60 bytes: padding is not payload */
	reset();
	memcpy(b, "ab", 2);
	n = mk_tcp(b, 1, 2, 3, 4, SW_TH_ACK, b, 2, 0);
	n = mk_ipv4(b, 6, b, n);
	n = mk_eth(b, 0x0800, b, n);
	memset(b + n, 0, 60 - n);
	EXPECT_EQ_U64(run(1, b, 60, 60), SW_DECODE_OK);
	EXPECT_EQ_U64(pkt.payload_len, 2);
	EXPECT_EQ_U64(pkt.payload_wire_len, 2);
	EXPECT_EQ_U64(pkt.l3_len, 42);
	EXPECT_EQ_U64(pkt.flags, 0);

	/* ARP, and 802.3 length + LLC (STP) */
	reset();
	memset(b, 0, 28);
	n = mk_eth(b, 0x0806, b, 28);
	EXPECT_EQ_U64(run(1, b, n, n), SW_DECODE_NOT_IP);
	n = mk_eth(b, 38, b, 38);
	EXPECT_EQ_U64(run(1, b, n, n), SW_DECODE_NOT_IP);
	EXPECT_EQ_U64(ctr.not_ip, 2);
	EXPECT_EQ_U64(anomalies, 0);
}

static void test_vlan(void)
{
	uint8_t b[BUF];
	uint32_t n, i;

	reset();
	n = build_tcp4(b);
	n = mk_vlan(b, 0x2064, 0x0800, b, n);  /* priority 1, VLAN 100 */
	n = mk_eth(b, 0x8100, b, n);
	EXPECT_EQ_U64(run(1, b, n, n), SW_DECODE_OK);
	expect_tcp4();
	EXPECT_EQ_U64(pkt.vlan_count, 1);
	EXPECT_EQ_U64(pkt.vlan[0], 100);

	/* QinQ: 802.1ad outer, 802.1Q inner */
	n = build_udp6(b);
	n = mk_vlan(b, 200, 0x86dd, b, n);
	n = mk_vlan(b, 0x0fff & 300, 0x8100, b, n);
	n = mk_eth(b, 0x88a8, b, n);
	EXPECT_EQ_U64(run(1, b, n, n), SW_DECODE_OK);
	expect_udp6();
	EXPECT_EQ_U64(pkt.vlan_count, 2);
	EXPECT_EQ_U64(pkt.vlan[0], 300);
	EXPECT_EQ_U64(pkt.vlan[1], 200);

	/* three tags: the outer two are recorded, the third skipped */
	n = build_tcp4(b);
	n = mk_vlan(b, 3, 0x0800, b, n);
	n = mk_vlan(b, 2, 0x8100, b, n);
	n = mk_vlan(b, 1, 0x8100, b, n);
	n = mk_eth(b, 0x9100, b, n);
	EXPECT_EQ_U64(run(1, b, n, n), SW_DECODE_OK);
	expect_tcp4();
	EXPECT_EQ_U64(pkt.vlan_count, 2);
	EXPECT_EQ_U64(pkt.vlan[0], 1);
	EXPECT_EQ_U64(pkt.vlan[1], 2);
	EXPECT_EQ_U64(ctr.vlan, 3);

	/* five tags: over the bound */
	reset();
	n = build_tcp4(b);
	n = mk_vlan(b, 5, 0x0800, b, n);
	for (i = 0; i < 4; i++)
		n = mk_vlan(b, (uint16_t)(4 - i), 0x8100, b, n);
	n = mk_eth(b, 0x8100, b, n);
	EXPECT_EQ_U64(run(1, b, n, n), SW_DECODE_BAD);
	EXPECT_STREQ(last_event, "decoder.vlan.too_many_layers");
	EXPECT_EQ_U64(ctr.invalid, 1);
}

static void test_mpls(void)
{
	uint8_t b[BUF];
	uint32_t n, i;

	reset();
	n = build_tcp4(b);
	n = mk_mpls(b, 16, 1, b, n);
	n = mk_eth(b, 0x8847, b, n);
	EXPECT_EQ_U64(run(1, b, n, n), SW_DECODE_OK);
	expect_tcp4();

	n = build_udp6(b);
	n = mk_mpls(b, 17, 1, b, n);
	n = mk_mpls(b, 18, 0, b, n);
	n = mk_mpls(b, 19, 0, b, n);
	n = mk_eth(b, 0x8848, b, n);
	EXPECT_EQ_U64(run(1, b, n, n), SW_DECODE_OK);
	expect_udp6();
	EXPECT_EQ_U64(ctr.mpls, 2);
	EXPECT_EQ_U64(pkt.tunnel_depth, 0);

	/* Ethernet pseudowire with a control word */
	n = build_tcp4(b);
	n = mk_eth(b, 0x0800, b, n);
	memmove(b + 4, b, n);
	memset(b, 0, 4);
	n = mk_mpls(b, 20, 1, b, n + 4);
	n = mk_eth(b, 0x8847, b, n);
	EXPECT_EQ_U64(run(1, b, n, n), SW_DECODE_OK);
	expect_tcp4();
	EXPECT_EQ_U64(pkt.tunnel_depth, 1);
	FAIL_UNLESS(pkt.flags & SW_PKT_TUNNELLED);

	/* unknown payload nibble */
	memset(b, 0x90, 40);
	n = mk_mpls(b, 21, 1, b, 40);
	n = mk_eth(b, 0x8847, b, n);
	EXPECT_EQ_U64(run(1, b, n, n), SW_DECODE_NOT_IP);

	/* nine labels, never bottom-of-stack within the bound */
	reset();
	n = build_tcp4(b);
	n = mk_mpls(b, 1, 1, b, n);
	for (i = 0; i < 8; i++)
		n = mk_mpls(b, 2 + i, 0, b, n);
	n = mk_eth(b, 0x8847, b, n);
	EXPECT_EQ_U64(run(1, b, n, n), SW_DECODE_BAD);
	EXPECT_STREQ(last_event, "decoder.mpls.too_many_labels");
}

static void test_pppoe(void)
{
	uint8_t b[BUF];
	uint32_t n;

	reset();
	n = build_tcp4(b);
	n = mk_pppoe(b, 0x0021, b, n);
	n = mk_eth(b, 0x8864, b, n);
	EXPECT_EQ_U64(run(1, b, n, n), SW_DECODE_OK);
	expect_tcp4();
	EXPECT_EQ_U64(ctr.pppoe, 1);

	n = build_udp6(b);
	n = mk_pppoe(b, 0x0057, b, n);
	n = mk_vlan(b, 7, 0x8864, b, n);
	n = mk_eth(b, 0x8100, b, n);
	EXPECT_EQ_U64(run(1, b, n, n), SW_DECODE_OK);
	expect_udp6();
	EXPECT_EQ_U64(pkt.vlan[0], 7);

	/* LCP */
	memset(b, 0, 10);
	n = mk_pppoe(b, 0xc021, b, 10);
	n = mk_eth(b, 0x8864, b, n);
	EXPECT_EQ_U64(run(1, b, n, n), SW_DECODE_NOT_IP);

	/* discovery stage */
	n = mk_eth(b, 0x8863, b, 20);
	EXPECT_EQ_U64(run(1, b, n, n), SW_DECODE_NOT_IP);

	/* wrong code, wrong version */
	reset();
	n = build_tcp4(b);
	n = mk_pppoe(b, 0x0021, b, n);
	b[1] = 0x09;
	n = mk_eth(b, 0x8864, b, n);
	EXPECT_EQ_U64(run(1, b, n, n), SW_DECODE_BAD);
	EXPECT_STREQ(last_event, "decoder.pppoe.wrong_code");
	b[14] = 0x21;
	b[15] = 0;
	EXPECT_EQ_U64(run(1, b, n, n), SW_DECODE_BAD);
	EXPECT_STREQ(last_event, "decoder.pppoe.wrong_version");
}

static void test_linktypes(void)
{
	static const uint32_t afs6[] = { 24, 28, 30 };
	uint8_t b[BUF];
	uint32_t n, i;

	reset();
	n = build_tcp4(b);
	n = mk_sll(b, 0x0800, b, n);
	EXPECT_EQ_U64(run(113, b, n, n), SW_DECODE_OK);
	expect_tcp4();

	n = build_udp6(b);
	n = mk_sll2(b, 0x86dd, b, n);
	EXPECT_EQ_U64(run(276, b, n, n), SW_DECODE_OK);
	expect_udp6();

	/* SLL carrying a VLAN tag, and a non-IP protocol (802.2 LLC) */
	n = build_tcp4(b);
	n = mk_vlan(b, 42, 0x0800, b, n);
	n = mk_sll(b, 0x8100, b, n);
	EXPECT_EQ_U64(run(113, b, n, n), SW_DECODE_OK);
	EXPECT_EQ_U64(pkt.vlan[0], 42);
	n = mk_sll(b, 0x0004, b, 30);
	EXPECT_EQ_U64(run(113, b, n, n), SW_DECODE_NOT_IP);

	/* NULL and LOOP, both byte orders */
	for (i = 0; i < 2; i++) {
		n = build_tcp4(b);
		n = mk_null(b, 2, (int)i, b, n);
		EXPECT_EQ_U64(run(0, b, n, n), SW_DECODE_OK);
		expect_tcp4();
		n = build_tcp4(b);
		n = mk_null(b, 2, (int)i, b, n);
		EXPECT_EQ_U64(run(108, b, n, n), SW_DECODE_OK);
		expect_tcp4();
	}
	for (i = 0; i < 3; i++) {
		n = build_udp6(b);
		n = mk_null(b, afs6[i], (int)(i & 1), b, n);
		EXPECT_EQ_U64(run(0, b, n, n), SW_DECODE_OK);
		expect_udp6();
	}
	n = mk_null(b, 7, 0, b, 40);
	EXPECT_EQ_U64(run(0, b, n, n), SW_DECODE_NOT_IP);
	/* 12 is DLT_LOOP on OpenBSD: an AF header there */
	n = build_tcp4(b);
	n = mk_null(b, 2, 1, b, n);
	EXPECT_EQ_U64(run(12, b, n, n), SW_DECODE_OK);
	expect_tcp4();

	/* PPP: with address/control and a 2-byte protocol, without them
	 * and a compressed 1-byte protocol */
	n = build_tcp4(b);
	n = mk_raw(b, (const uint8_t *)"\xff\x03\x00\x21", 4, b, n);
	EXPECT_EQ_U64(run(9, b, n, n), SW_DECODE_OK);
	expect_tcp4();
	n = build_tcp4(b);
	n = mk_raw(b, (const uint8_t *)"\x21", 1, b, n);
	EXPECT_EQ_U64(run(9, b, n, n), SW_DECODE_OK);
	expect_tcp4();
	n = build_udp6(b);
	n = mk_raw(b, (const uint8_t *)"\x00\x57", 2, b, n);
	EXPECT_EQ_U64(run(9, b, n, n), SW_DECODE_OK);
	expect_udp6();
	n = build_udp6(b);
	n = mk_raw(b, (const uint8_t *)"\xff\x03\x00\x57", 4, b, n);
	EXPECT_EQ_U64(run(50, b, n, n), SW_DECODE_OK);
	expect_udp6();
	n = mk_raw(b, (const uint8_t *)"\xff\x03\xc0\x21", 4, b, 20);
	EXPECT_EQ_U64(run(9, b, n, n), SW_DECODE_NOT_IP);

	/* Cisco HDLC, also inside PPP_SERIAL */
	n = build_tcp4(b);
	n = mk_raw(b, (const uint8_t *)"\x0f\x00\x08\x00", 4, b, n);
	EXPECT_EQ_U64(run(104, b, n, n), SW_DECODE_OK);
	expect_tcp4();
	EXPECT_EQ_U64(run(50, b, n, n), SW_DECODE_OK);
	expect_tcp4();
	n = mk_raw(b, (const uint8_t *)"\x8f\x00\x80\x35", 4, b, 20);
	EXPECT_EQ_U64(run(104, b, n, n), SW_DECODE_NOT_IP);

	/* raw IP under every number it goes by */
	n = build_tcp4(b);
	EXPECT_EQ_U64(run(12, b, n, n), SW_DECODE_OK);
	expect_tcp4();
	EXPECT_EQ_U64(run(14, b, n, n), SW_DECODE_OK);
	EXPECT_EQ_U64(run(101, b, n, n), SW_DECODE_OK);
	EXPECT_EQ_U64(run(228, b, n, n), SW_DECODE_OK);
	expect_tcp4();
	n = build_udp6(b);
	EXPECT_EQ_U64(run(229, b, n, n), SW_DECODE_OK);
	expect_udp6();
	EXPECT_EQ_U64(run(101, b, n, n), SW_DECODE_OK);
	EXPECT_EQ_U64(anomalies, 0);
	b[0] = 0x50;
	EXPECT_EQ_U64(run(101, b, n, n), SW_DECODE_BAD);
	EXPECT_STREQ(last_event, "decoder.ipraw.invalid_ip_version");
	EXPECT_EQ_U64(run(229, b, n, n), SW_DECODE_BAD);
	EXPECT_STREQ(last_event, "decoder.ipv6.wrong_ip_version");

	/* unsupported link type */
	reset();
	FAIL_IF(decode_linktype_supported(147));
	FAIL_IF(decode_linktype_supported(127));
	FAIL_UNLESS(decode_linktype_supported(1) && decode_linktype_supported(276) &&
	    decode_linktype_supported(113) && decode_linktype_supported(0) &&
	    decode_linktype_supported(108) && decode_linktype_supported(12) &&
	    decode_linktype_supported(101) && decode_linktype_supported(228) &&
	    decode_linktype_supported(229) && decode_linktype_supported(9) &&
	    decode_linktype_supported(50) && decode_linktype_supported(104));
	EXPECT_EQ_U64(run(147, b, n, n), SW_DECODE_NOT_IP);
	EXPECT_EQ_U64(ctr.unsupported_linktype, 1);
	EXPECT_EQ_U64(ctr.not_ip, 0);
}

static void test_ipv4_errors(void)
{
	uint8_t b[BUF];
	uint32_t n;

	reset();
	n = build_tcp4(b);
	b[0] = 0x55;
	EXPECT_EQ_U64(run(228, b, n, n), SW_DECODE_BAD);
	EXPECT_STREQ(last_event, "decoder.ipv4.wrong_ip_version");
	b[0] = 0x44;
	EXPECT_EQ_U64(run(228, b, n, n), SW_DECODE_BAD);
	EXPECT_STREQ(last_event, "decoder.ipv4.hlen_too_small");
	b[0] = 0x45;
	pb_put16(b + 2, 19);
	EXPECT_EQ_U64(run(228, b, n, n), SW_DECODE_BAD);
	EXPECT_STREQ(last_event, "decoder.ipv4.iplen_smaller_than_hlen");
	EXPECT_EQ_U64(ctr.invalid, 3);
	EXPECT_EQ_U64(ctr.truncated, 0);

	/* IP header says more than the whole frame: truncated, reported */
	reset();
	n = build_tcp4(b);
	pb_put16(b + 2, n + 100);
	EXPECT_EQ_U64(run(228, b, n, n), SW_DECODE_OK);
	FAIL_UNLESS(pkt.flags & SW_PKT_TRUNCATED);
	EXPECT_EQ_U64(pkt.payload_len, PLEN);
	EXPECT_EQ_U64(pkt.payload_wire_len, PLEN + 100);
	EXPECT_EQ_U64(ctr.truncated, 1);
	EXPECT_STREQ(last_event, "decoder.ipv4.trunc_pkt");
	/* the same cut by a snaplen: counted, not reported */
	anomalies = 0;
	EXPECT_EQ_U64(run(228, b, n, n + 100), SW_DECODE_OK);
	FAIL_UNLESS(pkt.flags & SW_PKT_TRUNCATED);
	EXPECT_EQ_U64(anomalies, 0);
	EXPECT_EQ_U64(ctr.truncated, 2);

	/* options are skipped */
	reset();
	memcpy(b, payload, PLEN);
	n = mk_tcp(b, 49307, 3333, 1000, 2000, SW_TH_PSH | SW_TH_ACK, b, PLEN, 12);
	n = mk_ipv4_full(b, 6, b, n, 8, 1, 0, pb_v4_src, pb_v4_dst);
	EXPECT_EQ_U64(run(228, b, n, n), SW_DECODE_OK);
	expect_tcp4();
	EXPECT_EQ_U64(anomalies, 0);

	/* TCP data offset */
	reset();
	n = build_tcp4(b);
	b[20 + 12] = 0x40;
	EXPECT_EQ_U64(run(228, b, n, n), SW_DECODE_BAD);
	EXPECT_STREQ(last_event, "decoder.tcp.hlen_too_small");
	b[20 + 12] = 0xf0;   /* 60-byte header in a 40-byte IP payload */
	pb_put16(b + 2, 20 + 40);
	EXPECT_EQ_U64(run(228, b, n, n), SW_DECODE_BAD);
	EXPECT_STREQ(last_event, "decoder.tcp.invalid_optlen");
	pb_put16(b + 2, 20 + 12);
	EXPECT_EQ_U64(run(228, b, n, n), SW_DECODE_BAD);
	EXPECT_STREQ(last_event, "decoder.tcp.pkt_too_small");
	EXPECT_EQ_U64(ctr.invalid, 3);

	/* UDP length */
	reset();
	memcpy(b, payload, PLEN);
	n = mk_udp(b, 1, 2, b, PLEN);
	n = mk_ipv4(b, 17, b, n);
	pb_put16(b + 24, 7);
	EXPECT_EQ_U64(run(228, b, n, n), SW_DECODE_BAD);
	EXPECT_STREQ(last_event, "decoder.udp.hlen_invalid");
	pb_put16(b + 24, 8 + PLEN + 1);
	EXPECT_EQ_U64(run(228, b, n, n), SW_DECODE_BAD);
	EXPECT_STREQ(last_event, "decoder.udp.hlen_invalid");
	/* shorter than the IP payload: the rest is trailer */
	pb_put16(b + 24, 8 + 5);
	EXPECT_EQ_U64(run(228, b, n, n), SW_DECODE_OK);
	EXPECT_EQ_U64(pkt.payload_len, 5);
	EXPECT_EQ_U64(pkt.payload_wire_len, 5);
	EXPECT_EQ_U64(ctr.invalid, 2);

	/* ICMP: IP-level only, payload after the IP header */
	reset();
	memset(b, 8, 16);
	n = mk_ipv4(b, 1, b, 16);
	EXPECT_EQ_U64(run(228, b, n, n), SW_DECODE_OK);
	EXPECT_EQ_U64(pkt.ipproto, 1);
	EXPECT_EQ_U64(pkt.sport, 0);
	EXPECT_EQ_U64(pkt.dport, 0);
	EXPECT_EQ_U64(pkt.payload_len, 16);
	EXPECT_EQ_U64(ctr.other_l4, 1);
}

static void test_ipv6_ext(void)
{
	uint8_t b[BUF];
	uint32_t n, i;

	reset();
	memcpy(b, payload, PLEN);
	n = mk_tcp(b, 49307, 3333, 1000, 2000, SW_TH_PSH | SW_TH_ACK, b, PLEN, 0);
	n = mk_ah(b, 6, b, n);
	n = mk_ext(b, 51, 1, b, n);   /* destination options */
	n = mk_ext(b, 60, 0, b, n);   /* routing */
	b[2] = 0;
	n = mk_ext(b, 43, 0, b, n);   /* hop-by-hop */
	n = mk_fraghdr(b, 0, 0, 0, 77, b, n);   /* atomic fragment */
	n = mk_ipv6(b, 44, b, n);
	EXPECT_EQ_U64(run(229, b, n, n), SW_DECODE_OK);
	EXPECT_EQ_U64(pkt.ipproto, 6);
	EXPECT_EQ_U64(pkt.sport, 49307);
	EXPECT_EQ_U64(pkt.payload_len, PLEN);
	FAIL_UNLESS(memcmp(pkt.payload, payload, PLEN) == 0);
	EXPECT_EQ_U64(ctr.frag_fragments, 0);
	EXPECT_EQ_U64(anomalies, 0);

	/* ESP and No Next Header stop the walk */
	memset(b, 0xee, 32);
	n = mk_ext(b, 50, 0, b, 32);
	n = mk_ipv6(b, 0, b, n);
	EXPECT_EQ_U64(run(229, b, n, n), SW_DECODE_OK);
	EXPECT_EQ_U64(pkt.ipproto, 50);
	EXPECT_EQ_U64(pkt.payload_len, 32);
	n = mk_ext(b, 59, 0, b, 0);
	n = mk_ipv6(b, 60, b, n);
	EXPECT_EQ_U64(run(229, b, n, n), SW_DECODE_OK);
	EXPECT_EQ_U64(pkt.ipproto, 59);
	EXPECT_EQ_U64(pkt.payload_len, 0);

	/* nine destination options headers */
	reset();
	n = mk_udp(b, 1, 2, b, 0);
	n = mk_ext(b, 17, 0, b, n);
	for (i = 0; i < 8; i++)
		n = mk_ext(b, 60, 0, b, n);
	n = mk_ipv6(b, 60, b, n);
	EXPECT_EQ_U64(run(229, b, n, n), SW_DECODE_BAD);
	EXPECT_STREQ(last_event, "decoder.ipv6.exthdr_too_many");

	/* an extension header longer than the payload length */
	reset();
	n = mk_udp(b, 1, 2, b, 0);
	n = mk_ext(b, 17, 0, b, n);
	b[1] = 4;
	n = mk_ipv6(b, 60, b, n);
	EXPECT_EQ_U64(run(229, b, n, n), SW_DECODE_BAD);
	EXPECT_STREQ(last_event, "decoder.ipv6.exthdr_invalid_optlen");
	EXPECT_EQ_U64(ctr.invalid, 1);

	/* two fragment headers */
	reset();
	n = mk_udp(b, 1, 2, b, 0);
	n = mk_fraghdr(b, 17, 0, 0, 1, b, n);
	n = mk_fraghdr(b, 44, 0, 0, 1, b, n);
	n = mk_ipv6(b, 44, b, n);
	EXPECT_EQ_U64(run(229, b, n, n), SW_DECODE_BAD);
	EXPECT_STREQ(last_event, "decoder.ipv6.exthdr_dupl_fh");

	/* wrong version */
	n = build_udp6(b);
	b[0] = 0x40;
	EXPECT_EQ_U64(run(1, b, 0, 0), SW_DECODE_BAD);
	EXPECT_STREQ(last_event, "decoder.ethernet.pkt_too_small");
	n = mk_eth(b, 0x86dd, b, n);
	EXPECT_EQ_U64(run(1, b, n, n), SW_DECODE_BAD);
	EXPECT_STREQ(last_event, "decoder.ipv6.wrong_ip_version");
}

static void test_tunnels(void)
{
	uint8_t b[BUF];
	uint32_t n;
	static const uint8_t outer_src[4] = { 192, 0, 2, 1 }, outer_dst[4] = { 192, 0, 2, 2 };

	reset();
	n = build_tcp4(b);
	n = mk_ipv4_full(b, 4, b, n, 0, 9, 0, outer_src, outer_dst);
	n = mk_eth(b, 0x0800, b, n);
	EXPECT_EQ_U64(run(1, b, n, n), SW_DECODE_OK);
	expect_tcp4();   /* the inner addresses */
	EXPECT_EQ_U64(pkt.tunnel_depth, 1);
	FAIL_UNLESS(pkt.flags & SW_PKT_TUNNELLED);
	EXPECT_EQ_U64(ctr.ipv4, 2);
	EXPECT_EQ_U64(ctr.tunnel, 1);

	n = build_udp6(b);
	n = mk_ipv4(b, 41, b, n);
	EXPECT_EQ_U64(run(228, b, n, n), SW_DECODE_OK);
	expect_udp6();
	EXPECT_EQ_U64(pkt.tunnel_depth, 1);

	n = build_udp6(b);
	n = mk_ipv6_addr(b, 41, b, n, pb_v6_dst, pb_v6_src);
	EXPECT_EQ_U64(run(229, b, n, n), SW_DECODE_OK);
	expect_udp6();

	n = build_tcp4(b);
	n = mk_ipv6(b, 4, b, n);
	EXPECT_EQ_U64(run(229, b, n, n), SW_DECODE_OK);
	expect_tcp4();

	/* three layers deep: fine; four: too deep */
	n = build_tcp4(b);
	n = mk_ipv4(b, 4, b, n);
	n = mk_ipv6(b, 4, b, n);
	n = mk_ipv4(b, 41, b, n);
	EXPECT_EQ_U64(run(228, b, n, n), SW_DECODE_OK);
	expect_tcp4();
	EXPECT_EQ_U64(pkt.tunnel_depth, 3);
	reset();
	n = mk_ipv4(b, 4, b, n);
	EXPECT_EQ_U64(run(228, b, n, n), SW_DECODE_BAD);
	EXPECT_EQ_U64(ctr.tunnel_too_deep, 1);
	EXPECT_STREQ(last_event, "decoder.tunnel.too_many_layers");

	/* GRE: plain, with checksum + key + sequence, Ethernet, PPTP */
	reset();
	n = build_tcp4(b);
	n = mk_gre(b, 0, 0x0800, b, n);
	n = mk_ipv4_full(b, 47, b, n, 0, 9, 0, outer_src, outer_dst);
	EXPECT_EQ_U64(run(228, b, n, n), SW_DECODE_OK);
	expect_tcp4();
	EXPECT_EQ_U64(pkt.tunnel_depth, 1);
	n = build_udp6(b);
	n = mk_gre(b, 0xb000, 0x86dd, b, n);
	n = mk_ipv4(b, 47, b, n);
	EXPECT_EQ_U64(run(228, b, n, n), SW_DECODE_OK);
	expect_udp6();
	n = build_tcp4(b);
	n = mk_vlan(b, 33, 0x0800, b, n);
	n = mk_eth(b, 0x8100, b, n);
	n = mk_gre(b, 0x2000, 0x6558, b, n);
	n = mk_ipv6(b, 47, b, n);
	EXPECT_EQ_U64(run(229, b, n, n), SW_DECODE_OK);
	expect_tcp4();
	EXPECT_EQ_U64(pkt.vlan[0], 33);
	n = build_tcp4(b);
	n = mk_raw(b, (const uint8_t *)"\xff\x03\x00\x21", 4, b, n);
	n = mk_gre(b, 0x3081, 0x880b, b, n);
	n = mk_ipv4(b, 47, b, n);
	EXPECT_EQ_U64(run(228, b, n, n), SW_DECODE_OK);
	expect_tcp4();
	EXPECT_EQ_U64(ctr.gre, 4);
	EXPECT_EQ_U64(anomalies, 0);
	/* a GRE payload we do not open stays GRE */
	memset(b, 0, 20);
	n = mk_gre(b, 0, 0x88be, b, 20);
	n = mk_ipv4(b, 47, b, n);
	EXPECT_EQ_U64(run(228, b, n, n), SW_DECODE_OK);
	EXPECT_EQ_U64(pkt.ipproto, 47);
	EXPECT_EQ_U64(pkt.tunnel_depth, 0);
	n = mk_gre(b, 2, 0x0800, b, 20);
	n = mk_ipv4(b, 47, b, n);
	EXPECT_EQ_U64(run(228, b, n, n), SW_DECODE_BAD);
	EXPECT_STREQ(last_event, "decoder.gre.wrong_version");
}

/* VXLAN and Geneve: decapsulated only when the header parses and IP is
 * inside; anything else stays the UDP packet it was. */
static void test_udp_tunnels(void)
{
	uint8_t b[BUF];
	uint32_t n;
	static const uint8_t vx_ok[8] = { 0x08, 0, 0, 0, 0, 0, 42, 0 };
	static const uint8_t vx_noi[8] = { 0x00, 0, 0, 0, 0, 0, 42, 0 };
	/* Geneve: 2 option words (one TLV of 4 data bytes), Ethernet, VNI 7 */
	static const uint8_t gn_ok[16] = { 0x02, 0, 0x65, 0x58, 0, 0, 7, 0,
	    0x01, 0x02, 0x80, 0x01, 1, 2, 3, 4 };
	/* the TLV claims 8 data bytes, past the option length */
	static const uint8_t gn_overrun[16] = { 0x02, 0, 0x65, 0x58, 0, 0, 7, 0,
	    0x01, 0x02, 0x80, 0x02, 1, 2, 3, 4 };
	/* an OAM message (O bit) */
	static const uint8_t gn_oam[8] = { 0x00, 0x80, 0x08, 0x00, 0, 0, 7, 0 };
	static const uint8_t gn_ip[8] = { 0x00, 0, 0x08, 0x00, 0, 0, 9, 0 };
	struct sw_udp_tunnel_ports tp;

	reset();
	n = build_tcp4(b);
	n = mk_eth(b, 0x0800, b, n);
	n = mk_raw(b, vx_ok, 8, b, n);
	n = mk_udp(b, 50000, 4789, b, n);
	n = mk_ipv4(b, 17, b, n);
	EXPECT_EQ_U64(run(228, b, n, n), SW_DECODE_OK);
	expect_tcp4();
	EXPECT_EQ_U64(pkt.tunnel_depth, 1);
	EXPECT_EQ_U64(pkt.tunnel.type, SW_TUNNEL_VXLAN);
	EXPECT_EQ_U64(pkt.tunnel.vni, 42);
	EXPECT_EQ_U64(pkt.tunnel.sport, 50000);
	EXPECT_EQ_U64(pkt.tunnel.dport, 4789);
	FAIL_UNLESS(memcmp(pkt.tunnel.src, pb_v4_src, 4) == 0);
	EXPECT_EQ_U64(ctr.vxlan, 1);

	/* flannel's port; then only 4789 configured: 8472 stays UDP */
	n = build_tcp4(b);
	n = mk_eth(b, 0x0800, b, n);
	n = mk_raw(b, vx_ok, 8, b, n);
	n = mk_udp(b, 50000, 8472, b, n);
	n = mk_ipv4(b, 17, b, n);
	EXPECT_EQ_U64(run(228, b, n, n), SW_DECODE_OK);
	expect_tcp4();
	memset(&tp, 0, sizeof(tp));
	tp.vxlan[0] = 4789;
	tp.nvxlan = 1;
	decode_set_udp_tunnel_ports(dec, &tp);
	EXPECT_EQ_U64(run(228, b, n, n), SW_DECODE_OK);
	EXPECT_EQ_U64(pkt.ipproto, 17);
	EXPECT_EQ_U64(pkt.dport, 8472);
	EXPECT_EQ_U64(pkt.tunnel_depth, 0);
	decode_set_udp_tunnel_ports(dec, NULL);

	/* no I flag; ARP inside; cut header: plain UDP, no anomaly */
	reset();
	n = build_tcp4(b);
	n = mk_eth(b, 0x0800, b, n);
	n = mk_raw(b, vx_noi, 8, b, n);
	n = mk_udp(b, 50000, 4789, b, n);
	n = mk_ipv4(b, 17, b, n);
	EXPECT_EQ_U64(run(228, b, n, n), SW_DECODE_OK);
	EXPECT_EQ_U64(pkt.dport, 4789);
	EXPECT_EQ_U64(pkt.tunnel_depth, 0);
	memset(b, 0, 28);
	n = mk_eth(b, 0x0806, b, 28);
	n = mk_raw(b, vx_ok, 8, b, n);
	n = mk_udp(b, 50000, 4789, b, n);
	n = mk_ipv4(b, 17, b, n);
	EXPECT_EQ_U64(run(228, b, n, n), SW_DECODE_OK);
	EXPECT_EQ_U64(pkt.dport, 4789);
	n = mk_udp(b, 50000, 4789, vx_ok, 5);
	n = mk_ipv4(b, 17, b, n);
	EXPECT_EQ_U64(run(228, b, n, n), SW_DECODE_OK);
	EXPECT_EQ_U64(pkt.dport, 4789);
	EXPECT_EQ_U64(ctr.vxlan_passthrough, 3);
	EXPECT_EQ_U64(anomalies, 0);

	/* Geneve: options then Ethernet; bare IPv6; overrun; OAM */
	reset();
	n = build_tcp4(b);
	n = mk_eth(b, 0x0800, b, n);
	n = mk_raw(b, gn_ok, 16, b, n);
	n = mk_udp(b, 50001, 6081, b, n);
	n = mk_ipv6(b, 17, b, n);
	EXPECT_EQ_U64(run(229, b, n, n), SW_DECODE_OK);
	expect_tcp4();
	EXPECT_EQ_U64(pkt.tunnel.type, SW_TUNNEL_GENEVE);
	EXPECT_EQ_U64(pkt.tunnel.ip_version, 6);
	EXPECT_EQ_U64(pkt.tunnel.vni, 7);
	n = build_udp6(b);
	n = mk_raw(b, gn_ip, 8, b, n);
	b[2] = 0x86;
	b[3] = 0xdd;
	n = mk_udp(b, 50001, 6081, b, n);
	n = mk_ipv4(b, 17, b, n);
	EXPECT_EQ_U64(run(228, b, n, n), SW_DECODE_OK);
	expect_udp6();
	EXPECT_EQ_U64(pkt.tunnel.vni, 9);
	EXPECT_EQ_U64(ctr.geneve, 2);
	n = build_tcp4(b);
	n = mk_eth(b, 0x0800, b, n);
	n = mk_raw(b, gn_overrun, 16, b, n);
	n = mk_udp(b, 50001, 6081, b, n);
	n = mk_ipv4(b, 17, b, n);
	EXPECT_EQ_U64(run(228, b, n, n), SW_DECODE_OK);
	EXPECT_EQ_U64(pkt.dport, 6081);
	n = build_tcp4(b);
	n = mk_raw(b, gn_oam, 8, b, n);
	n = mk_udp(b, 50001, 6081, b, n);
	n = mk_ipv4(b, 17, b, n);
	EXPECT_EQ_U64(run(228, b, n, n), SW_DECODE_OK);
	EXPECT_EQ_U64(pkt.dport, 6081);
	EXPECT_EQ_U64(ctr.geneve_passthrough, 2);
	EXPECT_EQ_U64(anomalies, 0);

	/* VXLAN in VXLAN in VXLAN in IPIP: the fourth layer is refused */
	n = build_tcp4(b);
	n = mk_eth(b, 0x0800, b, n);
	n = mk_raw(b, vx_ok, 8, b, n);
	n = mk_udp(b, 50000, 4789, b, n);
	n = mk_ipv4(b, 17, b, n);
	n = mk_eth(b, 0x0800, b, n);
	n = mk_raw(b, vx_ok, 8, b, n);
	n = mk_udp(b, 50000, 4789, b, n);
	n = mk_ipv4(b, 17, b, n);
	n = mk_eth(b, 0x0800, b, n);
	n = mk_raw(b, vx_ok, 8, b, n);
	n = mk_udp(b, 50000, 4789, b, n);
	n = mk_ipv4(b, 17, b, n);
	EXPECT_EQ_U64(run(228, b, n, n), SW_DECODE_OK);
	EXPECT_EQ_U64(pkt.tunnel_depth, 3);
	n = mk_ipv4(b, 4, b, n);
	EXPECT_EQ_U64(run(228, b, n, n), SW_DECODE_BAD);
	EXPECT_STREQ(last_event, "decoder.tunnel.too_many_layers");
	EXPECT_EQ_U64(pkt.tunnel.type, SW_TUNNEL_IPIP);
}

/* Cut a valid frame at every length. Before hdr_end (where the L4 payload
 * starts) the result must be BAD and counted as truncated; from there on,
 * OK with TRUNCATED and the captured part of the payload. */
static void truncate_all(const char *name, int lt, const uint8_t *b, uint32_t full, uint32_t pay)
{
	uint32_t cut, hdr_end = full - pay;
	int snap;

	for (snap = 0; snap < 2; snap++) {
		for (cut = 0; cut <= full; cut++) {
			enum sw_decode_result r;
			uint64_t t0, i0;
			unsigned a0;

			reset();
			t0 = ctr.truncated;
			i0 = ctr.invalid;
			a0 = anomalies;
			r = run(lt, b, cut, snap ? full : cut);
			if (cut < hdr_end) {
				if (r != SW_DECODE_BAD)
					fprintf(stderr, "%s: cut %u of %u: result %d\n", name, cut, full, r);
				EXPECT_EQ_U64(r, SW_DECODE_BAD);
				EXPECT_EQ_U64(ctr.truncated, t0 + 1);
				EXPECT_EQ_U64(ctr.invalid, i0);
				EXPECT_EQ_U64(anomalies, a0 + 1);
				continue;
			}
			if (r != SW_DECODE_OK)
				fprintf(stderr, "%s: cut %u of %u: result %d\n", name, cut, full, r);
			EXPECT_EQ_U64(r, SW_DECODE_OK);
			EXPECT_EQ_U64(pkt.payload_len, cut - hdr_end);
			EXPECT_EQ_U64(pkt.payload_wire_len, pay);
			EXPECT_EQ_U64(!!(pkt.flags & SW_PKT_TRUNCATED), cut < full);
			EXPECT_EQ_U64(ctr.truncated, t0 + (cut < full));
			/* reported only when the frame was not cut by a snaplen */
			EXPECT_EQ_U64(anomalies, a0 + (cut < full && !snap));
		}
	}
}

static void test_truncation(void)
{
	uint8_t b[BUF];
	uint32_t n;

	n = build_tcp4(b);
	n = mk_eth(b, 0x0800, b, n);
	truncate_all("eth/ipv4/tcp", 1, b, n, PLEN);

	memcpy(b, payload, PLEN);
	n = mk_udp(b, 1, 2, b, PLEN);
	n = mk_ext(b, 17, 1, b, n);
	n = mk_ext(b, 60, 0, b, n);
	b[2] = 0;
	n = mk_ipv6(b, 0, b, n);
	n = mk_vlan(b, 5, 0x86dd, b, n);
	n = mk_vlan(b, 6, 0x8100, b, n);
	n = mk_eth(b, 0x88a8, b, n);
	truncate_all("qinq/ipv6/ext/udp", 1, b, n, PLEN);

	n = build_tcp4(b);
	n = mk_mpls(b, 5, 1, b, n);
	n = mk_mpls(b, 6, 0, b, n);
	n = mk_eth(b, 0x8847, b, n);
	truncate_all("mpls/ipv4/tcp", 1, b, n, PLEN);

	n = build_tcp4(b);
	n = mk_pppoe(b, 0x0021, b, n);
	n = mk_eth(b, 0x8864, b, n);
	truncate_all("pppoe/ipv4/tcp", 1, b, n, PLEN);

	memcpy(b, payload, PLEN);
	n = mk_tcp(b, 1, 2, 3, 4, SW_TH_ACK, b, PLEN, 12);
	n = mk_ipv6(b, 6, b, n);
	n = mk_ipv4(b, 41, b, n);
	n = mk_sll(b, 0x0800, b, n);
	truncate_all("sll/6in4/tcp", 113, b, n, PLEN);

	n = build_udp6(b);
	n = mk_sll2(b, 0x86dd, b, n);
	truncate_all("sll2/ipv6/udp", 276, b, n, PLEN);

	n = build_tcp4(b);
	n = mk_gre(b, 0x3000, 0x0800, b, n);
	n = mk_ipv4(b, 47, b, n);
	n = mk_null(b, 2, 0, b, n);
	truncate_all("null/gre/ipv4/tcp", 0, b, n, PLEN);

	n = build_tcp4(b);
	n = mk_raw(b, (const uint8_t *)"\xff\x03\x00\x21", 4, b, n);
	truncate_all("ppp/ipv4/tcp", 9, b, n, PLEN);

	n = build_tcp4(b);
	n = mk_raw(b, (const uint8_t *)"\x0f\x00\x08\x00", 4, b, n);
	truncate_all("chdlc/ipv4/tcp", 104, b, n, PLEN);

	memcpy(b, payload, PLEN);
	n = mk_ipv4(b, 1, b, PLEN);
	truncate_all("raw/ipv4/icmp", 101, b, n, PLEN);
}

/* Random corruption of valid frames of every kind: never a crash or an
 * out-of-bounds pointer (checked in run()), every BAD is counted, and the
 * packet counter moves once per call. */
static void test_corruption(void)
{
	static const int lts[] = { 1, 1, 1, 113, 276, 0, 9, 104, 101, 1 };
	uint8_t frames[10][BUF], b[BUF];
	uint32_t len[10], n, i, it;
	uint64_t seed = 0x9e3779b97f4a7c15ULL;

	n = build_tcp4(frames[0]);
	len[0] = mk_eth(frames[0], 0x0800, frames[0], n);
	memcpy(frames[1], payload, PLEN);
	n = mk_udp(frames[1], 1, 2, frames[1], PLEN);
	n = mk_ext(frames[1], 17, 0, frames[1], n);
	n = mk_ipv6(frames[1], 60, frames[1], n);
	n = mk_vlan(frames[1], 9, 0x86dd, frames[1], n);
	len[1] = mk_eth(frames[1], 0x8100, frames[1], n);
	n = build_tcp4(frames[2]);
	n = mk_pppoe(frames[2], 0x0021, frames[2], n);
	len[2] = mk_eth(frames[2], 0x8864, frames[2], n);
	n = build_tcp4(frames[3]);
	len[3] = mk_sll(frames[3], 0x0800, frames[3], mk_ipv6(frames[3], 4, frames[3], n));
	n = build_udp6(frames[4]);
	len[4] = mk_sll2(frames[4], 0x86dd, frames[4], n);
	n = build_tcp4(frames[5]);
	n = mk_gre(frames[5], 0xb000, 0x0800, frames[5], n);
	len[5] = mk_null(frames[5], 2, 0, frames[5], mk_ipv4(frames[5], 47, frames[5], n));
	n = build_tcp4(frames[6]);
	len[6] = mk_raw(frames[6], (const uint8_t *)"\x21", 1, frames[6], n);
	n = build_tcp4(frames[7]);
	len[7] = mk_raw(frames[7], (const uint8_t *)"\x0f\x00\x08\x00", 4, frames[7], n);
	n = build_udp6(frames[8]);
	len[8] = mk_ipv4(frames[8], 41, frames[8], n);
	n = build_tcp4(frames[9]);
	n = mk_mpls(frames[9], 1, 1, frames[9], n);
	len[9] = mk_eth(frames[9], 0x8847, frames[9], n);

	reset();
	for (it = 0; it < 40000; it++) {
		uint32_t k = it % 10, flips, cut;
		uint64_t bad0 = ctr.truncated + ctr.invalid + ctr.tunnel_too_deep;
		enum sw_decode_result r;

		memcpy(b, frames[k], len[k]);
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		flips = 1 + (uint32_t)(seed >> 60) % 4;
		for (i = 0; i < flips; i++) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			/* bias towards the headers */
			b[(seed >> 33) % (len[k] < 90 ? len[k] : 90)] = (uint8_t)(seed >> 17);
		}
		cut = (seed >> 40) % 4 == 0 ? (uint32_t)(seed >> 20) % (len[k] + 1) : len[k];
		r = run(lts[k], b, cut, len[k]);
		if (r == SW_DECODE_BAD)
			FAIL_IF(ctr.truncated + ctr.invalid + ctr.tunnel_too_deep == bad0);
		decode_expire(dec, 1000000 + (uint64_t)it * 1000000);
	}
	EXPECT_EQ_U64(ctr.pkts, 40000);
}

int main(void)
{
	memset(&lim, 0, sizeof(lim));
	lim.frag_max_datagrams = 64;
	lim.frag_memcap = 1u << 20;
	lim.frag_timeout = 30;
	dec = decode_new(&lim, &ctr, &sink);
	FAIL_IF(dec == NULL);
	if (dec == NULL)
		return sw_test_done("test_decode");
	test_ethernet();
	test_vlan();
	test_mpls();
	test_pppoe();
	test_linktypes();
	test_ipv4_errors();
	test_ipv6_ext();
	test_tunnels();
	test_udp_tunnels();
	test_truncation();
	test_corruption();
	decode_free(dec);
	return sw_test_done("test_decode");
}
