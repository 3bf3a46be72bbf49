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
	FAIL_UNLESS(taken(ng, NULL) == 1);
}

/* ---- pcapng ------------------------------------------------------------ */

/* A block: type, body (padded to 4), length in header and trailer
 * (trailer_delta makes them differ). */
static void ng_block(struct wbuf *w, uint32_t type, const uint8_t *body, size_t n,
    int trailer_delta)
{
	size_t padded = (n + 3) / 4 * 4;
	uint32_t len = (uint32_t)(12 + padded);

	put32(w, type);
	put32(w, len);
	memcpy(w->b + w->n, body, n);
	memset(w->b + w->n + n, 0, padded - n);
	w->n += padded;
	put32(w, len + (uint32_t)trailer_delta);
}

/* bodies are built in the file's byte order with their own wbuf */
static void ng_shb(struct wbuf *w, uint16_t major)
{
	struct wbuf b = { .swap = w->swap };

	put32(&b, 0x1a2b3c4d);
	put16(&b, major);
	put16(&b, 0);
	put32(&b, 0xffffffff);
	put32(&b, 0xffffffff);
	ng_block(w, 0x0a0d0d0a, b.b, b.n, 0);
}

/* an IDB; tsresol < 0: no option; tsoffset != 0: the option */
static void ng_idb(struct wbuf *w, uint16_t linktype, uint32_t snaplen, int tsresol,
    uint64_t tsoffset)
{
	struct wbuf b = { .swap = w->swap };

	put16(&b, linktype);
	put16(&b, 0);
	put32(&b, snaplen);
	if (tsresol >= 0) {
		put16(&b, 9);
		put16(&b, 1);
		b.b[b.n] = (uint8_t)tsresol;
		b.n += 4;
	}
	if (tsoffset != 0) {
		put16(&b, 14);
		put16(&b, 8);
		put32(&b, w->swap ? (uint32_t)(tsoffset >> 32) : (uint32_t)tsoffset);
		put32(&b, w->swap ? (uint32_t)tsoffset : (uint32_t)(tsoffset >> 32));
	}
	put16(&b, 0);
	put16(&b, 0);
	ng_block(w, 1, b.b, b.n, 0);
}

/* a packet block: 6 EPB, 2 PB, 3 SPB, carrying a record()-style frame */
static void ng_pkt(struct wbuf *w, uint32_t type, uint32_t iface, uint64_t t, uint32_t caplen,
    uint32_t len, uint16_t port, int trailer_delta)
{
	struct wbuf b = { .swap = w->swap }, frame = { 0 };

	record(&frame, 0, 0, caplen, len, port); /* (its 16-byte header dropped) */
	if (type == 3) {
		put32(&b, len);
	} else {
		if (type == 2) {
			put16(&b, (uint16_t)iface);
			put16(&b, 0);
		} else {
			put32(&b, iface);
		}
		put32(&b, (uint32_t)(t >> 32));
		put32(&b, (uint32_t)t);
		put32(&b, caplen);
		put32(&b, len);
	}
	memcpy(b.b + b.n, frame.b + 16, frame.n - 16);
	b.n += frame.n - 16;
	ng_block(w, type, b.b, b.n, trailer_delta);
}

/* Compare the file and the file with a filter; ours says whether our
 * reader must have read it all (0) or handed over (1). thorough: also
 * through every buffer size, and every shorter cut of it. */
static void ng_compare(const char *name, const struct wbuf *w, int ours, int thorough)
{
	char path[256];
	size_t cut;

	snprintf(path, sizeof(path), "%s", write_file(name, w, w->n));
	compare_everywhere(path, NULL, thorough);
	EXPECT_EQ_U64(pcapfile_compare_ours, ours);
	compare_everywhere(path, "udp port 3333", 0);
	for (cut = 28; thorough && cut < w->n; cut++) {
		const char *c = write_file("cut.pcapng", w, cut);

		FAIL_IF(pcapfile_compare(c, NULL, 0) != 0);
		FAIL_IF(pcapfile_compare(c, NULL, 23) != 0);
	}
}

