/* kubeapi.c: list and watch pods from the Kubernetes API (kubeapi.h).
 *
 * One HTTPS connection per request (Connection: close): a list page, or a
 * watch stream. The states:
 *
 *   LIST (page, page, ...) --last page--> WATCH --normal end--> WATCH
 *     ^                                    |
 *     +------ 410 Gone (status/ERROR) -----+
 *   any failure: close, wait (backoff), then WATCH from the last
 *   resourceVersion if a list completed, else LIST from the start.
 *
 * The response bytes go through kubeapi-http.c (HTTP framing, line
 * splitting); each list page is parsed whole (its size is capped), each
 * watch line is one event. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/dns.h>
#include <event2/event.h>

#include "kube-tls.h"
#include "kubeapi-conf.h"
#include "kubeapi-http.h"
#include "kubeapi.h"
#include "sw_err.h"
#include "sw_pods.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "dev"
#endif

#define KUBE_ERRBODY_MAX 1024           /* body of a non-200 answer kept for its message */
#define KUBE_ONCE_ATTEMPTS 3            /* offline: failures before giving up */

enum kube_req { REQ_NONE, REQ_LIST, REQ_WATCH };

struct sw_kubeapi {
	struct event_base *base;
	struct evdns_base *dns;         /* only for a host name */
	const struct kube_tls *tls;     /* OpenSSL, loaded for the watcher */
	SSL_CTX *ctx;
	struct kube_endpoint ep;
	char *token_file;
	char *node;                     /* NULL: all nodes */
	char *token;
	size_t max_line, max_body;
	unsigned watch_timeout_s, backoff_min_ms;

	struct sw_pod_index *idx;
	struct sw_counters_kubeapi own, *c;

	/* the request in flight: a TCP connection (tcp) until it is up, then
	 * TLS over it (bev, which owns it) */
	struct bufferevent *tcp, *bev;
	char target[4096];              /* the GET target, sent once TLS is up */
	unsigned gen;                   /* bumped on each close: stale callbacks stop */
	enum kube_req req;
	struct kube_http http;
	struct kube_lines lines;
	int status;
	char *body;                     /* list page */
	size_t body_len, body_cap;
	char errbody[KUBE_ERRBODY_MAX];
	size_t errbody_len;
	int got_event;                  /* this watch delivered a line */
	uint64_t opened_usec;           /* when this request was sent */
	int connected;                  /* TCP and TLS handshakes done */

	/* list/watch progress */
	char *rv;                       /* resourceVersion to watch from; NULL: list first */
	char *cont;                     /* continue token of the list in progress */
	unsigned page_limit;
	int listed_once;                /* a complete list went into the index */
	int relisting;                  /* pods_relist_begin was called */
	int retried_401;

	/* failure handling */
	struct event *retry_ev, *token_ev;
	enum kube_req next;             /* what the retry timer starts */
	unsigned failures;              /* consecutive; resets on progress */
	uint32_t rng;                   /* jitter: seeded per process, so sensors differ */
	char last_err[512];             /* logged failure, "" when healthy */
	int logged_reject;

	/* offline list-once */
	int once, once_done;
};

static void start_list(struct sw_kubeapi *k);
static void start_watch(struct sw_kubeapi *k);
static int on_status(void *arg, int status);
static int on_body(void *arg, const char *p, size_t n);
static int on_done(void *arg);

static uint64_t wall_usec(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
}

