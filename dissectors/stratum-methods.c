/* stratum-methods.c: per-method handling of Stratum messages: params
 * layouts of CryptoNote (reference/stratum.md section 3), Bitcoin V1 and
 * its Zcash/KawPow variants (4, 5.4), EthereumStratum 1.0.0/2.0.0 (5.1,
 * 5.2), eth-proxy (5.3) and getwork over HTTP. Each handler sets an
 * evidence bit (stratum-dialect.h) only when the whole shape matched. */
#include <math.h>
#include <string.h>
#include <strings.h>

#include "sw_difficulty.h"
#include "sw_wallet.h"
#include "stratum-dialect.h"
#include "stratum-methods.h"

#define MAX_SAFE_INT 9007199254740992.0 /* 2^53 */

/* v is a string of min..max hex digits after an optional 0x (the
 * parser's length: no scan for it) */
static int hex_len_ok(const struct sj_node *v, size_t min, size_t max)
{
	return stratum_is_hex_node(v, min, max, 1);
}

/* A host name or address as a pool would send it: 1..253 bytes of
 * letters, digits, '.', '-', '_' and ':' (IPv6). */
static int host_shaped(const char *h)
{
	size_t i;

	if (h == NULL || h[0] == '\0')
		return 0;
	for (i = 0; h[i] != '\0'; i++) {
		char c = h[i];

		if (i >= SS_HOST_MAX)
			return 0;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' ||
		    c == ':'))
			return 0;
	}
	return 1;
}

static void set_pool_host(struct stratum_session *s, const char *h)
{
	/* The first host the protocol named wins: a later client.reconnect
	 * is recorded only when nothing was named before. */
	if (stratum_session_text(s, SST_POOL_HOST)[0] == '\0' && host_shaped(h))
		stratum_session_set(s, SST_POOL_HOST, SS_HOST_MAX, h);
}

/* Field dst = string v (absent or another type: unchanged), at the
 * length the parser noted. */
static void set_text(struct stratum_session *s, enum stratum_text dst, size_t cap,
    const struct sj_node *v)
{
	if (sj_is_string(v))
		stratum_session_setn(s, dst, cap, v->v.s, sj_string_len(v));
}

static void set_if_empty(struct stratum_session *s, enum stratum_text dst, size_t cap,
    const char *v)
{
	if (stratum_session_text(s, dst)[0] == '\0' && v != NULL)
		stratum_session_set(s, dst, cap, v);
}

/* Parse a hex number (optional 0x, leading zeros allowed) of at most 16
 * significant digits. Returns 0 and *v, or -1 (bad or too large). */
static int hex_u64(const char *s, uint64_t *v)
{
	uint64_t x = 0;
	size_t sig = 0;

	if (s == NULL)
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		char c = *s;
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return -1;
		if (x != 0 || d != 0)
			sig++;
		if (sig > 16)
			return -1;
		x = x << 4 | d;
	}
	*v = x;
	return 0;
}

/* A height or other count carried as a JSON number. */
static int num_u64(const struct sj_node *it, uint64_t *v, unsigned *hf)
{
	double d;

	if (!sj_is_number(it))
		return -1;
	d = it->v.d;
	if (!isfinite(d) || d < 0 || d > MAX_SAFE_INT) {
		*hf |= STRATUM_HF_NUM_RANGE;
		return -1;
	}
	*v = (uint64_t)d;
	return 0;
}

static void set_height(struct stratum_session *s, uint64_t h)
{
	s->height = h;
	s->height_set = 1;
}

static void set_boundary_diff(struct stratum_session *s, const char *hex)
{
	double d = diff_from_boundary(hex, strlen(hex));

	if (d > 0)
		stratum_session_set_diff(s, d, SS_DIFF_PLAIN);
}

static void note_coin(struct stratum_session *s, const char *c)
{
	if (c != NULL && (strcasecmp(c, "xmr") == 0 || strcasecmp(c, "monero") == 0))
		s->coin_named_xmr = 1;
}

/* ---- CryptoNote (section 3) ---------------------------------------- */

/* The members of a job object that cn_job reads, NULL when absent. */
struct cn_job_members {
	const struct sj_node *blob, *job_id, *target, *algo, *height, *coin;
};

/* Find them in one walk of the object: a lookup each walked the members
 * six times, at every job (the most common message of a CryptoNote
 * session). The first of duplicates is kept, as sj_object_get does. */
