/* capture-live.h: live capture handles (libpcap), one per -i interface. */
#ifndef SW_CAPTURE_LIVE_H
#define SW_CAPTURE_LIVE_H

#include <stddef.h>
#include <stdint.h>
#include <pcap/pcap.h>

struct sw_engine;

struct sw_capture_opts {
	int snaplen;        /* -s; 0 = 262144 (tcpdump's default) */
	int buffer_kib;     /* -B; 0 = libpcap's default (2 MiB) */
	int promisc;        /* 0 with -p; never on "any" */
	const char *bpf;    /* trailing words, or NULL */
};

struct sw_capture_live {
	pcap_t *pc;
	const char *name;
	int src;            /* engine source index */
	int fd;             /* pcap_get_selectable_fd */
	struct sw_engine *e;
};

/* Open, configure, activate and filter one interface, and register it with
 * the engine. Returns 0, or -1 with a message naming the interface. */
int capture_live_open(struct sw_capture_live *c, const char *iface,
    const struct sw_capture_opts *o, struct sw_engine *e, char *errbuf, size_t errlen);
/* Read what is ready, at most budget frames. Returns frames read, or -1
 * (message in errbuf) when the handle failed (interface gone). */
int capture_live_read(struct sw_capture_live *c, int budget, char *errbuf, size_t errlen);
/* Kernel drops of this handle since it opened: ps_drop + ps_ifdrop. */
uint64_t capture_live_drops(struct sw_capture_live *c);
void capture_live_close(struct sw_capture_live *c);

#endif
