/* pcapfile-ng.c: pcapng blocks read in place (pcapfile.h).
 *
 * libpcap reads a pcapng file through stdio, one fread for each block's
 * header and one for its body, and copies each packet block into its
 * buffer: on a capture of small packets that is half of what analysing
 * them costs. Here each block is handed out where it lies in the buffer.
 *
 * It follows sf-pcapng.c (libpcap 1.10) rule for rule: block lengths and
 * trailers, Enhanced, Simple and obsolete Packet Blocks, a new Section
 * Header Block forgetting the interfaces, each Interface Description
 * Block's time-stamp resolution (decimal or binary) and offset with the
 * same integer arithmetic, and the same checks on link type, snapshot
 * length, interface number and captured length. Where libpcap would stop
 * with an error, and for what this reader does not take (blocks above
 * PCAPNG_BLOCK_MAX, more than PCAPNG_IFACES_MAX interfaces), it hands the
 * file to libpcap, which reads it again from the start, passes over the
 * packets already handed out, and goes on: the error then comes in
 * libpcap's own words, and the records are the same either way. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pcapfile.h"
#include "pcapfile-int.h"

#define BT_SHB 0x0a0d0d0au
#define BT_IDB 1u
#define BT_PB  2u
#define BT_SPB 3u
#define BT_EPB 6u
#define BYTE_ORDER_MAGIC 0x1a2b3c4du
#define USER_TSRESOL 1000000u /* we read at microsecond precision */

enum pcapng_scale { SCALE_PASS, SCALE_UP_DEC, SCALE_UP_BIN, SCALE_DOWN_DEC, SCALE_DOWN_BIN };

static uint32_t g32(const struct pcapfile *pf, const uint8_t *p)
{
	return pcapfile_rd32(p, pf->swapped);
}

static uint16_t g16(const struct pcapfile *pf, const uint8_t *p)
{
	return pcapfile_rd16(p, pf->swapped);
}

/* The block types libpcap reads (SHB, IDB, PB, SPB, NRB, ISB, EPB, DSB)
 * and the custom ones (0xBAD, 0x40000BAD), which are meant to be skipped;
 * it skips any other without a word. */
static int type_known(uint32_t type)
{
	switch (type) {
	case BT_SHB: case 1: case 2: case 3: case 4: case 5: case 6:
	case 0xa: case 0xbad: case 0x40000bad:
		return 1;
	default:
		return 0;
	}
}

int pcapng_start(struct pcapfile *pf, const char *path, const uint8_t hdr[24])
{
	uint32_t bom;

	memcpy(&bom, hdr + 8, 4);
	if (bom == BYTE_ORDER_MAGIC)
		pf->swapped = 0;
	else if (__builtin_bswap32(bom) == BYTE_ORDER_MAGIC)
		pf->swapped = 1;
	else
		return -1;
	pf->path = strdup(path);
	if (pf->path == NULL || lseek(pf->fd, 0, SEEK_SET) != 0)
		return -1;
	return 0;
}

void pcapng_free(struct pcapfile *pf)
{
	free(pf->ifaces);
	pf->ifaces = NULL;
	free(pf->path);
	pf->path = NULL;
	if (pf->lib != NULL)
		pcap_close(pf->lib);
	pf->lib = NULL;
}

/* An Interface Description Block's options (process_idb_options) and the
 * new interface (add_interface); -1 where libpcap would fail, or past
 * PCAPNG_IFACES_MAX. */
static int add_iface(struct pcapfile *pf, const uint8_t *o, size_t olen)
{
	uint64_t tsresol = 1000000, tsoffset = 0;
	int is_binary = 0, saw_tsresol = 0, saw_tsoffset = 0;
	struct pcapng_iface *ifc;

	while (olen != 0) {
		uint16_t code, len;
		size_t padded;
		const uint8_t *val;

		if (olen < 4)
			return -1;
		code = g16(pf, o);
		len = g16(pf, o + 2);
		padded = ((size_t)len + 3) / 4 * 4;
		if (olen - 4 < padded)
			return -1;
		val = o + 4;
		o += 4 + padded;
		olen -= 4 + padded;
		if (code == 0) { /* opt_endofopt */
			if (len != 0)
				return -1;
			break;
		}
		if (code == 9) { /* if_tsresol */
			if (len != 1 || saw_tsresol)
				return -1;
			saw_tsresol = 1;
			if (val[0] & 0x80) {
				if ((val[0] & 0x7f) > 63)
					return -1;
				is_binary = 1;
				tsresol = (uint64_t)1 << (val[0] & 0x7f);
			} else {
				if (val[0] > 19)
					return -1;
				is_binary = 0;
				tsresol = 1;
				for (unsigned i = 0; i < val[0]; i++)
					tsresol *= 10;
			}
		} else if (code == 14) { /* if_tsoffset */
			if (len != 8 || saw_tsoffset)
				return -1;
			saw_tsoffset = 1;
			memcpy(&tsoffset, val, 8);
			if (pf->swapped)
				tsoffset = __builtin_bswap64(tsoffset);
		}
	}
	if (pf->ifcount == pf->ifcap) {
		uint32_t ncap = pf->ifcap == 0 ? 4 : pf->ifcap * 2;
		struct pcapng_iface *n;

		if (ncap > PCAPNG_IFACES_MAX)
			return -1;
		n = realloc(pf->ifaces, ncap * sizeof(*n));
		if (n == NULL)
			return -1;
		pf->ifaces = n;
		pf->ifcap = ncap;
	}
	ifc = &pf->ifaces[pf->ifcount++];
	ifc->tsresol = tsresol;
	ifc->tsoffset = tsoffset;
	ifc->scale_factor = 1;
	if (tsresol == USER_TSRESOL) {
		ifc->scale = SCALE_PASS;
	} else if (tsresol > USER_TSRESOL) {
		ifc->scale = is_binary ? SCALE_DOWN_BIN : SCALE_DOWN_DEC;
		ifc->scale_factor = tsresol / USER_TSRESOL;
	} else {
		ifc->scale = is_binary ? SCALE_UP_BIN : SCALE_UP_DEC;
		ifc->scale_factor = USER_TSRESOL / tsresol;
	}
	return 0;
}

