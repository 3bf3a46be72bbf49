/* dns.c: the DNS dissector over UDP and TCP (RFC 1035 sections 4.1-4.2;
 * RFC 7766 for the TCP length prefix; EVE output after Suricata's dns
 * "version 2" records, rust/src/dns/log.rs).
 *
 * Per message: header, questions, then for responses the answer and
 * authority records (A, AAAA, CNAME, NS, PTR, MX rdata decoded; other types
 * kept as name/type/ttl and skipped by RDLENGTH). Names are decoded by
 * dns-name.c, which bounds compression pointers.
 *
 * What leaves the dissector:
 *   - observer->dns_query for every question of a query (QR=0),
 *   - observer->dns_answer for every A/AAAA at the end of the CNAME chain
 *     that starts at the first question (at most DNS_CHAIN_MAX links),
 *   - one EVE "dns" event per message, written as it is parsed (at its
 *     packet's time, when dns events are asked for: sw_app_env.emit), for
 *     the first limits.dns_events_per_flow messages of the flow
 *     (dns_log_dropped counts the rest). Nothing is kept for them: a log
 *     written at the end of the flow held 1 KB and more per lookup until
 *     it timed out.
 *
 * TCP stream:   | len (2) | message (len) | len (2) | message ... |
 * A partial message is left unconsumed (SW_PARSE_INCOMPLETE); after a gap
 * the message boundaries are lost, so that direction is no longer read. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_addr.h"
#include "sw_dissector.h"
#include "sw_rd.h"
#include "sw_slab.h"
#include "dns-name.h"

#define DNS_HDR_LEN 12
#define DNS_LOG_RR_MAX 32         /* records written per message */
#define DNS_MSG_RR_MAX 64         /* answer/authority records examined per message */
#define DNS_ARENA_MAX 16384       /* names of one message's records */
#define DNS_QD_MAX 16             /* questions decoded (and reported) per message */
#define DNS_CHAIN_MAX 16          /* CNAME links followed from the question */
#define DNS_PROBE_QD_MAX 4        /* questions a message may carry to be probed DNS */
#define DNS_NO_TEXT 0xffff
#define DNS_MEMO_MAX 8            /* names of a message a pointer may reuse */

/* dns_rr.section */
#define DNS_SEC_ANSWER 0
#define DNS_SEC_AUTHORITY 1

/* RR types we decode (RFC 1035 section 3.2.2, RFC 3596) */
#define T_A 1
#define T_NS 2
#define T_CNAME 5
#define T_PTR 12
#define T_MX 15
#define T_AAAA 28

/* anomaly_once bits: one event of each kind per flow */
#define AO_MALFORMED 0x01
#define AO_LOOP      0x02
#define AO_FORWARD   0x04
#define AO_LONG      0x08
#define AO_CNAME     0x10
#define AO_TCPLEN    0x20
#define AO_RR        0x40

struct dns_rr {
	uint32_t ttl;
	uint16_t type;
	uint16_t name;   /* offset of the owner name in the text arena */
	uint16_t rdata;  /* offset of a name rdata, or DNS_NO_TEXT */
	uint8_t section; /* DNS_SEC_* */
	uint8_t alen;    /* 4 or 16: addr holds an A/AAAA address */
	uint8_t addr[16];
};

/* One message being parsed (on the stack: about 19 KiB). */
struct dns_scratch {
	char qname[DNS_NAME_TEXT_MAX];
	uint16_t qtype;
	uint8_t have_q;
	struct dns_rr rr[DNS_MSG_RR_MAX];
	size_t nrr;
	char arena[DNS_ARENA_MAX];
	size_t alen;
	/* names already read (texts in qname and arena), the latest
	 * DNS_MEMO_MAX: a pointer to one's start copies its text */
	struct dns_name_memo memo[DNS_MEMO_MAX];
	size_t nmemo, memo_next;
};

/* One message as its event shows it (a view of the parse's scratch). */
struct dns_entry {
	uint16_t id, flags, qtype;
	uint8_t has_q;
	uint16_t nrr;
	const struct dns_rr *rr; /* names are offsets into arena */
	const char *qname;
	const char *arena;
};

/* UDP: ids of queries not yet answered, for answered(). More outstanding
 * at once than this and the flow is never called answered (it keeps
 * flow_timeout_udp): unknown is not guessed. */
