/* test_iplist.c: IP/CIDR lists: parsing (inet_pton, prefix bounds,
 * normalisation), longest-prefix match, the file loader and its caps. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_err.h"
#include "sw_poollist.h"
#include "sw_test.h"

static char errbuf[512];

static void write_file(const char *path, const char *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(99);
	}
}

/* Expect text to match with label (NULL: any label check skipped when
 * want_plen < 0 means "no match"). */
static void expect(const struct sw_iplist *l, const char *text, int want_plen, const char *want_label)
{
	uint8_t a[16];
	int ver = strchr(text, ':') ? 6 : 4, plen = -1, hit;
	const char *label = "unset";

	if (inet_pton(ver == 6 ? AF_INET6 : AF_INET, text, a) != 1) {
		fprintf(stderr, "bad test address %s\n", text);
		exit(99);
	}
	hit = iplist_match(l, a, ver, &label, &plen);
	if (want_plen < 0) {
		if (hit)
			fprintf(stderr, "unexpected match: %s -> /%d\n", text, plen);
		FAIL_IF(hit);
		return;
	}
	if (!hit || plen != want_plen)
		fprintf(stderr, "%s: hit %d plen %d, want /%d\n", text, hit, plen, want_plen);
	FAIL_UNLESS(hit);
	EXPECT_EQ_U64(plen, want_plen);
	if (want_label == NULL)
		FAIL_UNLESS(label == NULL);
	else
		EXPECT_STREQ(label, want_label);
}

static void test_add_and_match(void)
{
	struct sw_iplist *l = iplist_new();

	FAIL_UNLESS(iplist_add(l, "10.0.0.0/8", "ten", errbuf, sizeof(errbuf)) == 0);
	FAIL_UNLESS(iplist_add(l, "10.1.0.0/16", "ten-one", errbuf, sizeof(errbuf)) == 0);
	FAIL_UNLESS(iplist_add(l, "10.1.2.3", "host", errbuf, sizeof(errbuf)) == 0);
	FAIL_UNLESS(iplist_add(l, "192.0.2.128/25", NULL, errbuf, sizeof(errbuf)) == 0);
	FAIL_UNLESS(iplist_add(l, "2001:db8::/32", "doc6", errbuf, sizeof(errbuf)) == 0);
	FAIL_UNLESS(iplist_add(l, "2001:db8:0:1::/64", "doc6-1", errbuf, sizeof(errbuf)) == 0);
	FAIL_UNLESS(iplist_add(l, "2001:db8::1", "doc6-host", errbuf, sizeof(errbuf)) == 0);
	FAIL_UNLESS(iplist_add(l, "fd00::/7", "ula", errbuf, sizeof(errbuf)) == 0);
	EXPECT_EQ_U64(iplist_count(l), 8);
	EXPECT_STREQ(errbuf, "");

	expect(l, "10.1.2.3", 32, "host");
	expect(l, "10.1.2.4", 16, "ten-one");
	expect(l, "10.1.255.255", 16, "ten-one");
	expect(l, "10.2.0.0", 8, "ten");
	expect(l, "10.255.255.255", 8, "ten");
	expect(l, "11.0.0.0", -1, NULL);
	expect(l, "9.255.255.255", -1, NULL);
	expect(l, "192.0.2.128", 25, NULL);
	expect(l, "192.0.2.255", 25, NULL);
	expect(l, "192.0.2.127", -1, NULL);
	expect(l, "2001:db8::1", 128, "doc6-host");
	expect(l, "2001:db8::2", 32, "doc6");
	expect(l, "2001:db8:0:1:ffff::9", 64, "doc6-1");
	expect(l, "2001:db8:ffff::", 32, "doc6");
	expect(l, "2001:db9::", -1, NULL);
	expect(l, "fc00::1", 7, "ula");
	expect(l, "fdff:ffff::1", 7, "ula");
	expect(l, "fe00::1", -1, NULL);
	/* An IPv4 address never matches an IPv6 entry and vice versa: the
	 * bytes of 10.1.2.3 as the start of an IPv6 address hit nothing. */
	{
		uint8_t a[16] = { 10, 1, 2, 3 };
		const char *label;
		int plen;

		FAIL_IF(iplist_match(l, a, 6, &label, &plen));
		FAIL_UNLESS(iplist_match(l, a, 4, NULL, NULL));
		FAIL_IF(iplist_match(l, a, 5, &label, &plen));
		FAIL_IF(iplist_match(l, NULL, 4, &label, &plen));
		FAIL_IF(iplist_match(NULL, a, 4, &label, &plen));
	}
	iplist_free(l);
}