/* Count the blocks libpcap skips without a word (capture.c reports them;
 * its list of the types libpcap reads), and keep the file offset. */
static void count_unknown(struct pcapfile *pf, uint32_t type, uint32_t len)
{
	if (!type_known(type) && pf->unknown++ == 0) {
		pf->unknown_type = type;
		pf->unknown_off = pf->off;
	}
	pf->off += len;
}

/* For a file libpcap read: walk the block headers (8 bytes each, bodies
 * skipped with fseek), up to the first malformed one (libpcap complains of
 * it). */
int pcapng_walk_unknown(const char *path, uint64_t *count, uint32_t *first_type,
    uint64_t *first_off)
{
	uint8_t hdr[12];
	uint64_t off = 0;
	int swapped = 0, n;
	FILE *fp = fopen(path, "rb");

	*count = 0;
	*first_type = 0;
	*first_off = 0;
	if (fp == NULL)
		return 0;
	for (n = 0; n < 10000000 && fread(hdr, 1, 8, fp) == 8; n++) {
		uint32_t type, len;

		if (memcmp(hdr, "\x0a\x0d\x0d\x0a", 4) == 0) {
			/* a section header: its byte-order magic follows */
			if (fread(hdr + 8, 1, 4, fp) != 4)
				break;
			if (pcapfile_rd32(hdr + 8, 0) == BYTE_ORDER_MAGIC)
				swapped = 0;
			else if (pcapfile_rd32(hdr + 8, 1) == BYTE_ORDER_MAGIC)
				swapped = 1;
			else
				break;
			if (fseek(fp, -4, SEEK_CUR) != 0)
				break;
		} else if (off == 0) {
			break; /* not pcapng */
		}
		type = pcapfile_rd32(hdr, swapped);
		len = pcapfile_rd32(hdr + 4, swapped);
		if (len < 12 || len % 4 != 0)
			break;
		if (!type_known(type) && (*count)++ == 0) {
			*first_type = type;
			*first_off = off;
		}
		if (fseek(fp, (long)len - 8, SEEK_CUR) != 0)
			break;
		off += len;
	}
	fclose(fp);
	return 1;
}

int pcapfile_handed_over(const struct pcapfile *pf)
{
	return pf->lib != NULL;
}

int pcapfile_unknown_blocks(const struct pcapfile *pf, uint64_t *count, uint32_t *first_type,
    uint64_t *first_off)
{
	if (!pf->ng || pf->lib != NULL)
		return 0;
	*count = pf->unknown;
	*first_type = pf->unknown_type;
	*first_off = pf->unknown_off;
	return 1;
}

/* A packet's time as libpcap's pcap_ng_next_packet computes it, then as
 * capture_ts_usec() reads its struct timeval (time_t seconds, the
 * fraction through an int). */
static uint64_t ts_usec(const struct pcapng_iface *ifc, uint64_t t)
{
	uint64_t sec = t / ifc->tsresol + ifc->tsoffset, frac = t % ifc->tsresol;

	switch (ifc->scale) {
	case SCALE_UP_DEC:
		frac *= ifc->scale_factor;
		break;
	case SCALE_DOWN_DEC:
		frac /= ifc->scale_factor;
		break;
	case SCALE_UP_BIN:
	case SCALE_DOWN_BIN:
		frac *= USER_TSRESOL;
		frac /= ifc->tsresol;
		break;
	default:
		break;
	}
	return sec * 1000000u + (uint64_t)(int64_t)(int32_t)(uint32_t)frac;
}

/* From here on libpcap reads: open the file again, pass over the packets
 * already handed out (unfiltered, as they were counted), then filter. */
