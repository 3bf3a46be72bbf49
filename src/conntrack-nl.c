/* conntrack-nl.c: conntrack over netlink into the SNAT table
 * (conntrack-nl.h). The only user of libnetfilter_conntrack. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "conntrack-nl.h"

#ifdef SW_HAVE_NFCT

#include <arpa/inet.h>
#include <event2/event.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

struct sw_ct_nl {
	struct nfct_handle *h;
	struct event *ev;
	struct sw_conntrack *ct;
	int dumping;            /* the start-up dump: entries exist, times unknown */
};

static uint64_t wall_usec(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
}

/* One conntrack entry or event -> one ct_insert. The library has checked
 * the netlink attributes; an entry without the ones we need is skipped. */
static int on_conntrack(enum nf_conntrack_msg_type type, struct nf_conntrack *c, void *arg)
{
	static const enum nf_conntrack_attr v4[4] = {
		ATTR_ORIG_IPV4_SRC, ATTR_ORIG_IPV4_DST, ATTR_REPL_IPV4_SRC, ATTR_REPL_IPV4_DST,
	}, v6[4] = {
		ATTR_ORIG_IPV6_SRC, ATTR_ORIG_IPV6_DST, ATTR_REPL_IPV6_SRC, ATTR_REPL_IPV6_DST,
	}, ports[4] = {
		ATTR_ORIG_PORT_SRC, ATTR_ORIG_PORT_DST, ATTR_REPL_PORT_SRC, ATTR_REPL_PORT_DST,
	};
	struct sw_ct_nl *n = arg;
	uint8_t *addr[4];
	const enum nf_conntrack_attr *at;
	uint16_t port[4];
	struct sw_ct_entry e;
	enum sw_ct_event ev;
	uint8_t l3, l4;
	int i;

	if (!nfct_attr_is_set(c, ATTR_ORIG_L3PROTO) || !nfct_attr_is_set(c, ATTR_ORIG_L4PROTO))
		return NFCT_CB_CONTINUE;
	l3 = nfct_get_attr_u8(c, ATTR_ORIG_L3PROTO);
	l4 = nfct_get_attr_u8(c, ATTR_ORIG_L4PROTO);
	if ((l4 != 6 && l4 != 17) || (l3 != AF_INET && l3 != AF_INET6))
		return NFCT_CB_CONTINUE;
	memset(&e, 0, sizeof(e));
	addr[0] = e.orig_src;
	addr[1] = e.orig_dst;
	addr[2] = e.reply_src;
	addr[3] = e.reply_dst;
	at = l3 == AF_INET ? v4 : v6;
	for (i = 0; i < 4; i++) {
		if (!nfct_attr_is_set(c, at[i]) || !nfct_attr_is_set(c, ports[i]))
			return NFCT_CB_CONTINUE;
		memcpy(addr[i], nfct_get_attr(c, at[i]), l3 == AF_INET ? 4 : 16);
		port[i] = ntohs(nfct_get_attr_u16(c, ports[i]));
	}
	e.proto = l4;
	e.ip_version = l3 == AF_INET ? 4 : 6;
	e.orig_sport = port[0];
	e.orig_dport = port[1];
	e.reply_sport = port[2];
	e.reply_dport = port[3];
	ct_counters(n->ct)->conntrack_nl_events++;
	if (!ct_is_snat(&e))
		return NFCT_CB_CONTINUE;
	if (n->dumping) {
		ev = CT_EV_LIST;
	} else if (type == NFCT_T_NEW) {
		ev = CT_EV_NEW;
		e.first_usec = wall_usec();
	} else if (type == NFCT_T_DESTROY) {
		ev = CT_EV_DESTROY;
		e.last_usec = wall_usec();
	} else {
		ev = CT_EV_UPDATE;
	}
	(void)ct_insert(n->ct, &e, ev); /* a refusal is counted there */
	return NFCT_CB_CONTINUE;
}

/* Readable: take every pending message (the socket is non-blocking, so
 * nfct_catch stops with EAGAIN when the queue is empty). */
static void on_readable(evutil_socket_t fd, short what, void *arg)
{
	struct sw_ct_nl *n = arg;

	(void)fd;
	(void)what;
	if (nfct_catch(n->h) < 0 && errno == ENOBUFS)
		ct_counters(n->ct)->conntrack_nl_overruns++;
}

static int dump_table(struct sw_ct_nl *n, char *errbuf, size_t errlen)
{
	struct nfct_handle *dh = nfct_open(CONNTRACK, 0);
	uint32_t family = AF_UNSPEC;
	int r;

	if (dh == NULL) {
		snprintf(errbuf, errlen, "conntrack netlink: %s", strerror(errno));
		return -1;
	}
	nfct_callback_register(dh, NFCT_T_ALL, on_conntrack, n);
	n->dumping = 1;
	r = nfct_query(dh, NFCT_Q_DUMP, &family);
	n->dumping = 0;
	if (r < 0)
		snprintf(errbuf, errlen, "conntrack table dump: %s", strerror(errno));
	nfct_close(dh);
	return r < 0 ? -1 : 0;
}

struct sw_ct_nl *ct_nl_start(struct event_base *base, struct sw_conntrack *ct,
    char *errbuf, size_t errlen)
{
	struct sw_ct_nl *n = calloc(1, sizeof(*n));
	int fd;

	if (n == NULL) {
		snprintf(errbuf, errlen, "out of memory");
		return NULL;
	}
	n->ct = ct;
	/* subscribe first, then dump: an entry created in between is seen
	 * twice (harmless) rather than not at all */
	n->h = nfct_open(CONNTRACK, NF_NETLINK_CONNTRACK_NEW | NF_NETLINK_CONNTRACK_UPDATE |
	    NF_NETLINK_CONNTRACK_DESTROY);
	if (n->h == NULL) {
		snprintf(errbuf, errlen, "conntrack netlink: %s (needs root and nf_conntrack_netlink)",
		    strerror(errno));
		free(n);
		return NULL;
	}
	nfct_callback_register(n->h, NFCT_T_ALL, on_conntrack, n);
	if (dump_table(n, errbuf, errlen) != 0) {
		ct_nl_stop(n);
		return NULL;
	}
	fd = nfct_fd(n->h);
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0 ||
	    (n->ev = event_new(base, fd, EV_READ | EV_PERSIST, on_readable, n)) == NULL ||
	    event_add(n->ev, NULL) != 0) {
		snprintf(errbuf, errlen, "conntrack netlink: cannot watch the socket");
		ct_nl_stop(n);
		return NULL;
	}
	return n;
}

void ct_nl_stop(struct sw_ct_nl *n)
{
	if (n == NULL)
		return;
	if (n->ev != NULL)
		event_free(n->ev);
	if (n->h != NULL)
		nfct_close(n->h);
	free(n);
}

#else /* !SW_HAVE_NFCT */

struct sw_ct_nl *ct_nl_start(struct event_base *base, struct sw_conntrack *ct,
    char *errbuf, size_t errlen)
{
	(void)base;
	(void)ct;
	snprintf(errbuf, errlen, "live conntrack needs libnetfilter-conntrack, which this build "
	    "lacks (install libnetfilter-conntrack-dev and re-run configure), or give "
	    "--conntrack=FILE");
	return NULL;
}

void ct_nl_stop(struct sw_ct_nl *n)
{
	(void)n;
}

#endif
