/* test_stratum_json.c: the Stratum JSON parser (dissectors/stratum-json.c):
 * valid documents against cJSON (sj_oracle.h), RFC 8259 strictness, the
 * caps (depth, nodes, number length, text buffer), surrogates, the
 * accessors, every prefix of every document from a guarded buffer, and
 * seeded random mutations checked against cJSON. */
#include <ctype.h>
#include <math.h>
#include <string.h>
#include <strings.h>

#include "sw_test.h"
#include "sj_oracle.h"
#include "stratum-json.h"
#include "stratum-msg.h"

#define NODES 4096

static struct sj_node nodes[NODES];
static char text[1 << 17];

static enum sj_err parse_cap(struct sj_doc *d, const void *s, size_t n, uint32_t cap)
{
	struct sw_guarded g;
	const uint8_t *p = sw_guarded_copy(&g, s, n);
	enum sj_err e;
	const char *why;

	memset(d, 0, sizeof(*d));
	d->nodes = nodes;
	d->cap = cap;
	d->text = text;
	d->text_cap = n + 1;
	e = sj_parse(d, p, n);
	why = sj_oracle_check(d, e, p, n);
	if (why != NULL)
		fprintf(stderr, "oracle: %s on %.*s\n", why, (int)(n > 200 ? 200 : n), (const char *)s);
	FAIL_IF(why != NULL);
	sw_guarded_free(&g);
	return e;
}

static enum sj_err parse(struct sj_doc *d, const char *s)
{
	return parse_cap(d, s, strlen(s), NODES);
}

/* Documents sj_parse and cJSON both accept. */
static const char *const valid[] = {
	"{\"id\":1,\"method\":\"login\",\"params\":{\"login\":\"4Abc.rig\",\"pass\":\"x\","
	    "\"agent\":\"XMRig/6.21.0\",\"algo\":[\"rx/0\",\"cn/r\"]}}",
	"{\"params\":[\"bf\",\"4d16b6f85af6e2198f44ae2a6de67f78487ae5611b77c6c0440b921e00000000\","
	    "\"01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff20020862062f503253482f04b8864e5008\","
	    "\"072f736c7573682f000000000100f2052a010000001976a914d23fcdf86f7e756a64a7a9688ef9903327048ed988ac00000000\","
	    "[],\"00000002\",\"1c2ac4af\",\"504e86b9\",false],\"id\":null,\"method\":\"mining.notify\"}",
	"{\"id\":2,\"result\":[[[\"mining.set_difficulty\",\"b4b6693b72a50c7116db18d6497cac52\"],"
	    "[\"mining.notify\",\"ae6812eb4cd7735a302a8a9dd95cf71f\"]],\"08000002\",4],\"error\":null}",
	"[{\"id\":1},{\"id\":2},[],{},[[]],\"\",0,-0,true,false,null]",
	"{}", "[]", " \t\r\n{ \"a\" : [ 1 , 2 ] } \r\n", "\xef\xbb\xbf{\"bom\":1}",
	"{\"n\":[0,-1,1.5,-2.25e-3,1E10,1e+2,1e-2,123456789012345,1234567890123456,"
	    "12345678901234567890,9007199254740993,1e308,1e999,-1e999,5e-324,0.1]}",
	"{\"s\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u20ac\\ud83d\\ude00\\uFFFD\"}",
	"{\"nul\":\"a\\u0000b\",\"k\\u0000x\":1}",
	"{\"utf8\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\",\"bad\":\"\xff\xfe\"}",
	"{\"dup\":1,\"dup\":2,\"Dup\":3}",
	"{\"id\":1} trailing garbage",
	"{\"a\":{\"b\":{\"c\":{\"d\":[[[[{\"e\":\"deep\"}]]]]}}}}",
	"\"a lone string\"", "12", "true", "null",
	"{\"long\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}",
};

/* Not JSON: both refuse. */
static const char *const invalid[] = {
	"", " ", "{", "[", "{\"a\"", "{\"a\":", "{\"a\":1", "{\"a\":1,", "{\"a\":1,}",
	"[1,]", "[,1]", "{,}", "{\"a\" 1}", "{1:2}", "{'a':1}", "[1 2]", "}", "]",
	"tru", "nul", "falsy", "-", "1e", "1e+", "\"abc", "\"\\x\"", "\"\\u12\"",
	"\"\\u12g4\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"",
	"\"\\ud800x\"", "[\"\\", "{\"a\":[}", "{\"a\":{]}", "[NaN]", "[Infinity]",
	"[-Infinity]", "[.5]", "[0x10]", "[1e]",
};

