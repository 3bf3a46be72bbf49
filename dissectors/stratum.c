/* stratum.c: the Stratum mining dissector (reference/stratum.md; the rule
 * for "this flow is Stratum" is in stratum-dialect.c).
 *
 * Pipeline for one flow:
 *
 *   slice --> mode (first bytes) --+-- JSON lines: stratum-frame (LF, cap)
 *                                  +-- HTTP POST:  stratum-http (getwork)
 *                                  +-- SV2 plain:  stratum-sv2 SetupConnection
 *                                  +-- SV2 Noise:  handshake sizes 64 / 234
 *   line/body --> stratum-json (sj_parse) --> stratum-msg (classify)
 *             --> stratum-methods (evidence, session) --> stratum-dialect
 *
 * State stays small (framers with no buffers) until the first JSON object
 * makes the flow a candidate; the session (a few KiB, fixed) is allocated
 * then. A candidate that does not become Stratum within 16 lines of one
 * direction, or that is not newline-delimited JSON, is dropped
 * (SW_PARSE_ERROR) and its heavy state freed at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "sw_dissector.h"
#include "sw_err.h"
#include "sw_time.h"
#include "stratum-dialect.h"
#include "stratum-frame.h"
#include "stratum-http.h"
#include "stratum-json.h"
#include "stratum-methods.h"
#include "stratum-msg.h"
#include "stratum-session.h"
#include "stratum-sv2.h"

#define ST_UNDECIDED_LINES 16 /* per direction, before giving up */
#define ST_BAD_LINES 3        /* non-JSON lines tolerated while undecided */
#define ST_BATCH_MAX 16       /* objects taken from one batch array */
#define ST_PROBE_POST_WINDOW 512
/* JSON values kept for one message. A Stratum message has a few dozen
 * (a mining.notify with a 12-hash merkle branch about 25), so the node
 * array starts at ST_JSON_NODES_FIRST; a getblocktemplate reply lists
 * its transactions (thousands of values), so a message that needs more
 * is parsed again with four times as many, up to ST_JSON_NODES_MAX (2 MiB;
 * more than a message within the default 64 KiB line and body limits can
 * hold: a value and the ',' after it take two bytes or more, so n bytes
 * hold at most (n + 1) / 2). A message with more is skipped (json_errors
 * and stratum.json_too_many_values). */
#define ST_JSON_NODES_FIRST 1024
#define ST_JSON_NODES_MAX 65536

enum st_mode { MODE_UNKNOWN = 0, MODE_JSON, MODE_HTTP, MODE_SV2, MODE_NOISE };
enum st_phase { PH_NEW = 0, PH_CANDIDATE, PH_DECIDED, PH_GAVE_UP };

/* anomaly_once bits: one event per flow (line_too_long: per direction) */
#define AO_LONG0    0x01
#define AO_LONG1    0x02
#define AO_JSON     0x04
#define AO_BATCH    0x08
#define AO_UTF8     0x10
#define AO_PENDING  0x20
#define AO_RANGE    0x40
#define AO_NODES    0x80
#define AO_DUP      0x100

/* Stratum V2 detection while it runs, by mode (a flow is one or the
 * other): allocated at the mode's first slice and freed once it decides,
 * so that the state of every other flow carries one pointer for it, not
 * 36 bytes. */
struct st_sv2_plain {
	uint32_t len;  /* bytes in buf, the first frame collected up to its end */
	uint8_t buf[STRATUM_SV2_SETUP_MAX];
};
struct st_sv2_noise {
	uint64_t turn[2]; /* bytes per turn (client, server) */
	uint8_t c2s[STRATUM_SV2_NOISE_C2S]; /* the client's message, for its
	                                       text check once the server answers */
};

/* Held per flow probed as Stratum (tens of thousands at once), with the
 * session inside: one 480-byte malloc chunk, as the two were apart (160
 * and 320), one calloc and free fewer a session (about 300
 * instructions), and the state and the session a packet reads side by
 * side. (Each from a slab of its own type, sw_slab.h, the two were
 * 10% slower on the whole Stratum-heavy file: apart in memory, a
 * packet's state and session were two pages, not one, among tens of
 * thousands of sessions.) Limits and the time of the slice come with
 * each parse call (env, the slice), not kept. */
struct stratum_state {
	/* (byte fields first: the state is held per flow, without holes) */
	uint8_t mode, phase;
	uint8_t seen;
	uint8_t stopped;  /* decided, then the framing broke: read no more */
	uint8_t pre_len, pre_dir; /* bytes held in pre[], and their direction */
	uint8_t noise_stage;  /* 0 client's first turn, 1 server's, 2 done */
	uint8_t sv2_encrypted;
	uint8_t dir;          /* of the slice being parsed */
	/* First bytes held while they cannot pick the framing yet: a
	 * prefix of "POST " (at most 4 bytes). */
	uint8_t pre[4];
	/* lines counted while undecided, each up to its small bound */
	uint8_t bad_lines;          /* <= ST_BAD_LINES */
	uint8_t undecided_lines[2]; /* <= ST_UNDECIDED_LINES + 1 */
	uint16_t anomaly_once; /* AO_* */
	/* Verdict epoch (sw_dissector.h): moved at the end of a parse when
	 * the verdict (vkey_bits' ST_VKEY_VERDICT: st_verdict_note) differs
	 * from what it was when it last moved. */
	uint32_t epoch;
	uint32_t vkey_ev;
	uint32_t anomalies;   /* saturates at UINT32_MAX (the flow's count is 32-bit too) */
	uint64_t vkey_bits;
	uint64_t first_seen, last_seen; /* of the slices with data; messages are
	                                   stamped with last_seen (one completed
	                                   by the end of the flow: its last data) */
	uint64_t bytes[2];
	union {               /* MODE_SV2 / MODE_NOISE, while detecting */
		struct st_sv2_plain *plain;
		struct st_sv2_noise *noise;
	} sv2;
	struct stratum_framer fr[2];
	struct stratum_http *http;
	struct stratum_session *ss; /* NULL, or &session: made once a line looks like Stratum */
	/* for the duration of one parse call */
	const struct sw_app_env *env;
	struct stratum_session session;
};
_Static_assert(sizeof(struct stratum_state) <= 472, "stratum_state fits a 480-byte malloc chunk");
_Static_assert(ST_BAD_LINES < 255 && ST_UNDECIDED_LINES < 255, "line counts are 8-bit");

extern const struct sw_dissector sw_dissector_stratum;

/* ---- helpers --------------------------------------------------------- */