#define DNS_PENDING_MAX 4

struct dns_state {
	uint16_t pending[DNS_PENDING_MAX];
	uint32_t written;    /* dns events written (<= limits.dns_events_per_flow) */
	uint8_t anomaly_once;
	uint8_t desync[2];   /* TCP: a gap or a bad length; stop reading */
	uint8_t npending : 3;     /* ids in pending[] */
	uint8_t pending_lost : 1; /* more than DNS_PENDING_MAX were outstanding */
	uint8_t responses : 1;    /* a response was seen */
};
/* one per UDP lookup flow, thousands open at once on a node */
_Static_assert(sizeof(struct dns_state) == 16, "dns_state grew");
_Static_assert(DNS_PENDING_MAX < 8, "npending is 3 bits");

extern const struct sw_dissector sw_dissector_dns;
extern const struct sw_dissector sw_dissector_dns_tcp;

/* ---- helpers --------------------------------------------------------- */

#define CTR_INC(env, field) do {                                        \
	if ((env) != NULL && (env)->counters != NULL)                   \
		(env)->counters->proto.field++;                         \
} while (0)

static void dns_anomaly(struct dns_state *st, const struct sw_app_env *env,
    uint8_t bit, const char *event, const char *detail)
{
	if (st->anomaly_once & bit)
		return;
	st->anomaly_once |= bit;
	if (env != NULL)
		sw_anomaly_report(env->anomalies, SW_ANOMALY_APPLAYER, event,
		    detail, "skipped", "dns");
}

/* Count and report a name that did not decode; the message stops there. */
static void dns_name_error(struct dns_state *st, const struct sw_app_env *env,
    enum dns_name_status s)
{
	CTR_INC(env, dns_malformed);
	switch (s) {
	case DNS_NAME_LOOP:
		CTR_INC(env, dns_compression_loops);
		dns_anomaly(st, env, AO_LOOP, "dns.compression_loop",
		    "a compression pointer loops or chains too far");
		break;
	case DNS_NAME_FORWARD:
		dns_anomaly(st, env, AO_FORWARD, "dns.compression_forward",
		    "a compression pointer points forward");
		break;
	case DNS_NAME_TOO_LONG:
		CTR_INC(env, dns_names_too_long);
		dns_anomaly(st, env, AO_LONG, "dns.name_too_long",
		    "a name longer than 255 bytes");
		break;
	case DNS_NAME_BAD_LABEL:
		dns_anomaly(st, env, AO_MALFORMED, "dns.malformed",
		    "a label of reserved type");
		break;
	default:
		dns_anomaly(st, env, AO_MALFORMED, "dns.malformed",
		    "a name runs past the end of the message");
		break;
	}
}

static void dns_truncated(struct dns_state *st, const struct sw_app_env *env,
    const char *detail)
{
	CTR_INC(env, dns_malformed);
	dns_anomaly(st, env, AO_MALFORMED, "dns.malformed", detail);
}

/* Copy a NUL-terminated name into the scratch arena. Returns its offset or
 * DNS_NO_TEXT when the arena is full. */
static uint16_t dns_arena_add(struct dns_scratch *sc, const char *s, size_t n)
{
	size_t at = sc->alen;

	if (DNS_ARENA_MAX - sc->alen < n + 1)
		return DNS_NO_TEXT;
	memcpy(sc->arena + at, s, n + 1);
	sc->alen += n + 1;
	return (uint16_t)at;
}

/* Remember the name info describes, whose text is at text; a name that
 * is a lone pointer is not kept (its target is, when it is a start). */
static void dns_memo_add(struct dns_scratch *sc, const uint8_t *m,
    struct dns_name_memo *info, const char *text)
{
	if ((m[info->off] & 0xc0) == 0xc0)
		return;
	info->text = text;
	sc->memo[sc->memo_next] = *info;
	sc->memo_next = (sc->memo_next + 1) % DNS_MEMO_MAX;
	if (sc->nmemo < DNS_MEMO_MAX)
		sc->nmemo++;
}

/* ---- resource records ---------------------------------------------- */

enum { RR_OK = 0, RR_STOP = 1 };

/* Parse one RR at *off into sc (when there is room). Returns RR_OK with *off
 * past the record, or RR_STOP after reporting why. */
