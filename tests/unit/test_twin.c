/* test_twin.c: packet copies across interfaces and NAT twins (twin.h). */
#include "sw_test.h"
#include "twin.h"

static struct sw_limits lim;
static struct sw_counters_flow ctr;

/* A cooked-capture TCP packet 10.244.1.40:41040 -> 198.51.100.10:3333. */
static void mk(struct sw_pkt *p, uint64_t ts, uint32_t ifindex, uint8_t flags, uint32_t seq)
{
	static const uint8_t ip4[20] = { 0x45, 0, 0, 40, 0x1a, 0x2b };

	memset(p, 0, sizeof(*p));
	p->ts_usec = ts;
	p->flags = SW_PKT_COOKED;
	p->ifindex = ifindex;
	p->ip_version = 4;
	p->ipproto = 6;
	p->src[0] = 10; p->src[1] = 244; p->src[2] = 1; p->src[3] = 40;
	p->dst[0] = 198; p->dst[1] = 51; p->dst[2] = 100; p->dst[3] = 10;
	p->sport = 41040;
	p->dport = 3333;
	p->tcp_flags = flags;
	p->seq = seq;
	p->l3 = ip4;
	p->l3_len = sizeof(ip4);
}

/* The same, a UDP datagram to port 53 at TTL 64 carrying q[0..n). */
static void mk_udp(struct sw_pkt *p, uint64_t ts, const uint8_t *q, size_t n)
{
	mk(p, ts, 7, 0, 0);
	p->ipproto = 17;
	p->dport = 53;
	p->ttl = 64;
	p->payload = q;
	p->payload_len = p->payload_wire_len = (uint32_t)n;
}

static void test_copies(void)
{
	struct sw_twin *t = twin_new(&lim, &ctr);
	struct sw_pkt p;

	FAIL_IF(t == NULL);
	if (t == NULL)
		return;
	mk(&p, 1000, 7, SW_TH_ACK, 100);
	EXPECT_EQ_U64(twin_is_copy(t, &p), 0);        /* veth */
	mk(&p, 1003, 3, SW_TH_ACK, 100);
	EXPECT_EQ_U64(twin_is_copy(t, &p), 1);        /* bridge: a copy */
	mk(&p, 1500, 7, SW_TH_ACK, 100);
	EXPECT_EQ_U64(twin_is_copy(t, &p), 0);        /* again on the veth: a resend */
	mk(&p, 2000, 3, SW_TH_ACK, 101);
	EXPECT_EQ_U64(twin_is_copy(t, &p), 0);        /* another sequence number */
	mk(&p, 2001, 2, SW_TH_ACK, 100);
	p.ttl = 63;                                   /* routed: TTL is not compared */
	EXPECT_EQ_U64(twin_is_copy(t, &p), 1);
	mk(&p, 1500 + 60000, 3, SW_TH_ACK, 100);
	EXPECT_EQ_U64(twin_is_copy(t, &p), 0);        /* past the 50 ms window */
	mk(&p, 3000, 7, SW_TH_ACK, 100);
	p.flags = 0;                                  /* not cooked: never checked */
	EXPECT_EQ_U64(twin_is_copy(t, &p), 0);
	EXPECT_EQ_U64(twin_is_copy(t, &p), 0);
	EXPECT_EQ_U64(ctr.twin_copies, 2);
	twin_free(t);
}