static struct sw_counters_stratum *st_ctr(struct stratum_state *st)
{
	return (st->env != NULL && st->env->counters != NULL) ?
	    &st->env->counters->stratum : NULL;
}

#define CTR_INC(st, field) do {                                         \
	struct sw_counters_stratum *c_ = st_ctr(st);                    \
	if (c_ != NULL)                                                 \
		c_->field++;                                            \
} while (0)

/* Report an anomaly: counted every time, written once per flow per kind
 * (bit), and the engine caps events per flow as well. */
static void st_anomaly(struct stratum_state *st, uint16_t bit, const char *event,
    const char *detail, const char *action)
{
	if (st->anomalies < UINT32_MAX)
		st->anomalies++;
	if (st->anomaly_once & bit)
		return;
	st->anomaly_once |= bit;
	if (st->env != NULL)
		sw_anomaly_report(st->env->anomalies, SW_ANOMALY_APPLAYER, event,
		    detail, action, "stratum");
}

static int st_decided(const struct stratum_state *st)
{
	return st->phase == PH_DECIDED;
}

static void st_free_heavy(struct stratum_state *st)
{
	stratum_frame_free(&st->fr[0]);
	stratum_frame_free(&st->fr[1]);
	if (st->http != NULL) {
		stratum_http_free(st->http);
		free(st->http);
		st->http = NULL;
	}
	free(st->sv2.plain); /* or .noise: the same pointer */
	st->sv2.plain = NULL;
	if (st->ss != NULL)
		stratum_session_fini(st->ss);
	st->ss = NULL;
}

static void st_give_up(struct stratum_state *st)
{
	if (st->phase == PH_GAVE_UP)
		return;
	st->phase = PH_GAVE_UP;
	st->epoch++; /* the facts are gone with the session */
	st_free_heavy(st);
	CTR_INC(st, not_stratum);
}

/* The engine's limits for the parse under way; NULL: the defaults. */
static const struct sw_limits *st_limits(const struct stratum_state *st)
{
	return st->env != NULL ? st->env->limits : NULL;
}

/* Start the session, once (it lives in the state: nothing to allocate). */
static void st_session(struct stratum_state *st)
{
	const struct sw_limits *lim = st_limits(st);

	if (st->ss != NULL)
		return;
	stratum_session_init(&st->session, lim != NULL ? lim->stratum_max_pending : 0);
	st->ss = &st->session;
	st->phase = PH_CANDIDATE;
	CTR_INC(st, candidates);
}

static void st_check_decision(struct stratum_state *st)
{
	if (st->phase != PH_CANDIDATE || st->ss == NULL)
		return;
	if (stratum_dialect_decide(st->ss->evidence, st->mode == MODE_HTTP) != STRATUM_D_NONE) {
		st->phase = PH_DECIDED;
		CTR_INC(st, sessions);
	}
}

/* After a parse: move the verdict epoch when the verdict stratum_facts()
 * gives may have changed (sw_dissector.h): the decision, the Monero bits,
 * the pool host (what src/detect.c and src/dispatch.c gather() read of
 * the facts; the rest of them, the coin, the dialect, the texts, only
 * goes into an alert when one of those raises it). Whatever the decision
 * and the Monero bits are made of is compared first (vkey_*): the
 * evidence bits (dialect, CryptoNote blobs), the job's and the miner's
 * algorithms, the wallet and a "coin" field; the bits are worked out
 * again only when that changed, so a new place that sets one cannot
 * forget the epoch. Shares, jobs of the same algorithm, difficulties and
 * heights leave it alone, and so does what changes neither the decision
 * nor the Monero bits (a V1 session's authorize, notify and difficulty
 * once it is decided; its coin, named by a later job): the engine then
 * skips judging the flow again (its facts cost more than the rest of a
 * packet; keyed on everything they are made of, 21,000 judgements on the
 * heavy benchmark's head, half of which could not raise an alert). */
/* Above them, what they made: the dialect and the Monero bits (kept for
 * stratum_facts as well). */
#define ST_VKEY_DIALECT_SHIFT 48
#define ST_VKEY_MONERO_SHIFT 56
#define ST_VKEY_MADE ((uint64_t)0xffff << ST_VKEY_DIALECT_SHIFT)
/* the decision, the pool host's generation and the Monero bits */
#define ST_VKEY_VERDICT (1u | (uint64_t)0xff << 32 | (uint64_t)0xff << ST_VKEY_MONERO_SHIFT)

static void st_verdict_note(struct stratum_state *st)
{
	const struct stratum_session *s = st->ss;
	uint64_t bits = 0;
	uint32_t ev = 0;

	/* (wallet_coin is not compared: it is the coin of wallet_kind when
	 * wallet_valid is 1, else NULL, and both are in bits) */
	if (st_decided(st) && s != NULL) {
		ev = s->evidence;
		bits = 1u | (uint64_t)(st->mode == MODE_HTTP) << 1 |
		    (uint64_t)(s->nalgos > 0) << 2 | (uint64_t)(s->algos_xmr != 0) << 3 |
		    (uint64_t)(s->coin_named_xmr != 0) << 4 |
		    (uint64_t)(s->job_algo[0] != '\0') << 5 |
		    (uint64_t)s->job_coin << 8 | (uint64_t)s->algo0_coin << 16 |
		    (uint64_t)(uint8_t)(s->wallet_valid + 1) << 24 |
		    (uint64_t)s->pool_host_gen << 32 |
		    (uint64_t)(uint8_t)s->wallet_kind << 40;
	}
	if (bits == (st->vkey_bits & ~ST_VKEY_MADE) && ev == st->vkey_ev)
		return;
	if (bits != 0) {
		enum stratum_dialect d = stratum_dialect_decide(ev, st->mode == MODE_HTTP);

		bits |= (uint64_t)d << ST_VKEY_DIALECT_SHIFT |
		    (uint64_t)stratum_monero_bits(s, d) << ST_VKEY_MONERO_SHIFT;
	}
	if ((bits ^ st->vkey_bits) & ST_VKEY_VERDICT)
		st->epoch++;
	st->vkey_bits = bits;
	st->vkey_ev = ev;
}

/* ---- JSON messages ----------------------------------------------------- */

#define ST_STOP 1 /* callback value: give up on the flow */

