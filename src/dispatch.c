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
#include "intel.h"

#define SW_PROBE_MAX 4096

/* Anomalies inside a flow (dispatch_flow_sink): bounded per flow so one
 * hostile connection cannot flood the output; the excess is counted. */
void dispatch_flow_anomaly(void *ctx, const struct sw_anomaly *a)
{
	struct sw_deliver_ctx *dc = ctx;
	struct sw_engine *e = dc->e;
	struct sw_flow *f = dc->f;
	char ap[32];

	e->anomalies++;
	if (a->type == SW_ANOMALY_APPLAYER)
		e->c.app.parse_errors++;
	if (f->anomalies >= e->limits.anomaly_max_per_flow) {
		e->c.flow.anomaly_suppressed++;
		return;
	}
	f->anomalies++;
	eve_write_anomaly(e->eve, e->now, f, dispatch_app_proto(e, f, ap, sizeof(ap)), a);
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

/* Is port in a dissector's default_ports ("53,5353,5355")? */
static int port_in_list_slow(const char *list, uint16_t port)
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

/* The same, on lists parsed once: the string is written for people, and
 * probing checks it for every new flow and every dissector. A list that
 * does not fit here (more lists or ports than these) is parsed every time:
 * slower, not wrong. Lists are the dissectors' static strings, so the
 * pointer is the key. */
#define PORT_LISTS_MAX 16
#define PORT_LIST_PORTS 32

struct port_list {
	const char *src;           /* NULL: a free slot */
	uint8_t n;
	uint16_t port[PORT_LIST_PORTS];
};

static struct port_list port_lists[PORT_LISTS_MAX];

static const struct port_list *port_list_get(const char *list)
{
	struct port_list *pl;
	const char *p = list;
	size_t i;

	for (i = 0; i < PORT_LISTS_MAX && port_lists[i].src != NULL; i++)
		if (port_lists[i].src == list)
			return &port_lists[i];
	if (i == PORT_LISTS_MAX)
		return NULL;
	pl = &port_lists[i];
	pl->n = 0;
	while (*p != '\0') {
		unsigned v = 0;

		while (*p >= '0' && *p <= '9' && v <= 65535)
			v = v * 10 + (unsigned)(*p++ - '0');
		if (pl->n == PORT_LIST_PORTS || v > 65535)
			return NULL; /* slot stays free */
		pl->port[pl->n++] = (uint16_t)v;
		while (*p != '\0' && (*p < '0' || *p > '9'))
			p++;
	}
	pl->src = list;
	return pl;
}

static int port_in_list(const char *list, uint16_t port)
{
	const struct port_list *pl = port_list_get(list);
	size_t i;

	if (pl == NULL)
		return port_in_list_slow(list, port);
	for (i = 0; i < pl->n; i++)
		if (pl->port[i] == port)
			return 1;
	return 0;
}

/* Which of the first HINT_DISSECTORS dissectors list port, all at once:
 * bit i of hint_table[port] for sw_dissectors[i]. Probing asks for every
 * new flow and every dissector, twice when no hinted one says yes; one
 * load answers them all. Built on first use from the parsed lists; a
 * dissector the table cannot answer (past the first eight, or a list
 * port_list_get() does not hold) is left out of hint_exact and searched. */
#define HINT_DISSECTORS 8

static uint8_t hint_table[65536];
static uint8_t hint_exact;         /* dissectors the table answers */
static uint8_t hint_built;

static void hint_table_build(void)
{
	size_t i, k;

	for (i = 0; i < sw_dissectors_count && i < HINT_DISSECTORS; i++) {
		const char *list = sw_dissectors[i]->default_ports;
		const struct port_list *pl = list != NULL ? port_list_get(list) : NULL;

		if (list != NULL && pl == NULL)
			continue;
		for (k = 0; pl != NULL && k < pl->n; k++)
			hint_table[pl->port[k]] |= (uint8_t)(1u << i);
		hint_exact |= (uint8_t)(1u << i);
	}
	hint_built = 1;
}

/* The table's answers for port (bits of hint_exact only). */
static unsigned hint_bits(uint16_t port)
{
	if (!hint_built)
		hint_table_build();
	return hint_table[port];
}

/* Does sw_dissectors[i] (ds) list port? hints: hint_bits(port). */
static inline int hinted(const struct sw_dissector *ds, size_t i, unsigned hints, uint16_t port)
{
	if (i < HINT_DISSECTORS && (hint_exact >> i & 1))
		return (int)(hints >> i & 1);
	return ds->default_ports && port_in_list(ds->default_ports, port);
}

extern const struct sw_dissector sw_dissector_dns, sw_dissector_dns_tcp;

/* (asked for every packet of the other workers' flows, --workers: the
 * table answers in a load) */
int dispatch_dns_port(uint8_t ipproto, uint16_t sport, uint16_t dport)
{
	const struct sw_dissector *dns = ipproto == 17 ? &sw_dissector_dns :
	    ipproto == 6 ? &sw_dissector_dns_tcp : NULL;
	size_t i;

	for (i = 0; dns != NULL && i < sw_dissectors_count; i++)
		if (sw_dissectors[i] == dns)
			return hinted(dns, i, hint_bits(sport), sport) ||
			    hinted(dns, i, hint_bits(dport), dport);
	return 0;
}

/* Probe every TCP dissector; returns the one that said YES (its index in
 * *idx), NULL with *maybe set if one needs more bytes. */
static const struct sw_dissector *probe_all(const uint8_t *d, size_t n, int dir,
    uint16_t sport, int *maybe, size_t *idx)
{
	const struct sw_dissector *yes = NULL;
	unsigned hints = hint_bits(sport);
	size_t i;
	int pass;

	*maybe = 0;
	for (pass = 0; pass < 2 && yes == NULL; pass++)
		for (i = 0; i < sw_dissectors_count; i++) {
			const struct sw_dissector *ds = sw_dissectors[i];
			enum sw_probe r;

			if (ds->ipproto != 6 || hinted(ds, i, hints, sport) != (pass == 0))
				continue;
			r = ds->probe(d, n, dir);
			if (r == SW_PROBE_YES) {
				yes = ds;
				*idx = i;
				break;
			}
			if (r == SW_PROBE_MAYBE)
				*maybe = 1;
		}
	return yes;
}

/* Gather the flow's evidence: its dissector's facts and what pool
 * intelligence tied to it. facts must outlive ev. */
static void gather(struct sw_engine *e, struct sw_flow *f, struct sw_facts *facts,
    struct sw_evidence *ev)
{
	memset(facts, 0, sizeof(*facts));
	facts->wallet_valid = -1;
	if (f->app != NULL && f->app->facts != NULL && f->app_state != NULL)
		f->app->facts(f->app_state, facts);
	if (facts->stratum) /* a Stratum session proven: nDPI is not asked further */
		ndpi_glue_skip(f);
	/* a host the protocol itself named (Zcash subscribe, ES2 hello, ...) */
	if (facts->pool_host != NULL && f->pool == NULL && !f->pool_host_checked) {
		struct sw_pool_match m;

		f->pool_host_checked = 1; /* the first host named wins; match it once */
		if (intel_match_name(e->intel, facts->pool_host, &m))
			flow_set_pool(f, facts->pool_host,
			    facts->pool_host_via ? facts->pool_host_via : "stratum", m.coin);
	}
	memset(ev, 0, sizeof(*ev));
	ev->facts = facts;
	ev->flow_ev = f->evidence;
	ev->pool_name = flow_pool_name(f);
	ev->pool_via = flow_pool_via(f);
	ev->pool_coin = f->pool != NULL ? f->pool->coin : "";
	ev->egress = f->direction == DIR_EGRESS;
}

/* The alert's "stratum" and "pool" members as fragments (jw_frag_begin):
 * their strings (a pool list's name, static words, a login and an agent
 * as the miner sent them) nearly always need no escaping, and each
 * through jw_str cost a key, a room check and a call more than its copy
 * here. A string that needs escaping, or a NULL one, and the member is
 * left to the writer (write_alert): the same bytes either way. */

static size_t len0(const char *s)
{
	return s != NULL ? strlen(s) : 0;
}

/* 1 when written (or the writer has failed: nothing more is); 0 when the
 * writer must write it (the comma state is as it was). */
static int write_stratum_frag(struct sw_jw *w, const struct sw_facts *facts)
{
	const char *coin = facts->coin ? facts->coin : "unknown";
	size_t dn, cn = strlen(coin), ln = len0(facts->login), wn = len0(facts->wallet),
	    kn = len0(facts->worker), an = len0(facts->agent), gn = len0(facts->algo);
	uint8_t comma = w->need_comma[w->depth];
	char *q;

	if (facts->dialect == NULL)
		return 0;
	dn = strlen(facts->dialect);
	/* the keys and punctuation take 120 bytes */
	if ((q = jw_frag_begin(w, dn + cn + ln + wn + kn + an + gn + 128)) == NULL)
		return 1;
	q = jw_frag_str(q, "\"stratum\":{\"dialect\":\"", facts->dialect, dn);
	if (q != NULL)
		q = jw_frag_str(q, ",\"coin\":\"", coin, cn);
	if (q != NULL && facts->login)
		q = jw_frag_str(q, ",\"login\":\"", facts->login, ln);
	if (q != NULL && facts->wallet) {
		q = jw_frag_str(q, ",\"wallet\":\"", facts->wallet, wn);
		if (q != NULL && facts->wallet_valid >= 0)
			q = facts->wallet_valid ? jw_frag_lit(q, ",\"wallet_valid\":true") :
			    jw_frag_lit(q, ",\"wallet_valid\":false");
	}
	if (q != NULL && facts->worker)
		q = jw_frag_str(q, ",\"worker\":\"", facts->worker, kn);
	if (q != NULL && facts->agent)
		q = jw_frag_str(q, ",\"agent\":\"", facts->agent, an);
	if (q != NULL && facts->algo)
		q = jw_frag_str(q, ",\"algo\":\"", facts->algo, gn);
	if (q == NULL) {
		w->need_comma[w->depth] = comma;
		return 0;
	}
	*q++ = '}';
	jw_frag_end(w, q);
	return 1;
}

/* "pool" for a listed pool, and "dns" with its rrname when asked. */
static int write_pool_frag(struct sw_jw *w, const struct sw_flow_pool *p, int rrname)
{
	size_t nn = strlen(p->name), vn = strlen(p->via), cn = strlen(p->coin);
	uint8_t comma = w->need_comma[w->depth];
	char *q;

	/* the keys and punctuation take 74 bytes */
	if ((q = jw_frag_begin(w, 2 * nn + vn + cn + 80)) == NULL)
		return 1;
	q = jw_frag_str(q, "\"pool\":{\"domain\":\"", p->name, nn);
	if (q != NULL)
		q = jw_frag_str(q, ",\"via\":\"", p->via, vn);
	if (q != NULL && cn > 0)
		q = jw_frag_str(q, ",\"coin\":\"", p->coin, cn);
	if (q == NULL) {
		w->need_comma[w->depth] = comma;
		return 0;
	}
	q = jw_frag_lit(q, ",\"listed\":true}");
	if (rrname) {
		/* the querying client is the flow's src (the pod) */
		q = jw_frag_lit(q, ",\"dns\":{\"rrname\":\"");
		memcpy(q, p->name, nn); /* plain, as above */
		q += nn;
		q = jw_frag_lit(q, "\"}");
	}
	jw_frag_end(w, q);
	return 1;
}

/* The alerts of one judgement differ only up to their "alert" member:
 * what follows (the stratum, pool and tls members) comes from the same
 * facts and pool, but for "dns", which the DNS lookup rule alone adds. So
 * an alert's members after "alert" are kept when another alert follows,
 * and copied into the next with or without "dns" as they are (a Monero
 * session's second alert: its stratum member's seven strings cost some
 * 700 instructions to measure, check and copy again). Members longer than
 * ALERT_TAIL_MAX are written each time, the same bytes. */
#define ALERT_TAIL_MAX 1024

struct alert_tail {
	int dns;                    /* -1: nothing kept; else whether text has "dns" */
	size_t len;
	char text[ALERT_TAIL_MAX];  /* without the comma before its first member */
};

/* again: the alert follows another of the same judgement, whose envelope
 * is this one's (the same flow, time and app_proto): a Monero session's
 * first two alerts, for one. more: another alert follows this one. */
static void write_alert(struct sw_engine *e, struct sw_flow *f, const struct sw_alert *al,
    struct sw_facts *facts, uint64_t ts, int again, int more, struct alert_tail *tail)
{
	struct sw_jw *w;
	char ap[32], *q;
	const char *app = dispatch_app_proto(e, f, ap, sizeof(ap));
	int dns = al->sid == SW_SID_DNS_POOL;
	size_t start;

	w = again ? eve_begin_again(e->eve, EVE_ALERT, ts, f, app) :
	    eve_begin(e->eve, EVE_ALERT, ts, f, app);
	eve_alert_member(&e->alert_texts, w, al);
	if (tail->dns == dns) {
		if (tail->len > 0 && (q = jw_frag_begin(w, tail->len)) != NULL) {
			memcpy(q, tail->text, tail->len);
			jw_frag_end(w, q + tail->len);
		}
		eve_end(e->eve);
		return;
	}
	start = w->len;
	if (facts->stratum && !write_stratum_frag(w, facts)) {
		jw_obj_open(w, "stratum");
		jw_str(w, "dialect", facts->dialect);
		jw_str(w, "coin", facts->coin ? facts->coin : "unknown");
		if (facts->login)
			jw_str(w, "login", facts->login);
		if (facts->wallet) {
			jw_str(w, "wallet", facts->wallet);
			if (facts->wallet_valid >= 0)
				jw_bool(w, "wallet_valid", facts->wallet_valid);
		}
		if (facts->worker)
			jw_str(w, "worker", facts->worker);
		if (facts->agent)
			jw_str(w, "agent", facts->agent);
		if (facts->algo)
			jw_str(w, "algo", facts->algo);
		jw_obj_close(w);
	}
	if (f->pool != NULL && write_pool_frag(w, f->pool, al->sid == SW_SID_DNS_POOL)) {
		/* written */
	} else if (f->pool != NULL || facts->pool_host != NULL) {
		jw_obj_open(w, "pool");
		if (f->pool != NULL) {
			jw_str(w, "domain", f->pool->name);
			jw_str(w, "via", f->pool->via);
			if (f->pool->coin[0] != '\0')
				jw_str(w, "coin", f->pool->coin);
			jw_bool(w, "listed", 1);
		} else {
			jw_str(w, "domain", facts->pool_host);
			jw_str(w, "via", facts->pool_host_via ? facts->pool_host_via : "stratum");
			jw_bool(w, "listed", 0);
		}
		jw_obj_close(w);
		if (al->sid == SW_SID_DNS_POOL && f->pool != NULL) {
			/* the querying client is the flow's src (the pod) */
			jw_obj_open(w, "dns");
			jw_str(w, "rrname", f->pool->name);
			jw_obj_close(w);
		}
	}
	if (facts->tls) {
		if (facts->fingerprint != NULL) /* made now that they are printed */
			facts->fingerprint(facts, facts->fingerprint_state);
		jw_obj_open(w, "tls");
		if (facts->sni)
			jw_str(w, "sni", facts->sni);
		if (facts->ja3)
			jw_str(w, "ja3", facts->ja3);
		if (facts->ja4)
			jw_str(w, "ja4", facts->ja4);
		jw_obj_close(w);
	}
	if (more && w->err == 0) {
		if (start < w->len && w->buf[start] == ',')
			start++;
		if (w->len - start <= ALERT_TAIL_MAX) {
			memcpy(tail->text, w->buf + start, w->len - start);
			tail->len = w->len - start;
			tail->dns = dns;
		}
	}
	eve_end(e->eve);
}

/* dispatch_check_alerts, leaving in *facts what the flow's dissector said
 * (gather) */
static void check_alerts(struct sw_engine *e, struct sw_flow *f, uint64_t ts,
    struct sw_facts *facts)
{
	struct sw_evidence ev;
	struct sw_alert al[8];
	struct alert_tail tail;
	int n, i;

	gather(e, f, facts, &ev);
	/* every rule needs a Stratum session or an evidence bit (detect.h):
	 * most flows end with neither, and the rules cost 80 instructions */
	n = facts->stratum || ev.flow_ev != 0 ? detect_evaluate(&ev, f->alerted, al, 8) : 0;
	if (n > 0)
		/* an alert names the pod: learn it now if it was not known */
		attrib_recheck(&e->attrib, f, ts);
	tail.dns = -1;
	for (i = 0; i < n; i++) {
		f->alerted |= al[i].rule_bit;
		e->alerts++;
		e->c.detect.alerts++;
		engine_note_alert(e, al[i].sid, al[i].signature);
		if (eve_wants(e->eve, EVE_ALERT))
			write_alert(e, f, &al[i], facts, ts, i > 0, i + 1 < n, &tail);
		if (e->xp != NULL)
			export_alert(e->xp, f, &al[i], facts, ts);
	}
}

void dispatch_check_alerts(struct sw_engine *e, struct sw_flow *f, uint64_t ts)
{
	struct sw_facts facts;

	check_alerts(e, f, ts, &facts);
}

/* ---- observer: facts dissectors report while parsing ---------------- */

static void obs_pool_name(struct sw_deliver_ctx *dc, const char *name, const char *via,
    uint8_t ev_bit)
{
	struct sw_pool_match m;
	struct sw_flow *f = dc->f;

	if (!intel_match_name(dc->e->intel, name, &m))
		return;
	f->evidence |= ev_bit;
	if (f->pool == NULL)
		flow_set_pool(f, name, via, m.coin);
	dispatch_check_alerts(dc->e, f, dc->e->now);
}

static void obs_dns_query(void *ctx, const char *qname, uint16_t qtype)
{
	(void)qtype;
	obs_pool_name(ctx, qname, "dns", FLOW_EV_DNS_QUERY);
}

static void obs_dns_answer(void *ctx, const char *qname, const char *rrname,
    const uint8_t *addr, int ip_version, uint32_t ttl)
{
	struct sw_deliver_ctx *dc = ctx;
	uint8_t a[16] = { 0 };

	memcpy(a, addr, ip_version == 6 ? 16 : 4);
	/* the DNS client is this flow's initiator */
	intel_dns_answer(dc->e->intel, flow_src_addr(dc->f), a, qname, rrname, ttl, dc->e->now);
	/* the question or the end of its CNAME chain may be the pool */
	obs_pool_name(dc, qname, "dns", FLOW_EV_DNS_QUERY);
	if (rrname != NULL && strcmp(rrname, qname) != 0)
		obs_pool_name(dc, rrname, "dns", FLOW_EV_DNS_QUERY);
}

static void obs_host_named(void *ctx, const char *host, uint16_t port, const char *via)
{
	struct sw_deliver_ctx *dc = ctx;

	(void)port;
	/* not inside a SOCKS or CONNECT tunnel: nDPI names those (SOCKS.HTTP) */
	if (strcmp(via, "http-host") == 0 && dc->f->handoffs == 0)
		ndpi_glue_http_host(dc->e->ndpi, dc->f, host);
	obs_pool_name(ctx, host, via, strcmp(via, "sni") == 0 ? FLOW_EV_SNI_POOL :
	    strcmp(via, "http-host") == 0 ? FLOW_EV_HTTP_POOL : FLOW_EV_HOST_POOL);
}

static const struct sw_observer *flow_observer(struct sw_deliver_ctx *dc, struct sw_observer *o)
{
	o->dns_query = obs_dns_query;
	o->dns_answer = obs_dns_answer;
	o->host_named = obs_host_named;
	o->ctx = dc;
	return o;
}

/* After a parse: can the flow's verdict have changed? Not if the dissector
 * says its verdict epoch is the one the flow was last judged at. A handoff
 * (proxy -> Stratum) changes f->app, and with it the epoch's meaning.
 * Nor if the dissector gives no facts (DNS): the verdict is then the
 * flow's evidence alone, which changes only where it is judged at once
 * (obs_pool_name) or at the flow's start, judged after its first payload
 * (engine.c). Judging after every DNS message was 29,000 gatherings of
 * facts on the mixed benchmark's head that could not raise an alert. */
static int verdict_may_change(struct sw_flow *f)
{
	uint32_t ep;

	if (f->app->facts == NULL)
		return 0;
	/* Nor once the rules the facts can raise have fired (detect.h: a
	 * Stratum session, a Monero one; the others read flow evidence, and
	 * are judged where it is set) and gather() has no protocol-named host
	 * left to match: a Monero session's later jobs and logins were 2,300
	 * judgements on the heavy head that could not change a byte. */
	if ((f->alerted & SW_DETECT_FACT_RULES) == SW_DETECT_FACT_RULES &&
	    (f->pool != NULL || f->pool_host_checked))
		return 0;
	if (f->app->verdict_epoch == NULL)
		return 1;
	ep = f->app->verdict_epoch(f->app_state);
	if (f->judged && f->judged_epoch == ep)
		return 0;
	f->judged = 1;
	f->judged_epoch = ep;
	return 1;
}

/* Count the flow's dissector state against app_memcap (sw_limits.h). */
static void app_account(struct sw_engine *e, struct sw_flow *f)
{
	size_t now = 0;

	if (f->app != NULL && f->app_state != NULL && f->app->state_size != NULL)
		now = f->app->state_size(f->app_state);
	if (now > UINT32_MAX) /* (no state's caps come near: counted as the most
	                         the flow holds, the same added as taken off) */
		now = UINT32_MAX;
	e->app_mem = e->app_mem - f->app_mem + now;
	f->app_mem = (uint32_t)now;
	if (e->app_mem > e->c.app.mem_peak)
		e->c.app.mem_peak = e->app_mem;
}

/* Free the flow's dissector state (and its share of app_memcap). */
void dispatch_app_free(struct sw_engine *e, struct sw_flow *f)
{
	if (f->app != NULL && f->app_state != NULL)
		f->app->state_free(f->app_state);
	f->app_state = NULL;
	e->app_mem -= f->app_mem;
	f->app_mem = 0;
}

static void app_stop(struct sw_engine *e, struct sw_flow *f)
{
	dispatch_app_free(e, f);
	f->app_status = APP_FAILED;
}

/* A tunnel (HTTP CONNECT, SOCKS) opened after consumed bytes: drop the
 * tunnel's dissector (what it named is already on the flow) and probe the
 * rest of the slice as the start of a new stream. Bounded: a tunnel inside
 * a tunnel is followed SW_MAX_HANDOFFS deep. */
#define SW_MAX_HANDOFFS 3
static size_t handoff(struct sw_deliver_ctx *dc, const struct sw_slice *s, size_t consumed)
{
	struct sw_flow *f = dc->f;
	struct sw_slice rest = *s;

	dispatch_app_free(dc->e, f);
	f->app = NULL;
	if (++f->handoffs > SW_MAX_HANDOFFS) {
		f->app_status = APP_NONE;
		return s->len;
	}
	f->app_status = APP_PROBING;
	f->probe_tries[0] = f->probe_tries[1] = 0;
	rest.data = s->data + consumed;
	rest.len = s->len - consumed;
	rest.offset = s->offset + consumed;
	rest.flags = (uint8_t)(s->flags & ~SW_SLICE_GAP);
	if (rest.len == 0)
		return consumed;
	return consumed + dispatch_deliver(dc, &rest);
}

/* A dissector writes its events (emit() at the end of the flow, or while
 * parsing: sw_app_env.emit) through these two callbacks, which wrap them
 * in the flow's envelope. An event type the user did not
 * ask for (--eve-types) gets NULL, and the dissector skips it: unwanted
 * events cost a type lookup, not a whole JSON record built and dropped. */
static struct sw_jw *emit_begin(void *ctx, const char *event_type, uint64_t ts_usec)
{
	struct sw_deliver_ctx *dc = ctx;
	unsigned type = eve_wanted_type(dc->e->eve, event_type);
	char ap[32];

	/* by its bit: the envelope then writes the type's name from its
	 * table, known plain, with no check of its bytes */
	if (type == 0)
		return NULL;
	return eve_begin(dc->e->eve, type, ts_usec, dc->f,
	    dispatch_app_proto(dc->e, dc->f, ap, sizeof(ap)));
}

static void emit_end(void *ctx)
{
	struct sw_deliver_ctx *dc = ctx;

	eve_end(dc->e->eve);
}

/* The flow's emit environment, in *out. */
static const struct sw_emit_env *flow_emit_env(struct sw_deliver_ctx *dc,
    struct sw_emit_env *out)
{
	out->begin = emit_begin;
	out->end = emit_end;
	out->ctx = dc;
	out->pool_domain = flow_pool_name(dc->f);
	out->pool_via = flow_pool_via(dc->f);
	return out;
}

/* f is sw_dissectors[i]'s from now on (a probe said yes): its state,
 * whether its events are written, and nDPI told to stop if it names the
 * protocol for sure. 0 when the state cannot be allocated (the flow is
 * APP_FAILED). */
static int app_take(struct sw_engine *e, struct sw_flow *f, size_t i)
{
	const struct sw_dissector *ds = sw_dissectors[i];

	f->app = ds;
	f->app_emit_wanted = (uint8_t)(e->app_emit_wanted >> i & 1);
	f->app_state = ds->state_new(&e->limits);
	/* A new state's facts are empty at epoch 0 (sw_dissector.h): with no
	 * flow evidence either, judging it then could raise nothing, and the
	 * flow counts as judged at 0. That was the first parse's judgement of
	 * every Stratum flow not yet proven (4,000 on the heavy head). With
	 * evidence the first parse judges it, as before. */
	f->judged = f->evidence == 0;
	f->judged_epoch = 0;
	if (f->app_state == NULL) {
		f->app_status = APP_FAILED;
		return 0;
	}
	f->app_status = APP_ACTIVE;
	if (ds->identifies)
		ndpi_glue_skip(f);
	return 1;
}

/* Deliver one slice to the flow's dissector (sw_reasm_deliver_fn). */
size_t dispatch_deliver(void *arg, const struct sw_slice *s)
{
	struct sw_deliver_ctx *dc = arg;
	struct sw_engine *e = dc->e;
	struct sw_flow *f = dc->f;
	struct sw_anomaly_sink sink;
	struct sw_observer obs;
	struct sw_app_env env;
	struct sw_emit_env eenv;
	struct sw_result r;

	if (f->app_status == APP_PROBING) {
		const struct sw_dissector *ds;
		const uint8_t *d = s->data;
		size_t n = s->len, skip = 0, di = 0;
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
		ds = probe_all(d, n, s->dir, flow_dst_port(f), &maybe, &di);
		if (ds == NULL) {
			if (maybe && n < SW_PROBE_MAX && !(s->flags & SW_SLICE_EOF))
				return skip; /* wait for more bytes */
			if (s->dir == SW_DIR_TO_SERVER || ++f->probe_tries[s->dir] > 1) {
				f->app_status = APP_NONE;
				e->c.app.unknown++;
			}
			return s->len;
		}
		if (!app_take(e, f, di))
			return s->len;
		e->c.app.detected++;
		/* fall through to parse this same slice */
	}
	if (f->app_status != APP_ACTIVE)
		return s->len;
	env.limits = &e->limits;
	env.counters = &e->c;
	env.anomalies = dispatch_flow_sink(dc, &sink);
	env.observer = flow_observer(dc, &obs);
	env.emit = f->app_emit_wanted ? flow_emit_env(dc, &eenv) : NULL;
	r = f->app->parse(f->app_state, s, &env);
	if (f->alerted != 0xff && verdict_may_change(f))
		dispatch_check_alerts(e, f, s->ts_usec);
	app_account(e, f);
	if (e->app_mem > e->limits.app_memcap) {
		e->c.app.memcap++;
		sw_anomaly_report(env.anomalies, SW_ANOMALY_APPLAYER, "app_layer.memcap",
		    "dissector state of all flows over app_memcap", "stopped", f->app->name);
		if (f->alerted == 0)
			app_stop(e, f);
		else
			f->app_status = APP_FAILED;
		return s->len;
	}
	switch (r.status) {
	case SW_PARSE_OK:
		return s->len;
	case SW_PARSE_INCOMPLETE:
		return r.consumed <= s->len ? r.consumed : s->len;
	case SW_PARSE_HANDOFF:
		return handoff(dc, s, r.consumed <= s->len ? r.consumed : s->len);
	case SW_PARSE_DONE:
		/* finished, not failed: same clean-up, not counted as an error */
		if (f->alerted == 0)
			app_stop(e, f);
		else
			f->app_status = APP_FAILED;
		return s->len;
	case SW_PARSE_ERROR:
	default:
		/* keep the state if it already proved a session: its facts
		 * and event must survive a later protocol error */
		if (f->alerted == 0)
			app_stop(e, f);
		else
			f->app_status = APP_FAILED;
		e->c.app.parse_errors++;
		return s->len;
	}
}

void dispatch_udp(struct sw_engine *e, struct sw_flow *f, const struct sw_pkt *p, int dir)
{
	struct sw_deliver_ctx dc = { e, f };
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
		unsigned hs = hint_bits(p->sport), hd = hint_bits(p->dport);

		for (i = 0; i < sw_dissectors_count; i++) {
			const struct sw_dissector *ds = sw_dissectors[i];

			/* UDP has no stream to resync on and many DNS-shaped
			 * protocols (NBNS on 137, vendor discovery): a UDP
			 * dissector runs only on its own ports, never guessed
			 * from content alone. */
			if (ds->ipproto != 17 || (ds->default_ports != NULL &&
			    !hinted(ds, i, hs, p->sport) && !hinted(ds, i, hd, p->dport)))
				continue;
			if (ds->probe(s.data, s.len, dir) == SW_PROBE_YES) {
				(void)app_take(e, f, i);
				break;
			}
		}
		if (f->app_status == APP_PROBING) {
			f->app_status = APP_NONE;
			return;
		}
	}
	if (f->app_status == APP_ACTIVE) {
		(void)dispatch_deliver(&dc, &s);
		/* (the memcap may have freed the state: then nothing is
		 * known to be answered) */
		if (f->app->answered != NULL)
			flow_set_answered(e->flows, f,
			    f->app_state != NULL && f->app->answered(f->app_state));
	}
}

void dispatch_flow_end(struct sw_engine *e, struct sw_flow *f)
{
	struct sw_deliver_ctx dc = { e, f };
	struct sw_emit_env env;
	struct sw_facts facts;

	/* the facts the last judgement gathered are the dissector's final
	 * ones: nothing parses between (asking again was a second facts()
	 * call per flow) */
	check_alerts(e, f, f->last_ts, &facts);
	if (f->app == NULL || f->app_state == NULL)
		return;
	if (facts.stratum) {
		e->c.detect.stratum_sessions++;
		engine_note_session(e, facts.dialect);
		if (e->summary_fp != NULL)
			summary_add(e, f, &facts);
	}
	if (f->app->emit != NULL && e->eve != NULL)
		f->app->emit(f->app_state, flow_emit_env(&dc, &env));
}