static void cn_job_find(const struct sj_node *job, struct cn_job_members *f)
{
	const struct sj_node *it, **slot;

	memset(f, 0, sizeof(*f));
	if (!sj_is_object(job))
		return;
	sj_for_each(it, job) {
		const char *k = it->key;

		if (k == NULL)
			continue;
		switch (k[0]) {
		case 'b': slot = STRATUM_KEY_IS(k, "blob") ? &f->blob : NULL; break;
		case 'j': slot = STRATUM_KEY_IS(k, "job_id") ? &f->job_id : NULL; break;
		case 't': slot = STRATUM_KEY_IS(k, "target") ? &f->target : NULL; break;
		case 'a': slot = STRATUM_KEY_IS(k, "algo") ? &f->algo : NULL; break;
		case 'h': slot = STRATUM_KEY_IS(k, "height") ? &f->height : NULL; break;
		case 'c': slot = STRATUM_KEY_IS(k, "coin") ? &f->coin : NULL; break;
		default: slot = NULL; break;
		}
		if (slot != NULL && *slot == NULL)
			*slot = it;
	}
}

/* A job object {blob, job_id, target, algo?, height?, id?}. */
static void cn_job(struct stratum_session *s, const struct sj_node *job, uint64_t ts, unsigned *hf)
{
	struct cn_job_members f;
	const char *jid, *target, *algo;
	uint64_t h;

	cn_job_find(job, &f);
	jid = sj_string(f.job_id);
	target = sj_string(f.target);
	algo = sj_string(f.algo);
	if (jid == NULL || target == NULL || !stratum_is_hex_node(f.blob, 16, 1024, 0) ||
	    !(stratum_is_hex_node(f.target, 8, 8, 0) || stratum_is_hex_node(f.target, 16, 16, 0)))
		return;
	s->evidence |= STRATUM_EV_CN_JOB;
	stratum_session_job(s, ts);
	stratum_session_set_diff(s, (double)diff_from_xmr_target(target,
	    sj_string_len(f.target)), SS_DIFF_PLAIN);
	if (algo != NULL) {
		stratum_session_copy(s, s->job_algo, SS_ALGO_LEN, algo);
		s->job_coin = stratum_algo_coin_id(s->job_algo);
	}
	if (num_u64(f.height, &h, hf) == 0)
		set_height(s, h);
	note_coin(s, sj_string(f.coin));
}

/* The bytes the strings of an "algo" array take in the session's list
 * (stratum_session_algo_add: the first SS_ALGO_MAX, each cut at
 * SS_ALGO_LEN, with its NUL), from the lengths the parser noted: never
 * less (a name with a NUL inside is stored shorter). XMRig lists 31
 * names, about 300 bytes: the list grew 64, 128, 256, 512 and was cut
 * back, four reallocs a login. */
static size_t algo_list_bytes(const struct sj_node *algo)
{
	const struct sj_node *a;
	size_t bytes = 0, n = 0;

	sj_for_each(a, algo) {
		if (n == SS_ALGO_MAX)
			break;
		if (!sj_is_string(a))
			continue;
		bytes += (a->count < SS_ALGO_LEN ? a->count : SS_ALGO_LEN) + 1;
		n++;
	}
	return bytes;
}

/* The members of login params that cn_login reads, NULL when absent. */
struct cn_login_members {
	const struct sj_node *login, *pass, *agent, *rigid, *algo, *coin;
};

/* Found in one walk, as cn_job_find does (a lookup each walked the
 * members six times); the first of duplicates is kept. */
static void cn_login_find(const struct sj_node *p, struct cn_login_members *f)
{
	const struct sj_node *it, **slot;

	memset(f, 0, sizeof(*f));
	if (!sj_is_object(p))
		return;
	sj_for_each(it, p) {
		const char *k = it->key;

		if (k == NULL)
			continue;
		switch (k[0]) {
		case 'l': slot = STRATUM_KEY_IS(k, "login") ? &f->login : NULL; break;
		case 'p': slot = STRATUM_KEY_IS(k, "pass") ? &f->pass : NULL; break;
		case 'a':
			slot = STRATUM_KEY_IS(k, "agent") ? &f->agent :
			    STRATUM_KEY_IS(k, "algo") ? &f->algo : NULL;
			break;
		case 'r': slot = STRATUM_KEY_IS(k, "rigid") ? &f->rigid : NULL; break;
		case 'c': slot = STRATUM_KEY_IS(k, "coin") ? &f->coin : NULL; break;
		default: slot = NULL; break;
		}
		if (slot != NULL && *slot == NULL)
			*slot = it;
	}
}

