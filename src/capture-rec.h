/* capture-rec.h: one packet record as the offline readers hand it out. */
#ifndef SW_CAPTURE_REC_H
#define SW_CAPTURE_REC_H

#include <stdint.h>

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

#endif
