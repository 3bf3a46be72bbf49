/* stratum-sv2.c: Stratum V2 SetupConnection recognition (sv2-spec
 * chapters 03-04 as summarised in reference/stratum.md section 6.1).
 *
 *   0      2        3            6
 *   | ext  | msg    | msg_length | protocol | min_ver | max_ver | flags |
 *   | u16  | u8=0x00| u24 LE     | u8       | u16 LE=2| u16 LE=2| u32   |
 *   | endpoint_host STR0_255 | endpoint_port u16 | vendor | hardware_version
 *   | firmware | device_id (all STR0_255) |
 * All reads go through sw_rd. */
#include <string.h>

#include "sw_rd.h"
#include "stratum-sv2.h"

static int sv2_str(struct sw_rd *r, char *dst, size_t cap)
{
	uint8_t n;
	const uint8_t *v;

	if (sw_rd_u8(r, &n) != 0 || sw_rd_view(r, &v, n) != 0)
		return -1;
	if (dst != NULL) {
		size_t k = n < cap - 1 ? n : cap - 1;

		memcpy(dst, v, k);
		dst[k] = '\0';
		/* An embedded NUL would silently cut the name: refuse. */
		if (memchr(v, '\0', n) != NULL)
			return -1;
	}
	return 0;
}

int stratum_sv2_setup(const uint8_t *p, size_t n, struct stratum_sv2_setup *out)
{
	struct sw_rd r, pl;
	uint16_t ext, minv, maxv, port;
	uint8_t type, proto;
	uint32_t len, flags;
	const uint8_t *payload;

	sw_rd_init(&r, p, n);
	/* Check what is present of the fixed prefix before asking for more:
	 * a wrong early byte must fail at once. */
	if (n >= 1 && p[0] != 0)
		return -1;
	if (n >= 2 && p[1] != 0)
		return -1;
	if (n >= 3 && p[2] != 0)
		return -1;
	if (sw_rd_le16(&r, &ext) != 0 || sw_rd_u8(&r, &type) != 0)
		return 0;
	if (ext != 0 || type != 0) /* checked bytewise above */
		return -1;
	if (!sw_rd_has(&r, 3))
		return 0;
	len = (uint32_t)p[3] | (uint32_t)p[4] << 8 | (uint32_t)p[5] << 16;
	(void)sw_rd_skip(&r, 3);
	if (len < 1 + 2 + 2 + 4 + 1 + 2 + 4 || len > STRATUM_SV2_SETUP_MAX - STRATUM_SV2_HDR)
		return -1;
	if (n >= 7 && p[6] > 2)
		return -1;
	if (n >= 11 && (p[7] != 2 || p[8] != 0 || p[9] != 2 || p[10] != 0))
		return -1;
	if (sw_rd_view(&r, &payload, len) != 0)
		return 0;
	sw_rd_init(&pl, payload, len);
	memset(out, 0, sizeof(*out));
	if (sw_rd_u8(&pl, &proto) != 0 || sw_rd_le16(&pl, &minv) != 0 ||
	    sw_rd_le16(&pl, &maxv) != 0 || sw_rd_le32(&pl, &flags) != 0)
		return -1;
	if (proto > 2 || minv != 2 || maxv != 2)
		return -1;
	out->protocol = proto;
	out->flags = flags;
	if (sv2_str(&pl, out->endpoint_host, sizeof(out->endpoint_host)) != 0 ||
	    sw_rd_le16(&pl, &port) != 0 ||
	    sv2_str(&pl, out->vendor, sizeof(out->vendor)) != 0 ||
	    sv2_str(&pl, NULL, 0) != 0 ||
	    sv2_str(&pl, out->firmware, sizeof(out->firmware)) != 0 ||
	    sv2_str(&pl, NULL, 0) != 0)
		return -1;
	out->endpoint_port = port;
	/* The fields must fill the frame exactly. */
	return sw_rd_left(&pl) == 0 ? 1 : -1;
}
