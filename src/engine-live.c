/* engine-live.c: what the live loop (live.c) and /metrics (metrics.c) need
 * from the engine: several capture sources with their own link types,
 * stats on demand, reloading pool intelligence, read-only counters. */
#include <stdio.h>
#include <string.h>

#include "detect.h"
#include "engine-int.h"

#define SW_SID_FIRST SW_SID_STRATUM_SESSION /* the lowest of ours */

int engine_add_source(struct sw_engine *e, const char *name, int linktype,
    char *errbuf, size_t errlen)
{
	if (e->nsrc >= SW_SOURCES_MAX) {
		snprintf(errbuf, errlen, "too many capture interfaces (at most %d)", SW_SOURCES_MAX);
		return -1;
	}
	if (!decode_linktype_supported(linktype)) {
		snprintf(errbuf, errlen, "%s: link type %d is not supported", name, linktype);
		return -1;
	}
	e->src_linktype[e->nsrc] = linktype;
	e->src_name[e->nsrc] = name;
	e->nsrc++;
	eve_set_ifaces(e->eve, e->src_name, e->nsrc);
	return e->nsrc - 1;
}

void engine_packet_from(struct sw_engine *e, int src, uint64_t ts_usec,
    const uint8_t *bytes, uint32_t caplen, uint32_t wirelen)
{
	e->linktype = e->src_linktype[src];
	e->cur_src = src + 1;
	engine_packet(e, ts_usec, bytes, caplen, wirelen);
}

struct sw_intel *engine_swap_intel(struct sw_engine *e, struct sw_intel *in)
{
	struct sw_intel *old = e->intel;

	/* flows keep no pointer into the intel object (pool names are
	 * copied when matched), so the swap is safe between packets */
	intel_move_dns_cache(in, old);
	e->intel = in;
	e->attrib.intel = in;   /* pod attribution reads the cluster CIDRs */
	return old;
}

void engine_clock(struct sw_engine *e, uint64_t now_usec)
{
	if (now_usec > e->now)
		e->now = now_usec;
}

struct sw_eve *engine_eve(struct sw_engine *e)
{
	return e->eve;
}

const struct sw_counters *engine_counters(const struct sw_engine *e)
{
	return &e->c;
}

size_t engine_flows_active(const struct sw_engine *e)
{
	return flow_active(e->flows);
}

uint64_t engine_dns_cache_evicted(const struct sw_engine *e)
{
	return intel_dns_cache_evicted(e->intel);
}

int engine_kubeapi_on(const struct sw_engine *e)
{
	return e->kubeapi_on;
}

uint64_t engine_anomaly_count(const struct sw_engine *e)
{
	return e->anomalies;
}

void engine_note_alert(struct sw_engine *e, uint32_t sid, const char *signature)
{
	uint32_t i = sid - SW_SID_FIRST;

	if (sid < SW_SID_FIRST || i >= SW_METRIC_RULES)
		return; /* not one of ours: detect.c names them all */
	e->alerts_by_rule[i]++;
	e->rule_signature[i] = signature;
}

void engine_note_session(struct sw_engine *e, const char *dialect)
{
	int i;

	if (dialect == NULL)
		dialect = "unknown";
	/* A dialect's name is a word from a table (stratum_dialect_name),
	 * the same pointer at every session: compared as one before its
	 * bytes (a strcmp per entry cost 120 instructions a session). A name
	 * given by another pointer still counts where its bytes match. */
	for (i = 0; i < SW_METRIC_DIALECTS && e->dialects[i].name[0] != '\0'; i++)
		if (e->dialects[i].key == dialect) {
			e->dialects[i].n++;
			return;
		}
	for (i = 0; i < SW_METRIC_DIALECTS && e->dialects[i].name[0] != '\0'; i++)
		if (strcmp(e->dialects[i].name, dialect) == 0) {
			e->dialects[i].key = dialect;
			e->dialects[i].n++;
			return;
		}
	if (i == SW_METRIC_DIALECTS || strlen(dialect) >= sizeof(e->dialects[i].name)) {
		e->dialect_other++;
		return;
	}
	memcpy(e->dialects[i].name, dialect, strlen(dialect) + 1);
	e->dialects[i].key = dialect;
	e->dialects[i].n = 1;
}

int engine_alert_rule(const struct sw_engine *e, int i, uint32_t *sid,
    const char **signature, uint64_t *n)
{
	int k, seen = 0;

	for (k = 0; k < SW_METRIC_RULES; k++) {
		if (e->alerts_by_rule[k] == 0)
			continue;
		if (seen++ == i) {
			*sid = SW_SID_FIRST + (uint32_t)k;
			*signature = e->rule_signature[k];
			*n = e->alerts_by_rule[k];
			return 1;
		}
	}
	return 0;
}

int engine_session_dialect(const struct sw_engine *e, int i, const char **dialect,
    uint64_t *n)
{
	if (i >= 0 && i < SW_METRIC_DIALECTS && e->dialects[i].name[0] != '\0') {
		*dialect = e->dialects[i].name;
		*n = e->dialects[i].n;
		return 1;
	}
	if (e->dialect_other > 0 && (i == SW_METRIC_DIALECTS ||
	    (i < SW_METRIC_DIALECTS && e->dialects[i].name[0] == '\0' &&
	    (i == 0 || e->dialects[i - 1].name[0] != '\0')))) {
		*dialect = "other";
		*n = e->dialect_other;
		return 1;
	}
	return 0;
}
