/* test_dns.c: the DNS dissector (dissectors/dns.c, dns-name.c) over UDP
 * and TCP.
 *
 * Real messages from shared/pcaps/ndpi-benign (dns.pcap,
 * dns_long_domainname.pcap, malformed_dns.pcap; payloads pulled with
 * `tshark -T fields -e udp.payload`), their names and answers compared with
 * tshark's dns.qry.name / dns.a / dns.resp.ttl; hand-built messages for
 * compression, CNAME chains and every hostile shape in the brief. Every
 * message is also parsed truncated at every length (UDP) and as a TCP
 * stream split at every byte offset; slices sit against a PROT_NONE page. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "sw_dissector.h"
#include "sw_json.h"
#include "sw_limits.h"
#include "sw_test.h"
#include "dns-name.h"

extern const struct sw_dissector sw_dissector_dns;
extern const struct sw_dissector sw_dissector_dns_tcp;
#define D (&sw_dissector_dns)
#define DT (&sw_dissector_dns_tcp)

static const char dns_r1[] =
	"dca28180000100000000000003777777016c06676f6f676c6503636f6d00001c0001";

static const char dns_q2[] =
	"bc1f0100000100000000000003777777076578616d706c6503636f6d00001c0001";

static const char dns_r3[] =
	"bc1f8180000100000000000003777777076578616d706c6503636f6d00001c0001";

static const char dns_q4[] =
	"784301000001000000000000026537087768617473617070036e65740000010001";

static const char dns_r5[] =
	"784381800001000800000000026537087768617473617070036e65740000010001c00c00"
	"010001000001eb0004a92ddbebc00c00010001000001eb0004a92f288ec00c0001000100"
	"0001eb0004a92df879c00c00010001000001eb00046ca8b0eac00c00010001000001eb00"
	"04a92df8bdc00c00010001000001eb0004a92df8b4c00c00010001000001eb0004a93551"
	"4fc00c00010001000001eb0004a92ddbe8";

static const char long_q[] =
	"8b540100000100000000000006676d7230326302313601300c66686b666873646b666873"
	"6b0674756e6e656c076578616d706c6503636f6d0000010001";

static const char long_r[] =
	"8b548183000100000001000006676d7230326302313601300c66686b666873646b666873"
	"6b0674756e6e656c076578616d706c6503636f6d0000010001c02c00060001000005c300"
	"2c026e73056963616e6e036f726700036e6f6303646e73c04c7867fabe00001c2000000e"
	"100012750000000e10";

static const char malf_q[] =
	"84b4010000010000000000000377777702787403636f6d0000010001";

static const char malf_r[] =
	"84b4810000020002000000000377777702787403636f6d00000100012241414141414141"
	"4141414141414141414141414141414141414141414141414141413f000000003f3f3f3f"
	"3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f"
	"3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f"
	"3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f"
	"3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f"
	"3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f"
	"3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f"
	"3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f"
	"3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f"
	"3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f"
	"3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f"
	"3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f"
	"3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f"
	"3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f"
	"3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f"
	"3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f"
	"3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f"
	"3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f"
	"3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f"
	"3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f"
	"3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f"
	"3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f"
	"3f3f3f3f3f3e3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f"
	"3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3fc0403d3e"
	"3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f"
	"3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3fc041c0423b3c3d3e3f3f3f3f"
	"3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f"
	"3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3fc043c044c045c0463738393a3b3c3d3e3f3f3f3f"
	"3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f"
	"3f3f3f3f3f3f3f3fc047c048c049c04ac04bc04cc04dc04e2f303132333435363738393a"
	"3b3c3d3e3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f"
	"c04fc050c051c052c053c054c055c056c057c058c059c05ac05bc05cc05dc05e1f202122"
	"232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3ec05fc060c061c062"
	"c063c064c065c066c067c068c069c06ac06bc06cc06dc06ec06fc070c071c072c073c074"
	"c075c076c077c078c079c07ac07bc07cc07dc07e00010001c00c00010001000000000004"
	"42424242c00c0005000100000000004c034141413f303030303130303032303031313030"
	"313230303231303032323031303130323031313130313132303132313031323230323032"
	"313130323132303232313032050000000000c0ff";

/* ---- helpers ------------------------------------------------------- */

struct bytes {
	uint8_t *p;
	size_t n;
};

static struct bytes hex(const char *h)
{
	struct bytes b;
	size_t i, n = strlen(h) / 2;

	b.p = malloc(n + 1);
	b.n = n;
	for (i = 0; i < n; i++) {
		unsigned v;

		sscanf(h + 2 * i, "%2x", &v);
		b.p[i] = (uint8_t)v;
	}
	return b;
}

struct log {
	char s[32768];
};

static void log_add(struct log *l, const char *s)
{
	size_t n = strlen(l->s);

	snprintf(l->s + n, sizeof(l->s) - n, "%s;", s);
}

static void anomaly_cb(void *ctx, const struct sw_anomaly *a)
{
	log_add(ctx, a->event);
	FAIL_IF(a->type != SW_ANOMALY_APPLAYER);
	FAIL_IF(a->app_proto == NULL || strcmp(a->app_proto, "dns") != 0);
}

static void query_cb(void *ctx, const char *qname, uint16_t qtype)
{
	char b[1200];

	snprintf(b, sizeof(b), "Q %s %u", qname, (unsigned)qtype);
	log_add(ctx, b);
}

static void answer_cb(void *ctx, const char *qname, const char *rrname,
    const uint8_t *addr, int ver, uint32_t ttl)
{
	char b[2400];

	if (ver == 4)
		snprintf(b, sizeof(b), "A %s %s %u.%u.%u.%u %u", qname, rrname,
		    addr[0], addr[1], addr[2], addr[3], (unsigned)ttl);
	else
		snprintf(b, sizeof(b), "AAAA %s %s %02x%02x..%02x %u", qname, rrname,
		    addr[0], addr[1], addr[15], (unsigned)ttl);
	log_add(ctx, b);
}

struct emit_ctx {
	struct sw_jw w;
	struct log out;
	int events;
};

static struct sw_jw *emit_begin(void *ctx, const char *type, uint64_t ts)
{
	struct emit_ctx *e = ctx;
	char b[32];

	jw_reset(&e->w);
	jw_obj_open(&e->w, NULL);
	jw_str(&e->w, "event_type", type);
	snprintf(b, sizeof(b), "%llu", (unsigned long long)ts);
	jw_str(&e->w, "ts", b);
	return &e->w;
}

static void emit_end(void *ctx)
{
	struct emit_ctx *e = ctx;

	jw_obj_close(&e->w);
	FAIL_IF(e->w.err != 0);
	log_add(&e->out, e->w.buf);
	e->events++;
}

struct run {
	struct log json, an, obs;
	struct sw_counters ctr;
	int events;
	size_t max_size;
};

static struct sw_limits g_limits;

/* A flow being run: state plus the environment the engine would lend. */
struct flow {
	const struct sw_dissector *d;
	void *st;
	struct sw_anomaly_sink sink;
	struct sw_observer ob;
	struct sw_app_env env;
	struct emit_ctx out;     /* the dns events, written as messages are parsed */
	struct sw_emit_env eenv;
	struct run *r;
	uint8_t *pend[2];
	size_t npend[2];
};

static void flow_open(struct flow *f, const struct sw_dissector *d, struct run *r)
{
	memset(f, 0, sizeof(*f));
	memset(r, 0, sizeof(*r));
	f->d = d;
	f->r = r;
	f->st = d->state_new(&g_limits);
	FAIL_IF(f->st == NULL);
	f->sink.report = anomaly_cb;
	f->sink.ctx = &r->an;
	f->ob.dns_query = query_cb;
	f->ob.dns_answer = answer_cb;
	f->ob.ctx = &r->obs;
	f->env.limits = &g_limits;
	f->env.counters = &r->ctr;
	f->env.anomalies = &f->sink;
	f->env.observer = &f->ob;
	jw_init(&f->out.w);
	f->eenv.begin = emit_begin;
	f->eenv.end = emit_end;
	f->eenv.ctx = &f->out;
	f->env.emit = &f->eenv;
}

