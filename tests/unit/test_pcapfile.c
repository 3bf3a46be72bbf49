/* test_pcapfile.c: our classic-pcap reader against libpcap's, record by
 * record: the bundled captures, files made here for each of libpcap's
 * rules (byte order, nanoseconds, caplen above the snapshot length or the
 * maximum, a file cut in a record's header or data, a filter), and every
 * one of them read through buffers small enough to cut records at every
 * byte. Files it must leave to libpcap (pcapng, version 2.3, stdin, a
 * directory) are checked to be left. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "capture-src.h"
#include "pcapfile.h"
#include "sw_test.h"

#include "pcapfile_compare.h"

static char tmpdir[] = "/tmp/test_pcapfile.XXXXXX";

/* ---- writing test files ---------------------------------------------- */

struct wbuf {
	uint8_t b[1 << 16];
	size_t n;
	int swap;
};

static void put32(struct wbuf *w, uint32_t v)
{
	if (w->swap)
		v = __builtin_bswap32(v);
	memcpy(w->b + w->n, &v, 4);
	w->n += 4;
}

static void put16(struct wbuf *w, uint16_t v)
{
	if (w->swap)
		v = __builtin_bswap16(v);
	memcpy(w->b + w->n, &v, 2);
	w->n += 2;
}

static void file_header(struct wbuf *w, uint32_t magic, uint16_t major, uint16_t minor,
    uint32_t snaplen, uint32_t linktype)
{
	put32(w, magic);
	put16(w, major);
	put16(w, minor);
	put32(w, 0);
	put32(w, 0);
	put32(w, snaplen);
	put32(w, linktype);
}

/* a record of caplen bytes of an Ethernet/IPv4/UDP frame (the port makes
 * it pass or fail a filter) */
static void record(struct wbuf *w, uint32_t sec, uint32_t frac, uint32_t caplen, uint32_t len,
    uint16_t port)
{
	uint8_t pkt[2048];
	size_t i;

	memset(pkt, 0, sizeof(pkt));
	pkt[12] = 0x08;
	pkt[14] = 0x45;
	pkt[23] = 17;
	pkt[36] = (uint8_t)(port >> 8);
	pkt[37] = (uint8_t)port;
	for (i = 42; i < sizeof(pkt); i++)
		pkt[i] = (uint8_t)(i * 7);
	put32(w, sec);
	put32(w, frac);
	put32(w, caplen);
	put32(w, len);
	memcpy(w->b + w->n, pkt, caplen <= sizeof(pkt) ? caplen : sizeof(pkt));
	w->n += caplen <= sizeof(pkt) ? caplen : sizeof(pkt);
}

static const char *write_bytes(const char *name, const uint8_t *b, size_t n)
{
	static char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fp = fopen(path, "wb");
	if (fp == NULL || fwrite(b, 1, n, fp) != n) {
		perror(path);
		exit(1);
	}
	fclose(fp);
	return path;
}

/* the first n bytes of what w holds */
static const char *write_file(const char *name, const struct wbuf *w, size_t n)
{
	return write_bytes(name, w->b, n);
}

/* Compare with the default buffer, then with small ones so that records
 * are cut at every byte (every size up to the file's, when every is set;
 * a few otherwise). */
static void compare_everywhere(const char *path, const char *filter, int every)
{
	static const size_t few[] = { 17, 61, 1501, 4099 };
	long size;
	size_t i;
	FILE *fp;

	FAIL_IF(pcapfile_compare(path, filter, 0) != 0);
	if (!every) {
		for (i = 0; i < sizeof(few) / sizeof(few[0]); i++)
			FAIL_IF(pcapfile_compare(path, filter, few[i]) != 0);
		return;
	}
	fp = fopen(path, "rb");
	FAIL_IF(fp == NULL);
	if (fp == NULL)
		return;
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	fclose(fp);
	for (i = 17; i <= (size_t)size + 16; i++)
		FAIL_IF(pcapfile_compare(path, filter, i) != 0);
}

/* ---- the cases -------------------------------------------------------- */

