/* sw_json.h: a small, deterministic JSON writer for EVE output.
 *
 * Why not cJSON for output: cJSON stores numbers as double and prints large
 * integers (flow_id) in exponent form or with lost digits; EVE consumers
 * expect exact integers. This writer appends to a growable buffer, inserts
 * commas itself, escapes strings (invalid UTF-8 becomes U+FFFD, control
 * characters \u00XX), and writes keys in the order the caller gives, so the
 * same input always gives the same bytes.
 *
 * Usage:
 *   jw_reset(w);
 *   jw_obj_open(w, NULL);
 *   jw_str(w, "event_type", "stratum");
 *   jw_obj_open(w, "stratum"); jw_u64(w, "jobs", 3); jw_obj_close(w);
 *   jw_obj_close(w);
 *   -> w->buf holds {"event_type":"stratum","stratum":{"jobs":3}}
 * A key is given inside objects and is NULL inside arrays. Errors (out of
 * memory, nesting deeper than SW_JW_MAX_DEPTH) are sticky in w->err.
 * w->buf is NUL-terminated after every call that succeeded. */
#ifndef SW_JSON_H
#define SW_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define SW_JW_MAX_DEPTH 32

struct sw_jw {
	char *buf;
	size_t len, cap;
	int depth;
	uint8_t need_comma[SW_JW_MAX_DEPTH];
	int err;
};

void jw_init(struct sw_jw *w);
void jw_free(struct sw_jw *w);
void jw_reset(struct sw_jw *w);

void jw_obj_open(struct sw_jw *w, const char *key);
static inline void jw_obj_close(struct sw_jw *w);
void jw_arr_open(struct sw_jw *w, const char *key);
static inline void jw_arr_close(struct sw_jw *w);

void jw_str(struct sw_jw *w, const char *key, const char *s);
void jw_strn(struct sw_jw *w, const char *key, const char *s, size_t n);
void jw_u64(struct sw_jw *w, const char *key, uint64_t v);
void jw_i64(struct sw_jw *w, const char *key, int64_t v);
void jw_double(struct sw_jw *w, const char *key, double v); /* non-finite -> null */
void jw_bool(struct sw_jw *w, const char *key, int v);
void jw_null(struct sw_jw *w, const char *key);
/* Append already-serialised JSON (must be a valid value). */
void jw_raw(struct sw_jw *w, const char *key, const char *json, size_t n);

/* Escape n bytes as the body of a JSON string (no quotes) onto w. */
void jw_escape(struct sw_jw *w, const char *s, size_t n);

/* ---- The fast path for keys known at compile time ----------------------
 *
 * Nearly every key is a string literal, and an event has twenty or more of
 * them: finding a literal's length and checking that it needs no escaping
 * at run time, for every key of every event, was the largest single cost
 * of writing EVE. With GCC or Clang the calls above are macros: when the
 * key is a compile-time constant (a literal, or NULL inside an array) and
 * the compiler can prove it plain (strcspn of two constants folds to a
 * number), comma, quotes and key are written inline with a fixed-size
 * copy and only the value goes through a function. Any other key (built
 * at run time, e.g. a pod label's name, or a literal with a character
 * that needs escaping) takes the functions, which check and escape it.
 * The output is the same bytes either way. The names in parentheses,
 * (jw_str)(...), always call the function. jw__* are internal. */

/* Make room for n more bytes plus a NUL; 0, or -1 with w->err set. */
int jw__grow(struct sw_jw *w, size_t n);

static inline int jw__room(struct sw_jw *w, size_t n)
{
	if (__builtin_expect(w->err == 0 && n < w->cap - w->len, 1))
		return 0;
	return jw__grow(w, n);
}

/* The decimal digits of v written at p (at most 20 bytes, no NUL);
 * returns the end. For a caller that builds a fragment of its own (the
 * EVE envelope): the digits go where they belong, with no copy. */
char *jw_u64_put(uint64_t v, char *p);
/* The same for a double, as jw_double writes it (printf's "%.15g", null
 * when not finite): at most JW_DOUBLE_LEN bytes. */
#define JW_DOUBLE_LEN 24
char *jw_double_put(double v, char *p);

/* A fragment the caller writes itself: the EVE envelope's fields are
 * digits, addresses, a timestamp, whose text needs no escaping, and
 * writing them straight into the buffer spares a copy of each through a
 * scratch buffer and jw_raw. jw_frag_begin writes the comma this level
 * needs and makes room for n bytes; it returns where they go, or NULL
 * (w->err is set: write nothing). The caller writes at most n bytes of
 * valid JSON members (or one value, inside an array) and passes their
 * end to jw_frag_end. */
static inline char *jw_frag_begin(struct sw_jw *w, size_t n)
{
	char *p;

	if (jw__room(w, n + 1) != 0)
		return NULL;
	p = w->buf + w->len;
	*p = ',';
	p += w->need_comma[w->depth];
	w->need_comma[w->depth] = 1;
	return p;
}