static void st_message(struct stratum_state *st, const struct sj_node *obj)
{
	struct stratum_msg m;
	unsigned hf;

	stratum_msg_classify(obj, &m);
	if (m.duplicate_member) {
		CTR_INC(st, duplicate_members);
		st_anomaly(st, AO_DUP, "stratum.duplicate_member",
		    "a message names method, id, params, result or error twice",
		    "first used");
	}
	hf = stratum_methods_apply(st->ss, &m, st->dir, st->last_seen);
	if (hf & STRATUM_HF_NUM_RANGE) {
		CTR_INC(st, number_out_of_range);
		st_anomaly(st, AO_RANGE, "stratum.number_out_of_range",
		    "a number outside the range the protocol allows", "ignored");
	}
	if (hf & STRATUM_HF_PENDING) {
		CTR_INC(st, pending_dropped);
		st_anomaly(st, AO_PENDING, "stratum.pending_overflow",
		    "more requests awaiting a reply than stratum_max_pending",
		    "dropped oldest");
	}
	if (hf & STRATUM_HF_UNMATCHED)
		CTR_INC(st, unmatched_responses);
}

/* The parser's node array and text buffer, per thread: one message is
 * parsed at a time and its tree is dropped before the next. Both are
 * allocated at a thread's first message (threads that never parse one,
 * the Kubernetes watcher's, pay nothing) and kept; the text buffer grows
 * to the longest message seen (n + 1 bytes; the framers cap n at
 * stratum_max_line, the HTTP reader at its body limit). */
static _Thread_local struct sj_node *st_json_nodes;
static _Thread_local uint32_t st_json_nodes_cap;
static _Thread_local char *st_json_text;
static _Thread_local size_t st_json_text_cap;

/* 1 when s[0..n) is 7-bit ASCII. */
static int st_ascii(const uint8_t *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] & 0x80)
			return 0;
	return 1;
}

/* Parse s[0..n) into *doc. As cJSON_ParseWithLength did, what follows the
 * first value on the line is ignored. */
static int st_json_grow_nodes(uint32_t cap)
{
	struct sj_node *nn = realloc(st_json_nodes, cap * sizeof(*nn));

	if (nn == NULL)
		return -1;
	st_json_nodes = nn;
	st_json_nodes_cap = cap;
	return 0;
}

static inline __attribute__((always_inline)) enum sj_err
st_json_parse(struct sj_doc *doc, const uint8_t *s, size_t n)
{
	enum sj_err e;

	if (st_json_nodes == NULL && st_json_grow_nodes(ST_JSON_NODES_FIRST) != 0)
		return SJ_ERR_TEXT;
	if (n + 1 > st_json_text_cap) {
		size_t cap = n + 1 > 65536 ? n + 1 : 65536;
		char *t = realloc(st_json_text, cap);

		if (t == NULL)
			return SJ_ERR_TEXT;
		st_json_text = t;
		st_json_text_cap = cap;
	}
	doc->text = st_json_text;
	doc->text_cap = st_json_text_cap;
	for (;;) {
		doc->nodes = st_json_nodes;
		doc->cap = st_json_nodes_cap;
		e = sj_parse(doc, s, n);
		if (e != SJ_ERR_NODES || st_json_nodes_cap >= ST_JSON_NODES_MAX ||
		    st_json_grow_nodes(st_json_nodes_cap * 4 < ST_JSON_NODES_MAX ?
		    st_json_nodes_cap * 4 : ST_JSON_NODES_MAX) != 0)
			return e;
	}
}

/* One framed message (a line, or an HTTP body). Returns 0 or ST_STOP. */
static int st_json(struct stratum_state *st, const uint8_t *line, size_t n)
{
	struct sj_doc doc;
	const struct sj_node *root = NULL;
	enum sj_err e;
	int batch;

	/* n > 0 and the line is not blank (the framer skips those) */
	while (n > 1 && (line[0] == ' ' || line[0] == '\t'))
		line++, n--;
	batch = line[0] == '[';
	CTR_INC(st, lines);
	if (st->phase != PH_DECIDED &&
	    ++st->undecided_lines[st->dir] > ST_UNDECIDED_LINES)
		return ST_STOP;
	e = st_json_parse(&doc, line, n);
	if (e == SJ_ERR_TEXT)
		return ST_STOP; /* out of memory */
	if (e == SJ_ERR_SYNTAX && n > 0) {
		/* lone surrogate escapes: repair a copy and parse again (the
		 * tree points into the text buffer, not the copy) */
		uint8_t *copy = malloc(n);

		if (copy != NULL) {
			memcpy(copy, line, n);
			if (stratum_json_fix_surrogates(copy, n) > 0) {
				e = st_json_parse(&doc, copy, n);
				if (e == SJ_OK)
					st_anomaly(st, AO_UTF8, "stratum.invalid_utf16_escape",
					    "a lone surrogate \\u escape", "replaced with U+FFFD");
			}
			free(copy);
		}
	}
	if (e == SJ_OK)
		root = &doc.nodes[0];
	if (e == SJ_ERR_NODES)
		CTR_INC(st, json_too_many_values);
	if (e == SJ_ERR_NODES && st->ss != NULL)
		st_anomaly(st, AO_NODES, "stratum.json_too_many_values",
		    "a message holds more JSON values than the parser keeps",
		    "skipped");
	if (!(sj_is_object(root) || sj_is_array(root))) {
		CTR_INC(st, json_errors);
		/* Not newline-delimited JSON at all: stop at once. */
		if (st->ss == NULL && line[0] != '{' && line[0] != '[')
			return ST_STOP;
		if (st->ss != NULL)
			st_anomaly(st, AO_JSON, "stratum.json_parse_error",
			    "a line is not a JSON object", "skipped");
		if (!st_decided(st) && ++st->bad_lines >= ST_BAD_LINES)
			return ST_STOP;
		return 0;
	}
	st_session(st);
	/* UTF-8 can only be wrong where a byte >= 0x80 is: in a string
	 * (the parser says) or after the value */
	if ((doc.high || !st_ascii(line + doc.end, n - doc.end)) &&
	    !stratum_utf8_valid(line, n)) {
		CTR_INC(st, invalid_utf8);
		st_anomaly(st, AO_UTF8, "stratum.invalid_utf8",
		    "a message holds bytes that are not UTF-8", "replaced on output");
	}
	if (batch) {
		/* No miner or pool sends JSON-RPC batches (section 2);
		 * report it and still read the objects inside. */
		const struct sj_node *it;
		int k = 0;

		CTR_INC(st, batch_arrays);
		st_anomaly(st, AO_BATCH, "stratum.batch_array",
		    "a line holds a JSON array (JSON-RPC batch)", "parsed");
		sj_for_each(it, root) {
			if (k++ == ST_BATCH_MAX)
				break;
			st_message(st, it);
		}
	} else {
		st_message(st, root);
	}
	st_check_decision(st);
	return 0;
}

