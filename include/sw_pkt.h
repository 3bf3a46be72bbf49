/* sw_pkt.h: one decoded packet, as decode.c hands it to the flow table.
 *
 * Pointers point into the capture buffer (no copies), or into the fragment
 * reassembler's buffer when the datagram was reassembled; either way they are
 * valid only until the next decode_packet() call. */
#ifndef SW_PKT_H
#define SW_PKT_H

#include <stdint.h>

#define SW_TH_FIN 0x01
#define SW_TH_SYN 0x02
#define SW_TH_RST 0x04
#define SW_TH_PSH 0x08
#define SW_TH_ACK 0x10
#define SW_TH_URG 0x20
#define SW_TH_ECE 0x40
#define SW_TH_CWR 0x80

/* pkt.flags */
#define SW_PKT_REASSEMBLED 0x01 /* built from IP fragments */
#define SW_PKT_TRUNCATED   0x02 /* caplen < what the headers claim; payload cut */
#define SW_PKT_TUNNELLED   0x04 /* the analysed packet was inside a tunnel */
#define SW_PKT_COOKED      0x08 /* LINUX_SLL/SLL2: a capture of several interfaces (-i any) */
#define SW_PKT_MULTI_IF    0x10 /* live with several -i: ifindex is the capture source */

#define SW_MAX_VLAN 2

/* Tunnel encapsulations the decoder opens (struct sw_tunnel.type). The
 * IP-in-IP names are Linux's `ip tunnel` modes. */
enum sw_tunnel_type {
	SW_TUNNEL_NONE = 0,
	SW_TUNNEL_VXLAN,     /* RFC 7348, UDP (4789, 8472) */
	SW_TUNNEL_GENEVE,    /* RFC 8926, UDP 6081 */
	SW_TUNNEL_GRE,       /* RFC 2784/2890, PPTP's RFC 2637 */
	SW_TUNNEL_IPIP,      /* IPv4 in IPv4 (RFC 2003) */
	SW_TUNNEL_SIT,       /* IPv6 in IPv4 (RFC 4213) */
	SW_TUNNEL_IPIP6,     /* IPv4 in IPv6 (RFC 2473) */
	SW_TUNNEL_IP6IP6,    /* IPv6 in IPv6 (RFC 2473) */
	SW_TUNNEL_MPLS,      /* Ethernet pseudowire over MPLS (RFC 4448) */
};

#define SW_TUNNEL_NO_VNI 0xffffffffu

/* The outermost tunnel a packet came in: the underlay endpoints (on a
 * Kubernetes node, the nodes' addresses). Valid when type != NONE. */
struct sw_tunnel {
	uint8_t type;              /* enum sw_tunnel_type */
	uint8_t ip_version;        /* of the outer header; 0 for MPLS */
	uint16_t sport, dport;     /* outer UDP ports (VXLAN, Geneve), else 0 */
	uint32_t vni;              /* VXLAN/Geneve VNI, else SW_TUNNEL_NO_VNI */
	uint8_t src[16], dst[16];  /* outer addresses, IPv4 in the first 4 bytes */
};

struct sw_pkt {
	uint64_t ts_usec;          /* packet time, microseconds since the epoch */
	uint32_t caplen;           /* bytes captured of the frame */
	uint32_t wirelen;          /* bytes of the frame on the wire */

	uint16_t vlan[SW_MAX_VLAN];/* outermost first */
	uint8_t vlan_count;
	uint8_t tunnel_depth;      /* IP-in-IP, GRE, ... layers removed */
	uint16_t flags;            /* SW_PKT_* */
	uint32_t ifindex;          /* LINUX_SLL2: the interface it was seen on; 0 unknown */

	uint8_t ip_version;        /* 4 or 6 */
	uint8_t ipproto;           /* innermost L4 protocol number */
	uint8_t ttl;               /* TTL / hop limit */
	uint8_t src[16];           /* IPv4 in the first 4 bytes, rest zero */
	uint8_t dst[16];
	uint32_t ip_len;           /* IP datagram length (header + payload) */
	const uint8_t *l3;         /* the (innermost) IP header, for nDPI */
	uint32_t l3_len;           /* bytes present from l3 on */

	uint16_t sport, dport;     /* 0 for protocols without ports */
	uint8_t tcp_flags;         /* SW_TH_* */
	uint32_t seq, ack;         /* TCP, host order */
	uint16_t win;

	const uint8_t *payload;    /* L4 payload (after TCP/UDP header) */
	uint32_t payload_len;      /* bytes present in the capture */
	uint32_t payload_wire_len; /* bytes the IP/L4 header says exist (>= payload_len) */

	struct sw_tunnel tunnel;   /* the outermost layer, when tunnel_depth > 0 */
};

#endif
