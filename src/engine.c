/* engine.c: the per-packet pipeline and the end-of-flow path (engine.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine-int.h"
#include "frame.h"
#include "sw_time.h"

/* Expire flows and fragments once per second of packet time: cheap, and
 * on packet time so offline results do not depend on how fast we read. */
#define SW_EXPIRE_INTERVAL_USEC 1000000ULL
/* Decoder anomalies are per packet and have no flow to bound them; keep
 * the first ones as events and count the rest. */
#define SW_DECODE_ANOMALY_EVENTS_MAX 1000

static void flow_ended(void *arg, struct sw_flow *f, enum sw_flow_end_reason why);

static void write_anomaly(struct sw_engine *e, const struct sw_anomaly *a)
{
	e->anomalies++;
	eve_write_anomaly(e->eve, e->now, NULL, NULL, a);
}

static void decode_anomaly(void *ctx, const struct sw_anomaly *a)
{
	struct sw_engine *e = ctx;

	if (e->shard_id > 0)
		return; /* every worker decodes every packet: worker 0 tells */
	if (e->decode_anomalies++ >= SW_DECODE_ANOMALY_EVENTS_MAX) {
		e->c.flow.anomaly_suppressed++;
		return;
	}
	write_anomaly(e, a);
}

void engine_capture_anomaly(struct sw_engine *e, const char *event, const char *detail)
{
	struct sw_anomaly a = { SW_ANOMALY_DECODE, event, detail, NULL, NULL };

	if (e->shard_id > 0)
		return; /* every worker reads the whole file: worker 0 tells */
	/* after the last packet read, before the flush */
	e->order[0] = e->c.capture.pkts + 1;
	e->order[1] = 0;
	write_anomaly(e, &a);
}

/* A worker of --workers: which flows are its own, and the shadow engine
 * that follows the other workers' DNS flows: no output, no pods, this
 * worker's nDPI and pool intelligence (so its name cache), counters of
 * its own that nobody reads. */
static int engine_shard_new(struct sw_engine *e, const struct sw_engine_opts *o,
    char *errbuf, size_t errlen)
{
	struct sw_engine_opts so = *o;

	e->shard_id = o->shard_id;
	e->shard_n = o->shard_n;
	so.eve_path = NULL;
	so.summary_fp = NULL;
	so.pods = NULL;
	so.ct = NULL;
	so.ndpi = e->ndpi;
	so.shard_n = 0;
	so.collector = 0;
	memset(&so.exp, 0, sizeof(so.exp));
	e->shadow = engine_new(&so, errbuf, errlen);
	return e->shadow != NULL ? 0 : -1;
}

struct sw_engine *engine_new(const struct sw_engine_opts *o, char *errbuf, size_t errlen)
{
	struct sw_engine *e = calloc(1, sizeof(*e));
	size_t i;

	if (e == NULL) {
		snprintf(errbuf, errlen, "out of memory");
		return NULL;
	}
	e->limits = o->limits;
	e->summary_fp = o->summary_fp;
	e->intel = o->intel;
	e->attrib.pods = o->pods;
	e->attrib.ct = o->ct;
	e->attrib.intel = o->intel;
	e->attrib.c = &e->c.k8s;
	if (o->pods != NULL)
		pods_set_counters(o->pods, &e->c.k8s);
	if (o->ct != NULL)
		ct_set_counters(o->ct, &e->c.k8s);
	e->linktype = -1;
	e->decode_sink.report = decode_anomaly;
	e->decode_sink.ctx = e;
	e->reasm.limits = &e->limits;
	e->reasm.counters = &e->c.reasm;
	e->dec = decode_new(&e->limits, &e->c.decode, &e->decode_sink);
	e->flows = flow_table_new(&e->limits, &e->c.flow, flow_ended, e);
	e->twin = twin_new(&e->limits, &e->c.flow);
	if (e->dec == NULL || e->flows == NULL || e->twin == NULL) {
		snprintf(errbuf, errlen, "out of memory");
		goto fail;
	}
	flow_table_number_by(e->flows, &e->c.capture.pkts);
	decode_set_udp_tunnel_ports(e->dec, &o->tunnel_ports);
	e->collector = o->collector;
	e->ndpi = o->ndpi;
	if (e->ndpi == NULL && !e->collector) {
		e->ndpi = ndpi_glue_new(errbuf, errlen);
		if (e->ndpi == NULL)
			goto fail;
		e->own_ndpi = 1;
	}
	if (o->shard_n > 1 && engine_shard_new(e, o, errbuf, errlen) != 0)
		goto fail;
	if (o->eve_path != NULL) {
		e->eve = o->shard_n > 1 ?
		    eve_open_framed(o->shard_fd, o->eve_types, e->order, errbuf, errlen) :
		    eve_open(o->eve_path, o->eve_types, errbuf, errlen);
		if (e->eve == NULL)
			goto fail;
		eve_set_node_name(e->eve, o->node_name);
		/* asked once here, not by name (a scan of the type names) for
		 * every flow a dissector takes */
		for (i = 0; i < sw_dissectors_count; i++)
			if (eve_wants_name(e->eve, sw_dissectors[i]->name))
				e->app_emit_wanted |= (uint32_t)1 << i;
	}
	if (export_wanted(&o->exp) &&
	    (e->xp = export_new(&o->exp, o->node_name, e, errbuf, errlen)) == NULL)
		goto fail;
	return e;
fail:
	engine_free(e);
	return NULL;
}

