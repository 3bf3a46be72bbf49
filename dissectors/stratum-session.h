/* stratum-session.h: what one Stratum connection told us, kept small and
 * capped (reference/stratum.md sections 3-8).
 *
 * Strings are copied with truncation at their caps (SS_*_MAX). The text
 * fields hold exactly their text, together in one heap block (a fixed
 * array per field at its cap cost 1.5 KB per session, mostly unused; a
 * malloc per field 16 to 40 bytes each in rounding and headers); the
 * algorithm list,
 * method counts (past the first SS_METHODS_INLINE, held in the session)
 * and pending-request queue grow as entries come, each to
 * its cap (the queue to limits->stratum_max_pending entries; on overflow
 * the oldest request is forgotten and counted). The queue is given back
 * when its last request is answered: most sessions sit idle between
 * shares (a few queues of one entry are kept per thread for the next
 * request, none per session).
 *
 * What stratum_facts() makes the verdict from (evidence, job_coin,
 * job_algo, wallet_coin/_valid/_kind, algos, coin_named_xmr, pool_host) is
 * compared after every parse to move the verdict epoch (stratum.c
 * st_verdict_note): a new field the verdict reads goes there too. */
#ifndef STRATUM_SESSION_H
#define STRATUM_SESSION_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "stratum-method-names.h"
#include "stratum-msg.h"

#define SS_LOGIN_MAX   512
#define SS_AGENT_MAX   256
#define SS_SHORT_MAX   128
#define SS_HOST_MAX    253
#define SS_ALGO_MAX    64 /* XMRig 6.16 sends 31, 6.21 more */
#define SS_ALGO_LEN    32
#define SS_METHODS_MAX 32
#define SS_METHOD_LEN  48
/* Method counts held in the session itself; the rest go to the heap.
 * A session uses five or six (XMRig: login, job, submit, keepalived;
 * V1: subscribe, authorize, notify, set_difficulty, submit and maybe
 * configure), and the block they had of their own (48 to 80 bytes with
 * malloc's header) was one more cache line to wait for at every message:
 * the tally was 7% of the time on the Stratum-heavy capture. */
#define SS_METHODS_INLINE 8

/* How a difficulty converts to expected hashes per share (section 7). */
enum stratum_diff_kind {
	SS_DIFF_NONE = 0,
	SS_DIFF_PLAIN, /* CryptoNote target, 256-bit boundary: hashes = d */
	SS_DIFF_BTC,   /* mining.set_difficulty (V1, ES1): hashes = d * 2^32 */
};

/* What a pending request was, so its response can be interpreted. */
enum stratum_req {
	SS_REQ_OTHER = 0,
	SS_REQ_LOGIN,          /* CryptoNote login */
	SS_REQ_SUBMIT,         /* CryptoNote submit */
	SS_REQ_GETJOB,         /* CryptoNote getjob */
	SS_REQ_SUBSCRIBE,      /* mining.subscribe */
	SS_REQ_AUTHORIZE,      /* mining.authorize */
	SS_REQ_MSUBMIT,        /* mining.submit */
	SS_REQ_HELLO,          /* ES2 mining.hello */
	SS_REQ_ETH_LOGIN,      /* eth_submitLogin */
	SS_REQ_ETH_GETWORK,    /* eth_getWork */
	SS_REQ_ETH_SUBMITWORK, /* eth_submitWork */
	SS_REQ_GW_WORK,        /* getwork (no params) / getblocktemplate over HTTP */
	SS_REQ_GW_SUBMIT,      /* getwork with data / submitblock over HTTP */
};

struct stratum_pending {
	struct stratum_id id;
	uint8_t req;       /* enum stratum_req */
	uint8_t dir;       /* direction the request travelled (SW_DIR_*) */
	uint8_t diff_kind; /* difficulty in force when the request was sent */
	double diff;
	uint64_t ts;
};

/* One method's count. Its name is stratum_common_methods[name &
 * ~SS_NAME_COMMON] when SS_NAME_COMMON is set, else at method_names + name
 * (a name held in place cost 49 bytes per entry; most are a dozen
 * characters, and most sessions use only common ones). */
struct stratum_method_count {
	uint16_t name;
	uint32_t count;
};

