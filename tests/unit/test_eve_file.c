/* test_eve_file.c: an EVE file (export-eve.c gathers its lines in the
 * JSON writer's buffer and writes them in blocks) holds exactly the lines
 * ended, in order: across the flushes, with an event larger than a block,
 * with an event begun and never ended (written over by the next, as
 * before), and after a switch to live writing (eve_set_live) and back
 * to nothing pending. The lines are rebuilt here by a writer of their
 * own and compared byte for byte.
 *
 * eve_begin_again (an envelope copied from the event before) writes the
 * file eve_begin alone writes: gathered across flushes, after an event
 * never ended, for another flow, time or type (written anew), and live. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export-eve.h"
#include "flow.h"
#include "sw_json.h"
#include "sw_test.h"
#include "sw_time.h"

struct text {
	char *p;
	size_t len, cap;
};

static void text_add(struct text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		t->p = realloc(t->p, t->cap);
		if (t->p == NULL)
			exit(99);
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = '\0';
}

/* A payload of n bytes: printable, with a character to escape now and
 * then, different per event. */
static void payload(char *buf, size_t n, unsigned k)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf[i] = (char)('a' + (i * 7 + k) % 26);
	if (n > 10)
		buf[n / 2] = '"';
	buf[n] = '\0';
}

/* Event k through the EVE writer, and the same line into want. */
static void event(struct sw_eve *e, struct text *want, unsigned k, size_t n, int end)
{
	static char buf[200000];
	struct sw_jw *w, ref;
	char ts[SW_TS_LEN];
	uint64_t t = 1700000000000000ULL + (uint64_t)k * 1234567;

	payload(buf, n, k);
	w = eve_begin(e, EVE_STATS, t, NULL, NULL);
	jw_u64(w, "k", k);
	jw_str(w, "text", buf);
	if (!end)
		return;
	eve_end(e);
	jw_init(&ref);
	jw_obj_open(&ref, NULL);
	jw_str(&ref, "timestamp", sw_ts_format(t, ts));
	jw_str(&ref, "event_type", "stats");
	jw_u64(&ref, "k", k);
	jw_str(&ref, "text", buf);
	jw_obj_close(&ref);
	text_add(want, ref.buf, ref.len);
	text_add(want, "\n", 1);
	jw_free(&ref);
}

static void check_file(const char *path, const struct text *want)
{
	FILE *fp = fopen(path, "rb");
	char *got = malloc(want->len + 2);
	size_t n;

	FAIL_IF(fp == NULL || got == NULL);
	if (fp == NULL || got == NULL)
		exit(99);
	n = fread(got, 1, want->len + 1, fp);
	fclose(fp);
	EXPECT_EQ_U64(n, want->len);
	FAIL_UNLESS(n == want->len && memcmp(got, want->p, n) == 0);
	free(got);
}

/* Event k of flow f at ts through eve_begin, or eve_begin_again when
 * again, with a payload of n bytes; ended unless !end. */
static void flow_event(struct sw_eve *e, const struct sw_flow *f, uint64_t ts, unsigned type,
    int again, unsigned k, size_t n, int end)
{
	static char buf[4000];
	struct sw_jw *w;

	payload(buf, n, k);
	w = again ? eve_begin_again(e, type, ts, f, "stratum") :
	    eve_begin(e, type, ts, f, "stratum");
	jw_u64(w, "k", k);
	jw_str(w, "text", buf);
	if (end)
		eve_end(e);
}

/* The same events into two files, one with eve_begin_again where the
 * other has eve_begin; the files must be the same bytes. */