static int dns_rr_parse(struct dns_state *st, const struct sw_app_env *env,
    const uint8_t *m, size_t n, size_t *off, uint8_t section, struct dns_scratch *sc)
{
	char name[DNS_NAME_TEXT_MAX], rname[DNS_NAME_TEXT_MAX];
	size_t nlen, rlen = 0, next, rnext;
	uint16_t type, klass, rdlen;
	uint32_t ttl;
	struct sw_rd rd;
	enum dns_name_status s;
	struct dns_rr *rr;
	int have_rname = 0;
	struct dns_name_memo ninfo, rinfo;

	s = dns_name_read_memo(m, n, *off, name, &nlen, &next, sc->memo, sc->nmemo, &ninfo);
	if (s != DNS_NAME_OK) {
		dns_name_error(st, env, s);
		return RR_STOP;
	}
	sw_rd_init(&rd, m, n);
	rd.off = next;
	if (sw_rd_be16(&rd, &type) || sw_rd_be16(&rd, &klass) ||
	    sw_rd_be32(&rd, &ttl) || sw_rd_be16(&rd, &rdlen) || !sw_rd_has(&rd, rdlen)) {
		dns_truncated(st, env, "a record runs past the end of the message");
		return RR_STOP;
	}
	(void)klass;
	*off = rd.off + rdlen;
	if (type == T_CNAME || type == T_NS || type == T_PTR || type == T_MX) {
		size_t at = rd.off + (type == T_MX ? 2 : 0);

		if (type == T_MX && rdlen < 2) {
			dns_truncated(st, env, "an MX record without a name");
			return RR_OK;
		}
		s = dns_name_read_memo(m, n, at, rname, &rlen, &rnext, sc->memo,
		    sc->nmemo, &rinfo);
		if (s != DNS_NAME_OK) {
			dns_name_error(st, env, s);
			return RR_STOP;
		}
		if (rnext > *off) {
			dns_truncated(st, env, "a name runs past its record's RDLENGTH");
			return RR_STOP;
		}
		have_rname = 1;
	}
	if (sc->nrr == DNS_MSG_RR_MAX)
		return RR_OK; /* counted by the caller */
	rr = &sc->rr[sc->nrr];
	memset(rr, 0, sizeof(*rr));
	rr->type = type;
	rr->ttl = ttl;
	rr->section = section;
	rr->rdata = DNS_NO_TEXT;
	/* records of one RRset share the owner name: store it once */
	if (sc->nrr > 0 && strcmp(sc->arena + sc->rr[sc->nrr - 1].name, name) == 0)
		rr->name = sc->rr[sc->nrr - 1].name;
	else if ((rr->name = dns_arena_add(sc, name, nlen)) == DNS_NO_TEXT)
		return RR_OK;
	dns_memo_add(sc, m, &ninfo, sc->arena + rr->name);
	if (have_rname && (rr->rdata = dns_arena_add(sc, rname, rlen)) == DNS_NO_TEXT)
		return RR_OK;
	if (have_rname)
		dns_memo_add(sc, m, &rinfo, sc->arena + rr->rdata);
	if ((type == T_A && rdlen == 4) || (type == T_AAAA && rdlen == 16)) {
		rr->alen = (uint8_t)rdlen;
		memcpy(rr->addr, m + rd.off, rdlen);
	}
	sc->nrr++;
	return RR_OK;
}

/* ---- CNAME chain ------------------------------------------------------ */

/* From the question name, report each address the chain ends at. */
static void dns_chain(struct dns_state *st, const struct sw_app_env *env,
    const struct dns_scratch *sc)
{
	const struct sw_observer *ob = env != NULL ? env->observer : NULL;
	const char *visited[DNS_CHAIN_MAX + 1];
	const char *cur = sc->qname;
	size_t nvis = 0, i, k;

	visited[nvis++] = cur;
	for (;;) {
		const char *next = NULL;

		for (i = 0; i < sc->nrr; i++) {
			const struct dns_rr *rr = &sc->rr[i];

			if (rr->section != DNS_SEC_ANSWER ||
			    !dns_name_eq(sc->arena + rr->name, cur))
				continue;
			if (rr->alen != 0) {
				if (ob != NULL && ob->dns_answer != NULL)
					ob->dns_answer(ob->ctx, sc->qname, cur, rr->addr,
					    rr->alen == 4 ? 4 : 6, rr->ttl);
			} else if (rr->type == T_CNAME && rr->rdata != DNS_NO_TEXT &&
			    next == NULL) {
				next = sc->arena + rr->rdata;
			}
		}
		if (next == NULL)
			return;
		for (k = 0; k < nvis; k++) {
			if (dns_name_eq(visited[k], next)) {
				CTR_INC(env, dns_cname_loops);
				dns_anomaly(st, env, AO_CNAME, "dns.cname_loop",
				    "a CNAME chain loops back on itself");
				return;
			}
		}
		if (nvis == DNS_CHAIN_MAX + 1) {
			CTR_INC(env, dns_cname_loops);
			dns_anomaly(st, env, AO_CNAME, "dns.cname_chain_too_long",
			    "a CNAME chain longer than 16 links");
			return;
		}
		visited[nvis++] = next;
		cur = next;
	}
}

