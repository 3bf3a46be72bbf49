/* live-run.h: a whole live run, from opening the captures to SIGTERM. */
#ifndef SW_LIVE_RUN_H
#define SW_LIVE_RUN_H

#include "intel.h"
#include "sw_conntrack.h"
#include "live.h"
#include "kubeapi.h"

struct sw_live_run {
	struct sw_live_opts live;
	const char *metrics_addr;       /* numeric, checked; NULL = no --metrics */
	unsigned metrics_port;
	const struct sw_intel_opts *intel_opts; /* reloaded on SIGHUP */
	struct sw_intel **intel;        /* the engine's current intel; updated */
	struct sw_engine *live_engine;  /* set by live_run_main */
	struct sw_conntrack *ct_live;   /* --conntrack without FILE: the SNAT
	                                   table netlink feeds; NULL = off */
	const struct sw_kubeapi_opts *kube; /* --kube-api: watched on this loop; NULL = off */
	struct sw_pod_index *kube_pods; /* the index the watcher feeds */
	struct sw_counters_kubeapi *kube_counters; /* the engine's (stats, metrics) */
	const char *const *pod_files;   /* --pods: reloaded on SIGHUP (not with
	                                   --kube-api, which owns the index) */
	int npod_files;
	struct sw_pod_index *pods;
};

/* Open the captures and the metrics server, run until SIGTERM/SIGINT, and
 * close them; the caller then calls engine_finish(). Returns the exit
 * status so far: 0, 1 (runtime failure), or 2 (a capture could not be
 * opened); messages are on stderr. */
int live_run_main(struct sw_engine *e, struct sw_live_run *r);

#endif
