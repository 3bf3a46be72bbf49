/* pcapfile.c: pcap files read in place (pcapfile.h): the buffer, the
 * choice of format, and classic pcap's records (pcapng's: pcapfile-ng.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pcapfile.h"
#include "pcapfile-int.h"

#define FILE_HDR_LEN 24
#define REC_HDR_LEN  16

/* libpcap's max_snaplen_for_dlt() (pcap-common.c): a larger caplen is a
 * damaged or hostile record, not a packet. */
static uint32_t max_caplen_for_dlt(int dlt)
{
	switch (dlt) {
	case DLT_DBUS:
		return 128u << 20;
	case DLT_EBHSCR:
		return 8u << 20;
	case DLT_USBPCAP:
		return 1u << 20;
	default:
		return 262144; /* MAXIMUM_SNAPLEN */
	}
}

/* Link types whose records libpcap changes after reading them
 * (pcap_post_process: pseudo-header fields byte-swapped in files of the
 * other byte order, a length fixed in old USB captures): left to it. */
int pcapfile_rewrites_records(int dlt, int swapped)
{
	switch (dlt) {
	case DLT_USB_LINUX_MMAPPED:
		return 1;
	case DLT_PFLOG: case DLT_LINUX_SLL: case DLT_LINUX_SLL2: case DLT_USB_LINUX:
	case DLT_NFLOG:
		return swapped;
	default:
		return 0;
	}
}

static int read_full(int fd, uint8_t *p, size_t n, size_t *got)
{
	*got = 0;
	while (*got < n) {
		ssize_t r = read(fd, p + *got, n - *got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		*got += (size_t)r;
	}
	return 0;
}

struct pcapfile *pcapfile_open(const char *path, pcap_t *pc,
    const struct bpf_program *filter, size_t bufsize)
{
	uint8_t hdr[FILE_HDR_LEN];
	struct pcapfile *pf;
	struct stat st, lib_st;
	FILE *lib_fp = pcap_file(pc);
	int snapshot = pcap_snapshot(pc);
	uint32_t magic;
	size_t got;
	int fd;

	if (strcmp(path, "-") == 0 || snapshot <= 0 || lib_fp == NULL ||
	    fstat(fileno(lib_fp), &lib_st) != 0)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	/* the file libpcap opened, not one put in its place since */
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_dev != lib_st.st_dev ||
	    st.st_ino != lib_st.st_ino ||
	    read_full(fd, hdr, sizeof(hdr), &got) != 0 || got != sizeof(hdr))
		goto other;
	memcpy(&magic, hdr, 4);
	pf = calloc(1, sizeof(*pf));
	if (pf == NULL)
		goto other;
	switch (magic) {
	case 0xa1b2c3d4: break;
	case 0xd4c3b2a1: pf->swapped = 1; break;
	case 0xa1b23c4d: pf->nsec = 1; break;
	case 0x4d3cb2a1: pf->swapped = 1; pf->nsec = 1; break;
	case 0x0a0d0d0a: pf->ng = 1; break;
	default:
		goto other_free; /* the modified formats */
	}
	pf->fd = fd;
	pf->dlt = pcap_datalink(pc);
	pf->snapshot = (uint32_t)snapshot;
	pf->max_caplen = max_caplen_for_dlt(pf->dlt);
	pf->filter = filter;
	pf->insns = filter != NULL ? filter->bf_insns : NULL;
	if (pf->ng ? pcapng_start(pf, path, hdr) != 0 :
	    /* 2.4 only: libpcap reads 2.3 and older with caplen and len
	     * swapped, sometimes by guess */
	    pcapfile_rd16(hdr + 4, pf->swapped) != 2 ||
	    pcapfile_rd16(hdr + 6, pf->swapped) != 4)
		goto other_free;
	if (pcapfile_rewrites_records(pf->dlt, pf->swapped))
		goto other_free;
	pf->plain = !pf->ng && !pf->swapped && !pf->nsec && pf->insns == NULL;
	pf->cap = bufsize > REC_HDR_LEN ? bufsize : PCAPFILE_BUF;
	pf->buf = malloc(pf->cap);
	if (pf->buf == NULL)
		goto other_free;
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	return pf;
other_free:
	pcapng_free(pf);
	free(pf);
other:
	close(fd);
	return NULL;
}

/* Make at least n unread bytes available at buf + pos, or as many as the
 * file still has; 0, or -1 with errno on a read error. */
int pcapfile_want(struct pcapfile *pf, size_t n)
{
	size_t got;

	if (pf->at_eof)
		return 0;
	if (pf->cap - pf->pos < n) {
		/* move the cut record to the front; grow for a record larger
		 * than the buffer (bounded by max_caplen or PCAPNG_BLOCK_MAX,
		 * checked before) */
		memmove(pf->buf, pf->buf + pf->pos, pf->end - pf->pos);
		pf->end -= pf->pos;
		pf->pos = 0;
		if (pf->cap < n) {
			uint8_t *b = realloc(pf->buf, n);

			if (b == NULL) {
				errno = ENOMEM;
				return -1;
			}
			pf->buf = b;
			pf->cap = n;
		}
	}
	while (pf->end - pf->pos < n) {
		size_t room = pf->cap - pf->end;
		int capped = 0;

		if (pf->limit != 0 && pf->limit - pf->read_total < room) {
			room = (size_t)(pf->limit - pf->read_total);
			capped = 1;
		}
		if (read_full(pf->fd, pf->buf + pf->end, room, &got) != 0)
			return -1;
		pf->end += got;
		pf->read_total += got;
		/* a short read of a regular file: its end; or the limit's */
		if (got < room || capped) {
			pf->at_eof = 1;
			break;
		}
	}
	return 0;
}

