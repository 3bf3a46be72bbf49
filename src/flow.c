/* flow.c: bidirectional flow table with packet-time timeouts and a memcap
 * (see flow.h for the design). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "sw_load.h"
#include "sw_slice.h"

struct flow_list {
	struct sw_flow *head, *tail;
};

struct sw_flow_table {
	const struct sw_limits *limits;
	struct sw_counters_flow *c;
	sw_flow_end_fn end;
	void *arg;
	struct sw_flow **buckets;
	uint32_t mask;
	uint32_t max_mask;   /* the bucket array grows up to this (flow_max) */
	size_t active;
	uint64_t next_seq;
	const uint64_t *pkt_index; /* flow_table_number_by; NULL: next_seq */
	struct flow_list lru[FLOW_CLASS_COUNT];
	struct flow_chunk *partial;  /* chunks with a free slot, the last freed into first */
};

/* Flows are allocated FLOW_CHUNK at a time: a malloc and a free per flow
 * were some 330 instructions of the 8 or so packets a flow has on the
 * Stratum-heavy benchmark. A chunk is freed once its last flow ends,
 * unless it is the only one with room (then it waits for the next flow),
 * and a new flow takes a slot in the chunk last freed into, so chunks
 * refill before another is made. 48 flows and the header fill a 16 KiB
 * allocation, and no flow pays malloc's per-chunk header. */
#define FLOW_CHUNK 48

struct flow_chunk {
	struct flow_chunk *prev, *next;  /* on t->partial */
	struct sw_flow *free;            /* ended flows' slots, chained by hnext */
	uint32_t used;                   /* slots holding a flow */
	uint32_t fresh;                  /* slots [fresh, FLOW_CHUNK) never handed out */
	struct sw_flow flows[FLOW_CHUNK];
};

/* The bucket array starts small and doubles whenever the flows outnumber
 * its buckets, up to the power of two at or above flow_max: sized for
 * flow_max from the start it was 2 MiB, every page of it touched by a
 * few tens of thousands of flows, and lookups missed the cache more. It
 * does not shrink: peak memory is what it is sized for. */
#define FLOW_BUCKETS_MIN 4096
#define FLOW_BUCKETS_MAX ((size_t)1 << 24)

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

void flow_set_pool(struct sw_flow *f, const char *name, const char *via, const char *coin)
{
	size_t n = strlen(name), cn;
	struct sw_flow_pool *p = malloc(sizeof(*p) + n + 1);

	if (p == NULL)
		return;
	cn = coin != NULL ? strnlen(coin, sizeof(p->coin) - 1) : 0;
	p->via = via;
	/* cut to fit, as snprintf("%s") did: it cost some 560 instructions
	 * a call, for a name of a few bytes */
	memcpy(p->coin, coin != NULL ? coin : "", cn);
	p->coin[cn] = '\0';
	memcpy(p->name, name, n + 1);
	free(f->pool);
	f->pool = p;
}

static uint32_t key_hash(const struct sw_flow_key *k)
{
	uint64_t a0, a1, b0, b1, h;

	memcpy(&a0, k->addr[0], 8);
	memcpy(&a1, k->addr[0] + 8, 8);
	memcpy(&b0, k->addr[1], 8);
	memcpy(&b1, k->addr[1] + 8, 8);
	h = a0 * 0x9e3779b97f4a7c15ULL;
	h ^= mix64(a1 ^ (b0 * 0xc2b2ae3d27d4eb4fULL));
	h ^= b1 * 0x165667b19e3779f9ULL;
	h ^= ((uint64_t)k->port[0] << 48) | ((uint64_t)k->port[1] << 32) |
	    ((uint64_t)k->proto << 24) | ((uint64_t)k->vlan << 8) | k->ip_version;
	return (uint32_t)(mix64(h) >> 32);
}

