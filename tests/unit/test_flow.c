/* test_flow.c: the flow table's own parts that outputs depend on byte for
 * byte: the pool a flow names (flow_set_pool), and lookups: a packet finds
 * its flow from either end, with the sender's side as the canonical key
 * says, and nothing else's (flow_get hashes and compares the endpoints
 * without building the key), and TCP state and timeout class per segment
 * (flow_update takes a short way for an established flow's segments), and
 * flows allocated a chunk at a time: slots given back and taken again
 * while other flows live in the same chunks. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "sw_limits.h"
#include "sw_test.h"

static unsigned ended;
/* test_expire_order: the seq_no of each flow ended, in order */
static uint64_t ended_seq[256];

static void on_end(void *arg, struct sw_flow *f, enum sw_flow_end_reason why)
{
	(void)arg;
	(void)why;
	if (ended < sizeof(ended_seq) / sizeof(ended_seq[0]))
		ended_seq[ended] = f->seq_no;
	ended++;
}

/* A table with the default limits and zeroed counters, both the caller's
 * (the table keeps pointers to them). */
static struct sw_flow_table *new_table(struct sw_limits *lim, struct sw_counters_flow *c)
{
	struct sw_flow_table *t;

	sw_limits_default(lim);
	memset(c, 0, sizeof(*c));
	t = flow_table_new(lim, c, on_end, NULL);
	FAIL_IF(t == NULL);
	return t;
}

/* The packet through the table as the engine takes it: its flow found or
 * made, then updated. NULL when no flow could be had. */
static struct sw_flow *see(struct sw_flow_table *t, const struct sw_pkt *p)
{
	struct sw_flow *f;
	int dir;

	if ((f = flow_get(t, p, &dir)) != NULL)
		flow_update(t, f, p, dir);
	return f;
}

static struct sw_pkt pkt(int ver, const char *src, uint16_t sport, const char *dst,
    uint16_t dport, uint8_t proto, uint8_t flags)
{
	struct sw_pkt p;

	memset(&p, 0, sizeof(p));
	p.ts_usec = 1704067200000000ULL;
	p.ip_version = (uint8_t)ver;
	p.ipproto = proto;
	inet_pton(ver == 4 ? AF_INET : AF_INET6, src, p.src);
	inet_pton(ver == 4 ? AF_INET : AF_INET6, dst, p.dst);
	p.sport = sport;
	p.dport = dport;
	p.tcp_flags = flags;
	return p;
}

/* p's flow, which must exist already (or, with new_ok, may be made) */
static struct sw_flow *get(struct sw_flow_table *t, struct sw_counters_flow *c,
    const struct sw_pkt *p, int *dir, int new_ok)
{
	uint64_t made = c->created;
	struct sw_flow *f = flow_get(t, p, dir);

	FAIL_IF(f == NULL);
	if (!new_ok)
		EXPECT_EQ_U64(c->created, made);
	return f;
}

