/* kubeapi-http.c: HTTP/1.1 response framing and line splitting for the
 * Kubernetes API watcher (kubeapi-http.h). Everything here is fed bytes
 * from the network, so every length is checked before it is used. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kubeapi-http.h"

void kube_http_reset(struct kube_http *h, const struct kube_http_cb *cb)
{
	h->st = KH_STATUS;
	h->cb = *cb;
	h->linelen = 0;
	h->status = 0;
	h->chunked = 0;
	h->content_length = -1;
	h->left = 0;
	h->error = NULL;
}

static int fail(struct kube_http *h, const char *what)
{
	h->st = KH_ERROR;
	h->error = what;
	return -1;
}

/* "HTTP/1.x NNN reason" */
static int parse_status(struct kube_http *h)
{
	const char *s = h->line;

	if (h->linelen < 12 || strncmp(s, "HTTP/1.", 7) != 0 || s[8] != ' ' ||
	    s[9] < '1' || s[9] > '5' || s[10] < '0' || s[10] > '9' ||
	    s[11] < '0' || s[11] > '9' || (h->linelen > 12 && s[12] != ' '))
		return fail(h, "not an HTTP/1.x status line");
	h->status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
	return 0;
}

/* Decimal with no sign and no overflow; -1 if not a number. */
static int64_t parse_dec(const char *s, size_t n)
{
	int64_t v = 0;
	size_t i;

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0 || n > 18)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int parse_header(struct kube_http *h)
{
	const char *s = h->line, *colon, *v;
	size_t nlen, vlen;

	colon = memchr(s, ':', h->linelen);
	if (colon == NULL || colon == s)
		return fail(h, "a header line without a name");
	nlen = (size_t)(colon - s);
	v = colon + 1;
	while (v < s + h->linelen && (*v == ' ' || *v == '\t'))
		v++;
	vlen = (size_t)(s + h->linelen - v);
	if (nlen == 17 && strncasecmp(s, "Transfer-Encoding", 17) == 0) {
		/* only "chunked" (possibly last of a list) is ours to undo */
		if (vlen >= 7 && strncasecmp(v + vlen - 7, "chunked", 7) == 0)
			h->chunked = 1;
		else
			return fail(h, "a Transfer-Encoding other than chunked");
	} else if (nlen == 14 && strncasecmp(s, "Content-Length", 14) == 0) {
		int64_t cl = parse_dec(v, vlen);

		if (cl < 0 || (h->content_length >= 0 && cl != h->content_length))
			return fail(h, "a bad Content-Length");
		h->content_length = cl;
	}
	return 0;
}

/* End of the header block: choose how the body is framed. */
static int headers_done(struct kube_http *h)
{
	int r;

	if (h->status >= 100 && h->status < 200) {
		/* 1xx: another status line follows */
		h->st = KH_STATUS;
		return 0;
	}
	if (h->cb.on_status != NULL && (r = h->cb.on_status(h->cb.arg, h->status)) != 0)
		return r;
	if (h->chunked) {
		h->st = KH_CHUNK_SIZE;
	} else if (h->content_length >= 0) {
		h->left = (uint64_t)h->content_length;
		h->st = KH_LENGTH;
		if (h->left == 0) {
			h->st = KH_DONE;
			return h->cb.on_done != NULL ? h->cb.on_done(h->cb.arg) : 0;
		}
	} else {
		h->st = KH_CLOSE;
	}
	return 0;
}

/* "HEX[;ext]" */
static int parse_chunk_size(struct kube_http *h)
{
	uint64_t v = 0;
	size_t i, digits = 0;
	int c;

	for (i = 0; i < h->linelen; i++) {
		c = (unsigned char)h->line[i];
		if (c >= '0' && c <= '9')
			c -= '0';
		else if (c >= 'a' && c <= 'f')
			c -= 'a' - 10;
		else if (c >= 'A' && c <= 'F')
			c -= 'A' - 10;
		else
			break;
		if (++digits > 15)
			return fail(h, "a chunk size over 2^60");
		v = v << 4 | (uint64_t)c;
	}
	if (digits == 0 || (i < h->linelen && h->line[i] != ';' && h->line[i] != ' ' &&
	    h->line[i] != '\t'))
		return fail(h, "a bad chunk-size line");
	h->left = v;
	h->st = v == 0 ? KH_TRAILER : KH_CHUNK_DATA;
	return 0;
}

/* A complete CRLF- (or LF-) terminated line is in h->line. */
static int line_done(struct kube_http *h)
{
	if (h->linelen > 0 && h->line[h->linelen - 1] == '\r')
		h->linelen--;
	switch (h->st) {
	case KH_STATUS:
		return parse_status(h) != 0 ? -1 : (h->st = KH_HEADER, 0);
	case KH_HEADER:
		if (h->linelen == 0)
			return headers_done(h);
		return parse_header(h);
	case KH_CHUNK_SIZE:
		return parse_chunk_size(h);
	case KH_CHUNK_CRLF:
		if (h->linelen != 0)
			return fail(h, "no CRLF after a chunk");
		h->st = KH_CHUNK_SIZE;
		return 0;
	case KH_TRAILER:
		if (h->linelen == 0) {
			h->st = KH_DONE;
			return h->cb.on_done != NULL ? h->cb.on_done(h->cb.arg) : 0;
		}
		return 0;
	default:
		return fail(h, "internal: a line in a body state");
	}
}