int engine_set_linktype(struct sw_engine *e, int linktype, char *errbuf, size_t errlen)
{
	if (!decode_linktype_supported(linktype)) {
		snprintf(errbuf, errlen, "link type %d is not supported", linktype);
		return -1;
	}
	e->linktype = linktype;
	return 0;
}

void engine_set_drops(struct sw_engine *e, uint64_t drops)
{
	e->c.capture.kernel_drops = drops;
}

static void tcp_packet(struct sw_engine *e, struct sw_flow *f, const struct sw_pkt *p, int dir)
{
	struct sw_deliver_ctx dc = { e, f };
	struct sw_anomaly_sink sink;
	const struct sw_anomaly_sink *as;

	/* a flow no dissector wants needs no reassembly at all */
	if (f->app_status == APP_NONE || (f->app_status == APP_FAILED && f->app_state == NULL))
		return;
	as = dispatch_flow_sink(&dc, &sink);
	/* a SYN/ACK whose SYN the capture missed still says exactly where
	 * the client's stream starts */
	if ((p->tcp_flags & (SW_TH_SYN | SW_TH_ACK)) == (SW_TH_SYN | SW_TH_ACK))
		reasm_dir_start_acked(&f->reasm[!dir], p->ack);
	if ((p->tcp_flags & SW_TH_ACK) && reasm_ack_ahead(&f->reasm[!dir], p->ack))
		reasm_peer_ack(&e->reasm, &f->reasm[!dir], !dir, p->ack, p->ts_usec,
		    dispatch_deliver, &dc, as);
	reasm_segment(&e->reasm, &f->reasm[dir], dir, p->seq, p->tcp_flags,
	    p->payload, p->payload_len, p->ts_usec, dispatch_deliver, &dc, as);
	if (p->tcp_flags & SW_TH_RST) {
		reasm_finish(&e->reasm, &f->reasm[0], SW_DIR_TO_SERVER, p->ts_usec,
		    dispatch_deliver, &dc, as);
		reasm_finish(&e->reasm, &f->reasm[1], SW_DIR_TO_CLIENT, p->ts_usec,
		    dispatch_deliver, &dc, as);
	}
}

/* Live timers call this with wall time so a quiet interface still expires
 * its flows; e->now stays the newest packet time, so packets the kernel
 * buffered for a moment are not counted as going backwards. */
void engine_tick(struct sw_engine *e, uint64_t now_usec)
{
	uint64_t t = now_usec > e->now ? now_usec : e->now;

	/* (--workers: what a tick ends is written before the packet's own
	 * events, the flows in creation order, frame.h) */
	e->order[1] = SHARD_MINOR_TICK;
	flow_expire(e->flows, t);
	e->order[1] = SHARD_MINOR_FRAGS;
	decode_expire(e->dec, t);
	e->last_expire = t;
	if (e->shadow != NULL)
		engine_tick(e->shadow, t);
	if (e->xp != NULL)
		export_tick(e->xp, t);
	e->order[1] = SHARD_MINOR_PACKET;
}

/* -i any: is this new flow the NAT copy of one already seen? Then the
 * earlier flow, the one analysed, learns both sources (twin.h): normally
 * its own is the pod's and the new one the translated; when the copies
 * came out of order (several -i handles), the other way round. */
