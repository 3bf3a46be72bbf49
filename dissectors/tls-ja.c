/* tls-ja.c: ClientHello/ServerHello fields and JA3, JA3S, JA4 fingerprints
 * (RFC 8446 section 4.1.2 and 4.2; RFC 6066 section 3 server_name; RFC 7301
 * ALPN; salesforce/ja3 README; FoxIO-LLC/ja4 technical_details/JA4.md).
 *
 * JA3  = MD5("SSLVersion,Ciphers,Extensions,EllipticCurves,PointFormats"),
 *        decimal values joined by '-', GREASE values left out.
 * JA4  = a_b_c: a = "t" + version + d|i + 2-digit cipher and extension
 *        counts + ALPN first/last character; b = first 12 hex of SHA-256 of
 *        the sorted cipher list; c = the same of the sorted extension list
 *        without SNI and ALPN, "_", then the signature algorithms in order. */
#include <stdlib.h>
#include <string.h>

#include "sw_err.h"
#include "sw_rd.h"
#include "sw_wallet.h"
#include "md5.h"
#include "tls-ja.h"

#define EXT_SERVER_NAME 0x0000
#define EXT_SUPPORTED_GROUPS 0x000a
#define EXT_EC_POINT_FORMATS 0x000b
#define EXT_SIGNATURE_ALGORITHMS 0x000d
#define EXT_ALPN 0x0010
#define EXT_SUPPORTED_VERSIONS 0x002b

