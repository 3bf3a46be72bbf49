/* proxy.c: proxy tunnels: HTTP CONNECT (RFC 9110 section 9.3.6), SOCKS5
 * (RFC 1928) and SOCKS4/4a. Reports the host the client asked for
 * (observer host_named, via "http-connect" or "socks") and, once both sides
 * finished the handshake, hands the rest of the stream back to dispatch
 * (SW_PARSE_HANDOFF) so the tunnelled protocol (Stratum, TLS) is probed and
 * parsed as if the flow had started there (reference/stratum.md section 9).
 *
 * States per direction:
 *   client: REQUEST (the CONNECT head / SOCKS greeting+request) -> TUNNEL
 *   server: REPLY (status line+headers / SOCKS method+reply)     -> TUNNEL
 * Handshake messages are small and nearly always arrive whole: each is read
 * in place from the slice, and only one split over segments is collected in
 * a bounded buffer (PROXY_MAX_HEAD, allocated on that first need: zeroing
 * 8 KiB for every HTTP flow cost more than parsing its request). Anything
 * larger, or a refused tunnel, ends the dissection (SW_PARSE_ERROR) with the
 * host still reported. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http-head.h"
#include "sw_dissector.h"
#include "sw_rd.h"
#include "sw_slab.h"

#define PROXY_MAX_HEAD 4096
#define PROXY_MAX_HOST 255

enum proxy_kind { PK_HTTP = 1, PK_SOCKS5, PK_SOCKS4, PK_HTTP_PLAIN };

/* Plain HTTP requests: the Host header is matched (a pool reached over
 * HTTP, a getwork endpoint the Stratum dissector did not claim); nothing
 * else of the flow is read. */
static const char *const http_methods[] = { "GET ", "POST ", "HEAD ", "PUT ", "OPTIONS " };

struct proxy_state {
	uint8_t kind;
	uint8_t done[2];           /* handshake finished, by direction */
	uint8_t socks5_step[2];    /* SOCKS5: 0 greeting/method, 1 request/reply */
	uint8_t refused;
	uint16_t port;
	char host[PROXY_MAX_HOST + 1];
	char via[16];
	uint8_t *buf[2];           /* a message split over segments, or NULL */
	size_t len[2];             /* bytes of it in buf */
};

/* How d[0..n) meets the upper-case string p, ignoring ASCII case: 1 it
 * starts with p, 0 it is a shorter prefix of p (more bytes may tell), -1
 * it differs. */
static int ci_match(const uint8_t *d, size_t n, const char *p)
{
	size_t i, l = strlen(p);

	for (i = 0; i < n && i < l; i++) {
		uint8_t c = d[i];

		if (c >= 'a' && c <= 'z')
			c = (uint8_t)(c - 32);
		if (c != (uint8_t)p[i])
			return -1;
	}
	return i == l ? 1 : 0;
}

static int ci_prefix(const uint8_t *d, size_t n, const char *p)
{
	return ci_match(d, n, p) == 1;
}

static enum sw_probe proxy_probe(const uint8_t *d, size_t n, int dir)
{
	if (dir != SW_DIR_TO_SERVER || n == 0)
		return SW_PROBE_NO;
	if (d[0] == 'C' || d[0] == 'c') {
		int m = ci_match(d, n, "CONNECT ");

		/* a prefix of "CONNECT ": wait for the rest */
		return m > 0 ? SW_PROBE_YES : m == 0 ? SW_PROBE_MAYBE : SW_PROBE_NO;
	}
	{
		size_t i, h;

		for (i = 0; i < sizeof(http_methods) / sizeof(http_methods[0]); i++) {
			size_t ml = strlen(http_methods[i]);

			if (strncmp((const char *)d, http_methods[i], n < ml ? n : ml) != 0)
				continue;
			if (n < ml)
				return SW_PROBE_MAYBE;
			/* decide on the whole head, so a WebSocket upgrade is
			 * left to websocket.c */
			h = http_head_len(d, n < PROXY_MAX_HEAD ? n : PROXY_MAX_HEAD);
			if (h == 0)
				return n < PROXY_MAX_HEAD ? SW_PROBE_MAYBE : SW_PROBE_NO;
			return http_header_has(d, h, "upgrade", "websocket") ? SW_PROBE_NO : SW_PROBE_YES;
		}
	}
	/* SOCKS5 greeting: version 5, 1..8 methods, the methods follow */
	if (d[0] == 5) {
		if (n < 2)
			return SW_PROBE_MAYBE;
		if (d[1] == 0 || d[1] > 8)
			return SW_PROBE_NO;
		if (n < (size_t)2 + d[1])
			return SW_PROBE_MAYBE;
		return SW_PROBE_YES;
	}
	/* SOCKS4/4a CONNECT: 04 01 port(2) ip(4) userid NUL [host NUL] */
	if (d[0] == 4) {
		if (n < 9)
			return SW_PROBE_MAYBE;
		return d[1] == 1 && memchr(d + 8, 0, n - 8) != NULL ? SW_PROBE_YES : SW_PROBE_NO;
	}
	return SW_PROBE_NO;
}

