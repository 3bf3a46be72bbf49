/* tls.c: the TLS dissector: the ClientHello (SNI, ALPN, JA3, JA4) and the
 * ServerHello (negotiated version, JA3S); everything after is encrypted and
 * skipped (RFC 8446 sections 4.1 and 5.1; RFC 5246 section 6.2).
 *
 * Each direction collects its first handshake message, which may be split
 * over TCP segments and over several records (record layer fragmentation):
 *
 *   record: | 0x16 | ver (2) | len (2) | payload ... |   (len <= 2^14 + 2048)
 *   payloads joined: | type (1) | length (3) | body (length) | ...
 *
 * A partial record is left to the engine (SW_PARSE_INCOMPLETE); whole
 * records are consumed and their payload appended to the direction's
 * collector, which holds at most TLS_HELLO_MAX body bytes and is freed as
 * soon as the message is complete. When the message sits inside one
 * record, as it nearly always does, it is parsed in place with no copy.
 * After its first message a direction is consumed without looking. */
#include <stdlib.h>
#include <string.h>

#include "sw_dissector.h"
#include "sw_err.h"
#include "sw_rd.h"
#include "sw_slab.h"
#include "tls-ja.h"

#define TLS_REC_HANDSHAKE 0x16
#define TLS_RECORD_MAX (16384 + 2048)  /* TLSCiphertext, RFC 8446 section 5.2 */
#define TLS_HELLO_MAX 65536            /* body bytes of one hello we collect */
#define TLS_HELLO_MIN 38               /* version, random, three lengths */
#define TLS_SNI_MAX 1024               /* SNI bytes kept (DNS allows 253) */
#define TLS_ALPN_KEEP 8                /* ALPN protocols kept */
#define TLS_ALPN_TEXT 512              /* bytes of their text */
#define HS_CLIENT_HELLO 1
#define HS_SERVER_HELLO 2

/* anomaly_once bits */
#define AO_MALFORMED 0x01
#define AO_TOO_LARGE 0x02
#define AO_SNI_LONG  0x04
#define AO_RECORD    0x08

/* One direction's first handshake message. */
struct tls_dir {
	uint8_t done;     /* got it, or gave up: the rest is not read */
	uint8_t hdr[4];   /* handshake header as it arrives */
	uint8_t hlen;
	uint8_t *body;    /* body, allocated once its length is known */
	size_t blen, bneed;
};

struct tls_state {
	struct tls_dir d[2];
	uint8_t hello, server_hello, anomaly_once;
	uint64_t ts;
	uint16_t version;        /* client's highest version */
	uint16_t server_version; /* negotiated, from the ServerHello */
	char *sni;               /* escaped text, NULL when absent */
	/* JA3, JA4 and JA3S cost more than the rest of the dissector, so the
	 * hellos' lists are kept (tls_hello_keep) and the fingerprints made
	 * only when an alert or a tls event prints them (tls_fingerprint) */
	uint8_t *keep_c, *keep_s;
	struct tls_hello kc;
	struct tls_server_hello ks;
	uint8_t fp_done;
	char *ja3_str, *ja3s_str;
	char ja3[33], ja3s[33], ja4[TLS_JA4_LEN];
	/* the client's ALPN protocols as text, back to back, allocated to
	 * their size (at most TLS_ALPN_TEXT; held inline, the room cost
	 * every TLS flow 512 bytes for the dozen most use) */
	char *alpn_text;
	uint16_t alpn_off[TLS_ALPN_KEEP];
	uint8_t nalpn;
	size_t heap;
};

extern const struct sw_dissector sw_dissector_tls;

#define CTR_INC(env, field) do {                                        \
	if ((env) != NULL && (env)->counters != NULL)                   \
		(env)->counters->proto.field++;                         \
} while (0)

static void tls_anomaly(struct tls_state *st, const struct sw_app_env *env,
    uint8_t bit, const char *event, const char *detail, const char *action)
{
	if (st->anomaly_once & bit)
		return;
	st->anomaly_once |= bit;
	if (env != NULL)
		sw_anomaly_report(env->anomalies, SW_ANOMALY_APPLAYER, event,
		    detail, action, "tls");
}

