/* test_format.c: the hand-written formatters of the output hot path give
 * the same bytes as the libc calls they replaced (timestamps: gmtime_r +
 * snprintf; integers: snprintf; addresses: inet_ntop), and the JSON writer
 * escapes as RFC 8259 asks. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>

#include "sw_addr.h"
#include "sw_err.h"
#include "sw_json.h"
#include "sw_time.h"
#include "sw_test.h"

/* the formatter timefmt.c had before */
static void ts_reference(uint64_t ts_usec, char buf[SW_TS_LEN])
{
	time_t secs = (time_t)(ts_usec / 1000000);
	struct tm tm;

	if (gmtime_r(&secs, &tm) == NULL) {
		snprintf(buf, SW_TS_LEN, "1970-01-01T00:00:00.000000+0000");
		return;
	}
	snprintf(buf, SW_TS_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.%06u+0000",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, (unsigned)(ts_usec % 1000000));
}

static int ts_same(uint64_t v)
{
	char a[SW_TS_LEN], b[SW_TS_LEN];

	char c[SW_TS_LEN + 8], *end;

	ts_reference(v, a);
	sw_ts_format(v, b);
	if (strcmp(a, b) != 0) {
		fprintf(stderr, "ts %" PRIu64 ": %s, expected %s\n", v, b, a);
		return 0;
	}
	/* sw_ts_put: the same text, no NUL, its end returned */
	memset(c, 0x55, sizeof(c));
	end = sw_ts_put(v, c);
	if ((size_t)(end - c) != strlen(a) || memcmp(c, a, strlen(a)) != 0 ||
	    (unsigned char)*end != 0x55) {
		fprintf(stderr, "ts put %" PRIu64 ": %.*s, expected %s\n", v, (int)(end - c), c, a);
		return 0;
	}
	return 1;
}

static void test_timestamps(void)
{
	static const uint64_t fixed[] = {
		0, 1, 999999, 1000000, 86399999999ULL,     /* the first day */
		951782400000000ULL,                        /* 2000-02-29 */
		951868800000000ULL,                        /* 2000-03-01 */
		4107456000000000ULL,                       /* 2100-02-28 */
		4107542400000000ULL,                       /* 2100-03-01 */
		1704067200000000ULL,                       /* 2024-01-01 */
		253402300799999999ULL,                     /* 9999-12-31T23:59:59.999999 */
		253402300800000000ULL,                     /* 10000-01-01: the libc path */
		UINT64_MAX,
	};
	uint64_t x = 88172645463325252ULL;
	size_t i;
	int bad = 0;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		FAIL_UNLESS(ts_same(fixed[i]));
	/* every day boundary of 1970-2110, and random instants of any size */
	for (i = 0; i < 51500 && bad < 5; i++)
		bad += !ts_same((uint64_t)i * 86400 * 1000000 + (i % 7) * 999999);
	for (i = 0; i < 200000 && bad < 5; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		bad += !ts_same(i & 1 ? x % (4300000000ULL * 1000000) : x >> (x % 64));
	}
	/* the last second's text is reused: runs within one second, steps
	 * forward and back, and the libc path (past 9999) between two calls
	 * in the same cached second */
	for (i = 0; i < 200000 && bad < 5; i++) {
		uint64_t t = 1704067199000000ULL + (uint64_t)i * 37;

		bad += !ts_same(t);
		if (i % 1000 == 0)
			bad += !ts_same(t - 5000000) + !ts_same(t);
		if (i % 5000 == 0)
			bad += !ts_same(253402300800000000ULL + t % 1000000) + !ts_same(t);
	}
	EXPECT_EQ_U64(bad, 0);
}

/* jw_u64_put: the digits at p, no NUL, the end returned */
static void u64_put_same(uint64_t v)
{
	char want[32], got[32], *end;

	snprintf(want, sizeof(want), "%" PRIu64, v);
	memset(got, 0x55, sizeof(got));
	end = jw_u64_put(v, got);
	EXPECT_EQ_U64((uint64_t)(end - got), strlen(want));
	FAIL_UNLESS(memcmp(got, want, strlen(want)) == 0);
	EXPECT_EQ_U64((unsigned char)*end, 0x55);
}

static char *frag_lit_b(char *q)
{
	memcpy(q, "\"b\":", 4);
	return q + 4;
}

static void test_integers(void)
{
	static const int64_t vals[] = { 0, 1, -1, 9, 10, -10, 99, 100, 12345,
	    INT64_MAX, INT64_MIN, INT64_MIN + 1 };
	struct sw_jw w;
	char want[64];
	size_t i;

	jw_init(&w);
	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		jw_reset(&w);
		jw_i64(&w, NULL, vals[i]);
		snprintf(want, sizeof(want), "%" PRId64, vals[i]);
		EXPECT_STREQ(w.buf, want);
		jw_reset(&w);
		jw_u64(&w, NULL, (uint64_t)vals[i]);
		snprintf(want, sizeof(want), "%" PRIu64, (uint64_t)vals[i]);
		EXPECT_STREQ(w.buf, want);
	}
	/* every digit count, at and around each power of ten */
	for (i = 0; i < 20; i++) {
		uint64_t p = 1, d;
		int k;

		for (k = 0; k < (int)i; k++)
			p *= 10;
		for (d = p - 1; d <= p + 1; d++) {
			jw_reset(&w);
			jw_u64(&w, NULL, d);
			snprintf(want, sizeof(want), "%" PRIu64, d);
			EXPECT_STREQ(w.buf, want);
			u64_put_same(d);
		}
	}
	u64_put_same(UINT64_MAX);
	/* random values of every size (digits four at a time, then two) */
	{
		uint64_t x = 0x9e3779b97f4a7c15ULL;

		for (i = 0; i < 100000; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			jw_reset(&w);
			jw_u64(&w, NULL, x >> (i % 64));
			snprintf(want, sizeof(want), "%" PRIu64, x >> (i % 64));
			if (strcmp(w.buf, want) != 0) {
				EXPECT_STREQ(w.buf, want);
				break;
			}
		}
	}
	jw_free(&w);
}