/* Refused by sj_parse and accepted by cJSON 1.7.15: RFC 8259 says no. */
static const char *const strict_only[] = {
	"[01]", "[-01]", "[1.]", "[-.5]", "[1.e5]", "{\"a\":1.}", "012",
	"{\"a\":\"tab\there\"}", "{\"a\":\"nl\nhere\"}",
	"{\x01\"a\":1}", "[1,\x0b" "2]", "\x0c{}",
};

static void test_valid(void)
{
	struct sj_doc d;
	size_t k;

	for (k = 0; k < sizeof(valid) / sizeof(valid[0]); k++) {
		enum sj_err e = parse(&d, valid[k]);

		if (e != SJ_OK)
			fprintf(stderr, "refused valid[%zu]: %s\n", k, valid[k]);
		EXPECT_EQ_U64(e, SJ_OK);
	}
	for (k = 0; k < sizeof(invalid) / sizeof(invalid[0]); k++)
		FAIL_IF(parse(&d, invalid[k]) == SJ_OK);
	for (k = 0; k < sizeof(strict_only) / sizeof(strict_only[0]); k++) {
		cJSON *c = cJSON_ParseWithLength(strict_only[k], strlen(strict_only[k]));

		FAIL_IF(parse(&d, strict_only[k]) == SJ_OK);
		FAIL_UNLESS(c != NULL); /* documents the difference */
		cJSON_Delete(c);
	}
}

/* Every prefix of a document, from a guarded buffer (an over-read
 * crashes): one that cuts an object or array short is refused, one that
 * holds the whole value ends where the document did. */
static void test_prefixes(void)
{
	struct sj_doc d;
	size_t k, i;

	for (k = 0; k < sizeof(valid) / sizeof(valid[0]); k++) {
		const char *s = valid[k];
		size_t n = strlen(s), end;
		int container;

		FAIL_UNLESS(parse(&d, s) == SJ_OK);
		end = d.end;
		container = d.nodes[0].type == SJ_ARRAY || d.nodes[0].type == SJ_OBJECT;
		for (i = 0; i < n; i++) {
			enum sj_err e = parse_cap(&d, s, i, NODES);

			if (i < end && container)
				FAIL_IF(e == SJ_OK);
			if (i >= end)
				FAIL_UNLESS(e == SJ_OK && d.end == end);
			FAIL_IF(e == SJ_OK && d.end > i);
		}
	}
	/* "{\"id\":1} trailing garbage": the value ends at the brace */
	FAIL_UNLESS(parse(&d, "{\"id\":1} x") == SJ_OK && d.end == 8);
	FAIL_UNLESS(parse(&d, "  [1]  ") == SJ_OK && d.end == 5);
}

