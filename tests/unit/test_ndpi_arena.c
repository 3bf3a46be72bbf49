/* test_ndpi_arena.c: nDPI's start-up memory carved from blocks
 * (src/ndpi-arena.c) still classifies, is not used for per-flow memory, and
 * goes when the last module does.
 *
 * The lookups go through what start-up built: the host automaton (a Host:
 * header), the IP patricia tree (an address in nDPI's Google list) and the
 * protocol table (a DNS query nDPI dissects). Under the ASan build a free()
 * of carved memory, or a carved block nDPI wrote past, fails the run. */
#include <stdio.h>
#include <string.h>

#include <ndpi_api.h>

#include "ndpi-arena.h"
#include "ndpi_glue.h"
#include "pktbuild.h"
#include "sw_test.h"

static void flow_v4(struct sw_flow *f, const uint8_t src[4], const uint8_t dst[4],
    uint16_t sport, uint16_t dport, uint8_t proto)
{
	memset(f, 0, sizeof(*f));
	f->key.ip_version = 4;
	f->key.proto = proto;
	memcpy(f->key.addr[0], src, 4);
	memcpy(f->key.addr[1], dst, 4);
	f->key.port[0] = sport;
	f->key.port[1] = dport;
}

static int name_has(struct sw_ndpi *n, const struct sw_flow *f, const char *want)
{
	char buf[64];
	const char *got = ndpi_glue_proto_name(n, f, buf, sizeof(buf));

	if (got == NULL || strstr(got, want) == NULL) {
		printf("# label %s, wanted %s\n", got ? got : "(none)", want);
		return 0;
	}
	return 1;
}

/* The three kinds of lookup; carved bytes must not move while flows are
 * classified. */
static void classify_all(struct sw_ndpi *n)
{
	static const uint8_t google[4] = { 8, 8, 8, 8 };
	static const uint8_t query[] = {
		0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
		7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1
	};
	struct sw_limits lim;
	struct sw_counters_app c;
	struct sw_flow f;
	struct sw_pkt p;
	uint8_t udp[64], ip[96];
	size_t carved = ndpi_arena_bytes();

	flow_v4(&f, pb_v4_src, pb_v4_dst, 40000, 80, 6);
	ndpi_glue_http_host(n, &f, "www.netflix.com");
	FAIL_UNLESS(name_has(n, &f, "NetFlix"));

	flow_v4(&f, pb_v4_src, google, 40001, 80, 6);
	ndpi_glue_http_host(n, &f, "nothing.invalid");
	FAIL_UNLESS(name_has(n, &f, "Google"));

	memset(&lim, 0, sizeof(lim));
	lim.ndpi_max_packets = 8;
	memset(&c, 0, sizeof(c));
	memset(&p, 0, sizeof(p));
	flow_v4(&f, pb_v4_src, pb_v4_dst, 40002, 53, 17);
	p.ip_version = 4;
	p.ipproto = 17;
	p.ts_usec = 1000000;
	p.l3 = ip;
	p.l3_len = mk_ipv4(ip, 17, udp, mk_udp(udp, 40002, 53, query, sizeof(query)));
	p.payload_len = sizeof(query);
	ndpi_glue_packet(n, &f, &p, &lim, &c);
	EXPECT_EQ_U64(c.ndpi_pkts, 1);
	FAIL_UNLESS(name_has(n, &f, "DNS"));
	FAIL_IF(f.ndpi != NULL); /* decided: per-flow state freed */
	EXPECT_EQ_U64(ndpi_arena_bytes(), carved);
}

/* ndpi_glue_http_host keeps the hosts' answers (ndpi_glue.c): asked in
 * random order, more hosts than it keeps, hosts sharing a slot or
 * differing in one byte, hosts too long to keep and over 255 bytes, each
 * label must be the one nDPI's automaton gives, asked directly on a
 * module of our own. IPv6 flows: no address look-up after a miss. */
