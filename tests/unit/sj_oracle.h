/* sj_oracle.h: stratum-json.c checked against cJSON, for the unit test
 * (test_stratum_json.c) and the fuzz target (fuzz_stratum_json.c).
 *
 * sj_parse is stricter than cJSON 1.7.15 (RFC 8259 whitespace, numbers
 * and control characters) and otherwise the same, so: whatever it accepts,
 * cJSON_ParseWithLength accepts too, with the same tree (types, member
 * names in order, strings, numbers bit for bit); and the value ends where
 * cJSON's did. sj_oracle_check() returns NULL or what differed. */
#ifndef SJ_ORACLE_H
#define SJ_ORACLE_H

#include <string.h>
#include <cjson/cJSON.h>

#include "stratum-json.h"

static const char *sj_oracle_same(const struct sj_node *v, const cJSON *c)
{
	const struct sj_node *it;
	const cJSON *ci;

	switch (v->type) {
	case SJ_NULL:
		return cJSON_IsNull(c) ? NULL : "null";
	case SJ_FALSE:
		return cJSON_IsFalse(c) ? NULL : "false";
	case SJ_TRUE:
		return cJSON_IsTrue(c) ? NULL : "true";
	case SJ_NUMBER:
		if (!cJSON_IsNumber(c))
			return "number type";
		/* bit for bit: NaN cannot occur, and -0 must stay -0 */
		return memcmp(&v->v.d, &c->valuedouble, sizeof(double)) == 0 ?
		    NULL : "number value";
	case SJ_STRING:
		if (!cJSON_IsString(c) || strcmp(v->v.s, c->valuestring) != 0)
			return "string";
		return strlen(v->v.s) <= v->count ? NULL : "string length";
	case SJ_ARRAY:
	case SJ_OBJECT:
		if (v->type == SJ_ARRAY ? !cJSON_IsArray(c) : !cJSON_IsObject(c))
			return "container type";
		if ((int)v->count != cJSON_GetArraySize(c))
			return "child count";
		ci = c->child;
		sj_for_each(it, v) {
			const char *why;

			if (ci == NULL)
				return "fewer children";
			if (v->type == SJ_OBJECT &&
			    (it->key == NULL || ci->string == NULL || strcmp(it->key, ci->string) != 0))
				return "member name";
			if (v->type == SJ_ARRAY && it->key != NULL)
				return "array element with a name";
			if ((why = sj_oracle_same(it, ci)) != NULL)
				return why;
			ci = ci->next;
		}
		return ci == NULL ? NULL : "more children";
	}
	return "node type";
}

/* e and d: sj_parse's result on s[0..n). */
static const char *sj_oracle_check(const struct sj_doc *d, enum sj_err e,
    const uint8_t *s, size_t n)
{
	const char *end = NULL, *why;
	cJSON *c;

	if (e != SJ_OK)
		return NULL; /* refusing is always allowed: stricter */
	/* cJSON skips a byte order mark only when the text is longer than 4
	 * bytes (can_access_at_index(buffer, 4)): BOM + one digit */
	if (n <= 4 && n >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
		return NULL;
	if (d->end > n || d->n == 0 || d->nodes[0].size != d->n)
		return "root size";
	c = cJSON_ParseWithLengthOpts((const char *)s, n, &end, 0);
	if (c == NULL)
		return "sj_parse accepted what cJSON refused";
	why = sj_oracle_same(&d->nodes[0], c);
	/* cJSON's end skips the whitespace after the value; ours does not */
	if (why == NULL) {
		size_t ce = (size_t)((const uint8_t *)end - s), i = d->end;

		while (i < ce && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
			i++;
		if (i != ce)
			why = "end offset";
	}
	cJSON_Delete(c);
	return why;
}

#endif