/* ---- events ------------------------------------------------------------ */

static void dns_write_event(struct sw_jw *w, const struct dns_entry *e);

/* Write the message's dns event now (at its packet's time, ts), the
 * first limits.dns_events_per_flow of the flow (0: every one). The bound
 * is on output only (nothing is kept): a flood of tiny queries on one
 * socket cannot turn into an unbounded stream of kilobyte events, while
 * a DNS tunnel's thousands of messages are still written by default. */
static void dns_write(struct dns_state *st, const struct sw_app_env *env,
    const struct dns_scratch *sc, uint16_t id, uint16_t flags, uint64_t ts)
{
	const struct sw_emit_env *em = env->emit;
	struct dns_entry e;
	struct sw_jw *w;
	uint32_t cap = env->limits->dns_events_per_flow;

	if (cap != 0 && st->written >= cap) {
		CTR_INC(env, dns_log_dropped);
		return;
	}
	if (st->written != UINT32_MAX)
		st->written++;
	e.id = id;
	e.flags = flags;
	e.qtype = sc->qtype;
	e.has_q = sc->have_q;
	e.nrr = (uint16_t)(sc->nrr < DNS_LOG_RR_MAX ? sc->nrr : DNS_LOG_RR_MAX);
	e.rr = sc->rr;
	e.qname = sc->have_q ? sc->qname : "";
	e.arena = sc->arena;
	if ((w = em->begin(em->ctx, "dns", ts)) == NULL)
		return;
	dns_write_event(w, &e);
	if (em->end != NULL)
		em->end(em->ctx);
}

/* ---- queries answered --------------------------------------------------- */

/* A query's id is outstanding until a response carries it (a retransmitted
 * query is one). Only the header is needed: a response too malformed to
 * parse further still answers its query. */
static void dns_track(struct dns_state *st, uint16_t id, int qr)
{
	uint8_t i;

	for (i = 0; i < st->npending && st->pending[i] != id; i++)
		;
	if (qr) {
		st->responses = 1;
		if (i < st->npending)
			st->pending[i] = st->pending[--st->npending];
	} else if (i == st->npending) {
		if (st->npending < DNS_PENDING_MAX)
			st->pending[st->npending++] = id;
		else
			st->pending_lost = 1;
	}
}

static int dns_answered(const void *state)
{
	const struct dns_state *st = state;

	return st->responses && st->npending == 0 && !st->pending_lost;
}

/* ---- one message --------------------------------------------------------- */

