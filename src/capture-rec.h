/* capture-rec.h: one packet record as the offline readers hand it out. */
#ifndef SW_CAPTURE_REC_H
#define SW_CAPTURE_REC_H

#include <stdint.h>
#include <stdio.h>

#include <pcap/pcap.h>

/* A record's time in microseconds (files are read at microsecond
 * precision). */
static inline uint64_t capture_ts_usec(const struct pcap_pkthdr *h)
{
	return (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
}

struct capture_rec {
	uint64_t ts_usec;
	uint32_t caplen, wirelen;
	const uint8_t *data;
};

/* The next record through libpcap's pcap_next_ex: 1 with *rec filled,
 * PCAP_ERROR_BREAK at the end, PCAP_ERROR with libpcap's message in err. */
static inline int capture_rec_libpcap(pcap_t *pc, struct capture_rec *rec, char *err,
    size_t errlen)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int r = pcap_next_ex(pc, &h, &data);

	if (r == 1) {
		rec->ts_usec = capture_ts_usec(h);
		rec->caplen = h->caplen;
		rec->wirelen = h->len;
		rec->data = data;
	} else if (r == PCAP_ERROR) {
		snprintf(err, errlen, "%s", pcap_geterr(pc));
	}
	return r;
}

#endif
