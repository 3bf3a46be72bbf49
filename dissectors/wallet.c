/* wallet.c: recognise and checksum-validate cryptocurrency addresses.
 *
 * Reference: reference/stratum.md s.8.1 (Monero network tags, lengths and
 * the Keccak-256 checksum), s.8.2 (Bitcoin, Ethereum, Litecoin, Ravencoin,
 * Zcash), BIP 173/350 for SegWit, EIP-55 for Ethereum mixed case. The
 * decision is in two steps: the SHAPE (length, first characters, alphabet)
 * says which coin the string claims to be, and then the checksum says
 * whether it is right. A string of the right shape with a bad checksum is
 * still reported (valid = 0): a typo'd wallet in a login is still evidence of
 * mining. Anything else is SW_WALLET_NONE, so usernames, e-mails and worker
 * names are not claimed. */
#include <stdint.h>
#include <string.h>

#include "sw_wallet.h"

/* Longer strings are not any address we know (the longest, a Monero
 * integrated address, is 106 characters); rejecting them first bounds the
 * work on hostile input. */
#define WALLET_MAX_CHARS 128

#define XMR_STD_CHARS 95
#define XMR_INT_CHARS 106
#define XMR_STD_BYTES 69   /* tag + spend key + view key + checksum */
#define XMR_INT_BYTES 77   /* ... + 8-byte payment id */
#define XMR_PID_OFF 65

struct xmr_tag {
	uint8_t tag;
	enum sw_wallet_kind kind;
	enum sw_wallet_net net;
};

/* reference/stratum.md s.8.1 table; every tag is below 128, so its varint is
 * the single byte itself. */
static const struct xmr_tag xmr_tags[] = {
	{ 18, SW_WALLET_XMR_STANDARD,   SW_NET_MAIN },
	{ 42, SW_WALLET_XMR_SUBADDRESS, SW_NET_MAIN },
	{ 19, SW_WALLET_XMR_INTEGRATED, SW_NET_MAIN },
	{ 53, SW_WALLET_XMR_STANDARD,   SW_NET_TEST },
	{ 63, SW_WALLET_XMR_SUBADDRESS, SW_NET_TEST },
	{ 54, SW_WALLET_XMR_INTEGRATED, SW_NET_TEST },
	{ 24, SW_WALLET_XMR_STANDARD,   SW_NET_STAGE },
	{ 36, SW_WALLET_XMR_SUBADDRESS, SW_NET_STAGE },
	{ 25, SW_WALLET_XMR_INTEGRATED, SW_NET_STAGE },
};

static int is_b58(unsigned char c)
{
	/* 1-9, A-Z and a-z without 0, I, O, l */
	if (c >= '1' && c <= '9')
		return 1;
	if (c >= 'A' && c <= 'Z')
		return c != 'I' && c != 'O';
	if (c >= 'a' && c <= 'z')
		return c != 'l';
	return 0;
}

static int all_b58(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_b58((unsigned char)s[i]))
			return 0;
	return 1;
}

