/* stratum-dialect.h: structural evidence bits and the per-connection
 * "is this Stratum, and which dialect" decision (reference/stratum.md
 * section 1; the rule itself is written out in stratum-dialect.c). */
#ifndef STRATUM_DIALECT_H
#define STRATUM_DIALECT_H

#include <stddef.h>
#include <stdint.h>

#include "stratum-session.h"

/* Each bit is set only by a message whose whole shape matched, never by a
 * keyword alone. */
enum {
	/* mining.* family (Bitcoin V1, its Zcash/KawPow/plain-ETH variants,
	 * EthereumStratum 1.0.0 and 2.0.0) */
	STRATUM_EV_SUBSCRIBE       = 1u << 0,
	STRATUM_EV_SUBSCRIBE_REPLY = 1u << 1,
	STRATUM_EV_AUTHORIZE       = 1u << 2,
	STRATUM_EV_AUTHORIZE_REPLY = 1u << 3,
	STRATUM_EV_NOTIFY          = 1u << 4,
	STRATUM_EV_SETDIFF         = 1u << 5,
	STRATUM_EV_SUBMIT          = 1u << 6,
	STRATUM_EV_CONFIGURE       = 1u << 7,
	STRATUM_EV_HELLO           = 1u << 8,
	STRATUM_EV_HELLO_REPLY     = 1u << 9,
	/* markers that pick a dialect or coin inside the family */
	STRATUM_EV_MARK_ES1        = 1u << 10,
	STRATUM_EV_MARK_ES2        = 1u << 11,
	STRATUM_EV_MARK_ZEC        = 1u << 12,
	STRATUM_EV_MARK_KAWPOW     = 1u << 13,
	/* CryptoNote */
	STRATUM_EV_CN_LOGIN        = 1u << 14,
	STRATUM_EV_CN_JOB          = 1u << 15,
	STRATUM_EV_CN_SUBMIT       = 1u << 16,
	STRATUM_EV_CN_WALLET       = 1u << 17,
	/* eth-proxy */
	STRATUM_EV_ETH_LOGIN       = 1u << 18,
	STRATUM_EV_ETH_GETWORK     = 1u << 19,
	STRATUM_EV_ETH_SUBMITWORK  = 1u << 20,
	STRATUM_EV_ETH_HASHRATE    = 1u << 21,
	STRATUM_EV_ETH_WORK        = 1u << 22,
	/* Stratum V2 */
	STRATUM_EV_SV2_SETUP       = 1u << 23,
	STRATUM_EV_SV2_NOISE       = 1u << 24,
	/* getwork / getblocktemplate over HTTP */
	STRATUM_EV_GW_REQUEST      = 1u << 25,
	STRATUM_EV_GW_WORK         = 1u << 26,
};

enum stratum_dialect {
	STRATUM_D_NONE = 0,
	STRATUM_D_CRYPTONOTE,
	STRATUM_D_V1,
	STRATUM_D_ETHEREUM_STRATUM,
	STRATUM_D_ETH_PROXY,
	STRATUM_D_V2,
	STRATUM_D_GETWORK_HTTP,
};

/* The decision: STRATUM_D_NONE while the evidence does not make a mining
 * session; otherwise its dialect. Pure function of the evidence bits and
 * the framing (http set when the messages came inside HTTP). */
enum stratum_dialect stratum_dialect_decide(uint32_t ev, int http);

/* Output name of a dialect ("cryptonote", "stratum-v1", ...); NULL for NONE. */
const char *stratum_dialect_name(enum stratum_dialect d);

/* "1.0.0" / "2.0.0" for ethereum-stratum, else NULL. */
const char *stratum_dialect_version(enum stratum_dialect d, uint32_t ev);

/* Coin short name for an algorithm name ("rx/0" -> "xmr"), or NULL. */
const char *stratum_algo_coin(const char *algo);
/* The same as a small number to keep (0: none), and back. */
uint8_t stratum_algo_coin_id(const char *algo);
/* The same for the n bytes at algo (n its length: no NUL among them). */
uint8_t stratum_algo_coin_idn(const char *algo, size_t n);
const char *stratum_coin_of_id(uint8_t id);

/* Best-evidence coin of the session ("xmr", ..., or "unknown"). */
const char *stratum_coin(const struct stratum_session *s, enum stratum_dialect d);

/* SW_XMR_* bits (sw_facts.h) for the session. */
uint8_t stratum_monero_bits(const struct stratum_session *s, enum stratum_dialect d);

#endif
