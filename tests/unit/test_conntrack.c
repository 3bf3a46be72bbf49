/* test_conntrack.c: conntrack text lines (-L, -L -o extended, -E with and
 * without -o timestamp; IPv4/IPv6; tcp/udp), the SNAT table (lookup by the
 * uplink tuple, time bounds, reuse of a tuple), the cap, errors with line
 * numbers, and hostile lines. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_conntrack.h"
#include "sw_err.h"
#include "sw_test.h"

static char errbuf[512];

static const char dump[] =
"ipv4     2 tcp      6 431999 ESTABLISHED src=10.244.1.23 dst=198.51.100.7 sport=40312 dport=3333 "
"src=198.51.100.7 dst=192.168.1.10 sport=3333 dport=40312 [ASSURED] mark=0 use=1\n"
"tcp      6 117 TIME_WAIT src=10.244.1.24 dst=198.51.100.7 sport=40000 dport=3333 "
"src=198.51.100.7 dst=192.168.1.10 sport=3333 dport=61000 [ASSURED] mark=0 zone=3 use=1\n"
"udp      17 29 src=10.244.1.23 dst=10.96.0.10 sport=53111 dport=53 [UNREPLIED] "
"src=10.244.0.5 dst=10.244.1.23 sport=53 dport=53111 mark=0 use=1\n"
"ipv6     10 tcp      6 300 ESTABLISHED src=fd00:10:244:1::17 dst=2001:db8::7 sport=41000 dport=443 "
"src=2001:db8::7 dst=fd00:ffff::10 sport=443 dport=41000 [ASSURED] mark=0 use=1\n"
"icmp     1 29 src=10.244.1.23 dst=8.8.8.8 type=8 code=0 id=1 src=8.8.8.8 dst=192.168.1.10 type=0 code=0 id=1 mark=0 use=1\n"
"\n"
"conntrack v1.4.7 (conntrack-tools): 5 flow entries have been shown.\n";

static const char events[] =
"[1714557600.100000]\t    [NEW] tcp      6 120 SYN_SENT src=10.244.1.23 dst=198.51.100.7 sport=40400 dport=3333 "
"[UNREPLIED] src=198.51.100.7 dst=192.168.1.10 sport=3333 dport=40400\n"
"[1714557600.100200]\t [UPDATE] tcp      6 60 SYN_RECV src=10.244.1.23 dst=198.51.100.7 sport=40400 dport=3333 "
"src=198.51.100.7 dst=192.168.1.10 sport=3333 dport=40400\n"
"[1714557660.000000]\t[DESTROY] tcp      6 src=10.244.1.23 dst=198.51.100.7 sport=40400 dport=3333 "
"src=198.51.100.7 dst=192.168.1.10 sport=3333 dport=40400 [ASSURED]\n"
/* the same uplink tuple, later, from another pod */
"[1714557700.000000]\t    [NEW] tcp      6 120 SYN_SENT src=10.244.1.99 dst=198.51.100.7 sport=5555 dport=3333 "
"[UNREPLIED] src=198.51.100.7 dst=192.168.1.10 sport=3333 dport=40400\n"
/* -E without timestamps, and the extended form of an event */
"    [NEW] udp      17 30 src=10.244.1.23 dst=203.0.113.9 sport=5000 dport=53 [UNREPLIED] "
"src=203.0.113.9 dst=192.168.1.10 sport=53 dport=5000\n"
" [DESTROY] ipv4     2 udp      17 src=10.244.1.50 dst=203.0.113.9 sport=6000 dport=53 "
"src=203.0.113.9 dst=192.168.1.10 sport=53 dport=16000\n";

static void addr(const char *s, uint8_t a[16])
{
	memset(a, 0, 16);
	if (inet_pton(strchr(s, ':') ? AF_INET6 : AF_INET, s, a) != 1)
		exit(99);
}

/* The entry for the uplink view src:sport -> dst:dport at ts (seconds). */
static const struct sw_ct_entry *look(const struct sw_conntrack *ct, uint8_t proto, const char *src,
    uint16_t sport, const char *dst, uint16_t dport, double t)
{
	uint8_t s[16], d[16];

	addr(src, s);
	addr(dst, d);
	return ct_lookup(ct, proto, strchr(src, ':') ? 6 : 4, s, sport, d, dport, (uint64_t)(t * 1e6));
}

