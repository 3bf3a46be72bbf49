/* test_nomem.c: out of memory is counted, never silent. malloc and calloc
 * are wrapped at link time (-Wl,--wrap) so that the next allocation of a
 * chosen size fails, and the places that allocate per flow are made to
 * meet it:
 *  - a flow that cannot be allocated: flow_get returns NULL, the packet is
 *    not analysed, flow.alloc_failed counts it;
 *  - a tunnelled flow whose side record cannot be allocated: the flow
 *    lives, without its tunnel object, counted;
 *  - a NAT relation learnt for a flow whose side record cannot be
 *    allocated: the flow is attributed without pod_ip/src_xlated, counted
 *    in k8s.attribution_alloc_failed;
 *  - a flow-table growth that finds no memory: the table keeps its buckets,
 *    every flow is still found. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "attrib.h"
#include "flow.h"
#include "sw_pods.h"
#include "sw_limits.h"
#include "sw_test.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);

/* the next fail_left allocations of fail_size bytes fail */
static size_t fail_size;
static unsigned fail_left;

static void fail_next(size_t size, unsigned count)
{
	fail_size = size;
	fail_left = count;
}

void *__wrap_malloc(size_t n)
{
	if (fail_left > 0 && n == fail_size) {
		fail_left--;
		return NULL;
	}
	return __real_malloc(n);
}

void *__wrap_calloc(size_t k, size_t n)
{
	if (fail_left > 0 && k * n == fail_size) {
		fail_left--;
		return NULL;
	}
	return __real_calloc(k, n);
}

static void on_end(void *arg, struct sw_flow *f, enum sw_flow_end_reason why)
{
	(void)arg;
	(void)f;
	(void)why;
}

/* A SYN 10.0.0.1:40000 -> 192.0.2.1:3333 + n, through a VXLAN tunnel
 * when tunnelled. */
static struct sw_pkt syn(unsigned n, int tunnelled)
{
	struct sw_pkt p;

	memset(&p, 0, sizeof(p));
	p.ts_usec = 1704067200000000ULL + n;
	p.ip_version = 4;
	p.ipproto = 6;
	inet_pton(AF_INET, "10.0.0.1", p.src);
	inet_pton(AF_INET, "192.0.2.1", p.dst);
	p.sport = 40000;
	p.dport = (uint16_t)(3333 + n);
	p.tcp_flags = SW_TH_SYN;
	if (tunnelled) {
		p.tunnel_depth = 1;
		p.tunnel.type = SW_TUNNEL_VXLAN;
		p.tunnel.ip_version = 4;
		p.tunnel.vni = 42;
		inet_pton(AF_INET, "198.51.100.1", p.tunnel.src);
		inet_pton(AF_INET, "198.51.100.2", p.tunnel.dst);
	}
	return p;
}

static void test_flows(void)
{
	struct sw_limits lim;
	struct sw_counters_flow c;
	struct sw_flow_table *t;
	struct sw_pkt p;
	struct sw_flow *f;
	int dir;

	sw_limits_default(&lim);
	memset(&c, 0, sizeof(c));
	t = flow_table_new(&lim, &c, on_end, NULL);
	FAIL_IF(t == NULL);

	/* no memory for the flow (the chunk flows are allocated in): no
	 * flow, counted, and the next packet of the same connection gets one */
	p = syn(0, 0);
	fail_next(flow_chunk_bytes(), 1);
	FAIL_IF(flow_get(t, &p, &dir) != NULL);
	EXPECT_EQ_U64(c.alloc_failed, 1);
	EXPECT_EQ_U64(flow_active(t), 0);
	FAIL_IF((f = flow_get(t, &p, &dir)) == NULL);
	EXPECT_EQ_U64(c.alloc_failed, 1);

	/* a tunnelled flow with memory: its tunnel is kept */
	p = syn(1, 1);
	FAIL_IF((f = flow_get(t, &p, &dir)) == NULL);
	FAIL_IF(f->ext == NULL || f->ext->tunnel.vni != 42 || !f->tunnelled);
	EXPECT_EQ_U64(c.alloc_failed, 1);

	/* without memory for its side record: the flow lives, tunnelled,
	 * without the tunnel's details, counted */
	p = syn(2, 1);
	fail_next(sizeof(struct sw_flow_ext), 1);
	FAIL_IF((f = flow_get(t, &p, &dir)) == NULL);
	FAIL_IF(f->ext != NULL || !f->tunnelled || f->tunnel_depth != 1);
	EXPECT_EQ_U64(c.alloc_failed, 2);
	EXPECT_EQ_U64(flow_active(t), 3);
	flow_table_free(t);
}

