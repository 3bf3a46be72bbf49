/* test_community_id.c: Community ID v1 against the spec's published
 * baseline (corelight/community-id-spec baseline/baseline_deflt.json, seed 0)
 * and Zeek's test vectors. */
#include <arpa/inet.h>

#include "../../src/community_id.h"
#include "sha_paths.h"
#include "sw_sha_ni.h"
#include "sw_test.h"

struct vec {
	int proto;
	const char *s, *d;
	int sp, dp;     /* -1: no ports */
	const char *want;
};

static const struct vec vecs[] = {
	{ 58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 135, 136, "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=" },
	{ 58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 136, 135, "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=" },
	{ 58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 135, 136, "1:zavyT/cezQr1fmImYCwYnMXbgck=" },
	{ 58, "3ffe:501:1800:2345::2", "3ffe:507:0:1:200:86ff:fe05:80da", 3, 0, "1:2ObVBgIn28oZvibYZhZMBgh7WdQ=" },
	{ 58, "3ffe:501:410:0:2c0:dfff:fe47:33e", "3ffe:507:0:1:200:86ff:fe05:80da", 1, 4, "1:hLZd0XGWojozrvxqE0dWB1iM6R0=" },
	{ 58, "3ffe:507:0:1:200:86ff:fe05:80da", "3ffe:501:0:1001::2", 128, 129, "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=" },
	{ 58, "3ffe:501:0:1001::2", "3ffe:507:0:1:200:86ff:fe05:80da", 129, 128, "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=" },
	{ 58, "fe80::200:86ff:fe05:80da", "ff02::2", 133, 134, "1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0=" },
	{ 58, "fe80::260:97ff:fe07:69ea", "ff02::1", 134, 133, "1:pkvHqCL88/tg1k4cPigmZXUtL00=" },
	{ 1, "192.168.0.89", "192.168.0.1", 8, 0, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=" },
	{ 1, "192.168.0.1", "192.168.0.89", 0, 8, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=" },
	{ 1, "10.0.0.1", "10.0.0.2", 11, 0, "1:YHxtAirCG//0OzkcVAukqKQN9xM=" },
	{ 6, "2001:470:e5bf:dead:4957:2174:e82c:4887", "2607:f8b0:400c:c03::1a", 63943, 25, "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=" },
	{ 6, "2607:f8b0:400c:c03::1a", "2001:470:e5bf:dead:4957:2174:e82c:4887", 25, 63943, "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=" },
	{ 132, "192.168.170.8", "192.168.170.56", 7, 7, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=" },
	{ 132, "192.168.170.56", "192.168.170.8", 7, 7, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=" },
	{ 6, "128.232.110.120", "66.35.250.204", 34855, 80, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=" },
	{ 6, "66.35.250.204", "128.232.110.120", 80, 34855, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=" },
	{ 17, "192.168.1.52", "8.8.8.8", 54585, 53, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=" },
	{ 17, "8.8.8.8", "192.168.1.52", 53, 54585, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=" },
	{ 46, "10.1.12.1", "10.1.12.2", -1, -1, "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=" },
	{ 46, "10.1.12.2", "10.1.12.1", -1, -1, "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=" },
	/* one-way ICMP sent from the higher address: not reordered (spec's
	 * is_ordered; values from tshark 4.0's communityid dissector on
	 * pcaps/gen/regress-icmp-community-id.pcap) */
	{ 1, "203.0.113.1", "10.244.1.42", 3, 3, "1:gzFQTs8bTIYUthjlZQOg6/3goCQ=" },
	{ 1, "203.0.113.2", "10.244.1.42", 11, 0, "1:Z1YIxh9Yl26+XmR4nkro6RAT5Vo=" },
	{ 58, "2001:db8::1", "fd00:10:244::44", 1, 4, "1:AVDj6PnePw/GUeBHtKKvZbmEhgc=" },
	/* echo started from the higher address */
	{ 1, "198.51.100.9", "10.244.1.41", 8, 0, "1:b/Wjc93EVjTkA8vP396e0hWpY8E=" },
	{ 1, "10.244.1.41", "198.51.100.9", 0, 8, "1:b/Wjc93EVjTkA8vP396e0hWpY8E=" },
	/* Zeek's testing/btest/bifs/community_id */
	{ 6, "1.2.3.4", "5.6.7.8", 1122, 3344, "1:wCb3OG7yAFWelaUydu0D+125CLM=" },
	{ 17, "1.2.3.4", "5.6.7.8", 1122, 3344, "1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=" },
};

/* The SHA-1 vectors and the Community ID vectors, on whichever SHA-1 path
 * is in force. */
static void test_vectors(void)
{
	size_t i;
	uint8_t digest[20];
	static const uint8_t abc_sha1[20] = {
		0xa9, 0x99, 0x3e, 0x36, 0x47, 0x06, 0x81, 0x6a, 0xba, 0x3e,
		0x25, 0x71, 0x78, 0x50, 0xc2, 0x6c, 0x9c, 0xd0, 0xd8, 0x9d,
	};

	sw_sha1((const uint8_t *)"abc", 3, digest);
	FAIL_IF(memcmp(digest, abc_sha1, 20) != 0);
	{
		/* FIPS 180 vectors past one block: the two-block padding (56
		 * bytes) and many full blocks (a million 'a's) */
		static const uint8_t two[20] = {
			0x84, 0x98, 0x3e, 0x44, 0x1c, 0x3b, 0xd2, 0x6e, 0xba, 0xae,
			0x4a, 0xa1, 0xf9, 0x51, 0x29, 0xe5, 0xe5, 0x46, 0x70, 0xf1,
		};
		static const uint8_t million[20] = {
			0x34, 0xaa, 0x97, 0x3c, 0xd4, 0xc4, 0xda, 0xa4, 0xf6, 0x1e,
			0xeb, 0x2b, 0xdb, 0xad, 0x27, 0x31, 0x65, 0x34, 0x01, 0x6f,
		};
		static uint8_t as[1000000];
		const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

		sw_sha1((const uint8_t *)m, strlen(m), digest);
		FAIL_IF(memcmp(digest, two, 20) != 0);
		memset(as, 'a', sizeof(as));
		sw_sha1(as, sizeof(as), digest);
		FAIL_IF(memcmp(digest, million, 20) != 0);
	}

	for (i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		uint8_t s[16] = { 0 }, d[16] = { 0 };
		char out[SW_COMMUNITY_ID_LEN];
		size_t alen = strchr(vecs[i].s, ':') ? 16 : 4;
		int fam = alen == 16 ? AF_INET6 : AF_INET;

		FAIL_UNLESS(inet_pton(fam, vecs[i].s, s) == 1);
		FAIL_UNLESS(inet_pton(fam, vecs[i].d, d) == 1);
		community_id_v1(0, (uint8_t)vecs[i].proto, s, d, alen,
		    (uint16_t)(vecs[i].sp < 0 ? 0 : vecs[i].sp),
		    (uint16_t)(vecs[i].dp < 0 ? 0 : vecs[i].dp),
		    vecs[i].sp >= 0, out);
		if (strcmp(out, vecs[i].want) != 0)
			fprintf(stderr, "vector %zu: %s\n", i, out);
		EXPECT_STREQ(out, vecs[i].want);
	}
}

/* The textbook base64, one character per six bits */
static void base64_ref(const uint8_t *in, size_t n, char *out)
{
	static const char tbl[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0) |
		    (i + 2 < n ? in[i + 2] : 0);

		*out++ = tbl[v >> 18];
		*out++ = tbl[(v >> 12) & 63];
		*out++ = i + 1 < n ? tbl[(v >> 6) & 63] : '=';
		*out++ = i + 2 < n ? tbl[v & 63] : '=';
	}
	*out = '\0';
}

/* The text of many digests (every character of the alphabet in every
 * position, many times over) against the textbook base64 of the spec's
 * hash input, built here for TCP over IPv4. */
static void test_text_random(void)
{
	uint32_t x = 2463534242u;
	int i, k, bad = 0;

	for (i = 0; i < 20000 && bad < 5; i++) {
		uint8_t s[4], d[4], in[16], digest[20];
		uint16_t sp, dp;
		char want[SW_COMMUNITY_ID_LEN], out[SW_COMMUNITY_ID_LEN];
		int swap;

		for (k = 0; k < 4; k++) {
			x ^= x << 13, x ^= x >> 17, x ^= x << 5;
			s[k] = (uint8_t)x, d[k] = (uint8_t)(x >> 8);
		}
		sp = (uint16_t)(x >> 16), dp = (uint16_t)(x >> 3);
		swap = memcmp(s, d, 4) > 0 || (memcmp(s, d, 4) == 0 && sp > dp);
		in[0] = in[1] = 0;
		memcpy(in + 2, swap ? d : s, 4);
		memcpy(in + 6, swap ? s : d, 4);
		in[10] = 6, in[11] = 0;
		in[12] = (uint8_t)((swap ? dp : sp) >> 8), in[13] = (uint8_t)(swap ? dp : sp);
		in[14] = (uint8_t)((swap ? sp : dp) >> 8), in[15] = (uint8_t)(swap ? sp : dp);
		sw_sha1(in, sizeof(in), digest);
		want[0] = '1', want[1] = ':';
		base64_ref(digest, 20, want + 2);
		community_id_v1(0, 6, s, d, 4, sp, dp, 1, out);
		if (strcmp(out, want) != 0) {
			fprintf(stderr, "random %d: %s, expected %s\n", i, out, want);
			bad++;
		}
	}
	EXPECT_EQ_U64(bad, 0);
}

int main(void)
{
	test_vectors();
	test_text_random();
	sw_sha_ni_disable(1);
	FAIL_IF(sw_sha_ni_available());
	test_vectors();
	sw_sha_ni_disable(0);
	sha_paths_compare("test_community_id: SHA-1", sw_sha1, 20, 0x13198a2e03707344ULL);
	return sw_test_done("test_community_id");
}
