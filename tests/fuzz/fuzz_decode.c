/* fuzz_decode.c: the link/IP/TCP decoder (src/decode.c, src/frag.c) on
 * sequences of frames. Byte 0 picks the link type (every one
 * decode_linktype_supported() accepts) and whether VXLAN/Geneve use
 * non-default ports; then each frame is a 2-byte big-endian length and
 * that many bytes (cut at the end of the input), so that fragments of one
 * datagram can meet. Frames are one second apart on packet time, with
 * fragment expiry run after each, under small fragment caps. A decoded
 * packet's pointers must cover the lengths it claims (ASan checks every
 * byte is readable). */
#include <stdint.h>
#include <string.h>

#include "sw_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int linktypes[] = {
	0, 1, 9, 12, 14, 50, 101, 104, 108, 113, 228, 229, 276,
};
#define NLINKTYPES (sizeof(linktypes) / sizeof(linktypes[0]))

static volatile uint32_t sink;

static void on_anomaly(void *ctx, const struct sw_anomaly *a)
{
	(void)ctx;
	sink += (uint32_t)strlen(a->event);
	if (a->detail != NULL)
		sink += (uint32_t)strlen(a->detail);
}

static void touch(const uint8_t *p, uint32_t n)
{
	uint32_t i, x = 0;

	for (i = 0; i < n; i++)
		x += p[i];
	sink += x;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sw_counters_decode c;
	struct sw_anomaly_sink as = { on_anomaly, NULL };
	struct sw_limits l;
	struct sw_decoder *d;
	size_t off = 1;
	uint64_t ts = 1000000;
	int lt;

	if (size < 1)
		return 0;
	lt = linktypes[(data[0] & 0x7f) % NLINKTYPES];
	sw_limits_default(&l);
	l.frag_max_datagrams = 4;
	l.frag_memcap = 16384;
	l.frag_timeout = 5;
	memset(&c, 0, sizeof(c));
	d = decode_new(&l, &c, &as);
	if (d == NULL)
		return 0;
	if (data[0] & 0x80) {
		struct sw_udp_tunnel_ports tp = { { 53, 0 }, { 2152 }, 2, 1 };

		decode_set_udp_tunnel_ports(d, &tp);
	}
	while (off + 2 <= size) {
		struct sw_pkt p;
		size_t n = (size_t)data[off] << 8 | data[off + 1];

		off += 2;
		if (n > size - off)
			n = size - off;
		memset(&p, 0, sizeof(p));
		switch (decode_packet(d, lt, ts, data + off, (uint32_t)n, (uint32_t)n + (data[0] & 1) * 100, &p)) {
		case SW_DECODE_OK:
			if (p.ip_version != 4 && p.ip_version != 6)
				__builtin_trap();
			if (p.payload_len > p.payload_wire_len)
				__builtin_trap();
			if (p.l3 != NULL)
				touch(p.l3, p.l3_len);
			if (p.payload_len > 0) {
				if (p.payload == NULL)
					__builtin_trap();
				touch(p.payload, p.payload_len);
			}
			break;
		case SW_DECODE_NOT_IP:
		case SW_DECODE_HELD:
		case SW_DECODE_BAD:
			break;
		default:
			__builtin_trap();
		}
		off += n;
		ts += 1000000;
		decode_expire(d, ts);
	}
	decode_free(d);
	return 0;
}
