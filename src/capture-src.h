/* capture-src.h: where an offline capture's records come from: our own
 * reader of pcap and pcapng files (pcapfile.h) when it takes the file,
 * else libpcap's pcap_next_ex (stdin, older formats). Either way the
 * records, their order, the filter and the error messages are the same. */
#ifndef SW_CAPTURE_SRC_H
#define SW_CAPTURE_SRC_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <pcap/pcap.h>

#include "capture-rec.h"
#include "pcapfile.h"

struct capture_src {
	pcap_t *pc;          /* the file as libpcap opened it (filter set on it) */
	struct pcapfile *pf; /* NULL: libpcap reads the records */
	uint64_t limit;      /* libpcap reading: the file ends at this offset
	                        (capture_pin; 0 none). Our reader is told
	                        itself (pcapfile_set_limit) */
};

/* 1 with *rec filled (rec->data valid until the next call),
 * PCAP_ERROR_BREAK at the end, PCAP_ERROR on a read error with its
 * message in err. */
static inline int capture_src_next(struct capture_src *src, struct capture_rec *rec,
    char *err, size_t errlen)
{
	int r;

	if (src->pf == NULL) {
		/* libpcap reads on through the limit: the file ends there
		 * for this run, and a record that ends past it was not
		 * whole when the run began (as our reader has it) */
		if (src->limit != 0 && ftello(pcap_file(src->pc)) >= (off_t)src->limit)
			return PCAP_ERROR_BREAK;
		r = capture_rec_libpcap(src->pc, rec, err, errlen);
		if (r == 1 && src->limit != 0 && ftello(pcap_file(src->pc)) > (off_t)src->limit) {
			snprintf(err, errlen, "truncated dump file; the record ends past byte %llu, "
			    "the file's size when the run began", (unsigned long long)src->limit);
			return PCAP_ERROR;
		}
		return r;
	}
	r = pcapfile_next(src->pf, rec);
	if (r == PCAP_ERROR)
		snprintf(err, errlen, "%s", pcapfile_error(src->pf));
	return r;
}

#endif
