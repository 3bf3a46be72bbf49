/* sw_decode.h: link-layer to L4 decoding of one captured frame.
 *
 * Supported link types (DLT_/LINKTYPE_ values as libpcap reports them):
 * EN10MB (with 802.1Q/802.1ad/QinQ VLAN tags and MPLS label stacks, PPPoE
 * session), LINUX_SLL, LINUX_SLL2, RAW / IPV4 / IPV6, NULL and LOOP (BSD,
 * either byte order), PPP, C_HDLC. IPv4 and IPv6 (hop-by-hop, routing,
 * destination options, fragment, AH extension headers), TCP, UDP; other L4
 * protocols are decoded to the IP layer. IP fragments are reassembled
 * (frag.c) within struct sw_limits.
 *
 * Tunnels are opened and the innermost packet is the one returned, with the
 * outermost layer's endpoints in pkt->tunnel: IPv4/IPv6 in IPv4/IPv6, GRE
 * (IP, PPP, transparent Ethernet bridging), MPLS Ethernet pseudowires, VXLAN
 * and Geneve on configurable UDP ports; at most 3 layers. */
#ifndef SW_DECODE_H
#define SW_DECODE_H

#include <stddef.h>
#include <stdint.h>
#include "sw_anomaly.h"
#include "sw_counters.h"
#include "sw_limits.h"
#include "sw_pkt.h"

enum sw_decode_result {
	SW_DECODE_OK = 0,     /* pkt holds an IP packet (L4 filled for TCP/UDP) */
	SW_DECODE_NOT_IP = 1, /* ARP, STP, LLDP, ...: counted (not_ip); also an
	                         unsupported link type (unsupported_linktype) */
	SW_DECODE_HELD = 2,   /* an IP fragment, held until its datagram completes,
	                         or dropped by a reassembly cap (frag_memcap) */
	SW_DECODE_BAD = 3,    /* malformed: an anomaly was reported and counted */
};

struct sw_decoder;

/* UDP destination ports decapsulated as VXLAN or Geneve. A count of 0
 * means the default for that protocol; a port of 0 never matches (so
 * {0}, 1 turns the protocol off). */
#define SW_UDP_TUNNEL_PORTS_MAX 8
#define SW_VXLAN_PORT_IANA  4789
#define SW_VXLAN_PORT_LINUX 8472   /* the Linux kernel's default; flannel's */
#define SW_GENEVE_PORT      6081

struct sw_udp_tunnel_ports {
	uint16_t vxlan[SW_UDP_TUNNEL_PORTS_MAX];
	uint16_t geneve[SW_UDP_TUNNEL_PORTS_MAX];
	uint8_t nvxlan, ngeneve;
};

/* Create a decoder. counters and anomalies must outlive it. Returns NULL on
 * allocation failure. */
struct sw_decoder *decode_new(const struct sw_limits *limits,
    struct sw_counters_decode *counters, const struct sw_anomaly_sink *anomalies);
void decode_free(struct sw_decoder *d);

/* Replace the VXLAN/Geneve port sets (NULL: the defaults, 4789 and 8472
 * for VXLAN, 6081 for Geneve). */
void decode_set_udp_tunnel_ports(struct sw_decoder *d, const struct sw_udp_tunnel_ports *ports);

/* enum sw_tunnel_type as EVE writes it ("vxlan", "geneve", "gre", "ipip",
 * "sit", "ipip6", "ip6ip6", "mpls"), and the IP protocol number of the
 * outer layer that carries it (0 for MPLS). */
const char *decode_tunnel_name(int type);
uint8_t decode_tunnel_outer_proto(int type);

/* Is this link type one decode_packet() understands? */
int decode_linktype_supported(int linktype);

/* Decode one frame of the given link type. The result's pointers stay valid
 * until the next call. Never reads outside [bytes, bytes + caplen). */
enum sw_decode_result decode_packet(struct sw_decoder *d, int linktype,
    uint64_t ts_usec, const uint8_t *bytes, uint32_t caplen, uint32_t wirelen,
    struct sw_pkt *pkt);

/* Expire fragment reassembly state older than the timeout, on packet time. */
void decode_expire(struct sw_decoder *d, uint64_t now_usec);

#endif
