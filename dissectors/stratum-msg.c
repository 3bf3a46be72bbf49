/* stratum-msg.c: request / response / notification classification of one
 * Stratum JSON message (reference/stratum.md sections 2-5; stratum-msg.h). */
#include <math.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "stratum-msg.h"

#define ID_INT_LIMIT 9007199254740992.0 /* 2^53: exact in a double */

/* (m->id is zeroed by the caller) */
static void msg_read_id(const struct sj_node *it, struct stratum_msg *m)
{
	struct stratum_id *id = &m->id;

	if (it == NULL) {
		id->type = STRATUM_ID_NONE;
	} else if (sj_is_null(it)) {
		id->type = STRATUM_ID_NULL;
	} else if (sj_is_number(it)) {
		double v = it->v.d;

		/* within +-2^53 the conversion is exact for an integer, and
		 * only for one (floor() is a libm call where SSE4.1 is not
		 * assumed) */
		if (isfinite(v) && fabs(v) <= ID_INT_LIMIT && (double)(int64_t)v == v) {
			id->type = STRATUM_ID_INT;
			id->i = (int64_t)v;
		} else {
			id->type = STRATUM_ID_OTHER;
			m->id_out_of_range = 1;
		}
	} else if (sj_is_string(it)) {
		/* A longer string id cannot be matched exactly: such ids are
		 * not used by any miner or pool read, so treat them as
		 * unmatchable rather than risk a false match on a prefix. */
		size_t n = sj_string_len(it); /* to a \u0000, as before */

		if (n <= STRATUM_ID_MAX) {
			id->type = STRATUM_ID_STR;
			id->slen = (uint8_t)n;
			memcpy(id->s, it->v.s, n);
			id->s[n] = '\0';
		} else {
			id->type = STRATUM_ID_OTHER;
		}
	} else {
		id->type = STRATUM_ID_OTHER;
	}
}

enum stratum_msg_kind stratum_msg_classify(const struct sj_node *root, struct stratum_msg *m)
{
	const struct sj_node *meth = NULL, *id = NULL, *it;
	size_t n;

	/* Every field set, not a memset: the struct is 152 bytes, most of
	 * them the id's text, which is read only to its slen (a memset of
	 * it was a rep stos, the costliest line here in a perf profile) */
	m->kind = STRATUM_MSG_INVALID;
	m->method = NULL;
	m->method_id = SM_UNKNOWN;
	m->method_exact = 0;
	m->id.type = STRATUM_ID_NONE;
	m->id.i = 0;
	m->id.slen = 0;
	m->id.s[0] = '\0';
	m->params = NULL;
	m->result = NULL;
	m->error = NULL;
	m->root = root;
	m->id_out_of_range = 0;
	m->duplicate_member = 0;
	if (!sj_is_object(root))
		return m->kind = STRATUM_MSG_INVALID;
	/* the five members in one walk over the object (five sj_object_get
	 * calls would walk it five times); the first of a duplicated key
	 * wins, as with that call, and the duplicate is noted: a server that
	 * takes the last (JSON.parse) reads another message than we do */
	sj_for_each(it, root) {
		const char *k = it->key;
		const struct sj_node **slot;

		if (k == NULL)
			continue;
		switch (k[0]) {
		case 'i':
			slot = STRATUM_KEY_IS(k, "id") ? &id : NULL;
			break;
		case 'p':
			slot = STRATUM_KEY_IS(k, "params") ? &m->params : NULL;
			break;
		case 'r':
			slot = STRATUM_KEY_IS(k, "result") ? &m->result : NULL;
			break;
		case 'e':
			slot = STRATUM_KEY_IS(k, "error") ? &m->error : NULL;
			break;
		case 'm':
			slot = STRATUM_KEY_IS(k, "method") ? &meth : NULL;
			break;
		default:
			slot = NULL;
		}
		if (slot == NULL)
			continue;
		if (*slot == NULL)
			*slot = it;
		else
			m->duplicate_member = 1;
	}
	msg_read_id(id, m);
	if (meth != NULL) {
		if (!sj_is_string(meth) || meth->v.s[0] == '\0')
			return m->kind = STRATUM_MSG_INVALID;
		m->method = meth->v.s;
		/* past the longest known name, any length is as unknown (the
		 * length is the parser's, not a scan) */
		n = sj_string_len(meth);
		m->method_id = stratum_method_lookup(m->method,
		    n < STRATUM_METHOD_NAME_MAX + 1 ? n : STRATUM_METHOD_NAME_MAX + 1,
		    &m->method_exact);
		if (m->id.type == STRATUM_ID_NONE || m->id.type == STRATUM_ID_NULL)
			return m->kind = STRATUM_MSG_NOTIFICATION;
		return m->kind = STRATUM_MSG_REQUEST;
	}
	/* No method: a response if it carries an id, a result or an error.
	 * ES2 acknowledges a share with a bare {"id":n}. */
	if (m->id.type != STRATUM_ID_NONE || m->result != NULL || m->error != NULL)
		return m->kind = STRATUM_MSG_RESPONSE;
	return m->kind = STRATUM_MSG_INVALID;
}

int stratum_id_equal(const struct stratum_id *a, const struct stratum_id *b)
{
	if (a->type != b->type)
		return 0;
	if (a->type == STRATUM_ID_INT)
		return a->i == b->i;
	if (a->type == STRATUM_ID_STR)
		return a->slen == b->slen && memcmp(a->s, b->s, a->slen) == 0;
	return 0;
}