static void test_normalise_and_duplicates(void)
{
	struct sw_iplist *l = iplist_new();

	/* Host bits are cleared: 10.0.0.1/8 is the network 10.0.0.0/8. */
	FAIL_UNLESS(iplist_add(l, "10.0.0.1/8", "a", errbuf, sizeof(errbuf)) == 0);
	expect(l, "10.200.0.1", 8, "a");
	FAIL_UNLESS(iplist_add(l, "10.9.9.9/8", "b", errbuf, sizeof(errbuf)) == 0);
	EXPECT_EQ_U64(iplist_count(l), 1);
	expect(l, "10.200.0.1", 8, "b");           /* the later label wins */
	FAIL_UNLESS(iplist_add(l, "10.0.0.0/8", NULL, errbuf, sizeof(errbuf)) == 0);
	EXPECT_EQ_U64(iplist_count(l), 1);
	expect(l, "10.200.0.1", 8, NULL);
	/* Odd prefix lengths mask inside a byte. */
	FAIL_UNLESS(iplist_add(l, "172.16.255.255/12", "p12", errbuf, sizeof(errbuf)) == 0);
	expect(l, "172.31.0.1", 12, "p12");
	expect(l, "172.32.0.1", -1, NULL);
	expect(l, "172.15.255.255", -1, NULL);
	FAIL_UNLESS(iplist_add(l, "2001:db8:ffff:ffff::/33", "p33", errbuf, sizeof(errbuf)) == 0);
	expect(l, "2001:db8:8000::", 33, "p33");
	expect(l, "2001:db8:7fff::", -1, NULL);
	/* /0 matches every address of its family only. */
	FAIL_UNLESS(iplist_add(l, "0.0.0.0/0", "all4", errbuf, sizeof(errbuf)) == 0);
	expect(l, "8.8.8.8", 0, "all4");
	expect(l, "10.1.1.1", 8, NULL);
	expect(l, "2001:4860::8888", -1, NULL);
	FAIL_UNLESS(iplist_add(l, "ffff::/0", "all6", errbuf, sizeof(errbuf)) == 0);
	expect(l, "2001:4860::8888", 0, "all6");
	expect(l, "2001:db8:8000::1", 33, "p33");
	/* Every prefix length of each family, all present at once. */
	{
		struct sw_iplist *m = iplist_new();
		char text[64], lab[16];
		int p;

		for (p = 0; p <= 32; p++) {
			snprintf(text, sizeof(text), "255.255.255.255/%d", p);
			snprintf(lab, sizeof(lab), "v4/%d", p);
			FAIL_UNLESS(iplist_add(m, text, lab, errbuf, sizeof(errbuf)) == 0);
		}
		for (p = 0; p <= 128; p++) {
			snprintf(text, sizeof(text), "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/%d", p);
			snprintf(lab, sizeof(lab), "v6/%d", p);
			FAIL_UNLESS(iplist_add(m, text, lab, errbuf, sizeof(errbuf)) == 0);
		}
		EXPECT_EQ_U64(iplist_count(m), 33 + 129);
		expect(m, "255.255.255.255", 32, "v4/32");
		expect(m, "255.255.255.254", 31, "v4/31");
		expect(m, "255.255.0.0", 16, "v4/16");
		expect(m, "127.0.0.1", 0, "v4/0");
		expect(m, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 128, "v6/128");
		expect(m, "ffff:ffff:ffff:ffff:8000::", 65, "v6/65");
		expect(m, "::", 0, "v6/0");
		iplist_free(m);
	}
	iplist_free(l);
}

