/* stratum-frame.h: newline framing of one direction of a Stratum stream.
 *
 * Implements reference/stratum.md section 2 (one JSON object per LF-ended
 * line, optional CR, blank lines skipped) with the line discipline of
 * Suricata's SMTP parser (SMTPGetLine): a hard line cap, a "discard until
 * LF" state for lines that run past it, and resynchronisation after capture
 * loss. The framer consumes every byte it is given: lines that fit in one
 * slice are handed out in place (zero copy); only a line that spans slices
 * is copied, into a buffer that never grows past the line cap.
 *
 *   slice:  ...tail of a line\n{"id":1,...}\n{"id":2,"meth
 *           |<- buffered ->|  |<- in place ->|  |<- buffered (partial) ->|
 */
#ifndef STRATUM_FRAME_H
#define STRATUM_FRAME_H

#include <stddef.h>
#include <stdint.h>

enum stratum_frame_ev {
	STRATUM_FRAME_LINE = 0,   /* a complete non-blank line (no LF, no CR) */
	STRATUM_FRAME_OVERLONG,   /* a line passed the cap: it is being discarded
	                             (reported once per overlong line) */
	STRATUM_FRAME_RESYNC,     /* a gap dropped a partial line or the bytes
	                             up to the next LF */
	STRATUM_FRAME_EOF_PARTIAL,/* EOF arrived in the middle of a line, which
	                             was dropped (line/n hold what was buffered) */
};

/* Called for each event; a non-zero return stops the feed and is returned
 * by stratum_frame_feed(). line/n are valid only during the call. */
typedef int (*stratum_frame_cb)(void *ctx, enum stratum_frame_ev ev,
    const uint8_t *line, size_t n);

/* Two per Stratum flow, held for its life: 32-bit sizes (a line cap past
 * 4 GiB is taken as UINT32_MAX), and no counters of its own (the events
 * reach the callback, which counts them). */
struct stratum_framer {
	uint8_t *buf;       /* partial line carried between slices */
	uint32_t len, cap;  /* cap never exceeds max_line */
	uint32_t max_line;  /* bytes before the LF (a CR included) */
	uint8_t discard;    /* inside an overlong line: drop until LF */
	uint8_t resync;     /* after a gap: drop until LF */
};

/* Prepare f for lines of at most max_line bytes (0 means 65536, more than
 * UINT32_MAX means UINT32_MAX). Allocates nothing. */
void stratum_frame_init(struct stratum_framer *f, size_t max_line);

/* Release the carry buffer; f can be fed again (it starts empty). */
void stratum_frame_free(struct stratum_framer *f);

/* Feed len bytes with SW_SLICE_* flags. GAP (before data[0]) drops any
 * partial line and everything up to the next LF; EOF (after the data)
 * drops a trailing partial line and reports it. Returns 0, SW_ERR_NOMEM
 * when the carry buffer cannot be allocated (the partial line is dropped
 * and the framer resynchronises at the next LF), or the first non-zero
 * value the callback returned (the rest of the data is not looked at). */
int stratum_frame_feed(struct stratum_framer *f, const uint8_t *data,
    size_t len, uint8_t flags, stratum_frame_cb cb, void *ctx);

/* f holds nothing and waits for no LF: feeding it an empty slice without a
 * gap, an end-of-stream one too, leaves it as it is and calls nothing. */
static inline int stratum_frame_empty(const struct stratum_framer *f)
{
	return f->len == 0 && f->buf == NULL && !f->discard && !f->resync;
}

/* Heap bytes held. Inline: the dispatcher asks for the state's size after
 * every slice (app_memcap), two framers a Stratum flow. */
static inline size_t stratum_frame_heap(const struct stratum_framer *f)
{
	return f->cap;
}

#endif