static int st_frame_cb(void *ctx, enum stratum_frame_ev ev, const uint8_t *line, size_t n)
{
	struct stratum_state *st = ctx;

	switch (ev) {
	case STRATUM_FRAME_LINE:
		return st_json(st, line, n);
	case STRATUM_FRAME_OVERLONG:
		CTR_INC(st, line_too_long);
		st_anomaly(st, st->dir ? AO_LONG1 : AO_LONG0, "stratum.line_too_long",
		    "a line is longer than stratum_max_line", "discarded until LF");
		/* A miner never needs such a line; before the flow is known
		 * to be Stratum it is reason enough to stop looking. */
		return st_decided(st) ? 0 : ST_STOP;
	case STRATUM_FRAME_RESYNC:
		CTR_INC(st, gaps_resynced);
		return 0;
	case STRATUM_FRAME_EOF_PARTIAL:
		CTR_INC(st, eof_partial_lines);
		return 0;
	}
	return 0;
}

static int st_http_cb(void *ctx, int dir, const uint8_t *body, size_t n)
{
	struct stratum_state *st = ctx;
	size_t i = 0;

	(void)dir;
	while (i < n && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' ||
	    body[i] == '\n'))
		i++;
	if (i == n)
		return 0;
	if (st_json(st, body + i, n - i) != 0)
		return ST_STOP;
	/* Basic credentials name the miner's account (bitcoind-style RPC
	 * user, or a pool's worker login). */
	if (st->ss != NULL && st->http->have_auth && !st->ss->have_login) {
		stratum_login_split(st->ss, st->http->user);
		stratum_session_set(st->ss, SST_PASSWORD, SS_SHORT_MAX, st->http->pass);
	}
	return 0;
}

/* ---- byte classes ---------------------------------------------------- */

static int st_is_ws(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int st_printable(const uint8_t *d, size_t n)
{
	size_t i, text = 0;

	for (i = 0; i < n; i++)
		if ((d[i] >= 0x20 && d[i] < 0x7f) || st_is_ws(d[i]))
			text++;
	return text * 10 >= n * 9; /* 90% text */
}

/* ---- Stratum V2 ------------------------------------------------------ */

static int st_sv2_plain(struct stratum_state *st, const struct sw_slice *sl)
{
	struct stratum_sv2_setup su;
	struct st_sv2_plain *p = st->sv2.plain;
	size_t take;
	int r;

	if (st_decided(st) || sl->dir != SW_DIR_TO_SERVER || sl->len == 0)
		return 0;
	if (p == NULL) {
		if ((p = malloc(sizeof(*p))) == NULL)
			return ST_STOP;
		p->len = 0;
		st->sv2.plain = p;
	}
	take = STRATUM_SV2_SETUP_MAX - p->len;
	if (take > sl->len)
		take = sl->len;
	memcpy(p->buf + p->len, sl->data, take);
	p->len += (uint32_t)take; /* <= STRATUM_SV2_SETUP_MAX */
	r = stratum_sv2_setup(p->buf, p->len, &su);
	if (r < 0)
		return ST_STOP;
	if (r == 0)
		return (sl->flags & SW_SLICE_EOF) ? ST_STOP : 0;
	st_session(st);
	st->ss->evidence |= STRATUM_EV_SV2_SETUP;
	st->ss->sv2 = 1;
	if (su.endpoint_host[0] != '\0')
		stratum_session_set(st->ss, SST_POOL_HOST, SS_HOST_MAX, su.endpoint_host);
	if (su.vendor[0] != '\0') {
		/* "vendor firmware", cut at the agent cap */
		char agent[2 * sizeof(su.vendor) + 2];

		snprintf(agent, sizeof(agent), "%s%s%s", su.vendor,
		    su.firmware[0] ? " " : "", su.firmware);
		stratum_session_set(st->ss, SST_AGENT, SS_AGENT_MAX, agent);
	}
	free(p);
	st->sv2.plain = NULL;
	st_check_decision(st);
	return 0;
}

/* Noise NX: client 64 bytes, then server 234 bytes, then anything. The
 * sizes are counted per turn (a turn ends when the other side speaks or
 * the direction ends), so segmenting does not matter. */
static int st_sv2_noise(struct stratum_state *st, const struct sw_slice *sl)
{
	struct st_sv2_noise *nz = st->sv2.noise;

	if (st_decided(st) || (sl->len == 0 && !(sl->flags & SW_SLICE_EOF)))
		return 0;
	if (nz == NULL) {
		if ((nz = calloc(1, sizeof(*nz))) == NULL)
			return ST_STOP;
		st->sv2.noise = nz;
	}
	if (st->noise_stage == 0) {
		if (sl->dir == SW_DIR_TO_SERVER) {
			if (sl->len > STRATUM_SV2_NOISE_C2S - nz->turn[0])
				return ST_STOP;
			if (sl->len > 0) /* an EOF slice may carry no data pointer */
				memcpy(nz->c2s + nz->turn[0], sl->data, sl->len);
			nz->turn[0] += sl->len;
			return 0;
		}
		/* An ElligatorSwift key looks random, never like text. */
		if (nz->turn[0] != STRATUM_SV2_NOISE_C2S ||
		    st_printable(nz->c2s, STRATUM_SV2_NOISE_C2S))
			return ST_STOP;
		st->noise_stage = 1;
	}
	if (sl->dir == SW_DIR_TO_CLIENT) {
		nz->turn[1] += sl->len;
		if (nz->turn[1] > STRATUM_SV2_NOISE_S2C)
			return ST_STOP;
		if (!(sl->flags & SW_SLICE_EOF))
			return 0;
	} else if (sl->len == 0) {
		return 0; /* the client closing says nothing about the reply */
	}
	if (nz->turn[1] != STRATUM_SV2_NOISE_S2C)
		return ST_STOP;
	st->noise_stage = 2;
	free(nz); /* the handshake is proven: its counts are not needed again */
	st->sv2.noise = NULL;
	st_session(st);
	st->ss->evidence |= STRATUM_EV_SV2_NOISE;
	st->ss->sv2 = 2;
	st->sv2_encrypted = 1;
	st_check_decision(st);
	return 0;
}

/* ---- probe ------------------------------------------------------------- */

static int st_ascii_ieq(uint8_t a, char b)
{
	if (a >= 'A' && a <= 'Z')
		a = (uint8_t)(a - 'A' + 'a');
	return a == (uint8_t)b;
}

/* Case-insensitive search for word in data[0..n). */
static int st_contains_ci(const uint8_t *data, size_t n, const char *word)
{
	size_t wl = strlen(word), i, j;

	for (i = 0; i + wl <= n; i++) {
		for (j = 0; j < wl && st_ascii_ieq(data[i + j], word[j]); j++)
			;
		if (j == wl)
			return 1;
	}
	return 0;
}

/* 1 when data[0..n) starts with word (any case). */
static int st_starts_ci(const uint8_t *data, size_t n, const char *word)
{
	size_t j;

	for (j = 0; word[j] != '\0'; j++)
		if (j >= n || !st_ascii_ieq(data[j], word[j]))
			return 0;
	return 1;
}

/* 1 when one of the words below starts at data[i] (any case). */
static int st_mining_word_at(const uint8_t *data, size_t n, size_t i)
{
	static const char *const words[] = {
		"getwork", "getblocktemplate", "submitblock", "mining",
	};
	uint8_t c = data[i] | 0x20; /* 'G' and 'g' alike */
	size_t k;

	for (k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		if (words[k][0] == c && st_starts_ci(data + i, n - i, words[k]))
			return 1;
	return 0;
}

/* 1 when data[0..n) names getwork, getblocktemplate, submitblock or
 * mining (any case). One pass that stops only where a name's first two
 * letters are, "ge", "su" or "mi": four st_contains_ci calls walked the
 * window four times. They are found sixteen bytes at a time (SSE2: every
 * x86-64): a byte at a time, an HTTP POST's 512-byte window cost 1,200
 * instructions; and by the first letter alone every s of a header
 * ("Host", "Accept-Encoding") was a call, 10,600 on the heavy head. (OR
 * 0x20 makes the upper-case letters lower and no other byte one of
 * these: what it lets through is a superset, which the call checks.) */
static int st_names_mining(const uint8_t *data, size_t n)
{
	size_t i = 0;

#if defined(__SSE2__)
	const __m128i low = _mm_set1_epi8(0x20), g = _mm_set1_epi8('g'),
	    s = _mm_set1_epi8('s'), m = _mm_set1_epi8('m'), e = _mm_set1_epi8('e'),
	    u = _mm_set1_epi8('u'), ii = _mm_set1_epi8('i');

	/* (the second letters are read one byte on: 17 bytes) */
	for (; i + 17 <= n; i += 16) {
		__m128i v = _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)
		    (data + i)), low);
		__m128i w = _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)
		    (data + i + 1)), low);
		unsigned bits = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(
		    _mm_and_si128(_mm_cmpeq_epi8(v, g), _mm_cmpeq_epi8(w, e)),
		    _mm_and_si128(_mm_cmpeq_epi8(v, s), _mm_cmpeq_epi8(w, u))),
		    _mm_and_si128(_mm_cmpeq_epi8(v, m), _mm_cmpeq_epi8(w, ii))));

		for (; bits != 0; bits &= bits - 1)
			if (st_mining_word_at(data, n, i + (size_t)__builtin_ctz(bits)))
				return 1;
	}
