/* attrib.c: which pod a flow came from (attrib.h).
 *
 * For a flow's initiator, strongest evidence first:
 *   conntrack  the SNAT table maps the flow as seen (translated source ->
 *              server) to its original source: the pod behind the node IP;
 *   nat-twin   the same connection was also seen before translation
 *              (-i any; set by the capture merge through attrib_set_xlated);
 *   tunnel     the flow was decapsulated (VXLAN, Geneve, IP-in-IP) and its
 *              inner source is a known pod;
 *   pod-ip     the source is a known pod's address at packet time;
 *   pod-cidr   the source is in --pod-cidr but no pod is known for it;
 *   unattributed, with a reason.
 * When the initiator is not a pod and the responder is (ingress into a pod),
 * the responder is the pod described: the k8s object is about the pod end of
 * the flow, and its pod_ip then equals dest_ip. */
#include <stdio.h>
#include <string.h>

#include "attrib.h"
#include "export-eve.h"
#include "intel.h"
#include "sw_json.h"

int attrib_enabled(const struct sw_attrib *a)
{
	return a->pods != NULL || a->ct != NULL ||
	    (a->intel != NULL && intel_has_pod_cidrs(a->intel));
}

const char *attrib_method_name(int method)
{
	switch (method) {
	case ATTR_UNATTRIBUTED: return "unattributed";
	case ATTR_POD_CIDR: return "pod-cidr";
	case ATTR_POD_IP: return "pod-ip";
	case ATTR_TUNNEL: return "tunnel";
	case ATTR_NAT_TWIN: return "nat-twin";
	case ATTR_CONNTRACK: return "conntrack";
	}
	return "unattributed";
}

const char *attrib_reason_name(int reason)
{
	switch (reason) {
	case ATTR_REASON_SNAT_WITHOUT_CONNTRACK: return "snat_without_conntrack";
	case ATTR_REASON_HOST_NETWORK_AMBIGUOUS: return "host_network_ambiguous";
	case ATTR_REASON_NO_POD_METADATA: return "no_pod_metadata";
	case ATTR_REASON_NO_POD_AT_TIME: return "no_pod_at_time";
	case ATTR_REASON_NOT_CLUSTER: return "not_cluster_address";
	case ATTR_REASON_NODE_ADDRESS: return "node_address";
	}
	return NULL;
}

static int is_pod_cidr(const struct sw_attrib *a, const uint8_t *addr, int ver)
{
	return a->intel != NULL && intel_is_pod_addr(a->intel, addr, ver);
}

/* A node's address: some pod's hostIP or hostNetwork IP, or in
 * --cluster-cidr (services and nodes) without being a pod address. */
static int is_node(const struct sw_attrib *a, const uint8_t *addr, int ver)
{
	return !is_pod_cidr(a, addr, ver) && (pods_is_node_addr(a->pods, addr, ver) ||
	    (a->intel != NULL && intel_is_cluster_addr(a->intel, addr, ver)));
}

static int is_cluster(const struct sw_attrib *a, const uint8_t *addr, int ver)
{
	return is_pod_cidr(a, addr, ver) || is_node(a, addr, ver);
}

static void set_pod(struct sw_attrib *a, struct sw_flow *f, const struct sw_pod *p)
{
	if (f->pod == p)
		return;
	if (f->pod != NULL)
		pods_release(a->pods, f->pod);
	f->pod = p;
	if (p != NULL)
		pod_hold(p);
}

/* What the index says about addr at ts, as a method (pod found), or a
 * reason. Returns the method for a pod found, else 0 with *reason set. */
static int by_address(struct sw_attrib *a, struct sw_flow *f, const uint8_t *addr, int ver,
    uint64_t ts, int found_method, uint8_t *reason)
{
	const struct sw_pod *p = NULL;
	enum sw_pod_match m = pods_lookup(a->pods, addr, ver, ts, &p, NULL);

	*reason = ATTR_REASON_NONE;
	switch (m) {
	case PODS_ONE:
		set_pod(a, f, p);
		return found_method;
	case PODS_HOST_NETWORK:
		/* a node address: the node's own processes, every hostNetwork
		 * pod on it and masqueraded pods all send from it */
		set_pod(a, f, p);
		*reason = ATTR_REASON_HOST_NETWORK_AMBIGUOUS;
		return 0;
	case PODS_NOT_AT_TIME:
		*reason = ATTR_REASON_NO_POD_AT_TIME;
		return 0;
	case PODS_NONE:
		break;
	}
	*reason = ATTR_REASON_NO_POD_METADATA;
	return 0;
}

static void set_addr(uint8_t dst[16], const uint8_t *src, int ver)
{
	memset(dst, 0, 16);
	memcpy(dst, src, ver == 6 ? 16 : 4);
}

/* The addresses live in the flow's side struct: out of memory (NULL), the
 * flow is attributed all the same, only without them in its output
 * (counted: k8s.attribution_alloc_failed). */
static struct sw_flow_ext *addr_ext(struct sw_attrib *a, struct sw_flow *f)
{
	struct sw_flow_ext *x = flow_ext(f);

