/* kubeapi-conf.c: what the Kubernetes API watcher needs before it
 * connects (kubeapi-conf.h): the endpoint from --kube-api URL or the
 * in-cluster environment, the bearer token from its file, the TLS context
 * with the CA; and percent-encoding for query values. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kube-tls.h"
#include "kubeapi-conf.h"

/* https://HOST[:PORT][/PREFIX] into k. */
static int parse_url(struct kube_endpoint *k, const char *url, char *errbuf, size_t errlen)
{
	const char *p, *hend, *path;
	size_t hlen;
	unsigned long port = 443;
	char *end;

	if (strncmp(url, "https://", 8) != 0) {
		snprintf(errbuf, errlen, "--kube-api %s: an https:// URL is needed (the token is "
		    "never sent in clear)", url);
		return -1;
	}
	p = url + 8;
	path = p + strcspn(p, "/?#");
	if (*path == '?' || *path == '#' || memchr(p, '@', (size_t)(path - p)) != NULL) {
		snprintf(errbuf, errlen, "--kube-api %s: expected https://HOST[:PORT][/PATH] "
		    "(no user, query or fragment)", url);
		return -1;
	}
	if (*p == '[') {
		hend = memchr(p, ']', (size_t)(path - p));
		if (hend == NULL)
			goto bad;
		hlen = (size_t)(hend - p - 1);
		memcpy(k->host, p + 1, hlen < sizeof(k->host) ? hlen : 0);
		p = hend + 1;
	} else {
		hend = p + strcspn(p, ":/");
		if (hend > path)
			hend = path;
		hlen = (size_t)(hend - p);
		memcpy(k->host, p, hlen < sizeof(k->host) ? hlen : 0);
		p = hend;
	}
	if (hlen == 0 || hlen >= sizeof(k->host))
		goto bad;
	k->host[hlen] = '\0';
	if (*p == ':') {
		port = strtoul(p + 1, &end, 10);
		if (end == p + 1 || end != path || port == 0 || port > 65535)
			goto bad;
	} else if (p != path) {
		goto bad;
	}
	k->port = (unsigned)port;
	if (strlen(path) >= sizeof(k->prefix))
		goto bad;
	strcpy(k->prefix, path);
	hlen = strlen(k->prefix);
	while (hlen > 0 && k->prefix[hlen - 1] == '/')
		k->prefix[--hlen] = '\0';
	if (strcspn(k->prefix, " \t\r\n%") != hlen)
		goto bad;
	{
		unsigned char a[16];

		k->host_is_ip = inet_pton(AF_INET, k->host, a) == 1 ||
		    inet_pton(AF_INET6, k->host, a) == 1;
	}
	if (strcspn(k->host, " \t\r\n/@") != strlen(k->host))
		goto bad;
	snprintf(k->hosthdr, sizeof(k->hosthdr), strchr(k->host, ':') != NULL ? "[%s]:%u" : "%s:%u",
	    k->host, k->port);
	return 0;
bad:
	snprintf(errbuf, errlen, "--kube-api %s: expected https://HOST[:PORT][/PATH]", url);
	return -1;
}

/* No URL: the in-cluster service, as client-go's InClusterConfig. */
static int incluster_url(char *buf, size_t len, char *errbuf, size_t errlen)
{
	const char *h = getenv("KUBERNETES_SERVICE_HOST"), *p = getenv("KUBERNETES_SERVICE_PORT");

	if (h == NULL || h[0] == '\0') {
		snprintf(errbuf, errlen, "--kube-api without a URL needs KUBERNETES_SERVICE_HOST "
		    "(set in a pod); outside a cluster give --kube-api https://HOST:PORT");
		return -1;
	}
	if (p == NULL || p[0] == '\0')
		p = "443";
	snprintf(buf, len, strchr(h, ':') != NULL ? "https://[%s]:%s" : "https://%s:%s", h, p);
	return 0;
}

/* Read the bearer token: whitespace trimmed, printable ASCII only (it goes
 * into a header line). Returns a new string, or NULL with a message. */
char *kube_token_read(const char *path, char *errbuf, size_t errlen)
{
	char buf[KUBE_TOKEN_MAX + 1];
	size_t n, i, b = 0;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(errbuf, errlen, "token %s: %s", path, strerror(errno));
		return NULL;
	}
	n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	if (n > KUBE_TOKEN_MAX) {
		snprintf(errbuf, errlen, "token %s: over %d bytes", path, KUBE_TOKEN_MAX);
		return NULL;
	}
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ' ||
	    buf[n - 1] == '\t'))
		n--;
	while (b < n && (buf[b] == ' ' || buf[b] == '\t' || buf[b] == '\n'))
		b++;
	if (b == n) {
		snprintf(errbuf, errlen, "token %s: empty", path);
		return NULL;
	}
	for (i = b; i < n; i++)
		if ((unsigned char)buf[i] < 0x21 || (unsigned char)buf[i] > 0x7e) {
			snprintf(errbuf, errlen, "token %s: not a bearer token (a byte 0x%02x)", path,
			    (unsigned char)buf[i]);
			return NULL;
		}
	buf[n] = '\0';
	return strdup(buf + b);
}

SSL_CTX *kube_tls_ctx(const char *ca, char *errbuf, size_t errlen)
{
	const struct kube_tls *t = kube_tls_load(errbuf, errlen);
	SSL_CTX *ctx;
	unsigned long e;

	if (t == NULL)
		return NULL;
	if ((ctx = t->SSL_CTX_new(t->TLS_client_method())) == NULL) {
		snprintf(errbuf, errlen, "out of memory");
		return NULL;
	}
	/* SSL_CTX_set_min_proto_version, a macro over SSL_CTX_ctrl */
	t->SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, TLS1_2_VERSION, NULL);
	t->SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
	/* a close without close_notify is an EOF like any other: the HTTP
	 * framing (chunked, Content-Length) tells a complete answer from a cut
	 * one, and API servers behind proxies often close that way */
	t->SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
#endif
	t->ERR_clear_error();
	if (t->SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1) {
		e = t->ERR_peek_last_error();
		snprintf(errbuf, errlen, "CA %s: %s", ca,
		    e != 0 ? t->ERR_reason_error_string(e) : "cannot be loaded");
		t->ERR_clear_error();
		t->SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

int kube_endpoint_parse(struct kube_endpoint *ep, const char *url, char *errbuf, size_t errlen)
{
	char buf[600];

	memset(ep, 0, sizeof(*ep));
	if (url == NULL) {
		if (incluster_url(buf, sizeof(buf), errbuf, errlen) != 0)
			return -1;
		url = buf;
	}
	return parse_url(ep, url, errbuf, errlen);
}

/* Percent-encode s into b (at most len-1 bytes); unreserved bytes as is. */
void kube_url_encode(char *b, size_t len, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (; *s != '\0' && o + 4 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			b[o++] = (char)c;
		} else {
			b[o++] = '%';
			b[o++] = hex[c >> 4];
			b[o++] = hex[c & 15];
		}
	}
	b[o] = '\0';
}
