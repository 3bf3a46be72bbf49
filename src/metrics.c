/* metrics.c: the sensor's Prometheus endpoint (--metrics ADDR:PORT).
 *
 *   GET /metrics  text exposition format 0.0.4 (# HELP, # TYPE, counters
 *                 named *_total, label values escaped)
 *   GET /healthz  200 "ok"
 *   other paths   404; other methods 405
 *
 * It binds to loopback only unless --metrics-allow-remote: an analysis
 * sensor reachable from the network is an attack surface (the Kubeflow
 * clusters of the brief were entered through an exposed dashboard).
 * Requests are small and bounded: 8 KiB of headers, no body, 10 s. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "engine.h"
#include "export-eve.h"
#include "metrics.h"
#include "sw_counters.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "dev"
#endif

struct sw_metrics {
	struct evhttp *http;
	struct sw_engine *e;
};

static int is_loopback(const char *addr)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (inet_pton(AF_INET, addr, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, addr, &a6) == 1) {
		if (IN6_IS_ADDR_LOOPBACK(&a6))
			return 1;
		return IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127;
	}
	return 0;
}

int metrics_parse_addr(const char *spec, int allow_remote, char *addr, size_t addrlen,
    unsigned *port, char *errbuf, size_t errlen)
{
	const char *colon, *host;
	size_t hlen;
	char *end;
	unsigned long p;
	struct in6_addr tmp;

	if (spec[0] == '[') {
		const char *rb = strchr(spec, ']');

		if (rb == NULL || rb[1] != ':')
			goto bad;
		host = spec + 1;
		hlen = (size_t)(rb - host);
		colon = rb + 1;
	} else {
		colon = strrchr(spec, ':');
		if (colon == NULL)
			goto bad;
		host = spec;
		hlen = (size_t)(colon - spec);
	}
	if (hlen == 0 || hlen >= addrlen)
		goto bad;
	memcpy(addr, host, hlen);
	addr[hlen] = '\0';
	if (strcmp(addr, "localhost") == 0)
		snprintf(addr, addrlen, "127.0.0.1");
	if (inet_pton(AF_INET, addr, &tmp) != 1 && inet_pton(AF_INET6, addr, &tmp) != 1) {
		snprintf(errbuf, errlen, "--metrics %s: '%s' is not a numeric IPv4/IPv6 address "
		    "(or localhost)", spec, addr);
		return -1;
	}
	p = strtoul(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || p == 0 || p > 65535 || colon[1] == '-' || colon[1] == '+')
		goto bad;
	*port = (unsigned)p;
	if (!allow_remote && !is_loopback(addr)) {
		snprintf(errbuf, errlen, "--metrics %s: refusing to serve metrics on a non-loopback "
		    "address; a sensor reachable from the network is an attack surface. Use "
		    "127.0.0.1 (and a port-forward or a local scraper), or add "
		    "--metrics-allow-remote if the address is protected", spec);
		return -1;
	}
	return 0;
bad:
	snprintf(errbuf, errlen, "--metrics %s: expected ADDR:PORT (127.0.0.1:9477, [::1]:9477)", spec);
	return -1;
}

/* Label values: backslash, double quote and line feed are escaped
 * (exposition format); everything else is UTF-8 as is. */
static void label_value(struct evbuffer *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			evbuffer_add(b, "\\\\", 2);
		else if (*s == '"')
			evbuffer_add(b, "\\\"", 2);
		else if (*s == '\n')
			evbuffer_add(b, "\\n", 2);
		else
			evbuffer_add(b, s, 1);
	}
}

