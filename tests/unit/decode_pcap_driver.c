/* decode_pcap_driver.c: run decode_packet() over every frame of the pcap
 * files named on the command line (directories are walked one level) and
 * print per-file result counts and the anomaly events seen. Meant to run
 * under ASan+UBSan over real captures; exit 1 if any file had a frame the
 * decoder rejected as an unsupported link type while claiming support. */
#include <dirent.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sw_decode.h"

#define MAX_EVENTS 64

struct ev_count {
	const char *name;
	unsigned long n;
};

static struct ev_count events[MAX_EVENTS];

static void count_event(void *ctx, const struct sw_anomaly *a)
{
	int i;

	(void)ctx;
	for (i = 0; i < MAX_EVENTS && events[i].name != NULL; i++)
		if (strcmp(events[i].name, a->event) == 0)
			break;
	if (i == MAX_EVENTS)
		return;
	events[i].name = a->event;
	events[i].n++;
}

static int run_file(const char *path)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct sw_limits lim;
	struct sw_counters_decode c;
	struct sw_anomaly_sink sink = { count_event, NULL };
	struct sw_decoder *d;
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned long res[4] = { 0, 0, 0, 0 }, trunc = 0, reasm = 0, tun = 0;
	uint64_t last = 0;
	pcap_t *pc = pcap_open_offline(path, errbuf);
	int lt, r, i;

	if (pc == NULL) {
		printf("%-55s open failed: %s\n", path, errbuf);
		return 0;
	}
	lt = pcap_datalink(pc);
	if (!decode_linktype_supported(lt)) {
		printf("%-55s unsupported link type %d (%s)\n", path, lt,
		    pcap_datalink_val_to_name(lt) ? pcap_datalink_val_to_name(lt) : "?");
		pcap_close(pc);
		return 0;
	}
	memset(&lim, 0, sizeof(lim));
	lim.frag_max_datagrams = 4096;
	lim.frag_memcap = 16u << 20;
	lim.frag_timeout = 30;
	memset(&c, 0, sizeof(c));
	memset(events, 0, sizeof(events));
	d = decode_new(&lim, &c, &sink);
	if (d == NULL) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	while ((r = pcap_next_ex(pc, &h, &data)) == 1) {
		struct sw_pkt p;
		uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
		enum sw_decode_result dr;

		if (ts - last >= 1000000u) {
			decode_expire(d, ts);
			last = ts;
		}
		dr = decode_packet(d, lt, ts, data, h->caplen, h->len, &p);
		res[dr]++;
		if (dr == SW_DECODE_OK) {
			/* touch what a consumer reads, so ASan sees bad pointers */
			volatile uint8_t sink_b = 0;

			if (p.payload_len > 0)
				sink_b ^= p.payload[p.payload_len - 1];
			if (p.l3_len > 0)
				sink_b ^= p.l3[p.l3_len - 1];
			(void)sink_b;
			trunc += (p.flags & SW_PKT_TRUNCATED) != 0;
			reasm += (p.flags & SW_PKT_REASSEMBLED) != 0;
			tun += (p.flags & SW_PKT_TUNNELLED) != 0;
		}
	}
	printf("%-55s lt=%-3d pkts=%-5llu ok=%-5lu ipv4=%-5llu ipv6=%-4llu tcp=%-5llu udp=%-5llu "
	    "other=%-4llu not_ip=%-4lu held=%-3lu bad=%-3lu trunc=%lu reasm=%lu tunnelled=%lu\n",
	    path, lt, (unsigned long long)c.pkts, res[SW_DECODE_OK],
	    (unsigned long long)c.ipv4, (unsigned long long)c.ipv6,
	    (unsigned long long)c.tcp, (unsigned long long)c.udp,
	    (unsigned long long)c.other_l4, res[SW_DECODE_NOT_IP],
	    res[SW_DECODE_HELD], res[SW_DECODE_BAD], trunc, reasm, tun);
	for (i = 0; i < MAX_EVENTS && events[i].name != NULL; i++)
		printf("    anomaly %s: %lu\n", events[i].name, events[i].n);
	if (c.frag_fragments)
		printf("    frag: fragments=%llu reassembled=%llu overlap=%llu timeout=%llu memcap=%llu too_large=%llu invalid=%llu\n",
		    (unsigned long long)c.frag_fragments, (unsigned long long)c.frag_reassembled,
		    (unsigned long long)c.frag_overlap, (unsigned long long)c.frag_timeout,
		    (unsigned long long)c.frag_memcap, (unsigned long long)c.frag_too_large,
		    (unsigned long long)c.frag_invalid);
	decode_free(d);
	pcap_close(pc);
	return c.unsupported_linktype != 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, i;
	int bad = 0;

	if (dp == NULL)
		return run_file(dir);
	while ((de = readdir(dp)) != NULL) {
		char **nn;

		if (de->d_name[0] == '.')
			continue;
		nn = realloc(names, (n + 1) * sizeof(*names));
		if (nn == NULL)
			exit(2);
		names = nn;
		names[n] = malloc(strlen(dir) + strlen(de->d_name) + 2);
		if (names[n] == NULL)
			exit(2);
		sprintf(names[n], "%s/%s", dir, de->d_name);
		n++;
	}
	closedir(dp);
	qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		bad |= run_file(names[i]);
		free(names[i]);
	}
	free(names);
	return bad;
}

int main(int argc, char **argv)
{
	int i, bad = 0;

	for (i = 1; i < argc; i++)
		bad |= run_dir(argv[i]);
	return bad;
}