static void tls_dir_finish(struct tls_dir *d)
{
	free(d->body);
	d->body = NULL;
	d->blen = d->bneed = 0;
	d->done = 1;
}

/* Bytes as text: 0x21..0x7e as they are ('\' doubled), others \DDD. */
static size_t tls_escape(char *out, const uint8_t *p, size_t n)
{
	size_t i, t = 0;

	for (i = 0; i < n; i++) {
		uint8_t c = p[i];

		if (c > 0x20 && c < 0x7f) {
			if (c == '\\')
				out[t++] = '\\';
			out[t++] = (char)c;
		} else {
			out[t++] = '\\';
			out[t++] = (char)('0' + c / 100);
			out[t++] = (char)('0' + c / 10 % 10);
			out[t++] = (char)('0' + c % 10);
		}
	}
	out[t] = '\0';
	return t;
}

/* ---- the two hellos -------------------------------------------------- */

/* The first TLS_ALPN_KEEP protocols that fit in TLS_ALPN_TEXT bytes,
 * escaped on the stack and then kept in an allocation of their size. Once
 * per flow (the first ClientHello). */
static void tls_keep_alpn(struct tls_state *st, const struct tls_hello *h)
{
	char text[TLS_ALPN_TEXT];
	const uint8_t *p;
	size_t n, off = 0, used = 0, k = 0;

	if (st->alpn_text != NULL)
		return;
	while (k < TLS_ALPN_KEEP && tls_alpn_next(h->alpn, h->alpn_len, &off, &p, &n)) {
		if (TLS_ALPN_TEXT - used < 4 * n + 1)
			break;
		st->alpn_off[k++] = (uint16_t)used; /* counted once nalpn is set */
		used += tls_escape(text + used, p, n) + 1;
	}
	if (k == 0 || (st->alpn_text = malloc(used)) == NULL)
		return;
	memcpy(st->alpn_text, text, used);
	st->nalpn = (uint8_t)k;
	st->heap += used;
}

static void tls_client_hello(struct tls_state *st, const struct sw_app_env *env,
    const uint8_t *body, size_t len, uint64_t ts)
{
	const struct sw_observer *ob = env != NULL ? env->observer : NULL;
	struct tls_hello h;
	size_t kn;

	CTR_INC(env, tls_client_hellos);
	if (tls_hello_parse(body, len, &h) != 0) {
		CTR_INC(env, tls_malformed);
		tls_anomaly(st, env, AO_MALFORMED, "tls.malformed_client_hello",
		    "a ClientHello length does not hold", "skipped");
		return;
	}
	st->hello = 1;
	st->ts = ts;
	st->version = tls_hello_version(&h);
	if ((st->keep_c = tls_hello_keep(&h, &st->kc, &kn)) != NULL)
		st->heap += kn;
	tls_keep_alpn(st, &h);
	if (h.sni != NULL && h.sni_len > 0) {
		const uint8_t *p = h.sni;
		size_t n = h.sni_len;

		/* keep the end: pool matching is by suffix */
		if (n > TLS_SNI_MAX) {
			tls_anomaly(st, env, AO_SNI_LONG, "tls.sni_too_long",
			    "a server_name longer than 1024 bytes", "truncated at the front");
			p += n - TLS_SNI_MAX;
			n = TLS_SNI_MAX;
		}
		st->sni = malloc(4 * n + 1);
		if (st->sni != NULL) {
			st->heap += 4 * n + 1;
			tls_escape(st->sni, p, n);
			if (ob != NULL && ob->host_named != NULL)
				ob->host_named(ob->ctx, st->sni, 0, "sni");
		}
	}
	if (st->sni == NULL)
		CTR_INC(env, tls_no_sni);
}