static void family(struct evbuffer *b, const char *name, const char *type, const char *help)
{
	evbuffer_add_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void sample(struct evbuffer *b, const char *name, uint64_t v)
{
	evbuffer_add_printf(b, "%s %llu\n", name, (unsigned long long)v);
}

static void sample1(struct evbuffer *b, const char *name, const char *label, const char *value,
    uint64_t v)
{
	evbuffer_add_printf(b, "%s{%s=\"", name, label);
	label_value(b, value);
	evbuffer_add_printf(b, "\"} %llu\n", (unsigned long long)v);
}

static time_t started;

int metrics_render(struct sw_engine *e, struct evbuffer *b)
{
	const struct sw_counters *c = engine_counters(e);
	const char *name;
	uint64_t n;
	uint32_t sid;
	int i;

	family(b, "stratumwatch_build_info", "gauge", "Version of the running sensor (always 1).");
	sample1(b, "stratumwatch_build_info", "version", PACKAGE_VERSION, 1);
	family(b, "stratumwatch_start_time_seconds", "gauge", "Start time of the sensor, seconds since the epoch.");
	sample(b, "stratumwatch_start_time_seconds", (uint64_t)started);
	family(b, "stratumwatch_packets_total", "counter", "Frames captured.");
	sample(b, "stratumwatch_packets_total", c->capture.pkts);
	family(b, "stratumwatch_bytes_total", "counter", "Bytes captured (frame length on the wire).");
	sample(b, "stratumwatch_bytes_total", c->capture.bytes);
	family(b, "stratumwatch_kernel_drops_total", "counter",
	    "Frames the kernel dropped before we read them (pcap_stats ps_drop + ps_ifdrop, all interfaces).");
	sample(b, "stratumwatch_kernel_drops_total", c->capture.kernel_drops);
	family(b, "stratumwatch_flows_active", "gauge", "Flows in the flow table.");
	sample(b, "stratumwatch_flows_active", engine_flows_active(e));
	family(b, "stratumwatch_flows_total", "counter", "Flows created.");
	sample(b, "stratumwatch_flows_total", c->flow.created);
	family(b, "stratumwatch_flows_ended_total", "counter", "Flows ended, by reason.");
	sample1(b, "stratumwatch_flows_ended_total", "reason", "timeout", c->flow.ended_timeout);
	sample1(b, "stratumwatch_flows_ended_total", "reason", "closed", c->flow.ended_closed);
	sample1(b, "stratumwatch_flows_ended_total", "reason", "shutdown", c->flow.ended_eof);
	sample1(b, "stratumwatch_flows_ended_total", "reason", "memcap_evicted", c->flow.evicted);
	family(b, "stratumwatch_stratum_sessions_total", "counter", "Stratum sessions that ended, by dialect.");
	for (i = 0; engine_session_dialect(e, i, &name, &n); i++)
		sample1(b, "stratumwatch_stratum_sessions_total", "dialect", name, n);
	family(b, "stratumwatch_alerts_total", "counter", "Mining alerts raised, by signature.");
	for (i = 0; engine_alert_rule(e, i, &sid, &name, &n); i++) {
		evbuffer_add_printf(b, "stratumwatch_alerts_total{signature_id=\"%u\",signature=\"", sid);
		label_value(b, name != NULL ? name : "");
		evbuffer_add_printf(b, "\"} %llu\n", (unsigned long long)n);
	}
	family(b, "stratumwatch_memcap_hits_total", "counter",
	    "Times a memory cap was reached, by limit (stratumwatch(8), LIMITS).");
	sample1(b, "stratumwatch_memcap_hits_total", "limit", "flow_max", c->flow.evicted);
	sample1(b, "stratumwatch_memcap_hits_total", "limit", "frag_memcap", c->decode.frag_memcap);
	sample1(b, "stratumwatch_memcap_hits_total", "limit", "reasm_memcap", c->reasm.memcap);
	sample1(b, "stratumwatch_memcap_hits_total", "limit", "reasm_max_segments", c->reasm.seg_limit);
	sample1(b, "stratumwatch_memcap_hits_total", "limit", "reasm_max_unparsed", c->reasm.unparsed_overflow);
	sample1(b, "stratumwatch_memcap_hits_total", "limit", "stratum_max_line", c->stratum.line_too_long);
	sample1(b, "stratumwatch_memcap_hits_total", "limit", "stratum_max_pending", c->stratum.pending_dropped);
	sample1(b, "stratumwatch_memcap_hits_total", "limit", "anomaly_max_per_flow", c->flow.anomaly_suppressed);
	sample1(b, "stratumwatch_memcap_hits_total", "limit", "reasm_depth", c->reasm.depth_reached);
	sample1(b, "stratumwatch_memcap_hits_total", "limit", "app_memcap", c->app.memcap);
	sample1(b, "stratumwatch_memcap_hits_total", "limit", "dns_cache_max", engine_dns_cache_evicted(e));
	sample1(b, "stratumwatch_memcap_hits_total", "limit", "pod_index_max",
	    c->k8s.pod_evicted + c->k8s.pod_index_full);
	sample1(b, "stratumwatch_memcap_hits_total", "limit", "conntrack_max", c->k8s.conntrack_evicted);
	sample1(b, "stratumwatch_memcap_hits_total", "limit", "twin_copies_max", c->flow.twin_copies_evicted);
	sample1(b, "stratumwatch_memcap_hits_total", "limit", "twin_syns_max", c->flow.nat_syns_evicted);
	if (engine_kubeapi_on(e)) {
		sample1(b, "stratumwatch_memcap_hits_total", "limit", "kube_max_line", c->kubeapi.lines_capped);
		sample1(b, "stratumwatch_memcap_hits_total", "limit", "kube_max_body", c->kubeapi.bodies_capped);
	}
	family(b, "stratumwatch_alloc_failures_total", "counter",
	    "Allocations that failed (out of memory), by what went without: flow (a packet not analysed, or a flow's tunnel record), attribution (a flow's pod addresses).");
	sample1(b, "stratumwatch_alloc_failures_total", "what", "flow", c->flow.alloc_failed);
	sample1(b, "stratumwatch_alloc_failures_total", "what", "attribution", c->k8s.attr_alloc_failed);
	family(b, "stratumwatch_attribution_total", "counter",
	    "Flows attributed to a pod, by how (INTERFACE.md k8s.attribution), or unattributed.");
	sample1(b, "stratumwatch_attribution_total", "outcome", "pod-ip", c->k8s.attr_pod_ip);
	sample1(b, "stratumwatch_attribution_total", "outcome", "tunnel", c->k8s.attr_tunnel);
	sample1(b, "stratumwatch_attribution_total", "outcome", "conntrack", c->k8s.attr_conntrack);
	sample1(b, "stratumwatch_attribution_total", "outcome", "nat-twin", c->k8s.attr_nat_twin);
	sample1(b, "stratumwatch_attribution_total", "outcome", "pod-cidr", c->k8s.attr_pod_cidr);
	sample1(b, "stratumwatch_attribution_total", "outcome", "unattributed", c->k8s.unattributed);
	if (engine_kubeapi_on(e)) {
		/* the pod watcher's health: a sensor whose pod list went
		 * stale names no pods */
		family(b, "stratumwatch_kube_api_total", "counter",
		    "Kubernetes API watcher (--kube-api) activity and failures, by event.");
		/* every counter of the stats event's kube_api object, by
		 * the same list, so that a new one reaches both */
#define SW_COUNTER(field, name) \
		sample1(b, "stratumwatch_kube_api_total", "event", name, c->kubeapi.field);
#include "counters/kubeapi.def"
#undef SW_COUNTER
	}
	family(b, "stratumwatch_anomalies_total", "counter", "Malformed or over-limit input reported (anomaly events).");
	sample(b, "stratumwatch_anomalies_total", engine_anomaly_count(e));
	family(b, "stratumwatch_eve_dropped_total", "counter",
	    "EVE events lost because the unix-socket reader was away or too slow.");
	sample(b, "stratumwatch_eve_dropped_total", eve_dropped(engine_eve(e)));
	return (int)evbuffer_get_length(b);
}

static void reply(struct evhttp_request *req, int code, const char *reason, const char *ctype,
    struct evbuffer *body)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);

	evhttp_add_header(h, "Content-Type", ctype);
	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_send_reply(req, code, reason, body);
}

