/* test_export.c: the IPFIX/NetFlow v9 message builder and the syslog
 * escaping, checked against a small independent decoder: every message
 * from xport is received on a loopback socket this test binds, its
 * templates parsed and its records decoded with them. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "export-ipfix.h"
#include "export-syslog.h"
#include "export-tmpl.h"
#include "sw_test.h"

static uint32_t get(const uint8_t *p, int n)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

struct tfield { uint16_t id, len; uint32_t ent; };
struct ttmpl { int n; struct tfield f[64]; };

static struct ttmpl tmpls[2];          /* by template id - 256 */

/* Parse one message; returns its data records, -1 if malformed. Checks
 * each decoded record's source port against the counter it was made from
 * and the wallet string's prefix. */
static int decode(int version, const uint8_t *m, size_t len, uint32_t *seq,
    uint32_t *domain, unsigned *next_port)
{
	size_t off = version == XT_IPFIX ? 16 : 20, end;
	int recs = 0;

	if (get(m, 2) != (uint32_t)version)
		return -1;
	if (version == XT_IPFIX && get(m + 2, 2) != len)
		return -1;
	*seq = get(m + (version == XT_IPFIX ? 8 : 12), 4);
	*domain = get(m + (version == XT_IPFIX ? 12 : 16), 4);
	while (off + 4 <= len) {
		uint32_t sid = get(m + off, 2), slen = get(m + off + 2, 2);
		size_t p = off + 4;

		if (slen < 4 || off + slen > len)
			return -1;
		end = off + slen;
		if (sid == (version == XT_IPFIX ? 2u : 0u)) {
			while (p + 4 <= end) {
				uint32_t tid = get(m + p, 2), n = get(m + p + 2, 2), i;
				struct ttmpl *t;

				if (tid < 256 || tid > 257 || n > 64)
					return -1;
				t = &tmpls[tid - 256];
				t->n = (int)n;
				p += 4;
				for (i = 0; i < n; i++) {
					t->f[i].id = (uint16_t)get(m + p, 2);
					t->f[i].len = (uint16_t)get(m + p + 2, 2);
					t->f[i].ent = 0;
					p += 4;
					if (t->f[i].id & 0x8000) {
						t->f[i].id &= 0x7fff;
						t->f[i].ent = get(m + p, 4);
						p += 4;
					}
				}
			}
		} else if (sid >= 256 && sid <= 257) {
			struct ttmpl *t = &tmpls[sid - 256];

			if (t->n == 0)
				return -1; /* data before its template */
			while (end - p >= 4) { /* v9 pads with < 4 bytes */
				int i;

				for (i = 0; i < t->n; i++) {
					size_t fl = t->f[i].len;

					if (fl == 0xffff) {
						fl = m[p++];
						if (fl == 255) {
							fl = get(m + p, 2);
							p += 2;
						}
						if (t->f[i].ent == 32473 && t->f[i].id == 101 && fl > 0 &&
						    memcmp(m + p, "48edf", fl < 5 ? fl : 5) != 0)
							return -1;
					}
					if (p + fl > end)
						return -1;
					if (t->f[i].id == 7 && get(m + p, 2) != (*next_port)++)
						return -1;
					p += fl;
				}
				recs++;
			}
		} else {
			return -1;
		}
		off = end;
	}
	return off == len ? recs : -1;
}