/* Parse one whole DNS message m[0..n) and report what it says. */
static void dns_message(struct dns_state *st, const struct sw_app_env *env,
    const uint8_t *m, size_t n, uint64_t ts)
{
	uint16_t id, flags, qd, an, ns, ar, i;
	struct dns_scratch sc;
	const struct sw_observer *ob = env != NULL ? env->observer : NULL;
	struct sw_rd rd;
	size_t off, total;
	int qr, stop = 0;

	CTR_INC(env, dns_messages);
	sw_rd_init(&rd, m, n);
	if (sw_rd_be16(&rd, &id) || sw_rd_be16(&rd, &flags) || sw_rd_be16(&rd, &qd) ||
	    sw_rd_be16(&rd, &an) || sw_rd_be16(&rd, &ns) || sw_rd_be16(&rd, &ar)) {
		dns_truncated(st, env, "a message shorter than the 12-byte header");
		return;
	}
	(void)ar;
	qr = (flags & 0x8000) != 0;
	if (qr)
		CTR_INC(env, dns_responses);
	else
		CTR_INC(env, dns_queries);
	dns_track(st, id, qr);
	sc.have_q = 0;
	sc.qtype = 0;
	sc.qname[0] = '\0';
	sc.nrr = 0;
	sc.alen = 0;
	sc.nmemo = 0;
	sc.memo_next = 0;
	off = DNS_HDR_LEN;
	for (i = 0; i < qd && !stop; i++) {
		char name[DNS_NAME_TEXT_MAX];
		enum dns_name_status s;
		struct dns_name_memo info;
		size_t nlen, next;
		uint16_t qtype;

		if (i == 0) /* (no memos yet) */
			s = dns_name_read_cached(m, n, off, name, &nlen, &next, &info);
		else if (i < DNS_QD_MAX)
			s = dns_name_read_memo(m, n, off, name, &nlen, &next, sc.memo,
			    sc.nmemo, &info);
		else
			s = dns_name_skip(m, n, off, &next);
		if (s != DNS_NAME_OK) {
			dns_name_error(st, env, s);
			stop = 1;
			break;
		}
		if (n - next < 4) {
			dns_truncated(st, env, "a question runs past the end of the message");
			stop = 1;
			break;
		}
		qtype = (uint16_t)(m[next] << 8 | m[next + 1]);
		off = next + 4;
		if (i == 0) {
			memcpy(sc.qname, name, nlen + 1);
			sc.qtype = qtype;
			sc.have_q = 1;
			dns_memo_add(&sc, m, &info, sc.qname);
		}
		if (!qr && i < DNS_QD_MAX && ob != NULL && ob->dns_query != NULL)
			ob->dns_query(ob->ctx, name, qtype);
	}
	if (qr && !stop) {
		total = (size_t)an + ns;
		for (size_t k = 0; k < total; k++) {
			if (sc.nrr == DNS_MSG_RR_MAX || DNS_ARENA_MAX - sc.alen < 2 * DNS_NAME_TEXT_MAX) {
				/* the rest is neither reported nor logged */
				CTR_INC(env, dns_rr_dropped);
				dns_anomaly(st, env, AO_RR, "dns.too_many_records",
				    "more records than one message may keep");
				break;
			}
			if (dns_rr_parse(st, env, m, n, &off,
			    k < an ? DNS_SEC_ANSWER : DNS_SEC_AUTHORITY, &sc) != RR_OK)
				break;
		}
		if (sc.have_q)
			dns_chain(st, env, &sc);
	}
	if ((sc.have_q || sc.nrr > 0) && env->emit != NULL)
		dns_write(st, env, &sc, id, flags, ts);
}

/* ---- probe ------------------------------------------------------------- */

static int dns_class_ok(uint16_t c)
{
	c &= 0x7fff; /* mDNS unicast-response / cache-flush bit */
	return c == 1 || c == 3 || c == 4 || c == 254 || c == 255;
}

/* Header and first question of the message m[0..n) where avail bytes of
 * it are present (avail <= n). */
static enum sw_probe dns_probe_msg(const uint8_t *m, size_t n, size_t avail)
{
	uint16_t flags, qd, an, ns, ar, type, klass;
	unsigned opcode;
	size_t next, min;
	char name[DNS_NAME_TEXT_MAX];
	size_t nlen;
	enum dns_name_status s;
	int qr;