int tls_is_grease(uint16_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/* A u16 list with a 2-byte (or, for supported_versions, 1-byte) length
 * that must fill the extension body exactly. */
static int tls_u16_list(const uint8_t *b, size_t n, int len1, struct tls_u16s *out)
{
	struct sw_rd rd;
	size_t l;

	sw_rd_init(&rd, b, n);
	if (len1) {
		uint8_t v;

		if (sw_rd_u8(&rd, &v))
			return SW_ERR_TRUNCATED;
		l = v;
	} else {
		uint16_t v;

		if (sw_rd_be16(&rd, &v))
			return SW_ERR_TRUNCATED;
		l = v;
	}
	if (l != sw_rd_left(&rd) || (l & 1))
		return SW_ERR_INVALID;
	out->p = sw_rd_ptr(&rd);
	out->n = l / 2;
	return 0;
}

/* server_name: the first host_name entry (type 0). */
static int tls_sni(const uint8_t *b, size_t n, struct tls_hello *h)
{
	struct sw_rd rd;
	uint16_t list;

	sw_rd_init(&rd, b, n);
	if (n == 0)
		return 0; /* a server echoes an empty server_name; clients should not */
	if (sw_rd_be16(&rd, &list) || list != sw_rd_left(&rd))
		return SW_ERR_INVALID;
	while (sw_rd_left(&rd) > 0) {
		uint8_t type;
		uint16_t l;
		const uint8_t *name;

		if (sw_rd_u8(&rd, &type) || sw_rd_be16(&rd, &l) || sw_rd_view(&rd, &name, l))
			return SW_ERR_INVALID;
		if (type == 0 && h->sni == NULL) {
			h->sni = name;
			h->sni_len = l;
		}
	}
	return 0;
}

static int tls_ext(struct tls_hello *h, uint16_t type, const uint8_t *b, size_t n)
{
	struct sw_rd rd;
	uint16_t l16;
	uint8_t l8;

	switch (type) {
	case EXT_SERVER_NAME:
		h->has_sni_ext = 1;
		return tls_sni(b, n, h);
	case EXT_SUPPORTED_GROUPS:
		return tls_u16_list(b, n, 0, &h->groups);
	case EXT_SIGNATURE_ALGORITHMS:
		return tls_u16_list(b, n, 0, &h->sig_algs);
	case EXT_SUPPORTED_VERSIONS:
		h->has_versions_ext = 1;
		return tls_u16_list(b, n, 1, &h->versions);
	case EXT_EC_POINT_FORMATS:
		sw_rd_init(&rd, b, n);
		if (sw_rd_u8(&rd, &l8) || l8 != sw_rd_left(&rd))
			return SW_ERR_INVALID;
		h->point_formats = sw_rd_ptr(&rd);
		h->n_point_formats = l8;
		return 0;
	case EXT_ALPN:
		sw_rd_init(&rd, b, n);
		if (sw_rd_be16(&rd, &l16) || l16 != sw_rd_left(&rd))
			return SW_ERR_INVALID;
		h->has_alpn_ext = 1;
		h->alpn = sw_rd_ptr(&rd);
		h->alpn_len = l16;
		return 0;
	default:
		return 0;
	}
}

int tls_hello_parse(const uint8_t *body, size_t len, struct tls_hello *h)
{
	struct sw_rd rd, ex;
	uint16_t cs_len, ext_len;
	uint8_t sid_len, comp_len;
	int r;

	memset(h, 0, sizeof(*h));
	sw_rd_init(&rd, body, len);
	if (sw_rd_be16(&rd, &h->legacy_version) || sw_rd_skip(&rd, 32) ||
	    sw_rd_u8(&rd, &sid_len) || sw_rd_skip(&rd, sid_len) ||
	    sw_rd_be16(&rd, &cs_len) || sw_rd_view(&rd, &h->ciphers.p, cs_len) ||
	    sw_rd_u8(&rd, &comp_len) || sw_rd_skip(&rd, comp_len))
		return SW_ERR_TRUNCATED;
	if (sid_len > 32 || (cs_len & 1) || comp_len == 0)
		return SW_ERR_INVALID;
	h->ciphers.n = cs_len / 2;
	if (sw_rd_left(&rd) == 0)
		return 0; /* no extensions (TLS 1.0-era clients) */
	if (sw_rd_be16(&rd, &ext_len) || sw_rd_view(&rd, &h->exts, ext_len))
		return SW_ERR_TRUNCATED;
	h->exts_len = ext_len;
	if (sw_rd_left(&rd) != 0)
		return SW_ERR_INVALID; /* bytes after the extensions */
	sw_rd_init(&ex, h->exts, h->exts_len);
	while (sw_rd_left(&ex) > 0) {
		uint16_t type, l;
		const uint8_t *b;

		if (sw_rd_be16(&ex, &type) || sw_rd_be16(&ex, &l) || sw_rd_view(&ex, &b, l))
			return SW_ERR_TRUNCATED;
		if ((r = tls_ext(h, type, b, l)) != 0)
			return r;
	}
	return 0;
}

int tls_server_hello_parse(const uint8_t *body, size_t len, struct tls_server_hello *sh)
{
	struct sw_rd rd, ex;
	uint16_t ext_len;
	uint8_t sid_len, comp;

	memset(sh, 0, sizeof(*sh));
	sw_rd_init(&rd, body, len);
	if (sw_rd_be16(&rd, &sh->legacy_version) || sw_rd_skip(&rd, 32) ||
	    sw_rd_u8(&rd, &sid_len) || sw_rd_skip(&rd, sid_len) ||
	    sw_rd_be16(&rd, &sh->cipher) || sw_rd_u8(&rd, &comp))
		return SW_ERR_TRUNCATED;
	if (sid_len > 32)
		return SW_ERR_INVALID;
	if (sw_rd_left(&rd) == 0)
		return 0;
	if (sw_rd_be16(&rd, &ext_len) || sw_rd_view(&rd, &sh->exts, ext_len))
		return SW_ERR_TRUNCATED;
	sh->exts_len = ext_len;
	sw_rd_init(&ex, sh->exts, sh->exts_len);
	while (sw_rd_left(&ex) > 0) {
		uint16_t type, l;
		const uint8_t *b;

		if (sw_rd_be16(&ex, &type) || sw_rd_be16(&ex, &l) || sw_rd_view(&ex, &b, l))
			return SW_ERR_TRUNCATED;
		/* the server names one version: no list length */
		if (type == EXT_SUPPORTED_VERSIONS && l == 2)
			sh->selected_version = (uint16_t)(b[0] << 8 | b[1]);
	}
	return 0;
}

int tls_alpn_next(const uint8_t *list, size_t len, size_t *off, const uint8_t **p, size_t *n)
{
	size_t l;

	if (*off >= len)
		return 0;
	l = list[*off];
	if (len - *off - 1 < l)
		return 0;
	*p = list + *off + 1;
	*n = l;
	*off += l + 1;
	return 1;
}

uint16_t tls_hello_version(const struct tls_hello *h)
{
	uint16_t best = 0;
	size_t i;

	for (i = 0; i < h->versions.n; i++) {
		uint16_t v = tls_u16_at(&h->versions, i);

		if (!tls_is_grease(v) && v > best)
			best = v;
	}
	return best != 0 ? best : h->legacy_version;
}

/* The next extension's type from an extensions block already validated
 * by the hello parser; 0 at its end. */
static int tls_ext_next(struct sw_rd *rd, uint16_t *type)
{
	uint16_t l;

	if (sw_rd_be16(rd, type) || sw_rd_be16(rd, &l) || sw_rd_skip(rd, l))
		return 0;
	return 1;
}

/* ---- text builders --------------------------------------------------- */

struct tls_buf {
	char *s;
	size_t len, cap;
};

/* Room was reserved up front, so appends cannot fail; the check stays as
 * a guard against a miscounted reservation. */
static void tb_putc(struct tls_buf *b, char c)
{
	if (b->len + 1 < b->cap)
		b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

/* By hand: snprintf per value was half the cost of a JA3. */
static void tb_dec(struct tls_buf *b, unsigned v)
{
	char tmp[12];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 && n < (int)sizeof(tmp));
	while (n > 0)
		tb_putc(b, tmp[--n]);
}

static void tb_hex4(struct tls_buf *b, uint16_t v)
{
	static const char d[] = "0123456789abcdef";

	tb_putc(b, d[v >> 12]);
	tb_putc(b, d[(v >> 8) & 15]);
	tb_putc(b, d[(v >> 4) & 15]);
	tb_putc(b, d[v & 15]);
}

static int tb_init(struct tls_buf *b, size_t cap)
{
	b->s = malloc(cap);
	b->len = 0;
	b->cap = cap;
	if (b->s == NULL)
		return SW_ERR_NOMEM;
	b->s[0] = '\0';
	return 0;
}

/* Append the non-GREASE values of l in decimal, '-' separated. */
static void tb_dec_list(struct tls_buf *b, const struct tls_u16s *l)
{
	size_t i;
	int first = 1;

	for (i = 0; i < l->n; i++) {
		uint16_t v = tls_u16_at(l, i);

		if (tls_is_grease(v))
			continue;
		if (!first)
			tb_putc(b, '-');
		tb_dec(b, v);
		first = 0;
	}
}

/* Extension types of an extensions block in order, non-GREASE, decimal. */
static void tb_ext_types(struct tls_buf *b, const uint8_t *exts, size_t len)
{
	struct sw_rd rd;
	int first = 1;
	uint16_t type;

	sw_rd_init(&rd, exts, len);
	while (tls_ext_next(&rd, &type)) {
		if (tls_is_grease(type))
			continue;
		if (!first)
			tb_putc(b, '-');
		tb_dec(b, type);
		first = 0;
	}
}

/* An upper bound on the extensions in a block: each takes 4 bytes or more. */
static size_t tls_ext_count(size_t len)
{
	return len / 4;
}

char *tls_ja3(const struct tls_hello *h, char hash[33])
{
	struct tls_buf b;
	size_t i, cap;

	/* at most 6 characters per value ("65535-") plus the 4 commas */
	cap = 6 * (1 + h->ciphers.n + tls_ext_count(h->exts_len) +
	    h->groups.n + h->n_point_formats) + 8;
	if (tb_init(&b, cap) != 0) {
		hash[0] = '\0';
		return NULL;
	}
	tb_dec(&b, h->legacy_version);
	tb_putc(&b, ',');
	tb_dec_list(&b, &h->ciphers);
	tb_putc(&b, ',');
	tb_ext_types(&b, h->exts, h->exts_len);
	tb_putc(&b, ',');
	tb_dec_list(&b, &h->groups);
	tb_putc(&b, ',');
	for (i = 0; i < h->n_point_formats; i++) {
		if (i > 0)
			tb_putc(&b, '-');
		tb_dec(&b, h->point_formats[i]);
	}
	md5_hex((const uint8_t *)b.s, b.len, hash);
	return b.s;
}

char *tls_ja3s(const struct tls_server_hello *sh, char hash[33])
{
	struct tls_buf b;

	if (tb_init(&b, 6 * (2 + tls_ext_count(sh->exts_len)) + 8) != 0) {
		hash[0] = '\0';
		return NULL;
	}
	tb_dec(&b, sh->legacy_version);
	tb_putc(&b, ',');
	tb_dec(&b, sh->cipher);
	tb_putc(&b, ',');
	tb_ext_types(&b, sh->exts, sh->exts_len);
	md5_hex((const uint8_t *)b.s, b.len, hash);
	return b.s;
}

/* ---- JA4 --------------------------------------------------------------- */

static int u16_cmp(const void *a, const void *b)
{
	uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;

	return (x > y) - (x < y);
}

/* Sort v[0..n) ascending. A real ClientHello has a few dozen values, where
 * an insertion sort is cheapest (qsort's merge buffer and indirect compares
 * were 4,900 instructions per list, half of a JA4); a hostile list of up to
 * 32,767 goes to qsort, so the cost stays n log n. */
#define U16_SORT_SMALL 64

static void u16_sort(uint16_t *v, size_t n)
{
	size_t i, j;

	if (n > U16_SORT_SMALL) {
		qsort(v, n, sizeof(*v), u16_cmp);
		return;
	}
	for (i = 1; i < n; i++) {
		uint16_t x = v[i];

		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static const char *ja4_version(uint16_t v)
{
	switch (v) {
	case 0x0304: return "13";
	case 0x0303: return "12";
	case 0x0302: return "11";
	case 0x0301: return "10";
	case 0x0300: return "s3";
	case 0x0002: return "s2";
	case 0xfeff: return "d1";
	case 0xfefd: return "d2";
	case 0xfefc: return "d3";
	default: return "00";
	}
}

static int ja4_alnum(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* First and last character of the first ALPN value (JA4.md, "ALPN
 * Extension Value"): hex digits of the bytes when either is not
 * alphanumeric, "00" when there is none. */
static void ja4_alpn(const struct tls_hello *h, char out[3])
{
	static const char d[] = "0123456789abcdef";
	const uint8_t *p;
	size_t n, off = 0;

	out[0] = out[1] = '0';
	out[2] = '\0';
	if (!h->has_alpn_ext || !tls_alpn_next(h->alpn, h->alpn_len, &off, &p, &n) || n == 0)
		return;
	if (ja4_alnum(p[0]) && ja4_alnum(p[n - 1])) {
		out[0] = (char)p[0];
		out[1] = (char)p[n - 1];
	} else {
		out[0] = d[p[0] >> 4];
		out[1] = d[p[n - 1] & 15];
	}
}

/* First 12 hex digits of SHA-256 of s[0..n). */
static void ja4_hash12(const char *s, size_t n, char out[13])
{
	static const char d[] = "0123456789abcdef";
	uint8_t dg[32];
	int i;

	sha256((const uint8_t *)s, n, dg);
	for (i = 0; i < 6; i++) {
		out[2 * i] = d[dg[i] >> 4];
		out[2 * i + 1] = d[dg[i] & 15];
	}
	out[12] = '\0';
}

/* v[0..n) sorted in place, appended as "%04x" joined by ','. */
static void ja4_sorted_hex(struct tls_buf *b, uint16_t *v, size_t n)
{
	size_t i;

	u16_sort(v, n);
	for (i = 0; i < n; i++) {
		if (i > 0)
			tb_putc(b, ',');
		tb_hex4(b, v[i]);
	}
}

int tls_ja4(const struct tls_hello *h, char out[TLS_JA4_LEN])
{
	size_t next_max = tls_ext_count(h->exts_len);
	size_t nmax = (h->ciphers.n > next_max ? h->ciphers.n : next_max) + 1;
	size_t nc = 0, ne = 0, ne_all = 0, i;
	char alpn[3], bh[13], ch[13];
	uint16_t *v = NULL, type;
	struct tls_buf b = { NULL, 0, 0 };
	struct sw_rd rd;
	int r = SW_ERR_NOMEM;

	out[0] = '\0';
	v = malloc(nmax * sizeof(*v));
	/* 5 characters per value; signature algorithms come after the list */
	if (v == NULL || tb_init(&b, 5 * (nmax + h->sig_algs.n) + 4) != 0)
		goto out;

	/* b: ciphers */
	for (i = 0; i < h->ciphers.n; i++) {
		uint16_t c = tls_u16_at(&h->ciphers, i);

		if (!tls_is_grease(c))
			v[nc++] = c;
	}
	if (nc == 0) {
		memcpy(bh, "000000000000", 13);
	} else {
		ja4_sorted_hex(&b, v, nc);
		ja4_hash12(b.s, b.len, bh);
	}

	/* c: extensions without SNI and ALPN, then signature algorithms */
	sw_rd_init(&rd, h->exts, h->exts_len);
	while (tls_ext_next(&rd, &type)) {
		if (tls_is_grease(type))
			continue;
		ne_all++;
		if (type != EXT_SERVER_NAME && type != EXT_ALPN)
			v[ne++] = type;
	}
	if (ne == 0) {
		memcpy(ch, "000000000000", 13);
	} else {
		int first = 1;

		b.len = 0;
		ja4_sorted_hex(&b, v, ne);
		for (i = 0; i < h->sig_algs.n; i++) {
			uint16_t s = tls_u16_at(&h->sig_algs, i);

			if (tls_is_grease(s))
				continue;
			tb_putc(&b, first ? '_' : ',');
			tb_hex4(&b, s);
			first = 0;
		}
		ja4_hash12(b.s, b.len, ch);
	}
	ja4_alpn(h, alpn);
	/* "t" version d|i, two 2-digit counts, ALPN, "_" b "_" c: 36 chars */
	{
		const char *ver = ja4_version(tls_hello_version(h));
		unsigned c2 = (unsigned)(nc > 99 ? 99 : nc);
		unsigned e2 = (unsigned)(ne_all > 99 ? 99 : ne_all);

		out[0] = 't';
		out[1] = ver[0];
		out[2] = ver[1];
		out[3] = h->has_sni_ext ? 'd' : 'i';
		out[4] = (char)('0' + c2 / 10);
		out[5] = (char)('0' + c2 % 10);
		out[6] = (char)('0' + e2 / 10);
		out[7] = (char)('0' + e2 % 10);
		out[8] = alpn[0];
		out[9] = alpn[1];
		out[10] = '_';
		memcpy(out + 11, bh, 12);
		out[23] = '_';
		memcpy(out + 24, ch, 13);
	}
	r = 0;
out:
	free(v);
	free(b.s);
	return r;
}

/* ---- kept for later ----------------------------------------------------- */

static int same_bytes(const uint8_t *a, const uint8_t *b, size_t n)
{
	return n == 0 || memcmp(a, b, n) == 0;
}

/* Every field tls_ja3 and tls_ja4 read, and has_versions_ext too (cheap,
 * and a reader added later may look at it). The extensions compare as a
 * block: a kept one has types and zero lengths only, so a parsed hello
 * equals no kept one; callers compare kept with kept. */
int tls_hello_same(const struct tls_hello *a, const struct tls_hello *b)
{
	return a->legacy_version == b->legacy_version &&
	    a->has_sni_ext == b->has_sni_ext && a->has_alpn_ext == b->has_alpn_ext &&
	    a->has_versions_ext == b->has_versions_ext &&
	    a->ciphers.n == b->ciphers.n && a->exts_len == b->exts_len &&
	    a->groups.n == b->groups.n && a->sig_algs.n == b->sig_algs.n &&
	    a->versions.n == b->versions.n && a->n_point_formats == b->n_point_formats &&
	    a->alpn_len == b->alpn_len &&
	    same_bytes(a->ciphers.p, b->ciphers.p, 2 * a->ciphers.n) &&
	    same_bytes(a->exts, b->exts, a->exts_len) &&
	    same_bytes(a->groups.p, b->groups.p, 2 * a->groups.n) &&
	    same_bytes(a->sig_algs.p, b->sig_algs.p, 2 * a->sig_algs.n) &&
	    same_bytes(a->versions.p, b->versions.p, 2 * a->versions.n) &&
	    same_bytes(a->point_formats, b->point_formats, a->n_point_formats) &&
	    same_bytes(a->alpn, b->alpn, a->alpn_len);
}

/* Append n bytes to a keep block; NULL-safe for empty views. */
static const uint8_t *keep_put(uint8_t **w, const uint8_t *p, size_t n)
{
	const uint8_t *at = *w;

	if (n > 0)
		memcpy(*w, p, n);
	*w += n;
	return at;
}

/* The extensions block as type + zero length per extension: the
 * fingerprints read only the types from it (and the parsed views). */
static size_t keep_ext_types(const uint8_t *exts, size_t len, uint8_t *out)
{
	struct sw_rd rd;
	uint16_t type;
	size_t n = 0;

	sw_rd_init(&rd, exts, len);
	while (tls_ext_next(&rd, &type)) {
		if (out != NULL) {
			out[n] = (uint8_t)(type >> 8);
			out[n + 1] = (uint8_t)type;
			out[n + 2] = out[n + 3] = 0;
		}
		n += 4;
	}
	return n;
}

uint8_t *tls_hello_keep(const struct tls_hello *h, struct tls_hello *keep, size_t *size)
{
	size_t ne = keep_ext_types(h->exts, h->exts_len, NULL);
	size_t alpn = 0, off = 0, n;
	const uint8_t *p;
	uint8_t *blk, *w;

	/* JA4 reads the first ALPN value only */
	if (h->has_alpn_ext && tls_alpn_next(h->alpn, h->alpn_len, &off, &p, &n))
		alpn = off;
	*size = 2 * h->ciphers.n + ne + 2 * h->groups.n + 2 * h->sig_algs.n +
	    2 * h->versions.n + h->n_point_formats + alpn;
	if ((blk = malloc(*size > 0 ? *size : 1)) == NULL)
		return NULL;
	*keep = *h;
	w = blk;
	keep->ciphers.p = keep_put(&w, h->ciphers.p, 2 * h->ciphers.n);
	keep->exts = w;
	keep->exts_len = keep_ext_types(h->exts, h->exts_len, w);
	w += ne;
	keep->groups.p = keep_put(&w, h->groups.p, 2 * h->groups.n);
	keep->sig_algs.p = keep_put(&w, h->sig_algs.p, 2 * h->sig_algs.n);
	keep->versions.p = keep_put(&w, h->versions.p, 2 * h->versions.n);
	keep->point_formats = keep_put(&w, h->point_formats, h->n_point_formats);
	keep->alpn = keep_put(&w, h->alpn, alpn);
	keep->alpn_len = alpn;
	keep->sni = NULL;
	keep->sni_len = 0;
	return blk;
}

uint8_t *tls_server_hello_keep(const struct tls_server_hello *sh,
    struct tls_server_hello *keep, size_t *size)
{
	uint8_t *blk;

	*size = keep_ext_types(sh->exts, sh->exts_len, NULL);
	if ((blk = malloc(*size > 0 ? *size : 1)) == NULL)
		return NULL;
	*keep = *sh;
	keep->exts = blk;
	keep->exts_len = keep_ext_types(sh->exts, sh->exts_len, blk);
	return blk;
}
