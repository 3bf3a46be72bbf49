/* bare-loop.c: the benchmark's floor: read every packet of a capture with
 * pcap_next_ex and touch one byte of each, nothing else. stratumwatch's
 * wall time is reported as a ratio to this loop's on the same file. */
#include <stdio.h>
#include <pcap/pcap.h>

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	unsigned long long n = 0, bytes = 0, sum = 0;
	pcap_t *p;
	int r;

	if (argc != 2) {
		fprintf(stderr, "usage: bare-loop FILE\n");
		return 2;
	}
	p = pcap_open_offline(argv[1], err);
	if (p == NULL) {
		fprintf(stderr, "bare-loop: %s\n", err);
		return 2;
	}
	while ((r = pcap_next_ex(p, &h, &d)) == 1) {
		n++;
		bytes += h->caplen;
		if (h->caplen > 0)
			sum += d[h->caplen - 1];
	}
	pcap_close(p);
	printf("%llu packets %llu bytes (checksum %llu)\n", n, bytes, sum);
	return r == PCAP_ERROR ? 1 : 0;
}
