/* test_stratum.c: session tests of the Stratum dissector (dissectors/
 * stratum*.c) against reference/stratum.md sections 3-7 and the four
 * flows of mining.pcapng (shared/pcaps/MINING-PCAPS.md).
 *
 * Each transcript is fed with every message split in two at every byte
 * offset (and in 1-byte slices); the facts and the emitted EVE JSON must be
 * the same every time. Slices sit flush against a PROT_NONE page. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_dissector.h"
#include "sw_facts.h"
#include "sw_json.h"
#include "sw_limits.h"
#include "sw_test.h"
#include "stratum_mining_pcap.h"
#include "stratum-dialect.h"
#include "stratum-msg.h"
#include "stratum-session.h"
#include "wallet-cache.h"

extern const struct sw_dissector sw_dissector_stratum;
#define D (&sw_dissector_stratum)

/* ---- transcripts ---------------------------------------------------- */

struct tmsg {
	uint8_t dir;
	uint64_t ts;
	size_t len;
	char *text;
};

struct transcript {
	struct tmsg *m;
	size_t n, cap;
};

static void tr_add_n(struct transcript *t, int dir, uint64_t ts, const char *s, size_t n)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->m = realloc(t->m, t->cap * sizeof(*t->m));
	}
	t->m[t->n].dir = (uint8_t)dir;
	t->m[t->n].ts = ts;
	t->m[t->n].len = n;
	t->m[t->n].text = malloc(n + 1);
	memcpy(t->m[t->n].text, s, n);
	t->m[t->n].text[n] = '\0';
	t->n++;
}

/* printf-style line; "\n" is appended. ts in microseconds. */
static void tr_add(struct transcript *t, int dir, uint64_t ts, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	buf[n] = '\n';
	tr_add_n(t, dir, ts, buf, (size_t)n + 1);
}

static void tr_free(struct transcript *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->m[i].text);
	free(t->m);
	memset(t, 0, sizeof(*t));
}

static void tr_from_pcap(struct transcript *t, const struct pcap_seg *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		tr_add_n(t, s[i].dir, s[i].ts, s[i].data, s[i].len);
}

/* ---- harness -------------------------------------------------------- */

struct anomalies {
	char log[2048];
	int n;
};

static void anomaly_cb(void *ctx, const struct sw_anomaly *a)
{
	struct anomalies *an = ctx;
	size_t l = strlen(an->log);

	snprintf(an->log + l, sizeof(an->log) - l, "%s;", a->event);
	an->n++;
	FAIL_IF(a->type != SW_ANOMALY_APPLAYER);
	FAIL_IF(a->app_proto == NULL || strcmp(a->app_proto, "stratum") != 0);
}

struct emit_ctx {
	struct sw_jw w;
	char *out;
	int events;
};

static struct sw_jw *emit_begin(void *ctx, const char *type, uint64_t ts)
{
	struct emit_ctx *e = ctx;

	(void)ts;
	jw_reset(&e->w);
	jw_obj_open(&e->w, NULL);
	jw_str(&e->w, "event_type", type);
	return &e->w;
}

static void emit_end(void *ctx)
{
	struct emit_ctx *e = ctx;

	jw_obj_close(&e->w);
	free(e->out);
	e->out = strdup(e->w.buf ? e->w.buf : "");
	e->events++;
}

/* What one run produced, with the strings copied out of the state. */
struct run {
	struct sw_facts f;
	char dialect[32], coin[16], login[600], wallet[200], worker[200],
	    agent[300], algo[40], pool[300];
	char *json;
	struct anomalies an;
	struct sw_counters ctr;
	int errors;         /* parse calls that returned SW_PARSE_ERROR */
	size_t max_size;    /* largest state_size seen */
	size_t final_size;
	/* verdict epoch: its value after the last parse, how often it moved,
	 * and what the verdict was made of when it last moved */
	uint32_t epoch;
	int epoch_moves;
	char vkey[400];
};

static void copy_str(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "(null)");
}

static struct sw_limits g_limits;

/* What the engine's verdict reads of the facts (src/detect.c,
 * src/dispatch.c gather()): the decision, the Monero bits, the pool host.
 * (The coin, the dialect and the rest only go into an alert those raise,
 * gathered when it is raised.) */
static void verdict_key(void *st, char *key, size_t cap)
{
	struct sw_facts f;

	memset(&f, 0, sizeof(f));
	f.wallet_valid = -1;
	D->facts(st, &f);
	snprintf(key, cap, "%d|%d|%s|%s", f.stratum, f.monero,
	    f.pool_host ? f.pool_host : "-", f.pool_host_via ? f.pool_host_via : "-");
}

/* After every parse: the verdict epoch must have moved when anything the
 * verdict reads changed (else the engine would not judge the flow again,
 * and an alert would be missed or late). A new state (first) is at epoch
 * 0 with no facts: the engine does not judge it before its epoch moves. */
static void check_epoch(void *st, struct run *r, int first)
{
	char key[sizeof(r->vkey)];
	uint32_t ep = D->verdict_epoch(st);

	verdict_key(st, key, sizeof(key));
	if (first) {
		EXPECT_EQ_U64(ep, 0);
		EXPECT_STREQ(key, "0|0|-|-");
	}
	if (!first && ep == r->epoch && strcmp(key, r->vkey) != 0) {
		fprintf(stderr, "verdict changed without its epoch (%u): %s -> %s\n",
		    (unsigned)ep, r->vkey, key);
		FAIL_IF(1);
	}
	if (first || ep != r->epoch) {
		if (!first)
			r->epoch_moves++;
		r->epoch = ep;
		memcpy(r->vkey, key, sizeof(key));
	}
}

/* Feed t; split = SIZE_MAX: whole messages; split = 0: 1-byte slices;
 * otherwise each message is cut at min(split, len). */
#define WHOLE SIZE_MAX
#define BYTES 0

static void feed(void *st, const uint8_t *d, size_t n, int dir, uint64_t ts,
    uint8_t flags, const struct sw_app_env *env, struct run *r, int *stopped)
{
	struct sw_slice sl;
	struct sw_guarded g;
	struct sw_result res;
	size_t sz;

	if (*stopped)
		return;
	memset(&sl, 0, sizeof(sl));
	sl.data = sw_guarded_copy(&g, d, n);
	sl.len = n;
	sl.dir = (uint8_t)dir;
	sl.flags = flags;
	sl.ts_usec = ts;
	res = D->parse(st, &sl, env);
	sw_guarded_free(&g);
	check_epoch(st, r, 0);
	if (res.status == SW_PARSE_ERROR) {
		r->errors++;
		*stopped = 1;
	} else {
		FAIL_IF(res.status != SW_PARSE_OK || res.consumed != n);
	}
	sz = D->state_size(st);
	if (sz > r->max_size)
		r->max_size = sz;
}

/* A run's start: r cleared, its anomaly sink and environment, the event
 * writer, a new state (at epoch 0). */
static void *run_open(struct run *r, struct sw_anomaly_sink *sink, struct sw_app_env *env,
    struct emit_ctx *e)
{
	void *st = D->state_new(&g_limits);

	memset(r, 0, sizeof(*r));
	*sink = (struct sw_anomaly_sink){ anomaly_cb, &r->an };
	*env = (struct sw_app_env){ &g_limits, &r->ctr, sink, NULL, NULL };
	memset(e, 0, sizeof(*e));
	jw_init(&e->w);
	FAIL_IF(st == NULL);
	check_epoch(st, r, 1);
	return st;
}

/* A run's end: the state's event in r->json, its last size, all freed. */
static void run_close(void *st, struct emit_ctx *e, struct run *r)
{
	struct sw_emit_env eenv = { emit_begin, emit_end, e, NULL, NULL };

	D->emit(st, &eenv);
	r->json = e->out ? e->out : strdup("");
	r->final_size = D->state_size(st);
	D->state_free(st);
	jw_free(&e->w);
}

static void run_transcript(const struct transcript *t, size_t split, struct run *r)
{
	struct sw_anomaly_sink sink;
	struct sw_app_env env;
	struct emit_ctx e;
	void *st = run_open(r, &sink, &env, &e);
	size_t i, k;
	int stopped = 0;

	for (i = 0; i < t->n; i++) {
		const struct tmsg *m = &t->m[i];
		const uint8_t *d = (const uint8_t *)m->text;

		if (split == WHOLE) {
			feed(st, d, m->len, m->dir, m->ts, 0, &env, r, &stopped);
		} else if (split == BYTES) {
			for (k = 0; k < m->len; k++)
				feed(st, d + k, 1, m->dir, m->ts, 0, &env, r, &stopped);
		} else {
			size_t cut = split < m->len ? split : m->len;

			if (cut > 0)
				feed(st, d, cut, m->dir, m->ts, 0, &env, r, &stopped);
			if (m->len > cut)
				feed(st, d + cut, m->len - cut, m->dir, m->ts, 0, &env, r,
				    &stopped);
		}
	}
	memset(&r->f, 0, sizeof(r->f));
	r->f.wallet_valid = -1;
	D->facts(st, &r->f);
	copy_str(r->dialect, sizeof(r->dialect), r->f.dialect);
	copy_str(r->coin, sizeof(r->coin), r->f.coin);
	copy_str(r->login, sizeof(r->login), r->f.login);
	copy_str(r->wallet, sizeof(r->wallet), r->f.wallet);
	copy_str(r->worker, sizeof(r->worker), r->f.worker);
	copy_str(r->agent, sizeof(r->agent), r->f.agent);
	copy_str(r->algo, sizeof(r->algo), r->f.algo);
	copy_str(r->pool, sizeof(r->pool), r->f.pool_host);
	run_close(st, &e, r);
}

static void run_free(struct run *r)
{
	free(r->json);
	r->json = NULL;
}

static int same_run(const struct run *a, const struct run *b)
{
	return strcmp(a->json, b->json) == 0 && a->f.stratum == b->f.stratum &&
	    a->f.monero == b->f.monero && strcmp(a->dialect, b->dialect) == 0 &&
	    strcmp(a->coin, b->coin) == 0 && strcmp(a->login, b->login) == 0 &&
	    strcmp(a->wallet, b->wallet) == 0 && strcmp(a->worker, b->worker) == 0 &&
	    strcmp(a->agent, b->agent) == 0 && strcmp(a->pool, b->pool) == 0 &&
	    a->f.shares_submitted == b->f.shares_submitted &&
	    a->f.shares_accepted == b->f.shares_accepted &&
	    a->f.shares_rejected == b->f.shares_rejected &&
	    a->f.wallet_valid == b->f.wallet_valid &&
	    strcmp(a->an.log, b->an.log) == 0 &&
	    (a->f.hashrate_hs == b->f.hashrate_hs);
}

/* Run t whole (into *whole) and at every split and bytewise, checking that
 * all runs agree. step > 1 thins the split positions for long transcripts. */
static void run_all(const char *name, const struct transcript *t, size_t step,
    struct run *whole)
{
	size_t maxlen = 0, i, k;
	struct run r;

	run_transcript(t, WHOLE, whole);
	if (getenv("SW_TEST_VERBOSE") != NULL)
		printf("%s: %s\n", name, whole->json);
	for (i = 0; i < t->n; i++)
		if (t->m[i].len > maxlen)
			maxlen = t->m[i].len;
	for (k = 1; k <= maxlen; k += step) {
		run_transcript(t, k, &r);
		if (!same_run(whole, &r)) {
			fprintf(stderr, "%s: split %zu differs:\n  whole %s\n  split %s\n",
			    name, k, whole->json, r.json);
			FAIL_IF(1);
			run_free(&r);
			return;
		}
		run_free(&r);
	}
	run_transcript(t, BYTES, &r);
	if (!same_run(whole, &r)) {
		fprintf(stderr, "%s: 1-byte slices differ:\n  whole %s\n  bytes %s\n",
		    name, whole->json, r.json);
		FAIL_IF(1);
	}
	run_free(&r);
}

static void expect_json_has(const struct run *r, const char *frag)
{
	sw_test_checks++;
	if (strstr(r->json, frag) == NULL) {
		fprintf(stderr, "FAIL: JSON lacks %s\n  in %s\n", frag, r->json);
		sw_test_failures++;
	}
}

static void expect_json_lacks(const struct run *r, const char *frag)
{
	sw_test_checks++;
	if (strstr(r->json, frag) != NULL) {
		fprintf(stderr, "FAIL: JSON has %s\n  in %s\n", frag, r->json);
		sw_test_failures++;
	}
}

#define SEC 1000000ULL
#define T0 (1700000000ULL * SEC)

static const char *const xmr_wallet =
    "48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJMk1j8nLwEVsaSWJ4fhdUyZijBGUicoD";

/* ---- dialects ------------------------------------------------------- */

/* Section 3 + example 1 of 7.5: target b88d0600 = 10000, 36 accepted
 * shares, first job to last share 300 s: 1200 H/s exactly. */
static void test_cryptonote(void)
{
	struct transcript t = { 0 };
	struct run r;
	int i;

	tr_add(&t, 0, T0, "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"login\",\"params\":{"
	    "\"login\":\"%s+50000\",\"pass\":\"x\",\"agent\":\"XMRig/6.21.0 (Linux x86_64) "
	    "libuv/1.44.2 gcc/12.2.0\",\"rigid\":\"node-3\",\"algo\":[\"rx/0\",\"cn/r\","
	    "\"rx/wow\",\"argon2/chukwav2\"]}}", xmr_wallet);
	tr_add(&t, 1, T0 + 100000, "{\"id\":1,\"jsonrpc\":\"2.0\",\"error\":null,\"result\":{"
	    "\"id\":\"5e1f0c2a-77b1\",\"job\":{\"blob\":\"1010f4c6a1b006a0b1c2d3e4f5a6b7c8d9e0"
	    "f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9000000000011223344556677889900aabbccdd"
	    "eeff00112233445566778899aabbccddeeff0011223344\",\"job_id\":\"Qx81\","
	    "\"target\":\"b88d0600\",\"algo\":\"rx/0\",\"height\":3210987,\"seed_hash\":"
	    "\"a1b2\"},\"extensions\":[\"algo\",\"keepalive\"],\"status\":\"OK\"}}");
	for (i = 0; i < 36; i++) {
		uint64_t ts = T0 + 100000 + (uint64_t)(i + 1) * 300 * SEC / 36;

		tr_add(&t, 0, ts - 50000, "{\"id\":%d,\"jsonrpc\":\"2.0\",\"method\":\"submit\","
		    "\"params\":{\"id\":\"5e1f0c2a-77b1\",\"job_id\":\"Qx81\",\"nonce\":\"a3010000\","
		    "\"result\":\"9f0e00000000000000000000000000000000000000000000006f5e4d3c2b1a0000\","
		    "\"algo\":\"rx/0\"}}", i + 4);
		tr_add(&t, 1, ts, "{\"id\":%d,\"jsonrpc\":\"2.0\",\"error\":null,\"result\":"
		    "{\"status\":\"OK\"}}", i + 4);
	}
	tr_add(&t, 0, T0 + 301 * SEC, "{\"id\":99,\"jsonrpc\":\"2.0\",\"method\":\"keepalived\","
	    "\"params\":{\"id\":\"5e1f0c2a-77b1\"}}");
	tr_add(&t, 1, T0 + 301 * SEC, "{\"id\":99,\"jsonrpc\":\"2.0\",\"error\":null,"
	    "\"result\":{\"status\":\"KEEPALIVED\"}}");
	tr_add(&t, 1, T0 + 302 * SEC, "{\"jsonrpc\":\"2.0\",\"method\":\"job\",\"params\":{"
	    "\"blob\":\"1010a9c7a1b006aabbccddeeff00112233445566778899aabbccddeeff0011223344"
	    "55667788\",\"job_id\":\"Rk2\",\"target\":\"711b0d00\",\"algo\":\"rx/0\","
	    "\"height\":3210988}}");
	tr_add(&t, 1, T0 + 303 * SEC, "{\"jsonrpc\":\"2.0\",\"method\":\"client.reconnect\","
	    "\"params\":[\"pool2.example.net\",\"3333\"]}");
	run_all("cryptonote", &t, 1, &r);
	EXPECT_EQ_U64(r.f.stratum, 1);
	EXPECT_STREQ(r.dialect, "cryptonote");
	EXPECT_STREQ(r.coin, "xmr");
	EXPECT_STREQ(r.wallet, xmr_wallet);
	EXPECT_EQ_U64(r.f.wallet_valid, 1);
	EXPECT_STREQ(r.worker, "(null)");
	EXPECT_STREQ(r.agent, "XMRig/6.21.0 (Linux x86_64) libuv/1.44.2 gcc/12.2.0");
	EXPECT_STREQ(r.algo, "rx/0");
	EXPECT_STREQ(r.pool, "pool2.example.net");
	EXPECT_EQ_U64(r.f.monero, SW_XMR_ALGO | SW_XMR_WALLET | SW_XMR_BLOB);
	EXPECT_EQ_U64(r.f.shares_submitted, 36);
	EXPECT_EQ_U64(r.f.shares_accepted, 36);
	EXPECT_EQ_U64(r.f.shares_rejected, 0);
	FAIL_IF(r.f.hashrate_hs != 1200.0);
	expect_json_has(&r, "\"hashrate_hs\":1200,");
	expect_json_has(&r, "\"difficulty\":5000,");
	expect_json_has(&r, "\"height\":3210988,");
	expect_json_has(&r, "\"jobs\":2,");
	expect_json_has(&r, "\"rig_id\":\"node-3\"");
	expect_json_has(&r, "\"password\":\"x\"");
	expect_json_has(&r, "\"algo\":[\"rx/0\",\"cn/r\",\"rx/wow\",\"argon2/chukwav2\"]");
	expect_json_has(&r, "\"login\":\"48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5"
	    "xvqgzYnDK9URnRoJMk1j8nLwEVsaSWJ4fhdUyZijBGUicoD+50000\"");
	expect_json_has(&r, "\"methods\":{\"client.reconnect\":1,\"job\":1,\"keepalived\":1,"
	    "\"login\":1,\"submit\":36}");
	expect_json_has(&r, "\"first_seen\":\"2023-11-14T22:13:20.000000+0000\"");
	expect_json_has(&r, "\"anomalies\":0}");
	EXPECT_STREQ(r.an.log, "");
	EXPECT_EQ_U64(r.ctr.stratum.sessions, 1);
	run_free(&r);
	tr_free(&t);
}