/* Brackets (inline, with the rare cases out of line): the nesting limit,
 * an unbalanced close, and the depth still counted after an error while
 * nothing more is written. */
static void test_brackets(void)
{
	struct sw_jw w;
	int i;

	jw_init(&w);
	for (i = 0; i < SW_JW_MAX_DEPTH + 5; i++)
		jw_arr_open(&w, NULL);
	EXPECT_EQ_U64((uint64_t)w.err, (uint64_t)(int64_t)SW_ERR_LIMIT);
	EXPECT_EQ_U64((uint64_t)w.depth, SW_JW_MAX_DEPTH - 1);
	EXPECT_EQ_U64(w.len, SW_JW_MAX_DEPTH - 1);
	jw_reset(&w);
	jw_obj_open(&w, NULL);
	jw_arr_open(&w, "a");
	jw_arr_close(&w);
	jw_obj_close(&w);
	EXPECT_STREQ(w.buf, "{\"a\":[]}");
	EXPECT_EQ_U64((uint64_t)w.err, 0);
	jw_obj_close(&w);
	EXPECT_EQ_U64((uint64_t)w.err, (uint64_t)(int64_t)SW_ERR_INTERNAL);
	jw_reset(&w);
	jw_obj_open(&w, NULL);
	w.err = SW_ERR_NOMEM;
	jw_arr_open(&w, "a");
	EXPECT_EQ_U64((uint64_t)w.depth, 2);
	jw_arr_close(&w);
	EXPECT_EQ_U64((uint64_t)w.depth, 1);
	EXPECT_EQ_U64(w.len, 1);
	EXPECT_EQ_U64((uint64_t)w.err, (uint64_t)(int64_t)SW_ERR_NOMEM);
	jw_free(&w);
}

/* Fragments written by the caller (the EVE envelope): commas as for any
 * member or element, and the text exactly as written. */
