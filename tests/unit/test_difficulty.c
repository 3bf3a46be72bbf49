/* test_difficulty.c: difficulty and hashrate against reference/stratum.md
 * s.7.5 (worked examples 1-6) and the numeric vectors of s.11.
 *
 * Expected values were recomputed with Python integers (fractions for the
 * 256-bit boundaries); the extra boundary vectors are floor((2^256-1)/d) for
 * the listed d. Bitcoin-style hashrates pin the 2^32 convention (s.7.2). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sw_difficulty.h"
#include "sw_test.h"

#define EXPECT_EQ_DBL(a, b) do {                                        \
	double sw_da_ = (a), sw_db_ = (b);                              \
	sw_test_checks++;                                               \
	if (!(sw_da_ == sw_db_)) {                                      \
		fprintf(stderr, "%s:%d: FAIL: %s == %.17g, expected %.17g\n", \
		    __FILE__, __LINE__, #a, sw_da_, sw_db_);            \
		sw_test_failures++;                                     \
	}                                                               \
} while (0)

/* Run f on s copied flush against a guard page, so over-reads crash. */
static uint64_t xt(const char *s)
{
	struct sw_guarded g;
	size_t n = strlen(s);
	const char *p = (const char *)sw_guarded_copy(&g, s, n);
	uint64_t r = diff_from_xmr_target(p, n);

	sw_guarded_free(&g);
	return r;
}

static uint64_t xr(const char *s)
{
	struct sw_guarded g;
	size_t n = strlen(s);
	const char *p = (const char *)sw_guarded_copy(&g, s, n);
	uint64_t r = diff_from_xmr_result(p, n);

	sw_guarded_free(&g);
	return r;
}

static double bd(const char *s)
{
	struct sw_guarded g;
	size_t n = strlen(s);
	const char *p = (const char *)sw_guarded_copy(&g, s, n);
	double r = diff_from_boundary(p, n);

	sw_guarded_free(&g);
	return r;
}

static double bt(const char *s)
{
	struct sw_guarded g;
	size_t n = strlen(s);
	const char *p = (const char *)sw_guarded_copy(&g, s, n);
	double r = diff_from_btc_target(p, n);

	sw_guarded_free(&g);
	return r;
}

static void test_xmr_target(void)
{
	/* s.7.5 examples 1 and 2, s.11 */
	EXPECT_EQ_U64(xt("b88d0600"), 10000);
	EXPECT_EQ_U64(xt("711b0d00"), 5000);
	EXPECT_EQ_U64(xt("c6100000"), 1000225);
	EXPECT_EQ_U64(xt("edb5a0f7c6100000"), 1000000);
	EXPECT_EQ_U64(xt("ffffffff"), 1);
	EXPECT_EQ_U64(xt("01000000"), 4294967295ULL);
	EXPECT_EQ_U64(xt("cf8b0000"), 120001);
	EXPECT_EQ_U64(xt("cb10c7bab88d0600"), 10000);
	/* 65536 -> MoneroOcean 4-byte target floor((2^32-1)/65536) = 0xffff
	 * -> XMRig reads 65537 (s.7.1) */
	EXPECT_EQ_U64(xt("ffff0000"), 65537);
	EXPECT_EQ_U64(xt("B88D0600"), 10000);            /* upper-case hex */
	EXPECT_EQ_U64(xt("ffffffffffffffff"), 1);
	EXPECT_EQ_U64(xt("0100000000000000"), UINT64_MAX);
	/* dc460300 from the mining.pcapng Monero flow: 20000 */
	EXPECT_EQ_U64(xt("dc460300"), 20000);

	/* Malformed: wrong lengths, non-hex, zero target */
	EXPECT_EQ_U64(xt(""), 0);
	EXPECT_EQ_U64(xt("b88d060"), 0);
	EXPECT_EQ_U64(xt("b88d06000"), 0);
	EXPECT_EQ_U64(xt("b88d0600b88d0600b88d0600b88d0600"), 0);
	EXPECT_EQ_U64(xt("g88d0600"), 0);
	EXPECT_EQ_U64(xt("b88d060 "), 0);
	EXPECT_EQ_U64(xt("0x8d0600"), 0);
	EXPECT_EQ_U64(xt("00000000"), 0);
	EXPECT_EQ_U64(xt("0000000000000000"), 0);
	EXPECT_EQ_U64(diff_from_xmr_target(NULL, 8), 0);
	EXPECT_EQ_U64(diff_from_xmr_target("b88d\0" "600", 8), 0);

	/* The XMRig two-step (t64 then diff) must equal floor((2^32-1)/t32)
	 * for every 4-byte target (s.7.1); sample them. */
	{
		uint64_t x = 88172645463325252ULL;
		int bad = 0;
		for (int i = 0; i < 200000; i++) {
			uint32_t t;
			char hx[9];
			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			t = (uint32_t)(i < 1000 ? (uint32_t)i + 1 : (i < 2000 ? 0xffffffffu - (uint32_t)(i - 1000) : x >> 32));
			if (t == 0)
				continue;
			snprintf(hx, sizeof(hx), "%02x%02x%02x%02x", t & 0xff, (t >> 8) & 0xff,
			    (t >> 16) & 0xff, t >> 24);
			if (diff_from_xmr_target(hx, 8) != 0xffffffffULL / t)
				bad++;
		}
		EXPECT_EQ_U64(bad, 0);
	}
}

