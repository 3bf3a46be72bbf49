/* test_wallet.c: Keccak-256, SHA-256, Base58, Bech32/Bech32m and
 * wallet_classify against published and independently computed vectors.
 *
 * Sources of the expected values:
 *  - Keccak-256 "" and "abc": reference/stratum.md s.11. The multi-block
 *    'a'*n digests come from a separate pure-Python Keccak written for this
 *    test (its permutation checked against hashlib.sha3_256 with the SHA-3
 *    padding, its Keccak padding against the "" and "abc" vectors).
 *  - SHA-256: Python hashlib.
 *  - Monero addresses: reference/stratum.md s.8.1 (recomputed in Python);
 *    the stagenet/testnet sub and integrated ones and the tag/length
 *    mismatches were generated the same way (spend 0x01..0x20, view
 *    0x21..0x40).
 *  - Bech32/SegWit: bitcoin/bips bip-0173.mediawiki and bip-0350.mediawiki
 *    test vector lists, verbatim.
 *  - EIP-55: the examples of the EIP.
 *  - Base58Check LTC/RVN/BTC-testnet/ZEC t3 vectors: payload version byte(s)
 *    + 0xa0..0xb3, encoded in Python.
 *  - pcaps/mining-ground-truth.tsv logins (Monero flow, two Zcash flows,
 *    eth-proxy flow).
 * Every vector is then truncated at every length and has every character
 * replaced by its neighbours and by hostile bytes, with the input flush
 * against a PROT_NONE page. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sw_wallet.h"
#include "sw_test.h"
#include "wallet-cache.h"
#include "sha_paths.h"
#include "sw_sha_ni.h"

static void hex_of(const uint8_t *b, size_t n, char *out)
{
	static const char hx[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hx[b[i] >> 4];
		out[2 * i + 1] = hx[b[i] & 15];
	}
	out[2 * n] = '\0';
}

/* ---- hashes ------------------------------------------------------------ */

static void check_keccak_a(size_t n, const char *want)
{
	static uint8_t buf[1000];
	uint8_t d[32];
	char hx[65];
	struct sw_guarded g;
	uint8_t *p;

	memset(buf, 'a', n);
	p = sw_guarded_copy(&g, buf, n);
	keccak256(p, n, d);
	sw_guarded_free(&g);
	hex_of(d, 32, hx);
	EXPECT_STREQ(hx, want);
}

