/* test_stratum_frame.c: unit tests of the Stratum line framer
 * (dissectors/stratum-frame.c, reference/stratum.md section 2).
 *
 * Every input is fed whole, split in two at every byte offset, and in
 * 1-byte slices; the event log must be identical each time. Inputs sit
 * flush against a PROT_NONE page so an over-read crashes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_slice.h"
#include "sw_test.h"
#include "../../dissectors/stratum-frame.h"

/* Event log: "L<len>:<bytes>|", "O|", "R|", "E<len>|". */
struct log {
	char buf[8192];
	size_t len;
	int stop_after; /* stop the feed after this many events (0: never) */
	int events;
};

static void log_put(struct log *l, const char *s, size_t n)
{
	if (n > sizeof(l->buf) - 1 - l->len)
		n = sizeof(l->buf) - 1 - l->len;
	memcpy(l->buf + l->len, s, n);
	l->len += n;
	l->buf[l->len] = '\0';
}

static int log_cb(void *ctx, enum stratum_frame_ev ev, const uint8_t *line, size_t n)
{
	struct log *l = ctx;
	char tmp[32];

	switch (ev) {
	case STRATUM_FRAME_LINE:
		snprintf(tmp, sizeof(tmp), "L%zu:", n);
		log_put(l, tmp, strlen(tmp));
		log_put(l, (const char *)line, n > 64 ? 64 : n);
		log_put(l, "|", 1);
		break;
	case STRATUM_FRAME_OVERLONG:
		log_put(l, "O|", 2);
		break;
	case STRATUM_FRAME_RESYNC:
		log_put(l, "R|", 2);
		break;
	case STRATUM_FRAME_EOF_PARTIAL:
		snprintf(tmp, sizeof(tmp), "E%zu|", n);
		log_put(l, tmp, strlen(tmp));
		break;
	}
	l->events++;
	if (l->stop_after && l->events >= l->stop_after)
		return 42;
	return 0;
}

/* Feed s as the given list of cut points (sorted, each < n), EOF on the
 * last slice when eof is set; return the log. */
static void feed_cuts(const char *s, size_t n, const size_t *cuts, size_t ncuts,
    size_t max_line, int eof, struct log *out)
{
	struct stratum_framer f;
	struct sw_guarded g;
	size_t prev = 0, i;
	const uint8_t *d = sw_guarded_copy(&g, s, n);

	memset(out, 0, sizeof(*out));
	stratum_frame_init(&f, max_line);
	for (i = 0; i <= ncuts; i++) {
		size_t end = i < ncuts ? cuts[i] : n;
		uint8_t fl = (i == ncuts && eof) ? SW_SLICE_EOF : 0;
		/* Each piece goes into its own guarded page as well, so the
		 * framer cannot read past a slice's end either. */
		struct sw_guarded gp;
		const uint8_t *piece = sw_guarded_copy(&gp, d + prev, end - prev);

		FAIL_IF(stratum_frame_feed(&f, piece, end - prev, fl, log_cb, out) != 0);
		sw_guarded_free(&gp);
		prev = end;
	}
	FAIL_IF(f.cap > (max_line ? max_line : 65536));
	stratum_frame_free(&f);
	sw_guarded_free(&g);
}

/* The log for s must be the same fed whole, at every split, and bytewise. */
static void check_splits(const char *name, const char *s, size_t max_line, int eof,
    const char *expect)
{
	size_t n = strlen(s), k;
	struct log whole, part;
	size_t *cuts;

	feed_cuts(s, n, NULL, 0, max_line, eof, &whole);
	if (expect != NULL && strcmp(whole.buf, expect) != 0) {
		fprintf(stderr, "%s: got   %s\n%s: want  %s\n", name, whole.buf, name, expect);
		FAIL_IF(1);
	}
	for (k = 0; k <= n; k++) {
		feed_cuts(s, n, &k, 1, max_line, eof, &part);
		if (strcmp(whole.buf, part.buf) != 0) {
			fprintf(stderr, "%s: split at %zu differs: %s\n", name, k, part.buf);
			FAIL_IF(1);
			break;
		}
	}
	cuts = malloc(n * sizeof(*cuts) + 1);
	for (k = 1; k < n; k++)
		cuts[k - 1] = k;
	feed_cuts(s, n, cuts, n > 0 ? n - 1 : 0, max_line, eof, &part);
	if (strcmp(whole.buf, part.buf) != 0) {
		fprintf(stderr, "%s: 1-byte slices differ: %s\n", name, part.buf);
		FAIL_IF(1);
	}
	free(cuts);
}

