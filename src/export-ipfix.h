/* export-ipfix.h: an IPFIX (RFC 7011) or NetFlow v9 (RFC 3954) exporter:
 * messages built from sw_xrec records (export-tmpl.h) and sent over UDP
 * to one collector.
 *
 * Records are packed into a message until the next one would take it past
 * the MTU (payload bytes, default 1400); the message is sent then, and on
 * xport_flush (the engine's 1-second tick and the end of input). Templates
 * lead the first message and are repeated in the first message after
 * refresh_sec seconds or refresh_msgs messages (RFC 7011 10.3.6: UDP
 * templates are resent periodically). Header sequence numbers: IPFIX
 * counts the data records sent before the message in this observation
 * domain; v9 counts export packets. Export times and v9's sysUptime are
 * the caller's clock: packet time offline (same input, same bytes), wall
 * time live. */
#ifndef SW_EXPORT_IPFIX_H
#define SW_EXPORT_IPFIX_H

#include <stddef.h>
#include <stdint.h>
#include "sw_counters.h"
#include "export-tmpl.h"

#define XPORT_MTU_MIN 576
#define XPORT_MTU_MAX 65000

struct sw_xport_cfg {
	int version;               /* XT_IPFIX or XT_V9 */
	const char *dest;          /* HOST:PORT */
	uint32_t domain;           /* observation domain id / v9 source id */
	uint32_t enterprise;       /* our elements' enterprise number */
	uint32_t mtu;              /* message bytes (UDP payload) */
	uint32_t refresh_sec;      /* template refresh by time */
	uint32_t refresh_msgs;     /* ... and by messages sent */
};

struct sw_xport;

/* Open the collector socket; NULL with a message (usage errors: syntax,
 * unknown host). */
struct sw_xport *xport_new(const struct sw_xport_cfg *cfg, struct sw_counters_export *c,
    char *errbuf, size_t errlen);
void xport_free(struct sw_xport *x);

/* v9's sysUptime origin, in ms: the first packet's time. */
void xport_set_boot(struct sw_xport *x, uint64_t boot_ms);

/* Add one record; r's strings may be shortened (counted) to fit the MTU. */
void xport_add(struct sw_xport *x, struct sw_xrec *r, uint64_t now_ms);

/* Send the message being built, if any. */
void xport_flush(struct sw_xport *x, uint64_t now_ms);

#endif