static void test_keccak(void)
{
	uint8_t d[32];
	char hx[65];

	keccak256(NULL, 0, d);
	hex_of(d, 32, hx);
	EXPECT_STREQ(hx, "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
	keccak256((const uint8_t *)"abc", 3, d);
	hex_of(d, 32, hx);
	EXPECT_STREQ(hx, "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
	/* rate-1, rate, rate+1 (padding 0x81 in one byte, padding alone in
	 * an extra block), multi-block. */
	check_keccak_a(135, "34367dc248bbd832f4e3e69dfaac2f92638bd0bbd18f2912ba4ef454919cf446");
	check_keccak_a(136, "a6c4d403279fe3e0af03729caada8374b5ca54d8065329a3ebcaeb4b60aa386e");
	check_keccak_a(137, "d869f639c7046b4929fc92a4d988a8b22c55fbadb802c0c66ebcd484f1915f39");
	check_keccak_a(200, "96ea54061def936c4be90b518992fdc6f12f535068a256229aca54267b4d084d");
	check_keccak_a(272, "cf7fcd4f705ee749930d19ca84561a9bf62516bd90a471545fa2f49fdc7e63c8");
	check_keccak_a(1000, "b6a4ac1f51884d71f30fa397a5e155de3099e11fc0edef5d08b646e621e19de9");
}

static void check_sha(const char *in, size_t n, const char *want)
{
	uint8_t d[32];
	char hx[65];

	sha256((const uint8_t *)in, n, d);
	hex_of(d, 32, hx);
	EXPECT_STREQ(hx, want);
}

static void test_sha256(void)
{
	static char a[200];

	memset(a, 'a', sizeof(a));
	check_sha("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check_sha("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	check_sha("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	check_sha(a, 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
	check_sha(a, 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
	check_sha(a, 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
	check_sha(a, 200, "c2a908d98f5df987ade41b5fce213067efbcc21ef2240212a41e54b5e7c28ae5");
}

/* The vectors again on the software path alone, and the SHA-extension
 * path against the software one (sha_paths.h). */
static void test_sha256_paths(void)
{
	sw_sha_ni_disable(1);
	FAIL_IF(sw_sha_ni_available());
	test_sha256();
	sw_sha_ni_disable(0);
	sha_paths_compare("test_wallet: SHA-256", sha256, 32, 0x243f6a8885a308d3ULL);
}

/* ---- base58 ------------------------------------------------------------ */

static void test_base58(void)
{
	uint8_t out[128];
	char hx[257];
	int n;

	n = btc_base58_decode("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", 34, out, sizeof(out));
	EXPECT_EQ_U64(n, 25);
	hex_of(out, 21, hx);
	EXPECT_STREQ(hx, "0062e907b15cbf27d5425399ebf6f0fb50ebb88f18");
	EXPECT_EQ_U64(btc_base58_decode("", 0, out, sizeof(out)), 0);
	n = btc_base58_decode("111", 3, out, sizeof(out));
	EXPECT_EQ_U64(n, 3);
	FAIL_IF(out[0] != 0 || out[1] != 0 || out[2] != 0);
	n = btc_base58_decode("1z", 2, out, sizeof(out)); /* 0x00 0x39 */
	EXPECT_EQ_U64(n, 2);
	FAIL_IF(out[0] != 0 || out[1] != 57);
	n = btc_base58_decode("5R", 2, out, sizeof(out)); /* 4*58+24 = 256 */
	EXPECT_EQ_U64(n, 2);
	FAIL_IF(out[0] != 1 || out[1] != 0);
	FAIL_IF(btc_base58_decode("10", 2, out, sizeof(out)) != -1);  /* '0' */
	FAIL_IF(btc_base58_decode("1l", 2, out, sizeof(out)) != -1);  /* 'l' */
	FAIL_IF(btc_base58_decode("a\0b", 3, out, sizeof(out)) != -1);
	FAIL_IF(btc_base58_decode("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", 34, out, 24) != -1);
	FAIL_IF(btc_base58_decode("111", 3, out, 2) != -1);

	/* Monero: the 8.1 documentation address decodes to tag 18 ... 003bca5c */
	n = xmr_base58_decode("48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJMk1j8nLwEVsaSWJ4fhdUyZijBGUicoD",
	    95, out, sizeof(out));
	EXPECT_EQ_U64(n, 69);
	EXPECT_EQ_U64(out[0], 18);
	hex_of(out + 65, 4, hx);
	EXPECT_STREQ(hx, "003bca5c");
	/* Block sizes: 11 chars = 8 bytes; 2 = 1; 1, 4 and 8 chars never occur. */
	EXPECT_EQ_U64(xmr_base58_decode("", 0, out, sizeof(out)), 0);
	EXPECT_EQ_U64(xmr_base58_decode("5Q", 2, out, sizeof(out)), 1); /* 4*58+23 = 255 */
	EXPECT_EQ_U64(out[0], 255);
	FAIL_IF(xmr_base58_decode("5R", 2, out, sizeof(out)) != -1);    /* 256 > 1 byte */
	FAIL_IF(xmr_base58_decode("1", 1, out, sizeof(out)) != -1);
	FAIL_IF(xmr_base58_decode("1111", 4, out, sizeof(out)) != -1);
	FAIL_IF(xmr_base58_decode("11111111", 8, out, sizeof(out)) != -1);
	EXPECT_EQ_U64(xmr_base58_decode("jpXCZedGfVQ", 11, out, sizeof(out)), 8); /* 2^64-1 */
	FAIL_IF(out[0] != 0xff || out[7] != 0xff);
	FAIL_IF(xmr_base58_decode("jpXCZedGfVR", 11, out, sizeof(out)) != -1); /* 2^64 */
	FAIL_IF(xmr_base58_decode("zzzzzzzzzzz", 11, out, sizeof(out)) != -1);
	FAIL_IF(xmr_base58_decode("11111111111", 11, out, 7) != -1);
	FAIL_IF(xmr_base58_decode("1111111111O", 11, out, sizeof(out)) != -1);
}

/* ---- bech32 ------------------------------------------------------------ */

static void test_bech32_strings(void)
{
	static const char *valid_bech32[] = {
		"A12UEL5L", "a12uel5l",
		"an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
		"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
		"11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
		"split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
		"?1ezyfcl",
	};
	static const char *valid_bech32m[] = {
		"A1LQFN3A", "a1lqfn3a",
		"an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
		"abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
		"11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8",
		"split1checkupstagehandshakeupstreamerranterredcaperredlc445v",
		"?1v759aa",
	};
	/* Invalid for both variants (BIP 173 and BIP 350 lists). */
	static const struct { const char *s; size_t n; } invalid[] = {
#define V(x) { x, sizeof(x) - 1 }
		V("\x20" "1nwldj5"), V("\x7f" "1axkwrx"), V("\x80" "1eym55h"),
		V("an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx"),
		V("pzry9x0s0muk"), V("1pzry9x0s0muk"), V("x1b4n0q5v"), V("li1dgmt3"),
		V("de1lg7wt\xff"), V("A1G7SGD8"), V("10a06t8"), V("1qzzfhee"),
		V("\x20" "1xj0phk"), V("\x7f" "1g6xzxy"), V("\x80" "1vctc34"),
		V("an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4"),
		V("qyrz8wqd2c9m"), V("1qyrz8wqd2c9m"), V("y1b0jsk6g"), V("lt1igcx5c0"),
		V("in1muywd"), V("mm1crxm3i"), V("au1s5cgom"), V("M1VUXWEZ"),
		V("16plkw9"), V("1p2gdwpf"),
		V("a12uel5l\0"), V("a12u\0el5l"),
#undef V
	};
	char hrp[100];
	struct sw_guarded g;

	for (size_t i = 0; i < sizeof(valid_bech32) / sizeof(valid_bech32[0]); i++) {
		const char *p = (const char *)sw_guarded_copy(&g, valid_bech32[i], strlen(valid_bech32[i]));
		EXPECT_EQ_U64(bech32_verify(p, strlen(valid_bech32[i]), hrp, sizeof(hrp)), 1);
		sw_guarded_free(&g);
	}
	for (size_t i = 0; i < sizeof(valid_bech32m) / sizeof(valid_bech32m[0]); i++) {
		const char *p = (const char *)sw_guarded_copy(&g, valid_bech32m[i], strlen(valid_bech32m[i]));
		EXPECT_EQ_U64(bech32_verify(p, strlen(valid_bech32m[i]), hrp, sizeof(hrp)), 2);
		sw_guarded_free(&g);
	}
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		const char *p = (const char *)sw_guarded_copy(&g, invalid[i].s, invalid[i].n);
		int r = bech32_verify(p, invalid[i].n, hrp, sizeof(hrp));
		if (r != 0)
			fprintf(stderr, "bech32 invalid vector %zu accepted\n", i);
		EXPECT_EQ_U64(r, 0);
		sw_guarded_free(&g);
	}
	EXPECT_EQ_U64(bech32_verify("A12UEL5L", 8, hrp, sizeof(hrp)), 1);
	EXPECT_STREQ(hrp, "a");
	EXPECT_EQ_U64(bech32_verify("split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w", 60,
	    hrp, sizeof(hrp)), 1);
	EXPECT_STREQ(hrp, "split");
	/* An HRP that does not fit the caller's buffer is refused, not cut. */
	EXPECT_EQ_U64(bech32_verify("split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w", 60,
	    hrp, 5), 0);
}

struct segwit_vec {
	const char *addr;
	const char *spk;   /* scriptPubKey hex */
};

static void test_segwit(void)
{
	/* BIP 350's valid list (BIP 173's, with v1+ re-encoded as Bech32m). */
	static const struct segwit_vec valid[] = {
		{ "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "0014751e76e8199196d454941c45d1b3a323f1433bd6" },
		{ "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
		  "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262" },
		{ "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
		  "5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6" },
		{ "BC1SW50QGDZ25J", "6002751e" },
		{ "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "5210751e76e8199196d454941c45d1b3a323" },
		{ "tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy",
		  "0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433" },
		{ "tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c",
		  "5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433" },
		{ "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
		  "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798" },
	};
	/* Both BIPs' invalid address lists, plus BIP 173's v1+ addresses that
	 * BIP 350 made invalid (Bech32 checksum on a v1+ program), plus
	 * generated ones: v0 in Bech32m, v1 in Bech32, v0 with 21 bytes. */
	static const char *invalid[] = {
		"tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty",
		"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",
		"BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2",
		"bc1rw5uspcuh",
		"bc10w508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kw5rljs90",
		"BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",
		"tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7",
		"bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du",
		"tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3pjxtptv",
		"bc1gmk9yu",
		"tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut",
		"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
		"tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",
		"BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",
		"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",
		"tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",
		"bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",
		"BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",
		"bc1pw5dgrnzv",
		"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",
		"tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",
		"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",
		"tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j",
		"bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx",
		"BC1SW50QA3JX3S",
		"bc1zw508d6qejxtdg4y5r3zarvaryvg6kdaj",
		"bc1q5zs69gay5kn2029f4246etdw47ctrv4n33krw9",
		"bc1pqqqsyqcyq5rqwzqfpg9scrgwpugpzysnzs23v9ccrydpk8qarc0sagmhkq",
		"bc1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqj9pecr",
		"bc13qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq0hg8yd",
	};
	uint8_t prog[40];
	char hx[100], want_hrp[3];
	size_t plen;
	struct sw_wallet w;

	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		const char *a = valid[i].addr;
		size_t n = strlen(a);
		int v;
		uint8_t spk[42];

		want_hrp[0] = (char)(a[0] | 0x20);
		want_hrp[1] = (char)(a[1] | 0x20);
		want_hrp[2] = '\0';
		v = segwit_decode(a, n, want_hrp, prog, sizeof(prog), &plen);
		FAIL_IF(v < 0);
		if (v < 0)
			continue;
		spk[0] = (uint8_t)(v == 0 ? 0 : 0x50 + v);
		spk[1] = (uint8_t)plen;
		memcpy(spk + 2, prog, plen);
		hex_of(spk, plen + 2, hx);
		EXPECT_STREQ(hx, valid[i].spk);

		EXPECT_EQ_U64(wallet_classify(a, n, &w), 1);
		EXPECT_EQ_U64(w.kind, SW_WALLET_BTC_BECH32);
		EXPECT_EQ_U64(w.valid, 1);
		EXPECT_EQ_U64(w.net, want_hrp[0] == 't' ? SW_NET_TEST : SW_NET_MAIN);
		EXPECT_STREQ(w.coin, "btc");
	}
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		const char *a = invalid[i];
		size_t n = strlen(a);
		int r = wallet_classify(a, n, &w);

		FAIL_IF(segwit_decode(a, n, "bc", prog, sizeof(prog), &plen) >= 0);
		FAIL_IF(segwit_decode(a, n, "tb", prog, sizeof(prog), &plen) >= 0);
		if (a[0] == 't' && a[1] == 'c') {
			EXPECT_EQ_U64(r, 0);        /* not a prefix we know */
			EXPECT_EQ_U64(w.kind, SW_WALLET_NONE);
		} else {
			EXPECT_EQ_U64(r, 1);
			EXPECT_EQ_U64(w.kind, SW_WALLET_BTC_BECH32);
			if (w.valid)
				fprintf(stderr, "segwit invalid vector %s accepted\n", a);
			EXPECT_EQ_U64(w.valid, 0);
		}
	}
	/* Litecoin SegWit (generated: v0, program 0xa0..0xb3). */
	EXPECT_EQ_U64(wallet_classify("ltc1q5zs69gay5kn2029f4246etdw47ctrv4nq3utnh", 43, &w), 1);
	EXPECT_EQ_U64(w.kind, SW_WALLET_LTC);
	EXPECT_EQ_U64(w.valid, 1);
	EXPECT_STREQ(w.coin, "ltc");
	/* Same program, bc HRP checksum: shaped like ltc1, checksum wrong. */
	EXPECT_EQ_U64(wallet_classify("ltc1q5zs69gay5kn2029f4246etdw47ctrv4nq3utnj", 43, &w), 1);
	EXPECT_EQ_U64(w.valid, 0);
	/* bc1 followed by a non-alphanumeric tail is not shaped like one. */
	EXPECT_EQ_U64(wallet_classify("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4.rig1", 47, &w), 0);
}

/* ---- wallet_classify --------------------------------------------------- */

struct wvec {
	const char *s;
	int ret;
	enum sw_wallet_kind kind;
	enum sw_wallet_net net;
	int valid;
	const char *coin;
	int checksummed;  /* a single-character change must make it invalid */
};

#define XMR_DOC  "48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJMk1j8nLwEVsaSWJ4fhdUyZijBGUicoD"
#define XMR_STD  "41fKjWJQySv2LxFSMtsQ5k3gsHPkECmXt52nKM8ZY8z26NhMJWtsWSA7icPFuECstJ94XRDHZYFLSAQSTAftscna8JuzEJT"
#define XMR_INT  "4BMzkK7uaiS2LxFSMtsQ5k3gsHPkECmXt52nKM8ZY8z26NhMJWtsWSA7icPFuECstJ94XRDHZYFLSAQSTAftscnaBhvYwF8HHg8TyW1b8c"
#define XMR_TSV  "4BCeEPhodgPMbPWFN1dPwhWXdRX8q4mhhdZdA1dtSMLTLCEYvAj9QXjXAfF7CugEbmfBhgkqHbdgK9b2wKA6nqRZQCgvCDm"

static const struct wvec wvecs[] = {
	/* Monero, reference/stratum.md s.8.1 */
	{ XMR_DOC, 1, SW_WALLET_XMR_STANDARD, SW_NET_MAIN, 1, "xmr", 1 },
	{ XMR_STD, 1, SW_WALLET_XMR_STANDARD, SW_NET_MAIN, 1, "xmr", 1 },
	{ "82VU4sxFZsL2LxFSMtsQ5k3gsHPkECmXt52nKM8ZY8z26NhMJWtsWSA7icPFuECstJ94XRDHZYFLSAQSTAftscna8Fo6y6t",
	  1, SW_WALLET_XMR_SUBADDRESS, SW_NET_MAIN, 1, "xmr", 1 },
	{ XMR_INT, 1, SW_WALLET_XMR_INTEGRATED, SW_NET_MAIN, 1, "xmr", 1 },
	{ "51sMpMDNd422LxFSMtsQ5k3gsHPkECmXt52nKM8ZY8z26NhMJWtsWSA7icPFuECstJ94XRDHZYFLSAQSTAftscna8JjsPTq",
	  1, SW_WALLET_XMR_STANDARD, SW_NET_STAGE, 1, "xmr", 1 },
	{ "9sCsDkxgFp22LxFSMtsQ5k3gsHPkECmXt52nKM8ZY8z26NhMJWtsWSA7icPFuECstJ94XRDHZYFLSAQSTAftscna8H1KgRm",
	  1, SW_WALLET_XMR_STANDARD, SW_NET_TEST, 1, "xmr", 1 },
	/* generated the same way: stagenet/testnet sub and integrated */
	{ "72HRz33HvGE2LxFSMtsQ5k3gsHPkECmXt52nKM8ZY8z26NhMJWtsWSA7icPFuECstJ94XRDHZYFLSAQSTAftscna8KpcMs6",
	  1, SW_WALLET_XMR_SUBADDRESS, SW_NET_STAGE, 1, "xmr", 1 },
	{ "5Ba2qA2sEKY2LxFSMtsQ5k3gsHPkECmXt52nKM8ZY8z26NhMJWtsWSA7icPFuECstJ94XRDHZYFLSAQSTAftscnaBhvYwF8HHg8U1VGRub",
	  1, SW_WALLET_XMR_INTEGRATED, SW_NET_STAGE, 1, "xmr", 1 },
	{ "BYDbMq9cLVC2LxFSMtsQ5k3gsHPkECmXt52nKM8ZY8z26NhMJWtsWSA7icPFuECstJ94XRDHZYFLSAQSTAftscna8JguiBH",
	  1, SW_WALLET_XMR_SUBADDRESS, SW_NET_TEST, 1, "xmr", 1 },
	{ "A2uYEZnAs5Y2LxFSMtsQ5k3gsHPkECmXt52nKM8ZY8z26NhMJWtsWSA7icPFuECstJ94XRDHZYFLSAQSTAftscnaBhvYwF8HHg8U5CxdiF",
	  1, SW_WALLET_XMR_INTEGRATED, SW_NET_TEST, 1, "xmr", 1 },
	/* negative: last char T -> U decodes but fails the checksum */
	{ "41fKjWJQySv2LxFSMtsQ5k3gsHPkECmXt52nKM8ZY8z26NhMJWtsWSA7icPFuECstJ94XRDHZYFLSAQSTAftscna8JuzEJU",
	  1, SW_WALLET_XMR_STANDARD, SW_NET_MAIN, 0, "xmr", 0 },
	/* right checksum, standard tag 18 but integrated length: invalid */
	{ "41fKjWJQySv2LxFSMtsQ5k3gsHPkECmXt52nKM8ZY8z26NhMJWtsWSA7icPFuECstJ94XRDHZYFLSAQSTAftscnaBhvYwF8HHg8U5CYBzc",
	  1, SW_WALLET_XMR_INTEGRATED, SW_NET_MAIN, 0, "xmr", 0 },
	/* right checksum, subaddress tag 42 with a payment id: invalid */
	{ "82VU4sxFZsL2LxFSMtsQ5k3gsHPkECmXt52nKM8ZY8z26NhMJWtsWSA7icPFuECstJ94XRDHZYFLSAQSTAftscnaBhvYwF8HHg8U29fMJH",
	  1, SW_WALLET_XMR_INTEGRATED, SW_NET_MAIN, 0, "xmr", 0 },
	/* right checksum, unknown network tag 20 */
	{ "4M4fm7wQByx2LxFSMtsQ5k3gsHPkECmXt52nKM8ZY8z26NhMJWtsWSA7icPFuECstJ94XRDHZYFLSAQSTAftscna8HZ2A8z",
	  1, SW_WALLET_XMR_STANDARD, SW_NET_MAIN, 0, "xmr", 0 },
	/* mining-ground-truth.tsv, monero flow (login before ".<pid>.ryzen") */
	{ XMR_TSV, 1, SW_WALLET_XMR_STANDARD, SW_NET_MAIN, 1, "xmr", 1 },

	/* Bitcoin Base58Check: genesis address and one-char change */
	{ "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", 1, SW_WALLET_BTC_BASE58, SW_NET_MAIN, 1, "btc", 1 },
	{ "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", 1, SW_WALLET_BTC_BASE58, SW_NET_MAIN, 0, "btc", 0 },
	{ "1FeLkK3PwHNcLAHb5aNhjyW8Eoif1hV2VL", 1, SW_WALLET_BTC_BASE58, SW_NET_MAIN, 1, "btc", 1 },
	{ "3GLMfrXqVBgzRKz2Cg3JAbs4PL1NWaDAvW", 1, SW_WALLET_BTC_BASE58, SW_NET_MAIN, 1, "btc", 1 },
	{ "mvAJ3N8NkJos7GmCo9M5ZtiT6oKMsiS5Cq", 1, SW_WALLET_BTC_BASE58, SW_NET_TEST, 1, "btc", 1 },
	{ "2N7tZjbTs6eCLd7cZsofAnYrKbgDYKURgQa", 1, SW_WALLET_BTC_BASE58, SW_NET_TEST, 1, "btc", 1 },
	/* Litecoin, Ravencoin */
	{ "LZsJ1XME1wcfaxykFiN11zZtT25w6AByoF", 1, SW_WALLET_LTC, SW_NET_MAIN, 1, "ltc", 1 },
	{ "MNYVyjwoSJYRDqFvJZ2dzF7Ti2bpZUN3Yn", 1, SW_WALLET_LTC, SW_NET_MAIN, 1, "ltc", 1 },
	{ "RPvXppvgY7BBQAenYkMpqVqL15BFhbhYjk", 1, SW_WALLET_RVN, SW_NET_MAIN, 1, "rvn", 1 },
	/* Zcash t1 from the ground-truth TSV (both checksum-valid), t3 generated */
	{ "t1fAhZF5aUJdY7CikGULHmeYk7id8qmvbAd", 1, SW_WALLET_ZEC_TRANSPARENT, SW_NET_MAIN, 1, "zec", 1 },
	{ "t1fJuHWrfcWnYMYyP9VAF96vRnvND2NziMG", 1, SW_WALLET_ZEC_TRANSPARENT, SW_NET_MAIN, 1, "zec", 1 },
	{ "t3ZCxgBwyTWUb1y2v96rRJQxydzCTJhT4zF", 1, SW_WALLET_ZEC_TRANSPARENT, SW_NET_MAIN, 1, "zec", 1 },
	/* SegWit */
	{ "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", 1, SW_WALLET_BTC_BECH32, SW_NET_MAIN, 1, "btc", 1 },
	{ "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", 1, SW_WALLET_BTC_BECH32, SW_NET_MAIN, 1, "btc", 1 },
	/* Ethereum: EIP-55 examples, all-lower (TSV eth-proxy flow), all-upper */
	{ "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", 1, SW_WALLET_ETH, SW_NET_MAIN, 1, "eth", 1 },
	{ "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", 1, SW_WALLET_ETH, SW_NET_MAIN, 1, "eth", 1 },
	{ "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", 1, SW_WALLET_ETH, SW_NET_MAIN, 1, "eth", 1 },
	{ "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb", 1, SW_WALLET_ETH, SW_NET_MAIN, 1, "eth", 1 },
	{ "0x9c99d212f7e5daa18ab50810e0fd255d1f04303b", 1, SW_WALLET_ETH, SW_NET_MAIN, 1, "eth", 0 },
	{ "0x52908400098527886E0F7030069857D2E4169EE7", 1, SW_WALLET_ETH, SW_NET_MAIN, 1, "eth", 0 },
	/* one letter's case flipped (a -> A, then the last d -> D) */
	{ "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", 1, SW_WALLET_ETH, SW_NET_MAIN, 0, "eth", 0 },
	{ "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5D359", 1, SW_WALLET_ETH, SW_NET_MAIN, 0, "eth", 0 },
	/* Not addresses at all */
	{ "acme.s19-04", 0, SW_WALLET_NONE, SW_NET_MAIN, 0, NULL, 0 },
	{ "x", 0, SW_WALLET_NONE, SW_NET_MAIN, 0, NULL, 0 },
	{ "vvesely@mailinator", 0, SW_WALLET_NONE, SW_NET_MAIN, 0, NULL, 0 },
	{ "cb2b73415c4faf214035a73b9d947c202342f3bf3bdf632132bd6d7af98cb257", 0, SW_WALLET_NONE, SW_NET_MAIN, 0, NULL, 0 },
	{ "0x9c99d212f7e5daa18ab50810e0fd255d1f04303", 0, SW_WALLET_NONE, SW_NET_MAIN, 0, NULL, 0 },
	{ "0x9c99d212f7e5daa18ab50810e0fd255d1f04303g", 0, SW_WALLET_NONE, SW_NET_MAIN, 0, NULL, 0 },
	{ "DKnSHZz3EhGtsAUBpANGHjfj7wSxP5o1eT", 0, SW_WALLET_NONE, SW_NET_MAIN, 0, NULL, 0 }, /* Dogecoin */
	{ "tb1", 0, SW_WALLET_NONE, SW_NET_MAIN, 0, NULL, 0 },
};

static int classify_guarded(const char *s, size_t n, struct sw_wallet *w)
{
	struct sw_guarded g;
	const char *p = (const char *)sw_guarded_copy(&g, s, n);
	int r = wallet_classify(p, n, w);

	sw_guarded_free(&g);
	return r;
}

/* Truncate at every length and replace every character by its neighbours
 * and by hostile bytes: never a crash or over-read (guarded page, ASan), and
 * for checksummed vectors never a valid result. */
static void mutate(const struct wvec *v)
{
	static const unsigned char hostile[] = { 0x00, 0x80, 0xff, ' ', '.', '0' };
	size_t n = strlen(v->s);
	char buf[256];
	struct sw_wallet w;
	int got;

	for (size_t len = 0; len < n; len++) {
		classify_guarded(v->s, len, &w);
		if (v->checksummed && w.valid)
			fprintf(stderr, "truncation of %s to %zu accepted\n", v->s, len);
		FAIL_IF(v->checksummed && w.valid);
	}
	for (size_t i = 0; i < n; i++) {
		int reps[2 + sizeof(hostile)];
		size_t nr = 0;

		reps[nr++] = (unsigned char)v->s[i] - 1;
		reps[nr++] = (unsigned char)v->s[i] + 1;
		for (size_t h = 0; h < sizeof(hostile); h++)
			reps[nr++] = hostile[h];
		for (size_t r = 0; r < nr; r++) {
			if ((unsigned char)reps[r] == (unsigned char)v->s[i])
				continue;
			memcpy(buf, v->s, n);
			buf[i] = (char)(unsigned char)reps[r];
			got = classify_guarded(buf, n, &w);
			if (v->checksummed && w.valid)
				fprintf(stderr, "substitution %s [%zu]=%02x accepted\n", v->s, i, reps[r] & 0xff);
			FAIL_IF(v->checksummed && w.valid);
			/* no address has a '.' anywhere: not even its shape
			 * (sw_wallet.h; stratum-login.c relies on it) */
			FAIL_IF(reps[r] == '.' && got != 0);
		}
	}
	/* One extra character at the end. */
	memcpy(buf, v->s, n);
	buf[n] = 'a';
	classify_guarded(buf, n + 1, &w);
	FAIL_IF(v->checksummed && w.valid);
}

static void test_classify(void)
{
	struct sw_wallet w;

	for (size_t i = 0; i < sizeof(wvecs) / sizeof(wvecs[0]); i++) {
		const struct wvec *v = &wvecs[i];
		int r = classify_guarded(v->s, strlen(v->s), &w);

		if (r != v->ret || w.kind != v->kind || w.valid != v->valid)
			fprintf(stderr, "vector %zu %s: ret %d kind %d valid %d\n",
			    i, v->s, r, (int)w.kind, w.valid);
		EXPECT_EQ_U64(r, v->ret);
		EXPECT_EQ_U64(w.kind, v->kind);
		EXPECT_EQ_U64(w.valid, v->valid);
		if (r) {
			EXPECT_EQ_U64(w.net, v->net);
			EXPECT_STREQ(w.coin, v->coin);
		} else {
			FAIL_IF(w.coin != NULL);
		}
		mutate(v);
	}

	/* Integrated payment ids */
	EXPECT_EQ_U64(wallet_classify(XMR_INT, strlen(XMR_INT), &w), 1);
	{
		char hx[17];
		hex_of(w.payment_id, 8, hx);
		EXPECT_STREQ(hx, "0123456789abcdef");
	}
	EXPECT_EQ_U64(wallet_classify(XMR_STD, strlen(XMR_STD), &w), 1);
	{
		static const uint8_t zero[8];
		FAIL_IF(memcmp(w.payment_id, zero, 8) != 0);
	}

	/* TSV login "<wallet>.<64 hex>.ryzen": the wallet part is the text
	 * before the first '.'; the whole login is not an address. */
	{
		const char *login = XMR_TSV ".cb2b73415c4faf214035a73b9d947c202342f3bf3bdf632132bd6d7af98cb257.ryzen";
		const char *dot = strchr(login, '.');
		EXPECT_EQ_U64(wallet_classify(login, strlen(login), &w), 0);
		EXPECT_EQ_U64(wallet_classify(login, (size_t)(dot - login), &w), 1);
		EXPECT_EQ_U64(w.valid, 1);
	}
	/* Only s[0..n) is read: a valid address followed by garbage that is
	 * not passed in. */
	{
		char buf[128];
		memcpy(buf, XMR_STD, 95);
		memset(buf + 95, 'Z', sizeof(buf) - 95);
		EXPECT_EQ_U64(wallet_classify(buf, 95, &w), 1);
		EXPECT_EQ_U64(w.valid, 1);
	}
	/* NUL inside an otherwise valid shape. */
	{
		char buf[96];
		memcpy(buf, XMR_STD, 95);
		buf[40] = '\0';
		EXPECT_EQ_U64(classify_guarded(buf, 95, &w), 0);
	}
	/* Bounded work: long input is refused without being decoded. */
	{
		static char big[1 << 20];
		memset(big, '1', sizeof(big));
		EXPECT_EQ_U64(wallet_classify(big, sizeof(big), &w), 0);
		EXPECT_EQ_U64(wallet_classify(big, 129, &w), 0);
		EXPECT_EQ_U64(wallet_classify(NULL, 0, &w), 0);
		EXPECT_EQ_U64(wallet_classify("", 0, &w), 0);
	}
}

/* Pseudo-random strings biased to each alphabet and shape, all lengths up
 * to 140, through every decoder. Only "does not crash / over-read" is
 * checked here, and that no random string beats a checksum. */
static void test_random(void)
{
	static const char *alpha[] = {
		"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz",
		"qpzry9x8gf2tvdw0s3jn54khce6mua7l1",
		"0123456789abcdefABCDEF",
	};
	static const char *prefix[] = { "4", "8", "bc1", "tb1q", "ltc1", "0x", "t1", "1", "3", "L", "R", "" };
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	char buf[160];
	struct sw_wallet w;
	uint8_t out[160];
	char hrp[100];
	int valid = 0;

	for (int it = 0; it < 20000; it++) {
		size_t n, pl, a;
		const char *pre;

		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		n = (size_t)(x % 141);
		pre = prefix[(x >> 8) % (sizeof(prefix) / sizeof(prefix[0]))];
		a = (size_t)((x >> 16) % 4);
		pl = strlen(pre) < n ? strlen(pre) : n;
		memcpy(buf, pre, pl);
		for (size_t i = pl; i < n; i++) {
			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			if (a == 3)
				buf[i] = (char)(x & 0xff);
			else
				buf[i] = alpha[a][(x >> 8) % strlen(alpha[a])];
		}
		{
			struct sw_guarded g;
			const char *p = (const char *)sw_guarded_copy(&g, buf, n);
			if (wallet_classify(p, n, &w) && w.valid && w.kind != SW_WALLET_ETH)
				valid++;
			(void)xmr_base58_decode(p, n, out, sizeof(out));
			(void)btc_base58_decode(p, n, out, sizeof(out));
			(void)bech32_verify(p, n, hrp, sizeof(hrp));
			sw_guarded_free(&g);
		}
	}
	EXPECT_EQ_U64(valid, 0);
}

static void expect_same_wallet(const char *s, size_t n)
{
	struct sw_wallet a, b;
	int ra = wallet_classify(s, n, &a), rb = wallet_classify_cached(s, n, &b);

	EXPECT_EQ_U64(rb, ra);
	EXPECT_EQ_U64(memcmp(&a, &b, sizeof(a)), 0);
}

/* The cache answers as wallet_classify does, on a hit as on a miss, for
 * the vectors and for random strings that evict one another; and two
 * logins that once shared a direct-mapped slot (one Keccak per session
 * in the Stratum-heavy benchmark) no longer evict each other. */
static void test_cache(void)
{
	static const char *pair[] = {
		"41fKjWJQySv2LxFSMtsQ5k3gsHPkECmXt52nKM8ZY8z26NhMJWtsWSA7icPFuECstJ94XRDHZYFLSAQSTAftscna8JuzEJT",
		"4BMzkK7uaiS2LxFSMtsQ5k3gsHPkECmXt52nKM8ZY8z26NhMJWtsWSA7icPFuECstJ94XRDHZYFLSAQSTAftscnaBhvYwF8HHg8TyW1b8c",
	};
	uint64_t x = 0x2545f4914f6cdd1dULL, before;
	char buf[140];
	size_t i;
	int round, it;

	for (round = 0; round < 2; round++)
		for (i = 0; i < sizeof(wvecs) / sizeof(wvecs[0]); i++)
			expect_same_wallet(wvecs[i].s, strlen(wvecs[i].s));
	for (it = 0; it < 4000; it++) {
		size_t n;

		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		/* a short pool of strings, so that some repeat (hits) while
		 * the rest evict */
		n = 1 + (size_t)(x % 139);
		for (i = 0; i < n; i++)
			buf[i] = "48ab.x0"[(x >> (i % 50)) % 7];
		expect_same_wallet(buf, n);
	}
	expect_same_wallet(pair[0], strlen(pair[0]));
	expect_same_wallet(pair[1], strlen(pair[1]));
	before = wallet_cache_misses();
	for (it = 0; it < 100; it++)
		expect_same_wallet(pair[it & 1], strlen(pair[it & 1]));
	EXPECT_EQ_U64(wallet_cache_misses() - before, 0);
	/* too long to cache: counted, and answered */
	memset(buf, '4', sizeof(buf));
	before = wallet_cache_misses();
	expect_same_wallet(buf, sizeof(buf));
	EXPECT_EQ_U64(wallet_cache_misses() - before, 1);
}

int main(void)
{
	test_keccak();
	test_sha256();
	test_sha256_paths();
	test_base58();
	test_bech32_strings();
	test_segwit();
	test_classify();
	test_random();
	test_cache();
	return sw_test_done("test_wallet");
}
