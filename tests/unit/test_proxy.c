/* test_proxy.c: the proxy dissector (dissectors/proxy.c): SOCKS5, SOCKS4a,
 * HTTP CONNECT and plain HTTP Host.
 *
 * Each conversation is fed as the engine feeds it (one slice per segment,
 * directions interleaved in conversation order): whole, with every message
 * split at every byte offset, and in 1-byte slices; every slice sits flush
 * against a PROT_NONE page. Each way must report the same host, port and
 * via, and end the same way: a hand-off at the first byte of the tunnel,
 * done (plain HTTP), or an error (refused or oversized handshake). The HTTP
 * head reader (http-head.c) is checked on its own first, truncated at
 * every length. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http-head.h"
#include "sw_dissector.h"
#include "sw_limits.h"
#include "sw_test.h"

extern const struct sw_dissector sw_dissector_proxy;
#define D (&sw_dissector_proxy)

struct msg {
	int dir;
	const char *bytes;
	size_t len;
};

#define C(s) { SW_DIR_TO_SERVER, s, sizeof(s) - 1 }
#define S(s) { SW_DIR_TO_CLIENT, s, sizeof(s) - 1 }

struct outcome {
	char host[256];
	unsigned port;
	char via[16];
	int hosts;                 /* host_named calls */
	int status;                /* how it ended: SW_PARSE_*, or -1 still going */
	int end_dir;
	uint64_t end_off;          /* stream offset of the hand-off */
};

static struct sw_limits g_limits;

static void on_host(void *ctx, const char *host, uint16_t port, const char *via)
{
	struct outcome *o = ctx;

	snprintf(o->host, sizeof(o->host), "%s", host);
	snprintf(o->via, sizeof(o->via), "%s", via);
	o->port = port;
	o->hosts++;
}

/* Feed the conversation; message m is cut into pieces of `piece` bytes
 * (0: whole), except that when split_msg == m it is cut once at split_at. */
static void run(const struct msg *msgs, int n, size_t piece, int split_msg, size_t split_at,
    struct outcome *o)
{
	struct sw_counters ctr;
	struct sw_observer obs = { NULL, NULL, on_host, NULL };
	struct sw_app_env env = { &g_limits, &ctr, NULL, &obs, NULL };
	uint64_t off[2] = { 0, 0 };
	void *st = D->state_new(&g_limits);
	int m;

	memset(&ctr, 0, sizeof(ctr));
	memset(o, 0, sizeof(*o));
	obs.ctx = o;
	o->status = -1;
	FAIL_IF(st == NULL);
	for (m = 0; m < n && o->status < 0; m++) {
		size_t pos = 0;

		while (pos < msgs[m].len && o->status < 0) {
			size_t len = msgs[m].len - pos;
			struct sw_guarded g;
			struct sw_slice s;
			struct sw_result r;

			if (m == split_msg && pos == 0 && split_at > 0 && split_at < len)
				len = split_at;
			else if (piece > 0 && len > piece)
				len = piece;
			memset(&s, 0, sizeof(s));
			s.data = sw_guarded_copy(&g, msgs[m].bytes + pos, len);
			s.len = len;
			s.dir = (uint8_t)msgs[m].dir;
			s.offset = off[s.dir];
			r = D->parse(st, &s, &env);
			sw_guarded_free(&g);
			FAIL_IF(r.consumed > len);
			if (r.status == SW_PARSE_HANDOFF || r.status == SW_PARSE_ERROR ||
			    r.status == SW_PARSE_DONE) {
				o->status = (int)r.status;
				o->end_dir = s.dir;
				/* where a failed handshake failed is no contract */
				o->end_off = r.status == SW_PARSE_ERROR ? 0 : off[s.dir] + r.consumed;
			} else {
				/* the proxy keeps what it needs: all consumed */
				FAIL_UNLESS(r.status == SW_PARSE_OK && r.consumed == len);
			}
			off[s.dir] += len;
			pos += len;
		}
	}
	FAIL_IF(D->state_size(st) < 1);
	D->state_free(st);
}

static void same(const struct outcome *a, const struct outcome *b)
{
	EXPECT_STREQ(a->host, b->host);
	EXPECT_STREQ(a->via, b->via);
	EXPECT_EQ_U64(a->port, b->port);
	EXPECT_EQ_U64(a->status, b->status);
	EXPECT_EQ_U64(a->end_dir, b->end_dir);
	EXPECT_EQ_U64(a->end_off, b->end_off);
}

/* The whole conversation, then every split of every message, then 1-byte
 * slices: all must agree with `want`. */