static void test_xport(int version)
{
	struct sw_counters_export c;
	struct sw_xport_cfg cfg;
	struct sw_xport *x;
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	char dest[64], err[256], wallet[300];
	uint8_t buf[2000];
	unsigned i, msgs = 0, recs = 0, tmsgs = 0, next_port = 1000;
	uint32_t seq = 0, domain = 0;
	int fd, n;

	memset(tmpls, 0, sizeof(tmpls));
	memset(&c, 0, sizeof(c));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	FAIL_IF(bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0);
	FAIL_IF(getsockname(fd, (struct sockaddr *)&sin, &sl) != 0);
	snprintf(dest, sizeof(dest), "127.0.0.1:%u", ntohs(sin.sin_port));
	cfg.version = version;
	cfg.dest = dest;
	cfg.domain = 77;
	cfg.enterprise = 32473;
	cfg.mtu = 700;
	cfg.refresh_sec = 600;
	cfg.refresh_msgs = 4;
	x = xport_new(&cfg, &c, err, sizeof(err));
	FAIL_IF(x == NULL);
	if (x == NULL)
		return;
	xport_set_boot(x, 1700000000000ULL);
	memset(wallet, 'w', sizeof(wallet) - 1);
	memcpy(wallet, "48edf", 5);
	wallet[sizeof(wallet) - 1] = '\0';
	for (i = 0; i < 40; i++) {
		struct sw_xrec r;

		memset(&r, 0, sizeof(r));
		r.ip_version = i % 3 == 0 ? 6 : 4;
		r.proto = 6;
		r.sport = (uint16_t)(1000 + i);
		r.dport = 3333;
		r.start_ms = 1700000000000ULL + i;
		r.end_ms = r.start_ms + 5;
		r.packets = i + 1;
		r.octets = 100 * (i + 1);
		/* every 5th record has strings too long for the MTU */
		r.str[XS_WALLET].s = wallet;
		r.str[XS_WALLET].len = i % 5 == 0 ? strlen(wallet) : 95;
		r.str[XS_AGENT].s = wallet;
		r.str[XS_AGENT].len = i % 5 == 0 ? 280 : 10;
		xport_add(x, &r, 1700000001000ULL + i);
	}
	xport_flush(x, 1700000002000ULL);
	xport_free(x);
	while ((n = (int)recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		int got;

		FAIL_IF(n > 700); /* the MTU holds */
		got = decode(version, buf, (size_t)n, &seq, &domain, &next_port);
		FAIL_IF(got <= 0);
		EXPECT_EQ_U64(domain, 77);
		/* IPFIX: data records before this message; v9: packets */
		EXPECT_EQ_U64(seq, version == XT_IPFIX ? recs : msgs);
		if (get(buf + (version == XT_IPFIX ? 16 : 20), 2) == (version == XT_IPFIX ? 2u : 0u))
			tmsgs++;
		if (got > 0)
			recs += (unsigned)got;
		msgs++;
	}
	close(fd);
	EXPECT_EQ_U64(recs, 40);
	EXPECT_EQ_U64(next_port, 1040);    /* every record, in order */
	EXPECT_EQ_U64(c.records, 40);
	EXPECT_EQ_U64(c.messages, msgs);
	EXPECT_EQ_U64(c.send_errors, 0);
	FAIL_UNLESS(msgs > 4);             /* the MTU split them */
	FAIL_UNLESS(tmsgs >= msgs / 5);    /* templates every 4 messages */
	EXPECT_EQ_U64(c.template_sets, tmsgs);
	if (version == XT_IPFIX)
		FAIL_UNLESS(c.strings_cut >= 8);  /* v9 carries no long strings */
	else
		EXPECT_EQ_U64(c.strings_cut, 0);
}

static void test_escape(void)
{
	char out[512], longv[300];
	int cut;

	xsyslog_escape("a\"b\\c]d", out, sizeof(out), &cut);
	EXPECT_STREQ(out, "a\\\"b\\\\c\\]d");
	FAIL_IF(cut);
	xsyslog_escape("ok\xc3\xa9 \xff\xc3 tab\there", out, sizeof(out), &cut);
	EXPECT_STREQ(out, "ok\xc3\xa9 ?? tab?here");
	xsyslog_escape("\xed\xa0\x80 \xe0\x80\x80", out, sizeof(out), &cut); /* surrogate, overlong */
	EXPECT_STREQ(out, "??? ???");
	memset(longv, 'x', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = '\0';
	EXPECT_EQ_U64(xsyslog_escape(longv, out, sizeof(out), &cut), XSYSLOG_VALUE_MAX);
	FAIL_UNLESS(cut);
}

int main(void)
{
	test_xport(XT_IPFIX);
	test_xport(XT_V9);
	test_escape();
	return sw_test_done("test_export");
}
