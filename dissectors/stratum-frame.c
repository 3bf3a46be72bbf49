/* stratum-frame.c: LF framing with a line cap for Stratum streams
 * (reference/stratum.md section 2; design notes in stratum-frame.h). */
#include <stdlib.h>
#include <string.h>

#include "sw_err.h"
#include "sw_slice.h"
#include "stratum-frame.h"

#define FRAME_DEFAULT_MAX 65536
#define FRAME_MIN_CAP 256

void stratum_frame_init(struct stratum_framer *f, size_t max_line)
{
	memset(f, 0, sizeof(*f));
	if (max_line == 0)
		max_line = FRAME_DEFAULT_MAX;
	f->max_line = max_line < UINT32_MAX ? (uint32_t)max_line : UINT32_MAX;
}

void stratum_frame_free(struct stratum_framer *f)
{
	free(f->buf);
	f->buf = NULL;
	f->len = 0;
	f->cap = 0;
}

/* Make room for want bytes (want <= max_line, checked by the callers).
 * Returns 0 or SW_ERR_NOMEM. Growth doubles, so a line that trickles in one
 * byte per slice costs O(n) copies overall. */
static int frame_reserve(struct stratum_framer *f, size_t want)
{
	size_t ncap;
	uint8_t *nb;

	if (want <= f->cap)
		return 0;
	ncap = f->cap ? f->cap : FRAME_MIN_CAP;
	while (ncap < want)
		ncap *= 2;
	if (ncap > f->max_line)
		ncap = f->max_line;
	nb = realloc(f->buf, ncap);
	if (nb == NULL)
		return SW_ERR_NOMEM;
	f->buf = nb;
	f->cap = (uint32_t)ncap; /* <= max_line */
	return 0;
}

/* A line is blank when it holds only spaces, tabs and CRs; xmrig and
 * MoneroOcean skip such lines, and so do we (no event). */
static int frame_blank(const uint8_t *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

/* Deliver one complete line (without its LF). (Inlined: once a line.) */
static inline __attribute__((always_inline)) int
frame_emit(const uint8_t *s, size_t n, stratum_frame_cb cb, void *ctx)
{
	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (frame_blank(s, n))
		return 0;
	return cb(ctx, STRATUM_FRAME_LINE, s, n);
}

int stratum_frame_feed(struct stratum_framer *f, const uint8_t *data,
    size_t len, uint8_t flags, stratum_frame_cb cb, void *ctx)
{
	size_t off = 0;
	int r;

	if (flags & SW_SLICE_GAP) {
		/* The bytes before data[0] are lost: whatever was buffered
		 * cannot be completed, and data[0] is probably mid-line. */
		f->len = 0;
		f->discard = 0;
		f->resync = 1;
		if ((r = cb(ctx, STRATUM_FRAME_RESYNC, NULL, 0)) != 0)
			return r;
	}
	while (off < len) {
		const uint8_t *p = data + off;
		size_t left = len - off;
		const uint8_t *lf = memchr(p, '\n', left);
		size_t seg;

		if (f->discard || f->resync) {
			if (lf == NULL)
				break;
			off += (size_t)(lf - p) + 1;
			f->discard = 0;
			f->resync = 0;
			continue;
		}
		seg = lf != NULL ? (size_t)(lf - p) : left;
		if (seg > f->max_line || f->len > f->max_line - seg) {
			/* Over the cap: report once, then drop this line
			 * up to its LF (which may be in this slice). */
			f->len = 0;
			if ((r = cb(ctx, STRATUM_FRAME_OVERLONG, NULL, 0)) != 0)
				return r;
			if (lf == NULL) {
				f->discard = 1;
				break;
			}
			off += seg + 1;
			continue;
		}
		if (lf == NULL) {
			/* Partial line: carry it to the next slice. */
			if (frame_reserve(f, f->len + seg) != 0) {
				f->len = 0;
				f->discard = 1;
				return SW_ERR_NOMEM;
			}
			memcpy(f->buf + f->len, p, seg);
			f->len += (uint32_t)seg; /* <= max_line, checked above */
			break;
		}
		off += seg + 1;
		if (f->len == 0) {
			r = frame_emit(p, seg, cb, ctx);
		} else {
			if (frame_reserve(f, f->len + seg) != 0) {
				f->len = 0;
				return SW_ERR_NOMEM;
			}
			memcpy(f->buf + f->len, p, seg);
			f->len += (uint32_t)seg; /* <= max_line, checked above */
			r = frame_emit(f->buf, f->len, cb, ctx);
			f->len = 0;
		}
		if (r != 0)
			return r;
	}
	if (f->len == 0 && f->buf != NULL && !(flags & SW_SLICE_EOF)) {
		/* Nothing carried: give the buffer back. A line split across
		 * segments is the exception, and a long session kept its
		 * buffer (256 bytes or more per direction) to its end. */
		stratum_frame_free(f);
	}
	if (flags & SW_SLICE_EOF) {
		size_t n = f->len;

		f->len = 0;
		f->discard = 0;
		f->resync = 0;
		r = 0;
		if (n > 0 && !frame_blank(f->buf, n))
			r = cb(ctx, STRATUM_FRAME_EOF_PARTIAL, f->buf, n);
		stratum_frame_free(f);
		return r;
	}
	return 0;
}
