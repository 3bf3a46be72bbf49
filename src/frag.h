/* frag.h: IPv4 and IPv6 fragment reassembly, private to the decoder.
 *
 * RFC 791 section 3.2 (IPv4: key src, dst, id, protocol) and RFC 8200
 * section 4.5 (IPv6: key src, dst, fragment id; the unfragmentable part and
 * the upper-layer protocol come from the offset-zero fragment). Overlaps are
 * resolved "first wins" (bytes already held are kept), as BSD and Windows
 * stacks do; every overlap is counted and reported once per datagram
 * (Suricata's defrag.c keeps a per-OS policy; one policy is enough for a
 * sensor that only observes).
 *
 * Every datagram under reassembly lives in a small hash table and on an age
 * list (oldest first). Caps from struct sw_limits: frag_max_datagrams and
 * frag_memcap (hitting either drops the oldest datagram, counted in
 * frag_memcap), frag_timeout on packet time (frag_timeout counter). */
#ifndef SW_FRAG_H
#define SW_FRAG_H

#include <stddef.h>
#include <stdint.h>

#include "sw_anomaly.h"
#include "sw_counters.h"
#include "sw_limits.h"

/* Longest unfragmentable part (IPv4 header, or IPv6 header plus the
 * extension headers before the fragment header) we keep for a datagram. */
#define FRAG_HDR_MAX 256

struct sw_frag;

/* One fragment as the decoder parsed it. All pointers are into the packet
 * and need to stay valid only during frag_insert(). */
struct frag_in {
	uint8_t version;        /* 4 or 6 */
	uint8_t proto;          /* IPv4 protocol / next header after the fragment header */
	uint8_t more;           /* MF / M flag */
	uint32_t id;            /* identification */
	const uint8_t *src;     /* 4 or 16 bytes */
	const uint8_t *dst;
	const uint8_t *hdr;     /* unfragmentable part (IP header [+ ext headers]) */
	uint32_t hdr_len;
	uint32_t nh_off;        /* IPv6: offset in hdr of the byte naming the fragment header */
	uint32_t offset;        /* fragment offset in bytes */
	const uint8_t *data;    /* fragment payload */
	uint32_t len;
	uint64_t ts_usec;
};

enum frag_result {
	FRAG_HELD = 0,   /* kept (or dropped by a cap, counted): nothing to analyse yet */
	FRAG_DONE = 1,   /* the datagram is complete: *out holds it */
	FRAG_BAD = 2,    /* malformed: counted and reported, datagram dropped */
};

/* Create a reassembler. Returns NULL on allocation failure. */
struct sw_frag *frag_new(const struct sw_limits *limits,
    struct sw_counters_decode *counters, const struct sw_anomaly_sink *anomalies);
void frag_free(struct sw_frag *f);

/* Add one fragment. On FRAG_DONE, *out / *out_len cover the whole datagram
 * as an IP packet: the offset-zero fragment's header with the length fields
 * patched, the fragment fields cleared (IPv4, checksum recomputed) or the
 * fragment header removed (IPv6). That buffer belongs to the reassembler and
 * stays valid until frag_release() or the next FRAG_DONE. The caller has
 * checked that the fragment is entirely captured. */
enum frag_result frag_insert(struct sw_frag *f, const struct frag_in *in,
    const uint8_t **out, uint32_t *out_len);

/* Free the buffer of the last completed datagram. */
void frag_release(struct sw_frag *f);

/* Drop datagrams whose first fragment is frag_timeout seconds older than
 * now_usec; each counts frag_timeout. */
void frag_expire(struct sw_frag *f, uint64_t now_usec);

/* Datagrams and bytes currently held (for tests and stats). */
size_t frag_active(const struct sw_frag *f);
size_t frag_mem_used(const struct sw_frag *f);

#endif
