/* stratum-http.c: HTTP/1.x framing for getwork-style mining over HTTP
 * (RFC 9112 message syntax, RFC 7617 Basic credentials; stratum-http.h). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sw_err.h"
#include "sw_slice.h"
#include "stratum-http.h"

void stratum_http_init(struct stratum_http *h, size_t max_body)
{
	memset(h, 0, sizeof(*h));
	h->max_body = max_body ? max_body : 65536;
}

void stratum_http_free(struct stratum_http *h)
{
	int i;

	for (i = 0; i < 2; i++) {
		free(h->d[i].buf);
		memset(&h->d[i], 0, sizeof(h->d[i]));
	}
}

size_t stratum_http_heap(const struct stratum_http *h)
{
	return h->d[0].cap + h->d[1].cap;
}

int stratum_http_is_post(const uint8_t *data, size_t len)
{
	return len >= 6 && memcmp(data, "POST ", 5) == 0 && data[5] != ' ';
}

static int b64_val(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Copy a credential cut at the cap, as the Stratum fields are; dst holds
 * STRATUM_HTTP_CRED_MAX + 1 bytes. */
static void cred_copy(char *dst, const char *src)
{
	size_t n = strnlen(src, STRATUM_HTTP_CRED_MAX);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Decode Basic credentials "user:pass" from base64 s[0..n) into h. */
static void http_basic(struct stratum_http *h, const uint8_t *s, size_t n)
{
	char out[2 * STRATUM_HTTP_CRED_MAX + 2];
	size_t o = 0, i;
	uint32_t acc = 0;
	int bits = 0;
	char *colon;

	for (i = 0; i < n && s[i] != '='; i++) {
		int v = b64_val(s[i]);

		if (v < 0)
			return;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o == sizeof(out) - 1)
				break;
			out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	out[o] = '\0';
	if (strlen(out) != o || (colon = strchr(out, ':')) == NULL)
		return; /* embedded NUL or no separator: not credentials */
	*colon = '\0';
	cred_copy(h->user, out);
	cred_copy(h->pass, colon + 1);
	h->have_auth = 1;
}

/* Parse the head d->buf[0..hdr_len) (start line + headers, CRLF CRLF
 * included). Returns 0 or STRATUM_HTTP_BAD. */
static int http_head(struct stratum_http *h, int dir, struct stratum_http_dir *d)
{
	const uint8_t *p = d->buf, *end = d->buf + d->hdr_len;
	int have_len = 0;

	if (dir == SW_DIR_TO_SERVER ? !stratum_http_is_post(p, d->hdr_len) :
	    !(d->hdr_len >= 8 && memcmp(p, "HTTP/1.", 7) == 0))
		return STRATUM_HTTP_BAD;
	d->body_len = 0;
	while (p < end) {
		const uint8_t *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n, klen;
		const uint8_t *colon, *v;

		if (eol == NULL)
			break;
		n = (size_t)(eol - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		colon = memchr(p, ':', n);
		if (colon != NULL) {
			klen = (size_t)(colon - p);
			v = colon + 1;
			while (v < p + n && (*v == ' ' || *v == '\t'))
				v++;
			if (klen == 14 && strncasecmp((const char *)p, "Content-Length", 14) == 0) {
				size_t val = 0;

				if (v == p + n)
					return STRATUM_HTTP_BAD;
				for (; v < p + n && *v >= '0' && *v <= '9'; v++) {
					val = val * 10 + (size_t)(*v - '0');
					if (val > h->max_body)
						return STRATUM_HTTP_BAD;
				}
				d->body_len = val;
				have_len = 1;
			} else if (klen == 17 &&
			    strncasecmp((const char *)p, "Transfer-Encoding", 17) == 0) {
				return STRATUM_HTTP_BAD;
			} else if (dir == SW_DIR_TO_SERVER && klen == 13 &&
			    strncasecmp((const char *)p, "Authorization", 13) == 0 &&
			    (size_t)(p + n - v) > 6 && strncasecmp((const char *)v, "Basic ", 6) == 0) {
				http_basic(h, v + 6, (size_t)(p + n - v - 6));
			}
		}
		p = eol + 1;
	}
	d->state = (dir == SW_DIR_TO_CLIENT && !have_len) ? 2 : 1;
	return 0;
}

static int http_append(struct stratum_http *h, struct stratum_http_dir *d,
    const uint8_t *data, size_t len)
{
	size_t limit = STRATUM_HTTP_HDR_MAX + h->max_body, ncap;
	uint8_t *nb;

	if (len > limit - d->len)
		return STRATUM_HTTP_BAD;
	if (d->len + len <= d->cap)
		goto copy;
	ncap = d->cap ? d->cap : 1024;
	while (ncap < d->len + len)
		ncap *= 2;
	if (ncap > limit)
		ncap = limit;
	if ((nb = realloc(d->buf, ncap)) == NULL)
		return SW_ERR_NOMEM;
	d->buf = nb;
	d->cap = ncap;
copy:
	if (len > 0)
		memcpy(d->buf + d->len, data, len);
	d->len += len;
	return 0;
}

/* Give the buffer back when it holds nothing: between messages a getwork
 * flow otherwise kept 1 KiB or more per direction (most of its state). */
static void http_release(struct stratum_http_dir *d)
{
	if (d->len == 0 && d->buf != NULL) {
		free(d->buf);
		d->buf = NULL;
		d->cap = 0;
	}
}

/* The first "\r\n\r\n" in p[0..n). memchr (vectorised in libc) to each
 * LF that could be its first, then the three bytes around: a test of
 * every byte was 12 instructions a packet on the Stratum-heavy
 * benchmark, whose getwork flows carry a header per request. */
static const uint8_t *find_crlfcrlf(const uint8_t *p, size_t n)
{
	size_t j = 1; /* the first LF of the four bytes is p[j], 1 <= j <= n - 3 */

	while (j + 3 <= n) {
		const uint8_t *lf = memchr(p + j, '\n', n - 2 - j);

		if (lf == NULL)
			return NULL;
		j = (size_t)(lf - p);
		if (p[j - 1] == '\r' && p[j + 1] == '\r' && p[j + 2] == '\n')
			return p + j - 1;
		j++;
	}
	return NULL;
}

int stratum_http_feed(struct stratum_http *h, int dir, const uint8_t *data,
    size_t len, uint8_t flags, stratum_http_cb cb, void *ctx)
{
	struct stratum_http_dir *d = &h->d[dir ? 1 : 0];
	int r;

	if (flags & SW_SLICE_GAP)
		return STRATUM_HTTP_BAD;
	if ((r = http_append(h, d, data, len)) != 0)
		return r;
	for (;;) {
		if (d->state == 0) {
			const uint8_t *e = find_crlfcrlf(d->buf, d->len);

			if (e == NULL) {
				if (d->len > STRATUM_HTTP_HDR_MAX)
					return STRATUM_HTTP_BAD;
				break;
			}
			d->hdr_len = (size_t)(e - d->buf) + 4;
			if (d->hdr_len > STRATUM_HTTP_HDR_MAX ||
			    (r = http_head(h, dir, d)) != 0)
				return STRATUM_HTTP_BAD;
		}
		if (d->state == 1) {
			size_t total = d->hdr_len + d->body_len;

			if (d->len < total)
				break;
			r = d->body_len ? cb(ctx, dir, d->buf + d->hdr_len, d->body_len) : 0;
			memmove(d->buf, d->buf + total, d->len - total);
			d->len -= total;
			d->state = 0;
			if (r != 0)
				return r;
			continue;
		}
		if (d->state == 2) {
			if (d->len - d->hdr_len > h->max_body)
				return STRATUM_HTTP_BAD;
			if (!(flags & SW_SLICE_EOF))
				break;
			r = cb(ctx, dir, d->buf + d->hdr_len, d->len - d->hdr_len);
			d->len = 0;
			d->state = 0;
			http_release(d);
			return r;
		}
		break;
	}
	http_release(d);
	return 0;
}
