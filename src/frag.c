/* frag.c: IPv4 (RFC 791) and IPv6 (RFC 8200 section 4.5) fragment
 * reassembly with a hash table, an age list and memory caps (frag.h).
 *
 * A datagram's bytes are kept in one buffer with room in front for its
 * unfragmentable header, so completing it costs no copy:
 *
 *   buf                         buf + FRAG_HDR_MAX                 + cap
 *   |<-- FRAG_HDR_MAX -->|                                          |
 *   |        [ IP hdr   ][ payload bytes, offset 0 ...              ]
 *                ^ hdr_len bytes from the offset-zero fragment
 *
 * Received byte ranges are kept as a sorted list of disjoint [s, e) pieces,
 * merged when they touch, so in-order or reversed delivery keeps one piece.
 * A new fragment only fills the holes between pieces ("first wins"). */
#include <stdlib.h>
#include <string.h>

#include "frag.h"

/* Disjoint ranges per datagram. Real stacks send in order or reversed (one
 * range); random order of a 64 KiB datagram at MTU 1500 needs at most 22.
 * More pieces than this is an evasion attempt: the datagram is dropped. */
#define FRAG_MAX_PIECES 48
/* The IP length fields are 16 bits: nothing past this can be reassembled. */
#define FRAG_IP_MAX 65535u
#define FRAG_MIN_CAP 2048u

struct frag_range {
	uint32_t s, e;
};

struct frag_dgram {
	struct frag_dgram *hnext, **hpprev; /* hash chain */
	struct frag_dgram *anext, *aprev;   /* age list, oldest at head */
	uint8_t src[16], dst[16];
	uint32_t id;
	uint32_t hash;
	uint8_t version;
	uint8_t proto;        /* IPv4: part of the key; IPv6: from offset 0 */
	uint8_t has_total;    /* last fragment seen */
	uint8_t overlap_reported;
	uint64_t first_ts;
	uint8_t *buf;         /* FRAG_HDR_MAX + cap bytes */
	uint32_t cap;         /* payload capacity */
	uint32_t total;       /* payload length, once has_total */
	uint32_t hdr_len;     /* 0 until the offset-zero fragment arrives */
	uint32_t nh_off;
	uint32_t npieces;
	struct frag_range piece[FRAG_MAX_PIECES];
};

struct sw_frag {
	const struct sw_limits *limits;
	struct sw_counters_decode *c;
	const struct sw_anomaly_sink *as;
	struct frag_dgram **buckets;
	uint32_t mask;
	uint64_t seed;
	struct frag_dgram *oldest, *newest;
	struct frag_dgram *last; /* where the last fragment went; NULL once gone */
	size_t active;
	size_t mem;           /* bytes accounted against frag_memcap */
	uint8_t *done;        /* buffer of the last completed datagram */
};

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

static size_t dgram_mem(const struct frag_dgram *dg)
{
	return sizeof(*dg) + FRAG_HDR_MAX + dg->cap;
}

struct sw_frag *frag_new(const struct sw_limits *limits,
    struct sw_counters_decode *counters, const struct sw_anomaly_sink *anomalies)
{
	struct sw_frag *f = calloc(1, sizeof(*f));
	uint32_t n = 16;

	if (f == NULL)
		return NULL;
	/* One bucket per datagram allowed, within reason: the chains stay
	 * short and the table costs at most 512 KiB. */
	while (n < limits->frag_max_datagrams && n < (1u << 16))
		n <<= 1;
	f->buckets = calloc(n, sizeof(*f->buckets));
	if (f->buckets == NULL) {
		free(f);
		return NULL;
	}
	f->mask = n - 1;
	f->limits = limits;
	f->c = counters;
	f->as = anomalies;
	/* The seed only spreads chains (ASLR makes the address vary); no
	 * output depends on it, since eviction follows the age list. */
	f->seed = mix64((uint64_t)(uintptr_t)f ^ 0x6a09e667f3bcc909ULL);
	return f;
}

static void dgram_unlink(struct sw_frag *f, struct frag_dgram *dg)
{
	if (f->last == dg)
		f->last = NULL;
	*dg->hpprev = dg->hnext;
	if (dg->hnext != NULL)
		dg->hnext->hpprev = dg->hpprev;
	if (dg->aprev != NULL)
		dg->aprev->anext = dg->anext;
	else
		f->oldest = dg->anext;
	if (dg->anext != NULL)
		dg->anext->aprev = dg->aprev;
	else
		f->newest = dg->aprev;
	f->active--;
	f->mem -= dgram_mem(dg);
}