static void test_xmr_result(void)
{
	/* s.7.5 example 6 */
	EXPECT_EQ_U64(xr("00112233445566778899aabbccddeeff00112233445566776f5e4d3c2b1a0000"), 641113);
	EXPECT_EQ_U64(xr("00112233445566778899aabbccddeeff001122334455667700e1f50500000000"), 184467440737ULL);
	EXPECT_EQ_U64(xr("00112233445566778899AABBCCDDEEFF00112233445566776F5E4D3C2B1A0000"), 641113);
	EXPECT_EQ_U64(xr("0000000000000000000000000000000000000000000000000100000000000000"), UINT64_MAX);
	EXPECT_EQ_U64(xr("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"), 1);
	/* Malformed */
	EXPECT_EQ_U64(xr("00112233445566778899aabbccddeeff00112233445566776f5e4d3c2b1a000"), 0);
	EXPECT_EQ_U64(xr("00112233445566778899aabbccddeeff00112233445566776f5e4d3c2b1a00000"), 0);
	EXPECT_EQ_U64(xr("0011223344556677x899aabbccddeeff00112233445566776f5e4d3c2b1a0000"), 0);
	EXPECT_EQ_U64(xr("00112233445566778899aabbccddeeff00112233445566776f5e4d3c2b1a000z"), 0);
	EXPECT_EQ_U64(xr("00112233445566778899aabbccddeeff00112233445566770000000000000000"), 0);
	EXPECT_EQ_U64(xr("6f5e4d3c2b1a0000"), 0);
	EXPECT_EQ_U64(diff_from_xmr_result(NULL, 64), 0);
}