static int hand_over(struct pcapfile *pf)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	struct pcap_pkthdr *h;
	const u_char *d;
	uint64_t i;

	pf->lib = pcap_open_offline_with_tstamp_precision(pf->path, PCAP_TSTAMP_PRECISION_MICRO, perr);
	if (pf->lib == NULL) {
		snprintf(pf->err, sizeof(pf->err), "cannot open the file again: %s", perr);
		return -1;
	}
	for (i = 0; i < pf->records; i++) {
		int r = pcap_next_ex(pf->lib, &h, &d);

		if (r != 1) {
			snprintf(pf->err, sizeof(pf->err), "the file changed while read (%s)",
			    r == PCAP_ERROR ? pcap_geterr(pf->lib) : "it ended sooner");
			return -1;
		}
	}
	if (pf->filter != NULL && pcap_setfilter(pf->lib, (struct bpf_program *)pf->filter) != 0) {
		snprintf(pf->err, sizeof(pf->err), "%s", pcap_geterr(pf->lib));
		return -1;
	}
	return 0;
}

int pcapng_next(struct pcapfile *pf, struct capture_rec *rec)
{
	for (;;) {
		const uint8_t *b, *body, *data;
		uint32_t type, len, iface, caplen, wirelen;
		size_t blen, dlen;
		uint64_t t;

		if (pf->lib != NULL)
			return capture_rec_libpcap(pf->lib, rec, pf->err, sizeof(pf->err));
		if (pf->end - pf->pos < 8 && pcapfile_want(pf, 8) != 0)
			goto libpcap;
		if (pf->end == pf->pos)
			return PCAP_ERROR_BREAK;
		if (pf->end - pf->pos < 8)
			goto libpcap; /* a cut block header */
		type = g32(pf, pf->buf + pf->pos);
		len = g32(pf, pf->buf + pf->pos + 4);
		if (len < 12 || len % 4 != 0 || len > PCAPNG_BLOCK_MAX)
			goto libpcap;
		if (pf->end - pf->pos < len && (pcapfile_want(pf, len) != 0 || pf->end - pf->pos < len))
			goto libpcap;
		b = pf->buf + pf->pos;
		/* (the first block, the Section Header Block libpcap's open
		 * read, had its trailer left unread) */
		if (pf->ng_started && g32(pf, b + len - 4) != len)
			goto libpcap;
		pf->ng_started = 1;
		pf->pos += len;
		count_unknown(pf, type, len);
		body = b + 8;
		blen = len - 12;
		switch (type) {
		case BT_EPB:
		case BT_PB: /* (obsolete: a 16-bit interface and a drop count) */
			if (blen < 20)
				goto libpcap;
			iface = type == BT_EPB ? g32(pf, body) : g16(pf, body);
			t = (uint64_t)g32(pf, body + 4) << 32 | g32(pf, body + 8);
			caplen = g32(pf, body + 12);
			wirelen = g32(pf, body + 16);
			data = body + 20;
			dlen = blen - 20;
			break;
		case BT_SPB:
			if (blen < 4)
				goto libpcap;
			iface = 0;
			t = 0;
			wirelen = g32(pf, body);
			caplen = wirelen > pf->snapshot ? pf->snapshot : wirelen;
			data = body + 4;
			dlen = blen - 4;
			break;
		case BT_IDB:
			if (blen < 8)
				goto libpcap;
			if (pf->seen_idb) {
				/* every interface as the first (libpcap compares
				 * its link type, a DLT, with the block's raw
				 * LINKTYPE value, and the adjusted snapshots) */
				uint32_t snap = g32(pf, body + 4);

				if (g16(pf, body) != (uint32_t)pf->dlt)
					goto libpcap;
				/* (pcap_adjust_snapshot: only 0 and values
				 * above INT_MAX become the link type's maximum) */
				if (snap == 0 || snap > INT32_MAX)
					snap = pf->max_caplen;
				if (snap != pf->snapshot)
					goto libpcap;
			}
			if (add_iface(pf, body + 8, blen - 8) != 0)
				goto libpcap;
			pf->seen_idb = 1;
			continue;
		case BT_SHB:
			if (!pf->seen_idb)
				continue; /* before the first interface: skipped */
			if (blen < 16 || g32(pf, body) != BYTE_ORDER_MAGIC || g16(pf, body + 4) != 1)
				goto libpcap;
			pf->ifcount = 0; /* a new section: its own interfaces */
			continue;
		default:
			continue;
		}
		if (!pf->seen_idb || iface >= pf->ifcount || caplen > pf->snapshot || dlen < caplen)
			goto libpcap;
		pf->records++;
		rec->ts_usec = ts_usec(&pf->ifaces[iface], t);
		rec->caplen = caplen;
		rec->wirelen = wirelen;
		rec->data = data;
		if (pf->insns == NULL || bpf_filter(pf->insns, data, wirelen, caplen))
			return 1;
		continue;
libpcap:
		if (hand_over(pf) != 0)
			return PCAP_ERROR;
	}
}