static void test_caps(void)
{
	static char deep[2 * SJ_DEPTH_MAX + 8];
	struct sj_doc d;
	size_t i;
	char num[SJ_NUM_MAX + 8];
	cJSON *c;

	/* depth: SJ_DEPTH_MAX nested arrays parse, one more is refused */
	for (i = 0; i < SJ_DEPTH_MAX; i++) {
		deep[i] = '[';
		deep[SJ_DEPTH_MAX + i] = ']';
	}
	EXPECT_EQ_U64(parse_cap(&d, deep, 2 * SJ_DEPTH_MAX, NODES), SJ_OK);
	EXPECT_EQ_U64(d.n, SJ_DEPTH_MAX);
	memmove(deep + 1, deep, 2 * SJ_DEPTH_MAX);
	deep[0] = '[';
	deep[2 * SJ_DEPTH_MAX + 1] = ']';
	EXPECT_EQ_U64(parse_cap(&d, deep, 2 * SJ_DEPTH_MAX + 2, NODES), SJ_ERR_DEPTH);
	c = cJSON_ParseWithLength(deep, 2 * SJ_DEPTH_MAX + 2);
	FAIL_UNLESS(c == NULL); /* cJSON's limit is the same */
	cJSON_Delete(c);
	/* unclosed nesting to the end of the input */
	memset(deep, '[', sizeof(deep));
	FAIL_IF(parse_cap(&d, deep, SJ_DEPTH_MAX - 1, NODES) == SJ_OK);
	FAIL_IF(parse_cap(&d, deep, sizeof(deep), NODES) != SJ_ERR_DEPTH);

	/* nodes: exactly enough, and one short */
	EXPECT_EQ_U64(parse_cap(&d, "[1,2,3]", 7, 4), SJ_OK);
	EXPECT_EQ_U64(parse_cap(&d, "[1,2,3]", 7, 3), SJ_ERR_NODES);
	EXPECT_EQ_U64(parse_cap(&d, "{\"a\":{}}", 8, 1), SJ_ERR_NODES);
	EXPECT_EQ_U64(parse_cap(&d, "1", 1, 0), SJ_ERR_NODES);

	/* numbers of any length: SJ_NUM_MAX bytes (copied on the stack for
	 * strtod), one more (copied to the text buffer's free end), and a
	 * padded number beside a method, which must stay readable (a long
	 * number once made the message a syntax error: a miner could pad its
	 * login to hide it) */
	memset(num, '1', sizeof(num));
	num[0] = '[';
	num[SJ_NUM_MAX + 1] = ']';
	EXPECT_EQ_U64(parse_cap(&d, num, SJ_NUM_MAX + 2, NODES), SJ_OK);
	FAIL_UNLESS(isinf(d.nodes[1].v.d));
	num[SJ_NUM_MAX + 1] = '1';
	num[SJ_NUM_MAX + 2] = ']';
	EXPECT_EQ_U64(parse_cap(&d, num, SJ_NUM_MAX + 3, NODES), SJ_OK);
	FAIL_UNLESS(isinf(d.nodes[1].v.d));
	c = cJSON_ParseWithLength(num, SJ_NUM_MAX + 3);
	FAIL_UNLESS(c != NULL && isinf(cJSON_GetArrayItem(c, 0)->valuedouble));
	cJSON_Delete(c);
	{
		static char pad[3 * SJ_NUM_MAX];
		size_t k = 0;
		const struct sj_node *m;

		k += (size_t)sprintf(pad, "{\"pad\":0.");
		memset(pad + k, '5', 2 * SJ_NUM_MAX);
		k += 2 * SJ_NUM_MAX;
		k += (size_t)sprintf(pad + k, "e-3,\"method\":\"login\"}");
		EXPECT_EQ_U64(parse_cap(&d, pad, k, NODES), SJ_OK);
		/* (parse_cap also checks the tree against cJSON's) */
		m = sj_object_get(&d.nodes[0], "method");
		EXPECT_STREQ(sj_string(m), "login");
		FAIL_UNLESS(fabs(sj_object_get(&d.nodes[0], "pad")->v.d - 0.000555555555555556) < 1e-15);
	}

	/* text buffer shorter than n + 1 */
	memset(&d, 0, sizeof(d));
	d.nodes = nodes;
	d.cap = NODES;
	d.text = text;
	d.text_cap = 4;
	EXPECT_EQ_U64(sj_parse(&d, (const uint8_t *)"[\"abc\"]", 7), SJ_ERR_TEXT);
	d.text_cap = 8;
	EXPECT_EQ_U64(sj_parse(&d, (const uint8_t *)"[\"abc\"]", 7), SJ_OK);
	d.nodes = NULL;
	EXPECT_EQ_U64(sj_parse(&d, (const uint8_t *)"[]", 2), SJ_ERR_TEXT);
}

