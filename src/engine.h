/* engine.h: the offline/live analysis pipeline.
 *
 *   capture -> decode -> flow -> reasm -> dispatch -> dissector
 *           -> detect -> outputs (EVE, summary)
 *
 * capture.c feeds frames in; everything after that happens here and in the
 * modules it calls. The engine owns every stage's state. */
#ifndef SW_ENGINE_H
#define SW_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "export-flow.h"
#include "sw_decode.h"
#include "sw_limits.h"

struct sw_intel;
struct sw_pod_index;
struct sw_conntrack;
struct sw_ndpi;

struct sw_engine_opts {
	struct sw_limits limits;
	const char *eve_path;      /* NULL: no EVE output */
	unsigned eve_types;
	FILE *summary_fp;          /* NULL: no summary */
	struct sw_intel *intel;    /* pool lists, CIDRs, DNS cache; owned by the caller */
	struct sw_pod_index *pods; /* --pods / --kube-api; NULL: none; owned by the caller,
	                              freed after the engine */
	struct sw_conntrack *ct;   /* --conntrack; NULL: none; owned by the caller */
	const char *node_name;     /* --node-name; NULL: unknown */
	struct sw_udp_tunnel_ports tunnel_ports; /* VXLAN/Geneve ports; zero: defaults */
	struct sw_ndpi *ndpi;      /* NULL: the engine makes its own; else shared,
	                              owned by the caller (the fuzzer reuses one
	                              across inputs: nDPI takes ~60M instructions
	                              to initialise) */
	struct sw_export_opts exp; /* --ipfix, --netflow9, --syslog; all NULL: none */
	/* --workers (shard.c): shard_n > 1: this engine is worker shard_id
	 * of shard_n: it analyses the flows whose hash falls to it, follows
	 * the other workers' DNS silently (for its name cache), and writes its
	 * EVE lines framed to shard_fd (eve_path only says that EVE is on) */
	int shard_id, shard_n, shard_fd;
	/* the collector of --workers: writes what the workers send and the
	 * stats event of their summed counters; analyses nothing (no nDPI) */
	int collector;
};

struct sw_engine;

struct sw_engine *engine_new(const struct sw_engine_opts *opts, char *errbuf, size_t errlen);

/* The capture's link type; frames of an unsupported type are counted and
 * skipped. Returns 0, or -1 with a message if the type is not supported. */
int engine_set_linktype(struct sw_engine *e, int linktype, char *errbuf, size_t errlen);

/* One captured frame. */
void engine_packet(struct sw_engine *e, uint64_t ts_usec, const uint8_t *bytes,
    uint32_t caplen, uint32_t wirelen);

/* Expire idle flows at wall/packet time now (live mode timers). */
void engine_tick(struct sw_engine *e, uint64_t now_usec);

/* A capture-level problem to report as an anomaly event (truncated file). */
void engine_capture_anomaly(struct sw_engine *e, const char *event, const char *detail);

/* Kernel drop counters from the capture layer. */
void engine_set_drops(struct sw_engine *e, uint64_t drops);

/* End of input: end all flows, write the stats event and the summary.
 * Returns 0, or -1 if output failed (message in errbuf). */
int engine_finish(struct sw_engine *e, char *errbuf, size_t errlen);

/* The --kube-api watcher counts here (kubeapi_set_counters); from the
 * first call on, the stats event carries a kube_api group. */
struct sw_counters_kubeapi;
struct sw_counters_kubeapi *engine_kubeapi_counters(struct sw_engine *e);

/* Number of mining alerts raised so far. */
uint64_t engine_alert_count(const struct sw_engine *e);

void engine_free(struct sw_engine *e);

/* ---- live mode (engine-live.c) ---- */

#define SW_SOURCES_MAX 32      /* -i uses */
#define SW_METRIC_RULES 32     /* signature ids 9870001.. tallied by rule */
#define SW_METRIC_DIALECTS 8   /* dialect names tallied; the rest as "other" */

struct sw_counters;
struct sw_eve;

/* Register a capture source (an -i interface) with its link type; returns
 * its index for engine_packet_from, or -1 with a message. name must
 * outlive the engine; it is EVE's in_iface for flows first seen there. */
int engine_add_source(struct sw_engine *e, const char *name, int linktype,
    char *errbuf, size_t errlen);
/* engine_packet for a frame from source src (its own link type). */
void engine_packet_from(struct sw_engine *e, int src, uint64_t ts_usec,
    const uint8_t *bytes, uint32_t caplen, uint32_t wirelen);
/* Write a stats event now (live: periodic, timestamped with wall time). */
void engine_write_stats(struct sw_engine *e, uint64_t ts_usec);
/* Swap in reloaded pool intelligence (SIGHUP); returns the old one for the
 * caller to free. The DNS name cache moves to the new one. */
struct sw_intel *engine_swap_intel(struct sw_engine *e, struct sw_intel *in);
/* Live shutdown: advance the engine's clock to wall time so the final
 * stats event is not older than the periodic ones. */
void engine_clock(struct sw_engine *e, uint64_t now_usec);
/* The EVE sink (NULL without --eve): live mode, rotation, socket upkeep. */
struct sw_eve *engine_eve(struct sw_engine *e);

/* Read-only views for /metrics. */
const struct sw_counters *engine_counters(const struct sw_engine *e);
size_t engine_flows_active(const struct sw_engine *e);
uint64_t engine_anomaly_count(const struct sw_engine *e);
/* DNS answers dropped at dns_cache_max; whether --kube-api feeds the
 * kube_api counters. */
uint64_t engine_dns_cache_evicted(const struct sw_engine *e);
int engine_kubeapi_on(const struct sw_engine *e);
/* The i-th alert rule that fired / dialect seen; 0 past the end. */
int engine_alert_rule(const struct sw_engine *e, int i, uint32_t *sid,
    const char **signature, uint64_t *n);
int engine_session_dialect(const struct sw_engine *e, int i, const char **dialect,
    uint64_t *n);

#endif