	if (x == NULL && a->c != NULL)
		a->c->attr_alloc_failed++;
	return x;
}

static void set_pod_addr(struct sw_attrib *a, struct sw_flow *f, const uint8_t *src, int ver)
{
	struct sw_flow_ext *x = addr_ext(a, f);

	if (x != NULL) {
		set_addr(x->pod_addr, src, ver);
		f->has_pod_addr = 1;
	}
}

static void set_xlated(struct sw_attrib *a, struct sw_flow *f, const uint8_t *src, int ver)
{
	struct sw_flow_ext *x = addr_ext(a, f);

	if (x != NULL) {
		set_addr(x->xlated, src, ver);
		f->has_xlated = 1;
	}
}

static void decide(struct sw_attrib *a, struct sw_flow *f, uint64_t ts)
{
	int ver = f->key.ip_version, m;
	const uint8_t *src = flow_src_addr(f), *dst = flow_dst_addr(f);
	const struct sw_ct_entry *ce = NULL;
	uint8_t reason, dreason;

	f->attr_side = f->init_side;
	f->attr_reason = ATTR_REASON_NONE;
	f->has_pod_addr = 0;
	f->has_xlated = 0;
	set_pod(a, f, NULL);

	/* 1. conntrack: the flow as the uplink shows it, translated */
	if (a->ct != NULL)
		ce = ct_lookup(a->ct, f->key.proto, ver, src, flow_src_port(f), dst, flow_dst_port(f), ts);
	if (ce != NULL && ct_is_snat(ce)) {
		f->attribution = ATTR_CONNTRACK;
		set_pod_addr(a, f, ce->orig_src, ver);
		set_xlated(a, f, src, ver);
		if (by_address(a, f, ce->orig_src, ver, ts, ATTR_CONNTRACK, &reason) == 0) {
			set_pod(a, f, NULL);
			f->attr_reason = reason;
		}
		return;
	}
	/* 2. (nat-twin is learnt later, attrib_set_xlated) 3./4. the address */
	m = by_address(a, f, src, ver, ts, f->tunnelled ? ATTR_TUNNEL : ATTR_POD_IP, &reason);
	if (m != 0) {
		f->attribution = (uint8_t)m;
		set_pod_addr(a, f, src, ver);
		/* captured before SNAT: conntrack still tells where it went out */
		if (a->ct != NULL && (ce = ct_lookup_orig(a->ct, f->key.proto, ver, src, flow_src_port(f),
		    dst, flow_dst_port(f), ts)) != NULL && ct_is_snat(ce)) {
			set_xlated(a, f, ce->reply_dst, ver);
		}
		return;
	}
	/* 5. the initiator is a pod address without metadata */
	if (is_pod_cidr(a, src, ver)) {
		f->attribution = ATTR_POD_CIDR;
		f->attr_reason = reason;
		set_pod_addr(a, f, src, ver);
		return;
	}
	/* a node's address: leaving the cluster, it is what masquerading
	 * looks like, but without a conntrack table that cannot be told
	 * from the node's own traffic or a hostNetwork pod's; with a table
	 * that has no entry, it is the node's or a hostNetwork pod's */
	if (is_node(a, src, ver)) {
		f->attribution = ATTR_UNATTRIBUTED;
		if (a->ct == NULL && !is_cluster(a, dst, ver))
			f->attr_reason = ATTR_REASON_SNAT_WITHOUT_CONNTRACK;
		else if (reason == ATTR_REASON_HOST_NETWORK_AMBIGUOUS)
			f->attr_reason = reason;
		else
			f->attr_reason = ATTR_REASON_NODE_ADDRESS;
		return;
	}
	/* ingress: the responder is the pod */
	if (!is_cluster(a, src, ver)) {
		m = by_address(a, f, dst, ver, ts, f->tunnelled ? ATTR_TUNNEL : ATTR_POD_IP, &dreason);
		if (m != 0 || is_pod_cidr(a, dst, ver)) {
			f->attribution = (uint8_t)(m != 0 ? m : ATTR_POD_CIDR);
			f->attr_reason = m != 0 ? ATTR_REASON_NONE : dreason;
			f->attr_side = (uint8_t)!f->init_side;
			set_pod_addr(a, f, dst, ver);
			return;
		}
		set_pod(a, f, NULL);
	}
	/* 6. unattributed: say why */
	f->attribution = ATTR_UNATTRIBUTED;
	/* not even a tunnelled flow's inner source is taken for a pod's without
	 * --pod-cidr: the overlay also carries the nodes' own (link-local,
	 * neighbour discovery) traffic */
	f->attr_reason = reason == ATTR_REASON_NO_POD_AT_TIME ? reason : ATTR_REASON_NOT_CLUSTER;
}

void attrib_flow_start(struct sw_attrib *a, struct sw_flow *f, uint64_t ts_usec)
{
	if (!attrib_enabled(a))
		return;
	decide(a, f, ts_usec);
}