#endif
	for (; i < n; i++) {
		uint8_t c = data[i] | 0x20;

		if ((c == 'g' || c == 's' || c == 'm') && st_mining_word_at(data, n, i))
			return 1;
	}
	return 0;
}

/* 1 when data[0..len) holds a whole HTTP request: the head and, if it
 * has a Content-Length, that many body bytes. Lets the probe say NO to a
 * short request that named none of the getwork methods. */
static int st_http_request_complete(const uint8_t *data, size_t len)
{
	const uint8_t *p = data, *end = data + len, *cr, *nl;
	size_t i, hdr = 0, clen = 0;

	/* the head's end, from one '\r' to the next (memchr), and then the
	 * header lines from one '\n' to the next: a byte at a time both
	 * cost 1,900 instructions a request */
	while (end - p >= 4 && (cr = memchr(p, '\r', (size_t)(end - p) - 3)) != NULL) {
		if (cr[1] == '\n' && cr[2] == '\r' && cr[3] == '\n') {
			hdr = (size_t)(cr - data) + 4;
			break;
		}
		p = cr + 1;
	}
	if (hdr == 0)
		return 0;
	for (i = 0; i + 16 <= hdr; i = (size_t)(nl - data) + 1) {
		if (st_ascii_ieq(data[i], 'c') && st_contains_ci(data + i, 15, "content-length:")) {
			size_t j = i + 15;

			while (j < hdr && data[j] == ' ')
				j++;
			for (; j < hdr && data[j] >= '0' && data[j] <= '9'; j++) {
				clen = clen * 10 + (size_t)(data[j] - '0');
				if (clen > ST_PROBE_POST_WINDOW)
					return 1; /* the window ends before it */
			}
			break;
		}
		if ((nl = memchr(data + i, '\n', hdr - i)) == NULL)
			break;
	}
	return len - hdr >= clen;
}

/* Probe (sw_dissector.h): no allocation, no state.
 *  - leading whitespace skipped; nothing else yet: MAYBE;
 *  - '{' (either side): YES (a JSON-lines candidate; parse decides);
 *  - "POST " from the client: YES when the first 512 bytes name getwork,
 *    getblocktemplate, submitblock or mining (case-insensitive); NO when
 *    512 bytes or a whole request (head + Content-Length body) named none
 *    of them; MAYBE before that;
 *  - a SetupConnection prefix (00 00 00 len len len, protocol <= 2,
 *    versions 2..2) from the client: YES (MAYBE while under 11 bytes);
 *  - exactly 64 bytes of non-text from the client: YES, the size of a
 *    Noise NX first message (parse checks the server's 234-byte reply and
 *    gives the flow up otherwise);
 *  - anything else: NO. */
static enum sw_probe stratum_probe(const uint8_t *data, size_t len, int dir)
{
	size_t i = 0;

