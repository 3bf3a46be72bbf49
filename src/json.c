/* json.c: deterministic JSON writer for EVE output (see include/sw_json.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "sw_err.h"
#include "sw_json.h"

void jw_init(struct sw_jw *w)
{
	memset(w, 0, sizeof(*w));
}

void jw_free(struct sw_jw *w)
{
	free(w->buf);
	memset(w, 0, sizeof(*w));
}

void jw_reset(struct sw_jw *w)
{
	w->len = 0;
	w->depth = 0;
	w->err = 0;
	w->need_comma[0] = 0;
	if (w->buf != NULL)
		w->buf[0] = '\0';
}

/* The common case of jw__room (room left, no error) is one comparison,
 * inlined from sw_json.h; this is the rest. */
int jw__grow(struct sw_jw *w, size_t n)
{
	size_t want, ncap;
	char *nb;

	if (w->err)
		return -1;
	if (n > SIZE_MAX / 2 - w->len) {
		w->err = SW_ERR_LIMIT;
		return -1;
	}
	want = w->len + n + 1;
	if (want <= w->cap)
		return 0;
	ncap = w->cap ? w->cap : 1024;
	while (ncap < want)
		ncap *= 2;
	nb = realloc(w->buf, ncap);
	if (nb == NULL) {
		w->err = SW_ERR_NOMEM;
		return -1;
	}
	w->buf = nb;
	w->cap = ncap;
	return 0;
}

static inline void jw_put(struct sw_jw *w, const char *s, size_t n)
{
	if (jw__room(w, n) != 0)
		return;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

static inline void jw_putc(struct sw_jw *w, char c)
{
	if (jw__room(w, 1) != 0)
		return;
	w->buf[w->len++] = c;
	w->buf[w->len] = '\0';
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if invalid. Rejects
 * overlongs, surrogates and code points above U+10FFFF (RFC 3629). */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (n >= 2 && (s[1] & 0xc0) == 0x80) ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && s[1] < 0xa0)
			return 0; /* overlong */
		if (c == 0xed && s[1] >= 0xa0)
			return 0; /* surrogate */
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && s[1] < 0x90)
			return 0;
		if (c == 0xf4 && s[1] >= 0x90)
			return 0;
		return 4;
	}
	return 0;
}

/* Bytes copied as they are: printable ASCII but the quote and backslash. */
#define JW_P(c) ((c) >= 0x20 && (c) < 0x80 && (c) != '"' && (c) != '\\')
#define JW_P4(c) JW_P(c), JW_P((c) + 1), JW_P((c) + 2), JW_P((c) + 3)
#define JW_P16(c) JW_P4(c), JW_P4((c) + 4), JW_P4((c) + 8), JW_P4((c) + 12)
#define JW_P64(c) JW_P16(c), JW_P16((c) + 16), JW_P16((c) + 32), JW_P16((c) + 48)
static const uint8_t jw_plain[256] = { JW_P64(0), JW_P64(64), JW_P64(128), JW_P64(192) };

#define JW_ONES 0x0101010101010101ULL
#define JW_HIGHS 0x8080808080808080ULL

/* Nonzero if any of the eight bytes in v is not plain (>= 0x80, < 0x20,
 * '"' or '\\'). Exact: with no high bit in v, no byte of v - 0x20..,
 * (v ^ '"'..) - 1.. or (v ^ '\\'..) - 1.. borrows unless one of those
 * bytes is below 0x20, '"' or '\\', and without a borrow none of them
 * reaches 0x80 (a borrow may mark higher bytes too, but then there is a
 * special byte anyway, and callers only take whole plain words). */
static inline uint64_t jw_word_special(uint64_t v)
{
	return (v | (v - JW_ONES * 0x20) | ((v ^ (JW_ONES * '"')) - JW_ONES) |
	    ((v ^ (JW_ONES * '\\')) - JW_ONES)) & JW_HIGHS;
}

