/* stratum-method-names.h: the method names of the dialects in
 * reference/stratum.md, as numbers.
 *
 * A message's method is looked up once, when it is classified
 * (stratum-msg.c); the dissector then switches on the number and the
 * session counts it by number. (Matching the name by strcasecmp against
 * each handler in turn, and by strncmp against each name the session had
 * seen, cost 600 instructions a message on a busy pool.) */
#ifndef STRATUM_METHOD_NAMES_H
#define STRATUM_METHOD_NAMES_H

#include <stddef.h>
#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define STRATUM_METHODS(X) \
	/* CryptoNote (XMRig) */ \
	X(LOGIN, "login") X(JOB, "job") X(SUBMIT, "submit") \
	X(KEEPALIVED, "keepalived") X(GETJOB, "getjob") \
	/* Stratum V1, EthereumStratum, NiceHash, Zcash */ \
	X(M_SUBSCRIBE, "mining.subscribe") X(M_AUTHORIZE, "mining.authorize") \
	X(M_NOTIFY, "mining.notify") X(M_SET_DIFFICULTY, "mining.set_difficulty") \
	X(M_SET_TARGET, "mining.set_target") X(M_SUBMIT, "mining.submit") \
	X(M_EXTRANONCE_SUBSCRIBE, "mining.extranonce.subscribe") \
	X(M_SET_EXTRANONCE, "mining.set_extranonce") \
	X(M_CONFIGURE, "mining.configure") \
	X(M_SET_VERSION_MASK, "mining.set_version_mask") \
	X(M_SUGGEST_DIFFICULTY, "mining.suggest_difficulty") \
	X(M_SUGGEST_TARGET, "mining.suggest_target") X(M_HELLO, "mining.hello") \
	X(M_NOOP, "mining.noop") X(M_SET, "mining.set") \
	X(M_HASHRATE, "mining.hashrate") X(M_BYE, "mining.bye") \
	X(M_PING, "mining.ping") X(M_PONG, "mining.pong") \
	X(M_RECONNECT, "mining.reconnect") \
	X(M_GET_TRANSACTIONS, "mining.get_transactions") \
	X(M_MULTI_VERSION, "mining.multi_version") \
	X(C_GET_VERSION, "client.get_version") X(C_RECONNECT, "client.reconnect") \
	X(C_SHOW_MESSAGE, "client.show_message") \
	/* eth-proxy, getwork */ \
	X(ETH_SUBMITLOGIN, "eth_submitLogin") X(ETH_GETWORK, "eth_getWork") \
	X(ETH_SUBMITWORK, "eth_submitWork") \
	X(ETH_SUBMITHASHRATE, "eth_submitHashrate") \
	X(GETWORK, "getwork") X(GETBLOCKTEMPLATE, "getblocktemplate") \
	X(SUBMITBLOCK, "submitblock")

/* Longer than every name above (held by a static assert): a lookup reads
 * at most this many bytes plus one. */
#define STRATUM_METHOD_NAME_MAX 31

enum stratum_method {
	SM_UNKNOWN = -1,
#define SM_ENUM(id, name) SM_##id,
	STRATUM_METHODS(SM_ENUM)
#undef SM_ENUM
	SM_COUNT
};

/* The names, indexed by enum stratum_method; NULL after the last. */
extern const char *const stratum_common_methods[];
/* Their lengths, by the same index (SM_COUNT entries, then zeros). */
extern const unsigned char stratum_common_method_len[];

/* The method named name[0..n) in any case (pools and miners differ, and
 * servers compare without case), or SM_UNKNOWN. *exact is set to 1 when
 * the spelling is the table's, byte for byte (the session counts each
 * spelling on its own). */
enum stratum_method stratum_method_lookup(const char *name, size_t n, int *exact);

/* Of a table of names whose lengths are lens[] (rows * 16 bytes, at most
 * 64 names, zeros after the last), those n bytes long, as bits by index
 * (0 < n <= 255). Passing over the names of other lengths one at a time
 * cost a compare each, at every message (method names) and for every
 * algorithm a miner lists (stratum-dialect.c). */
static inline uint64_t stratum_len_bits(const unsigned char *lens, size_t rows, size_t n)
{
	uint64_t bits = 0;
	size_t i;

#if defined(__SSE2__)
	const __m128i want = _mm_set1_epi8((char)n);

	for (i = 0; i < rows; i++) {
		const __m128i row = _mm_loadu_si128((const __m128i *)(const void *)
		    (lens + 16 * i));

		bits |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(row, want)) << (16 * i);
	}
#else
	for (i = 0; i < rows * 16; i++)
		bits |= (uint64_t)(lens[i] == n && n != 0) << i;
#endif
	return bits;
}

#endif