static void cn_login(struct stratum_session *s, const struct stratum_msg *m,
    int dir, uint64_t ts, unsigned *hf)
{
	const struct sj_node *p = m->params, *algo, *a;
	const char *c;
	const char *slot;
	uint8_t id;
	struct cn_login_members f;
	const char *login, *pass, *agent;
	struct stratum_text_batch tb;

	if (!sj_is_object(p))
		return;
	cn_login_find(p, &f);
	login = sj_string(f.login);
	pass = sj_string(f.pass);
	agent = sj_string(f.agent);
	algo = f.algo;
	stratum_session_text_begin(s, &tb);
	if (login != NULL)
		stratum_login_splitn(s, login, sj_string_len(f.login));
	set_text(s, SST_PASSWORD, SS_SHORT_MAX, f.pass);
	set_text(s, SST_AGENT, SS_AGENT_MAX, f.agent);
	set_text(s, SST_RIG_ID, SS_SHORT_MAX, f.rigid);
	stratum_session_text_end(s, &tb);
	if (sj_is_array(algo)) {
		stratum_session_algo_clear(s);
		stratum_session_algo_reserve(s, algo_list_bytes(algo));
		s->algos_xmr = 0;
		s->algo0_coin = 0;
		sj_for_each(a, algo) {
			if (s->nalgos == SS_ALGO_MAX) {
				s->strings_truncated++;
				break;
			}
			if (!sj_is_string(a))
				continue;
			if ((slot = stratum_session_algo_add(s, a->v.s)) == NULL) {
				s->strings_truncated++; /* out of memory */
				break;
			}
			/* (slot is the list's last name: it ends at algos_len) */
			id = stratum_algo_coin_idn(slot,
			    (size_t)(s->algos + s->algos_len - 1 - slot));
			if (s->nalgos == 1)
				s->algo0_coin = id;
			c = stratum_coin_of_id(id);
			if (c != NULL && c[0] == 'x' && STRATUM_KEY_IS(c, "xmr"))
				s->algos_xmr = 1;
		}
		stratum_session_algo_fit(s);
	}
	note_coin(s, sj_string(f.coin));
	if (login != NULL && (pass != NULL || agent != NULL || sj_is_array(algo)))
		s->evidence |= STRATUM_EV_CN_LOGIN;
	if (s->wallet_valid == 1 && s->wallet_coin != NULL &&
	    strcmp(s->wallet_coin, "xmr") == 0)
		s->evidence |= STRATUM_EV_CN_WALLET;
	if (stratum_session_push(s, &m->id, SS_REQ_LOGIN, dir, ts))
		*hf |= STRATUM_HF_PENDING;
}

static void cn_submit(struct stratum_session *s, const struct stratum_msg *m,
    int dir, uint64_t ts, unsigned *hf)
{
	const struct sj_node *p = m->params;

	if (!sj_is_object(p) || stratum_json_str(p, "job_id") == NULL)
		return;
	if (stratum_is_hex_node(stratum_json_item(p, "nonce"), 8, 16, 0) &&
	    stratum_is_hex_node(stratum_json_item(p, "result"), 64, 64, 0))
		s->evidence |= STRATUM_EV_CN_SUBMIT;
	s->submitted++;
	if (stratum_session_push(s, &m->id, SS_REQ_SUBMIT, dir, ts))
		*hf |= STRATUM_HF_PENDING;
}

/* ---- mining.* family (sections 4, 5.1, 5.2, 5.4) ------------------- */

