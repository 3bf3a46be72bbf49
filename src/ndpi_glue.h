/* ndpi_glue.h: the only interface to nDPI (src/ndpi_glue.c, the
 * allocator it installs, src/ndpi-arena.c, and the two faster helpers
 * nDPI's own calls bind to, src/ndpi-override.c, are the only files that
 * include <ndpi_api.h>).
 *
 * nDPI classifies each flow from its first packets with payload
 * (limits.ndpi_max_packets of them, 255 at most), then its per-flow state
 * is freed at once. While one of our dissectors parses a flow nDPI saw
 * first, nDPI's state is kept (about 700 bytes), in case the dissector
 * gives up: a flow holds at most one, so nDPI's memory is bounded by
 * flow_max, not by the length of flows. It is the most expensive
 * thing per packet we run (some 20,000 instructions while it has not
 * decided), so it only sees flows our own dissectors do not take: not
 * while one of them is parsing the flow (engine.c), never after one
 * identified it (ndpi_glue_skip). A flow nDPI never looked at has no
 * label at all rather than "Unknown". Its verdict is recorded in flow
 * events and as context, never as the only reason for an alert. */
#ifndef SW_NDPI_GLUE_H
#define SW_NDPI_GLUE_H

#include <stddef.h>
#include "flow.h"
#include "sw_counters.h"
#include "sw_limits.h"
#include "sw_pkt.h"

struct sw_ndpi;

/* NULL with a message in errbuf if nDPI cannot be initialised. */
struct sw_ndpi *ndpi_glue_new(char *errbuf, size_t errlen);
void ndpi_glue_free(struct sw_ndpi *n);

/* Give a packet of f to nDPI while it has not decided. */
void ndpi_glue_packet(struct sw_ndpi *n, struct sw_flow *f, const struct sw_pkt *p,
    const struct sw_limits *limits, struct sw_counters_app *c);

/* One of our dissectors identified f before nDPI decided: stop asking
 * nDPI (its state is freed and the flow has no nDPI label). A label nDPI
 * already gave stays. */
void ndpi_glue_skip(struct sw_flow *f);

/* A plain HTTP request one of our dissectors read, with its Host: the flow
 * is HTTP for certain, and nDPI's label for it is taken from the Host by
 * nDPI's own host-name table (HTTP.Google, ...) rather than by running
 * every nDPI dissector on its packets. */
void ndpi_glue_http_host(struct sw_ndpi *n, struct sw_flow *f, const char *host);

/* Whether nDPI gave f a label (decided or gave up), as opposed to being
 * skipped for it. */
int ndpi_glue_has_label(const struct sw_flow *f);

/* Decide (giving up if needed) and free f's nDPI state. Idempotent. */
void ndpi_glue_flow_end(struct sw_ndpi *n, struct sw_flow *f);

/* "TLS.Google", "Unknown", ... for f's recorded verdict. */
const char *ndpi_glue_proto_name(struct sw_ndpi *n, const struct sw_flow *f, char *buf, size_t len);
/* Lower-case master protocol name ("tls", "dns"), or NULL when unknown. */
const char *ndpi_glue_app_proto(struct sw_ndpi *n, const struct sw_flow *f, char *buf, size_t len);
/* nDPI's id for a protocol name ("TLS", "Mining"; case-insensitive), 0
 * (NDPI_PROTOCOL_UNKNOWN) when nDPI has none: IPFIX applicationId. */
uint16_t ndpi_glue_proto_id(struct sw_ndpi *n, const char *name);

#endif