	while (i < len && st_is_ws(data[i]))
		i++;
	if (i == len)
		return SW_PROBE_MAYBE;
	if (data[i] == '{')
		return SW_PROBE_YES;
	if (dir != SW_DIR_TO_SERVER)
		return SW_PROBE_NO;
	if (i == 0 && len >= 1 && data[0] == 'P') {
		size_t w = len < ST_PROBE_POST_WINDOW ? len : ST_PROBE_POST_WINDOW;

		if (len < 5)
			return memcmp(data, "POST ", len) == 0 ? SW_PROBE_MAYBE : SW_PROBE_NO;
		if (memcmp(data, "POST ", 5) != 0)
			return SW_PROBE_NO;
		if (st_names_mining(data, w))
			return SW_PROBE_YES;
		if (len >= ST_PROBE_POST_WINDOW || st_http_request_complete(data, len))
			return SW_PROBE_NO;
		return SW_PROBE_MAYBE;
	}
	if (i == 0 && data[0] == 0) {
		struct stratum_sv2_setup su;
		int r = stratum_sv2_setup(data, len, &su);

		if (r > 0 || (r == 0 && len >= 11))
			return SW_PROBE_YES;
		if (r == 0)
			return SW_PROBE_MAYBE;
	}
	if (i == 0 && len == STRATUM_SV2_NOISE_C2S && !st_printable(data, len) &&
	    data[0] != 0x16 && data[0] != 0x05)
		return SW_PROBE_YES;
	return SW_PROBE_NO;
}

/* ---- state ------------------------------------------------------------- */

static void *stratum_state_new(const struct sw_limits *limits)
{
	struct stratum_state *st = calloc(1, sizeof(*st));
	size_t max_line = limits ? limits->stratum_max_line : 0;

	if (st == NULL)
		return NULL;
	stratum_frame_init(&st->fr[0], max_line);
	stratum_frame_init(&st->fr[1], max_line);
	return st;
}

static void stratum_state_free(void *state)
{
	struct stratum_state *st = state;

	if (st == NULL)
		return;
	st_free_heavy(st);
	free(st);
}

static size_t stratum_state_size(const void *state)
{
	const struct stratum_state *st = state;
	size_t n;

	if (st == NULL)
		return 0;
	n = sizeof(*st) + stratum_frame_heap(&st->fr[0]) + stratum_frame_heap(&st->fr[1]) +
	    (st->ss != NULL ? stratum_session_heap_beside(st->ss) : 0);
	if (st->http != NULL)
		n += sizeof(*st->http) + stratum_http_heap(st->http);
	if (st->sv2.plain != NULL)
		n += st->mode == MODE_SV2 ? sizeof(*st->sv2.plain) : sizeof(*st->sv2.noise);
	return n;
}

/* ---- parse ------------------------------------------------------------- */

/* Choose a non-JSON framing from the first bytes of the flow, d[0..n)
 * (JSON, which may follow whitespace, is picked by the caller). *more is set when the bytes are
 * a prefix of "POST " and a later slice must decide. Binary that is not a
 * SetupConnection is tried as a Noise handshake, which checks its own
 * shape (64 opaque bytes, then 234). */
static enum st_mode st_pick_mode(const uint8_t *d, size_t n, int dir, int *more)
{
	*more = 0;
	if (n == 0 || dir != SW_DIR_TO_SERVER)
		return MODE_UNKNOWN;
	if (d[0] == 'P') {
		if (n < 5 && memcmp(d, "POST ", n) == 0) {
			*more = 1;
			return MODE_UNKNOWN;
		}
		return (n >= 5 && memcmp(d, "POST ", 5) == 0) ? MODE_HTTP : MODE_UNKNOWN;
	}
	if (d[0] == 0) {
		struct stratum_sv2_setup su;

		return stratum_sv2_setup(d, n, &su) >= 0 ? MODE_SV2 : MODE_UNKNOWN;
	}
	/* judge the first bytes together: one random key byte is text
	 * more than a third of the time */
	if (st_printable(d, n))
		return MODE_UNKNOWN;
	return MODE_NOISE;
}

/* (inlined: one call less for every slice of every Stratum flow) */
static inline __attribute__((always_inline)) int
st_dispatch(struct stratum_state *st, const struct sw_slice *sl)
{
	int r = 0;

	switch (st->mode) {
	case MODE_JSON:
		r = stratum_frame_feed(&st->fr[st->dir], sl->data, sl->len, sl->flags,
		    st_frame_cb, st);
		if (r == SW_ERR_NOMEM)
			r = 0; /* the framer dropped the line and resyncs */
		break;
	case MODE_HTTP:
		r = stratum_http_feed(st->http, st->dir, sl->data, sl->len, sl->flags,
		    st_http_cb, st);
		if (r != 0 && st_decided(st)) {
			/* Unframeable HTTP after a decision (a gap, chunked
			 * coding): keep what we know, read no further. */
			st->stopped = 1;
			r = 0;
		}
		break;
	case MODE_SV2:
		r = st_sv2_plain(st, sl);
		break;
	case MODE_NOISE:
		r = st_sv2_noise(st, sl);
		break;
	default:
		break;
	}
	return r;
}

/* Mode not chosen yet: pick it from the held prefix plus this slice, then
 * replay the prefix. Returns 0 (possibly still undecided) or ST_STOP. */
static int st_first_bytes(struct stratum_state *st, const struct sw_slice *sl, int *done)
{
	uint8_t look[8];
	size_t n = 0, i;
	int more;

	*done = 0;
	if (st->pre_len > 0 && sl->dir != st->pre_dir)
		return ST_STOP; /* "PO" and then the other side spoke */
	if (st->pre_len == 0) {
		/* Leading whitespace alone decides nothing (JSON framing
		 * skips blank lines; other framings must start at byte 0). */
		for (i = 0; i < sl->len && st_is_ws(sl->data[i]); i++)
			;
		if (i == sl->len) {
			*done = 1;
			return 0;
		}
		if (sl->data[i] == '{' || sl->data[i] == '[') {
			st->mode = MODE_JSON;
			return 0;
		}
		if (i > 0)
			return ST_STOP;
	}
	for (i = 0; i < st->pre_len && n < sizeof(look); i++)
		look[n++] = st->pre[i];
	for (i = 0; i < sl->len && n < sizeof(look); i++)
		look[n++] = sl->data[i];
	st->mode = (uint8_t)st_pick_mode(look, n, st->dir, &more);
	if (more) {
		memcpy(st->pre + st->pre_len, sl->data, sl->len); /* n < 5: fits pre[4] */
		st->pre_len = (uint8_t)(st->pre_len + sl->len);
		st->pre_dir = st->dir;
		*done = 1;
		return 0;
	}
	if (st->mode == MODE_UNKNOWN)
		return ST_STOP;
	if (st->mode == MODE_HTTP) {
		st->http = malloc(sizeof(*st->http));
		if (st->http == NULL)
			return ST_STOP;
		stratum_http_init(st->http, st_limits(st) != NULL ?
		    st_limits(st)->stratum_max_line : 0);
	}
	if (st->pre_len > 0) {
		struct sw_slice held = *sl;
		uint8_t copy[sizeof(look)];
		int r;

		memcpy(copy, st->pre, st->pre_len);
		held.data = copy;
		held.len = st->pre_len;
		held.flags = (uint8_t)(sl->flags & ~SW_SLICE_EOF);
		st->pre_len = 0;
		if ((r = st_dispatch(st, &held)) != 0)
			return r;
	}
	return 0;
}

