/* test_websocket.c: Stratum in WebSocket frames (dissectors/websocket.c).
 *
 * An XMRig-style session behind the HTTP Upgrade handshake: the client's
 * login masked and fragmented (text frame + continuation, a ping between
 * them), the pool's reply unmasked with a 16-bit length, then shares. The
 * conversation is fed whole, with every message split at every byte offset,
 * and in 1-byte slices, each slice flush against a PROT_NONE page, with the
 * dissector's INCOMPLETE contract honoured (unconsumed bytes come back in
 * front of the next slice, as reassembly delivers them). Each way the
 * embedded Stratum dissector must see the same session. Then: a refused
 * upgrade, a message over the cap, and a frame too long to wait for. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_dissector.h"
#include "sw_facts.h"
#include "sw_limits.h"
#include "sw_test.h"

extern const struct sw_dissector sw_dissector_websocket;
#define D (&sw_dissector_websocket)

#define MSGS_MAX 16

struct msg {
	int dir;
	uint8_t *bytes;
	size_t len;
};

struct conv {
	struct msg m[MSGS_MAX];
	int n;
};

struct outcome {
	int status;                /* SW_PARSE_ERROR seen, else SW_PARSE_OK */
	uint8_t stratum;
	char wallet[128];
	char agent[96];
	uint64_t submitted, accepted;
	int epoch_moves;           /* times the verdict epoch moved */
};

static struct sw_limits g_limits;

static const char wallet[] =
    "48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJMk1j8nLwEVsaSWJ4fhdUyZijBGUicoD";

static void add(struct conv *c, int dir, const void *b, size_t n)
{
	struct msg *m = &c->m[c->n++];

	FAIL_IF(c->n > MSGS_MAX);
	m->dir = dir;
	m->bytes = malloc(n);
	FAIL_IF(m->bytes == NULL);
	memcpy(m->bytes, b, n);
	m->len = n;
}

static void conv_free(struct conv *c)
{
	int i;

	for (i = 0; i < c->n; i++)
		free(c->m[i].bytes);
	c->n = 0;
}

/* One frame: fin, opcode, payload; masked with key when key != NULL. */
static size_t frame(uint8_t *out, int fin, int opcode, const char *pl, size_t n, const uint8_t *key)
{
	size_t o = 0, i;

	out[o++] = (uint8_t)((fin ? 0x80 : 0) | opcode);
	if (n < 126) {
		out[o++] = (uint8_t)((key ? 0x80 : 0) | n);
	} else {
		out[o++] = (uint8_t)((key ? 0x80 : 0) | 126);
		out[o++] = (uint8_t)(n >> 8);
		out[o++] = (uint8_t)n;
	}
	if (key != NULL) {
		memcpy(out + o, key, 4);
		o += 4;
	}
	for (i = 0; i < n; i++)
		out[o + i] = (uint8_t)(key ? pl[i] ^ key[i & 3] : pl[i]);
	return o + n;
}

static void session_frags(struct conv *c, int frags);

static void session(struct conv *c)
{
	session_frags(c, 0);
}

/* frags 0: the login in two fragments with a ping between them; else in
 * pieces of 1, 2, 3 ... bytes (each masked with its own key), so that
 * the unmasking meets every length of a frame's tail. */
