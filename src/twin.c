/* twin.c: copies of one packet on several interfaces, and NAT twins
 * (twin.h has the matching rules, caps and policy). */
#include <stdlib.h>
#include <string.h>

#include "twin.h"

#define TWIN_WAYS 4            /* entries per set */
#define TWIN_PAYLOAD_BYTES 64  /* payload bytes that go into a fingerprint */

struct copy_entry {
	uint64_t fp;               /* 0: free */
	uint64_t ts;
	uint32_t ifindex;
};

/* A flow's first packet: a TCP SYN (key: its ISN), or a UDP datagram (key:
 * a fingerprint of everything but the source, which NAT rewrites). */
enum { FIRST_SYN = 1, FIRST_UDP };

struct syn_entry {
	struct sw_flow *f;         /* NULL: free; the flow the packet opened */
	uint64_t ts;
	uint64_t key;
	uint16_t sport, dport;
	uint8_t kind;              /* FIRST_* */
	uint8_t ip_version;
	uint8_t ttl;
	uint8_t src[16], dst[16];
};

struct sw_twin {
	const struct sw_limits *limits;
	struct sw_counters_flow *c;
	struct copy_entry *copies;
	size_t copy_sets;          /* a power of two; 0 until the first cooked packet */
	struct syn_entry *syns;
	size_t syn_sets;
	int alloc_failed;
};

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

/* FNV-1a, 64 bits */
static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Sets of TWIN_WAYS covering at most max entries (at least one set). */
static size_t sets_for(size_t max)
{
	size_t n = 1;

	while (n * 2 * TWIN_WAYS <= max)
		n *= 2;
	return n;
}

struct sw_twin *twin_new(const struct sw_limits *limits, struct sw_counters_flow *counters)
{
	struct sw_twin *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->limits = limits;
	t->c = counters;
	return t;
}

void twin_free(struct sw_twin *t)
{
	if (t == NULL)
		return;
	free(t->copies);
	free(t->syns);
	free(t);
}

/* The tables cost nothing until a cooked capture needs them; a cap of 0
 * turns its check off. A failed allocation also turns the checks off
 * (copies are then counted twice, which the flow table survives) rather
 * than stopping the run. */
static int tables_ready(struct sw_twin *t)
{
	if (t->copy_sets != 0 || t->syn_sets != 0)
		return 1;
	if (t->alloc_failed)
		return 0;
	if (t->limits->twin_copies_max > 0) {
		t->copies = calloc(sets_for(t->limits->twin_copies_max) * TWIN_WAYS,
		    sizeof(*t->copies));
		if (t->copies != NULL)
			t->copy_sets = sets_for(t->limits->twin_copies_max);
	}
	if (t->limits->twin_syns_max > 0) {
		t->syns = calloc(sets_for(t->limits->twin_syns_max) * TWIN_WAYS,
		    sizeof(*t->syns));
		if (t->syns != NULL)
			t->syn_sets = sets_for(t->limits->twin_syns_max);
	}
	if (t->copy_sets == 0 && t->syn_sets == 0) {
		t->alloc_failed = 1;
		return 0;
	}
	return 1;
}

static int within(uint64_t now, uint64_t then, uint64_t window)
{
	return now >= then ? now - then <= window : then - now <= window;
}

/* What stays the same when a packet crosses veth, bridge and uplink
 * without NAT; see twin.h. Never 0 (0 marks a free entry). */
static uint64_t fingerprint(const struct sw_pkt *p)
{
	uint8_t hdr[48];
	uint64_t h = 0xcbf29ce484222325ULL;
	uint32_t n = p->payload_len < TWIN_PAYLOAD_BYTES ? p->payload_len : TWIN_PAYLOAD_BYTES;

	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr, p->src, 16);
	memcpy(hdr + 16, p->dst, 16);
	hdr[32] = (uint8_t)(p->sport >> 8);
	hdr[33] = (uint8_t)p->sport;
	hdr[34] = (uint8_t)(p->dport >> 8);
	hdr[35] = (uint8_t)p->dport;
	hdr[36] = p->ip_version;
	hdr[37] = p->ipproto;
	hdr[38] = p->tcp_flags;
	if (p->ip_version == 4 && p->l3 != NULL && p->l3_len >= 6) {
		hdr[39] = p->l3[4];    /* IPv4 identification */
		hdr[40] = p->l3[5];
	}
	memcpy(hdr + 41, &p->payload_wire_len, 4);
	h = fnv(h, hdr, 45);
	h = fnv(h, &p->seq, sizeof(p->seq));
	h = fnv(h, &p->ack, sizeof(p->ack));
	if (n > 0)
		h = fnv(h, p->payload, n);
	return h != 0 ? h : 1;
}

/* What a UDP datagram keeps through SNAT and through DNAT: IPv4 id,
 * length and payload head (SNAT rewrites the source, DNAT the destination;
 * twin_nat_match requires the other endpoint to be unchanged). Never 0. */
static uint64_t udp_key(const struct sw_pkt *p)
{
	uint8_t hdr[4];
	uint64_t h = 0x84222325cbf29ce4ULL;
	uint32_t n = p->payload_len < TWIN_PAYLOAD_BYTES ? p->payload_len : TWIN_PAYLOAD_BYTES;

	memset(hdr, 0, sizeof(hdr));
	hdr[0] = p->ip_version;
	if (p->ip_version == 4 && p->l3 != NULL && p->l3_len >= 6) {
		hdr[1] = p->l3[4];
		hdr[2] = p->l3[5];
	}
	h = fnv(h, hdr, 3);
	h = fnv(h, &p->payload_wire_len, sizeof(p->payload_wire_len));
	if (n > 0)
		h = fnv(h, p->payload, n);
	return h != 0 ? h : 1;
}