static void test_nat(void)
{
	struct sw_twin *t = twin_new(&lim, &ctr);
	struct sw_flow a = { 0 }, b = { 0 }, c = { 0 }, d = { 0 };
	struct sw_pkt p;
	int snat, first;

	FAIL_IF(t == NULL);
	if (t == NULL)
		return;
	mk(&p, 1000, 7, SW_TH_SYN, 0x5e000a40);
	FAIL_UNLESS(twin_nat_match(t, &a, &p, &snat, &first) == NULL);
	FAIL_UNLESS(a.twin_slot != 0);
	/* the uplink copy, masqueraded to another address and port */
	mk(&p, 1008, 2, SW_TH_SYN, 0x5e000a40);
	p.src[0] = 192; p.src[1] = 168; p.src[2] = 56; p.src[3] = 11;
	p.sport = 61040;
	FAIL_UNLESS(twin_nat_match(t, &b, &p, &snat, &first) == &a);
	EXPECT_EQ_U64(snat, 1);
	EXPECT_EQ_U64(first, 0);               /* same TTL, later: the kept flow came first */
	EXPECT_EQ_U64(b.nat_twin, 1);
	/* a SYN/ACK or another ISN never matches */
	mk(&p, 1010, 2, SW_TH_SYN | SW_TH_ACK, 0x5e000a40);
	p.sport = 1;
	FAIL_UNLESS(twin_nat_match(t, &c, &p, &snat, &first) == NULL);
	mk(&p, 1010, 2, SW_TH_SYN, 0x5e000a41);
	p.sport = 1;
	FAIL_UNLESS(twin_nat_match(t, &c, &p, &snat, &first) == NULL);
	EXPECT_EQ_U64(c.nat_twin, 0);
	/* the original ended: its SYN is forgotten */
	twin_flow_end(t, &a);
	EXPECT_EQ_U64(a.twin_slot, 0);
	mk(&p, 1020, 2, SW_TH_SYN, 0x5e000a40);
	p.sport = 61041;
	FAIL_UNLESS(twin_nat_match(t, &d, &p, &snat, &first) == NULL);
	/* too late for the window (2 s) */
	mk(&p, 1020 + 3000000, 2, SW_TH_SYN, 0x5e000a40);
	p.sport = 61042;
	FAIL_UNLESS(twin_nat_match(t, &b, &p, &snat, &first) == NULL);
	EXPECT_EQ_U64(ctr.nat_twins, 1);
	twin_flow_end(t, &c);
	twin_flow_end(t, &d);
	twin_free(t);
}

/* UDP: the masqueraded copy of a pod's first datagram (same destination,
 * IPv4 id and payload, another source, TTL lower) is a nat-twin; two hosts
 * sending the same bytes at once are not. */
static void test_nat_udp(void)
{
	static const uint8_t q[] = "\x6a\x6a\x01\x00\x00\x01pool-query";
	struct sw_twin *t = twin_new(&lim, &ctr);
	struct sw_flow a = { 0 }, b = { 0 }, c = { 0 };
	struct sw_pkt p;
	int snat, first;

	FAIL_IF(t == NULL);
	if (t == NULL)
		return;
	memset(&ctr, 0, sizeof(ctr));
	mk_udp(&p, 1000, q, sizeof(q) - 1);
	FAIL_UNLESS(twin_nat_match(t, &a, &p, &snat, &first) == NULL);
	/* another pod, same bytes, same TTL: its own flow */
	p.src[3] = 41;
	p.ts_usec = 1004;
	FAIL_UNLESS(twin_nat_match(t, &c, &p, &snat, &first) == NULL);
	/* the uplink copy: node address, new port, routed */
	p.src[0] = 192; p.src[1] = 168; p.src[2] = 56; p.src[3] = 11;
	p.sport = 61041;
	p.ttl = 63;
	p.ts_usec = 1008;
	FAIL_UNLESS(twin_nat_match(t, &b, &p, &snat, &first) != NULL);
	EXPECT_EQ_U64(snat, 1);
	EXPECT_EQ_U64(first, 0);
	EXPECT_EQ_U64(b.nat_twin, 1);
	EXPECT_EQ_U64(ctr.nat_twins, 1);
	twin_flow_end(t, &a);
	twin_flow_end(t, &c);
	twin_free(t);
}

/* UDP through a Service's DNAT (a pod's query to kube-dns 10.96.0.10,
 * sent on to the CoreDNS pod 10.244.1.5): the same source, IPv4 id and
 * payload, another destination, TTL lower, is a nat-twin that is not SNAT.
 * The same bytes to another server at the same TTL (not routed), or with
 * both endpoints changed, are flows of their own. */
