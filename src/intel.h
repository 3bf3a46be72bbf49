/* intel.h: pool intelligence: where a flow goes, by name and by address.
 *
 * Holds the pool-domain lists, the pool IP list, the cluster's CIDRs and
 * the DNS name cache, and answers, for a flow: which pool name it is tied
 * to (protocol host, TLS SNI, a DNS answer its client received) and which
 * way it crosses the cluster boundary. Alerts are decided in detect.c. */
#ifndef SW_INTEL_H
#define SW_INTEL_H

#include <stddef.h>
#include <stdint.h>
#include "flow.h"
#include "sw_poollist.h"

enum sw_direction { DIR_UNKNOWN = 0, DIR_EGRESS, DIR_INGRESS, DIR_INTERNAL, DIR_EXTERNAL };

struct sw_intel_opts {
	int no_default_pools;
	const char *pool_lists[16];
	int npool_lists;
	const char *pool_ip_lists[16];
	int npool_ip_lists;
	const char *pod_cidrs[64];
	int npod_cidrs;
	const char *cluster_cidrs[64];
	int ncluster_cidrs;
	size_t dns_cache_max;
};

struct sw_intel;

/* Load every list; NULL with "FILE:LINE: ..." in errbuf on a bad entry. */
struct sw_intel *intel_new(const struct sw_intel_opts *o, char *errbuf, size_t errlen);
void intel_free(struct sw_intel *in);

/* Match a host name against the pool lists (the last name's answer is
 * kept: it is asked again for each address of a response). */
int intel_match_name(struct sw_intel *in, const char *name, struct sw_pool_match *m);

/* Record a DNS answer seen by client. */
void intel_dns_answer(struct sw_intel *in, const uint8_t client[16], const uint8_t addr[16],
    const char *qname, const char *rrname, uint32_t ttl, uint64_t now);

/* Evidence for a new flow: the name its client resolved for the server's
 * address (pool lists matched), a pool-IP-list hit, the direction. Fills
 * f->intel_* fields. */
void intel_flow_start(struct sw_intel *in, struct sw_flow *f, uint64_t now);

/* Whether any cluster CIDR was configured (traffic_direction is written
 * only then). */
int intel_has_cidrs(const struct sw_intel *in);
/* --pod-cidr / --cluster-cidr membership, for pod attribution (attrib.c) */
int intel_has_pod_cidrs(const struct sw_intel *in);
int intel_is_pod_addr(const struct sw_intel *in, const uint8_t *addr, int ver);
int intel_is_cluster_addr(const struct sw_intel *in, const uint8_t *addr, int ver);
const char *intel_direction_name(int d);
size_t intel_dns_cache_count(const struct sw_intel *in);
/* Answers dropped from the name cache by dns_cache_max (oldest first). */
uint64_t intel_dns_cache_evicted(const struct sw_intel *in);
/* A reload (SIGHUP) keeps what DNS answers taught: the new object takes
 * the old one's name cache (and the old one gets the new, empty one). */
void intel_move_dns_cache(struct sw_intel *to, struct sw_intel *from);

#endif
