/* intel.c: pool lists, IP lists, cluster CIDRs and the DNS cache (intel.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnscache.h"
#include "intel.h"
#include "sw_name_memo.h"

extern const char sw_default_pools[];
extern const size_t sw_default_pools_len;

/* Longest name the match memo keeps: a longer one never matches
 * (253 characters and a final dot at most), so it is not worth keeping. */
#define INTEL_MEMO_NAME 256
/* Names the memo keeps, one per slot by a hash of the name (a power of
 * two): 20 KiB, whatever the traffic. */
#define INTEL_MEMO_SLOTS 64

/* A name matched and the list's answer. */
struct intel_memo {
	uint16_t len;              /* 0: nothing kept */
	uint8_t hit;
	struct sw_pool_match m;    /* when hit */
	char name[INTEL_MEMO_NAME];
};

struct sw_intel {
	struct sw_poollist *pools;
	struct sw_iplist *pool_ips;
	struct sw_iplist *pods;
	struct sw_iplist *cluster;
	struct sw_dnscache *dns;
	int has_cidrs;
	int has_pod_cidrs;
	/* Names matched lately and the answers. One connection's name is
	 * matched several times: its DNS question, again for every address
	 * of the response, at the flow's start through the DNS cache, then
	 * as its SNI, HTTP host or Stratum host; and a node resolves and
	 * connects to the same few names again and again. The pool lists
	 * never change under one sw_intel (a reload builds a new one), so an
	 * answer kept is the answer. */
	struct intel_memo memo[INTEL_MEMO_SLOTS];
};

void intel_free(struct sw_intel *in)
{
	if (in == NULL)
		return;
	poollist_free(in->pools);
	iplist_free(in->pool_ips);
	iplist_free(in->pods);
	iplist_free(in->cluster);
	dnscache_free(in->dns);
	free(in);
}

struct sw_intel *intel_new(const struct sw_intel_opts *o, char *errbuf, size_t errlen)
{
	struct sw_intel *in = calloc(1, sizeof(*in));
	int i;

	if (in == NULL)
		goto nomem;
	in->pools = poollist_new();
	in->pool_ips = iplist_new();
	in->pods = iplist_new();
	in->cluster = iplist_new();
	in->dns = dnscache_new(o->dns_cache_max);
	if (!in->pools || !in->pool_ips || !in->pods || !in->cluster || !in->dns)
		goto nomem;
	if (!o->no_default_pools &&
	    poollist_load_buf(in->pools, "built-in pool-domains.txt", sw_default_pools,
	    sw_default_pools_len, errbuf, errlen) != 0)
		goto fail;
	for (i = 0; i < o->npool_lists; i++)
		if (poollist_load_file(in->pools, o->pool_lists[i], errbuf, errlen) != 0)
			goto fail;
	for (i = 0; i < o->npool_ip_lists; i++)
		if (iplist_load_file(in->pool_ips, o->pool_ip_lists[i], errbuf, errlen) != 0)
			goto fail;
	for (i = 0; i < o->npod_cidrs; i++)
		if (iplist_add(in->pods, o->pod_cidrs[i], "pod", errbuf, errlen) != 0)
			goto fail;
	for (i = 0; i < o->ncluster_cidrs; i++)
		if (iplist_add(in->cluster, o->cluster_cidrs[i], "cluster", errbuf, errlen) != 0)
			goto fail;
	in->has_cidrs = o->npod_cidrs + o->ncluster_cidrs > 0;
	in->has_pod_cidrs = o->npod_cidrs > 0;
	return in;
nomem:
	snprintf(errbuf, errlen, "out of memory");
fail:
	intel_free(in);
	return NULL;
}

