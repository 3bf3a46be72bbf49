/* pods-load.c: PodList files (--pods): `kubectl get pods -A -o json`, a
 * List of Pods, or one Pod, into the index through pods_apply. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cjson/cJSON.h>

#include "pods-int.h"
#include "sw_err.h"

/* A pods file larger than this is refused rather than read into memory:
 * 100k pods of kubectl JSON are about 1 GiB, beyond any one node's view. */
#define PODS_FILE_MAX ((size_t)1 << 30)

/* ---- a PodList without its whole tree ----
 *
 * cJSON builds about 7 bytes of tree per byte of input: a 100 MB
 * `kubectl get pods -A -o json` would take 700 MB at once. The top level is
 * therefore only scanned (strings, brackets, scalars checked; nothing
 * allocated), and each element of "items" is parsed and dropped in turn. */

#define JSCAN_DEPTH_MAX 1000          /* as cJSON's CJSON_NESTING_LIMIT */

struct jscan {
	const char *b;
	size_t len, pos;
};

static void js_ws(struct jscan *s)
{
	while (s->pos < s->len && (s->b[s->pos] == ' ' || s->b[s->pos] == '\t' ||
	    s->b[s->pos] == '\n' || s->b[s->pos] == '\r'))
		s->pos++;
}

static int js_string(struct jscan *s)
{
	unsigned char c;

	if (s->pos >= s->len || s->b[s->pos] != '"')
		return -1;
	for (s->pos++; s->pos < s->len;) {
		c = (unsigned char)s->b[s->pos++];
		if (c == '"')
			return 0;
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			if (s->pos >= s->len)
				return -1;
			s->pos++;
		}
	}
	return -1;
}

static int js_scalar(struct jscan *s)
{
	size_t st = s->pos;
	char c;

	while (s->pos < s->len) {
		c = s->b[s->pos];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    c == '+' || c == '-' || c == '.'))
			break;
		s->pos++;
	}
	if (s->pos == st)
		return -1;
	c = s->b[st];
	if ((c >= '0' && c <= '9') || c == '-')
		return 0;
	if ((s->pos - st == 4 && (memcmp(s->b + st, "true", 4) == 0 || memcmp(s->b + st, "null", 4) == 0)) ||
	    (s->pos - st == 5 && memcmp(s->b + st, "false", 5) == 0))
		return 0;
	return -1;
}

/* One value, nested to any depth up to the limit, without recursion:
 * brackets must match, members be "key": value, elements be separated by
 * commas. */
static int js_value(struct jscan *s)
{
	char stack[JSCAN_DEPTH_MAX];
	size_t depth = 0;
	int want_value = 1;           /* a value is expected next */

	for (;;) {
		js_ws(s);
		if (s->pos >= s->len)
			return -1;
		if (want_value) {
			char c = s->b[s->pos];

			if (c == '{' || c == '[') {
				if (depth == JSCAN_DEPTH_MAX)
					return -1;
				stack[depth++] = c;
				s->pos++;
				js_ws(s);
				if (s->pos < s->len && s->b[s->pos] == (c == '{' ? '}' : ']')) {
					s->pos++;
					depth--;
					want_value = 0;
				} else if (c == '{') {
					if (js_string(s) != 0)
						return -1;
					js_ws(s);
					if (s->pos >= s->len || s->b[s->pos++] != ':')
						return -1;
				}
				if (want_value)
					continue;
			} else if (c == '"') {
				if (js_string(s) != 0)
					return -1;
				want_value = 0;
			} else {
				if (js_scalar(s) != 0)
					return -1;
				want_value = 0;
			}
		}
		if (depth == 0)
			return 0;
		js_ws(s);
		if (s->pos >= s->len)
			return -1;
		if (s->b[s->pos] == ',') {
			s->pos++;
			if (stack[depth - 1] == '{') {
				js_ws(s);
				if (js_string(s) != 0)
					return -1;
				js_ws(s);
				if (s->pos >= s->len || s->b[s->pos++] != ':')
					return -1;
			}
			want_value = 1;
		} else if (s->b[s->pos] == (stack[depth - 1] == '{' ? '}' : ']')) {
			s->pos++;
			depth--;
		} else {
			return -1;
		}
	}
}

