/* export-flow.c: flows and alerts to collectors (export-flow.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "community_id.h"
#include "detect.h"
#include "engine-int.h"
#include "export-flow.h"
#include "export-ipfix.h"
#include "export-syslog.h"
#include "export-udp.h"
#include "sw_facts.h"
#include "sw_pods.h"

#define XAPP_CACHE 8

/* A flow's export state: its place in the list of flows by last export
 * (for the active timeout) and the counters already exported. */
struct sw_flow_export {
	struct sw_flow_export *prev, *next;
	struct sw_flow *f;
	int listed;
	uint64_t time;                 /* joined the list's tail (start, last export) */
	uint64_t end;                  /* last_ts at the last export; 0 none */
	uint64_t pkts[2], bytes[2];
};

struct sw_export {
	struct sw_export_opts o;
	struct sw_engine *e;
	const char *node_name;         /* --node-name */
	struct sw_xport *xp[2];        /* IPFIX, NetFlow v9; NULL when off */
	struct sw_syslog *sl;
	/* flows in the order of their last export (or start): the active
	 * timeout only looks at the head */
	struct sw_flow_export *head, *tail;
	uint64_t active_usec;
	int booted;
	/* nDPI ids of our dissectors' names, looked up once */
	struct { const char *name; uint16_t id; } app[XAPP_CACHE];
	int napp;
};

void export_opts_default(struct sw_export_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->domain = 1;
	o->enterprise = SW_EXPORT_DEFAULT_ENTERPRISE;
	o->mtu = SW_EXPORT_DEFAULT_MTU;
	o->active_timeout = SW_EXPORT_DEFAULT_ACTIVE;
	o->refresh_sec = SW_EXPORT_DEFAULT_REFRESH_SEC;
	o->refresh_msgs = SW_EXPORT_DEFAULT_REFRESH_MSGS;
}

int export_wanted(const struct sw_export_opts *o)
{
	return o->ipfix != NULL || o->netflow9 != NULL || o->syslog != NULL;
}

static int parse_u32(const char *name, const char *arg, unsigned long lo, unsigned long hi,
    uint32_t *v, char *errbuf, size_t errlen)
{
	char *end;
	unsigned long n;

	n = strtoul(arg, &end, 10);
	if (arg[0] < '0' || arg[0] > '9' || *end != '\0' || n < lo || n > hi) {
		snprintf(errbuf, errlen, "%s %s: expected a number from %lu to %lu", name, arg, lo, hi);
		return -1;
	}
	*v = (uint32_t)n;
	return 0;
}

int export_opt(struct sw_export_opts *o, enum sw_export_opt which, const char *arg,
    char *errbuf, size_t errlen)
{
	switch (which) {
	case XO_IPFIX:
		o->ipfix = arg;
		return xudp_check(arg, "--ipfix", errbuf, errlen);
	case XO_NETFLOW9:
		o->netflow9 = arg;
		return xudp_check(arg, "--netflow9", errbuf, errlen);
	case XO_SYSLOG:
		o->syslog = arg;
		if (arg[0] == '/' || strncmp(arg, "unix:", 5) == 0)
			return 0;
		return xudp_check(arg, "--syslog", errbuf, errlen);
	case XO_DOMAIN:
		return parse_u32("--export-domain", arg, 0, 0xffffffffUL, &o->domain, errbuf, errlen);
	case XO_ENTERPRISE:
		return parse_u32("--export-enterprise", arg, 1, 0xffffffffUL, &o->enterprise,
		    errbuf, errlen);
	case XO_MTU:
		return parse_u32("--export-mtu", arg, XPORT_MTU_MIN, XPORT_MTU_MAX, &o->mtu,
		    errbuf, errlen);
	case XO_ACTIVE_TIMEOUT:
		return parse_u32("--export-active-timeout", arg, 0, 86400, &o->active_timeout,
		    errbuf, errlen);
	case XO_REFRESH_SEC:
		return parse_u32("--export-template-refresh", arg, 1, 86400, &o->refresh_sec,
		    errbuf, errlen);
	case XO_REFRESH_MSGS:
		return parse_u32("--export-template-messages", arg, 1, 1000000, &o->refresh_msgs,
		    errbuf, errlen);
	case XO_COUNT:
		break;
	}
	snprintf(errbuf, errlen, "unknown export option");
	return -1;
}

struct sw_export *export_new(const struct sw_export_opts *o, const char *node_name,
    struct sw_engine *e, char *errbuf, size_t errlen)
{
	struct sw_export *x = calloc(1, sizeof(*x));
	struct sw_xport_cfg cfg;
	int i;

