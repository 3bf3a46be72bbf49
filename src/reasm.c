/* reasm.c: TCP stream reassembly into in-order slices, per the policies in
 * include/sw_reasm.h (after Suricata's stream-tcp-list.c and
 * stream-tcp-reassemble.c: first-wins overlaps, gaps on peer ACK).
 *
 * Per direction, stream offsets are 64-bit and count from the first byte
 * after the SYN (or the first byte seen, midstream):
 *
 *      consumed by the dissector   tail (unparsed)    next_off
 *   ... --------------------------|================|      |
 *                                                     ooo: [seg]  [seg] ...
 *                                                          sorted, non-overlapping,
 *                                                          all beyond next_off
 *
 * In-order bytes go straight from the packet to the dissector; only what it
 * leaves unconsumed is copied into the tail, and only segments that arrive
 * ahead of a hole are copied into the ooo list. The tail and the ooo list
 * live in a struct sw_reasm_held that exists only while one of them does:
 * most directions never need either. Sequence numbers become
 * offsets relative to (next_seq, next_off), so wrap at 2^32 needs no care. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sw_reasm.h"

struct sw_reasm_seg {
	struct sw_reasm_seg *next;
	uint64_t off;              /* stream offset of data[0] */
	size_t len;                /* ctx->mem_used holds sizeof + len for it */
	uint8_t data[];
};

/* What a direction holds beyond its sequence state (sw_reasm.h). Counted
 * in ctx->mem_used like the bytes it points to. */
struct sw_reasm_held {
	struct sw_reasm_seg *ooo;  /* out-of-order segments, sorted by offset,
	                              non-overlapping, all beyond next_off */
	struct sw_reasm_seg *ooo_last; /* last of them: appending is O(1) */
	uint8_t *tail;             /* unconsumed bytes, contiguous, ending at next_off */
	size_t tail_len, tail_cap;
	uint32_t ooo_count;
};

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04

/* Data or an ACK further ahead than the largest TCP window (2^30 with
 * window scale 14) cannot be genuine: forged, garbage, or another flow. */
#define REASM_MAX_JUMP ((int64_t)1 << 30)

/* Tail buffer sizing: start small, and give a large buffer back once it is
 * empty, so an idle flow does not sit on a long line's worth of memory. */
#define REASM_TAIL_MIN  512
#define REASM_TAIL_KEEP 16384

/* Anomaly kinds, one bit each in d->anomaly_bits: reported once per
 * direction so a hostile flow cannot flood the output. */
#define AN_OVERLAP  0x01
#define AN_MEMCAP   0x02
#define AN_SEGLIM   0x04
#define AN_UNPARSED 0x08
#define AN_DEPTH    0x10

/* One call's context, plus what the current segment turned out to be. */
struct run {
	struct sw_reasm_ctx *ctx;
	struct sw_reasm_dir *d;
	int dir;
	uint64_t ts;
	sw_reasm_deliver_fn deliver;
	void *arg;
	const struct sw_anomaly_sink *an;
	uint8_t seen_old;          /* some bytes were already delivered or buffered */
	uint8_t seen_new;          /* some bytes were new */
	uint8_t diff;              /* some already seen bytes came back different */
};

static void anomaly_once(struct run *r, uint8_t bit, const char *event, const char *action)
{
	if (r->d->anomaly_bits & bit)
		return;
	r->d->anomaly_bits |= bit;
	sw_anomaly_report(r->an, SW_ANOMALY_STREAM, event, NULL, action, NULL);
}

/* Stream offset of seq; negative is before the stream's first byte. Valid
 * within 2^31 of next_seq, which REASM_MAX_JUMP keeps us inside. */
static int64_t seq_off(const struct sw_reasm_dir *d, uint32_t seq)
{
	return (int64_t)d->next_off + (int32_t)(seq - d->next_seq);
}