/* A flow from the node's address whose pod address is learnt (nat-twin). */
static void nat_flow(struct sw_flow *f, const uint8_t *node)
{
	memset(f, 0, sizeof(*f));
	f->key.proto = 6;
	f->key.ip_version = 4;
	memcpy(f->key.addr[0], node, 16);
	f->attribution = ATTR_UNATTRIBUTED;
}

static void test_attribution(void)
{
	struct sw_counters_k8s k;
	struct sw_attrib a;
	struct sw_flow f;
	uint8_t pod[16] = { 10, 244, 1, 7 }, node[16] = { 192, 168, 1, 10 };

	memset(&k, 0, sizeof(k));
	memset(&a, 0, sizeof(a));
	a.c = &k;
	a.pods = pods_new(16, &k); /* (empty: attribution on, no pod named) */
	FAIL_IF(a.pods == NULL);

	/* no memory for the side record: attributed all the same, without
	 * the addresses, each refusal counted */
	nat_flow(&f, node);
	fail_next(sizeof(struct sw_flow_ext), 2);
	attrib_set_xlated(&a, &f, pod, node, 4, ATTR_NAT_TWIN, 1704067200000000ULL);
	EXPECT_EQ_U64(f.attribution, ATTR_NAT_TWIN);
	FAIL_IF(f.ext != NULL || f.has_pod_addr || f.has_xlated);
	EXPECT_EQ_U64(k.attr_alloc_failed, 2);
	attrib_flow_end(&a, &f);

	/* with memory, the same relation keeps both */
	nat_flow(&f, node);
	attrib_set_xlated(&a, &f, pod, node, 4, ATTR_NAT_TWIN, 1704067200000000ULL);
	FAIL_IF(f.ext == NULL || !f.has_pod_addr || !f.has_xlated ||
	    memcmp(f.ext->pod_addr, pod, 4) != 0 || memcmp(f.ext->xlated, node, 4) != 0);
	EXPECT_EQ_U64(k.attr_alloc_failed, 2);
	attrib_flow_end(&a, &f);
	flow_ext_free(&f);
	pods_free(a.pods);
}

/* The bucket array grows as flows come (4,096 buckets, doubling): every
 * flow is found again after each growth, and a growth that finds no memory
 * leaves the table as it was (longer chains), losing nothing. */
static void test_buckets(void)
{
	struct sw_limits lim;
	struct sw_counters_flow c;
	struct sw_flow_table *t;
	static struct sw_flow *made[20000];
	struct sw_pkt p;
	unsigned i;
	int dir;

	sw_limits_default(&lim);
	memset(&c, 0, sizeof(c));
	t = flow_table_new(&lim, &c, on_end, NULL);
	FAIL_IF(t == NULL);
	/* the growth to 16,384 buckets fails twice, then succeeds */
	fail_next(16384 * sizeof(struct sw_flow *), 2);
	for (i = 0; i < 20000; i++) {
		p = syn(i, 0);
		made[i] = flow_get(t, &p, &dir);
		FAIL_IF(made[i] == NULL);
	}
	EXPECT_EQ_U64(fail_left, 0);
	for (i = 0; i < 20000; i++) {
		p = syn(i, 0);
		if (flow_get(t, &p, &dir) != made[i]) {
			FAIL_IF(1);
			break;
		}
	}
	EXPECT_EQ_U64(flow_active(t), 20000);
	EXPECT_EQ_U64(c.created, 20000);
	EXPECT_EQ_U64(c.alloc_failed, 0);
	flow_table_free(t);
}

int main(void)
{
	test_flows();
	test_buckets();
	test_attribution();
	return sw_test_done("test_nomem");
}