static void m_subscribe(struct stratum_session *s, const struct stratum_msg *m,
    int dir, uint64_t ts, unsigned *hf)
{
	const struct sj_node *p = m->params;
	int ok = 0;

	if (p == NULL || sj_is_string(p)) {
		ok = 1; /* ES2: no params, or a session id to resume */
	} else if (sj_is_array(p)) {
		int n = sj_array_size(p);
		const struct sj_node *first = sj_array_get(p, 0);
		const char *proto = stratum_json_arr_str(p, 1);
		const struct sj_node *port = sj_array_get(p, 3);

		ok = n == 0 || (n <= 5 && (sj_is_string(first) || sj_is_null(first)));
		if (ok && sj_is_string(first))
			set_if_empty(s, SST_AGENT, SS_AGENT_MAX, first->v.s);
		if (ok && proto != NULL && strncasecmp(proto, "EthereumStratum/1", 17) == 0)
			s->evidence |= STRATUM_EV_MARK_ES1;
		/* [agent, session-or-null, host, port]: Zcash miners and
		 * GMiner's KawPow name the pool they were pointed at. */
		if (ok && n >= 4 && (sj_is_string(port) || sj_is_number(port)))
			set_pool_host(s, stratum_json_arr_str(p, 2));
	}
	if (!ok)
		return;
	s->evidence |= STRATUM_EV_SUBSCRIBE;
	if (stratum_session_push(s, &m->id, SS_REQ_SUBSCRIBE, dir, ts))
		*hf |= STRATUM_HF_PENDING;
}

static void m_authorize(struct stratum_session *s, const struct stratum_msg *m,
    int dir, uint64_t ts, unsigned *hf)
{
	const struct sj_node *p = m->params, *pw, *userv = sj_array_get(p, 0);
	const char *user = sj_string(userv);
	int n = sj_is_array(p) ? sj_array_size(p) : 0;
	struct stratum_text_batch tb;

	if (user == NULL || n > 4)
		return;
	pw = sj_array_get(p, 1);
	if (n >= 2 && !sj_is_string(pw) && !sj_is_null(pw))
		return;
	s->evidence |= STRATUM_EV_AUTHORIZE;
	stratum_session_text_begin(s, &tb);
	stratum_login_splitn(s, user, sj_string_len(userv));
	set_text(s, SST_PASSWORD, SS_SHORT_MAX, pw);
	stratum_session_text_end(s, &tb);
	if (stratum_session_push(s, &m->id, SS_REQ_AUTHORIZE, dir, ts))
		*hf |= STRATUM_HF_PENDING;
}

static void m_submit(struct stratum_session *s, const struct stratum_msg *m,
    int dir, uint64_t ts, unsigned *hf)
{
	const struct sj_node *p = m->params;

	if (!sj_is_array(p) || sj_array_size(p) < 3 ||
	    stratum_json_arr_str(p, 0) == NULL || stratum_json_arr_str(p, 1) == NULL)
		return;
	s->evidence |= STRATUM_EV_SUBMIT;
	s->submitted++;
	if (stratum_session_push(s, &m->id, SS_REQ_MSUBMIT, dir, ts))
		*hf |= STRATUM_HF_PENDING;
}

static void m_configure(struct stratum_session *s, const struct stratum_msg *m)
{
	const struct sj_node *p = m->params;

	if (sj_is_array(p) && sj_array_size(p) == 2 &&
	    sj_is_array(sj_array_get(p, 0)) &&
	    sj_is_object(sj_array_get(p, 1)))
		s->evidence |= STRATUM_EV_CONFIGURE;
}

static void m_hello(struct stratum_session *s, const struct stratum_msg *m,
    int dir, uint64_t ts, unsigned *hf)
{
	const struct sj_node *p = m->params;
	const char *proto = stratum_json_str(p, "proto");

	if (proto == NULL)
		return;
	s->evidence |= STRATUM_EV_HELLO;
	if (strncasecmp(proto, "EthereumStratum/2", 17) == 0)
		s->evidence |= STRATUM_EV_MARK_ES2;
	set_if_empty(s, SST_AGENT, SS_AGENT_MAX, stratum_json_str(p, "agent"));
	set_pool_host(s, stratum_json_str(p, "host"));
	if (stratum_session_push(s, &m->id, SS_REQ_HELLO, dir, ts))
		*hf |= STRATUM_HF_PENDING;
}

/* 1 when arr holds a 256-bit hash (64 hex digits, optional 0x): every
 * notify layout carries one (prevhash, header hash, seed hash). */
static int has_hash_item(const struct sj_node *arr)
{
	const struct sj_node *it;

	sj_for_each(it, arr)
		if (hex_len_ok(it, 64, 64))
			return 1;
	return 0;
}