static void test_fragments(void)
{
	struct sw_jw w;
	char *q;

	jw_init(&w);
	jw_obj_open(&w, NULL);
	q = jw_frag_begin(&w, 16);
	FAIL_UNLESS(q != NULL);
	memcpy(q, "\"a\":1", 5);
	jw_frag_end(&w, q + 5);
	EXPECT_STREQ(w.buf, "{\"a\":1");
	q = jw_frag_begin(&w, 16);
	q = jw_u64_put(42, frag_lit_b(q));
	jw_frag_end(&w, q);
	jw_arr_open(&w, "c");
	q = jw_frag_begin(&w, 4);
	*q++ = '7';
	jw_frag_end(&w, q);
	q = jw_frag_begin(&w, 4);
	*q++ = '8';
	jw_frag_end(&w, q);
	jw_arr_close(&w);
	jw_obj_close(&w);
	EXPECT_STREQ(w.buf, "{\"a\":1,\"b\":42,\"c\":[7,8]}");
	EXPECT_EQ_U64(w.len, strlen(w.buf));
	/* a sticky error: nothing to write into */
	w.err = 1;
	FAIL_UNLESS(jw_frag_begin(&w, 4) == NULL);
	jw_free(&w);
}

/* jw_plain_put: a string copied whole when no byte of it needs escaping,
 * NULL when one does (whatever its place: the block tests and their
 * edges, every length to 40), the bytes past n never touched. */
static void test_plain_put(void)
{
	static const unsigned char bad[] = { '"', '\\', 0x00, 0x01, 0x1f, 0x7f + 1, 0xc3, 0xff };
	char s[64], out[80], *end;
	size_t n, at, b;

	for (n = 0; n <= 40; n++) {
		for (at = 0; at < n; at++)
			s[at] = (char)('a' + (at * 5) % 26);
		s[n] = '\0';
		memset(out, 0x55, sizeof(out));
		end = jw_plain_put(out, s, n);
		FAIL_UNLESS(end == out + n);
		FAIL_UNLESS(memcmp(out, s, n) == 0);
		EXPECT_EQ_U64((unsigned char)out[n], 0x55);
		/* ' ' and '~', the ends of the plain range, are plain */
		if (n > 0) {
			s[n - 1] = ' ';
			s[0] = '~';
			FAIL_UNLESS(jw_plain_put(out, s, n) == out + n);
		}
		for (at = 0; at < n; at++)
			for (b = 0; b < sizeof(bad); b++) {
				char keep = s[at];

				s[at] = (char)bad[b];
				memset(out, 0x55, sizeof(out));
				FAIL_UNLESS(jw_plain_put(out, s, n) == NULL);
				EXPECT_EQ_U64((unsigned char)out[n], 0x55);
				s[at] = keep;
			}
	}
}

static void test_escape(void)
{
	struct sw_jw w;

	jw_init(&w);
	jw_obj_open(&w, NULL);
	jw_str(&w, "plain", "abc def/123");
	jw_str(&w, "quote\"key", "a\"b\\c\n\r\t\x01\x7f");
	jw_strn(&w, "utf8", "\xc3\xa9\xff\xe2\x82\xac\xed\xa0\x80x", 10);
	jw_obj_close(&w);
	EXPECT_STREQ(w.buf, "{\"plain\":\"abc def/123\","
	    "\"quote\\\"key\":\"a\\\"b\\\\c\\n\\r\\t\\u0001\x7f\","
	    "\"utf8\":\"\xc3\xa9\xef\xbf\xbd\xe2\x82\xac\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdx\"}");
	jw_free(&w);
	/* keys past the short-key fast path (64 bytes), plain and not */
	{
		char k[80], want[400];
		const char *key = k; /* a run-time key, as the writer sees one */

		memset(k, 'k', 70);
		k[70] = '\0';
		jw_init(&w);
		jw_obj_open(&w, NULL);
		jw_u64(&w, key, 1);
		k[63] = '"';
		jw_u64(&w, key, 2);
		k[63] = 'k';
		k[64] = '\n';
		jw_u64(&w, key, 3);
		jw_obj_close(&w);
		memset(k, 'k', 70);
		snprintf(want, sizeof(want), "{\"%.70s\":1,\"%.63s\\\"%.6s\":2,\"%.64s\\n%.5s\":3}",
		    k, k, k, k, k);
		EXPECT_STREQ(w.buf, want);
		jw_free(&w);
	}
}

