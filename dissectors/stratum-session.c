/* stratum-session.c: per-connection Stratum state: capped strings, pending
 * requests, shares, difficulty and hashrate (reference/stratum.md
 * sections 3-7; stratum-session.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sw_difficulty.h"
#include "stratum-session.h"

#define SS_DEFAULT_PENDING 64

void stratum_session_init(struct stratum_session *s, size_t max_pending)
{
	memset(s, 0, sizeof(*s)); /* every text field "" */
	if (max_pending == 0)
		max_pending = SS_DEFAULT_PENDING;
	s->max_pending = max_pending < UINT32_MAX ? (uint32_t)max_pending : UINT32_MAX;
	s->wallet_valid = -1;
}

struct stratum_session *stratum_session_new(size_t max_pending)
{
	struct stratum_session *s = malloc(sizeof(*s));

	if (s != NULL)
		stratum_session_init(s, max_pending);
	return s;
}

/* Queues of one entry given back when their request was answered, kept
 * for the next session's request: most sessions have one request in
 * flight at a time, so each request cost a malloc and its reply a free
 * (about 200 instructions a request). A few per thread (no lock; 4 KB),
 * not per session: the tens of thousands of idle sessions hold none.
 * (Eight left a third of the requests to malloc on the heavy
 * benchmark, its sessions' requests overlapping.) */
#define SS_SPARE_QUEUES 32
static _Thread_local struct stratum_pending *ss_spare[SS_SPARE_QUEUES];
static _Thread_local unsigned ss_nspare;

/* Give back s's queue (its requests answered or forgotten). */
static void ss_queue_release(struct stratum_session *s)
{
	if (s->pending_cap == 1 && ss_nspare < SS_SPARE_QUEUES)
		ss_spare[ss_nspare++] = s->pending;
	else
		free(s->pending);
	s->pending = NULL;
	s->pending_cap = 0;
}

void stratum_session_fini(struct stratum_session *s)
{
	ss_queue_release(s);
	free(s->algos);
	if (s->methods != s->methods_inline)
		free(s->methods);
	free(s->method_names);
	free(s->text);
}

void stratum_session_free(struct stratum_session *s)
{
	if (s == NULL)
		return;
	stratum_session_fini(s);
	free(s);
}

size_t stratum_session_heap(const struct stratum_session *s)
{
	return s == NULL ? 0 : sizeof(*s) + stratum_session_heap_beside(s);
}

size_t stratum_session_heap_beside(const struct stratum_session *s)
{
	return s->text_heap + s->pending_cap * sizeof(*s->pending) +
	    s->algos_cap +
	    (s->methods != s->methods_inline ? s->methods_cap * sizeof(*s->methods) : 0) +
	    s->names_cap;
}

/* Grow *arr (cap entries of size each) by doubling from first up to max.
 * Returns 0, or -1 at max or out of memory (the array is unchanged). */
static int ss_grow(void *arr, size_t *cap, size_t size, size_t first, size_t max)
{
	size_t ncap = *cap ? *cap * 2 : first;
	void *np;

	if (*cap >= max)
		return -1;
	if (ncap > max)
		ncap = max;
	if ((np = realloc(*(void **)arr, ncap * size)) == NULL)
		return -1;
	*(void **)arr = np;
	*cap = ncap;
	return 0;
}

_Static_assert(2 * SS_METHODS_INLINE <= SS_METHODS_MAX && SS_METHODS_MAX <= UINT8_MAX,
    "the first heap block of method counts is within the cap; methods_cap is 8-bit");

/* Room for every name at its cap (fits the 16-bit sizes). */
#define SS_ALGOS_BYTES_MAX (SS_ALGO_MAX * (SS_ALGO_LEN + 1))
_Static_assert(SS_ALGOS_BYTES_MAX <= UINT16_MAX, "algos sizes are 16-bit");

