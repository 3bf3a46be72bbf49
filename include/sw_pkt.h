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

#define SW_MAX_VLAN 2

struct sw_pkt {
	uint64_t ts_usec;          /* packet time, microseconds since the epoch */
	uint32_t caplen;           /* bytes captured of the frame */
	uint32_t wirelen;          /* bytes of the frame on the wire */

	uint16_t vlan[SW_MAX_VLAN];/* outermost first */
	uint8_t vlan_count;
	uint8_t tunnel_depth;      /* IP-in-IP, GRE, ... layers removed */
	uint16_t flags;            /* SW_PKT_* */

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
};

#endif
