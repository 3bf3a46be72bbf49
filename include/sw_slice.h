/* sw_slice.h: what TCP reassembly hands a dissector.
 *
 * The parser sees a contiguous run of in-order bytes for one direction plus
 * flags; it never sees segments or sequence numbers (Suricata's split between
 * stream-tcp-reassemble.c and app-layer parsers, StreamSlice). */
#ifndef SW_SLICE_H
#define SW_SLICE_H

#include <stddef.h>
#include <stdint.h>

/* Direction relative to the flow's initiator (the miner, for Stratum). */
#define SW_DIR_TO_SERVER 0 /* initiator -> responder */
#define SW_DIR_TO_CLIENT 1 /* responder -> initiator */

/* slice.flags */
#define SW_SLICE_GAP   0x01 /* bytes are missing before data[0] (capture loss):
                               drop any partial message and resynchronise */
#define SW_SLICE_EOF   0x02 /* no more bytes will follow in this direction
                               (FIN reached, RST, depth reached, end of flow) */
#define SW_SLICE_DEPTH 0x04 /* with EOF: the reassembly depth was reached */
#define SW_SLICE_UDP   0x08 /* one UDP datagram: a whole message, not a stream */

struct sw_slice {
	const uint8_t *data; /* never NULL, even when len is 0 */
	size_t len;        /* may be 0 with GAP or EOF */
	uint8_t dir;       /* SW_DIR_* */
	uint8_t flags;     /* SW_SLICE_* */
	uint64_t ts_usec;  /* time of the packet that completed this slice */
	uint64_t offset;   /* stream offset of data[0] in this direction */
	uint64_t gap_len;  /* with GAP: how many bytes are missing, 0 if unknown */
};

#endif