/* The escaping rules byte by byte (RFC 8259; invalid UTF-8 per RFC 3629
 * becomes U+FFFD), to check the writer's word-at-a-time scan against. */
static size_t ref_utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];

	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0))
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80 || (c == 0xf0 && s[1] < 0x90) ||
		    (c == 0xf4 && s[1] >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

static size_t ref_escape(const unsigned char *s, size_t n, char *out)
{
	size_t i = 0, o = 0, l;

	while (i < n) {
		unsigned char c = s[i];

		if (c >= 0x80) {
			if ((l = ref_utf8_len(s + i, n - i)) == 0) {
				memcpy(out + o, "\xef\xbf\xbd", 3);
				o += 3;
				i++;
			} else {
				memcpy(out + o, s + i, l);
				o += l;
				i += l;
			}
			continue;
		}
		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c == '\n' || c == '\r' || c == '\t') {
			out[o++] = '\\';
			out[o++] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
		} else if (c < 0x20) {
			o += (size_t)sprintf(out + o, "\\u%04x", c);
		} else {
			out[o++] = (char)c;
		}
		i++;
	}
	out[o] = '\0';
	return o;
}

/* Text longer than the writer escapes per reservation (64 bytes): a
 * UTF-8 sequence, valid or cut short, an escape and a \u00XX across
 * each chunk boundary, in exact-size allocations, and long runs of
 * escapes (each byte sextupled). */
static void test_escape_chunks(void)
{
	static const char *const seqs[] = { "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
	    "\xe2\x82", "\xf0\x9f\x98", "\"", "\\", "\x01", "\xff" };
	char want[400 * 6 + 8];
	struct sw_jw w;
	size_t len, at, k, i;
	int bad = 0;

	jw_init(&w);
	for (len = 60; len <= 200 && bad < 5; len += 7) {
		for (at = 56; at + 4 <= len && at < 136 && bad < 5; at++) {
			for (k = 0; k < sizeof(seqs) / sizeof(seqs[0]); k++) {
				size_t sl = strlen(seqs[k]);
				unsigned char *in = malloc(len);

				FAIL_IF(in == NULL);
				if (in == NULL)
					return;
				for (i = 0; i < len; i++)
					in[i] = (unsigned char)('a' + i % 26);
				memcpy(in + at, seqs[k], sl);
				ref_escape(in, len, want);
				jw_reset(&w);
				jw_escape(&w, (const char *)in, len);
				if (w.err != 0 || strcmp(w.buf, want) != 0 || w.len != strlen(want)) {
					fprintf(stderr, "escape of %zu bytes, seq %zu at %zu: %s\n", len,
					    k, at, w.buf);
					bad++;
				}
				free(in);
			}
		}
	}
	for (len = 1; len <= 400 && bad < 5; len += 13) {
		unsigned char *in = malloc(len);

		FAIL_IF(in == NULL);
		if (in == NULL)
			return;
		for (i = 0; i < len; i++)
			in[i] = (unsigned char)(i % 3 == 0 ? 0x01 : i % 3 == 1 ? '\\' : 0xfe);
		ref_escape(in, len, want);
		jw_reset(&w);
		jw_escape(&w, (const char *)in, len);
		if (w.err != 0 || strcmp(w.buf, want) != 0) {
			fprintf(stderr, "escapes only, %zu bytes: %s\n", len, w.buf);
			bad++;
		}
		free(in);
	}
	EXPECT_EQ_U64(bad, 0);
	jw_free(&w);
}

/* Random strings, mostly plain with a rare byte that needs escaping at
 * any position (the writer scans eight bytes at a time). */