static void test_values(void)
{
	struct sj_doc d;
	const struct sj_node *r, *it;
	int k = 0;

	FAIL_UNLESS(parse(&d, valid[8]) == SJ_OK);
	r = sj_object_get(&d.nodes[0], "n");
	EXPECT_EQ_U64(sj_array_size(r), 16);
	FAIL_UNLESS(sj_array_get(r, 0)->v.d == 0 && !signbit(sj_array_get(r, 0)->v.d));
	FAIL_UNLESS(sj_array_get(r, 4)->v.d == 1e10);
	FAIL_UNLESS(sj_array_get(r, 9)->v.d == 12345678901234567890.0);
	FAIL_UNLESS(sj_array_get(r, 10)->v.d == 9007199254740992.0); /* rounded */
	FAIL_UNLESS(isinf(sj_array_get(r, 12)->v.d) && sj_array_get(r, 13)->v.d < 0);
	FAIL_UNLESS(sj_array_get(r, 16) == NULL && sj_array_get(r, -1) == NULL);

	FAIL_UNLESS(parse(&d, valid[9]) == SJ_OK);
	EXPECT_STREQ(sj_string(sj_object_get(&d.nodes[0], "s")),
	    "\"\\/\b\f\n\r\tA\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xef\xbf\xbd");

	/* high: a byte >= 0x80 in a string (the caller checks UTF-8 then) */
	FAIL_UNLESS(parse(&d, valid[11]) == SJ_OK && d.high);
	FAIL_UNLESS(parse(&d, valid[9]) == SJ_OK && !d.high); /* escapes only */
	FAIL_UNLESS(parse(&d, "[\"0123456789abcde\xc3\xa9\"]") == SJ_OK && d.high);
	FAIL_UNLESS(parse(&d, "[\"0123456789abcdef\\n\xc3\xa9\"]") == SJ_OK && d.high);
	FAIL_UNLESS(parse(&d, "[\"\xc3\xa9\\\"0123456789abcdef\"]") == SJ_OK && d.high);
	FAIL_UNLESS(parse(&d, valid[7]) == SJ_OK && !d.high); /* the BOM */
	{
		/* a high byte at each position of the 8-byte steps */
		char h[64];
		int at;

		for (at = 0; at < 20; at++) {
			memset(h, 'a', sizeof(h));
			memcpy(h, "[\"", 2);
			h[2 + at] = (char)0xc3;
			h[3 + at] = (char)0xa9;
			memcpy(h + 40, "\"]", 3);
			FAIL_UNLESS(parse(&d, h) == SJ_OK && d.high);
		}
	}

	/* strings that end in the input's last sixteen bytes (SSE2: read
	 * from a vector at the input's end, copied in overlapping pieces):
	 * every length before every amount of trailing input, and a
	 * special byte at every place of such a string */
	{
		char t[96];
		int len, pad, at, kind;

		for (len = 0; len <= 20; len++) {
			for (pad = 0; pad <= 18; pad++) {
				size_t m = 0;
				const struct sj_node *sv;

				t[m++] = '[';
				t[m++] = '"';
				for (at = 0; at < len; at++)
					t[m++] = (char)('a' + at);
				t[m++] = '"';
				t[m++] = ']';
				memset(t + m, ' ', (size_t)pad);
				m += (size_t)pad;
				FAIL_UNLESS(parse_cap(&d, t, m, NODES) == SJ_OK);
				sv = sj_array_get(&d.nodes[0], 0);
				EXPECT_EQ_U64(sv->count, (uint64_t)len);
				FAIL_UNLESS(strlen(sj_string(sv)) == (size_t)len &&
				    memcmp(sj_string(sv), "abcdefghijklmnopqrst", (size_t)len) == 0);
				/* cut before the closing quote: no end */
				FAIL_IF(parse_cap(&d, t, (size_t)len + 2, NODES) == SJ_OK);
			}
		}
		for (len = 0; len <= 24; len++) {
			for (at = 0; at <= len; at++) {
				for (kind = 0; kind < 4; kind++) {
					static const char *const special[] = {
						"\xc3\xa9", "\\n", "\x01", "\\\"",
					};
					size_t m = 0;
					enum sj_err e;

					memcpy(t, "{\"k\":\"", 6);
					m = 6;
					memset(t + m, 'x', (size_t)at);
					m += (size_t)at;
					memcpy(t + m, special[kind], strlen(special[kind]));
					m += strlen(special[kind]);
					memset(t + m, 'y', (size_t)(len - at));
					m += (size_t)(len - at);
					memcpy(t + m, "\"}", 2);
					m += 2;
					e = parse_cap(&d, t, m, NODES);
					if (kind == 2) {
						FAIL_IF(e == SJ_OK); /* a raw control character */
						continue;
					}
					FAIL_UNLESS(e == SJ_OK && d.end == m);
					EXPECT_EQ_U64(d.high, kind == 0);
					EXPECT_EQ_U64(sj_object_get(&d.nodes[0], "k")->count,
					    (uint64_t)len + (kind == 0 ? 2 : 1));
				}
			}
		}
	}

	/* every byte value inside a string, in the 16-byte step and in a
	 * run's tail: only '"', '\\' and the control characters stop a run
	 * (here each makes the document invalid) */
	{
		char t[40];
		int b, at;

		for (b = 1; b < 256; b++) {
			for (at = 2; at < 38; at += 7) {
				int ok = b >= 0x20 && b != '"' && b != '\\';

				memset(t, 'a', sizeof(t));
				t[0] = '[';
				t[1] = '"';
				t[at] = (char)b;
				t[38] = '"';
				t[39] = ']';
				EXPECT_EQ_U64(parse_cap(&d, t, sizeof(t), NODES) == SJ_OK, ok);
				if (ok)
					EXPECT_EQ_U64(d.high, b >= 0x80);
			}
		}
	}

	FAIL_UNLESS(parse(&d, valid[10]) == SJ_OK);
	r = sj_object_get(&d.nodes[0], "nul");
	EXPECT_EQ_U64(r->count, 3); /* "a", NUL, "b": C strings end at the NUL */
	EXPECT_STREQ(sj_string(r), "a");
	EXPECT_EQ_U64(sj_string_len(r), 1);
	/* the mark is the string's own: not a member name's, not a later
	 * string's, and not left in a node array used again */
	FAIL_UNLESS(parse(&d, "[\"ab\\u0000c\",\"de\",{\"k\\u0000\":\"fgh\"},\"\\u0000\"]") == SJ_OK);
	EXPECT_EQ_U64(d.nodes[1].count, 4);
	EXPECT_EQ_U64(sj_string_len(&d.nodes[1]), 2);
	EXPECT_EQ_U64(sj_string_len(&d.nodes[2]), 2);
	EXPECT_EQ_U64(sj_string_len(&d.nodes[4]), 3);
	EXPECT_EQ_U64(d.nodes[5].count, 1);
	EXPECT_EQ_U64(sj_string_len(&d.nodes[5]), 0);
	FAIL_UNLESS(parse(&d, "[\"abcd\",\"ef\"]") == SJ_OK);
	EXPECT_EQ_U64(sj_string_len(&d.nodes[1]), 4);

	/* member lookup: exact case, first duplicate wins, wrong types */
	FAIL_UNLESS(parse(&d, valid[12]) == SJ_OK);
	FAIL_UNLESS(sj_object_get(&d.nodes[0], "dup")->v.d == 1);
	FAIL_UNLESS(sj_object_get(&d.nodes[0], "Dup")->v.d == 3);
	FAIL_UNLESS(sj_object_get(&d.nodes[0], "DUP") == NULL);
	FAIL_UNLESS(sj_object_get(NULL, "dup") == NULL);
	FAIL_UNLESS(sj_array_get(&d.nodes[0], 0) == NULL); /* not an array */
	FAIL_UNLESS(sj_string(NULL) == NULL && !sj_is_bool(NULL) && sj_child(NULL) == NULL);

	/* iteration over mixed siblings, nested containers skipped whole */
	FAIL_UNLESS(parse(&d, valid[3]) == SJ_OK);
	sj_for_each(it, &d.nodes[0])
		k++;
	EXPECT_EQ_U64(k, 11);
	EXPECT_EQ_U64(sj_array_size(&d.nodes[0]), 11);
	FAIL_UNLESS(sj_is_object(sj_array_get(&d.nodes[0], 3)));
	FAIL_UNLESS(sj_is_array(sj_array_get(&d.nodes[0], 4)));
	FAIL_UNLESS(sj_array_size(sj_array_get(&d.nodes[0], 4)) == 1);
	FAIL_UNLESS(sj_is_string(sj_array_get(&d.nodes[0], 5)));
	FAIL_UNLESS(signbit(sj_array_get(&d.nodes[0], 7)->v.d));
	FAIL_UNLESS(sj_is(sj_array_get(&d.nodes[0], 8), SJ_TRUE));
	FAIL_UNLESS(sj_is_false(sj_array_get(&d.nodes[0], 9)));
	FAIL_UNLESS(sj_is_null(sj_array_get(&d.nodes[0], 10)));

	/* classification on top of it (stratum-msg.c) */
	{
		struct stratum_msg m;

		FAIL_UNLESS(parse(&d, valid[0]) == SJ_OK);
		EXPECT_EQ_U64(stratum_msg_classify(&d.nodes[0], &m), STRATUM_MSG_REQUEST);
		EXPECT_STREQ(m.method, "login");
		EXPECT_EQ_U64(m.method_id, SM_LOGIN);
		EXPECT_EQ_U64(m.method_exact, 1);
		EXPECT_STREQ(stratum_json_str(m.params, "agent"), "XMRig/6.21.0");
		EXPECT_STREQ(stratum_json_arr_str(stratum_json_item(m.params, "algo"), 1), "cn/r");
		FAIL_UNLESS(parse(&d, valid[1]) == SJ_OK);
		EXPECT_EQ_U64(stratum_msg_classify(&d.nodes[0], &m), STRATUM_MSG_NOTIFICATION);
		FAIL_UNLESS(sj_is_false(sj_array_get(m.params, 8)));
		EXPECT_EQ_U64(m.duplicate_member, 0);
		/* a member named twice: the first is used, the duplicate noted
		 * (a server on JSON.parse reads the last) */
		FAIL_UNLESS(parse(&d, "{\"id\":1,\"method\":\"keepalived\",\"method\":\"login\"}") == SJ_OK);
		EXPECT_EQ_U64(stratum_msg_classify(&d.nodes[0], &m), STRATUM_MSG_REQUEST);
		EXPECT_STREQ(m.method, "keepalived");
		EXPECT_EQ_U64(m.duplicate_member, 1);
		/* the number ignores case; "exact" keeps the spelling apart */
		FAIL_UNLESS(parse(&d, "{\"id\":1,\"method\":\"MINING.Subscribe\",\"params\":[]}") == SJ_OK);
		EXPECT_EQ_U64(stratum_msg_classify(&d.nodes[0], &m), STRATUM_MSG_REQUEST);
		EXPECT_EQ_U64(m.method_id, SM_M_SUBSCRIBE);
		EXPECT_EQ_U64(m.method_exact, 0);
		/* a \u0000 ends the name, as the C string does (the
		 * length is the parser's: the NUL must still count); a
		 * string id ends there too */
		FAIL_UNLESS(parse(&d, "{\"id\":\"7\\u0000z\",\"method\":\"login\\u0000x\"}") == SJ_OK);
		EXPECT_EQ_U64(stratum_msg_classify(&d.nodes[0], &m), STRATUM_MSG_REQUEST);
		EXPECT_EQ_U64(m.method_id, SM_LOGIN);
		EXPECT_EQ_U64(m.method_exact, 1);
		EXPECT_EQ_U64(m.id.type, STRATUM_ID_STR);
		EXPECT_EQ_U64(m.id.slen, 1);
		FAIL_UNLESS(parse(&d, "{\"id\":1,\"result\":true}") == SJ_OK);
		stratum_msg_classify(&d.nodes[0], &m);
		EXPECT_EQ_U64(m.method_id, (uint64_t)SM_UNKNOWN); /* no method */
		FAIL_UNLESS(parse(&d, "{\"id\":1,\"result\":{},\"id\":2}") == SJ_OK);
		EXPECT_EQ_U64(stratum_msg_classify(&d.nodes[0], &m), STRATUM_MSG_RESPONSE);
		EXPECT_EQ_U64(m.id.i, 1);
		EXPECT_EQ_U64(m.duplicate_member, 1);
		/* other members may repeat (not ours to judge) */
		FAIL_UNLESS(parse(&d, "{\"id\":1,\"x\":1,\"x\":2,\"result\":true}") == SJ_OK);
		stratum_msg_classify(&d.nodes[0], &m);
		EXPECT_EQ_U64(m.duplicate_member, 0);
		/* member names one byte short, long or off are not ours */
		FAIL_UNLESS(parse(&d, "{\"i\":1,\"idx\":2,\"Id\":3,\"param\":[],\"paramss\":[],"
		    "\"methods\":\"login\",\"metho\":\"job\",\"resulT\":1,\"erro\":1,"
		    "\"errors\":1,\"\":1,\"p\":1}") == SJ_OK);
		EXPECT_EQ_U64(stratum_msg_classify(&d.nodes[0], &m), STRATUM_MSG_INVALID);
		FAIL_UNLESS(m.params == NULL && m.result == NULL && m.error == NULL);
		EXPECT_EQ_U64(m.id.type, STRATUM_ID_NONE);
		/* a \u0000 ends a name for the C-string compare, as with cJSON */
		FAIL_UNLESS(parse(&d, "{\"id\\u0000x\":4}") == SJ_OK);
		EXPECT_EQ_U64(stratum_msg_classify(&d.nodes[0], &m), STRATUM_MSG_RESPONSE);
		EXPECT_EQ_U64(m.id.i, 4);
		FAIL_UNLESS(parse(&d, "{\"error\":null,\"result\":7,\"params\":[1],\"id\":\"a\"}") == SJ_OK);
		EXPECT_EQ_U64(stratum_msg_classify(&d.nodes[0], &m), STRATUM_MSG_RESPONSE);
		FAIL_UNLESS(sj_is_null(m.error) && m.result->v.d == 7 && sj_array_size(m.params) == 1);
		EXPECT_EQ_U64(m.id.type, STRATUM_ID_STR);
		EXPECT_STREQ(m.id.s, "a");
		/* ids: integers within +-2^53 are usable, other numbers not */
		{
			static const struct { const char *id; int type; int64_t i; } ids[] = {
				{ "0", STRATUM_ID_INT, 0 }, { "-0", STRATUM_ID_INT, 0 },
				{ "-7", STRATUM_ID_INT, -7 }, { "1e3", STRATUM_ID_INT, 1000 },
				{ "9007199254740992", STRATUM_ID_INT, 9007199254740992LL },
				{ "-9007199254740992", STRATUM_ID_INT, -9007199254740992LL },
				{ "9007199254740994", STRATUM_ID_OTHER, 0 },
				{ "1.5", STRATUM_ID_OTHER, 0 }, { "-0.5", STRATUM_ID_OTHER, 0 },
				{ "1e300", STRATUM_ID_OTHER, 0 }, { "1e400", STRATUM_ID_OTHER, 0 },
				{ "null", STRATUM_ID_NULL, 0 }, { "true", STRATUM_ID_OTHER, 0 },
			};
			char doc[80];

			for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
				snprintf(doc, sizeof(doc), "{\"id\":%s,\"result\":true}", ids[i].id);
				FAIL_UNLESS(parse(&d, doc) == SJ_OK);
				stratum_msg_classify(&d.nodes[0], &m);
				EXPECT_EQ_U64(m.id.type, (uint64_t)ids[i].type);
				EXPECT_EQ_U64((uint64_t)m.id.i, (uint64_t)ids[i].i);
				EXPECT_EQ_U64(m.id_out_of_range, ids[i].type == STRATUM_ID_OTHER &&
				    ids[i].id[0] != 't');
			}
		}
	}
}