static void m_notify(struct stratum_session *s, const struct sj_node *p, uint64_t ts, unsigned *hf)
{
	int n;
	uint64_t h;

	if (!sj_is_array(p) || (n = sj_array_size(p)) < 4 ||
	    stratum_json_arr_str(p, 0) == NULL || !has_hash_item(p))
		return;
	s->evidence |= STRATUM_EV_NOTIFY;
	stratum_session_job(s, ts);
	if (n == 8 && hex_len_ok(sj_array_get(p, 1), 8, 8) &&
	    hex_len_ok(sj_array_get(p, 2), 64, 64) &&
	    hex_len_ok(sj_array_get(p, 3), 64, 64) &&
	    hex_len_ok(sj_array_get(p, 4), 64, 64) &&
	    sj_is_bool(sj_array_get(p, 7))) {
		/* Zcash: [job, version, prevhash, merkleroot, reserved,
		 * time, bits, clean] */
		s->evidence |= STRATUM_EV_MARK_ZEC;
	} else if (n == 7 && hex_len_ok(sj_array_get(p, 1), 64, 64) &&
	    hex_len_ok(sj_array_get(p, 2), 64, 64) &&
	    hex_len_ok(sj_array_get(p, 3), 1, 64) &&
	    sj_is_bool(sj_array_get(p, 4))) {
		/* KawPow: [job, header, seed, target, clean, height, bits] */
		s->evidence |= STRATUM_EV_MARK_KAWPOW;
		set_boundary_diff(s, stratum_json_arr_str(p, 3));
		if (num_u64(sj_array_get(p, 5), &h, hf) == 0)
			set_height(s, h);
	} else if (n == 4) {
		const struct sj_node *lastv = sj_array_get(p, 3);
		const char *last = sj_string(lastv);

		if (last != NULL && sj_string_len(lastv) <= 1) {
			/* ES2: [job, block number (hex), header, clean "0"/"1"] */
			if (hex_u64(stratum_json_arr_str(p, 1), &h) == 0)
				set_height(s, h);
		} else if (hex_len_ok(lastv, 8, 64)) {
			/* plain Ethereum stratum: [job, header, seed, boundary] */
			set_boundary_diff(s, last);
		}
		/* ES1 [job, seed, header, clean(bool)]: difficulty comes
		 * from mining.set_difficulty. */
	}
}

static void m_set_difficulty(struct stratum_session *s, const struct sj_node *p, unsigned *hf)
{
	const struct sj_node *d = sj_array_get(p, 0);

	if (!sj_is_array(p) || !sj_is_number(d))
		return;
	if (!isfinite(d->v.d) || d->v.d > 1e300) {
		*hf |= STRATUM_HF_NUM_RANGE;
		return;
	}
	if (d->v.d <= 0)
		return;
	s->evidence |= STRATUM_EV_SETDIFF;
	stratum_session_set_diff(s, d->v.d, SS_DIFF_BTC);
}

static void m_set_target(struct stratum_session *s, const struct sj_node *p)
{
	const struct sj_node *tv = sj_array_get(p, 0);

	if (!hex_len_ok(tv, 1, 64))
		return;
	/* Zcash and KawPow pools send the 256-bit share target; the
	 * difficulty reported is 2^256/target, i.e. expected hashes (or
	 * Equihash solutions) per share, as for an Ethereum boundary. */
	s->evidence |= STRATUM_EV_SETDIFF;
	set_boundary_diff(s, tv->v.s);
}

static void m_set_es2(struct stratum_session *s, const struct sj_node *p)
{
	const struct sj_node *tv = stratum_json_item(p, "target");
	const char *algo = stratum_json_str(p, "algo");

	if (!sj_is_object(p) || (!sj_is_string(tv) && stratum_json_item(p, "epoch") == NULL))
		return;
	s->evidence |= STRATUM_EV_SETDIFF | STRATUM_EV_MARK_ES2;
	if (hex_len_ok(tv, 1, 64))
		set_boundary_diff(s, tv->v.s);
	if (algo != NULL) {
		stratum_session_copy(s, s->job_algo, SS_ALGO_LEN, algo);
		s->job_coin = stratum_algo_coin_id(s->job_algo);
	}
}

static void set_reported(struct stratum_session *s, const char *hex, unsigned *hf)
{
	uint64_t v;

	if (hex == NULL)
		return;
	if (hex_u64(hex, &v) != 0) {
		if (stratum_is_hex(hex, 1, 64, 1))
			*hf |= STRATUM_HF_NUM_RANGE;
		return;
	}
	s->reported_hs = (double)v;
	s->reported_set = 1;
}

/* ---- eth-proxy (section 5.3) --------------------------------------- */