static void test_boundary(void)
{
	static const struct { const char *hex; double d; } vec[] = {
		{ "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", 1 },
		{ "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", 2 },
		{ "004189374bc6a7ef9db22d0e5604189374bc6a7ef9db22d0e5604189374bc6a7", 1000 },
		{ "00000000590f792b72506e32192979fc50e34ff5703f173a7aa69f9ee5b36f60", 12345678901.0 },
		{ "0000000000ffffffffff0000000000ffffffffff0000000000ffffffffff0000", 1099511627777.0 },
		{ "000000000000480ebe7b9d58566c87ce9b80a5fb05082bd371c8651c7b299b30", 1e15 },
		{ "0000000000000800000000000040000000000002000000000000100000000000", 9007199254740991.0 },
		/* mining.pcapng eth-proxy flow (ground truth "~5.0e9") */
		{ "0x00000000dbe6fecebdedd5beb573440e5a884d1b2fbf06fcce912adcb8d8422e", 5000000000.0 },
	};

	/* s.7.5 example 4, 0x-prefixed, bare, upper case, and the ES2 form
	 * with its leading zeros dropped (57 digits) */
	EXPECT_EQ_DBL(bd("0x0000000112e0be826d694b2e62d01511f12a6061fbaec8bc02357593e70e52ba"), 4000000000.0);
	EXPECT_EQ_DBL(bd("0000000112e0be826d694b2e62d01511f12a6061fbaec8bc02357593e70e52ba"), 4000000000.0);
	EXPECT_EQ_DBL(bd("0X0000000112E0BE826D694B2E62D01511F12A6061FBAEC8BC02357593E70E52BA"), 4000000000.0);
	EXPECT_EQ_DBL(bd("112e0be826d694b2e62d01511f12a6061fbaec8bc02357593e70e52ba"), 4000000000.0);
	EXPECT_EQ_DBL(bd("0x112e0be826d694b2e62d01511f12a6061fbaec8bc02357593e70e52ba"), 4000000000.0);
	for (size_t i = 0; i < sizeof(vec) / sizeof(vec[0]); i++)
		EXPECT_EQ_DBL(bd(vec[i].hex), vec[i].d);
	/* Powers of two are exact: 2^256/1 and 2^256/2^255 */
	EXPECT_EQ_DBL(bd("1"), ldexp(1.0, 256));
	EXPECT_EQ_DBL(bd("0x01"), ldexp(1.0, 256));
	EXPECT_EQ_DBL(bd("8000000000000000000000000000000000000000000000000000000000000000"), 2.0);
	EXPECT_EQ_DBL(bd("0000000000000000000000000000000000000000000000000000000000000100"), ldexp(1.0, 248));
	/* Malformed: empty, prefix only, 65 digits, non-hex, zero */
	EXPECT_EQ_DBL(bd(""), 0);
	EXPECT_EQ_DBL(bd("0x"), 0);
	EXPECT_EQ_DBL(bd("00000000112e0be826d694b2e62d01511f12a6061fbaec8bc02357593e70e52ba"), 0);
	EXPECT_EQ_DBL(bd("0x0000000112e0be826d694b2e62d01511f12a6061fbaec8bc02357593e70e52bg"), 0);
	EXPECT_EQ_DBL(bd("0x 112e0be8"), 0);
	EXPECT_EQ_DBL(bd("0"), 0);
	EXPECT_EQ_DBL(bd("0x0000000000000000000000000000000000000000000000000000000000000000"), 0);
	EXPECT_EQ_DBL(diff_from_boundary(NULL, 4), 0);
}

/* The four-word parse diff_from_boundary used before it read only the top
 * 17 significant digits, with its scaling: the reference the faster parse
 * must equal, bit for bit, on every input. */
static int ref_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static double ref_boundary(const char *hex, size_t n, uint64_t c)
{
	uint64_t w[4] = { 0, 0, 0, 0 }, m;
	unsigned __int128 q;
	int k, sh, e;

	if (n >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) {
		hex += 2;
		n -= 2;
	}
	if (n == 0 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++) {
		int v = ref_hexval((unsigned char)hex[i]);
		size_t pos = 4 * (n - 1 - i);

		if (v < 0)
			return 0;
		w[3 - pos / 64] |= (uint64_t)v << (pos % 64);
	}
	for (k = 0; k < 4 && w[k] == 0; k++)
		;
	if (k == 4)
		return 0;
	sh = __builtin_clzll(w[k]);
	m = w[k] << sh;
	if (sh > 0 && k < 3)
		m |= w[k + 1] >> (64 - sh);
	e = 64 * (3 - k) - sh;
	q = ~(unsigned __int128)0 / m;
	return ldexp((double)(q * c), 256 - 128 - e);
}

/* Random boundaries and targets of every length, with leading zeros, both
 * cases, the 0x prefix and the odd bad digit, against the reference. */