#define SS_NAME_COMMON 0x8000
/* The method names of the dialects in reference/stratum.md
 * (stratum_common_methods, stratum-method-names.h) are shared by every
 * session: a session allocates room for a name only when it uses
 * another one. */
_Static_assert(SM_COUNT < SS_NAME_COMMON, "a method number fits beside the flag");

/* Room for every name at its cap (fits the 16-bit offsets). */
#define SS_METHOD_NAMES_MAX (SS_METHODS_MAX * (SS_METHOD_LEN + 1))
_Static_assert(SS_METHOD_NAMES_MAX < SS_NAME_COMMON, "name offsets leave the flag bit free");

/* The text fields, by index (stratum_session_text). */
enum stratum_text {
	SST_LOGIN,       /* SS_LOGIN_MAX */
	SST_PASSWORD,    /* SS_SHORT_MAX */
	SST_WALLET,      /* SS_SHORT_MAX */
	SST_WORKER,      /* SS_SHORT_MAX */
	SST_AGENT,       /* SS_AGENT_MAX */
	SST_RIG_ID,      /* SS_SHORT_MAX */
	SST_SESSION_ID,  /* SS_SHORT_MAX */
	SST_POOL_HOST,   /* SS_HOST_MAX */
	SST_COUNT
};

/* Held per Stratum session (tens of thousands at once on a busy node):
 * 312 bytes (311 used), a 320-byte malloc chunk. Pointers first, then by
 * size down, so that there are no holes. */
struct stratum_session {
	/* The text fields live back to back in one heap block, each
	 * NUL-terminated, found by 16-bit offsets (eight pointers cost 48
	 * bytes more per session); "" fields take no room. */
	char *text;          /* NULL when every field is "" */
	/* the miner's algorithm list and the method counts past
	 * SS_METHODS_INLINE grow on the heap as entries come (most sessions
	 * have no list and few methods; a fixed array of each at its cap
	 * cost 3.9 KB per session) */
	char *algos;         /* nalgos names, NUL-terminated, back to back (XMRig
	                        sends 31: at 33 bytes a slot they took 1 KB) */
	const char *wallet_coin; /* static string from wallet_classify */
	struct stratum_pending *pending; /* FIFO, oldest first */
	struct stratum_method_count *methods; /* nmethods used, methods_cap allocated:
	                                          NULL, methods_inline, or a heap block */
	char *method_names;  /* their names, NUL-terminated, one after another */

	double difficulty;   /* in force now; 0 unknown */
	uint64_t height;
	uint64_t jobs;
	uint64_t submitted, accepted, rejected;
	uint64_t unmatched;  /* responses whose id matched no request */
	double work_sum;     /* expected hashes of the accepted shares */
	uint64_t first_job_ts, last_accept_ts;
	double reported_hs;  /* the miner's own claim (eth_submitHashrate) */
	/* (a request the full queue forgot is counted by the caller:
	 * stratum.pending_dropped and an anomaly) */
	uint64_t methods_dropped; /* method names not tallied: EVE methods_dropped */
	uint64_t strings_truncated;

	uint32_t evidence;   /* STRATUM_EV_* (stratum-dialect.h) */
	uint32_t npending, pending_cap, max_pending; /* a cap past UINT32_MAX is UINT32_MAX */
	struct stratum_method_count methods_inline[SS_METHODS_INLINE];

	uint16_t text_off[SST_COUNT]; /* offset + 1 in text; 0: "" */
	uint16_t text_heap;  /* text's size: the fields' bytes and NULs
	                        (at most every field at its cap, 1,669) */
	uint16_t text_cap;   /* bytes allocated: text_heap rounded up to the
	                        end of its malloc chunk (ss_room), so that a
	                        short field often fits without a realloc */
	uint16_t algos_len, algos_cap; /* bytes of algos used, allocated */
	uint16_t names_len, names_cap;