static size_t add_sat(size_t a, size_t b)
{
	return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

/* Reserve n bytes against the global memcap (0 = no cap). */
static int mem_take(struct sw_reasm_ctx *ctx, size_t n)
{
	size_t cap = ctx->limits->reasm_memcap;

	if (cap > 0 && (n > cap || ctx->mem_used > cap - n))
		return -1;
	ctx->mem_used += n;
	if (ctx->mem_used > ctx->counters->mem_peak)
		ctx->counters->mem_peak = ctx->mem_used;
	return 0;
}

static void mem_give(struct sw_reasm_ctx *ctx, size_t n)
{
	ctx->mem_used -= n < ctx->mem_used ? n : ctx->mem_used;
}

void reasm_dir_init(struct sw_reasm_dir *d)
{
	memset(d, 0, sizeof(*d));
}

static size_t tail_len(const struct sw_reasm_dir *d)
{
	return d->held != NULL ? d->held->tail_len : 0;
}

static struct sw_reasm_seg *ooo_first(const struct sw_reasm_dir *d)
{
	return d->held != NULL ? d->held->ooo : NULL;
}

/* The direction's held state, allocated on first use; NULL at the memcap
 * or out of memory. */
static struct sw_reasm_held *held_get(struct sw_reasm_ctx *ctx, struct sw_reasm_dir *d)
{
	if (d->held != NULL)
		return d->held;
	if (mem_take(ctx, sizeof(*d->held)) != 0)
		return NULL;
	d->held = calloc(1, sizeof(*d->held));
	if (d->held == NULL)
		mem_give(ctx, sizeof(*d->held));
	return d->held;
}

/* Free the held state once it holds nothing. */
static void held_release(struct sw_reasm_ctx *ctx, struct sw_reasm_dir *d)
{
	if (d->held == NULL || d->held->ooo != NULL || d->held->tail != NULL)
		return;
	free(d->held);
	d->held = NULL;
	mem_give(ctx, sizeof(*d->held));
}

struct sw_reasm_holding reasm_dir_holding(const struct sw_reasm_dir *d)
{
	struct sw_reasm_holding o = { 0, 0, 0 };

	if (d->held != NULL) {
		o.tail_len = d->held->tail_len;
		o.tail_cap = d->held->tail_cap;
		o.ooo_count = d->held->ooo_count;
	}
	return o;
}

static void tail_drop(struct sw_reasm_ctx *ctx, struct sw_reasm_dir *d)
{
	struct sw_reasm_held *h = d->held;

	if (h == NULL)
		return;
	free(h->tail);
	mem_give(ctx, h->tail_cap);
	h->tail = NULL;
	h->tail_len = h->tail_cap = 0;
	held_release(ctx, d);
}

/* The tail is empty: keep a small buffer for the next partial line, free a
 * large one. */
static void tail_empty(struct sw_reasm_ctx *ctx, struct sw_reasm_dir *d)
{
	if (d->held == NULL)
		return;
	d->held->tail_len = 0;
	if (d->held->tail_cap > REASM_TAIL_KEEP)
		tail_drop(ctx, d);
}

/* Make the tail hold need bytes: grow geometrically, but never past limit
 * (need <= limit), and only within the memcap. */
static int tail_reserve(struct sw_reasm_ctx *ctx, struct sw_reasm_dir *d, size_t need,
    size_t limit)
{
	struct sw_reasm_held *h;
	size_t ncap;
	uint8_t *nt;

	if (need <= (d->held != NULL ? d->held->tail_cap : 0))
		return 0;
	if ((h = held_get(ctx, d)) == NULL)
		return -1;
	ncap = h->tail_cap > REASM_TAIL_MIN ? h->tail_cap : REASM_TAIL_MIN;
	while (ncap < need && ncap <= SIZE_MAX / 2)
		ncap *= 2;
	if (ncap > limit)
		ncap = limit;
	if (ncap < need)
		ncap = need;
	if (mem_take(ctx, ncap - h->tail_cap) != 0) {
		/* near the memcap: the exact size may still fit */
		ncap = need;
		if (mem_take(ctx, ncap - h->tail_cap) != 0) {
			held_release(ctx, d);
			return -1;
		}
	}
	nt = realloc(h->tail, ncap);
	if (nt == NULL) {
		mem_give(ctx, ncap - h->tail_cap);
		held_release(ctx, d);
		return -1;
	}
	h->tail = nt;
	h->tail_cap = ncap;
	return 0;
}

static void seg_free(struct sw_reasm_ctx *ctx, struct sw_reasm_seg *s)
{
	mem_give(ctx, sizeof(*s) + s->len);
	free(s);
}

static void ooo_free_all(struct sw_reasm_ctx *ctx, struct sw_reasm_dir *d)
{
	struct sw_reasm_held *h = d->held;
	struct sw_reasm_seg *s;

	if (h == NULL)
		return;
	while ((s = h->ooo) != NULL) {
		h->ooo = s->next;
		seg_free(ctx, s);
	}
	h->ooo_last = NULL;
	h->ooo_count = 0;
	held_release(ctx, d);
}

void reasm_dir_free(struct sw_reasm_ctx *ctx, struct sw_reasm_dir *d)
{
	/* nearly always: the flow's end (close_dir) released everything */
	if (d->held == NULL)
		return;
	ooo_free_all(ctx, d);
	tail_drop(ctx, d);
}

static void slice_init(struct run *r, struct sw_slice *s)
{
	struct sw_reasm_dir *d = r->d;

	memset(s, 0, sizeof(*s));
	s->dir = (uint8_t)r->dir;
	s->ts_usec = r->ts;
	if (d->gap_pending) {
		s->flags |= SW_SLICE_GAP;
		s->gap_len = d->gap_len;
		d->gap_pending = 0;
		d->gap_len = 0;
	}
}

/* Deliver the final slice: whatever tail is left gets one last look with
 * EOF (exactly once per direction), then everything is released. */
static void close_dir(struct run *r, uint8_t extra_flags)
{
	static const uint8_t no_bytes[1];
	struct sw_reasm_dir *d = r->d;
	struct sw_slice s;

	if (d->closed)
		return;
	slice_init(r, &s);
	s.flags |= (uint8_t)(SW_SLICE_EOF | extra_flags);
	/* no tail: an empty slice that still points somewhere, so that
	 * dissectors may do arithmetic on data (d + 0 on NULL is undefined) */
	s.data = d->held != NULL && d->held->tail != NULL ? d->held->tail : no_bytes;
	s.len = tail_len(d);
	s.offset = d->next_off - s.len;
	d->closed = 1;
	(void)r->deliver(r->arg, &s);
	if (d->held == NULL) /* (most flows end with nothing held) */
		return;
	tail_drop(r->ctx, d);
	ooo_free_all(r->ctx, d);
}

static void depth_close(struct run *r)
{
	r->ctx->counters->depth_reached++;
	anomaly_once(r, AN_DEPTH, "stream.reassembly_depth_reached", "stopped");
	close_dir(r, SW_SLICE_DEPTH);
}

/* What the dissector left of slice s (consumed bytes from its start) must
 * be kept as the tail, ending at next_off. */
static void keep_rest(struct run *r, const struct sw_slice *s, size_t consumed)
{
	struct sw_reasm_ctx *ctx = r->ctx;
	struct sw_reasm_dir *d = r->d;
	size_t rest = s->len - consumed;

	if (rest == 0) {
		tail_empty(ctx, d);
		return;
	}
	if (rest > ctx->limits->reasm_max_unparsed) {
		/* a message longer than any the dissector should wait for:
		 * drop it, and tell the dissector to resynchronise */
		ctx->counters->unparsed_overflow++;
		anomaly_once(r, AN_UNPARSED, "stream.unparsed_overflow", "dropped");
		tail_empty(ctx, d);
		d->gap_pending = 1;
		return;
	}
	if (d->held != NULL && s->data == d->held->tail) {
		if (consumed > 0)
			memmove(d->held->tail, d->held->tail + consumed, rest);
		d->held->tail_len = rest;
		return;
	}
	if (tail_reserve(ctx, d, rest, ctx->limits->reasm_max_unparsed) != 0) {
		ctx->counters->memcap++;
		anomaly_once(r, AN_MEMCAP, "stream.reassembly_memcap", "dropped");
		tail_empty(ctx, d);
		d->gap_pending = 1;
		return;
	}
	memcpy(d->held->tail, s->data + consumed, rest);
	d->held->tail_len = rest;
}

/* Deliver len (> 0) new bytes that start at next_off, joined to the tail if
 * there is one. from_pkt: data points into the packet (zero copy). */
static void deliver_run(struct run *r, const uint8_t *data, size_t len, int from_pkt)
{
	struct sw_reasm_ctx *ctx = r->ctx;
	struct sw_reasm_dir *d = r->d;
	size_t depth = ctx->limits->reasm_depth, consumed;
	int at_depth = 0;
	struct sw_slice s;

	if (d->closed)
		return;
	if (depth > 0 && d->next_off + len >= depth) {
		len = d->next_off < depth ? (size_t)(depth - d->next_off) : 0;
		at_depth = 1;
	}
	slice_init(r, &s);
	if (tail_len(d) == 0) {
		s.data = data;
		s.len = len;
		s.offset = d->next_off;
		if (from_pkt)
			ctx->counters->in_order_zero_copy++;
	} else if (tail_reserve(ctx, d, d->held->tail_len + len,
	    add_sat(ctx->limits->reasm_max_unparsed, len)) != 0) {
		/* cannot join: lose the partial message, carry on after it */
		ctx->counters->memcap++;
		anomaly_once(r, AN_MEMCAP, "stream.reassembly_memcap", "tail_dropped");
		tail_drop(ctx, d);
		s.flags |= SW_SLICE_GAP;
		s.data = data;
		s.len = len;
		s.offset = d->next_off;
	} else {
		struct sw_reasm_held *h = d->held;

		memcpy(h->tail + h->tail_len, data, len);
		h->tail_len += len;
		s.data = h->tail;
		s.len = h->tail_len;
		s.offset = d->next_off + len - h->tail_len;
	}
	d->next_off += len;
	d->next_seq += (uint32_t)len;
	ctx->counters->bytes_delivered += len;
	if (at_depth) {
		s.flags |= SW_SLICE_EOF | SW_SLICE_DEPTH;
		(void)r->deliver(r->arg, &s);
		d->closed = 1;
		ctx->counters->depth_reached++;
		anomaly_once(r, AN_DEPTH, "stream.reassembly_depth_reached", "stopped");
		tail_drop(ctx, d);
		ooo_free_all(ctx, d);
		return;
	}
	consumed = r->deliver(r->arg, &s);
	if (consumed > s.len) {
		/* a dissector bug: never trust it past what it was given */
		ctx->counters->deliver_overrun++;
		consumed = s.len;
	}
	keep_rest(r, &s, consumed);
}

/* Bytes [a_off, a_off+a_len) arrive again where we hold [b_off, ...): note
 * that they were seen, and whether they differ (first wins either way). */
static void compare(struct run *r, uint64_t a_off, const uint8_t *a, size_t a_len,
    uint64_t b_off, const uint8_t *b, size_t b_len)
{
	uint64_t lo = a_off > b_off ? a_off : b_off;
	uint64_t a_end = a_off + a_len, b_end = b_off + b_len;
	uint64_t hi = a_end < b_end ? a_end : b_end;

	if (lo >= hi)
		return;
	r->seen_old = 1;
	if (memcmp(a + (lo - a_off), b + (lo - b_off), (size_t)(hi - lo)) != 0)
		r->diff = 1;
}

/* Bytes before next_off: compare with the tail where we still hold them;
 * those consumed and freed cannot be compared, only counted. */
static void compare_delivered(struct run *r, uint64_t off, const uint8_t *data, size_t len)
{
	struct sw_reasm_dir *d = r->d;

	r->seen_old = 1;
	if (tail_len(d) > 0)
		compare(r, off, data, len, d->next_off - d->held->tail_len, d->held->tail,
		    d->held->tail_len);
}

/* Deliver everything now contiguous at next_off: the packet's bytes
 * [off, off+len) (off <= next_off, may be len 0) merged with the buffered
 * segments, the buffered copy winning where both hold a byte. */
static void advance(struct run *r, uint64_t off, const uint8_t *data, size_t len)
{
	struct sw_reasm_dir *d = r->d;
	uint64_t end = off + len, lim;
	struct sw_reasm_seg *s;

	while (!d->closed) {
		s = ooo_first(d);
		if (s != NULL && s->off <= d->next_off) {
			struct sw_reasm_held *h = d->held;
			uint64_t s_end = s->off + s->len;

			if (len > 0)
				compare(r, off, data, len, s->off, s->data, s->len);
			h->ooo = s->next;
			if (h->ooo == NULL)
				h->ooo_last = NULL;
			h->ooo_count--;
			if (s_end > d->next_off)
				deliver_run(r, s->data + (d->next_off - s->off),
				    (size_t)(s_end - d->next_off), 0);
			seg_free(r->ctx, s);
			held_release(r->ctx, d);
			continue;
		}
		if (end <= d->next_off || off > d->next_off)
			break;
		lim = (s != NULL && s->off < end) ? s->off : end;
		r->seen_new = 1;
		deliver_run(r, data + (d->next_off - off), (size_t)(lim - d->next_off), 1);
	}
}

/* Skip the hole up to target (bytes the capture never had), then deliver
 * what became contiguous. */
static void declare_gap(struct run *r, uint64_t target)
{
	struct sw_reasm_dir *d = r->d;
	size_t depth = r->ctx->limits->reasm_depth;
	uint64_t n;

	if (d->closed || target <= d->next_off)
		return;
	n = target - d->next_off;
	r->ctx->counters->gaps++;
	r->ctx->counters->gap_bytes += n;
	tail_drop(r->ctx, d);
	d->gap_pending = 1;
	d->gap_len += n;
	d->next_off = target;
	d->next_seq += (uint32_t)n;
	if (depth > 0 && d->next_off >= depth) {
		depth_close(r);
		return;
	}
	advance(r, 0, NULL, 0);
}

static struct sw_reasm_seg *seg_new(struct run *r, uint64_t off, const uint8_t *data, size_t len)
{
	struct sw_reasm_seg *s;
	size_t mem = add_sat(sizeof(*s), len);

	if (mem_take(r->ctx, mem) != 0)
		return NULL;
	s = malloc(mem);
	if (s == NULL) {
		mem_give(r->ctx, mem);
		return NULL;
	}
	s->next = NULL;
	s->off = off;
	s->len = len;
	memcpy(s->data, data, len);
	return s;
}

/* Buffer [off, off+len) (all beyond next_off), keeping what is already
 * buffered (first wins) and copying only the uncovered pieces. Returns 0
 * when done (pieces refused by the memcap become holes), or 1 when the
 * segment cap stopped it at *stop. */
static int ooo_insert(struct run *r, uint64_t off, const uint8_t *data, size_t len,
    uint64_t *stop)
{
	struct sw_reasm_held *h = held_get(r->ctx, r->d);
	struct sw_reasm_seg **pp, *s, *n;
	uint64_t cur = off, end = off + len, piece_end;

	if (h == NULL) {
		r->ctx->counters->memcap++;
		anomaly_once(r, AN_MEMCAP, "stream.reassembly_memcap", "segment_dropped");
		return 0;
	}
	pp = &h->ooo;
	/* the usual case: beyond everything buffered */
	if (h->ooo_last != NULL && h->ooo_last->off + h->ooo_last->len <= cur)
		pp = &h->ooo_last->next;
	while (cur < end) {
		s = *pp;
		if (s != NULL && s->off + s->len <= cur) {
			pp = &s->next;
			continue;
		}
		if (s != NULL && s->off <= cur) {
			compare(r, off, data, len, s->off, s->data, s->len);
			cur = s->off + s->len;
			pp = &s->next;
			continue;
		}
		piece_end = (s != NULL && s->off < end) ? s->off : end;
		if (h->ooo_count >= r->ctx->limits->reasm_max_segments) {
			*stop = cur;
			held_release(r->ctx, r->d);
			return 1;
		}
		n = seg_new(r, cur, data + (cur - off), (size_t)(piece_end - cur));
		if (n == NULL) {
			r->ctx->counters->memcap++;
			anomaly_once(r, AN_MEMCAP, "stream.reassembly_memcap", "segment_dropped");
			held_release(r->ctx, r->d);
			return 0;
		}
		n->next = s;
		*pp = n;
		if (s == NULL)
			h->ooo_last = n;
		pp = &n->next;
		h->ooo_count++;
		r->ctx->counters->ooo_buffered++;
		r->seen_new = 1;
		cur = piece_end;
	}
	return 0;
}

/* Payload of one segment at stream offset off (negative: before the first
 * byte). */
static void segment_data(struct run *r, int64_t off, const uint8_t *data, size_t len)
{
	struct sw_reasm_dir *d = r->d;
	uint64_t uoff, stop, first;

	if (off < 0) {
		/* before a midstream pickup (or before the SYN): old */
		r->ctx->counters->old_data++;
		if ((uint64_t)-off >= len)
			return;
		data += (size_t)-off;
		len -= (size_t)-off;
		off = 0;
	}
	if (off - (int64_t)d->next_off > REASM_MAX_JUMP) {
		r->ctx->counters->out_of_window++;
		return;
	}
	if (d->fin_seen) {
		/* nothing exists after the FIN */
		int64_t fin_off = seq_off(d, d->fin_seq);

		if (off >= fin_off)
			return;
		if ((uint64_t)(fin_off - off) < len)
			len = (size_t)(fin_off - off);
	}
	for (;;) {
		uoff = (uint64_t)off;
		if (uoff == d->next_off && ooo_first(d) == NULL && !d->closed) {
			/* the usual segment: exactly the next bytes, nothing
			 * buffered to merge; advance() would deliver it whole in
			 * one step */
			r->seen_new = 1;
			deliver_run(r, data, len, 1);
			return;
		}
		if (uoff + len <= d->next_off) {
			compare_delivered(r, uoff, data, len);
			return;
		}
		if (uoff <= d->next_off) {
			if (uoff < d->next_off)
				compare_delivered(r, uoff, data, (size_t)(d->next_off - uoff));
			advance(r, uoff, data, len);
			return;
		}
		if (ooo_insert(r, uoff, data, len, &stop) == 0)
			return;
		r->ctx->counters->seg_limit++;
		anomaly_once(r, AN_SEGLIM, "stream.reassembly_segment_limit", "gap");
		if (ooo_first(d) == NULL)
			return; /* nothing may be buffered at all: a hole */
		/* give up on the first hole: skip to the lowest byte we hold
		 * (buffered, or this segment's remaining piece) and go on */
		data += (size_t)(stop - uoff);
		len -= (size_t)(stop - uoff);
		off = (int64_t)stop;
		first = ooo_first(d)->off;
		declare_gap(r, stop < first ? stop : first);
		if (d->closed)
			return;
	}
}

static void start_at(struct sw_reasm_dir *d, uint32_t seq)
{
	d->next_seq = seq;
	d->next_off = 0;
	d->started = 1;
}

void reasm_dir_start_acked(struct sw_reasm_dir *d, uint32_t ack)
{
	if (d->started)
		return;
	start_at(d, ack);
	d->syn_seen = 1;
	d->isn = ack - 1;
}

/* A SYN: sets the initial sequence number. Returns 0 if the segment must
 * be ignored. */
static int syn_seen(struct run *r, uint32_t seq)
{
	struct sw_reasm_dir *d = r->d;

	if (!d->started) {
		start_at(d, seq + 1);
	} else if (d->syn_seen && seq == d->isn) {
		return 1; /* retransmitted SYN */
	} else if (d->syn_seen && d->next_off == 0 && ooo_first(d) == NULL && !d->fin_seen) {
		/* a new ISN before any data: the connection attempt was
		 * restarted; follow it */
		start_at(d, seq + 1);
	} else {
		/* data was seen under another ISN: this is not our stream */
		r->ctx->counters->syn_conflict++;
		return 0;
	}
	d->syn_seen = 1;
	d->isn = seq;
	return 1;
}

/* A FIN: the stream ends at fin_seq. Buffered bytes beyond it are dropped. */
static void fin_seen(struct run *r, uint32_t fin_seq)
{
	struct sw_reasm_dir *d = r->d;
	struct sw_reasm_held *h = d->held;
	struct sw_reasm_seg **pp, *s;
	int64_t fin_off = seq_off(d, fin_seq);

	if (d->fin_seen || fin_off < (int64_t)d->next_off)
		return; /* a FIN before bytes already delivered is bogus */
	d->fin_seen = 1;
	d->fin_seq = fin_seq;
	if (h == NULL)
		return;
	h->ooo_last = NULL;
	for (pp = &h->ooo; (s = *pp) != NULL;) {
		if ((int64_t)(s->off + s->len) > fin_off) {
			/* beyond the FIN: drop, or shrink the one straddling it
			 * (if even shrinking fails, it becomes a hole) */
			size_t keep = (int64_t)s->off < fin_off ?
			    (size_t)(fin_off - (int64_t)s->off) : 0;
			struct sw_reasm_seg *n = keep > 0 ? realloc(s, sizeof(*s) + keep) : NULL;

			if (n == NULL) {
				*pp = s->next;
				h->ooo_count--;
				seg_free(r->ctx, s);
				continue;
			}
			mem_give(r->ctx, n->len - keep);
			n->len = keep;
			*pp = s = n;
		}
		h->ooo_last = s;
		pp = &s->next;
	}
	held_release(r->ctx, d);
}

static void maybe_fin(struct run *r)
{
	struct sw_reasm_dir *d = r->d;

	if (d->fin_seen && !d->closed && (int32_t)(d->next_seq - d->fin_seq) >= 0)
		close_dir(r, 0);
}

/* Count the segment once, by what its bytes turned out to be. */
static void count_segment(struct run *r)
{
	struct sw_counters_reasm *c = r->ctx->counters;

	if (r->diff) {
		c->overlap_diff++;
		anomaly_once(r, AN_OVERLAP, "stream.reassembly_overlap_different_data",
		    "first_wins");
	}
	if (r->seen_old) {
		if (r->seen_new)
			c->overlap++;
		else
			c->retransmissions++;
	}
}

void reasm_segment(struct sw_reasm_ctx *ctx, struct sw_reasm_dir *d, int dir,
    uint32_t seq, uint8_t tcp_flags, const uint8_t *data, size_t len,
    uint64_t ts_usec, sw_reasm_deliver_fn deliver, void *arg,
    const struct sw_anomaly_sink *anomalies)
{
	struct run r;
	uint32_t data_seq = seq;

	ctx->counters->segments++;
	if (d->closed)
		return;
	if (data == NULL || (tcp_flags & TH_RST))
		len = 0; /* an RST's payload is not stream data */
	/* A bare ACK (or RST) starts nothing, carries nothing and counts as
	 * nothing; it could only close a direction whose FIN was seen. A
	 * quarter of the segments: spare them the run's ten stores. */
	if (len == 0 && !(tcp_flags & (TH_SYN | TH_FIN)) && !d->fin_seen)
		return;
	r = (struct run){ ctx, d, dir, ts_usec, deliver, arg, anomalies, 0, 0, 0 };
	/* The usual segment: only data, exactly the next bytes of a started
	 * direction without a FIN, nothing out of order to merge. What the
	 * rest of this function would do with it comes down to this one
	 * call (segment_data's first case; nothing to count, no FIN to
	 * close on), without its tests. */
	if (len > 0 && !(tcp_flags & (TH_SYN | TH_FIN)) && d->started && !d->fin_seen &&
	    seq == d->next_seq && ooo_first(d) == NULL) {
		r.seen_new = 1;
		deliver_run(&r, data, len, 1);
		return;
	}
	if (tcp_flags & TH_SYN) {
		data_seq = seq + 1; /* the SYN takes one sequence number */
		if (!syn_seen(&r, seq))
			return;
	}
	if (!d->started) {
		if (len == 0 && !(tcp_flags & TH_FIN))
			return; /* a bare ACK says nothing about where data starts */
		/* midstream: bytes came before this one, unseen */
		start_at(d, data_seq);
		d->gap_pending = 1;
	}
	if (tcp_flags & TH_FIN)
		fin_seen(&r, data_seq + (uint32_t)len);
	if (len > 0)
		segment_data(&r, seq_off(d, data_seq), data, len);
	count_segment(&r);
	maybe_fin(&r);
}

void reasm_peer_ack(struct sw_reasm_ctx *ctx, struct sw_reasm_dir *d, int dir,
    uint32_t ack, uint64_t ts_usec, sw_reasm_deliver_fn deliver, void *arg,
    const struct sw_anomaly_sink *anomalies)
{
	struct run r;
	int32_t ahead;
	uint64_t target, first;

	if (!d->started || d->closed)
		return;
	ahead = (int32_t)(ack - d->next_seq);
	if (ahead <= 0)
		return; /* nothing new acknowledged (or an old ACK) */
	if ((int64_t)ahead > REASM_MAX_JUMP) {
		ctx->counters->bogus_ack++;
		return;
	}
	/* (only now: most ACKs return above, and the run costs ten stores) */
	r = (struct run){ ctx, d, dir, ts_usec, deliver, arg, anomalies, 0, 0, 0 };
	target = d->next_off + (uint64_t)ahead;
	/* the FIN takes a sequence number that carries no byte */
	if (d->fin_seen) {
		int64_t fin_off = seq_off(d, d->fin_seq);

		if ((int64_t)target > fin_off)
			target = (uint64_t)fin_off;
	}
	/* every hole below the ACK is lost; buffered data between them is
	 * delivered, each piece after its own gap */
	while (!d->closed && d->next_off < target) {
		first = ooo_first(d) != NULL ? ooo_first(d)->off : UINT64_MAX;
		declare_gap(&r, first < target ? first : target);
	}
	maybe_fin(&r);
}

void reasm_finish(struct sw_reasm_ctx *ctx, struct sw_reasm_dir *d, int dir,
    uint64_t ts_usec, sw_reasm_deliver_fn deliver, void *arg,
    const struct sw_anomaly_sink *anomalies)
{
	struct run r = { ctx, d, dir, ts_usec, deliver, arg, anomalies, 0, 0, 0 };

	if (d->closed)
		return;
	while (ooo_first(d) != NULL && !d->closed)
		declare_gap(&r, ooo_first(d)->off);
	close_dir(&r, 0);
}