static void nat_twin_check(struct sw_engine *e, struct sw_flow *f, const struct sw_pkt *p)
{
	struct sw_flow *kept;
	int snat, new_first;

	kept = twin_nat_match(e->twin, f, p, &snat, &new_first);
	if (kept == NULL || !snat)
		return;
	if (new_first)
		attrib_set_xlated(&e->attrib, kept, p->src, flow_src_addr(kept),
		    p->ip_version, ATTR_NAT_TWIN, p->ts_usec);
	else
		attrib_set_xlated(&e->attrib, kept, flow_src_addr(kept), p->src,
		    p->ip_version, ATTR_NAT_TWIN, p->ts_usec);
}

/* --workers: before a packet, say how far this worker has come, every
 * SHARD_BEAT_PACKETS packets, and key its events by its index. */
static __attribute__((noinline, cold)) void shard_packet_start(struct sw_engine *e)
{
	if (e->c.capture.pkts % SHARD_BEAT_PACKETS == 0 && e->eve != NULL)
		eve_frame_beat(e->eve, e->c.capture.pkts);
	e->order[0] = e->c.capture.pkts + 1;
	e->order[1] = SHARD_MINOR_PACKET;
}

/* --workers: a packet of a flow another worker analyses. Its DNS is
 * followed all the same, silently, by e's shadow engine: the name cache
 * must learn every answer, in packet order, for this worker's own flows to
 * be named as one process would name them. Returns the shadow to analyse
 * the packet in, or NULL when it is not DNS. */
static __attribute__((noinline, cold)) struct sw_engine *shard_other(struct sw_engine *e,
    const struct sw_pkt *p)
{
	struct sw_engine *s = e->shadow;

	if (!dispatch_dns_port(p->ipproto, p->sport, p->dport))
		return NULL;
	s->now = e->now;
	s->c.capture.pkts = e->c.capture.pkts;
	return s;
}

void engine_packet(struct sw_engine *e, uint64_t ts_usec, const uint8_t *bytes,
    uint32_t caplen, uint32_t wirelen)
{
	struct sw_pkt p;
	struct sw_flow *f;
	int dir;

	if (__builtin_expect(e->shard_n > 1, 0))
		shard_packet_start(e);
	e->c.capture.pkts++;
	e->c.capture.bytes += wirelen;
	if (ts_usec < e->now)
		e->c.capture.ts_backwards++;
	else
		e->now = ts_usec;
	if (e->now >= e->last_expire + SW_EXPIRE_INTERVAL_USEC)
		engine_tick(e, e->now);
	if (decode_packet(e->dec, e->linktype, ts_usec, bytes, caplen, wirelen, &p) != SW_DECODE_OK)
		return;
	if (p.ipproto != 6 && p.ipproto != 17 && p.ipproto != 1 && p.ipproto != 58 && p.ipproto != 132)
		return; /* ESP, GRE we could not open, ...: counted by the decoder */
	/* (the packet's flow, reassembly, dissectors, nDPI and alerts: here,
	 * for a worker's own flows or its shadow's, not in a function of their
	 * own, whose call cost 20 instructions a packet and some of what the
	 * compiler inlines) */
	if (__builtin_expect(e->shard_n > 1, 0) &&
	    flow_pkt_worker(&p, (unsigned)e->shard_n) != (unsigned)e->shard_id &&
	    (e = shard_other(e, &p)) == NULL)
		return;
	if (e->nsrc > 1 && !(p.flags & SW_PKT_COOKED)) {
		/* several -i: one packet may cross two of them */
		p.flags |= SW_PKT_MULTI_IF;
		p.ifindex = (uint32_t)e->cur_src;
	}
	/* (only a cooked or multi-interface capture has copies: the test
	 * spares every other packet the call) */
	if ((p.flags & (SW_PKT_COOKED | SW_PKT_MULTI_IF)) && twin_is_copy(e->twin, &p))
		return; /* seen already on another interface (-i any) */
	f = flow_get(e->flows, &p, &dir);
	if (f == NULL)
		return;
	flow_prefetch_app(f);
	if (f->pkts[0] + f->pkts[1] == 0 && (p.ipproto == 6 || p.ipproto == 17))
		nat_twin_check(e, f, &p);
	if (f->nat_twin) {
		/* the post-NAT copy of a flow being analysed: only kept so
		 * that its packets find it and it times out */
		e->c.flow.nat_twin_pkts++;
		flow_update(e->flows, f, &p, dir);
		return;
	}
	if (f->iface == 0)
		f->iface = (uint8_t)e->cur_src;
	if (p.flags & SW_PKT_TUNNELLED)
		f->tunnelled = 1;
	if (f->pkts[0] + f->pkts[1] == 0) {
		/* a new flow: where does it go? (DNS cache, pool IPs, CIDRs)
		 * and which pod sent it */
		intel_flow_start(e->intel, f, p.ts_usec);
		attrib_flow_start(&e->attrib, f, p.ts_usec);
		if (e->xp != NULL)
			export_flow_start(e->xp, f);
	}
	flow_update(e->flows, f, &p, dir);
	if (p.ipproto == 6)
		tcp_packet(e, f, &p, dir);
	else if (p.ipproto == 17)
		dispatch_udp(e, f, &p, dir);
	/* after our dissectors, which may have identified the flow (then
	 * nDPI is skipped: ndpi_glue_skip). While one of them is parsing the
	 * flow nDPI waits: a packet costs it some 20,000 instructions, and it
	 * could only name again what the dissector proves; if the dissector
	 * gives up, nDPI takes the flow from the next packet (ndpi_glue.h). */
	if (!f->ndpi_done && f->app_status != APP_ACTIVE)
		ndpi_glue_packet(e->ndpi, f, &p, &e->limits, &e->c.app);
	/* Evidence known when the flow starts (an address resolved from a pool
	 * name, a listed pool IP) is judged once the first payload has been
	 * dissected, so the alert can say what the flow carried (TLS without
	 * SNI, Stratum). A flow that never carries payload is judged when it
	 * ends. Every evidence bit raises its own rule, so alerted != 0 after
	 * the first judgement and this costs two loads per packet after. */
	if (f->evidence != 0 && f->alerted == 0 && p.payload_len > 0)
		dispatch_check_alerts(e, f, p.ts_usec);
}

