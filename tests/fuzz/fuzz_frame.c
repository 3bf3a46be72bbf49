/* fuzz_frame.c: the Stratum line framer (dissectors/stratum-frame.c) on
 * its own. Byte 0 seeds how the rest is cut into slices and which slices
 * follow a gap; byte 1 picks the line cap (1..256 bytes, small so that
 * overlong lines and carried partial lines are common). Checks the
 * framer's promises: a line has no LF and fits the cap, the carry buffer
 * never grows past the cap, the callback's stop value is returned. */
#include <stdint.h>
#include <string.h>

#include "stratum-frame.h"
#include "sw_slice.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct frame_check {
	size_t max_line;
	int stop_after;         /* return 7 from the callback on this event */
	int events;
};

static int on_event(void *ctx, enum stratum_frame_ev ev, const uint8_t *line, size_t n)
{
	struct frame_check *fc = ctx;
	volatile uint8_t sink = 0;
	size_t i;

	switch (ev) {
	case STRATUM_FRAME_LINE:
		if (n == 0 || n > fc->max_line || memchr(line, '\n', n) != NULL)
			__builtin_trap();
		break;
	case STRATUM_FRAME_EOF_PARTIAL:
		if (n > fc->max_line)
			__builtin_trap();
		break;
	case STRATUM_FRAME_OVERLONG:
	case STRATUM_FRAME_RESYNC:
		break;
	default:
		__builtin_trap();
	}
	for (i = 0; i < n; i++) /* every byte handed out is readable */
		sink ^= line[i];
	(void)sink;
	return ++fc->events == fc->stop_after ? 7 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stratum_framer f;
	struct frame_check fc;
	uint32_t rng;
	size_t off = 2;

	if (size < 2)
		return 0;
	memset(&fc, 0, sizeof(fc));
	fc.max_line = 1 + data[1];
	fc.stop_after = data[1] == 255 ? 3 : -1;
	stratum_frame_init(&f, fc.max_line);
	rng = data[0] * 2654435761u + 1;
	while (off <= size) {
		size_t n;
		uint8_t flags = 0;
		int rc;

		rng = rng * 1103515245u + 12345u;
		n = (rng >> 16) % 300;
		if (n > size - off)
			n = size - off;
		if (((rng >> 8) & 15) == 0)
			flags |= SW_SLICE_GAP;
		if (off + n == size)
			flags |= SW_SLICE_EOF;
		rc = stratum_frame_feed(&f, data + off, n, flags, on_event, &fc);
		if (rc != 0 && rc != 7)
			break; /* SW_ERR_NOMEM */
		if (f.cap > fc.max_line || f.len > f.cap)
			__builtin_trap();
		off += n;
		if (flags & SW_SLICE_EOF)
			break;
	}
	(void)stratum_frame_heap(&f);
	stratum_frame_free(&f);
	return 0;
}
