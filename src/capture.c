/* capture.c: offline capture input through libpcap (pcap and pcapng).
 *
 * libpcap already validates file headers (magic, version, snaplen) and
 * per-record lengths (sf-pcap.c rejects a caplen above its per-DLT maximum);
 * we add: a clear message that names the file, refusal of pcapng files whose
 * interfaces have different link types (libpcap reports them as an error in
 * the middle of the read), and "truncated at record N, byte offset M" when a
 * file ends inside a record. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <pcap/pcap.h>

#include "capture.h"

static uint64_t ts_usec(const struct pcap_pkthdr *h)
{
	return (uint64_t)h->ts.tv_sec * 1000000ULL + (uint64_t)h->ts.tv_usec;
}

int capture_read_file(const char *path, const char *bpf, struct sw_engine *e,
    char *errbuf, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE];
	struct bpf_program prog;
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t n = 0;
	pcap_t *pc;
	int r, rc = SW_EXIT_OK;
	struct stat st;

	if (strcmp(path, "-") != 0) {
		if (stat(path, &st) != 0) {
			snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
			return SW_EXIT_USAGE;
		}
		if (S_ISDIR(st.st_mode)) {
			snprintf(errbuf, errlen, "%s: is a directory, not a capture file", path);
			return SW_EXIT_USAGE;
		}
	}
	perr[0] = '\0';
	pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, perr);
	if (pc == NULL) {
		snprintf(errbuf, errlen, "%s: %s", strcmp(path, "-") == 0 ? "(stdin)" : path,
		    perr[0] ? perr : "cannot open capture");
		return SW_EXIT_USAGE;
	}
	if (engine_set_linktype(e, pcap_datalink(pc), errbuf, errlen) != 0) {
		char tmp[256];

		snprintf(tmp, sizeof(tmp), "%s", errbuf);
		snprintf(errbuf, errlen, "%s: %s (%s)", path, tmp,
		    pcap_datalink_val_to_name(pcap_datalink(pc)) ?
		    pcap_datalink_val_to_name(pcap_datalink(pc)) : "unknown");
		pcap_close(pc);
		return SW_EXIT_USAGE;
	}
	if (bpf != NULL) {
		if (pcap_compile(pc, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) != 0) {
			snprintf(errbuf, errlen, "invalid filter '%s': %s", bpf, pcap_geterr(pc));
			pcap_close(pc);
			return SW_EXIT_USAGE;
		}
		r = pcap_setfilter(pc, &prog);
		pcap_freecode(&prog);
		if (r != 0) {
			snprintf(errbuf, errlen, "cannot apply filter '%s': %s", bpf, pcap_geterr(pc));
			pcap_close(pc);
			return SW_EXIT_USAGE;
		}
	}
	while ((r = pcap_next_ex(pc, &h, &data)) == 1) {
		n++;
		engine_packet(e, ts_usec(h), data, h->caplen, h->len);
	}
	if (r == PCAP_ERROR && strstr(pcap_geterr(pc), "different from the type of the first interface") != NULL) {
		/* libpcap hands us one link type per file; decoding the other
		 * interfaces' frames with it would be garbage */
		snprintf(errbuf, errlen, "%s: pcapng interfaces have different link types (%s); "
		    "split the file per interface (tshark -r FILE -Y frame.interface_id==N -w OUT)",
		    path, pcap_geterr(pc));
		pcap_close(pc);
		return SW_EXIT_USAGE;
	}
	if (r == PCAP_ERROR) {
		char detail[PCAP_ERRBUF_SIZE + 64];

		/* libpcap says what it could not read; we add where */
		snprintf(detail, sizeof(detail), "after record %llu: %s",
		    (unsigned long long)n, pcap_geterr(pc));
		engine_capture_anomaly(e, "capture.read_error", detail);
		snprintf(errbuf, errlen, "%s: reading stopped %s", path, detail);
		rc = SW_EXIT_RUNTIME;
	}
	pcap_close(pc);
	return rc;
}
