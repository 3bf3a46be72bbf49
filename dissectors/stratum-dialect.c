/* stratum-dialect.c: when a connection is a Stratum mining session, which
 * dialect it speaks, and which coin (reference/stratum.md sections 1, 3-6).
 *
 * THE RULE (copied to README.md, "What counts as Stratum")
 * ========================================================
 * A flow is a Stratum session (facts.stratum = 1) only when whole messages
 * of a mining protocol were seen, in one of these combinations. Every piece
 * of evidence below is a parsed JSON message (or binary frame) whose shape
 * matched, never a keyword found in the bytes; method names are compared
 * case-insensitively, keys exactly.
 *
 *  (a) mining.* family: at least TWO different items of
 *        - mining.subscribe request: params absent, a string (ES2 resume),
 *          or an array of at most 5 items whose first is a string or null;
 *        - a reply to that subscribe (matched by id) shaped like a
 *          subscribe result: V1 [[[method, id], ...], extranonce1, size],
 *          ES1 [["mining.notify", id, "EthereumStratum/1.0.0"], extranonce],
 *          KawPow/Zcash [session-or-null, hex nonce prefix], or an ES2
 *          session string;
 *        - mining.authorize request with params [string, string-or-null];
 *        - a reply to that authorize: true/false or a string token;
 *        - mining.notify with an array of >= 4 items whose first is a
 *          string (job id) and which holds a 256-bit hash (64 hex digits:
 *          prevhash, header or seed hash); V1 has 9 items, Zcash 8,
 *          KawPow 7, ES1/ES2/plain-ETH 4;
 *        - mining.set_difficulty [number > 0], mining.set_target [hex], or
 *          ES2 mining.set {target|epoch};
 *        - mining.submit from the miner with >= 3 items, the first two
 *          strings;
 *        - mining.configure [array, object] (BIP 310);
 *        - mining.hello with params {proto, ...} and its reply {proto, ...}.
 *      One mining.* message alone is not enough: a lone subscribe that no
 *      pool answered is not a session.
 *  (b) CryptoNote: a login request whose params object holds a string
 *      "login" and one of "pass", "agent" or "algo" (CN_LOGIN), together
 *      with one of: a job (reply to login/getjob, or a "job" notification)
 *      with string blob (hex) + job_id + target (8 or 16 hex); a submit
 *      with job_id + nonce (hex) + result (64 hex); or a login whose wallet
 *      part is a checksum-valid Monero address. Without the login (capture
 *      started mid-session), a job AND a submit both shaped as above.
 *  (c) eth-proxy: a work package (result array [0x+64 hex, 0x+64 hex,
 *      0x+hex boundary, ...], as a reply to eth_getWork or as a push with
 *      id 0 or an unmatched id) together with one of eth_submitLogin
 *      [string, ...], eth_getWork, eth_submitWork [0x+16 hex, 0x+64 hex,
 *      0x+64 hex], eth_submitHashrate [hex, hex]; or eth_submitLogin
 *      together with a shaped eth_submitWork.
 *  (d) Stratum V2: a plaintext SetupConnection frame (header ext_type 0,
 *      msg_type 0, length matching a payload of protocol <= 2, min and max
 *      version 2, flags, then six length-prefixed strings and the port
 *      that end exactly at the frame's end); or the Noise NX handshake
 *      shape: the client's first bytes are exactly 64 non-text bytes
 *      before the server says anything, and the server's first reply is
 *      exactly 234 bytes before the client sends again.
 *  (e) getwork over HTTP: an HTTP POST whose JSON-RPC body calls getwork,
 *      getblocktemplate or submitblock, answered by a work-shaped result
 *      (getwork {data: hex, target: hex}, getblocktemplate {previousblockhash,
 *      height, bits or target}).
 *
 * Generic JSON-RPC (an Ethereum node's eth_blockNumber, LSP, a chat login
 * {"method":"login","params":{"user":..,"password":..}}, the echo call in
 * jsonrpc.pcap) matches none of these. Until a rule holds the flow is only
 * a candidate; stratum.c gives up on it after 16 lines in one direction
 * without a decision, after 3 lines that are not JSON, or at once when the
 * first line is not JSON at all.
 *
 * Dialect precedence (one connection speaks one dialect; the first matching
 * line wins): stratum-v2 (d) > getwork-http (e) > ethereum-stratum 2.0.0
 * (a + hello or an ES2 marker) > ethereum-stratum 1.0.0 (a + the
 * "EthereumStratum/1.0.0" marker in subscribe or its reply) > eth-proxy (c)
 * > cryptonote (b) > stratum-v1 (a: Bitcoin V1 and its Zcash, KawPow and
 * plain-Ethereum variants, whose coin then comes from the evidence). */
#include <string.h>
#include <strings.h>

#include "sw_facts.h"
#include "sw_wallet.h"
#include "stratum-dialect.h"

