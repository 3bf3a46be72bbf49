/* export-eve.c: EVE JSON writer with Suricata's envelope.
 * Reference: Suricata docs, "Eve JSON Format" (common fields). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "attrib.h"
#include "community_id.h"
#include "export-eve.h"
#include "intel.h"
#include "sw_anomaly.h"
#include "sw_decode.h"
#include "sw_slice.h"
#include "sw_time.h"

struct sw_eve {
	FILE *fp;
	int own;
	unsigned types;
	int write_error;
	struct sw_jw jw;
	const char *node_name;     /* --node-name: the k8s object's node for SNAT cases */
};

static const struct {
	unsigned bit;
	const char *name;
} eve_types[] = {
	{ EVE_ALERT, "alert" }, { EVE_STRATUM, "stratum" }, { EVE_ANOMALY, "anomaly" },
	{ EVE_STATS, "stats" }, { EVE_FLOW, "flow" }, { EVE_DNS, "dns" }, { EVE_TLS, "tls" },
};

const char *eve_type_name(unsigned type)
{
	size_t i;

	for (i = 0; i < sizeof(eve_types) / sizeof(eve_types[0]); i++)
		if (eve_types[i].bit == type)
			return eve_types[i].name;
	return "unknown";
}

int eve_parse_types(const char *list, unsigned *mask, char *errbuf, size_t errlen)
{
	const char *p = list;

	*mask = 0;
	while (*p != '\0') {
		size_t n = strcspn(p, ","), i;
		int found = 0;

		for (i = 0; i < sizeof(eve_types) / sizeof(eve_types[0]); i++)
			if (strlen(eve_types[i].name) == n && strncmp(eve_types[i].name, p, n) == 0) {
				*mask |= eve_types[i].bit;
				found = 1;
			}
		if (!found && n == 3 && strncmp(p, "all", 3) == 0) {
			*mask = ~0u;
			found = 1;
		}
		if (!found) {
			snprintf(errbuf, errlen,
			    "--eve-types: unknown event type '%.*s' (known: alert, stratum, anomaly, stats, flow, dns, tls, all)",
			    (int)n, p);
			return -1;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

struct sw_eve *eve_open(const char *path, unsigned types, char *errbuf, size_t errlen)
{
	struct sw_eve *e = calloc(1, sizeof(*e));

	if (e == NULL) {
		snprintf(errbuf, errlen, "out of memory");
		return NULL;
	}
	if (strcmp(path, "-") == 0) {
		e->fp = stdout;
	} else {
		e->fp = fopen(path, "a");
		if (e->fp == NULL) {
			snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
			free(e);
			return NULL;
		}
		e->own = 1;
	}
	e->types = types;
	jw_init(&e->jw);
	return e;
}

int eve_close(struct sw_eve *e, char *errbuf, size_t errlen)
{
	int r = 0;

	if (e == NULL)
		return 0;
	if (fflush(e->fp) != 0 || ferror(e->fp) || e->write_error) {
		snprintf(errbuf, errlen, "writing EVE output failed: %s", strerror(errno));
		r = -1;
	}
	if (e->own && fclose(e->fp) != 0 && r == 0) {
		snprintf(errbuf, errlen, "closing EVE output failed: %s", strerror(errno));
		r = -1;
	}
	jw_free(&e->jw);
	free(e);
	return r;
}

void eve_set_node_name(struct sw_eve *e, const char *name)
{
	if (e != NULL)
		e->node_name = name;
}

int eve_wants(const struct sw_eve *e, unsigned type)
{
	return e != NULL && (e->types & type) != 0;
}

int eve_wants_name(const struct sw_eve *e, const char *event_type)
{
	size_t i;

	for (i = 0; i < sizeof(eve_types) / sizeof(eve_types[0]); i++)
		if (strcmp(eve_types[i].name, event_type) == 0)
			return eve_wants(e, eve_types[i].bit);
	return 0;
}

const char *sw_addr_str(const uint8_t *addr, int ip_version, char *buf, size_t len)
{
	/* IPv4 by hand: inet_ntop goes through sprintf per octet */
	if (ip_version != 6 && len >= 16) {
		char *p = buf;
		int i;

		for (i = 0; i < 4; i++) {
			unsigned v = addr[i];

			if (v >= 100)
				*p++ = (char)('0' + v / 100);
			if (v >= 10)
				*p++ = (char)('0' + v / 10 % 10);
			*p++ = (char)('0' + v % 10);
			*p++ = i < 3 ? '.' : '\0';
		}
		return buf;
	}
	if (inet_ntop(ip_version == 6 ? AF_INET6 : AF_INET, addr, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

const char *sw_proto_name(uint8_t proto, char *buf, size_t len)
{
	switch (proto) {
	case 6: return "TCP";
	case 17: return "UDP";
	case 1: return "ICMP";
	case 58: return "IPv6-ICMP";
	case 132: return "SCTP";
	}
	snprintf(buf, len, "%03u", proto); /* Suricata prints unknown protocols as numbers */
	return buf;
}

static int proto_has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 132;
}

/* Suricata's "tunnel" object (the outermost layer: on a Kubernetes node,
 * the two nodes of the overlay), plus its type and VNI. */
static void write_tunnel(struct sw_jw *w, const struct sw_flow *f)
{
	const struct sw_tunnel *t = &f->tunnel;
	char a[64], pb[8];
	uint8_t proto = decode_tunnel_outer_proto(t->type);

	jw_obj_open(w, "tunnel");
	if (t->ip_version != 0) {
		jw_str(w, "src_ip", sw_addr_str(t->src, t->ip_version, a, sizeof(a)));
		if (proto == 17)
			jw_u64(w, "src_port", t->sport);
		jw_str(w, "dest_ip", sw_addr_str(t->dst, t->ip_version, a, sizeof(a)));
		if (proto == 17)
			jw_u64(w, "dest_port", t->dport);
		/* Suricata's names for the outer protocol */
		jw_str(w, "proto", proto == 4 ? "IPv4" : proto == 41 ? "IPv6" :
		    proto == 47 ? "GRE" : sw_proto_name(proto, pb, sizeof(pb)));
	}
	jw_str(w, "type", decode_tunnel_name(t->type));
	if (t->vni != SW_TUNNEL_NO_VNI)
		jw_u64(w, "vni", t->vni);
	jw_u64(w, "depth", f->tunnel_depth);
	jw_obj_close(w);
}

struct sw_jw *eve_begin_named(struct sw_eve *e, const char *event_type, uint64_t ts_usec,
    const struct sw_flow *f, const char *app_proto)
{
	struct sw_jw *w = &e->jw;
	char ts[SW_TS_LEN], a[64], pb[8];

	jw_reset(w);
	jw_obj_open(w, NULL);
	jw_str(w, "timestamp", sw_ts_format(ts_usec, ts));
	if (f != NULL)
		jw_u64(w, "flow_id", f->flow_id);
	jw_str(w, "event_type", event_type);
	if (f == NULL)
		return w;
	if (f->key.vlan != 0) {
		jw_arr_open(w, "vlan");
		jw_u64(w, NULL, f->key.vlan);
		jw_arr_close(w);
	}
	jw_str(w, "src_ip", sw_addr_str(flow_src_addr(f), f->key.ip_version, a, sizeof(a)));
	if (proto_has_ports(f->key.proto))
		jw_u64(w, "src_port", flow_src_port(f));
	jw_str(w, "dest_ip", sw_addr_str(flow_dst_addr(f), f->key.ip_version, a, sizeof(a)));
	if (proto_has_ports(f->key.proto))
		jw_u64(w, "dest_port", flow_dst_port(f));
	jw_str(w, "proto", sw_proto_name(f->key.proto, pb, sizeof(pb)));
	if (app_proto != NULL)
		jw_str(w, "app_proto", app_proto);
	if (f->direction != 0)
		jw_str(w, "traffic_direction", intel_direction_name(f->direction));
	if (f->community_id[0] == '\0') {
		/* once per flow (a SHA-1): the flow's later events reuse it. The
		 * flow is the caller's, not const; the field is only a cache. */
		char *cid = ((struct sw_flow *)f)->community_id;

		_Static_assert(sizeof(f->community_id) >= SW_COMMUNITY_ID_LEN, "community_id");
		community_id_v1(0, f->key.proto, flow_src_addr(f), flow_dst_addr(f),
		    f->key.ip_version == 6 ? 16 : 4, flow_src_port(f), flow_dst_port(f),
		    proto_has_ports(f->key.proto), cid);
	}
	jw_str(w, "community_id", f->community_id);
	eve_write_k8s(w, f, e->node_name);
	if (f->tunnel.type != SW_TUNNEL_NONE)
		write_tunnel(w, f);
	return w;
}

struct sw_jw *eve_begin(struct sw_eve *e, unsigned type, uint64_t ts_usec,
    const struct sw_flow *f, const char *app_proto)
{
	return eve_begin_named(e, eve_type_name(type), ts_usec, f, app_proto);
}

static const char *anomaly_type_name(enum sw_anomaly_type t)
{
	switch (t) {
	case SW_ANOMALY_DECODE: return "decode";
	case SW_ANOMALY_STREAM: return "stream";
	case SW_ANOMALY_APPLAYER: return "applayer";
	}
	return "unknown";
}

void eve_write_anomaly(struct sw_eve *e, uint64_t ts_usec, const struct sw_flow *f,
    const char *app_proto, const struct sw_anomaly *a)
{
	struct sw_jw *w;

	if (!eve_wants(e, EVE_ANOMALY))
		return;
	w = eve_begin(e, EVE_ANOMALY, ts_usec, f, app_proto);
	jw_obj_open(w, "anomaly");
	jw_str(w, "type", anomaly_type_name(a->type));
	jw_str(w, "event", a->event);
	if (a->app_proto != NULL)
		jw_str(w, "app_proto", a->app_proto);
	if (a->detail != NULL)
		jw_str(w, "detail", a->detail);
	if (a->action != NULL)
		jw_str(w, "action", a->action);
	jw_obj_close(w);
	eve_end(e);
}

void eve_end(struct sw_eve *e)
{
	struct sw_jw *w = &e->jw;

	jw_obj_close(w);
	if (w->err) {
		e->write_error = 1;
		return;
	}
	w->buf[w->len] = '\n';
	if (fwrite(w->buf, 1, w->len + 1, e->fp) != w->len + 1)
		e->write_error = 1;
	w->buf[w->len] = '\0';
}