static void test_add_errors(void)
{
	static const struct {
		const char *text, *want;
	} bads[] = {
		{ "10.0.0.0/33", "prefix length over 32: '10.0.0.0/33'" },
		{ "::/129", "prefix length over 128: '::/129'" },
		{ "10.0.0.0/", "invalid prefix length: '10.0.0.0/'" },
		{ "10.0.0.0/-1", "invalid prefix length: '10.0.0.0/-1'" },
		{ "10.0.0.0/+8", "invalid prefix length: '10.0.0.0/+8'" },
		{ "10.0.0.0/08", "invalid prefix length: '10.0.0.0/08'" },
		{ "10.0.0.0/8x", "invalid prefix length: '10.0.0.0/8x'" },
		{ "10.0.0.0/1000", "invalid prefix length: '10.0.0.0/1000'" },
		{ "10.0.0.0/8/8", "invalid prefix length: '10.0.0.0/8/8'" },
		{ "10.0.0.0/ 8", "invalid prefix length: '10.0.0.0/ 8'" },
		{ "/8", "missing address: '/8'" },
		{ "", "missing address: ''" },
		{ "300.1.1.1", "invalid IPv4 address: '300.1.1.1'" },
		{ "1.2.3", "invalid IPv4 address: '1.2.3'" },
		{ "1.2.3.4.5", "invalid IPv4 address: '1.2.3.4.5'" },
		{ "010.0.0.1", "invalid IPv4 address: '010.0.0.1'" },
		{ " 10.0.0.1", "invalid IPv4 address: ' 10.0.0.1'" },
		{ "example.com", "invalid IPv4 address: 'example.com'" },
		{ "fe80::1%eth0", "invalid IPv6 address: 'fe80::1%eth0'" },
		{ "2001:db8:::1", "invalid IPv6 address: '2001:db8:::1'" },
		{ "1:2:3:4:5:6:7:8:9", "invalid IPv6 address: '1:2:3:4:5:6:7:8:9'" },
		{ "2001:0db8:0000:0000:0000:0000:0000:0000:1/64", "invalid IPv6 address: '2001:0db8:0000:0000:0000:0000:0000:0000:1/64'" },
		{ "0000:0000:0000:0000:0000:0000:0000:0000:0000:0000/64", "invalid address: '0000:0000:0000:0000:0000:0000:0000:0000:0000:0000/64'" },
		{ "10.0.0.1\x01", "invalid IPv4 address: '10.0.0.1\\x01'" },
	};
	struct sw_iplist *l = iplist_new();
	size_t i;

	FAIL_UNLESS(iplist_add(l, "192.0.2.0/24", "keep", errbuf, sizeof(errbuf)) == 0);
	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		int rc = iplist_add(l, bads[i].text, "x", errbuf, sizeof(errbuf));

		EXPECT_EQ_U64(rc, (uint64_t)(int64_t)SW_ERR_INVALID);
		EXPECT_STREQ(errbuf, bads[i].want);
	}
	EXPECT_EQ_U64(iplist_count(l), 1);
	expect(l, "192.0.2.1", 24, "keep");
	/* Also valid: IPv4-mapped IPv6, the full IPv6 form. */
	FAIL_UNLESS(iplist_add(l, "::ffff:192.0.2.1/128", NULL, errbuf, sizeof(errbuf)) == 0);
	FAIL_UNLESS(iplist_add(l, "2001:0db8:0000:0000:0000:0000:0000:0001/128", "full", errbuf,
	    sizeof(errbuf)) == 0);
	expect(l, "2001:db8::1", 128, "full");
	expect(l, "::ffff:192.0.2.1", 128, NULL);
	FAIL_UNLESS(iplist_add(NULL, "10.0.0.0/8", NULL, errbuf, sizeof(errbuf)) < 0);
	FAIL_UNLESS(iplist_add(l, NULL, NULL, errbuf, sizeof(errbuf)) < 0);
	iplist_free(l);
	iplist_free(NULL);
}