const char *stratum_session_algo_add(struct stratum_session *s, const char *src)
{
	size_t n = strnlen(src, SS_ALGO_LEN + 1), cap;
	int cut = n > SS_ALGO_LEN;
	char *dst;

	if (s->nalgos == SS_ALGO_MAX)
		return NULL;
	if (cut)
		n = SS_ALGO_LEN;
	while ((size_t)s->algos_len + n + 1 > s->algos_cap) {
		cap = s->algos_cap;
		if (ss_grow(&s->algos, &cap, 1, 64, SS_ALGOS_BYTES_MAX) != 0)
			return NULL;
		s->algos_cap = (uint16_t)cap;
	}
	if (cut)
		s->strings_truncated++;
	dst = s->algos + s->algos_len;
	memcpy(dst, src, n);
	dst[n] = '\0';
	s->algos_len = (uint16_t)(s->algos_len + n + 1);
	s->nalgos++;
	return dst;
}

void stratum_session_algo_clear(struct stratum_session *s)
{
	s->nalgos = 0;
	s->algos_len = 0;
}

void stratum_session_algo_reserve(struct stratum_session *s, size_t bytes)
{
	void *np;

	if (s->algos_len != 0 || bytes == 0 || bytes > SS_ALGOS_BYTES_MAX ||
	    bytes == s->algos_cap)
		return;
	if ((np = realloc(s->algos, bytes)) == NULL)
		return;
	s->algos = np;
	s->algos_cap = (uint16_t)bytes;
}

void stratum_session_algo_fit(struct stratum_session *s)
{
	void *np;

	if (s->algos_len == s->algos_cap)
		return;
	if (s->algos_len == 0) {
		free(s->algos);
		s->algos = NULL;
		s->algos_cap = 0;
		return;
	}
	if ((np = realloc(s->algos, s->algos_len)) == NULL)
		return; /* keep the larger block */
	s->algos = np;
	s->algos_cap = s->algos_len;
}

_Static_assert(SS_TEXT_BYTES_MAX + 16 < UINT16_MAX, "text offsets and room are 16-bit");

/* The bytes a malloc of want bytes can hold: glibc's chunks grow in
 * 16-byte steps, 8 of each chunk its header, 24 usable at least. Asking
 * for them costs no memory (the chunk is the same) and lets a later
 * field of a few bytes, a password "x", go in without a realloc (a
 * quarter of the appends on the heavy benchmark). With another
 * allocator the rounding is only a guess, and harmless. */
static size_t ss_room(size_t want)
{
	size_t room = ((want + 8 + 15) & ~(size_t)15) - 8;

	return room < 24 ? 24 : room;
}

/* ss_store() for a field that is "" (and n > 0): the block grows by the
 * new text at its end (the other fields' offsets stay). A text that
 * another field ends with is not copied: the field points at that end.
 * XMRig's login is the bare wallet (about 100 bytes a session twice
 * over), and a worker is the end of a wallet.worker login. (A later
 * change of any field rebuilds the block with each field on its own:
 * still right, only larger.)
 *
 * The block's strings are walked for that end, not the eight fields:
 * each string is the text of a field (an append adds one, a rebuild
 * copies only set fields; one left by a failed rebuild is still
 * unchanged text), and a field's text ends where its string does, so
 * the two searches find the same text, with fewer strlen calls. */