	if (n < DNS_HDR_LEN)
		return SW_PROBE_NO;
	if (avail < DNS_HDR_LEN)
		return SW_PROBE_MAYBE;
	flags = (uint16_t)(m[2] << 8 | m[3]);
	qd = (uint16_t)(m[4] << 8 | m[5]);
	an = (uint16_t)(m[6] << 8 | m[7]);
	ns = (uint16_t)(m[8] << 8 | m[9]);
	ar = (uint16_t)(m[10] << 8 | m[11]);
	qr = (flags & 0x8000) != 0;
	opcode = (flags >> 11) & 0xf;
	/* QUERY, STATUS, NOTIFY, UPDATE */
	if (opcode != 0 && opcode != 2 && opcode != 4 && opcode != 5)
		return SW_PROBE_NO;
	/* Real clients ask one question (RFC 9619); a few allow for oddities.
	 * Messages without a question (mDNS announcements) are not taken. */
	if (qd == 0 || qd > DNS_PROBE_QD_MAX)
		return SW_PROBE_NO;
	(void)qr;
	if (!qr && (flags & 0x000f) != 0)
		return SW_PROBE_NO;     /* a query carries no RCODE */
	/* every question takes 5 bytes or more, every record 11 or more */
	min = DNS_HDR_LEN + (size_t)qd * 5 + ((size_t)an + ns + ar) * 11;
	if (min > n)
		return SW_PROBE_NO;
	s = dns_name_read_cached(m, avail, DNS_HDR_LEN, name, &nlen, &next, NULL);
	if (s == DNS_NAME_TRUNCATED && avail < n)
		return SW_PROBE_MAYBE;
	if (s != DNS_NAME_OK)
		return SW_PROBE_NO;
	if (avail - next < 4)
		return avail < n ? SW_PROBE_MAYBE : SW_PROBE_NO;
	type = (uint16_t)(m[next] << 8 | m[next + 1]);
	klass = (uint16_t)(m[next + 2] << 8 | m[next + 3]);
	if (type == 0 || !dns_class_ok(klass))
		return SW_PROBE_NO;
	return SW_PROBE_YES;
}

/* UDP: data is one whole datagram. */
static enum sw_probe dns_probe_udp(const uint8_t *data, size_t len, int dir)
{
	(void)dir;
	return dns_probe_msg(data, len, len) == SW_PROBE_YES ? SW_PROBE_YES : SW_PROBE_NO;
}

/* TCP: a 2-byte length, then the message; bytes may still be arriving. */
static enum sw_probe dns_probe_tcp(const uint8_t *data, size_t len, int dir)
{
	size_t mlen;

	(void)dir;
	if (len < 2)
		return SW_PROBE_MAYBE;
	mlen = (size_t)data[0] << 8 | data[1];
	return dns_probe_msg(data + 2, mlen, len - 2 < mlen ? len - 2 : mlen);
}

/* ---- state ----------------------------------------------------------------- */

static _Thread_local struct sw_slab dns_states = SW_SLAB_INIT(struct dns_state);

static void *dns_state_new(const struct sw_limits *limits)
{
	(void)limits;
	return sw_slab_zalloc(&dns_states);
}

static void dns_state_free(void *state)
{
	sw_slab_free(&dns_states, state);
}

static size_t dns_state_size(const void *state)
{
	(void)state;
	return sizeof(struct dns_state);
}

/* ---- parse ------------------------------------------------------------- */

/* UDP slices are one message each. TCP slices are a stream of
 * length-prefixed messages: whole ones are parsed, a partial one is left
 * for the next call (SW_PARSE_INCOMPLETE, consumed = its start). A message
 * is at most 65535 bytes, which the engine's unparsed cap holds. */
static struct sw_result dns_parse(void *state, const struct sw_slice *sl,
    const struct sw_app_env *env)
{
	struct dns_state *st = state;
	struct sw_result r = { SW_PARSE_OK, sl->len };
	struct sw_rd rd;
	int dir = sl->dir & 1;

	if (sl->flags & SW_SLICE_UDP) {
		if (sl->len > 0)
			dns_message(st, env, sl->data, sl->len, sl->ts_usec);
		return r;
	}
	if (sl->flags & SW_SLICE_GAP)
		st->desync[dir] = 1;
	if (st->desync[dir])
		return r;
	sw_rd_init(&rd, sl->data, sl->len);
	while (sw_rd_left(&rd) > 0) {
		size_t start = rd.off;
		const uint8_t *msg;
		uint16_t mlen;

		if (sw_rd_be16(&rd, &mlen) || !sw_rd_has(&rd, mlen)) {
			if (sl->flags & SW_SLICE_EOF) {
				dns_truncated(st, env, "the stream ends inside a message");
				return r;
			}
			r.status = SW_PARSE_INCOMPLETE;
			r.consumed = start;
			return r;
		}
		if (mlen < DNS_HDR_LEN) {
			CTR_INC(env, dns_malformed);
			dns_anomaly(st, env, AO_TCPLEN, "dns.tcp_length",
			    "a TCP length prefix below the 12-byte header");
			st->desync[dir] = 1;
			return r;
		}
		(void)sw_rd_view(&rd, &msg, mlen);
		dns_message(st, env, msg, mlen, sl->ts_usec);
	}
	return r;
}

/* ---- emit ------------------------------------------------------------------ */

