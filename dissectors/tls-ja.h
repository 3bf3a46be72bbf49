/* tls-ja.h: ClientHello / ServerHello bodies (RFC 8446 section 4.1.2-4.1.3,
 * RFC 5246 section 7.4.1) and the JA3, JA3S and JA4 fingerprints computed
 * from them (salesforce/ja3 README; FoxIO-LLC/ja4 technical_details/JA4.md).
 *
 * The parsers only take views into the caller's bytes: nothing is copied
 * and nothing is allocated; fingerprints allocate their text. */
#ifndef SW_TLS_JA_H
#define SW_TLS_JA_H

#include <stddef.h>
#include <stdint.h>

#define TLS_JA4_LEN 37 /* "t13d1516h2_8daaf6152771_e5627efa2ab1" + NUL */

/* n big-endian 16-bit values at p */
struct tls_u16s {
	const uint8_t *p;
	size_t n;
};

struct tls_hello {
	uint16_t legacy_version;      /* client_version */
	struct tls_u16s ciphers;
	const uint8_t *exts;          /* the extensions block, type(2) len(2) body ... */
	size_t exts_len;
	struct tls_u16s groups;       /* supported_groups (10) */
	struct tls_u16s sig_algs;     /* signature_algorithms (13) */
	struct tls_u16s versions;     /* supported_versions (43) */
	const uint8_t *point_formats; /* ec_point_formats (11), one byte each */
	size_t n_point_formats;
	const uint8_t *sni;           /* first host_name of server_name (0) */
	size_t sni_len;
	const uint8_t *alpn;          /* ALPN (16) protocol_name_list body */
	size_t alpn_len;
	uint8_t has_sni_ext, has_alpn_ext, has_versions_ext;
};

struct tls_server_hello {
	uint16_t legacy_version;
	uint16_t cipher;
	uint16_t selected_version;    /* supported_versions, 0 if absent */
	const uint8_t *exts;
	size_t exts_len;
};

/* RFC 8701 GREASE: 0x0a0a, 0x1a1a, ... 0xfafa. */
int tls_is_grease(uint16_t v);

static inline uint16_t tls_u16_at(const struct tls_u16s *l, size_t i)
{
	return (uint16_t)(l->p[2 * i] << 8 | l->p[2 * i + 1]);
}

/* Parse a ClientHello body (the handshake message after its 4-byte
 * header), len bytes. Returns 0 and fills *h (views into body), or
 * SW_ERR_TRUNCATED / SW_ERR_INVALID when a length does not hold. */
int tls_hello_parse(const uint8_t *body, size_t len, struct tls_hello *h);

/* The same for a ServerHello body. */
int tls_server_hello_parse(const uint8_t *body, size_t len, struct tls_server_hello *sh);

/* Next ALPN protocol of the list body at *off: returns 1 with *p, *n set
 * (and *off advanced), or 0 at the end or on a malformed entry. */
int tls_alpn_next(const uint8_t *list, size_t len, size_t *off, const uint8_t **p, size_t *n);

/* The client's version: the highest non-GREASE supported_versions value
 * when that extension is present, else legacy_version. */
uint16_t tls_hello_version(const struct tls_hello *h);

/* JA3 text "771,4865-4866,0-23,29-23,0" (decimal, GREASE removed) as a
 * malloc'd string (NULL on allocation failure); *hash gets its MD5. */
char *tls_ja3(const struct tls_hello *h, char hash[33]);

/* JA3S text "771,4865,43-51" (version, cipher, extensions) and its MD5. */
char *tls_ja3s(const struct tls_server_hello *sh, char hash[33]);

/* JA4 for TLS over TCP. Returns 0, or SW_ERR_NOMEM (out is then ""). */
int tls_ja4(const struct tls_hello *h, char out[TLS_JA4_LEN]);

/* Do tls_ja3 and tls_ja4 read the same from a and b (parsed or kept
 * hellos: their versions, extension flags and every list's bytes)? Then
 * they make the same fingerprints. */
int tls_hello_same(const struct tls_hello *a, const struct tls_hello *b);

/* Copy what tls_ja3/tls_ja4 (tls_ja3s) read from a parsed hello into one
 * malloc'd block of *size bytes and point *keep's views into it, so the
 * fingerprints can be computed after the packet is gone, and only if they
 * are wanted. keep gives the same fingerprints as h; its sni is NULL and
 * its extensions carry no bodies. Returns the block (free it when done
 * with keep) or NULL when out of memory. */
uint8_t *tls_hello_keep(const struct tls_hello *h, struct tls_hello *keep, size_t *size);
uint8_t *tls_server_hello_keep(const struct tls_server_hello *sh,
    struct tls_server_hello *keep, size_t *size);

#endif