static void flow_close(struct flow *f)
{
	if (f->d->emit != NULL) /* (DNS writes as it parses: none at the end) */
		f->d->emit(f->st, &f->eenv);
	f->r->json = f->out.out;
	f->r->events = f->out.events;
	jw_free(&f->out.w);
	f->d->state_free(f->st);
	free(f->pend[0]);
	free(f->pend[1]);
}

static void flow_size(struct flow *f)
{
	size_t sz = f->d->state_size(f->st);

	if (sz > f->r->max_size)
		f->r->max_size = sz;
}

/* One UDP datagram. */
static void udp(struct flow *f, const uint8_t *p, size_t n, int dir, uint64_t ts)
{
	struct sw_slice sl;
	struct sw_guarded g;
	struct sw_result res;

	memset(&sl, 0, sizeof(sl));
	sl.data = sw_guarded_copy(&g, p, n);
	sl.len = n;
	sl.dir = (uint8_t)dir;
	sl.flags = SW_SLICE_UDP;
	sl.ts_usec = ts;
	res = f->d->parse(f->st, &sl, &f->env);
	sw_guarded_free(&g);
	FAIL_IF(res.status != SW_PARSE_OK || res.consumed != n);
	flow_size(f);
}

/* TCP bytes appended to what the dissector left, as reassembly does. */
static void tcp(struct flow *f, const uint8_t *p, size_t n, int dir, uint8_t flags, uint64_t ts)
{
	struct sw_slice sl;
	struct sw_guarded g;
	struct sw_result res;

	f->pend[dir] = realloc(f->pend[dir], f->npend[dir] + n + 1);
	if (flags & SW_SLICE_GAP)
		f->npend[dir] = 0;
	if (n > 0)
		memcpy(f->pend[dir] + f->npend[dir], p, n);
	f->npend[dir] += n;
	memset(&sl, 0, sizeof(sl));
	sl.data = sw_guarded_copy(&g, f->pend[dir], f->npend[dir]);
	sl.len = f->npend[dir];
	sl.dir = (uint8_t)dir;
	sl.flags = flags;
	sl.ts_usec = ts;
	res = f->d->parse(f->st, &sl, &f->env);
	sw_guarded_free(&g);
	FAIL_IF(res.status != SW_PARSE_OK && res.status != SW_PARSE_INCOMPLETE);
	if (res.status == SW_PARSE_INCOMPLETE) {
		FAIL_IF(res.consumed > f->npend[dir]);
		FAIL_IF(flags & SW_SLICE_EOF);
		memmove(f->pend[dir], f->pend[dir] + res.consumed, f->npend[dir] - res.consumed);
		f->npend[dir] -= res.consumed;
	} else {
		FAIL_IF(res.consumed != f->npend[dir]);
		f->npend[dir] = 0;
	}
	flow_size(f);
}

static int same_run(const struct run *a, const struct run *b)
{
	return strcmp(a->json.s, b->json.s) == 0 && strcmp(a->an.s, b->an.s) == 0 &&
	    strcmp(a->obs.s, b->obs.s) == 0 && a->events == b->events &&
	    memcmp(&a->ctr.proto, &b->ctr.proto, sizeof(a->ctr.proto)) == 0;
}

/* ---- a message builder ------------------------------------------------ */

struct mb {
	uint8_t b[8192];
	size_t n;
};

static void mb_u8(struct mb *m, unsigned v) { m->b[m->n++] = (uint8_t)v; }
static void mb_u16(struct mb *m, unsigned v) { mb_u8(m, v >> 8); mb_u8(m, v & 0xff); }
static void mb_u32(struct mb *m, uint32_t v) { mb_u16(m, v >> 16); mb_u16(m, v & 0xffff); }

static void mb_hdr(struct mb *m, unsigned id, unsigned flags, unsigned qd,
    unsigned an, unsigned ns, unsigned ar)
{
	m->n = 0;
	mb_u16(m, id);
	mb_u16(m, flags);
	mb_u16(m, qd);
	mb_u16(m, an);
	mb_u16(m, ns);
	mb_u16(m, ar);
}

/* Labels of a dotted name; ends with a pointer to ptr if ptr >= 0, else
 * with the root. Returns the name's offset. */
static size_t mb_name(struct mb *m, const char *name, int ptr)
{
	size_t at = m->n;
	const char *s = name;

	while (*s != '\0') {
		const char *dot = strchr(s, '.');
		size_t l = dot ? (size_t)(dot - s) : strlen(s);

		mb_u8(m, (unsigned)l);
		memcpy(m->b + m->n, s, l);
		m->n += l;
		s += l;
		if (*s == '.')
			s++;
	}
	if (ptr >= 0)
		mb_u16(m, 0xc000u | (unsigned)ptr);
	else
		mb_u8(m, 0);
	return at;
}

static void mb_question(struct mb *m, const char *name, unsigned type)
{
	mb_name(m, name, -1);
	mb_u16(m, type);
	mb_u16(m, 1);
}

/* Record header after its owner name; returns where RDLENGTH sits. */
static size_t mb_rr(struct mb *m, unsigned type, uint32_t ttl)
{
	size_t at;

	mb_u16(m, type);
	mb_u16(m, 1);
	mb_u32(m, ttl);
	at = m->n;
	mb_u16(m, 0);
	return at;
}

static void mb_rdlen(struct mb *m, size_t at)
{
	size_t l = m->n - at - 2;

	m->b[at] = (uint8_t)(l >> 8);
	m->b[at + 1] = (uint8_t)l;
}

static void mb_a(struct mb *m, int owner_ptr, const char *owner, uint32_t ttl,
    uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	size_t at;

	if (owner != NULL)
		mb_name(m, owner, owner_ptr);
	else
		mb_u16(m, 0xc000u | (unsigned)owner_ptr);
	at = mb_rr(m, 1, ttl);
	mb_u8(m, a);
	mb_u8(m, b);
	mb_u8(m, c);
	mb_u8(m, d);
	mb_rdlen(m, at);
}

/* A CNAME whose owner is a pointer and whose target is written in full
 * (tptr < 0) or as labels then a pointer. Returns the target's offset. */
static size_t mb_cname(struct mb *m, int owner_ptr, const char *target, int tptr, uint32_t ttl)
{
	size_t at, t;

	mb_u16(m, 0xc000u | (unsigned)owner_ptr);
	at = mb_rr(m, 5, ttl);
	t = mb_name(m, target, tptr);
	mb_rdlen(m, at);
	return t;
}

/* ---- name decoding --------------------------------------------------------- */

/* The presentation form as the per-byte rule says it (dns-name.c): host-name
 * bytes as they are, '.' as \., anything else as \DDD. */
static size_t ref_label(char *o, const uint8_t *l, size_t n)
{
	size_t t = 0, i;

	for (i = 0; i < n; i++) {
		uint8_t c = l[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '*')
			o[t++] = (char)c;
		else if (c == '.')
			t += (size_t)sprintf(o + t, "\\.");
		else
			t += (size_t)sprintf(o + t, "\\%03u", c);
	}
	o[t] = '\0';
	return t;
}

/* Random names (labels of host-name bytes, odd bytes, or both, at random
 * places) against the reference; dns_name_eq against strcasecmp. */
