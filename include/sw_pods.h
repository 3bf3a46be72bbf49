/* sw_pods.h: the pod index: which pod held an IP address at a given time.
 *
 * Fed from a PodList file (--pods, the JSON of `kubectl get pods -A -o
 * json`) and from Kubernetes watch events (--kube-api). Each pod is kept
 * with its lifetime [start, end), so an address reused by a later pod is
 * attributed to the pod that held it at packet time; a deleted pod stays in
 * the index, ended, until the cap makes room.
 *
 * Ownership: the index owns its pods. A flow that keeps a pointer takes a
 * reference (pod_hold) and drops it when it ends (pods_release); a pod that
 * is replaced (MODIFIED) or evicted leaves the index at once but is freed
 * only when its last reference goes. Not thread-safe: call from the
 * engine's thread (the API watcher runs in the same event loop).
 *
 * Strings kept from the JSON are capped (SW_POD_STR_MAX bytes, cut at a
 * UTF-8 boundary) and the lists per pod are capped (SW_POD_MAX_*); what is
 * cut is counted in k8s.pod_fields_truncated. */
#ifndef SW_PODS_H
#define SW_PODS_H

#include <stddef.h>
#include <stdint.h>
#include "sw_counters.h"

struct cJSON;

#define SW_POD_STR_MAX 253          /* a DNS-1123 name's maximum; longer is cut */
#define SW_POD_MAX_IPS 4            /* status.podIPs entries kept (dual stack: 2) */
#define SW_POD_MAX_IMAGES 16        /* containers + initContainers images */
#define SW_POD_MAX_LABELS 32
#define SW_POD_MAX_OWNERS 4
#define SW_POD_MAX_WORKLOADS 4

struct sw_pod_label {
	char *key, *value;
};

/* metadata.ownerReferences[] */
struct sw_pod_owner {
	char *kind, *name;
	int controller;                 /* ownerReferences[].controller */
};

/* A workload derived from an owner reference (workload.c). kind is a static
 * string ("Deployment", "CronJob", "StatefulSet", ...) or, for a custom
 * controller's kind, the owner's own kind string; name is owned. */
struct sw_workload {
	const char *kind;
	char *name;
};

struct sw_pod {
	char *ns, *name, *uid, *node;   /* node: spec.nodeName, NULL if unscheduled */
	char *phase;                    /* status.phase, NULL if absent */
	int host_network;               /* spec.hostNetwork */
	uint8_t nips;
	uint8_t ip_version[SW_POD_MAX_IPS];
	uint8_t ip[SW_POD_MAX_IPS][16]; /* IPv4 in the first 4 bytes, rest zero */
	uint8_t nhost_ips;              /* status.hostIP / hostIPs: the node's addresses */
	uint8_t host_ip_version[2];
	uint8_t host_ip[2][16];
	size_t nimages;
	char *images[SW_POD_MAX_IMAGES];/* distinct, in spec order */
	size_t nlabels;
	struct sw_pod_label labels[SW_POD_MAX_LABELS]; /* sorted by key */
	size_t nowners;
	struct sw_pod_owner owners[SW_POD_MAX_OWNERS];
	size_t nworkloads;
	struct sw_workload workloads[SW_POD_MAX_WORKLOADS];
	uint64_t start_usec;            /* status.startTime, else creationTimestamp; 0 unknown */
	uint64_t end_usec;              /* deletionTimestamp / finishedAt / DELETED; 0 = open */
	/* index bookkeeping (pods.c) */
	uint32_t refs;                  /* holders outside the index */
	uint8_t linked;                 /* still in the index */
	uint64_t seq;                   /* insertion order, for deterministic eviction ties */
	struct sw_pod *lprev, *lnext;   /* all linked pods, insertion order */
	struct sw_pod *uid_next;        /* uid hash chain */
	size_t heap_pos;                /* ended pods' heap slot + 1; 0 when not in it */
	uint8_t listed;                 /* seen since pods_relist_begin */
	uint8_t host_registered;        /* host_ip[i] counted in the node address set */
};

enum sw_pod_event { POD_ADDED, POD_MODIFIED, POD_DELETED };

/* pods_lookup results */
enum sw_pod_match {
	PODS_NONE = 0,        /* no pod ever held this address in the index */
	PODS_ONE,             /* *pod held it at ts (not hostNetwork) */
	PODS_HOST_NETWORK,    /* a node address used by hostNetwork pod(s): *pod is one
	                         of them (node name), *n how many at ts */
	PODS_NOT_AT_TIME,     /* pods held it, but none at ts: *pod the nearest in time */
};

struct sw_pod_index;

