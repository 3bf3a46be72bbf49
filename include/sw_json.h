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
 * memory, nesting deeper than SW_JW_MAX_DEPTH) are sticky in w->err. */
#ifndef SW_JSON_H
#define SW_JSON_H

#include <stddef.h>
#include <stdint.h>

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
void jw_obj_close(struct sw_jw *w);
void jw_arr_open(struct sw_jw *w, const char *key);
void jw_arr_close(struct sw_jw *w);

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

#endif
