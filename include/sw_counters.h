/* sw_counters.h: the engine's counters, one X-macro list per module.
 *
 * Each module owns include/counters/<module>.def, a list of
 *     SW_COUNTER(field, "json_name")
 * lines; adding a counter is one line there. The stats event (export-eve.c)
 * walks the same lists, so every counter is reported under its module:
 *     "stats": { "decoder": { "pkts": 10, ... }, "flow": { ... } } */
#ifndef SW_COUNTERS_H
#define SW_COUNTERS_H

#include <stdint.h>

#define SW_COUNTER(field, name) uint64_t field;
struct sw_counters_capture {
#include "counters/capture.def"
};
struct sw_counters_decode {
#include "counters/decode.def"
};
struct sw_counters_flow {
#include "counters/flow.def"
};
struct sw_counters_reasm {
#include "counters/reasm.def"
};
struct sw_counters_app {
#include "counters/app.def"
};
struct sw_counters_stratum {
#include "counters/stratum.def"
};
struct sw_counters_proto {
#include "counters/proto.def"
};
struct sw_counters_detect {
#include "counters/detect.def"
};
struct sw_counters_k8s {
#include "counters/k8s.def"
};
struct sw_counters_export {
#include "counters/export.def"
};
struct sw_counters_kubeapi {
#include "counters/kubeapi.def"
};
#undef SW_COUNTER

struct sw_counters {
	struct sw_counters_capture capture;
	struct sw_counters_decode decode;
	struct sw_counters_flow flow;
	struct sw_counters_reasm reasm;
	struct sw_counters_app app;
	struct sw_counters_stratum stratum;
	struct sw_counters_proto proto;   /* dns, tls, http, socks dissectors */
	struct sw_counters_detect detect;
	struct sw_counters_k8s k8s;       /* pod index, conntrack, attribution */
	struct sw_counters_kubeapi kubeapi; /* --kube-api watcher (stats only with it) */
	struct sw_counters_export exp;    /* IPFIX, NetFlow v9, syslog (stats
	                                     only when one is on) */
};

#endif
