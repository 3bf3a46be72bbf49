/* capture.c: offline capture input: opened and checked by libpcap (pcap
 * and pcapng), records read by our own reader (pcapfile.h) or, for stdin
 * and the rest, by libpcap (capture-src.h).
 *
 * libpcap already validates file headers (magic, version, snaplen) and
 * per-record lengths (sf-pcap.c rejects a caplen above its per-DLT maximum);
 * we add: a clear message that names the file, refusal of pcapng files whose
 * interfaces have different link types (libpcap reports them as an error in
 * the middle of the read), and "truncated at record N, byte offset M" when a
 * file ends inside a record; an empty file is named as such, and pcapng
 * blocks of unknown types (which libpcap skips silently) are counted in a
 * capture.pcapng_unknown_block anomaly event. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "capture.h"
#include "capture-ring.h"
#include "capture-src.h"

static int file_is_empty(const char *path)
{
	FILE *fp = fopen(path, "rb");
	int empty;

	if (fp == NULL)
		return 0;
	empty = fgetc(fp) == EOF && !ferror(fp);
	fclose(fp);
	return empty;
}

/* libpcap skips pcapng blocks of types it does not know without a word:
 * count them in an anomaly event, so that what was skipped is seen. */
static void report_unknown_blocks(struct sw_engine *e, uint64_t count, uint32_t first_type,
    uint64_t first_off)
{
	char detail[160];

	if (count == 0)
		return;
	snprintf(detail, sizeof(detail), "%llu pcapng block(s) of unknown type skipped "
	    "(the first: type 0x%08x at byte offset %llu)", (unsigned long long)count,
	    (unsigned)first_type, (unsigned long long)first_off);
	engine_capture_anomaly(e, "capture.pcapng_unknown_block", detail);
}

/* A second thread pays only with a second CPU to run it (on one, the two
 * threads take turns and the chunk copies are pure cost), and only when
 * libpcap reads the records: our own reader (pcapfile.h) costs less than
 * the copy into the ring. Measured on two CPUs: with libpcap reading a
 * pcapng file the thread took 20% off (mixed) and about 4% (Stratum-heavy);
 * with our reader on classic pcap it gained 6% on one run and lost 2 to
 * 10% on three, and its chunks are 2 MiB more memory. (With our reader,
 * pcapng reads as fast as classic pcap.) */
static int use_read_thread(enum capture_read_thread thread, int ours_reads)
{
	if (thread == CAPTURE_THREAD_AUTO)
		return !ours_reads && sysconf(_SC_NPROCESSORS_ONLN) >= 2;
	return thread == CAPTURE_THREAD_ON;
}

/* The file libpcap opened must be pin's, read no further than its size
 * then; -1 with a message when it is another file. */
static int pin_file(struct capture_src *src, const struct capture_pin *pin, const char *path,
    char *errbuf, size_t errlen)
{
	FILE *fp = pcap_file(src->pc);
	struct stat st;

	if (fp == NULL || fstat(fileno(fp), &st) != 0 || st.st_dev != pin->dev ||
	    st.st_ino != pin->ino) {
		snprintf(errbuf, errlen, "%s: another file took its place while the workers "
		    "were starting", path);
		return -1;
	}
	if (src->pf != NULL)
		pcapfile_set_limit(src->pf, pin->size);
	else
		src->limit = pin->size;
	return 0;
}

int capture_read_file(const char *path, const char *bpf, enum capture_read_thread thread,
    const struct capture_pin *pin, struct sw_engine *e, char *errbuf, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE];
	struct bpf_program prog;
	struct capture_src src;
	struct capture_rec rec;
	uint64_t n = 0, unknown, unknown_off;
	uint32_t unknown_type;
	pcap_t *pc;
	struct capture_ring *rg;
	char read_err[PCAP_ERRBUF_SIZE] = "";
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
		/* (a /proc file also says 0 bytes: only a real empty read counts) */
		if (strcmp(path, "-") != 0 && S_ISREG(st.st_mode) && st.st_size == 0 &&
		    file_is_empty(path)) {
			snprintf(errbuf, errlen, "%s: empty file (0 bytes), not a capture file", path);
			return SW_EXIT_USAGE;
		}
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
		if (pcap_setfilter(pc, &prog) != 0) {
			snprintf(errbuf, errlen, "cannot apply filter '%s': %s", bpf, pcap_geterr(pc));
			pcap_freecode(&prog);
			pcap_close(pc);
			return SW_EXIT_USAGE;
		}
	}
	src.pc = pc;
	src.pf = pcapfile_open(path, pc, bpf != NULL ? &prog : NULL, 0);
	src.limit = 0;
	if (pin != NULL && pin_file(&src, pin, path, errbuf, errlen) != 0) {
		pcapfile_close(src.pf);
		if (bpf != NULL)
			pcap_freecode(&prog);
		pcap_close(pc);
		return SW_EXIT_RUNTIME;
	}
	/* (if the thread cannot be had, this thread reads: same output) */
	rg = use_read_thread(thread, src.pf != NULL) ? capture_ring_start(&src) : NULL;
	if (rg != NULL) {
		while (capture_ring_next(rg, &rec))
			engine_packet(e, rec.ts_usec, rec.data, rec.caplen, rec.wirelen);
		r = capture_ring_finish(rg, &n, read_err, sizeof(read_err));
	} else {
		while ((r = capture_src_next(&src, &rec, read_err, sizeof(read_err))) == 1) {
			n++;
			engine_packet(e, rec.ts_usec, rec.data, rec.caplen, rec.wirelen);
		}
	}
	/* after the packets, so that the event carries packet time; our
	 * reader counted them if it read every block, else walk the file */
	if ((src.pf != NULL && pcapfile_unknown_blocks(src.pf, &unknown, &unknown_type, &unknown_off)) ||
	    (strcmp(path, "-") != 0 && S_ISREG(st.st_mode) &&
	    pcapng_walk_unknown(path, &unknown, &unknown_type, &unknown_off)))
		report_unknown_blocks(e, unknown, unknown_type, unknown_off);
	pcapfile_close(src.pf);
	if (bpf != NULL)
		pcap_freecode(&prog);
	if (r == PCAP_ERROR && strstr(read_err, "different from the type of the first interface") != NULL) {
		/* libpcap hands us one link type per file; decoding the other
		 * interfaces' frames with it would be garbage */
		snprintf(errbuf, errlen, "%s: pcapng interfaces have different link types (%s); "
		    "split the file per interface (tshark -r FILE -Y frame.interface_id==N -w OUT)",
		    path, read_err);
		pcap_close(pc);
		return SW_EXIT_USAGE;
	}
	if (r == PCAP_ERROR) {
		char detail[PCAP_ERRBUF_SIZE + 64];

		/* libpcap says what it could not read; we add where */
		snprintf(detail, sizeof(detail), "after record %llu: %s",
		    (unsigned long long)n, read_err);
		engine_capture_anomaly(e, "capture.read_error", detail);
		snprintf(errbuf, errlen, "%s: reading stopped %s", path, detail);
		rc = SW_EXIT_RUNTIME;
	}
	pcap_close(pc);
	return rc;
}
