/* http-head.h: reading an HTTP/1.x request or response head (RFC 9112
 * section 2: start line, header fields, empty line) without copying, for
 * the dissectors that look at one (proxy.c, websocket.c). Line by line with
 * memchr, so a head costs per line, not per byte and header name. */
#ifndef SW_HTTP_HEAD_H
#define SW_HTTP_HEAD_H

#include <stddef.h>
#include <stdint.h>

/* Length of the head at d[0..n) through its empty line (CRLF CRLF, or bare
 * LF LF as RFC 9112 section 2.2 lets a recipient accept), or 0 when the
 * empty line is not in d yet. */
size_t http_head_len(const uint8_t *d, size_t n);

/* The value of header field name (case-insensitive, without the colon) in
 * the head d[0..n), leading and trailing blanks trimmed; NULL when absent.
 * The first of repeated fields wins. */
const uint8_t *http_header(const uint8_t *d, size_t n, const char *name, size_t *len);

/* Does field name's value hold token (case-insensitive) as one of its
 * comma-separated elements ("Upgrade: websocket", "Connection: keep-alive,
 * Upgrade")? */
int http_header_has(const uint8_t *d, size_t n, const char *name, const char *token);

#endif
