/* sw_decode.h: link-layer to L4 decoding of one captured frame.
 *
 * Supported link types (DLT_/LINKTYPE_ values as libpcap reports them):
 * EN10MB (with 802.1Q/802.1ad/QinQ VLAN tags and MPLS label stacks, PPPoE
 * session), LINUX_SLL, LINUX_SLL2, RAW / IPV4 / IPV6, NULL and LOOP (BSD,
 * either byte order), PPP, C_HDLC. IPv4 and IPv6 (hop-by-hop, routing,
 * destination options, fragment, AH extension headers), IPv4-in-IPv4,
 * IPv6-in-IPv4, IPv6-in-IPv6, TCP, UDP; other L4 protocols are decoded to the
 * IP layer. IP fragments are reassembled (frag.c) within struct sw_limits. */
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

/* Create a decoder. counters and anomalies must outlive it. Returns NULL on
 * allocation failure. */
struct sw_decoder *decode_new(const struct sw_limits *limits,
    struct sw_counters_decode *counters, const struct sw_anomaly_sink *anomalies);
void decode_free(struct sw_decoder *d);

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