static _Thread_local struct sw_slab proxy_states = SW_SLAB_INIT(struct proxy_state);

static void *proxy_new(const struct sw_limits *l)
{
	(void)l;
	return sw_slab_zalloc(&proxy_states);
}

static void proxy_free(void *st)
{
	struct proxy_state *ps = st;

	if (ps == NULL)
		return;
	free(ps->buf[0]);
	free(ps->buf[1]);
	sw_slab_free(&proxy_states, ps);
}

static size_t proxy_size(const void *st)
{
	const struct proxy_state *ps = st;

	return sizeof(*ps) + (ps->buf[0] ? PROXY_MAX_HEAD : 0) + (ps->buf[1] ? PROXY_MAX_HEAD : 0);
}

static void set_host(struct proxy_state *ps, const uint8_t *h, size_t n, uint16_t port,
    const char *via, const struct sw_app_env *env)
{
	size_t i, vl;

	if (n > PROXY_MAX_HOST)
		n = PROXY_MAX_HOST;
	for (i = 0; i < n; i++)
		ps->host[i] = (h[i] >= 0x21 && h[i] < 0x7f) ? (char)h[i] : '?';
	ps->host[n] = '\0';
	ps->port = port;
	vl = strlen(via);
	if (vl >= sizeof(ps->via))
		vl = sizeof(ps->via) - 1;
	memcpy(ps->via, via, vl);
	ps->via[vl] = '\0';
	/* an empty host ("Host: :8080", "CONNECT :443") names nothing */
	if (n > 0 && env->observer != NULL && env->observer->host_named != NULL)
		env->observer->host_named(env->observer->ctx, ps->host, port, via);
}

/* "CONNECT host:port HTTP/1.1" -> host, port. Bracketed IPv6 allowed. The
 * caller checked that the line starts with "CONNECT ". */
static void http_connect_target(struct proxy_state *ps, const uint8_t *line, size_t n,
    const struct sw_app_env *env)
{
	const uint8_t *t = line + 8, *end = line + n, *sp, *colon = NULL, *p;
	unsigned port = 0;

	sp = memchr(t, ' ', (size_t)(end - t));
	if (sp == NULL)
		sp = end;
	for (p = sp; p > t; p--)
		if (p[-1] == ':') {
			colon = p - 1;
			break;
		}
	if (colon != NULL)
		for (p = colon + 1; p < sp && *p >= '0' && *p <= '9' && port <= 65535; p++)
			port = port * 10 + (unsigned)(*p - '0');
	else
		colon = sp;
	if (colon > t && t[0] == '[' && colon[-1] == ']')
		set_host(ps, t + 1, (size_t)(colon - t - 2), (uint16_t)(port > 65535 ? 0 : port), "http-connect", env);
	else
		set_host(ps, t, (size_t)(colon - t), (uint16_t)(port > 65535 ? 0 : port), "http-connect", env);
}

/* Which handshake the first bytes of the flow start, or 0 until enough of
 * them arrived to tell: "CONN" may be the start of "CONNECT ". */
static uint8_t proxy_kind(const uint8_t *d, size_t n)
{
	int m;

	if (n == 0)
		return 0;
	if (d[0] == 5)
		return PK_SOCKS5;
	if (d[0] == 4)
		return PK_SOCKS4;
	m = ci_match(d, n, "CONNECT ");
	return m > 0 ? PK_HTTP : m == 0 ? 0 : PK_HTTP_PLAIN;
}

/* Try to complete the handshake message of direction dir from d[0..n).
 * Returns bytes of d it used (>0) when complete, 0 when more is needed,
 * -1 when this is not (or no longer) a working tunnel, -2 when a plain HTTP
 * request's Host was read (all this dissector wants from the flow). */