/* A whole document that is one valid value? (for the error message) */
static int js_is_json(const char *buf, size_t len, size_t *bad)
{
	struct jscan s = { buf, len, 0 };

	if (js_value(&s) == 0) {
		js_ws(&s);
		if (s.pos == len)
			return 1;
	}
	*bad = s.pos;
	return 0;
}

static int is_word(const char *b, size_t n, const char *w)
{
	return n == strlen(w) && memcmp(b, w, n) == 0;
}

/* One item of a PodList: parse it alone, apply it. */
static int load_item(struct sw_pod_index *idx, const char *name, const char *buf, size_t start,
    size_t end, size_t n, char *errbuf, size_t errlen)
{
	const char *stop = NULL, *k;
	char why[256];
	cJSON *it;

	it = cJSON_ParseWithLengthOpts(buf + start, end - start, &stop, 0);
	if (it == NULL) {
		size_t at = stop != NULL && stop >= buf + start && stop <= buf + end ?
		    (size_t)(stop - buf) : start;

		snprintf(errbuf, errlen, "%s: not JSON (parse error at byte %zu)", name, at);
		return SW_ERR_USAGE;
	}
	k = pod_jstr(it, "kind");
	if (k != NULL && strcmp(k, "Pod") != 0) {
		/* kubectl get pods,svc -o json: the other kinds are not ours */
		pods_counters(idx)->pod_rejected++;
	} else if (pods_apply(idx, it, POD_ADDED, 0, why, sizeof(why)) != 0) {
		snprintf(errbuf, errlen, "%s: item %zu: %s", name, n, why);
		cJSON_Delete(it);
		return SW_ERR_USAGE;
	}
	cJSON_Delete(it);
	return 0;
}

int pods_load_buf(struct sw_pod_index *idx, const char *name, const char *buf, size_t len,
    char *errbuf, size_t errlen)
{
	struct jscan s = { buf, len, 0 };
	size_t kind_at = 0, kind_len = 0, items_at = 0, key_at, key_len, bad = 0, n = 0;
	int has_kind = 0, has_items = 0;

	js_ws(&s);
	if (s.pos >= len || buf[s.pos] != '{')
		goto not_list;
	s.pos++;
	js_ws(&s);
	if (s.pos < len && buf[s.pos] == '}') {
		s.pos++;
		goto top_done;
	}
	for (;;) {
		size_t val_at;

		js_ws(&s);
		key_at = s.pos;
		if (js_string(&s) != 0)
			goto not_json;
		key_len = s.pos - key_at - 2;
		js_ws(&s);
		if (s.pos >= len || buf[s.pos++] != ':')
			goto not_json;
		js_ws(&s);
		val_at = s.pos;
		if (js_value(&s) != 0)
			goto not_json;
		if (is_word(buf + key_at + 1, key_len, "kind") && buf[val_at] == '"') {
			has_kind = 1;
			kind_at = val_at + 1;
			kind_len = s.pos - val_at - 2;
		} else if (is_word(buf + key_at + 1, key_len, "items")) {
			has_items = buf[val_at] == '[' ? 1 : -1;
			items_at = val_at;
		}
		js_ws(&s);
		if (s.pos < len && buf[s.pos] == ',') {
			s.pos++;
			continue;
		}
		if (s.pos < len && buf[s.pos] == '}') {
			s.pos++;
			break;
		}
		goto not_json;
	}
top_done:
	js_ws(&s);
	if (s.pos != len)
		goto not_json;
	if (has_kind && is_word(buf + kind_at, kind_len, "Pod")) {
		/* a single Pod (kubectl get pod NAME -o json) */
		return load_item(idx, name, buf, 0, len, 0, errbuf, errlen);
	}
	if (has_items != 1 || (has_kind && !is_word(buf + kind_at, kind_len, "PodList") &&
	    !is_word(buf + kind_at, kind_len, "List"))) {
		snprintf(errbuf, errlen, "%s: not a PodList (kubectl get pods -A -o json)%s%.*s%s", name,
		    has_kind ? ": kind is \"" : "", has_kind ? (int)(kind_len > 40 ? 40 : kind_len) : 0,
		    has_kind ? buf + kind_at : "", has_kind ? "\"" : "");
		return SW_ERR_USAGE;
	}
	pods_mark_loaded(idx);
	/* the items, one at a time (already scanned: well formed) */
	s.pos = items_at + 1;
	js_ws(&s);
	if (buf[s.pos] == ']')
		return 0;
	for (;;) {
		size_t at;
		int r;

		js_ws(&s);
		at = s.pos;
		if (js_value(&s) != 0)
			goto not_json;
		if ((r = load_item(idx, name, buf, at, s.pos, n++, errbuf, errlen)) != 0)
			return r;
		js_ws(&s);
		if (buf[s.pos] == ']')
			return 0;
		s.pos++;       /* ',' */
	}
not_json:
	bad = s.pos;
	snprintf(errbuf, errlen, "%s: not JSON (parse error at byte %zu)", name, bad);
	return SW_ERR_USAGE;
not_list:
	if (!js_is_json(buf, len, &bad)) {
		snprintf(errbuf, errlen, "%s: not JSON (parse error at byte %zu)", name, bad);
		return SW_ERR_USAGE;
	}
	snprintf(errbuf, errlen, "%s: not a PodList (kubectl get pods -A -o json)", name);
	return SW_ERR_USAGE;
}