static void ss_append(struct stratum_session *s, enum stratum_text dst,
    const char *src, size_t n)
{
	size_t src_off = SIZE_MAX, room;
	uintptr_t a = (uintptr_t)src, b = (uintptr_t)s->text;
	/* (no block yet: nothing to walk; NULL + 0 is not defined C) */
	const char *p = s->text, *end = s->text != NULL ? s->text + s->text_heap : NULL, *e;
	char *nt = s->text;

	for (; p < end; p = e + 1) {
		e = p + strlen(p);
		if ((size_t)(e - p) >= n && e[-1] == src[n - 1] &&
		    memcmp(e - n, src, n) == 0) {
			s->text_off[dst] = (uint16_t)(e - n - s->text + 1);
			return;
		}
	}
	if ((size_t)s->text_heap + n + 1 > s->text_cap) {
		/* A batch's buffer holds every field at its cap: it is full
		 * only of text a failed rebuild left (out of memory). */
		if (s->text_staged) {
			s->strings_truncated++;
			return;
		}
		/* src may be (part of) another field: it moves with the block */
		if (s->text != NULL && a >= b && a < b + s->text_heap)
			src_off = (size_t)(a - b);
		room = ss_room((size_t)s->text_heap + n + 1);
		if ((nt = realloc(s->text, room)) == NULL) {
			s->strings_truncated++;
			return;
		}
		if (src_off != SIZE_MAX)
			src = nt + src_off;
		s->text = nt;
		s->text_cap = (uint16_t)room;
	}
	memcpy(nt + s->text_heap, src, n);
	nt[s->text_heap + n] = '\0';
	s->text_off[dst] = (uint16_t)(s->text_heap + 1);
	s->text_heap = (uint16_t)(s->text_heap + n + 1);
}

/* ss_store() of a field already set, to other text: the block is rebuilt
 * with each set field on its own. Apart (not inlined): it is rare, and
 * its buffer for a batch would cost the common path a stack check. */
static __attribute__((noinline)) void ss_rebuild(struct stratum_session *s,
    enum stratum_text dst, const char *src, size_t n)
{
	size_t len[SST_COUNT], total = n > 0 ? n + 1 : 0, i;
	char *old = s->text, *nt = NULL, *q;
	char tmp[SS_TEXT_BYTES_MAX]; /* a batch's rebuild, copied back */

	for (i = 0; i < SST_COUNT; i++) {
		len[i] = i == dst || s->text_off[i] == 0 ? 0 :
		    strlen(stratum_session_text(s, (enum stratum_text)i)) + 1;
		total += len[i];
	}
	/* (in a batch, past the buffer: only a field past its cap) */
	if (s->text_staged && total <= sizeof(tmp))
		nt = tmp;
	else if (total > 0 && (s->text_staged || (nt = malloc(ss_room(total))) == NULL)) {
		if (n > 0)
			s->strings_truncated++;
		s->text_off[dst] = 0;
		return;
	}
	q = nt;
	for (i = 0; i < SST_COUNT; i++) {
		/* (read through the old offsets, then moved to the new block) */
		size_t k = i == dst ? (n > 0 ? n + 1 : 0) : len[i];

		if (k == 0) {
			s->text_off[i] = 0;
			continue;
		}
		if (i == dst) {
			memcpy(q, src, n);
			q[n] = '\0';
		} else {
			memcpy(q, stratum_session_text(s, (enum stratum_text)i), k);
		}
		s->text_off[i] = (uint16_t)(q - nt + 1);
		q += k;
	}
	s->text_heap = (uint16_t)total;
	if (s->text_staged) {
		memcpy(s->text, tmp, total);
		return;
	}
	free(old);
	s->text = nt;
	s->text_cap = (uint16_t)(total > 0 ? ss_room(total) : 0);
}

/* Field dst = a copy of src[0..n) (n already within the cap), "" for
 * n == 0. A malloc per field cost 16 to 40 bytes of rounding and header
 * each, per session, so the fields share one block. They change a few
 * times per session, so the block is rebuilt at each change. src may
 * point into the old block (freed after the copy). Out of memory, dst
 * becomes "" (counted) and the other fields keep their text in the old
 * block. */