static const char *end_reason_str(int why)
{
	switch (why) {
	case FLOW_END_TIMEOUT: return "timeout";
	case FLOW_END_CLOSED: return "closed";
	case FLOW_END_EOF: return "shutdown";
	case FLOW_END_EVICTED: return "forced";
	}
	return "unknown";
}

static const char *tcp_state_str(int s)
{
	switch (s) {
	case FLOW_TCP_NONE: return "none";
	case FLOW_TCP_SYN_SENT: return "syn_sent";
	case FLOW_TCP_SYN_RECV: return "syn_recv";
	case FLOW_TCP_ESTABLISHED: return "established";
	case FLOW_TCP_CLOSING: return "closing";
	case FLOW_TCP_CLOSED: return "closed";
	}
	return "unknown";
}

static void tcp_flags_hex(uint8_t fl, char *buf)
{
	static const char hex[] = "0123456789abcdef";

	buf[0] = hex[fl >> 4];
	buf[1] = hex[fl & 15];
	buf[2] = '\0';
}

/* Suricata's "flow" event: counters per direction, times, state. */
static void write_flow_event(struct sw_engine *e, struct sw_flow *f)
{
	char ap[32], name[64], ts[SW_TS_LEN], hx[3];
	struct sw_jw *w;

	w = eve_begin(e->eve, EVE_FLOW, f->last_ts, f, dispatch_app_proto(e, f, ap, sizeof(ap)));
	jw_obj_open(w, "flow");
	jw_u64(w, "pkts_toserver", f->pkts[SW_DIR_TO_SERVER]);
	jw_u64(w, "pkts_toclient", f->pkts[SW_DIR_TO_CLIENT]);
	jw_u64(w, "bytes_toserver", f->bytes[SW_DIR_TO_SERVER]);
	jw_u64(w, "bytes_toclient", f->bytes[SW_DIR_TO_CLIENT]);
	jw_str(w, "start", sw_ts_format(f->first_ts, ts));
	jw_str(w, "end", sw_ts_format(f->last_ts, ts));
	jw_u64(w, "age", (f->last_ts - f->first_ts) / 1000000);
	jw_str(w, "state", f->key.proto == 6 ?
	    (f->tcp_state == FLOW_TCP_CLOSED ? "closed" : f->tcp_state >= FLOW_TCP_ESTABLISHED ? "established" : "new") :
	    (f->pkts[0] && f->pkts[1] ? "established" : "new"));
	jw_str(w, "reason", end_reason_str(f->end_reason));
	jw_bool(w, "alerted", f->alerted != 0);
	if (f->midstream)
		jw_bool(w, "midstream", 1);
	if (ndpi_glue_has_label(f)) /* none when our dissector identified the flow first */
		jw_str(w, "ndpi_proto", ndpi_glue_proto_name(e->ndpi, f, name, sizeof(name)));
	jw_obj_close(w);
	if (f->key.proto == 6) {
		jw_obj_open(w, "tcp");
		tcp_flags_hex((uint8_t)(f->tcp_flags[0] | f->tcp_flags[1]), hx);
		jw_str(w, "tcp_flags", hx);
		tcp_flags_hex(f->tcp_flags[SW_DIR_TO_SERVER], hx);
		jw_str(w, "tcp_flags_ts", hx);
		tcp_flags_hex(f->tcp_flags[SW_DIR_TO_CLIENT], hx);
		jw_str(w, "tcp_flags_tc", hx);
		if (f->tcp_flags[0] & SW_TH_SYN || f->tcp_flags[1] & SW_TH_SYN)
			jw_bool(w, "syn", 1);
		if (f->tcp_flags[0] & SW_TH_FIN || f->tcp_flags[1] & SW_TH_FIN)
			jw_bool(w, "fin", 1);
		if (f->rst_seen)
			jw_bool(w, "rst", 1);
		jw_str(w, "state", tcp_state_str(f->tcp_state));
		jw_obj_close(w);
	}
	eve_end(e->eve);
}