static void test_names_random(void)
{
	static const char host[] = "abcXYZ019-_*";
	unsigned seed = 12345;
	int k;

	for (k = 0; k < 20000; k++) {
		uint8_t wire[256];
		char want[DNS_NAME_TEXT_MAX], got[DNS_NAME_TEXT_MAX], up[DNS_NAME_TEXT_MAX];
		size_t w = 0, t = 0, tl, next, i;
		int labels = 1 + (int)((seed = seed * 1103515245 + 12345) >> 16) % 4;

		while (labels-- > 0) {
			size_t n = 1 + ((seed = seed * 1103515245 + 12345) >> 16) % 60;
			int odd = (int)((seed >> 8) % 3); /* 0: host bytes, 1: any, 2: mixed */

			wire[w++] = (uint8_t)n;
			for (i = 0; i < n; i++) {
				seed = seed * 1103515245 + 12345;
				wire[w + i] = odd == 1 || (odd == 2 && (seed >> 20) % 5 == 0) ?
				    (uint8_t)(seed >> 16) : (uint8_t)host[(seed >> 16) % (sizeof(host) - 1)];
			}
			if (t > 0)
				want[t++] = '.';
			t += ref_label(want + t, wire + w, n);
			w += n;
		}
		wire[w++] = 0;
		EXPECT_EQ_U64(dns_name_read(wire, w, 0, got, &tl, &next), DNS_NAME_OK);
		EXPECT_STREQ(got, want);
		EXPECT_EQ_U64(tl, t);
		EXPECT_EQ_U64(next, w);
		/* the same name in another case, and one byte changed */
		for (i = 0; i <= t; i++)
			up[i] = (char)(want[i] >= 'a' && want[i] <= 'z' ? want[i] - 32 : want[i]);
		EXPECT_EQ_U64(dns_name_eq(got, up), strcasecmp(got, up) == 0);
		EXPECT_EQ_U64(dns_name_eq(got, want), 1);
		up[(seed >> 16) % (t + 1)] ^= 1;
		EXPECT_EQ_U64(dns_name_eq(got, up), strcasecmp(got, up) == 0);
	}
}

/* Random bytes for the tests below (an LCG; the same run every time). */
static unsigned lcg(unsigned *seed, unsigned mod)
{
	*seed = *seed * 1103515245 + 12345;
	return (*seed >> 16) % mod;
}

/* A random label of 1..max bytes at msg[n]; returns the new end. */
static size_t rand_label(uint8_t *msg, size_t n, unsigned *seed, unsigned max)
{
	size_t len = 1 + lcg(seed, max), i;

	msg[n++] = (uint8_t)len;
	for (i = 0; i < len; i++)
		msg[n++] = lcg(seed, 4) ? (uint8_t)('a' + lcg(seed, 26)) : (uint8_t)lcg(seed, 256);
	return n;
}

static size_t put_ptr(uint8_t *msg, size_t n, size_t to)
{
	msg[n++] = (uint8_t)(0xc0 | (to >> 8 & 0x3f));
	msg[n++] = (uint8_t)to;
	return n;
}

/* dns_name_read_memo against dns_name_read on random messages of three
 * kinds: labels, root bytes and pointers at random (backward, chained,
 * ahead); names of 1 to 4 labels up to 63 bytes, each ending at the root
 * or at a pointer to an earlier name's start (wire sums around the
 * 255-byte cap); runs of 60 to 67 chained pointers (around the jump cap).
 * Every offset is read plainly, then again with memos of names read well
 * at other offsets of the same message (read with the memos before them,
 * as the dissector does). Status and next must agree in
 * every case, text and length whenever the name reads well. */
static void test_names_memo(void)
{
	static char texts[64][DNS_NAME_TEXT_MAX];
	unsigned seed = 777;
	int k;

	for (k = 0; k < 3000; k++) {
		struct dns_name_memo memo[64], info;
		uint8_t msg[800]; /* up to 519 + 4 * 64 + 2 */
		size_t starts[64], nstarts = 0;
		size_t n = 0, off, nmemo = 0, target = 20 + (size_t)k % 500;
		char want[DNS_NAME_TEXT_MAX], got[DNS_NAME_TEXT_MAX];
		size_t wl = 0, gl = 0, wn = 0, gn = 0;

		while (n < target) {
			unsigned r = lcg(&seed, 16), labels;

			if (k % 3 == 1) {
				/* a name: labels, then the root or a pointer back */
				starts[nstarts++ % 64] = n;
				for (labels = 1 + lcg(&seed, 4); labels > 0; labels--)
					n = rand_label(msg, n, &seed, 63);
				if (r < 5 || nstarts == 1)
					msg[n++] = 0;
				else
					n = put_ptr(msg, n, starts[lcg(&seed, (unsigned)
					    (nstarts - 1 < 64 ? nstarts - 1 : 64))]);
			} else if (r < 7) {
				n = rand_label(msg, n, &seed, r < 2 ? 63 : 6);
			} else if (r < 10) {
				msg[n++] = 0;
			} else {
				size_t to = r < 13 && n >= 2 ? n - 2 : r < 15 ?
				    lcg(&seed, (unsigned)n + 1) : n + lcg(&seed, 40);
				size_t run = k % 3 == 2 && r < 13 ? 60 + lcg(&seed, 8) : 1;

				while (run-- > 0) {
					n = put_ptr(msg, n, to);
					to = n - 2;
				}
			}
		}
		for (off = 0; off < n && nmemo < 64; off++) {
			if (lcg(&seed, 2) != 0 ||
			    dns_name_read_memo(msg, n, off, texts[nmemo], &wl, &wn, memo, nmemo,
			    &info) != DNS_NAME_OK)
				continue;
			EXPECT_EQ_U64(info.off, off);
			EXPECT_EQ_U64(info.len, wl);
			info.text = texts[nmemo];
			memo[nmemo++] = info;
		}
		for (off = 0; off < n; off++) {
			enum dns_name_status a, b;

			wn = gn = 12345;
			a = dns_name_read(msg, n, off, want, &wl, &wn);
			b = dns_name_read_memo(msg, n, off, got, &gl, &gn, memo, nmemo, NULL);
			EXPECT_EQ_U64(b, a);
			EXPECT_EQ_U64(gn, wn);
			/* the text is defined only for a name read well */
			if (a == DNS_NAME_OK) {
				EXPECT_STREQ(got, want);
				EXPECT_EQ_U64(gl, wl);
			}
		}
	}
}

/* dns_name_read_cached against dns_name_read: names from a pool of 24
 * (so that most are read again, from the cache), some with a pointer,
 * put at random offsets of messages of random bytes, each read whole and
 * cut short, then again with one of its bytes changed. Status, next,
 * text and length must agree every time, and the info must be what
 * dns_name_read_memo gives. */
static void test_names_cached(void)
{
	static uint8_t pool[24][300];
	size_t plen[24];
	unsigned seed = 4242;
	int k;

	for (k = 0; k < 24; k++) {
		size_t n = 0, labels = 1 + lcg(&seed, 4), i;

		/* (the bytes after the name are the same every time too:
		 * a name with a pointer must not be taken from the cache
		 * when only the name it points to changed) */
		for (i = 0; i < sizeof(pool[k]); i++)
			pool[k][i] = (uint8_t)lcg(&seed, 256);
		while (labels-- > 0)
			n = rand_label(pool[k], n, &seed, k % 4 == 0 ? 63 : 12);
		if (k % 6 == 5)
			n = put_ptr(pool[k], n, 0);
		else
			pool[k][n++] = 0;
		plen[k] = n;
	}
	for (k = 0; k < 20000; k++) {
		uint8_t msg[600];
		size_t p = lcg(&seed, 24), off = 8 + lcg(&seed, 40), n, cut, i;
		char want[DNS_NAME_TEXT_MAX], got[DNS_NAME_TEXT_MAX];
		size_t wl = 0, gl = 0, wn = 0, gn = 0;
		struct dns_name_memo wi, gi;

		for (i = 0; i < sizeof(msg); i++)
			msg[i] = (uint8_t)lcg(&seed, 256);
		/* at 0 the name a pointer leads to: one random letter */
		msg[0] = 1;
		msg[1] = (uint8_t)('a' + lcg(&seed, 26));
		msg[2] = 0;
		memcpy(msg + off, pool[p], sizeof(pool[p]));
		n = off + plen[p] + lcg(&seed, 12);
		if (k % 7 == 3) /* one byte changed: a case, a length, the root */
			msg[off + lcg(&seed, (unsigned)plen[p])] ^= (uint8_t)(1u << lcg(&seed, 8));
		for (cut = 0; cut < 2; cut++) {
			size_t len = cut ? off + lcg(&seed, (unsigned)(n - off + 1)) : n;
			enum dns_name_status a, b;

			wn = gn = 12345;
			a = dns_name_read_memo(msg, len, off, want, &wl, &wn, NULL, 0, &wi);
			b = dns_name_read_cached(msg, len, off, got, &gl, &gn, &gi);
			EXPECT_EQ_U64(b, a);
			EXPECT_EQ_U64(gn, wn);
			if (a == DNS_NAME_OK) {
				EXPECT_STREQ(got, want);
				EXPECT_EQ_U64(gl, wl);
				EXPECT_EQ_U64(gi.off, wi.off);
				EXPECT_EQ_U64(gi.len, wi.len);
				EXPECT_EQ_U64(gi.wire, wi.wire);
				EXPECT_EQ_U64(gi.jumps, wi.jumps);
			}
		}
	}
}