/* A lone surrogate is refused; stratum_json_fix_surrogates makes it
 * parse as U+FFFD (the dissector's retry). */
static void test_surrogates(void)
{
	struct sj_doc d;
	char buf[64];

	strcpy(buf, "{\"login\":\"w\\ud800x\"}");
	FAIL_IF(parse(&d, buf) == SJ_OK);
	EXPECT_EQ_U64(stratum_json_fix_surrogates((uint8_t *)buf, strlen(buf)), 1);
	FAIL_UNLESS(parse(&d, buf) == SJ_OK);
	EXPECT_STREQ(sj_string(sj_object_get(&d.nodes[0], "login")), "w\xef\xbf\xbdx");
	strcpy(buf, "[\"\\udfff\\ud800\"]");
	FAIL_IF(parse(&d, buf) == SJ_OK);
	EXPECT_EQ_U64(stratum_json_fix_surrogates((uint8_t *)buf, strlen(buf)), 2);
	FAIL_UNLESS(parse(&d, buf) == SJ_OK);
}

/* Seeded mutations of the valid documents: whatever sj_parse accepts
 * cJSON accepts with the same tree (parse_cap checks), nothing crashes. */
static void test_mutations(void)
{
	static const char alphabet[] = "{}[]\":,\\u0123456789abcdefABCDEF-+.eE tfnrl\x01\xff";
	uint32_t rng = 12345;
	struct sj_doc d;
	char buf[1024];
	int round, ok = 0;

	for (round = 0; round < 20000; round++) {
		const char *s = valid[round % (sizeof(valid) / sizeof(valid[0]))];
		size_t n = strlen(s), j, edits;

		if (n >= sizeof(buf))
			continue;
		memcpy(buf, s, n);
		rng = rng * 1103515245u + 12345u;
		edits = 1 + (rng >> 16) % 4;
		for (j = 0; j < edits && n > 0; j++) {
			size_t at;

			rng = rng * 1103515245u + 12345u;
			at = (rng >> 8) % n;
			rng = rng * 1103515245u + 12345u;
			switch ((rng >> 16) % 3) {
			case 0: /* replace */
				buf[at] = alphabet[(rng >> 4) % (sizeof(alphabet) - 1)];
				break;
			case 1: /* delete */
				memmove(buf + at, buf + at + 1, n - at - 1);
				n--;
				break;
			default: /* insert */
				if (n + 1 < sizeof(buf)) {
					memmove(buf + at + 1, buf + at, n - at);
					buf[at] = alphabet[(rng >> 4) % (sizeof(alphabet) - 1)];
					n++;
				}
			}
		}
		if (parse_cap(&d, buf, n, NODES) == SJ_OK)
			ok++;
	}
	FAIL_UNLESS(ok > 1000); /* the mutations are not all trivially broken */
}