static void check(const char *name, const struct msg *msgs, int n, const struct outcome *want)
{
	struct outcome o;
	int m;
	size_t k;

	run(msgs, n, 0, -1, 0, &o);
	if (strcmp(o.host, want->host) != 0 || o.status != want->status ||
	    o.end_off != want->end_off)
		fprintf(stderr, "%s: host %s:%u via %s status %d at %d/%llu\n", name, o.host,
		    o.port, o.via, o.status, o.end_dir, (unsigned long long)o.end_off);
	same(&o, want);
	FAIL_UNLESS(o.hosts >= (want->host[0] != '\0'));
	for (m = 0; m < n; m++)
		for (k = 1; k < msgs[m].len; k++) {
			run(msgs, n, 0, m, k, &o);
			same(&o, want);
		}
	run(msgs, n, 1, -1, 0, &o);
	same(&o, want);
}

static void test_socks5_domain(void)
{
	static const struct msg conv[] = {
		C("\x05\x01\x00"),
		S("\x05\x00"),
		C("\x05\x01\x00\x03\x0cpool.example\x0d\x05"),
		S("\x05\x00\x00\x01\x00\x00\x00\x00\x00\x00"),
		C("{\"id\":1,\"method\":\"login\"}\n"),
	};
	struct outcome w = { "pool.example", 3333, "socks", 1, SW_PARSE_HANDOFF,
		SW_DIR_TO_SERVER, 3 + 19 };

	check("socks5-domain", conv, 5, &w);
}

static void test_socks5_ipv4_pipelined(void)
{
	/* the client sends its request and tunnel data before the replies */
	static const struct msg conv[] = {
		C("\x05\x01\x00"),
		C("\x05\x01\x00\x01\xc0\x00\x02\x07\x0d\x05"),
		C("{\"id\":1}\n"),
		S("\x05\x00"),
		S("\x05\x00\x00\x01\x00\x00\x00\x00\x00\x00"),
	};
	struct outcome w = { "192.0.2.7", 3333, "socks", 1, SW_PARSE_HANDOFF,
		SW_DIR_TO_SERVER, 3 + 10 };

	check("socks5-ipv4-pipelined", conv, 5, &w);
}

static void test_socks4a(void)
{
	static const struct msg conv[] = {
		C("\x04\x01\x0d\x05\x00\x00\x00\x01user\x00pool.example\x00"),
		S("\x00\x5a\x00\x00\x00\x00\x00\x00"),
		C("{\"id\":1}\n"),
	};
	struct outcome w = { "pool.example", 3333, "socks", 1, SW_PARSE_HANDOFF,
		SW_DIR_TO_SERVER, 8 + 5 + 13 };

	check("socks4a", conv, 3, &w);
}

static void test_http_connect(void)
{
	static const struct msg conv[] = {
		C("CONNECT pool.example:443 HTTP/1.1\r\nHost: pool.example:443\r\n\r\n"),
		S("HTTP/1.1 200 Connection established\r\n\r\n"),
		C("\x16\x03\x01\x00\x05hello"),
	};
	struct outcome w = { "pool.example", 443, "http-connect", 1, SW_PARSE_HANDOFF,
		SW_DIR_TO_SERVER, sizeof("CONNECT pool.example:443 HTTP/1.1\r\nHost: pool.example:443\r\n\r\n") - 1 };

	check("http-connect", conv, 3, &w);
}

static void test_http_connect_refused(void)
{
	static const struct msg conv[] = {
		C("CONNECT [2001:db8::1]:3333 HTTP/1.1\r\n\r\n"),
		S("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"),
	};
	struct outcome w = { "2001:db8::1", 3333, "http-connect", 1, SW_PARSE_ERROR,
		SW_DIR_TO_CLIENT, 0 };

	check("http-connect-refused", conv, 2, &w);
}

/* The handshake kind is taken from the first bytes of either direction. A
 * server that speaks first with "CONNECT " made the client's head read as a
 * CONNECT line: a short one ("X") put the target 8 bytes in, past the end of
 * the line (heap overflow found by fuzz_proxy, 2026-11-23). The client's
 * head must itself be a CONNECT. */
static void test_http_connect_server_first(void)
{
	static const struct msg conv[] = {
		S("CONNECT pool.example:1"),
		C("X\r\n\r\n"),
	};
	struct outcome w = { "", 0, "", 0, SW_PARSE_ERROR, SW_DIR_TO_SERVER, 0 };

	check("http-connect-server-first", conv, 2, &w);
}

/* An empty host names nothing: the observer is not called (an empty name
 * once reached it, and nDPI's label was taken from the IP lists for it). */