static void test_escape_random(void)
{
	static const unsigned char special[] = { '"', '\\', '\n', 0x01, 0x1f, 0x20,
	    0x7f, 0x80, 0xc3, 0xa9, 0xe2, 0xed, 0xf0, 0xff, 0x00 };
	unsigned char in[64];
	char want[64 * 6 + 8];
	struct sw_jw w;
	uint32_t x = 2463534242u;
	int bad = 0;

	jw_init(&w);
	for (int t = 0; t < 100000 && bad < 5; t++) {
		size_t n, i;

		x ^= x << 13; x ^= x >> 17; x ^= x << 5;
		n = x % sizeof(in);
		for (i = 0; i < n; i++) {
			x ^= x << 13; x ^= x >> 17; x ^= x << 5;
			in[i] = (x % 16 == 0) ? special[(x >> 8) % sizeof(special)] :
			    (unsigned char)(0x21 + (x >> 8) % 0x5e);
		}
		ref_escape(in, n, want);
		jw_reset(&w);
		jw_escape(&w, (const char *)in, n);
		if (strcmp(w.buf, want) != 0) {
			fprintf(stderr, "escape of %zu bytes: %s, expected %s\n", n, w.buf, want);
			bad++;
		}
	}
	EXPECT_EQ_U64(bad, 0);
	jw_free(&w);
}

/* jw_double gives printf's "%.15g" (non-finite as null, -0 as 0); the
 * writer formats 1e-4 <= |v| < 1e15 by hand. jw_double_put (a
 * fragment's) writes the same text, within JW_DOUBLE_LEN bytes. */
static int dbl_same(struct sw_jw *w, double v)
{
	char want[64], put[64], *e;

	if (!isfinite(v))
		snprintf(want, sizeof(want), "null");
	else
		snprintf(want, sizeof(want), "%.15g", v == 0 ? 0.0 : v);
	memset(put, 'x', sizeof(put));
	e = jw_double_put(v, put);
	if ((size_t)(e - put) != strlen(want) || strlen(want) > JW_DOUBLE_LEN ||
	    memcmp(put, want, strlen(want)) != 0 || put[JW_DOUBLE_LEN] != 'x') {
		fprintf(stderr, "jw_double_put %a: %.*s, expected %s\n", v, (int)(e - put), put, want);
		return 0;
	}
	jw_reset(w);
	jw_double(w, NULL, v);
	if (w->err != 0 || strcmp(w->buf, want) != 0) {
		fprintf(stderr, "double %a: %s, expected %s\n", v, w->buf, want);
		return 0;
	}
	return 1;
}

static void test_doubles(void)
{
	static const double fixed[] = { 0.0, -0.0, 1, -1, 0.1, 0.5, 1e-4, 1e-5, 9.99999999999999e-5,
	    0.00012345, 123.456, 1e15, -1e15, 999999999999999.0, 999999999999999.4,
	    999999999999999.5, 999999999999999.9, 99999999999999.99, 9.999999999999995,
	    0.9999999999999995, 0.00099999999999999995, 2607022235.390625, 1661.12956810631,
	    4e9, 2.5, 0.125, 1e300, -1e-300, 5e-324, 1.7976931348623157e308, 16374344194918.9,
	    429496729.6, 3.0000000000000004 };
	struct sw_jw w;
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	size_t i;
	int bad = 0, k;

	jw_init(&w);
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		bad += !dbl_same(&w, fixed[i]);
	bad += !dbl_same(&w, NAN) + !dbl_same(&w, INFINITY) + !dbl_same(&w, -INFINITY);
	/* exact ties at the 15th digit: u / 2^15 with u odd has 15 decimal
	 * places ending in 5, so in [1, 10) it has 16 significant digits;
	 * and the same scaled by powers of two across the range */
	for (i = 32769; i < 327680 && bad < 5; i += 2) {
		bad += !dbl_same(&w, (double)i / 32768);
		bad += !dbl_same(&w, -(double)i / 4096);
		bad += !dbl_same(&w, (double)(i * 1024 + 1) / 32768);
	}
	/* around each power of ten (the exponent guess and its correction) */
	for (k = -6; k <= 16; k++) {
		double p = pow(10, k), v = p;

		for (i = 0; i < 40; i++) {
			bad += !dbl_same(&w, v);
			bad += !dbl_same(&w, -v);
			v = nextafter(v, 0);
		}
		v = p;
		for (i = 0; i < 40; i++) {
			v = nextafter(v, INFINITY);
			bad += !dbl_same(&w, v);
		}
		bad += !dbl_same(&w, p * (1 - 5e-16)) + !dbl_same(&w, p * (1 - 4e-16)) +
		    !dbl_same(&w, p * (1 - 6e-16));
	}
	/* random significands at every exponent near the range, and ratios
	 * like the hash rates (difficulty * 2^32 / seconds) */
	for (i = 0; i < 400000 && bad < 5; i++) {
		uint64_t bits;
		double v;

		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		bits = (x & 0x800fffffffffffffULL) | (uint64_t)(1000 + (x >> 52) % 80) << 52;
		memcpy(&v, &bits, sizeof(v));
		bad += !dbl_same(&w, v);
		bad += !dbl_same(&w, (double)(x % 100000000) * 4294967296.0 / (double)(1 + (x >> 40) % 100000));
		bad += !dbl_same(&w, (double)(x % 1000000) / 1000);
	}
	EXPECT_EQ_U64(bad, 0);
	jw_free(&w);
}

