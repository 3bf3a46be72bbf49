/* export-flow.h: flow records and alerts leaving for collectors: IPFIX,
 * NetFlow v9 (export-ipfix.h) and syslog (export-syslog.h).
 *
 * A flow is exported when it ends (flowEndReason: idle timeout, end
 * detected = FIN/RST closed, forced = end of input or shutdown, lack of
 * resources = evicted at flow_max) and, while it lasts, every
 * active_timeout seconds (reason "active timeout") with the packets and
 * bytes since its previous export (delta counters). The idle timeout is
 * the flow table's (limits flow_timeout_*): a flow idle that long ends and
 * is exported. Both run on the engine's clock: packet time offline, wall
 * time live (engine_tick). */
#ifndef SW_EXPORT_FLOW_H
#define SW_EXPORT_FLOW_H

#include <stddef.h>
#include <stdint.h>

struct sw_export_opts {
	const char *ipfix;          /* --ipfix HOST:PORT */
	const char *netflow9;       /* --netflow9 HOST:PORT */
	const char *syslog;         /* --syslog HOST:PORT or a unix socket path */
	uint32_t domain;            /* --export-domain: observation domain / source id */
	uint32_t enterprise;        /* --export-enterprise: our elements' PEN */
	uint32_t mtu;               /* --export-mtu: message bytes */
	uint32_t active_timeout;    /* --export-active-timeout, s; 0 = at flow end only */
	uint32_t refresh_sec;       /* --export-template-refresh SEC */
	uint32_t refresh_msgs;      /* --export-template-messages N */
};

#define SW_EXPORT_DEFAULT_ENTERPRISE 32473 /* RFC 5612's documentation PEN */
#define SW_EXPORT_DEFAULT_MTU 1400
#define SW_EXPORT_DEFAULT_ACTIVE 60
#define SW_EXPORT_DEFAULT_REFRESH_SEC 60
#define SW_EXPORT_DEFAULT_REFRESH_MSGS 100

/* The options after --ipfix, in main.c's order. */
enum sw_export_opt {
	XO_IPFIX, XO_NETFLOW9, XO_SYSLOG, XO_DOMAIN, XO_ENTERPRISE, XO_MTU,
	XO_ACTIVE_TIMEOUT, XO_REFRESH_SEC, XO_REFRESH_MSGS, XO_COUNT
};

void export_opts_default(struct sw_export_opts *o);
/* Set one option; 0, or -1 with a message naming the bad value. */
int export_opt(struct sw_export_opts *o, enum sw_export_opt which, const char *arg,
    char *errbuf, size_t errlen);
/* Any exporter asked for. */
int export_wanted(const struct sw_export_opts *o);

/* The engine side (export-flow.c includes engine-int.h). */
struct sw_engine;
struct sw_flow;
struct sw_alert;
struct sw_facts;
struct sw_export;

/* Open the sockets; NULL with a message. node_name: --node-name (may be
 * NULL; must outlive the exporter), the node of a masqueraded flow whose
 * pod is unknown, as in the k8s object. */
struct sw_export *export_new(const struct sw_export_opts *o, const char *node_name,
    struct sw_engine *e, char *errbuf, size_t errlen);
void export_free(struct sw_export *x);

/* A new flow (its first packet): the active-timeout clock starts. */
void export_flow_start(struct sw_export *x, struct sw_flow *f);
/* A flow ends (enum sw_flow_end_reason why): its last records. */
void export_flow_end(struct sw_export *x, struct sw_flow *f, int why);
/* A flow ends unexported (the exporter is already freed: engine_free):
 * only its export state is freed. */
void export_flow_forget(struct sw_flow *f);
/* The engine's tick: active timeouts, then send what is built. */
void export_tick(struct sw_export *x, uint64_t now_usec);
/* An alert, to syslog. */
void export_alert(struct sw_export *x, struct sw_flow *f, const struct sw_alert *al,
    const struct sw_facts *facts, uint64_t ts_usec);

#endif