static void flows_run(const char *path, int again)
{
	struct sw_flow f[2];
	char err[256];
	struct sw_eve *e;
	unsigned k;
	uint64_t ts = 1700000000000000ULL;

	memset(f, 0, sizeof(f));
	for (k = 0; k < 2; k++) {
		f[k].key.ip_version = 4;
		f[k].key.proto = 6;
		f[k].key.addr[0][0] = 10;
		f[k].key.addr[0][3] = (uint8_t)(1 + k);
		f[k].key.addr[1][0] = 192;
		f[k].key.addr[1][3] = 7;
		f[k].key.port[0] = (uint16_t)(40000 + k);
		f[k].key.port[1] = 3333;
		f[k].first_ts = ts;
		f[k].seq_no = k;
	}
	f[1].init_side = 1;
	e = eve_open(path, EVE_ALERT | EVE_ANOMALY, err, sizeof(err));
	FAIL_IF(e == NULL);
	if (e == NULL)
		exit(1);
	for (k = 0; k < 4000; k++) {
		const struct sw_flow *g = &f[k % 5 == 0];
		size_t n = (k * 53) % 1500;

		if (k % 7 == 0)
			ts += 1000;
		if (k % 89 == 3) /* begun, never ended */
			flow_event(e, g, ts, EVE_ALERT, again && k % 2, k, n, 0);
		if (k % 13 == 6) /* no flow between: the flow's written anew */
			flow_event(e, NULL, ts, EVE_ALERT, 0, k, n, 1);
		/* the same flow, time and type as the event before, or not
		 * (written anew) */
		flow_event(e, g, ts, k % 31 == 4 ? EVE_ANOMALY : EVE_ALERT, again, k, n, 1);
		if (k % 11 == 0)
			flow_event(e, g, ts, EVE_ALERT, again, k + 1, 20, 1);
		if (k == 3000)
			FAIL_IF(eve_set_live(e) != 0);
	}
	FAIL_IF(eve_close(e, err, sizeof(err)) != 0);
}

static void test_again(void)
{
	char a[] = "/tmp/test_eve_again.XXXXXX", b[] = "/tmp/test_eve_again.XXXXXX";
	int fa = mkstemp(a), fb = mkstemp(b);
	struct text want = { 0 };
	FILE *fp;
	char chunk[65536];
	size_t n;

	FAIL_IF(fa < 0 || fb < 0);
	if (fa < 0 || fb < 0)
		exit(99);
	close(fa);
	close(fb);
	flows_run(a, 0);
	flows_run(b, 1);
	if ((fp = fopen(a, "rb")) == NULL)
		exit(99);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		text_add(&want, chunk, n);
	fclose(fp);
	FAIL_UNLESS(want.len > 1000000);
	check_file(b, &want);
	unlink(a);
	unlink(b);
	free(want.p);
}

int main(void)
{
	char path[] = "/tmp/test_eve_file.XXXXXX", err[256];
	struct text want = { 0 };
	struct sw_eve *e;
	unsigned k;
	int fd = mkstemp(path);

	if (fd < 0)
		return 99;
	close(fd);

	/* offline: many lines (several blocks), sizes that land on and
	 * around the block's end, one larger than a block, and events
	 * never ended */
	e = eve_open(path, EVE_STATS, err, sizeof(err));
	FAIL_IF(e == NULL);
	if (e == NULL)
		return 1;
	for (k = 0; k < 3000; k++) {
		size_t n = (k * 37) % 900;

		if (k == 1000)
			n = 150000;  /* larger than the block */
		if (k % 97 == 5)
			event(e, &want, k, n, 0); /* begun, never ended */
		event(e, &want, k, n, 1);
	}
	/* begun, never ended, then the switch to live: not written */
	event(e, &want, 5000, 100, 0);
	FAIL_IF(eve_set_live(e) != 0);
	for (k = 6000; k < 6010; k++)
		event(e, &want, k, k % 300, 1);
	event(e, &want, 7000, 100, 0); /* never ended: not written at close */
	FAIL_IF(eve_close(e, err, sizeof(err)) != 0);
	check_file(path, &want);

	/* an empty run, and one line, appended to the same file */
	e = eve_open(path, EVE_STATS, err, sizeof(err));
	FAIL_IF(e == NULL || eve_close(e, err, sizeof(err)) != 0);
	check_file(path, &want);
	e = eve_open(path, EVE_STATS, err, sizeof(err));
	FAIL_IF(e == NULL);
	if (e == NULL)
		return 1;
	event(e, &want, 8000, 10, 1);
	FAIL_IF(eve_close(e, err, sizeof(err)) != 0);
	check_file(path, &want);

	unlink(path);
	free(want.p);
	test_again();
	return sw_test_done("test_eve_file");
}
