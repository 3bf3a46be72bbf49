/* sw_wallet.h: recognise and validate cryptocurrency addresses in logins.
 *
 * Implements reference/stratum.md section 8: Monero standard, subaddress and
 * integrated addresses (Monero base58 in 8-byte blocks, checksum = first 4
 * bytes of Keccak-256 with the ORIGINAL Keccak padding 0x01, not SHA3);
 * Bitcoin base58check (P2PKH/P2SH, double SHA-256) and bech32/bech32m
 * (BIP 173/350); Ethereum-style 0x + 40 hex (EIP-55 mixed-case checksum when
 * mixed case); Zcash transparent t1/t3 and Ravencoin/Litecoin base58check by
 * version byte. Pure functions, no allocation. */
#ifndef SW_WALLET_H
#define SW_WALLET_H

#include <stddef.h>
#include <stdint.h>

enum sw_wallet_kind {
	SW_WALLET_NONE = 0,       /* not shaped like any address we know */
	SW_WALLET_XMR_STANDARD,
	SW_WALLET_XMR_SUBADDRESS,
	SW_WALLET_XMR_INTEGRATED,
	SW_WALLET_BTC_BASE58,     /* P2PKH / P2SH (mainnet or testnet) */
	SW_WALLET_BTC_BECH32,     /* bc1q / tb1q (bech32) or bc1p (bech32m) */
	SW_WALLET_ETH,            /* 0x + 40 hex */
	SW_WALLET_ZEC_TRANSPARENT,/* t1 / t3 */
	SW_WALLET_LTC,
	SW_WALLET_RVN,
};

enum sw_wallet_net { SW_NET_MAIN = 0, SW_NET_TEST, SW_NET_STAGE };

struct sw_wallet {
	enum sw_wallet_kind kind;
	enum sw_wallet_net net;
	int valid;          /* 1: checksum verified; 0: shaped like one but the
	                       checksum (or decoding) failed */
	const char *coin;   /* "xmr", "btc", "eth", "zec", "ltc", "rvn" */
	uint8_t payment_id[8]; /* integrated Monero only */
};

/* Classify s[0..n). Returns 1 and fills *w when s is shaped like an address
 * (whether or not its checksum holds), 0 otherwise. No shape holds a '.'
 * (base58, hex and bech32 alphabets): a string with one is never an
 * address, which stratum-login.c uses to skip the lookup of a
 * "wallet.worker" login as a whole. */
int wallet_classify(const char *s, size_t n, struct sw_wallet *w);

/* Primitives, exported for tests and other users. */
void keccak256(const uint8_t *in, size_t n, uint8_t out[32]);   /* original Keccak */
void sha256(const uint8_t *in, size_t n, uint8_t out[32]);
/* Monero base58: returns decoded length or -1. */
int xmr_base58_decode(const char *s, size_t n, uint8_t *out, size_t outcap);
/* Bitcoin base58: returns decoded length or -1. */
int btc_base58_decode(const char *s, size_t n, uint8_t *out, size_t outcap);
/* bech32/bech32m: returns 1 (bech32), 2 (bech32m) or 0 if invalid; the
 * human-readable part is copied to hrp (NUL-terminated). */
int bech32_verify(const char *s, size_t n, char *hrp, size_t hrpcap);
/* bech32_verify that also returns the data part: its 5-bit values, checksum
 * excluded, in data[0..*datalen) (datacap values). Returns 1, 2 or 0; 0 also
 * when the HRP or data do not fit hrpcap/datacap. */
int bech32_decode(const char *s, size_t n, char *hrp, size_t hrpcap,
    uint8_t *data, size_t datacap, size_t *datalen);
/* SegWit address (BIP 173/350) with HRP expected_hrp (lowercase, e.g. "bc"):
 * returns the witness version 0..16 and the program in prog[0..*proglen)
 * (progcap >= 40 suffices), or -1 if invalid (checksum, wrong variant for
 * the version: v0 Bech32, v1+ Bech32m; padding; length 2..40, v0 20 or 32). */
int segwit_decode(const char *s, size_t n, const char *expected_hrp,
    uint8_t *prog, size_t progcap, size_t *proglen);

#endif