#define EV_FAMILY_STRUCT (STRATUM_EV_SUBSCRIBE | STRATUM_EV_SUBSCRIBE_REPLY | \
	STRATUM_EV_AUTHORIZE | STRATUM_EV_AUTHORIZE_REPLY | STRATUM_EV_NOTIFY | \
	STRATUM_EV_SETDIFF | STRATUM_EV_SUBMIT | STRATUM_EV_CONFIGURE | \
	STRATUM_EV_HELLO | STRATUM_EV_HELLO_REPLY)

/* Two items or more: clearing the lowest bit leaves one (the rule is
 * asked at every message and every verdict; counting the bits cost a
 * loop). */
static int rule_family(uint32_t ev)
{
	uint32_t v = ev & EV_FAMILY_STRUCT;

	return (v & (v - 1)) != 0;
}

static int rule_cryptonote(uint32_t ev)
{
	if (ev & STRATUM_EV_CN_LOGIN)
		return (ev & (STRATUM_EV_CN_JOB | STRATUM_EV_CN_SUBMIT |
		    STRATUM_EV_CN_WALLET)) != 0;
	return (ev & (STRATUM_EV_CN_JOB | STRATUM_EV_CN_SUBMIT)) ==
	    (STRATUM_EV_CN_JOB | STRATUM_EV_CN_SUBMIT);
}

static int rule_ethproxy(uint32_t ev)
{
	if (ev & STRATUM_EV_ETH_WORK)
		return (ev & (STRATUM_EV_ETH_LOGIN | STRATUM_EV_ETH_GETWORK |
		    STRATUM_EV_ETH_SUBMITWORK | STRATUM_EV_ETH_HASHRATE)) != 0;
	return (ev & (STRATUM_EV_ETH_LOGIN | STRATUM_EV_ETH_SUBMITWORK)) ==
	    (STRATUM_EV_ETH_LOGIN | STRATUM_EV_ETH_SUBMITWORK);
}

enum stratum_dialect stratum_dialect_decide(uint32_t ev, int http)
{
	if (ev & (STRATUM_EV_SV2_SETUP | STRATUM_EV_SV2_NOISE))
		return STRATUM_D_V2;
	if (http) {
		/* Over HTTP only getwork-style work counts; an Ethereum
		 * node answering eth_getWork is the same thing (a miner
		 * fetching work), so rule (c) is accepted there too. */
		if ((ev & (STRATUM_EV_GW_REQUEST | STRATUM_EV_GW_WORK)) ==
		    (STRATUM_EV_GW_REQUEST | STRATUM_EV_GW_WORK) || rule_ethproxy(ev))
			return STRATUM_D_GETWORK_HTTP;
		return STRATUM_D_NONE;
	}
	if (rule_family(ev) && (ev & (STRATUM_EV_MARK_ES2 | STRATUM_EV_MARK_ES1)))
		return STRATUM_D_ETHEREUM_STRATUM;
	if (rule_ethproxy(ev))
		return STRATUM_D_ETH_PROXY;
	if (rule_cryptonote(ev))
		return STRATUM_D_CRYPTONOTE;
	if (rule_family(ev))
		return STRATUM_D_V1;
	return STRATUM_D_NONE;
}

const char *stratum_dialect_name(enum stratum_dialect d)
{
	switch (d) {
	case STRATUM_D_CRYPTONOTE: return "cryptonote";
	case STRATUM_D_V1: return "stratum-v1";
	case STRATUM_D_ETHEREUM_STRATUM: return "ethereum-stratum";
	case STRATUM_D_ETH_PROXY: return "eth-proxy";
	case STRATUM_D_V2: return "stratum-v2";
	case STRATUM_D_GETWORK_HTTP: return "getwork-http";
	default: return NULL;
	}
}

const char *stratum_dialect_version(enum stratum_dialect d, uint32_t ev)
{
	if (d != STRATUM_D_ETHEREUM_STRATUM)
		return NULL;
	return (ev & STRATUM_EV_MARK_ES2) ? "2.0.0" : "1.0.0";
}

/* Algorithm names as XMRig, xmr-stak, MoneroOcean and the ES dialects
 * spell them (section 3.2/3.4 and 5), mapped to the coin they imply. An
 * algorithm shared by many coins (cn/half, cn-pico, scrypt) maps to none. */
#define ALGO_COIN_LIST(X) \
	X("rx/0", "xmr") X("randomx", "xmr") X("rx/monero", "xmr") \
	X("randomxmonero", "xmr") \
	X("cn/r", "xmr") X("cn/0", "xmr") X("cn/1", "xmr") X("cn/2", "xmr") \
	X("cryptonight", "xmr") X("cryptonight/r", "xmr") \
	X("cryptonight_r", "xmr") X("cryptonight/1", "xmr") \
	X("cryptonight/2", "xmr") X("cryptonight_v7", "xmr") \
	X("cryptonight_v8", "xmr") X("cryptonightr", "xmr") \
	X("rx/wow", "wow") \
	X("argon2/chukwa", "trtl") X("argon2/chukwav2", "trtl") \
	X("kawpow", "rvn") \
	X("ghostrider", "rtm") \
	X("ethash", "eth") \
	X("etchash", "etc") \
	X("equihash", "zec") X("equihash200_9", "zec") \
	X("sha256d", "btc")