void attrib_recheck(struct sw_attrib *a, struct sw_flow *f, uint64_t ts_usec)
{
	if (f->attribution != ATTR_UNATTRIBUTED && !(f->has_pod_addr && f->pod == NULL &&
	    f->attr_reason != ATTR_REASON_NONE))
		return;
	if (f->attribution >= ATTR_NAT_TWIN) {
		/* the pod address is known; only its metadata may have come */
		uint8_t reason;

		if (by_address(a, f, f->ext->pod_addr, f->key.ip_version, ts_usec, f->attribution, &reason) != 0)
			f->attr_reason = ATTR_REASON_NONE;
		else
			set_pod(a, f, NULL);
		return;
	}
	decide(a, f, ts_usec);
}

void attrib_set_xlated(struct sw_attrib *a, struct sw_flow *f, const uint8_t *orig,
    const uint8_t *xlated, int ip_version, enum sw_attribution method, uint64_t ts_usec)
{
	uint8_t reason;

	if (!attrib_enabled(a) || ip_version != f->key.ip_version || method <= f->attribution)
		return;
	f->attribution = (uint8_t)method;
	f->attr_side = f->init_side;
	f->attr_reason = ATTR_REASON_NONE;
	set_pod_addr(a, f, orig, ip_version);
	set_xlated(a, f, xlated, ip_version);
	if (by_address(a, f, orig, ip_version, ts_usec, method, &reason) == 0) {
		set_pod(a, f, NULL);
		f->attr_reason = reason;
	}
}

void attrib_flow_end(struct sw_attrib *a, struct sw_flow *f)
{
	struct sw_counters_k8s *c = a->c;

	if (c != NULL)
		switch (f->attribution) {
		case ATTR_CONNTRACK: c->attr_conntrack++; break;
		case ATTR_NAT_TWIN: c->attr_nat_twin++; break;
		case ATTR_TUNNEL: c->attr_tunnel++; break;
		case ATTR_POD_IP: c->attr_pod_ip++; break;
		case ATTR_POD_CIDR: c->attr_pod_cidr++; break;
		case ATTR_UNATTRIBUTED: c->unattributed++; break;
		}
	set_pod(a, f, NULL);
}

void eve_write_k8s(struct sw_jw *w, const struct sw_flow *f, const char *local_node)
{
	const struct sw_pod *p = f->pod;
	int ver = f->key.ip_version, named;
	const char *reason;
	char buf[64];
	size_t i;

	if (f->attribution == ATTR_OFF)
		return;
	/* a hostNetwork pod found for a node address is not the attribution:
	 * only what all of them share (the node) is written */
	named = p != NULL && f->attribution != ATTR_UNATTRIBUTED;
	jw_obj_open(w, "k8s");
	if (f->has_pod_addr)
		jw_str(w, "pod_ip", sw_addr_str(f->ext->pod_addr, ver, buf, sizeof(buf)));
	if (named) {
		jw_str(w, "namespace", p->ns);
		jw_str(w, "pod_name", p->name);
	}
	if (p != NULL && p->node != NULL)
		jw_str(w, "node_name", p->node);
	else if (local_node != NULL && !f->tunnelled && (f->attribution == ATTR_CONNTRACK ||
	    f->attribution == ATTR_NAT_TWIN || f->attr_reason == ATTR_REASON_SNAT_WITHOUT_CONNTRACK))
		jw_str(w, "node_name", local_node);
	if (named && p->nworkloads > 0) {
		jw_arr_open(w, "workloads");
		for (i = 0; i < p->nworkloads; i++) {
			jw_obj_open(w, NULL);
			jw_str(w, "kind", p->workloads[i].kind);
			jw_str(w, "name", p->workloads[i].name);
			jw_obj_close(w);
		}
		jw_arr_close(w);
	}
	if (named && p->nlabels > 0) {
		jw_obj_open(w, "labels");
		for (i = 0; i < p->nlabels; i++)
			jw_str(w, p->labels[i].key, p->labels[i].value);
		jw_obj_close(w);
	}
	if (named && p->nimages > 0) {
		jw_arr_open(w, "images");
		for (i = 0; i < p->nimages; i++)
			jw_str(w, NULL, p->images[i]);
		jw_arr_close(w);
	}
	if (p != NULL && (named || f->attr_reason == ATTR_REASON_HOST_NETWORK_AMBIGUOUS))
		jw_bool(w, "host_network", p->host_network);
	jw_str(w, "attribution", attrib_method_name(f->attribution));
	if ((reason = attrib_reason_name(f->attr_reason)) != NULL)
		jw_str(w, "reason", reason);
	if (f->has_xlated)
		jw_str(w, "src_xlated", sw_addr_str(f->ext->xlated, ver, buf, sizeof(buf)));
	jw_obj_close(w);
}

const char *attrib_pod_label(const struct sw_flow *f, char *buf, size_t len)
{
	if (f->pod != NULL && f->attribution > ATTR_UNATTRIBUTED)
		snprintf(buf, len, "%s/%s", f->pod->ns, f->pod->name);
	else if (f->attribution != ATTR_OFF)
		snprintf(buf, len, "?");
	else if (len > 0)
		buf[0] = '\0';
	return buf;
}