static void ss_store(struct stratum_session *s, enum stratum_text dst,
    const char *src, size_t n)
{
	const char *cur = stratum_session_text(s, dst);

	if (dst == SST_POOL_HOST)
		s->pool_host_gen++;
	if (s->text_off[dst] == 0) {
		/* the usual case, a field set for the first time: append
		 * (a clear of an empty field: nothing to do) */
		if (n > 0)
			ss_append(s, dst, src, n);
		return;
	}
	/* the same text again (a login or password re-sent): nothing to
	 * move */
	if (strlen(cur) == n && memcmp(cur, src != NULL ? src : "", n) == 0)
		return;
	ss_rebuild(s, dst, src, n);
}

void stratum_session_text_begin(struct stratum_session *s, struct stratum_text_batch *b)
{
	b->old = s->text;
	b->old_cap = s->text_cap;
	if (s->text_heap > 0)
		memcpy(b->buf, s->text, s->text_heap);
	s->text = b->buf;
	s->text_cap = (uint16_t)sizeof(b->buf);
	s->text_staged = 1;
}

/* The block is made the size the fields set one at a time leave it:
 * ss_room(text_heap) (each append grows it to that, an append that fits
 * keeps it there, a rebuild makes it that), so memory is what it was. */
void stratum_session_text_end(struct stratum_session *s, struct stratum_text_batch *b)
{
	size_t heap = s->text_heap, room = heap > 0 ? ss_room(heap) : 0, i;
	char *nt = b->old;

	s->text_staged = 0;
	if (heap == 0) {
		free(b->old);
		s->text = NULL;
		s->text_cap = 0;
		return;
	}
	if (room != b->old_cap && (nt = realloc(b->old, room)) == NULL) {
		/* the fields are lost (counted), the old block with them */
		free(b->old);
		for (i = 0; i < SST_COUNT; i++)
			if (s->text_off[i] != 0) {
				s->text_off[i] = 0;
				s->strings_truncated++;
			}
		s->text = NULL;
		s->text_heap = 0;
		s->text_cap = 0;
		return;
	}
	memcpy(nt, b->buf, heap);
	s->text = nt;
	s->text_cap = (uint16_t)room;
}

void stratum_session_set(struct stratum_session *s, enum stratum_text dst, size_t cap,
    const char *src)
{
	size_t n;

	if (src == NULL)
		return;
	n = strnlen(src, cap + 1);
	if (n > cap) {
		n = cap;
		s->strings_truncated++;
	}
	ss_store(s, dst, src, n);
}

void stratum_session_setn(struct stratum_session *s, enum stratum_text dst, size_t cap,
    const char *src, size_t n)
{
	if (n > cap) {
		n = cap;
		s->strings_truncated++;
	}
	ss_store(s, dst, src, n);
}

void stratum_session_clear(struct stratum_session *s, enum stratum_text dst)
{
	ss_store(s, dst, NULL, 0);
}