static void test_boundary_reference(void)
{
	static const char digits[] = "0123456789abcdefABCDEF";
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	char buf[80];
	int bad = 0;

	for (int i = 0; i < 300000; i++) {
		size_t n = 0, len, zeros;
		int pre;

		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		len = (size_t)(x % 66);          /* 0..65 digits */
		zeros = (size_t)((x >> 8) % 70); /* leading zeros, cut at len */
		pre = (int)((x >> 16) % 3);      /* none, 0x, 0X */
		if (pre > 0) {
			buf[n++] = '0';
			buf[n++] = pre == 1 ? 'x' : 'X';
		}
		for (size_t j = 0; j < len; j++) {
			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			buf[n++] = j < zeros ? '0' : digits[x % (sizeof(digits) - 1)];
		}
		if (len > 0 && (x >> 40) % 50 == 0)
			buf[n - 1 - (size_t)((x >> 20) % len)] = (x >> 30) % 2 ? 'g' : ' ';
		if (diff_from_boundary(buf, n) != ref_boundary(buf, n, 1) ||
		    diff_from_btc_target(buf, n) != ldexp(ref_boundary(buf, n, 0xFFFF), -48))
			bad++;
	}
	EXPECT_EQ_U64(bad, 0);
}

static void test_btc_target(void)
{
	/* diff-1 target and D = 65536 (target diff1 / 2^16) */
	EXPECT_EQ_DBL(bt("00000000ffff0000000000000000000000000000000000000000000000000000"), 1.0);
	EXPECT_EQ_DBL(bt("0x00000000ffff0000000000000000000000000000000000000000000000000000"), 1.0);
	EXPECT_EQ_DBL(bt("000000000000ffff000000000000000000000000000000000000000000000000"), 65536.0);
	EXPECT_EQ_DBL(bt("00000001fffe0000000000000000000000000000000000000000000000000000"), 0.5);
	EXPECT_EQ_DBL(bt("ffff0000"), ldexp(1.0, 192));
	EXPECT_EQ_DBL(bt(""), 0);
	EXPECT_EQ_DBL(bt("00"), 0);
	EXPECT_EQ_DBL(bt("xyz"), 0);
}

static void test_hashrate(void)
{
	double work;

	/* Example 1: 36 shares at the difficulty of target b88d0600, 300 s */
	work = 0;
	for (int i = 0; i < 36; i++)
		work += hashes_per_share("cryptonote", (double)xt("b88d0600"));
	EXPECT_EQ_DBL(hashrate_estimate(work, 300), 1200.0);
	/* Example 2: 90 shares at difficulty 1000000 in 3600 s */
	work = 0;
	for (int i = 0; i < 90; i++)
		work += hashes_per_share("cryptonote", (double)xt("edb5a0f7c6100000"));
	EXPECT_EQ_DBL(hashrate_estimate(work, 3600), 25000.0);
	/* Example 3: BTC D = 65536, 120 shares, 600 s, 2^32 convention */
	work = 0;
	for (int i = 0; i < 120; i++)
		work += hashes_per_share("stratum-v1", 65536);
	EXPECT_EQ_DBL(hashrate_estimate(work, 600), 56294995342131.2);
	/* Example 4: eth-proxy boundary, 30 shares, 600 s */
	work = 0;
	for (int i = 0; i < 30; i++)
		work += hashes_per_share("eth-proxy",
		    bd("0x0000000112e0be826d694b2e62d01511f12a6061fbaec8bc02357593e70e52ba"));
	EXPECT_EQ_DBL(hashrate_estimate(work, 600), 200000000.0);
	/* Example 5: ES1 D = 2.0, 45 shares, 900 s, 2^32 convention */
	work = 0;
	for (int i = 0; i < 45; i++)
		work += hashes_per_share("ethereum-stratum", 2.0);
	EXPECT_EQ_DBL(hashrate_estimate(work, 900), 429496729.6);

	/* Dialect table (s.7.1-7.4) */
	EXPECT_EQ_DBL(hashes_per_share("cryptonote", 10000), 10000);
	EXPECT_EQ_DBL(hashes_per_share("stratum-v1", 1), 4294967296.0);
	EXPECT_EQ_DBL(hashes_per_share("ethereum-stratum", 1), 4294967296.0);
	EXPECT_EQ_DBL(hashes_per_share("eth-proxy", 4e9), 4e9);
	EXPECT_EQ_DBL(hashes_per_share("ethereum-stratum-2", 4e9), 4e9);
	EXPECT_EQ_DBL(hashes_per_share("eth-stratum", 4e9), 4e9);
	EXPECT_EQ_DBL(hashes_per_share("boundary", 4e9), 4e9);
	EXPECT_EQ_DBL(hashes_per_share("stratum-v2", 1), 0);
	EXPECT_EQ_DBL(hashes_per_share("getwork-http", 1), 0);
	EXPECT_EQ_DBL(hashes_per_share("Cryptonote", 1), 0);
	EXPECT_EQ_DBL(hashes_per_share("", 1), 0);
	EXPECT_EQ_DBL(hashes_per_share(NULL, 1), 0);
	EXPECT_EQ_DBL(hashes_per_share("cryptonote", -1), 0);
	EXPECT_EQ_DBL(hashes_per_share("cryptonote", NAN), 0);
	EXPECT_EQ_DBL(hashes_per_share("stratum-v1", INFINITY), 0);

	EXPECT_EQ_DBL(hashrate_estimate(1000, 0), 0);
	EXPECT_EQ_DBL(hashrate_estimate(1000, -5), 0);
	EXPECT_EQ_DBL(hashrate_estimate(1000, NAN), 0);
	EXPECT_EQ_DBL(hashrate_estimate(-1, 10), 0);
	EXPECT_EQ_DBL(hashrate_estimate(INFINITY, 10), 0);
	EXPECT_EQ_DBL(hashrate_estimate(0, 10), 0);
}

