/* reasm.c: TCP reassembly into in-order slices (policies in sw_reasm.h).
 *
 * Per direction, stream offsets are 64-bit and count from the first byte
 * after the SYN (or the first byte seen, midstream):
 *
 *          delivered, consumed        tail (unparsed)      next_off
 *   ... ---------------------------|==================|      |
 *                                                       ooo: [seg]  [seg] ...
 *                                                            ^ sorted, non-overlapping,
 *                                                              all beyond next_off
 *
 * In-order bytes go straight from the packet to the dissector; only what
 * the dissector leaves unconsumed is copied into the tail, and only
 * segments that arrive ahead of a hole are copied into the ooo list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_reasm.h"

struct sw_reasm_seg {
	struct sw_reasm_seg *next;
	uint64_t off;
	size_t len;
	uint8_t data[];
};

/* An ACK further ahead than this is not believed (forged or garbage). */
#define REASM_MAX_ACK_JUMP (1ULL << 30)

/* Anomaly bits per direction, so each kind is reported once. */
#define AN_OVERLAP 0x01
#define AN_MEMCAP  0x02
#define AN_SEGLIM  0x04
#define AN_UNPARSED 0x08

struct run {
	struct sw_reasm_ctx *ctx;
	struct sw_reasm_dir *d;
	int dir;
	uint64_t ts;
	sw_reasm_deliver_fn deliver;
	void *arg;
	const struct sw_anomaly_sink *an;
};

static uint64_t seq_to_off(const struct sw_reasm_dir *d, uint32_t seq)
{
	int32_t delta = (int32_t)(seq - d->next_seq);

	if (delta < 0 && (uint64_t)(-(int64_t)delta) > d->next_off)
		return 0; /* before the stream began: treated as old data */
	return (uint64_t)((int64_t)d->next_off + delta);
}

static void anomaly_once(struct run *r, uint8_t bit, const char *event, const char *action)
{
	if (r->d->anomaly_bits & bit)
		return;
	r->d->anomaly_bits |= bit;
	sw_anomaly_report(r->an, SW_ANOMALY_STREAM, event, NULL, action, NULL);
}