static void dgram_drop(struct sw_frag *f, struct frag_dgram *dg)
{
	dgram_unlink(f, dg);
	free(dg->buf);
	free(dg);
}

void frag_release(struct sw_frag *f)
{
	free(f->done);
	f->done = NULL;
}

void frag_free(struct sw_frag *f)
{
	if (f == NULL)
		return;
	while (f->oldest != NULL)
		dgram_drop(f, f->oldest);
	frag_release(f);
	free(f->buckets);
	free(f);
}

size_t frag_active(const struct sw_frag *f)
{
	return f->active;
}

size_t frag_mem_used(const struct sw_frag *f)
{
	return f->mem;
}

static int timed_out(const struct sw_frag *f, const struct frag_dgram *dg, uint64_t now)
{
	return now > dg->first_ts &&
	    now - dg->first_ts >= (uint64_t)f->limits->frag_timeout * 1000000u;
}

void frag_expire(struct sw_frag *f, uint64_t now_usec)
{
	/* The age list is in arrival order; packet time may step back a
	 * little, so a few datagrams can wait for a later pass. */
	while (f->oldest != NULL && timed_out(f, f->oldest, now_usec)) {
		f->c->frag_timeout++;
		dgram_drop(f, f->oldest);
	}
}

static const char *ev(const struct frag_in *in, const char *v4, const char *v6)
{
	return in->version == 4 ? v4 : v6;
}

static enum frag_result frag_bad(struct sw_frag *f, struct frag_dgram *dg,
    const char *event, const char *detail)
{
	f->c->frag_invalid++;
	f->c->invalid++;
	sw_anomaly_report(f->as, SW_ANOMALY_DECODE, event, detail, "dropped", NULL);
	if (dg != NULL)
		dgram_drop(f, dg);
	return FRAG_BAD;
}

/* Make room for `need` more accounted bytes by dropping the oldest datagrams
 * other than `keep`. Returns 0 when they fit. */
static int frag_reserve(struct sw_frag *f, const struct frag_dgram *keep, size_t need)
{
	while (f->mem + need > f->limits->frag_memcap) {
		struct frag_dgram *victim = f->oldest;

		if (victim == keep && victim != NULL)
			victim = victim->anext;
		if (victim == NULL)
			return -1;
		f->c->frag_memcap++;
		dgram_drop(f, victim);
	}
	return 0;
}

static uint32_t key_hash(const struct sw_frag *f, const struct frag_in *in)
{
	size_t alen = in->version == 4 ? 4 : 16;
	uint64_t h = f->seed ^ ((uint64_t)in->id << 16) ^
	    ((uint64_t)in->version << 8) ^ (in->version == 4 ? in->proto : 0);
	uint64_t w;
	size_t i;

	for (i = 0; i < alen; i += 4) {
		uint32_t a, b;

		memcpy(&a, in->src + i, 4);
		memcpy(&b, in->dst + i, 4);
		w = (uint64_t)a << 32 | b;
		h = mix64(h ^ w);
	}
	return (uint32_t)(mix64(h) >> 32);
}

/* Whether the 4- or 16-byte addresses a and b are equal: fixed-size
 * loads the compiler inlines (memcmp of a run-time length was a call, two
 * per look-up). */
static int addr_eq(const uint8_t *a, const uint8_t *b, int v4)
{
	uint64_t x[2], y[2];
	uint32_t x4, y4;

	if (v4) {
		memcpy(&x4, a, 4);
		memcpy(&y4, b, 4);
		return x4 == y4;
	}
	memcpy(x, a, 16);
	memcpy(y, b, 16);
	return ((x[0] ^ y[0]) | (x[1] ^ y[1])) == 0;
}

static int key_eq(const struct frag_dgram *dg, const struct frag_in *in)
{
	int v4 = in->version == 4;

	return dg->id == in->id && dg->version == in->version &&
	    (!v4 || dg->proto == in->proto) &&
	    addr_eq(dg->src, in->src, v4) && addr_eq(dg->dst, in->dst, v4);
}

static struct frag_dgram *dgram_find(struct sw_frag *f, const struct frag_in *in, uint32_t h)
{
	struct frag_dgram *dg;

	for (dg = f->buckets[h & f->mask]; dg != NULL; dg = dg->hnext)
		if (dg->hash == h && key_eq(dg, in))
			return dg;
	return NULL;
}