static int hex_nibble(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void wallet_set(struct sw_wallet *w, enum sw_wallet_kind kind,
    enum sw_wallet_net net, const char *coin)
{
	w->kind = kind;
	w->net = net;
	w->coin = coin;
}

/* Monero: s is 95 or 106 base58 characters starting with a network's first
 * character. The kind and net are first guessed from the shape (so that a
 * corrupted address is still labelled sensibly), then taken from the decoded
 * network tag when it is known and agrees with the length. */
static int wallet_xmr(const char *s, size_t n, struct sw_wallet *w)
{
	uint8_t raw[XMR_INT_BYTES];
	uint8_t h[32];
	int len;
	size_t body;

	if (n != XMR_STD_CHARS && n != XMR_INT_CHARS)
		return 0;
	if (memchr("4859A7B", s[0], 7) == NULL || !all_b58(s, n))
		return 0;

	if (n == XMR_INT_CHARS)
		w->kind = SW_WALLET_XMR_INTEGRATED;
	else if (s[0] == '8' || s[0] == '7' || s[0] == 'B')
		w->kind = SW_WALLET_XMR_SUBADDRESS;
	else
		w->kind = SW_WALLET_XMR_STANDARD;
	w->net = (s[0] == '4' || s[0] == '8') ? SW_NET_MAIN :
	    (s[0] == '5' || s[0] == '7') ? SW_NET_STAGE : SW_NET_TEST;
	w->coin = "xmr";
	w->valid = 0;

	len = xmr_base58_decode(s, n, raw, sizeof(raw));
	if (len != (n == XMR_STD_CHARS ? XMR_STD_BYTES : XMR_INT_BYTES))
		return 1;
	for (size_t i = 0; i < sizeof(xmr_tags) / sizeof(xmr_tags[0]); i++) {
		const struct xmr_tag *t = &xmr_tags[i];
		if (t->tag != raw[0])
			continue;
		if ((t->kind == SW_WALLET_XMR_INTEGRATED) != (len == XMR_INT_BYTES))
			return 1;  /* tag says one length, the string another */
		w->kind = t->kind;
		w->net = t->net;
		body = (size_t)len - 4;
		keccak256(raw, body, h);
		if (memcmp(h, raw + body, 4) != 0)
			return 1;
		if (t->kind == SW_WALLET_XMR_INTEGRATED)
			memcpy(w->payment_id, raw + XMR_PID_OFF, sizeof(w->payment_id));
		w->valid = 1;
		return 1;
	}
	return 1;  /* unknown network tag */
}

/* Decode Base58Check into raw (25 or 26 bytes expected) and verify the
 * double SHA-256 checksum. Returns the payload length (without checksum),
 * or -1. */
static int b58check(const char *s, size_t n, uint8_t *raw, size_t rawcap)
{
	uint8_t h[32];
	int len = btc_base58_decode(s, n, raw, rawcap);

	if (len < 5)
		return -1;
	sha256(raw, (size_t)len - 4, h);
	sha256(h, sizeof(h), h);
	if (memcmp(h, raw + len - 4, 4) != 0)
		return -1;
	return len - 4;
}

/* Base58Check families: Bitcoin (1, 3, m, n, 2), Litecoin (L, M),
 * Ravencoin (R), Zcash transparent (t1, t3). */
static int wallet_b58check(const char *s, size_t n, struct sw_wallet *w)
{
	uint8_t raw[40];
	int plen;

	if (n < 26 || n > 35 || !all_b58(s, n))
		return 0;

	if (n == 35 && s[0] == 't' && (s[1] == '1' || s[1] == '3')) {
		/* Zcash: 2-byte version 0x1cb8 (t1, P2PKH) or 0x1cbd (t3, P2SH),
		 * 20-byte hash; zcash/zcash src/chainparams.cpp. */
		wallet_set(w, SW_WALLET_ZEC_TRANSPARENT, SW_NET_MAIN, "zec");
		plen = b58check(s, n, raw, sizeof(raw));
		w->valid = plen == 22 && raw[0] == 0x1c &&
		    raw[1] == (s[1] == '1' ? 0xb8 : 0xbd);
		return 1;
	}
	if (s[0] == '1' || s[0] == '3') {
		/* Litecoin's old P2SH also used 0x05 ('3'): indistinguishable
		 * from Bitcoin, reported as Bitcoin. */
		wallet_set(w, SW_WALLET_BTC_BASE58, SW_NET_MAIN, "btc");
		plen = b58check(s, n, raw, sizeof(raw));
		w->valid = plen == 21 && raw[0] == (s[0] == '1' ? 0x00 : 0x05);
		return 1;
	}
	if (s[0] == 'm' || s[0] == 'n' || s[0] == '2') {
		wallet_set(w, SW_WALLET_BTC_BASE58, SW_NET_TEST, "btc");
		plen = b58check(s, n, raw, sizeof(raw));
		w->valid = plen == 21 && raw[0] == (s[0] == '2' ? 0xc4 : 0x6f);
		return 1;
	}
	if (n == 34 && (s[0] == 'L' || s[0] == 'M')) {
		wallet_set(w, SW_WALLET_LTC, SW_NET_MAIN, "ltc");
		plen = b58check(s, n, raw, sizeof(raw));
		w->valid = plen == 21 && raw[0] == (s[0] == 'L' ? 0x30 : 0x32);
		return 1;
	}
	if (n == 34 && s[0] == 'R') {
		wallet_set(w, SW_WALLET_RVN, SW_NET_MAIN, "rvn");
		plen = b58check(s, n, raw, sizeof(raw));
		w->valid = plen == 21 && raw[0] == 0x3c;
		return 1;
	}
	return 0;
}

/* SegWit: bc1 / tb1 (Bitcoin) and ltc1 (Litecoin), either case. */
static int wallet_segwit(const char *s, size_t n, struct sw_wallet *w)
{
	static const struct {
		const char *hrp;
		enum sw_wallet_kind kind;
		enum sw_wallet_net net;
		const char *coin;
	} hrps[] = {
		{ "bc",  SW_WALLET_BTC_BECH32, SW_NET_MAIN, "btc" },
		{ "tb",  SW_WALLET_BTC_BECH32, SW_NET_TEST, "btc" },
		{ "ltc", SW_WALLET_LTC,        SW_NET_MAIN, "ltc" },
	};
	uint8_t prog[40];
	size_t plen;

	/* BIP 173 caps strings at 90. The shortest valid address is 14
	 * characters (v1+, 2-byte program), but anything from the prefix plus
	 * a 6-character checksum up is reported as a (broken) SegWit address,
	 * like BIP 173's "bc1gmk9yu". */
	if (n > 90)
		return 0;
	for (size_t i = 0; i < sizeof(hrps) / sizeof(hrps[0]); i++) {
		size_t hl = strlen(hrps[i].hrp);
		size_t k;

		if (n < hl + 1 + 6)
			continue;
		for (k = 0; k < hl; k++) {
			unsigned char c = (unsigned char)s[k];
			if (c >= 'A' && c <= 'Z')
				c = (unsigned char)(c - 'A' + 'a');
			if (c != (unsigned char)hrps[i].hrp[k])
				break;
		}
		if (k < hl || s[hl] != '1')
			continue;
		/* Shape: the rest is ASCII letters and digits (a stray '1' is
		 * left to segwit_decode, which then sees a wrong HRP). */
		for (k = hl + 1; k < n; k++) {
			unsigned char c = (unsigned char)s[k];
			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
			    (c >= 'A' && c <= 'Z')))
				return 0;
		}
		wallet_set(w, hrps[i].kind, hrps[i].net, hrps[i].coin);
		w->valid = segwit_decode(s, n, hrps[i].hrp, prog, sizeof(prog), &plen) >= 0;
		return 1;
	}
	return 0;
}

