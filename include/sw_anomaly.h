/* sw_anomaly.h: how any stage reports malformed or over-limit input.
 *
 * Modules never print. They call the sink; the engine turns each report into
 * an EVE "anomaly" event (Suricata's shape: anomaly.type is "decode",
 * "stream" or "applayer"; anomaly.event a stable dotted name such as
 * "decoder.ipv4.trunc_pkt") and bounds how many one flow may produce. */
#ifndef SW_ANOMALY_H
#define SW_ANOMALY_H

#include <stdint.h>

enum sw_anomaly_type {
	SW_ANOMALY_DECODE,   /* link/IP/L4 headers */
	SW_ANOMALY_STREAM,   /* TCP reassembly */
	SW_ANOMALY_APPLAYER, /* a dissector */
};

struct sw_anomaly {
	enum sw_anomaly_type type;
	const char *event;   /* stable name, e.g. "stratum.line_too_long" */
	const char *detail;  /* human text with specifics, or NULL */
	const char *action;  /* what was done: "discarded", "dropped", ... or NULL */
	const char *app_proto; /* for applayer, the dissector's name, else NULL */
};

struct sw_anomaly_sink {
	void (*report)(void *ctx, const struct sw_anomaly *a);
	void *ctx;
};

static inline void sw_anomaly_report(const struct sw_anomaly_sink *s,
    enum sw_anomaly_type type, const char *event, const char *detail,
    const char *action, const char *app_proto)
{
	struct sw_anomaly a = { type, event, detail, action, app_proto };

	if (s != NULL && s->report != NULL)
		s->report(s->ctx, &a);
}

#endif