uint64_t flow_id(const struct sw_flow *f)
{
	/* 51 bits: unique enough, and exact in every JSON consumer, including
	 * those that read numbers as IEEE doubles. Made from what the flow
	 * keeps (hash, first packet's time, creation order) when an event
	 * asks, rather than held: 8 bytes less per flow (and the key's hash
	 * too, made again here rather than kept). */
	return mix64((uint64_t)key_hash(&f->key) << 32 ^ f->first_ts ^ mix64(f->seq_no)) &
	    ((1ULL << 51) - 1);
}

/* The key is five 64-bit words with no padding (asserted here): flow_get
 * compares it as words. */
_Static_assert(sizeof(struct sw_flow_key) == 40, "sw_flow_key is five words, no padding");
_Static_assert(offsetof(struct sw_flow_key, port) == 32, "the key's last word starts at port");

/* memcmp(a, b, 16) < 0, 0 or > 0, as two big-endian word compares
 * (inlined, where memcmp was a call for every packet) */
static int addr_cmp(const uint8_t a[16], const uint8_t b[16])
{
	uint64_t x = sw_load_be64(a), y = sw_load_be64(b);

	if (x == y) {
		x = sw_load_be64(a + 8);
		y = sw_load_be64(b + 8);
	}
	return (x > y) - (x < y);
}

/* Build the canonical key; *sender_side is the key endpoint that sent p.
 * Every byte of k is written (the five-word compare reads them all). */
static void key_from_pkt(const struct sw_pkt *p, struct sw_flow_key *k, int *sender_side)
{
	int cmp = addr_cmp(p->src, p->dst);

	if (cmp < 0 || (cmp == 0 && p->sport <= p->dport)) {
		memcpy(k->addr[0], p->src, 16);
		memcpy(k->addr[1], p->dst, 16);
		k->port[0] = p->sport;
		k->port[1] = p->dport;
		*sender_side = 0;
	} else {
		memcpy(k->addr[0], p->dst, 16);
		memcpy(k->addr[1], p->src, 16);
		k->port[0] = p->dport;
		k->port[1] = p->sport;
		*sender_side = 1;
	}
	k->vlan = p->vlan_count ? p->vlan[0] : 0;
	k->proto = p->ipproto;
	k->ip_version = p->ip_version;
}

/* The bucket a key or a packet falls in: a hash of the two endpoints that
 * does not depend on their order, so a packet finds its flow without
 * building the canonical key first (key_from_pkt: an address compare and
 * 40 bytes copied) and with a third of key_hash's work. key_hash stays
 * what flow_id is made from; this one is only ever used for buckets. */
static inline uint64_t ep_hash(const uint8_t a[16], uint16_t port)
{
	uint64_t x0, x1;

	memcpy(&x0, a, 8);
	memcpy(&x1, a + 8, 8);
	return (x0 * 0x9e3779b97f4a7c15ULL) ^ (x1 * 0xc2b2ae3d27d4eb4fULL) ^
	    ((uint64_t)port * 0x165667b19e3779f9ULL);
}

static inline uint32_t pair_hash(const uint8_t a[16], uint16_t pa, const uint8_t b[16],
    uint16_t pb, uint16_t vlan, uint8_t proto, uint8_t ip_version)
{
	uint64_t h = ep_hash(a, pa) + ep_hash(b, pb);

	h ^= ((uint64_t)vlan << 16 | (uint64_t)proto << 8 | ip_version) * 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	h *= 0x94d049bb133111ebULL;
	return (uint32_t)(h >> 32);
}

unsigned flow_pkt_worker(const struct sw_pkt *p, unsigned n)
{
	uint32_t h = pair_hash(p->src, p->sport, p->dst, p->dport,
	    p->vlan_count ? p->vlan[0] : 0, p->ipproto, p->ip_version);

	/* the hash's high bits: the low ones pick the worker's buckets */
	return (unsigned)(((uint64_t)h * n) >> 32);
}

static uint32_t key_bucket_hash(const struct sw_flow_key *k)
{
	return pair_hash(k->addr[0], k->port[0], k->addr[1], k->port[1], k->vlan, k->proto,
	    k->ip_version);
}

/* The key's last word (ports, VLAN, protocol, IP version) as a packet from
 * endpoint a (port pa) to b would have it if a were key endpoint 0. */
