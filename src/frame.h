/* frame.h: records on the pipe from an analysis worker to the collector
 * (--workers, shard.c). Each record is this header and len bytes.
 *
 * A worker's records come in the order it made them: its EVE lines, each
 * with the position in the input where it was written (major: the index
 * of the packet being analysed, SHARD_ORDER_END for the end-of-input
 * flush; minor: the phase within that packet, or the flow's number in the
 * flush), beats that say how far it has read, then its totals. The
 * collector merges the workers' lines by (major, minor, worker). */
#ifndef SW_FRAME_H
#define SW_FRAME_H

#include <stdint.h>

enum sw_frame_type {
	FRAME_LINE = 1,     /* one EVE line, with its newline */
	FRAME_BEAT,         /* analysed every packet up to major; no payload */
	FRAME_END,          /* no more lines; the totals follow */
	FRAME_TOTALS,       /* struct shard_totals (shard.c) */
	FRAME_ROW,          /* one struct sw_summary_row */
	FRAME_RESULT,       /* the worker's exit status (major) and message */
};

struct sw_frame_hdr {
	uint32_t type;
	uint32_t len;       /* payload bytes after the header */
	uint64_t major, minor;
};

/* major of the end-of-input flush (minor: the flow's seq_no) */
#define SHARD_ORDER_END (UINT64_MAX - 1)
/* A worker says how far it has read every this many packets (and sends
 * what it has gathered): the collector cannot write another worker's
 * line past a point until it knows this one has nothing before it. */
#define SHARD_BEAT_PACKETS 16384
/* minor within one packet: the flows its time expires, by their seq_no
 * (at most the packet's index), then the fragments it expires, then the
 * packet's own events */
#define SHARD_MINOR_TICK 0
#define SHARD_MINOR_FRAGS (UINT64_MAX - 1)
#define SHARD_MINOR_PACKET UINT64_MAX

#endif
