/* capture-src.h: where an offline capture's records come from: our own
 * reader of pcap and pcapng files (pcapfile.h) when it takes the file,
 * else libpcap's pcap_next_ex (stdin, older formats). Either way the
 * records, their order, the filter and the error messages are the same. */
#ifndef SW_CAPTURE_SRC_H
#define SW_CAPTURE_SRC_H

#include <stdio.h>

#include <pcap/pcap.h>

#include "capture-rec.h"
#include "pcapfile.h"

struct capture_src {
	pcap_t *pc;          /* the file as libpcap opened it (filter set on it) */
	struct pcapfile *pf; /* NULL: libpcap reads the records */
};

/* 1 with *rec filled (rec->data valid until the next call),
 * PCAP_ERROR_BREAK at the end, PCAP_ERROR on a read error with its
 * message in err. */
static inline int capture_src_next(struct capture_src *src, struct capture_rec *rec,
    char *err, size_t errlen)
{
	int r;

	if (src->pf == NULL)
		return capture_rec_libpcap(src->pc, rec, err, errlen);
	r = pcapfile_next(src->pf, rec);
	if (r == PCAP_ERROR)
		snprintf(err, errlen, "%s", pcapfile_error(src->pf));
	return r;
}

#endif
