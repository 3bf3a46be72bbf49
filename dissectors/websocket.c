/* websocket.c: Stratum carried in WebSocket frames (RFC 6455), as browser
 * miners and their web proxies send it (reference/stratum.md section 9).
 *
 * The HTTP Upgrade handshake is checked in both directions (client
 * "Upgrade: websocket", server "101"); then each direction's frames are
 * parsed, client payloads unmasked, fragmented messages joined, and every
 * complete text/binary message is handed to an embedded Stratum dissector
 * as one newline-terminated line. Facts and events are the Stratum
 * dissector's, so the same structural rule decides what is mining.
 * Messages longer than limits.stratum_max_line are skipped (anomaly
 * "websocket.message_too_long"); control frames are ignored. */
#include <stdlib.h>
#include <string.h>

#include "http-head.h"
#include "sw_dissector.h"
#include "sw_rd.h"

extern const struct sw_dissector sw_dissector_stratum;

#define WS_MAX_HEAD 8192
/* The message buffer grows to what a message needs (up to
 * stratum_max_line) and is given back once the message is delivered:
 * allocating the whole cap up front cost 128 KiB per flow, for messages of
 * a few hundred bytes, and keeping it between messages 256 bytes to 4 KiB
 * per direction for the flow's life (one allocation per message costs
 * little next to parsing the message). */
#define WS_MSG_MIN  256

struct ws_dir {
	uint8_t open;          /* handshake done */
	uint8_t skipping;      /* current message is over the cap */
	uint8_t *msg;          /* the message being joined */
	size_t msg_len;
	size_t msg_cap;        /* bytes allocated at msg */
	uint64_t inner_off;
};

struct ws_state {
	struct ws_dir d[2];
	void *inner;           /* the Stratum dissector's state */
	size_t max_msg;
	uint8_t anomalies;
};

static enum sw_probe ws_probe(const uint8_t *d, size_t n, int dir)
{
	size_t h;

	if (dir != SW_DIR_TO_SERVER)
		return SW_PROBE_NO;
	if (n < 4)
		return memcmp(d, "GET ", n) == 0 ? SW_PROBE_MAYBE : SW_PROBE_NO;
	if (memcmp(d, "GET ", 4) != 0)
		return SW_PROBE_NO;
	h = http_head_len(d, n < WS_MAX_HEAD ? n : WS_MAX_HEAD);
	if (h == 0)
		return n < WS_MAX_HEAD ? SW_PROBE_MAYBE : SW_PROBE_NO;
	return http_header_has(d, h, "upgrade", "websocket") ? SW_PROBE_YES : SW_PROBE_NO;
}

static void *ws_new(const struct sw_limits *l)
{
	struct ws_state *ws = calloc(1, sizeof(*ws));

	if (ws == NULL)
		return NULL;
	ws->inner = sw_dissector_stratum.state_new(l);
	if (ws->inner == NULL) {
		free(ws);
		return NULL;
	}
	ws->max_msg = l->stratum_max_line;
	return ws;
}

static void ws_free(void *st)
{
	struct ws_state *ws = st;

	sw_dissector_stratum.state_free(ws->inner);
	free(ws->d[0].msg);
	free(ws->d[1].msg);
	free(ws);
}

/* Hand one whole message to the Stratum dissector as a line. Returns 0, or
 * -1 when the Stratum dissector gave up. */
static int ws_deliver(struct ws_state *ws, int dir, uint64_t ts, const struct sw_app_env *env)
{
	struct ws_dir *d = &ws->d[dir];
	struct sw_slice s;
	struct sw_result r;

	d->msg[d->msg_len++] = '\n'; /* room was reserved */
	memset(&s, 0, sizeof(s));
	s.data = d->msg;
	s.len = d->msg_len;
	s.dir = (uint8_t)dir;
	s.ts_usec = ts;
	s.offset = d->inner_off;
	d->inner_off += d->msg_len;
	r = sw_dissector_stratum.parse(ws->inner, &s, env);
	d->msg_len = 0;
	return r.status == SW_PARSE_ERROR ? -1 : 0;
}

/* Room for need bytes at d->msg (need <= max_msg + 1). Returns 0 or -1. */
static int ws_msg_reserve(struct ws_state *ws, struct ws_dir *d, size_t need)
{
	size_t cap = d->msg_cap ? d->msg_cap : WS_MSG_MIN;
	uint8_t *nb;

	if (need <= d->msg_cap)
		return 0;
	while (cap < need)
		cap *= 2;
	if (cap > ws->max_msg + 1)
		cap = ws->max_msg + 1;
	if ((nb = realloc(d->msg, cap)) == NULL)
		return -1;
	d->msg = nb;
	d->msg_cap = cap;
	return 0;
}

static void ws_anomaly(struct ws_state *ws, const struct sw_app_env *env, const char *ev)
{
	if (ws->anomalies++ < 4)
		sw_anomaly_report(env->anomalies, SW_ANOMALY_APPLAYER, ev, NULL, "skipped", "websocket");
}

/* dst[i] = src[i] ^ key[i % 4] for i < n (RFC 6455 5.3), eight bytes at
 * a time: the key's phase restarts with each frame, so a word of it
 * twice over masks every aligned group of eight. (A byte at a time was
 * the dissector's largest cost: the miner masks all it sends.) */
static void ws_unmask(uint8_t *dst, const uint8_t *src, size_t n, const uint8_t key[4])
{
	uint8_t k2[8];
	uint64_t k8, v;
	size_t i;

	memcpy(k2, key, 4);
	memcpy(k2 + 4, key, 4);
	memcpy(&k8, k2, 8);
	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&v, src + i, 8);
		v ^= k8;
		memcpy(dst + i, &v, 8);
	}
	for (; i < n; i++)
		dst[i] = src[i] ^ key[i & 3];
}

