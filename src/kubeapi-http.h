/* kubeapi-http.h: the HTTP/1.1 response framing the Kubernetes API watcher
 * needs, as pure byte-fed state machines (no sockets, so tests feed them
 * any split of the input).
 *
 *   kube_http_reset(h)           before each response
 *   kube_http_feed(h, p, n)      bytes as they arrive; calls on_status once,
 *                                on_body for each body piece, on_done at the
 *                                end of the body
 *   kube_http_eof(h)             the connection closed: a close-delimited
 *                                body ends here, any other body was cut
 *
 * Bodies: chunked (a watch stream), Content-Length (a list page) or, for a
 * response with neither, up to the close. Status and header lines are capped
 * at KUBE_HTTP_LINE_MAX; chunk extensions and trailers are skipped.
 *
 * kube_lines splits a body into LF-terminated lines (the watch stream's
 * JSON events) with a cap: a longer line is discarded to its LF and
 * reported, so the caller can count it and resynchronise. */
#ifndef SW_KUBEAPI_HTTP_H
#define SW_KUBEAPI_HTTP_H

#include <stddef.h>
#include <stdint.h>

#define KUBE_HTTP_LINE_MAX 8192      /* status line, one header, a chunk-size line */

/* Callbacks return 0 to go on, nonzero to stop feeding (the caller is
 * closing the connection); kube_http_feed then returns that value. */
struct kube_http_cb {
	int (*on_status)(void *arg, int status);
	int (*on_body)(void *arg, const char *p, size_t n);
	int (*on_done)(void *arg);
	void *arg;
};

enum kube_http_state {
	KH_STATUS, KH_HEADER, KH_CHUNK_SIZE, KH_CHUNK_DATA, KH_CHUNK_CRLF,
	KH_TRAILER, KH_LENGTH, KH_CLOSE, KH_DONE, KH_ERROR,
};

struct kube_http {
	enum kube_http_state st;
	struct kube_http_cb cb;
	char line[KUBE_HTTP_LINE_MAX];
	size_t linelen;
	int status;
	int chunked;
	int64_t content_length;         /* -1: none given */
	uint64_t left;                  /* bytes left in this chunk / body */
	const char *error;              /* static text when st == KH_ERROR */
};

void kube_http_reset(struct kube_http *h, const struct kube_http_cb *cb);
/* Returns 0 when all n bytes were taken, a callback's nonzero value when it
 * stopped, or -1 on a framing error (h->error says what). Bytes after the
 * end of the body are ignored (we send Connection: close). */
int kube_http_feed(struct kube_http *h, const char *p, size_t n);
/* The peer closed. Returns 0 if the response was complete (on_done was or
 * is now called), -1 if it was cut (h->error says where). */
int kube_http_eof(struct kube_http *h);

struct kube_lines {
	char *buf;
	size_t len, cap, max;           /* max: longest line kept, without its LF */
	int discarding;                 /* inside a line over max */
};

/* Callbacks: on_line gets a line without its LF (and without a CR before
 * it); on_overflow once per line over max. Nonzero return stops. */
struct kube_lines_cb {
	int (*on_line)(void *arg, char *line, size_t len);
	int (*on_overflow)(void *arg);
	void *arg;
};

void kube_lines_init(struct kube_lines *l, size_t max);
void kube_lines_reset(struct kube_lines *l);
void kube_lines_free(struct kube_lines *l);
/* Returns 0, a callback's nonzero value, or -1 when out of memory. */
int kube_lines_feed(struct kube_lines *l, const char *p, size_t n, const struct kube_lines_cb *cb);
/* Bytes of an unfinished line held (a cut stream discards them). */
size_t kube_lines_pending(const struct kube_lines *l);

#endif
