/* community_id.h: Community ID flow hashing, version 1.
 * Spec: https://github.com/corelight/community-id-spec (README, "Version 1"). */
#ifndef SW_COMMUNITY_ID_H
#define SW_COMMUNITY_ID_H

#include <stddef.h>
#include <stdint.h>

/* Longest output: "1:" + base64 of 20 bytes (28) + NUL. */
#define SW_COMMUNITY_ID_LEN 31

/* Compute the Community ID v1 string of a flow. addr_len is 4 or 16.
 * has_ports is 0 for protocols without ports (then sport/dport are
 * ignored). For ICMP/ICMPv6 pass sport = type and dport = code; they are
 * mapped to the spec's port equivalents here. */
void community_id_v1(uint16_t seed, uint8_t proto, const uint8_t *saddr,
    const uint8_t *daddr, size_t addr_len, uint16_t sport, uint16_t dport,
    int has_ports, char out[SW_COMMUNITY_ID_LEN]);

struct sw_flow;

/* The flow's Community ID, written to out and returned. Its SHA-1 is made
 * at the flow's first event and kept in f->community_id for the later ones
 * (a SHA-1 per flow, not per event; the 20 raw bytes, not the 31 of text).
 * An ICMP or ICMPv6 flow hashes its initiator's first type and code in
 * place of ports, as the spec says (the flow table keeps no ports for
 * ICMP: a request and its reply are one flow); one whose headers were all
 * cut short hashes without them, as tshark does. Other protocols without
 * ports hash without them. */
const char *flow_community_id(struct sw_flow *f, char out[SW_COMMUNITY_ID_LEN]);

/* The same text written at p (SW_COMMUNITY_ID_LEN - 1 bytes, then a NUL
 * that the caller may overwrite); returns the end of the text. For a
 * caller that builds the line itself (the EVE envelope). */
char *flow_community_id_put(struct sw_flow *f, char *p);

/* SHA-1 (FIPS 180-4), used only for the Community ID. */
void sw_sha1(const uint8_t *data, size_t len, uint8_t out[20]);

#endif
