/* dnscache.h: which name a client resolved to reach an address.
 *
 * Filled from DNS answers (dissectors/dns.c through the observer hook):
 * (client address, answer address) -> the name the client asked for, the
 * final name of the CNAME chain, and an expiry on packet time from the TTL.
 * A later connection from that client to that address is then tied to the
 * name, so TLS without SNI or raw Stratum to a pool's IP still names the
 * pool. If the same address was resolved by another client (a node-local
 * resolver cache, say) the lookup falls back to "any client".
 *
 * Bounded: limits.dns_cache_max entries; at the cap the least recently
 * inserted entry is dropped (dns_cache_evicted). TTLs are clamped to
 * [60 s, 1 day] so a 0-TTL answer still covers the connection that follows. */
#ifndef SW_DNSCACHE_H
#define SW_DNSCACHE_H

#include <stddef.h>
#include <stdint.h>

struct sw_dnscache;

struct sw_dnscache *dnscache_new(size_t max_entries);
void dnscache_free(struct sw_dnscache *c);

void dnscache_add(struct sw_dnscache *c, const uint8_t client[16], const uint8_t addr[16],
    const char *qname, const char *rrname, uint32_t ttl, uint64_t now_usec);

/* The name client resolved for addr (or, failing that, any client did),
 * still valid at now. Returns the question name or NULL; *rrname gets the
 * CNAME chain's final name. Strings live until the entry is dropped. */
const char *dnscache_lookup(struct sw_dnscache *c, const uint8_t client[16],
    const uint8_t addr[16], uint64_t now_usec, const char **rrname);

size_t dnscache_count(const struct sw_dnscache *c);
uint64_t dnscache_evicted(const struct sw_dnscache *c);

#endif
