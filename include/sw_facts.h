/* sw_facts.h: evidence a dissector found, for the verdict logic (detect.c).
 *
 * Dissectors state facts; detect.c alone turns facts into alerts with
 * reasons and severities. Strings point into the dissector's state and are
 * valid while it lives; NULL means unknown. */
#ifndef SW_FACTS_H
#define SW_FACTS_H

#include <stdint.h>

/* facts.monero: which kinds of Monero evidence were seen (bitmask) */
#define SW_XMR_ALGO   0x01 /* a CryptoNote/RandomX algorithm (rx/0, cn/r, ...) */
#define SW_XMR_WALLET 0x02 /* a checksum-valid Monero address */
#define SW_XMR_COIN   0x04 /* the pool or protocol named the coin */
#define SW_XMR_BLOB   0x08 /* CryptoNote job blobs */

struct sw_facts {
	/* Stratum */
	uint8_t stratum;            /* 1: the flow is a mining session (the
	                               dissector's structural rule held) */
	uint8_t monero;             /* SW_XMR_* */
	const char *dialect;        /* "cryptonote", "stratum-v1", ... */
	const char *coin;           /* "xmr", "btc", ... or "unknown" */
	const char *login;
	const char *wallet;
	int wallet_valid;           /* -1 unknown/absent, 0 invalid, 1 valid */
	const char *worker;
	const char *agent;
	const char *algo;           /* first algorithm */
	uint64_t shares_submitted, shares_accepted, shares_rejected;
	double hashrate_hs;

	/* Names the flow was tied to. */
	const char *pool_host;      /* a host named inside the protocol */
	const char *pool_host_via;  /* "stratum", "sni", "http-connect", "socks", ... */

	/* TLS (dissectors/tls.c) */
	uint8_t tls;                /* a ClientHello was parsed */
	uint8_t tls_no_sni;         /* ... and it carried no server_name */
	const char *sni;
	const char *alpn;           /* first ALPN protocol */
	const char *ja3;            /* JA3 MD5, 32 hex */
	const char *ja4;
	/* JA3/JA4 are made only when printed (an alert), not for every
	 * hello: when they are not made yet, facts() leaves ja3/ja4 NULL and
	 * sets this; calling fingerprint(out, fingerprint_state) fills them
	 * (and clears it). The state must still live. */
	void (*fingerprint)(struct sw_facts *out, void *state);
	void *fingerprint_state;
};

#endif