	if (x == NULL) {
		snprintf(errbuf, errlen, "out of memory");
		return NULL;
	}
	x->o = *o;
	x->e = e;
	x->node_name = node_name;
	x->active_usec = (uint64_t)o->active_timeout * 1000000;
	for (i = 0; i < 2; i++) {
		cfg.version = i == 0 ? XT_IPFIX : XT_V9;
		cfg.dest = i == 0 ? o->ipfix : o->netflow9;
		cfg.domain = o->domain;
		cfg.enterprise = o->enterprise;
		cfg.mtu = o->mtu;
		cfg.refresh_sec = o->refresh_sec;
		cfg.refresh_msgs = o->refresh_msgs;
		if (cfg.dest != NULL && (x->xp[i] = xport_new(&cfg, &e->c.exp, errbuf, errlen)) == NULL)
			goto fail;
	}
	if (o->syslog != NULL &&
	    (x->sl = xsyslog_new(o->syslog, o->enterprise, &e->c.exp, errbuf, errlen)) == NULL)
		goto fail;
	return x;
fail:
	export_free(x);
	return NULL;
}

void export_free(struct sw_export *x)
{
	if (x == NULL)
		return;
	xport_free(x->xp[0]);
	xport_free(x->xp[1]);
	xsyslog_free(x->sl);
	free(x);
}

static int flows_on(const struct sw_export *x)
{
	return x->xp[0] != NULL || x->xp[1] != NULL;
}

static void list_unlink(struct sw_export *x, struct sw_flow_export *fx)
{
	if (fx->prev != NULL)
		fx->prev->next = fx->next;
	else
		x->head = fx->next;
	if (fx->next != NULL)
		fx->next->prev = fx->prev;
	else
		x->tail = fx->prev;
	fx->prev = fx->next = NULL;
	fx->listed = 0;
}

static void list_append(struct sw_export *x, struct sw_flow_export *fx, uint64_t now)
{
	fx->time = now;
	fx->prev = x->tail;
	fx->next = NULL;
	if (x->tail != NULL)
		x->tail->next = fx;
	else
		x->head = fx;
	x->tail = fx;
	fx->listed = 1;
}

void export_flow_start(struct sw_export *x, struct sw_flow *f)
{
	int i;

	if (!flows_on(x))
		return;
	if (!x->booted) {
		/* v9's sysUptime starts at the first packet */
		for (i = 0; i < 2; i++)
			if (x->xp[i] != NULL)
				xport_set_boot(x->xp[i], f->first_ts / 1000);
		x->booted = 1;
	}
	/* without it (out of memory) the flow is still exported when it
	 * ends, whole, just never split by the active timeout */
	if ((f->x = calloc(1, sizeof(*f->x))) == NULL)
		return;
	f->x->f = f;
	if (x->active_usec > 0)
		list_append(x, f->x, f->first_ts);
}

/* Counters already exported for direction d (0 before the first export). */
static uint64_t done_pkts(const struct sw_flow *f, int d)
{
	return f->x != NULL ? f->x->pkts[d] : 0;
}

/* The engine's clock: newest packet time, or the live timer's wall time. */
static uint64_t now_usec(const struct sw_export *x)
{
	return x->e->now > x->e->last_expire ? x->e->now : x->e->last_expire;
}

static void set_str(struct sw_xrec *r, enum sw_xs i, const char *s)
{
	r->str[i].s = s;
	r->str[i].len = s != NULL ? strlen(s) : 0;
}

/* Our dissectors' names in nDPI's registry, for applicationId. */
static uint16_t app_id_of(struct sw_export *x, const char *name)
{
	static const struct { const char *ours, *ndpi; } alias[] = {
		{ "stratum", "Mining" }, { "proxy", "HTTP_Proxy" },
	};
	const char *ours = name;
	size_t i;
	int j;

	for (j = 0; j < x->napp; j++)
		if (x->app[j].name == ours)
			return x->app[j].id;
	for (i = 0; i < sizeof(alias) / sizeof(alias[0]); i++)
		if (strcmp(name, alias[i].ours) == 0) {
			name = alias[i].ndpi;
			break;
		}
	j = ndpi_glue_proto_id(x->e->ndpi, name);
	if (x->napp < XAPP_CACHE) { /* names are the dissectors' static strings */
		x->app[x->napp].name = ours;
		x->app[x->napp++].id = (uint16_t)j;
	}
	return (uint16_t)j;
}

/* The pod fields as the k8s object writes them (attrib.c eve_write_k8s):
 * name and namespace only when attributed; the node of the pod, or this
 * node for a masqueraded flow whose pod is unknown. */
static int pod_named(const struct sw_flow *f)
{
	return f->pod != NULL && f->attribution != ATTR_UNATTRIBUTED && f->attribution != ATTR_OFF;
}

