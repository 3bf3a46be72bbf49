/* sw_addr.h: IP address text for the outputs and dissectors. */
#ifndef SW_ADDR_H
#define SW_ADDR_H

#include <stdint.h>

/* Room for the longest text, "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255"
 * and its NUL (INET6_ADDRSTRLEN). */
#define SW_ADDR_LEN 46

/* The text inet_ntop(3) writes for a 4-byte (ip_version 4) or 16-byte
 * (ip_version 6) address, byte for byte: dotted quad; IPv6 in lower-case
 * hex without leading zeros, the longest run of two or more zero words
 * (the first of equal runs) as "::", and the last 32 bits dotted after
 * "::" (IPv4-compatible) or "::ffff:" (IPv4-mapped). Written by hand:
 * glibc formats every IPv4 octet and IPv6 word with sprintf, about 4,000
 * instructions per IPv6 address. Returns buf. */
char *sw_addr_format(const uint8_t *addr, int ip_version, char buf[SW_ADDR_LEN]);

/* The same text written at p without a NUL; returns its end. Bytes up to
 * p + SW_ADDR_LEN may be written (the text is at most SW_ADDR_LEN - 1
 * long; a few after it are scratch). For a caller that builds the line
 * itself (the EVE envelope): no copy, no strlen. */
char *sw_addr_put(const uint8_t *addr, int ip_version, char *p);

#endif