/* Method numbers (stratum-method-names.c): every name of the table maps
 * to its own number, spelled as the table has it or in upper case; the
 * name cut by a byte, or with a byte more, is not that method; nothing
 * maps from NULL, "" or a name past STRATUM_METHOD_NAME_MAX. */
static void test_method_lookup(void)
{
	char buf[STRATUM_METHOD_NAME_MAX + 8];
	int i, exact;

	for (i = 0; i < SM_COUNT; i++) {
		const char *n = stratum_common_methods[i];
		size_t len = strlen(n), k;

		FAIL_UNLESS(len <= STRATUM_METHOD_NAME_MAX);
		EXPECT_EQ_U64(stratum_method_lookup(n, len, &exact), (uint64_t)i);
		EXPECT_EQ_U64(exact, 1);
		for (k = 0; k < len; k++)
			buf[k] = (char)toupper((unsigned char)n[k]);
		EXPECT_EQ_U64(stratum_method_lookup(buf, len, &exact), (uint64_t)i);
		EXPECT_EQ_U64(exact, 0);
		FAIL_IF(stratum_method_lookup(n, len - 1, &exact) == i);
		memcpy(buf, n, len);
		buf[len] = 's';
		FAIL_IF(stratum_method_lookup(buf, len + 1, &exact) == i);
	}
	FAIL_UNLESS(stratum_common_methods[SM_COUNT] == NULL);
	EXPECT_EQ_U64(stratum_method_lookup(NULL, 0, &exact), (uint64_t)SM_UNKNOWN);
	EXPECT_EQ_U64(stratum_method_lookup("", 0, &exact), (uint64_t)SM_UNKNOWN);
	memset(buf, 'a', sizeof(buf));
	EXPECT_EQ_U64(stratum_method_lookup(buf, STRATUM_METHOD_NAME_MAX + 1, &exact),
	    (uint64_t)SM_UNKNOWN);
	EXPECT_EQ_U64(exact, 0);
}

