/* export-tmpl.c: the exported flow record's fields and their encoding
 * (export-tmpl.h). */
#include <string.h>

#include "export-tmpl.h"

/* What a field holds. */
enum sw_xval {
	XV_START, XV_END, XV_SRC, XV_DST, XV_SPORT, XV_DPORT, XV_ICMP, XV_PROTO, XV_TCPFLAGS,
	XV_OCTETS, XV_PACKETS, XV_END_REASON, XV_APP_ID, XV_FLAGS, XV_SUBMITS,
	XV_POD_ADDR, XV_STR,
};

struct sw_xfield {
	uint16_t id;     /* IPFIX information element id; 0: not in IPFIX */
	uint16_t v9;     /* NetFlow v9 field type; 0: not in v9 */
	uint16_t len;    /* IPFIX length (XT_VARLEN: variable) */
	uint16_t len9;   /* v9 length */
	uint8_t ent;     /* an enterprise element (our number) */
	uint8_t fam;     /* 4 or 6: in that family's template only; 0 both */
	uint8_t val;     /* enum sw_xval */
	uint8_t si;      /* XV_STR: enum sw_xs */
};

/* The record, in wire order. IPFIX ids are IANA's "IPFIX Information
 * Elements" registry; v9 types are RFC 3954's (ids 1-79) and Cisco's
 * APPLICATION_TAG/NAME (95, 96). v9 has no variable-length or enterprise
 * fields: its record stops at the standard ones (and a fixed 24-byte
 * application name). */
static const struct sw_xfield xfields[] = {
	{ 152, 22, 8, 4, 0, 0, XV_START, 0 },         /* flowStartMilliseconds / FIRST_SWITCHED */
	{ 153, 21, 8, 4, 0, 0, XV_END, 0 },           /* flowEndMilliseconds / LAST_SWITCHED */
	{ 8, 8, 4, 4, 0, 4, XV_SRC, 0 },              /* sourceIPv4Address */
	{ 12, 12, 4, 4, 0, 4, XV_DST, 0 },            /* destinationIPv4Address */
	{ 27, 27, 16, 16, 0, 6, XV_SRC, 0 },          /* sourceIPv6Address */
	{ 28, 28, 16, 16, 0, 6, XV_DST, 0 },          /* destinationIPv6Address */
	{ 7, 7, 2, 2, 0, 0, XV_SPORT, 0 },            /* sourceTransportPort */
	{ 11, 11, 2, 2, 0, 0, XV_DPORT, 0 },          /* destinationTransportPort */
	{ 32, 32, 2, 2, 0, 4, XV_ICMP, 0 },           /* icmpTypeCodeIPv4 / ICMP_TYPE */
	{ 139, 32, 2, 2, 0, 6, XV_ICMP, 0 },          /* icmpTypeCodeIPv6 / ICMP_TYPE */
	{ 4, 4, 1, 1, 0, 0, XV_PROTO, 0 },            /* protocolIdentifier */
	{ 6, 6, 2, 1, 0, 0, XV_TCPFLAGS, 0 },         /* tcpControlBits (RFC 7125: 2 octets) */
	{ 1, 1, 8, 8, 0, 0, XV_OCTETS, 0 },           /* octetDeltaCount / IN_BYTES */
	{ 2, 2, 8, 8, 0, 0, XV_PACKETS, 0 },          /* packetDeltaCount / IN_PKTS */
	{ 136, 0, 1, 0, 0, 0, XV_END_REASON, 0 },     /* flowEndReason */
	{ 95, 95, 7, 7, 0, 0, XV_APP_ID, 0 },         /* applicationId (RFC 6759) */
	{ 96, 96, XT_VARLEN, 24, 0, 0, XV_STR, XS_APP_NAME }, /* applicationName */
	{ 100, 0, XT_VARLEN, 0, 1, 0, XV_STR, XS_POOL },
	{ 101, 0, XT_VARLEN, 0, 1, 0, XV_STR, XS_WALLET },
	{ 102, 0, XT_VARLEN, 0, 1, 0, XV_STR, XS_WORKER },
	{ 103, 0, XT_VARLEN, 0, 1, 0, XV_STR, XS_AGENT },
	{ 104, 0, XT_VARLEN, 0, 1, 0, XV_STR, XS_ALGO },
	{ 105, 0, XT_VARLEN, 0, 1, 0, XV_STR, XS_DIALECT },
	{ 106, 0, XT_VARLEN, 0, 1, 0, XV_STR, XS_COIN },
	{ 107, 0, 4, 0, 1, 0, XV_FLAGS, 0 },
	{ 108, 0, 8, 0, 1, 0, XV_SUBMITS, 0 },
	{ 109, 0, 4, 0, 1, 4, XV_POD_ADDR, 0 },
	{ 110, 0, 16, 0, 1, 6, XV_POD_ADDR, 0 },
	{ 111, 0, XT_VARLEN, 0, 1, 0, XV_STR, XS_POD_NAME },
	{ 112, 0, XT_VARLEN, 0, 1, 0, XV_STR, XS_NAMESPACE },
	{ 113, 0, XT_VARLEN, 0, 1, 0, XV_STR, XS_NODE },
	{ 114, 0, XT_VARLEN, 0, 1, 0, XV_STR, XS_COMMUNITY_ID },
};

#define NFIELDS (sizeof(xfields) / sizeof(xfields[0]))

/* RFC 6759 applicationId: classification engine 20 (PANA-L7-PEN), then
 * ntop's enterprise number (nDPI's registry), then the nDPI protocol id. */
#define XT_APP_ENGINE 20
#define XT_APP_PEN 35632