/* The datagram of in's key, or NULL; *h is the key's hash either way.
 * A datagram's fragments mostly arrive back to back, so the one the last
 * fragment went to is tried first: a key is held at most once, so that is
 * the one the table would give, and its hash is the key's. */
static struct frag_dgram *dgram_lookup(struct sw_frag *f, const struct frag_in *in,
    uint32_t *h)
{
	if (f->last != NULL && key_eq(f->last, in)) {
		*h = f->last->hash;
		return f->last;
	}
	*h = key_hash(f, in);
	return dgram_find(f, in, *h);
}

/* A new, empty datagram for in's key, linked as the newest. NULL (counted
 * in frag_memcap) when the caps leave no room, or on allocation failure. */
static struct frag_dgram *dgram_new(struct sw_frag *f, const struct frag_in *in,
    uint32_t h, uint32_t cap)
{
	struct frag_dgram *dg;
	struct frag_dgram **b;
	size_t alen = in->version == 4 ? 4 : 16;

	if (f->limits->frag_max_datagrams == 0) {
		f->c->frag_memcap++;
		return NULL;
	}
	while (f->active >= f->limits->frag_max_datagrams) {
		f->c->frag_memcap++;
		dgram_drop(f, f->oldest);
	}
	if (frag_reserve(f, NULL, sizeof(*dg) + FRAG_HDR_MAX + cap) != 0) {
		f->c->frag_memcap++;
		return NULL;
	}
	dg = malloc(sizeof(*dg));
	if (dg == NULL)
		return NULL;
	dg->buf = malloc(FRAG_HDR_MAX + (size_t)cap);
	if (dg->buf == NULL) {
		free(dg);
		return NULL;
	}
	memset(dg->src, 0, sizeof(dg->src));
	memset(dg->dst, 0, sizeof(dg->dst));
	memcpy(dg->src, in->src, alen);
	memcpy(dg->dst, in->dst, alen);
	dg->id = in->id;
	dg->hash = h;
	dg->version = in->version;
	dg->proto = in->proto;
	dg->has_total = 0;
	dg->overlap_reported = 0;
	dg->first_ts = in->ts_usec;
	dg->cap = cap;
	dg->total = 0;
	dg->hdr_len = 0;
	dg->nh_off = 0;
	dg->npieces = 0;

	b = &f->buckets[h & f->mask];
	dg->hnext = *b;
	if (*b != NULL)
		(*b)->hpprev = &dg->hnext;
	dg->hpprev = b;
	*b = dg;
	dg->anext = NULL;
	dg->aprev = f->newest;
	if (f->newest != NULL)
		f->newest->anext = dg;
	else
		f->oldest = dg;
	f->newest = dg;
	f->active++;
	f->mem += dgram_mem(dg);
	return dg;
}

/* Grow dg's payload buffer to hold `need` bytes. Returns 0, or -1 when the
 * memcap cannot make room (counted) or malloc fails. */
static int dgram_grow(struct sw_frag *f, struct frag_dgram *dg, uint32_t need)
{
	uint32_t cap = dg->cap;
	uint8_t *nb;

	if (need <= cap)
		return 0;
	if (dg->has_total)
		cap = dg->total;
	else {
		while (cap < need)
			cap = cap < FRAG_MIN_CAP ? FRAG_MIN_CAP : cap * 2;
		if (cap > FRAG_IP_MAX)
			cap = FRAG_IP_MAX;
	}
	if (frag_reserve(f, dg, cap - dg->cap) != 0) {
		f->c->frag_memcap++;
		return -1;
	}
	nb = realloc(dg->buf, FRAG_HDR_MAX + (size_t)cap);
	if (nb == NULL)
		return -1;
	dg->buf = nb;
	f->mem += cap - dg->cap;
	dg->cap = cap;
	return 0;
}

/* Copy the parts of [s, e) no piece holds yet; returns 1 if [s, e)
 * overlapped a held piece. */
static int fill_holes(struct frag_dgram *dg, uint32_t s, uint32_t e, const uint8_t *data)
{
	uint8_t *pay = dg->buf + FRAG_HDR_MAX;
	uint32_t cur = s, i;
	int overlap = 0;

	for (i = 0; i < dg->npieces && cur < e; i++) {
		const struct frag_range *r = &dg->piece[i];

		if (r->e <= cur)
			continue;
		if (r->s >= e)
			break;
		overlap = 1;
		if (r->s > cur)
			memcpy(pay + cur, data + (cur - s), r->s - cur);
		cur = r->e;
	}
	if (cur < e)
		memcpy(pay + cur, data + (cur - s), e - cur);
	return overlap;
}

