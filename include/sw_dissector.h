/* sw_dissector.h: the interface every application-layer dissector implements.
 *
 * One const struct per protocol, all listed in dissectors/registry.c (a new
 * protocol is one file plus one table line). Dissectors are chosen by content
 * probing on the first bytes of a flow, never by port alone; ports are only a
 * hint for probing order. A dissector keeps per-flow state, consumes slices
 * from TCP reassembly (or whole UDP datagrams), reports malformed input as
 * anomalies, and at the end of the flow describes what it found: facts for
 * the verdict logic (detect.c) and its own EVE event(s).
 *
 * Dissectors are a library: no globals, no I/O, no alert policy. */
#ifndef SW_DISSECTOR_H
#define SW_DISSECTOR_H

#include <stddef.h>
#include <stdint.h>
#include "sw_anomaly.h"
#include "sw_counters.h"
#include "sw_facts.h"
#include "sw_json.h"
#include "sw_limits.h"
#include "sw_slice.h"

enum sw_probe {
	SW_PROBE_NO = 0,     /* not this protocol */
	SW_PROBE_YES = 1,    /* take the flow */
	SW_PROBE_MAYBE = 2,  /* need more bytes to tell */
};

enum sw_parse_status {
	SW_PARSE_OK = 0,         /* consumed all of the slice */
	SW_PARSE_INCOMPLETE = 1, /* consumed .consumed bytes; keep the rest and
	                            call again with more appended */
	SW_PARSE_ERROR = 2,      /* not (or no longer) this protocol: stop
	                            feeding this dissector */
	SW_PARSE_HANDOFF = 3,    /* a tunnel opened after .consumed bytes
	                            (SOCKS, HTTP CONNECT, WebSocket): probe the
	                            rest of the stream again */
	SW_PARSE_DONE = 4,       /* the dissector has all it wants from this
	                            flow (a plain HTTP request's Host): stop
	                            feeding it; not an error */
};

struct sw_result {
	enum sw_parse_status status;
	size_t consumed;
};

/* Facts a dissector reports as soon as it sees them, for the engine's
 * cross-flow state (the DNS name cache, pool matching). Any callback may be
 * NULL; strings are only valid during the call (copy what you keep). */
struct sw_observer {
	/* This flow's client asked DNS for qname (every question). */
	void (*dns_query)(void *ctx, const char *qname, uint16_t qtype);
	/* A DNS answer: qname (the question) resolved, possibly via a CNAME
	 * chain ending at rrname, to addr (4 or 16 bytes) for ttl seconds. */
	void (*dns_answer)(void *ctx, const char *qname, const char *rrname,
	    const uint8_t *addr, int ip_version, uint32_t ttl);
	/* The client named the host it wants (TLS SNI, HTTP Host/CONNECT,
	 * SOCKS4a/5 domain); via is "sni", "http-host", "http-connect",
	 * "socks". port is 0 when not given. */
	void (*host_named)(void *ctx, const char *host, uint16_t port, const char *via);
	void *ctx;
};

struct sw_emit_env;

/* What the engine lends a dissector for one parse call. */
struct sw_app_env {
	const struct sw_limits *limits;
	struct sw_counters *counters;
	const struct sw_anomaly_sink *anomalies; /* events carry the flow's envelope */
	const struct sw_observer *observer;      /* may be NULL */
	/* Where the dissector writes its own events (event_type its name)
	 * while it parses; NULL when they are not asked for (--eve-types).
	 * DNS writes each message's event at its packet instead of keeping
	 * a log for emit(), which held 1 KB and more per lookup until the
	 * flow timed out, flow_timeout_dns after its answer. */
	const struct sw_emit_env *emit;
};

/* How a dissector writes its events when the flow ends: begin() starts an
 * EVE record with the flow's envelope and event_type, and returns the writer
 * positioned inside the top-level object; end() writes it out. begin()
 * returns NULL when that event type is not wanted (--eve-types): the
 * dissector then skips the event and does not call end(). */
struct sw_emit_env {
	struct sw_jw *(*begin)(void *ctx, const char *event_type, uint64_t ts_usec);
	void (*end)(void *ctx);
	void *ctx;
	/* A pool-list name the engine tied to the flow (DNS answer, SNI,
	 * proxy target), for dissectors whose protocol named none; NULL if
	 * none. via is "dns", "sni", "http-connect", "socks", "ip-list". */
	const char *pool_domain;
	const char *pool_via;
};

struct sw_dissector {
	const char *name;          /* app_proto in EVE: "stratum", "dns", ... */
	uint8_t ipproto;           /* IPPROTO_TCP or IPPROTO_UDP */
	const char *default_ports; /* hint only, e.g. "3333,4444"; probing decides */
	/* A YES from probe identifies the protocol for good (a TLS
	 * ClientHello record, a DNS message on a DNS port): nDPI is not run
	 * on the flow from then on, as it could only name it again. */
	uint8_t identifies;

	/* Cheap and stateless: look at the first bytes a direction sent. */
	enum sw_probe (*probe)(const uint8_t *data, size_t len, int dir);

	/* Per-flow state; NULL on allocation failure. */
	void *(*state_new)(const struct sw_limits *limits);
	void (*state_free)(void *state);

	/* Consume one slice (sw_slice.h): flags say GAP/EOF/UDP. */
	struct sw_result (*parse)(void *state, const struct sw_slice *slice,
	    const struct sw_app_env *env);

	/* Fill the verdict's evidence (sw_facts.h). Pointers stay valid while
	 * the state lives. May be NULL. */
	void (*facts)(void *state, struct sw_facts *out);

	/* A number that changes whenever facts() may give a different
	 * verdict: a session proven, Monero evidence seen, a pool host named
	 * in the protocol. After each parse the engine judges the flow again
	 * only when it changed (gathering the facts after every slice of a
	 * long Stratum session cost more than deciding it). A new state's
	 * is 0, and facts() gives nothing while it stays 0 (the engine does
	 * not judge a flow with no other evidence then). May be NULL:
	 * the flow is then judged after every slice. */
	uint32_t (*verdict_epoch)(const void *state);

	/* UDP: every request seen on the flow has had its response (a DNS
	 * query's id came back), so nothing more is expected and the flow
	 * ends after flow_timeout_dns idle instead of flow_timeout_udp.
	 * Asked after each datagram. May be NULL: never. */
	int (*answered)(const void *state);

	/* Write this dissector's events at the end of the flow. May be NULL. */
	void (*emit)(void *state, const struct sw_emit_env *env);

	/* Approximate heap bytes the state holds, for memory accounting. */
	size_t (*state_size)(const void *state);
};

/* dissectors/registry.c */
extern const struct sw_dissector *const sw_dissectors[];
extern const size_t sw_dissectors_count;
const struct sw_dissector *sw_dissector_by_name(const char *name);

#endif
