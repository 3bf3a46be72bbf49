/* export-tmpl.h: the flow record exported over IPFIX and NetFlow v9, and
 * the templates that describe it.
 *
 * One table (export-tmpl.c) lists every field once with its IPFIX
 * information element, its NetFlow v9 field type and its lengths; the
 * IPv4 and IPv6 templates of both protocols are cut from it, and the same
 * code encodes a record for either. README "Flow export" prints the table.
 *
 * A record is one direction of a flow (uniflow, RFC 7011): the initiator's
 * packets in one record, the responder's in another, as NetFlow v9 and
 * most collectors (nfdump, pmacct) count them. */
#ifndef SW_EXPORT_TMPL_H
#define SW_EXPORT_TMPL_H

#include <stddef.h>
#include <stdint.h>

#define XT_IPFIX 10
#define XT_V9    9

#define XT_TID_V4 256          /* template ids */
#define XT_TID_V6 257

#define XT_VARLEN 0xffff       /* IPFIX variable-length field */
#define XT_ENT_BASE 100        /* our enterprise elements start here */

/* flowEndReason (RFC 7011 / IANA) */
#define XT_END_IDLE     1
#define XT_END_ACTIVE   2
#define XT_END_DETECTED 3
#define XT_END_FORCED   4
#define XT_END_RESOURCE 5

/* The text fields, in template order. */
enum sw_xs {
	XS_APP_NAME, XS_POOL, XS_WALLET, XS_WORKER, XS_AGENT, XS_ALGO, XS_DIALECT,
	XS_COIN, XS_POD_NAME, XS_NAMESPACE, XS_NODE, XS_COMMUNITY_ID, XS_COUNT
};

struct sw_xstr {
	const char *s;             /* NULL or "": empty (unknown) */
	size_t len;
};

/* detectionFlags bits (README "Flow export") */
#define XF_ALERT_SHIFT   0     /* bits 0-7: alert rules fired (flow.alerted) */
#define XF_EV_SHIFT      8     /* bits 8-15: pool evidence (FLOW_EV_*) */
#define XF_STRATUM       0x10000 /* a Stratum session was proven */
#define XF_WALLET_VALID  0x20000 /* its wallet passed the checksum */
#define XF_POD           0x40000 /* attributed to a pod */

struct sw_xrec {
	uint8_t ip_version;        /* 4 or 6 */
	uint8_t proto;
	uint8_t tcp_flags;         /* OR of this direction's flags */
	uint8_t end_reason;        /* XT_END_* */
	uint8_t src[16], dst[16];  /* this direction's sender first */
	uint16_t sport, dport;
	uint16_t icmp;             /* ICMP/ICMPv6: type * 256 + code; else 0 */
	uint64_t start_ms, end_ms; /* absolute, ms since the epoch */
	uint64_t octets, packets;  /* since the previous record of this direction */
	uint16_t app_id;           /* nDPI protocol id; 0 = unknown */
	uint32_t flags;            /* XF_* */
	uint64_t submits;          /* shares submitted, session total */
	uint8_t pod_addr[16];      /* zero: no pod */
	struct sw_xstr str[XS_COUNT];
};

/* Bytes of a template set holding both templates (header included). */
size_t xtmpl_set_len(int version);
/* Write the template set (IPv4 and IPv6 templates) at out; returns its
 * length (xtmpl_set_len). ent = the enterprise number of our elements.
 * *nrec += the template records written (v9's header count). */
size_t xtmpl_set_write(int version, uint32_t ent, uint8_t *out, unsigned *nrec);

/* Length of r's data record (strings as r holds them). */
size_t xtmpl_rec_len(int version, const struct sw_xrec *r);
/* Encode r at out (xtmpl_rec_len bytes). boot_ms: v9's sysUptime origin. */
size_t xtmpl_rec_write(int version, const struct sw_xrec *r, uint64_t boot_ms, uint8_t *out);

/* The template id of r. */
static inline uint16_t xtmpl_id(const struct sw_xrec *r)
{
	return r->ip_version == 6 ? XT_TID_V6 : XT_TID_V4;
}

#endif
