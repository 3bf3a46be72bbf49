/* pcapfile-int.h: what pcapfile.c (the buffer, classic pcap) and
 * pcapfile-ng.c (pcapng blocks) share. Not for other users. */
#ifndef SW_PCAPFILE_INT_H
#define SW_PCAPFILE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <pcap/pcap.h>

#include "capture-rec.h"

/* A pcapng interface's time-stamp conversion (libpcap's pcap_ng_if). */
struct pcapng_iface {
	uint64_t tsresol;      /* units per second */
	uint64_t tsoffset;     /* seconds added */
	uint64_t scale_factor; /* decimal resolutions: the ratio to microseconds */
	uint8_t scale;         /* enum pcapng_scale */
};

/* Interfaces a pcapng section may describe before libpcap reads the rest
 * of the file (a documented cap, not an error: libpcap takes any number). */
#define PCAPNG_IFACES_MAX 1024
/* Blocks larger than this are left to libpcap (its own limit is 16 MiB or
 * more): a packet block holds at most 256 KiB of packet for most link
 * types, plus options. */
#define PCAPNG_BLOCK_MAX (1u << 20)

struct pcapfile {
	int fd;
	int swapped;   /* written in the other byte order */
	int nsec;      /* classic: time stamps in nanoseconds (scaled down) */
	uint32_t snapshot;
	uint32_t max_caplen;
	const struct bpf_insn *insns; /* the filter; NULL: none */
	uint8_t *buf;
	size_t cap;    /* bytes allocated */
	size_t pos;    /* the next unread byte */
	size_t end;    /* bytes in buf */
	int at_eof;    /* read(2) said 0, or the limit was reached */
	uint64_t limit;      /* pcapfile_set_limit: read no byte past this offset; 0 none */
	uint64_t read_total; /* the fd's offset: bytes read so far, with any header */
	int plain;     /* classic, this byte order, microseconds, no filter:
	                  pcapfile_next's fast path may read its records */
	char err[PCAP_ERRBUF_SIZE];
	/* pcapng */
	int ng;
	int dlt;                       /* libpcap's link type for the file */
	int ng_started;                /* past the first block (its SHB) */
	int seen_idb;                  /* the first IDB was read */
	struct pcapng_iface *ifaces;   /* this section's interfaces */
	uint32_t ifcount, ifcap;
	uint64_t records;              /* packet blocks read (filtered or not) */
	uint64_t off;                  /* the file offset of the next block */
	uint64_t unknown;              /* blocks of types libpcap skips unread */
	uint32_t unknown_type;         /* the first of them: its type, */
	uint64_t unknown_off;          /* and offset */
	char *path;                    /* to hand the rest to libpcap */
	const struct bpf_program *filter;
	pcap_t *lib;                   /* non-NULL: libpcap reads from here on */
};

/* A 32- or 16-bit field of the file; swapped: written in the other byte
 * order than this machine's. */
static inline uint32_t pcapfile_rd32(const uint8_t *p, int swapped)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return swapped ? __builtin_bswap32(v) : v;
}

static inline uint16_t pcapfile_rd16(const uint8_t *p, int swapped)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return swapped ? __builtin_bswap16(v) : v;
}

int pcapfile_want(struct pcapfile *pf, size_t n);
int pcapfile_rewrites_records(int dlt, int swapped);

/* pcapfile-ng.c */
int pcapng_start(struct pcapfile *pf, const char *path, const uint8_t hdr[24]);
int pcapng_next(struct pcapfile *pf, struct capture_rec *rec);
void pcapng_free(struct pcapfile *pf);

#endif