static void tls_server_hello(struct tls_state *st, const struct sw_app_env *env,
    const uint8_t *body, size_t len)
{
	struct tls_server_hello sh;
	size_t kn;

	CTR_INC(env, tls_server_hellos);
	if (tls_server_hello_parse(body, len, &sh) != 0) {
		CTR_INC(env, tls_malformed);
		tls_anomaly(st, env, AO_MALFORMED, "tls.malformed_server_hello",
		    "a ServerHello length does not hold", "skipped");
		return;
	}
	st->server_hello = 1;
	st->server_version = sh.selected_version ? sh.selected_version : sh.legacy_version;
	if ((st->keep_s = tls_server_hello_keep(&sh, &st->ks, &kn)) != NULL)
		st->heap += kn;
}

/* The client fingerprints of the last few hellos made, per thread (no
 * lock): a client program sends the same ClientHello on every connection
 * (a miner, a library, a fleet of them), and its JA3 and JA4 (an MD5, two
 * SHA-256, two sorts and their text) cost some 11,000 instructions, more
 * than the rest of its flow. A hello equal to a kept one in everything
 * they read (tls_hello_same) takes its fingerprints: the same bytes. A
 * client that shuffles its extensions or GREASE values (browsers do)
 * only misses. Policy: TLS_FP_MEMO hellos of at most TLS_FP_MEMO_MAX kept
 * bytes, the oldest replaced; hellos whose fingerprints failed for want
 * of memory are not kept. Some hundred bytes each, never freed (as the
 * stratum session's spare queues). */
#define TLS_FP_MEMO 8
#define TLS_FP_MEMO_MAX 2048

struct tls_fp_memo {
	uint8_t *blk;        /* the hello's lists (tls_hello_keep); NULL: free */
	struct tls_hello h;  /* views into blk */
	char *ja3_str;
	size_t ja3_len;
	char ja3[33], ja4[TLS_JA4_LEN];
};

static _Thread_local struct tls_fp_memo tls_fp_memo[TLS_FP_MEMO];
static _Thread_local unsigned tls_fp_memo_next;

static const struct tls_fp_memo *tls_fp_memo_find(const struct tls_hello *kc)
{
	unsigned i;

	for (i = 0; i < TLS_FP_MEMO; i++)
		if (tls_fp_memo[i].blk != NULL && tls_hello_same(&tls_fp_memo[i].h, kc))
			return &tls_fp_memo[i];
	return NULL;
}

static void tls_fp_memo_add(const struct tls_state *st)
{
	struct tls_fp_memo *m = &tls_fp_memo[tls_fp_memo_next];
	size_t size, n = strlen(st->ja3_str);
	struct tls_hello h;
	uint8_t *blk;
	char *s;

	if ((blk = tls_hello_keep(&st->kc, &h, &size)) == NULL)
		return;
	if (size > TLS_FP_MEMO_MAX || (s = malloc(n + 1)) == NULL) {
		free(blk);
		return;
	}
	memcpy(s, st->ja3_str, n + 1);
	free(m->blk);
	free(m->ja3_str);
	m->blk = blk;
	m->h = h;
	m->ja3_str = s;
	m->ja3_len = n;
	memcpy(m->ja3, st->ja3, sizeof(m->ja3));
	memcpy(m->ja4, st->ja4, sizeof(m->ja4));
	tls_fp_memo_next = (tls_fp_memo_next + 1) % TLS_FP_MEMO;
}

/* Make JA3, JA4 and JA3S from the kept lists, once. An allocation failure
 * leaves a fingerprint out, as it did when they were made at once. */
static void tls_fingerprint(struct tls_state *st)
{
	const struct tls_fp_memo *m;

	if (st->fp_done)
		return;
	st->fp_done = 1;
	if (st->keep_c != NULL && (m = tls_fp_memo_find(&st->kc)) != NULL) {
		/* the JA3 text is the state's own, as when made here */
		if ((st->ja3_str = malloc(m->ja3_len + 1)) != NULL) {
			memcpy(st->ja3_str, m->ja3_str, m->ja3_len + 1);
			memcpy(st->ja3, m->ja3, sizeof(st->ja3));
			st->heap += m->ja3_len + 1;
		}
		memcpy(st->ja4, m->ja4, sizeof(st->ja4));
	} else if (st->keep_c != NULL) {
		st->ja3_str = tls_ja3(&st->kc, st->ja3);
		if (st->ja3_str != NULL)
			st->heap += strlen(st->ja3_str) + 1;
		if (tls_ja4(&st->kc, st->ja4) == 0 && st->ja3_str != NULL)
			tls_fp_memo_add(st);
	}
	if (st->keep_s != NULL) {
		st->ja3s_str = tls_ja3s(&st->ks, st->ja3s);
		if (st->ja3s_str != NULL)
			st->heap += strlen(st->ja3s_str) + 1;
	}
}

