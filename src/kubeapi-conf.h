/* kubeapi-conf.h: the Kubernetes API watcher's configuration: endpoint,
 * token, TLS context (kubeapi-conf.c). */
#ifndef SW_KUBEAPI_CONF_H
#define SW_KUBEAPI_CONF_H

#include <stddef.h>
#include <openssl/ssl.h>

#define KUBE_TOKEN_MAX 16384            /* a bound token is about 1 KiB */

struct kube_endpoint {
	char host[256];                 /* name or address, without brackets */
	char hosthdr[270];              /* the Host: header, [v6]:port */
	unsigned port;
	int host_is_ip;                 /* checked against the certificate's IP SANs */
	char prefix[256];               /* path before /api/v1, no trailing / */
};

/* url: https://HOST[:PORT][/PATH]; NULL: the in-cluster service
 * (KUBERNETES_SERVICE_HOST, KUBERNETES_SERVICE_PORT). Returns 0, or -1
 * with a message (not https, malformed, no in-cluster environment). */
int kube_endpoint_parse(struct kube_endpoint *ep, const char *url, char *errbuf, size_t errlen);

/* The bearer token in path: surrounding whitespace trimmed, printable
 * ASCII only (it goes into a header line), at most KUBE_TOKEN_MAX bytes.
 * A new string, or NULL with a message. */
char *kube_token_read(const char *path, char *errbuf, size_t errlen);

/* A client context, TLS 1.2 or later, verifying the peer against the
 * certificates in ca. NULL with a message. */
SSL_CTX *kube_tls_ctx(const char *ca, char *errbuf, size_t errlen);

/* Percent-encode s into b (at most len-1 bytes; cut at a whole escape). */
void kube_url_encode(char *b, size_t len, const char *s);

#endif
