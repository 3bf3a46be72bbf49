/* http-head.c: HTTP/1.x heads read in place (http-head.h). */
#include <string.h>

#include "http-head.h"

static uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

static int ci_equal(const uint8_t *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (lower(a[i]) != lower((uint8_t)b[i]))
			return 0;
	return 1;
}

size_t http_head_len(const uint8_t *d, size_t n)
{
	const uint8_t *p, *end, *nl;

	if (n == 0)
		return 0; /* d may be NULL: no arithmetic on it */
	p = d;
	end = d + n;
	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		const uint8_t *next = nl + 1;

		if (next < end && *next == '\n')
			return (size_t)(next + 1 - d);
		if (end - next >= 2 && next[0] == '\r' && next[1] == '\n')
			return (size_t)(next + 2 - d);
		p = next;
	}
	return 0;
}

const uint8_t *http_header(const uint8_t *d, size_t n, const char *name, size_t *len)
{
	const uint8_t *end, *line = d, *nl;
	size_t nl_len = strlen(name);

	if (n == 0)
		return NULL;
	end = d + n;
	/* the start line is not a field: skip it */
	if ((nl = memchr(line, '\n', n)) == NULL)
		return NULL;
	for (line = nl + 1; line < end; line = nl + 1) {
		const uint8_t *v, *e;

		nl = memchr(line, '\n', (size_t)(end - line));
		e = nl != NULL ? nl : end;
		if ((size_t)(e - line) > nl_len && line[nl_len] == ':' && ci_equal(line, name, nl_len)) {
			v = line + nl_len + 1;
			while (v < e && (*v == ' ' || *v == '\t'))
				v++;
			while (e > v && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
				e--;
			*len = (size_t)(e - v);
			return v;
		}
		if (nl == NULL)
			break;
	}
	return NULL;
}

int http_header_has(const uint8_t *d, size_t n, const char *name, const char *token)
{
	size_t vl, tl = strlen(token);
	const uint8_t *v = http_header(d, n, name, &vl), *e;

	if (v == NULL)
		return 0;
	e = v + vl;
	while (v < e) {
		const uint8_t *c = memchr(v, ',', (size_t)(e - v)), *te = c != NULL ? c : e;

		while (v < te && (*v == ' ' || *v == '\t'))
			v++;
		while (te > v && (te[-1] == ' ' || te[-1] == '\t'))
			te--;
		if ((size_t)(te - v) == tl && ci_equal(v, token, tl))
			return 1;
		if (c == NULL)
			break;
		v = c + 1;
	}
	return 0;
}