static void test_names(void)
{
	char t[DNS_NAME_TEXT_MAX];
	size_t tl, next;
	struct mb m;
	uint8_t odd[] = { 7, 'a', 0, ' ', '.', '\\', 0xff, 'Z', 0 };
	size_t i;

	EXPECT_EQ_U64(dns_name_read(odd, sizeof(odd), 0, t, &tl, &next), DNS_NAME_OK);
	/* only host-name bytes stay as they are: the text never holds a space,
	 * quote, backslash or control byte */
	EXPECT_STREQ(t, "a\\000\\032\\.\\092\\255Z");
	EXPECT_EQ_U64(next, sizeof(odd));
	EXPECT_EQ_U64(tl, strlen(t));
	/* root */
	EXPECT_EQ_U64(dns_name_read(odd + 8, 1, 0, t, &tl, &next), DNS_NAME_OK);
	EXPECT_STREQ(t, "");
	/* a name of exactly 255 wire bytes, then one of 256 */
	m.n = 0;
	for (i = 0; i < 3; i++) {
		mb_u8(&m, 63);
		memset(m.b + m.n, 'x', 63);
		m.n += 63;
	}
	mb_u8(&m, 61);
	memset(m.b + m.n, 'y', 61);
	m.n += 61;
	mb_u8(&m, 0);
	EXPECT_EQ_U64(m.n, 255);
	EXPECT_EQ_U64(dns_name_read(m.b, m.n, 0, t, &tl, &next), DNS_NAME_OK);
	EXPECT_EQ_U64(tl, 253);
	m.b[192] = 62;
	m.b[254] = 'y';
	mb_u8(&m, 0);
	EXPECT_EQ_U64(dns_name_read(m.b, m.n, 0, t, &tl, &next), DNS_NAME_TOO_LONG);
	/* label types 01 and 10 */
	m.b[0] = 0x40;
	EXPECT_EQ_U64(dns_name_read(m.b, m.n, 0, t, &tl, &next), DNS_NAME_BAD_LABEL);
	m.b[0] = 0x80;
	EXPECT_EQ_U64(dns_name_read(m.b, m.n, 0, t, &tl, &next), DNS_NAME_BAD_LABEL);
	/* every truncation of a compressed name */
	mb_hdr(&m, 1, 0, 1, 0, 0, 0);
	mb_name(&m, "example.com", -1);
	{
		size_t at = mb_name(&m, "www", 12), k;

		EXPECT_EQ_U64(dns_name_read(m.b, m.n, at, t, &tl, &next), DNS_NAME_OK);
		EXPECT_STREQ(t, "www.example.com");
		EXPECT_EQ_U64(next, m.n);
		for (k = 0; k < m.n; k++) {
			struct sw_guarded g;
			uint8_t *p = sw_guarded_copy(&g, m.b, k);

			FAIL_IF(dns_name_read(p, k, at, t, &tl, &next) == DNS_NAME_OK);
			sw_guarded_free(&g);
		}
	}
	FAIL_UNLESS(dns_name_eq("WWW.Example.COM", "www.example.com"));
	FAIL_IF(dns_name_eq("www.example.com", "www.example.co"));
	test_names_random();
	test_names_memo();
	test_names_cached();
}

/* ---- real messages ------------------------------------------------------- */

static const char *const real_hex[] = { dns_r1, dns_q2, dns_r3, dns_q4, dns_r5,
	long_q, long_r, malf_q, malf_r };
#define NREAL (sizeof(real_hex) / sizeof(real_hex[0]))

