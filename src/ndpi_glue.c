/* ndpi_glue.c: adapter to libndpi 4.2 (Debian bookworm).
 *
 * 4.2's API differs from later releases (ndpi_init_detection_module takes
 * prefs, not a global context; ndpi_detection_process_packet takes no
 * src/dst id structs); configure.ac checks for the 4.2 signature, and this
 * file is the only place that knows. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ndpi_api.h>

#include "ndpi-arena.h"
#include "ndpi_glue.h"
#include "sw_name_memo.h"

/* f->ndpi_done: 0 while nDPI is asked; NDPI_DECIDED when it gave a label
 * (or gave up: "Unknown"); NDPI_SKIPPED when one of our dissectors
 * identified the flow first (ndpi_glue_skip): no label then. */
#define NDPI_DECIDED 1
#define NDPI_SKIPPED 2

/* HTTP hosts looked up lately in nDPI's host-name automaton, and its
 * answers: a node sends its requests to the same few hosts again and
 * again, and each look-up walked the automaton (1,300 instructions). The
 * answer depends on the host alone: the automaton is built while the
 * module initialises and never changed after (ndpi-ptree-memo.c says the
 * same of the IP lists). One host per slot by a hash of its length and
 * its first and last 8 bytes; a longer host is looked up every time. */
#define HOST_MEMO_SLOTS 64
#define HOST_MEMO_NAME 64

struct host_memo {
	uint8_t len;               /* 0: empty */
	int id;
	char name[HOST_MEMO_NAME];
};

struct sw_ndpi {
	struct ndpi_detection_module_struct *mod;
	uint32_t flow_size;
	struct host_memo host_memo[HOST_MEMO_SLOTS];
};

struct sw_ndpi *ndpi_glue_new(char *errbuf, size_t errlen)
{
	struct sw_ndpi *n = calloc(1, sizeof(*n));
	NDPI_PROTOCOL_BITMASK all;

	if (n == NULL) {
		snprintf(errbuf, errlen, "nDPI: out of memory");
		return NULL;
	}
	ndpi_arena_open();
	n->mod = ndpi_init_detection_module(ndpi_no_prefs);
	if (n->mod == NULL) {
		ndpi_arena_close();
		ndpi_arena_release();
		snprintf(errbuf, errlen, "nDPI: ndpi_init_detection_module failed");
		free(n);
		return NULL;
	}
	NDPI_BITMASK_SET_ALL(all);
	ndpi_set_protocol_detection_bitmask2(n->mod, &all);
	ndpi_finalize_initialization(n->mod);
	ndpi_arena_close();
	n->flow_size = ndpi_detection_get_sizeof_ndpi_flow_struct();
	return n;
}

void ndpi_glue_free(struct sw_ndpi *n)
{
	if (n == NULL)
		return;
	ndpi_exit_detection_module(n->mod);
	ndpi_arena_release();
	free(n);
}

static void record(struct sw_flow *f, ndpi_protocol p)
{
	f->ndpi_master = p.master_protocol;
	f->ndpi_app = p.app_protocol;
}

static void release(struct sw_flow *f)
{
	if (f->ndpi != NULL) {
		ndpi_free_flow(f->ndpi);
		f->ndpi = NULL;
	}
}

void ndpi_glue_packet(struct sw_ndpi *n, struct sw_flow *f, const struct sw_pkt *p,
    const struct sw_limits *limits, struct sw_counters_app *c)
{
	ndpi_protocol r;

	if (f->ndpi_done || p->l3 == NULL || p->l3_len == 0)
		return;
	/* TCP packets without payload tell nDPI nothing it classifies on:
	 * before the first payload, waiting keeps SYN floods and port scans
	 * from costing 688 bytes of nDPI state per flow; after it, a bare
	 * ACK would cost a pass of its connection tracking and of the
	 * dissectors that count empty packets, and its sequence tracking
	 * takes the next expected byte from the payload packets alone. */
	if (p->ipproto == 6 && p->payload_len == 0)
		return;
	if (f->ndpi == NULL) {
		f->ndpi = ndpi_flow_malloc(n->flow_size);
		if (f->ndpi == NULL) {
			f->ndpi_done = NDPI_DECIDED;
			return;
		}
		memset(f->ndpi, 0, n->flow_size);
		c->ndpi_flows++;
	}
	c->ndpi_pkts++;
	r = ndpi_detection_process_packet(n->mod, f->ndpi, p->l3,
	    (unsigned short)(p->l3_len > 65535 ? 65535 : p->l3_len), p->ts_usec / 1000);
	if (r.app_protocol != NDPI_PROTOCOL_UNKNOWN || r.master_protocol != NDPI_PROTOCOL_UNKNOWN) {
		record(f, r);
		f->ndpi_done = NDPI_DECIDED;
		release(f);
		return;
	}
	/* nDPI's own packets, not the flow's: it may have been held back
	 * while one of our dissectors looked at the flow (ndpi_glue.h). The
	 * count is 8 bits: 255 packets at most, whatever the limit says
	 * (a limit above it once wrapped the count and nDPI never stopped) */
	f->ndpi_pkts++;
	if (f->ndpi_pkts >= limits->ndpi_max_packets || f->ndpi_pkts == UINT8_MAX)
		ndpi_glue_flow_end(n, f);
}