static void test_lookup(void)
{
	struct sw_limits lim;
	struct sw_counters_flow c;
	struct sw_flow_table *t;
	struct sw_pkt p, q;
	struct sw_flow *f, *g, *h;
	int dir;
	unsigned i;

	t = new_table(&lim, &c);

	/* a SYN from the higher address: key endpoint 1 initiated */
	p = pkt(4, "192.0.2.9", 40000, "10.0.0.1", 3333, 6, SW_TH_SYN);
	f = get(t, &c, &p, &dir, 1);
	EXPECT_EQ_U64(c.created, 1);
	EXPECT_EQ_U64(dir, SW_DIR_TO_SERVER);
	EXPECT_EQ_U64(f->init_side, 1);
	EXPECT_EQ_U64(flow_src_port(f), 40000);
	EXPECT_EQ_U64(flow_dst_port(f), 3333);
	/* the reply finds it, the other way */
	q = pkt(4, "10.0.0.1", 3333, "192.0.2.9", 40000, 6, SW_TH_SYN | SW_TH_ACK);
	FAIL_IF(get(t, &c, &q, &dir, 0) != f);
	EXPECT_EQ_U64(dir, SW_DIR_TO_CLIENT);
	p.tcp_flags = SW_TH_ACK;
	FAIL_IF(get(t, &c, &p, &dir, 0) != f);
	EXPECT_EQ_U64(dir, SW_DIR_TO_SERVER);

	/* what differs in one field only is another flow: ports swapped on
	 * one side, another protocol, another VLAN, another address */
	p = pkt(4, "192.0.2.9", 3333, "10.0.0.1", 40000, 6, SW_TH_ACK);
	FAIL_IF(get(t, &c, &p, &dir, 1) == f);
	p = pkt(4, "192.0.2.9", 40000, "10.0.0.1", 3333, 17, 0);
	FAIL_IF(get(t, &c, &p, &dir, 1) == f);
	p = pkt(4, "192.0.2.9", 40000, "10.0.0.1", 3333, 6, SW_TH_ACK);
	p.vlan_count = 1;
	p.vlan[0] = 7;
	g = get(t, &c, &p, &dir, 1);
	FAIL_IF(g == f);
	/* a VLAN id without a tag does not count (vlan_count 0) */
	p.vlan_count = 0;
	FAIL_IF(get(t, &c, &p, &dir, 0) != f);
	p.vlan_count = 1;
	FAIL_IF(get(t, &c, &p, &dir, 0) != g);
	p = pkt(4, "192.0.2.8", 40000, "10.0.0.1", 3333, 6, SW_TH_ACK);
	FAIL_IF(get(t, &c, &p, &dir, 1) == f);
	EXPECT_EQ_U64(c.created, 5);

	/* both ends the same address: the lower port is key endpoint 0, and
	 * each way finds the flow with its own direction */
	p = pkt(4, "10.0.0.5", 50000, "10.0.0.5", 3333, 6, SW_TH_SYN);
	f = get(t, &c, &p, &dir, 1);
	EXPECT_EQ_U64(f->init_side, 1);
	EXPECT_EQ_U64(dir, SW_DIR_TO_SERVER);
	q = pkt(4, "10.0.0.5", 3333, "10.0.0.5", 50000, 6, SW_TH_SYN | SW_TH_ACK);
	FAIL_IF(get(t, &c, &q, &dir, 0) != f);
	EXPECT_EQ_U64(dir, SW_DIR_TO_CLIENT);
	/* the same address and port at both ends: one flow, the sender
	 * always the initiator */
	p = pkt(4, "10.0.0.6", 5000, "10.0.0.6", 5000, 17, 0);
	f = get(t, &c, &p, &dir, 1);
	EXPECT_EQ_U64(dir, SW_DIR_TO_SERVER);
	FAIL_IF(get(t, &c, &p, &dir, 0) != f);
	EXPECT_EQ_U64(dir, SW_DIR_TO_SERVER);

	/* IPv6, and an IPv4 address that reads the same as an IPv6 one's
	 * first bytes is another flow */
	p = pkt(6, "2001:db8::1", 40000, "2001:db8::2", 3333, 6, SW_TH_SYN);
	f = get(t, &c, &p, &dir, 1);
	q = pkt(6, "2001:db8::2", 3333, "2001:db8::1", 40000, 6, SW_TH_SYN | SW_TH_ACK);
	FAIL_IF(get(t, &c, &q, &dir, 0) != f);
	EXPECT_EQ_U64(dir, SW_DIR_TO_CLIENT);
	p = pkt(6, "2001:db8::1", 40000, "2001:db8::3", 3333, 6, SW_TH_SYN);
	FAIL_IF(get(t, &c, &p, &dir, 1) == f);
	p = pkt(4, "32.1.13.184", 40000, "32.1.13.184", 3333, 6, SW_TH_SYN);
	h = get(t, &c, &p, &dir, 1);
	FAIL_IF(h == f);

	/* past the first bucket array's size, every flow is still found
	 * from both ends, the table growing under them */
	for (i = 0; i < 20000; i++) {
		p = pkt(4, "10.1.0.1", (uint16_t)(1024 + i), "10.2.0.1", 443, 6, SW_TH_SYN);
		(void)get(t, &c, &p, &dir, 1);
	}
	for (i = 0; i < 20000; i++) {
		uint64_t made = c.created;

		q = pkt(4, "10.2.0.1", 443, "10.1.0.1", (uint16_t)(1024 + i), 6, SW_TH_SYN | SW_TH_ACK);
		f = flow_get(t, &q, &dir);
		if (f == NULL || c.created != made || dir != SW_DIR_TO_CLIENT ||
		    flow_src_port(f) != 1024 + i) {
			FAIL_IF(1);
			break;
		}
	}
	EXPECT_EQ_U64(flow_active(t), c.created);
	/* a flow that ends leaves the table (flow_end finds its bucket) */
	flow_flush(t, FLOW_END_EOF);
	EXPECT_EQ_U64(ended, c.created);
	EXPECT_EQ_U64(flow_active(t), 0);
	p = pkt(4, "10.1.0.1", 1024, "10.2.0.1", 443, 6, SW_TH_SYN);
	(void)get(t, &c, &p, &dir, 1);
	EXPECT_EQ_U64(flow_active(t), 1);
	flow_table_free(t);
}