static void session_frags(struct conv *c, int frags)
{
	static const uint8_t key1[4] = { 0x37, 0xfa, 0x21, 0x3d }, key2[4] = { 1, 2, 3, 4 };
	static const char up[] = "GET /ws HTTP/1.1\r\nHost: pool.example\r\nUpgrade: websocket\r\n"
	    "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
	    "Sec-WebSocket-Version: 13\r\n\r\n";
	static const char ok[] = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
	    "Connection: Upgrade\r\n\r\n";
	static const char reply[] = "{\"id\":1,\"jsonrpc\":\"2.0\",\"error\":null,\"result\":{"
	    "\"id\":\"5e1f0c2a-77b1\",\"job\":{\"blob\":\"1010f4c6a1b006a0b1c2d3e4f5a6b7c8d9e0"
	    "f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9000000000011223344556677889900aabbccdd"
	    "eeff00112233445566778899aabbccddeeff0011223344\",\"job_id\":\"Qx81\","
	    "\"target\":\"b88d0600\",\"algo\":\"rx/0\",\"height\":3210987},\"status\":\"OK\"}}";
	static const char submit[] = "{\"id\":4,\"jsonrpc\":\"2.0\",\"method\":\"submit\","
	    "\"params\":{\"id\":\"5e1f0c2a-77b1\",\"job_id\":\"Qx81\",\"nonce\":\"a3010000\","
	    "\"result\":\"9f0e00000000000000000000000000000000000000000000006f5e4d3c2b1a0000\"}}";
	static const char accepted[] = "{\"id\":4,\"jsonrpc\":\"2.0\",\"error\":null,"
	    "\"result\":{\"status\":\"OK\"}}";
	char login[512];
	uint8_t buf[2048], key[4];
	size_t n, half, off, piece;

	snprintf(login, sizeof(login), "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"login\","
	    "\"params\":{\"login\":\"%s\",\"pass\":\"x\",\"agent\":\"XMRig/6.21.0\","
	    "\"algo\":[\"rx/0\"]}}", wallet);
	add(c, SW_DIR_TO_SERVER, up, sizeof(up) - 1);
	add(c, SW_DIR_TO_CLIENT, ok, sizeof(ok) - 1);
	/* the login in two fragments with a ping between them (RFC 6455 5.4) */
	half = strlen(login) / 2;
	if (frags == 0) {
		n = frame(buf, 0, 1, login, half, key1);
		n += frame(buf + n, 1, 9, "hi", 2, key2);
		n += frame(buf + n, 1, 0, login + half, strlen(login) - half, key2);
	} else {
		for (n = 0, off = 0, piece = 1; off < strlen(login); off += piece, piece++) {
			if (piece > strlen(login) - off)
				piece = strlen(login) - off;
			key[0] = (uint8_t)(0x91 * piece);
			key[1] = (uint8_t)(0x5b + piece);
			key[2] = (uint8_t)(0xc3 ^ piece);
			key[3] = (uint8_t)(7 * piece);
			n += frame(buf + n, off + piece == strlen(login), off == 0 ? 1 : 0,
			    login + off, piece, key);
		}
		FAIL_IF(n > sizeof(buf));
	}
	add(c, SW_DIR_TO_SERVER, buf, n);
	n = frame(buf, 1, 1, reply, sizeof(reply) - 1, NULL);
	add(c, SW_DIR_TO_CLIENT, buf, n);
	n = frame(buf, 1, 1, submit, sizeof(submit) - 1, key1);
	add(c, SW_DIR_TO_SERVER, buf, n);
	n = frame(buf, 1, 2, accepted, sizeof(accepted) - 1, NULL);
	add(c, SW_DIR_TO_CLIENT, buf, n);
}

static void copy_str(char *dst, size_t cap, const char *s)
{
	snprintf(dst, cap, "%s", s ? s : "(null)");
}

/* What the engine's verdict reads of the facts (src/detect.c,
 * src/dispatch.c gather()). */
static void verdict_key(void *st, char *key, size_t cap)
{
	struct sw_facts f;

	memset(&f, 0, sizeof(f));
	f.wallet_valid = -1;
	D->facts(st, &f);
	snprintf(key, cap, "%d|%d|%s|%s|%s", f.stratum, f.monero,
	    f.dialect ? f.dialect : "-", f.coin ? f.coin : "-",
	    f.pool_host ? f.pool_host : "-");
}

/* Feed c; message split_msg is cut once at split_at, or every message in
 * pieces of `piece` bytes (0: whole). Unconsumed bytes are held and given
 * back in front of the next slice of that direction. */
static void run(const struct conv *c, size_t piece, int split_msg, size_t split_at,
    struct outcome *o)
{
	struct sw_counters ctr;
	struct sw_app_env env = { &g_limits, &ctr, NULL, NULL, NULL };
	static uint8_t held[2][1 << 17];
	size_t nheld[2] = { 0, 0 };
	uint64_t off[2] = { 0, 0 };
	struct sw_facts f;
	void *st = D->state_new(&g_limits);
	char vkey[256], key[256];
	uint32_t epoch;
	int m;