/* The first handshake message of direction dir is complete. */
static void tls_message(struct tls_state *st, const struct sw_app_env *env, int dir,
    uint8_t type, const uint8_t *body, size_t len, uint64_t ts)
{
	if (dir == SW_DIR_TO_SERVER && type == HS_CLIENT_HELLO)
		tls_client_hello(st, env, body, len, ts);
	else if (dir == SW_DIR_TO_CLIENT && type == HS_SERVER_HELLO)
		tls_server_hello(st, env, body, len);
	else if (dir == SW_DIR_TO_SERVER) {
		CTR_INC(env, tls_malformed);
		tls_anomaly(st, env, AO_MALFORMED, "tls.malformed_client_hello",
		    "the client's first handshake message is not a ClientHello", "skipped");
	}
}

/* Check the 4-byte handshake header; returns 0 or -1 (direction done). */
static int tls_hs_header(struct tls_state *st, const struct sw_app_env *env, int dir,
    const uint8_t hdr[4], size_t *body_len)
{
	size_t l = (size_t)hdr[1] << 16 | (size_t)hdr[2] << 8 | hdr[3];

	if (l > TLS_HELLO_MAX) {
		CTR_INC(env, tls_hello_too_large);
		tls_anomaly(st, env, AO_TOO_LARGE, "tls.hello_too_large",
		    "a hello longer than 64 KiB", "skipped");
		return -1;
	}
	if (l < TLS_HELLO_MIN) {
		if (dir == SW_DIR_TO_SERVER) {
			CTR_INC(env, tls_malformed);
			tls_anomaly(st, env, AO_MALFORMED, "tls.malformed_client_hello",
			    "a hello shorter than its fixed fields", "skipped");
		}
		return -1;
	}
	*body_len = l;
	return 0;
}

/* Feed one record's payload to the collector of direction dir. */
static void tls_collect(struct tls_state *st, const struct sw_app_env *env, int dir,
    const uint8_t *p, size_t n, uint64_t ts)
{
	struct tls_dir *d = &st->d[dir];
	size_t blen;

	/* fast path: the whole message inside this record */
	if (d->hlen == 0 && n >= 4) {
		if (tls_hs_header(st, env, dir, p, &blen) != 0) {
			tls_dir_finish(d);
			return;
		}
		if (n - 4 >= blen) {
			tls_message(st, env, dir, p[0], p + 4, blen, ts);
			tls_dir_finish(d);
			return;
		}
	}
	while (n > 0 && !d->done) {
		size_t take;

		if (d->hlen < 4) {
			take = (size_t)(4 - d->hlen) < n ? (size_t)(4 - d->hlen) : n;
			memcpy(d->hdr + d->hlen, p, take);
			d->hlen = (uint8_t)(d->hlen + take);
			p += take;
			n -= take;
			if (d->hlen < 4)
				return;
			if (tls_hs_header(st, env, dir, d->hdr, &d->bneed) != 0 ||
			    (d->body = malloc(d->bneed)) == NULL) {
				tls_dir_finish(d);
				return;
			}
			continue;
		}
		take = d->bneed - d->blen < n ? d->bneed - d->blen : n;
		memcpy(d->body + d->blen, p, take);
		d->blen += take;
		p += take;
		n -= take;
		if (d->blen == d->bneed) {
			tls_message(st, env, dir, d->hdr[0], d->body, d->blen, ts);
			tls_dir_finish(d);
		}
	}
}