/* A valid file of every block kind: read all of it ourselves. */
static void ng_valid(struct wbuf *w, int swap, size_t *unknown_off)
{
	static const uint8_t junk[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint32_t i;

	memset(w, 0, sizeof(*w));
	w->swap = swap;
	ng_shb(w, 1);
	ng_idb(w, 1, 1500, -1, 0);                 /* 0: microseconds */
	ng_pkt(w, 6, 0, 1700000000123456ull, 60, 60, 3333, 0);
	ng_pkt(w, 6, 0, 0xffffffffffffffffull, 64, 1514, 80, 0);
	ng_idb(w, 1, 1500, 9, 0);                  /* 1: nanoseconds */
	ng_idb(w, 1, 1500, 0x80 | 20, 0);          /* 2: 2^-20 s */
	ng_idb(w, 1, 1500, 3, 1000);               /* 3: milliseconds, offset */
	ng_idb(w, 1, 1500, 0x80 | 63, 5);          /* 4: 2^-63 s */
	ng_idb(w, 1, 1500, 19, 0);                 /* 5: 10^-19 s */
	ng_idb(w, 1, 1500, 0, 0);                  /* 6: seconds */
	*unknown_off = w->n;
	ng_block(w, 0x0badb10c, junk, 5, 0);       /* unknown: skipped, counted */
	ng_block(w, 0xbad, junk, 8, 0);            /* custom: skipped */
	for (i = 0; i <= 6; i++) {
		ng_pkt(w, 6, i, 1700000000999999999ull, 60, 60, 3333, 0);
		ng_pkt(w, 6, i, 0xfedcba9876543210ull, 61, 61, 80, 0);
		ng_pkt(w, 2, i, 123456789ull, 62, 70, 3333, 0);
	}
	ng_pkt(w, 3, 0, 0, 1500, 1600, 3333, 0);   /* SPB: cut to the snapshot */
	ng_pkt(w, 3, 0, 0, 42, 42, 80, 0);
	ng_shb(w, 1);                              /* a new section */
	ng_idb(w, 1, 1500, 9, 0);
	ng_pkt(w, 6, 0, 1700000000123456789ull, 60, 60, 3333, 0);
}

static void test_pcapng(void)
{
	static const uint8_t junk[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct wbuf w, o;
	size_t unknown_off, base;
	int swap;

	for (swap = 0; swap < 2; swap++) {
		char name[64], perr[PCAP_ERRBUF_SIZE];
		struct capture_rec rec;
		struct pcapfile *pf;
		uint64_t count = 0, off = 0;
		uint32_t type = 0;
		pcap_t *pc;

		ng_valid(&w, swap, &unknown_off);
		snprintf(name, sizeof(name), "ng-%d.pcapng", swap);
		ng_compare(name, &w, 0, 1);
		/* the unknown block counted, where it is */
		pc = pcap_open_offline(write_file(name, &w, w.n), perr);
		FAIL_IF(pc == NULL);
		if (pc == NULL)
			continue;
		pf = pcapfile_open(write_file(name, &w, w.n), pc, NULL, 0);
		FAIL_IF(pf == NULL);
		if (pf != NULL) {
			while (pcapfile_next(pf, &rec) == 1)
				;
			FAIL_UNLESS(pcapfile_unknown_blocks(pf, &count, &type, &off) == 1);
			EXPECT_EQ_U64(count, 1);
			EXPECT_EQ_U64(type, 0x0badb10c);
			EXPECT_EQ_U64(off, unknown_off);
			pcapfile_close(pf);
		}
		pcap_close(pc);

		/* where libpcap stops, each after a valid start: we hand the
		 * file over and its message is libpcap's */
		ng_valid(&w, swap, &unknown_off);
		base = w.n;
		ng_pkt(&w, 6, 9, 1, 60, 60, 1, 0);         /* no such interface */
		ng_compare("e-iface.pcapng", &w, 1, 0);
		w.n = base;
		ng_pkt(&w, 6, 0, 1, 1600, 1600, 1, 0);     /* caplen above the snapshot */
		ng_compare("e-caplen.pcapng", &w, 1, 0);
		w.n = base;
		ng_pkt(&w, 6, 0, 1, 60, 60, 1, 4);         /* trailer differs */
		ng_compare("e-trailer.pcapng", &w, 1, 0);
		w.n = base;
		ng_idb(&w, 101, 1500, -1, 0);              /* LINKTYPE_RAW is not DLT 1 */
		ng_compare("e-linktype.pcapng", &w, 1, 0);
		w.n = base;
		ng_idb(&w, 1, 1000, -1, 0);                /* another snapshot length */
		ng_compare("e-snaplen.pcapng", &w, 1, 0);
		w.n = base;
		ng_idb(&w, 1, 0x01040000, -1, 0);          /* above the maximum, kept */
		ng_compare("e-snaplen-big.pcapng", &w, 1, 0);
		w.n = base;
		ng_idb(&w, 1, 0x80000000u, -1, 0);         /* above INT_MAX: the maximum, not 1500 */
		ng_compare("e-snaplen-intmax.pcapng", &w, 1, 0);
		/* a first snapshot of 0 (the maximum) and a later one above it:
		 * libpcap keeps the latter as it is, so they differ (fuzz) */
		memset(&o, 0, sizeof(o));
		o.swap = swap;
		ng_shb(&o, 1);
		ng_idb(&o, 1, 0, -1, 0);
		ng_pkt(&o, 6, 0, 1, 60, 60, 1, 0);
		ng_idb(&o, 1, 0x01040000, -1, 0);
		ng_pkt(&o, 6, 1, 1, 60, 60, 1, 0);
		ng_compare("e-snaplen-max.pcapng", &o, 1, 0);
		w.n = base;
		ng_idb(&w, 1, 1500, 20, 0);                /* 10^-20: too fine */
		ng_compare("e-tsresol.pcapng", &w, 1, 0);
		w.n = base;
		ng_idb(&w, 1, 1500, 0x80 | 64, 0);         /* 2^-64: too fine */
		ng_compare("e-tsresol2.pcapng", &w, 1, 0);
		w.n = base;
		ng_block(&w, 6, junk, 8, 0);               /* an EPB too short */
		ng_compare("e-short.pcapng", &w, 1, 0);
		w.n = base;
		ng_shb(&w, 1);                             /* a section with no IDB */
		ng_pkt(&w, 6, 0, 1, 60, 60, 1, 0);
		ng_compare("e-noidb.pcapng", &w, 1, 0);
		w.n = base;
		ng_shb(&w, 2);                             /* version 2 */
		ng_compare("e-version.pcapng", &w, 1, 0);
		w.n = base;
		memset(&o, 0, sizeof(o));                  /* the other byte order */
		o.swap = !swap;
		ng_shb(&o, 1);
		memcpy(w.b + w.n, o.b, o.n);
		w.n += o.n;
		ng_compare("e-order.pcapng", &w, 1, 0);
		w.n = base;
		put32(&w, 6);                              /* length not a multiple of 4 */
		put32(&w, 14);
		put32(&w, 0);
		put16(&w, 0);
		put32(&w, 14);
		ng_compare("e-len4.pcapng", &w, 1, 0);
	}
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

			if ((n < 5 || strcmp(de->d_name + n - 5, ".pcap") != 0) &&
			    (n < 7 || strcmp(de->d_name + n - 7, ".pcapng") != 0))
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

/* pcapfile_set_limit (--workers' pin): the file ends at the limit for
 * this reader, whole records before it read, one cut by it a truncated
 * file, with buffers small enough that the limit falls mid-refill. */
/* The limit on a pcapng file (test_limit's is classic pcap): its blocks
 * come through the same buffer, so a record past the limit is not handed
 * out. (pcapng_start reads nothing ahead, only seeks back to the section
 * header: the limit, set after the open, sees every byte.) */
static void test_limit_pcapng(void)
{
	struct wbuf w;
	struct capture_rec rec;
	struct pcapfile *pf;
	char perr[PCAP_ERRBUF_SIZE];
	const char *path;
	pcap_t *pc;
	size_t after_two;
	int r, got = 0;

	memset(&w, 0, sizeof(w));
	ng_shb(&w, 1);
	ng_idb(&w, 1, 1500, -1, 0);
	ng_pkt(&w, 6, 0, 1, 60, 60, 1, 0);
	ng_pkt(&w, 6, 0, 2, 60, 60, 2, 0);
	after_two = w.n;
	ng_pkt(&w, 6, 0, 3, 60, 60, 3, 0);
	path = write_file("limit.pcapng", &w, w.n);
	pc = pcap_open_offline(path, perr);
	FAIL_IF(pc == NULL);
	if (pc == NULL)
		return;
	pf = pcapfile_open(path, pc, NULL, 0);
	FAIL_IF(pf == NULL);
	if (pf != NULL) {
		pcapfile_set_limit(pf, after_two);
		while ((r = pcapfile_next(pf, &rec)) == 1)
			got++;
		EXPECT_EQ_U64(got, 2);
		EXPECT_EQ_U64(r, PCAP_ERROR_BREAK);
		pcapfile_close(pf);
	}
	pcap_close(pc);
}

static void test_limit(void)
{
	static const size_t bufs[] = { 0, 17, 100 };
	static const struct { uint64_t limit; int records, end; } cases[] = {
		{ 0, 3, PCAP_ERROR_BREAK },      /* none: the whole file */
		{ 252, 3, PCAP_ERROR_BREAK },    /* its size */
		{ 176, 2, PCAP_ERROR_BREAK },    /* after the second record */
		{ 150, 1, PCAP_ERROR },          /* inside the second */
		{ 30, 0, PCAP_ERROR },           /* inside the first's header */
		{ 24, 0, PCAP_ERROR_BREAK },     /* the file header alone */
	};
	char perr[PCAP_ERRBUF_SIZE];
	const char *path;
	struct wbuf w;
	size_t b, c;

	memset(&w, 0, sizeof(w));
	file_header(&w, 0xa1b2c3d4, 2, 4, 1500, 1);
	record(&w, 1, 2, 60, 60, 1);   /* bytes 24 to 100 */
	record(&w, 1, 3, 60, 60, 2);   /* 100 to 176 */
	record(&w, 1, 4, 60, 60, 3);   /* 176 to 252 */
	FAIL_UNLESS(w.n == 252);
	path = write_file("limit.pcap", &w, w.n);
	for (b = 0; b < sizeof(bufs) / sizeof(bufs[0]); b++)
		for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
			struct capture_rec rec;
			struct pcapfile *pf;
			pcap_t *pc = pcap_open_offline(path, perr);
			int r, got = 0;

			FAIL_IF(pc == NULL);
			if (pc == NULL)
				return;
			pf = pcapfile_open(path, pc, NULL, bufs[b]);
			FAIL_IF(pf == NULL);
			if (pf != NULL) {
				pcapfile_set_limit(pf, cases[c].limit);
				while ((r = pcapfile_next(pf, &rec)) == 1)
					got++;
				EXPECT_EQ_U64(got, cases[c].records);
				EXPECT_EQ_U64(r, cases[c].end);
				if (cases[c].end == PCAP_ERROR)
					FAIL_UNLESS(strstr(pcapfile_error(pf), "truncated dump file") != NULL);
				pcapfile_close(pf);
			}
			pcap_close(pc);
			/* the same end when libpcap reads (capture_src's limit) */
			if (b == 0) {
				struct capture_src src = { 0 };
				char err[PCAP_ERRBUF_SIZE] = "";

				src.pc = pcap_open_offline(path, perr);
				FAIL_IF(src.pc == NULL);
				if (src.pc == NULL)
					return;
				src.limit = cases[c].limit;
				got = 0;
				while ((r = capture_src_next(&src, &rec, err, sizeof(err))) == 1)
					got++;
				EXPECT_EQ_U64(got, cases[c].records);
				EXPECT_EQ_U64(r, cases[c].end);
				if (cases[c].end == PCAP_ERROR)
					FAIL_UNLESS(strstr(err, "truncated dump file") != NULL);
				pcap_close(src.pc);
			}
		}
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
	test_pcapng();
	test_limit();
	test_limit_pcapng();
	test_bundled();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return sw_test_done("test_pcapfile");
}
