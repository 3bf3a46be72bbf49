/* fuzz_pcap.c: the whole pipeline on capture bytes: libpcap reads the
 * input as a pcap/pcapng file, every frame goes through decode, flows,
 * reassembly, every dissector, detection and the EVE writer (to
 * /dev/null, all event types). Nothing may crash, leak or hang. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <pcap/pcap.h>

#include "engine.h"
#include "export-eve.h"
#include "intel.h"
#include "ndpi_glue.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sw_intel *intel;
	static struct sw_ndpi *ndpi;
	char err[PCAP_ERRBUF_SIZE + 256];
	struct sw_engine_opts o;
	struct pcap_pkthdr *h;
	const u_char *pkt;
	struct sw_engine *e;
	FILE *fp;
	pcap_t *pc;

	if (intel == NULL) {
		struct sw_intel_opts io;

		memset(&io, 0, sizeof(io));
		io.dns_cache_max = 64; /* small, so that eviction is reached */
		io.pod_cidrs[io.npod_cidrs++] = "10.244.0.0/16";
		intel = intel_new(&io, err, sizeof(err));
		ndpi = ndpi_glue_new(err, sizeof(err));
		if (intel == NULL || ndpi == NULL)
			return 0;
	}
	fp = fmemopen((void *)data, size, "rb");
	if (fp == NULL)
		return 0;
	pc = pcap_fopen_offline(fp, err);
	if (pc == NULL) {
		fclose(fp);
		return 0;
	}
	memset(&o, 0, sizeof(o));
	sw_limits_default(&o.limits);
	/* small caps so that the fuzzer reaches them */
	o.limits.flow_max = 64;
	o.limits.reasm_max_segments = 8;
	o.limits.reasm_memcap = 1 << 20;
	o.limits.frag_max_datagrams = 8;
	o.limits.app_memcap = 256 << 10;
	o.eve_path = "/dev/null";
	o.eve_types = ~0u;
	o.intel = intel;
	o.ndpi = ndpi;
	e = engine_new(&o, err, sizeof(err));
	if (e != NULL && engine_set_linktype(e, pcap_datalink(pc), err, sizeof(err)) == 0) {
		while (pcap_next_ex(pc, &h, &pkt) == 1)
			engine_packet(e, (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec,
			    pkt, h->caplen, h->len);
		(void)engine_finish(e, err, sizeof(err));
	}
	engine_free(e);
	pcap_close(pc); /* closes fp */
	return 0;
}
