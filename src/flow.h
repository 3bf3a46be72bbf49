/* flow.h: the bidirectional flow table.
 *
 * A flow is keyed by its canonical 5-tuple (lower address/port endpoint
 * first) plus the outer VLAN id, so both directions find the same entry. The
 * initiator ("src" in EVE, the miner) is decided from the handshake: the
 * sender of a SYN, the receiver of a SYN/ACK, or for a flow picked up
 * midstream the side with the ephemeral-looking port (best evidence).
 *
 * Timeouts run on packet time. Each flow sits on one of five LRU lists by
 * timeout class (new, established, closed, udp, answered DNS); since packets
 * move a flow to the tail of its list, each list is ordered by last activity
 * and expiry only looks at list heads: O(1) per packet. When the table holds
 * limits.flow_max flows, the least recently used flow is ended early
 * ("memcap_evicted"), preferring closed, then answered DNS, then new, then
 * UDP, then established flows. The hash's bucket array grows with the
 * flows (one bucket per flow at most), up to flow_max buckets.
 */
#ifndef SW_FLOW_H
#define SW_FLOW_H

#include <stddef.h>
#include <stdint.h>
#include "sw_counters.h"
#include "sw_limits.h"
#include "sw_pkt.h"
#include "sw_reasm.h"

struct sw_dissector;
struct sw_pod;

/* What few flows have, allocated on first need (flow_ext) and freed when
 * the flow ends: 76 bytes most flows never use. */
struct sw_flow_ext {
	/* the tunnel the first packet came in (flow.c), oriented so that
	 * tunnel.src is the outer address on the initiator's side; EVE
	 * writes it as the "tunnel" object. SW_TUNNEL_NONE: none */
	struct sw_tunnel tunnel;
	uint8_t pod_addr[16];      /* attrib.c: valid with flow.has_pod_addr */
	uint8_t xlated[16];        /* attrib.c: valid with flow.has_xlated */
};

struct sw_flow_key {
	uint8_t addr[2][16];       /* [0] is the lower (address, port) endpoint */
	uint16_t port[2];
	uint16_t vlan;
	uint8_t proto;
	uint8_t ip_version;
};

/* Each class has its own idle timeout (sw_limits.h) and LRU list.
 * ANSWERED: a UDP flow whose dissector says every request was answered
 * (DNS), set by flow_set_answered(). */
enum sw_flow_class { FLOW_CLASS_NEW, FLOW_CLASS_EST, FLOW_CLASS_CLOSED, FLOW_CLASS_UDP,
	FLOW_CLASS_ANSWERED, FLOW_CLASS_COUNT };

enum sw_tcp_state {
	FLOW_TCP_NONE = 0, FLOW_TCP_SYN_SENT, FLOW_TCP_SYN_RECV, FLOW_TCP_ESTABLISHED, FLOW_TCP_CLOSING, FLOW_TCP_CLOSED,
};

enum sw_flow_end_reason { FLOW_END_TIMEOUT, FLOW_END_CLOSED, FLOW_END_EOF, FLOW_END_EVICTED };

/* app_status */
enum { APP_PROBING = 0, APP_ACTIVE, APP_FAILED, APP_NONE };

/* The pool a list matched for a flow, in one allocation with its name:
 * most flows match none, and three fields held inline cost every flow 28
 * bytes. */
struct sw_flow_pool {
	const char *via;                 /* "dns", "sni", "stratum", "ip-list",
	                                    "http-connect", "socks" (static) */
	char coin[12];                   /* the matched list entry's first coin, or "" */
	char name[];                     /* the pool's name as the list knows it */
};

/* Ordered by size (pointers and 64-bit fields, then 32-, 16- and 8-bit
 * ones) so that there are no holes: with tens of thousands of long-lived
 * miner sessions open at once, peak memory is flows times this size. What
 * few flows use (the tunnel, the pod addresses, a matched pool) is
 * allocated on the side. */