static inline uint64_t key_tail(uint16_t pa, uint16_t pb, uint16_t vlan, uint8_t proto,
    uint8_t ip_version)
{
	struct sw_flow_key k;
	uint64_t w;

	k.port[0] = pa;
	k.port[1] = pb;
	k.vlan = vlan;
	k.proto = proto;
	k.ip_version = ip_version;
	memcpy(&w, k.port, 8);
	return w;
}

static inline int addr_eq(const uint8_t a[16], const uint8_t b[16])
{
	uint64_t a0, a1, b0, b1;

	memcpy(&a0, a, 8);
	memcpy(&a1, a + 8, 8);
	memcpy(&b0, b, 8);
	memcpy(&b1, b + 8, 8);
	return ((a0 ^ b0) | (a1 ^ b1)) == 0;
}

static void list_unlink(struct flow_list *l, struct sw_flow *f)
{
	if (f->prev)
		f->prev->next = f->next;
	else
		l->head = f->next;
	if (f->next)
		f->next->prev = f->prev;
	else
		l->tail = f->prev;
	f->prev = f->next = NULL;
}

static void list_append(struct flow_list *l, struct sw_flow *f)
{
	f->next = NULL;
	f->prev = l->tail;
	if (l->tail)
		l->tail->next = f;
	else
		l->head = f;
	l->tail = f;
}

/* Move f, on l but not its tail, to the tail: then f has a next, and l a
 * tail, which spares list_unlink's and list_append's tests. */
static void list_move_tail(struct flow_list *l, struct sw_flow *f)
{
	f->next->prev = f->prev;
	if (f->prev)
		f->prev->next = f->next;
	else
		l->head = f->next;
	f->prev = l->tail;
	f->next = NULL;
	l->tail->next = f;
	l->tail = f;
}

struct sw_flow_table *flow_table_new(const struct sw_limits *limits,
    struct sw_counters_flow *counters, sw_flow_end_fn end, void *arg)
{
	struct sw_flow_table *t = calloc(1, sizeof(*t));
	size_t nb = FLOW_BUCKETS_MIN, max = FLOW_BUCKETS_MIN;

	if (t == NULL)
		return NULL;
	while ((max < limits->flow_max || limits->flow_max == 0) && max < FLOW_BUCKETS_MAX)
		max <<= 1;
	t->buckets = calloc(nb, sizeof(*t->buckets));
	if (t->buckets == NULL) {
		free(t);
		return NULL;
	}
	t->mask = (uint32_t)(nb - 1);
	t->max_mask = (uint32_t)(max - 1);
	t->limits = limits;
	t->c = counters;
	t->end = end;
	t->arg = arg;
	return t;
}

static void chunk_unlink(struct sw_flow_table *t, struct flow_chunk *c)
{
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		t->partial = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	c->prev = c->next = NULL;
}

static void chunk_push(struct sw_flow_table *t, struct flow_chunk *c)
{
	c->prev = NULL;
	c->next = t->partial;
	if (t->partial != NULL)
		t->partial->prev = c;
	t->partial = c;
}

/* Give f's slot back to its chunk (flow_alloc). */
static void flow_free(struct sw_flow_table *t, struct sw_flow *f)
{
	struct flow_chunk *c = (struct flow_chunk *)(void *)((char *)(f - f->slot) -
	    offsetof(struct flow_chunk, flows));

	if (c->used-- == FLOW_CHUNK)
		chunk_push(t, c); /* had no room, has now */
	else if (c != t->partial) {
		/* refill the chunk last freed into first */
		chunk_unlink(t, c);
		chunk_push(t, c);
	}
	f->hnext = c->free;
	c->free = f;
	if (c->used == 0 && c->next != NULL) {
		chunk_unlink(t, c);
		free(c);
	}
}

/* Remove f from the table, let the owner release its attachments, and
 * recycle the memory. */