/* Every input truncated at every length and with each character replaced:
 * no over-read (guard page / ASan), and never a result for a wrong length. */
static void test_mutations(void)
{
	static const char *inputs[] = {
		"b88d0600", "edb5a0f7c6100000",
		"00112233445566778899aabbccddeeff00112233445566776f5e4d3c2b1a0000",
		"0x0000000112e0be826d694b2e62d01511f12a6061fbaec8bc02357593e70e52ba",
	};
	static const unsigned char reps[] = { 0x00, 0x80, 0xff, 'g', 'x', ' ' };
	char buf[80];

	for (size_t k = 0; k < sizeof(inputs) / sizeof(inputs[0]); k++) {
		size_t n = strlen(inputs[k]);
		for (size_t len = 0; len <= n; len++) {
			struct sw_guarded g;
			const char *p = (const char *)sw_guarded_copy(&g, inputs[k], len);
			uint64_t a = diff_from_xmr_target(p, len);
			uint64_t b = diff_from_xmr_result(p, len);
			FAIL_IF(a != 0 && len != 8 && len != 16);
			FAIL_IF(b != 0 && len != 64);
			(void)diff_from_boundary(p, len);
			(void)diff_from_btc_target(p, len);
			sw_guarded_free(&g);
		}
		for (size_t i = 0; i < n; i++) {
			for (size_t r = 0; r < sizeof(reps); r++) {
				memcpy(buf, inputs[k], n);
				buf[i] = (char)reps[r];
				if (i == 1 && reps[r] == 'x' && buf[0] == '0')
					continue;  /* "0x" + hex: a valid boundary */
				FAIL_IF(diff_from_xmr_target(buf, n) != 0);
				FAIL_IF(diff_from_xmr_result(buf, n) != 0);
				FAIL_IF(diff_from_boundary(buf, n) != 0);
				FAIL_IF(diff_from_btc_target(buf, n) != 0);
			}
		}
	}
}

int main(void)
{
	test_xmr_target();
	test_xmr_result();
	test_boundary();
	test_boundary_reference();
	test_btc_target();
	test_hashrate();
	test_mutations();
	return sw_test_done("test_difficulty");
}