static struct sw_result stratum_parse(void *state, const struct sw_slice *sl,
    const struct sw_app_env *env)
{
	struct stratum_state *st = state;
	struct sw_result res = { SW_PARSE_OK, sl->len };
	int r = 0;

	if (st->phase == PH_GAVE_UP || st->stopped) {
		res.status = SW_PARSE_ERROR;
		res.consumed = 0;
		return res;
	}
	if (sl->len == 0 && st->mode == MODE_JSON && !(sl->flags & SW_SLICE_GAP) &&
	    stratum_frame_empty(&st->fr[sl->dir ? SW_DIR_TO_CLIENT : SW_DIR_TO_SERVER]))
		/* A direction's end (reasm close_dir) with no partial line
		 * held: the framer has nothing to finish and nothing is
		 * counted, so nothing the verdict reads moves (st_verdict_note
		 * would find it as the last parse left it). Every Stratum
		 * flow's two ends went through both for nothing, 130
		 * instructions each. */
		return res;
	st->env = env;
	st->dir = sl->dir ? SW_DIR_TO_CLIENT : SW_DIR_TO_SERVER;
	if (st->ss != NULL)
		stratum_session_prefetch(st->ss);
	if (sl->len > 0) {
		if (!st->seen) {
			st->seen = 1;
			st->first_seen = sl->ts_usec;
		}
		st->last_seen = sl->ts_usec;
		st->bytes[st->dir] += sl->len;
	}
	if (st->mode == MODE_UNKNOWN && sl->len > 0) {
		int consumed_all;

		r = st_first_bytes(st, sl, &consumed_all);
		if (r != 0 || consumed_all)
			goto done;
	}
	if (r == 0 && !st->stopped)
		r = st_dispatch(st, sl);
	if (r == 0 && st->stopped) {
		res.status = SW_PARSE_ERROR;
		res.consumed = 0;
		goto out;
	}
done:
	if (r != 0) {
		st_give_up(st);
		res.status = SW_PARSE_ERROR;
		res.consumed = 0;
	}
out:
	st_verdict_note(st);
	st->env = NULL;
	return res;
}

/* ---- facts and emit ------------------------------------------------------ */

static const char *st_nz(const char *s)
{
	return (s != NULL && s[0] != '\0') ? s : NULL;
}

static void stratum_facts(void *state, struct sw_facts *out)
{
	struct stratum_state *st = state;
	const struct stratum_session *s = st->ss;
	enum stratum_dialect d;

	if (!st_decided(st) || s == NULL)
		return;
	if (st->env == NULL) {
		/* Between parses: the dialect and Monero bits st_verdict_note
		 * worked out at the end of the last one (nothing changes the
		 * session in between). Each alert's judgement and each
		 * flow's end worked them out again, 60 instructions. */
		d = (enum stratum_dialect)(uint8_t)(st->vkey_bits >> ST_VKEY_DIALECT_SHIFT);
		out->monero = (uint8_t)(st->vkey_bits >> ST_VKEY_MONERO_SHIFT);
	} else {
		/* inside one (an engine callback): the session may have
		 * changed since */
		d = stratum_dialect_decide(s->evidence, st->mode == MODE_HTTP);
		out->monero = stratum_monero_bits(s, d);
	}
	out->stratum = 1;
	out->dialect = stratum_dialect_name(d);
	out->coin = stratum_coin(s, d);
	out->login = s->have_login ? stratum_session_text(s, SST_LOGIN) : NULL;
	out->wallet = st_nz(stratum_session_text(s, SST_WALLET));
	out->wallet_valid = stratum_session_text(s, SST_WALLET)[0] != '\0' ? s->wallet_valid : -1;
	out->worker = st_nz(stratum_session_text(s, SST_WORKER));
	out->agent = st_nz(stratum_session_text(s, SST_AGENT));
	out->algo = s->nalgos > 0 ? s->algos : st_nz(s->job_algo);
	out->shares_submitted = s->submitted;
	out->shares_accepted = s->accepted;
	out->shares_rejected = s->rejected;
	out->hashrate_hs = stratum_session_hashrate(s, st->first_seen);
	if (stratum_session_text(s, SST_POOL_HOST)[0] != '\0') {
		out->pool_host = stratum_session_text(s, SST_POOL_HOST);
		out->pool_host_via = "stratum";
	}
}

static uint32_t stratum_verdict_epoch(const void *state)
{
	return ((const struct stratum_state *)state)->epoch;
}

struct st_method_out {
	const char *name;
	uint32_t count;
	uint32_t common_len; /* a common name's length (st_emit_method), else 0 */
};

/* Sort the n method counts by name. Insertion sort: a session uses a
 * handful of methods (at most SS_METHODS_MAX), already nearly in order
 * as they were first seen, and qsort's merge sort cost 370 instructions
 * a session in calls and copies. Stable, like glibc's qsort (names are
 * distinct anyway). */
static void st_methods_sort(struct st_method_out *o, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		struct st_method_out t = o[i];

		for (j = i; j > 0 && strcmp(o[j - 1].name, t.name) > 0; j--)
			o[j] = o[j - 1];
		o[j] = t;
	}
}

/* One "name":count of the methods object. A common name
 * (stratum_common_methods) is a literal of letters, '.' and '_', which
 * JSON writes as they are (test_stratum holds every one to that), so it
 * goes out as the key with its length from the table: jw_u64's check of
 * a key known only at run time, byte by byte, cost 140 instructions a
 * name. A name from the wire is checked and escaped, as before. */
static void st_emit_method(struct sw_jw *w, const struct st_method_out *m)
{
	if (m->common_len > 0) {
		jw__key_plain(w, m->name, m->common_len);
		jw__v_u64(w, m->count);
	} else
		jw_u64(w, m->name, m->count);
}

/* From "jobs" to "last_seen" as one fragment (jw_frag_begin): keys,
 * digits, numbers and timestamps, nothing to escape. Through the writer,
 * each key and number cost a room check, a comma and a call (the four
 * counts and the shares object 120 instructions more, each timestamp
 * through jw_str 170). */