static void flow_end(struct sw_flow_table *t, struct sw_flow *f, enum sw_flow_end_reason why)
{
	struct sw_flow **pp = &t->buckets[key_bucket_hash(&f->key) & t->mask];

	while (*pp != f)
		pp = &(*pp)->hnext;
	*pp = f->hnext;
	list_unlink(&t->lru[f->cls], f);
	t->active--;
	switch (why) {
	case FLOW_END_TIMEOUT: t->c->ended_timeout++; break;
	case FLOW_END_CLOSED: t->c->ended_closed++; break;
	case FLOW_END_EOF: t->c->ended_eof++; break;
	case FLOW_END_EVICTED: t->c->evicted++; break;
	}
	f->end_reason = (uint8_t)why;
	t->end(t->arg, f, why);
	flow_ext_free(f);
	flow_free(t, f);
}

void flow_table_number_by(struct sw_flow_table *t, const uint64_t *pkt_index)
{
	t->pkt_index = pkt_index;
}

void flow_table_free(struct sw_flow_table *t)
{
	if (t == NULL)
		return;
	flow_flush(t, FLOW_END_EOF);
	/* every flow ended: at most the one chunk kept for the next */
	while (t->partial != NULL) {
		struct flow_chunk *c = t->partial;

		t->partial = c->next;
		free(c);
	}
	free(t->buckets);
	free(t);
}

static int is_ephemeral(uint16_t port)
{
	return port >= 32768;
}

/* Decide which key endpoint initiated a new flow from its first packet. */
static int pick_initiator(const struct sw_pkt *p, int sender_side, uint8_t *midstream)
{
	int receiver_side = !sender_side;

	*midstream = 0;
	if (p->ipproto == 6) {
		if ((p->tcp_flags & (SW_TH_SYN | SW_TH_ACK)) == SW_TH_SYN)
			return sender_side;
		if ((p->tcp_flags & (SW_TH_SYN | SW_TH_ACK)) == (SW_TH_SYN | SW_TH_ACK))
			return receiver_side;
		*midstream = 1;
	}
	/* Best evidence without a handshake: a well-known or registered port
	 * on one side and an ephemeral one on the other names the server. */
	if (p->sport < 1024 && p->dport >= 1024)
		return receiver_side;
	if (p->dport < 1024 && p->sport >= 1024)
		return sender_side;
	if (is_ephemeral(p->sport) && !is_ephemeral(p->dport))
		return sender_side;
	if (is_ephemeral(p->dport) && !is_ephemeral(p->sport))
		return receiver_side;
	return sender_side;
}

struct sw_flow_ext *flow_ext(struct sw_flow *f)
{
	if (f->ext == NULL)
		f->ext = calloc(1, sizeof(*f->ext));
	return f->ext;
}

void flow_ext_free(struct sw_flow *f)
{
	free(f->ext);
	f->ext = NULL;
}

static struct sw_flow *flow_alloc(struct sw_flow_table *t)
{
	struct flow_chunk *c = t->partial;
	struct sw_flow *f;
	uint32_t slot;

	if (c == NULL) {
		if ((c = malloc(sizeof(*c))) == NULL)
			return NULL;
		c->prev = c->next = NULL;
		c->free = NULL;
		c->used = c->fresh = 0;
		t->partial = c;
	}
	if (c->free != NULL) {
		f = c->free;
		c->free = f->hnext;
		slot = f->slot;
	} else {
		slot = c->fresh++;
		f = &c->flows[slot];
	}
	if (++c->used == FLOW_CHUNK)
		chunk_unlink(t, c); /* full */
	memset(f, 0, sizeof(*f));
	f->slot = slot;
	return f;
}

/* At the cap: end the least recently used flow, cheapest class first. */
static void flow_evict_one(struct sw_flow_table *t)
{
	static const uint8_t order[] = { FLOW_CLASS_CLOSED, FLOW_CLASS_ANSWERED, FLOW_CLASS_NEW,
		FLOW_CLASS_UDP, FLOW_CLASS_EST };
	size_t i;

	for (i = 0; i < sizeof(order); i++)
		if (t->lru[order[i]].head != NULL) {
			flow_end(t, t->lru[order[i]].head, FLOW_END_EVICTED);
			return;
		}
}