	char job_algo[SS_ALGO_LEN + 1]; /* the pool's algorithm in the last job */
	uint8_t nalgos;
	uint8_t algos_xmr;   /* one of algos is a Monero algorithm (stratum_algo_coin),
	                        noted as the list is filled: the verdict asks at
	                        every slice */
	uint8_t have_login;  /* login set (authorize/login/eth_submitLogin) */
	/* stratum_algo_coin_id() of job_algo and of algos' first, noted when
	 * they are set: the verdict asks for the coin at every packet */
	uint8_t job_coin, algo0_coin;
	uint8_t pool_host_gen; /* stores into pool_host, mod 256 (it is set
	                          once: the first host named wins); the
	                          verdict epoch compares it */
	uint8_t http;        /* messages came framed in HTTP (getwork) */
	uint8_t sv2;         /* 1 plaintext SetupConnection, 2 Noise handshake */
	uint8_t coin_named_xmr; /* a "coin" field said monero */
	uint8_t diff_kind;   /* enum stratum_diff_kind */
	uint8_t height_set;
	uint8_t first_job_set;
	uint8_t reported_set;
	uint8_t nmethods, methods_cap;
	int8_t wallet_valid; /* -1 absent, 0 invalid, 1 valid */
	int8_t wallet_kind;  /* enum sw_wallet_kind */
	uint8_t text_staged; /* text is a struct stratum_text_batch's buffer */
};
_Static_assert(sizeof(struct stratum_session) <= 312,
    "stratum_session fits a 320-byte malloc chunk");

/* Room for every text field at its cap, their NULs included (fits
 * text_heap and the offsets). */
#define SS_TEXT_BYTES_MAX (SS_LOGIN_MAX + 5 * SS_SHORT_MAX + SS_AGENT_MAX + \
	SS_HOST_MAX + SST_COUNT)

/* Text fields set together (a login names the login, wallet, worker,
 * password, agent and rig id at once). Between stratum_session_text_begin
 * and _end the fields live in buf, on the caller's stack, and the heap
 * block is sized once, at _end, to what it would have grown to field by
 * field (a realloc per field was three or four per session). In
 * between, the text is only set (stratum_session_set, _setn, _clear) and
 * read (stratum_session_text); _end must come before s is used in any
 * other way or freed, and a field's pointer does not outlive it. */
struct stratum_text_batch {
	char *old;           /* the heap block at _begin, reused or resized at _end */
	uint16_t old_cap;
	char buf[SS_TEXT_BYTES_MAX];
};
void stratum_session_text_begin(struct stratum_session *s, struct stratum_text_batch *b);
void stratum_session_text_end(struct stratum_session *s, struct stratum_text_batch *b);

/* A text field: its NUL-terminated text, "" when not set. Valid until the
 * next stratum_session_set/_setn/_clear of any field. */
static inline const char *stratum_session_text(const struct stratum_session *s,
    enum stratum_text f)
{
	return s->text_off[f] != 0 ? s->text + s->text_off[f] - 1 : "";
}

/* Ask for the session's lines ahead of use (stratum_parse, before the
 * message is framed and parsed): on the Stratum-heavy capture tens of
 * thousands of sessions are open, a packet's session is rarely still
 * cached, and the method tally, the first thing to read it after the
 * parse, waited on it (7% of the time in a perf profile). Its first
 * SS_METHODS_INLINE counts are among these lines. A prefetch is only a
 * hint: nothing is read. */
static inline void stratum_session_prefetch(const struct stratum_session *s)
{
	const char *c = (const char *)s;
	size_t i;

	for (i = 0; i < sizeof(*s); i += 64)
		__builtin_prefetch(c + i);
}

/* A zeroed session; NULL when out of memory. max_pending 0 means 64
 * (more than UINT32_MAX means UINT32_MAX). */
struct stratum_session *stratum_session_new(size_t max_pending);
void stratum_session_free(struct stratum_session *s);
/* The same for a session held inside another object (the Stratum
 * parser's state): made in place, and fini frees only what it holds. */
void stratum_session_init(struct stratum_session *s, size_t max_pending);
void stratum_session_fini(struct stratum_session *s);
/* Bytes held: the session and what it holds on the side (_beside: only
 * the latter, for a session inside another object). */
size_t stratum_session_heap(const struct stratum_session *s);
size_t stratum_session_heap_beside(const struct stratum_session *s);

/* Set text field f to src, truncated at cap (counted in
 * s->strings_truncated; so is a copy lost to an allocation failure, which
 * leaves the field ""). NULL src is a no-op. The text fields are moved:
 * pointers to any of them do not survive the call (src may be one). */
void stratum_session_set(struct stratum_session *s, enum stratum_text f, size_t cap,
    const char *src);