static void test_load_file(void)
{
	char path[64], want[512];
	static char text[20000];
	struct sw_iplist *l = iplist_new();
	size_t n;
	int rc;

	snprintf(path, sizeof(path), "/tmp/test_iplist.%d.txt", (int)getpid());
	n = (size_t)snprintf(text, sizeof(text),
	    "# pod CIDRs\r\n"
	    "\n"
	    "  10.244.0.0/16   pods # from kubeadm\n"
	    "10.96.0.0/12\tservices\t\n"
	    "192.0.2.7 a label with spaces\n"
	    "198.51.100.0/24 #no label, just a comment\n"
	    "203.0.113.0/24 tag#inside\n"
	    "2001:db8::/48\r\n"
	    "   # indented comment\n"
	    "fd00::/8 ula");
	write_file(path, text, n);
	rc = iplist_load_file(l, path, errbuf, sizeof(errbuf));
	if (rc != 0)
		fprintf(stderr, "%s\n", errbuf);
	EXPECT_EQ_U64(rc, 0);
	EXPECT_EQ_U64(iplist_count(l), 7);
	expect(l, "10.244.3.4", 16, "pods");
	expect(l, "10.100.0.1", 12, "services");
	expect(l, "192.0.2.7", 32, "a label with spaces");
	expect(l, "198.51.100.9", 24, NULL);
	expect(l, "203.0.113.9", 24, "tag#inside");
	expect(l, "2001:db8:0:ffff::", 48, NULL);
	expect(l, "fd12::", 8, "ula");

	/* A bad line: named with file:line, and nothing of the file kept. */
	n = (size_t)snprintf(text, sizeof(text), "172.16.0.0/12 new\n10.244.0.0/16 relabelled\n\n10.0.0.0/40 bad\n");
	write_file(path, text, n);
	rc = iplist_load_file(l, path, errbuf, sizeof(errbuf));
	EXPECT_EQ_U64(rc, (uint64_t)(int64_t)SW_ERR_INVALID);
	snprintf(want, sizeof(want), "%s:4: prefix length over 32: '10.0.0.0/40'", path);
	EXPECT_STREQ(errbuf, want);
	EXPECT_EQ_U64(iplist_count(l), 7);
	expect(l, "172.16.0.1", -1, NULL);
	expect(l, "10.244.3.4", 16, "pods");

	/* Control characters in a label are refused. */
	n = (size_t)snprintf(text, sizeof(text), "172.16.0.0/12 bad\x1b[31mlabel\n");
	write_file(path, text, n);
	rc = iplist_load_file(l, path, errbuf, sizeof(errbuf));
	snprintf(want, sizeof(want), "%s:1: control character in label: 'bad\\x1b[31mlabel'", path);
	EXPECT_STREQ(errbuf, want);

	/* Long lines: 4096 bytes are fine, 4097 are not. */
	memcpy(text, "172.16.0.0/12 ", 14);
	memset(text + 14, 'L', 4096 - 14);
	memcpy(text + 4096, "\n", 1);
	write_file(path, text, 4097);
	EXPECT_EQ_U64(iplist_load_file(l, path, errbuf, sizeof(errbuf)), 0);
	EXPECT_EQ_U64(iplist_count(l), 8);
	memcpy(text, "\n172.17.0.0/16 ", 15);
	memset(text + 15, 'L', 4097 - 14);
	memcpy(text + 4098, "\n", 1);
	write_file(path, text, 4099);
	rc = iplist_load_file(l, path, errbuf, sizeof(errbuf));
	EXPECT_EQ_U64(rc, (uint64_t)(int64_t)SW_ERR_LIMIT);
	snprintf(want, sizeof(want), "%s:2: line longer than 4096 bytes: '%.80s...'", path, text + 1);
	EXPECT_STREQ(errbuf, want);
	EXPECT_EQ_U64(iplist_count(l), 8);

	/* Staged labels, merged after the list's own: each entry keeps its own. */
	n = (size_t)snprintf(text, sizeof(text), "100.64.0.0/10 cgnat\n100.64.1.0/24 cgnat-1\n100.64.2.0/24 cgnat\n");
	write_file(path, text, n);
	EXPECT_EQ_U64(iplist_load_file(l, path, errbuf, sizeof(errbuf)), 0);
	expect(l, "100.64.0.1", 10, "cgnat");
	expect(l, "100.64.1.1", 24, "cgnat-1");
	expect(l, "100.64.2.1", 24, "cgnat");
	expect(l, "10.244.3.4", 16, "pods");
	expect(l, "192.0.2.7", 32, "a label with spaces");

	/* Every truncation of a file: whole lines load exactly; a failure
	 * keeps nothing. */
	{
		const char *t = "10.0.0.0/8 ten\r\n# c\n\n2001:db8::/32 doc\n192.0.2.0/24\n10.1.0.0/16 x # y\n";
		size_t k, tl = strlen(t), lines = 0;
		static const size_t at_line[] = { 0, 1, 1, 1, 2, 3, 4 };

		for (k = 0; k <= tl; k++) {
			struct sw_iplist *m = iplist_new();

			write_file(path, t, k);
			rc = iplist_load_file(m, path, errbuf, sizeof(errbuf));
			if (k == 0 || t[k - 1] == '\n') {
				EXPECT_EQ_U64(rc, 0);
				EXPECT_EQ_U64(iplist_count(m), at_line[lines]);
			} else if (rc != 0) {
				EXPECT_EQ_U64(iplist_count(m), 0);
			} else {
				FAIL_IF(iplist_count(m) > at_line[lines] + 1);
			}
			if (k < tl && t[k] == '\n')
				lines++;
			iplist_free(m);
		}
		EXPECT_EQ_U64(lines, 6);
	}

	unlink(path);
	rc = iplist_load_file(l, path, errbuf, sizeof(errbuf));
	EXPECT_EQ_U64(rc, (uint64_t)(int64_t)SW_ERR_IO);
	snprintf(want, sizeof(want), "%s: cannot open: No such file or directory", path);
	EXPECT_STREQ(errbuf, want);
	iplist_free(l);
}

