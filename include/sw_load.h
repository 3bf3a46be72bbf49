/* sw_load.h: fixed-size loads from our own buffers (a digest, a flow's
 * addresses), whose size the type already guarantees; bytes from the
 * wire go through sw_rd.h instead. */
#ifndef SW_LOAD_H
#define SW_LOAD_H

#include <stdint.h>

/* Four bytes at p as a big-endian number (one load and a byte swap). */
static inline uint32_t sw_load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Eight bytes at p as a big-endian number, on any host (GCC and Clang
 * make it one load and a byte swap). Numbers compare as memcmp orders
 * the bytes. */
static inline uint64_t sw_load_be64(const uint8_t *p)
{
	return (uint64_t)p[0] << 56 | (uint64_t)p[1] << 48 | (uint64_t)p[2] << 40 |
	    (uint64_t)p[3] << 32 | (uint64_t)p[4] << 24 | (uint64_t)p[5] << 16 |
	    (uint64_t)p[6] << 8 | p[7];
}

#endif