#ifdef __SSE2__
/* Nonzero if any byte of x is not plain: a signed compare below 0x20
 * finds control bytes and bytes >= 0x80 at once. */
static inline int jw_sse_special(__m128i x)
{
	__m128i bad = _mm_or_si128(_mm_cmplt_epi8(x, _mm_set1_epi8(0x20)),
	    _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
		_mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))));

	return _mm_movemask_epi8(bad);
}
#endif

/* Copy the plain bytes at the start of s[0..n) to p; returns how many
 * (n when the whole string is plain, as nearly all are). With SSE2:
 * sixteen bytes at a time, the last sixteen as an overlapping load, and
 * 8-16 bytes (most keys and short values) as the first and last eight,
 * overlapping, tested in one register (two word tests cost twice the
 * instructions). Without: eight bytes at a time by the word test, the
 * last eight overlapping. 4-7 bytes: two overlapping four-byte loads. So
 * no string ends in a per-byte loop. On a block with a special byte the
 * byte loop finds exactly where the plain run ends; loads never reach
 * past s + n, and only blocks found plain are stored. */
#ifdef __GNUC__
#define JW_ALWAYS_INLINE __attribute__((always_inline))
#else
#define JW_ALWAYS_INLINE
#endif

/* Inlined in its callers even so (GCC kept it a function): the call
 * and the callers' saved registers cost more than the copy of a short
 * string. */
static inline JW_ALWAYS_INLINE size_t jw_copy_plain(char *p, const unsigned char *s, size_t n)
{
	size_t i = 0;

	if (n >= 8) {
#ifdef __SSE2__
		__m128i x;

		if (n <= 16) {
			uint64_t a, b;

			memcpy(&a, s, 8);
			memcpy(&b, s + n - 8, 8);
			if (jw_sse_special(_mm_set_epi64x((long long)b, (long long)a)))
				goto bytes;
			memcpy(p, &a, 8);
			memcpy(p + n - 8, &b, 8);
			return n;
		}
		while (n - i > 16) {
			x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
			if (jw_sse_special(x))
				goto bytes;
			_mm_storeu_si128((__m128i *)(void *)(p + i), x);
			i += 16;
		}
		x = _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16));
		if (jw_sse_special(x))
			goto bytes;
		_mm_storeu_si128((__m128i *)(void *)(p + n - 16), x);
		return n;
#else
		uint64_t v;

		while (n - i > 8) {
			memcpy(&v, s + i, 8);
			if (jw_word_special(v))
				goto bytes;
			memcpy(p + i, &v, 8);
			i += 8;
		}
		memcpy(&v, s + n - 8, 8);
		if (jw_word_special(v))
			goto bytes;
		memcpy(p + n - 8, &v, 8);
		return n;
#endif
	}
	if (n >= 4) {
		uint32_t a, b;

		memcpy(&a, s, 4);
		memcpy(&b, s + n - 4, 4);
		if (jw_word_special((uint64_t)a | (uint64_t)b << 32))
			goto bytes;
		memcpy(p, &a, 4);
		memcpy(p + n - 4, &b, 4);
		return n;
	}
bytes:
	while (i < n && jw_plain[s[i]]) {
		p[i] = (char)s[i];
		i++;
	}
	return i;
}

char *jw_plain_put(char *p, const char *s, size_t n)
{
	return jw_copy_plain(p, (const unsigned char *)s, n) == n ? p + n : NULL;
}

/* The plain bytes at the start of s[0..n), at most 16, copied to p;
 * returns how many. With SSE2 and 16 bytes to read, one test: all 16
 * are stored (those past the run are scratch) and the run ends at the
 * lowest special byte; otherwise a byte at a time. */
static inline JW_ALWAYS_INLINE size_t jw_esc_run(char *p, const unsigned char *s, size_t n)
{
	size_t i = 0;

#ifdef __SSE2__
	if (n >= 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
		unsigned m = (unsigned)jw_sse_special(x);

		_mm_storeu_si128((__m128i *)(void *)p, x);
		return m != 0 ? (size_t)__builtin_ctz(m) : 16;
	}
#endif
	while (i < n && i < 16 && jw_plain[s[i]]) {
		p[i] = (char)s[i];
		i++;
	}
	return i;
}

