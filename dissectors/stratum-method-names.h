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

#endif
