/* kube-tls.c: loading OpenSSL and libevent_openssl on demand (kube-tls.h). */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "kube-tls.h"

static struct kube_tls tls;
static int state;               /* 0 not tried, 1 loaded, -1 failed */
static char why[256];

/* Each function by name, from the library that defines it (dlsym on a
 * handle also searches what that library depends on: libcrypto's ERR_ and
 * X509_ functions come through libssl's). */
#define RESOLVE(h, soname, f) do {                                      \
	*(void **)&tls.f = dlsym((h), #f);                              \
	if (tls.f == NULL) {                                            \
		snprintf(why, sizeof(why), "TLS: %s has no %s",         \
		    (soname), #f);                                      \
		return -1;                                              \
	}                                                               \
} while (0)

static int load(void)
{
	void *ssl, *evssl;

	if ((ssl = dlopen(SW_SSL_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL ||
	    (evssl = dlopen(SW_EVENT_OPENSSL_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		snprintf(why, sizeof(why), "TLS: %s (Debian: apt-get install libssl3 "
		    "libevent-openssl-2.1-7)", dlerror());
		return -1;
	}
	RESOLVE(ssl, SW_SSL_SONAME, TLS_client_method);
	RESOLVE(ssl, SW_SSL_SONAME, SSL_CTX_new);
	RESOLVE(ssl, SW_SSL_SONAME, SSL_CTX_free);
	RESOLVE(ssl, SW_SSL_SONAME, SSL_CTX_ctrl);
	RESOLVE(ssl, SW_SSL_SONAME, SSL_CTX_set_verify);
	RESOLVE(ssl, SW_SSL_SONAME, SSL_CTX_load_verify_locations);
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
	RESOLVE(ssl, SW_SSL_SONAME, SSL_CTX_set_options);
#endif
	RESOLVE(ssl, SW_SSL_SONAME, SSL_new);
	RESOLVE(ssl, SW_SSL_SONAME, SSL_free);
	RESOLVE(ssl, SW_SSL_SONAME, SSL_ctrl);
	RESOLVE(ssl, SW_SSL_SONAME, SSL_set1_host);
	RESOLVE(ssl, SW_SSL_SONAME, SSL_get0_param);
	RESOLVE(ssl, SW_SSL_SONAME, SSL_get_verify_result);
	RESOLVE(ssl, SW_SSL_SONAME, X509_VERIFY_PARAM_set1_ip_asc);
	RESOLVE(ssl, SW_SSL_SONAME, X509_verify_cert_error_string);
	RESOLVE(ssl, SW_SSL_SONAME, ERR_peek_last_error);
	RESOLVE(ssl, SW_SSL_SONAME, ERR_reason_error_string);
	RESOLVE(ssl, SW_SSL_SONAME, ERR_clear_error);
	RESOLVE(evssl, SW_EVENT_OPENSSL_SONAME, bufferevent_openssl_filter_new);
	RESOLVE(evssl, SW_EVENT_OPENSSL_SONAME, bufferevent_openssl_set_allow_dirty_shutdown);
	RESOLVE(evssl, SW_EVENT_OPENSSL_SONAME, bufferevent_openssl_get_ssl);
	RESOLVE(evssl, SW_EVENT_OPENSSL_SONAME, bufferevent_get_openssl_error);
	return 0;
}

const struct kube_tls *kube_tls_load(char *errbuf, size_t errlen)
{
	if (state == 0)
		state = load() == 0 ? 1 : -1;
	if (state < 0) {
		snprintf(errbuf, errlen, "%s", why);
		return NULL;
	}
	return &tls;
}