static int orig_is(const struct sw_ct_entry *e, const char *ip, uint16_t port)
{
	uint8_t a[16];

	addr(ip, a);
	return e != NULL && memcmp(e->orig_src, a, e->ip_version == 6 ? 16 : 4) == 0 &&
	    e->orig_sport == port;
}

static void test_dump(void)
{
	struct sw_counters_k8s c;
	struct sw_conntrack *ct;
	const struct sw_ct_entry *e;

	memset(&c, 0, sizeof(c));
	ct = ct_new(100, &c);
	FAIL_IF(ct_load_buf(ct, "ct.txt", dump, strlen(dump), errbuf, sizeof(errbuf)) != 0);
	EXPECT_EQ_U64(ct_count(ct), 4);
	EXPECT_EQ_U64(c.conntrack_lines_skipped, 2);     /* icmp, the summary */
	e = look(ct, 6, "192.168.1.10", 40312, "198.51.100.7", 3333, 1714557600);
	FAIL_UNLESS(orig_is(e, "10.244.1.23", 40312));
	FAIL_UNLESS(e != NULL && ct_is_snat(e));
	/* port translated too */
	e = look(ct, 6, "192.168.1.10", 61000, "198.51.100.7", 3333, 0);
	FAIL_UNLESS(orig_is(e, "10.244.1.24", 40000));
	/* DNAT (a service): the uplink sees the backend; not SNAT */
	e = look(ct, 17, "10.244.1.23", 53111, "10.244.0.5", 53, 0);
	FAIL_UNLESS(e != NULL && !ct_is_snat(e));
	e = look(ct, 6, "fd00:ffff::10", 41000, "2001:db8::7", 443, 0);
	FAIL_UNLESS(orig_is(e, "fd00:10:244:1::17", 41000));
	/* by the original tuple (captured before SNAT): the post-NAT source */
	{
		uint8_t src[16], dst[16], node[16];

		addr("10.244.1.24", src);
		addr("198.51.100.7", dst);
		addr("192.168.1.10", node);
		e = ct_lookup_orig(ct, 6, 4, src, 40000, dst, 3333, 0);
		FAIL_UNLESS(e != NULL && memcmp(e->reply_dst, node, 4) == 0 && e->reply_dport == 61000);
		FAIL_IF(ct_lookup_orig(ct, 6, 4, src, 40001, dst, 3333, 0) != NULL);
	}
	/* wrong port, wrong protocol, the original direction: nothing */
	FAIL_IF(look(ct, 6, "192.168.1.10", 40313, "198.51.100.7", 3333, 0) != NULL);
	FAIL_IF(look(ct, 17, "192.168.1.10", 40312, "198.51.100.7", 3333, 0) != NULL);
	FAIL_IF(look(ct, 6, "10.244.1.23", 40312, "198.51.100.7", 3333, 0) != NULL);
	/* loading the same dump again adds nothing */
	FAIL_IF(ct_load_buf(ct, "ct.txt", dump, strlen(dump), errbuf, sizeof(errbuf)) != 0);
	EXPECT_EQ_U64(ct_count(ct), 4);
	ct_free(ct);
}

static void test_events(void)
{
	struct sw_conntrack *ct = ct_new(100, NULL);
	const struct sw_ct_entry *e;

	FAIL_IF(ct_load_buf(ct, "ev.txt", events, strlen(events), errbuf, sizeof(errbuf)) != 0);
	if (errbuf[0] && ct_count(ct) == 0)
		fprintf(stderr, "  %s\n", errbuf);
	EXPECT_EQ_U64(ct_count(ct), 4);
	/* during the first connection: the first pod */
	e = look(ct, 6, "192.168.1.10", 40400, "198.51.100.7", 3333, 1714557630);
	FAIL_UNLESS(orig_is(e, "10.244.1.23", 40400));
	if (e != NULL) {
		EXPECT_EQ_U64(e->first_usec, 1714557600100000ULL);
		EXPECT_EQ_U64(e->last_usec, 1714557660000000ULL);
	}
	/* a packet slightly before NEW (other clock): within the slack */
	e = look(ct, 6, "192.168.1.10", 40400, "198.51.100.7", 3333, 1714557599);
	FAIL_UNLESS(orig_is(e, "10.244.1.23", 40400));
	/* between the two: nothing (ended, next not started) */
	FAIL_IF(look(ct, 6, "192.168.1.10", 40400, "198.51.100.7", 3333, 1714557680) != NULL);
	/* later: the second pod owns the tuple */
	e = look(ct, 6, "192.168.1.10", 40400, "198.51.100.7", 3333, 1714557710);
	FAIL_UNLESS(orig_is(e, "10.244.1.99", 5555));
	/* no times: matches any time */
	e = look(ct, 17, "192.168.1.10", 5000, "203.0.113.9", 53, 1);
	FAIL_UNLESS(orig_is(e, "10.244.1.23", 5000));
	/* DESTROY without a NEW seen: known to have existed, time unknown */
	e = look(ct, 17, "192.168.1.10", 16000, "203.0.113.9", 53, 5);
	FAIL_UNLESS(orig_is(e, "10.244.1.50", 6000));
	ct_free(ct);
}

