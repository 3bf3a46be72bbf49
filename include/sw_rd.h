/* sw_rd.h: bounds-checked reader over untrusted bytes.
 *
 * Every byte that came from the wire or a file is read through one of these
 * (tcpdump's GET_* discipline, but with return codes instead of longjmp, as
 * OpenSSH's sshbuf does, because our dissectors hold state that a longjmp
 * would leak). Each function returns 0 or SW_ERR_TRUNCATED and never moves
 * the offset past len. Checks compare lengths (len - off >= n), never
 * computed pointers, so the compiler cannot fold them away.
 *
 *   p                          p+off                      p+len
 *   |<------- consumed ------->|<------ sw_rd_left() ----->|
 */
#ifndef SW_RD_H
#define SW_RD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "sw_err.h"

struct sw_rd {
	const uint8_t *p;
	size_t len;
	size_t off;
};

static inline void sw_rd_init(struct sw_rd *r, const uint8_t *p, size_t len)
{
	r->p = p;
	r->len = len;
	r->off = 0;
}

static inline size_t sw_rd_left(const struct sw_rd *r)
{
	return r->len - r->off;
}

static inline const uint8_t *sw_rd_ptr(const struct sw_rd *r)
{
	return r->p + r->off;
}

static inline int sw_rd_has(const struct sw_rd *r, size_t n)
{
	return r->len - r->off >= n;
}

static inline int sw_rd_skip(struct sw_rd *r, size_t n)
{
	if (!sw_rd_has(r, n))
		return SW_ERR_TRUNCATED;
	r->off += n;
	return 0;
}

static inline int sw_rd_u8(struct sw_rd *r, uint8_t *v)
{
	if (!sw_rd_has(r, 1))
		return SW_ERR_TRUNCATED;
	*v = r->p[r->off];
	r->off += 1;
	return 0;
}

static inline int sw_rd_be16(struct sw_rd *r, uint16_t *v)
{
	if (!sw_rd_has(r, 2))
		return SW_ERR_TRUNCATED;
	*v = (uint16_t)((uint16_t)r->p[r->off] << 8 | r->p[r->off + 1]);
	r->off += 2;
	return 0;
}

static inline int sw_rd_le16(struct sw_rd *r, uint16_t *v)
{
	if (!sw_rd_has(r, 2))
		return SW_ERR_TRUNCATED;
	*v = (uint16_t)((uint16_t)r->p[r->off + 1] << 8 | r->p[r->off]);
	r->off += 2;
	return 0;
}

static inline int sw_rd_be24(struct sw_rd *r, uint32_t *v)
{
	if (!sw_rd_has(r, 3))
		return SW_ERR_TRUNCATED;
	*v = (uint32_t)r->p[r->off] << 16 | (uint32_t)r->p[r->off + 1] << 8 |
	    r->p[r->off + 2];
	r->off += 3;
	return 0;
}

static inline int sw_rd_be32(struct sw_rd *r, uint32_t *v)
{
	if (!sw_rd_has(r, 4))
		return SW_ERR_TRUNCATED;
	*v = (uint32_t)r->p[r->off] << 24 | (uint32_t)r->p[r->off + 1] << 16 |
	    (uint32_t)r->p[r->off + 2] << 8 | r->p[r->off + 3];
	r->off += 4;
	return 0;
}

static inline int sw_rd_le32(struct sw_rd *r, uint32_t *v)
{
	if (!sw_rd_has(r, 4))
		return SW_ERR_TRUNCATED;
	*v = (uint32_t)r->p[r->off + 3] << 24 | (uint32_t)r->p[r->off + 2] << 16 |
	    (uint32_t)r->p[r->off + 1] << 8 | r->p[r->off];
	r->off += 4;
	return 0;
}

/* Copy n bytes out. */
static inline int sw_rd_bytes(struct sw_rd *r, void *dst, size_t n)
{
	if (!sw_rd_has(r, n))
		return SW_ERR_TRUNCATED;
	memcpy(dst, r->p + r->off, n);
	r->off += n;
	return 0;
}

/* Zero-copy view of the next n bytes (OpenSSH's "direct" variant). */
static inline int sw_rd_view(struct sw_rd *r, const uint8_t **v, size_t n)
{
	if (!sw_rd_has(r, n))
		return SW_ERR_TRUNCATED;
	*v = r->p + r->off;
	r->off += n;
	return 0;
}

/* Peek without consuming. */
static inline int sw_rd_peek_u8(const struct sw_rd *r, size_t at, uint8_t *v)
{
	if (at >= r->len - r->off)
		return SW_ERR_TRUNCATED;
	*v = r->p[r->off + at];
	return 0;
}

/* A line ending in LF: *line/ *n cover it without the LF (and without one
 * CR before it). Returns SW_ERR_TRUNCATED, consuming nothing, if no LF is
 * within the remaining bytes. */
static inline int sw_rd_line(struct sw_rd *r, const uint8_t **line, size_t *n)
{
	const uint8_t *s = r->p + r->off;
	const uint8_t *lf = memchr(s, '\n', r->len - r->off);
	size_t l;

	if (lf == NULL)
		return SW_ERR_TRUNCATED;
	l = (size_t)(lf - s);
	r->off += l + 1;
	if (l > 0 && s[l - 1] == '\r')
		l--;
	*line = s;
	*n = l;
	return 0;
}

#endif