static char *xstrdup(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

struct sw_kubeapi *kubeapi_new(struct event_base *base, const struct sw_kubeapi_opts *o,
    struct sw_pod_index *idx, char *errbuf, size_t errlen)
{
	struct sw_kubeapi *k = calloc(1, sizeof(*k));
	char tokpath[512], capath[512], err[600];

	if (k == NULL) {
		snprintf(errbuf, errlen, "out of memory");
		return NULL;
	}
	k->base = base;
	k->idx = idx;
	k->c = &k->own;
	k->max_line = o->max_line != 0 ? o->max_line : 4u << 20;
	k->max_body = o->max_body != 0 ? o->max_body : 64u << 20;
	k->watch_timeout_s = o->watch_timeout_s != 0 ? o->watch_timeout_s : KUBE_WATCH_TIMEOUT_S;
	k->backoff_min_ms = o->backoff_min_ms != 0 ? o->backoff_min_ms : KUBE_BACKOFF_MIN_MS;
	k->page_limit = KUBE_LIST_PAGE;
	k->rng = (uint32_t)(wall_usec() ^ (uint64_t)getpid() << 12) | 1;
	kube_lines_init(&k->lines, k->max_line);
	if (kube_endpoint_parse(&k->ep, o->url, errbuf, errlen) != 0)
		goto fail;
	snprintf(tokpath, sizeof(tokpath), "%s", o->token_file != NULL ? o->token_file :
	    KUBE_SA_DIR "/token");
	snprintf(capath, sizeof(capath), "%s", o->ca_file != NULL ? o->ca_file :
	    KUBE_SA_DIR "/ca.crt");
	k->token_file = strdup(tokpath);
	k->node = xstrdup(o->node_name);
	if (k->token_file == NULL || (o->node_name != NULL && k->node == NULL)) {
		snprintf(errbuf, errlen, "out of memory");
		goto fail;
	}
	if ((k->token = kube_token_read(tokpath, err, sizeof(err))) == NULL) {
		snprintf(errbuf, errlen, "--kube-api: %s (give another with --kube-token FILE)", err);
		goto fail;
	}
	if ((k->tls = kube_tls_load(err, sizeof(err))) == NULL) {
		snprintf(errbuf, errlen, "--kube-api: %s", err);
		goto fail;
	}
	if ((k->ctx = kube_tls_ctx(capath, err, sizeof(err))) == NULL) {
		snprintf(errbuf, errlen, "--kube-api: %s (give another with --kube-ca FILE)", err);
		goto fail;
	}
	if (base == NULL)
		return k;       /* kubeapi_check: options only */
	if (!k->ep.host_is_ip &&
	    (k->dns = evdns_base_new(base, EVDNS_BASE_INITIALIZE_NAMESERVERS)) == NULL) {
		snprintf(errbuf, errlen, "--kube-api: no DNS resolver for %s (/etc/resolv.conf)", k->ep.host);
		goto fail;
	}
	return k;
fail:
	kubeapi_free(k);
	return NULL;
}

int kubeapi_check(const struct sw_kubeapi_opts *o, char *errbuf, size_t errlen)
{
	struct sw_kubeapi *k = kubeapi_new(NULL, o, NULL, errbuf, errlen);

	if (k == NULL)
		return SW_ERR_USAGE;
	kubeapi_free(k);
	return 0;
}

void kubeapi_set_counters(struct sw_kubeapi *k, struct sw_counters_kubeapi *c)
{
	if (c == NULL || c == k->c)
		return;
#define SW_COUNTER(field, name) c->field += k->c->field;
#include "counters/kubeapi.def"
#undef SW_COUNTER
	k->c = c;
}

const struct sw_counters_kubeapi *kubeapi_counters(const struct sw_kubeapi *k)
{
	return k->c;
}

/* ---- connection ---- */

static void conn_close(struct sw_kubeapi *k)
{
	if (k->bev != NULL)
		bufferevent_free(k->bev);
	else if (k->tcp != NULL)
		bufferevent_free(k->tcp);
	k->bev = NULL;
	k->tcp = NULL;
	k->req = REQ_NONE;
	k->gen++;
}

/* The log line of a failure, once per change of what fails. */
static void note_failure(struct sw_kubeapi *k, const char *msg)
{
	if (strcmp(msg, k->last_err) == 0)
		return;
	snprintf(k->last_err, sizeof(k->last_err), "%s", msg);
	if (!k->once)
		fprintf(stderr, "stratumwatch: kube-api: %s (retrying with backoff; said again "
		    "only if the failure changes)\n", msg);
}

static void note_progress(struct sw_kubeapi *k, const char *what)
{
	k->failures = 0;
	if (k->last_err[0] != '\0') {
		if (!k->once)
			fprintf(stderr, "stratumwatch: kube-api: recovered, %s\n", what);
		k->last_err[0] = '\0';
	}
}

/* Exponential backoff with jitter: a delay drawn from [d/2, d], d doubling
 * per consecutive failure from backoff_min_ms up to KUBE_BACKOFF_MAX_MS, so
 * many sensors restarting with the API server do not retry in step. */
static unsigned backoff_ms(struct sw_kubeapi *k)
{
	unsigned d = k->backoff_min_ms, i;

	for (i = 1; i < k->failures && d < KUBE_BACKOFF_MAX_MS; i++)
		d *= 2;
	if (d > KUBE_BACKOFF_MAX_MS)
		d = KUBE_BACKOFF_MAX_MS;
	/* xorshift32: a private generator, random() may be seeded elsewhere */
	k->rng ^= k->rng << 13;
	k->rng ^= k->rng >> 17;
	k->rng ^= k->rng << 5;
	return d / 2 + k->rng % (d / 2 + 1);
}

static void schedule(struct sw_kubeapi *k, enum kube_req what, unsigned ms)
{
	struct timeval tv = { (time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000 };

	k->next = what;
	evtimer_add(k->retry_ev, &tv);
}

/* Close, log (once per kind), and retry after the backoff: a watch from the
 * last resourceVersion when a list completed, else the list from the start. */
static void kube_fail(struct sw_kubeapi *k, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	conn_close(k);
	k->c->errors++;
	k->failures++;
	note_failure(k, msg);
	if (k->once && k->failures >= KUBE_ONCE_ATTEMPTS) {
		event_base_loopbreak(k->base);
		return;
	}
	k->c->reconnects++;
	schedule(k, k->rv != NULL ? REQ_WATCH : REQ_LIST, backoff_ms(k));
}

/* Re-read the token file; returns 1 if the token changed. A file that no
 * longer reads keeps the old token (logged as a failure state). */
static int reload_token(struct sw_kubeapi *k)
{
	char err[600];
	char *t;
	int changed;

	k->c->token_reloads++;
	if ((t = kube_token_read(k->token_file, err, sizeof(err))) == NULL) {
		note_failure(k, err);
		return 0;
	}
	changed = strcmp(t, k->token) != 0;
	free(k->token);
	k->token = t;
	return changed;
}

static void token_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)reload_token(arg);
}

