/* dispatch.c: choose a dissector for a flow by probing its first bytes,
 * hand it reassembled slices, and ask the verdict after each step.
 *
 * Probing order: dissectors whose default ports include the flow's server
 * port first, then the rest in registry order; the first YES wins. A flow
 * nobody claims (every dissector said NO for the initiator's first bytes,
 * or nothing was decided within SW_PROBE_MAX bytes) gets no dissector and
 * from then on costs no reassembly. A midstream flow's first slice carries
 * GAP; probing then starts after its first newline, since every TCP
 * protocol we dissect is line-framed at the start of a message. */
#include <stdio.h>
#include <string.h>

#include "detect.h"
#include "engine-int.h"

#define SW_PROBE_MAX 4096

static void flow_anomaly(void *ctx, const struct sw_anomaly *a);

const struct sw_anomaly_sink *dispatch_flow_sink(struct sw_deliver_ctx *dc, struct sw_anomaly_sink *sink)
{
	sink->report = flow_anomaly;
	sink->ctx = dc;
	return sink;
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

/* Anomalies inside a flow: bounded per flow so one hostile connection
 * cannot flood the output; the excess is counted. */
static void flow_anomaly(void *ctx, const struct sw_anomaly *a)
{
	struct sw_deliver_ctx *dc = ctx;
	struct sw_engine *e = dc->e;
	struct sw_flow *f = dc->f;
	struct sw_jw *w;
	char ap[32];

	if (a->type == SW_ANOMALY_APPLAYER)
		e->c.app.parse_errors++;
	if (f->anomalies >= e->limits.anomaly_max_per_flow) {
		e->c.flow.anomaly_suppressed++;
		return;
	}
	f->anomalies++;
	if (!eve_wants(e->eve, EVE_ANOMALY))
		return;
	w = eve_begin(e->eve, EVE_ANOMALY, e->now, f, dispatch_app_proto(e, f, ap, sizeof(ap)));
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
	eve_end(e->eve);
}

const char *dispatch_app_proto(struct sw_engine *e, const struct sw_flow *f, char *buf, size_t len)
{
	const char *n;

	if (f->app != NULL && f->app_status == APP_ACTIVE)
		return f->app->name;
	if (f->app != NULL && f->app_status == APP_FAILED && f->app_state != NULL)
		return f->app->name;
	n = ndpi_glue_app_proto(e->ndpi, f, buf, len);
	if (n != NULL)
		return n;
	return f->app_status == APP_FAILED ? "failed" : "unknown";
}

static int port_in_list(const char *list, uint16_t port)
{
	const char *p = list;

	while (p != NULL && *p != '\0') {
		unsigned v = 0;

		while (*p >= '0' && *p <= '9')
			v = v * 10 + (unsigned)(*p++ - '0');
		if (v == port)
			return 1;
		while (*p != '\0' && (*p < '0' || *p > '9'))
			p++;
	}
	return 0;
}

/* Probe every TCP dissector; returns the one that said YES, NULL with
 * *maybe set if one needs more bytes. */
static const struct sw_dissector *probe_all(const uint8_t *d, size_t n, int dir,
    uint16_t sport, int *maybe)
{
	const struct sw_dissector *yes = NULL;
	size_t i;
	int pass;

	*maybe = 0;
	for (pass = 0; pass < 2 && yes == NULL; pass++)
		for (i = 0; i < sw_dissectors_count; i++) {
			const struct sw_dissector *ds = sw_dissectors[i];
			int hinted = ds->default_ports && port_in_list(ds->default_ports, sport);
			enum sw_probe r;

			if (ds->ipproto != 6 || hinted != (pass == 0))
				continue;
			r = ds->probe(d, n, dir);
			if (r == SW_PROBE_YES) {
				yes = ds;
				break;
			}
			if (r == SW_PROBE_MAYBE)
				*maybe = 1;
		}
	return yes;
}

void dispatch_check_alerts(struct sw_engine *e, struct sw_flow *f, uint64_t ts)
{
	struct sw_facts facts;
	struct sw_alert al[4];
	int n, i;
	char ap[32];

	if (f->app == NULL || f->app->facts == NULL || f->app_state == NULL || f->alerted == 0x03)
		return;
	memset(&facts, 0, sizeof(facts));
	facts.wallet_valid = -1;
	f->app->facts(f->app_state, &facts);
	n = detect_evaluate(&facts, f->alerted, al, 4);
	for (i = 0; i < n; i++) {
		struct sw_jw *w;
		int r;

		f->alerted |= al[i].rule_bit;
		e->alerts++;
		e->c.detect.alerts++;
		if (!eve_wants(e->eve, EVE_ALERT))
			continue;
		w = eve_begin(e->eve, EVE_ALERT, ts, f, dispatch_app_proto(e, f, ap, sizeof(ap)));
		jw_obj_open(w, "alert");
		jw_str(w, "action", "allowed");
		jw_u64(w, "gid", 1);
		jw_u64(w, "signature_id", al[i].sid);
		jw_u64(w, "rev", al[i].rev);
		jw_str(w, "signature", al[i].signature);
		jw_str(w, "category", al[i].category);
		jw_u64(w, "severity", (uint64_t)al[i].severity);
		jw_obj_open(w, "metadata");
		jw_arr_open(w, "reasons");
		for (r = 0; r < al[i].nreasons; r++)
			jw_str(w, NULL, al[i].reasons[r]);
		jw_arr_close(w);
		jw_obj_close(w);
		jw_obj_close(w);
		jw_obj_open(w, "stratum");
		jw_str(w, "dialect", facts.dialect);
		jw_str(w, "coin", facts.coin ? facts.coin : "unknown");
		if (facts.login)
			jw_str(w, "login", facts.login);
		if (facts.wallet) {
			jw_str(w, "wallet", facts.wallet);
			if (facts.wallet_valid >= 0)
				jw_bool(w, "wallet_valid", facts.wallet_valid);
		}
		if (facts.worker)
			jw_str(w, "worker", facts.worker);
		if (facts.agent)
			jw_str(w, "agent", facts.agent);
		if (facts.algo)
			jw_str(w, "algo", facts.algo);
		jw_obj_close(w);
		if (facts.pool_host) {
			jw_obj_open(w, "pool");
			jw_str(w, "domain", facts.pool_host);
			jw_str(w, "via", facts.pool_host_via ? facts.pool_host_via : "stratum");
			jw_obj_close(w);
		}
		eve_end(e->eve);
	}
}

static void app_stop(struct sw_flow *f)
{
	if (f->app != NULL && f->app_state != NULL)
		f->app->state_free(f->app_state);
	f->app_state = NULL;
	f->app_status = APP_FAILED;
}

/* Deliver one slice to the flow's dissector (sw_reasm_deliver_fn). */
size_t dispatch_deliver(void *arg, const struct sw_slice *s)
{
	struct sw_deliver_ctx *dc = arg;
	struct sw_engine *e = dc->e;
	struct sw_flow *f = dc->f;
	struct sw_anomaly_sink sink;
	struct sw_app_env env;
	struct sw_result r;

	if (f->app_status == APP_PROBING) {
		const struct sw_dissector *ds;
		const uint8_t *d = s->data;
		size_t n = s->len, skip = 0;
		int maybe;

		if (n == 0)
			return 0;
		if (s->flags & SW_SLICE_GAP) {
			const uint8_t *lf = memchr(d, '\n', n);

			if (lf == NULL)
				return n < SW_PROBE_MAX ? 0 : n;
			skip = (size_t)(lf - d) + 1;
			d += skip;
			n -= skip;
			if (n == 0)
				return skip;
		}
		e->c.app.probed++;
		ds = probe_all(d, n, s->dir, flow_dst_port(f), &maybe);
		if (ds == NULL) {
			if (maybe && n < SW_PROBE_MAX && !(s->flags & SW_SLICE_EOF))
				return skip; /* wait for more bytes */
			if (s->dir == SW_DIR_TO_SERVER || ++f->probe_tries[s->dir] > 1) {
				f->app_status = APP_NONE;
				e->c.app.unknown++;
			}
			return s->len;
		}
		f->app = ds;
		f->app_state = ds->state_new(&e->limits);
		if (f->app_state == NULL) {
			f->app_status = APP_FAILED;
			return s->len;
		}
		f->app_status = APP_ACTIVE;
		e->c.app.detected++;
		/* fall through to parse this same slice */
	}
	if (f->app_status != APP_ACTIVE)
		return s->len;
	env.limits = &e->limits;
	env.counters = &e->c;
	env.anomalies = dispatch_flow_sink(dc, &sink);
	r = f->app->parse(f->app_state, s, &env);
	dispatch_check_alerts(e, f, s->ts_usec);
	switch (r.status) {
	case SW_PARSE_OK:
		return s->len;
	case SW_PARSE_INCOMPLETE:
		return r.consumed <= s->len ? r.consumed : s->len;
	case SW_PARSE_HANDOFF:
		/* tunnels are re-probed by the dissector itself for now */
		return r.consumed <= s->len ? r.consumed : s->len;
	case SW_PARSE_ERROR:
	default:
		/* keep the state if it already proved a session: its facts
		 * and event must survive a later protocol error */
		if (f->alerted == 0)
			app_stop(f);
		else
			f->app_status = APP_FAILED;
		e->c.app.parse_errors++;
		return s->len;
	}
}

void dispatch_udp(struct sw_engine *e, struct sw_flow *f, const struct sw_pkt *p, int dir)
{
	struct sw_deliver_ctx dc = { e, f, 0 };
	struct sw_slice s;
	size_t i;

	if (f->app_status == APP_NONE || f->app_status == APP_FAILED || p->payload_len == 0)
		return;
	memset(&s, 0, sizeof(s));
	s.data = p->payload;
	s.len = p->payload_len;
	s.dir = (uint8_t)dir;
	s.flags = SW_SLICE_UDP;
	s.ts_usec = p->ts_usec;
	if (f->app_status == APP_PROBING) {
		for (i = 0; i < sw_dissectors_count; i++) {
			const struct sw_dissector *ds = sw_dissectors[i];

			if (ds->ipproto == 17 && ds->probe(s.data, s.len, dir) == SW_PROBE_YES) {
				f->app = ds;
				f->app_state = ds->state_new(&e->limits);
				f->app_status = f->app_state ? APP_ACTIVE : APP_FAILED;
				break;
			}
		}
		if (f->app_status == APP_PROBING) {
			f->app_status = APP_NONE;
			return;
		}
	}
	if (f->app_status == APP_ACTIVE)
		(void)dispatch_deliver(&dc, &s);
}

/* The dissector's emit() writes its events through these two callbacks,
 * which wrap them in the flow's envelope. */
static struct sw_jw *emit_begin(void *ctx, const char *event_type, uint64_t ts_usec)
{
	struct sw_deliver_ctx *dc = ctx;
	char ap[32];

	/* an event type the user did not ask for is built and dropped, so
	 * dissectors stay unaware of --eve-types */
	dc->discard = !eve_wants_name(dc->e->eve, event_type);
	return eve_begin_named(dc->e->eve, event_type, ts_usec, dc->f,
	    dispatch_app_proto(dc->e, dc->f, ap, sizeof(ap)));
}

static void emit_end(void *ctx)
{
	struct sw_deliver_ctx *dc = ctx;

	if (!dc->discard)
		eve_end(dc->e->eve);
}

void dispatch_flow_end(struct sw_engine *e, struct sw_flow *f)
{
	struct sw_deliver_ctx dc = { e, f, 0 };
	struct sw_emit_env env = { emit_begin, emit_end, &dc };
	struct sw_facts facts;

	if (f->app == NULL || f->app_state == NULL)
		return;
	dispatch_check_alerts(e, f, f->last_ts);
	memset(&facts, 0, sizeof(facts));
	facts.wallet_valid = -1;
	if (f->app->facts != NULL)
		f->app->facts(f->app_state, &facts);
	if (facts.stratum) {
		e->c.detect.stratum_sessions++;
		if (e->summary_fp != NULL)
			summary_add(e, f, &facts);
	}
	if (f->app->emit != NULL && e->eve != NULL)
		f->app->emit(f->app_state, &env);
}