/* One file of each kind libpcap reads by its own rules, all compared. */
static void test_made_files(void)
{
	static const uint32_t magics[] = { 0xa1b2c3d4, 0xa1b23c4d };
	struct wbuf w;
	int m, swap;

	for (m = 0; m < 2; m++)
		for (swap = 0; swap < 2; swap++) {
			char name[64];
			size_t whole;

			memset(&w, 0, sizeof(w));
			w.swap = swap;
			file_header(&w, magics[m], 2, 4, 1500, 1);
			record(&w, 1700000000, 999999999, 60, 60, 3333);
			record(&w, 0x80000001u, 0xfffffff0u, 64, 1514, 80); /* negative time fields */
			record(&w, 5, 7, 1000, 1000, 3333);
			record(&w, 6, 8, 1600, 1600, 53);   /* above the snapshot: cut to 1500 */
			record(&w, 7, 9, 0, 0, 0);
			record(&w, 8, 10, 42, 40, 3333);    /* caplen above len: passed on */
			whole = w.n;
			snprintf(name, sizeof(name), "m%d-s%d.pcap", m, swap);
			compare_everywhere(write_file(name, &w, whole), NULL, 1);
			compare_everywhere(write_file(name, &w, whole), "udp port 3333", 1);
			/* cut inside the last header, inside the 1600-byte record's
			 * kept part and in its cut-off part, inside a data part */
			compare_everywhere(write_file(name, &w, whole - 42 - 5), NULL, 1);
			compare_everywhere(write_file(name, &w, whole - 42 - 16 - 16 - 200), NULL, 1);
			compare_everywhere(write_file(name, &w, whole - 42 - 16 - 16 - 50), NULL, 1);
			compare_everywhere(write_file(name, &w, whole - 42 - 16 - 16 - 1600 - 16 - 3), NULL, 1);
			compare_everywhere(write_file(name, &w, 24), NULL, 1);
		}
	/* caplen above the link type's maximum: above and within the
	 * snapshot length (two messages); snapshot 0 means the maximum */
	memset(&w, 0, sizeof(w));
	file_header(&w, magics[0], 2, 4, 0, 1);
	record(&w, 1, 2, 60, 60, 1);
	put32(&w, 3); put32(&w, 4); put32(&w, 262145); put32(&w, 262145);
	compare_everywhere(write_file("max.pcap", &w, w.n), NULL, 1);
	memset(&w, 0, sizeof(w));
	file_header(&w, magics[0], 2, 4, 128, 1);
	record(&w, 1, 2, 60, 60, 1);
	put32(&w, 3); put32(&w, 4); put32(&w, 300000); put32(&w, 300000);
	compare_everywhere(write_file("max-snap.pcap", &w, w.n), NULL, 1);
	/* a D-Bus file may carry records above 256 KiB: the buffer grows */
	{
		size_t n = 24 + 16 + 300000;
		uint8_t *big = calloc(1, n);

		FAIL_IF(big == NULL);
		if (big == NULL)
			return;
		memset(&w, 0, sizeof(w));
		file_header(&w, magics[0], 2, 4, 0, 231);
		put32(&w, 1); put32(&w, 2); put32(&w, 300000); put32(&w, 300000);
		memcpy(big, w.b, w.n);
		memset(big + w.n, 0x5a, 300000);
		compare_everywhere(write_bytes("dbus.pcap", big, n), NULL, 0);
		free(big);
	}
}

/* Does our reader take path, as libpcap opened it (or as libpcap opened
 * other, when given)? */
static int taken(const char *path, const char *other)
{
	char perr[PCAP_ERRBUF_SIZE];
	struct pcapfile *pf;
	pcap_t *pc = pcap_open_offline(other != NULL ? other : path, perr);

	FAIL_IF(pc == NULL); /* (libpcap reads every file here) */
	if (pc == NULL)
		return -1;
	pf = pcapfile_open(path, pc, NULL, 0);
	pcapfile_close(pf);
	pcap_close(pc);
	return pf != NULL;
}

/* What libpcap must keep: pcapng, version 2.3, the modified format,
 * link types whose records it rewrites, stdin, a directory, a path naming
 * another file than libpcap's. */
