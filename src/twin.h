/* twin.h: one packet, one flow, when a capture sees several interfaces.
 *
 * On a Kubernetes node, `tcpdump -i any` (LINUX_SLL/SLL2) sees a pod's
 * packet on the pod's veth, on the CNI bridge and on the uplink: up to three
 * copies of one packet, the last one masqueraded to the node's address
 * (and maybe another port). Two checks make that one flow, counted once:
 *
 *  - copies: a packet identical to one seen within twin_copy_window_ms on
 *    ANOTHER interface (SLL2 ifindex; LINUX_SLL has none, so any earlier
 *    copy counts) is dropped before the flow table. "Identical" is the
 *    direction, addresses, ports, IPv4 id, TCP sequence, acknowledgment,
 *    flags, payload length and the first 64 payload bytes; the TTL is left
 *    out, since routing decrements it. The same packet again on the same
 *    interface is a retransmission (timeout or fast), kept; with LINUX_SLL
 *    one inside the window is taken for a copy, which loses no bytes (and
 *    the window is below Linux's 200 ms minimum retransmission timeout).
 *
 *  - NAT twins: a TCP flow opened by a SYN with the same initial sequence
 *    number and destination as a SYN seen within twin_nat_window_ms, but
 *    from another source address or port, is the post-SNAT copy of that
 *    flow (a DNAT copy: same source, other destination). The later flow
 *    becomes a "nat-twin": the engine neither analyses nor reports it; the
 *    earlier flow records the post-NAT source (attrib_set_xlated). A UDP
 *    flow is the NAT copy of another when its first datagram has the same
 *    IPv4 id, length and payload head as the other's first datagram, seen
 *    within twin_copy_window_ms, with exactly one endpoint changed (SNAT:
 *    the source; DNAT, a pod's query to a Service address such as
 *    kube-dns: the destination) and a different TTL (one copy was routed
 *    after the other).
 *
 * Both apply to captures of several interfaces only: cooked ones
 * (SW_PKT_COOKED) and live runs with several -i (SW_PKT_MULTI_IF, the
 * capture source standing for the ifindex); an Ethernet capture of one
 * interface has no copies. The first copy seen is the one kept: on
 * Linux, -i any delivers a packet in path order (veth, bridge, uplink), so
 * egress keeps the pod's pre-NAT copy.
 *
 * Caps: sw_limits.twin_copies_max remembered packets and twin_syns_max
 * remembered first packets (SYNs, first UDP datagrams), each in sets of 4
 * chosen by hash. Policy on a full set:
 * replace the oldest entry; when it was still inside its window, count
 * flow.twin_copies_evicted / flow.nat_syns_evicted (a copy of it, arriving
 * later, would then be counted again). Tables are allocated at the first
 * cooked packet. */
#ifndef SW_TWIN_H
#define SW_TWIN_H

#include "flow.h"
#include "sw_counters.h"
#include "sw_limits.h"
#include "sw_pkt.h"

struct sw_twin;

/* Returns NULL only when out of memory. */
struct sw_twin *twin_new(const struct sw_limits *limits, struct sw_counters_flow *counters);
void twin_free(struct sw_twin *t);

/* Is p a copy of a packet already seen on another interface? Counted in
 * flow.twin_copies when it is. Multi-interface captures only; 0 otherwise. */
int twin_is_copy(struct sw_twin *t, const struct sw_pkt *p);

/* f was just created by p. If p is a SYN or UDP datagram whose twin (see
 * above) opened an earlier flow, mark f as a nat-twin (f->nat_twin), count
 * flow.nat_twins and return the earlier flow, which stays the one analysed;
 * *snat says whether the source was translated, *new_first whether p is the
 * copy that came first on the wire (the pre-NAT one: a higher TTL, else an
 * earlier timestamp), which happens when several -i handles deliver the
 * copies out of order. Otherwise remember p for f and return NULL. */
struct sw_flow *twin_nat_match(struct sw_twin *t, struct sw_flow *f,
    const struct sw_pkt *p, int *snat, int *new_first);

/* f ends: forget its SYN (the entry points at f). */
void twin_flow_end(struct sw_twin *t, struct sw_flow *f);

#endif