const struct sj_node *stratum_json_item(const struct sj_node *obj, const char *key)
{
	return sj_object_get(obj, key);
}

const char *stratum_json_str(const struct sj_node *obj, const char *key)
{
	return sj_string(sj_object_get(obj, key));
}

const char *stratum_json_arr_str(const struct sj_node *arr, int idx)
{
	return sj_string(sj_array_get(arr, idx));
}

int stratum_json_is_nullish(const struct sj_node *item)
{
	return item == NULL || sj_is_null(item);
}

#define HX(c) (((c) >= '0' && (c) <= '9') || ((c) >= 'a' && (c) <= 'f') || ((c) >= 'A' && (c) <= 'F'))
#define HX4(c) HX(c), HX((c) + 1), HX((c) + 2), HX((c) + 3)
#define HX16(c) HX4(c), HX4((c) + 4), HX4((c) + 8), HX4((c) + 12)
#define HX64(c) HX16(c), HX16((c) + 16), HX16((c) + 32), HX16((c) + 48)
static const uint8_t hex_digit[256] = { HX64(0), HX64(64), HX64(128), HX64(192) };

#define HEX_ONES  0x0101010101010101ULL
#define HEX_HIGHS 0x8080808080808080ULL

/* High bit of each byte of x (all below 0x80) set when lo <= byte <= hi:
 * the sums stay within their bytes, so no carry crosses into the next. */
static uint64_t hex_in_range(uint64_t x, uint8_t lo, uint8_t hi)
{
	return (x + HEX_ONES * (uint8_t)(0x80 - lo)) & ~(x + HEX_ONES * (uint8_t)(0x7f - hi)) &
	    HEX_HIGHS;
}

/* 1 when s[0..n) are all hex digits: sixteen (SSE2), then eight at a
 * time (job blobs and hashes are checked on every job). */
static int hex_digits(const char *s, size_t n)
{
	size_t i = 0;

#if defined(__SSE2__)
	/* sixteen at a time: x - lo <= hi - lo (unsigned, wrapping) is
	 * lo <= x <= hi; a letter is one of a-f once 0x20 is set */
	for (; n - i >= 16; i += 16) {
		const __m128i w = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		const __m128i d = _mm_sub_epi8(w, _mm_set1_epi8('0'));
		const __m128i l = _mm_sub_epi8(_mm_or_si128(w, _mm_set1_epi8(0x20)),
		    _mm_set1_epi8('a'));
		const __m128i ok = _mm_or_si128(
		    _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d),
		    _mm_cmpeq_epi8(_mm_min_epu8(l, _mm_set1_epi8(5)), l));

		if (_mm_movemask_epi8(ok) != 0xffff)
			return 0;
	}
#endif
	for (; n - i >= 8; i += 8) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		if ((w & HEX_HIGHS) != 0 ||
		    (hex_in_range(w, '0', '9') | hex_in_range(w | HEX_ONES * 0x20, 'a', 'f')) !=
		    HEX_HIGHS)
			return 0;
	}
	for (; i < n; i++)
		if (!hex_digit[(unsigned char)s[i]])
			return 0;
	return 1;
}

int stratum_is_hex(const char *s, size_t min, size_t max, int allow_0x)
{
	size_t n;

	if (s == NULL)
		return 0;
	if (allow_0x && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	/* the length first (at most max + 1 bytes read) */
	n = strnlen(s, max + 1 > max ? max + 1 : max);
	if (n > max || n < min)
		return 0;
	return hex_digits(s, n);
}

int stratum_is_hex_node(const struct sj_node *v, size_t min, size_t max, int allow_0x)
{
	const char *s;
	size_t n;

	if (!sj_is_string(v))
		return 0;
	s = v->v.s;
	n = sj_string_len(v);
	if (allow_0x && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2, n -= 2;
	if (n > max || n < min)
		return 0;
	return hex_digits(s, n);
}

int stratum_utf8_valid(const uint8_t *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint8_t c;
		size_t k, len;
		uint32_t cp;

		/* ASCII eight bytes at a time: Stratum lines nearly always are */
		while (n - i >= 8) {
			uint64_t w;

			memcpy(&w, s + i, 8);
			if (w & 0x8080808080808080ULL)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (n - i < len)
			return 0;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		/* overlongs, surrogates, beyond U+10FFFF (RFC 3629) */
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return 0;
		i += len;
	}
	return 1;
}

size_t stratum_json_fix_surrogates(uint8_t *s, size_t n)
{
	size_t i = 0, fixed = 0;

	while (i + 6 <= n) {
		long v, w;

		if (s[i] != '\\') {
			i++;
			continue;
		}
		if (s[i + 1] != 'u') {
			i += 2; /* an escaped character, possibly a backslash */
			continue;
		}
		v = sj_hex4(s, n, i + 2);
		if (v >= 0xd800 && v <= 0xdbff && i + 12 <= n && s[i + 6] == '\\' &&
		    s[i + 7] == 'u' && (w = sj_hex4(s, n, i + 8)) >= 0xdc00 && w <= 0xdfff) {
			i += 12; /* a proper pair */
			continue;
		}
		if (v >= 0xd800 && v <= 0xdfff) {
			memcpy(s + i + 2, "fffd", 4);
			fixed++;
		}
		i += 6;
	}
	return fixed;
}
