/* kubeapi.h: pod metadata from the Kubernetes API (--kube-api).
 *
 * LIST /api/v1/pods (paginated with limit/continue, restricted to this node
 * with --node-name), then WATCH from the list's resourceVersion with
 * bookmarks, feeding every pod and event to the pod index (sw_pods.h).
 * HTTPS only, with the server certificate checked against the CA and the
 * URL's host; a bearer token read from a file, re-read every
 * KUBE_TOKEN_REREAD_S seconds and after a 401 (bound service-account tokens
 * rotate). 410 Gone (as a status or a watch ERROR event) relists; a
 * failure or a cut stream reconnects from the last resourceVersion after an
 * exponential backoff with jitter. Failures are logged on stderr once per
 * change of state, not once per retry.
 *
 * Live: kubeapi_new(base, ...) attaches to the caller's libevent loop (the
 * live sensor's), kubeapi_start() begins. Offline: kubeapi_list_once() runs
 * a private loop until one complete list is in the index, then returns. */
#ifndef SW_KUBEAPI_H
#define SW_KUBEAPI_H

#include <stddef.h>
#include "sw_counters.h"

struct event_base;
struct sw_pod_index;
struct sw_kubeapi;

#define KUBE_SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"
#define KUBE_TOKEN_REREAD_S 60          /* bound tokens rotate (about hourly) */
#define KUBE_WATCH_TIMEOUT_S 300        /* timeoutSeconds asked for a watch */
#define KUBE_LIST_PAGE 500              /* limit= per list page (kubectl's) */
#define KUBE_BACKOFF_MIN_MS 500
#define KUBE_BACKOFF_MAX_MS 30000

struct sw_kubeapi_opts {
	const char *url;                /* https://HOST[:PORT][/PREFIX]; NULL: in-cluster */
	const char *token_file;         /* NULL: KUBE_SA_DIR/token */
	const char *ca_file;            /* NULL: KUBE_SA_DIR/ca.crt */
	const char *node_name;          /* NULL: all pods of the cluster */
	size_t max_line;                /* sw_limits.kube_max_line */
	size_t max_body;                /* sw_limits.kube_max_body */
	unsigned watch_timeout_s;       /* 0: KUBE_WATCH_TIMEOUT_S */
	unsigned backoff_min_ms;        /* 0: KUBE_BACKOFF_MIN_MS */
};

/* Check the options (URL syntax, https, files readable, CA loadable)
 * without connecting. Returns 0, or SW_ERR_USAGE with a message. */
int kubeapi_check(const struct sw_kubeapi_opts *o, char *errbuf, size_t errlen);

/* A watcher on base feeding idx (both must outlive it). NULL with a
 * message on a bad option. Counts in its own counters until
 * kubeapi_set_counters. */
struct sw_kubeapi *kubeapi_new(struct event_base *base, const struct sw_kubeapi_opts *o,
    struct sw_pod_index *idx, char *errbuf, size_t errlen);
/* Count into c from now on; what was counted so far is added to c. */
void kubeapi_set_counters(struct sw_kubeapi *k, struct sw_counters_kubeapi *c);
const struct sw_counters_kubeapi *kubeapi_counters(const struct sw_kubeapi *k);
/* List, then watch, for ever (until kubeapi_free). */
void kubeapi_start(struct sw_kubeapi *k);
void kubeapi_free(struct sw_kubeapi *k);

/* Offline: one complete list into idx, within timeout_s seconds (retrying
 * failures with the backoff meanwhile). Returns 0, or -1 with the last
 * failure in errbuf. c (may be NULL) gets the counts. */
int kubeapi_list_once(const struct sw_kubeapi_opts *o, struct sw_pod_index *idx,
    unsigned timeout_s, struct sw_counters_kubeapi *c, char *errbuf, size_t errlen);

#endif
