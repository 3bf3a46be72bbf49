/* fuzz_reasm.c: TCP reassembly (src/reasm.c) through its real API on
 * arbitrary segment sequences, both directions, with a dissector-like
 * consumer that takes all, none, up to the last LF, or half of a slice.
 *
 * Input: 4 bytes of initial sequence number, 1 configuration byte (depth,
 * segment cap), then 5-byte records:
 *   ctl  bit 0 direction; bit 1 SYN; bit 2 FIN; bit 3 this record is a
 *        pure ACK from the other direction (reasm_peer_ack); bit 4
 *        reasm_dir_start_acked; bit 5 end the direction (reasm_finish);
 *        bits 6-7 the consumer's mode for this direction
 *   d0 d1  signed 16-bit sequence (or ack) offset from the direction's ISN
 *   len  payload bytes (the payload is a function of the sequence number)
 *   aux  bit 0: the payload differs from the first copy (overlap test)
 *
 * Checks, besides the sanitizers: slices of a direction are contiguous
 * (each starts where the consumer stopped, or later with GAP), none
 * follows EOF, bytes are those sent at that sequence number (unless
 * differing copies were sent), the memory accounting stays under the cap
 * and returns to 0. */
#include <stdint.h>
#ifdef FUZZ_DEBUG
#include <stdio.h>
#endif
#include <string.h>

#include "sw_reasm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct consumer {
	struct sw_reasm_dir *d;
	uint64_t expect;        /* offset of the first byte not consumed */
	int mode;
	int eof;
	int started;
	int check_bytes;        /* no differing copies: bytes are predictable */
};

static uint8_t pattern(uint32_t seq)
{
	return (uint8_t)(seq * 131u + (seq >> 8));
}

static size_t consume(void *arg, const struct sw_slice *s)
{
	struct consumer *c = arg;
	uint32_t start = c->d->next_seq - (uint32_t)c->d->next_off;
	const uint8_t *lf;
	size_t i;

#ifdef FUZZ_DEBUG
	fprintf(stderr, "slice dir %d off %llu len %zu flags %#x expect %llu mode %d\n", s->dir,
	    (unsigned long long)s->offset, s->len, s->flags, (unsigned long long)c->expect, c->mode);
#endif
	if (c->eof)
		__builtin_trap();        /* a slice after EOF */
	if (c->started && !(s->flags & SW_SLICE_GAP) && s->offset != c->expect)
		__builtin_trap();        /* bytes lost or repeated without a GAP */
	if (c->started && s->offset < c->expect)
		__builtin_trap();        /* consumed bytes presented again */
	if (s->len > 0 && s->data == NULL)
		__builtin_trap();
	for (i = 0; i < s->len; i++)
		if (c->check_bytes && s->data[i] != pattern(start + (uint32_t)(s->offset + i)))
			__builtin_trap();
	c->started = 1;
	if (s->flags & SW_SLICE_EOF)
		c->eof = 1;
	switch (c->mode) {
	case 0:
		i = s->len;
		break;
	case 1:
		i = 0;
		break;
	case 2:
		lf = s->len ? memchr(s->data, '\n', s->len) : NULL;
		i = lf ? (size_t)(lf - s->data) + 1 : 0;
		break;
	default:
		i = s->len / 2;
		break;
	}
	c->expect = s->offset + i;
	return i;
}

static volatile uint32_t sink;

static void on_anomaly(void *ctx, const struct sw_anomaly *a)
{
	(void)ctx;
	sink += (uint32_t)strlen(a->event);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sw_counters_reasm counters;
	struct sw_anomaly_sink as = { on_anomaly, NULL };
	struct sw_reasm_ctx ctx;
	struct sw_reasm_dir dirs[2];
	struct consumer cons[2];
	struct sw_limits l;
	uint8_t payload[256];
	uint32_t isn[2];
	uint64_t ts = 1;
	size_t off = 5;
	int i;

	if (size < 5)
		return 0;
	isn[0] = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 | (uint32_t)data[2] << 8 | data[3];
	isn[1] = isn[0] * 2654435761u;
	sw_limits_default(&l);
	l.reasm_depth = (data[4] & 3) == 0 ? 0 : (size_t)1 << (8 + 2 * (data[4] & 3));
	l.reasm_max_segments = 1 + ((data[4] >> 2) & 15);
	l.reasm_max_unparsed = (data[4] & 0x40) ? 300 : 4096;
	l.reasm_memcap = (data[4] & 0x80) ? 2048 : 65536;
	memset(&counters, 0, sizeof(counters));
	ctx.limits = &l;
	ctx.counters = &counters;
	ctx.mem_used = 0;
	memset(cons, 0, sizeof(cons));
	for (i = 0; i < 2; i++) {
		reasm_dir_init(&dirs[i]);
		cons[i].d = &dirs[i];
		cons[i].check_bytes = 1;
	}
	while (off + 5 <= size) {
		const uint8_t *r = data + off;
		int dir = r[0] & 1;
		int16_t delta = (int16_t)((uint16_t)r[1] << 8 | r[2]);
		uint32_t seq = isn[dir] + (uint32_t)(int32_t)delta;
		uint8_t flags = 0;
		size_t len = r[3], k;

		off += 5;
		ts += 1000;
		cons[dir].mode = r[0] >> 6;
		if (r[0] & 0x08) {
			reasm_peer_ack(&ctx, &dirs[dir], dir, seq, ts, consume, &cons[dir], &as);
		} else if (r[0] & 0x10) {
			reasm_dir_start_acked(&dirs[dir], seq);
		} else if (r[0] & 0x20) {
			reasm_finish(&ctx, &dirs[dir], dir, ts, consume, &cons[dir], &as);
		} else {
			if (r[0] & 0x02)
				flags |= 0x02; /* SYN */
			if (r[0] & 0x04)
				flags |= 0x01; /* FIN */
			flags |= 0x10;         /* ACK */
			/* a SYN takes a sequence number: its data starts after it */
			for (k = 0; k < len; k++)
				payload[k] = pattern(seq + (uint32_t)k + ((flags & 0x02) ? 1 : 0)) ^
				    ((r[4] & 1) ? 0x5a : 0);
			if (r[4] & 1)
				cons[dir].check_bytes = 0;
			reasm_segment(&ctx, &dirs[dir], dir, seq, flags, payload, len, ts,
			    consume, &cons[dir], &as);
		}
		if (ctx.mem_used > l.reasm_memcap)
			__builtin_trap();
	}
	for (i = 0; i < 2; i++)
		reasm_finish(&ctx, &dirs[i], i, ts, consume, &cons[i], &as);
	for (i = 0; i < 2; i++)
		reasm_dir_free(&ctx, &dirs[i]);
	if (ctx.mem_used != 0)
		__builtin_trap();
	return 0;
}