/* The same for the n bytes at src (no NUL needed). */
void stratum_session_setn(struct stratum_session *s, enum stratum_text f, size_t cap,
    const char *src, size_t n);
/* Back to "". */
void stratum_session_clear(struct stratum_session *s, enum stratum_text f);
/* Copy src into a fixed array of cap+1 bytes (job_algo),
 * truncating at cap (counted). NULL src is a no-op. */
void stratum_session_copy(struct stratum_session *s, char *dst, size_t cap,
    const char *src);

/* Append src, truncated at SS_ALGO_LEN (counted), to the algorithm list
 * and return the stored copy; NULL when the list is at SS_ALGO_MAX or out
 * of memory (the caller counts a truncation). */
const char *stratum_session_algo_add(struct stratum_session *s, const char *src);
/* Empty the list (a new login replaces it). */
void stratum_session_algo_clear(struct stratum_session *s);
/* An empty list about to take names of bytes in all (their NULs
 * included): its block made that size at once, not grown by doubling
 * and cut back at the end. An estimate at least what the names take
 * leaves nothing to grow; the block is fitted after anyway. Out of
 * memory, the list grows as names come. */
void stratum_session_algo_reserve(struct stratum_session *s, size_t bytes);
/* The list is complete: give back the bytes not used (it grows by
 * doubling from 64). */
void stratum_session_algo_fit(struct stratum_session *s);
/* The algorithm after prev in the list (prev NULL: the first); call it
 * nalgos times. */
static inline const char *stratum_session_algo_next(const struct stratum_session *s,
    const char *prev)
{
	return prev == NULL ? s->algos : prev + strlen(prev) + 1;
}

/* The name of methods[i]. */
static inline const char *stratum_method_name(const struct stratum_session *s, size_t i)
{
	uint16_t n = s->methods[i].name;

	return (n & SS_NAME_COMMON) ? stratum_common_methods[n & ~SS_NAME_COMMON] :
	    s->method_names + n;
}

/* Record one method name (the exact spelling, truncated to
 * SS_METHOD_LEN); past SS_METHODS_MAX distinct names, counts
 * methods_dropped. */
void stratum_session_method(struct stratum_session *s, const char *name);
/* The same, when the caller has looked name up: id is its number when it
 * is spelled exactly as stratum_common_methods has it, else SM_UNKNOWN. */
void stratum_session_method_id(struct stratum_session *s, const char *name,
    enum stratum_method id);

/* Queue a request. A request with the id of one still pending replaces it
 * (eth-proxy miners resend eth_getWork with the same id, and xmr-stak
 * reuses id 1 for every submit). Returns 1 when the queue was full and the
 * oldest request was dropped, 0 otherwise. Requests with no usable id are
 * not queued. */
int stratum_session_push(struct stratum_session *s, const struct stratum_id *id,
    enum stratum_req req, int dir, uint64_t ts);

/* Remove and return (into *out) the pending request with this id that
 * travelled opposite to a response seen in direction dir. Returns 1 if
 * found, 0 otherwise. */
int stratum_session_match(struct stratum_session *s, const struct stratum_id *id,
    int dir, struct stratum_pending *out);

/* The pool set a new difficulty of the given kind (ignored unless d is
 * finite and > 0). */
void stratum_session_set_diff(struct stratum_session *s, double d,
    enum stratum_diff_kind kind);

/* A job arrived at ts. */
void stratum_session_job(struct stratum_session *s, uint64_t ts);

/* The pool answered a share: accepted or not, with the difficulty that was
 * in force when it was submitted. */
void stratum_session_share(struct stratum_session *s, int accepted,
    const struct stratum_pending *p, uint64_t ts);

/* Estimated hashrate in H/s (section 7): accepted work divided by the time
 * from the first job (or, with none seen, from since: the session's first
 * data) to the last accepted share. Returns 0 (unknown) with fewer than 2
 * accepted shares or no elapsed time. */
double stratum_session_hashrate(const struct stratum_session *s, uint64_t since);

/* stratum-login.c: split a login (section 8.3) into the login, wallet
 * and worker fields (worker only when not already set), s->wallet_valid
 * and s->wallet_coin/kind. */
void stratum_login_split(struct stratum_session *s, const char *login);
/* The same for a login of strlen n (a JSON string's length, known). */
void stratum_login_splitn(struct stratum_session *s, const char *login, size_t n);

#endif