int intel_match_name(struct sw_intel *in, const char *name, struct sw_pool_match *m)
{
	struct intel_memo *mo;
	struct sw_pool_match pm;
	size_t n;
	int hit;

	if (name == NULL)
		return 0;
	n = strlen(name);
	if (n == 0 || n >= INTEL_MEMO_NAME)
		return poollist_match(in->pools, name, n, m);
	mo = &in->memo[sw_name_memo_slot(name, n, INTEL_MEMO_SLOTS)];
	if (n == mo->len && memcmp(name, mo->name, n) == 0) {
		if (mo->hit && m != NULL)
			*m = mo->m;
		return mo->hit;
	}
	hit = poollist_match(in->pools, name, n, &pm);
	memcpy(mo->name, name, n);
	mo->len = (uint16_t)n;
	mo->hit = (uint8_t)hit;
	if (hit) {
		mo->m = pm;
		if (m != NULL)
			*m = pm;
	}
	return hit;
}

void intel_dns_answer(struct sw_intel *in, const uint8_t client[16], const uint8_t addr[16],
    const char *qname, const char *rrname, uint32_t ttl, uint64_t now)
{
	dnscache_add(in->dns, client, addr, qname, rrname, ttl, now);
}

static int in_cluster(const struct sw_intel *in, const uint8_t *a, int ver)
{
	return iplist_match(in->pods, a, ver, NULL, NULL) ||
	    iplist_match(in->cluster, a, ver, NULL, NULL);
}

void intel_flow_start(struct sw_intel *in, struct sw_flow *f, uint64_t now)
{
	const uint8_t *src = flow_src_addr(f), *dst = flow_dst_addr(f);
	int ver = f->key.ip_version;
	const char *q, *rr = NULL, *label = NULL;
	struct sw_pool_match m;
	int plen;

	if (in->has_cidrs) {
		int s = in_cluster(in, src, ver), d = in_cluster(in, dst, ver);

		f->direction = (uint8_t)(s && !d ? DIR_EGRESS : !s && d ? DIR_INGRESS :
		    s && d ? DIR_INTERNAL : DIR_EXTERNAL);
	}
	q = dnscache_lookup(in->dns, src, dst, now, &rr);
	if (q != NULL) {
		/* name the pool as the list knows it: the question, or the end
		 * of the CNAME chain that matched (the same string as the
		 * question when there was no chain) */
		const char *hit = intel_match_name(in, q, &m) ? q :
		    rr != NULL && rr != q && intel_match_name(in, rr, &m) ? rr : NULL;

		if (hit != NULL) {
			flow_set_pool(f, hit, "dns", m.coin);
			f->evidence |= FLOW_EV_DNS_POOL;
		}
	}
	if (iplist_match(in->pool_ips, dst, ver, &label, &plen)) {
		f->evidence |= FLOW_EV_IP_LIST;
		if (f->pool == NULL && label != NULL)
			flow_set_pool(f, label, "ip-list", NULL);
	}
}

int intel_has_cidrs(const struct sw_intel *in)
{
	return in->has_cidrs;
}

const char *intel_direction_name(int d)
{
	switch (d) {
	case DIR_EGRESS: return "egress";
	case DIR_INGRESS: return "ingress";
	case DIR_INTERNAL: return "internal";
	case DIR_EXTERNAL: return "external";
	}
	return "unknown";
}

size_t intel_dns_cache_count(const struct sw_intel *in)
{
	return dnscache_count(in->dns);
}

uint64_t intel_dns_cache_evicted(const struct sw_intel *in)
{
	return dnscache_evicted(in->dns);
}

void intel_move_dns_cache(struct sw_intel *to, struct sw_intel *from)
{
	struct sw_dnscache *d = to->dns;

	to->dns = from->dns;
	from->dns = d;
}

int intel_has_pod_cidrs(const struct sw_intel *in)
{
	return in->has_pod_cidrs;
}

int intel_is_pod_addr(const struct sw_intel *in, const uint8_t *addr, int ver)
{
	return iplist_match(in->pods, addr, ver, NULL, NULL);
}

int intel_is_cluster_addr(const struct sw_intel *in, const uint8_t *addr, int ver)
{
	return iplist_match(in->cluster, addr, ver, NULL, NULL);
}
