/* engine-int.h: the engine's private state, for the engine's own files
 * only (engine*.c, dispatch.c, summary.c, export-flow.c, shard.c). */
#ifndef SW_ENGINE_INT_H
#define SW_ENGINE_INT_H

#include "attrib.h"
#include "engine.h"
#include "eve-alert.h"
#include "export-eve.h"
#include "export-flow.h"
#include "flow.h"
#include "intel.h"
#include "ndpi_glue.h"
#include "sw_anomaly.h"
#include "sw_counters.h"
#include "sw_decode.h"
#include "sw_dissector.h"
#include "sw_reasm.h"
#include "twin.h"

/* One finished mining session, kept for --summary. */
struct sw_summary_row {
	char src[48], dst[48];
	uint16_t sport, dport;
	char dialect[24], coin[12], wallet[128], worker[64], agent[96], pool[128];
	char pod[320];           /* "ns/name (Kind name, how)"; "" when attribution is off */
	uint64_t submitted, accepted, rejected;
	double hashrate;
	int wallet_valid;
	uint64_t first_ts;
	uint64_t order[2];       /* where it was written (--workers merge rows by it) */
};

struct sw_engine {
	struct sw_limits limits;
	struct sw_counters c;
	size_t app_mem;          /* dissector state of all flows (dispatch.c, app_memcap) */
	/* bit i: the EVE output wants sw_dissectors[i]'s events (engine_new;
	 * dispatch.c app_take reads it for every flow a dissector takes) */
	uint32_t app_emit_wanted;
	int kubeapi_on;          /* --kube-api: the stats event has a kube_api group */
	struct sw_decoder *dec;
	struct sw_flow_table *flows;
	struct sw_twin *twin;    /* -i any: packet copies and NAT twins */
	struct sw_reasm_ctx reasm;
	struct sw_ndpi *ndpi;
	int own_ndpi;
	struct sw_intel *intel;
	struct sw_attrib attrib;     /* pod attribution (attrib.c) */
	struct sw_eve *eve;
	struct eve_alert_texts alert_texts; /* alerts' "alert" members, kept */
	struct sw_export *xp;    /* IPFIX, NetFlow v9, syslog; NULL: none */
	FILE *summary_fp;
	int linktype;
	uint64_t now;            /* newest packet time seen */
	uint64_t last_expire;
	uint64_t alerts;
	uint64_t decode_anomalies;
	struct sw_anomaly_sink decode_sink;
	struct sw_summary_row *rows;
	size_t nrows, caprows;
	uint64_t rows_dropped;   /* also counted in c.detect.summary_rows_dropped */
	/* live capture sources (engine-live.c): per-source link type and name;
	 * cur_src is the source of the packet being processed, 1-based, 0
	 * offline */
	int src_linktype[SW_SOURCES_MAX];
	const char *src_name[SW_SOURCES_MAX];
	int nsrc;
	int cur_src;
	/* for /metrics (engine-live.c): totals the counters do not keep */
	uint64_t anomalies;                           /* anomaly events raised */
	uint64_t alerts_by_rule[SW_METRIC_RULES];     /* by signature id - 9870001 */
	const char *rule_signature[SW_METRIC_RULES];
	/* (key: the pointer the name was last given as, for engine_note_session) */
	struct { char name[24]; uint64_t n; const char *key; } dialects[SW_METRIC_DIALECTS];
	uint64_t dialect_other;                       /* sessions past the table */
	/* --workers (engine.h, shard.c) */
	int shard_id, shard_n;
	struct sw_engine *shadow;    /* the other workers' DNS flows, followed
	                                silently: this worker's name cache learns
	                                every answer, in packet order */
	uint64_t order[2];           /* where in the input this is (frame.h) */
	int collector;
	int collector_failed;        /* a worker was lost: no stats, no summary */
	int dns_merged;              /* the collector: worker 0's DNS cache figures */
	uint64_t dns_entries, dns_evicted;
};

/* engine-live.c: tallies for /metrics, called where alerts and sessions
 * are counted (dispatch.c) */
void engine_note_alert(struct sw_engine *e, uint32_t sid, const char *signature);
/* dialect: NULL or a name that lives as long as the engine (a table's
 * word, stratum_dialect_name): its pointer is remembered */
void engine_note_session(struct sw_engine *e, const char *dialect);

/* Context of one delivery into a flow's dissector. */
struct sw_deliver_ctx {
	struct sw_engine *e;
	struct sw_flow *f;
};

/* dispatch.c */
size_t dispatch_deliver(void *arg, const struct sw_slice *s);
void dispatch_udp(struct sw_engine *e, struct sw_flow *f, const struct sw_pkt *p, int dir);
void dispatch_flow_end(struct sw_engine *e, struct sw_flow *f);
void dispatch_app_free(struct sw_engine *e, struct sw_flow *f);
void dispatch_flow_anomaly(void *ctx, const struct sw_anomaly *a);
/* Is either port one the DNS dissector of that protocol listens on? */
int dispatch_dns_port(uint8_t ipproto, uint16_t sport, uint16_t dport);

/* The flow's anomaly sink, in *sink: anomalies inside a flow are bounded
 * per flow (dispatch_flow_anomaly). Inline: every TCP segment and every
 * slice delivered makes one. */
static inline const struct sw_anomaly_sink *dispatch_flow_sink(struct sw_deliver_ctx *dc,
    struct sw_anomaly_sink *sink)
{
	sink->report = dispatch_flow_anomaly;
	sink->ctx = dc;
	return sink;
}
const char *dispatch_app_proto(struct sw_engine *e, const struct sw_flow *f, char *buf, size_t len);
void dispatch_check_alerts(struct sw_engine *e, struct sw_flow *f, uint64_t ts);

/* summary.c */
/* A new, zeroed row at the end of e's table; NULL, counted as dropped,
 * past summary_max_rows or out of memory. */
struct sw_summary_row *summary_row_new(struct sw_engine *e);
void summary_add(struct sw_engine *e, const struct sw_flow *f, const struct sw_facts *facts);
void summary_print(struct sw_engine *e, FILE *fp);

#endif
