/* stratum-msg.h: classify one parsed Stratum JSON message.
 *
 * Implements reference/stratum.md sections 2-5: a message is a request
 * (method + non-null id), a notification (method, id absent or null), or a
 * response (no method; id, result or error present). eth-proxy job pushes
 * and EthereumStratum/2.0.0 successes ({"id":3}) are response-shaped; the
 * session code decides what they mean. Keys are matched exactly; method
 * names keep their spelling here, and are looked up without case (section
 * 9) into method_id once, for the callers to switch on. */
#ifndef STRATUM_MSG_H
#define STRATUM_MSG_H

#include <stddef.h>
#include <stdint.h>
#include "stratum-json.h"
#include "stratum-method-names.h"

#define STRATUM_ID_MAX 64 /* longest string id kept for matching */

enum stratum_id_type {
	STRATUM_ID_NONE = 0, /* no "id" key */
	STRATUM_ID_NULL,
	STRATUM_ID_INT,
	STRATUM_ID_STR,
	STRATUM_ID_OTHER,    /* bool, object, array, or a number that is not
	                        an integer within +-2^53 */
};

struct stratum_id {
	enum stratum_id_type type;
	int64_t i;
	uint8_t slen;
	char s[STRATUM_ID_MAX + 1];
};

enum stratum_msg_kind {
	STRATUM_MSG_INVALID = 0, /* not an object, or none of the keys above */
	STRATUM_MSG_REQUEST,
	STRATUM_MSG_NOTIFICATION,
	STRATUM_MSG_RESPONSE,
};

struct stratum_msg {
	enum stratum_msg_kind kind;
	const char *method;   /* request/notification only; NUL-terminated */
	enum stratum_method method_id; /* method in any case; else SM_UNKNOWN */
	int method_exact;     /* 1: method is spelled as the table has it */
	struct stratum_id id;
	const struct sj_node *params;  /* may be NULL */
	const struct sj_node *result;  /* may be NULL (absent) or a JSON null */
	const struct sj_node *error;   /* may be NULL (absent) or a JSON null */
	const struct sj_node *root;
	int id_out_of_range;  /* the id was a number we could not use */
	int duplicate_member; /* method, id, params, result or error given twice:
	                         the first is used (as cJSON and rapidjson do;
	                         JSON.parse takes the last) */
};

/* Member name k (NUL-terminated, its first byte already matched) is the
 * n-byte want: compared in place, the loop unrolled for each constant n,
 * where a strcmp call cost 30 instructions a member. A shorter k stops
 * at its NUL, which no byte of want is. */
static inline int stratum_key_is(const char *k, const char *want, size_t n)
{
	size_t i;

#pragma GCC unroll 8
	for (i = 1; i < n; i++)
		if (k[i] != want[i])
			return 0;
	return k[n] == '\0';
}
#define STRATUM_KEY_IS(k, lit) stratum_key_is((k), (lit), sizeof(lit) - 1)

/* Classify root (borrowed; m points into it). Returns m->kind. */
enum stratum_msg_kind stratum_msg_classify(const struct sj_node *root, struct stratum_msg *m);

/* 1 when a and b are the same usable id (INT or STR with equal value). */
int stratum_id_equal(const struct stratum_id *a, const struct stratum_id *b);

/* Small JSON helpers that treat absent and wrongly typed items alike
 * (member names compared exactly). */
const char *stratum_json_str(const struct sj_node *obj, const char *key);
const struct sj_node *stratum_json_item(const struct sj_node *obj, const char *key);
/* Array element idx when it is a string, else NULL. */
const char *stratum_json_arr_str(const struct sj_node *arr, int idx);
/* 1 when item is JSON null or absent. */
int stratum_json_is_nullish(const struct sj_node *item);

/* 1 when s is n hex digits (0-9a-fA-F), optionally after "0x" when allow_0x;
 * n counts the digits after any prefix and must be in [min, max]. */
int stratum_is_hex(const char *s, size_t min, size_t max, int allow_0x);
/* The same for a string node (0 for another value), from the length the
 * parser noted rather than a scan. */
int stratum_is_hex_node(const struct sj_node *v, size_t min, size_t max, int allow_0x);

/* 1 when s[0..n) is valid UTF-8 (RFC 3629: no overlongs, surrogates or
 * code points past U+10FFFF). */
int stratum_utf8_valid(const uint8_t *s, size_t n);

/* JSON text may carry \uD800-\uDFFF escapes that are not a valid
 * surrogate pair. sj_parse (like cJSON) rejects the whole message;
 * JavaScript pools (JSON.parse) accept it, so a miner could hide its login
 * that way. Rewrite
 * each lone surrogate escape in s[0..n) as \ufffd (same length) in place.
 * Returns how many were rewritten. */
size_t stratum_json_fix_surrogates(uint8_t *s, size_t n);

#endif