	memset(&ctr, 0, sizeof(ctr));
	memset(o, 0, sizeof(*o));
	o->status = SW_PARSE_OK;
	FAIL_IF(st == NULL);
	/* the verdict epoch moves whenever what the verdict reads changed */
	epoch = D->verdict_epoch(st);
	verdict_key(st, vkey, sizeof(vkey));
	for (m = 0; m < c->n && o->status == SW_PARSE_OK; m++) {
		const struct msg *mm = &c->m[m];
		size_t pos = 0;

		while (pos < mm->len && o->status == SW_PARSE_OK) {
			size_t len = mm->len - pos, d = (size_t)mm->dir;
			struct sw_guarded g;
			struct sw_slice s;
			struct sw_result r;

			if (m == split_msg && pos == 0 && split_at > 0 && split_at < len)
				len = split_at;
			else if (piece > 0 && len > piece)
				len = piece;
			FAIL_IF(nheld[d] + len > sizeof(held[d]));
			memcpy(held[d] + nheld[d], mm->bytes + pos, len);
			nheld[d] += len;
			pos += len;
			memset(&s, 0, sizeof(s));
			s.data = sw_guarded_copy(&g, held[d], nheld[d]);
			s.len = nheld[d];
			s.dir = (uint8_t)d;
			s.offset = off[d];
			r = D->parse(st, &s, &env);
			sw_guarded_free(&g);
			verdict_key(st, key, sizeof(key));
			FAIL_IF(D->verdict_epoch(st) == epoch && strcmp(key, vkey) != 0);
			if (D->verdict_epoch(st) != epoch) {
				epoch = D->verdict_epoch(st);
				memcpy(vkey, key, sizeof(key));
				o->epoch_moves++;
			}
			if (r.status == SW_PARSE_ERROR) {
				o->status = SW_PARSE_ERROR;
				break;
			}
			FAIL_UNLESS(r.status == SW_PARSE_OK || r.status == SW_PARSE_INCOMPLETE);
			FAIL_IF(r.consumed > s.len);
			if (r.status == SW_PARSE_OK)
				r.consumed = s.len;
			memmove(held[d], held[d] + r.consumed, nheld[d] - r.consumed);
			nheld[d] -= r.consumed;
			off[d] += r.consumed;
		}
	}
	memset(&f, 0, sizeof(f));
	f.wallet_valid = -1;
	D->facts(st, &f);
	o->stratum = f.stratum;
	copy_str(o->wallet, sizeof(o->wallet), f.wallet);
	copy_str(o->agent, sizeof(o->agent), f.agent);
	o->submitted = f.shares_submitted;
	o->accepted = f.shares_accepted;
	FAIL_IF(D->state_size(st) < 1);
	D->state_free(st);
}

static void same(const struct outcome *a, const struct outcome *b)
{
	EXPECT_EQ_U64(a->status, b->status);
	EXPECT_EQ_U64(a->stratum, b->stratum);
	EXPECT_STREQ(a->wallet, b->wallet);
	EXPECT_STREQ(a->agent, b->agent);
	EXPECT_EQ_U64(a->submitted, b->submitted);
	EXPECT_EQ_U64(a->accepted, b->accepted);
}

static void test_session_every_split(void)
{
	struct conv c = { 0 };
	struct outcome want, o;
	int m;
	size_t k;

	session(&c);
	run(&c, 0, -1, 0, &want);
	EXPECT_EQ_U64(want.status, SW_PARSE_OK);
	EXPECT_EQ_U64(want.stratum, 1);
	EXPECT_STREQ(want.wallet, wallet);
	EXPECT_STREQ(want.agent, "XMRig/6.21.0");
	EXPECT_EQ_U64(want.submitted, 1);
	EXPECT_EQ_U64(want.accepted, 1);
	/* decided (with its Monero evidence) by the pool's reply; the submit
	 * adds an evidence bit (the epoch compares them all); the acceptance
	 * moves nothing */
	EXPECT_EQ_U64(want.epoch_moves, 2);
	for (m = 0; m < c.n; m++)
		for (k = 1; k < c.m[m].len; k++) {
			run(&c, 0, m, k, &o);
			same(&o, &want);
		}
	run(&c, 1, -1, 0, &o);
	same(&o, &want);
	conv_free(&c);
}