/* String values of every length from 0 to 100 (the writer copies
 * sixteen, eight and four bytes at a time, with overlapping loads at the
 * end), mostly plain with specials at random places; each input sits at
 * the very end of its own allocation, so a load past it is caught under
 * ASan. Written as values (jw_strn, jw_str) they must give the quoted
 * reference escape. */
static void test_string_values_random(void)
{
	static const unsigned char special[] = { '"', '\\', '\n', 0x01, 0x1f, 0x20,
	    0x7f, 0x80, 0xc3, 0xa9, 0xe2, 0xed, 0xf0, 0xff };
	char want[100 * 6 + 8];
	struct sw_jw w;
	uint32_t x = 88675123u;
	int bad = 0;

	jw_init(&w);
	for (int t = 0; t < 60000 && bad < 5; t++) {
		size_t n, i, rate;
		unsigned char *in;

		x ^= x << 13; x ^= x >> 17; x ^= x << 5;
		n = x % 101;
		rate = (x >> 8) % 4 == 0 ? 0 : 2 + (x >> 10) % 60; /* 0: all plain */
		in = malloc(n ? n : 1);
		FAIL_IF(in == NULL);
		if (in == NULL)
			return;
		for (i = 0; i < n; i++) {
			x ^= x << 13; x ^= x >> 17; x ^= x << 5;
			in[i] = (rate != 0 && x % rate == 0) ? special[(x >> 8) % sizeof(special)] :
			    (unsigned char)(0x21 + (x >> 8) % 0x5e);
		}
		want[0] = '"';
		i = ref_escape(in, n, want + 1);
		memcpy(want + 1 + i, "\"", 2);
		jw_reset(&w);
		jw_strn(&w, NULL, (const char *)in, n);
		if (w.err != 0 || strcmp(w.buf, want) != 0) {
			fprintf(stderr, "string value of %zu bytes: %s, expected %s\n", n, w.buf, want);
			bad++;
		}
		free(in);
	}
	/* keys known only at run time: the length from the NUL, the same
	 * block copy, and the escaping path from the first special byte */
	for (int t = 0; t < 20000 && bad < 5; t++) {
		char *in;
		size_t n, i;

		x ^= x << 13; x ^= x >> 17; x ^= x << 5;
		n = x % 101;
		in = malloc(n + 1); /* exact: a read past the NUL is caught */
		FAIL_IF(in == NULL);
		if (in == NULL)
			return;
		for (i = 0; i < n; i++) {
			x ^= x << 13; x ^= x >> 17; x ^= x << 5;
			in[i] = (char)((x % 29 == 0) ? special[(x >> 8) % sizeof(special)] :
			    0x21 + (x >> 8) % 0x5e);
		}
		in[n] = '\0';
		want[0] = '{';
		want[1] = '"';
		i = ref_escape((const unsigned char *)in, n, want + 2);
		memcpy(want + 2 + i, "\":1}", 5);
		jw_reset(&w);
		jw_obj_open(&w, NULL);
		(jw_u64)(&w, in, 1);
		jw_obj_close(&w);
		if (w.err != 0 || strcmp(w.buf, want) != 0) {
			fprintf(stderr, "key of %zu bytes: %s, expected %s\n", n, w.buf, want);
			bad++;
		}
		free(in);
	}
	/* jw_str: the length from the NUL */
	for (int t = 0; t < 20000 && bad < 5; t++) {
		char in[101];
		size_t n, i;

		x ^= x << 13; x ^= x >> 17; x ^= x << 5;
		n = x % 101;
		for (i = 0; i < n; i++) {
			x ^= x << 13; x ^= x >> 17; x ^= x << 5;
			in[i] = (char)((x % 23 == 0) ? special[(x >> 8) % sizeof(special)] :
			    0x21 + (x >> 8) % 0x5e);
		}
		in[n] = '\0';
		want[0] = '"';
		i = ref_escape((const unsigned char *)in, n, want + 1);
		memcpy(want + 1 + i, "\"", 2);
		jw_reset(&w);
		jw_str(&w, NULL, in);
		if (w.err != 0 || strcmp(w.buf, want) != 0) {
			fprintf(stderr, "jw_str of %zu bytes: %s, expected %s\n", n, w.buf, want);
			bad++;
		}
	}
	EXPECT_EQ_U64(bad, 0);
	jw_free(&w);
}