/* Keep the tunnel the flow's first packet came in, turned so that src is
 * the outer endpoint on the initiator's side (the packet may be a reply). */
static int note_tunnel(struct sw_flow *f, const struct sw_pkt *p, int from_responder)
{
	struct sw_flow_ext *x;
	struct sw_tunnel *t;

	f->tunnel_depth = p->tunnel_depth;
	f->tunnelled = 1;
	/* out of memory: the flow is analysed and written all the same,
	 * only without its "tunnel" object (counted: flow.alloc_failed) */
	if ((x = flow_ext(f)) == NULL)
		return -1;
	t = &x->tunnel;
	*t = p->tunnel;
	if (from_responder) {
		memcpy(t->src, p->tunnel.dst, sizeof(t->src));
		memcpy(t->dst, p->tunnel.src, sizeof(t->dst));
		t->sport = p->tunnel.dport;
		t->dport = p->tunnel.sport;
	}
	return 0;
}

/* Double the bucket array and rehash. Out of
 * memory the table stays as it is: chains get longer, nothing is lost. */
static void flow_table_grow(struct sw_flow_table *t)
{
	uint32_t nmask = t->mask * 2 + 1, i;
	struct sw_flow **nb = calloc((size_t)nmask + 1, sizeof(*nb));

	if (nb == NULL)
		return;
	for (i = 0; i <= t->mask; i++) {
		struct sw_flow *f = t->buckets[i], *next;

		for (; f != NULL; f = next) {
			uint32_t b = key_bucket_hash(&f->key) & nmask;

			next = f->hnext;
			f->hnext = nb[b];
			nb[b] = f;
		}
	}
	free(t->buckets);
	t->buckets = nb;
	t->mask = nmask;
}

static struct sw_flow *flow_create(struct sw_flow_table *t, const struct sw_pkt *p,
    uint32_t h, int *side)
{
	struct sw_flow_key key;
	const struct sw_flow_key *k = &key;
	int sender_side;
	struct sw_flow *f;

	if (t->active >= t->limits->flow_max && t->limits->flow_max > 0)
		flow_evict_one(t);
	f = flow_alloc(t);
	if (f == NULL) {
		t->c->alloc_failed++; /* the packet goes unanalysed */
		return NULL;
	}
	key_from_pkt(p, &key, &sender_side);
	*side = sender_side;
	f->key = *k;
	f->init_side = (uint8_t)pick_initiator(p, sender_side, &f->midstream);
	f->seq_no = t->pkt_index != NULL ? *t->pkt_index : t->next_seq++;
	f->first_ts = f->last_ts = p->ts_usec;
	if (p->tunnel_depth > 0 && note_tunnel(f, p, sender_side != f->init_side) != 0)
		t->c->alloc_failed++;
	reasm_dir_init(&f->reasm[0]);
	reasm_dir_init(&f->reasm[1]);
	if (p->ipproto == 6) {
		f->cls = f->midstream ? FLOW_CLASS_EST : FLOW_CLASS_NEW;
		f->tcp_state = f->midstream ? FLOW_TCP_ESTABLISHED : FLOW_TCP_NONE;
		t->c->created_tcp++;
		if (f->midstream)
			t->c->midstream++;
	} else {
		f->cls = FLOW_CLASS_UDP;
		if (p->ipproto == 17)
			t->c->created_udp++;
		else
			t->c->created_other++;
	}
	if (t->active > t->mask && t->mask < t->max_mask)
		flow_table_grow(t);
	f->hnext = t->buckets[h & t->mask];
	t->buckets[h & t->mask] = f;
	list_append(&t->lru[f->cls], f);
	t->active++;
	t->c->created++;
	if (t->active > t->c->active_max)
		t->c->active_max = t->active;
	return f;
}