static void expect_error(const char *text, const char *want)
{
	struct sw_conntrack *ct = ct_new(10, NULL);
	int r = ct_load_buf(ct, "f", text, strlen(text), errbuf, sizeof(errbuf));

	EXPECT_EQ_U64((unsigned)-r, (unsigned)-SW_ERR_USAGE);
	if (strstr(errbuf, want) == NULL)
		fprintf(stderr, "  error '%s' lacks '%s'\n", errbuf, want);
	FAIL_IF(strstr(errbuf, want) == NULL);
	ct_free(ct);
}

static void test_errors(void)
{
	const char *ok = "tcp 6 1 ESTABLISHED src=1.1.1.1 dst=2.2.2.2 sport=1 dport=2 src=2.2.2.2 dst=3.3.3.3 sport=2 dport=9\n";
	char buf[8192];

	expect_error("hello world\n", "f:1: not a conntrack line");
	snprintf(buf, sizeof(buf), "%s%s", ok, "tcp 6 1 src=1.1.1.1 dst=2.2.2.2 sport=1 dport=2\n");
	expect_error(buf, "f:2: missing the reply tuple");
	expect_error("tcp 6 1 src=1.1.1 dst=2.2.2.2 sport=1 dport=2 src=2.2.2.2 dst=3.3.3.3 sport=2 dport=9\n",
	    "f:1: bad address '1.1.1'");
	expect_error("tcp 6 1 src=1.1.1.1 dst=2.2.2.2 sport=70000 dport=2 src=2.2.2.2 dst=3.3.3.3 sport=2 dport=9\n",
	    "f:1: bad port '70000'");
	expect_error("tcp 6 1 src=1.1.1.1 dst=2.2.2.2 sport=1 dport=2 src=2.2.2.2 dst=fd00::1 sport=2 dport=9\n",
	    "IPv6 address in an IPv4 entry");
	expect_error("udp 6 1 src=1.1.1.1 dst=2.2.2.2 sport=1 dport=2 src=2.2.2.2 dst=3.3.3.3 sport=2 dport=9\n",
	    "protocol name 'udp' does not match number 6");
	expect_error("[SOMETHING] tcp 6 1 src=1.1.1.1\n", "unknown event '[SOMETHING]'");
	memset(buf, 'a', sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	expect_error(buf, "f:1: line longer than 4096 bytes");
	{
		/* a NUL inside a line */
		struct sw_conntrack *ct = ct_new(10, NULL);
		static const char nul[] = "tcp 6 1 src=1.1.1.1\0 dst=2.2.2.2\n";

		FAIL_IF(ct_load_buf(ct, "n", nul, sizeof(nul) - 1, errbuf, sizeof(errbuf)) != SW_ERR_USAGE);
		FAIL_IF(strstr(errbuf, "n:1: NUL byte") == NULL);
		ct_free(ct);
	}
}

static void test_cap_and_hostile(void)
{
	struct sw_counters_k8s c;
	struct sw_conntrack *ct;
	struct sw_ct_entry e;
	enum sw_ct_event ev;
	char line[256], why[128];
	struct sw_guarded g;
	size_t i, len = strlen(dump);
	int r;

	memset(&c, 0, sizeof(c));
	ct = ct_new(3, &c);
	for (i = 0; i < 5; i++) {
		snprintf(line, sizeof(line), "tcp 6 1 src=10.0.0.%zu dst=9.9.9.9 sport=1 dport=2 "
		    "src=9.9.9.9 dst=192.168.0.1 sport=2 dport=%zu", i + 1, 1000 + i);
		FAIL_IF(ct_parse_line(line, strlen(line), &e, &ev, why, sizeof(why)) != 1);
		if (i == 1)
			ev = CT_EV_DESTROY;   /* the second one ended: evicted first */
		FAIL_IF(ct_insert(ct, &e, ev) != 0);
	}
	EXPECT_EQ_U64(ct_count(ct), 3);
	EXPECT_EQ_U64(c.conntrack_evicted, 2);
	/* the destroyed #2 went first, then the oldest, #1 */
	FAIL_IF(look(ct, 6, "192.168.0.1", 1001, "9.9.9.9", 2, 0) != NULL);
	FAIL_IF(look(ct, 6, "192.168.0.1", 1000, "9.9.9.9", 2, 0) != NULL);
	FAIL_UNLESS(orig_is(look(ct, 6, "192.168.0.1", 1004, "9.9.9.9", 2, 0), "10.0.0.5", 1));
	ct_free(ct);

	/* every prefix of every line of the dump, read from a guarded copy:
	 * a result or an error, no over-read */
	for (i = 0; i <= len; i++) {
		uint8_t *cut = sw_guarded_copy(&g, dump, i);
		const char *p = (const char *)cut, *end = p + i, *nl;

		while (p < end) {
			nl = memchr(p, '\n', (size_t)(end - p));
			r = ct_parse_line(p, nl ? (size_t)(nl - p) : (size_t)(end - p), &e, &ev, why, sizeof(why));
			FAIL_IF(r < -1 || r > 1);
			p = nl ? nl + 1 : end;
		}
		sw_guarded_free(&g);
	}
	/* many fields, long tokens */
	{
		char big[4096];
		size_t off = 0;

		for (i = 0; i < 100 && off + 8 < sizeof(big); i++)
			off += (size_t)snprintf(big + off, sizeof(big) - off, "x=%zu ", i);
		FAIL_IF(ct_parse_line(big, off, &e, &ev, why, sizeof(why)) != -1);
		memset(big, '[', sizeof(big));
		FAIL_IF(ct_parse_line(big, sizeof(big), &e, &ev, why, sizeof(why)) != -1);
		memcpy(big, "tcp 6 src=", 10);
		memset(big + 10, '1', 200);
		FAIL_IF(ct_parse_line(big, 210, &e, &ev, why, sizeof(why)) != -1);
	}
}

/* Real conntrack-tools output (tests/data/k8s/conntrack-real/README). */
static void test_real_files(void)
{
	static const char *const files[] = { "list.txt", "list-ext.txt", "list-ext-id.txt",
	    "events.txt", "events-ext.txt" };
	const char *srcdir = getenv("srcdir");
	char path[4096];
	size_t i;

	if (srcdir == NULL)
		srcdir = ".";
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct sw_counters_k8s c;
		struct sw_conntrack *ct;
		const struct sw_ct_entry *e;
		double t = 1795406014.3;       /* during the connection */

		memset(&c, 0, sizeof(c));
		ct = ct_new(100, &c);
		snprintf(path, sizeof(path), "%s/tests/data/k8s/conntrack-real/%s", srcdir, files[i]);
		if (ct_load_file(ct, path, errbuf, sizeof(errbuf)) != 0) {
			fprintf(stderr, "  %s\n", errbuf);
			FAIL_IF(1);
		}
		EXPECT_EQ_U64(ct_count(ct), 2);
		e = look(ct, 6, "10.99.2.1", 57370, "10.99.2.2", 3333, t);
		FAIL_UNLESS(orig_is(e, "10.99.1.2", 57370));
		FAIL_UNLESS(e != NULL && ct_is_snat(e));
		e = look(ct, 17, "10.99.2.1", 34132, "10.99.2.2", 5353, t);
		FAIL_UNLESS(orig_is(e, "10.99.1.2", 34132));
		if (files[i][0] == 'e') {
			/* events: the summary line skipped; times bound the entries */
			EXPECT_EQ_U64(c.conntrack_lines_skipped, 1);
			FAIL_IF(look(ct, 6, "10.99.2.1", 57370, "10.99.2.2", 3333, 1795406000.0) != NULL);
			FAIL_IF(look(ct, 17, "10.99.2.1", 34132, "10.99.2.2", 5353, 1795406020.0) != NULL);
		}
		ct_free(ct);
	}
}

int main(void)
{
	test_real_files();
	test_dump();
	test_events();
	test_errors();
	test_cap_and_hostile();
	return sw_test_done("test_conntrack");
}