/* ---- parse ------------------------------------------------------------------ */

static struct sw_result tls_parse(void *state, const struct sw_slice *sl,
    const struct sw_app_env *env)
{
	struct tls_state *st = state;
	struct sw_result r = { SW_PARSE_OK, sl->len };
	int dir = sl->dir & 1;
	struct tls_dir *d = &st->d[dir];
	struct sw_rd rd;

	if (d->done)
		return r;
	if (sl->flags & SW_SLICE_GAP) {
		/* record boundaries are lost; the hello (if any) with them */
		tls_dir_finish(d);
		return r;
	}
	sw_rd_init(&rd, sl->data, sl->len);
	while (!d->done && sw_rd_left(&rd) > 0) {
		size_t start = rd.off;
		uint8_t type, major, minor;
		uint16_t len;
		const uint8_t *payload;

		if (sw_rd_u8(&rd, &type) || sw_rd_u8(&rd, &major) ||
		    sw_rd_u8(&rd, &minor) || sw_rd_be16(&rd, &len) ||
		    !sw_rd_has(&rd, len)) {
			if (sl->flags & SW_SLICE_EOF) {
				tls_dir_finish(d);
				return r;
			}
			r.status = SW_PARSE_INCOMPLETE;
			r.consumed = start;
			return r;
		}
		if (type != TLS_REC_HANDSHAKE || major != 3 || len == 0 ||
		    len > TLS_RECORD_MAX) {
			/* an alert, or not TLS at all, before the hello ended */
			if (dir == SW_DIR_TO_SERVER) {
				CTR_INC(env, tls_malformed);
				tls_anomaly(st, env, AO_RECORD, "tls.unexpected_record",
				    "a record other than handshake before the hello ended",
				    "stopped");
			}
			tls_dir_finish(d);
			return r;
		}
		(void)sw_rd_view(&rd, &payload, len);
		tls_collect(st, env, dir, payload, len, sl->ts_usec);
	}
	if (!d->done && (sl->flags & SW_SLICE_EOF))
		tls_dir_finish(d);
	return r;
}

/* ---- probe --------------------------------------------------------------- */

/* A client's handshake record whose first handshake byte is ClientHello.
 * SSLv2-compatible hellos (RFC 5246 appendix E.2) are not taken. */
static enum sw_probe tls_probe(const uint8_t *data, size_t len, int dir)
{
	size_t rlen;

	if (dir != SW_DIR_TO_SERVER)
		return SW_PROBE_NO;
	if (len < 1)
		return SW_PROBE_MAYBE;
	if (data[0] != TLS_REC_HANDSHAKE)
		return SW_PROBE_NO;
	if (len < 3)
		return SW_PROBE_MAYBE;
	if (data[1] != 3 || data[2] > 4)
		return SW_PROBE_NO;
	if (len < 6)
		return SW_PROBE_MAYBE;
	rlen = (size_t)data[3] << 8 | data[4];
	if (rlen == 0 || rlen > TLS_RECORD_MAX || data[5] != HS_CLIENT_HELLO)
		return SW_PROBE_NO;
	/* when the record holds them: the hello's length and client_version */
	if (rlen >= 4 && len >= 9) {
		size_t hl = (size_t)data[6] << 16 | (size_t)data[7] << 8 | data[8];

		if (hl < TLS_HELLO_MIN)
			return SW_PROBE_NO;
	}
	if (rlen >= 6 && len >= 11 && data[9] != 3)
		return SW_PROBE_NO;
	return SW_PROBE_YES;
}

/* ---- state, facts, emit ----------------------------------------------- */

static _Thread_local struct sw_slab tls_states = SW_SLAB_INIT(struct tls_state);

static void *tls_state_new(const struct sw_limits *limits)
{
	(void)limits;
	return sw_slab_zalloc(&tls_states);
}

static void tls_state_free(void *state)
{
	struct tls_state *st = state;

	if (st == NULL)
		return;
	free(st->d[0].body);
	free(st->d[1].body);
	free(st->sni);
	free(st->alpn_text);
	free(st->keep_c);
	free(st->keep_s);
	free(st->ja3_str);
	free(st->ja3s_str);
	sw_slab_free(&tls_states, st);
}

