/* sw_reasm.h: TCP stream reassembly, one direction at a time.
 *
 * Turns TCP segments, in whatever order the capture holds them, into
 * in-order slices (sw_slice.h) for a dissector. The caller (flow.c) owns one
 * struct sw_reasm_dir per direction and says which direction a segment is.
 *
 * Policies (documented in README.md, "TCP reassembly"):
 *  - Overlaps and retransmissions: first wins. Bytes already delivered, or
 *    already buffered out of order, keep the value first seen; new bytes that
 *    differ are counted (reasm.overlap_diff) and reported as the anomaly
 *    "stream.reassembly_overlap_different_data".
 *  - Out-of-order segments are copied and buffered, up to
 *    limits.reasm_max_segments per direction and limits.reasm_memcap over all
 *    flows; past either the segment is dropped and counted.
 *  - Gaps: a hole in the sequence space is declared when the peer ACKs past
 *    it (the receiver had the bytes; the capture did not), when the
 *    out-of-order buffer is full, or at the end of the flow. The next slice
 *    carries SW_SLICE_GAP and any unparsed tail is discarded.
 *  - Midstream pickup: a direction whose SYN was not seen starts at the first
 *    segment seen; earlier data arriving later is dropped as old.
 *  - Depth: after limits.reasm_depth bytes (0 = unlimited) a direction is
 *    closed with SW_SLICE_EOF|SW_SLICE_DEPTH.
 *  - In-order data with no unparsed tail is delivered straight from the
 *    packet, without a copy. Bytes the dissector leaves unconsumed are
 *    copied into the tail buffer (at most limits.reasm_max_unparsed; beyond
 *    that they are dropped, counted as reasm.unparsed_overflow, and the next
 *    slice is marked GAP).
 *
 * Sequence numbers are mapped to 64-bit stream offsets relative to the
 * current position, so wrap-around at 2^32 is handled.
 */
#ifndef SW_REASM_H
#define SW_REASM_H

#include <stddef.h>
#include <stdint.h>
#include "sw_anomaly.h"
#include "sw_counters.h"
#include "sw_limits.h"
#include "sw_slice.h"

/* Shared by all flows: limits, counters and memory accounting. */
struct sw_reasm_ctx {
	const struct sw_limits *limits;
	struct sw_counters_reasm *counters;
	size_t mem_used;           /* bytes in out-of-order segments, tails and
	                              the records that hold them (reasm.mem_peak) */
};

struct sw_reasm_held;              /* private to reasm.c */

/* Per-direction state; zero-initialise with reasm_dir_init(). Every flow
 * holds two, so what only some directions need (out-of-order segments, an
 * unparsed tail) sits behind one pointer, allocated when first needed and
 * freed when empty: 40 bytes here instead of 80. */
struct sw_reasm_dir {
	uint64_t next_off;         /* stream offset of the next byte to deliver */
	uint64_t gap_len;          /* bytes skipped for the pending gap */
	struct sw_reasm_held *held; /* NULL: nothing held */
	uint32_t next_seq;         /* TCP sequence number of that byte */
	uint32_t fin_seq;          /* valid with fin_seen */
	uint32_t isn;              /* sequence number of the SYN, valid with syn_seen */
	/* (flags in bits: bytes took the struct to 48, and a flow to the
	 * next malloc chunk size) */
	uint8_t started : 1;       /* next_seq is valid (SYN or first data seen) */
	uint8_t syn_seen : 1;      /* started by a SYN (not midstream) */
	uint8_t fin_seen : 1;
	uint8_t closed : 1;        /* EOF delivered; ignore further data */
	uint8_t gap_pending : 1;   /* mark the next slice SW_SLICE_GAP */
	uint8_t anomaly_bits;      /* anomaly kinds already reported */
};
_Static_assert(sizeof(struct sw_reasm_dir) <= 40, "two per flow: kept at 40 bytes");

/* What a direction holds right now (tests, and anyone accounting memory). */
struct sw_reasm_holding {
	size_t tail_len, tail_cap;
	uint32_t ooo_count;
};
struct sw_reasm_holding reasm_dir_holding(const struct sw_reasm_dir *d);

/* Deliver a slice to the dissector. Returns how many bytes of it were
 * consumed (0..len); reassembly keeps the rest and re-presents it, with more
 * bytes appended, on the next delivery. */
typedef size_t (*sw_reasm_deliver_fn)(void *arg, const struct sw_slice *slice);

void reasm_dir_init(struct sw_reasm_dir *d);

/* Free everything the direction holds and return its memory to ctx. */
void reasm_dir_free(struct sw_reasm_ctx *ctx, struct sw_reasm_dir *d);

/* Feed one TCP segment seen travelling in direction dir (SW_DIR_*).
 * tcp_flags are the segment's flags (SYN sets the initial sequence number,
 * FIN marks the end). data/len is its payload as captured. Delivers zero or
 * more slices through deliver(). anomalies may be NULL. */
void reasm_segment(struct sw_reasm_ctx *ctx, struct sw_reasm_dir *d, int dir,
    uint32_t seq, uint8_t tcp_flags, const uint8_t *data, size_t len,
    uint64_t ts_usec, sw_reasm_deliver_fn deliver, void *arg,
    const struct sw_anomaly_sink *anomalies);

/* The peer acknowledged up to ack (a packet in the opposite direction with
 * ACK set). If that is beyond what this direction delivered, the capture
 * missed bytes: declare a gap and deliver what is buffered after it. */
void reasm_peer_ack(struct sw_reasm_ctx *ctx, struct sw_reasm_dir *d, int dir,
    uint32_t ack, uint64_t ts_usec, sw_reasm_deliver_fn deliver, void *arg,
    const struct sw_anomaly_sink *anomalies);

/* Would reasm_peer_ack() do anything with ack? Only if it acknowledges
 * bytes beyond those delivered. Nearly every ACK does not, and the check
 * spares it the call: reasm_peer_ack() makes the same check itself. */
static inline int reasm_ack_ahead(const struct sw_reasm_dir *d, uint32_t ack)
{
	return d->started && !d->closed && (int32_t)(ack - d->next_seq) > 0;
}

/* The peer's SYN/ACK acknowledges this direction's SYN, which the capture
 * missed: the stream starts at ack with nothing before it (not midstream).
 * Does nothing once the direction has started. */
void reasm_dir_start_acked(struct sw_reasm_dir *d, uint32_t ack);

/* End of this direction (RST, flow timeout, end of input): deliver buffered
 * out-of-order data across any holes (as GAP slices), then an EOF slice. */
void reasm_finish(struct sw_reasm_ctx *ctx, struct sw_reasm_dir *d, int dir,
    uint64_t ts_usec, sw_reasm_deliver_fn deliver, void *arg,
    const struct sw_anomaly_sink *anomalies);

#endif