/* IANA's mnemonics (the "Resource Record (RR) TYPEs" registry), as
 * Suricata names rrtype; a type without one is its number. Tunnels use the
 * rare ones (iodine asks for NULL, dnscat2 for TXT, MX and CNAME). */
static const char *const dns_type_names[] = {
	[1] = "A", [2] = "NS", [3] = "MD", [4] = "MF", [5] = "CNAME", [6] = "SOA",
	[7] = "MB", [8] = "MG", [9] = "MR", [10] = "NULL", [11] = "WKS", [12] = "PTR",
	[13] = "HINFO", [14] = "MINFO", [15] = "MX", [16] = "TXT", [17] = "RP",
	[18] = "AFSDB", [19] = "X25", [20] = "ISDN", [21] = "RT", [22] = "NSAP",
	[23] = "NSAP-PTR", [24] = "SIG", [25] = "KEY", [26] = "PX", [27] = "GPOS",
	[28] = "AAAA", [29] = "LOC", [30] = "NXT", [33] = "SRV", [34] = "ATMA",
	[35] = "NAPTR", [36] = "KX", [37] = "CERT", [38] = "A6", [39] = "DNAME",
	[41] = "OPT", [42] = "APL", [43] = "DS", [44] = "SSHFP", [45] = "IPSECKEY",
	[46] = "RRSIG", [47] = "NSEC", [48] = "DNSKEY", [49] = "DHCID", [50] = "NSEC3",
	[51] = "NSEC3PARAM", [52] = "TLSA", [53] = "SMIMEA", [55] = "HIP",
	[59] = "CDS", [60] = "CDNSKEY", [61] = "OPENPGPKEY", [62] = "CSYNC",
	[63] = "ZONEMD", [64] = "SVCB", [65] = "HTTPS", [99] = "SPF",
	[249] = "TKEY", [250] = "TSIG", [251] = "IXFR", [252] = "AXFR",
	[253] = "MAILB", [254] = "MAILA", [255] = "ANY", [256] = "URI", [257] = "CAA",
};

static const char *dns_type_name(uint16_t t, char buf[8])
{
	if (t < sizeof(dns_type_names) / sizeof(dns_type_names[0]) && dns_type_names[t] != NULL)
		return dns_type_names[t];
	snprintf(buf, 8, "%u", (unsigned)t);
	return buf;
}

static const char *dns_rcode_name(unsigned rc, char buf[8])
{
	static const char *const names[] = {
		"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
		"YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE",
	};

	if (rc < sizeof(names) / sizeof(names[0]))
		return names[rc];
	snprintf(buf, 8, "%u", rc);
	return buf;
}

/* rdata as text: an address, a name, or NULL (not decoded). */
static const char *dns_rdata(const struct dns_entry *e, const struct dns_rr *rr,
    char buf[INET6_ADDRSTRLEN])
{
	if (rr->alen == 4 || rr->alen == 16)
		return sw_addr_format(rr->addr, rr->alen == 4 ? 4 : 6, buf);
	if (rr->rdata != DNS_NO_TEXT)
		return e->arena + rr->rdata;
	return NULL;
}

static void dns_emit_rr(struct sw_jw *w, const struct dns_entry *e, const struct dns_rr *rr)
{
	char tb[8], ab[INET6_ADDRSTRLEN];
	const char *rd = dns_rdata(e, rr, ab);

	jw_obj_open(w, NULL);
	jw_str(w, "rrname", e->arena + rr->name);
	jw_str(w, "rrtype", dns_type_name(rr->type, tb));
	jw_u64(w, "ttl", rr->ttl);
	if (rd != NULL)
		jw_str(w, "rdata", rd);
	jw_obj_close(w);
}

