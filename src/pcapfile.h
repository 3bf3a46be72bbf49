/* pcapfile.h: reading pcap and pcapng files ourselves, records in place.
 *
 * libpcap's pcap_next_ex reads each record (each pcapng block) with two
 * fread calls through a 4 KiB stdio buffer and copies the packet into its
 * own buffer: about 450 instructions a packet, most of what a bare
 * pcap_next_ex loop costs, and for pcapng much system time besides. This
 * reader takes 256 KiB read(2)s into one buffer and hands out each record
 * where it lies (a record cut by the buffer's end is moved to its front),
 * about 65 instructions a packet. (1 MiB was no faster, and its RSS
 * showed in the per-flow memory figures of bench/run.sh.)
 *
 * It reads what it can read exactly as libpcap does: a regular file, in
 * the classic format version 2.4 (either byte order, micro- or
 * nanosecond time stamps; pcapfile.c) or pcapng (pcapfile-ng.c), of a
 * link type whose records libpcap passes on as they are. Everything else
 * (stdin, older versions, the modified formats; USB captures and, from a
 * machine of the other byte order, Linux cooked, pflog and NFLOG ones,
 * whose pseudo-headers libpcap rewrites) stays with libpcap. libpcap has
 * already opened and checked the file header; its link type and
 * snapshot length are passed in, and every record is judged by libpcap's
 * rules (sf-pcap.c and sf-pcapng.c, 1.10): the same caplen limits, the
 * same clamping to the snapshot length, the same time-stamp arithmetic.
 * Classic pcap's errors are reported in libpcap's words; at a pcapng
 * error this reader hands the file to libpcap (pcapfile-ng.c). The unit
 * test and fuzz_pcapfile compare the two readers record by record.
 *
 * Memory: one buffer of PCAPFILE_BUF bytes; it grows only for a record
 * larger than itself (at most libpcap's per-link-type maximum, 256 KiB
 * for most, 128 MiB for D-Bus; pcapng blocks up to PCAPNG_BLOCK_MAX, 1
 * MiB) and stays at that size. */
#ifndef SW_PCAPFILE_H
#define SW_PCAPFILE_H

#include <stddef.h>
#include <stdint.h>

#include <pcap/pcap.h>

#include "capture-rec.h"

#define PCAPFILE_BUF (256u << 10)

struct pcapfile;

/* Open path for reading by records if it is a file this reader takes
 * (see above); pc is libpcap's handle on the same file (its link type,
 * snapshot length and file are used; a path now naming another file is
 * left to libpcap), filter (may be NULL) the compiled program to apply.
 * bufsize is the buffer's first size (0: PCAPFILE_BUF; the tests use
 * small ones to cut records at every byte). NULL when the
 * file is not one this reader takes, or cannot be opened or allocated:
 * libpcap reads it then. */
struct pcapfile *pcapfile_open(const char *path, pcap_t *pc,
    const struct bpf_program *filter, size_t bufsize);

/* The next record that passes the filter: 1 with *rec filled (rec->data
 * valid until the next call), PCAP_ERROR_BREAK at the end of the file,
 * PCAP_ERROR when a record cannot be read (pcapfile_error says why, in
 * libpcap's words). */
int pcapfile_next(struct pcapfile *pf, struct capture_rec *rec);

const char *pcapfile_error(const struct pcapfile *pf);

/* Read no byte of the file past offset limit (0: to its end), as if the
 * file ended there: --workers' processes read the file as it was when the
 * run began (shard.c). Before the first pcapfile_next. Not for what this
 * reader hands to libpcap (pcapfile_handed_over). */
void pcapfile_set_limit(struct pcapfile *pf, uint64_t limit);

/* 1 when libpcap took over the reading (pcapng: an error, or what this
 * reader leaves to it). */
int pcapfile_handed_over(const struct pcapfile *pf);

/* After the whole of a pcapng file was read here: 1 with the number of
 * blocks of types libpcap skips without a word, the first one's type and
 * byte offset; 0 when this reader did not see every block (a classic
 * file, or libpcap took over). */
int pcapfile_unknown_blocks(const struct pcapfile *pf, uint64_t *count, uint32_t *first_type,
    uint64_t *first_off);

/* The same count for a file libpcap read, by walking its block headers
 * again (a classic pcap file has none: 0 blocks); 0 when it cannot be
 * opened. */
int pcapng_walk_unknown(const char *path, uint64_t *count, uint32_t *first_type,
    uint64_t *first_off);

void pcapfile_close(struct pcapfile *pf);

#endif