static void test_set_pool(void)
{
	struct sw_flow f;

	memset(&f, 0, sizeof(f));
	/* a coin that fits, then none: the name and via replaced with it */
	flow_set_pool(&f, "pool.example", "dns", "xmr");
	FAIL_IF(f.pool == NULL);
	EXPECT_STREQ(flow_pool_name(&f), "pool.example");
	EXPECT_STREQ(flow_pool_via(&f), "dns");
	EXPECT_STREQ(f.pool->coin, "xmr");
	flow_set_pool(&f, "", "sni", NULL);
	EXPECT_STREQ(flow_pool_name(&f), "");
	EXPECT_STREQ(flow_pool_via(&f), "sni");
	EXPECT_STREQ(f.pool->coin, "");
	/* 11 bytes fit whole; 12 and more are cut at 11 */
	flow_set_pool(&f, "a", "ip-list", "12345678901");
	EXPECT_STREQ(f.pool->coin, "12345678901");
	flow_set_pool(&f, "a", "ip-list", "123456789012");
	EXPECT_STREQ(f.pool->coin, "12345678901");
	flow_set_pool(&f, "a", "ip-list", "a-very-long-coin-name");
	EXPECT_STREQ(f.pool->coin, "a-very-long");
	flow_set_pool(&f, "a", "ip-list", "");
	EXPECT_STREQ(f.pool->coin, "");
	free(f.pool);
}

/* One segment of the connection 10.0.0.1:40000 -> 192.0.2.1:3333 (from
 * the client when to_server), accounted; returns its flow. */
static struct sw_flow *seg(struct sw_flow_table *t, int to_server, uint8_t flags,
    uint32_t len)
{
	static const uint8_t data[1];
	struct sw_pkt p = to_server ?
	    pkt(4, "10.0.0.1", 40000, "192.0.2.1", 3333, 6, flags) :
	    pkt(4, "192.0.2.1", 3333, "10.0.0.1", 40000, 6, flags);
	struct sw_flow *f;

	p.payload = data;
	p.payload_len = len;
	f = see(t, &p);
	FAIL_IF(f == NULL);
	return f;
}