static void test_empty_host(void)
{
	static const struct msg host[] = {
		C("GET / HTTP/1.1\r\nHost: :8080\r\n\r\n"),
	};
	static const struct msg conn[] = {
		C("CONNECT :443 HTTP/1.1\r\n\r\n"),
		S("HTTP/1.1 200 OK\r\n\r\n"),
		C("x"),
	};
	struct outcome o;

	run(host, 1, 0, -1, 0, &o);
	EXPECT_EQ_U64(o.hosts, 0);
	EXPECT_EQ_U64(o.status, SW_PARSE_DONE);
	run(conn, 3, 0, -1, 0, &o);
	EXPECT_EQ_U64(o.hosts, 0);
	EXPECT_EQ_U64(o.status, SW_PARSE_HANDOFF);
}

static void test_http_host(void)
{
	static const struct msg conv[] = {
		C("GET /index.html HTTP/1.1\r\nUser-Agent: curl/7.88.1\r\nHost: www.example.com:8080\r\nAccept: */*\r\n\r\n"),
		S("HTTP/1.1 200 OK\r\n\r\n"),
	};
	struct outcome w = { "www.example.com", 8080, "http-host", 1, SW_PARSE_DONE,
		SW_DIR_TO_SERVER, 0 };

	/* done consumes the whole slice that completed the head */
	w.end_off = conv[0].len;
	check("http-host", conv, 2, &w);
}

static void test_oversized_head(void)
{
	static char big[5000];
	struct msg conv[1];
	struct outcome o;

	memcpy(big, "GET / HTTP/1.1\r\n", 16);
	memset(big + 16, 'a', sizeof(big) - 16);
	conv[0].dir = SW_DIR_TO_SERVER;
	conv[0].bytes = big;
	conv[0].len = sizeof(big);
	/* no end of head within PROXY_MAX_HEAD (4096): an error, whole or split */
	run(conv, 1, 0, -1, 0, &o);
	EXPECT_EQ_U64(o.status, SW_PARSE_ERROR);
	run(conv, 1, 0, 0, 4000, &o);
	EXPECT_EQ_U64(o.status, SW_PARSE_ERROR);
	run(conv, 1, 1, -1, 0, &o);
	EXPECT_EQ_U64(o.status, SW_PARSE_ERROR);
	EXPECT_EQ_U64(o.hosts, 0);
}

static void test_http_head(void)
{
	static const char crlf[] = "GET /ws HTTP/1.1\r\nHost:  pool.example \r\n"
	    "Connection: keep-alive, Upgrade\r\nUPGRADE: WebSocket\r\nX-Host: no\r\n\r\nbody";
	static const char lf[] = "GET / HTTP/1.0\nhost:a.example:8080\n\nrest";
	static const char first_line_only[] = "host: not-a-field\r\n\r\n";
	const uint8_t *c = (const uint8_t *)crlf, *l = (const uint8_t *)lf, *v;
	size_t n, len, k;

	n = http_head_len(c, sizeof(crlf) - 1);
	EXPECT_EQ_U64(n, sizeof(crlf) - 1 - 4);
	v = http_header(c, n, "host", &len);
	FAIL_UNLESS(v != NULL && len == 12 && memcmp(v, "pool.example", 12) == 0);
	EXPECT_EQ_U64(http_header_has(c, n, "upgrade", "websocket"), 1);
	EXPECT_EQ_U64(http_header_has(c, n, "connection", "upgrade"), 1);
	EXPECT_EQ_U64(http_header_has(c, n, "connection", "close"), 0);
	EXPECT_EQ_U64(http_header_has(c, n, "upgrade", "websock"), 0);
	FAIL_UNLESS(http_header(c, n, "user-agent", &len) == NULL);
	n = http_head_len(l, sizeof(lf) - 1);
	EXPECT_EQ_U64(n, sizeof(lf) - 1 - 4);
	v = http_header(l, n, "Host", &len);
	FAIL_UNLESS(v != NULL && len == 14 && memcmp(v, "a.example:8080", 14) == 0);
	/* the start line is not a header field */
	FAIL_UNLESS(http_header((const uint8_t *)first_line_only, sizeof(first_line_only) - 1,
	    "host", &len) == NULL);
	/* every truncation: no end of head before the empty line, and no read
	 * past the end (guarded page) */
	for (k = 0; k < sizeof(crlf) - 1 - 4; k++) {
		struct sw_guarded g;
		const uint8_t *d = sw_guarded_copy(&g, crlf, k);

		EXPECT_EQ_U64(http_head_len(d, k), 0);
		(void)http_header(d, k, "upgrade", &len);
		(void)http_header_has(d, k, "connection", "upgrade");
		sw_guarded_free(&g);
	}
}

int main(void)
{
	sw_limits_default(&g_limits);
	test_http_head();
	test_socks5_domain();
	test_socks5_ipv4_pipelined();
	test_socks4a();
	test_http_connect();
	test_http_connect_refused();
	test_http_connect_server_first();
	test_empty_host();
	test_http_host();
	test_oversized_head();
	return sw_test_done("test_proxy");
}