/* Keys: literal keys (written inline by the header's macros when the
 * compiler proves them plain) and the same keys given at run time (the
 * functions, which check and escape) give the same bytes; literals that
 * need escaping are escaped either way. */
static void write_keys(struct sw_jw *w, int runtime)
{
	static const char *const rk[] = { "a", "event_type", "x\"y", "caf\xc3\xa9", "bad\xff",
	    "a_rather_long_key_name_past_sixteen" };
	uint64_t u = 18446744073709551615ULL;

	jw_reset(w);
	if (runtime) {
		(jw_obj_open)(w, NULL);
		(jw_str)(w, rk[0], "1");
		(jw_u64)(w, rk[1], u);
		(jw_i64)(w, rk[2], -5);
		(jw_bool)(w, rk[3], 1);
		(jw_null)(w, rk[4]);
		(jw_double)(w, rk[5], 0.25);
		(jw_arr_open)(w, rk[0]);
		(jw_u64)(w, NULL, 7);
		(jw_str)(w, NULL, "s");
		(jw_strn)(w, NULL, "t\"u", 3);
		(jw_obj_open)(w, NULL);
		(jw_raw)(w, rk[1], "[1,2]", 5);
		jw_obj_close(w);
		jw_arr_close(w);
		(jw_obj_open)(w, rk[2]);
		(jw_strn)(w, rk[3], "v", 1);
		jw_obj_close(w);
		(jw_bool)(w, rk[1], 0);
		jw_obj_close(w);
		return;
	}
	jw_obj_open(w, NULL);
	jw_str(w, "a", "1");
	jw_u64(w, "event_type", u);
	jw_i64(w, "x\"y", -5);
	jw_bool(w, "caf\xc3\xa9", 1);
	jw_null(w, "bad\xff");
	jw_double(w, "a_rather_long_key_name_past_sixteen", 0.25);
	jw_arr_open(w, "a");
	jw_u64(w, NULL, 7);
	jw_str(w, NULL, "s");
	jw_strn(w, NULL, "t\"u", 3);
	jw_obj_open(w, NULL);
	jw_raw(w, "event_type", "[1,2]", 5);
	jw_obj_close(w);
	jw_arr_close(w);
	jw_obj_open(w, "x\"y");
	jw_strn(w, "caf\xc3\xa9", "v", 1);
	jw_obj_close(w);
	jw_bool(w, "event_type", 0);
	jw_obj_close(w);
}

static void test_keys(void)
{
	struct sw_jw a, b;

	jw_init(&a);
	jw_init(&b);
	write_keys(&a, 0);
	write_keys(&b, 1);
	EXPECT_EQ_U64((uint64_t)a.err, 0);
	EXPECT_EQ_U64((uint64_t)b.err, 0);
	EXPECT_STREQ(a.buf, b.buf);
	EXPECT_STREQ(a.buf, "{\"a\":\"1\",\"event_type\":18446744073709551615,"
	    "\"x\\\"y\":-5,\"caf\xc3\xa9\":true,\"bad\xef\xbf\xbd\":null,"
	    "\"a_rather_long_key_name_past_sixteen\":0.25,"
	    "\"a\":[7,\"s\",\"t\\\"u\",{\"event_type\":[1,2]}],"
	    "\"x\\\"y\":{\"caf\xc3\xa9\":\"v\"},\"event_type\":false}");
	jw_free(&a);
	jw_free(&b);
}

