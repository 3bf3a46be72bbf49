/* sw_conntrack.h: the SNAT table: which original source a translated
 * connection came from.
 *
 * A masqueraded pod connection leaves the node as (node IP, new port) ->
 * server. conntrack knows both sides: the original tuple (pod IP, port ->
 * server) and the reply tuple (server -> node IP, new port). The table is
 * keyed by what the uplink shows, i.e. the reply tuple reversed:
 *     (proto, reply.dst = translated source, reply.dport,
 *             reply.src = server as seen,   reply.sport)
 * and gives back the original source (and the time the entry existed,
 * when known). Fed offline from a text file (--conntrack FILE:
 * `conntrack -L [-o extended]` or `conntrack -E [-o timestamp]` lines) and
 * live from netlink (conntrack-nl.c calls ct_insert). Not thread-safe.
 *
 * Cap: sw_limits.conntrack_max entries. Policy on cap: evict the oldest
 * ended (DESTROYed) entry among the 64 oldest, else the oldest entry;
 * counted in k8s.conntrack_evicted. */
#ifndef SW_CONNTRACK_H
#define SW_CONNTRACK_H

#include <stddef.h>
#include <stdint.h>
#include "sw_counters.h"

/* What one line (or netlink message) said. */
enum sw_ct_event {
	CT_EV_LIST = 0,      /* a `conntrack -L` dump line: exists, times unknown */
	CT_EV_NEW,           /* [NEW] */
	CT_EV_UPDATE,        /* [UPDATE] */
	CT_EV_DESTROY,       /* [DESTROY] */
};

struct sw_ct_entry {
	uint8_t proto;                  /* 6 tcp, 17 udp (others are skipped) */
	uint8_t ip_version;             /* 4 or 6 */
	uint8_t orig_src[16], orig_dst[16];
	uint16_t orig_sport, orig_dport;
	uint8_t reply_src[16], reply_dst[16];
	uint16_t reply_sport, reply_dport;
	uint64_t first_usec;            /* NEW event time; 0 unknown */
	uint64_t last_usec;             /* DESTROY event time; 0 open/unknown */
};

/* The source was translated: the reply goes to a different address or
 * port than the original source. */
static inline int ct_is_snat(const struct sw_ct_entry *c)
{
	int alen = c->ip_version == 6 ? 16 : 4;
	int i;

	for (i = 0; i < alen; i++)
		if (c->orig_src[i] != c->reply_dst[i])
			return 1;
	return c->orig_sport != c->reply_dport;
}

/* Slack allowed between an event time and packet time (clocks of the
 * capture and of conntrack differ; the entry is created by the first
 * packet): 2 s. */
#define SW_CT_TIME_SLACK_USEC 2000000ULL

struct sw_conntrack;

/* An empty table for at most max entries; counters may be NULL. */
struct sw_conntrack *ct_new(size_t max, struct sw_counters_k8s *counters);
void ct_free(struct sw_conntrack *ct);
/* Count into c from now on; what was counted before is added to c. */
void ct_set_counters(struct sw_conntrack *ct, struct sw_counters_k8s *c);
/* Where the table counts (the engine's k8s counters once set): for the
 * netlink reader (conntrack-nl.c), which counts into the same group. */
struct sw_counters_k8s *ct_counters(struct sw_conntrack *ct);

/* Parse one text line (no newline needed; need not be NUL-terminated).
 * Returns 1 with *out and *ev filled (out->first/last_usec from a
 * `[SECONDS.USEC]` prefix: NEW sets first, DESTROY sets last); 0 for a line
 * to skip (blank, a protocol other than tcp/udp, conntrack's own summary
 * line "conntrack v1.4.x ...: N flow entries have been shown."); -1 with
 * a reason in why (a malformed line). */
int ct_parse_line(const char *line, size_t len, struct sw_ct_entry *out,
    enum sw_ct_event *ev, char *why, size_t whylen);

/* Add or update an entry. LIST/NEW/UPDATE create it if absent (a NEW on a
 * tuple whose previous entry was destroyed starts a new entry); DESTROY
 * closes it at e->last_usec (or creates it closed, when the NEW was not
 * seen). Returns 0, or -1 when refused (out of memory; counted). */
int ct_insert(struct sw_conntrack *ct, const struct sw_ct_entry *e, enum sw_ct_event ev);

/* Load a text file: every line through ct_parse_line and ct_insert.
 * Returns 0, or SW_ERR_USAGE with "FILE:LINE: what" in errbuf for the first
 * malformed line (or "FILE: what" if unreadable). Skipped lines (other
 * protocols, the summary line) are counted in k8s.conntrack_lines_skipped. */
int ct_load_file(struct sw_conntrack *ct, const char *path, char *errbuf, size_t errlen);
int ct_load_buf(struct sw_conntrack *ct, const char *name, const char *buf, size_t len,
    char *errbuf, size_t errlen);

/* The entry whose reply tuple matches a connection seen as src:sport ->
 * dst:dport (proto, ip_version) and that existed at ts_usec (within
 * SW_CT_TIME_SLACK_USEC; unknown times match any ts). Of several, the one
 * that started last before ts. NULL if none. */
const struct sw_ct_entry *ct_lookup(const struct sw_conntrack *ct, uint8_t proto,
    int ip_version, const uint8_t *src, uint16_t sport, const uint8_t *dst,
    uint16_t dport, uint64_t ts_usec);

/* The same by the original tuple: the connection as the pod sent it
 * (captured before SNAT, on the pod's veth or the bridge); the entry's
 * reply_dst/reply_dport are then its post-NAT source. */
const struct sw_ct_entry *ct_lookup_orig(const struct sw_conntrack *ct, uint8_t proto,
    int ip_version, const uint8_t *src, uint16_t sport, const uint8_t *dst,
    uint16_t dport, uint64_t ts_usec);

size_t ct_count(const struct sw_conntrack *ct);

#endif