static void test_real(void)
{
	struct bytes m[NREAL];
	struct flow f;
	struct run r;
	size_t i, k;

	for (i = 0; i < NREAL; i++) {
		m[i] = hex(real_hex[i]);
		FAIL_UNLESS(D->probe(m[i].p, m[i].n, 0) == SW_PROBE_YES);
		FAIL_UNLESS(D->probe(m[i].p, m[i].n, 1) == SW_PROBE_YES);
	}

	/* dns.pcap: tshark shows e7.whatsapp.net resolving to 8 addresses,
	 * TTL 491; the other two responses have no answers */
	flow_open(&f, D, &r);
	for (i = 0; i < 5; i++)
		udp(&f, m[i].p, m[i].n, (i == 1 || i == 3) ? 0 : 1, 1000 + i);
	flow_close(&f);
	EXPECT_STREQ(r.obs.s,
	    "Q www.example.com 28;Q e7.whatsapp.net 1;"
	    "A e7.whatsapp.net e7.whatsapp.net 169.45.219.235 491;"
	    "A e7.whatsapp.net e7.whatsapp.net 169.47.40.142 491;"
	    "A e7.whatsapp.net e7.whatsapp.net 169.45.248.121 491;"
	    "A e7.whatsapp.net e7.whatsapp.net 108.168.176.234 491;"
	    "A e7.whatsapp.net e7.whatsapp.net 169.45.248.189 491;"
	    "A e7.whatsapp.net e7.whatsapp.net 169.45.248.180 491;"
	    "A e7.whatsapp.net e7.whatsapp.net 169.53.81.79 491;"
	    "A e7.whatsapp.net e7.whatsapp.net 169.45.219.232 491;");
	EXPECT_STREQ(r.an.s, "");
	EXPECT_EQ_U64(r.events, 5);
	EXPECT_EQ_U64(r.ctr.proto.dns_messages, 5);
	EXPECT_EQ_U64(r.ctr.proto.dns_queries, 2);
	EXPECT_EQ_U64(r.ctr.proto.dns_responses, 3);
	EXPECT_EQ_U64(r.ctr.proto.dns_malformed, 0);
	EXPECT_STREQ(r.json.s,
	    "{\"event_type\":\"dns\",\"ts\":\"1000\",\"dns\":{\"version\":2,\"type\":\"answer\","
	    "\"id\":56482,\"flags\":\"8180\",\"qr\":true,\"rd\":true,\"ra\":true,\"opcode\":0,"
	    "\"rrname\":\"www.l.google.com\",\"rrtype\":\"AAAA\",\"rcode\":\"NOERROR\"}};"
	    "{\"event_type\":\"dns\",\"ts\":\"1001\",\"dns\":{\"type\":\"query\",\"id\":48159,"
	    "\"rrname\":\"www.example.com\",\"rrtype\":\"AAAA\",\"opcode\":0}};"
	    "{\"event_type\":\"dns\",\"ts\":\"1002\",\"dns\":{\"version\":2,\"type\":\"answer\","
	    "\"id\":48159,\"flags\":\"8180\",\"qr\":true,\"rd\":true,\"ra\":true,\"opcode\":0,"
	    "\"rrname\":\"www.example.com\",\"rrtype\":\"AAAA\",\"rcode\":\"NOERROR\"}};"
	    "{\"event_type\":\"dns\",\"ts\":\"1003\",\"dns\":{\"type\":\"query\",\"id\":30787,"
	    "\"rrname\":\"e7.whatsapp.net\",\"rrtype\":\"A\",\"opcode\":0}};"
	    "{\"event_type\":\"dns\",\"ts\":\"1004\",\"dns\":{\"version\":2,\"type\":\"answer\","
	    "\"id\":30787,\"flags\":\"8180\",\"qr\":true,\"rd\":true,\"ra\":true,\"opcode\":0,"
	    "\"rrname\":\"e7.whatsapp.net\",\"rrtype\":\"A\",\"rcode\":\"NOERROR\",\"answers\":["
	    "{\"rrname\":\"e7.whatsapp.net\",\"rrtype\":\"A\",\"ttl\":491,\"rdata\":\"169.45.219.235\"},"
	    "{\"rrname\":\"e7.whatsapp.net\",\"rrtype\":\"A\",\"ttl\":491,\"rdata\":\"169.47.40.142\"},"
	    "{\"rrname\":\"e7.whatsapp.net\",\"rrtype\":\"A\",\"ttl\":491,\"rdata\":\"169.45.248.121\"},"
	    "{\"rrname\":\"e7.whatsapp.net\",\"rrtype\":\"A\",\"ttl\":491,\"rdata\":\"108.168.176.234\"},"
	    "{\"rrname\":\"e7.whatsapp.net\",\"rrtype\":\"A\",\"ttl\":491,\"rdata\":\"169.45.248.189\"},"
	    "{\"rrname\":\"e7.whatsapp.net\",\"rrtype\":\"A\",\"ttl\":491,\"rdata\":\"169.45.248.180\"},"
	    "{\"rrname\":\"e7.whatsapp.net\",\"rrtype\":\"A\",\"ttl\":491,\"rdata\":\"169.53.81.79\"},"
	    "{\"rrname\":\"e7.whatsapp.net\",\"rrtype\":\"A\",\"ttl\":491,\"rdata\":\"169.45.219.232\"}],"
	    "\"grouped\":{\"A\":[\"169.45.219.235\",\"169.47.40.142\",\"169.45.248.121\","
	    "\"108.168.176.234\",\"169.45.248.189\",\"169.45.248.180\",\"169.53.81.79\","
	    "\"169.45.219.232\"]}}};");

	/* dns_long_domainname.pcap: NXDOMAIN with the example.com SOA (TTL
	 * 1475 in tshark's dns.resp.ttl) as authority */
	flow_open(&f, D, &r);
	udp(&f, m[5].p, m[5].n, 0, 1);
	udp(&f, m[6].p, m[6].n, 1, 2);
	flow_close(&f);
	EXPECT_STREQ(r.obs.s, "Q gmr02c.16.0.fhkfhsdkfhsk.tunnel.example.com 1;");
	FAIL_UNLESS(strstr(r.json.s, "\"rrname\":\"gmr02c.16.0.fhkfhsdkfhsk.tunnel.example.com\","
	    "\"rrtype\":\"A\",\"rcode\":\"NXDOMAIN\",\"authorities\":[{\"rrname\":\"example.com\","
	    "\"rrtype\":\"SOA\",\"ttl\":1475}]") != NULL);
	EXPECT_EQ_U64(r.ctr.proto.dns_malformed, 0);

	/* malformed_dns.pcap: the response's second question runs into bytes
	 * that make no name (tshark: "<Name too long>"); the message is
	 * logged with its first question, no address is reported */
	flow_open(&f, D, &r);
	udp(&f, m[7].p, m[7].n, 0, 1);
	udp(&f, m[8].p, m[8].n, 1, 2);
	udp(&f, m[8].p, m[8].n, 1, 3);
	flow_close(&f);
	EXPECT_STREQ(r.obs.s, "Q www.xt.com 1;");
	EXPECT_EQ_U64(r.ctr.proto.dns_malformed, 2);
	EXPECT_EQ_U64(r.events, 3);
	EXPECT_STREQ(r.an.s, "dns.name_too_long;");
	EXPECT_EQ_U64(r.ctr.proto.dns_names_too_long, 2);
	FAIL_UNLESS(strstr(r.json.s, "\"rrname\":\"www.xt.com\",\"rrtype\":\"A\",\"rcode\":\"NOERROR\"}") != NULL);

	/* every truncation of every message: no crash, nothing invented */
	for (i = 0; i < NREAL; i++) {
		for (k = 0; k < m[i].n; k++) {
			flow_open(&f, D, &r);
			udp(&f, m[i].p, k, 1, 1);
			flow_close(&f);
			FAIL_IF(r.ctr.proto.dns_messages != (k > 0));
			if (k > 0 && k < 12)
				FAIL_IF(r.events != 0 || r.ctr.proto.dns_malformed != 1);
			/* the address list only ever shrinks */
			FAIL_IF(strlen(r.obs.s) > 1000);
			(void)D->probe(m[i].p, k, 0);
		}
	}

	/* the same messages over TCP, split at every byte offset */
	{
		struct bytes s[2];
		struct run whole;

		s[0].p = malloc(65536);
		s[1].p = malloc(65536);
		s[0].n = s[1].n = 0;
		for (i = 0; i < NREAL; i++) {
			int dir = (m[i].p[2] & 0x80) ? 1 : 0;

			s[dir].p[s[dir].n++] = (uint8_t)(m[i].n >> 8);
			s[dir].p[s[dir].n++] = (uint8_t)m[i].n;
			memcpy(s[dir].p + s[dir].n, m[i].p, m[i].n);
			s[dir].n += m[i].n;
		}
		for (k = 0; k < 2; k++) {
			size_t j;

			FAIL_UNLESS(DT->probe(s[k].p, s[k].n, (int)k) == SW_PROBE_YES);
			for (j = 0; j < 14; j++)
				FAIL_UNLESS(DT->probe(s[k].p, j, (int)k) == SW_PROBE_MAYBE);
			FAIL_UNLESS(D->probe(s[k].p, s[k].n, (int)k) == SW_PROBE_NO);
		}
		flow_open(&f, DT, &whole);
		tcp(&f, s[0].p, s[0].n, 0, 0, 7);
		tcp(&f, s[1].p, s[1].n, 1, 0, 7);
		tcp(&f, NULL, 0, 0, SW_SLICE_EOF, 7);
		tcp(&f, NULL, 0, 1, SW_SLICE_EOF, 7);
		flow_close(&f);
		EXPECT_EQ_U64(whole.events, 9);
		EXPECT_EQ_U64(whole.ctr.proto.dns_messages, 9);
		for (k = 0; k < 2; k++) {
			size_t cut;

			for (cut = 1; cut < s[k].n; cut++) {
				flow_open(&f, DT, &r);
				tcp(&f, s[0].p, k == 0 ? cut : s[0].n, 0, 0, 7);
				if (k == 0)
					tcp(&f, s[0].p + cut, s[0].n - cut, 0, 0, 7);
				tcp(&f, s[1].p, k == 1 ? cut : s[1].n, 1, 0, 7);
				if (k == 1)
					tcp(&f, s[1].p + cut, s[1].n - cut, 1, 0, 7);
				tcp(&f, NULL, 0, 0, SW_SLICE_EOF, 7);
				tcp(&f, NULL, 0, 1, SW_SLICE_EOF, 7);
				flow_close(&f);
				if (!same_run(&whole, &r)) {
					fprintf(stderr, "TCP dir %zu split at %zu differs\n", k, cut);
					FAIL_IF(1);
					break;
				}
			}
		}
		/* 1-byte segments */
		flow_open(&f, DT, &r);
		for (k = 0; k < 2; k++)
			for (i = 0; i < s[k].n; i++)
				tcp(&f, s[k].p + i, 1, (int)k, 0, 7);
		tcp(&f, NULL, 0, 0, SW_SLICE_EOF, 7);
		tcp(&f, NULL, 0, 1, SW_SLICE_EOF, 7);
		flow_close(&f);
		FAIL_UNLESS(same_run(&whole, &r));
		/* the stream ends inside a message */
		flow_open(&f, DT, &r);
		tcp(&f, s[1].p, s[1].n - 3, 1, 0, 7);
		tcp(&f, NULL, 0, 1, SW_SLICE_EOF, 7);
		flow_close(&f);
		FAIL_UNLESS(strstr(r.an.s, "dns.malformed;") != NULL);
		/* a gap: that direction is not read any more */
		flow_open(&f, DT, &r);
		tcp(&f, s[0].p, 10, 0, 0, 7);
		tcp(&f, s[0].p + 40, s[0].n - 40, 0, SW_SLICE_GAP, 7);
		tcp(&f, s[1].p, s[1].n, 1, 0, 7);
		flow_close(&f);
		EXPECT_EQ_U64(r.ctr.proto.dns_queries, 0);
		EXPECT_EQ_U64(r.ctr.proto.dns_responses, 5);
		free(s[0].p);
		free(s[1].p);
	}
	for (i = 0; i < NREAL; i++)
		free(m[i].p);
}