struct sw_flow *flow_get(struct sw_flow_table *t, const struct sw_pkt *p, int *dir)
{
	uint16_t vlan = p->vlan_count ? p->vlan[0] : 0;
	uint64_t fwd = key_tail(p->sport, p->dport, vlan, p->ipproto, p->ip_version);
	uint64_t rev = key_tail(p->dport, p->sport, vlan, p->ipproto, p->ip_version);
	uint32_t h = pair_hash(p->src, p->sport, p->dst, p->dport, vlan, p->ipproto,
	    p->ip_version);
	struct sw_flow *f;
	int sender_side = 0;

	/* the flow's key is canonical (key_from_pkt): the packet matches it
	 * as sent from key endpoint 0 or from endpoint 1, and that is the
	 * side key_from_pkt would have said (0 when both ways match: the
	 * same address and port at both ends) */
	for (f = t->buckets[h & t->mask]; f != NULL; f = f->hnext) {
		uint64_t w;

		memcpy(&w, f->key.port, 8);
		if (w == fwd && addr_eq(f->key.addr[0], p->src) && addr_eq(f->key.addr[1], p->dst)) {
			sender_side = 0;
			break;
		}
		if (w == rev && addr_eq(f->key.addr[0], p->dst) && addr_eq(f->key.addr[1], p->src)) {
			sender_side = 1;
			break;
		}
	}
	/* A fresh SYN on a finished connection is a new connection reusing
	 * the 5-tuple: end the old one first. */
	if (f != NULL && p->ipproto == 6 &&
	    (p->tcp_flags & (SW_TH_SYN | SW_TH_ACK)) == SW_TH_SYN &&
	    (f->tcp_state == FLOW_TCP_CLOSED || f->rst_seen ||
	    (f->tcp_state >= FLOW_TCP_ESTABLISHED && f->fin_seen[0] && f->fin_seen[1]))) {
		flow_end(t, f, FLOW_END_CLOSED);
		f = NULL;
	}
	if (f == NULL) {
		f = flow_create(t, p, h, &sender_side);
		if (f == NULL)
			return NULL;
	}
	*dir = sender_side == f->init_side ? SW_DIR_TO_SERVER : SW_DIR_TO_CLIENT;
	return f;
}

static void flow_set_class(struct sw_flow_table *t, struct sw_flow *f, uint8_t cls)
{
	list_unlink(&t->lru[f->cls], f);
	f->cls = cls;
	list_append(&t->lru[cls], f);
}

/* TCP state from one more segment's flags (flow_update's slow path). */
static void tcp_track(struct sw_flow *f, const struct sw_pkt *p, int dir, uint8_t fl)
{
	if (fl & SW_TH_RST) {
		f->rst_seen = 1;
		f->tcp_state = FLOW_TCP_CLOSED;
		return;
	}
	if (fl & SW_TH_FIN)
		f->fin_seen[dir] = 1;
	switch (f->tcp_state) {
	case FLOW_TCP_NONE:
		if ((fl & (SW_TH_SYN | SW_TH_ACK)) == SW_TH_SYN && dir == SW_DIR_TO_SERVER)
			f->tcp_state = FLOW_TCP_SYN_SENT;
		else if ((fl & (SW_TH_SYN | SW_TH_ACK)) == (SW_TH_SYN | SW_TH_ACK))
			f->tcp_state = FLOW_TCP_SYN_RECV;
		break;
	case FLOW_TCP_SYN_SENT:
		if ((fl & (SW_TH_SYN | SW_TH_ACK)) == (SW_TH_SYN | SW_TH_ACK) && dir == SW_DIR_TO_CLIENT)
			f->tcp_state = FLOW_TCP_SYN_RECV;
		break;
	case FLOW_TCP_SYN_RECV:
		if ((fl & SW_TH_ACK) && !(fl & SW_TH_SYN) && dir == SW_DIR_TO_SERVER)
			f->tcp_state = FLOW_TCP_ESTABLISHED;
		break;
	default:
		break;
	}
	if (f->tcp_state < FLOW_TCP_ESTABLISHED && p->payload_len > 0 &&
	    f->pkts[0] > 0 && f->pkts[1] > 0)
		f->tcp_state = FLOW_TCP_ESTABLISHED;
	if (f->fin_seen[0] && f->fin_seen[1])
		f->tcp_state = FLOW_TCP_CLOSED;
	else if ((f->fin_seen[0] || f->fin_seen[1]) && f->tcp_state == FLOW_TCP_ESTABLISHED)
		f->tcp_state = FLOW_TCP_CLOSING;
}