/* Ethereum: "0x" + 40 hex digits. Valid when the letters are all lower or
 * all upper case (no checksum claimed), or when the EIP-55 mixed-case
 * checksum holds: letter i is upper case iff nibble i of
 * Keccak-256(lowercase hex) is >= 8. */
static int wallet_eth(const char *s, size_t n, struct sw_wallet *w)
{
	char lower[40];
	uint8_t h[32];
	int has_lower = 0, has_upper = 0;

	if (n != 42 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return 0;
	for (size_t i = 0; i < 40; i++) {
		unsigned char c = (unsigned char)s[2 + i];
		if (hex_nibble(c) < 0)
			return 0;
		if (c >= 'a' && c <= 'f')
			has_lower = 1;
		if (c >= 'A' && c <= 'F')
			has_upper = 1;
		lower[i] = (char)((c >= 'A' && c <= 'F') ? c - 'A' + 'a' : c);
	}
	wallet_set(w, SW_WALLET_ETH, SW_NET_MAIN, "eth");
	if (!(has_lower && has_upper)) {
		w->valid = 1;
		return 1;
	}
	keccak256((const uint8_t *)lower, sizeof(lower), h);
	w->valid = 1;
	for (size_t i = 0; i < 40; i++) {
		unsigned char c = (unsigned char)s[2 + i];
		unsigned nib = (i % 2 == 0) ? (h[i / 2] >> 4) : (h[i / 2] & 0x0f);
		if (c >= '0' && c <= '9')
			continue;
		if ((nib >= 8) != (c >= 'A' && c <= 'F')) {
			w->valid = 0;
			break;
		}
	}
	return 1;
}

/* wallet_classify: see sw_wallet.h. Reads exactly s[0..n) (NUL bytes are
 * ordinary, non-matching characters), allocates nothing, and does bounded
 * work: strings over WALLET_MAX_CHARS are rejected before any decoding.
 * On a 0 return *w is zeroed (kind SW_WALLET_NONE, coin NULL). */
int wallet_classify(const char *s, size_t n, struct sw_wallet *w)
{
	memset(w, 0, sizeof(*w));
	w->kind = SW_WALLET_NONE;
	if (s == NULL || n == 0 || n > WALLET_MAX_CHARS)
		return 0;
	if (wallet_xmr(s, n, w) || wallet_eth(s, n, w) ||
	    wallet_segwit(s, n, w) || wallet_b58check(s, n, w))
		return 1;
	memset(w, 0, sizeof(*w));
	w->kind = SW_WALLET_NONE;
	return 0;
}
