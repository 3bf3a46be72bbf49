/* stratum-json.c: the one-pass JSON parser of stratum-json.h. Every read
 * of the input is checked against n; every write into the caller's arrays
 * against their sizes. */
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "stratum-json.h"

static int sj_ws(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int sj_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

/* Whitespace is below '!': one compare settles the usual case, a token
 * (this was the parser's most executed line). */
static inline size_t sj_skip_ws(const uint8_t *s, size_t n, size_t i)
{
	while (i < n && s[i] <= ' ' && sj_ws(s[i]))
		i++;
	return i;
}

long sj_hex4(const uint8_t *s, size_t n, size_t i)
{
	long v = 0;
	size_t k;

	if (n < 4 || i > n - 4)
		return -1;
	for (k = i; k < i + 4; k++) {
		uint8_t c = s[k];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/* Encode code point cp (< 0x110000, not a surrogate) at o; returns the
 * bytes written (1..4). */
static size_t sj_utf8(char *o, unsigned long cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

#define SJ_ONES  0x0101010101010101ULL
#define SJ_HIGHS 0x8080808080808080ULL

#if !defined(__SSE2__)
/* High bit set in the bytes of w that end a plain run: '"', '\\' or a
 * control character (below 0x20). Bytes above the first such one may be
 * flagged wrongly (a borrow), the first one never: only it is used. */
static uint64_t sj_word_stops(uint64_t w)
{
	uint64_t q = w ^ (SJ_ONES * '"'), b = w ^ (SJ_ONES * '\\');

	return ((q - SJ_ONES) & ~q & SJ_HIGHS) | ((b - SJ_ONES) & ~b & SJ_HIGHS) |
	    ((w - SJ_ONES * 0x20) & ~w & SJ_HIGHS);
}

/* Index of the first flagged byte of a nonzero sj_word_stops result in
 * memory order; on a big-endian host 0 (the bytes go one at a time). */
static size_t sj_first_stop(uint64_t stop)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (size_t)__builtin_ctzll(stop) / 8;
#else
	(void)stop;
	return 0;
#endif
}
#endif

#if defined(__SSE2__)
/* Bit k set when byte k of w ends a plain run: '"', '\\' or a control
 * character (below 0x20). With bit 1 flipped '"' becomes 0x20 and the
 * control characters stay below it, so one compare takes both: an
 * unsigned w ^ 0x02 <= 0x20, which SSE2 (compares are signed) does as
 * (w ^ 0x82) < (0x21 ^ 0x80). */
static inline unsigned sj_vec_stops(__m128i w)
{
	const __m128i t = _mm_xor_si128(w, _mm_set1_epi8((char)0x82));

	return (unsigned)_mm_movemask_epi8(_mm_or_si128(
	    _mm_cmplt_epi8(t, _mm_set1_epi8((char)(0x21 ^ 0x80))),
	    _mm_cmpeq_epi8(w, _mm_set1_epi8('\\'))));
}

/* s[0..k) to o, k < 16, in two overlapping pieces. */
static inline void sj_copy_short(char *o, const uint8_t *s, size_t k)
{
	if (k >= 8) {
		memcpy(o, s, 8);
		memcpy(o + k - 8, s + k - 8, 8);
	} else if (k >= 4) {
		memcpy(o, s, 4);
		memcpy(o + k - 4, s + k - 4, 4);
	} else if (k >= 2) {
		memcpy(o, s, 2);
		memcpy(o + k - 2, s + k - 2, 2);
	} else if (k == 1) {
		o[0] = (char)s[0];
	}
}
#endif

/* The bytes of every vector (or word) the strings were read in, and of
 * their lone bytes, OR-ed together over the whole parse: a bit 7 set
 * anywhere is d->high. Kept apart from each string, it costs one OR a
 * vector. */
struct sj_seen {
#if defined(__SSE2__)
	__m128i v;
#else
	uint64_t w;
#endif
};

/* The string whose opening quote is at s[*pos - 1], unescaped and
 * NUL-terminated at *op in d->text. Returns it (length in *len) and moves
 * *pos past the closing quote and *op past the NUL, or NULL when it is not
 * a valid JSON string. What a string writes (its text and a NUL) is never
 * longer than its quoted form, so the text written stays behind the input
 * read (*op - d->text < *pos) and sj_parse's one check, text_cap >= n + 1,
 * covers every store here. A \u0000 inside sets *nul (left alone
 * otherwise: the caller clears it). */
static inline __attribute__((always_inline)) const char *
sj_read_string(struct sj_seen *seen, char **op, const uint8_t *s, size_t n, size_t *pos,
    uint32_t *len, uint8_t *nul)
{
	size_t i = *pos;
	char *out = *op, *o = out;

	for (;;) {
		uint8_t c;
		long cp, lo;

#if defined(__SSE2__)
		/* Most of a Stratum message is hex inside strings: move plain
		 * bytes sixteen at a time (SSE2: every x86-64). A 16-byte
		 * store fits: the text buffer has room for the input left,
		 * and o never runs ahead of i. Past the last sixteen the
		 * input's last sixteen bytes are looked at instead (no read
		 * past n, no 8-byte step and its constants: registers are
		 * short in sj_parse) and the run copied in two overlapping
		 * pieces. The whole vector counts toward high: a high byte
		 * past the string is in a later string, past the value or
		 * not JSON, and at worst the caller checks UTF-8. */
		if (n - i >= 16) {
			__m128i w = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
			unsigned stop = sj_vec_stops(w), k;

			seen->v = _mm_or_si128(seen->v, w);
			_mm_storeu_si128((__m128i *)(void *)o, w);
			if (stop == 0) {
				o += 16;
				i += 16;
				continue;
			}
			k = (unsigned)__builtin_ctz(stop);
			o += k;
			i += k;
			/* s[i] (i < n) is '"', '\\' or a control character */
			goto stop_byte;
		}
		if (n >= 16) {
			__m128i w = _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16));
			unsigned stop = sj_vec_stops(w) >> (16 - (n - i)), k;

			seen->v = _mm_or_si128(seen->v, w);
			if (stop == 0)
				return NULL; /* no closing quote */
			k = (unsigned)__builtin_ctz(stop);
			sj_copy_short(o, s + i, k);
			o += k;
			i += k;
			goto stop_byte;
		}
#else
		/* eight at a time without SSE2 (the 8-byte store fits for the
		 * same reason) */
		while (n - i >= 8) {
			uint64_t w, stop;

			memcpy(&w, s + i, 8);
			stop = sj_word_stops(w);
			/* the whole word, even past a stop: see above */
			seen->w |= w;
			if (stop != 0) {
				size_t k = sj_first_stop(stop);

				memcpy(o, &w, 8);
				o += k;
				i += k;
				break;
			}
			memcpy(o, &w, 8);
			o += 8;
			i += 8;
		}
#endif
		if (i >= n)
			return NULL;
#if defined(__SSE2__)
stop_byte:
#endif
		c = s[i++];
		if (c == '"')
			break;
		if (c < 0x20)
			return NULL; /* raw control characters (RFC 8259 7) */
		if (c != '\\') {
#if defined(__SSE2__)
			seen->v = _mm_or_si128(seen->v, _mm_cvtsi32_si128(c));
#else
			seen->w |= c;
#endif
			*o++ = (char)c;
			continue;
		}
		if (i >= n)
			return NULL;
		switch (s[i++]) {
		case '"':  *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/':  *o++ = '/'; break;
		case 'b':  *o++ = '\b'; break;
		case 'f':  *o++ = '\f'; break;
		case 'n':  *o++ = '\n'; break;
		case 'r':  *o++ = '\r'; break;
		case 't':  *o++ = '\t'; break;
		case 'u':
			if ((cp = sj_hex4(s, n, i)) < 0)
				return NULL;
			i += 4;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return NULL; /* a low surrogate first */
			if (cp >= 0xd800 && cp <= 0xdbff) {
				/* a high surrogate: its low half must follow */
				if (i + 2 > n || s[i] != '\\' || s[i + 1] != 'u' ||
				    (lo = sj_hex4(s, n, i + 2)) < 0xdc00 || lo > 0xdfff)
					return NULL;
				i += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			if (cp == 0)
				*nul = 1; /* the C string ends here */
			o += sj_utf8(o, (unsigned long)cp);
			break;
		default:
			return NULL;
		}
	}
	*len = (uint32_t)(o - out);
	*o++ = '\0';
	*op = o;
	*pos = i;
	return out;
}

/* The number at s[*pos] (RFC 8259 6). Integers of up to 15 digits are
 * exact in a double and converted here; the rest by strtod (the C locale:
 * nothing here calls setlocale) from a NUL-terminated copy: on the stack up
 * to SJ_NUM_MAX bytes, else in the unused end of d's text buffer, which
 * holds the rest of the input and a NUL (a padded number must not make a
 * message unreadable: cJSON and JSON.parse take any length). */
static enum sj_err sj_number(struct sj_doc *d, char *scratch, const uint8_t *s, size_t n,
    size_t *pos, double *out)
{
	size_t i = *pos, start = i, digits = 0;
	uint64_t iv = 0;
	int neg = 0, is_int = 1;
	char buf[SJ_NUM_MAX + 1], *copy = buf;

	if (s[i] == '-') {
		neg = 1;
		i++;
	}
	if (i < n && s[i] == '0') {
		i++;
		digits = 1;
		if (i < n && sj_digit(s[i]))
			return SJ_ERR_SYNTAX; /* a leading zero */
	} else if (i < n && s[i] >= '1' && s[i] <= '9') {
		for (; i < n && sj_digit(s[i]); i++, digits++)
			if (digits < 16)
				iv = iv * 10 + (uint64_t)(s[i] - '0');
	} else {
		return SJ_ERR_SYNTAX;
	}
	if (i < n && s[i] == '.') {
		is_int = 0;
		if (++i >= n || !sj_digit(s[i]))
			return SJ_ERR_SYNTAX;
		while (i < n && sj_digit(s[i]))
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		is_int = 0;
		if (++i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || !sj_digit(s[i]))
			return SJ_ERR_SYNTAX;
		while (i < n && sj_digit(s[i]))
			i++;
	}
	if (is_int && digits <= 15) {
		*out = neg ? -(double)iv : (double)iv;
	} else {
		if (i - start > SJ_NUM_MAX) {
			/* (scratch - d->text <= start: strings never
			 * outgrow their input) */
			if (d->text_cap - (size_t)(scratch - d->text) < i - start + 1)
				return SJ_ERR_TEXT;
			copy = scratch; /* not kept */
		}
		memcpy(copy, s + start, i - start);
		copy[i - start] = '\0';
		*out = strtod(copy, NULL);
	}
	*pos = i;
	return SJ_OK;
}

/* 1 and *pos moved past it when s[*pos..) starts with the literal w. */
static int sj_literal(const uint8_t *s, size_t n, size_t *pos, const char *w, size_t wn)
{
	if (n - *pos < wn || memcmp(s + *pos, w, wn) != 0)
		return 0;
	*pos += wn;
	return 1;
}

/* The parse walks the grammar directly: a value; after it, ',' or the
 * closing bracket of each container it ends; before an object's value,
 * its "key" and ':'. (A state variable switched on at every token cost
 * about a tenth of the parse.) The next free node, the open container's
 * node (its closing bracket follows from its type) and the text position
 * are locals, the open containers' nodes in stack[]: d's fields are
 * written back at the end (a store through a node pointer may alias them,
 * so the compiler reloaded them at every node). */
enum sj_err sj_parse(struct sj_doc *d, const uint8_t *s, size_t n)
{
	struct sj_node *stack[SJ_DEPTH_MAX]; /* [k]: the container at depth k + 1 */
	struct sj_node *v = d->nodes, *vend;
	struct sj_node *node = NULL; /* the open container */
	struct sj_node *last = NULL; /* the value that ended last */
	size_t depth = 0, i = 0;
	const char *key = NULL;  /* the member name of the next value */
	char *o = d->text;       /* where the next string goes */
	enum sj_err e = SJ_ERR_SYNTAX;
	struct sj_seen seen;
	uint32_t len;
	uint8_t c, close, key_nul; /* (a member name's \u0000 is not noted) */

	d->n = 0;
	d->text_used = 0;
	d->end = 0;
	d->high = 0;
	/* (the text check once here covers every string: see sj_read_string) */
	if (v == NULL || o == NULL || n == SIZE_MAX || d->text_cap < n + 1)
		return SJ_ERR_TEXT;
	vend = v + d->cap;
	if (n >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
		i = 3; /* a UTF-8 byte order mark */
#if defined(__SSE2__)
	seen.v = _mm_setzero_si128();
#else
	seen.w = 0;
#endif

/* c = the next byte that is not whitespace, at s[i]; the end of the input
 * is a syntax error wherever a token is due. Tokens are mostly not
 * preceded by whitespace: one compare settles that. */
#define SJ_PEEK() do { \
		if (i >= n) \
			goto fail; \
		c = s[i]; \
		if (c <= ' ') { \
			i = sj_skip_ws(s, n, i); \
			if (i >= n) \
				goto fail; \
			c = s[i]; \
		} \
	} while (0)

value:
	SJ_PEEK();
	if (v == vend) {
		/* (a bracket at the depth cap is a depth error first) */
		if ((c == '{' || c == '[') && depth >= SJ_DEPTH_MAX)
			e = SJ_ERR_DEPTH;
		else
			e = SJ_ERR_NODES;
		goto fail;
	}
	last = v++;
	last->more = 0;
	last->nul = 0;
	last->size = 1;
	last->key = key;
	key = NULL;
	if (c == '"') {
		i++;
		if ((last->v.s = sj_read_string(&seen, &o, s, n, &i, &len, &last->nul)) == NULL)
			goto fail;
		last->type = SJ_STRING;
		last->count = len;
	} else if (c == '{' || c == '[') {
		if (depth >= SJ_DEPTH_MAX) {
			v--; /* (not made) */
			e = SJ_ERR_DEPTH;
			goto fail;
		}
		last->type = c == '{' ? SJ_OBJECT : SJ_ARRAY;
		last->count = 0;
		last->v.d = 0;
		stack[depth++] = node = last;
		close = (uint8_t)(c + 2); /* '{' + 2 is '}', '[' + 2 is ']' */
		i++;
		SJ_PEEK();
		if (c != close) {
			node->count = 1; /* one more at each comma */
			if (close == ']')
				goto value; /* the first element */
			goto member;
		}
		i++; /* empty: its size stays 1, its count 0 */
		goto pop;
	} else {
		last->count = 0;
		last->v.d = 0;
		if (c == '-' || sj_digit(c)) {
			if ((e = sj_number(d, o, s, n, &i, &last->v.d)) != SJ_OK)
				goto fail;
			e = SJ_ERR_SYNTAX;
			last->type = SJ_NUMBER;
		} else if (sj_literal(s, n, &i, "true", 4)) {
			last->type = SJ_TRUE;
		} else if (sj_literal(s, n, &i, "false", 5)) {
			last->type = SJ_FALSE;
		} else if (sj_literal(s, n, &i, "null", 4)) {
			last->type = SJ_NULL;
		} else {
			last->type = SJ_NULL;
			goto fail;
		}
	}
	/* ---- a value ended (`last`): the whole document, or inside the
	 * open container a ',' or its closing bracket */
	if (depth == 0)
		goto done;
ended:
	SJ_PEEK();
	i++;
	if (c == ',') {
		last->more = 1;
		node->count++;
		if (node->type == SJ_ARRAY)
			goto value; /* the next element */
		goto member;
	}
	if (c != (node->type == SJ_OBJECT ? '}' : ']'))
		goto fail;
	node->size = (uint32_t)(v - node);
pop:
	last = node;
	if (--depth == 0)
		goto done;
	node = stack[depth - 1];
	goto ended;

member:
	/* ---- "key" ws ':' (the value follows) */
	SJ_PEEK();
	if (c != '"')
		goto fail;
	i++;
	if ((key = sj_read_string(&seen, &o, s, n, &i, &len, &key_nul)) == NULL)
		goto fail;
	SJ_PEEK();
	if (c != ':')
		goto fail;
	i++;
	goto value;
#undef SJ_PEEK

done:
	d->n = (uint32_t)(v - d->nodes);
	d->text_used = (size_t)(o - d->text);
	d->end = i;
#if defined(__SSE2__)
	d->high = _mm_movemask_epi8(seen.v) != 0;
#else
	d->high = (seen.w & SJ_HIGHS) != 0;
#endif
	return SJ_OK;

fail:
	d->n = (uint32_t)(v - d->nodes);
	d->text_used = (size_t)(o - d->text);
	return e;
}

const struct sj_node *sj_object_get(const struct sj_node *obj, const char *key)
{
	const struct sj_node *it;

	if (!sj_is_object(obj) || key == NULL)
		return NULL;
	sj_for_each(it, obj)
		if (it->key != NULL && it->key[0] == key[0] && strcmp(it->key, key) == 0)
			return it;
	return NULL;
}

const struct sj_node *sj_array_get(const struct sj_node *arr, int idx)
{
	const struct sj_node *it;

	if (!sj_is_array(arr) || idx < 0 || (uint32_t)idx >= arr->count)
		return NULL;
	for (it = arr + 1; idx > 0 && it != NULL; idx--)
		it = sj_next(it);
	return it;
}