/* sw_addr_format against inet_ntop: every IPv4 octet width, IPv6 with
 * zero runs of every length at every place (ties, single zero words),
 * the IPv4-compatible and -mapped forms and their near misses, then
 * seeded random addresses whose words are mostly zero. */
/* sw_addr_put: the same text, its end returned, nothing written at or
 * past p + SW_ADDR_LEN */
static void addr_put_same(const uint8_t *a, int v, const char *want)
{
	char buf[SW_ADDR_LEN + 8], *end;
	size_t i;

	memset(buf, 0x55, sizeof(buf));
	end = sw_addr_put(a, v, buf);
	EXPECT_EQ_U64((uint64_t)(end - buf), strlen(want));
	FAIL_UNLESS(memcmp(buf, want, strlen(want)) == 0);
	for (i = SW_ADDR_LEN; i < sizeof(buf); i++)
		EXPECT_EQ_U64((unsigned char)buf[i], 0x55);
}

static void addr_same(const uint8_t *a, int v)
{
	char want[INET6_ADDRSTRLEN], got[SW_ADDR_LEN];

	if (inet_ntop(v == 6 ? AF_INET6 : AF_INET, a, want, sizeof(want)) == NULL)
		FAIL_IF(1);
	EXPECT_STREQ(sw_addr_format(a, v, got), want);
	addr_put_same(a, v, want);
}

static void test_addresses(void)
{
	static const uint8_t octets[] = { 0, 1, 9, 10, 99, 100, 199, 255 };
	uint8_t a[16];
	uint32_t rng = 11;
	unsigned mask, i, k;

	for (i = 0; i < 8 * 8 * 8 * 8; i++) {
		a[0] = octets[i % 8];
		a[1] = octets[i / 8 % 8];
		a[2] = octets[i / 64 % 8];
		a[3] = octets[i / 512 % 8];
		addr_same(a, 4);
	}
	/* each of the 256 patterns of zero and nonzero words */
	for (mask = 0; mask < 256; mask++) {
		for (k = 0; k < 8; k++) {
			unsigned w = (mask >> k & 1) ? 0x1 + 0x1111 * (k % 15) : 0;

			a[2 * k] = (uint8_t)(w >> 8);
			a[2 * k + 1] = (uint8_t)w;
		}
		addr_same(a, 6);
	}
	/* embedded IPv4: ::a.b.c.d, ::ffff:a.b.c.d, and what only resembles them */
	for (k = 0; k < 6; k++) {
		memset(a, 0, sizeof(a));
		a[12] = 192, a[13] = 0, a[14] = 2, a[15] = 1;
		if (k == 1)
			a[10] = a[11] = 0xff;     /* mapped */
		if (k == 2)
			a[10] = 0xff, a[11] = 0xfe; /* not ffff */
		if (k == 3)
			a[9] = 1, a[10] = a[11] = 0xff; /* a word before it */
		if (k == 4)
			a[12] = a[13] = 0;        /* ::0.0.2.1 */
		if (k == 5)
			a[15] = 0;                /* ::192.0.2.0 */
		addr_same(a, 6);
	}
	for (i = 0; i < 200000; i++) {
		for (k = 0; k < 16; k += 2) {
			rng = rng * 1103515245u + 12345u;
			/* a word is zero half the time, else short or long */
			a[k] = (rng >> 16) % 2 ? 0 : (rng >> 20) % 3 ? 0 : (uint8_t)(rng >> 8);
			a[k + 1] = (rng >> 17) % 2 ? 0 : (uint8_t)(rng >> 24);
		}
		addr_same(a, 6);
		addr_same(a, 4);
	}
}

int main(void)
{
	test_timestamps();
	test_integers();
	test_escape();
	test_escape_random();
	test_escape_chunks();
	test_string_values_random();
	test_keys();
	test_doubles();
	test_addresses();
	test_fragments();
	test_plain_put();
	test_brackets();
	return sw_test_done("test_format");
}