static long step(struct proxy_state *ps, int dir, const uint8_t *d, size_t n,
    const struct sw_app_env *env)
{
	size_t h;
	struct sw_rd r;
	uint8_t b;
	uint16_t port;

	if (ps->kind == 0 && (ps->kind = proxy_kind(d, n)) == 0)
		return 0;

	if (ps->kind == PK_HTTP_PLAIN) {
		const uint8_t *host, *colon;
		size_t hl;
		unsigned hport = 0;

		h = http_head_len(d, n);
		if (h == 0)
			return 0;
		host = http_header(d, h, "host", &hl);
		if (host != NULL && hl > 0) {
			colon = memchr(host, ':', hl);
			if (colon != NULL && host[0] != '[') {
				const uint8_t *p;

				for (p = colon + 1; p < host + hl && *p >= '0' && *p <= '9' && hport <= 65535; p++)
					hport = hport * 10 + (unsigned)(*p - '0');
				hl = (size_t)(colon - host);
			}
			set_host(ps, host, hl, (uint16_t)(hport > 65535 ? 0 : hport), "http-host", env);
		}
		return -2; /* done: nothing more to read in this flow */
	}
	if (ps->kind == PK_HTTP) {
		h = http_head_len(d, n);
		if (h == 0)
			return 0;
		if (dir == SW_DIR_TO_SERVER) {
			const uint8_t *eol = memchr(d, '\n', h);
			size_t line = (size_t)(eol - d);

			/* only the first head was seen to start with "CONNECT ":
			 * a second one before the proxy's answer is checked again
			 * (a short line put the target past the end of the line) */
			if (!ci_prefix(d, line, "CONNECT "))
				return -1;
			http_connect_target(ps, d, line, env);
			return (long)h;
		}
		/* "HTTP/1.x 2xx": the tunnel is open */
		if (n < 12 || !ci_prefix(d, n, "HTTP/1.") || d[9] != '2')
			return -1;
		return (long)h;
	}
	sw_rd_init(&r, d, n);
	if (ps->kind == PK_SOCKS4) {
		const uint8_t *nul, *ip;

		if (dir == SW_DIR_TO_CLIENT)
			return n < 8 ? 0 : (d[1] == 0x5a ? 8 : -1);
		if (n < 9 || (nul = memchr(d + 8, 0, n - 8)) == NULL)
			return 0;
		port = (uint16_t)(d[2] << 8 | d[3]);
		ip = d + 4;
		if (ip[0] == 0 && ip[1] == 0 && ip[2] == 0 && ip[3] != 0) {
			/* SOCKS4a: the host name follows the user id */
			const uint8_t *hs = nul + 1, *he;

			if (hs >= d + n || (he = memchr(hs, 0, (size_t)(d + n - hs))) == NULL)
				return 0;
			set_host(ps, hs, (size_t)(he - hs), port, "socks", env);
			return (long)(he - d + 1);
		}
		{
			char a[16];

			snprintf(a, sizeof(a), "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
			set_host(ps, (const uint8_t *)a, strlen(a), port, "socks", env);
		}
		return (long)(nul - d + 1);
	}
	/* SOCKS5: message 0 is the greeting / method choice, message 1 the
	 * request / reply */
	if (ps->socks5_step[dir] == 0) {
		if (dir == SW_DIR_TO_SERVER)
			return (n < 2 || n < (size_t)2 + d[1]) ? 0 : 2 + d[1];
		if (n < 2)
			return 0;
		return (d[0] != 5 || d[1] == 0xff) ? -1 : 2; /* 0xff: no method acceptable */
	}
	/* request (client) or reply (server): 05 cmd/rep 00 atyp addr port */
	if (n < 5)
		return 0;
	if (d[0] != 5 || (dir == SW_DIR_TO_CLIENT && d[1] != 0) ||
	    (dir == SW_DIR_TO_SERVER && d[1] != 1))
		return -1;
	sw_rd_skip(&r, 3);
	(void)sw_rd_u8(&r, &b);
	if (b == 1) {
		const uint8_t *ip;

		if (sw_rd_view(&r, &ip, 4) != 0 || sw_rd_be16(&r, &port) != 0)
			return 0;
		if (dir == SW_DIR_TO_SERVER) {
			char a[16];

			snprintf(a, sizeof(a), "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
			set_host(ps, (const uint8_t *)a, strlen(a), port, "socks", env);
		}
	} else if (b == 3) {
		const uint8_t *host;
		uint8_t hl;

		if (sw_rd_u8(&r, &hl) != 0 || sw_rd_view(&r, &host, hl) != 0 ||
		    sw_rd_be16(&r, &port) != 0)
			return 0;
		if (dir == SW_DIR_TO_SERVER)
			set_host(ps, host, hl, port, "socks", env);
	} else if (b == 4) {
		if (sw_rd_skip(&r, 16) != 0 || sw_rd_be16(&r, &port) != 0)
			return 0;
		if (dir == SW_DIR_TO_SERVER) {
			char a[48];
			const uint8_t *ip = d + 4;

			snprintf(a, sizeof(a), "%x:%x:%x:%x:%x:%x:%x:%x",
			    ip[0] << 8 | ip[1], ip[2] << 8 | ip[3], ip[4] << 8 | ip[5], ip[6] << 8 | ip[7],
			    ip[8] << 8 | ip[9], ip[10] << 8 | ip[11], ip[12] << 8 | ip[13], ip[14] << 8 | ip[15]);
			set_host(ps, (const uint8_t *)a, strlen(a), port, "socks", env);
		}
	} else {
		return -1;
	}
	return (long)r.off;
}

static struct sw_result proxy_parse(void *state, const struct sw_slice *s, const struct sw_app_env *env)
{
	struct proxy_state *ps = state;
	struct sw_result res = { SW_PARSE_OK, s->len };
	int dir = s->dir;
	size_t off = 0;

	if (s->flags & SW_SLICE_GAP) {
		res.status = SW_PARSE_ERROR; /* a handshake with a hole: give up */
		res.consumed = 0;
		return res;
	}
	while (off < s->len) {
		size_t take, held;
		long used;

		if (ps->done[SW_DIR_TO_SERVER] && ps->done[SW_DIR_TO_CLIENT]) {
			/* the tunnel is open: whatever follows belongs to it */
			res.status = SW_PARSE_HANDOFF;
			res.consumed = off;
			return res;
		}
		if (ps->done[dir]) {
			/* the client speaks inside the tunnel before the reply
			 * arrived (pipelining): hand off at once */
			res.status = SW_PARSE_HANDOFF;
			res.consumed = off;
			return res;
		}
		take = s->len - off;
		if (take > PROXY_MAX_HEAD - ps->len[dir])
			take = PROXY_MAX_HEAD - ps->len[dir];
		if (ps->len[dir] == 0) {
			/* nothing collected: read the message in place */
			used = step(ps, dir, s->data + off, take, env);
			held = take;
		} else {
			memcpy(ps->buf[dir] + ps->len[dir], s->data + off, take);
			ps->len[dir] += take;
			used = step(ps, dir, ps->buf[dir], ps->len[dir], env);
			held = ps->len[dir];
		}
		if (used == -2) {
			res.status = SW_PARSE_DONE;
			res.consumed = s->len;
			return res;
		}
		if (used == 0 && held < PROXY_MAX_HEAD && ps->len[dir] == 0) {
			/* the message goes on in the next segment: collect it */
			if (ps->buf[dir] == NULL && (ps->buf[dir] = malloc(PROXY_MAX_HEAD)) == NULL)
				used = -1;
			else {
				memcpy(ps->buf[dir], s->data + off, take);
				ps->len[dir] = take;
			}
		}
		if (used < 0 || (used == 0 && held == PROXY_MAX_HEAD)) {
			ps->refused = 1;
			res.status = SW_PARSE_ERROR;
			res.consumed = 0;
			return res;
		}
		if (used == 0)
			return res; /* all of it buffered; more to come */
		/* the message ended inside this slice: what is left of what
		 * was held came from this slice and is read again from it */
		off += take - (held - (size_t)used);
		ps->len[dir] = 0;
		if (ps->kind == PK_SOCKS5 && ++ps->socks5_step[dir] < 2)
			continue; /* greeting done, the request/reply follows */
		ps->done[dir] = 1;
	}
	return res;
}

/* The target host reaches the verdict through the observer (host_named),
 * not as a fact: it names where the tunnel goes, not a protocol claim. */
const struct sw_dissector sw_dissector_proxy = {
	.name = "proxy",
	.ipproto = 6,
	.default_ports = "1080,3128,8080,9050",
	.probe = proxy_probe,
	.state_new = proxy_new,
	.state_free = proxy_free,
	.parse = proxy_parse,
	/* no facts: what a tunnel names reaches the verdict through the
	 * observer (host_named), judged at once */
	.facts = NULL,
	.emit = NULL,
	.state_size = proxy_size,
};