/* [header 0x+64, seed 0x+64, boundary 0x+hex, height?] */
static int eth_work(struct stratum_session *s, const struct sj_node *r, uint64_t ts)
{
	const struct sj_node *b;
	uint64_t h;

	if (!sj_is_array(r) || sj_array_size(r) < 3 ||
	    !hex_len_ok(sj_array_get(r, 0), 64, 64) ||
	    !hex_len_ok(sj_array_get(r, 1), 64, 64) ||
	    !hex_len_ok((b = sj_array_get(r, 2)), 1, 64))
		return 0;
	s->evidence |= STRATUM_EV_ETH_WORK;
	stratum_session_job(s, ts);
	set_boundary_diff(s, b->v.s);
	if (hex_u64(stratum_json_arr_str(r, 3), &h) == 0)
		set_height(s, h);
	return 1;
}

static void eth_login(struct stratum_session *s, const struct stratum_msg *m,
    int dir, uint64_t ts, unsigned *hf)
{
	const char *user = stratum_json_arr_str(m->params, 0);
	const char *pw = stratum_json_arr_str(m->params, 1);
	const char *worker = stratum_json_str(m->root, "worker");
	struct stratum_text_batch tb;

	if (user == NULL)
		return;
	s->evidence |= STRATUM_EV_ETH_LOGIN;
	stratum_session_text_begin(s, &tb);
	stratum_login_split(s, user);
	stratum_session_set(s, SST_PASSWORD, SS_SHORT_MAX, pw);
	/* The top-level "worker" key names the rig when the login did not. */
	if (worker != NULL && worker[0] != '\0')
		set_if_empty(s, SST_WORKER, SS_SHORT_MAX, worker);
	stratum_session_text_end(s, &tb);
	if (stratum_session_push(s, &m->id, SS_REQ_ETH_LOGIN, dir, ts))
		*hf |= STRATUM_HF_PENDING;
}

static void eth_submitwork(struct stratum_session *s, const struct stratum_msg *m,
    int dir, uint64_t ts, unsigned *hf)
{
	const struct sj_node *p = m->params;

	if (!hex_len_ok(sj_array_get(p, 0), 16, 16) ||
	    !hex_len_ok(sj_array_get(p, 1), 64, 64) ||
	    !hex_len_ok(sj_array_get(p, 2), 64, 64))
		return;
	s->evidence |= STRATUM_EV_ETH_SUBMITWORK;
	s->submitted++;
	if (stratum_session_push(s, &m->id, SS_REQ_ETH_SUBMITWORK, dir, ts))
		*hf |= STRATUM_HF_PENDING;
}

/* ---- getwork / getblocktemplate over HTTP --------------------------- */

static void gw_request(struct stratum_session *s, const struct stratum_msg *m,
    int dir, uint64_t ts, unsigned *hf)
{
	const struct sj_node *p = m->params;
	const char *data = stratum_json_arr_str(p, 0);
	enum stratum_req req = SS_REQ_GW_WORK;

	if (m->method_id == SM_SUBMITBLOCK ||
	    (m->method_id == SM_GETWORK && stratum_is_hex(data, 64, 4096, 0))) {
		if (!stratum_is_hex(data, 64, 1u << 20, 0))
			return;
		req = SS_REQ_GW_SUBMIT;
		s->submitted++;
	} else if (p != NULL && !sj_is_array(p)) {
		return;
	}
	s->evidence |= STRATUM_EV_GW_REQUEST;
	if (stratum_session_push(s, &m->id, req, dir, ts))
		*hf |= STRATUM_HF_PENDING;
}

static int gw_work(struct stratum_session *s, const struct sj_node *r, uint64_t ts, unsigned *hf)
{
	uint64_t h;

	if (stratum_is_hex(stratum_json_str(r, "data"), 64, 4096, 0) &&
	    stratum_is_hex(stratum_json_str(r, "target"), 8, 64, 0)) {
		/* getwork: {data, target, (midstate, hash1)} */
		s->evidence |= STRATUM_EV_GW_WORK;
		stratum_session_job(s, ts);
		return 1;
	}
	if (stratum_is_hex(stratum_json_str(r, "previousblockhash"), 64, 64, 0) &&
	    (stratum_json_str(r, "bits") != NULL || stratum_json_str(r, "target") != NULL) &&
	    num_u64(stratum_json_item(r, "height"), &h, hf) == 0) {
		s->evidence |= STRATUM_EV_GW_WORK;
		stratum_session_job(s, ts);
		set_height(s, h);
		return 1;
	}
	return 0;
}

