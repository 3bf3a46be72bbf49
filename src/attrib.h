/* attrib.h: pod attribution: which pod a flow came from, and how we know.
 *
 * Decided once when a flow is first seen (attrib_flow_start) and, if the
 * answer was "unattributed", once more when the flow's first event is
 * written (attrib_recheck: a watch event or a conntrack entry may have
 * arrived since). The attributed side is the flow's initiator (EVE src);
 * for an ingress flow (world -> pod) the responder is the pod and is the
 * side attributed (README, "Pod attribution").
 *
 * Precedence, strongest first: conntrack > nat-twin > tunnel > pod-ip >
 * pod-cidr > unattributed. A stronger method learnt later (a nat-twin
 * merge, a live conntrack event) replaces a weaker one; never the reverse. */
#ifndef SW_ATTRIB_H
#define SW_ATTRIB_H

#include <stdint.h>
#include "flow.h"
#include "sw_conntrack.h"
#include "sw_counters.h"
#include "sw_pods.h"

struct sw_intel;
struct sw_jw;

/* flow.attribution, weakest first (0: attribution is off for this run). */
enum sw_attribution {
	ATTR_OFF = 0,
	ATTR_UNATTRIBUTED,
	ATTR_POD_CIDR,
	ATTR_POD_IP,
	ATTR_TUNNEL,
	ATTR_NAT_TWIN,
	ATTR_CONNTRACK,
};

/* flow.attr_reason, when unattributed or when metadata is missing */
enum sw_attr_reason {
	ATTR_REASON_NONE = 0,
	ATTR_REASON_SNAT_WITHOUT_CONNTRACK, /* node/cluster address, looks SNATed, no entry */
	ATTR_REASON_HOST_NETWORK_AMBIGUOUS, /* a node address shared by hostNetwork pods */
	ATTR_REASON_NO_POD_METADATA,        /* in --pod-cidr, no pod known for the address */
	ATTR_REASON_NO_POD_AT_TIME,         /* pods held the address, none at packet time */
	ATTR_REASON_NOT_CLUSTER,            /* neither side is a pod or cluster address */
	ATTR_REASON_NODE_ADDRESS,           /* a node's own address, no SNAT entry, no
	                                       hostNetwork pod on it */
};

struct sw_attrib {
	struct sw_pod_index *pods;      /* NULL: no pod metadata */
	struct sw_conntrack *ct;        /* NULL: no conntrack table */
	const struct sw_intel *intel;   /* --pod-cidr / --cluster-cidr */
	struct sw_counters_k8s *c;
};

/* Attribution is on when any of --pods, --kube-api, --conntrack,
 * --pod-cidr was given; otherwise flows keep ATTR_OFF and no k8s object
 * is written (the output is as before). */
int attrib_enabled(const struct sw_attrib *a);

/* A new flow (its initiator known, tunnelled set): decide. */
void attrib_flow_start(struct sw_attrib *a, struct sw_flow *f, uint64_t ts_usec);
/* Before a flow's first event: if it is still unattributed, look again. */
void attrib_recheck(struct sw_attrib *a, struct sw_flow *f, uint64_t ts_usec);
/* A NAT relation learnt for f after it started (net's nat-twin merge, a
 * live conntrack event): orig is the pre-NAT source address (the pod side),
 * xlated the post-NAT one, both of f's ip_version. method is ATTR_NAT_TWIN
 * or ATTR_CONNTRACK; applied only if it is stronger than what f has. */
void attrib_set_xlated(struct sw_attrib *a, struct sw_flow *f, const uint8_t *orig,
    const uint8_t *xlated, int ip_version, enum sw_attribution method, uint64_t ts_usec);
/* The flow ends: drop its pod reference. */
void attrib_flow_end(struct sw_attrib *a, struct sw_flow *f);

const char *attrib_method_name(int method);
const char *attrib_reason_name(int reason);

/* The EVE `k8s` object for f (nothing when attribution is off for f).
 * local_node (--node-name, may be NULL) names the node of a masqueraded
 * flow whose pod is unknown: the SNAT was done on the pod's own node. */
void eve_write_k8s(struct sw_jw *w, const struct sw_flow *f, const char *local_node);
/* "ns/name" of the flow's pod for --summary, or "" */
const char *attrib_pod_label(const struct sw_flow *f, char *buf, size_t len);

#endif
