/* metrics.h: Prometheus /metrics and /healthz on libevent's HTTP server. */
#ifndef SW_METRICS_H
#define SW_METRICS_H

#include <stddef.h>

struct event_base;
struct sw_engine;
struct sw_metrics;

/* Check an --metrics ADDR:PORT ("127.0.0.1:9477", "[::1]:9477",
 * "localhost:9477"): numeric address, port 1-65535, and loopback unless
 * allow_remote. Fills addr (numeric) and *port. Returns 0, or -1 with a
 * message (a usage error: exit 2). */
int metrics_parse_addr(const char *spec, int allow_remote, char *addr, size_t addrlen,
    unsigned *port, char *errbuf, size_t errlen);

/* Listen on the loop. NULL with a message when the bind fails. */
struct sw_metrics *metrics_start(struct event_base *base, struct sw_engine *e,
    const char *addr, unsigned port, char *errbuf, size_t errlen);
void metrics_free(struct sw_metrics *m);

/* The exposition text (text format 0.0.4) into buf; for tests. Returns
 * bytes written or -1. */
struct evbuffer;
int metrics_render(struct sw_engine *e, struct evbuffer *out);

#endif
