/* live-run.c: wiring of a live run (live-run.h): captures, metrics, and
 * what SIGHUP reloads. Event sources that others add (the Kubernetes API
 * watcher) attach here, to live_base(l), before live_run(). */
#include <stdio.h>
#include <sys/time.h>

#include "capture.h"
#include "conntrack-nl.h"
#include "live-run.h"
#include "metrics.h"
#include "sw_pods.h"

/* SIGHUP: rebuild the pool lists, IP lists and CIDRs from the same options
 * and swap them in between two packets. A list that no longer loads keeps
 * the old lists in force (and says why). The DNS cache is carried over. */
static int reload_intel(void *arg, char *errbuf, size_t errlen)
{
	struct sw_live_run *r = arg;
	struct sw_intel *in, *old;
	struct sw_engine *e = r->live_engine;
	char err[512];

	in = intel_new(r->intel_opts, err, sizeof(err));
	if (in == NULL) {
		snprintf(errbuf, errlen, "SIGHUP: pool lists not reloaded, keeping the old ones: %s", err);
		return -1;
	}
	old = engine_swap_intel(e, in);
	*r->intel = in;
	intel_free(old);
	fprintf(stderr, "stratumwatch: SIGHUP: pool lists reloaded\n");
	return 0;
}

/* SIGHUP with --pods: the files are read again as a relist, so a pod that
 * left the files has its lifetime closed now (flows it held stay
 * attributed; new ones are not). A file that no longer loads is reported;
 * pods it still held are then closed too, until the next SIGHUP. */
static int reload_pods(void *arg, char *errbuf, size_t errlen)
{
	struct sw_live_run *r = arg;
	struct timeval tv;
	char err[512];
	int i, rc = 0;

	pods_relist_begin(r->pods);
	for (i = 0; i < r->npod_files; i++)
		if (pods_load_file(r->pods, r->pod_files[i], err, sizeof(err)) != 0) {
			snprintf(errbuf, errlen, "SIGHUP: --pods %s", err);
			rc = -1;
		}
	gettimeofday(&tv, NULL);
	(void)pods_relist_end(r->pods, (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec);
	if (rc == 0)
		fprintf(stderr, "stratumwatch: SIGHUP: pod files reloaded\n");
	return rc;
}

int live_run_main(struct sw_engine *e, struct sw_live_run *r)
{
	struct sw_metrics *m = NULL;
	struct sw_ct_nl *cn = NULL;
	struct sw_kubeapi *kw = NULL;
	struct sw_live *l;
	char err[1024];
	int rc;

	r->live_engine = e;
	l = live_new(e, &r->live, err, sizeof(err));
	if (l == NULL) {
		fprintf(stderr, "stratumwatch: %s\n", err);
		return SW_EXIT_USAGE;
	}
	if (r->metrics_addr != NULL) {
		m = metrics_start(live_base(l), e, r->metrics_addr, r->metrics_port, err, sizeof(err));
		if (m == NULL) {
			fprintf(stderr, "stratumwatch: %s\n", err);
			live_free(l);
			return SW_EXIT_RUNTIME;
		}
	}
	/* before live_run drops privileges (-Z): netlink needs CAP_NET_ADMIN */
	if (r->ct_live != NULL) {
		cn = ct_nl_start(live_base(l), r->ct_live, err, sizeof(err));
		if (cn == NULL) {
			fprintf(stderr, "stratumwatch: %s\n", err);
			metrics_free(m);
			live_free(l);
			return SW_EXIT_RUNTIME;
		}
	}
	/* the watcher connects once the loop runs; the CA and token were
	 * read already, before privileges are dropped */
	if (r->kube != NULL) {
		kw = kubeapi_new(live_base(l), r->kube, r->kube_pods, err, sizeof(err));
		if (kw == NULL) {
			fprintf(stderr, "stratumwatch: %s\n", err);
			ct_nl_stop(cn);
			metrics_free(m);
			live_free(l);
			return SW_EXIT_RUNTIME;
		}
		kubeapi_set_counters(kw, r->kube_counters);
		kubeapi_start(kw);
	}
	(void)live_add_hook(l, LIVE_HOOK_RELOAD, reload_intel, r);
	if (r->pods != NULL && r->npod_files > 0 && r->kube == NULL)
		(void)live_add_hook(l, LIVE_HOOK_RELOAD, reload_pods, r);
	rc = live_run(l);
	kubeapi_free(kw);
	ct_nl_stop(cn);
	metrics_free(m);
	live_free(l);
	return rc;
}
