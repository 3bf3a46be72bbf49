/* md5.h: MD5 (RFC 1321), only for JA3/JA3S fingerprints.
 *
 * JA3 is defined as the MD5 of a text string; MD5 is used here as a naming
 * function, never for anything that needs collision resistance. */
#ifndef SW_MD5_H
#define SW_MD5_H

#include <stddef.h>
#include <stdint.h>

/* out = MD5(in[0..n)). Pure, no allocation. */
void md5(const uint8_t *in, size_t n, uint8_t out[16]);

/* hex = lowercase hex of MD5(in[0..n)), NUL-terminated (33 bytes). */
void md5_hex(const uint8_t *in, size_t n, char hex[33]);

#endif
