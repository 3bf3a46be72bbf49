/* limits.c: default caps and the --set NAME=VALUE override (sw_limits.h).
 *
 * The defaults are sized for a node sensor: about 1 GiB in the worst case
 * with every cap full (README.md, "Memory caps", lists each with its cost). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_err.h"
#include "sw_limits.h"

void sw_limits_default(struct sw_limits *l)
{
	memset(l, 0, sizeof(*l));
	l->flow_max = 262144;
	l->flow_timeout_new = 30;
	l->flow_timeout_est = 600;
	l->flow_timeout_closed = 10;
	l->flow_timeout_udp = 60;
	l->flow_timeout_dns = 10;
	l->frag_max_datagrams = 4096;
	l->frag_memcap = 16u << 20;
	l->frag_timeout = 30;
	l->reasm_depth = 0;
	l->reasm_memcap = 256u << 20;
	l->reasm_max_segments = 256;
	l->reasm_max_unparsed = 65536 + 4096;
	l->stratum_max_line = 65536;
	l->stratum_max_pending = 64;
	l->stratum_max_jobs_kept = 16;
	l->app_memcap = 256u << 20;
	l->dns_cache_max = 65536;
	l->dns_events_per_flow = 4096;
	l->summary_max_rows = 100000;
	l->ndpi_max_packets = 12;
	l->anomaly_max_per_flow = 8;
	l->pod_index_max = 65536;
	l->conntrack_max = 262144;
	l->twin_copies_max = 65536;
	l->twin_syns_max = 16384;
	l->twin_copy_window_ms = 50;
	l->twin_nat_window_ms = 2000;
	l->kube_max_line = 4u << 20;
	l->kube_max_body = 64u << 20;
}

enum lim_kind { LIM_SIZE, LIM_U32 };

static const struct {
	const char *name;
	size_t off;
	enum lim_kind kind;
} lim_table[] = {
#define L(f, k) { #f, offsetof(struct sw_limits, f), k }
	L(flow_max, LIM_SIZE),
	L(flow_timeout_new, LIM_U32),
	L(flow_timeout_est, LIM_U32),
	L(flow_timeout_closed, LIM_U32),
	L(flow_timeout_udp, LIM_U32),
	L(flow_timeout_dns, LIM_U32),
	L(frag_max_datagrams, LIM_SIZE),
	L(frag_memcap, LIM_SIZE),
	L(frag_timeout, LIM_U32),
	L(reasm_depth, LIM_SIZE),
	L(reasm_memcap, LIM_SIZE),
	L(reasm_max_segments, LIM_SIZE),
	L(reasm_max_unparsed, LIM_SIZE),
	L(stratum_max_line, LIM_SIZE),
	L(stratum_max_pending, LIM_SIZE),
	L(stratum_max_jobs_kept, LIM_SIZE),
	L(app_memcap, LIM_SIZE),
	L(dns_cache_max, LIM_SIZE),
	L(dns_events_per_flow, LIM_U32),
	L(summary_max_rows, LIM_SIZE),
	L(ndpi_max_packets, LIM_U32),
	L(anomaly_max_per_flow, LIM_U32),
	L(pod_index_max, LIM_SIZE),
	L(conntrack_max, LIM_SIZE),
	L(twin_copies_max, LIM_SIZE),
	L(twin_syns_max, LIM_SIZE),
	L(twin_copy_window_ms, LIM_U32),
	L(twin_nat_window_ms, LIM_U32),
	L(kube_max_line, LIM_SIZE),
	L(kube_max_body, LIM_SIZE),
#undef L
};

int sw_limits_set(struct sw_limits *l, const char *assignment, char *errbuf, size_t errlen)
{
	const char *eq = strchr(assignment, '=');
	unsigned long long v;
	char *end;
	size_t i, klen;

	if (eq == NULL || eq == assignment) {
		snprintf(errbuf, errlen, "--set takes NAME=VALUE, got '%s'", assignment);
		return SW_ERR_USAGE;
	}
	klen = (size_t)(eq - assignment);
	for (i = 0; i < sizeof(lim_table) / sizeof(lim_table[0]); i++)
		if (strlen(lim_table[i].name) == klen &&
		    strncmp(lim_table[i].name, assignment, klen) == 0)
			break;
	if (i == sizeof(lim_table) / sizeof(lim_table[0])) {
		snprintf(errbuf, errlen, "--set: unknown limit '%.*s' (see stratumwatch(8), LIMITS)",
		    (int)klen, assignment);
		return SW_ERR_USAGE;
	}
	errno = 0;
	v = strtoull(eq + 1, &end, 10);
	if (end == eq + 1 || *end != '\0' || (eq[1] < '0' || eq[1] > '9') ||
	    (errno != 0 && errno != ERANGE)) {
		snprintf(errbuf, errlen, "--set %s: '%s' is not a non-negative integer",
		    lim_table[i].name, eq + 1);
		return SW_ERR_USAGE;
	}
	if (errno == ERANGE || (lim_table[i].kind == LIM_U32 && v > UINT32_MAX) ||
	    (lim_table[i].kind == LIM_SIZE && v > SIZE_MAX)) {
		snprintf(errbuf, errlen, "--set %s: %s is too large (at most %llu)",
		    lim_table[i].name, eq + 1, lim_table[i].kind == LIM_U32 ?
		    (unsigned long long)UINT32_MAX : (unsigned long long)SIZE_MAX);
		return SW_ERR_USAGE;
	}
	if (lim_table[i].kind == LIM_U32)
		*(uint32_t *)(void *)((char *)l + lim_table[i].off) = (uint32_t)v;
	else
		*(size_t *)(void *)((char *)l + lim_table[i].off) = (size_t)v;
	return 0;
}