static inline void jw_frag_end(struct sw_jw *w, char *end)
{
	*end = '\0';
	w->len = (size_t)(end - w->buf);
}

/* For a fragment: the n bytes of s copied to p, and their end returned,
 * when none needs escaping (printable ASCII but '"' and '\\'); else
 * NULL, with up to n bytes at p written (scratch: the caller does not
 * advance), and s must go through jw_str. */
char *jw_plain_put(char *p, const char *s, size_t n);

/* For a fragment: the literal lit at q, then the n bytes of s and a
 * closing quote when s needs no escaping (lit ends with the value's
 * opening quote: ",\"key\":\""); returns the end, or NULL when s needs
 * escaping (the caller then leaves the member to the writer, with the
 * comma state it had before jw_frag_begin). jw_frag_lit: a literal
 * alone. */
#define jw_frag_lit(q, lit) ((char *)memcpy((q), (lit), sizeof(lit) - 1) + sizeof(lit) - 1)
#define jw_frag_str(q, lit, s, n) jw__frag_str((q), (lit), sizeof(lit) - 1, (s), (n))

static inline char *jw__frag_str(char *q, const char *lit, size_t litn, const char *s,
    size_t n)
{
	memcpy(q, lit, litn);
	if ((q = jw_plain_put(q + litn, s, n)) != NULL)
		*q++ = '"';
	return q;
}

/* The values, after the key has been written (out of line). */
void jw__v_str(struct sw_jw *w, const char *s);
void jw__v_strn(struct sw_jw *w, const char *s, size_t n);
void jw__v_u64(struct sw_jw *w, uint64_t v);
void jw__v_i64(struct sw_jw *w, int64_t v);
void jw__v_double(struct sw_jw *w, double v);
/* Opening and closing brackets, inline: every event has several, and a
 * call for one byte cost more than the byte. The rare cases (nesting
 * limit or an unbalanced close, an error, a buffer to grow) take the
 * functions, which behave as before. */
void jw__open_slow(struct sw_jw *w, char c);
void jw__close_slow(struct sw_jw *w, char c);

static inline void jw__v_open(struct sw_jw *w, char c)
{
	if (__builtin_expect(w->depth + 1 >= SW_JW_MAX_DEPTH || w->err != 0 ||
	    1 >= w->cap - w->len, 0)) {
		jw__open_slow(w, c);
		return;
	}
	w->buf[w->len++] = c;
	w->buf[w->len] = '\0';
	w->depth++;
	w->need_comma[w->depth] = 0;
}

static inline void jw__close(struct sw_jw *w, char c)
{
	if (__builtin_expect(w->depth == 0 || w->err != 0 || 1 >= w->cap - w->len, 0)) {
		jw__close_slow(w, c);
		return;
	}
	w->depth--;
	w->buf[w->len++] = c;
	w->buf[w->len] = '\0';
}

static inline void jw_obj_close(struct sw_jw *w) { jw__close(w, '}'); }
static inline void jw_arr_close(struct sw_jw *w) { jw__close(w, ']'); }

/* n bytes as they are. Inline: true, false and null have constant
 * lengths, and the copy is then a move or two, not a libc memcpy call. */
