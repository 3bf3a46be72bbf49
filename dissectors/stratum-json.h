/* stratum-json.h: a small JSON parser for Stratum messages.
 *
 * One pass over the text builds a tree of values in a node array and a text
 * buffer that the caller provides: no allocation per message (cJSON made a
 * node per value and copied every string twice; it was a fifth of the
 * dissector's cost). Nodes are in document order, so a container's first
 * child is the node after it and a value's next sibling is `size` nodes on.
 *
 * The grammar is RFC 8259's, strictly: whitespace is space, tab, CR and LF;
 * numbers have no leading zeros, "+", bare "." or trailing "."; strings hold
 * no raw control characters; \u escapes must form valid UTF-16 (a lone
 * surrogate is an error, as with cJSON: see stratum_json_fix_surrogates).
 * As cJSON_ParseWithLength did, a leading UTF-8 byte order mark is skipped
 * (RFC 8259 8.1 allows it) and the parse stops after the first complete
 * value: sj_parse returns where it ended and the caller decides what the
 * rest means.
 *
 * Caps, each an error of its own: SJ_DEPTH_MAX nested arrays/objects (as
 * cJSON's CJSON_NESTING_LIMIT) and the caller's node count. Numbers of any
 * length are read (as cJSON and JSON.parse do; a padded number must not
 * hide a message): up to SJ_NUM_MAX bytes strtod's copy is on the stack,
 * longer ones are copied to the free end of the text buffer.
 * Strings are unescaped into the text buffer, which needs n + 1 bytes:
 * the unescaped text and a NUL per string never outgrow the quoted input.
 * A \u0000 escape ends a string for the C-string accessors, as with
 * cJSON. */
#ifndef STRATUM_JSON_H
#define STRATUM_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define SJ_DEPTH_MAX 1000
#define SJ_NUM_MAX 1024

enum sj_type {
	SJ_NULL = 1,
	SJ_FALSE,
	SJ_TRUE,
	SJ_NUMBER,
	SJ_STRING,
	SJ_ARRAY,
	SJ_OBJECT,
};

struct sj_node {
	uint8_t type;     /* enum sj_type */
	uint8_t more;     /* 1: a sibling follows */
	uint8_t nul;      /* string: 1 when a \u0000 is inside (count is
	                     then more than the C string's length) */
	uint32_t size;    /* nodes in this value's subtree, itself included */
	uint32_t count;   /* array/object: children; string: bytes */
	const char *key;  /* member name when the parent is an object */
	union {
		const char *s; /* string: NUL-terminated, in the text buffer */
		double d;      /* number */
	} v;
};

enum sj_err {
	SJ_OK = 0,
	SJ_ERR_SYNTAX,   /* not JSON (also: empty, truncated) */
	SJ_ERR_DEPTH,    /* nested deeper than SJ_DEPTH_MAX */
	SJ_ERR_NODES,    /* more values than the node array holds */
	SJ_ERR_TEXT,     /* the text buffer is smaller than n + 1 */
};

struct sj_doc {
	struct sj_node *nodes; /* caller's */
	uint32_t cap;          /* nodes[] entries */
	uint32_t n;            /* nodes used */
	char *text;            /* caller's; text_cap >= input length + 1 */
	size_t text_cap;
	size_t text_used;
	size_t end;            /* SJ_OK: offset just past the first value */
	int high;              /* on SJ_OK: 1 when a string held a byte
	                          >= 0x80, and maybe for one elsewhere in the
	                          input (the byte order mark, past end); 0:
	                          none between the mark and end, so the value
	                          is UTF-8 (the caller checks only then) */
};

/* Parse the first JSON value in s[0..n) into d (nodes, cap, text and
 * text_cap set by the caller; the rest is reset). On SJ_OK the root is
 * d->nodes[0] and d->end is where the value ended. */
enum sj_err sj_parse(struct sj_doc *d, const uint8_t *s, size_t n);

/* Value of the 4 hex digits at s[i..i+4), or -1 (also when past n). */
long sj_hex4(const uint8_t *s, size_t n, size_t i);

/* Accessors. Every one takes NULL (an absent value) and answers as for a
 * value of another type, so lookups chain without checks. */
static inline int sj_is(const struct sj_node *v, enum sj_type t)
{
	return v != NULL && v->type == t;
}
#define sj_is_null(v)   sj_is((v), SJ_NULL)
#define sj_is_false(v)  sj_is((v), SJ_FALSE)
#define sj_is_number(v) sj_is((v), SJ_NUMBER)
#define sj_is_string(v) sj_is((v), SJ_STRING)
#define sj_is_array(v)  sj_is((v), SJ_ARRAY)
#define sj_is_object(v) sj_is((v), SJ_OBJECT)
static inline int sj_is_bool(const struct sj_node *v)
{
	return v != NULL && (v->type == SJ_TRUE || v->type == SJ_FALSE);
}

/* First child of an array or object, or NULL. */
static inline const struct sj_node *sj_child(const struct sj_node *v)
{
	return v != NULL && (v->type == SJ_ARRAY || v->type == SJ_OBJECT) &&
	    v->count > 0 ? v + 1 : NULL;
}

/* Next sibling, or NULL. */
static inline const struct sj_node *sj_next(const struct sj_node *v)
{
	return v != NULL && v->more ? v + v->size : NULL;
}

#define sj_for_each(it, parent) \
	for ((it) = sj_child(parent); (it) != NULL; (it) = sj_next(it))

/* Elements of an array (0 for anything else). */
static inline int sj_array_size(const struct sj_node *v)
{
	return sj_is_array(v) ? (int)v->count : 0;
}

/* The string, or NULL when v is not a string. */
static inline const char *sj_string(const struct sj_node *v)
{
	return sj_is_string(v) ? v->v.s : NULL;
}

/* strlen(v->v.s) of a string node, from the length the parser noted
 * (a scan only past a \u0000, where the C string ends early). */
static inline size_t sj_string_len(const struct sj_node *v)
{
	return v->nul ? strlen(v->v.s) : v->count;
}

/* Member `key` of an object, compared exactly (case-sensitive, as
 * cJSON_GetObjectItemCaseSensitive); the first of duplicates wins. */
const struct sj_node *sj_object_get(const struct sj_node *obj, const char *key);

/* Element idx of an array, or NULL. */
const struct sj_node *sj_array_get(const struct sj_node *arr, int idx);

#endif