#define AC(algo, coin) { algo, coin },
static const struct {
	const char *algo;
	const char *coin;
} algo_coins[] = {
	ALGO_COIN_LIST(AC)
};
#undef AC

#define ALGO_COINS (sizeof(algo_coins) / sizeof(algo_coins[0]))
_Static_assert(ALGO_COINS < 256, "algorithm ids are kept in a byte");

/* The names' lengths in whole 16-byte rows (zeros after the last: no
 * name's length), for stratum_len_bits. */
#define AC_LEN_ROWS ((ALGO_COINS + 15) / 16)
#define AC(algo, coin) sizeof(algo) - 1,
static const unsigned char algo_coin_len[AC_LEN_ROWS * 16] = {
	ALGO_COIN_LIST(AC)
};
#undef AC
_Static_assert(ALGO_COINS <= 64, "one bit per name in a uint64_t");

uint8_t stratum_algo_coin_idn(const char *algo, size_t n)
{
	uint64_t cand;

	if (algo == NULL || n == 0 || n > UINT8_MAX) /* (lengths are bytes) */
		return 0;
	/* only the names of its length (XMRig lists 31 algorithms at login,
	 * and a pass over the 26 names for each was most of a login's
	 * cost); of those, the first and last bytes with 0x20 set (equal
	 * whenever the bytes are equal in any case) before the whole name */
	for (cand = stratum_len_bits(algo_coin_len, AC_LEN_ROWS, n); cand != 0;
	    cand &= cand - 1) {
		int i = __builtin_ctzll(cand);
		const char *t = algo_coins[i].algo;

		if ((algo[0] | 0x20) != (t[0] | 0x20) ||
		    (algo[n - 1] | 0x20) != (t[n - 1] | 0x20))
			continue;
		/* usually spelled as the table has it: memcmp is the cheaper */
		if (memcmp(algo, t, n) == 0 || strncasecmp(algo, t, n) == 0)
			return (uint8_t)(i + 1);
	}
	return 0;
}

uint8_t stratum_algo_coin_id(const char *algo)
{
	return algo != NULL ? stratum_algo_coin_idn(algo, strlen(algo)) : 0;
}

const char *stratum_coin_of_id(uint8_t id)
{
	return id > 0 && id <= ALGO_COINS ? algo_coins[id - 1].coin : NULL;
}

const char *stratum_algo_coin(const char *algo)
{
	return stratum_coin_of_id(stratum_algo_coin_id(algo));
}

/* Best evidence first: the pool's algorithm for the current job, then the
 * wallet's coin (its address format), then the miner's preferred
 * algorithm, then the protocol's shape (CryptoNote blobs are Monero unless
 * said otherwise; a Zcash-shaped notify; a KawPow-shaped notify). */
const char *stratum_coin(const struct stratum_session *s, enum stratum_dialect d)
{
	if (s == NULL)
		return "unknown";
	if (s->job_coin != 0)
		return stratum_coin_of_id(s->job_coin);
	if (s->wallet_coin != NULL)
		return s->wallet_coin;
	if (s->nalgos > 0 && s->algo0_coin != 0)
		return stratum_coin_of_id(s->algo0_coin);
	if (s->coin_named_xmr)
		return "xmr";
	if (d == STRATUM_D_CRYPTONOTE && (s->evidence & STRATUM_EV_CN_JOB) &&
	    s->job_algo[0] == '\0')
		return "xmr";
	if (s->evidence & STRATUM_EV_MARK_KAWPOW)
		return "rvn";
	if (s->evidence & STRATUM_EV_MARK_ZEC)
		return "zec";
	return "unknown";
}

/* c is "xmr" (NULL is not): the bytes compared in place, where strcmp
 * was three calls at every verdict. */
static int coin_is_xmr(const char *c)
{
	return c != NULL && c[0] == 'x' && c[1] == 'm' && c[2] == 'r' && c[3] == '\0';
}

uint8_t stratum_monero_bits(const struct stratum_session *s, enum stratum_dialect d)
{
	uint8_t m = 0;

	if (s == NULL)
		return 0;
	if (coin_is_xmr(stratum_coin_of_id(s->job_coin)))
		m |= SW_XMR_ALGO;
	if (s->algos_xmr)
		m |= SW_XMR_ALGO;
	if (s->wallet_valid == 1 && coin_is_xmr(s->wallet_coin))
		m |= SW_XMR_WALLET;
	if (s->coin_named_xmr)
		m |= SW_XMR_COIN;
	/* Blobs are CryptoNote, not necessarily Monero: count them only when
	 * the session's best evidence says xmr. */
	if ((s->evidence & STRATUM_EV_CN_JOB) && coin_is_xmr(stratum_coin(s, d)))
		m |= SW_XMR_BLOB;
	return m;
}