static const char *pod_node(const struct sw_export *x, const struct sw_flow *f)
{
	if (f->pod != NULL && f->pod->node != NULL)
		return f->pod->node;
	if (x->node_name != NULL && !f->tunnelled && (f->attribution == ATTR_CONNTRACK ||
	    f->attribution == ATTR_NAT_TWIN || f->attr_reason == ATTR_REASON_SNAT_WITHOUT_CONNTRACK))
		return x->node_name;
	return NULL;
}

static uint8_t end_reason(int why)
{
	switch (why) {
	case FLOW_END_TIMEOUT: return XT_END_IDLE;
	case FLOW_END_CLOSED: return XT_END_DETECTED;
	case FLOW_END_EOF: return XT_END_FORCED;
	case FLOW_END_EVICTED: return XT_END_RESOURCE;
	}
	return XT_END_FORCED;
}

/* The flow's records since its previous export: one per direction that
 * saw packets. */
static void export_records(struct sw_export *x, struct sw_flow *f, uint8_t reason)
{
	struct sw_engine *e = x->e;
	struct sw_facts facts;
	struct sw_xrec r;
	char ap[32], cid[SW_COMMUNITY_ID_LEN];
	const struct sw_pod *pod = f->pod;
	int alen = f->key.ip_version == 6 ? 16 : 4, d, i, ports;
	uint64_t now = now_usec(x);

	if (f->pkts[0] == done_pkts(f, 0) && f->pkts[1] == done_pkts(f, 1))
		return; /* nothing new since the last export */
	memset(&facts, 0, sizeof(facts));
	facts.wallet_valid = -1;
	if (f->app != NULL && f->app->facts != NULL && f->app_state != NULL)
		f->app->facts(f->app_state, &facts);
	memset(&r, 0, sizeof(r));
	r.ip_version = f->key.ip_version;
	r.proto = f->key.proto;
	r.end_reason = reason;
	r.start_ms = (f->x != NULL && f->x->end != 0 ? f->x->end : f->first_ts) / 1000;
	r.end_ms = f->last_ts / 1000;
	set_str(&r, XS_APP_NAME, dispatch_app_proto(e, f, ap, sizeof(ap)));
	if (ndpi_glue_has_label(f))
		r.app_id = f->ndpi_master != 0 ? f->ndpi_master : f->ndpi_app;
	else if (f->app != NULL)
		r.app_id = app_id_of(x, f->app->name);
	set_str(&r, XS_POOL, f->pool != NULL ? f->pool->name : facts.pool_host);
	if (facts.stratum) {
		set_str(&r, XS_WALLET, facts.wallet);
		set_str(&r, XS_WORKER, facts.worker);
		set_str(&r, XS_AGENT, facts.agent);
		set_str(&r, XS_ALGO, facts.algo);
		set_str(&r, XS_DIALECT, facts.dialect);
		set_str(&r, XS_COIN, facts.coin);
		r.submits = facts.shares_submitted;
		r.flags |= XF_STRATUM;
		if (facts.wallet_valid == 1)
			r.flags |= XF_WALLET_VALID;
	}
	r.flags |= (uint32_t)f->alerted << XF_ALERT_SHIFT | (uint32_t)f->evidence << XF_EV_SHIFT;
	if (pod_named(f)) {
		set_str(&r, XS_POD_NAME, pod->name);
		set_str(&r, XS_NAMESPACE, pod->ns);
		r.flags |= XF_POD;
	}
	set_str(&r, XS_NODE, pod_node(x, f));
	if (f->has_pod_addr)
		memcpy(r.pod_addr, f->ext->pod_addr, (size_t)alen);
	ports = flow_has_ports(f);
	set_str(&r, XS_COMMUNITY_ID, flow_community_id(f, cid));
	for (d = 0; d < 2; d++) {
		uint64_t pk = f->pkts[d] - done_pkts(f, d);

		if (pk == 0)
			continue;
		memcpy(r.src, d == SW_DIR_TO_SERVER ? flow_src_addr(f) : flow_dst_addr(f), (size_t)alen);
		memcpy(r.dst, d == SW_DIR_TO_SERVER ? flow_dst_addr(f) : flow_src_addr(f), (size_t)alen);
		r.sport = !ports ? 0 : d == SW_DIR_TO_SERVER ? flow_src_port(f) : flow_dst_port(f);
		r.dport = !ports ? 0 : d == SW_DIR_TO_SERVER ? flow_dst_port(f) : flow_src_port(f);
		/* ICMP: this direction's first type * 256 + code, in its own
		 * element (icmpTypeCodeIPv4/IPv6, v9's ICMP_TYPE) and, as
		 * NetFlow exporters also write it, in the destination port */
		r.icmp = 0;
		if (flow_icmp_known(f, d))
			r.icmp = r.dport = (uint16_t)(f->icmp_type[d] << 8 | f->icmp_code[d]);
		r.tcp_flags = f->key.proto == 6 ? f->tcp_flags[d] : 0;
		r.packets = pk;
		r.octets = f->bytes[d] - (f->x != NULL ? f->x->bytes[d] : 0);
		for (i = 0; i < 2; i++)
			if (x->xp[i] != NULL) {
				struct sw_xrec copy = r; /* strings may be cut to fit */

				xport_add(x->xp[i], &copy, now / 1000);
			}
		if (f->x != NULL) {
			f->x->pkts[d] = f->pkts[d];
			f->x->bytes[d] = f->bytes[d];
		}
	}
	if (f->x != NULL)
		f->x->end = f->last_ts;
}