/* Past SS_METHODS_MAX distinct method names the tally keeps no more, and
 * the event says how many messages went untallied (at every split). */
static void test_methods_dropped_event(void)
{
	struct transcript t = { 0 };
	struct run r;
	int i;

	tr_add(&t, 0, T0, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[\"cgminer/4.12\"]}");
	tr_add(&t, 1, T0 + 1000, "{\"id\":1,\"result\":[[[\"mining.notify\",\"ae68\"]],"
	    "\"08000002\",4],\"error\":null}");
	tr_add(&t, 0, T0 + 2000, "{\"id\":2,\"method\":\"mining.authorize\",\"params\":[\"acme.w1\",\"x\"]}");
	tr_add(&t, 1, T0 + 3000, "{\"id\":2,\"result\":true,\"error\":null}");
	/* 2 names so far, 30 more fit: 40 new ones, the last twice */
	for (i = 0; i < 40; i++)
		tr_add(&t, 1, T0 + 4000 + (uint64_t)i, "{\"id\":null,\"method\":\"vendor.x%d\","
		    "\"params\":[]}", i);
	tr_add(&t, 1, T0 + 5000, "{\"id\":null,\"method\":\"vendor.x39\",\"params\":[]}");
	run_all("methods-dropped", &t, 7, &r);
	expect_json_has(&r, "\"vendor.x29\":1");
	/* 32 names, in byte order (not the order they came in) */
	expect_json_has(&r, "\"methods\":{\"mining.authorize\":1,\"mining.subscribe\":1,"
	    "\"vendor.x0\":1,\"vendor.x1\":1,\"vendor.x10\":1,");
	expect_json_has(&r, "\"vendor.x19\":1,\"vendor.x2\":1,\"vendor.x20\":1,");
	expect_json_has(&r, "\"vendor.x28\":1,\"vendor.x29\":1,\"vendor.x3\":1,");
	expect_json_has(&r, "\"vendor.x8\":1,\"vendor.x9\":1},");
	FAIL_UNLESS(strstr(r.json, "\"vendor.x30\"") == NULL);
	expect_json_has(&r, "\"methods_dropped\":11,");
	run_free(&r);
	tr_free(&t);
}

/* The EVE methods object writes a common name as its key unchecked, with
 * its length from the table: every one must be plain (nothing JSON
 * escapes) and the length right. A name from the wire is escaped. */
static void test_methods_keys(void)
{
	struct transcript t = { 0 };
	struct run r;
	size_t i, k;

	for (i = 0; i < SM_COUNT; i++) {
		const char *n = stratum_common_methods[i];

		EXPECT_EQ_U64(stratum_common_method_len[i], strlen(n));
		for (k = 0; n[k] != '\0'; k++)
			FAIL_UNLESS((n[k] >= 'a' && n[k] <= 'z') || (n[k] >= 'A' && n[k] <= 'Z') ||
			    n[k] == '.' || n[k] == '_');
	}
	tr_add(&t, 0, T0, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[\"cgminer/4.12\"]}");
	tr_add(&t, 1, T0 + 1000, "{\"id\":1,\"result\":[[[\"mining.notify\",\"ae68\"]],"
	    "\"08000002\",4],\"error\":null}");
	tr_add(&t, 1, T0 + 2000, "{\"id\":null,\"method\":\"a\\\"q\\u0001\",\"params\":[]}");
	tr_add(&t, 1, T0 + 3000, "{\"id\":null,\"method\":\"Mining.Notify\",\"params\":[]}");
	tr_add(&t, 1, T0 + 4000, "{\"id\":null,\"method\":\"mining.ping\",\"params\":[]}");
	run_all("methods-keys", &t, 7, &r);
	expect_json_has(&r, "\"methods\":{\"Mining.Notify\":1,\"a\\\"q\\u0001\":1,"
	    "\"mining.ping\":1,\"mining.subscribe\":1},");
	run_free(&r);
	tr_free(&t);
}

/* A CryptoNote job's members are found in one walk (cn_job_find): in any
 * order, the first of duplicates used, as a lookup by name did. */
static void test_cn_job_members(void)
{
	static const char cn_blob[] = "1010f4c6a1b006a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9000000000011223344556677889900aabbccddeeff00112233445566778899aabbccddeeff0011223344";
	struct transcript t = { 0 };
	struct run r;

	tr_add(&t, 0, T0, "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"login\","
	    "\"params\":{\"login\":\"x\",\"pass\":\"x\",\"agent\":\"XMRig/6.21.0\"}}");
	/* a job: members backwards, a second target and algo ignored */
	tr_add(&t, 1, T0 + 1000, "{\"jsonrpc\":\"2.0\",\"method\":\"job\",\"params\":"
	    "{\"coin\":\"Monero\",\"height\":3100200,\"algo\":\"rx/0\",\"algo\":\"kawpow\","
	    "\"target\":\"b88d0600\",\"target\":\"zz\",\"job_id\":\"q1\",\"blob\":\"%s\"}}",
	    cn_blob);
	/* not a job: its first blob is not hex (the second is) */
	tr_add(&t, 1, T0 + 2000, "{\"jsonrpc\":\"2.0\",\"method\":\"job\",\"params\":"
	    "{\"blob\":\"xyz\",\"blob\":\"%s\",\"job_id\":\"q2\",\"target\":\"b88d0600\","
	    "\"height\":3100201}}", cn_blob);
	run_all("cn-job-members", &t, 7, &r);
	EXPECT_STREQ(r.dialect, "cryptonote");
	EXPECT_STREQ(r.algo, "rx/0");
	EXPECT_EQ_U64(r.f.monero, SW_XMR_ALGO | SW_XMR_COIN | SW_XMR_BLOB);
	expect_json_has(&r, "\"jobs\":1,");
	expect_json_has(&r, "\"height\":3100200,");
	run_free(&r);
	tr_free(&t);
}

/* The login params are read in one walk (cn_login_find): members in any
 * order, the first of duplicates used even when it is not a string, and
 * names one byte short or long of a member's (compared in place) not
 * taken for it. */
static void test_cn_login_members(void)
{
	static const char cn_blob[] = "1010f4c6a1b006a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9000000000011223344556677889900aabbccddeeff00112233445566778899aabbccddeeff0011223344";
	struct transcript t = { 0 };
	struct run r;

	tr_add(&t, 0, T0, "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"login\",\"params\":"
	    "{\"logi\":\"bad.w8\",\"loginx\":\"bad.w9\",\"agen\":\"C/3\",\"agents\":\"D/4\","
	    "\"alg\":[\"cn/r\"],\"algos\":[\"cn/r\"],\"rigi\":\"rig-c\",\"pas\":\"p3\","
	    "\"rigid\":\"rig-a\",\"coin\":\"monero\",\"algo\":[\"kawpow\"],"
	    "\"algo\":[\"rx/0\"],\"agent\":\"A/1\",\"agent\":\"B/2\",\"pass\":7,"
	    "\"pass\":\"p2\",\"login\":\"acme.w1\",\"login\":\"other.w2\",\"rigid\":\"rig-b\"}}");
	tr_add(&t, 1, T0 + 1000, "{\"id\":1,\"jsonrpc\":\"2.0\",\"error\":null,"
	    "\"result\":{\"id\":\"s1\",\"job\":{\"blob\":\"%s\",\"job_id\":\"q1\","
	    "\"target\":\"b88d0600\"},\"status\":\"OK\"}}", cn_blob);
	run_all("cn-login-members", &t, 7, &r);
	EXPECT_STREQ(r.agent, "A/1");
	EXPECT_STREQ(r.worker, "w1");
	expect_json_has(&r, "\"login\":\"acme.w1\"");
	expect_json_has(&r, "\"rig_id\":\"rig-a\"");
	expect_json_has(&r, "\"algo\":[\"kawpow\"]");
	FAIL_UNLESS(strstr(r.json, "\"password\"") == NULL); /* the first pass: 7 */
	FAIL_UNLESS(strstr(r.json, "B/2") == NULL);
	run_free(&r);
	tr_free(&t);
}

/* The algorithm list's block is made its size before the names go in
 * (stratum_session_algo_reserve): no growing, and nothing to cut back. */
static void test_algo_reserve(void)
{
	static const char cn_blob[] = "1010f4c6a1b006a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9000000000011223344556677889900aabbccddeeff00112233445566778899aabbccddeeff0011223344";
	static const char *const names[] = { "rx/0", "cn/r", "rx/wow", "argon2/chukwav2" };
	struct stratum_session *s = stratum_session_new(0);
	struct transcript t = { 0 };
	struct run r;
	char *block, many[64 * 8 + 1];
	size_t i, want = 0, k;

	FAIL_IF(s == NULL);
	for (i = 0; i < 4; i++)
		want += strlen(names[i]) + 1;
	stratum_session_algo_reserve(s, want);
	EXPECT_EQ_U64(s->algos_cap, want);
	block = s->algos;
	for (i = 0; i < 4; i++)
		FAIL_IF(stratum_session_algo_add(s, names[i]) == NULL);
	EXPECT_EQ_U64(s->algos_len, want);
	FAIL_UNLESS(s->algos == block); /* not moved: no realloc */
	stratum_session_algo_fit(s);
	EXPECT_EQ_U64(s->algos_cap, want);
	/* not while it holds names, nor past its cap */
	stratum_session_algo_reserve(s, want + 40);
	EXPECT_EQ_U64(s->algos_cap, want);
	stratum_session_algo_clear(s);
	stratum_session_algo_reserve(s, 64 * (SS_ALGO_LEN + 1) + 1);
	EXPECT_EQ_U64(s->algos_cap, want);
	/* an estimate too large is cut back by the fit */
	stratum_session_algo_reserve(s, 100);
	EXPECT_EQ_U64(s->algos_cap, 100);
	FAIL_IF(stratum_session_algo_add(s, "kawpow") == NULL);
	stratum_session_algo_fit(s);
	EXPECT_EQ_U64(s->algos_cap, 7);
	stratum_session_free(s);

	/* Through a login: a name over SS_ALGO_LEN, one with a NUL inside,
	 * 70 in all (64 kept); then a shorter list replaces it. */
	k = 0;
	for (i = 0; i < 66; i++)
		k += (size_t)snprintf(many + k, sizeof(many) - k, ",\"a%zu\"", i);
	tr_add(&t, 0, T0, "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"login\","
	    "\"params\":{\"login\":\"x\",\"pass\":\"x\",\"algo\":[\"rx/0\",7,"
	    "\"0123456789abcdef0123456789abcdefXYZ\",\"cn\\u0000r\",\"cn/r\"%s]}}", many);
	tr_add(&t, 1, T0 + 1, "{\"jsonrpc\":\"2.0\",\"method\":\"job\",\"params\":"
	    "{\"blob\":\"%s\",\"job_id\":\"q1\",\"target\":\"b88d0600\"}}", cn_blob);
	run_all("algo-reserve", &t, 7, &r);
	expect_json_has(&r, "\"algo\":[\"rx/0\",\"0123456789abcdef0123456789abcdef\","
	    "\"cn\",\"cn/r\",\"a0\",\"a1\",");
	expect_json_has(&r, ",\"a59\"],");
	expect_json_has(&r, "\"truncated_fields\":2,");
	run_free(&r);
	tr_add(&t, 0, T0 + 10, "{\"id\":2,\"jsonrpc\":\"2.0\",\"method\":\"login\","
	    "\"params\":{\"login\":\"x\",\"pass\":\"x\",\"algo\":[\"kawpow\"]}}");
	run_all("algo-relogin", &t, 7, &r);
	expect_json_has(&r, "\"algo\":[\"kawpow\"],");
	run_free(&r);
	tr_free(&t);
}

/* Section 4 + example 3: D = 65536, 120 shares in 600 s with 2^32:
 * 56294995342131.2 H/s. */
static void test_btc_v1(void)
{
	struct transcript t = { 0 };
	struct run r;
	int i;

	tr_add(&t, 0, T0, "{\"id\":1,\"method\":\"mining.configure\",\"params\":[[\"version-rolling\"],"
	    "{\"version-rolling.mask\":\"1fffe000\",\"version-rolling.min-bit-count\":2}]}");
	tr_add(&t, 1, T0 + 1000, "{\"id\":1,\"result\":{\"version-rolling\":true,"
	    "\"version-rolling.mask\":\"1fffe000\"},\"error\":null}");
	tr_add(&t, 0, T0 + 2000, "{\"id\":2,\"method\":\"mining.subscribe\",\"params\":[\"bmminer/2.0.0\"]}");
	tr_add(&t, 1, T0 + 3000, "{\"id\":2,\"result\":[[[\"mining.set_difficulty\",\"c3d1\"],"
	    "[\"mining.notify\",\"c3d1\"]],\"7a3c01ff\",8],\"error\":null}");
	tr_add(&t, 0, T0 + 4000, "{\"id\":3,\"method\":\"mining.authorize\",\"params\":[\"acme.s19-04\",\"x\"]}");
	tr_add(&t, 1, T0 + 5000, "{\"id\":3,\"result\":true,\"error\":null}");
	tr_add(&t, 1, T0 + 6000, "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[65536]}");
	tr_add(&t, 1, T0 + 10 * SEC, "{\"id\":null,\"method\":\"mining.notify\",\"params\":[\"1f4e\","
	    "\"5e9a000000000000000000000000000000000000000000000000000000000000\","
	    "\"01000000010000\",\"ffffffff\",[\"3a7f\",\"c0de\"],\"20000000\",\"17034219\","
	    "\"65f1c2a0\",true]}");
	for (i = 0; i < 120; i++) {
		uint64_t ts = T0 + 10 * SEC + (uint64_t)(i + 1) * 5 * SEC;

		tr_add(&t, 0, ts - 1000, "{\"id\":%d,\"method\":\"mining.submit\",\"params\":["
		    "\"acme.s19-04\",\"1f4e\",\"00000000000000a1\",\"65f1c2a0\",\"9c1b22e3\","
		    "\"04d46000\"]}", i + 4);
		tr_add(&t, 1, ts, "{\"id\":%d,\"result\":true,\"error\":null}", i + 4);
	}
	/* one rejected, one unmatched reply */
	tr_add(&t, 0, T0 + 700 * SEC, "{\"id\":500,\"method\":\"mining.submit\",\"params\":["
	    "\"acme.s19-04\",\"1f4e\",\"00000000000000a2\",\"65f1c2a0\",\"9c1b22e4\"]}");
	tr_add(&t, 1, T0 + 700 * SEC, "{\"id\":500,\"result\":null,\"error\":[23,\"Low difficulty share\",null]}");
	tr_add(&t, 1, T0 + 701 * SEC, "{\"id\":777,\"result\":true,\"error\":null}");
	run_all("btc-v1", &t, 3, &r);
	EXPECT_EQ_U64(r.f.stratum, 1);
	EXPECT_STREQ(r.dialect, "stratum-v1");
	EXPECT_STREQ(r.coin, "unknown");
	EXPECT_STREQ(r.login, "acme.s19-04");
	EXPECT_STREQ(r.wallet, "(null)");
	EXPECT_STREQ(r.worker, "s19-04");
	EXPECT_STREQ(r.agent, "bmminer/2.0.0");
	EXPECT_EQ_U64(r.f.monero, 0);
	EXPECT_EQ_U64(r.f.shares_submitted, 121);
	EXPECT_EQ_U64(r.f.shares_accepted, 120);
	EXPECT_EQ_U64(r.f.shares_rejected, 1);
	FAIL_IF(r.f.hashrate_hs != 120.0 * 65536.0 * 4294967296.0 / 600.0);
	expect_json_has(&r, "\"hashrate_hs\":56294995342131.2,");
	expect_json_has(&r, "\"difficulty\":65536,");
	expect_json_has(&r, "\"unmatched_responses\":1,");
	expect_json_lacks(&r, "\"wallet\"");
	EXPECT_EQ_U64(r.ctr.stratum.unmatched_responses, 1);
	run_free(&r);
	tr_free(&t);
}

/* Section 5.1 + example 5: ES1, D = 2.0, 45 shares / 900 s. */
static void test_es1(void)
{
	struct transcript t = { 0 };
	struct run r;
	int i;

	tr_add(&t, 0, T0, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[\"lolMiner/1.88\","
	    "\"EthereumStratum/1.0.0\"]}");
	tr_add(&t, 1, T0 + 1000, "{\"id\":1,\"result\":[[\"mining.notify\",\"9c4e77a1d0\","
	    "\"EthereumStratum/1.0.0\"],\"b7e2\"],\"error\":null}");
	tr_add(&t, 0, T0 + 2000, "{\"id\":2,\"method\":\"mining.authorize\",\"params\":["
	    "\"0x52908400098527886E0F7030069857D2E4169EE7.rig1\",\"x\"]}");
	tr_add(&t, 1, T0 + 3000, "{\"id\":2,\"result\":true,\"error\":null}");
	tr_add(&t, 0, T0 + 4000, "{\"id\":3,\"method\":\"mining.extranonce.subscribe\",\"params\":[]}");
	tr_add(&t, 1, T0 + 5000, "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[2.0]}");
	tr_add(&t, 1, T0 + 100 * SEC, "{\"id\":null,\"method\":\"mining.notify\",\"params\":[\"a01f\","
	    "\"1111111111111111111111111111111111111111111111111111111111111111\","
	    "\"2222222222222222222222222222222222222222222222222222222222222222\",true]}");
	for (i = 0; i < 45; i++) {
		uint64_t ts = T0 + 100 * SEC + (uint64_t)(i + 1) * 20 * SEC;

		tr_add(&t, 0, ts - 100, "{\"id\":%d,\"method\":\"mining.submit\",\"params\":["
		    "\"0x52908400098527886E0F7030069857D2E4169EE7.rig1\",\"a01f\",\"3c9d0e11a2f4\"]}",
		    i + 7);
		tr_add(&t, 1, ts, "{\"id\":%d,\"result\":true,\"error\":null}", i + 7);
	}
	tr_add(&t, 0, T0 + 1001 * SEC, "{\"id\":99,\"method\":\"mining.submit\",\"params\":["
	    "\"0x52908400098527886E0F7030069857D2E4169EE7.rig1\",\"a01f\",\"3c9d0e11a2f5\"]}");
	tr_add(&t, 1, T0 + 1001 * SEC, "{\"id\":99,\"result\":false,\"error\":[-1,\"Job not found\",null]}");
	run_all("es1", &t, 3, &r);
	EXPECT_STREQ(r.dialect, "ethereum-stratum");
	expect_json_has(&r, "\"dialect_version\":\"1.0.0\"");
	EXPECT_STREQ(r.wallet, "0x52908400098527886E0F7030069857D2E4169EE7");
	EXPECT_EQ_U64(r.f.wallet_valid, 1);
	EXPECT_STREQ(r.coin, "eth");
	EXPECT_STREQ(r.worker, "rig1");
	EXPECT_EQ_U64(r.f.shares_accepted, 45);
	EXPECT_EQ_U64(r.f.shares_rejected, 1);
	FAIL_IF(fabs(r.f.hashrate_hs - 429496729.6) > 1e-6);
	expect_json_has(&r, "\"hashrate_hs\":429496729.6,");
	expect_json_has(&r, "\"difficulty\":2,");
	run_free(&r);
	tr_free(&t);
}

#define BOUNDARY_4E9 "0x0000000112e0be826d694b2e62d01511f12a6061fbaec8bc02357593e70e52ba"
#define HDR64 "0x1111111111111111111111111111111111111111111111111111111111111111"
#define SEED64 "0x2222222222222222222222222222222222222222222222222222222222222222"

/* Section 5.3 + example 4: boundary -> 4e9, 30 shares / 600 s = 2e8. */
static void test_ethproxy(void)
{
	struct transcript t = { 0 };
	struct run r;
	int i;

	tr_add(&t, 0, T0, "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"eth_submitLogin\","
	    "\"worker\":\"rig1\",\"params\":[\"0x52908400098527886e0f7030069857d2e4169ee7\",\"x\"]}");
	tr_add(&t, 1, T0 + 1000, "{\"id\":1,\"jsonrpc\":\"2.0\",\"result\":true}");
	tr_add(&t, 0, T0 + 2000, "{\"id\":5,\"jsonrpc\":\"2.0\",\"method\":\"eth_getWork\",\"params\":[]}");
	tr_add(&t, 1, T0 + 3000, "{\"id\":5,\"jsonrpc\":\"2.0\",\"result\":[\"" HDR64 "\",\""
	    SEED64 "\",\"" BOUNDARY_4E9 "\",\"0xfa3b21\"]}");
	for (i = 0; i < 30; i++) {
		uint64_t ts = T0 + 3000 + (uint64_t)(i + 1) * 20 * SEC;

		tr_add(&t, 1, ts - 5000, "{\"id\":0,\"jsonrpc\":\"2.0\",\"result\":[\"" HDR64
		    "\",\"" SEED64 "\",\"" BOUNDARY_4E9 "\"]}");
		tr_add(&t, 0, ts - 1000, "{\"id\":%d,\"jsonrpc\":\"2.0\",\"method\":\"eth_submitWork\","
		    "\"worker\":\"rig1\",\"params\":[\"0x07a05fa4133e5126\",\"" HDR64 "\",\""
		    SEED64 "\"]}", 40 + i);
		tr_add(&t, 1, ts, "{\"id\":%d,\"jsonrpc\":\"2.0\",\"result\":true}", 40 + i);
	}
	tr_add(&t, 0, T0 + 700 * SEC, "{\"id\":9,\"jsonrpc\":\"2.0\",\"method\":\"eth_submitHashrate\","
	    "\"worker\":\"rig1\",\"params\":[\"0x1d08a61\",\"0x00000000000000000000000000000000000"
	    "00000000000000000000002df91be\"]}");
	run_all("eth-proxy", &t, 3, &r);
	EXPECT_STREQ(r.dialect, "eth-proxy");
	EXPECT_STREQ(r.coin, "eth");
	EXPECT_STREQ(r.worker, "rig1");
	EXPECT_EQ_U64(r.f.shares_submitted, 30);
	EXPECT_EQ_U64(r.f.shares_accepted, 30);
	FAIL_IF(r.f.hashrate_hs != 200000000.0);
	expect_json_has(&r, "\"difficulty\":4000000000,");
	expect_json_has(&r, "\"hashrate_hs\":200000000,");
	expect_json_has(&r, "\"hashrate_reported_hs\":30444129,");
	expect_json_has(&r, "\"jobs\":31,");
	expect_json_has(&r, "\"height\":16399137,");
	run_free(&r);
	tr_free(&t);
}

/* Section 5.2: EthereumStratum/2.0.0. */
static void test_es2(void)
{
	struct transcript t = { 0 };
	struct run r;

	tr_add(&t, 0, T0, "{\"id\":0,\"method\":\"mining.hello\",\"params\":{\"agent\":\"ethminer-0.19\","
	    "\"host\":\"etc.pool.example\",\"port\":\"f5c\",\"proto\":\"EthereumStratum/2.0.0\"}}");
	tr_add(&t, 1, T0 + 1000, "{\"id\":0,\"result\":{\"proto\":\"EthereumStratum/2.0.0\","
	    "\"encoding\":\"plain\",\"resume\":\"1\",\"timeout\":\"b4\",\"maxerrors\":\"5\","
	    "\"node\":\"core-geth/v1.12\"}}");
	tr_add(&t, 0, T0 + 2000, "{\"id\":1,\"method\":\"mining.subscribe\"}");
	tr_add(&t, 1, T0 + 3000, "{\"id\":1,\"result\":\"s-4f1a\"}");
	tr_add(&t, 0, T0 + 4000, "{\"id\":2,\"method\":\"mining.authorize\",\"params\":["
	    "\"0x52908400098527886e0f7030069857d2e4169ee7.rig1\",\"x\"]}");
	tr_add(&t, 1, T0 + 5000, "{\"id\":2,\"result\":\"w-7\"}");
	tr_add(&t, 1, T0 + 6000, "{\"method\":\"mining.set\",\"params\":{\"epoch\":\"1f4\","
	    "\"target\":\"112e0be826d694b2e62d01511f12a6061fbaec8bc02357593e70e52ba\","
	    "\"algo\":\"etchash\",\"extranonce\":\"b7e2\"}}");
	tr_add(&t, 1, T0 + 7000, "{\"method\":\"mining.notify\",\"params\":[\"a020\",\"12c4d9f\","
	    "\"3333333333333333333333333333333333333333333333333333333333333333\",\"0\"]}");
	tr_add(&t, 0, T0 + 8000, "{\"id\":3,\"method\":\"mining.submit\",\"params\":[\"a020\","
	    "\"68765fccd712\",\"w-7\"]}");
	tr_add(&t, 1, T0 + 9000, "{\"id\":3}");
	tr_add(&t, 0, T0 + 10000, "{\"id\":4,\"method\":\"mining.submit\",\"params\":[\"a020\","
	    "\"68765fccd713\",\"w-7\"]}");
	tr_add(&t, 1, T0 + 11000, "{\"id\":4,\"error\":{\"code\":406,\"message\":\"Bad nonce\"}}");
	tr_add(&t, 0, T0 + 12000, "{\"id\":5,\"method\":\"mining.hashrate\",\"params\":[\"500000\",\"w-7\"]}");
	run_all("es2", &t, 1, &r);
	EXPECT_STREQ(r.dialect, "ethereum-stratum");
	expect_json_has(&r, "\"dialect_version\":\"2.0.0\"");
	EXPECT_STREQ(r.coin, "etc");
	EXPECT_STREQ(r.agent, "ethminer-0.19");
	EXPECT_STREQ(r.pool, "etc.pool.example");
	EXPECT_EQ_U64(r.f.shares_accepted, 1);
	EXPECT_EQ_U64(r.f.shares_rejected, 1);
	expect_json_has(&r, "\"difficulty\":4000000000,");
	expect_json_has(&r, "\"height\":19680671,");
	expect_json_has(&r, "\"pool\":{\"domain\":\"etc.pool.example\",\"via\":\"stratum\"}");
	expect_json_has(&r, "\"hashrate_reported_hs\":5242880,");
	run_free(&r);
	tr_free(&t);
}

/* Section 5.4: KawPow, GMiner-style subscribe naming the pool. */
static void test_kawpow(void)
{
	struct transcript t = { 0 };
	struct run r;

	tr_add(&t, 0, T0, "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"mining.subscribe\",\"params\":["
	    "\"GMiner/3.44\",null,\"rvn.pool.example\",\"3333\"]}");
	tr_add(&t, 0, T0 + 10, "{\"id\":2,\"jsonrpc\":\"2.0\",\"method\":\"mining.authorize\",\"params\":["
	    "\"RVNxAddressNotChecked1234567890abc.rig1\",\"x\"]}");
	tr_add(&t, 1, T0 + 1000, "{\"id\":1,\"result\":[null,\"64290b\"],\"error\":null}");
	tr_add(&t, 1, T0 + 2000, "{\"id\":2,\"result\":true,\"error\":null}");
	tr_add(&t, 1, T0 + 3000, "{\"id\":null,\"method\":\"mining.set_target\",\"params\":["
	    "\"00000000ffff0000000000000000000000000000000000000000000000000000\"]}");
	tr_add(&t, 1, T0 + 4000, "{\"id\":null,\"method\":\"mining.notify\",\"params\":[\"6a1\","
	    "\"4444444444444444444444444444444444444444444444444444444444444444\","
	    "\"5555555555555555555555555555555555555555555555555555555555555555\","
	    "\"00000001a5c00000000000000000000000000000000000000000000000000000\",true,3215001,"
	    "\"1b01e4b5\"]}");
	tr_add(&t, 0, T0 + 5000, "{\"id\":6,\"jsonrpc\":\"2.0\",\"method\":\"mining.submit\",\"params\":["
	    "\"RVNxAddressNotChecked1234567890abc.rig1\",\"6a1\",\"0x64290b00000031f2\","
	    "\"0x4444444444444444444444444444444444444444444444444444444444444444\","
	    "\"0x6666666666666666666666666666666666666666666666666666666666666666\"]}");
	tr_add(&t, 1, T0 + 6000, "{\"id\":6,\"result\":true,\"error\":null}");
	run_all("kawpow", &t, 1, &r);
	EXPECT_STREQ(r.dialect, "stratum-v1");
	EXPECT_STREQ(r.coin, "rvn");
	EXPECT_STREQ(r.pool, "rvn.pool.example");
	EXPECT_STREQ(r.worker, "rig1");
	EXPECT_STREQ(r.agent, "GMiner/3.44");
	expect_json_has(&r, "\"height\":3215001,");
	EXPECT_EQ_U64(r.f.shares_accepted, 1);
	run_free(&r);
	tr_free(&t);
}

/* ---- mining.pcapng (MINING-PCAPS.md, mining-ground-truth.tsv) -------- */

static void test_pcap_flows(void)
{
	struct transcript t = { 0 };
	struct run r;

	/* Flow A: eth-proxy, ETH */
	tr_from_pcap(&t, mining_flow0, sizeof(mining_flow0) / sizeof(mining_flow0[0]));
	run_all("pcap A", &t, 7, &r);
	EXPECT_EQ_U64(r.f.stratum, 1);
	EXPECT_STREQ(r.dialect, "eth-proxy");
	EXPECT_STREQ(r.coin, "eth");
	EXPECT_STREQ(r.login, "0x9c99d212f7e5daa18ab50810e0fd255d1f04303b/tester.worker1/vvesely@mailinator");
	EXPECT_STREQ(r.wallet, "0x9c99d212f7e5daa18ab50810e0fd255d1f04303b");
	EXPECT_STREQ(r.worker, "tester.worker1");
	EXPECT_STREQ(r.agent, "(null)");
	EXPECT_EQ_U64(r.f.shares_submitted, 1);
	EXPECT_EQ_U64(r.f.shares_accepted, 1);
	EXPECT_EQ_U64(r.f.shares_rejected, 0);
	expect_json_has(&r, "\"jobs\":62,");
	expect_json_has(&r, "\"methods\":{\"eth_getWork\":30,\"eth_submitHashrate\":14,"
	    "\"eth_submitLogin\":1,\"eth_submitWork\":1}");
	expect_json_has(&r, "\"hashrate_reported_hs\":");
	expect_json_lacks(&r, "\"hashrate_hs\"");
	EXPECT_STREQ(r.an.log, "");
	run_free(&r);
	tr_free(&t);

	/* Flow B: CryptoNote, XMR, login wallet.paymentid.worker */
	tr_from_pcap(&t, mining_flow1, sizeof(mining_flow1) / sizeof(mining_flow1[0]));
	run_all("pcap B", &t, 5, &r);
	EXPECT_STREQ(r.dialect, "cryptonote");
	EXPECT_STREQ(r.coin, "xmr");
	EXPECT_STREQ(r.wallet, "4BCeEPhodgPMbPWFN1dPwhWXdRX8q4mhhdZdA1dtSMLTLCEYvAj9QXjXAfF7CugEbmfBhgkqHbdgK9b2wKA6nqRZQCgvCDm");
	EXPECT_EQ_U64(r.f.wallet_valid, 1);
	EXPECT_STREQ(r.worker, "ryzen");
	EXPECT_STREQ(r.agent, "xmr-stak-cpu/1.3.0-1.5.0");
	EXPECT_EQ_U64(r.f.monero, SW_XMR_WALLET | SW_XMR_BLOB);
	EXPECT_EQ_U64(r.f.shares_submitted, 30);
	EXPECT_EQ_U64(r.f.shares_accepted, 30);
	EXPECT_EQ_U64(r.f.shares_rejected, 0);
	expect_json_has(&r, "\"jobs\":11,");
	expect_json_has(&r, "\"difficulty\":20000,");
	expect_json_has(&r, "\"methods\":{\"job\":10,\"login\":1,\"submit\":30}");
	FAIL_IF(r.f.hashrate_hs <= 0);
	run_free(&r);
	tr_free(&t);

	/* Flow C: Zcash V1 variant; 46 submits, 45 accepted, 1 stale */
	tr_from_pcap(&t, mining_flow2, sizeof(mining_flow2) / sizeof(mining_flow2[0]));
	run_all("pcap C", &t, 97, &r);
	EXPECT_STREQ(r.dialect, "stratum-v1");
	EXPECT_STREQ(r.coin, "zec");
	EXPECT_STREQ(r.login, "t1fAhZF5aUJdY7CikGULHmeYk7id8qmvbAd.rig4");
	EXPECT_STREQ(r.wallet, "t1fAhZF5aUJdY7CikGULHmeYk7id8qmvbAd");
	EXPECT_EQ_U64(r.f.wallet_valid, 1);
	EXPECT_STREQ(r.worker, "rig4");
	EXPECT_STREQ(r.agent, "EWBF 0.3.4b");
	EXPECT_STREQ(r.pool, "eu1-zcash.flypool.org");
	EXPECT_EQ_U64(r.f.monero, 0);
	EXPECT_EQ_U64(r.f.shares_submitted, 46);
	EXPECT_EQ_U64(r.f.shares_accepted, 45);
	EXPECT_EQ_U64(r.f.shares_rejected, 1);
	expect_json_has(&r, "\"jobs\":13,");
	expect_json_has(&r, "\"methods\":{\"mining.authorize\":1,\"mining.extranonce.subscribe\":1,"
	    "\"mining.notify\":13,\"mining.set_target\":1,\"mining.submit\":46,\"mining.subscribe\":1}");
	run_free(&r);
	tr_free(&t);

	/* Flow D */
	tr_from_pcap(&t, mining_flow3, sizeof(mining_flow3) / sizeof(mining_flow3[0]));
	run_all("pcap D", &t, 13, &r);
	EXPECT_STREQ(r.dialect, "stratum-v1");
	EXPECT_STREQ(r.coin, "zec");
	EXPECT_STREQ(r.wallet, "t1fJuHWrfcWnYMYyP9VAF96vRnvND2NziMG");
	EXPECT_STREQ(r.worker, "c1");
	EXPECT_STREQ(r.pool, "cn1-zcash.flypool.org");
	EXPECT_EQ_U64(r.f.shares_submitted, 1);
	EXPECT_EQ_U64(r.f.shares_accepted, 1);
	expect_json_has(&r, "\"jobs\":14,");
	run_free(&r);
	tr_free(&t);
}

/* ---- Stratum V2 and getwork over HTTP --------------------------------- */

static size_t sv2_setup_frame(uint8_t *b)
{
	const char *host = "v2.stratum.example", *vendor = "Bitmain", *fw = "braiins-os-2.0";
	size_t n = 6, l;

	b[n++] = 0;                /* protocol: mining */
	b[n++] = 2; b[n++] = 0;    /* min_version */
	b[n++] = 2; b[n++] = 0;    /* max_version */
	b[n++] = 1; b[n++] = 0; b[n++] = 0; b[n++] = 0; /* flags */
	l = strlen(host); b[n++] = (uint8_t)l; memcpy(b + n, host, l); n += l;
	b[n++] = 0x0d; b[n++] = 0x0d; /* port 3341 */
	l = strlen(vendor); b[n++] = (uint8_t)l; memcpy(b + n, vendor, l); n += l;
	b[n++] = 2; b[n++] = 'S'; b[n++] = '9';
	l = strlen(fw); b[n++] = (uint8_t)l; memcpy(b + n, fw, l); n += l;
	b[n++] = 3; b[n++] = 'd'; b[n++] = 'e'; b[n++] = 'v';
	b[0] = 0; b[1] = 0; b[2] = 0;
	b[3] = (uint8_t)(n - 6); b[4] = 0; b[5] = 0;
	return n;
}

static void test_sv2(void)
{
	struct transcript t = { 0 };
	struct run r;
	uint8_t frame[300], key[234];
	size_t n = sv2_setup_frame(frame), i;

	FAIL_IF(D->probe(frame, n, 0) != SW_PROBE_YES);
	FAIL_IF(D->probe(frame, 4, 0) != SW_PROBE_MAYBE);
	tr_add_n(&t, 0, T0, (const char *)frame, n);
	tr_add_n(&t, 1, T0 + 1000, "\x00\x00\x01\x05\x00\x00\x02\x00\x00\x00\x00", 11);
	run_all("sv2 plain", &t, 1, &r);
	EXPECT_STREQ(r.dialect, "stratum-v2");
	EXPECT_STREQ(r.coin, "unknown");
	EXPECT_STREQ(r.login, "(null)");
	EXPECT_STREQ(r.pool, "v2.stratum.example");
	EXPECT_STREQ(r.agent, "Bitmain braiins-os-2.0");
	expect_json_has(&r, "\"encrypted\":false");
	run_free(&r);
	tr_free(&t);

	/* A broken SetupConnection (max_version 3) is not SV2. */
	frame[10] = 3;
	FAIL_IF(D->probe(frame, n, 0) != SW_PROBE_NO);
	tr_add_n(&t, 0, T0, (const char *)frame, n);
	run_transcript(&t, WHOLE, &r);
	EXPECT_EQ_U64(r.f.stratum, 0);
	EXPECT_EQ_U64(r.errors, 1);
	run_free(&r);
	tr_free(&t);

	/* Noise: 64 opaque bytes, then 234 back, then records. */
	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i * 151 + 7) | 0x80;
	FAIL_IF(D->probe(key, 64, 0) != SW_PROBE_YES);
	FAIL_IF(D->probe(key, 65, 0) != SW_PROBE_NO);
	tr_add_n(&t, 0, T0, (const char *)key, 64);
	tr_add_n(&t, 1, T0 + 1000, (const char *)key, 234);
	tr_add_n(&t, 0, T0 + 2000, (const char *)key, 100);
	run_all("sv2 noise", &t, 1, &r);
	EXPECT_STREQ(r.dialect, "stratum-v2");
	expect_json_has(&r, "\"encrypted\":true");
	run_free(&r);
	tr_free(&t);

	/* 64 then 200 back: not the handshake. */
	tr_add_n(&t, 0, T0, (const char *)key, 64);
	tr_add_n(&t, 1, T0 + 1000, (const char *)key, 200);
	tr_add_n(&t, 0, T0 + 2000, (const char *)key, 100);
	run_transcript(&t, WHOLE, &r);
	EXPECT_EQ_U64(r.f.stratum, 0);
	run_free(&r);
	tr_free(&t);
}

static void test_getwork_http(void)
{
	struct transcript t = { 0 };
	struct run r;
	const char *body = "{\"method\":\"getwork\",\"params\":[],\"id\":1}";
	const char *resp = "{\"result\":{\"data\":\"00000001"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
	    "\"target\":\"ffffffffffffffffffffffffffffffffffffffffffffffffffffffff00000000\"},"
	    "\"error\":null,\"id\":1}";
	char req[1024], rsp[1024];

	/* "bWluZXIxOnNlY3JldA==" is base64 of "miner1:secret" */
	snprintf(req, sizeof(req), "POST / HTTP/1.1\r\nHost: pool.example:8332\r\n"
	    "Authorization: Basic bWluZXIxOnNlY3JldA==\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
	snprintf(rsp, sizeof(rsp), "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\n\r\n%s", strlen(resp), resp);
	FAIL_IF(D->probe((const uint8_t *)req, strlen(req), 0) != SW_PROBE_YES);
	tr_add_n(&t, 0, T0, req, strlen(req));
	tr_add_n(&t, 1, T0 + 1000, rsp, strlen(rsp));
	run_all("getwork-http", &t, 1, &r);
	EXPECT_STREQ(r.dialect, "getwork-http");
	EXPECT_STREQ(r.login, "miner1");
	expect_json_has(&r, "\"password\":\"secret\"");
	expect_json_has(&r, "\"jobs\":1,");
	run_free(&r);
	tr_free(&t);
}

/* ---- negatives ---------------------------------------------------------- */

static void expect_not_stratum(const char *name, struct transcript *t)
{
	struct run r;

	run_all(name, t, 1, &r);
	if (r.f.stratum != 0)
		fprintf(stderr, "%s: taken as Stratum: %s\n", name, r.json);
	EXPECT_EQ_U64(r.f.stratum, 0);
	EXPECT_STREQ(r.json, "");
	run_free(&r);
	tr_free(t);
}

static void test_negatives(void)
{
	struct transcript t = { 0 };
	const char *eth_rpc = "POST / HTTP/1.1\r\nHost: localhost:8545\r\nContent-Type: "
	    "application/json\r\nContent-Length: 64\r\n\r\n"
	    "{\"jsonrpc\":\"2.0\",\"method\":\"eth_blockNumber\",\"params\":[],\"id\":83}";
	int i;

	/* jsonrpc.pcap (nDPI issue #2216): one echo call, no reply. */
	tr_add(&t, 0, T0, "{\"jsonrpc\": \"2.0\", \"method\": \"echo\", \"params\": [\"Testing!\"], "
	    "\"id\": \"ca08a7c5-7f0e-4b1e-8e8a-b8a6f8e27d4f\"}");
	tr_add(&t, 1, T0 + 1000, "{\"jsonrpc\": \"2.0\", \"result\": [\"Testing!\"], \"id\": "
	    "\"ca08a7c5-7f0e-4b1e-8e8a-b8a6f8e27d4f\"}");
	expect_not_stratum("echo", &t);

	/* A chat app's login, even with "login" and "pass" keys and a job-ish
	 * reply without a blob. */
	tr_add(&t, 0, T0, "{\"id\":1,\"method\":\"login\",\"params\":{\"user\":\"bob\",\"password\":\"hunter2\"}}");
	tr_add(&t, 1, T0 + 1000, "{\"id\":1,\"result\":{\"token\":\"abc\",\"status\":\"OK\"}}");
	tr_add(&t, 0, T0 + 2000, "{\"id\":2,\"method\":\"login\",\"params\":{\"login\":\"bob\",\"pass\":\"x\","
	    "\"agent\":\"chat/1.0\"}}");
	tr_add(&t, 1, T0 + 3000, "{\"id\":2,\"result\":{\"id\":\"s1\",\"job\":{\"title\":\"x\"},\"status\":\"OK\"}}");
	tr_add(&t, 1, T0 + 4000, "{\"method\":\"message\",\"params\":{\"from\":\"alice\",\"text\":\"hi\"}}");
	expect_not_stratum("chat login", &t);

	/* Ethereum node RPC over HTTP: probe says no, and parsing finds nothing. */
	FAIL_IF(D->probe((const uint8_t *)eth_rpc, strlen(eth_rpc), 0) != SW_PROBE_NO);
	tr_add_n(&t, 0, T0, eth_rpc, strlen(eth_rpc));
	tr_add_n(&t, 1, T0 + 1000, "HTTP/1.1 200 OK\r\nContent-Length: 41\r\n\r\n"
	    "{\"jsonrpc\":\"2.0\",\"id\":83,\"result\":\"0x4b7\"}", 80);
	expect_not_stratum("eth node rpc", &t);

	/* LSP: Content-Length framing: not newline JSON at all. */
	FAIL_IF(D->probe((const uint8_t *)"Content-Length: 52\r\n", 20, 0) != SW_PROBE_NO);
	tr_add(&t, 0, T0, "Content-Length: 52\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\"}");
	expect_not_stratum("lsp", &t);

	/* LSP-like JSON lines with mining-ish method names used loosely. */
	tr_add(&t, 0, T0, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"processId\":1}}");
	tr_add(&t, 1, T0 + 1, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"capabilities\":{}}}");
	tr_add(&t, 0, T0 + 2, "{\"jsonrpc\":\"2.0\",\"method\":\"mining.subscribe\",\"params\":{\"topic\":\"x\"}}");
	tr_add(&t, 0, T0 + 3, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"submit\",\"params\":{\"job_id\":\"print\"}}");
	expect_not_stratum("lsp lines", &t);

	/* Elasticsearch bulk lines: many JSON lines, no structure: given up. */
	for (i = 0; i < 40; i++)
		tr_add(&t, 0, T0 + (uint64_t)i, "{\"index\":{\"_index\":\"logs\",\"_id\":\"%d\"}}", i);
	expect_not_stratum("elasticsearch", &t);

	/* A lone mining.subscribe nobody answered is not a session. */
	tr_add(&t, 0, T0, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[\"cgminer/4.12.0\"]}");
	expect_not_stratum("lone subscribe", &t);

	/* HTTP POST that only says "mining" in a path. */
	tr_add(&t, 0, T0, "POST /mining/news HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}");
	expect_not_stratum("post mining news", &t);
}

/* ---- hostile input -------------------------------------------------------- */

static void decided_prefix(struct transcript *t)
{
	tr_add(t, 0, T0, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[\"cgminer/4.12.0\"]}");
	tr_add(t, 1, T0 + 1, "{\"id\":1,\"result\":[[[\"mining.notify\",\"ae6812eb4cd7735a302a8a9dd95cf71f\"]],"
	    "\"08000002\",4],\"error\":null}");
}

/* The difficulty as EVE writes it: whole numbers below 1e15 through the
 * integer writer, the rest as "%.15g"; the same text either way. */
static void test_difficulty_text(void)
{
	static const struct {
		const char *param, *text;
	} cases[] = {
		{ "8", "\"difficulty\":8," },
		{ "65536.0", "\"difficulty\":65536," },
		{ "0.001", "\"difficulty\":0.001," },
		{ "1234.5", "\"difficulty\":1234.5," },
		{ "999999999999999", "\"difficulty\":999999999999999," },
		{ "1e15", "\"difficulty\":1e+15," },
		{ "12345678901234567", "\"difficulty\":1.23456789012346e+16," },
	};
	size_t k;

	/* a message of 20,001 values (past the parser's first node array)
	 * is still read */
	{
		struct transcript t = { 0 };
		struct run r;
		static const char head[] = "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[9";
		size_t n = sizeof(head) - 1, i;
		char *big = malloc(n + 2 * 20000 + 3);

		memcpy(big, head, n);
		for (i = 0; i < 20000; i++) {
			big[n++] = ',';
			big[n++] = '0';
		}
		memcpy(big + n, "]}\n", 3);
		decided_prefix(&t);
		tr_add_n(&t, 1, T0 + 2, big, n + 3);
		run_transcript(&t, WHOLE, &r);
		expect_json_has(&r, "\"difficulty\":9,");
		EXPECT_EQ_U64(r.ctr.stratum.json_errors, 0);
		run_free(&r);
		tr_free(&t);
		free(big);
	}
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct transcript t = { 0 };
		struct run r;
		char line[128];

		decided_prefix(&t);
		snprintf(line, sizeof(line),
		    "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[%s]}",
		    cases[k].param);
		tr_add(&t, 1, T0 + 2, line);
		run_transcript(&t, WHOLE, &r);
		expect_json_has(&r, cases[k].text);
		run_free(&r);
		tr_free(&t);
	}
}

static void test_hostile(void)
{
	struct transcript t = { 0 };
	struct run r;
	char *big;
	size_t i;

	/* 10000-deep nesting, 1e999, invalid UTF-8, a batch, in a decided
	 * session: each reported once, counted, no crash. */
	decided_prefix(&t);
	big = malloc(20002);
	for (i = 0; i < 10000; i++)
		big[i] = '[';
	for (i = 0; i < 10000; i++)
		big[10000 + i] = ']';
	big[20000] = '\n';
	tr_add_n(&t, 1, T0 + 2, big, 20001);
	tr_add(&t, 1, T0 + 3, "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[1e999]}");
	tr_add(&t, 0, T0 + 4, "{\"id\":2,\"method\":\"mining.authorize\",\"params\":[\"w\xff\xfe.x\",\"x\"]}");
	tr_add(&t, 0, T0 + 5, "[{\"id\":3,\"method\":\"mining.extranonce.subscribe\",\"params\":[]}]");
	tr_add(&t, 0, T0 + 6, "{\"id\":1e400,\"method\":\"mining.ping\"}");
	tr_add(&t, 0, T0 + 7, "{not json");
	run_transcript(&t, WHOLE, &r);
	EXPECT_EQ_U64(r.f.stratum, 1);
	EXPECT_STREQ(r.an.log, "stratum.json_parse_error;stratum.number_out_of_range;"
	    "stratum.invalid_utf8;stratum.batch_array;");
	EXPECT_EQ_U64(r.ctr.stratum.json_errors, 2);
	EXPECT_EQ_U64(r.ctr.stratum.number_out_of_range, 2);
	expect_json_has(&r, "\"anomalies\":6}");
	expect_json_has(&r, "\"login\":\"w\xef\xbf\xbd\xef\xbf\xbd.x\"");
	run_free(&r);
	free(big);
	tr_free(&t);

	/* A 1 MB line in a decided session: discarded, reported once per
	 * direction, later lines still read; memory bounded by the cap. */
	decided_prefix(&t);
	big = malloc((1 << 20) + 1);
	memset(big, 'x', 1 << 20);
	big[0] = '{';
	big[1 << 20] = '\n';
	tr_add_n(&t, 1, T0 + 2, big, (1 << 20) + 1);
	tr_add_n(&t, 1, T0 + 3, big, (1 << 20) + 1);
	tr_add(&t, 1, T0 + 4, "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[8]}");
	run_transcript(&t, 1460, &r);
	EXPECT_EQ_U64(r.f.stratum, 1);
	EXPECT_STREQ(r.an.log, "stratum.line_too_long;");
	EXPECT_EQ_U64(r.ctr.stratum.line_too_long, 2);
	expect_json_has(&r, "\"difficulty\":8,");
	FAIL_IF(r.max_size > 80000 + 16384);
	run_free(&r);
	free(big);
	tr_free(&t);

	/* 100000 tiny "{}" lines: the candidate is dropped after a few lines,
	 * and its heavy state freed. */
	big = malloc(300000);
	for (i = 0; i < 300000; i += 3)
		memcpy(big + i, "{}\n", 3);
	tr_add_n(&t, 0, T0, big, 300000);
	run_transcript(&t, WHOLE, &r);
	EXPECT_EQ_U64(r.f.stratum, 0);
	EXPECT_EQ_U64(r.errors, 1);
	FAIL_IF(r.ctr.stratum.lines > 20);
	EXPECT_EQ_U64(r.ctr.stratum.not_stratum, 1);
	FAIL_IF(r.final_size > 1024);
	run_free(&r);
	free(big);
	tr_free(&t);

	/* Not JSON at all after a '{' probe: given up at the first line. */
	tr_add(&t, 0, T0, "{ this is not json }");
	tr_add(&t, 1, T0 + 1, "HTTP/1.1 400 Bad Request");
	run_transcript(&t, WHOLE, &r);
	EXPECT_EQ_U64(r.f.stratum, 0);
	EXPECT_EQ_U64(r.errors, 1);
	run_free(&r);
	tr_free(&t);
}

/* One whole message into st; returns the verdict epoch after it (feed
 * checks that it moved if the verdict's facts changed). */
static uint32_t epoch_after(void *st, struct run *r, int dir, uint64_t ts, const char *fmt, ...)
{
	struct sw_anomaly_sink sink = { anomaly_cb, &r->an };
	struct sw_app_env env = { &g_limits, &r->ctr, &sink, NULL, NULL };
	char buf[2048];
	va_list ap;
	int n, stopped = 0;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	buf[n++] = '\n';
	feed(st, (const uint8_t *)buf, (size_t)n, dir, ts, 0, &env, r, &stopped);
	FAIL_IF(stopped);
	return D->verdict_epoch(st);
}

/* The verdict epoch (sw_dissector.h) moves when the session is decided,
 * when its Monero bits change (a login names a Monero wallet, a job
 * another coin's algorithm), when the pool names a host; it stays put
 * across shares, jobs and evidence that changes none of those, so the
 * engine does not judge the flow again for each of them. */
static void test_verdict_epoch(void)
{
	static const char cn_blob[] = "1010f4c6a1b006a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9000000000011223344556677889900aabbccddeeff00112233445566778899aabbccddeeff0011223344";
	struct run r;
	void *st;
	uint32_t e0, e1, e2, e3, e4;
	int i;

	/* Stratum V1: decided by subscribe + its reply; an authorize with a
	 * Monero wallet makes it Monero; then 20 jobs and shares. */
	memset(&r, 0, sizeof(r));
	st = D->state_new(&g_limits);
	check_epoch(st, &r, 1);
	e0 = D->verdict_epoch(st);
	e1 = epoch_after(st, &r, 0, T0, "{\"id\":1,\"method\":\"mining.subscribe\","
	    "\"params\":[\"xmrig-proxy/6.21\"]}");
	EXPECT_EQ_U64(e1, e0); /* a candidate: no facts yet */
	e1 = epoch_after(st, &r, 1, T0 + 1, "{\"id\":1,\"result\":[[[\"mining.notify\","
	    "\"ae6812eb4cd7735a302a8a9dd95cf71f\"]],\"08000002\",4],\"error\":null}");
	FAIL_IF(e1 == e0); /* decided */
	e2 = epoch_after(st, &r, 0, T0 + 2, "{\"id\":2,\"method\":\"mining.authorize\","
	    "\"params\":[\"%s.rig7\",\"x\"]}", xmr_wallet);
	FAIL_IF(e2 == e1); /* login: a Monero wallet */
	/* the authorize's reply, the difficulty, the first job and share
	 * add their evidence bits, but the session is decided and Monero
	 * already: the verdict stays, and so does the epoch ... */
	EXPECT_EQ_U64(epoch_after(st, &r, 1, T0 + 3, "{\"id\":2,\"result\":true,"
	    "\"error\":null}"), e2);
	EXPECT_EQ_U64(epoch_after(st, &r, 1, T0 + 4, "{\"id\":null,\"method\":"
	    "\"mining.set_difficulty\",\"params\":[1024]}"), e2);
	EXPECT_EQ_U64(epoch_after(st, &r, 1, T0 + 5, "{\"id\":null,\"method\":\"mining.notify\","
	    "\"params\":[\"j0\",\"5e9a000000000000000000000000000000000000000000000000000000000000\","
	    "\"01\",\"ff\",[],\"20000000\",\"17034219\",\"65f1c2a0\",true]}"), e2);
	EXPECT_EQ_U64(epoch_after(st, &r, 0, T0 + 6, "{\"id\":3,\"method\":\"mining.submit\","
	    "\"params\":[\"w\",\"j0\",\"00000001\",\"65f1c2a0\",\"9c1b22e3\"]}"), e2);
	e3 = epoch_after(st, &r, 1, T0 + 7, "{\"id\":3,\"result\":true,\"error\":null}");
	EXPECT_EQ_U64(e3, e2);
	/* ... and the next 20 of each change nothing the verdict reads */
	for (i = 0; i < 20; i++) {
		uint64_t ts = T0 + 10 + (uint64_t)i * 10;

		EXPECT_EQ_U64(epoch_after(st, &r, 1, ts, "{\"id\":null,\"method\":\"mining.notify\","
		    "\"params\":[\"j%d\",\"5e9a000000000000000000000000000000000000000000000000"
		    "000000000000\",\"01\",\"ff\",[],\"20000000\",\"17034219\",\"65f1c2a0\","
		    "true]}", i + 1), e3);
		EXPECT_EQ_U64(epoch_after(st, &r, 0, ts + 1, "{\"id\":%d,\"method\":"
		    "\"mining.submit\",\"params\":[\"w\",\"j%d\",\"00000001\",\"65f1c2a0\","
		    "\"9c1b22e3\"]}", i + 4, i + 1), e3);
		EXPECT_EQ_U64(epoch_after(st, &r, 1, ts + 2, "{\"id\":%d,\"result\":true,"
		    "\"error\":null}", i + 4), e3);
	}
	e4 = epoch_after(st, &r, 1, T0 + 500, "{\"id\":null,\"method\":\"client.reconnect\","
	    "\"params\":[\"pool.example.net\",3333,0]}");
	FAIL_IF(e4 == e3); /* the pool named a host */
	memset(&r.f, 0, sizeof(r.f));
	D->facts(st, &r.f);
	EXPECT_EQ_U64(r.f.stratum, 1);
	EXPECT_EQ_U64(r.f.monero, SW_XMR_WALLET);
	EXPECT_EQ_U64(r.f.shares_accepted, 21);
	EXPECT_STREQ(r.f.pool_host, "pool.example.net");
	D->state_free(st);

	/* CryptoNote: decided (and Monero) by the login reply's rx/0 job;
	 * 20 jobs and shares of that algorithm leave the epoch; a job of
	 * another coin's algorithm moves it. */
	memset(&r, 0, sizeof(r));
	st = D->state_new(&g_limits);
	check_epoch(st, &r, 1);
	e0 = epoch_after(st, &r, 0, T0, "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"login\","
	    "\"params\":{\"login\":\"x\",\"pass\":\"x\",\"agent\":\"XMRig/6.21.0\"}}");
	e1 = epoch_after(st, &r, 1, T0 + 1, "{\"id\":1,\"jsonrpc\":\"2.0\",\"error\":null,"
	    "\"result\":{\"id\":\"s1\",\"job\":{\"blob\":\"%s\",\"job_id\":\"q0\","
	    "\"target\":\"b88d0600\",\"algo\":\"rx/0\"},\"status\":\"OK\"}}", cn_blob);
	FAIL_IF(e1 == e0);
	memset(&r.f, 0, sizeof(r.f));
	D->facts(st, &r.f);
	EXPECT_EQ_U64(r.f.monero, SW_XMR_ALGO | SW_XMR_BLOB);
	epoch_after(st, &r, 0, T0 + 2, "{\"id\":2,\"jsonrpc\":\"2.0\",\"method\":\"submit\","
	    "\"params\":{\"id\":\"s1\",\"job_id\":\"q0\",\"nonce\":\"a3010000\",\"result\":"
	    "\"9f0e00000000000000000000000000000000000000000000006f5e4d3c2b1a0000\"}}");
	e2 = epoch_after(st, &r, 1, T0 + 3, "{\"id\":2,\"jsonrpc\":\"2.0\",\"error\":null,"
	    "\"result\":{\"status\":\"OK\"}}");
	for (i = 0; i < 20; i++) {
		uint64_t ts = T0 + 10 + (uint64_t)i * 10;

		EXPECT_EQ_U64(epoch_after(st, &r, 1, ts, "{\"jsonrpc\":\"2.0\",\"method\":\"job\","
		    "\"params\":{\"blob\":\"%s\",\"job_id\":\"q%d\",\"target\":\"b88d0600\","
		    "\"algo\":\"rx/0\",\"height\":%d}}", cn_blob, i + 1, 3000000 + i), e2);
		EXPECT_EQ_U64(epoch_after(st, &r, 0, ts + 1, "{\"id\":%d,\"jsonrpc\":\"2.0\","
		    "\"method\":\"submit\",\"params\":{\"id\":\"s1\",\"job_id\":\"q%d\","
		    "\"nonce\":\"a3010000\",\"result\":\"9f0e0000000000000000000000000000000000"
		    "0000000000006f5e4d3c2b1a0000\"}}", i + 3, i + 1), e2);
		EXPECT_EQ_U64(epoch_after(st, &r, 1, ts + 2, "{\"id\":%d,\"jsonrpc\":\"2.0\","
		    "\"error\":null,\"result\":{\"status\":\"OK\"}}", i + 3), e2);
	}
	e3 = epoch_after(st, &r, 1, T0 + 500, "{\"jsonrpc\":\"2.0\",\"method\":\"job\","
	    "\"params\":{\"blob\":\"%s\",\"job_id\":\"z1\",\"target\":\"b88d0600\","
	    "\"algo\":\"argon2/chukwav2\"}}", cn_blob);
	FAIL_IF(e3 == e2); /* the coin changed (and the Monero bits with it) */
	memset(&r.f, 0, sizeof(r.f));
	D->facts(st, &r.f);
	EXPECT_EQ_U64(r.f.monero, 0);
	FAIL_IF(r.f.coin == NULL || strcmp(r.f.coin, "xmr") == 0);
	D->state_free(st);
}

/* A sink that asks for the facts from inside the parse, as an engine
 * callback could. */
struct midparse {
	void *st;
	int asked;
	uint8_t monero; /* what the ask saw */
};

static void midparse_cb(void *ctx, const struct sw_anomaly *a)
{
	struct midparse *m = ctx;
	struct sw_facts f;

	(void)a;
	memset(&f, 0, sizeof(f));
	D->facts(m->st, &f);
	m->monero = f.monero;
	m->asked++;
}

/* The dialect and Monero bits in the facts follow the session: a parse
 * that changes them is seen by the next ask, and an ask in the middle of
 * a parse sees the session as it is then, and changes nothing after. */
static void test_facts_follow(void)
{
	static const char cn_blob[] = "1010f4c6a1b006a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9000000000011223344556677889900aabbccddeeff00112233445566778899aabbccddeeff0011223344";
	struct midparse mp = { NULL, 0, 0xff };
	struct sw_anomaly_sink sink = { midparse_cb, &mp };
	struct sw_counters ctr;
	struct sw_app_env env = { &g_limits, &ctr, &sink, NULL, NULL };
	struct sw_slice sl;
	struct sw_facts f;
	struct run r;
	char buf[4096];
	void *st;
	int n;

	memset(&r, 0, sizeof(r));
	memset(&ctr, 0, sizeof(ctr));
	st = D->state_new(&g_limits);
	mp.st = st;
	check_epoch(st, &r, 1);
	epoch_after(st, &r, 0, T0, "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"login\","
	    "\"params\":{\"login\":\"x\",\"pass\":\"x\",\"agent\":\"XMRig/6.21.0\"}}");
	epoch_after(st, &r, 1, T0 + 1, "{\"id\":1,\"jsonrpc\":\"2.0\",\"error\":null,"
	    "\"result\":{\"id\":\"s1\",\"job\":{\"blob\":\"%s\",\"job_id\":\"q0\","
	    "\"target\":\"b88d0600\",\"algo\":\"rx/0\"},\"status\":\"OK\"}}", cn_blob);
	memset(&f, 0, sizeof(f));
	D->facts(st, &f);
	EXPECT_EQ_U64(f.monero, SW_XMR_ALGO | SW_XMR_BLOB);
	/* another coin's job: asked again, the bits follow */
	epoch_after(st, &r, 1, T0 + 2, "{\"jsonrpc\":\"2.0\",\"method\":\"job\","
	    "\"params\":{\"blob\":\"%s\",\"job_id\":\"z1\",\"target\":\"b88d0600\","
	    "\"algo\":\"argon2/chukwav2\"}}", cn_blob);
	memset(&f, 0, sizeof(f));
	D->facts(st, &f);
	EXPECT_EQ_U64(f.monero, 0);
	EXPECT_STREQ(f.coin, "trtl");
	EXPECT_STREQ(f.dialect, "cryptonote");
	/* back to rx/0, asked: the bits kept are Monero's again */
	epoch_after(st, &r, 1, T0 + 3, "{\"jsonrpc\":\"2.0\",\"method\":\"job\","
	    "\"params\":{\"blob\":\"%s\",\"job_id\":\"z2\",\"target\":\"b88d0600\","
	    "\"algo\":\"rx/0\"}}", cn_blob);
	memset(&f, 0, sizeof(f));
	D->facts(st, &f);
	EXPECT_EQ_U64(f.monero, SW_XMR_ALGO | SW_XMR_BLOB);
	/* One slice: a chukwa job, then an rx/0 job whose duplicate "method"
	 * reports an anomaly before it is applied, so the sink asks for the
	 * facts while the chukwa job is current. The parse ends where the
	 * one before it did (rx/0), so its verdict key does not move: the
	 * ask in the middle must see the chukwa job, and the ask after the
	 * parse the rx/0 one. */
	n = snprintf(buf, sizeof(buf),
	    "{\"jsonrpc\":\"2.0\",\"method\":\"job\",\"params\":{\"blob\":\"%s\","
	    "\"job_id\":\"z3\",\"target\":\"b88d0600\",\"algo\":\"argon2/chukwav2\"}}\n"
	    "{\"jsonrpc\":\"2.0\",\"method\":\"job\",\"method\":\"job\",\"params\":"
	    "{\"blob\":\"%s\",\"job_id\":\"z4\",\"target\":\"b88d0600\","
	    "\"algo\":\"rx/0\"}}\n", cn_blob, cn_blob);
	FAIL_IF(n <= 0 || (size_t)n >= sizeof(buf));
	memset(&sl, 0, sizeof(sl));
	sl.data = (const uint8_t *)buf;
	sl.len = (size_t)n;
	sl.dir = 1;
	sl.ts_usec = T0 + 4;
	FAIL_IF(D->parse(st, &sl, &env).status != SW_PARSE_OK);
	EXPECT_EQ_U64(mp.asked, 1);
	EXPECT_EQ_U64(mp.monero, 0);
	memset(&f, 0, sizeof(f));
	D->facts(st, &f);
	EXPECT_EQ_U64(f.monero, SW_XMR_ALGO | SW_XMR_BLOB);
	EXPECT_STREQ(f.coin, "xmr");
	D->state_free(st);
}

static void test_pending_overflow(void)
{
	struct transcript t = { 0 };
	struct run r;
	struct sw_limits saved = g_limits;
	int i;

	g_limits.stratum_max_pending = 4;
	decided_prefix(&t);
	for (i = 0; i < 10; i++)
		tr_add(&t, 0, T0 + 10 + (uint64_t)i, "{\"id\":%d,\"method\":\"mining.submit\",\"params\":"
		    "[\"w\",\"j\",\"00\",\"01\",\"02\"]}", 100 + i);
	/* the oldest six are forgotten: their replies are unmatched */
	for (i = 0; i < 10; i++)
		tr_add(&t, 1, T0 + 30 + (uint64_t)i, "{\"id\":%d,\"result\":true,\"error\":null}", 100 + i);
	run_all("pending", &t, 1, &r);
	EXPECT_EQ_U64(r.ctr.stratum.pending_dropped, 6);
	EXPECT_STREQ(r.an.log, "stratum.pending_overflow;");
	EXPECT_EQ_U64(r.f.shares_submitted, 10);
	EXPECT_EQ_U64(r.f.shares_accepted, 4);
	EXPECT_EQ_U64(r.ctr.stratum.unmatched_responses, 6);
	run_free(&r);
	tr_free(&t);
	g_limits = saved;
}

/* An answered queue of one entry is kept for the next session's request
 * (a few per thread, none per session); a larger one is freed; the cap
 * on requests in flight still holds with a reused queue. */
static void test_pending_queue_reuse(void)
{
	struct stratum_session *a = stratum_session_new(0), *b = stratum_session_new(2);
	struct stratum_session *busy[64]; /* more than the queues kept spare */
	struct stratum_pending p;
	struct stratum_id id = { .type = STRATUM_ID_INT };
	const struct stratum_pending *q;
	int i;

	FAIL_IF(a == NULL || b == NULL);
	id.i = 1;
	/* sessions with a request in flight hold whatever queues earlier
	 * tests left, so that there is room for a's */
	for (i = 0; i < 64; i++) {
		busy[i] = stratum_session_new(0);
		FAIL_IF(busy[i] == NULL);
		stratum_session_push(busy[i], &id, SS_REQ_SUBMIT, SW_DIR_TO_SERVER, 1);
	}
	EXPECT_EQ_U64(stratum_session_push(a, &id, SS_REQ_SUBMIT, SW_DIR_TO_SERVER, 1), 0);
	q = a->pending;
	EXPECT_EQ_U64(stratum_session_match(a, &id, SW_DIR_TO_CLIENT, &p), 1);
	FAIL_IF(a->pending != NULL || a->pending_cap != 0);
	EXPECT_EQ_U64(stratum_session_heap(a), sizeof(*a));
	/* b's first request takes a's queue, its third fills b's cap of 2 */
	EXPECT_EQ_U64(stratum_session_push(b, &id, SS_REQ_SUBMIT, SW_DIR_TO_SERVER, 2), 0);
	FAIL_UNLESS(b->pending == q);
	EXPECT_EQ_U64(b->pending_cap, 1);
	EXPECT_EQ_U64(b->pending[0].ts, 2);
	EXPECT_EQ_U64(b->pending[0].id.i, 1);
	for (i = 2; i <= 3; i++) {
		id.i = i;
		EXPECT_EQ_U64(stratum_session_push(b, &id, SS_REQ_SUBMIT, SW_DIR_TO_SERVER,
		    (uint64_t)i + 1), i == 3);
	}
	EXPECT_EQ_U64(b->npending, 2);
	EXPECT_EQ_U64(b->pending_cap, 2);
	EXPECT_EQ_U64(b->pending[0].id.i, 2);
	for (i = 2; i <= 3; i++) {
		id.i = i;
		EXPECT_EQ_U64(stratum_session_match(b, &id, SW_DIR_TO_CLIENT, &p), 1);
		EXPECT_EQ_U64(p.ts, (uint64_t)i + 1);
	}
	FAIL_IF(b->pending != NULL || b->pending_cap != 0);
	stratum_session_free(a);
	stratum_session_free(b);
	for (i = 0; i < 64; i++)
		stratum_session_free(busy[i]);
}

/* The text fields share one heap block, rebuilt at each store: a field
 * set from another's text (or its own) survives the move, clearing
 * gives the bytes back, and the size reported is the block's. The
 * pending queue is freed when its last request is answered. */
static void test_session_text(void)
{
	struct stratum_session *s = stratum_session_new(0);
	struct stratum_pending p;
	struct stratum_id id;
	char big[300];

	FAIL_IF(s == NULL);
	EXPECT_EQ_U64(stratum_session_heap(s), sizeof(*s));
	stratum_session_set(s, SST_LOGIN, SS_LOGIN_MAX, "wallet.rig1");
	stratum_session_set(s, SST_AGENT, SS_AGENT_MAX, "XMRig/6.21.0");
	stratum_session_set(s, SST_PASSWORD, SS_SHORT_MAX, "x");
	/* from inside the block: its own text and another field's */
	stratum_session_set(s, SST_LOGIN, SS_LOGIN_MAX, stratum_session_text(s, SST_LOGIN));
	stratum_session_setn(s, SST_WORKER, SS_SHORT_MAX, stratum_session_text(s, SST_LOGIN) + 7, 4);
	EXPECT_STREQ(stratum_session_text(s, SST_LOGIN), "wallet.rig1");
	EXPECT_STREQ(stratum_session_text(s, SST_AGENT), "XMRig/6.21.0");
	EXPECT_STREQ(stratum_session_text(s, SST_PASSWORD), "x");
	EXPECT_STREQ(stratum_session_text(s, SST_WORKER), "rig1");
	EXPECT_STREQ(stratum_session_text(s, SST_WALLET), "");
	/* the worker is the end of the login: shared, not copied */
	FAIL_UNLESS(stratum_session_text(s, SST_WORKER) == stratum_session_text(s, SST_LOGIN) + 7);
	EXPECT_EQ_U64(s->text_heap, 12 + 13 + 2);
	EXPECT_EQ_U64(stratum_session_heap(s), sizeof(*s) + s->text_heap);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	stratum_session_set(s, SST_RIG_ID, SS_SHORT_MAX, big);
	EXPECT_EQ_U64(strlen(stratum_session_text(s, SST_RIG_ID)), SS_SHORT_MAX);
	EXPECT_EQ_U64(s->strings_truncated, 1);
	stratum_session_clear(s, SST_RIG_ID);
	stratum_session_clear(s, SST_AGENT);
	EXPECT_STREQ(stratum_session_text(s, SST_LOGIN), "wallet.rig1");
	EXPECT_STREQ(stratum_session_text(s, SST_WORKER), "rig1");
	EXPECT_EQ_U64(s->text_heap, 12 + 2 + 5);
	stratum_login_split(s, "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A.rig2");
	EXPECT_STREQ(stratum_session_text(s, SST_WORKER), "rig1"); /* set before: kept */
	EXPECT_EQ_U64(strlen(stratum_session_text(s, SST_LOGIN)), 100);
	stratum_session_clear(s, SST_LOGIN);
	stratum_session_clear(s, SST_WALLET);
	stratum_session_clear(s, SST_WORKER);
	stratum_session_clear(s, SST_PASSWORD);
	FAIL_IF(s->text != NULL);
	EXPECT_EQ_U64(s->text_heap, 0);
	/* XMRig's login is the bare wallet: held once */
	stratum_login_split(s, "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A");
	EXPECT_EQ_U64(s->wallet_valid, 1);
	FAIL_UNLESS(stratum_session_text(s, SST_WALLET) == stratum_session_text(s, SST_LOGIN));
	EXPECT_EQ_U64(s->text_heap, 96);
	stratum_session_set(s, SST_PASSWORD, SS_SHORT_MAX, "x");
	stratum_session_clear(s, SST_LOGIN);   /* the block is rebuilt */
	EXPECT_EQ_U64(strlen(stratum_session_text(s, SST_WALLET)), 95);
	EXPECT_STREQ(stratum_session_text(s, SST_LOGIN), "");
	EXPECT_STREQ(stratum_session_text(s, SST_PASSWORD), "x");
	EXPECT_EQ_U64(s->text_heap, 96 + 2);
	stratum_session_clear(s, SST_WALLET);
	stratum_session_clear(s, SST_PASSWORD);
	FAIL_IF(s->text != NULL);

	memset(&id, 0, sizeof(id));
	id.type = STRATUM_ID_INT;
	id.i = 7;
	EXPECT_EQ_U64(stratum_session_push(s, &id, SS_REQ_SUBMIT, SW_DIR_TO_SERVER, 1), 0);
	EXPECT_EQ_U64(s->npending, 1);
	FAIL_IF(s->pending == NULL);
	EXPECT_EQ_U64(stratum_session_match(s, &id, SW_DIR_TO_CLIENT, &p), 1);
	EXPECT_EQ_U64(p.req, SS_REQ_SUBMIT);
	FAIL_IF(s->pending != NULL);
	EXPECT_EQ_U64(stratum_session_heap(s), sizeof(*s));
	stratum_session_free(s);
}

/* Algorithm names to coins (stratum-dialect.c): every spelling of the
 * table in any case, and nothing for a name cut, lengthened, changed in
 * its first, middle or last byte, or shared by many coins. */
static void test_algo_coin(void)
{
	static const struct { const char *algo, *coin; } known[] = {
		{ "rx/0", "xmr" }, { "randomx", "xmr" }, { "rx/monero", "xmr" },
		{ "randomxmonero", "xmr" }, { "cn/r", "xmr" }, { "cn/0", "xmr" },
		{ "cn/1", "xmr" }, { "cn/2", "xmr" }, { "cryptonight", "xmr" },
		{ "cryptonight/r", "xmr" }, { "cryptonight_r", "xmr" },
		{ "cryptonight/1", "xmr" }, { "cryptonight/2", "xmr" },
		{ "cryptonight_v7", "xmr" }, { "cryptonight_v8", "xmr" },
		{ "cryptonightr", "xmr" }, { "rx/wow", "wow" },
		{ "argon2/chukwa", "trtl" }, { "argon2/chukwav2", "trtl" },
		{ "kawpow", "rvn" }, { "ghostrider", "rtm" }, { "ethash", "eth" },
		{ "etchash", "etc" }, { "equihash", "zec" }, { "equihash200_9", "zec" },
		{ "sha256d", "btc" },
	};
	static const char *const none[] = {
		"", "cn/half", "cn-pico", "scrypt", "rx/", "rx/00", "cn/3", "cn/", "rx",
		"cryptonight_v9", "cryptonight/", "xcryptonight", "randomxmonerox",
		"kawpoW ", "sha256", "sha256dd", "equihash200_", "argon2/chukwav",
		"rx/0\x80", "\xc3\xa9thash",
	};
	uint8_t seen[256] = { 0 };
	char buf[64];

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		uint8_t id = stratum_algo_coin_id(known[i].algo);
		size_t n = strlen(known[i].algo);

		FAIL_IF(id == 0);
		FAIL_IF(seen[id]++);
		EXPECT_STREQ(stratum_coin_of_id(id), known[i].coin);
		EXPECT_STREQ(stratum_algo_coin(known[i].algo), known[i].coin);
		for (size_t k = 0; k <= n; k++)
			buf[k] = (char)toupper((unsigned char)known[i].algo[k]);
		EXPECT_EQ_U64(stratum_algo_coin_id(buf), id);
		/* the first, a middle and the last byte changed */
		for (size_t k = 0; k < n; k += n / 2 > 0 ? n / 2 : 1) {
			memcpy(buf, known[i].algo, n + 1);
			buf[k] = '#';
			FAIL_IF(stratum_algo_coin_id(buf) == id);
		}
		memcpy(buf, known[i].algo, n + 1);
		buf[n - 1] = '#';
		FAIL_IF(stratum_algo_coin_id(buf) == id);
		/* by length: the bytes after the n are not read as the name */
		memcpy(buf, known[i].algo, n);
		memcpy(buf + n, "/x", 3);
		EXPECT_EQ_U64(stratum_algo_coin_idn(buf, n), id);
		FAIL_IF(stratum_algo_coin_idn(buf, n + 1) == id);
		FAIL_IF(stratum_algo_coin_idn(buf, n - 1) == id);
	}
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		EXPECT_EQ_U64(stratum_algo_coin_id(none[i]), 0);
		FAIL_IF(stratum_algo_coin(none[i]) != NULL);
	}
	EXPECT_EQ_U64(stratum_algo_coin_id(NULL), 0);
	FAIL_IF(stratum_coin_of_id(0) != NULL);
}

/* The dialect rule (stratum-dialect.c) against its statement: rule (a)
 * needs two mining.* items or more (counted here bit by bit), and the
 * precedence of the file's comment; every subset of the mining.* and
 * marker bits with a few others, and random evidence words. */
static enum stratum_dialect ref_decide(uint32_t ev, int http)
{
	int fam = __builtin_popcount(ev & 0x3ffu) >= 2; /* bits 0-9: mining.* items */
	int eth = (ev & STRATUM_EV_ETH_WORK) ?
	    (ev & (STRATUM_EV_ETH_LOGIN | STRATUM_EV_ETH_GETWORK | STRATUM_EV_ETH_SUBMITWORK |
	    STRATUM_EV_ETH_HASHRATE)) != 0 :
	    (ev & (STRATUM_EV_ETH_LOGIN | STRATUM_EV_ETH_SUBMITWORK)) ==
	    (STRATUM_EV_ETH_LOGIN | STRATUM_EV_ETH_SUBMITWORK);
	int cn = (ev & STRATUM_EV_CN_LOGIN) ?
	    (ev & (STRATUM_EV_CN_JOB | STRATUM_EV_CN_SUBMIT | STRATUM_EV_CN_WALLET)) != 0 :
	    (ev & (STRATUM_EV_CN_JOB | STRATUM_EV_CN_SUBMIT)) ==
	    (STRATUM_EV_CN_JOB | STRATUM_EV_CN_SUBMIT);

	if (ev & (STRATUM_EV_SV2_SETUP | STRATUM_EV_SV2_NOISE))
		return STRATUM_D_V2;
	if (http)
		return ((ev & (STRATUM_EV_GW_REQUEST | STRATUM_EV_GW_WORK)) ==
		    (STRATUM_EV_GW_REQUEST | STRATUM_EV_GW_WORK) || eth) ?
		    STRATUM_D_GETWORK_HTTP : STRATUM_D_NONE;
	if (fam && (ev & (STRATUM_EV_MARK_ES2 | STRATUM_EV_MARK_ES1)))
		return STRATUM_D_ETHEREUM_STRATUM;
	if (eth)
		return STRATUM_D_ETH_PROXY;
	if (cn)
		return STRATUM_D_CRYPTONOTE;
	return fam ? STRATUM_D_V1 : STRATUM_D_NONE;
}

static void test_dialect_rule(void)
{
	static const uint32_t others[] = {
		0, STRATUM_EV_CN_LOGIN | STRATUM_EV_CN_JOB, STRATUM_EV_ETH_WORK | STRATUM_EV_ETH_LOGIN,
		STRATUM_EV_SV2_NOISE, STRATUM_EV_GW_REQUEST | STRATUM_EV_GW_WORK,
	};
	uint64_t x = 0x2545f4914f6cdd1dULL;
	int bad = 0;

	for (uint32_t low = 0; low < (1u << 14); low++)
		for (size_t k = 0; k < sizeof(others) / sizeof(others[0]); k++)
			for (int http = 0; http < 2; http++)
				if (stratum_dialect_decide(low | others[k], http) !=
				    ref_decide(low | others[k], http))
					bad++;
	for (int i = 0; i < 200000; i++) {
		uint32_t ev;

		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		ev = (uint32_t)x & (uint32_t)(x >> 32); /* sparse words too */
		if (i % 2)
			ev = (uint32_t)x;
		if (stratum_dialect_decide(ev, i % 3 == 0) != ref_decide(ev, i % 3 == 0))
			bad++;
	}
	EXPECT_EQ_U64(bad, 0);
}

/* The Monero bits ask for the coin "xmr" exactly. */
static void test_monero_bits(void)
{
	struct stratum_session *s = stratum_session_new(0);

	FAIL_IF(s == NULL);
	EXPECT_EQ_U64(stratum_monero_bits(s, STRATUM_D_CRYPTONOTE), 0);
	s->job_coin = stratum_algo_coin_id("rx/0");
	EXPECT_EQ_U64(stratum_monero_bits(s, STRATUM_D_CRYPTONOTE), SW_XMR_ALGO);
	s->job_coin = stratum_algo_coin_id("rx/wow");
	EXPECT_EQ_U64(stratum_monero_bits(s, STRATUM_D_CRYPTONOTE), 0);
	s->job_coin = 0;
	s->wallet_valid = 1;
	s->wallet_coin = "xmr";
	EXPECT_EQ_U64(stratum_monero_bits(s, STRATUM_D_CRYPTONOTE), SW_XMR_WALLET);
	s->evidence = STRATUM_EV_CN_JOB;
	EXPECT_EQ_U64(stratum_monero_bits(s, STRATUM_D_CRYPTONOTE), SW_XMR_WALLET | SW_XMR_BLOB);
	s->wallet_coin = "xmrx";
	EXPECT_EQ_U64(stratum_monero_bits(s, STRATUM_D_CRYPTONOTE), 0);
	s->wallet_coin = "xm";
	EXPECT_EQ_U64(stratum_monero_bits(s, STRATUM_D_CRYPTONOTE), 0);
	s->wallet_coin = "XMR";
	EXPECT_EQ_U64(stratum_monero_bits(s, STRATUM_D_CRYPTONOTE), 0);
	s->wallet_coin = NULL;
	/* blobs alone are Monero in CryptoNote, without an algorithm named */
	EXPECT_EQ_U64(stratum_monero_bits(s, STRATUM_D_CRYPTONOTE), SW_XMR_BLOB);
	EXPECT_EQ_U64(stratum_monero_bits(s, STRATUM_D_V1), 0);
	s->coin_named_xmr = 1;
	EXPECT_EQ_U64(stratum_monero_bits(s, STRATUM_D_V1), SW_XMR_COIN | SW_XMR_BLOB);
	stratum_session_free(s);
}

/* The text fields against a model: random sets (fresh text, another
 * field's text or its end, a piece of the block itself, text at and past
 * the cap), clears and re-sends, each field checked after every step,
 * and the block's size within what it has room for. Runs of steps go
 * through a batch (stratum_session_text_begin/_end); a twin session
 * given the same steps without batches must end each batch with the same
 * text size, room and truncations (a batch saves reallocs, not memory). */
static void test_session_text_model(void)
{
	static const size_t caps[SST_COUNT] = {
		SS_LOGIN_MAX, SS_SHORT_MAX, SS_SHORT_MAX, SS_SHORT_MAX, SS_AGENT_MAX,
		SS_SHORT_MAX, SS_SHORT_MAX, SS_HOST_MAX,
	};
	char model[SST_COUNT][SS_LOGIN_MAX + 1];
	char src[600];
	uint64_t x = 0x853c49e6748fea9bULL;
	int bad = 0;

	for (int round = 0; round < 200; round++) {
		struct stratum_session *s = stratum_session_new(0);
		struct stratum_session *twin = stratum_session_new(0);
		struct stratum_text_batch tb;
		int batched = 0, batches = 0;

		FAIL_IF(s == NULL || twin == NULL);
		memset(model, 0, sizeof(model));
		for (int step = 0; step < 60; step++) {
			size_t f, g, n, k;
			int op;

			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			if ((x >> 56) % 5 == 0) {
				/* begin or end a batch (the twin is not batched) */
				if (batched) {
					stratum_session_text_end(s, &tb);
					if (s->text_heap != twin->text_heap ||
					    s->text_cap != twin->text_cap ||
					    s->strings_truncated != twin->strings_truncated ||
					    s->text_staged ||
					    (s->text == NULL) != (s->text_heap == 0))
						bad++;
					batches++;
				} else {
					stratum_session_text_begin(s, &tb);
				}
				batched = !batched;
			}
			f = (size_t)(x % SST_COUNT);
			g = (size_t)((x >> 8) % SST_COUNT);
			op = (int)((x >> 16) % 6);
			n = (size_t)((x >> 24) % 40);
			if ((x >> 40) % 16 == 0)
				n = caps[f] - 2 + (size_t)((x >> 44) % 5); /* around the cap */
			for (k = 0; k < n; k++)
				src[k] = (char)('a' + (x >> (k % 48)) % 3); /* repeats: shared ends */
			src[n] = '\0';
			if (op == 0) {
				stratum_session_clear(s, (enum stratum_text)f);
				stratum_session_clear(twin, (enum stratum_text)f);
				model[f][0] = '\0';
				continue;
			}
			if (op == 1) {
				/* another field's text, or its end, from inside the block */
				const char *o = stratum_session_text(s, (enum stratum_text)g);
				size_t ol = strlen(o), cut = ol > 0 ? (size_t)((x >> 50) % (ol + 1)) : 0;

				stratum_session_set(s, (enum stratum_text)f, caps[f], o + cut);
				stratum_session_set(twin, (enum stratum_text)f, caps[f],
				    stratum_session_text(twin, (enum stratum_text)g) + cut);
				snprintf(src, caps[f] + 1, "%s", model[g] + cut); /* f may be g */
				strcpy(model[f], src);
				continue;
			}
			if (op == 2) {
				/* a piece from inside another field (no NUL: setn) */
				const char *o = stratum_session_text(s, (enum stratum_text)g);
				size_t ol = strlen(o), len = ol / 2;

				stratum_session_setn(s, (enum stratum_text)f, caps[f], o, len);
				stratum_session_setn(twin, (enum stratum_text)f, caps[f],
				    stratum_session_text(twin, (enum stratum_text)g), len);
				memmove(model[f], model[g], len < caps[f] ? len : caps[f]);
				model[f][len < caps[f] ? len : caps[f]] = '\0';
				continue;
			}
			if (op == 3) {
				stratum_session_set(s, (enum stratum_text)f, caps[f], model[f]);
				stratum_session_set(twin, (enum stratum_text)f, caps[f], model[f]);
				continue; /* the same text again */
			}
			stratum_session_set(s, (enum stratum_text)f, caps[f], src);
			stratum_session_set(twin, (enum stratum_text)f, caps[f], src);
			snprintf(model[f], caps[f] + 1, "%s", src);
			for (k = 0; k < SST_COUNT; k++)
				if (strcmp(stratum_session_text(s, (enum stratum_text)k), model[k]) != 0 ||
				    strcmp(stratum_session_text(twin, (enum stratum_text)k), model[k]) != 0)
					bad++;
			if (s->text_heap > s->text_cap ||
			    (!batched && (s->text == NULL) != (s->text_heap == 0)))
				bad++;
		}
		if (batched)
			stratum_session_text_end(s, &tb);
		for (size_t k = 0; k < SST_COUNT; k++)
			if (strcmp(stratum_session_text(s, (enum stratum_text)k), model[k]) != 0)
				bad++;
		if (s->text_heap != twin->text_heap || s->text_cap != twin->text_cap)
			bad++;
		stratum_session_free(s);
		stratum_session_free(twin);
		FAIL_IF(batches == 0);
	}
	EXPECT_EQ_U64(bad, 0);
}

/* The "+" forms of section 8.3: the last '+' cuts the account when only
 * letters and digits follow it (a fixed difficulty, +perf). */
static void test_login_plus(void)
{
	static const char xmr[] = "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";
	static const struct {
		const char *tail;   /* after the wallet */
		int wallet;         /* the wallet is found */
		const char *worker;
	} cases[] = {
		{ "+50000", 1, "" },
		{ "+perfauto", 1, "" },
		{ ".rig+perf", 1, "rig" },
		{ "+1+2", 0, "" },          /* the last '+' only: "wallet+1" is left */
		{ "+1.rig", 0, "rig" },     /* ".rig" is not alphanumeric: not cut */
		{ "+", 1, "" },             /* nothing after it: cut too */
		{ "+diff+", 0, "" },        /* so "wallet+diff" is left */
		{ "+1/rig2", 1, "rig2" },   /* '/' parts first, then the '+' */
	};
	char login[200];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct stratum_session *s = stratum_session_new(0);

		FAIL_IF(s == NULL);
		snprintf(login, sizeof(login), "%s%s", xmr, cases[i].tail);
		stratum_login_split(s, login);
		EXPECT_STREQ(stratum_session_text(s, SST_LOGIN), login);
		EXPECT_STREQ(stratum_session_text(s, SST_WALLET), cases[i].wallet ? xmr : "");
		EXPECT_STREQ(stratum_session_text(s, SST_WORKER), cases[i].worker);
		stratum_session_free(s);
	}
	/* a '+' first is not a cut */
	{
		struct stratum_session *s = stratum_session_new(0);

		FAIL_IF(s == NULL);
		stratum_login_split(s, "+50000.rig");
		EXPECT_STREQ(stratum_session_text(s, SST_WALLET), "");
		EXPECT_STREQ(stratum_session_text(s, SST_WORKER), "rig");
		stratum_session_free(s);
	}
}

#define ST_PROBE_WINDOW 512 /* stratum.c's ST_PROBE_POST_WINDOW */

static void test_probe(void)
{
	static const char post_gbt[] = "POST / HTTP/1.1\r\nContent-Length: 60\r\n\r\n"
	    "{\"method\":\"GetBlockTemplate\"}";

	FAIL_IF(D->probe((const uint8_t *)"", 0, 0) != SW_PROBE_MAYBE);
	FAIL_IF(D->probe((const uint8_t *)" \r\n", 3, 0) != SW_PROBE_MAYBE);
	FAIL_IF(D->probe((const uint8_t *)"  {\"id\"", 7, 0) != SW_PROBE_YES);
	FAIL_IF(D->probe((const uint8_t *)"{", 1, 1) != SW_PROBE_YES);
	FAIL_IF(D->probe((const uint8_t *)"GET / HTTP/1.1\r\n", 16, 0) != SW_PROBE_NO);
	FAIL_IF(D->probe((const uint8_t *)"\x16\x03\x01\x02\x00", 5, 0) != SW_PROBE_NO);
	FAIL_IF(D->probe((const uint8_t *)"SSH-2.0-OpenSSH", 15, 0) != SW_PROBE_NO);
	FAIL_IF(D->probe((const uint8_t *)"PO", 2, 0) != SW_PROBE_MAYBE);
	FAIL_IF(D->probe((const uint8_t *)post_gbt, sizeof(post_gbt) - 1, 0) != SW_PROBE_YES);
	FAIL_IF(D->probe((const uint8_t *)"POST / HTTP/1.1\r\n", 17, 0) != SW_PROBE_MAYBE);
	FAIL_IF(D->probe((const uint8_t *)post_gbt, sizeof(post_gbt) - 1, 1) != SW_PROBE_NO);
	/* each name, any case, anywhere in the first 512 bytes; near misses
	 * and a name cut by the end of the data are not names */
	{
		static const char *const yes[] = {
			"POST /getwork HTTP/1.1\r\n", "POST / HTTP/1.1\r\nX: SUBMITBLOCK\r\n",
			"POST /Mining HTTP/1.1\r\n", "POST / HTTP/1.1\r\n\r\n{\"method\":\"getblocktemplate\"",
			"POST /ggetworkk", "POST /smmining",
		};
		static const char *const no[] = {
			"POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}",
			"POST /getwor HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
			"POST /minin HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
			"POST /submitbloc HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
		};
		char big[600];
		size_t k;

		for (k = 0; k < sizeof(yes) / sizeof(yes[0]); k++)
			FAIL_IF(D->probe((const uint8_t *)yes[k], strlen(yes[k]), 0) != SW_PROBE_YES);
		for (k = 0; k < sizeof(no) / sizeof(no[0]); k++)
			FAIL_IF(D->probe((const uint8_t *)no[k], strlen(no[k]), 0) != SW_PROBE_NO);
		FAIL_IF(D->probe((const uint8_t *)"POST /minin", 11, 0) != SW_PROBE_MAYBE);
		/* "mining" across the 512-byte window's end is not seen */
		memset(big, 'x', sizeof(big));
		memcpy(big, "POST /", 6);
		memcpy(big + 509, "mining", 6);
		FAIL_IF(D->probe((const uint8_t *)big, sizeof(big), 0) != SW_PROBE_NO);
		memcpy(big + 506, "mining", 6);
		FAIL_IF(D->probe((const uint8_t *)big, sizeof(big), 0) != SW_PROBE_YES);
	}
	/* each name, upper or lower case, at every offset of a 16-byte block
	 * (its first two letters together or split across blocks, or at the
	 * end of the data); a near miss, a name with its second letter
	 * changed, never */
	{
		static const char *const names[] = {
			"getwork", "GETBLOCKTEMPLATE", "SubmitBlock", "mINING",
		};
		static const char *const near[] = {
			"gxtwork", "GXTBLOCKTEMPLATE", "SxbmitBlock", "mXNING",
		};
		char buf[80];
		size_t k, off, end;

		for (k = 0; k < 4; k++)
			for (off = 5; off < 40; off++) {
				size_t wl = strlen(names[k]);

				for (end = off + wl; end <= off + wl + 17; end += 17) {
					/* (a copy of just end bytes: a read past
					 * them shows under valgrind or ASan) */
					uint8_t *h = malloc(end);

					FAIL_IF(h == NULL);
					if (h == NULL)
						return;
					memset(buf, 'x', sizeof(buf));
					memcpy(buf, "POST ", 5);
					memcpy(buf + off, names[k], wl);
					memcpy(h, buf, end);
					FAIL_IF(D->probe(h, end, 0) != SW_PROBE_YES);
					memcpy(h + off, near[k], wl); /* (as long) */
					FAIL_IF(D->probe(h, end, 0) != SW_PROBE_MAYBE);
					free(h);
				}
			}
	}
	/* a whole request that names nothing: NO; its body not all there
	 * yet, or its head not ended: MAYBE. Content-Length on any line, in
	 * any case (but at a line's start); a '\r' or "\r\n\r" that does
	 * not end the head. */
	{
		static const struct { const char *req; enum sw_probe want; } cases[] = {
			{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n{}", SW_PROBE_NO },
			{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n{}", SW_PROBE_MAYBE },
			{ "POST / HTTP/1.1\r\nCONTENT-LENGTH:  4\r\nHost: a\r\n\r\n{}{}", SW_PROBE_NO },
			{ "POST / HTTP/1.1\r\nX-A: \r\r\n\rContent-length: 5\r\n\r\n{}{}", SW_PROBE_NO },
			{ "POST / HTTP/1.1\r\nX-A: \r\r\ncontent-Length: 5\r\n\r\n{}{}", SW_PROBE_MAYBE },
			{ "POST / HTTP/1.1\r\nX-A: \r\r\ncontent-Length: 4\r\n\r\n{}{}", SW_PROBE_NO },
			{ "POST / HTTP/1.1\r\nX: Content-Length: 9\r\n\r\n{}", SW_PROBE_NO },
			{ "POST / HTTP/1.1\r\n\nContent-Length: 9\r\n\r\n{}", SW_PROBE_MAYBE },
			{ "POST / HTTP/1.1\r\nX\nContent-Length: 9\r\n\r\n{}", SW_PROBE_MAYBE },
			{ "POST / HTTP/1.1\r\nContent-Length: 600\r\n\r\n{}", SW_PROBE_NO },
			{ "POST / HTTP/1.1\r\nHost: a\r\n\r", SW_PROBE_MAYBE },
			{ "POST / HTTP/1.1\r\nHost: a\r\n\r\n", SW_PROBE_NO },
			{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length:", SW_PROBE_MAYBE },
		};
		size_t k;

		for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
			EXPECT_EQ_U64(D->probe((const uint8_t *)cases[k].req, strlen(cases[k].req), 0),
			    cases[k].want);
	}
	/* each name at every place in the window (the scan goes sixteen
	 * bytes at a time, then one at a time), ending at the data's end or
	 * cut by it, and a near miss at every place */
	{
		static const char *const names[] = {
			"getwork", "GetBlockTemplate", "SUBMITBLOCK", "mIning",
		};
		char buf[ST_PROBE_WINDOW + 1];
		size_t k, at, wl, n;

		for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
			wl = strlen(names[k]);
			for (at = 5; at + wl <= ST_PROBE_WINDOW; at++) {
				for (n = at + wl; n <= at + wl + 17 && n <= ST_PROBE_WINDOW; n += 17) {
					/* 'G', 'S' and 'M' around it: more places to stop */
					memset(buf, 'M', n);
					memcpy(buf, "POST ", 5);
					memcpy(buf + at, names[k], wl);
					FAIL_IF(D->probe((const uint8_t *)buf, n, 0) != SW_PROBE_YES);
					/* the last letter missing: a near miss */
					buf[at + wl - 1] = '-';
					FAIL_IF(D->probe((const uint8_t *)buf, n, 0) !=
					    (n < ST_PROBE_WINDOW ? SW_PROBE_MAYBE : SW_PROBE_NO));
					buf[at + wl - 1] = names[k][wl - 1];
					/* cut by the data's end */
					if (n == at + wl)
						FAIL_IF(D->probe((const uint8_t *)buf, n - 1, 0) !=
						    SW_PROBE_MAYBE);
				}
			}
		}
	}
}

/* wallet_classify_cached (the login split's) answers as wallet_classify,
 * on a first lookup, a repeat, and after its slot was taken by others. */
static void wallet_same(const char *a, size_t n)
{
	struct sw_wallet w1, w2;
	int r1 = wallet_classify(a, n, &w1), r2;

	memset(&w2, 0xa5, sizeof(w2));
	r2 = wallet_classify_cached(a, n, &w2);
	EXPECT_EQ_U64(r2, r1);
	FAIL_UNLESS(w1.kind == w2.kind && w1.net == w2.net && w1.valid == w2.valid &&
	    w1.coin == w2.coin && memcmp(w1.payment_id, w2.payment_id, 8) == 0);
}

static void test_wallet_cache(void)
{
	static const char *const addrs[] = {
		"48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJMk1j8nLwEVsaSWJ4fhdUyZijBGUicoD",
		"4BMzkK7uaiS2LxFSMtsQ5k3gsHPkECmXt52nKM8ZY8z26NhMJWtsWSA7icPFuECstJ94XRDHZYFLSAQSTAftscnaBhvYwF8HHg8TyW1b8c",
		"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
		"0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
		"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
		"1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
		"acme", "", "x",
	};
	char buf[300];
	size_t k, j;

	for (j = 0; j < 3; j++)
		for (k = 0; k < sizeof(addrs) / sizeof(addrs[0]); k++)
			wallet_same(addrs[k], strlen(addrs[k]));
	/* prefixes (the login split asks for "wallet" of "wallet.worker") */
	for (k = 0; k <= strlen(addrs[0]); k++)
		wallet_same(addrs[0], k);
	/* many one-character variants: every slot is taken and retaken;
	 * a variant must never be answered with its neighbour's result */
	for (j = 0; j < 2; j++) {
		for (k = 0; k < 4 * WALLET_CACHE_SLOTS; k++) {
			strcpy(buf, addrs[k % 2]);
			buf[10 + k % 80] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"[k % 58];
			wallet_same(buf, strlen(buf));
		}
	}
	/* longer than a key: passed through */
	memset(buf, 'a', sizeof(buf));
	wallet_same(buf, WALLET_CACHE_KEY_MAX + 1);
	wallet_same(buf, sizeof(buf));
	wallet_same(NULL, 0);
}

/* stratum_is_hex (sixteen, then eight digits at a time) against a byte-by-byte
 * reference, on seeded random strings: every byte value near the digit
 * ranges, every length to 40, bounds on both sides, with and without 0x. */
static int hex_ref(const char *s, size_t min, size_t max, int allow_0x)
{
	size_t n;

	if (allow_0x && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (n = 0; s[n] != '\0'; n++)
		if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f') ||
		    (s[n] >= 'A' && s[n] <= 'F')))
			return 0;
	return n >= min && n <= max;
}

static void test_is_hex(void)
{
	static const char pool[] = "0123456789abcdefABCDEF/:@`GgxX\x10\x19\x7f\x80\xb0\xe6\xff";
	uint32_t rng = 7;
	char buf[48];
	struct sj_node node;
	int k;

	for (k = 0; k < 200000; k++) {
		size_t len, i, min, max;
		int ax;

		rng = rng * 1103515245u + 12345u;
		len = (rng >> 8) % 41;
		for (i = 0; i < len; i++) {
			rng = rng * 1103515245u + 12345u;
			/* mostly hex digits, so long valid runs are common */
			buf[i] = (rng >> 20) % 8 ? pool[(rng >> 8) % 22] :
			    pool[(rng >> 8) % (sizeof(pool) - 1)];
		}
		buf[len] = '\0';
		if (len >= 2 && (rng & 0x100))
			memcpy(buf, "0x", 2);
		min = (rng >> 12) % 20;
		max = min + (rng >> 17) % 30;
		ax = (rng >> 9) & 1;
		EXPECT_EQ_U64(stratum_is_hex(buf, min, max, ax), hex_ref(buf, min, max, ax));
		/* the node form, from the parser's length: a \u0000 cuts
		 * the C string short of count, and the answer is the C
		 * string's */
		memset(&node, 0, sizeof(node));
		node.type = SJ_STRING;
		node.v.s = buf;
		node.count = (uint32_t)len;
		EXPECT_EQ_U64(stratum_is_hex_node(&node, min, max, ax),
		    hex_ref(buf, min, max, ax));
		if (len > 0 && (rng & 0x200)) {
			buf[(rng >> 3) % len] = '\0';
			node.nul = 1;
			EXPECT_EQ_U64(stratum_is_hex_node(&node, min, max, ax),
			    hex_ref(buf, min, max, ax));
		}
	}
	FAIL_IF(stratum_is_hex_node(NULL, 0, 8, 1));
	memset(&node, 0, sizeof(node));
	node.type = SJ_NUMBER;
	FAIL_IF(stratum_is_hex_node(&node, 0, 8, 1));
	FAIL_UNLESS(stratum_is_hex("0123456789abcdefABCDEF0123456789", 32, 32, 0));
	FAIL_IF(stratum_is_hex("0123456789abcdefABCDEF012345678g", 32, 32, 0));
	FAIL_IF(stratum_is_hex(NULL, 0, 8, 1));
	FAIL_UNLESS(stratum_is_hex("", 0, 8, 1));
	FAIL_UNLESS(stratum_is_hex("0xff", 2, 2, 1) && !stratum_is_hex("0xff", 2, 2, 0));
	FAIL_UNLESS(stratum_is_hex("abcdef01", 1, SIZE_MAX, 0));
}

/* The method tally: common names are shared (no heap for a session that
 * uses only them), others are kept in the session's own block; counts,
 * spelling, truncation at SS_METHOD_LEN and the SS_METHODS_MAX cap hold
 * for both kinds, interleaved. */
static void test_method_tally(void)
{
	struct stratum_session *s = stratum_session_new(0);
	char name[80];
	size_t i;
	int seen[3] = { 0, 0, 0 };

	FAIL_IF(s == NULL);
	stratum_session_method(s, "login");
	stratum_session_method(s, "job");
	stratum_session_method(s, "job");
	stratum_session_method(s, "mining.submit");
	FAIL_UNLESS(s->method_names == NULL); /* all common: no block */
	stratum_session_method(s, "Login");   /* another spelling: its own */
	stratum_session_method(s, "logi");    /* a prefix of a common one */
	stratum_session_method(s, "job");
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	stratum_session_method(s, name);      /* cut at SS_METHOD_LEN */
	FAIL_IF(s->method_names == NULL);
	EXPECT_EQ_U64(s->nmethods, 6);
	for (i = 0; i < s->nmethods; i++) {
		const char *n = stratum_method_name(s, i);

		if (strcmp(n, "job") == 0)
			EXPECT_EQ_U64(s->methods[i].count, 3);
		else if (strcmp(n, "Login") == 0)
			seen[0]++;
		else if (strcmp(n, "logi") == 0)
			seen[1]++;
		else if (strlen(n) == SS_METHOD_LEN && n[0] == 'x')
			seen[2]++;
		else
			FAIL_UNLESS(strcmp(n, "login") == 0 || strcmp(n, "mining.submit") == 0);
	}
	FAIL_UNLESS(seen[0] == 1 && seen[1] == 1 && seen[2] == 1);
	/* the first SS_METHODS_INLINE counts live in the session: no block
	 * of their own, none counted as heap */
	FAIL_UNLESS(s->methods == s->methods_inline);
	EXPECT_EQ_U64(stratum_session_heap(s), sizeof(*s) + s->text_heap + s->names_cap +
	    s->pending_cap * sizeof(*s->pending) + s->algos_cap);
	/* past them, to the heap with every count kept */
	for (i = 0; s->nmethods < SS_METHODS_INLINE + 1; i++) {
		snprintf(name, sizeof(name), "n%zu", i);
		stratum_session_method(s, name);
	}
	FAIL_UNLESS(s->methods != s->methods_inline);
	EXPECT_EQ_U64(s->methods_cap, 2 * SS_METHODS_INLINE);
	EXPECT_EQ_U64(stratum_session_heap(s), sizeof(*s) + s->text_heap + s->names_cap +
	    s->pending_cap * sizeof(*s->pending) + s->algos_cap +
	    2 * SS_METHODS_INLINE * sizeof(*s->methods));
	stratum_session_method(s, "job");
	for (i = 0; i < s->nmethods; i++)
		if (strcmp(stratum_method_name(s, i), "job") == 0)
			EXPECT_EQ_U64(s->methods[i].count, 4);
	/* past SS_METHODS_MAX distinct names: counted, not kept */
	for (i = 0; i < SS_METHODS_MAX; i++) {
		snprintf(name, sizeof(name), "m%zu", i);
		stratum_session_method(s, name);
	}
	EXPECT_EQ_U64(s->nmethods, SS_METHODS_MAX);
	EXPECT_EQ_U64(s->methods_dropped, 9);
	stratum_session_method(s, "mining.notify"); /* common, but no room */
	EXPECT_EQ_U64(s->methods_dropped, 10);
	stratum_session_free(s);
}

/* The algorithm list is packed: each name once, NUL-terminated, read back
 * in order; names cut at SS_ALGO_LEN and lists cut at SS_ALGO_MAX are
 * counted; a new list replaces the old; the block is fitted to its use. */
static void test_algo_list(void)
{
	struct stratum_session *s = stratum_session_new(0);
	char name[64];
	const char *a = NULL;
	size_t i, bytes = 0;

	FAIL_IF(s == NULL);
	for (i = 0; i < 31; i++) { /* XMRig 6.16's list is 31 long */
		snprintf(name, sizeof(name), "cn/%zu", i);
		FAIL_IF(stratum_session_algo_add(s, name) == NULL);
		bytes += strlen(name) + 1;
	}
	stratum_session_algo_fit(s);
	EXPECT_EQ_U64(s->nalgos, 31);
	EXPECT_EQ_U64(s->algos_len, bytes);
	EXPECT_EQ_U64(s->algos_cap, bytes);  /* 1,023 bytes in 33-byte slots */
	EXPECT_EQ_U64(stratum_session_heap(s), sizeof(*s) + bytes);
	for (i = 0; i < s->nalgos; i++) {
		a = stratum_session_algo_next(s, a);
		snprintf(name, sizeof(name), "cn/%zu", i);
		EXPECT_STREQ(a, name);
	}
	stratum_session_algo_clear(s);
	memset(name, 'r', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	FAIL_IF((a = stratum_session_algo_add(s, name)) == NULL);
	EXPECT_EQ_U64(strlen(a), SS_ALGO_LEN);
	EXPECT_EQ_U64(s->strings_truncated, 1);
	FAIL_IF((a = stratum_session_algo_add(s, "rx/0")) == NULL);
	EXPECT_STREQ(a, "rx/0");
	EXPECT_EQ_U64(s->nalgos, 2);
	EXPECT_EQ_U64(strlen(s->algos), SS_ALGO_LEN);
	for (i = 2; i < SS_ALGO_MAX; i++)
		FAIL_IF(stratum_session_algo_add(s, name) == NULL);
	FAIL_UNLESS(stratum_session_algo_add(s, "one/more") == NULL);
	EXPECT_EQ_U64(s->nalgos, SS_ALGO_MAX);
	stratum_session_algo_clear(s);
	stratum_session_algo_fit(s);
	FAIL_UNLESS(s->algos == NULL && s->algos_cap == 0);
	stratum_session_free(s);
}

/* A direction's end (reasm close_dir: an empty EOF slice). With nothing
 * held it changes nothing (stratum_parse returns at once: the event is
 * the same as with no end at all); with a line held without its LF, the
 * framer reports it (eof_partial_lines), whichever side ended first and
 * however the line was cut. */
static void eof_run(const struct transcript *t, const char *tail, size_t cut, int ends,
    struct run *r)
{
	struct sw_anomaly_sink sink;
	struct sw_app_env env;
	struct emit_ctx e;
	size_t i, n = strlen(tail);
	void *st = run_open(r, &sink, &env, &e);
	int stopped = 0;

	for (i = 0; i < t->n; i++)
		feed(st, (const uint8_t *)t->m[i].text, t->m[i].len, t->m[i].dir,
		    t->m[i].ts, 0, &env, r, &stopped);
	feed(st, (const uint8_t *)tail, cut, 0, T0 + 2, 0, &env, r, &stopped);
	if (cut < n)
		feed(st, (const uint8_t *)tail + cut, n - cut, 0, T0 + 2, 0, &env, r,
		    &stopped);
	if (ends) {
		/* the pool's side ends first, nothing held there */
		feed(st, (const uint8_t *)"", 0, 1, T0 + 3, SW_SLICE_EOF, &env, r, &stopped);
		EXPECT_EQ_U64(r->ctr.stratum.eof_partial_lines, 0);
		feed(st, (const uint8_t *)"", 0, 0, T0 + 3, SW_SLICE_EOF, &env, r, &stopped);
	}
	FAIL_IF(stopped);
	run_close(st, &e, r);
}

static void test_eof_slices(void)
{
	static const char submit[] =
	    "{\"id\":4,\"method\":\"mining.submit\",\"params\":[\"w\",\"j\",\"00\",\"5f\",\"01\"]}";
	char line[sizeof(submit) + 1];
	struct transcript t;
	struct run plain, ended;
	size_t cut, n = sizeof(submit) - 1;

	memset(&t, 0, sizeof(t));
	decided_prefix(&t);
	snprintf(line, sizeof(line), "%s\n", submit);
	for (cut = 1; cut <= n; cut++) {
		/* the submit without its LF: reported at the miner's end */
		eof_run(&t, submit, cut, 1, &ended);
		EXPECT_EQ_U64(ended.ctr.stratum.eof_partial_lines, 1);
		EXPECT_EQ_U64(ended.ctr.stratum.lines, 2);
		run_free(&ended);
		/* with it: the ends change nothing */
		eof_run(&t, line, cut, 0, &plain);
		eof_run(&t, line, cut, 1, &ended);
		EXPECT_EQ_U64(ended.ctr.stratum.eof_partial_lines, 0);
		EXPECT_EQ_U64(ended.ctr.stratum.lines, 3);
		FAIL_IF(strstr(ended.json, "\"mining.submit\":1") == NULL);
		EXPECT_STREQ(ended.json, plain.json);
		FAIL_IF(memcmp(&ended.ctr, &plain.ctr, sizeof(plain.ctr)) != 0);
		EXPECT_EQ_U64(ended.epoch, plain.epoch);
		run_free(&plain);
		run_free(&ended);
	}
	tr_free(&t);
}

int main(void)
{
	test_is_hex();
	test_wallet_cache();
	sw_limits_default(&g_limits);
	test_probe();
	test_cryptonote();
	test_btc_v1();
	test_methods_dropped_event();
	test_es1();
	test_ethproxy();
	test_es2();
	test_kawpow();
	test_pcap_flows();
	test_sv2();
	test_getwork_http();
	test_negatives();
	test_hostile();
	test_difficulty_text();
	test_pending_overflow();
	test_session_text();
	test_session_text_model();
	test_pending_queue_reuse();
	test_login_plus();
	test_algo_coin();
	test_dialect_rule();
	test_monero_bits();
	test_method_tally();
	test_algo_list();
	test_verdict_epoch();
	test_facts_follow();
	test_methods_keys();
	test_cn_job_members();
	test_algo_reserve();
	test_cn_login_members();
	test_eof_slices();
	return sw_test_done("test_stratum");
}