static inline void jw__v_put(struct sw_jw *w, const char *s, size_t n)
{
	if (jw__room(w, n) != 0)
		return;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

/* Comma, then "key": for a key that needs no escaping, n = strlen(key)
 * (key NULL: the comma only). No NUL: the value written next ends with
 * one (a store per key saved). */
static inline void jw__key_plain(struct sw_jw *w, const char *key, size_t n)
{
	char *p;

	if (jw__room(w, n + 4) != 0)
		return;
	p = w->buf + w->len;
	*p = ',';
	p += w->need_comma[w->depth];
	w->need_comma[w->depth] = 1;
	if (key != NULL) {
		p[0] = '"';
		memcpy(p + 1, key, n);
		p[n + 1] = '"';
		p[n + 2] = ':';
		p += n + 3;
	}
	w->len = (size_t)(p - w->buf);
}

#if defined(__GNUC__) && defined(__OPTIMIZE__) && !defined(SW_JW_NO_INLINE_KEYS)

/* Bytes that a key written by jw__key_plain must not contain: those that
 * JSON escapes, and any byte >= 0x80 (invalid UTF-8 would need U+FFFD). */
#define JW__SPECIAL \
	"\"\\\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f" \
	"\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f" \
	"\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d\x8e\x8f" \
	"\x90\x91\x92\x93\x94\x95\x96\x97\x98\x99\x9a\x9b\x9c\x9d\x9e\x9f" \
	"\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae\xaf" \
	"\xb0\xb1\xb2\xb3\xb4\xb5\xb6\xb7\xb8\xb9\xba\xbb\xbc\xbd\xbe\xbf" \
	"\xc0\xc1\xc2\xc3\xc4\xc5\xc6\xc7\xc8\xc9\xca\xcb\xcc\xcd\xce\xcf" \
	"\xd0\xd1\xd2\xd3\xd4\xd5\xd6\xd7\xd8\xd9\xda\xdb\xdc\xdd\xde\xdf" \
	"\xe0\xe1\xe2\xe3\xe4\xe5\xe6\xe7\xe8\xe9\xea\xeb\xec\xed\xee\xef" \
	"\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9\xfa\xfb\xfc\xfd\xfe\xff"

/* The key as a string ("" for NULL), as an expression: an inline function
 * here would make __builtin_constant_p below give 0. */
#define JW__KS(k) ((k) ? (const char *)(k) : "")

/* 1 if key k is known at compile time and needs no escaping. Both tests
 * fold to constants with GCC, so the other branch of the macros below
 * vanishes; Clang does not fold strcspn there, and takes the functions. */
#define JW__CK(k) \
	(__builtin_constant_p(k) && \
	    __builtin_constant_p(__builtin_strcspn(JW__KS(k), JW__SPECIAL) == \
		__builtin_strlen(JW__KS(k))) && \
	    __builtin_strcspn(JW__KS(k), JW__SPECIAL) == __builtin_strlen(JW__KS(k)))
#define JW__KN(k) __builtin_strlen(JW__KS(k))

static inline void jw__str_ck(struct sw_jw *w, const char *k, size_t kn, const char *s)
{
	jw__key_plain(w, k, kn);
	jw__v_str(w, s);
}

static inline void jw__strn_ck(struct sw_jw *w, const char *k, size_t kn, const char *s,
    size_t n)
{
	jw__key_plain(w, k, kn);
	jw__v_strn(w, s, n);
}

static inline void jw__u64_ck(struct sw_jw *w, const char *k, size_t kn, uint64_t v)
{
	jw__key_plain(w, k, kn);
	jw__v_u64(w, v);
}

static inline void jw__i64_ck(struct sw_jw *w, const char *k, size_t kn, int64_t v)
{
	jw__key_plain(w, k, kn);
	jw__v_i64(w, v);
}

static inline void jw__double_ck(struct sw_jw *w, const char *k, size_t kn, double v)
{
	jw__key_plain(w, k, kn);
	jw__v_double(w, v);
}

static inline void jw__bool_ck(struct sw_jw *w, const char *k, size_t kn, int v)
{
	jw__key_plain(w, k, kn);
	if (v)
		jw__v_put(w, "true", 4);
	else
		jw__v_put(w, "false", 5);
}

static inline void jw__null_ck(struct sw_jw *w, const char *k, size_t kn)
{
	jw__key_plain(w, k, kn);
	jw__v_put(w, "null", 4);
}

static inline void jw__raw_ck(struct sw_jw *w, const char *k, size_t kn, const char *json,
    size_t n)
{
	jw__key_plain(w, k, kn);
	jw__v_put(w, json, n);
}

static inline void jw__open_ck(struct sw_jw *w, const char *k, size_t kn, char c)
{
	jw__key_plain(w, k, kn);
	jw__v_open(w, c);
}

#define jw_str(w, k, s) \
	(JW__CK(k) ? jw__str_ck((w), (k), JW__KN(k), (s)) : (jw_str)((w), (k), (s)))
#define jw_strn(w, k, s, n) \
	(JW__CK(k) ? jw__strn_ck((w), (k), JW__KN(k), (s), (n)) : (jw_strn)((w), (k), (s), (n)))
#define jw_u64(w, k, v) \
	(JW__CK(k) ? jw__u64_ck((w), (k), JW__KN(k), (v)) : (jw_u64)((w), (k), (v)))
#define jw_i64(w, k, v) \
	(JW__CK(k) ? jw__i64_ck((w), (k), JW__KN(k), (v)) : (jw_i64)((w), (k), (v)))
#define jw_double(w, k, v) \
	(JW__CK(k) ? jw__double_ck((w), (k), JW__KN(k), (v)) : (jw_double)((w), (k), (v)))
#define jw_bool(w, k, v) \
	(JW__CK(k) ? jw__bool_ck((w), (k), JW__KN(k), (v)) : (jw_bool)((w), (k), (v)))
#define jw_null(w, k) \
	(JW__CK(k) ? jw__null_ck((w), (k), JW__KN(k)) : (jw_null)((w), (k)))
#define jw_raw(w, k, j, n) \
	(JW__CK(k) ? jw__raw_ck((w), (k), JW__KN(k), (j), (n)) : (jw_raw)((w), (k), (j), (n)))
#define jw_obj_open(w, k) \
	(JW__CK(k) ? jw__open_ck((w), (k), JW__KN(k), '{') : (jw_obj_open)((w), (k)))
#define jw_arr_open(w, k) \
	(JW__CK(k) ? jw__open_ck((w), (k), JW__KN(k), '[') : (jw_arr_open)((w), (k)))

#endif /* __GNUC__ && __OPTIMIZE__ */

#endif