int kube_http_feed(struct kube_http *h, const char *p, size_t n)
{
	const char *end = p + n, *lf;
	size_t take;
	int r;

	while (p < end) {
		switch (h->st) {
		case KH_DONE:
			return 0;
		case KH_ERROR:
			return -1;
		case KH_CHUNK_DATA:
		case KH_LENGTH:
			take = (size_t)(end - p) < h->left ? (size_t)(end - p) : (size_t)h->left;
			h->left -= take;
			if (h->st == KH_CHUNK_DATA && h->left == 0)
				h->st = KH_CHUNK_CRLF;
			else if (h->st == KH_LENGTH && h->left == 0)
				h->st = KH_DONE;
			if (h->cb.on_body != NULL && (r = h->cb.on_body(h->cb.arg, p, take)) != 0)
				return r;
			p += take;
			if (h->st == KH_DONE && h->cb.on_done != NULL)
				return h->cb.on_done(h->cb.arg);
			break;
		case KH_CLOSE:
			if (h->cb.on_body != NULL && (r = h->cb.on_body(h->cb.arg, p, (size_t)(end - p))) != 0)
				return r;
			return 0;
		default:
			lf = memchr(p, '\n', (size_t)(end - p));
			take = (size_t)((lf != NULL ? lf : end) - p);
			if (h->linelen + take > sizeof(h->line) - 1)
				return fail(h, "a status, header or chunk-size line over 8 KiB");
			memcpy(h->line + h->linelen, p, take);
			h->linelen += take;
			p += take;
			if (lf == NULL)
				return 0;
			p++;    /* the LF */
			r = line_done(h);
			h->linelen = 0;
			if (r != 0)
				return r;
			break;
		}
	}
	return 0;
}

int kube_http_eof(struct kube_http *h)
{
	switch (h->st) {
	case KH_DONE:
		return 0;
	case KH_CLOSE:
		h->st = KH_DONE;
		if (h->cb.on_done != NULL)
			(void)h->cb.on_done(h->cb.arg);
		return 0;
	case KH_ERROR:
		return -1;
	case KH_STATUS:
		if (h->linelen == 0)
			return fail(h, "the connection closed before a response");
		/* fall through */
	case KH_HEADER:
		return fail(h, "the connection closed inside the response headers");
	case KH_LENGTH:
		return fail(h, "the connection closed before Content-Length bytes");
	default:
		return fail(h, "the connection closed inside the chunked body");
	}
}

void kube_lines_init(struct kube_lines *l, size_t max)
{
	memset(l, 0, sizeof(*l));
	l->max = max;
}

void kube_lines_reset(struct kube_lines *l)
{
	l->len = 0;
	l->discarding = 0;
}

void kube_lines_free(struct kube_lines *l)
{
	free(l->buf);
	l->buf = NULL;
	l->len = l->cap = 0;
}

size_t kube_lines_pending(const struct kube_lines *l)
{
	return l->len;
}

/* Make room for need bytes plus a NUL; the buffer grows by doubling up to
 * max + 1 and no further. */
static int lines_room(struct kube_lines *l, size_t need)
{
	size_t ncap;
	char *nb;

	if (need + 1 <= l->cap)
		return 0;
	ncap = l->cap != 0 ? l->cap : 4096;
	while (ncap < need + 1)
		ncap *= 2;
	if (ncap > l->max + 1)
		ncap = l->max + 1;
	nb = realloc(l->buf, ncap);
	if (nb == NULL)
		return -1;
	l->buf = nb;
	l->cap = ncap;
	return 0;
}

int kube_lines_feed(struct kube_lines *l, const char *p, size_t n, const struct kube_lines_cb *cb)
{
	const char *end = p + n, *lf;
	size_t take;
	int r;

	while (p < end) {
		lf = memchr(p, '\n', (size_t)(end - p));
		take = (size_t)((lf != NULL ? lf : end) - p);
		if (l->discarding) {
			p += take;
			if (lf != NULL) {
				p++;
				l->discarding = 0;
			}
			continue;
		}
		if (l->len + take > l->max) {
			/* over the cap: drop what is held and the rest of the line */
			l->len = 0;
			l->discarding = 1;
			if (cb->on_overflow != NULL && (r = cb->on_overflow(cb->arg)) != 0)
				return r;
			continue;
		}
		if (lines_room(l, l->len + take) != 0)
			return -1;
		memcpy(l->buf + l->len, p, take);
		l->len += take;
		p += take;
		if (lf == NULL)
			break;
		p++;
		take = l->len;
		if (take > 0 && l->buf[take - 1] == '\r')
			take--;
		l->buf[take] = '\0';
		l->len = 0;
		if (take > 0 && cb->on_line != NULL && (r = cb->on_line(cb->arg, l->buf, take)) != 0)
			return r;
	}
	return 0;
}
