/* pcapfile_compare.h: read one file with libpcap's pcap_next_ex and with
 * our reader (pcapfile.h) and compare them record by record: time stamp,
 * lengths, bytes, then how each ended (the end of the file, or the same
 * error in the same words). Used by test_pcapfile and fuzz_pcapfile. */
#ifndef SW_PCAPFILE_COMPARE_H
#define SW_PCAPFILE_COMPARE_H

#include <stdio.h>
#include <string.h>

#include <pcap/pcap.h>

#include "capture-src.h"
#include "pcapfile.h"

/* How the last comparison went on our side: -1 our reader did not take
 * the file (libpcap's alone: nothing compared), 0 it read it all, 1 it
 * handed the rest to libpcap (pcapng). */
static int pcapfile_compare_ours;

/* 0 when both readers gave the same, or when our reader does not take the
 * file; 1 and a message on stderr at the first difference. bufsize: our
 * reader's first buffer size (0: its default). */
static int pcapfile_compare(const char *path, const char *filter, size_t bufsize)
{
	char perr[PCAP_ERRBUF_SIZE], e1[PCAP_ERRBUF_SIZE] = "", e2[PCAP_ERRBUF_SIZE] = "";
	struct capture_src lib = { 0 }, ours = { 0 };
	struct capture_rec a = { 0 }, b = { 0 };
	struct bpf_program prog;
	unsigned long n = 0;
	int ra, rb, bad = 0;

	pcapfile_compare_ours = -1;
	lib.pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, perr);
	if (lib.pc == NULL)
		return 0;
	if (filter != NULL && (pcap_compile(lib.pc, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0 ||
	    pcap_setfilter(lib.pc, &prog) != 0)) {
		fprintf(stderr, "%s: filter '%s': %s\n", path, filter, pcap_geterr(lib.pc));
		pcap_close(lib.pc);
		return 1;
	}
	ours.pf = pcapfile_open(path, lib.pc, filter != NULL ? &prog : NULL, bufsize);
	if (ours.pf == NULL)
		goto done;
	for (;;) {
		ra = capture_src_next(&lib, &a, e1, sizeof(e1));
		rb = capture_src_next(&ours, &b, e2, sizeof(e2));
		if (ra != rb || (ra == PCAP_ERROR && strcmp(e1, e2) != 0)) {
			fprintf(stderr, "%s (buffer %zu): after record %lu: libpcap %d '%s', ours %d '%s'\n",
			    path, bufsize, n, ra, e1, rb, e2);
			bad = 1;
			break;
		}
		if (ra != 1)
			break;
		n++;
		if (a.ts_usec != b.ts_usec || a.caplen != b.caplen || a.wirelen != b.wirelen ||
		    memcmp(a.data, b.data, a.caplen) != 0) {
			fprintf(stderr, "%s (buffer %zu): record %lu differs: libpcap %llu %u/%u, "
			    "ours %llu %u/%u\n", path, bufsize, n, (unsigned long long)a.ts_usec,
			    a.caplen, a.wirelen, (unsigned long long)b.ts_usec, b.caplen, b.wirelen);
			bad = 1;
			break;
		}
	}
	pcapfile_compare_ours = pcapfile_handed_over(ours.pf);
	pcapfile_close(ours.pf);
done:
	if (filter != NULL)
		pcap_freecode(&prog);
	pcap_close(lib.pc);
	return bad;
}

#endif