static int mem_take(struct sw_reasm_ctx *ctx, size_t n)
{
	if (ctx->limits->reasm_memcap > 0 && ctx->mem_used + n > ctx->limits->reasm_memcap)
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

static void tail_drop(struct sw_reasm_ctx *ctx, struct sw_reasm_dir *d)
{
	free(d->tail);
	mem_give(ctx, d->tail_cap);
	d->tail = NULL;
	d->tail_len = d->tail_cap = 0;
}

static void ooo_free_all(struct sw_reasm_ctx *ctx, struct sw_reasm_dir *d)
{
	struct sw_reasm_seg *s;

	while ((s = d->ooo) != NULL) {
		d->ooo = s->next;
		mem_give(ctx, sizeof(*s) + s->len);
		free(s);
	}
	d->ooo_count = 0;
}

void reasm_dir_free(struct sw_reasm_ctx *ctx, struct sw_reasm_dir *d)
{
	ooo_free_all(ctx, d);
	tail_drop(ctx, d);
}

/* Ensure the tail can hold need bytes. */
static int tail_reserve(struct sw_reasm_ctx *ctx, struct sw_reasm_dir *d, size_t need)
{
	size_t ncap;
	uint8_t *nt;

	if (need <= d->tail_cap)
		return 0;
	ncap = d->tail_cap ? d->tail_cap : 512;
	while (ncap < need)
		ncap *= 2;
	if (mem_take(ctx, ncap - d->tail_cap) != 0)
		return -1;
	nt = realloc(d->tail, ncap);
	if (nt == NULL) {
		mem_give(ctx, ncap - d->tail_cap);
		return -1;
	}
	d->tail = nt;
	d->tail_cap = ncap;
	return 0;
}

static void close_dir(struct run *r, uint8_t extra_flags)
{
	struct sw_reasm_dir *d = r->d;
	struct sw_slice s;

	if (d->closed)
		return;
	memset(&s, 0, sizeof(s));
	s.dir = (uint8_t)r->dir;
	s.flags = (uint8_t)(SW_SLICE_EOF | extra_flags);
	s.ts_usec = r->ts;
	if (d->gap_pending) {
		s.flags |= SW_SLICE_GAP;
		s.gap_len = d->gap_len;
		d->gap_pending = 0;
	}
	/* the unparsed tail gets one last look, marked EOF */
	s.data = d->tail;
	s.len = d->tail_len;
	s.offset = d->next_off - d->tail_len;
	d->closed = 1;
	(void)r->deliver(r->arg, &s);
	tail_drop(r->ctx, d);
	ooo_free_all(r->ctx, d);
}

/* Deliver len in-order bytes starting at next_off. */
static void deliver_run(struct run *r, const uint8_t *data, size_t len)
{
	struct sw_reasm_ctx *ctx = r->ctx;
	struct sw_reasm_dir *d = r->d;
	size_t depth = ctx->limits->reasm_depth, consumed, rest;
	int at_depth = 0;
	struct sw_slice s;

	if (d->closed || len == 0)
		return;
	if (depth > 0 && d->next_off + len >= depth) {
		len = d->next_off < depth ? (size_t)(depth - d->next_off) : 0;
		at_depth = 1;
	}
	memset(&s, 0, sizeof(s));
	s.dir = (uint8_t)r->dir;
	s.ts_usec = r->ts;
	if (d->gap_pending) {
		s.flags |= SW_SLICE_GAP;
		s.gap_len = d->gap_len;
		d->gap_pending = 0;
		d->gap_len = 0;
	}
	if (d->tail_len == 0) {
		s.data = data;
		s.len = len;
		s.offset = d->next_off;
		ctx->counters->in_order_zero_copy++;
	} else {
		if (tail_reserve(ctx, d, d->tail_len + len) != 0) {
			/* cannot join: drop the old tail, deliver the new bytes
			 * as if after a gap */
			ctx->counters->memcap++;
			anomaly_once(r, AN_MEMCAP, "stream.reassembly_memcap", "tail_dropped");
			tail_drop(ctx, d);
			s.flags |= SW_SLICE_GAP;
			s.data = data;
			s.len = len;
			s.offset = d->next_off;
		} else {
			memcpy(d->tail + d->tail_len, data, len);
			d->tail_len += len;
			s.data = d->tail;
			s.len = d->tail_len;
			s.offset = d->next_off + len - d->tail_len;
		}
	}
	d->next_off += len;
	d->next_seq += (uint32_t)len;
	ctx->counters->bytes_delivered += len;
	if (at_depth)
		s.flags |= SW_SLICE_EOF | SW_SLICE_DEPTH;
	consumed = s.len > 0 || (s.flags & SW_SLICE_EOF) ? r->deliver(r->arg, &s) : 0;
	if (consumed > s.len)
		consumed = s.len; /* a dissector bug; never trust it past len */
	rest = s.len - consumed;
	if (at_depth) {
		ctx->counters->depth_reached++;
		anomaly_once(r, 0x10, "stream.reassembly_depth_reached", "stopped");
		d->closed = 1;
		tail_drop(ctx, d);
		ooo_free_all(ctx, d);
		return;
	}
	if (rest == 0) {
		d->tail_len = 0;
		return;
	}
	if (rest > ctx->limits->reasm_max_unparsed) {
		ctx->counters->unparsed_overflow++;
		anomaly_once(r, AN_UNPARSED, "stream.unparsed_overflow", "dropped");
		d->tail_len = 0;
		d->gap_pending = 1;
		d->gap_len = rest;
		return;
	}
	if (s.data == d->tail) {
		memmove(d->tail, d->tail + consumed, rest);
		d->tail_len = rest;
		return;
	}
	if (tail_reserve(ctx, d, rest) != 0) {
		ctx->counters->memcap++;
		anomaly_once(r, AN_MEMCAP, "stream.reassembly_memcap", "dropped");
		d->tail_len = 0;
		d->gap_pending = 1;
		d->gap_len = rest;
		return;
	}
	memcpy(d->tail, s.data + consumed, rest);
	d->tail_len = rest;
}

/* Deliver out-of-order segments that have become contiguous. */
static void drain(struct run *r)
{
	struct sw_reasm_dir *d = r->d;
	struct sw_reasm_seg *s;

	while ((s = d->ooo) != NULL && s->off <= d->next_off && !d->closed) {
		d->ooo = s->next;
		d->ooo_count--;
		if (s->off + s->len > d->next_off)
			deliver_run(r, s->data + (d->next_off - s->off),
			    (size_t)(s->off + s->len - d->next_off));
		mem_give(r->ctx, sizeof(*s) + s->len);
		free(s);
	}
}

/* Skip the hole before target (bytes the capture never had). */
static void declare_gap(struct run *r, uint64_t target)
{
	struct sw_reasm_dir *d = r->d;
	uint64_t n = target - d->next_off;

	if (target <= d->next_off)
		return;
	r->ctx->counters->gaps++;
	r->ctx->counters->gap_bytes += n;
	tail_drop(r->ctx, d);
	d->gap_pending = 1;
	d->gap_len += n;
	d->next_off = target;
	d->next_seq += (uint32_t)n;
	drain(r);
}

/* Compare bytes that arrive again with what we still hold for them. */
static void check_overlap(struct run *r, uint64_t off, const uint8_t *data, size_t len)
{
	struct sw_reasm_dir *d = r->d;
	uint64_t tail_start = d->next_off - d->tail_len;
	uint64_t a = off > tail_start ? off : tail_start;
	uint64_t b = off + len < d->next_off ? off + len : d->next_off;

	if (a < b && memcmp(d->tail + (a - tail_start), data + (a - off), (size_t)(b - a)) != 0) {
		r->ctx->counters->overlap_diff++;
		anomaly_once(r, AN_OVERLAP, "stream.reassembly_overlap_different_data", "first_wins");
	}
}

static struct sw_reasm_seg *seg_new(struct run *r, uint64_t off, const uint8_t *data, size_t len)
{
	struct sw_reasm_seg *s;

	if (mem_take(r->ctx, sizeof(*s) + len) != 0) {
		r->ctx->counters->memcap++;
		anomaly_once(r, AN_MEMCAP, "stream.reassembly_memcap", "segment_dropped");
		return NULL;
	}
	s = malloc(sizeof(*s) + len);
	if (s == NULL) {
		mem_give(r->ctx, sizeof(*s) + len);
		return NULL;
	}
	s->next = NULL;
	s->off = off;
	s->len = len;
	memcpy(s->data, data, len);
	return s;
}

/* Insert [off, off+len) ahead of next_off, keeping what is already
 * buffered (first wins) and adding only the uncovered pieces. */
static void ooo_insert(struct run *r, uint64_t off, const uint8_t *data, size_t len)
{
	struct sw_reasm_dir *d = r->d;
	struct sw_reasm_seg **pp = &d->ooo, *s;
	uint64_t cur = off, end = off + len;

	while (cur < end) {
		s = *pp;
		if (s != NULL && s->off + s->len <= cur) {
			pp = &s->next;
			continue;
		}
		if (s != NULL && s->off <= cur) {
			/* covered by s: compare, skip past it */
			uint64_t b = s->off + s->len < end ? s->off + s->len : end;

			r->ctx->counters->overlap++;
			if (memcmp(s->data + (cur - s->off), data + (cur - off), (size_t)(b - cur)) != 0) {
				r->ctx->counters->overlap_diff++;
				anomaly_once(r, AN_OVERLAP, "stream.reassembly_overlap_different_data", "first_wins");
			}
			cur = b;
			pp = &s->next;
			continue;
		}
		{
			uint64_t piece_end = (s != NULL && s->off < end) ? s->off : end;
			struct sw_reasm_seg *n;

			if (d->ooo_count >= r->ctx->limits->reasm_max_segments) {
				r->ctx->counters->seg_limit++;
				anomaly_once(r, AN_SEGLIM, "stream.reassembly_segment_limit", "segment_dropped");
				return;
			}
			n = seg_new(r, cur, data + (cur - off), (size_t)(piece_end - cur));
			if (n == NULL)
				return;
			n->next = s;
			*pp = n;
			pp = &n->next;
			d->ooo_count++;
			r->ctx->counters->ooo_buffered++;
			cur = piece_end;
		}
	}
}

static void maybe_fin(struct run *r)
{
	struct sw_reasm_dir *d = r->d;

	if (d->fin_seen && !d->closed && d->next_seq == d->fin_seq)
		close_dir(r, 0);
}

void reasm_segment(struct sw_reasm_ctx *ctx, struct sw_reasm_dir *d, int dir,
    uint32_t seq, uint8_t tcp_flags, const uint8_t *data, size_t len,
    uint64_t ts_usec, sw_reasm_deliver_fn deliver, void *arg,
    const struct sw_anomaly_sink *anomalies)
{
	struct run r = { ctx, d, dir, ts_usec, deliver, arg, anomalies };
	uint32_t data_seq = seq;
	uint64_t off;

	ctx->counters->segments++;
	if (d->closed)
		return;
	if (tcp_flags & 0x02 /* SYN */) {
		data_seq = seq + 1;
		if (!d->started) {
			d->next_seq = data_seq;
			d->next_off = 0;
			d->started = 1;
		}
	}
	if (tcp_flags & 0x04 /* RST: the caller finishes both directions */)
		len = 0;
	if (!d->started) {
		if (len == 0 && !(tcp_flags & 0x01))
			return; /* a bare ACK says nothing about where data starts */
		/* midstream: bytes before this one were never seen */
		d->next_seq = data_seq;
		d->next_off = 0;
		d->started = 1;
		d->gap_pending = 1;
	}
	if ((tcp_flags & 0x01 /* FIN */) && !d->fin_seen) {
		d->fin_seen = 1;
		d->fin_seq = data_seq + (uint32_t)len;
	}
	if (len > 0) {
		off = seq_to_off(d, data_seq);
		if (off + len <= d->next_off) {
			ctx->counters->retransmissions++;
			check_overlap(&r, off, data, len);
		} else {
			if (off < d->next_off) {
				size_t skip = (size_t)(d->next_off - off);

				ctx->counters->overlap++;
				check_overlap(&r, off, data, skip);
				data += skip;
				len -= skip;
				off = d->next_off;
			}
			if (off == d->next_off && d->ooo != NULL && d->ooo->off < off + len) {
				/* in order, but overlapping bytes buffered earlier:
				 * merge first-wins through the buffer */
				ooo_insert(&r, off, data, len);
				drain(&r);
			} else if (off == d->next_off) {
				deliver_run(&r, data, len);
				drain(&r);
			} else {
				if (d->ooo_count >= ctx->limits->reasm_max_segments && d->ooo != NULL) {
					/* full: give up on the oldest hole */
					declare_gap(&r, d->ooo->off);
					off = seq_to_off(d, data_seq);
				}
				if (off + len <= d->next_off) {
					ctx->counters->retransmissions++;
				} else if (off <= d->next_off) {
					size_t skip = (size_t)(d->next_off - off);

					deliver_run(&r, data + skip, len - skip);
					drain(&r);
				} else {
					ooo_insert(&r, off, data, len);
				}
			}
		}
	}
	maybe_fin(&r);
}

void reasm_peer_ack(struct sw_reasm_ctx *ctx, struct sw_reasm_dir *d, int dir,
    uint32_t ack, uint64_t ts_usec, sw_reasm_deliver_fn deliver, void *arg,
    const struct sw_anomaly_sink *anomalies)
{
	struct run r = { ctx, d, dir, ts_usec, deliver, arg, anomalies };
	int32_t ahead;
	uint64_t target;

	if (!d->started || d->closed)
		return;
	ahead = (int32_t)(ack - d->next_seq);
	if (ahead <= 0)
		return;
	/* the FIN takes one sequence number that carries no data */
	if (d->fin_seen && (int32_t)(ack - d->fin_seq) >= 0) {
		ahead = (int32_t)(d->fin_seq - d->next_seq);
		if (ahead <= 0)
			return;
	}
	if ((uint64_t)ahead > REASM_MAX_ACK_JUMP) {
		ctx->counters->bogus_ack++;
		return;
	}
	target = d->next_off + (uint64_t)ahead;
	if (d->ooo != NULL && d->ooo->off < target)
		target = d->ooo->off;
	declare_gap(&r, target);
	maybe_fin(&r);
}

void reasm_finish(struct sw_reasm_ctx *ctx, struct sw_reasm_dir *d, int dir,
    uint64_t ts_usec, sw_reasm_deliver_fn deliver, void *arg,
    const struct sw_anomaly_sink *anomalies)
{
	struct run r = { ctx, d, dir, ts_usec, deliver, arg, anomalies };

	if (d->closed)
		return;
	if (!d->started) {
		d->closed = 1;
		return;
	}
	while (d->ooo != NULL && !d->closed)
		declare_gap(&r, d->ooo->off);
	close_dir(&r, 0);
}