/* ---- responses ------------------------------------------------------ */

/* How a pool answers a share (sections 3.5, 4, 5): accepted unless an
 * error is present or the result is false; XMRig does the same (it does
 * not check "status"). ES2 codes 2xx are "accepted with a remark". */
static int share_accepted(const struct stratum_msg *m)
{
	if (!stratum_json_is_nullish(m->error)) {
		const struct sj_node *code = stratum_json_item(m->error, "code");

		return sj_is_number(code) && code->v.d >= 200 &&
		    code->v.d < 300;
	}
	return !sj_is_false(m->result);
}

static int subscribe_reply_shaped(const struct stratum_session *s, const struct sj_node *r,
    int *es1)
{
	const struct sj_node *first;
	const char *en1;

	*es1 = 0;
	if (sj_is_string(r))
		return (s->evidence & STRATUM_EV_HELLO) != 0; /* ES2 session id */
	if (!sj_is_array(r) || sj_array_size(r) < 2)
		return 0;
	first = sj_array_get(r, 0);
	en1 = stratum_json_arr_str(r, 1);
	if (en1 == NULL || !(en1[0] == '\0' || stratum_is_hex(en1, 1, 64, 1)))
		return 0;
	if (sj_is_array(first)) {
		/* V1: [[[method, id], ...], en1, en2size];
		 * ES1: [["mining.notify", id, "EthereumStratum/1.0.0"], en1] */
		const char *p2 = stratum_json_arr_str(first, 2);
		const struct sj_node *pair;

		if (p2 != NULL && strncasecmp(p2, "EthereumStratum/1", 17) == 0) {
			*es1 = 1;
			return 1;
		}
		sj_for_each(pair, first)
			if (!sj_is_array(pair) || stratum_json_arr_str(pair, 0) == NULL)
				return 0;
		return sj_is_number(sj_array_get(r, 2));
	}
	/* KawPow / Zcash: [session or null, nonce prefix] */
	return sj_is_null(first) || sj_is_string(first);
}

static unsigned on_response(struct stratum_session *s, const struct stratum_msg *m,
    int dir, uint64_t ts)
{
	struct stratum_pending p;
	const struct sj_node *r = m->result;
	unsigned hf = 0;
	int es1;

	if (!stratum_session_match(s, &m->id, dir, &p)) {
		/* eth-proxy pushes new work as a reply with id 0 (or an id
		 * nobody asked for). */
		if (eth_work(s, r, ts))
			return 0;
		s->unmatched++;
		return STRATUM_HF_UNMATCHED;
	}
	switch ((enum stratum_req)p.req) {
	case SS_REQ_LOGIN:
		if (sj_is_object(r)) {
			set_text(s, SST_SESSION_ID, SS_SHORT_MAX, stratum_json_item(r, "id"));
			cn_job(s, stratum_json_item(r, "job"), ts, &hf);
		}
		break;
	case SS_REQ_GETJOB:
		cn_job(s, r, ts, &hf);
		break;
	case SS_REQ_SUBMIT:
	case SS_REQ_MSUBMIT:
	case SS_REQ_ETH_SUBMITWORK:
	case SS_REQ_GW_SUBMIT:
		stratum_session_share(s, share_accepted(m), &p, ts);
		break;
	case SS_REQ_SUBSCRIBE:
		if (subscribe_reply_shaped(s, r, &es1)) {
			s->evidence |= STRATUM_EV_SUBSCRIBE_REPLY;
			if (es1)
				s->evidence |= STRATUM_EV_MARK_ES1;
		}
		break;
	case SS_REQ_AUTHORIZE:
		if (sj_is_bool(r) || sj_is_string(r))
			s->evidence |= STRATUM_EV_AUTHORIZE_REPLY;
		break;
	case SS_REQ_HELLO: {
		const char *proto = stratum_json_str(r, "proto");

		if (proto != NULL) {
			s->evidence |= STRATUM_EV_HELLO_REPLY;
			if (strncasecmp(proto, "EthereumStratum/2", 17) == 0)
				s->evidence |= STRATUM_EV_MARK_ES2;
		}
		break;
	}
	case SS_REQ_ETH_GETWORK:
	case SS_REQ_ETH_LOGIN:
	case SS_REQ_OTHER:
		eth_work(s, r, ts);
		break;
	case SS_REQ_GW_WORK:
		if (!gw_work(s, r, ts, &hf))
			eth_work(s, r, ts);
		break;
	}
	return hf;
}