static void retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sw_kubeapi *k = arg;

	(void)fd;
	(void)what;
	if (k->next == REQ_WATCH)
		start_watch(k);
	else
		start_list(k);
}

static void read_cb(struct bufferevent *bev, void *arg);
static void event_cb(struct bufferevent *bev, short what, void *arg);

static void tcp_event_cb(struct bufferevent *bev, short what, void *arg);

/* Connect to the API server; the request goes once TLS is up (tls_start). */
static void conn_open(struct sw_kubeapi *k, enum kube_req req, const char *target)
{
	struct timeval ct = { 30, 0 };

	conn_close(k);
	snprintf(k->target, sizeof(k->target), "%s", target);
	k->req = req;
	k->opened_usec = wall_usec();
	k->tcp = bufferevent_socket_new(k->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (k->tcp == NULL) {
		kube_fail(k, "out of memory (connection)");
		return;
	}
	bufferevent_setcb(k->tcp, NULL, NULL, tcp_event_cb, k);
	bufferevent_set_timeouts(k->tcp, &ct, &ct);
	if (bufferevent_socket_connect_hostname(k->tcp, k->dns, AF_UNSPEC, k->ep.host,
	    (int)k->ep.port) != 0)
		kube_fail(k, "%s: cannot start connecting", k->ep.hosthdr);
}

/* TCP is up: TLS over it, checking the server's certificate against the CA
 * and the URL's host, then the request. */
static void tls_start(struct sw_kubeapi *k)
{
	struct kube_http_cb cb = { on_status, on_body, on_done, k };
	struct timeval rt = { k->req == REQ_WATCH ? (time_t)k->watch_timeout_s + 60 : 60, 0 };
	SSL *ssl;

	if ((ssl = k->tls->SSL_new(k->ctx)) == NULL) {
		kube_fail(k, "out of memory (TLS)");
		return;
	}
	/* the name (or address) in the URL must be in the certificate */
	if (k->ep.host_is_ip) {
		k->tls->X509_VERIFY_PARAM_set1_ip_asc(k->tls->SSL_get0_param(ssl), k->ep.host);
	} else {
		/* SSL_set_tlsext_host_name, a macro over SSL_ctrl */
		k->tls->SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
		    k->ep.host);
		k->tls->SSL_set1_host(ssl, k->ep.host);
	}
	/* the connect timeout must not stay on the socket under TLS: a watch
	 * is quiet for minutes; the TLS bufferevent has its own timeouts */
	bufferevent_set_timeouts(k->tcp, NULL, NULL);
	bufferevent_setcb(k->tcp, NULL, NULL, NULL, NULL);
	k->bev = k->tls->bufferevent_openssl_filter_new(k->base, k->tcp, ssl,
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	if (k->bev == NULL) {
		k->tls->SSL_free(ssl);
		kube_fail(k, "out of memory (TLS connection)");
		return;
	}
	k->tcp = NULL;          /* the filter owns it now */
	/* the HTTP framing says whether a response was complete */
	k->tls->bufferevent_openssl_set_allow_dirty_shutdown(k->bev, 1);
	bufferevent_setcb(k->bev, read_cb, NULL, event_cb, k);
	bufferevent_set_timeouts(k->bev, &rt, &rt);
	bufferevent_enable(k->bev, EV_READ | EV_WRITE);
	k->status = 0;
	k->body_len = 0;
	k->errbody_len = 0;
	k->got_event = 0;
	k->connected = 0;
	kube_lines_reset(&k->lines);
	kube_http_reset(&k->http, &cb);
	evbuffer_add_printf(bufferevent_get_output(k->bev), "GET %s HTTP/1.1\r\nHost: %s\r\n"
	    "Authorization: Bearer %s\r\nAccept: application/json\r\n"
	    "User-Agent: stratumwatch/" PACKAGE_VERSION "\r\nConnection: close\r\n\r\n",
	    k->target, k->ep.hosthdr, k->token);
}

static void tcp_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct sw_kubeapi *k = arg;
	int dnserr;

	if (what & BEV_EVENT_CONNECTED) {
		tls_start(k);
		return;
	}
	if ((dnserr = bufferevent_socket_get_dns_error(bev)) != 0)
		kube_fail(k, "%s: cannot resolve: %s", k->ep.hosthdr, evutil_gai_strerror(dnserr));
	else if (what & BEV_EVENT_TIMEOUT)
		kube_fail(k, "%s: connect timed out", k->ep.hosthdr);
	else
		kube_fail(k, "%s: %s", k->ep.hosthdr,
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
}

static void start_list(struct sw_kubeapi *k)
{
	char target[4096], enc[2048], sel[600];

	if (k->cont == NULL) {
		k->c->lists++;
		if (k->listed_once) {
			pods_relist_begin(k->idx);
			k->relisting = 1;
		}
	}
	snprintf(target, sizeof(target), "%s/api/v1/pods?limit=%u", k->ep.prefix, k->page_limit);
	if (k->cont != NULL) {
		kube_url_encode(enc, sizeof(enc), k->cont);
		snprintf(target + strlen(target), sizeof(target) - strlen(target), "&continue=%s", enc);
	}
	if (k->node != NULL) {
		snprintf(sel, sizeof(sel), "spec.nodeName=%s", k->node);
		kube_url_encode(enc, sizeof(enc), sel);
		snprintf(target + strlen(target), sizeof(target) - strlen(target),
		    "&fieldSelector=%s", enc);
	}
	conn_open(k, REQ_LIST, target);
}

static void start_watch(struct sw_kubeapi *k)
{
	char target[4096], enc[600], sel[600];

	if (k->rv == NULL) {
		start_list(k);
		return;
	}
	kube_url_encode(enc, sizeof(enc), k->rv);
	snprintf(target, sizeof(target), "%s/api/v1/pods?watch=1&allowWatchBookmarks=true"
	    "&resourceVersion=%s&timeoutSeconds=%u", k->ep.prefix, enc, k->watch_timeout_s);
	if (k->node != NULL) {
		snprintf(sel, sizeof(sel), "spec.nodeName=%s", k->node);
		kube_url_encode(enc, sizeof(enc), sel);
		snprintf(target + strlen(target), sizeof(target) - strlen(target),
		    "&fieldSelector=%s", enc);
	}
	conn_open(k, REQ_WATCH, target);
}

/* 410 Gone: what we hold is too old; list again from the start. */
static void relist(struct sw_kubeapi *k)
{
	conn_close(k);
	k->c->relists++;
	free(k->rv);
	free(k->cont);
	k->rv = NULL;
	k->cont = NULL;
	start_list(k);
}

static int set_rv(struct sw_kubeapi *k, const cJSON *obj)
{
	const cJSON *md = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
	const cJSON *rv = cJSON_GetObjectItemCaseSensitive(md, "resourceVersion");
	char *s;

	if (!cJSON_IsString(rv) || rv->valuestring[0] == '\0' || strlen(rv->valuestring) > 256)
		return -1;
	if ((s = strdup(rv->valuestring)) == NULL)
		return -1;
	free(k->rv);
	k->rv = s;
	return 0;
}

/* ---- responses ---- */

/* A list page is complete in k->body. */
static void list_page_done(struct sw_kubeapi *k)
{
	char err[256];
	const cJSON *items, *it, *md, *cont;
	cJSON *doc;
	uint64_t now = wall_usec();
	size_t ended;

	doc = cJSON_ParseWithLength(k->body, k->body_len);
	if (doc == NULL || !cJSON_IsObject(doc)) {
		cJSON_Delete(doc);
		kube_fail(k, "a list page that is not JSON");
		return;
	}
	items = cJSON_GetObjectItemCaseSensitive(doc, "items");
	md = cJSON_GetObjectItemCaseSensitive(doc, "metadata");
	if (!cJSON_IsArray(items) && !cJSON_IsNull(items) && items != NULL) {
		cJSON_Delete(doc);
		kube_fail(k, "a list page without an items array");
		return;
	}
	k->c->list_pages++;
	cJSON_ArrayForEach(it, items) {
		if (pods_apply(k->idx, it, POD_ADDED, now, err, sizeof(err)) != 0) {
			k->c->events_rejected++;
			if (!k->logged_reject++)
				fprintf(stderr, "stratumwatch: kube-api: a pod not indexed: %s (further "
				    "ones counted in kube_api.events_rejected)\n", err);
		}
	}
	cont = cJSON_GetObjectItemCaseSensitive(md, "continue");
	free(k->cont);
	k->cont = NULL;
	if (cJSON_IsString(cont) && cont->valuestring[0] != '\0') {
		if (strlen(cont->valuestring) > 1024 || (k->cont = strdup(cont->valuestring)) == NULL) {
			cJSON_Delete(doc);
			kube_fail(k, "a list continue token over 1 KiB");
			return;
		}
		cJSON_Delete(doc);
		conn_close(k);
		start_list(k);
		return;
	}
	if (set_rv(k, doc) != 0) {
		cJSON_Delete(doc);
		kube_fail(k, "a list without metadata.resourceVersion");
		return;
	}
	cJSON_Delete(doc);
	conn_close(k);
	/* a list is rare: do not keep its largest page's buffer meanwhile */
	free(k->body);
	k->body = NULL;
	k->body_cap = 0;
	if (k->relisting) {
		ended = pods_relist_end(k->idx, now);
		(void)ended;
		k->relisting = 0;
	}
	k->listed_once = 1;
	note_progress(k, "listing pods");
	if (k->once) {
		k->once_done = 1;
		event_base_loopbreak(k->base);
		return;
	}
	start_watch(k);
}

/* One watch event line. Returns nonzero when the connection was closed. */
static int watch_line(void *arg, char *line, size_t len)
{
	struct sw_kubeapi *k = arg;
	const cJSON *type, *obj, *code;
	enum sw_pod_event ev;
	char err[256];
	cJSON *doc;

	doc = cJSON_ParseWithLength(line, len);
	type = cJSON_GetObjectItemCaseSensitive(doc, "type");
	obj = cJSON_GetObjectItemCaseSensitive(doc, "object");
	if (!cJSON_IsString(type) || !cJSON_IsObject(obj)) {
		cJSON_Delete(doc);
		/* the framing is lost: resume from the last resourceVersion */
		kube_fail(k, "a watch line that is not a watch event");
		return 1;
	}
	k->got_event = 1;
	if (strcmp(type->valuestring, "BOOKMARK") == 0) {
		k->c->bookmarks++;
		(void)set_rv(k, obj);
		cJSON_Delete(doc);
		return 0;
	}
	if (strcmp(type->valuestring, "ERROR") == 0) {
		code = cJSON_GetObjectItemCaseSensitive(obj, "code");
		if (cJSON_IsNumber(code) && code->valueint == 410) {
			cJSON_Delete(doc);
			k->c->gone++;
			relist(k);
			return 1;
		}
		cJSON_Delete(doc);
		kube_fail(k, "watch ERROR event, code %d", cJSON_IsNumber(code) ? code->valueint : 0);
		return 1;
	}
	if (strcmp(type->valuestring, "ADDED") == 0)
		ev = POD_ADDED;
	else if (strcmp(type->valuestring, "MODIFIED") == 0)
		ev = POD_MODIFIED;
	else if (strcmp(type->valuestring, "DELETED") == 0)
		ev = POD_DELETED;
	else {
		cJSON_Delete(doc);
		k->c->events_rejected++;
		return 0;
	}
	k->c->events++;
	if (pods_apply(k->idx, obj, ev, wall_usec(), err, sizeof(err)) != 0) {
		k->c->events_rejected++;
		if (!k->logged_reject++)
			fprintf(stderr, "stratumwatch: kube-api: a pod event not indexed: %s (further "
			    "ones counted in kube_api.events_rejected)\n", err);
	}
	(void)set_rv(k, obj);
	cJSON_Delete(doc);
	if (k->failures > 0)
		note_progress(k, "watching pods");
	return 0;
}

/* A watch event over kube_max_line: it is lost, so the index may be
 * wrong; relist (policy in sw_limits.h). */
static int watch_overflow(void *arg)
{
	struct sw_kubeapi *k = arg;

	k->c->lines_capped++;
	note_failure(k, "a watch event over kube_max_line: relisting");
	relist(k);
	return 1;
}

static int on_status(void *arg, int status)
{
	struct sw_kubeapi *k = arg;

	k->status = status;
	if (status == 401) {
		k->c->unauthorized++;
		if (reload_token(k) && !k->retried_401) {
			/* the token rotated: retry at once with the new one */
			k->retried_401 = 1;
			if (k->req == REQ_WATCH)
				start_watch(k);
			else
				start_list(k);
			return 1;
		}
	} else if (status == 410) {
		k->c->gone++;
		relist(k);
		return 1;
	}
	if (status == 200) {
		k->retried_401 = 0;
		if (k->req == REQ_WATCH)
			k->c->watches++;
	}
	return 0;
}

static int on_body(void *arg, const char *p, size_t n)
{
	static const struct kube_lines_cb lcb_tmpl = { watch_line, watch_overflow, NULL };
	struct sw_kubeapi *k = arg;
	struct kube_lines_cb lcb = lcb_tmpl;
	size_t room, ncap;
	char *nb;
	int r;

	if (k->status != 200) {
		room = sizeof(k->errbody) - 1 - k->errbody_len;
		n = n < room ? n : room;
		memcpy(k->errbody + k->errbody_len, p, n);
		k->errbody_len += n;
		return 0;
	}
	if (k->req == REQ_WATCH) {
		lcb.arg = k;
		r = kube_lines_feed(&k->lines, p, n, &lcb);
		if (r < 0) {
			kube_fail(k, "out of memory (watch line)");
			return 1;
		}
		return r;
	}
	if (k->body_len + n > k->max_body) {
		/* policy: the page is dropped, the list restarts with pages half
		 * as long (down to one pod) */
		k->c->bodies_capped++;
		if (k->page_limit > 1)
			k->page_limit /= 2;
		free(k->cont);
		k->cont = NULL;
		kube_fail(k, "a list page over kube_max_body: listing again with smaller pages");
		return 1;
	}
	if (k->body_len + n + 1 > k->body_cap) {
		ncap = k->body_cap != 0 ? k->body_cap : 65536;
		while (ncap < k->body_len + n + 1)
			ncap *= 2;
		if ((nb = realloc(k->body, ncap)) == NULL) {
			kube_fail(k, "out of memory (list page)");
			return 1;
		}
		k->body = nb;
		k->body_cap = ncap;
	}
	memcpy(k->body + k->body_len, p, n);
	k->body_len += n;
	return 0;
}

/* The message of a non-200 answer: its Status object's message. */
static void fail_status(struct sw_kubeapi *k)
{
	const cJSON *m;
	cJSON *doc;

	k->errbody[k->errbody_len] = '\0';
	doc = cJSON_Parse(k->errbody);
	m = cJSON_GetObjectItemCaseSensitive(doc, "message");
	if (cJSON_IsString(m))
		kube_fail(k, "HTTP %d from the API server: %.300s", k->status, m->valuestring);
	else
		kube_fail(k, "HTTP %d from the API server", k->status);
	cJSON_Delete(doc);
}

static int on_done(void *arg)
{
	struct sw_kubeapi *k = arg;

	if (k->status != 200) {
		fail_status(k);
		return 1;
	}
	if (k->req == REQ_LIST) {
		list_page_done(k);
		return 1;
	}
	/* the watch ended as asked (timeoutSeconds): watch again at once,
	 * unless it ended at once with nothing (a proxy or a server that
	 * closes every watch): then back off, or we would loop on connects */
	if (kube_lines_pending(&k->lines) > 0)
		k->c->partial_lines_dropped++;
	if (!k->got_event && wall_usec() - k->opened_usec < 1000000) {
		kube_fail(k, "the watch ended at once, without an event");
		return 1;
	}
	if (k->got_event)
		note_progress(k, "watching pods");
	conn_close(k);
	start_watch(k);
	return 1;
}

static void read_cb(struct bufferevent *bev, void *arg)
{
	struct sw_kubeapi *k = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	unsigned gen = k->gen;
	char buf[16384];
	int n, r;

	while (k->gen == gen && (n = evbuffer_remove(in, buf, sizeof(buf))) > 0) {
		r = kube_http_feed(&k->http, buf, (size_t)n);
		if (r < 0 && k->gen == gen)
			kube_fail(k, "a bad HTTP response: %s", k->http.error);
		if (r != 0)
			return;
	}
}

static void event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct sw_kubeapi *k = arg;
	char detail[256] = "";
	unsigned long e;
	SSL *ssl;
	long vr;

	if (what & BEV_EVENT_CONNECTED) {
		k->connected = 1;
		return;
	}
	if ((what & BEV_EVENT_EOF) && k->connected) {
		if (kube_http_eof(&k->http) == 0)
			return;         /* a close-delimited body ended; on_done ran */
		if (k->req == REQ_WATCH && k->status == 200) {
			/* a cut stream: what was half-received is dropped and the
			 * watch resumes from the last resourceVersion */
			if (kube_lines_pending(&k->lines) > 0)
				k->c->partial_lines_dropped++;
			kube_fail(k, "the watch stream was cut");
		} else if (k->status != 0 && k->status != 200) {
			fail_status(k);
		} else {
			kube_fail(k, "%s: %s", k->ep.hosthdr, k->http.error != NULL ? k->http.error :
			    "the connection closed");
		}
		return;
	}
	if (what & BEV_EVENT_TIMEOUT) {
		kube_fail(k, "%s: no data for %s", k->ep.hosthdr, k->req == REQ_WATCH ?
		    "the watch timeout plus 60 s" : "60 s");
		return;
	}
	/* an error, or a close before the TLS handshake completed (a
	 * certificate check fails this way too) */
	ssl = k->tls->bufferevent_openssl_get_ssl(bev);
	vr = ssl != NULL ? k->tls->SSL_get_verify_result(ssl) : X509_V_OK;
	if (vr != X509_V_OK) {
		snprintf(detail, sizeof(detail), "server certificate not accepted: %s",
		    k->tls->X509_verify_cert_error_string(vr));
	} else if ((e = k->tls->bufferevent_get_openssl_error(bev)) != 0 &&
	    k->tls->ERR_reason_error_string(e) != NULL) {
		snprintf(detail, sizeof(detail), "TLS: %s", k->tls->ERR_reason_error_string(e));
	} else if (!k->connected) {
		snprintf(detail, sizeof(detail), "the connection closed during the TLS handshake");
	} else {
		snprintf(detail, sizeof(detail), "%s",
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
	}
	while (k->tls->bufferevent_get_openssl_error(bev) != 0)
		;
	kube_fail(k, "%s: %s", k->ep.hosthdr, detail);
}

void kubeapi_start(struct sw_kubeapi *k)
{
	struct timeval tv = { KUBE_TOKEN_REREAD_S, 0 };

	if (k->retry_ev == NULL)
		k->retry_ev = evtimer_new(k->base, retry_cb, k);
	if (k->token_ev == NULL && !k->once) {
		k->token_ev = event_new(k->base, -1, EV_PERSIST, token_timer_cb, k);
		if (k->token_ev != NULL)
			event_add(k->token_ev, &tv);
	}
	if (k->retry_ev == NULL) {
		note_failure(k, "out of memory (timer)");
		return;
	}
	start_list(k);
}

void kubeapi_free(struct sw_kubeapi *k)
{
	if (k == NULL)
		return;
	conn_close(k);
	if (k->retry_ev != NULL)
		event_free(k->retry_ev);
	if (k->token_ev != NULL)
		event_free(k->token_ev);
	if (k->dns != NULL)
		evdns_base_free(k->dns, 0);
	if (k->ctx != NULL)
		k->tls->SSL_CTX_free(k->ctx);
	kube_lines_free(&k->lines);
	free(k->body);
	free(k->rv);
	free(k->cont);
	free(k->token);
	free(k->token_file);
	free(k->node);
	free(k);
}

static void once_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sw_kubeapi *k = arg;

	(void)fd;
	(void)what;
	if (k->last_err[0] == '\0')
		snprintf(k->last_err, sizeof(k->last_err), "no answer from %s", k->ep.hosthdr);
	event_base_loopbreak(k->base);
}

