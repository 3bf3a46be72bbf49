/* export-ipfix.c: IPFIX / NetFlow v9 message builder (export-ipfix.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export-ipfix.h"
#include "export-udp.h"

#define IPFIX_HDR_LEN 16
#define V9_HDR_LEN 20

struct sw_xport {
	struct sw_xport_cfg cfg;
	struct sw_counters_export *c;
	int fd;
	size_t hdr_len;
	size_t room;               /* largest record a message can take */
	uint8_t *buf;              /* cfg.mtu bytes */
	size_t len;                /* bytes of the message being built; 0 = none */
	size_t set_off;            /* its open data set; 0 = none */
	uint16_t set_id;
	unsigned nrec;             /* data records in it */
	unsigned ncount;           /* v9: all records in it (templates too) */
	uint64_t seq;              /* IPFIX: data records sent; v9: packets sent */
	int tmpl_sent;             /* templates sent at least once */
	uint64_t tmpl_ms;          /* when they were last sent */
	uint32_t msgs_since_tmpl;
	uint64_t boot_ms;
};

static uint8_t *put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
	p = put16(p, v >> 16);
	return put16(p, v & 0xffff);
}

struct sw_xport *xport_new(const struct sw_xport_cfg *cfg, struct sw_counters_export *c,
    char *errbuf, size_t errlen)
{
	const char *opt = cfg->version == XT_IPFIX ? "--ipfix" : "--netflow9";
	struct sw_xport *x;
	size_t fixed;

	x = calloc(1, sizeof(*x));
	if (x == NULL || (x->buf = malloc(cfg->mtu)) == NULL) {
		free(x);
		snprintf(errbuf, errlen, "out of memory");
		return NULL;
	}
	x->fd = -1;
	x->cfg = *cfg;
	x->c = c;
	if (cfg->mtu < XPORT_MTU_MIN || cfg->mtu > XPORT_MTU_MAX) {
		snprintf(errbuf, errlen, "%s: the MTU must be from %d to %d bytes", opt,
		    XPORT_MTU_MIN, XPORT_MTU_MAX);
		xport_free(x);
		return NULL;
	}
	x->hdr_len = cfg->version == XT_IPFIX ? IPFIX_HDR_LEN : V9_HDR_LEN;
	/* a record must fit a message that also carries the templates and
	 * a set header (and v9's up to 3 padding bytes) */
	x->room = cfg->mtu - x->hdr_len - xtmpl_set_len(cfg->version) - 4 - 3;
	fixed = xtmpl_rec_len(cfg->version, &(struct sw_xrec){ .ip_version = 6 });
	if (x->room < fixed + 64) {
		snprintf(errbuf, errlen, "%s: an MTU of %u cannot hold the templates and a record",
		    opt, cfg->mtu);
		xport_free(x);
		return NULL;
	}
	x->fd = xudp_open(cfg->dest, opt, errbuf, errlen);
	if (x->fd < 0) {
		xport_free(x);
		return NULL;
	}
	return x;
}

void xport_set_boot(struct sw_xport *x, uint64_t boot_ms)
{
	x->boot_ms = boot_ms;
}

/* Close the open data set: its length, and v9's padding to 4 bytes. */
static void set_close(struct sw_xport *x)
{
	size_t n;

	if (x->set_off == 0)
		return;
	if (x->cfg.version == XT_V9)
		while ((x->len - x->set_off) % 4 != 0)
			x->buf[x->len++] = 0;
	n = x->len - x->set_off;
	put16(x->buf + x->set_off + 2, (uint32_t)n);
	x->set_off = 0;
}

void xport_flush(struct sw_xport *x, uint64_t now_ms)
{
	uint8_t *p = x->buf;

	if (x->len == 0)
		return;
	set_close(x);
	if (x->cfg.version == XT_IPFIX) {
		p = put16(p, 10);
		p = put16(p, (uint32_t)x->len);
		p = put32(p, (uint32_t)(now_ms / 1000));
		p = put32(p, (uint32_t)x->seq);  /* records before this message */
		put32(p, x->cfg.domain);
		x->seq += x->nrec;
	} else {
		p = put16(p, 9);
		p = put16(p, x->ncount);
		p = put32(p, (uint32_t)(now_ms > x->boot_ms ? now_ms - x->boot_ms : 0));
		p = put32(p, (uint32_t)(now_ms / 1000));
		p = put32(p, (uint32_t)x->seq);  /* this packet's number */
		put32(p, x->cfg.domain);
		x->seq++;
	}
	if (xsock_send(x->fd, x->buf, x->len) == 0) {
		x->c->messages++;
		x->c->records += x->nrec;
	} else {
		x->c->send_errors++;
		x->c->records_lost += x->nrec;
	}
	x->msgs_since_tmpl++;
	x->len = 0;
	x->nrec = 0;
	x->ncount = 0;
}

/* Shorten r's strings, longest first, until the record fits a message;
 * cuts fall on UTF-8 character boundaries. */
static void fit_record(struct sw_xport *x, struct sw_xrec *r, size_t *rl)
{
	int i, longest;

	while (*rl > x->room) {
		size_t over = *rl - x->room, keep;
		struct sw_xstr *s;

		longest = 0;
		for (i = 1; i < XS_COUNT; i++)
			if (r->str[i].len > r->str[longest].len)
				longest = i;
		s = &r->str[longest];
		if (s->len == 0)
			break; /* cannot happen: room > the fixed part */
		keep = s->len > over ? s->len - over : 0;
		while (keep > 0 && ((uint8_t)s->s[keep] & 0xc0) == 0x80)
			keep--;
		s->len = keep;
		x->c->strings_cut++;
		*rl = xtmpl_rec_len(x->cfg.version, r);
	}
}

static int templates_due(const struct sw_xport *x, uint64_t now_ms)
{
	return !x->tmpl_sent || now_ms >= x->tmpl_ms + (uint64_t)x->cfg.refresh_sec * 1000 ||
	    x->msgs_since_tmpl >= x->cfg.refresh_msgs;
}

void xport_add(struct sw_xport *x, struct sw_xrec *r, uint64_t now_ms)
{
	uint16_t tid = xtmpl_id(r);
	size_t rl = xtmpl_rec_len(x->cfg.version, r);

	fit_record(x, r, &rl);
	/* room for a new set header with v9's padding of the set it closes,
	 * and the padding of the last set */
	if (x->len > 0 && x->len + rl + (x->set_off != 0 && x->set_id == tid ? 0 : 4 + 3) + 3 >
	    x->cfg.mtu)
		xport_flush(x, now_ms);
	if (x->len == 0) {
		x->len = x->hdr_len;
		if (templates_due(x, now_ms)) {
			x->len += xtmpl_set_write(x->cfg.version, x->cfg.enterprise,
			    x->buf + x->len, &x->ncount);
			x->tmpl_sent = 1;
			x->tmpl_ms = now_ms;
			x->msgs_since_tmpl = 0;
			x->c->template_sets++;
		}
	}
	if (x->set_off == 0 || x->set_id != tid) {
		set_close(x);
		x->set_off = x->len;
		x->set_id = tid;
		put16(x->buf + x->len, tid);
		x->len += 4;
	}
	x->len += xtmpl_rec_write(x->cfg.version, r, x->boot_ms, x->buf + x->len);
	x->nrec++;
	x->ncount++;
}

void xport_free(struct sw_xport *x)
{
	if (x == NULL)
		return;
	if (x->fd >= 0)
		close(x->fd);
	free(x->buf);
	free(x);
}