/* Input bytes escaped per reservation: one room check per chunk rather
 * than per run and per escape, and the output written in place rather
 * than through a memcpy call for each run (a DNS name with escaped
 * bytes has a special byte every four). Output is at most six times the
 * input consumed (\u00XX); a step may start on the chunk's last byte
 * and store 16 bytes (a run, some of it scratch) then up to 6, so a
 * chunk needs 6 * JW_ESC_CHUNK + 32 bytes. A chunk keeps the room asked
 * for near what the text needs. */
#define JW_ESC_CHUNK 64

void jw_escape(struct sw_jw *w, const char *str, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		size_t end = n - i > JW_ESC_CHUNK ? i + JW_ESC_CHUNK : n, l;
		char *d;

		if (jw__room(w, 6 * (end - i) + 32) != 0)
			return;
		d = w->buf + w->len;
		while (i < end) {
			/* a run of up to 16 plain bytes (may pass end: the room
			 * above allows it), then one byte that needs escaping */
			size_t run = jw_esc_run(d, s + i, n - i);
			unsigned char c;

			d += run;
			i += run;
			if (run == 16 || i >= end)
				continue;
			c = s[i];
			if (c >= 0x80) {
				l = utf8_seq_len(s + i, n - i);
				if (l == 0) {
					memcpy(d, "\xef\xbf\xbd", 3); /* U+FFFD */
					d += 3;
					i++;
				} else {
					size_t k;

					for (k = 0; k < l; k++)
						d[k] = (char)s[i + k];
					d += l;
					i += l;
				}
				continue;
			}
			d[0] = '\\';
			switch (c) {
			case '"': d[1] = '"'; d += 2; break;
			case '\\': d[1] = '\\'; d += 2; break;
			case '\n': d[1] = 'n'; d += 2; break;
			case '\r': d[1] = 'r'; d += 2; break;
			case '\t': d[1] = 't'; d += 2; break;
			default:
				memcpy(d + 1, "u00", 3);
				d[4] = hex[c >> 4];
				d[5] = hex[c & 15];
				d += 6;
			}
			i++;
		}
		*d = '\0';
		w->len = (size_t)(d - w->buf);
	}
}

/* Comma and key for the next value at the current level, for a key not
 * known at compile time (a method name from the wire, a pod label, a
 * literal passed through a helper): its length, then the same copy as a
 * string value's, which checks eight or sixteen bytes at a time (a byte
 * loop cost six instructions a byte); from the first byte that needs it,
 * the escaping path. No NUL: the value that follows writes it. */
static void jw_key(struct sw_jw *w, const char *key)
{
	char *d;
	size_t n, i;

	if (key == NULL) {
		if (jw__room(w, 1) != 0)
			return;
		d = w->buf + w->len;
		*d = ',';
		w->len += w->need_comma[w->depth];
		w->need_comma[w->depth] = 1;
		return;
	}
	n = strlen(key);
	if (jw__room(w, n + 4) != 0)
		return;
	d = w->buf + w->len;
	if (w->need_comma[w->depth])
		*d++ = ',';
	w->need_comma[w->depth] = 1;
	*d++ = '"';
	i = jw_copy_plain(d, (const unsigned char *)key, n);
	if (i == n) {
		d[n] = '"';
		d[n + 1] = ':';
		w->len = (size_t)(d + n + 2 - w->buf);
		return;
	}
	w->len = (size_t)(d + i - w->buf);
	jw_escape(w, key + i, n - i);
	jw_put(w, "\":", 2);
}

/* jw__v_open and jw__close (sw_json.h) when the inline test fails */
void jw__open_slow(struct sw_jw *w, char c)
{
	if (w->depth + 1 >= SW_JW_MAX_DEPTH) {
		w->err = SW_ERR_LIMIT;
		return;
	}
	jw_putc(w, c);
	w->depth++;
	w->need_comma[w->depth] = 0;
}