int twin_is_copy(struct sw_twin *t, const struct sw_pkt *p)
{
	uint64_t fp, window, oldest_ts;
	struct copy_entry *set, *victim = NULL;
	unsigned i;

	if (!(p->flags & (SW_PKT_COOKED | SW_PKT_MULTI_IF)) || !tables_ready(t) ||
	    t->copy_sets == 0)
		return 0;
	window = (uint64_t)t->limits->twin_copy_window_ms * 1000;
	fp = fingerprint(p);
	set = &t->copies[(mix64(fp) & (t->copy_sets - 1)) * TWIN_WAYS];
	for (i = 0; i < TWIN_WAYS; i++) {
		struct copy_entry *e = &set[i];

		if (e->fp != fp || !within(p->ts_usec, e->ts, window))
			continue;
		/* the same packet again on the same interface is a resend,
		 * not a copy; LINUX_SLL (ifindex 0) cannot tell */
		if (e->ifindex != p->ifindex || p->ifindex == 0) {
			t->c->twin_copies++;
			return 1;
		}
		e->ts = p->ts_usec;
		return 0;
	}
	oldest_ts = UINT64_MAX;
	for (i = 0; i < TWIN_WAYS; i++) {
		struct copy_entry *e = &set[i];

		if (e->fp == 0 || !within(p->ts_usec, e->ts, window)) {
			victim = e;
			break;
		}
		if (e->ts < oldest_ts) {
			oldest_ts = e->ts;
			victim = e;
		}
	}
	if (i == TWIN_WAYS)
		t->c->twin_copies_evicted++;
	victim->fp = fp;
	victim->ts = p->ts_usec;
	victim->ifindex = p->ifindex;
	return 0;
}

static int same_endpoint(const uint8_t *a, uint16_t aport, const uint8_t *b, uint16_t bport)
{
	return aport == bport && memcmp(a, b, 16) == 0;
}

struct sw_flow *twin_nat_match(struct sw_twin *t, struct sw_flow *f,
    const struct sw_pkt *p, int *snat, int *new_first)
{
	struct syn_entry *set, *victim = NULL;
	uint64_t key, window, oldest_ts;
	size_t base;
	unsigned i;
	uint8_t kind;

	*snat = 0;
	*new_first = 0;
	if (!(p->flags & (SW_PKT_COOKED | SW_PKT_MULTI_IF)) || !tables_ready(t) ||
	    t->syn_sets == 0)
		return NULL;
	if (p->ipproto == 6 && (p->tcp_flags & (SW_TH_SYN | SW_TH_ACK)) == SW_TH_SYN) {
		kind = FIRST_SYN;
		key = p->seq;
		window = (uint64_t)t->limits->twin_nat_window_ms * 1000;
	} else if (p->ipproto == 17) {
		kind = FIRST_UDP;
		key = udp_key(p);
		window = (uint64_t)t->limits->twin_copy_window_ms * 1000;
	} else {
		return NULL;
	}
	base = (size_t)(mix64(key) & (t->syn_sets - 1)) * TWIN_WAYS;
	set = &t->syns[base];
	for (i = 0; i < TWIN_WAYS; i++) {
		struct syn_entry *e = &set[i];
		int same_src, same_dst;

		if (e->f == NULL || e->f == f || e->kind != kind || e->key != key ||
		    e->ip_version != p->ip_version || !within(p->ts_usec, e->ts, window))
			continue;
		same_src = same_endpoint(e->src, e->sport, p->src, p->sport);
		same_dst = same_endpoint(e->dst, e->dport, p->dst, p->dport);
		if (kind == FIRST_SYN) {
			if (same_src == same_dst)
				continue;
		} else if (same_src == same_dst || p->ttl == e->ttl) {
			/* exactly one endpoint translated (SNAT: the source;
			 * DNAT, a Service address: the destination), and one
			 * UDP copy routed after the other (TTL lower): two
			 * hosts sending the same bytes at once are two flows */
			continue;
		}
		*snat = same_dst;
		/* Which copy came first on the wire (the pre-NAT one)? The
		 * routed copy has the lower TTL; else the earlier timestamp;
		 * else the order we saw them in. Several -i handles can
		 * deliver them out of order. */
		*new_first = p->ttl != e->ttl ? p->ttl > e->ttl : p->ts_usec < e->ts;
		f->nat_twin = 1;
		t->c->nat_twins++;
		return e->f;
	}
	oldest_ts = UINT64_MAX;
	for (i = 0; i < TWIN_WAYS; i++) {
		struct syn_entry *e = &set[i];

		if (e->f == NULL || !within(p->ts_usec, e->ts, window)) {
			victim = e;
			break;
		}
		if (e->ts < oldest_ts) {
			oldest_ts = e->ts;
			victim = e;
		}
	}
	if (i == TWIN_WAYS)
		t->c->nat_syns_evicted++;
	if (victim->f != NULL)
		victim->f->twin_slot = 0;
	victim->f = f;
	victim->ts = p->ts_usec;
	victim->key = key;
	victim->kind = kind;
	victim->ip_version = p->ip_version;
	victim->ttl = p->ttl;
	memcpy(victim->src, p->src, 16);
	memcpy(victim->dst, p->dst, 16);
	victim->sport = p->sport;
	victim->dport = p->dport;
	f->twin_slot = (uint32_t)(base + (size_t)(victim - set)) + 1;
	return NULL;
}

void twin_flow_end(struct sw_twin *t, struct sw_flow *f)
{
	struct syn_entry *e;

	if (f->twin_slot == 0 || t->syn_sets == 0)
		return;
	e = &t->syns[f->twin_slot - 1];
	if (e->f == f)
		e->f = NULL;
	f->twin_slot = 0;
}