/* Parse whole frames from r; stops before a partial one. Returns -1 when
 * the stream is not (or no longer) worth reading. */
static int ws_frames(struct ws_state *ws, int dir, struct sw_rd *r, uint64_t ts,
    const struct sw_app_env *env)
{
	struct ws_dir *d = &ws->d[dir];

	for (;;) {
		size_t start = r->off;
		uint8_t b0, b1, key[4] = { 0 };
		uint64_t len;
		const uint8_t *pl;
		int opcode;

		if (sw_rd_u8(r, &b0) != 0 || sw_rd_u8(r, &b1) != 0)
			goto partial;
		len = b1 & 0x7f;
		if (len == 126) {
			uint16_t v;

			if (sw_rd_be16(r, &v) != 0)
				goto partial;
			len = v;
		} else if (len == 127) {
			uint32_t hi, lo;

			if (sw_rd_be32(r, &hi) != 0 || sw_rd_be32(r, &lo) != 0)
				goto partial;
			len = (uint64_t)hi << 32 | lo;
		}
		if ((b1 & 0x80) && sw_rd_bytes(r, key, 4) != 0)
			goto partial;
		if (len > ws->max_msg + 65536) {
			/* a frame we will not wait for: give up rather than stall */
			ws_anomaly(ws, env, "websocket.frame_too_long");
			return -1;
		}
		if (sw_rd_view(r, &pl, (size_t)len) != 0)
			goto partial;
		opcode = b0 & 0x0f;
		if (opcode >= 8)
			continue; /* close, ping, pong */
		if (opcode == 1 || opcode == 2) {
			d->msg_len = 0;
			d->skipping = 0;
		}
		if (!d->skipping && d->msg_len + len + 1 > ws->max_msg) {
			ws_anomaly(ws, env, "websocket.message_too_long");
			d->skipping = 1;
			d->msg_len = 0;
		}
		if (!d->skipping) {
			/* + 1: ws_deliver ends the line with '\n' */
			if (ws_msg_reserve(ws, d, d->msg_len + (size_t)len + 1) != 0)
				return -1;
			ws_unmask(d->msg + d->msg_len, pl, (size_t)len, key);
			d->msg_len += (size_t)len;
		}
		if (b0 & 0x80) {
			if (!d->skipping && d->msg_len > 0 && ws_deliver(ws, dir, ts, env) != 0)
				return -1;
			d->skipping = 0;
			d->msg_len = 0;
			free(d->msg); /* a message ended: see WS_MSG_MIN */
			d->msg = NULL;
			d->msg_cap = 0;
		}
		continue;
partial:
		r->off = start;
		return 0;
	}
}

static struct sw_result ws_parse(void *st, const struct sw_slice *s, const struct sw_app_env *env)
{
	struct ws_state *ws = st;
	struct ws_dir *d = &ws->d[s->dir];
	struct sw_result res = { SW_PARSE_OK, s->len };
	struct sw_rd r;

	if (s->flags & SW_SLICE_GAP) {
		res.status = SW_PARSE_ERROR; /* frames cannot be resynchronised */
		res.consumed = 0;
		return res;
	}
	sw_rd_init(&r, s->data, s->len);
	if (!d->open) {
		size_t h = http_head_len(s->data, s->len);

		if (h == 0) {
			if (s->len >= WS_MAX_HEAD)
				res.status = SW_PARSE_ERROR;
			else
				res.status = SW_PARSE_INCOMPLETE;
			res.consumed = 0;
			return res;
		}
		if (s->dir == SW_DIR_TO_CLIENT &&
		    (s->len < 12 || memcmp(s->data, "HTTP/1.1 101", 12) != 0)) {
			res.status = SW_PARSE_ERROR; /* the upgrade was refused */
			res.consumed = 0;
			return res;
		}
		d->open = 1;
		r.off = h;
	}
	if (ws_frames(ws, s->dir, &r, s->ts_usec, env) != 0) {
		res.status = SW_PARSE_ERROR;
		res.consumed = 0;
		return res;
	}
	if (r.off < s->len) {
		res.status = SW_PARSE_INCOMPLETE;
		res.consumed = r.off;
	}
	return res;
}

static void ws_facts(void *st, struct sw_facts *out)
{
	struct ws_state *ws = st;

	sw_dissector_stratum.facts(ws->inner, out);
}

/* The facts are the inner Stratum dissector's, and so is the epoch. */
static uint32_t ws_verdict_epoch(const void *st)
{
	const struct ws_state *ws = st;

	return sw_dissector_stratum.verdict_epoch(ws->inner);
}

static void ws_emit(void *st, const struct sw_emit_env *env)
{
	struct ws_state *ws = st;

	sw_dissector_stratum.emit(ws->inner, env);
}

static size_t ws_size(const void *st)
{
	const struct ws_state *ws = st;

	return sizeof(*ws) + ws->d[0].msg_cap + ws->d[1].msg_cap +
	    sw_dissector_stratum.state_size(ws->inner);
}

const struct sw_dissector sw_dissector_websocket = {
	.name = "websocket",
	.ipproto = 6,
	.default_ports = "80,8080,443",
	.probe = ws_probe,
	.state_new = ws_new,
	.state_free = ws_free,
	.parse = ws_parse,
	.facts = ws_facts,
	.verdict_epoch = ws_verdict_epoch,
	.emit = ws_emit,
	.state_size = ws_size,
};