/* The whole of fp, at most PODS_FILE_MAX bytes: a regular file in one
 * read, a pipe (`--pods <(kubectl get pods -A -o json)`, standard input)
 * in growing chunks. */
static char *read_all(FILE *fp, const char *path, size_t *len, char *errbuf, size_t errlen)
{
	struct stat st;
	size_t cap, n = 0, got;
	char *buf, *nb;

	if (fstat(fileno(fp), &st) != 0) {
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(errbuf, errlen, "%s: is a directory", path);
		return NULL;
	}
	cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 1 << 16;
	if (cap > PODS_FILE_MAX + 1)
		goto too_large;
	if ((buf = malloc(cap)) == NULL)
		goto nomem;
	for (;;) {
		got = fread(buf + n, 1, cap - n, fp);
		n += got;
		if (n < cap) {
			if (ferror(fp)) {
				snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
				free(buf);
				return NULL;
			}
			break;             /* end of file */
		}
		/* full: the file grew, or a pipe has more */
		if (cap > PODS_FILE_MAX) {
			free(buf);
			goto too_large;
		}
		cap = cap * 2 > PODS_FILE_MAX + 1 ? PODS_FILE_MAX + 1 : cap * 2;
		if ((nb = realloc(buf, cap)) == NULL) {
			free(buf);
			goto nomem;
		}
		buf = nb;
	}
	*len = n;
	return buf;
too_large:
	snprintf(errbuf, errlen, "%s: larger than %zu MiB", path, PODS_FILE_MAX >> 20);
	return NULL;
nomem:
	snprintf(errbuf, errlen, "%s: out of memory", path);
	return NULL;
}

int pods_load_file(struct sw_pod_index *idx, const char *path, char *errbuf, size_t errlen)
{
	int is_stdin = strcmp(path, "-") == 0;
	FILE *fp = is_stdin ? stdin : fopen(path, "rb");
	const char *name = is_stdin ? "standard input" : path;
	char *buf;
	size_t n = 0;
	int r;

	if (fp == NULL) {
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		return SW_ERR_USAGE;
	}
	buf = read_all(fp, name, &n, errbuf, errlen);
	if (!is_stdin)
		fclose(fp);
	if (buf == NULL)
		return SW_ERR_USAGE;
	r = pods_load_buf(idx, name, buf, n, errbuf, errlen);
	free(buf);
	return r;
}