void export_flow_end(struct sw_export *x, struct sw_flow *f, int why)
{
	if (!flows_on(x))
		return;
	if (f->x != NULL && f->x->listed)
		list_unlink(x, f->x);
	export_records(x, f, end_reason(why));
	export_flow_forget(f);
}

void export_flow_forget(struct sw_flow *f)
{
	free(f->x);
	f->x = NULL;
}

void export_tick(struct sw_export *x, uint64_t now)
{
	int i;

	while (x->head != NULL && x->head->time + x->active_usec <= now) {
		struct sw_flow_export *fx = x->head;
		struct sw_flow *f = fx->f;

		list_unlink(x, fx);
		/* a closed TCP flow ends within flow_timeout_closed and is
		 * exported then, with "end detected": not split before */
		if (f->tcp_state != FLOW_TCP_CLOSED &&
		    (f->pkts[0] != fx->pkts[0] || f->pkts[1] != fx->pkts[1])) {
			x->e->c.exp.active_exports++;
			export_records(x, f, XT_END_ACTIVE);
		}
		list_append(x, fx, now);
	}
	for (i = 0; i < 2; i++)
		if (x->xp[i] != NULL)
			xport_flush(x->xp[i], now / 1000);
}

void export_alert(struct sw_export *x, struct sw_flow *f, const struct sw_alert *al,
    const struct sw_facts *facts, uint64_t ts)
{
	struct sw_syslog *s = x->sl;
	char a[64], b[64], pb[16], ap[32], msg[256], cid[SW_COMMUNITY_ID_LEN];
	int ports;
	const struct sw_pod *pod = f->pod;

	if (s == NULL)
		return;
	ports = flow_has_ports(f);
	xsyslog_begin(s, ts, al->severity, "alert");
	xsyslog_param_u64(s, "sid", al->sid);
	xsyslog_param_u64(s, "rev", al->rev);
	xsyslog_param(s, "signature", al->signature);
	xsyslog_param(s, "category", al->category);
	xsyslog_param_u64(s, "severity", (uint64_t)al->severity);
	xsyslog_param_u64(s, "flow_id", flow_id(f));
	xsyslog_param(s, "proto", sw_proto_name(f->key.proto, pb, sizeof(pb)));
	xsyslog_param(s, "src_ip", sw_addr_str(flow_src_addr(f), f->key.ip_version, a, sizeof(a)));
	if (ports)
		xsyslog_param_u64(s, "src_port", flow_src_port(f));
	xsyslog_param(s, "dest_ip", sw_addr_str(flow_dst_addr(f), f->key.ip_version, b, sizeof(b)));
	if (ports)
		xsyslog_param_u64(s, "dest_port", flow_dst_port(f));
	xsyslog_param(s, "app_proto", dispatch_app_proto(x->e, f, ap, sizeof(ap)));
	xsyslog_param(s, "community_id", flow_community_id(f, cid));
	xsyslog_param(s, "pool", f->pool != NULL ? f->pool->name : facts->pool_host);
	if (facts->stratum) {
		xsyslog_param(s, "dialect", facts->dialect);
		xsyslog_param(s, "coin", facts->coin);
		xsyslog_param(s, "wallet", facts->wallet);
		xsyslog_param(s, "worker", facts->worker);
		xsyslog_param(s, "agent", facts->agent);
	}
	if (f->has_pod_addr) {
		char c[64];

		xsyslog_param(s, "pod_ip", sw_addr_str(f->ext->pod_addr, f->key.ip_version, c, sizeof(c)));
	}
	if (pod_named(f)) {
		xsyslog_param(s, "namespace", pod->ns);
		xsyslog_param(s, "pod_name", pod->name);
	}
	xsyslog_param(s, "node_name", pod_node(x, f));
	snprintf(msg, sizeof(msg), "%s: %s:%u -> %s:%u", al->signature, a,
	    (unsigned)flow_src_port(f), b, (unsigned)flow_dst_port(f));
	xsyslog_end(s, msg);
}