static void test_host_memo(struct sw_ndpi *n)
{
	static const char *const base[] = {
		"www.netflix.com", "netflix.com", "www.youtube.com", "www.google.com",
		"nothing.invalid", "api.github.com", "www.facebook.com", "a.b", "x",
		"www.example.com", "dropbox.com", "web.whatsapp.com", "www.amazon.com",
		"teams.microsoft.com", "zoom.us", "www.tiktok.com",
	};
	struct ndpi_detection_module_struct *mod = ndpi_init_detection_module(ndpi_no_prefs);
	NDPI_PROTOCOL_BITMASK all;
	unsigned seed = 7;
	size_t hits = 0;
	int k;

	FAIL_IF(mod == NULL);
	if (mod == NULL)
		return;
	NDPI_BITMASK_SET_ALL(all);
	ndpi_set_protocol_detection_bitmask2(mod, &all);
	ndpi_finalize_initialization(mod);
	for (k = 0; k < 20000; k++) {
		ndpi_protocol_match_result m;
		char host[400], copy[400];
		struct sw_flow f;
		size_t len, j;
		int want;

		seed = seed * 1103515245 + 12345;
		j = (seed >> 16) % (sizeof(base) / sizeof(base[0]));
		seed = seed * 1103515245 + 12345;
		if ((seed >> 16) % 3 == 0)
			snprintf(host, sizeof(host), "%s", base[j]);
		else
			snprintf(host, sizeof(host), "h%u.%s", (seed >> 8) % 300, base[j]);
		len = strlen(host);
		seed = seed * 1103515245 + 12345;
		if ((seed >> 16) % 8 == 0)
			host[(seed >> 20) % len] = 'q'; /* one byte changed */
		if ((seed >> 16) % 32 == 1) {
			/* a long host: around the kept length, or over 255 */
			size_t pad = (seed >> 24) % 2 ? 50 + (seed >> 20) % 20 : 250 + (seed >> 20) % 100;

			memmove(host + pad, host, len + 1);
			for (j = 0; j < pad; j++)
				host[j] = j % 20 == 19 ? '.' : 'w';
			len = strlen(host);
		}
		memcpy(copy, host, len + 1);
		if (len > 255)
			copy[255] = '\0';
		memset(&m, 0, sizeof(m));
		want = ndpi_match_string_subprotocol(mod, copy, (u_int)strlen(copy), &m);
		memset(&f, 0, sizeof(f));
		f.key.ip_version = 6;
		f.key.proto = 6;
		ndpi_glue_http_host(n, &f, host);
		EXPECT_EQ_U64(f.ndpi_app, want > 0 ? (unsigned)want : NDPI_PROTOCOL_HTTP);
		hits += want > 0;
	}
	/* not all misses: the memo is asked to keep both kinds */
	FAIL_UNLESS(hits > 2000 && hits < 18000);
	/* a host kept, then its prefix: 400 pairs, so that some share a
	 * slot; the pairs nDPI answers differently must be most of them */
	hits = 0;
	for (k = 0; k < 400; k++) {
		ndpi_protocol_match_result m;
		char host[64];
		struct sw_flow f;
		int want[2], i;

		for (i = 0; i < 2; i++) {
			snprintf(host, sizeof(host), "h%d.netflix.com%s", k, i == 0 ? "q.invalid" : "");
			memset(&m, 0, sizeof(m));
			want[i] = ndpi_match_string_subprotocol(mod, host, (u_int)strlen(host), &m);
			memset(&f, 0, sizeof(f));
			f.key.ip_version = 6;
			f.key.proto = 6;
			ndpi_glue_http_host(n, &f, host);
			EXPECT_EQ_U64(f.ndpi_app, want[i] > 0 ? (unsigned)want[i] : NDPI_PROTOCOL_HTTP);
		}
		hits += (want[0] > 0) != (want[1] > 0);
	}
	FAIL_UNLESS(hits > 200);
	ndpi_exit_detection_module(mod);
}

int main(void)
{
	char err[128];
	struct sw_ndpi *a, *b;
	size_t one;

	EXPECT_EQ_U64(ndpi_arena_bytes(), 0);
	a = ndpi_glue_new(err, sizeof(err));
	FAIL_IF(a == NULL);
	one = ndpi_arena_bytes();
	printf("# one module's start-up: %zu bytes carved\n", one);
	/* nDPI 4.2 builds a few MB of tables: most of it must be here */
	FAIL_UNLESS(one > (1u << 20));
	classify_all(a);

	/* a second module carves its own; the first one's going frees nothing */
	b = ndpi_glue_new(err, sizeof(err));
	FAIL_IF(b == NULL);
	FAIL_UNLESS(ndpi_arena_bytes() > one);
	ndpi_glue_free(a);
	FAIL_UNLESS(ndpi_arena_bytes() > one);
	classify_all(b);
	ndpi_glue_free(b);
	EXPECT_EQ_U64(ndpi_arena_bytes(), 0);

	/* and again from nothing */
	a = ndpi_glue_new(err, sizeof(err));
	FAIL_IF(a == NULL);
	EXPECT_EQ_U64(ndpi_arena_bytes(), one);
	classify_all(a);
	ndpi_glue_free(a);
	EXPECT_EQ_U64(ndpi_arena_bytes(), 0);

	a = ndpi_glue_new(err, sizeof(err));
	FAIL_IF(a == NULL);
	if (a != NULL)
		test_host_memo(a);
	ndpi_glue_free(a);
	return sw_test_done("test_ndpi_arena");
}