/* An empty index holding at most max pods (sw_limits.pod_index_max).
 * counters may be NULL. NULL when out of memory. */
struct sw_pod_index *pods_new(size_t max, struct sw_counters_k8s *counters);
/* Count into c from now on (the engine's counters); what was counted
 * before (loading files) is added to c. */
void pods_set_counters(struct sw_pod_index *idx, struct sw_counters_k8s *c);
/* Free the index and every pod, held or not: flows must be gone. */
void pods_free(struct sw_pod_index *idx);

/* Load a PodList (or a single Pod, or a List of Pods) from a file / buffer.
 * Returns 0, or SW_ERR_USAGE with "NAME: what" in errbuf (not JSON, not a
 * PodList, a bad IP in pod NS/NAME, a bad timestamp). A pod refused by the
 * full index is counted, not an error. */
int pods_load_file(struct sw_pod_index *idx, const char *path, char *errbuf, size_t errlen);
int pods_load_buf(struct sw_pod_index *idx, const char *name, const char *buf, size_t len,
    char *errbuf, size_t errlen);

/* One watch event (or one list item: POD_ADDED). ADDED/MODIFIED replace the
 * pod with the same uid (keeping its start); DELETED closes its lifetime at
 * now_usec (or its deletionTimestamp/finishedAt if earlier) and keeps it.
 * Returns 0; -1 with "what" in errbuf if the object is not a usable Pod
 * (no metadata.uid/name, a bad IP): the caller reports it and goes on. */
int pods_apply(struct sw_pod_index *idx, const struct cJSON *pod, enum sw_pod_event ev,
    uint64_t now_usec, char *errbuf, size_t errlen);

/* A relist (the watch answered 410 Gone, or a reconnect): call begin,
 * pods_apply(POD_ADDED) for every item of the new list, then end, which
 * closes at now_usec the lifetime of every open pod the list did not
 * contain (it was deleted while we were not watching) and returns how many. */
void pods_relist_begin(struct sw_pod_index *idx);
size_t pods_relist_end(struct sw_pod_index *idx, uint64_t now_usec);

/* Which pod held addr (ip_version 4 or 6) at ts_usec. Of several pods
 * holding it at ts, the one that started last wins (an older open entry is
 * stale: an address is held by one pod at a time). When none held it at ts,
 * the nearest in time still counts within SW_POD_TIME_SLACK_USEC (clock
 * skew between the node and the API server, packets trailing the recorded
 * end). Never NULL *pod unless PODS_NONE. nhost (may be NULL) gets the
 * number of hostNetwork pods. */
#define SW_POD_TIME_SLACK_USEC 2000000ULL
enum sw_pod_match pods_lookup(const struct sw_pod_index *idx, const uint8_t *addr,
    int ip_version, uint64_t ts_usec, const struct sw_pod **pod, unsigned *nhost);

/* Whether addr is a node's address (some pod's status.hostIP), so traffic
 * from it may be masqueraded pod traffic. */
int pods_is_node_addr(const struct sw_pod_index *idx, const uint8_t *addr, int ip_version);

/* A reference for a flow; release it with pods_release when done. */
void pod_hold(const struct sw_pod *pod);
void pods_release(struct sw_pod_index *idx, const struct sw_pod *pod);

/* RFC 3339 as Kubernetes writes it -> microseconds since the epoch; -1 if
 * malformed. */
int pods_parse_time(const char *s, uint64_t *usec);

/* Pods in the index (linked, ended or not). */
size_t pods_count(const struct sw_pod_index *idx);
/* Some pod was ever loaded (a file given or an API list seen). */
int pods_loaded(const struct sw_pod_index *idx);

/* workload.c: derive pod->workloads from pod->owners and the
 * pod-template-hash label (called by pods.c after parsing). Rules:
 * ReplicaSet NAME-HASH where HASH is the pod-template-hash label value, or
 * (without the label) 9-10 characters of [bcdfghjklmnpqrstvwxz2456789] ->
 * Deployment NAME; Job NAME-DIGITS (8+ digits: a CronJob's scheduled time in
 * minutes since the epoch) -> CronJob NAME; any other kind (StatefulSet,
 * DaemonSet, Job, ReplicaSet, custom) as is. Returns the number derived. */
size_t workload_derive(struct sw_pod *pod);
/* One rule, for tests and the watcher: kind/name of an owner and the pod's
 * pod-template-hash label (NULL if none). *out_kind is static, or kind
 * itself for a kind not listed; out_name gets the derived name (cut to
 * outlen-1). */
void workload_of_owner(const char *kind, const char *name, const char *template_hash,
    const char **out_kind, char *out_name, size_t outlen);

#endif