/* Called by the flow table for every flow that ends. */
static void flow_ended(void *arg, struct sw_flow *f, enum sw_flow_end_reason why)
{
	struct sw_engine *e = arg;
	struct sw_deliver_ctx dc = { e, f };
	struct sw_anomaly_sink sink;
	const struct sw_anomaly_sink *as = dispatch_flow_sink(&dc, &sink);
	int d;

	(void)why;
	/* expiry and the flush end flows by seq_no (frame.h); an eviction
	 * or a reused 5-tuple ends one among the packet's own events */
	if (e->order[1] != SHARD_MINOR_PACKET)
		e->order[1] = f->seq_no;
	twin_flow_end(e->twin, f);
	if (f->nat_twin)
		return; /* nothing was analysed or attached; nothing is written */
	if (f->key.proto == 6 && f->app_status != APP_NONE)
		for (d = 0; d < 2; d++)
			reasm_finish(&e->reasm, &f->reasm[d], d, f->last_ts, dispatch_deliver, &dc, as);
	ndpi_glue_flow_end(e->ndpi, f);
	attrib_recheck(&e->attrib, f, f->last_ts);
	dispatch_flow_end(e, f);
	if (eve_wants(e->eve, EVE_FLOW))
		write_flow_event(e, f);
	if (e->xp != NULL)
		export_flow_end(e->xp, f, why);
	else
		export_flow_forget(f); /* engine_free freed the exporter first */
	attrib_flow_end(&e->attrib, f);
	for (d = 0; d < 2; d++)
		reasm_dir_free(&e->reasm, &f->reasm[d]);
	dispatch_app_free(e, f);
	free(f->pool);
	f->pool = NULL;
}