static int in_template(const struct sw_xfield *x, int version, int fam)
{
	if ((version == XT_IPFIX ? x->id : x->v9) == 0)
		return 0;
	return x->fam == 0 || x->fam == fam;
}

static uint8_t *put_be(uint8_t *p, uint64_t v, unsigned len)
{
	unsigned i;

	for (i = len; i > 0; i--) {
		p[i - 1] = (uint8_t)v;
		v >>= 8;
	}
	return p + len;
}

static size_t tmpl_len(int version, int fam)
{
	size_t n = 4, i;

	for (i = 0; i < NFIELDS; i++)
		if (in_template(&xfields[i], version, fam))
			n += xfields[i].ent ? 8 : 4;
	return n;
}

size_t xtmpl_set_len(int version)
{
	return 4 + tmpl_len(version, 4) + tmpl_len(version, 6);
}

static uint8_t *tmpl_write(int version, int fam, uint32_t ent, uint8_t *p)
{
	uint8_t *count;
	unsigned n = 0;
	size_t i;

	p = put_be(p, fam == 6 ? XT_TID_V6 : XT_TID_V4, 2);
	count = p;
	p += 2;
	for (i = 0; i < NFIELDS; i++) {
		const struct sw_xfield *x = &xfields[i];

		if (!in_template(x, version, fam))
			continue;
		n++;
		if (version == XT_V9) {
			p = put_be(p, x->v9, 2);
			p = put_be(p, x->len9, 2);
			continue;
		}
		p = put_be(p, x->id | (x->ent ? 0x8000u : 0), 2);
		p = put_be(p, x->len, 2);
		if (x->ent)
			p = put_be(p, ent, 4);
	}
	put_be(count, n, 2);
	return p;
}

size_t xtmpl_set_write(int version, uint32_t ent, uint8_t *out, unsigned *nrec)
{
	size_t len = xtmpl_set_len(version);
	uint8_t *p = out;

	/* set id 2 (IPFIX template set) / 0 (v9 template FlowSet) */
	p = put_be(p, version == XT_IPFIX ? 2 : 0, 2);
	p = put_be(p, len, 2);
	p = tmpl_write(version, 4, ent, p);
	p = tmpl_write(version, 6, ent, p);
	*nrec += 2;
	return (size_t)(p - out);
}

static size_t str_len(const struct sw_xstr *s)
{
	return s->s != NULL ? s->len : 0;
}

size_t xtmpl_rec_len(int version, const struct sw_xrec *r)
{
	size_t n = 0, i;

	for (i = 0; i < NFIELDS; i++) {
		const struct sw_xfield *x = &xfields[i];

		if (!in_template(x, version, r->ip_version))
			continue;
		if (version == XT_V9)
			n += x->len9;
		else if (x->len != XT_VARLEN)
			n += x->len;
		else {
			size_t sl = str_len(&r->str[x->si]);

			n += (sl < 255 ? 1 : 3) + sl;
		}
	}
	return n;
}

/* v9 times: milliseconds since the exporter's sysUptime origin, modulo
 * 2^32 as the field wraps. */
static uint64_t v9_uptime(uint64_t ms, uint64_t boot_ms)
{
	return ms > boot_ms ? ms - boot_ms : 0;
}

size_t xtmpl_rec_write(int version, const struct sw_xrec *r, uint64_t boot_ms, uint8_t *out)
{
	uint8_t *p = out;
	size_t i;

	for (i = 0; i < NFIELDS; i++) {
		const struct sw_xfield *x = &xfields[i];
		unsigned len = version == XT_V9 ? x->len9 : x->len;

		if (!in_template(x, version, r->ip_version))
			continue;
		switch (x->val) {
		case XV_START:
		case XV_END: {
			uint64_t ms = x->val == XV_START ? r->start_ms : r->end_ms;

			p = put_be(p, version == XT_V9 ? v9_uptime(ms, boot_ms) : ms, len);
			break;
		}
		case XV_SRC: memcpy(p, r->src, len); p += len; break;
		case XV_DST: memcpy(p, r->dst, len); p += len; break;
		case XV_POD_ADDR: memcpy(p, r->pod_addr, len); p += len; break;
		case XV_SPORT: p = put_be(p, r->sport, len); break;
		case XV_DPORT: p = put_be(p, r->dport, len); break;
		case XV_ICMP: p = put_be(p, r->icmp, len); break;
		case XV_PROTO: p = put_be(p, r->proto, len); break;
		case XV_TCPFLAGS: p = put_be(p, r->tcp_flags, len); break;
		case XV_OCTETS: p = put_be(p, r->octets, len); break;
		case XV_PACKETS: p = put_be(p, r->packets, len); break;
		case XV_END_REASON: p = put_be(p, r->end_reason, len); break;
		case XV_FLAGS: p = put_be(p, r->flags, len); break;
		case XV_SUBMITS: p = put_be(p, r->submits, len); break;
		case XV_APP_ID:
			*p++ = XT_APP_ENGINE;
			p = put_be(p, XT_APP_PEN, 4);
			p = put_be(p, r->app_id, 2);
			break;
		case XV_STR: {
			const struct sw_xstr *s = &r->str[x->si];
			size_t sl = str_len(s);

			if (len != XT_VARLEN) { /* fixed: cut, NUL-padded */
				if (sl > len)
					sl = len;
				memcpy(p, s->s != NULL ? s->s : "", sl);
				memset(p + sl, 0, len - sl);
				p += len;
				break;
			}
			if (sl < 255) {
				*p++ = (uint8_t)sl;
			} else {
				*p++ = 255;
				p = put_be(p, sl, 2);
			}
			if (sl > 0)
				memcpy(p, s->s, sl);
			p += sl;
			break;
		}
		}
	}
	return (size_t)(p - out);
}
