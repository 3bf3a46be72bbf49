/* conntrack-nl.h: live SNAT recovery, from the kernel's conntrack table over
 * netlink (libnetfilter_conntrack), feeding the SNAT table (sw_conntrack.h).
 *
 * `--conntrack` without FILE, with -i: at start the current table is dumped
 * (connections already open when the sensor starts), then NEW, UPDATE and
 * DESTROY events are read on the live loop as they come. Only TCP and UDP
 * entries whose source was translated (ct_is_snat) are kept. Event times
 * are the wall clock when the event is read: the kernel's packet timestamps
 * and these differ by the loop's latency, well inside
 * SW_CT_TIME_SLACK_USEC.
 *
 * The kernel drops events when the socket buffer is full (ENOBUFS): counted
 * in k8s.conntrack_netlink_overruns; the entries missed then are absent
 * (their flows fall back to the other attribution methods). Built only when
 * configure found libnetfilter-conntrack (Debian: libnetfilter-conntrack-dev);
 * otherwise ct_nl_start says so. Must run in the network namespace whose
 * conntrack table is wanted (the node's), as root (CAP_NET_ADMIN). */
#ifndef SW_CONNTRACK_NL_H
#define SW_CONNTRACK_NL_H

#include <stddef.h>
#include "sw_conntrack.h"

struct event_base;
struct sw_ct_nl;

/* Dump the table into ct and subscribe to its events on base; counted in
 * ct's counters (ct_counters). Returns NULL with a message (no permission,
 * no library). */
struct sw_ct_nl *ct_nl_start(struct event_base *base, struct sw_conntrack *ct,
    char *errbuf, size_t errlen);
void ct_nl_stop(struct sw_ct_nl *n);

#endif