static void test_basic(void)
{
	check_splits("two lines", "{\"id\":1}\n{\"id\":2}\n", 0, 0,
	    "L8:{\"id\":1}|L8:{\"id\":2}|");
	check_splits("crlf", "{\"a\":1}\r\n{\"b\":2}\r\n", 0, 0,
	    "L7:{\"a\":1}|L7:{\"b\":2}|");
	check_splits("blank lines", "\n\r\n  \t\r\n{\"a\":1}\n\n\n{}\n", 0, 0,
	    "L7:{\"a\":1}|L2:{}|");
	/* Only the CR right before LF is framing; an inner CR stays. */
	check_splits("inner cr", "{\"a\":\r1}\n", 0, 0, "L8:{\"a\":\r1}|");
	/* No LF at all: nothing until EOF, which reports the partial line. */
	check_splits("eof partial", "{\"a\":1}\n{\"b\"", 0, 1, "L7:{\"a\":1}|E4|");
	check_splits("no eof partial", "{\"a\":1}\n{\"b\"", 0, 0, "L7:{\"a\":1}|");
	check_splits("eof blank tail", "{\"a\":1}\n \r", 0, 1, "L7:{\"a\":1}|");
	check_splits("empty", "", 0, 1, "");
}

static void test_overlong(void)
{
	/* Cap 8: "12345678" fits exactly, 9 bytes do not; the CR counts. */
	check_splits("cap exact", "12345678\nabc\n", 8, 0, "L8:12345678|L3:abc|");
	check_splits("cap plus one", "123456789\nabc\n", 8, 0, "O|L3:abc|");
	check_splits("cap cr", "1234567\r\nabc\n", 8, 0, "L7:1234567|L3:abc|");
	check_splits("cap cr over", "12345678\r\nabc\n", 8, 0, "O|L3:abc|");
	check_splits("long then resume",
	    "{}\n0123456789012345678901234567890123456789\n{\"x\":1}\n", 16, 0,
	    "L2:{}|O|L7:{\"x\":1}|");
	check_splits("two overlong", "aaaaaaaaaaaaaaaaaa\nbbbbbbbbbbbbbbbbbbbbbbbb\nok\n", 8, 0,
	    "O|O|L2:ok|");
	/* Overlong with no LF before EOF: one report, nothing partial. */
	check_splits("overlong eof", "ok\nxxxxxxxxxxxxxxxxxxxxxxxxxxx", 8, 1, "L2:ok|O|");

	/* A 1 MB line against the default cap: bounded buffer, one report. */
	{
		size_t n = 1 << 20, i;
		char *big = malloc(n + 16);
		struct stratum_framer f;
		struct log l;

		memset(&l, 0, sizeof(l));
		memset(big, 'a', n);
		memcpy(big + n, "\n{\"a\":1}\n", 10);
		stratum_frame_init(&f, 0);
		for (i = 0; i < n + 9; i += 1460) {
			size_t m = n + 9 - i < 1460 ? n + 9 - i : 1460;

			FAIL_IF(stratum_frame_feed(&f, (uint8_t *)big + i, m, 0, log_cb, &l) != 0);
			FAIL_IF(f.cap > 65536);
		}
		EXPECT_STREQ(l.buf, "O|L7:{\"a\":1}|");
		stratum_frame_free(&f);
		free(big);
	}
}

static void test_gap(void)
{
	struct stratum_framer f;
	struct log l;

	/* A partial line before the gap is dropped, and so is the (probably
	 * partial) line the gap lands in, up to its LF. */
	memset(&l, 0, sizeof(l));
	stratum_frame_init(&f, 0);
	FAIL_IF(stratum_frame_feed(&f, (const uint8_t *)"{\"a\":1}\n{\"b\"", 12, 0, log_cb, &l) != 0);
	FAIL_IF(stratum_frame_feed(&f, (const uint8_t *)"ial\":2}\n{\"c\":3}\n", 16,
	    SW_SLICE_GAP, log_cb, &l) != 0);
	EXPECT_STREQ(l.buf, "L7:{\"a\":1}|R|L7:{\"c\":3}|");

	/* Gap with no LF in the slice: keep skipping in the next one. */
	memset(&l, 0, sizeof(l));
	FAIL_IF(stratum_frame_feed(&f, (const uint8_t *)"xx", 2, SW_SLICE_GAP, log_cb, &l) != 0);
	FAIL_IF(stratum_frame_feed(&f, (const uint8_t *)"yy}\n{}\n", 7, 0, log_cb, &l) != 0);
	EXPECT_STREQ(l.buf, "R|L2:{}|");

	/* An empty GAP slice, then EOF: nothing partial to report. */
	memset(&l, 0, sizeof(l));
	FAIL_IF(stratum_frame_feed(&f, NULL, 0, SW_SLICE_GAP | SW_SLICE_EOF, log_cb, &l) != 0);
	EXPECT_STREQ(l.buf, "R|");
	stratum_frame_free(&f);
}