struct sw_flow {
	struct sw_flow *hnext;           /* hash chain */
	struct sw_flow *prev, *next;     /* LRU list of its class */
	uint64_t seq_no;                 /* creation order, for deterministic output:
	                                    the index of the packet that made it
	                                    (flow_table_number_by) */
	uint64_t first_ts, last_ts;
	uint64_t pkts[2], bytes[2];      /* by direction, bytes = frame length on the wire */
	struct sw_reasm_dir reasm[2];    /* by direction */
	const struct sw_dissector *app;
	void *app_state;
	uint32_t app_mem;                /* dispatch.c: app_state's size at the last count
	                                    (a state is far below app_memcap's 4 GiB cap) */
	void *ndpi;                      /* ndpi_glue.c's per-flow state */
	struct sw_flow_pool *pool;       /* owned (flow_set_pool); NULL: no list matched */
	/* pod attribution (attrib.c) */
	const struct sw_pod *pod;        /* held (pod_hold) until the flow ends */
	/* the tunnel and pod addresses (flow_ext); NULL until one is
	 * noted. Out of memory, the flow goes without them (no "tunnel"
	 * object, no pod_ip/src_xlated) */
	struct sw_flow_ext *ext;
	/* flow export (export-flow.c): its per-flow state, allocated only
	 * while exporting, so that flows cost nothing for it otherwise */
	struct sw_flow_export *x;
	struct sw_flow_key key;
	uint8_t community_id[20];        /* its SHA-1 (community_id.c), made at the
	                                    flow's first event: community_id_set */
	uint32_t slot;                   /* flow.c: its place in its chunk */
	uint32_t anomalies;
	uint32_t judged_epoch;           /* the dissector's verdict_epoch when last judged */
	/* the post-NAT copy of another flow (twin.c) */
	uint32_t twin_slot;              /* twin.c's SYN entry for this flow + 1; 0 none */
	uint16_t ndpi_master, ndpi_app;
	uint8_t cls;                     /* enum sw_flow_class */
	uint8_t init_side;               /* key endpoint (0/1) that initiated */
	uint8_t tcp_state;
	uint8_t midstream;
	/* by direction SW_DIR_*; which half holds is the key's protocol
	 * (only TCP code reads the first, only ICMP code the second) */
	union {
		struct {                 /* TCP */
			uint8_t tcp_flags[2];    /* OR of flags */
			uint8_t fin_seen[2];
			uint8_t rst_seen;
		};
		struct {                 /* ICMP, ICMPv6 (Suricata's icmp_type,
		                            icmp_code and their response_ pair) */
			uint8_t icmp_type[2];    /* the first whole header each way */
			uint8_t icmp_code[2];
			uint8_t icmp_seen;       /* 1 << SW_DIR_*: that way's is known */
		};
	};
	uint8_t app_status;
	uint8_t app_emit_wanted;         /* dispatch.c: app's events are written (sw_app_env) */
	uint8_t alerted;                 /* bitmask of alert rules fired */
	uint8_t probe_tries[2];
	uint8_t ndpi_done;               /* ndpi_glue.c: decided, or skipped */
	uint8_t ndpi_pkts;               /* ndpi_glue.c: packets nDPI was given */
	uint8_t end_reason;
	/* pool intelligence (intel.c, dispatch.c) */
	uint8_t direction;               /* enum sw_direction */
	uint8_t evidence;                /* FLOW_EV_* */
	uint8_t pool_host_checked;       /* the protocol's own host was matched */
	uint8_t handoffs;                /* tunnels opened (dispatch.c) */
	uint8_t judged;                  /* dispatch.c: judged_epoch is valid */
	uint8_t iface;                   /* live: capture source + 1 it was first seen on
	                                    (EVE in_iface); 0 offline */
	/* pod attribution (attrib.c) */
	uint8_t attribution;             /* enum sw_attribution; 0 = off */
	uint8_t attr_reason;             /* enum sw_attr_reason */
	uint8_t attr_side;               /* key endpoint (0/1) that is the pod side */
	uint8_t tunnelled;               /* seen decapsulated (SW_PKT_TUNNELLED) */
	uint8_t has_pod_addr;            /* ext->pod_addr: the originating pod IP (pre-NAT) */
	uint8_t has_xlated;              /* ext->xlated: the post-NAT source, when one was seen */
	uint8_t tunnel_depth;            /* layers around the first packet (ext->tunnel) */
	/* the post-NAT copy of another flow (twin.c): not analysed, nothing
	 * written for it */
	uint8_t nat_twin;
	uint8_t community_id_set;        /* community_id is made */
};

/* flow.evidence */
#define FLOW_EV_DNS_POOL  0x01 /* the client resolved a pool name to the server */
#define FLOW_EV_IP_LIST   0x02 /* the server is on the pool IP list */
#define FLOW_EV_SNI_POOL  0x04 /* TLS SNI names a pool */
#define FLOW_EV_DNS_QUERY 0x08 /* a DNS query/answer for a pool name */
#define FLOW_EV_HOST_POOL 0x10 /* HTTP CONNECT or SOCKS names a pool */
#define FLOW_EV_HTTP_POOL 0x20 /* a plain HTTP request's Host names a pool */

struct sw_flow_table;

typedef void (*sw_flow_end_fn)(void *arg, struct sw_flow *f, enum sw_flow_end_reason why);

/* Create a table for limits->flow_max flows. end() is called for every flow
 * that ends (timeout, eviction, flow_flush) before it is freed; it must
 * release whatever the caller attached (reassembly, dissector, nDPI). */
struct sw_flow_table *flow_table_new(const struct sw_limits *limits,
    struct sw_counters_flow *counters, sw_flow_end_fn end, void *arg);
void flow_table_free(struct sw_flow_table *t);
/* Number flows (seq_no, which flow_id is made from) by *pkt_index, the
 * index in the input of the packet that creates them, rather than by a
 * count of the table's own: then a flow has the same number whichever
 * worker's table holds it (--workers). One packet creates one flow at
 * most. */
void flow_table_number_by(struct sw_flow_table *t, const uint64_t *pkt_index);