static void test_left_to_libpcap(void)
{
	const char *srcdir = getenv("srcdir");
	char ng[512], good[512], other[512];
	struct wbuf w;

	memset(&w, 0, sizeof(w));
	file_header(&w, 0xa1b2c3d4, 2, 4, 1500, 1);
	record(&w, 1, 2, 60, 60, 1);
	snprintf(good, sizeof(good), "%s", write_file("good.pcap", &w, w.n));
	snprintf(other, sizeof(other), "%s", write_file("other.pcap", &w, w.n));
	FAIL_UNLESS(taken(good, NULL) == 1);
	FAIL_UNLESS(taken(other, good) == 0);
	FAIL_UNLESS(taken("-", good) == 0);
	FAIL_UNLESS(taken(tmpdir, good) == 0);
	FAIL_UNLESS(taken("/nonexistent/x.pcap", good) == 0);
	memset(&w, 0, sizeof(w));
	file_header(&w, 0xa1b2c3d4, 2, 3, 1500, 1);
	record(&w, 1, 2, 60, 60, 1);
	FAIL_UNLESS(taken(write_file("v23.pcap", &w, w.n), NULL) == 0);
	memset(&w, 0, sizeof(w));
	file_header(&w, 0xa1b2cd34, 2, 4, 1500, 1); /* Kuznetzov's modified format */
	FAIL_UNLESS(taken(write_file("kuz.pcap", &w, w.n), NULL) == 0);
	/* pseudo-headers libpcap rewrites: swapped Linux cooked, any
	 * memory-mapped USB; not swapped Linux cooked */
	memset(&w, 0, sizeof(w));
	w.swap = 1;
	file_header(&w, 0xa1b2c3d4, 2, 4, 1500, 113);
	record(&w, 1, 2, 60, 60, 1);
	FAIL_UNLESS(taken(write_file("sll-swapped.pcap", &w, w.n), NULL) == 0);
	/* (a CAN frame in it: libpcap swaps its CAN id, so reading it
	 * ourselves would differ) */
	w.b[24 + 16 + 14] = 0x00;
	w.b[24 + 16 + 15] = 0x0c;
	w.b[24 + 16 + 16] = 0x12;
	compare_everywhere(write_file("sll-can-swapped.pcap", &w, w.n), NULL, 0);
	memset(&w, 0, sizeof(w));
	file_header(&w, 0xa1b2c3d4, 2, 4, 1500, 113);
	record(&w, 1, 2, 60, 60, 1);
	FAIL_UNLESS(taken(write_file("sll.pcap", &w, w.n), NULL) == 1);
	memset(&w, 0, sizeof(w));
	file_header(&w, 0xa1b2c3d4, 2, 4, 1500, 220);
	record(&w, 1, 2, 64, 64, 1);
	FAIL_UNLESS(taken(write_file("usb.pcap", &w, w.n), NULL) == 0);
	snprintf(ng, sizeof(ng), "%s/pcaps/gen/stdin-pcapng.pcapng", srcdir ? srcdir : ".");
	FAIL_UNLESS(taken(ng, NULL) == 0);
}

/* Every classic pcap the project bundles. */
static void test_bundled(void)
{
	static const char *dirs[] = { "gen", "ndpi-benign", "ndpi-mining", "real", "regress" };
	const char *srcdir = getenv("srcdir");
	size_t d;
	int files = 0;

	for (d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		char dir[512];
		struct dirent *de;
		DIR *dp;

		snprintf(dir, sizeof(dir), "%s/pcaps/%s", srcdir ? srcdir : ".", dirs[d]);
		if ((dp = opendir(dir)) == NULL)
			continue;
		while ((de = readdir(dp)) != NULL) {
			char path[1024];
			size_t n = strlen(de->d_name);

			if (n < 5 || strcmp(de->d_name + n - 5, ".pcap") != 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			/* small files through every small buffer, the others
			 * through a few */
			compare_everywhere(path, NULL, 0);
			files++;
		}
		closedir(dp);
	}
	FAIL_IF(files < 50); /* the captures were found */
}

int main(void)
{
	char cmd[300];

	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_made_files();
	test_left_to_libpcap();
	test_bundled();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return sw_test_done("test_pcapfile");
}