int kubeapi_list_once(const struct sw_kubeapi_opts *o, struct sw_pod_index *idx,
    unsigned timeout_s, struct sw_counters_kubeapi *c, char *errbuf, size_t errlen)
{
	struct timeval tv = { (time_t)timeout_s, 0 };
	struct event_base *base;
	struct sw_kubeapi *k;
	struct event *to;
	int rc = -1;

	if ((base = event_base_new()) == NULL) {
		snprintf(errbuf, errlen, "out of memory");
		return -1;
	}
	if ((k = kubeapi_new(base, o, idx, errbuf, errlen)) == NULL) {
		event_base_free(base);
		return -1;
	}
	k->once = 1;
	if (c != NULL)
		kubeapi_set_counters(k, c);
	to = evtimer_new(base, once_timeout_cb, k);
	if (to == NULL) {
		snprintf(errbuf, errlen, "out of memory");
		goto out;
	}
	evtimer_add(to, &tv);
	kubeapi_start(k);
	event_base_dispatch(base);
	if (k->once_done)
		rc = 0;
	else if (k->failures >= KUBE_ONCE_ATTEMPTS)
		snprintf(errbuf, errlen, "--kube-api: no pod list from %s after %d attempts: %s",
		    k->ep.hosthdr, KUBE_ONCE_ATTEMPTS, k->last_err);
	else
		snprintf(errbuf, errlen, "--kube-api: no pod list from %s within %u s: %s",
		    k->ep.hosthdr, timeout_s, k->last_err[0] != '\0' ? k->last_err : "no answer");
	event_free(to);
out:
	kubeapi_free(k);
	event_base_free(base);
	return rc;
}