static void dns_emit_answer(struct sw_jw *w, const struct dns_entry *e)
{
	char tb[8], rb[8], fb[8], ab[INET6_ADDRSTRLEN];
	size_t i, j, nans = 0, nauth = 0;

	jw_u64(w, "version", 2);
	jw_str(w, "type", "answer");
	jw_u64(w, "id", e->id);
	snprintf(fb, sizeof(fb), "%x", (unsigned)e->flags);
	jw_str(w, "flags", fb);
	if (e->flags & 0x8000)
		jw_bool(w, "qr", 1);
	if (e->flags & 0x0400)
		jw_bool(w, "aa", 1);
	if (e->flags & 0x0200)
		jw_bool(w, "tc", 1);
	if (e->flags & 0x0100)
		jw_bool(w, "rd", 1);
	if (e->flags & 0x0080)
		jw_bool(w, "ra", 1);
	if (e->flags & 0x0040)
		jw_bool(w, "z", 1);
	jw_u64(w, "opcode", (e->flags >> 11) & 0xf);
	if (e->has_q) {
		jw_str(w, "rrname", e->qname);
		jw_str(w, "rrtype", dns_type_name(e->qtype, tb));
	}
	jw_str(w, "rcode", dns_rcode_name(e->flags & 0xf, rb));
	for (i = 0; i < e->nrr; i++) {
		if (e->rr[i].section == DNS_SEC_ANSWER)
			nans++;
		else
			nauth++;
	}
	if (nans > 0) {
		jw_arr_open(w, "answers");
		for (i = 0; i < e->nrr; i++)
			if (e->rr[i].section == DNS_SEC_ANSWER)
				dns_emit_rr(w, e, &e->rr[i]);
		jw_arr_close(w);
		/* "grouped": rdata by type, types in order of first appearance */
		jw_obj_open(w, "grouped");
		for (i = 0; i < e->nrr; i++) {
			const struct dns_rr *a = &e->rr[i];
			int first = 1;

			if (a->section != DNS_SEC_ANSWER || dns_rdata(e, a, ab) == NULL)
				continue;
			for (j = 0; j < i && first; j++)
				if (e->rr[j].section == DNS_SEC_ANSWER &&
				    e->rr[j].type == a->type && dns_rdata(e, &e->rr[j], ab) != NULL)
					first = 0;
			if (!first)
				continue;
			jw_arr_open(w, dns_type_name(a->type, tb));
			for (j = i; j < e->nrr; j++) {
				const char *rd;

				if (e->rr[j].section != DNS_SEC_ANSWER || e->rr[j].type != a->type)
					continue;
				if ((rd = dns_rdata(e, &e->rr[j], ab)) != NULL)
					jw_str(w, NULL, rd);
			}
			jw_arr_close(w);
		}
		jw_obj_close(w);
	}
	if (nauth > 0) {
		jw_arr_open(w, "authorities");
		for (i = 0; i < e->nrr; i++)
			if (e->rr[i].section == DNS_SEC_AUTHORITY)
				dns_emit_rr(w, e, &e->rr[i]);
		jw_arr_close(w);
	}
}

/* The body of one "dns" event (Suricata's version 2 record). */
static void dns_write_event(struct sw_jw *w, const struct dns_entry *e)
{
	char tb[8];

	jw_obj_open(w, "dns");
	if (e->flags & 0x8000) {
		dns_emit_answer(w, e);
	} else {
		jw_str(w, "type", "query");
		jw_u64(w, "id", e->id);
		if (e->has_q) {
			jw_str(w, "rrname", e->qname);
			jw_str(w, "rrtype", dns_type_name(e->qtype, tb));
		}
		if (e->flags & 0x0040)
			jw_bool(w, "z", 1);
		jw_u64(w, "opcode", (e->flags >> 11) & 0xf);
	}
	jw_obj_close(w);
}

/* DNS carries no mining evidence of its own: its answers reach the verdict
 * through the observer (the engine's name cache), so there are no facts. */
const struct sw_dissector sw_dissector_dns = {
	.name = "dns",
	.ipproto = 17,
	.default_ports = "53,5353,5355",
	.identifies = 1,
	.probe = dns_probe_udp,
	.state_new = dns_state_new,
	.state_free = dns_state_free,
	.parse = dns_parse,
	.facts = NULL,
	.answered = dns_answered,
	.emit = NULL, /* each message's event is written as it is parsed */
	.state_size = dns_state_size,
};

/* The same dissector over TCP (RFC 7766): only the probe differs, as the
 * parser tells the two apart by SW_SLICE_UDP. */
const struct sw_dissector sw_dissector_dns_tcp = {
	.name = "dns",
	.ipproto = 6,
	.default_ports = "53",
	.identifies = 1,
	.probe = dns_probe_tcp,
	.state_new = dns_state_new,
	.state_free = dns_state_free,
	.parse = dns_parse,
	.facts = NULL,
	.emit = NULL, /* each message's event is written as it is parsed */
	.state_size = dns_state_size,
};