static void st_emit_numbers(struct sw_jw *w, const struct stratum_state *st,
    const struct stratum_session *s, double hr)
{
	/* the keys and punctuation (149 bytes), four counts and a height,
	 * three doubles, two timestamps */
	char *q = jw_frag_begin(w, 160 + 4 * 20 + 20 + 3 * JW_DOUBLE_LEN + 2 * SW_TS_LEN);

	if (q == NULL)
		return;
	q = jw_u64_put(s->jobs, jw_frag_lit(q, "\"jobs\":"));
	q = jw_u64_put(s->submitted, jw_frag_lit(q, ",\"shares\":{\"submitted\":"));
	q = jw_u64_put(s->accepted, jw_frag_lit(q, ",\"accepted\":"));
	q = jw_u64_put(s->rejected, jw_frag_lit(q, ",\"rejected\":"));
	*q++ = '}';
	if (s->difficulty > 0)
		q = jw_double_put(s->difficulty, jw_frag_lit(q, ",\"difficulty\":"));
	if (s->height_set)
		q = jw_u64_put(s->height, jw_frag_lit(q, ",\"height\":"));
	if (hr > 0)
		q = jw_double_put(hr, jw_frag_lit(q, ",\"hashrate_hs\":"));
	if (s->reported_set)
		q = jw_double_put(s->reported_hs, jw_frag_lit(q, ",\"hashrate_reported_hs\":"));
	q = sw_ts_put(st->first_seen, jw_frag_lit(q, ",\"first_seen\":\""));
	q = sw_ts_put(st->last_seen, jw_frag_lit(q, "\",\"last_seen\":\""));
	*q++ = '"';
	jw_frag_end(w, q);
}

static void stratum_emit(void *state, const struct sw_emit_env *env)
{
	struct stratum_state *st = state;
	const struct stratum_session *s = st->ss;
	struct st_method_out order[SS_METHODS_MAX];
	enum stratum_dialect d;
	struct sw_jw *w;
	const char *v;
	double hr;
	size_t i;

	if (!st_decided(st) || s == NULL || env == NULL || env->begin == NULL)
		return;
	d = stratum_dialect_decide(s->evidence, st->mode == MODE_HTTP);
	w = env->begin(env->ctx, "stratum", st->last_seen);
	if (w == NULL)
		return;
	jw_obj_open(w, "stratum");
	jw_str(w, "dialect", stratum_dialect_name(d));
	if ((v = stratum_dialect_version(d, s->evidence)) != NULL)
		jw_str(w, "dialect_version", v);
	jw_str(w, "coin", stratum_coin(s, d));
	if (s->have_login)
		jw_str(w, "login", stratum_session_text(s, SST_LOGIN));
	if (stratum_session_text(s, SST_WALLET)[0] != '\0') {
		jw_str(w, "wallet", stratum_session_text(s, SST_WALLET));
		jw_bool(w, "wallet_valid", s->wallet_valid == 1);
	}
	if (stratum_session_text(s, SST_WORKER)[0] != '\0')
		jw_str(w, "worker", stratum_session_text(s, SST_WORKER));
	if (stratum_session_text(s, SST_PASSWORD)[0] != '\0')
		jw_str(w, "password", stratum_session_text(s, SST_PASSWORD));
	if (stratum_session_text(s, SST_AGENT)[0] != '\0')
		jw_str(w, "agent", stratum_session_text(s, SST_AGENT));
	if (stratum_session_text(s, SST_RIG_ID)[0] != '\0')
		jw_str(w, "rig_id", stratum_session_text(s, SST_RIG_ID));
	if (s->nalgos > 0 || s->job_algo[0] != '\0') {
		jw_arr_open(w, "algo");
		if (s->nalgos > 0) {
			const char *a = NULL;

			for (i = 0; i < s->nalgos; i++) {
				a = stratum_session_algo_next(s, a);
				jw_str(w, NULL, a);
			}
		} else
			jw_str(w, NULL, s->job_algo);
		jw_arr_close(w);
	}
	if (stratum_session_text(s, SST_POOL_HOST)[0] != '\0') {
		jw_obj_open(w, "pool");
		jw_str(w, "domain", stratum_session_text(s, SST_POOL_HOST));
		jw_str(w, "via", "stratum");
		jw_obj_close(w);
	} else if (env->pool_domain != NULL) {
		jw_obj_open(w, "pool");
		jw_str(w, "domain", env->pool_domain);
		jw_str(w, "via", env->pool_via ? env->pool_via : "unknown");
		jw_obj_close(w);
	}
	if (d == STRATUM_D_V2)
		jw_bool(w, "encrypted", st->sv2_encrypted);
	hr = stratum_session_hashrate(s, st->first_seen);
	st_emit_numbers(w, st, s, hr);
	for (i = 0; i < s->nmethods; i++) {
		uint16_t n = s->methods[i].name;

		order[i].name = stratum_method_name(s, i);
		order[i].count = s->methods[i].count;
		order[i].common_len = (n & SS_NAME_COMMON) ?
		    stratum_common_method_len[n & ~SS_NAME_COMMON] : 0;
	}
	st_methods_sort(order, s->nmethods);
	jw_obj_open(w, "methods");
	for (i = 0; i < s->nmethods; i++)
		st_emit_method(w, &order[i]);
	jw_obj_close(w);
	if (s->unmatched > 0)
		jw_u64(w, "unmatched_responses", s->unmatched);
	/* method names past SS_METHODS_MAX distinct ones, not tallied */
	if (s->methods_dropped > 0)
		jw_u64(w, "methods_dropped", s->methods_dropped);
	/* a field cut at its cap is said, not hidden (INTERFACE: "as sent") */
	if (s->strings_truncated > 0)
		jw_u64(w, "truncated_fields", s->strings_truncated);
	jw_u64(w, "anomalies", st->anomalies);
	jw_obj_close(w);
	env->end(env->ctx);
}

const struct sw_dissector sw_dissector_stratum = {
	.name = "stratum",
	.ipproto = 6, /* IPPROTO_TCP */
	.default_ports = "3333,3334,4444,5555,7777,8888,9999,14444,45700",
	.probe = stratum_probe,
	.state_new = stratum_state_new,
	.state_free = stratum_state_free,
	.parse = stratum_parse,
	.facts = stratum_facts,
	.verdict_epoch = stratum_verdict_epoch,
	.emit = stratum_emit,
	.state_size = stratum_state_size,
};