void pcapfile_set_limit(struct pcapfile *pf, uint64_t limit)
{
	off_t at = lseek(pf->fd, 0, SEEK_CUR);

	pf->read_total = at > 0 ? (uint64_t)at : 0;
	pf->limit = limit;
	/* (a limit inside the bytes already read: nothing more is read) */
	if (limit != 0 && limit <= pf->read_total)
		pf->at_eof = 1;
}

static int read_error(struct pcapfile *pf)
{
	snprintf(pf->err, sizeof(pf->err), "error reading dump file: %s", strerror(errno));
	return PCAP_ERROR;
}

static __attribute__((noinline)) int classic_next(struct pcapfile *pf, struct capture_rec *rec)
{
	for (;;) {
		const uint8_t *h;
		uint32_t f[4], caplen, len, keep;
		int64_t sec, frac;
		size_t avail;

		/* (want() only when the buffer runs short: once per buffer) */
		if (pf->end - pf->pos < REC_HDR_LEN && pcapfile_want(pf, REC_HDR_LEN) != 0)
			return read_error(pf);
		avail = pf->end - pf->pos;
		if (avail < REC_HDR_LEN) {
			if (avail == 0)
				return PCAP_ERROR_BREAK;
			snprintf(pf->err, sizeof(pf->err), "truncated dump file; tried to read "
			    "%d header bytes, only got %zu", REC_HDR_LEN, avail);
			pf->pos = pf->end;
			return PCAP_ERROR;
		}
		memcpy(f, pf->buf + pf->pos, sizeof(f));
		if (pf->swapped) {
			/* libpcap 1.10 reads the time fields as signed 32-bit
			 * numbers, except that swapping them (SWAPLONG) makes
			 * them unsigned */
			sec = __builtin_bswap32(f[0]);
			frac = __builtin_bswap32(f[1]);
			caplen = __builtin_bswap32(f[2]);
			len = __builtin_bswap32(f[3]);
		} else {
			sec = (int32_t)f[0];
			frac = (int32_t)f[1];
			caplen = f[2];
			len = f[3];
		}
		if (caplen > pf->max_caplen) {
			if (caplen > pf->snapshot)
				snprintf(pf->err, sizeof(pf->err), "invalid packet capture length %u, "
				    "bigger than snaplen of %d", caplen, (int)pf->snapshot);
			else
				snprintf(pf->err, sizeof(pf->err), "invalid packet capture length %u, "
				    "bigger than maximum of %u", caplen, pf->max_caplen);
			return PCAP_ERROR;
		}
		if (avail < REC_HDR_LEN + (size_t)caplen) {
			if (pcapfile_want(pf, REC_HDR_LEN + (size_t)caplen) != 0)
				return read_error(pf);
			avail = pf->end - pf->pos;
			if (avail < REC_HDR_LEN + (size_t)caplen) {
				/* libpcap's words: it reads the part within the
				 * snapshot length first */
				keep = caplen > pf->snapshot ? pf->snapshot : caplen;
				avail -= REC_HDR_LEN;
				snprintf(pf->err, sizeof(pf->err), "truncated dump file; tried to "
				    "read %u captured bytes, only got %zu",
				    avail < keep ? keep : caplen, avail);
				pf->pos = pf->end;
				return PCAP_ERROR;
			}
		}
		h = pf->buf + pf->pos;
		pf->pos += REC_HDR_LEN + (size_t)caplen;
		if (pf->nsec)
			frac /= 1000;
		/* a record longer than the snapshot length is read whole and
		 * handed out cut to it, as libpcap does */
		keep = caplen > pf->snapshot ? pf->snapshot : caplen;
		rec->ts_usec = (uint64_t)sec * 1000000u + (uint64_t)frac;
		rec->caplen = keep;
		rec->wirelen = len;
		rec->data = h + REC_HDR_LEN;
		if (pf->insns == NULL || bpf_filter(pf->insns, rec->data, len, keep))
			return 1;
	}
}

int pcapfile_next(struct pcapfile *pf, struct capture_rec *rec)
{
	/* Nearly every record of a plain file is whole in the buffer and
	 * within both lengths: read it here, as classic_next would, without
	 * its checks for what the file cannot be (swapped, nanoseconds,
	 * filtered) and the registers they take. Anything else, the buffer
	 * running short included, is classic_next's. */
	if (pf->plain) {
		size_t avail = pf->end - pf->pos;
		uint32_t f[4];

		if (avail >= REC_HDR_LEN) {
			memcpy(f, pf->buf + pf->pos, sizeof(f));
			if (f[2] <= pf->max_caplen && f[2] <= pf->snapshot &&
			    avail - REC_HDR_LEN >= f[2]) {
				rec->ts_usec = (uint64_t)(int64_t)(int32_t)f[0] * 1000000u +
				    (uint64_t)(int64_t)(int32_t)f[1];
				rec->caplen = f[2];
				rec->wirelen = f[3];
				rec->data = pf->buf + pf->pos + REC_HDR_LEN;
				pf->pos += REC_HDR_LEN + (size_t)f[2];
				return 1;
			}
		}
	}
	return pf->ng ? pcapng_next(pf, rec) : classic_next(pf, rec);
}

const char *pcapfile_error(const struct pcapfile *pf)
{
	return pf->err;
}

void pcapfile_close(struct pcapfile *pf)
{
	if (pf == NULL)
		return;
	close(pf->fd);
	pcapng_free(pf);
	free(pf->buf);
	free(pf);
}