/* ---- hand-built messages --------------------------------------------------- */

/* Query and answer for a name behind two CNAMEs, compressed as a server
 * writes them, with an unrelated A record that must not be reported. */
/* test_chain's answer: a CNAME chain, an A off the chain, two A and an
 * AAAA at its end. */
static void chain_answer(struct mb *mp)
{
	struct mb m;
	size_t x, y, at;

	mb_hdr(&m, 0x1234, 0x8180, 1, 6, 0, 0);
	mb_question(&m, "pool.example.com", 1);
	x = mb_cname(&m, 12, "x.cdn", 12 + 5, 60);          /* x.cdn.example.com */
	y = mb_cname(&m, (int)x, "Y", (int)x + 2, 30);       /* Y.cdn.example.com */
	mb_a(&m, (int)y, NULL, 20, 10, 0, 0, 1);
	mb_a(&m, -1, "other.net", 20, 9, 9, 9, 9);
	mb_a(&m, (int)y, NULL, 20, 10, 0, 0, 2);
	mb_u16(&m, 0xc000u | (unsigned)y);
	at = mb_rr(&m, 28, 5);
	memset(m.b + m.n, 0, 16);
	m.b[m.n] = 0x20;
	m.b[m.n + 1] = 0x01;
	m.b[m.n + 15] = 0x01;
	m.n += 16;
	mb_rdlen(&m, at);
	*mp = m;
}

static void test_chain(void)
{
	struct mb m;
	struct flow f;
	struct run r;

	mb_hdr(&m, 0x1234, 0x0100, 1, 0, 0, 0);
	mb_question(&m, "pool.example.com", 1);
	flow_open(&f, D, &r);
	udp(&f, m.b, m.n, 0, 10);
	chain_answer(&m);
	FAIL_UNLESS(D->probe(m.b, m.n, 1) == SW_PROBE_YES);
	udp(&f, m.b, m.n, 1, 11);
	flow_close(&f);
	EXPECT_STREQ(r.obs.s, "Q pool.example.com 1;"
	    "A pool.example.com Y.cdn.example.com 10.0.0.1 20;"
	    "A pool.example.com Y.cdn.example.com 10.0.0.2 20;"
	    "AAAA pool.example.com Y.cdn.example.com 2001..01 5;");
	EXPECT_STREQ(r.an.s, "");
	EXPECT_STREQ(r.json.s,
	    "{\"event_type\":\"dns\",\"ts\":\"10\",\"dns\":{\"type\":\"query\",\"id\":4660,"
	    "\"rrname\":\"pool.example.com\",\"rrtype\":\"A\",\"opcode\":0}};"
	    "{\"event_type\":\"dns\",\"ts\":\"11\",\"dns\":{\"version\":2,\"type\":\"answer\","
	    "\"id\":4660,\"flags\":\"8180\",\"qr\":true,\"rd\":true,\"ra\":true,\"opcode\":0,"
	    "\"rrname\":\"pool.example.com\",\"rrtype\":\"A\",\"rcode\":\"NOERROR\",\"answers\":["
	    "{\"rrname\":\"pool.example.com\",\"rrtype\":\"CNAME\",\"ttl\":60,\"rdata\":\"x.cdn.example.com\"},"
	    "{\"rrname\":\"x.cdn.example.com\",\"rrtype\":\"CNAME\",\"ttl\":30,\"rdata\":\"Y.cdn.example.com\"},"
	    "{\"rrname\":\"Y.cdn.example.com\",\"rrtype\":\"A\",\"ttl\":20,\"rdata\":\"10.0.0.1\"},"
	    "{\"rrname\":\"other.net\",\"rrtype\":\"A\",\"ttl\":20,\"rdata\":\"9.9.9.9\"},"
	    "{\"rrname\":\"Y.cdn.example.com\",\"rrtype\":\"A\",\"ttl\":20,\"rdata\":\"10.0.0.2\"},"
	    "{\"rrname\":\"Y.cdn.example.com\",\"rrtype\":\"AAAA\",\"ttl\":5,\"rdata\":\"2001::1\"}],"
	    "\"grouped\":{\"CNAME\":[\"x.cdn.example.com\",\"Y.cdn.example.com\"],"
	    "\"A\":[\"10.0.0.1\",\"9.9.9.9\",\"10.0.0.2\"],\"AAAA\":[\"2001::1\"]}}};");
}

/* No "dns" events asked for (env.emit NULL): the same lookup still
 * reports its question and answers and is answered, and writes nothing;
 * asked for, they are written as the messages come, and the state holds
 * nothing more for them. */
static void test_log_unwanted(void)
{
	struct mb m;
	struct flow f;
	struct run logged, r;
	int dir;

	for (dir = 0; dir < 2; dir++) {
		struct run *rr = dir == 0 ? &logged : &r;

		mb_hdr(&m, 0x1234, 0x0100, 1, 0, 0, 0);
		mb_question(&m, "pool.example.com", 1);
		flow_open(&f, D, rr);
		if (dir == 1)
			f.env.emit = NULL;
		udp(&f, m.b, m.n, 0, 10);
		EXPECT_EQ_U64(f.out.events, dir == 0 ? 1 : 0);
		chain_answer(&m);
		udp(&f, m.b, m.n, 1, 11);
		EXPECT_EQ_U64(f.out.events, dir == 0 ? 2 : 0);
		FAIL_UNLESS(D->answered(f.st));
		flow_close(&f);
	}
	EXPECT_STREQ(r.obs.s, logged.obs.s);
	EXPECT_STREQ(r.an.s, "");
	EXPECT_EQ_U64(logged.events, 2);
	EXPECT_EQ_U64(r.events, 0);
	EXPECT_STREQ(r.json.s, "");
	EXPECT_EQ_U64(r.max_size, logged.max_size);
	EXPECT_EQ_U64(r.ctr.proto.dns_log_dropped, 0);
}

/* The response of test_chain's shape, truncated at every length and over
 * TCP at every split: never more than the whole message reports. */
