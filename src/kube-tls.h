/* kube-tls.h: OpenSSL and libevent's OpenSSL bufferevents, loaded (dlopen)
 * the first time --kube-api needs them.
 *
 * Only the Kubernetes API watcher speaks TLS, yet linked in these libraries
 * cost every run 1.9 MB of resident memory at start (their relocations and
 * initialisation): more than a tenth of a whole offline run's fixed cost.
 * configure finds their sonames (SW_SSL_SONAME, SW_EVENT_OPENSSL_SONAME)
 * from the libraries the build's headers belong to, so the prototypes
 * below are the ones the loaded code has. */
#ifndef SW_KUBE_TLS_H
#define SW_KUBE_TLS_H

#include <stddef.h>

#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

/* Every function the watcher calls, typed from its own prototype. */
#define KUBE_TLS_FN(f) __typeof__(f) *f
struct kube_tls {
	KUBE_TLS_FN(TLS_client_method);
	KUBE_TLS_FN(SSL_CTX_new);
	KUBE_TLS_FN(SSL_CTX_free);
	KUBE_TLS_FN(SSL_CTX_ctrl);
	KUBE_TLS_FN(SSL_CTX_set_verify);
	KUBE_TLS_FN(SSL_CTX_load_verify_locations);
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF     /* OpenSSL 3: a function */
	KUBE_TLS_FN(SSL_CTX_set_options);
#endif
	KUBE_TLS_FN(SSL_new);
	KUBE_TLS_FN(SSL_free);
	KUBE_TLS_FN(SSL_ctrl);
	KUBE_TLS_FN(SSL_set1_host);
	KUBE_TLS_FN(SSL_get0_param);
	KUBE_TLS_FN(SSL_get_verify_result);
	KUBE_TLS_FN(X509_VERIFY_PARAM_set1_ip_asc);
	KUBE_TLS_FN(X509_verify_cert_error_string);
	KUBE_TLS_FN(ERR_peek_last_error);
	KUBE_TLS_FN(ERR_reason_error_string);
	KUBE_TLS_FN(ERR_clear_error);
	KUBE_TLS_FN(bufferevent_openssl_filter_new);
	KUBE_TLS_FN(bufferevent_openssl_set_allow_dirty_shutdown);
	KUBE_TLS_FN(bufferevent_openssl_get_ssl);
	KUBE_TLS_FN(bufferevent_get_openssl_error);
};

/* The functions, loaded at the first call and kept for the process's life;
 * NULL, with errbuf saying which library or function is missing, when they
 * cannot be (every later call says the same). */
const struct kube_tls *kube_tls_load(char *errbuf, size_t errlen);

#endif
