/* stratum-sv2.h: recognise Stratum V2 (reference/stratum.md section 6):
 * a plaintext SetupConnection frame, or the Noise NX handshake sizes. */
#ifndef STRATUM_SV2_H
#define STRATUM_SV2_H

#include <stddef.h>
#include <stdint.h>

#define STRATUM_SV2_HDR 6
#define STRATUM_SV2_SETUP_MAX (STRATUM_SV2_HDR + 1 + 2 + 2 + 4 + 6 * 256 + 2)
#define STRATUM_SV2_NOISE_C2S 64  /* ElligatorSwift ephemeral key */
#define STRATUM_SV2_NOISE_S2C 234 /* 64 + 80 + 90 (SRI noise_sv2) */

struct stratum_sv2_setup {
	uint8_t protocol;          /* 0 mining, 1 job declaration, 2 template */
	uint32_t flags;
	char endpoint_host[256];
	uint16_t endpoint_port;
	char vendor[256];
	char firmware[256];
};

/* Parse a SetupConnection frame at p[0..n). Returns 1 with *out filled
 * when p starts with a complete, well-formed one (header ext_type 0,
 * msg_type 0, payload fields ending exactly at msg_length), 0 when p is a
 * valid prefix of one (need more bytes), -1 when it is not one. */
int stratum_sv2_setup(const uint8_t *p, size_t n, struct stratum_sv2_setup *out);

#endif