/* The linear lookup stratum_method_lookup replaced, the reference: every
 * name with each byte changed (other case, another letter, a high byte,
 * NUL), cut or lengthened, must give the same number and exactness. */
static int ref_method_lookup(const char *name, size_t n, int *exact)
{
	int i;

	*exact = 0;
	if (name == NULL || n == 0)
		return SM_UNKNOWN;
	for (i = 0; i < SM_COUNT; i++) {
		const char *t = stratum_common_methods[i];

		if (strlen(t) != n || strncasecmp(t, name, n) != 0)
			continue;
		*exact = memcmp(t, name, n) == 0;
		return i;
	}
	return SM_UNKNOWN;
}

static void test_method_lookup_reference(void)
{
	static const unsigned char reps[] = { 'x', 'X', '.', '_', 0x80, 0xc9, 0, '1' };
	char buf[STRATUM_METHOD_NAME_MAX + 8];
	int i, e1, e2, bad = 0;

	for (i = 0; i < SM_COUNT; i++) {
		const char *n = stratum_common_methods[i];
		size_t len = strlen(n), k, r;

		for (k = 0; k < len; k++) {
			for (r = 0; r <= sizeof(reps); r++) {
				memcpy(buf, n, len);
				buf[k] = r < sizeof(reps) ? (char)reps[r] :
				    (char)(isupper((unsigned char)n[k]) ? tolower((unsigned char)n[k]) :
				    toupper((unsigned char)n[k]));
				if (stratum_method_lookup(buf, len, &e1) != ref_method_lookup(buf, len, &e2) ||
				    e1 != e2)
					bad++;
			}
		}
		for (k = 0; k <= len + 1; k++) {
			memcpy(buf, n, len);
			buf[len] = 'S';
			if (stratum_method_lookup(buf, k, &e1) != ref_method_lookup(buf, k, &e2) ||
			    e1 != e2)
				bad++;
		}
	}
	EXPECT_EQ_U64(bad, 0);
}