/* ---- dispatch -------------------------------------------------------- */

static void push_other(struct stratum_session *s, const struct stratum_msg *m,
    enum stratum_req req, int dir, uint64_t ts, unsigned *hf)
{
	if (m->kind == STRATUM_MSG_REQUEST &&
	    stratum_session_push(s, &m->id, req, dir, ts))
		*hf |= STRATUM_HF_PENDING;
}

unsigned stratum_methods_apply(struct stratum_session *s,
    const struct stratum_msg *m, int dir, uint64_t ts)
{
	unsigned hf = 0;
	const struct sj_node *p = m->params;

	if (m->id_out_of_range)
		hf |= STRATUM_HF_NUM_RANGE;
	if (m->kind == STRATUM_MSG_RESPONSE)
		return hf | on_response(s, m, dir, ts);
	if (m->kind != STRATUM_MSG_REQUEST && m->kind != STRATUM_MSG_NOTIFICATION)
		return hf;
	stratum_session_method_id(s, m->method, m->method_exact ? m->method_id : SM_UNKNOWN);

	/* names compared without case (reference/stratum.md section 9) */
	switch (m->method_id) {
	case SM_LOGIN:
		cn_login(s, m, dir, ts, &hf);
		break;
	case SM_SUBMIT:
		cn_submit(s, m, dir, ts, &hf);
		break;
	case SM_GETJOB:
		push_other(s, m, SS_REQ_GETJOB, dir, ts, &hf);
		break;
	case SM_JOB:
		cn_job(s, p, ts, &hf);
		break;
	case SM_M_SUBSCRIBE:
		m_subscribe(s, m, dir, ts, &hf);
		break;
	case SM_M_AUTHORIZE:
		m_authorize(s, m, dir, ts, &hf);
		break;
	case SM_M_SUBMIT:
		m_submit(s, m, dir, ts, &hf);
		break;
	case SM_M_CONFIGURE:
		m_configure(s, m);
		push_other(s, m, SS_REQ_OTHER, dir, ts, &hf);
		break;
	case SM_M_HELLO:
		m_hello(s, m, dir, ts, &hf);
		break;
	case SM_M_NOTIFY:
		m_notify(s, p, ts, &hf);
		break;
	case SM_M_SET_DIFFICULTY:
		m_set_difficulty(s, p, &hf);
		break;
	case SM_M_SET_TARGET:
		m_set_target(s, p);
		break;
	case SM_M_SET:
		m_set_es2(s, p);
		break;
	case SM_M_HASHRATE:
		set_reported(s, stratum_json_arr_str(p, 0), &hf);
		break;
	case SM_C_RECONNECT:
		set_pool_host(s, stratum_json_arr_str(p, 0));
		break;
	case SM_M_RECONNECT:
		set_pool_host(s, stratum_json_str(p, "host"));
		break;
	case SM_ETH_SUBMITLOGIN:
		eth_login(s, m, dir, ts, &hf);
		break;
	case SM_ETH_GETWORK:
		if (p == NULL || sj_is_array(p)) {
			s->evidence |= STRATUM_EV_ETH_GETWORK;
			push_other(s, m, SS_REQ_ETH_GETWORK, dir, ts, &hf);
		}
		break;
	case SM_ETH_SUBMITWORK:
		eth_submitwork(s, m, dir, ts, &hf);
		break;
	case SM_ETH_SUBMITHASHRATE:
		if (hex_len_ok(sj_array_get(p, 0), 1, 64) &&
		    hex_len_ok(sj_array_get(p, 1), 1, 64)) {
			s->evidence |= STRATUM_EV_ETH_HASHRATE;
			set_reported(s, stratum_json_arr_str(p, 0), &hf);
		}
		/* Not queued: pools rarely answer it (flow A never does). */
		break;
	case SM_GETWORK:
	case SM_GETBLOCKTEMPLATE:
	case SM_SUBMITBLOCK:
		gw_request(s, m, dir, ts, &hf);
		break;
	default:
		push_other(s, m, SS_REQ_OTHER, dir, ts, &hf);
		break;
	}
	return hf;
}
