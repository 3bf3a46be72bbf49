/* stratum-http.h: minimal HTTP/1.x message framing for getwork-style
 * mining over HTTP (JSON-RPC getwork / getblocktemplate / submitblock,
 * RFC 9112 message syntax; only what those clients and servers send:
 * Content-Length bodies, a response body delimited by the connection's
 * end, and Basic authorization). Chunked transfer coding is not decoded:
 * the flow is reported as not ours. */
#ifndef STRATUM_HTTP_H
#define STRATUM_HTTP_H

#include <stddef.h>
#include <stdint.h>

#define STRATUM_HTTP_HDR_MAX 8192
#define STRATUM_HTTP_BAD     (-100) /* not HTTP we can frame */
#define STRATUM_HTTP_CRED_MAX 128

struct stratum_http_dir {
	uint8_t *buf;
	size_t len, cap;
	uint8_t state;     /* 0 headers, 1 body of body_len, 2 body to EOF */
	size_t hdr_len, body_len;
};

struct stratum_http {
	struct stratum_http_dir d[2];
	size_t max_body;
	char user[STRATUM_HTTP_CRED_MAX + 1]; /* from Authorization: Basic */
	char pass[STRATUM_HTTP_CRED_MAX + 1];
	uint8_t have_auth;
};

/* One message body (dir is SW_DIR_*). A non-zero return stops the feed. */
typedef int (*stratum_http_cb)(void *ctx, int dir, const uint8_t *body, size_t n);

void stratum_http_init(struct stratum_http *h, size_t max_body);
void stratum_http_free(struct stratum_http *h);
size_t stratum_http_heap(const struct stratum_http *h);

/* 1 when data starts like an HTTP POST request line ("POST " then a
 * target); used to pick HTTP framing for a flow. */
int stratum_http_is_post(const uint8_t *data, size_t len);

/* Feed bytes of one direction (flags SW_SLICE_*). Calls cb for each
 * complete body. Returns 0, the callback's non-zero value,
 * STRATUM_HTTP_BAD (not a POST / HTTP response, chunked, over the caps,
 * or a gap) or SW_ERR_NOMEM. */
int stratum_http_feed(struct stratum_http *h, int dir, const uint8_t *data,
    size_t len, uint8_t flags, stratum_http_cb cb, void *ctx);

#endif
