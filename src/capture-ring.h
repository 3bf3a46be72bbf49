/* capture-ring.h: reading a capture file on a second thread.
 *
 * A reader thread takes the file's records (capture-src.h) and copies them
 * into chunks of a small ring (a record's data is valid only until the
 * next one is read); the analysis thread takes whole chunks and runs the
 * engine on each record in file order. One lock per chunk (a few hundred packets), not per packet. The
 * engine still sees one packet at a time, in the same order, so the output
 * is byte-for-byte the one of a single-threaded run.
 *
 * Memory: CAPTURE_RING_CHUNKS chunks of CAPTURE_RING_CHUNK bytes; a chunk
 * grows only to hold one record larger than itself (a snaplen above the
 * chunk size), and is trimmed back when it is refilled. */
#ifndef SW_CAPTURE_RING_H
#define SW_CAPTURE_RING_H

#include <stddef.h>
#include <stdint.h>

#include "capture-src.h"

#define CAPTURE_RING_CHUNKS 8
#define CAPTURE_RING_CHUNK  (256u << 10)

struct capture_ring;

/* Start reading src's records (already filtered) on a new thread. NULL when the ring
 * or the thread cannot be made (the caller reads on its own thread). */
struct capture_ring *capture_ring_start(struct capture_src *src);

/* The next packet in file order: 1 with *rec filled, 0 at the end of the
 * file or on a read error (capture_ring_finish says which). rec->data is
 * valid until the next call. */
int capture_ring_next(struct capture_ring *rg, struct capture_rec *rec);

/* Stop and wait for the reader, free the ring. Returns capture_src_next's last
 * result: PCAP_ERROR_BREAK at the end of the file, PCAP_ERROR on a read
 * error, with its message in err (libpcap's, or the ring's own when a chunk
 * could not grow); *records: the records read. */
int capture_ring_finish(struct capture_ring *rg, uint64_t *records, char *err, size_t errlen);

#endif