/* stratum_msg_classify sets every field itself (no memset): a struct full
 * of garbage must come out as a zeroed one does, field by field (the id's
 * text to its slen and its NUL). A field added to struct stratum_msg
 * belongs in this compare and in classify's list. */
static void test_classify_sets_every_field(void)
{
	static const char *const msgs[] = {
		"{\"id\":1,\"method\":\"login\",\"params\":{\"login\":\"w\"}}",
		"{\"jsonrpc\":\"2.0\",\"method\":\"job\",\"params\":{}}",
		"{\"id\":\"ab\",\"result\":{\"status\":\"OK\"},\"error\":null}",
		"{\"id\":null,\"method\":\"mining.notify\",\"params\":[]}",
		"{\"id\":1.5,\"error\":[21,\"x\",null]}",
		"{\"id\":1,\"id\":2}",
		"{\"x\":1}",
		"[1,2]",
		"{\"method\":\"\"}",
	};
	struct sj_doc d;
	size_t i;

	for (i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		struct stratum_msg z, g;
		enum stratum_msg_kind kz, kg;

		FAIL_UNLESS(parse(&d, msgs[i]) == SJ_OK);
		memset(&z, 0, sizeof(z));
		memset(&g, 0xa5, sizeof(g));
		kz = stratum_msg_classify(&d.nodes[0], &z);
		kg = stratum_msg_classify(&d.nodes[0], &g);
		EXPECT_EQ_U64(kg, kz);
		EXPECT_EQ_U64(g.kind, z.kind);
		FAIL_UNLESS(g.method == z.method);
		EXPECT_EQ_U64(g.method_id, z.method_id);
		EXPECT_EQ_U64(g.method_exact, z.method_exact);
		EXPECT_EQ_U64(g.id.type, z.id.type);
		EXPECT_EQ_U64((uint64_t)g.id.i, (uint64_t)z.id.i);
		EXPECT_EQ_U64(g.id.slen, z.id.slen);
		FAIL_UNLESS(memcmp(g.id.s, z.id.s, (size_t)z.id.slen + 1) == 0);
		FAIL_UNLESS(g.params == z.params && g.result == z.result && g.error == z.error);
		FAIL_UNLESS(g.root == z.root);
		EXPECT_EQ_U64(g.id_out_of_range, z.id_out_of_range);
		EXPECT_EQ_U64(g.duplicate_member, z.duplicate_member);
		FAIL_UNLESS(z.id.s[z.id.slen] == '\0');
	}
}

int main(void)
{
	test_valid();
	test_classify_sets_every_field();
	test_prefixes();
	test_caps();
	test_values();
	test_surrogates();
	test_method_lookup();
	test_method_lookup_reference();
	test_mutations();
	return sw_test_done("test_stratum_json");
}