/* --workers: which of n workers analyses the packet's flow (the same for
 * both directions). */
unsigned flow_pkt_worker(const struct sw_pkt *p, unsigned n);

/* Find the packet's flow or create it. *dir is set to the packet's
 * direction (SW_DIR_TO_SERVER when sent by the initiator). Returns NULL only
 * when memory is exhausted (counted). */
struct sw_flow *flow_get(struct sw_flow_table *t, const struct sw_pkt *p, int *dir);

/* Name the flow's pool: name as the list knows it, via (static), and the
 * list entry's first coin (NULL: none; cut at 11 bytes). Replaces a pool
 * named before. Out of memory the flow keeps what it had. */
void flow_set_pool(struct sw_flow *f, const char *name, const char *via, const char *coin);

static inline const char *flow_pool_name(const struct sw_flow *f)
{
	return f->pool != NULL ? f->pool->name : NULL;
}

static inline const char *flow_pool_via(const struct sw_flow *f)
{
	return f->pool != NULL ? f->pool->via : NULL;
}

/* The flow's flow_id (EVE, syslog): 51 bits, the same for every event of
 * the flow and for the same input. */
uint64_t flow_id(const struct sw_flow *f);

/* Ask for the first lines of the flow's dissector state (a Stratum
 * state is 152 bytes) as soon as the flow is found: the flow update and
 * the reassembly run before the dissector reads it, time for the lines
 * to come in. With tens of thousands of sessions open the
 * state is rarely cached, and stratum_parse's first read of it waited
 * (perf, bench/profile.sh). Only a hint: nothing is read. */
static inline void flow_prefetch_app(const struct sw_flow *f)
{
	const char *c = (const char *)f->app_state;

	if (c != NULL) {
		__builtin_prefetch(c);
		__builtin_prefetch(c + 64);
		__builtin_prefetch(c + 128);
	}
}

/* Account a packet to its flow: counters, TCP state, LRU position. */
void flow_update(struct sw_flow_table *t, struct sw_flow *f, const struct sw_pkt *p, int dir);

/* A non-TCP flow's dissector says whether every request on it has been
 * answered: if so the flow times out after flow_timeout_dns idle instead
 * of flow_timeout_udp (FLOW_CLASS_ANSWERED); a new unanswered request
 * moves it back. No-op for TCP flows. */
void flow_set_answered(struct sw_flow_table *t, struct sw_flow *f, int answered);

/* End flows idle past their timeout at packet time now. */
void flow_expire(struct sw_flow_table *t, uint64_t now_usec);

/* Sort n flows by seq_no, ascending, with tmp room for n more pointers:
 * an LSD radix sort on seq_no minus the least, one pass per byte of the
 * range, about 15 instructions a flow and pass. qsort with an indirect
 * compare took about 330 a flow: 4 million at the end of the Stratum-heavy
 * benchmark's first 100,000 packets (12,552 flows open), 0.7% of that run. */
void flow_sort_by_seq(struct sw_flow **a, struct sw_flow **tmp, size_t n);

/* End every flow, in creation order (end of input, shutdown). */
void flow_flush(struct sw_flow_table *t, enum sw_flow_end_reason why);

size_t flow_active(const struct sw_flow_table *t);

/* The size of the allocation flows are made in, FLOW_CHUNK at a time
 * (flow.c): what a test makes fail to see a flow go unallocated. */
size_t flow_chunk_bytes(void);

/* The flow's side struct, allocated zeroed at the first call; NULL when
 * out of memory. */
struct sw_flow_ext *flow_ext(struct sw_flow *f);
/* Free it: flow.c does when a flow ends (after end()); a flow made by
 * hand (unit tests) calls it itself. */
void flow_ext_free(struct sw_flow *f);

/* TCP, UDP and SCTP flows have ports (and write them); others do not. */
static inline int flow_has_ports(const struct sw_flow *f)
{
	return f->key.proto == 6 || f->key.proto == 17 || f->key.proto == 132;
}

static inline int flow_is_icmp(const struct sw_flow *f)
{
	return f->key.proto == 1 || f->key.proto == 58;
}

/* An ICMP flow whose first whole header that way (SW_DIR_*) was seen:
 * icmp_type[dir] and icmp_code[dir] hold it. The protocol is checked
 * first: for TCP the same bytes are the TCP flags. */
static inline int flow_icmp_known(const struct sw_flow *f, int dir)
{
	return flow_is_icmp(f) && (f->icmp_seen & (1u << dir));
}

/* The initiator's and responder's address/port. */
static inline const uint8_t *flow_src_addr(const struct sw_flow *f) { return f->key.addr[f->init_side]; }
static inline const uint8_t *flow_dst_addr(const struct sw_flow *f) { return f->key.addr[!f->init_side]; }
static inline uint16_t flow_src_port(const struct sw_flow *f) { return f->key.port[f->init_side]; }
static inline uint16_t flow_dst_port(const struct sw_flow *f) { return f->key.port[!f->init_side]; }

#endif