/* tls_facts() changes only when the ClientHello is parsed, once: only a
 * direction's first handshake message is read (tls_message). */
static uint32_t tls_verdict_epoch(const void *state)
{
	return ((const struct tls_state *)state)->hello;
}

static size_t tls_state_size(const void *state)
{
	const struct tls_state *st = state;

	return sizeof(*st) + st->heap + st->d[0].bneed + st->d[1].bneed;
}

static void tls_facts_fingerprint(struct sw_facts *out, void *state)
{
	struct tls_state *st = state;

	tls_fingerprint(st);
	out->ja3 = st->ja3_str != NULL ? st->ja3 : NULL;
	out->ja4 = st->ja4[0] != '\0' ? st->ja4 : NULL;
	out->fingerprint = NULL;
}

static void tls_facts(void *state, struct sw_facts *out)
{
	struct tls_state *st = state;

	if (!st->hello)
		return;
	out->tls = 1;
	out->tls_no_sni = st->sni == NULL;
	out->sni = st->sni;
	out->alpn = st->nalpn > 0 ? st->alpn_text + st->alpn_off[0] : NULL;
	if (st->fp_done) {
		out->ja3 = st->ja3_str != NULL ? st->ja3 : NULL;
		out->ja4 = st->ja4[0] != '\0' ? st->ja4 : NULL;
	} else {
		out->fingerprint = tls_facts_fingerprint;
		out->fingerprint_state = st;
	}
}

/* Suricata's names (app-layer-ssl.c SSLVersionToString). */
static const char *tls_version_name(uint16_t v)
{
	switch (v) {
	case 0x0200: return "SSLv2";
	case 0x0300: return "SSLv3";
	case 0x0301: return "TLSv1";
	case 0x0302: return "TLS 1.1";
	case 0x0303: return "TLS 1.2";
	case 0x0304: return "TLS 1.3";
	default: return "UNDETERMINED";
	}
}

static void tls_emit(void *state, const struct sw_emit_env *env)
{
	struct tls_state *st = state;
	struct sw_jw *w;
	size_t i;

	if (!st->hello || env == NULL || env->begin == NULL)
		return;
	if ((w = env->begin(env->ctx, "tls", st->ts)) == NULL)
		return;
	tls_fingerprint(st);
	jw_obj_open(w, "tls");
	if (st->sni != NULL)
		jw_str(w, "sni", st->sni);
	/* negotiated when the ServerHello was seen, else the client's best */
	jw_str(w, "version", tls_version_name(st->server_hello ? st->server_version : st->version));
	if (st->ja3_str != NULL) {
		jw_obj_open(w, "ja3");
		jw_str(w, "hash", st->ja3);
		jw_str(w, "string", st->ja3_str);
		jw_obj_close(w);
	}
	if (st->ja3s_str != NULL) {
		jw_obj_open(w, "ja3s");
		jw_str(w, "hash", st->ja3s);
		jw_str(w, "string", st->ja3s_str);
		jw_obj_close(w);
	}
	if (st->ja4[0] != '\0')
		jw_str(w, "ja4", st->ja4);
	if (st->nalpn > 0) {
		jw_arr_open(w, "alpn");
		for (i = 0; i < st->nalpn; i++)
			jw_str(w, NULL, st->alpn_text + st->alpn_off[i]);
		jw_arr_close(w);
	}
	jw_obj_close(w);
	if (env->end != NULL)
		env->end(env->ctx);
}

const struct sw_dissector sw_dissector_tls = {
	.name = "tls",
	.ipproto = 6,
	.default_ports = "443,8443,993,995,465,853",
	.identifies = 1,
	.probe = tls_probe,
	.state_new = tls_state_new,
	.state_free = tls_state_free,
	.parse = tls_parse,
	.facts = tls_facts,
	.verdict_epoch = tls_verdict_epoch,
	.emit = tls_emit,
	.state_size = tls_state_size,
};