void flow_update(struct sw_flow_table *t, struct sw_flow *f, const struct sw_pkt *p, int dir)
{
	uint8_t cls = f->cls;

	f->pkts[dir]++;
	f->bytes[dir] += p->wirelen; /* whole frames, as Suricata and tshark count */
	if (p->ts_usec > f->last_ts)
		f->last_ts = p->ts_usec;
	if (p->ipproto == 6) {
		uint8_t fl = p->tcp_flags;

		f->tcp_flags[dir] |= fl;
		/* Established stays established without a FIN or RST: no FIN
		 * was seen before either, since tcp_track leaves no flow
		 * established with one (CLOSING, or CLOSED with both). Most
		 * segments take this way. */
		if (f->tcp_state == FLOW_TCP_ESTABLISHED && !(fl & (SW_TH_RST | SW_TH_FIN))) {
			cls = FLOW_CLASS_EST;
		} else {
			tcp_track(f, p, dir, fl);
			if (f->tcp_state == FLOW_TCP_CLOSED)
				cls = FLOW_CLASS_CLOSED;
			else if (f->tcp_state >= FLOW_TCP_ESTABLISHED)
				cls = FLOW_CLASS_EST;
			else
				cls = FLOW_CLASS_NEW;
		}
	} else if (flow_is_icmp(f) && !flow_icmp_known(f, dir) && p->payload_len >= 2) {
		/* the decoder leaves the payload at the ICMP header */
		f->icmp_type[dir] = p->payload[0];
		f->icmp_code[dir] = p->payload[1];
		f->icmp_seen |= (uint8_t)(1u << dir);
	}
	if (cls != f->cls)
		flow_set_class(t, f, cls);
	else if (t->lru[cls].tail != f)
		list_move_tail(&t->lru[cls], f);
}

void flow_set_answered(struct sw_flow_table *t, struct sw_flow *f, int answered)
{
	uint8_t cls = answered ? FLOW_CLASS_ANSWERED : FLOW_CLASS_UDP;

	if ((f->cls == FLOW_CLASS_UDP || f->cls == FLOW_CLASS_ANSWERED) && f->cls != cls)
		flow_set_class(t, f, cls);
}

static uint32_t class_timeout(const struct sw_limits *l, int cls)
{
	switch (cls) {
	case FLOW_CLASS_NEW: return l->flow_timeout_new;
	case FLOW_CLASS_EST: return l->flow_timeout_est;
	case FLOW_CLASS_CLOSED: return l->flow_timeout_closed;
	case FLOW_CLASS_ANSWERED: return l->flow_timeout_dns;
	default: return l->flow_timeout_udp;
	}
}

/* The same in microseconds, packet time's unit (the limits are in seconds). */
static uint64_t class_timeout_usec(const struct sw_limits *l, int cls)
{
	return (uint64_t)class_timeout(l, cls) * 1000000ULL;
}

static void flow_expire_one(struct sw_flow_table *t, struct sw_flow *f)
{
	flow_end(t, f, f->cls == FLOW_CLASS_CLOSED ? FLOW_END_CLOSED : FLOW_END_TIMEOUT);
}

/* Flows one tick ends without a heap block: a second of packet time ends
 * a dozen on the mixed benchmark. */
#define EXPIRE_STACK 64

/* The idle flows of every class end in the order they were made (seq_no),
 * as the end-of-input flush ends them: an order that does not depend on
 * which table holds them, so that --workers, each worker expiring its own,
 * merge back into one process's order. Without memory for more than
 * EXPIRE_STACK of them, those found so far end in that order and the rest
 * class by class, each class's in the order they went idle. */