/* Merge [s, e) into the sorted piece list. Returns -1 if that would need
 * more than FRAG_MAX_PIECES pieces. */
static int add_piece(struct frag_dgram *dg, uint32_t s, uint32_t e)
{
	uint32_t i = 0, j;

	while (i < dg->npieces && dg->piece[i].e < s)
		i++;
	/* pieces i..j-1 touch or overlap [s, e) */
	j = i;
	while (j < dg->npieces && dg->piece[j].s <= e) {
		if (dg->piece[j].s < s)
			s = dg->piece[j].s;
		if (dg->piece[j].e > e)
			e = dg->piece[j].e;
		j++;
	}
	if (j == i) {
		if (dg->npieces == FRAG_MAX_PIECES)
			return -1;
		memmove(&dg->piece[i + 1], &dg->piece[i],
		    (dg->npieces - i) * sizeof(dg->piece[0]));
		dg->npieces++;
	} else if (j > i + 1) {
		memmove(&dg->piece[i + 1], &dg->piece[j],
		    (dg->npieces - j) * sizeof(dg->piece[0]));
		dg->npieces -= j - i - 1;
	}
	dg->piece[i].s = s;
	dg->piece[i].e = e;
	return 0;
}

/* The common case, the next fragment in order: [s, e) starts where the
 * last (highest) piece ends, so no piece holds any of its bytes and it
 * extends that piece, which is what fill_holes and add_piece would do,
 * without their walks. Returns 1 when it applied. */
static int append_in_order(struct frag_dgram *dg, uint32_t s, uint32_t e,
    const uint8_t *data)
{
	struct frag_range *last;

	if (dg->npieces == 0 || e == s)
		return 0;
	last = &dg->piece[dg->npieces - 1];
	if (last->e != s)
		return 0;
	memcpy(dg->buf + FRAG_HDR_MAX + s, data, e - s);
	last->e = e;
	return 1;
}