void jw__close_slow(struct sw_jw *w, char c)
{
	if (w->depth == 0) {
		w->err = SW_ERR_INTERNAL;
		return;
	}
	w->depth--;
	jw_putc(w, c);
}

/* The public names in parentheses: sw_json.h may define them as macros. */
void (jw_obj_open)(struct sw_jw *w, const char *key)
{
	jw_key(w, key);
	jw__v_open(w, '{');
}

void (jw_arr_open)(struct sw_jw *w, const char *key)
{
	jw_key(w, key);
	jw__v_open(w, '[');
}


/* The rest of a string value from its first byte that is not plain, the
 * plain prefix (done bytes after the opening quote) already in place. */
static __attribute__((noinline)) void jw_v_strn_escaped(struct sw_jw *w, const char *s,
    size_t n, size_t done)
{
	w->len += done + 1;
	jw_escape(w, s, n);
	jw_putc(w, '"');
}

static void jw_v_strn_grow(struct sw_jw *w, const char *s, size_t n);

/* A string value: quotes and bytes in one reservation; from the first
 * byte that is not plain (if any), the escaping path. Growing the buffer
 * and escaping are tail calls out of line, so the common path saves no
 * registers (that was a fifth of its instructions). Inlined in
 * jw__v_str and jw__v_strn, which most strings take: a call less each. */
static inline JW_ALWAYS_INLINE void jw_v_strn_in(struct sw_jw *w, const char *s, size_t n)
{
	char *p;
	size_t i;

	if (__builtin_expect(w->err != 0 || n + 2 >= w->cap - w->len, 0)) {
		jw_v_strn_grow(w, s, n);
		return;
	}
	p = w->buf + w->len;
	p[0] = '"';
	i = jw_copy_plain(p + 1, (const unsigned char *)s, n);
	if (i == n) {
		p[n + 1] = '"';
		p[n + 2] = '\0';
		w->len += n + 2;
		return;
	}
	/* the plain prefix stays; the rest is escaped */
	jw_v_strn_escaped(w, s + i, n - i, i);
}

static void jw_v_strn(struct sw_jw *w, const char *s, size_t n)
{
	jw_v_strn_in(w, s, n);
}

static __attribute__((noinline)) void jw_v_strn_grow(struct sw_jw *w, const char *s,
    size_t n)
{
	if (jw__grow(w, n + 2) == 0)
		jw_v_strn(w, s, n);
}

void jw__v_strn(struct sw_jw *w, const char *s, size_t n)
{
	jw_v_strn_in(w, s, n);
}

void jw__v_str(struct sw_jw *w, const char *s)
{
	if (s == NULL)
		jw_put(w, "null", 4);
	else
		jw_v_strn_in(w, s, strlen(s));
}

void (jw_strn)(struct sw_jw *w, const char *key, const char *s, size_t n)
{
	jw_key(w, key);
	jw__v_strn(w, s, n);
}

void (jw_str)(struct sw_jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw__v_str(w, s);
}

/* 10^0 .. 10^19: digit counts here, and the doubles' rounding below */
static const uint64_t jw_pow10[20] = {
	1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL,
	100000000ULL, 1000000000ULL, 10000000000ULL, 100000000000ULL,
	1000000000000ULL, 10000000000000ULL, 100000000000000ULL,
	1000000000000000ULL, 10000000000000000ULL, 100000000000000000ULL,
	1000000000000000000ULL, 10000000000000000000ULL,
};

/* Decimal digits of v, written backwards from end; returns the start.
 * (snprintf's format parsing cost more than the rest of an event.) Two
 * digits at a time from a table: ports and counters are mostly 2-5
 * digits. */