static void test_dnat_udp(void)
{
	static const uint8_t q[] = "\x43\x43\x01\x00\x00\x01pool-query";
	struct sw_twin *t = twin_new(&lim, &ctr);
	struct sw_flow a = { 0 }, b = { 0 }, c = { 0 }, d = { 0 };
	struct sw_pkt p;
	int snat, first;

	FAIL_IF(t == NULL);
	if (t == NULL)
		return;
	memset(&ctr, 0, sizeof(ctr));
	mk_udp(&p, 1000, q, sizeof(q) - 1);
	p.dst[0] = 10; p.dst[1] = 96; p.dst[2] = 0; p.dst[3] = 10;
	FAIL_UNLESS(twin_nat_match(t, &a, &p, &snat, &first) == NULL);
	/* the same socket's bytes to another server, not routed: its own flow */
	p.dst[0] = 192; p.dst[1] = 0; p.dst[2] = 2; p.dst[3] = 53;
	p.ts_usec = 1002;
	FAIL_UNLESS(twin_nat_match(t, &c, &p, &snat, &first) == NULL);
	EXPECT_EQ_U64(c.nat_twin, 0);
	/* translated and routed, source and destination both changed: no */
	p.src[3] = 99;
	p.dst[0] = 10; p.dst[1] = 244; p.dst[2] = 1; p.dst[3] = 5;
	p.ttl = 63;
	p.ts_usec = 1005;
	FAIL_UNLESS(twin_nat_match(t, &d, &p, &snat, &first) == NULL);
	EXPECT_EQ_U64(d.nat_twin, 0);
	/* the DNAT copy on CoreDNS's veth */
	p.src[3] = 40;
	p.ts_usec = 1009;
	FAIL_UNLESS(twin_nat_match(t, &b, &p, &snat, &first) == &a);
	EXPECT_EQ_U64(snat, 0);
	EXPECT_EQ_U64(first, 0);
	EXPECT_EQ_U64(b.nat_twin, 1);
	EXPECT_EQ_U64(ctr.nat_twins, 1);
	twin_flow_end(t, &a);
	twin_flow_end(t, &c);
	twin_flow_end(t, &d);
	twin_free(t);
}

/* Two -i handles may deliver the copies out of order: the uplink copy
 * (TTL 63) first, the pod's (TTL 64) second; the second is the twin and
 * is reported as the pre-NAT one. */
static void test_nat_reordered(void)
{
	struct sw_twin *t = twin_new(&lim, &ctr);
	struct sw_flow a = { 0 }, b = { 0 };
	struct sw_pkt p;
	int snat, first;

	FAIL_IF(t == NULL);
	if (t == NULL)
		return;
	mk(&p, 1008, 2, SW_TH_SYN, 0x5e000a50);
	p.flags = SW_PKT_MULTI_IF;
	p.ttl = 63;
	p.src[0] = 192; p.src[1] = 168; p.src[2] = 56; p.src[3] = 11;
	p.sport = 61050;
	FAIL_UNLESS(twin_nat_match(t, &a, &p, &snat, &first) == NULL);
	mk(&p, 1000, 1, SW_TH_SYN, 0x5e000a50);
	p.flags = SW_PKT_MULTI_IF;
	p.ttl = 64;
	FAIL_UNLESS(twin_nat_match(t, &b, &p, &snat, &first) == &a);
	EXPECT_EQ_U64(snat, 1);
	EXPECT_EQ_U64(first, 1);
	EXPECT_EQ_U64(b.nat_twin, 1);
	twin_flow_end(t, &a);
	twin_free(t);
}

/* A set of 4 fills: the oldest live entry goes, and that is counted. */
static void test_cap(void)
{
	struct sw_twin *t;
	struct sw_pkt p;
	uint32_t i;

	lim.twin_copies_max = 4;
	t = twin_new(&lim, &ctr);
	FAIL_IF(t == NULL);
	if (t == NULL)
		return;
	memset(&ctr, 0, sizeof(ctr));
	for (i = 0; i < 5; i++) {
		mk(&p, 1000 + i, 7, SW_TH_ACK, 100 + i);
		EXPECT_EQ_U64(twin_is_copy(t, &p), 0);
	}
	EXPECT_EQ_U64(ctr.twin_copies_evicted, 1);
	mk(&p, 1010, 3, SW_TH_ACK, 100);              /* its entry was evicted */
	EXPECT_EQ_U64(twin_is_copy(t, &p), 0);
	mk(&p, 1010, 3, SW_TH_ACK, 104);
	EXPECT_EQ_U64(twin_is_copy(t, &p), 1);
	twin_free(t);
	lim.twin_copies_max = 0;                      /* 0: the check is off */
	t = twin_new(&lim, &ctr);
	mk(&p, 1000, 7, SW_TH_ACK, 100);
	EXPECT_EQ_U64(twin_is_copy(t, &p), 0);
	mk(&p, 1001, 3, SW_TH_ACK, 100);
	EXPECT_EQ_U64(twin_is_copy(t, &p), 0);
	twin_free(t);
}

int main(void)
{
	sw_limits_default(&lim);
	test_copies();
	test_nat();
	test_nat_udp();
	test_dnat_udp();
	test_nat_reordered();
	test_cap();
	return sw_test_done("test_twin");
}