/* stratum_frame_empty: true only when an empty slice (EOF or not, no gap)
 * would call nothing and change nothing, which lets stratum_parse skip
 * the framer at a direction's end. */
static void test_empty(void)
{
	struct stratum_framer f, before;
	struct log l;

	memset(&l, 0, sizeof(l));
	stratum_frame_init(&f, 16);
	FAIL_IF(!stratum_frame_empty(&f));
	/* whole lines: the carry buffer is given back */
	FAIL_IF(stratum_frame_feed(&f, (const uint8_t *)"{}\n", 3, 0, log_cb, &l) != 0);
	FAIL_IF(!stratum_frame_empty(&f));
	before = f;
	FAIL_IF(stratum_frame_feed(&f, (const uint8_t *)"", 0, 0, log_cb, &l) != 0);
	FAIL_IF(stratum_frame_feed(&f, (const uint8_t *)"", 0, SW_SLICE_EOF, log_cb, &l) != 0);
	FAIL_IF(memcmp(&f, &before, sizeof(f)) != 0);
	EXPECT_STREQ(l.buf, "L2:{}|");
	/* a partial line held: its EOF reports it */
	FAIL_IF(stratum_frame_feed(&f, (const uint8_t *)"{\"a\"", 4, 0, log_cb, &l) != 0);
	FAIL_IF(stratum_frame_empty(&f));
	FAIL_IF(stratum_frame_feed(&f, (const uint8_t *)"", 0, SW_SLICE_EOF, log_cb, &l) != 0);
	EXPECT_STREQ(l.buf, "L2:{}|E4|");
	FAIL_IF(!stratum_frame_empty(&f));
	/* waiting for an LF after a gap, or past an overlong line: an
	 * empty slice's EOF ends that wait */
	FAIL_IF(stratum_frame_feed(&f, (const uint8_t *)"x", 1, SW_SLICE_GAP, log_cb, &l) != 0);
	FAIL_IF(stratum_frame_empty(&f));
	FAIL_IF(stratum_frame_feed(&f, (const uint8_t *)"", 0, SW_SLICE_EOF, log_cb, &l) != 0);
	FAIL_IF(!stratum_frame_empty(&f));
	FAIL_IF(stratum_frame_feed(&f, (const uint8_t *)"01234567890123456789", 20, 0,
	    log_cb, &l) != 0);
	FAIL_IF(stratum_frame_empty(&f));
	stratum_frame_free(&f);
}

static void test_stop(void)
{
	struct stratum_framer f;
	struct log l;

	memset(&l, 0, sizeof(l));
	l.stop_after = 1;
	stratum_frame_init(&f, 0);
	EXPECT_EQ_U64(stratum_frame_feed(&f, (const uint8_t *)"{}\n{}\n", 6, 0, log_cb, &l), 42);
	EXPECT_STREQ(l.buf, "L2:{}|");
	stratum_frame_free(&f);
}

static void test_many_tiny(void)
{
	/* 100000 "{}" lines in 1460-byte slices: every one delivered, no
	 * buffer growth past a small carry. */
	size_t n = 100000 * 3, i;
	char *s = malloc(n);
	struct stratum_framer f;
	struct log l;

	for (i = 0; i < n; i += 3)
		memcpy(s + i, "{}\n", 3);
	memset(&l, 0, sizeof(l));
	stratum_frame_init(&f, 0);
	for (i = 0; i < n; i += 1460) {
		size_t m = n - i < 1460 ? n - i : 1460;

		FAIL_IF(stratum_frame_feed(&f, (uint8_t *)s + i, m, 0, log_cb, &l) != 0);
	}
	EXPECT_EQ_U64(l.events, 100000);
	FAIL_IF(f.cap > 256);
	stratum_frame_free(&f);
	free(s);
}

int main(void)
{
	test_basic();
	test_overlong();
	test_gap();
	test_stop();
	test_empty();
	test_many_tiny();
	return sw_test_done("test_stratum_frame");
}