static const char jw_digits2[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

static char *jw_u64_digits(uint64_t v, char *end)
{
	char *p = end;
	unsigned u;

	/* four digits per 64-bit division (a flow_id has 19 or 20), split
	 * in 32 bits: half the divisions of two digits at a time */
	while (v >= 10000) {
		unsigned r = (unsigned)(v % 10000);

		v /= 10000;
		p -= 4;
		memcpy(p, jw_digits2 + 2 * (r / 100), 2);
		memcpy(p + 2, jw_digits2 + 2 * (r % 100), 2);
	}
	u = (unsigned)v;
	if (u >= 100) {
		p -= 2;
		memcpy(p, jw_digits2 + 2 * (u % 100), 2);
		u /= 100;
	}
	if (u >= 10) {
		p -= 2;
		memcpy(p, jw_digits2 + 2 * u, 2);
	} else {
		*--p = (char)('0' + u);
	}
	return p;
}

/* The number of decimal digits of v (1-20): the bit length times
 * log10(2) (1233/4096) is the count or one less; one compare decides.
 * v | 1 has as many digits as v and is never 0. */
static inline size_t jw_u64_len(uint64_t v)
{
	uint64_t u = v | 1;
	unsigned t = (unsigned)(64 - __builtin_clzll(u)) * 1233 >> 12;

	return t + (u >= jw_pow10[t]);
}

char *jw_u64_put(uint64_t v, char *p)
{
	size_t n = jw_u64_len(v);

	jw_u64_digits(v, p + n);
	return p + n;
}

/* Numbers go straight into the buffer: no scratch copy (a libc memcpy
 * call of variable length) */
void jw__v_u64(struct sw_jw *w, uint64_t v)
{
	char *e;

	if (jw__room(w, 20) != 0)
		return;
	e = jw_u64_put(v, w->buf + w->len);
	*e = '\0';
	w->len = (size_t)(e - w->buf);
}

void jw__v_i64(struct sw_jw *w, int64_t v)
{
	char b[24], *p;

	/* the magnitude as unsigned, so INT64_MIN does not overflow */
	p = jw_u64_digits(v < 0 ? 0 - (uint64_t)v : (uint64_t)v, b + sizeof(b));
	if (v < 0)
		*--p = '-';
	jw_put(w, p, (size_t)(b + sizeof(b) - p));
}

void (jw_u64)(struct sw_jw *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	jw__v_u64(w, v);
}

void (jw_i64)(struct sw_jw *w, const char *key, int64_t v)
{
	jw_key(w, key);
	jw__v_i64(w, v);
}

/* Doubles: 15 significant digits (exact for every integer below 2^49 and for
 * the reference's worked examples), no locale, non-finite as null: the
 * text of printf's "%.15g", which snprintf gave at about 2,500
 * instructions a value. dbl_g15 gives the same text by hand for what EVE
 * carries (difficulties, hash rates: 1e-4 <= |v| < 1e15), and 0 for the
 * rest, which keep snprintf.
 *
 * %.15g rounds the exact binary value to 15 significant digits (to even
 * on a tie, the default rounding mode) and, when the rounded value's
 * decimal exponent X is in [-4, 15), prints it in %f style with the
 * trailing zeros (and a bare point) removed. With v = m * 2^-s (m the
 * 53-bit significand), the 15 digits are q = round(m * 10^(14-X) / 2^s):
 * at most 2^53 * 10^18 < 2^113, exact in 128 bits, so the rounding is
 * decided exactly as printf decides it. X is guessed, then corrected
 * until q has 15 digits. */
/* 10^-4 .. 10^14 as doubles, for the first guess of X only */
static const double jw_pow10d[19] = {
	1e-4, 1e-3, 1e-2, 1e-1, 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	1e10, 1e11, 1e12, 1e13, 1e14,
};

static size_t dbl_g15(double v, char *out)
{
	uint64_t bits, m, q = 0;
	double a = v < 0 ? -v : v;
	char digits[16], *o = out;
	int ex, x, k, tries, nd;

	if (!(a >= 1e-4 && a < 1e15))
		return 0;
	if (v < 0)
		*o++ = '-';
	if (a == (double)(uint64_t)a) {
		/* an integer below 10^15: its digits exactly, no point */
		char b[24], *p = jw_u64_digits((uint64_t)a, b + sizeof(b));

		memcpy(o, p, (size_t)(b + sizeof(b) - p));
		return (size_t)(o - out) + (size_t)(b + sizeof(b) - p);
	}
#ifdef __SIZEOF_INT128__
	memcpy(&bits, &a, sizeof(bits));
	ex = (int)(bits >> 52 & 0x7ff) - 1075; /* a = m * 2^ex */
	m = (bits & ((1ULL << 52) - 1)) | (1ULL << 52);
	if (ex >= 0 || ex < -120)
		return 0; /* not reached for the range above; a guard */
	/* the guess: X with 10^X <= a, by doubles (corrected below) */
	for (x = -4; x < 14 && a >= jw_pow10d[x + 5]; x++)
		;
	for (tries = 0; tries < 3; tries++) {
		unsigned __int128 prod, rem, half;
		int s = -ex;

		k = 14 - x;
		if (x < -4 || x > 14 || k > 18)
			return 0; /* %e style (or beyond the table): snprintf */
		prod = (unsigned __int128)m * jw_pow10[k];
		q = (uint64_t)(prod >> s);
		rem = prod & (((unsigned __int128)1 << s) - 1);
		half = (unsigned __int128)1 << (s - 1);
		if (rem > half || (rem == half && (q & 1)))
			q++;
		if (q >= jw_pow10[15])
			x++;
		else if (q < jw_pow10[14])
			x--;
		else
			break;
	}
	if (tries == 3)
		return 0;
	/* q has 15 digits, digits[0..14]: d.dddd... * 10^x; nd of them are
	 * left once the trailing zeros go (q >= 10^14, so at least one) */
	jw_u64_digits(q, digits + 15);
	for (nd = 15; nd > 1 && digits[nd - 1] == '0'; nd--)
		;
	if (x >= 0) {
		memcpy(o, digits, (size_t)x + 1);
		o += x + 1;
		if (nd > x + 1) {
			*o++ = '.';
			memcpy(o, digits + x + 1, (size_t)(nd - x - 1));
			o += nd - x - 1;
		}
	} else {
		*o++ = '0';
		*o++ = '.';
		memset(o, '0', (size_t)(-x - 1));
		o += -x - 1;
		memcpy(o, digits, (size_t)nd);
		o += nd;
	}
	return (size_t)(o - out);
#else
	(void)bits; (void)m; (void)q; (void)digits; (void)ex; (void)x; (void)k;
	(void)tries; (void)nd;
	return 0;
#endif
}

char *jw_double_put(double v, char *p)
{
	char b[40];
	size_t n;

	if (!isfinite(v)) {
		memcpy(p, "null", 4);
		return p + 4;
	}
	if (v == 0)
		v = 0; /* fold -0 */
	n = dbl_g15(v, p);
	if (n != 0)
		return p + n;
	n = (size_t)snprintf(b, sizeof(b), "%.15g", v);
	memcpy(p, b, n);
	return p + n;
}

void jw__v_double(struct sw_jw *w, double v)
{
	char *e;

	if (jw__room(w, JW_DOUBLE_LEN) != 0)
		return;
	e = jw_double_put(v, w->buf + w->len);
	*e = '\0';
	w->len = (size_t)(e - w->buf);
}

void (jw_double)(struct sw_jw *w, const char *key, double v)
{
	jw_key(w, key);
	jw__v_double(w, v);
}

void (jw_bool)(struct sw_jw *w, const char *key, int v)
{
	jw_key(w, key);
	if (v)
		jw_put(w, "true", 4);
	else
		jw_put(w, "false", 5);
}

void (jw_null)(struct sw_jw *w, const char *key)
{
	jw_key(w, key);
	jw_put(w, "null", 4);
}

void (jw_raw)(struct sw_jw *w, const char *key, const char *json, size_t n)
{
	jw_key(w, key);
	jw_put(w, json, n);
}