void stratum_session_copy(struct stratum_session *s, char *dst, size_t cap,
    const char *src)
{
	size_t n;

	if (src == NULL)
		return;
	n = strnlen(src, cap + 1);
	if (n > cap) {
		n = cap;
		s->strings_truncated++;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* One more call of a method already counted (saturating). */
static int ss_bump_method(struct stratum_method_count *m)
{
	if (m->count < UINT32_MAX)
		m->count++;
	return 1;
}

/* Count a method already in methods[] whose name entry is want, or give
 * 0 to add it. */
static int ss_count_method(struct stratum_session *s, uint16_t want)
{
	size_t i;

	for (i = 0; i < s->nmethods; i++)
		if (s->methods[i].name == want)
			return ss_bump_method(&s->methods[i]);
	return 0;
}

void stratum_session_method(struct stratum_session *s, const char *name)
{
	int exact;
	enum stratum_method id = stratum_method_lookup(name,
	    strnlen(name, STRATUM_METHOD_NAME_MAX + 1), &exact);

	stratum_session_method_id(s, name, exact ? id : SM_UNKNOWN);
}

void stratum_session_method_id(struct stratum_session *s, const char *name,
    enum stratum_method id)
{
	size_t i, n = 0, cap;

	if (id != SM_UNKNOWN) {
		/* a common name: its entry is its number */
		if (ss_count_method(s, (uint16_t)(SS_NAME_COMMON | id)))
			return;
	} else {
		/* another name: never equal to a common one, so only the
		 * names held in method_names are compared */
		n = strnlen(name, SS_METHOD_LEN);
		for (i = 0; i < s->nmethods; i++) {
			const char *have;

			if (s->methods[i].name & SS_NAME_COMMON)
				continue;
			have = s->method_names + s->methods[i].name;
			/* have holds at least n bytes when the first n are equal */
			if (strncmp(have, name, n) == 0 && have[n] == '\0' &&
			    ss_bump_method(&s->methods[i]))
				return;
		}
	}
	if (s->nmethods == SS_METHODS_MAX) {
		s->methods_dropped++;
		return;
	}
	if (s->methods == NULL) {
		s->methods = s->methods_inline;
		s->methods_cap = SS_METHODS_INLINE;
	} else if (s->nmethods == s->methods_cap && s->methods == s->methods_inline) {
		/* the session's own slots are full: to the heap, at twice */
		struct stratum_method_count *np = malloc(2 * sizeof(s->methods_inline));

		if (np == NULL) {
			s->methods_dropped++;
			return;
		}
		memcpy(np, s->methods_inline, sizeof(s->methods_inline));
		s->methods = np;
		s->methods_cap = 2 * SS_METHODS_INLINE;
	}
	if (s->nmethods == s->methods_cap) {
		/* (a heap block of 2 * SS_METHODS_INLINE or more by now, so
		 * ss_grow doubles it; its first size is never used here) */
		cap = s->methods_cap;
		if (ss_grow(&s->methods, &cap, sizeof(*s->methods), 2 * SS_METHODS_INLINE,
		    SS_METHODS_MAX) != 0) {
			s->methods_dropped++;
			return;
		}
		s->methods_cap = (uint8_t)cap;
	}
	if (id != SM_UNKNOWN) {
		s->methods[s->nmethods].name = (uint16_t)(SS_NAME_COMMON | id);
		s->methods[s->nmethods].count = 1;
		s->nmethods++;
		return;
	}
	/* the names grow by doubling from 64 bytes, to at most every
	 * name at its cap */
	while ((size_t)s->names_len + n + 1 > s->names_cap) {
		cap = s->names_cap;
		if (ss_grow(&s->method_names, &cap, 1, 64, SS_METHOD_NAMES_MAX) != 0) {
			s->methods_dropped++;
			return;
		}
		s->names_cap = (uint16_t)cap;
	}
	memcpy(s->method_names + s->names_len, name, n);
	s->method_names[s->names_len + n] = '\0';
	s->methods[s->nmethods].name = s->names_len;
	s->methods[s->nmethods].count = 1;
	s->names_len = (uint16_t)(s->names_len + n + 1);
	s->nmethods++;
}

/* Index of the pending request with this id sent in direction dir. */
static size_t ss_find(const struct stratum_session *s, const struct stratum_id *id,
    int dir)
{
	size_t i;

	for (i = 0; i < s->npending; i++)
		if (s->pending[i].dir == dir && stratum_id_equal(&s->pending[i].id, id))
			return i;
	return SIZE_MAX;
}

static void ss_remove(struct stratum_session *s, size_t i)
{
	memmove(&s->pending[i], &s->pending[i + 1],
	    (s->npending - i - 1) * sizeof(*s->pending));
	s->npending--;
}

int stratum_session_push(struct stratum_session *s, const struct stratum_id *id,
    enum stratum_req req, int dir, uint64_t ts)
{
	struct stratum_pending *p;
	size_t i;
	int dropped = 0;

	if (id->type != STRATUM_ID_INT && id->type != STRATUM_ID_STR)
		return 0;
	if ((i = ss_find(s, id, dir)) != SIZE_MAX)
		ss_remove(s, i);
	if (s->npending == s->max_pending) {
		ss_remove(s, 0);
		dropped = 1;
	}
	if (s->pending_cap == 0 && ss_nspare > 0) {
		s->pending = ss_spare[--ss_nspare];
		s->pending_cap = 1;
	} else if (s->npending == s->pending_cap) {
		/* Grow by doubling up to the cap, from one: most sessions
		 * have one request in flight at a time (112 bytes each). */
		size_t ncap = s->pending_cap ? (size_t)s->pending_cap * 2 : 1;
		struct stratum_pending *np;

		if (ncap > s->max_pending)
			ncap = s->max_pending;
		np = realloc(s->pending, ncap * sizeof(*np));
		if (np == NULL)
			return dropped; /* forget this request; its reply
			                   will count as unmatched */
		s->pending = np;
		s->pending_cap = (uint32_t)ncap; /* <= max_pending */
	}
	p = &s->pending[s->npending++];
	p->id = *id;
	p->req = (uint8_t)req;
	p->dir = (uint8_t)dir;
	p->diff_kind = s->diff_kind;
	p->diff = s->difficulty;
	p->ts = ts;
	return dropped;
}

int stratum_session_match(struct stratum_session *s, const struct stratum_id *id,
    int dir, struct stratum_pending *out)
{
	size_t i = ss_find(s, id, !dir);

	if (i == SIZE_MAX)
		return 0;
	*out = s->pending[i];
	ss_remove(s, i);
	if (s->npending == 0) {
		/* Nothing in flight: give the queue back. A session is idle
		 * between a reply and its next request (a share every few
		 * seconds), and tens of thousands are open at once. */
		ss_queue_release(s);
	}
	return 1;
}

void stratum_session_set_diff(struct stratum_session *s, double d,
    enum stratum_diff_kind kind)
{
	if (!isfinite(d) || d <= 0)
		return;
	s->difficulty = d;
	s->diff_kind = (uint8_t)kind;
}

void stratum_session_job(struct stratum_session *s, uint64_t ts)
{
	s->jobs++;
	if (!s->first_job_set) {
		s->first_job_set = 1;
		s->first_job_ts = ts;
	}
}

/* Expected hashes for one share (section 7) through sw_difficulty.h:
 * "cryptonote" counts d hashes, "stratum-v1" d * 2^32. */
static double ss_share_work(enum stratum_diff_kind kind, double d)
{
	switch (kind) {
	case SS_DIFF_PLAIN:
		return hashes_per_share("cryptonote", d);
	case SS_DIFF_BTC:
		return hashes_per_share("stratum-v1", d);
	default:
		return 0;
	}
}

/* The work of a share uses the difficulty in force when the miner SENT it
 * (recorded with the pending request), an approximation of section 7's
 * "difficulty assigned when the job was issued": pools apply a new
 * difficulty from the next job, so the two differ only for shares of the
 * job current at a retarget. Zcash/KawPow set_target and Ethereum
 * boundaries count 2^256/target hashes (for Equihash: solutions). */
void stratum_session_share(struct stratum_session *s, int accepted,
    const struct stratum_pending *p, uint64_t ts)
{
	if (!accepted) {
		s->rejected++;
		return;
	}
	s->accepted++;
	s->work_sum += ss_share_work((enum stratum_diff_kind)p->diff_kind, p->diff);
	s->last_accept_ts = ts;
}

double stratum_session_hashrate(const struct stratum_session *s, uint64_t since)
{
	uint64_t start = s->first_job_set ? s->first_job_ts : since;
	double r;

	if (s->accepted < 2 || s->work_sum <= 0 || s->last_accept_ts <= start)
		return 0;
	r = hashrate_estimate(s->work_sum, (double)(s->last_accept_ts - start) / 1e6);
	return isfinite(r) && r > 0 ? r : 0;
}