static void on_request(struct evhttp_request *req, void *arg)
{
	struct sw_metrics *m = arg;
	const struct evhttp_uri *u = evhttp_request_get_evhttp_uri(req);
	const char *path = u != NULL ? evhttp_uri_get_path(u) : NULL;
	struct evbuffer *b = evbuffer_new();

	if (b == NULL) {
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", "GET");
		evbuffer_add_printf(b, "method not allowed\n");
		reply(req, 405, "Method Not Allowed", "text/plain; charset=utf-8", b);
	} else if (path != NULL && strcmp(path, "/metrics") == 0) {
		if (metrics_render(m->e, b) < 0) {
			evhttp_send_error(req, HTTP_INTERNAL, NULL);
			evbuffer_free(b);
			return;
		}
		reply(req, 200, "OK", "text/plain; version=0.0.4; charset=utf-8", b);
	} else if (path != NULL && strcmp(path, "/healthz") == 0) {
		evbuffer_add_printf(b, "ok\n");
		reply(req, 200, "OK", "text/plain; charset=utf-8", b);
	} else {
		evbuffer_add_printf(b, "not found\n");
		reply(req, 404, "Not Found", "text/plain; charset=utf-8", b);
	}
	evbuffer_free(b);
}

/* Our own listening socket: evhttp_bind_socket resolves with
 * AI_ADDRCONFIG, which refuses 127.0.0.1 on a host (or network namespace)
 * whose only configured address is loopback. addr is numeric (checked). */
static int listen_on(const char *addr, unsigned port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	int fd, one = 1;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		len = sizeof(*s4);
	} else if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		len = sizeof(*s6);
	} else {
		errno = EINVAL;
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 16) != 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

struct sw_metrics *metrics_start(struct event_base *base, struct sw_engine *e,
    const char *addr, unsigned port, char *errbuf, size_t errlen)
{
	struct sw_metrics *m = calloc(1, sizeof(*m));
	int fd;

	if (m == NULL) {
		snprintf(errbuf, errlen, "out of memory");
		return NULL;
	}
	m->e = e;
	m->http = evhttp_new(base);
	if (m->http == NULL) {
		snprintf(errbuf, errlen, "--metrics: cannot create the HTTP server");
		free(m);
		return NULL;
	}
	evhttp_set_max_headers_size(m->http, 8192);
	evhttp_set_max_body_size(m->http, 0);
	evhttp_set_timeout(m->http, 10);
	/* every method reaches on_request, which answers 405 itself */
	evhttp_set_allowed_methods(m->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH |
	    EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT);
	evhttp_set_gencb(m->http, on_request, m);
	fd = listen_on(addr, port);
	if (fd < 0 || evhttp_accept_socket(m->http, fd) != 0) {
		snprintf(errbuf, errlen, "--metrics: cannot listen on %s port %u: %s", addr, port,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		evhttp_free(m->http);
		free(m);
		return NULL;
	}
	if (started == 0)
		started = time(NULL);
	return m;
}

void metrics_free(struct sw_metrics *m)
{
	if (m == NULL)
		return;
	evhttp_free(m->http);
	free(m);
}