void ndpi_glue_skip(struct sw_flow *f)
{
	if (f->ndpi_done)
		return;
	f->ndpi_done = NDPI_SKIPPED;
	release(f);
}

/* nDPI's answer for host[0..len), len < 256. */
static int host_subprotocol(struct sw_ndpi *n, const char *host, size_t len)
{
	ndpi_protocol_match_result m;
	struct host_memo *hm = NULL;
	char name[256];
	int id;

	if (len < HOST_MEMO_NAME) {
		hm = &n->host_memo[sw_name_memo_slot(host, len, HOST_MEMO_SLOTS)];
		if (hm->len == len && memcmp(hm->name, host, len) == 0)
			return hm->id;
	}
	memcpy(name, host, len); /* 4.2 takes a non-const string */
	name[len] = '\0';
	memset(&m, 0, sizeof(m));
	id = ndpi_match_string_subprotocol(n->mod, name, (u_int)len, &m);
	if (hm != NULL) {
		memcpy(hm->name, host, len);
		hm->len = (uint8_t)len;
		hm->id = id;
	}
	return id;
}

void ndpi_glue_http_host(struct sw_ndpi *n, struct sw_flow *f, const char *host)
{
	size_t len = strlen(host);
	int id;

	if (f->ndpi_done)
		return;
	if (len > 255)
		len = 255;
	id = len > 0 ? host_subprotocol(n, host, len) : 0;
	if (id <= 0 && f->key.ip_version == 4) {
		/* as nDPI 4.2 does (ndpi_guess_host_protocol_id): a host it
		 * does not know, then the client's, then the server's address
		 * in its IP lists (Netflix, Google ranges) */
		struct in_addr a;

		memcpy(&a.s_addr, flow_src_addr(f), 4);
		id = ndpi_network_ptree_match(n->mod, &a);
		if (id <= 0) {
			memcpy(&a.s_addr, flow_dst_addr(f), 4);
			id = ndpi_network_ptree_match(n->mod, &a);
		}
	}
	f->ndpi_master = NDPI_PROTOCOL_HTTP;
	f->ndpi_app = id > 0 && id <= 0xffff ? (uint16_t)id : NDPI_PROTOCOL_HTTP;
	f->ndpi_done = NDPI_DECIDED;
	release(f);
}

int ndpi_glue_has_label(const struct sw_flow *f)
{
	return f->ndpi_done != NDPI_SKIPPED;
}

void ndpi_glue_flow_end(struct sw_ndpi *n, struct sw_flow *f)
{
	if (f->ndpi_done == NDPI_SKIPPED)
		return;
	if (f->ndpi == NULL && !f->ndpi_done && f->app != NULL) {
		/* held back for our dissector all along (ndpi_glue.h):
		 * nDPI never looked, so it has no label, not "Unknown" */
		f->ndpi_done = NDPI_SKIPPED;
		return;
	}
	if (f->ndpi != NULL && !f->ndpi_done) {
		uint8_t guessed = 0;

		/* no port-based guess: unknown is reported as unknown */
		record(f, ndpi_detection_giveup(n->mod, f->ndpi, 0, &guessed));
	}
	f->ndpi_done = NDPI_DECIDED;
	release(f);
}

const char *ndpi_glue_proto_name(struct sw_ndpi *n, const struct sw_flow *f, char *buf, size_t len)
{
	ndpi_protocol p;

	memset(&p, 0, sizeof(p));
	p.master_protocol = f->ndpi_master;
	p.app_protocol = f->ndpi_app;
	return ndpi_protocol2name(n->mod, p, buf, (u_int)len);
}

const char *ndpi_glue_app_proto(struct sw_ndpi *n, const struct sw_flow *f, char *buf, size_t len)
{
	uint16_t id = f->ndpi_master != NDPI_PROTOCOL_UNKNOWN ? f->ndpi_master : f->ndpi_app;
	const char *name;
	size_t i;

	if (id == NDPI_PROTOCOL_UNKNOWN)
		return NULL;
	name = ndpi_get_proto_name(n->mod, id);
	if (name == NULL || len == 0)
		return NULL;
	for (i = 0; name[i] != '\0' && i + 1 < len; i++)
		buf[i] = (char)tolower((unsigned char)name[i]);
	buf[i] = '\0';
	return buf;
}

uint16_t ndpi_glue_proto_id(struct sw_ndpi *n, const char *name)
{
	char buf[64];
	int id;

	/* 4.2 takes a non-const name */
	snprintf(buf, sizeof(buf), "%s", name);
	id = ndpi_get_protocol_id(n->mod, buf);
	return id > 0 && id <= 0xffff ? (uint16_t)id : NDPI_PROTOCOL_UNKNOWN;
}