#define SW_COUNTER(field, name) jw_u64(w, name, grp->field);
void engine_write_stats(struct sw_engine *e, uint64_t ts_usec)
{
	struct sw_jw *w;

	if (!eve_wants(e->eve, EVE_STATS))
		return;
	w = eve_begin(e->eve, EVE_STATS, ts_usec, NULL, NULL);

	jw_obj_open(w, "stats");
	{
		const struct sw_counters_capture *grp = &e->c.capture;
		jw_obj_open(w, "capture");
#include "counters/capture.def"
		jw_obj_close(w);
	}
	{
		const struct sw_counters_decode *grp = &e->c.decode;
		jw_obj_open(w, "decoder");
#include "counters/decode.def"
		jw_obj_close(w);
	}
	{
		const struct sw_counters_flow *grp = &e->c.flow;
		jw_obj_open(w, "flow");
#include "counters/flow.def"
		jw_u64(w, "active", flow_active(e->flows));
		jw_obj_close(w);
	}
	{
		const struct sw_counters_reasm *grp = &e->c.reasm;
		jw_obj_open(w, "reasm");
#include "counters/reasm.def"
		jw_obj_close(w);
	}
	{
		const struct sw_counters_app *grp = &e->c.app;
		jw_obj_open(w, "app_layer");
#include "counters/app.def"
		jw_obj_close(w);
	}
	{
		/* the DNS, TLS, HTTP and SOCKS dissectors' counters */
		const struct sw_counters_proto *grp = &e->c.proto;
		jw_obj_open(w, "proto");
#include "counters/proto.def"
		if (e->dns_merged) {
			/* --workers: each worker's cache learnt every answer */
			jw_u64(w, "dns_cache_entries", e->dns_entries);
			jw_u64(w, "dns_cache_evicted", e->dns_evicted);
		} else if (e->intel != NULL) {
			/* the DNS name cache (dns_cache_max) */
			jw_u64(w, "dns_cache_entries", intel_dns_cache_count(e->intel));
			jw_u64(w, "dns_cache_evicted", intel_dns_cache_evicted(e->intel));
		}
		jw_obj_close(w);
	}
	{
		const struct sw_counters_stratum *grp = &e->c.stratum;
		jw_obj_open(w, "stratum");
#include "counters/stratum.def"
		jw_obj_close(w);
	}
	{
		const struct sw_counters_detect *grp = &e->c.detect;
		jw_obj_open(w, "detect");
#include "counters/detect.def"
		jw_obj_close(w);
	}
	if (attrib_enabled(&e->attrib)) {
		const struct sw_counters_k8s *grp = &e->c.k8s;
		jw_obj_open(w, "k8s");
#include "counters/k8s.def"
		jw_u64(w, "pods", pods_count(e->attrib.pods));
		jw_u64(w, "conntrack", ct_count(e->attrib.ct));
		jw_obj_close(w);
	}
	if (e->xp != NULL) {
		const struct sw_counters_export *grp = &e->c.exp;
		jw_obj_open(w, "export");
#include "counters/export.def"
		jw_obj_close(w);
	}
	if (e->kubeapi_on) {
		const struct sw_counters_kubeapi *grp = &e->c.kubeapi;
		jw_obj_open(w, "kube_api");
#include "counters/kubeapi.def"
		jw_obj_close(w);
	}
	eve_output_stats(e->eve, w);
	jw_obj_close(w);
	eve_end(e->eve);
}
#undef SW_COUNTER

struct sw_counters_kubeapi *engine_kubeapi_counters(struct sw_engine *e)
{
	e->kubeapi_on = 1;
	return &e->c.kubeapi;
}

int engine_finish(struct sw_engine *e, char *errbuf, size_t errlen)
{
	e->order[0] = SHARD_ORDER_END;
	e->order[1] = SHARD_MINOR_TICK;
	flow_flush(e->flows, FLOW_END_EOF);
	if (e->xp != NULL)
		export_tick(e->xp, e->now > e->last_expire ? e->now : e->last_expire);
	/* a worker's counters and rows go to the collector (shard.c); a
	 * collector that lost a worker has neither whole */
	if (e->shard_n <= 1 && !e->collector_failed) {
		engine_write_stats(e, e->now);
		if (e->summary_fp != NULL)
			summary_print(e, e->summary_fp);
	}
	if (e->eve != NULL) {
		int r = eve_close(e->eve, errbuf, errlen);

		e->eve = NULL;
		if (r != 0)
			return -1;
	}
	return 0;
}

uint64_t engine_alert_count(const struct sw_engine *e)
{
	return e->alerts;
}

void engine_free(struct sw_engine *e)
{
	char eb[8];

	if (e == NULL)
		return;
	/* flows still open end silently: their output was not asked for */
	export_free(e->xp);
	e->xp = NULL;
	if (e->flows != NULL) {
		struct sw_eve *eve = e->eve;

		e->eve = NULL;
		flow_table_free(e->flows);
		e->eve = eve;
	}
	twin_free(e->twin);
	decode_free(e->dec);
	engine_free(e->shadow);
	if (e->own_ndpi)
		ndpi_glue_free(e->ndpi);
	if (e->eve != NULL)
		(void)eve_close(e->eve, eb, sizeof(eb));
	eve_alert_texts_free(&e->alert_texts);
	free(e->rows);
	free(e);
}