/* The login masked in frames of every length from 1 byte up, each with
 * its own key: the text the Stratum dissector gets is the login. */
static void test_unmask_every_length(void)
{
	struct conv c = { 0 };
	struct outcome o;

	session_frags(&c, 1);
	run(&c, 0, -1, 0, &o);
	EXPECT_EQ_U64(o.status, SW_PARSE_OK);
	EXPECT_EQ_U64(o.stratum, 1);
	EXPECT_STREQ(o.wallet, wallet);
	EXPECT_STREQ(o.agent, "XMRig/6.21.0");
	EXPECT_EQ_U64(o.accepted, 1);
	conv_free(&c);
}

static void test_refused_upgrade(void)
{
	struct conv c = { 0 };
	struct outcome o;
	static const char up[] = "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n";
	static const char no[] = "HTTP/1.1 403 Forbidden\r\n\r\n";

	add(&c, SW_DIR_TO_SERVER, up, sizeof(up) - 1);
	add(&c, SW_DIR_TO_CLIENT, no, sizeof(no) - 1);
	run(&c, 0, -1, 0, &o);
	EXPECT_EQ_U64(o.status, SW_PARSE_ERROR);
	conv_free(&c);
}

/* A message over stratum_max_line is skipped (not buffered), and the
 * session goes on; a frame longer than that plus 64 KiB is not waited for. */
static void test_caps(void)
{
	struct conv c = { 0 };
	struct outcome o;
	size_t big = g_limits.stratum_max_line + 10, n;
	char *pl = malloc(big);
	uint8_t *buf = malloc(big + 16), hdr[14];

	FAIL_IF(pl == NULL || buf == NULL);
	session(&c);
	memset(pl, 'a', big);
	/* a 64-bit length frame between the login and the reply */
	buf[0] = 0x81;
	buf[1] = 127;
	memset(buf + 2, 0, 8);
	buf[6] = (uint8_t)(big >> 24);
	buf[7] = (uint8_t)(big >> 16);
	buf[8] = (uint8_t)(big >> 8);
	buf[9] = (uint8_t)big;
	memcpy(buf + 10, pl, big);
	n = 10 + big;
	/* insert before the pool's reply (message 3) */
	memmove(&c.m[4], &c.m[3], (size_t)(c.n - 3) * sizeof(c.m[0]));
	c.n++;
	c.m[3].dir = SW_DIR_TO_CLIENT;
	c.m[3].bytes = buf;
	c.m[3].len = n;
	run(&c, 0, -1, 0, &o);
	EXPECT_EQ_U64(o.status, SW_PARSE_OK);
	EXPECT_EQ_U64(o.stratum, 1);
	EXPECT_EQ_U64(o.accepted, 1);
	conv_free(&c);
	/* a frame header announcing 2^40 bytes: given up at once */
	session(&c);
	hdr[0] = 0x82;
	hdr[1] = 127;
	memset(hdr + 2, 0, 8);
	hdr[4] = 1;
	free(c.m[3].bytes);
	c.m[3].bytes = malloc(10);
	FAIL_IF(c.m[3].bytes == NULL);
	memcpy(c.m[3].bytes, hdr, 10);
	c.m[3].len = 10;
	run(&c, 0, -1, 0, &o);
	EXPECT_EQ_U64(o.status, SW_PARSE_ERROR);
	conv_free(&c);
	free(pl);
}

int main(void)
{
	sw_limits_default(&g_limits);
	test_session_every_split();
	test_unmask_every_length();
	test_refused_upgrade();
	test_caps();
	return sw_test_done("test_websocket");
}