static void test_cname_loops(void)
{
	struct mb m;
	struct flow f;
	struct run r;
	size_t a, b, i;
	clock_t t0 = clock();

	/* a -> b -> a, with an A record for each */
	mb_hdr(&m, 7, 0x8180, 1, 4, 0, 0);
	mb_question(&m, "a.example", 1);
	b = mb_cname(&m, 12, "b", 12 + 2, 60);
	a = mb_cname(&m, (int)b, "a", 12 + 2, 60);
	mb_a(&m, 12, NULL, 1, 1, 1, 1, 1);
	mb_a(&m, (int)b, NULL, 1, 2, 2, 2, 2);
	(void)a;
	flow_open(&f, D, &r);
	udp(&f, m.b, m.n, 1, 1);
	flow_close(&f);
	EXPECT_STREQ(r.obs.s, "A a.example a.example 1.1.1.1 1;A a.example b.example 2.2.2.2 1;");
	EXPECT_STREQ(r.an.s, "dns.cname_loop;");
	EXPECT_EQ_U64(r.ctr.proto.dns_cname_loops, 1);

	/* a chain of 20 links: followed for 16, then reported */
	mb_hdr(&m, 8, 0x8180, 1, 21, 0, 0);
	mb_question(&m, "c0.example", 1);
	{
		size_t prev = 12;
		char nm[8];

		for (i = 1; i <= 20; i++) {
			snprintf(nm, sizeof(nm), "c%zu", i);
			prev = mb_cname(&m, (int)prev, nm, 12 + 3, 60);
		}
		mb_a(&m, (int)prev, NULL, 1, 3, 3, 3, 3);
	}
	flow_open(&f, D, &r);
	udp(&f, m.b, m.n, 1, 1);
	flow_close(&f);
	EXPECT_STREQ(r.obs.s, "");
	EXPECT_STREQ(r.an.s, "dns.cname_chain_too_long;");
	/* 16 links still resolve */
	mb_hdr(&m, 8, 0x8180, 1, 17, 0, 0);
	mb_question(&m, "c0.example", 1);
	{
		size_t prev = 12;
		char nm[8];

		for (i = 1; i <= 16; i++) {
			snprintf(nm, sizeof(nm), "c%zu", i);
			prev = mb_cname(&m, (int)prev, nm, 12 + 3, 60);
		}
		mb_a(&m, (int)prev, NULL, 1, 3, 3, 3, 3);
	}
	flow_open(&f, D, &r);
	udp(&f, m.b, m.n, 1, 1);
	flow_close(&f);
	EXPECT_STREQ(r.obs.s, "A c0.example c16.example 3.3.3.3 1;");
	EXPECT_STREQ(r.an.s, "");
	FAIL_IF((double)(clock() - t0) / CLOCKS_PER_SEC > 5.0);
}

static void test_compression(void)
{
	struct mb m;
	struct flow f;
	struct run r;
	size_t i, at;

	/* the question is a pointer to itself */
	mb_hdr(&m, 1, 0x0100, 1, 0, 0, 0);
	mb_u16(&m, 0xc00c);
	mb_u16(&m, 1);
	mb_u16(&m, 1);
	FAIL_UNLESS(D->probe(m.b, m.n, 0) == SW_PROBE_NO);
	flow_open(&f, D, &r);
	udp(&f, m.b, m.n, 0, 1);
	flow_close(&f);
	EXPECT_STREQ(r.an.s, "dns.compression_loop;");
	EXPECT_EQ_U64(r.ctr.proto.dns_compression_loops, 1);
	EXPECT_EQ_U64(r.ctr.proto.dns_malformed, 1);
	EXPECT_EQ_U64(r.events, 0);
	EXPECT_STREQ(r.obs.s, "");

	/* a -> pointer to a label that ends pointing back to the first */
	mb_hdr(&m, 1, 0x8180, 1, 1, 0, 0);
	mb_question(&m, "q", 1);       /* 12..18 */
	mb_u8(&m, 1);                  /* 19: "x" then pointer to 19 */
	mb_u8(&m, 'x');
	mb_u16(&m, 0xc000 | 19);
	at = mb_rr(&m, 1, 1);
	mb_u32(&m, 0x01020304);
	mb_rdlen(&m, at);
	flow_open(&f, D, &r);
	udp(&f, m.b, m.n, 1, 1);
	flow_close(&f);
	EXPECT_STREQ(r.an.s, "dns.compression_loop;");
	EXPECT_STREQ(r.obs.s, "");

	/* a pointer forward */
	mb_hdr(&m, 1, 0x0100, 1, 0, 0, 0);
	mb_u8(&m, 1);
	mb_u8(&m, 'a');
	mb_u16(&m, 0xc000 | 40);
	mb_u16(&m, 1);
	mb_u16(&m, 1);
	while (m.n < 48)
		mb_u8(&m, 0);
	flow_open(&f, D, &r);
	udp(&f, m.b, m.n, 0, 1);
	flow_close(&f);
	EXPECT_STREQ(r.an.s, "dns.compression_forward;");
	EXPECT_EQ_U64(r.ctr.proto.dns_malformed, 1);

	/* DNS_NAME_MAX_JUMPS - 1 and 200 chained backward pointers (inside a
	 * NULL record's rdata), then an owner name that is a pointer to the
	 * last of them: at the jump cap, and far over it */
	for (int n = DNS_NAME_MAX_JUMPS - 1; n <= 200; n = 200) {
		size_t first, last = 0;

		mb_hdr(&m, 1, 0x8180, 1, 2, 0, 0);
		mb_question(&m, "a", 1);        /* name at 12 */
		mb_u16(&m, 0xc00c);
		at = mb_rr(&m, 10, 1);
		first = m.n;
		for (i = 0; i < (size_t)n; i++) {
			last = m.n;
			mb_u16(&m, i == 0 ? 0xc00c : (0xc000u | (unsigned)(last - 2)));
		}
		(void)first;
		mb_rdlen(&m, at);
		mb_u16(&m, 0xc000u | (unsigned)last);
		at = mb_rr(&m, 1, 7);
		mb_u32(&m, 0x05060708);
		mb_rdlen(&m, at);
		flow_open(&f, D, &r);
		udp(&f, m.b, m.n, 1, 1);
		flow_close(&f);
		if (n < 200) {
			/* DNS_NAME_MAX_JUMPS jumps: allowed; the A record is a's */
			EXPECT_STREQ(r.an.s, "");
			EXPECT_STREQ(r.obs.s, "A a a 5.6.7.8 7;");
		} else {
			EXPECT_STREQ(r.an.s, "dns.compression_loop;");
			EXPECT_STREQ(r.obs.s, "");
			EXPECT_EQ_U64(r.ctr.proto.dns_compression_loops, 1);
			break;
		}
	}

	/* a 300-byte name, in the question and via compression in a record */
	mb_hdr(&m, 1, 0x0100, 1, 0, 0, 0);
	for (i = 0; i < 5; i++) {
		mb_u8(&m, 59);
		memset(m.b + m.n, 'n', 59);
		m.n += 59;
	}
	mb_u8(&m, 0);
	mb_u16(&m, 1);
	mb_u16(&m, 1);
	flow_open(&f, D, &r);
	udp(&f, m.b, m.n, 0, 1);
	flow_close(&f);
	EXPECT_STREQ(r.an.s, "dns.name_too_long;");
	EXPECT_EQ_U64(r.ctr.proto.dns_names_too_long, 1);
	mb_hdr(&m, 1, 0x8180, 1, 1, 0, 0);
	mb_u8(&m, 63);                         /* 12: 63 + 63 + 63 bytes = 192 wire */
	memset(m.b + m.n, 'p', 63), m.n += 63;
	mb_u8(&m, 63);
	memset(m.b + m.n, 'p', 63), m.n += 63;
	mb_u8(&m, 0);
	mb_u16(&m, 1);
	mb_u16(&m, 1);
	mb_u8(&m, 63);                         /* owner: 64 more bytes, then the 129 */
	memset(m.b + m.n, 'o', 63), m.n += 63;
	mb_u8(&m, 63);
	memset(m.b + m.n, 'o', 63), m.n += 63;
	mb_u16(&m, 0xc00c);
	at = mb_rr(&m, 1, 1);
	mb_u32(&m, 0x01010101);
	mb_rdlen(&m, at);
	flow_open(&f, D, &r);
	udp(&f, m.b, m.n, 1, 1);
	flow_close(&f);
	EXPECT_STREQ(r.an.s, "dns.name_too_long;");
	EXPECT_STREQ(r.obs.s, "");
}

/* 40 queries on one socket (a tunnel's shape): with the default bound all
 * are written; with dns_events_per_flow=16 the first 16, the rest counted;
 * with 0 every one. Nothing is kept either way: memory stays bounded. */
static void log_queries(struct run *r, uint32_t cap)
{
	struct mb m;
	struct flow f;
	char nm[64];
	size_t i;

	g_limits.dns_events_per_flow = cap;
	flow_open(&f, D, r);
	for (i = 0; i < 40; i++) {
		mb_hdr(&m, (unsigned)i, 0x0100, 1, 0, 0, 0);
		snprintf(nm, sizeof(nm), "q%zu.example.org", i);
		mb_question(&m, nm, 1);
		udp(&f, m.b, m.n, 0, 100 + i);
	}
	flow_close(&f);
	sw_limits_default(&g_limits);
	EXPECT_EQ_U64(r->ctr.proto.dns_queries, 40);
	FAIL_IF(r->max_size > 40000);
	FAIL_UNLESS(strstr(r->json.s, "q0.example.org") != NULL);
}