static void test_tcp_state(void)
{
	struct sw_limits lim;
	struct sw_counters_flow c;
	struct sw_flow_table *t;
	struct sw_flow *f;

	t = new_table(&lim, &c);

	/* handshake, data, a FIN each way */
	f = seg(t, 1, SW_TH_SYN, 0);
	EXPECT_EQ_U64(f->tcp_state, FLOW_TCP_SYN_SENT);
	EXPECT_EQ_U64(f->cls, FLOW_CLASS_NEW);
	seg(t, 0, SW_TH_SYN | SW_TH_ACK, 0);
	EXPECT_EQ_U64(f->tcp_state, FLOW_TCP_SYN_RECV);
	seg(t, 1, SW_TH_ACK, 0);
	EXPECT_EQ_U64(f->tcp_state, FLOW_TCP_ESTABLISHED);
	EXPECT_EQ_U64(f->cls, FLOW_CLASS_EST);
	seg(t, 1, SW_TH_ACK | SW_TH_PSH, 1);
	seg(t, 0, SW_TH_ACK, 0);
	EXPECT_EQ_U64(f->tcp_state, FLOW_TCP_ESTABLISHED);
	EXPECT_EQ_U64(f->cls, FLOW_CLASS_EST);
	seg(t, 1, SW_TH_ACK | SW_TH_FIN, 0);
	EXPECT_EQ_U64(f->tcp_state, FLOW_TCP_CLOSING);
	EXPECT_EQ_U64(f->cls, FLOW_CLASS_EST);
	seg(t, 1, SW_TH_ACK, 1);
	EXPECT_EQ_U64(f->tcp_state, FLOW_TCP_CLOSING);
	seg(t, 0, SW_TH_ACK | SW_TH_FIN, 0);
	EXPECT_EQ_U64(f->tcp_state, FLOW_TCP_CLOSED);
	EXPECT_EQ_U64(f->cls, FLOW_CLASS_CLOSED);
	EXPECT_EQ_U64(f->tcp_flags[SW_DIR_TO_SERVER], SW_TH_SYN | SW_TH_ACK | SW_TH_PSH | SW_TH_FIN);
	EXPECT_EQ_U64(f->pkts[SW_DIR_TO_SERVER], 5);
	EXPECT_EQ_U64(f->pkts[SW_DIR_TO_CLIENT], 3);

	/* a fresh SYN: a new connection; the client's FIN comes before
	 * the handshake ends, so the flow is closing once established, and
	 * a segment without a FIN leaves it so */
	f = seg(t, 1, SW_TH_SYN, 0);
	EXPECT_EQ_U64(c.created, 2);
	seg(t, 1, SW_TH_FIN, 0);
	EXPECT_EQ_U64(f->tcp_state, FLOW_TCP_SYN_SENT);
	seg(t, 0, SW_TH_SYN | SW_TH_ACK, 0);
	seg(t, 1, SW_TH_ACK, 0);
	EXPECT_EQ_U64(f->tcp_state, FLOW_TCP_CLOSING);
	seg(t, 0, SW_TH_ACK, 1);
	EXPECT_EQ_U64(f->tcp_state, FLOW_TCP_CLOSING);
	EXPECT_EQ_U64(f->cls, FLOW_CLASS_EST);
	/* an RST closes an established flow at once */
	flow_flush(t, FLOW_END_EOF);
	f = seg(t, 1, SW_TH_ACK, 1);
	EXPECT_EQ_U64(f->midstream, 1);
	EXPECT_EQ_U64(f->tcp_state, FLOW_TCP_ESTABLISHED);
	seg(t, 0, SW_TH_ACK | SW_TH_RST, 0);
	EXPECT_EQ_U64(f->tcp_state, FLOW_TCP_CLOSED);
	EXPECT_EQ_U64(f->cls, FLOW_CLASS_CLOSED);
	EXPECT_EQ_U64(f->rst_seen, 1);
	seg(t, 0, SW_TH_ACK, 1);
	EXPECT_EQ_U64(f->tcp_state, FLOW_TCP_CLOSED);
	flow_table_free(t);
}

static struct sw_pkt port_syn(uint16_t sport, uint64_t ts)
{
	struct sw_pkt p = pkt(4, "10.9.0.1", sport, "10.9.0.2", 3333, 6, SW_TH_SYN);

	p.ts_usec = ts;
	return p;
}