void flow_expire(struct sw_flow_table *t, uint64_t now_usec)
{
	struct sw_flow *stack[2 * EXPIRE_STACK], **all = stack, **more, *f;
	size_t n = 0, cap = EXPIRE_STACK, i;
	int cls, short_of_memory = 0;

	for (cls = 0; cls < FLOW_CLASS_COUNT && !short_of_memory; cls++) {
		uint64_t tmo = class_timeout_usec(t->limits, cls);

		for (f = t->lru[cls].head; f != NULL && f->last_ts + tmo <= now_usec; f = f->next) {
			if (n == cap) {
				/* room for twice as many, and the sort's as much again */
				if ((more = malloc(4 * cap * sizeof(*more))) == NULL) {
					short_of_memory = 1;
					break;
				}
				memcpy(more, all, n * sizeof(*all));
				if (all != stack)
					free(all);
				all = more;
				cap *= 2;
			}
			all[n++] = f;
		}
	}
	if (n > 1)
		flow_sort_by_seq(all, all + cap, n);
	for (i = 0; i < n; i++)
		flow_expire_one(t, all[i]);
	if (all != stack)
		free(all);
	for (cls = 0; short_of_memory && cls < FLOW_CLASS_COUNT; cls++) {
		uint64_t tmo = class_timeout_usec(t->limits, cls);

		while ((f = t->lru[cls].head) != NULL && f->last_ts + tmo <= now_usec)
			flow_expire_one(t, f);
	}
}

void flow_sort_by_seq(struct sw_flow **a, struct sw_flow **tmp, size_t n)
{
	uint64_t lo = UINT64_MAX, hi = 0, range;
	struct sw_flow **src = a, **dst = tmp, **sw;
	size_t i, cnt[256], sum;
	unsigned shift;

	if (n <= 16) {
		/* a tick's few: insertion, without the 256-count passes */
		for (i = 1; i < n; i++) {
			struct sw_flow *f = a[i];
			size_t j = i;

			for (; j > 0 && a[j - 1]->seq_no > f->seq_no; j--)
				a[j] = a[j - 1];
			a[j] = f;
		}
		return;
	}

	for (i = 0; i < n; i++) {
		if (a[i]->seq_no < lo)
			lo = a[i]->seq_no;
		if (a[i]->seq_no > hi)
			hi = a[i]->seq_no;
	}
	range = n > 0 ? hi - lo : 0;
	/* one stable counting pass per byte of the range, low byte first */
	for (shift = 0; shift < 64 && (range >> shift) != 0; shift += 8) {
		memset(cnt, 0, sizeof(cnt));
		for (i = 0; i < n; i++)
			cnt[((src[i]->seq_no - lo) >> shift) & 0xff]++;
		for (i = 0, sum = 0; i < 256; i++) {
			size_t c = cnt[i];

			cnt[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[cnt[((src[i]->seq_no - lo) >> shift) & 0xff]++] = src[i];
		sw = src;
		src = dst;
		dst = sw;
	}
	if (src != a)
		memcpy(a, src, n * sizeof(*a));
}

void flow_flush(struct sw_flow_table *t, enum sw_flow_end_reason why)
{
	struct sw_flow **all;
	size_t n = 0, i;
	int cls;

	if (t->active == 0)
		return;
	/* the flows and room to sort them (flow_sort_by_seq) */
	all = malloc(2 * t->active * sizeof(*all));
	if (all == NULL) {
		/* no memory to sort: end them list by list, still every one */
		for (cls = 0; cls < FLOW_CLASS_COUNT; cls++)
			while (t->lru[cls].head != NULL)
				flow_end(t, t->lru[cls].head, why);
		return;
	}
	for (cls = 0; cls < FLOW_CLASS_COUNT; cls++) {
		struct sw_flow *f;

		for (f = t->lru[cls].head; f != NULL; f = f->next)
			all[n++] = f;
	}
	flow_sort_by_seq(all, all + t->active, n);
	for (i = 0; i < n; i++)
		flow_end(t, all[i], why);
	free(all);
}

size_t flow_active(const struct sw_flow_table *t)
{
	return t->active;
}

size_t flow_chunk_bytes(void)
{
	return sizeof(struct flow_chunk);
}