static void test_log_cap(void)
{
	struct mb m;
	struct flow f;
	struct run r;
	char nm[64];
	size_t i;

	log_queries(&r, 16);
	EXPECT_EQ_U64(r.events, 16);
	EXPECT_EQ_U64(r.ctr.proto.dns_log_dropped, 24);
	FAIL_UNLESS(strstr(r.json.s, "q15.example.org") != NULL);
	FAIL_UNLESS(strstr(r.json.s, "q16.example.org") == NULL);
	log_queries(&r, 0);
	EXPECT_EQ_U64(r.events, 40);
	EXPECT_EQ_U64(r.ctr.proto.dns_log_dropped, 0);
	FAIL_UNLESS(strstr(r.json.s, "q39.example.org") != NULL);
	sw_limits_default(&g_limits);
	FAIL_UNLESS(g_limits.dns_events_per_flow >= 40);
	log_queries(&r, g_limits.dns_events_per_flow);
	EXPECT_EQ_U64(r.events, 40);
	EXPECT_EQ_U64(r.ctr.proto.dns_log_dropped, 0);

	/* responses with 80 records of long names: 32 written per message,
	 * each written at once (nothing held: the state stays small) */
	flow_open(&f, D, &r);
	for (i = 0; i < 40; i++) {
		size_t k, at;

		mb_hdr(&m, 1, 0x8180, 1, 80, 0, 0);
		mb_question(&m, "q.example", 1);
		for (k = 0; k < 80; k++) {
			snprintf(nm, sizeof(nm), "r%zu-%s", k,
			    "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghij");
			mb_name(&m, nm, 12);
			at = mb_rr(&m, 16, 1);
			mb_u8(&m, 0);
			mb_rdlen(&m, at);
		}
		udp(&f, m.b, m.n, 1, 1);
	}
	flow_close(&f);
	EXPECT_EQ_U64(r.ctr.proto.dns_rr_dropped, 40);
	FAIL_IF(r.max_size > 40000);
	EXPECT_EQ_U64(r.events, 40);
}

static void test_probe(void)
{
	static const uint8_t http[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	static const uint8_t tls[] = { 0x16, 3, 1, 0, 0x7a, 1, 0, 0, 0x76, 3, 3, 0, 0, 0 };
	static const uint8_t tcplen[] = { 0, 5, 1, 2, 3, 4, 5 };
	struct mb m;
	uint8_t rnd[512];
	size_t i, yes = 0;
	uint32_t x = 1;

	FAIL_UNLESS(D->probe(http, sizeof(http) - 1, 0) == SW_PROBE_NO);
	FAIL_UNLESS(D->probe(tls, sizeof(tls), 0) == SW_PROBE_NO);
	FAIL_UNLESS(DT->probe(http, sizeof(http) - 1, 0) == SW_PROBE_NO);
	FAIL_UNLESS(DT->probe(tls, sizeof(tls), 0) == SW_PROBE_NO);
	FAIL_UNLESS(DT->probe(tcplen, sizeof(tcplen), 0) == SW_PROBE_NO);
	/* mDNS announcement: no question, answers only; not taken */
	mb_hdr(&m, 0, 0x8400, 0, 1, 0, 0);
	mb_a(&m, -1, "printer.local", 120, 192, 168, 1, 9);
	FAIL_UNLESS(D->probe(m.b, m.n, 0) == SW_PROBE_NO);
	/* five questions: not a client's message */
	mb_hdr(&m, 1, 0x0100, 5, 0, 0, 0);
	for (i = 0; i < 5; i++)
		mb_question(&m, "x.example", 1);
	FAIL_UNLESS(D->probe(m.b, m.n, 0) == SW_PROBE_NO);
	/* a query with an RCODE, an opcode 3, a question of class 7 */
	mb_hdr(&m, 1, 0x0103, 1, 0, 0, 0);
	mb_question(&m, "x.example", 1);
	FAIL_UNLESS(D->probe(m.b, m.n, 0) == SW_PROBE_NO);
	mb_hdr(&m, 1, 0x1800, 1, 0, 0, 0);
	mb_question(&m, "x.example", 1);
	FAIL_UNLESS(D->probe(m.b, m.n, 0) == SW_PROBE_NO);
	mb_hdr(&m, 1, 0x0100, 1, 0, 0, 0);
	mb_name(&m, "x.example", -1);
	mb_u16(&m, 1);
	mb_u16(&m, 7);
	FAIL_UNLESS(D->probe(m.b, m.n, 0) == SW_PROBE_NO);
	/* counts the datagram cannot hold */
	mb_hdr(&m, 1, 0x8180, 1, 50, 0, 0);
	mb_question(&m, "x.example", 1);
	FAIL_UNLESS(D->probe(m.b, m.n, 0) == SW_PROBE_NO);
	/* random datagrams are (almost) never DNS */
	for (i = 0; i < 20000; i++) {
		size_t k;

		for (k = 0; k < sizeof(rnd); k++) {
			x = x * 1103515245 + 12345;
			rnd[k] = (uint8_t)(x >> 16);
		}
		if (D->probe(rnd, 20 + i % 400, 0) == SW_PROBE_YES)
			yes++;
	}
	FAIL_IF(yes > 0);
}

/* answered(): the flow may end early only once every query id came back;
 * an id never asked (a response-only flow) counts, a query not yet
 * answered or more outstanding than the dissector tracks does not. */
static void dns_send(struct flow *f, unsigned id, int response, uint64_t ts)
{
	struct mb m;

	mb_hdr(&m, id, response ? 0x8180 : 0x0100, 1, 0, 0, 0);
	mb_question(&m, "pool.example.org", 1);
	udp(f, m.b, m.n, response, ts);
}

static void test_answered(void)
{
	struct flow f;
	struct run r;
	unsigned i;

	FAIL_IF(D->answered == NULL);
	FAIL_IF(DT->answered != NULL); /* TCP has FIN/RST */

	flow_open(&f, D, &r);
	FAIL_IF(D->answered(f.st));             /* nothing yet */
	dns_send(&f, 1, 0, 1);
	dns_send(&f, 2, 0, 2);                  /* A and AAAA lookups */
	FAIL_IF(D->answered(f.st));
	dns_send(&f, 1, 0, 3);                  /* a retransmission */
	dns_send(&f, 2, 1, 4);
	FAIL_IF(D->answered(f.st));             /* 1 still waits */
	dns_send(&f, 1, 1, 5);
	FAIL_UNLESS(D->answered(f.st));
	dns_send(&f, 3, 0, 6);                  /* the next lookup */
	FAIL_IF(D->answered(f.st));
	dns_send(&f, 3, 1, 7);
	FAIL_UNLESS(D->answered(f.st));
	dns_send(&f, 3, 1, 8);                  /* a duplicate answer */
	FAIL_UNLESS(D->answered(f.st));
	flow_close(&f);

	/* a response whose query the capture missed */
	flow_open(&f, D, &r);
	dns_send(&f, 9, 1, 1);
	FAIL_UNLESS(D->answered(f.st));
	flow_close(&f);

	/* more outstanding queries than tracked: never called answered,
	 * even once every one of them is */
	flow_open(&f, D, &r);
	for (i = 0; i < 5; i++)
		dns_send(&f, 100 + i, 0, i);
	for (i = 0; i < 5; i++)
		dns_send(&f, 100 + i, 1, 10 + i);
	FAIL_IF(D->answered(f.st));
	flow_close(&f);
}

int main(void)
{
	sw_limits_default(&g_limits);
	test_names();
	test_probe();
	test_real();
	test_chain();
	test_log_unwanted();
	test_cname_loops();
	test_compression();
	test_log_cap();
	test_answered();
	return sw_test_done("test_dns");
}