static void test_chunks(void)
{
	enum { N = 500 };
	const uint64_t t0 = 1704067200000000ULL;
	struct sw_limits lim;
	struct sw_counters_flow c;
	struct sw_flow_table *t;
	struct sw_flow *f;
	struct sw_pkt p;
	unsigned i, bad = 0;
	int dir;

	t = new_table(&lim, &c);
	ended = 0;
	/* N flows; the even ones see a second packet a second later */
	for (i = 0; i < N; i++) {
		p = port_syn((uint16_t)(10000 + i), t0);
		see(t, &p);
	}
	for (i = 0; i < N; i += 2) {
		p = port_syn((uint16_t)(10000 + i), t0 + 1000000);
		see(t, &p);
	}
	/* the odd ones time out: every chunk loses every other flow */
	flow_expire(t, t0 + (uint64_t)lim.flow_timeout_new * 1000000 + 500000);
	EXPECT_EQ_U64(ended, N / 2);
	EXPECT_EQ_U64(flow_active(t), N / 2);
	/* N more take the freed slots and new ones */
	for (i = 0; i < N; i++) {
		p = port_syn((uint16_t)(20000 + i), t0 + 2000000);
		see(t, &p);
	}
	EXPECT_EQ_U64(flow_active(t), N / 2 + N);
	/* every flow alive is found, whole: no two share memory */
	for (i = 0; i < 2 * N; i++) {
		uint16_t port = (uint16_t)(i < N ? 10000 + i : 20000 + i - N);
		uint64_t made = c.created;

		if (i < N && i % 2 == 1)
			continue;
		p = port_syn(port, t0 + 3000000);
		f = flow_get(t, &p, &dir);
		if (f == NULL || c.created != made || flow_src_port(f) != port ||
		    f->pkts[SW_DIR_TO_SERVER] != (i < N ? 2u : 1u) ||
		    f->first_ts != (i < N ? t0 : t0 + 2000000))
			bad++;
	}
	EXPECT_EQ_U64(bad, 0);
	/* the odd ones were ended: a packet of one makes a new flow */
	p = port_syn(10001, t0 + 3000000);
	f = flow_get(t, &p, &dir);
	FAIL_IF(f == NULL || f->pkts[0] + f->pkts[1] != 0);
	flow_table_free(t);
}

/* A tick ends the idle flows of every class in the order they were made
 * (seq_no: here the index of the packet that made each), not class by
 * class or in the order they went idle: what --workers merges on. Three
 * classes, touched last in an order unlike the making one; 100 flows (the
 * stack holds 64: the heap path) and 10 (insertion). */
static void test_expire_order(unsigned n)
{
	const uint64_t t0 = 1704067200000000ULL;
	struct sw_limits lim;
	struct sw_counters_flow c;
	struct sw_flow_table *t;
	struct sw_pkt p;
	uint64_t index = 0;
	unsigned i, bad = 0;

	t = new_table(&lim, &c);
	flow_table_number_by(t, &index);
	ended = 0;
	for (i = 0; i < n; i++) {
		/* every third a UDP flow, every third an established TCP one */
		p = pkt(4, "10.9.0.1", (uint16_t)(10000 + i), "10.9.0.2", 53, i % 3 == 0 ? 17 : 6,
		    i % 3 == 1 ? SW_TH_SYN : SW_TH_ACK);
		p.ts_usec = t0 + (uint64_t)(n - i) * 1000; /* the later made, the earlier seen */
		index = 1000 + 7 * (uint64_t)i;
		see(t, &p);
	}
	flow_expire(t, t0 + 24ULL * 3600 * 1000000);
	EXPECT_EQ_U64(ended, n);
	for (i = 0; i < n && i < 256; i++)
		if (ended_seq[i] != 1000 + 7 * (uint64_t)i)
			bad++;
	EXPECT_EQ_U64(bad, 0);
	flow_table_free(t);
}

int main(void)
{
	test_set_pool();
	test_lookup();
	test_tcp_state();
	test_chunks();
	test_expire_order(10);
	test_expire_order(100);
	return sw_test_done("test_flow");
}