static void test_caps(void)
{
	struct sw_iplist *l = iplist_new();
	char text[64], path[64], want[256];
	uint32_t i;
	int rc = 0;

	/* 999,999 distinct /32s. */
	for (i = 0; i < 999999 && rc == 0; i++) {
		snprintf(text, sizeof(text), "10.%u.%u.%u", (i >> 16) & 255, (i >> 8) & 255, i & 255);
		rc = iplist_add(l, text, (i & 1) ? "odd" : NULL, errbuf, sizeof(errbuf));
	}
	EXPECT_EQ_U64(rc, 0);
	EXPECT_EQ_U64(iplist_count(l), 999999);
	expect(l, "10.15.66.62", 32, NULL);      /* 999998 */
	expect(l, "10.15.66.61", 32, "odd");

	/* A file with one duplicate and two fresh entries: the second fresh one
	 * passes the cap, on line 3; nothing is kept. */
	snprintf(path, sizeof(path), "/tmp/test_iplist_cap.%d.txt", (int)getpid());
	write_file(path, "10.0.0.1 dup\n192.0.2.1\n192.0.2.2\n", 33);
	rc = iplist_load_file(l, path, errbuf, sizeof(errbuf));
	EXPECT_EQ_U64(rc, (uint64_t)(int64_t)SW_ERR_LIMIT);
	snprintf(want, sizeof(want), "%s:3: too many entries (more than 1000000 in this list): '192.0.2.2'", path);
	EXPECT_STREQ(errbuf, want);
	EXPECT_EQ_U64(iplist_count(l), 999999);
	expect(l, "10.0.0.1", 32, "odd");
	/* Without the second one it fits exactly. */
	write_file(path, "10.0.0.1 dup\n192.0.2.1\n", 23);
	EXPECT_EQ_U64(iplist_load_file(l, path, errbuf, sizeof(errbuf)), 0);
	EXPECT_EQ_U64(iplist_count(l), 1000000);
	expect(l, "10.0.0.1", 32, "dup");
	unlink(path);
	/* Full: a fresh entry is refused, a repeated one is fine. */
	rc = iplist_add(l, "192.0.2.3", NULL, errbuf, sizeof(errbuf));
	EXPECT_EQ_U64(rc, (uint64_t)(int64_t)SW_ERR_LIMIT);
	EXPECT_STREQ(errbuf, "list full (1000000 entries, 64 MiB of labels): '192.0.2.3'");
	EXPECT_EQ_U64(iplist_add(l, "192.0.2.1", "again", errbuf, sizeof(errbuf)), 0);
	expect(l, "192.0.2.1", 32, "again");
	EXPECT_EQ_U64(iplist_count(l), 1000000);
	iplist_free(l);
}

int main(void)
{
	test_add_and_match();
	test_normalise_and_duplicates();
	test_add_errors();
	test_load_file();
	test_caps();
	return sw_test_done("test_iplist");
}
