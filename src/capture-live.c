/* capture-live.c: live capture through libpcap, set up as tcpdump does.
 *
 * pcap_create + options + pcap_activate rather than pcap_open_live so the
 * ring buffer size (-B) can be set: on Linux libpcap then uses a TPACKET_V3
 * memory-mapped ring, which hands packets over in blocks; a block is
 * released when full or after the read timeout below, so that timeout is
 * the longest a packet on a quiet interface waits. (Immediate mode would
 * make libpcap fall back to TPACKET_V2, one wakeup per packet.) The handle
 * is non-blocking and its selectable descriptor is watched by libevent. */
#include <stdio.h>
#include <string.h>

#include "capture-live.h"
#include "engine.h"

#define SW_SNAPLEN_DEFAULT 262144
#define SW_READ_TIMEOUT_MS 100

static uint64_t ts_usec(const struct pcap_pkthdr *h)
{
	return (uint64_t)h->ts.tv_sec * 1000000ULL + (uint64_t)h->ts.tv_usec;
}

static void fail(char *errbuf, size_t errlen, const char *iface, const char *what, const char *why)
{
	snprintf(errbuf, errlen, "%s: %s: %s", iface, what, why);
}

/* "any" reports LINUX_SLL2 (which carries the interface index and the
 * packet's direction) only when asked; keep LINUX_SLL if it is missing. */
static void prefer_sll2(pcap_t *pc)
{
	int *dlts = NULL, n, i;

	n = pcap_list_datalinks(pc, &dlts);
	for (i = 0; i < n; i++)
		if (dlts[i] == DLT_LINUX_SLL2) {
			(void)pcap_set_datalink(pc, DLT_LINUX_SLL2);
			break;
		}
	if (n >= 0)
		pcap_free_datalinks(dlts);
}

static int set_filter(pcap_t *pc, const char *iface, const char *bpf, char *errbuf, size_t errlen)
{
	struct bpf_program prog;
	bpf_u_int32 net = 0, mask = PCAP_NETMASK_UNKNOWN;
	char perr[PCAP_ERRBUF_SIZE];
	int r;

	/* the netmask matters only to "ip broadcast"; tcpdump asks the same */
	if (pcap_lookupnet(iface, &net, &mask, perr) != 0)
		mask = PCAP_NETMASK_UNKNOWN;
	if (pcap_compile(pc, &prog, bpf, 1, mask) != 0) {
		snprintf(errbuf, errlen, "invalid filter '%s': %s", bpf, pcap_geterr(pc));
		return -1;
	}
	r = pcap_setfilter(pc, &prog);
	pcap_freecode(&prog);
	if (r != 0) {
		snprintf(errbuf, errlen, "%s: cannot apply filter '%s': %s", iface, bpf, pcap_geterr(pc));
		return -1;
	}
	return 0;
}

int capture_live_open(struct sw_capture_live *c, const char *iface,
    const struct sw_capture_opts *o, struct sw_engine *e, char *errbuf, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE], tmp[512];
	int any = strcmp(iface, "any") == 0, r;
	pcap_t *pc;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	perr[0] = '\0';
	pc = pcap_create(iface, perr);
	if (pc == NULL) {
		fail(errbuf, errlen, iface, "cannot capture", perr);
		return -1;
	}
	if (pcap_set_snaplen(pc, o->snaplen > 0 ? o->snaplen : SW_SNAPLEN_DEFAULT) != 0 ||
	    pcap_set_promisc(pc, o->promisc && !any) != 0 ||
	    pcap_set_timeout(pc, SW_READ_TIMEOUT_MS) != 0 ||
	    (o->buffer_kib > 0 && pcap_set_buffer_size(pc, o->buffer_kib * 1024) != 0)) {
		fail(errbuf, errlen, iface, "cannot set capture options", pcap_geterr(pc));
		pcap_close(pc);
		return -1;
	}
	r = pcap_activate(pc);
	if (r < 0) {
		const char *why = pcap_geterr(pc);

		/* libpcap's text names the cause; the status adds the class
		 * (no such device, permission denied) when the text is empty */
		if (why == NULL || why[0] == '\0')
			why = pcap_statustostr(r);
		if (r == PCAP_ERROR_PERM_DENIED)
			snprintf(tmp, sizeof(tmp), "%s (capturing needs CAP_NET_RAW: run as root or "
			    "grant the capability)", why);
		else
			snprintf(tmp, sizeof(tmp), "%s", why);
		fail(errbuf, errlen, iface, "cannot capture", tmp);
		pcap_close(pc);
		return -1;
	}
	if (r > 0)
		fprintf(stderr, "stratumwatch: %s: %s: %s\n", iface, pcap_statustostr(r), pcap_geterr(pc));
	if (any)
		prefer_sll2(pc);
	if (o->bpf != NULL && set_filter(pc, iface, o->bpf, errbuf, errlen) != 0) {
		pcap_close(pc);
		return -1;
	}
	if (pcap_setnonblock(pc, 1, perr) != 0) {
		fail(errbuf, errlen, iface, "cannot make the capture non-blocking", perr);
		pcap_close(pc);
		return -1;
	}
	c->fd = pcap_get_selectable_fd(pc);
	if (c->fd < 0) {
		fail(errbuf, errlen, iface, "cannot capture", "no selectable descriptor");
		pcap_close(pc);
		return -1;
	}
	c->src = engine_add_source(e, iface, pcap_datalink(pc), tmp, sizeof(tmp));
	if (c->src < 0) {
		const char *dn = pcap_datalink_val_to_name(pcap_datalink(pc));

		snprintf(errbuf, errlen, "%s (%s)", tmp, dn != NULL ? dn : "unknown");
		pcap_close(pc);
		return -1;
	}
	c->pc = pc;
	c->name = iface;
	c->e = e;
	return 0;
}

static void on_frame(u_char *arg, const struct pcap_pkthdr *h, const u_char *data)
{
	struct sw_capture_live *c = (struct sw_capture_live *)arg;

	engine_packet_from(c->e, c->src, ts_usec(h), data, h->caplen, h->len);
}

int capture_live_read(struct sw_capture_live *c, int budget, char *errbuf, size_t errlen)
{
	int n = pcap_dispatch(c->pc, budget, on_frame, (u_char *)c);

	if (n == PCAP_ERROR) {
		snprintf(errbuf, errlen, "%s: %s", c->name, pcap_geterr(c->pc));
		return -1;
	}
	return n < 0 ? 0 : n;
}

uint64_t capture_live_drops(struct sw_capture_live *c)
{
	struct pcap_stat ps;

	if (c->pc == NULL || pcap_stats(c->pc, &ps) != 0)
		return 0;
	return (uint64_t)ps.ps_drop + ps.ps_ifdrop;
}

void capture_live_close(struct sw_capture_live *c)
{
	if (c->pc != NULL)
		pcap_close(c->pc);
	c->pc = NULL;
	c->fd = -1;
}