static void ipv4_checksum(uint8_t *h, uint32_t hlen)
{
	uint32_t sum = 0, i;

	h[10] = h[11] = 0;
	for (i = 0; i + 1 < hlen; i += 2)
		sum += (uint32_t)h[i] << 8 | h[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	h[10] = (uint8_t)(sum >> 8);
	h[11] = (uint8_t)sum;
}

/* Turn the complete dg into an IP packet, unlink it and keep its buffer in
 * f->done. */
static void dgram_finish(struct sw_frag *f, struct frag_dgram *dg,
    const uint8_t **out, uint32_t *out_len)
{
	uint8_t *h = dg->buf + FRAG_HDR_MAX - dg->hdr_len;
	uint32_t len = dg->hdr_len + dg->total;

	if (dg->version == 4) {
		h[2] = (uint8_t)(len >> 8);
		h[3] = (uint8_t)len;
		h[6] &= 0x40;   /* keep DF, clear MF and the offset */
		h[7] = 0;
		ipv4_checksum(h, dg->hdr_len);
	} else {
		uint32_t plen = len - 40;

		h[4] = (uint8_t)(plen >> 8);
		h[5] = (uint8_t)plen;
		h[dg->nh_off] = dg->proto;
	}
	dgram_unlink(f, dg);
	/* The previous completed buffer may be the one the fragment just
	 * copied from (a fragment inside a reassembled tunnel); it is no
	 * longer needed now that its bytes are in dg. */
	frag_release(f);
	f->done = dg->buf;
	free(dg);
	f->c->frag_reassembled++;
	*out = h;
	*out_len = len;
}

enum frag_result frag_insert(struct sw_frag *f, const struct frag_in *in,
    const uint8_t **out, uint32_t *out_len)
{
	struct frag_dgram *dg;
	uint32_t h, s = in->offset, e, ext;

	f->c->frag_fragments++;
	/* IPv6 extension headers before the fragment header count toward the
	 * 16-bit payload length; the IPv4 header counts toward total length. */
	ext = in->version == 4 ? in->hdr_len : in->hdr_len - 40;
	if (s > FRAG_IP_MAX || in->len > FRAG_IP_MAX - s ||
	    ext + s + in->len > FRAG_IP_MAX) {
		h = key_hash(f, in);
		dg = dgram_find(f, in, h);
		f->c->frag_too_large++;
		f->c->invalid++;
		sw_anomaly_report(f->as, SW_ANOMALY_DECODE,
		    ev(in, "decoder.ipv4.frag_pkt_too_large", "decoder.ipv6.frag_pkt_too_large"),
		    NULL, "dropped", NULL);
		if (dg != NULL)
			dgram_drop(f, dg);
		return FRAG_BAD;
	}
	e = s + in->len;
	if (in->more && (in->len == 0 || (in->len & 7) != 0))
		return frag_bad(f, NULL, ev(in, "decoder.ipv4.frag_invalid_length",
		    "decoder.ipv6.frag_invalid_length"), "non-last fragment not a multiple of 8");
	if (s == 0 && in->hdr_len > FRAG_HDR_MAX)
		return frag_bad(f, NULL, ev(in, "decoder.ipv4.frag_hdr_too_long",
		    "decoder.ipv6.frag_hdr_too_long"), NULL);

	dg = dgram_lookup(f, in, &h);
	if (dg != NULL && timed_out(f, dg, in->ts_usec)) {
		f->c->frag_timeout++;
		dgram_drop(f, dg);
		dg = NULL;
	}
	if (dg == NULL) {
		uint32_t cap = in->more ? (e < FRAG_MIN_CAP ? FRAG_MIN_CAP : e) : e;

		dg = dgram_new(f, in, h, cap);
		if (dg == NULL)
			return FRAG_HELD;
	}
	f->last = dg;

	/* The end must agree with the last fragment, whichever came first. */
	if (dg->has_total) {
		if (in->more ? e > dg->total : e != dg->total)
			return frag_bad(f, dg, ev(in, "decoder.ipv4.frag_inconsistent_end",
			    "decoder.ipv6.frag_inconsistent_end"), NULL);
	} else if (!in->more) {
		if (dg->npieces > 0 && dg->piece[dg->npieces - 1].e > e)
			return frag_bad(f, dg, ev(in, "decoder.ipv4.frag_inconsistent_end",
			    "decoder.ipv6.frag_inconsistent_end"), NULL);
		dg->has_total = 1;
		dg->total = e;
	}
	if (dgram_grow(f, dg, e) != 0) {
		dgram_drop(f, dg);
		return FRAG_HELD;
	}
	if (!append_in_order(dg, s, e, in->data)) {
		if (fill_holes(dg, s, e, in->data)) {
			f->c->frag_overlap++;
			if (!dg->overlap_reported) {
				dg->overlap_reported = 1;
				sw_anomaly_report(f->as, SW_ANOMALY_DECODE,
				    ev(in, "decoder.ipv4.frag_overlap",
				    "decoder.ipv6.frag_overlap"),
				    NULL, "first fragment kept", NULL);
			}
		}
		if (e > s && add_piece(dg, s, e) != 0)
			return frag_bad(f, dg, ev(in, "decoder.ipv4.frag_too_many",
			    "decoder.ipv6.frag_too_many"), "too many holes");
	}
	if (s == 0 && dg->hdr_len == 0) {
		memcpy(dg->buf + FRAG_HDR_MAX - in->hdr_len, in->hdr, in->hdr_len);
		dg->hdr_len = in->hdr_len;
		dg->nh_off = in->nh_off;
		dg->proto = in->proto;
	}
	if (dg->has_total && dg->hdr_len != 0 && dg->npieces == 1 &&
	    dg->piece[0].s == 0 && dg->piece[0].e == dg->total) {
		/* Each fragment was checked against its own header length; the
		 * offset-zero one may carry a longer header (IPv4 options not
		 * copied into later fragments, more IPv6 extension headers). */
		if ((dg->version == 4 ? dg->hdr_len : dg->hdr_len - 40) + dg->total > FRAG_IP_MAX) {
			f->c->frag_too_large++;
			f->c->invalid++;
			sw_anomaly_report(f->as, SW_ANOMALY_DECODE,
			    ev(in, "decoder.ipv4.frag_pkt_too_large", "decoder.ipv6.frag_pkt_too_large"),
			    NULL, "dropped", NULL);
			dgram_drop(f, dg);
			return FRAG_BAD;
		}
		dgram_finish(f, dg, out, out_len);
		return FRAG_DONE;
	}
	return FRAG_HELD;
}
