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

#endif
