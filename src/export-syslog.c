/* export-syslog.c: RFC 5424 alert messages (export-syslog.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "export-syslog.h"
#include "export-udp.h"

#define XSYSLOG_FACILITY 21        /* local5 */

struct sw_syslog {
	int fd;
	uint32_t enterprise;
	struct sw_counters_export *c;
	char host[256];
	char buf[XSYSLOG_MSG_MAX];
	size_t len;
	int overflow;
};

struct sw_syslog *xsyslog_new(const char *dest, uint32_t enterprise,
    struct sw_counters_export *c, char *errbuf, size_t errlen)
{
	struct sw_syslog *s = calloc(1, sizeof(*s));
	size_t i;

	if (s == NULL) {
		snprintf(errbuf, errlen, "out of memory");
		return NULL;
	}
	if (strncmp(dest, "unix:", 5) == 0)
		s->fd = xunix_open(dest + 5, "--syslog", errbuf, errlen);
	else if (dest[0] == '/')
		s->fd = xunix_open(dest, "--syslog", errbuf, errlen);
	else
		s->fd = xudp_open(dest, "--syslog", errbuf, errlen);
	if (s->fd < 0) {
		free(s);
		return NULL;
	}
	s->enterprise = enterprise;
	s->c = c;
	/* HOSTNAME is PRINTUSASCII without spaces (RFC 5424 6.2.4) */
	if (gethostname(s->host, sizeof(s->host) - 1) != 0 || s->host[0] == '\0')
		strcpy(s->host, "-");
	for (i = 0; s->host[i] != '\0'; i++)
		if (s->host[i] <= 32 || s->host[i] >= 127)
			s->host[i] = '_';
	return s;
}

void xsyslog_free(struct sw_syslog *s)
{
	if (s == NULL)
		return;
	close(s->fd);
	free(s);
}

static void put(struct sw_syslog *s, const char *p, size_t n)
{
	if (s->len + n >= sizeof(s->buf)) {
		s->overflow = 1;
		return;
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
}

static void puts_(struct sw_syslog *s, const char *p)
{
	put(s, p, strlen(p));
}

/* Length of the valid UTF-8 sequence at p (at most n bytes), 0 if none. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	size_t len, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	/* overlong 3/4-byte forms, surrogates, past U+10FFFF */
	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0) ||
	    (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90))
		return 0;
	return len;
}

size_t xsyslog_escape(const char *v, char *out, size_t outlen, int *cut)
{
	const unsigned char *p = (const unsigned char *)v;
	size_t n = strlen(v), i = 0, o = 0, k;

	*cut = 0;
	if (n > XSYSLOG_VALUE_MAX) {
		n = XSYSLOG_VALUE_MAX;
		*cut = 1;
	}
	while (i < n && o + 5 < outlen) {
		if (p[i] == '"' || p[i] == '\\' || p[i] == ']') {
			out[o++] = '\\';
			out[o++] = (char)p[i++];
		} else if (p[i] < 0x20 || p[i] == 0x7f) {
			out[o++] = '?';
			i++;
		} else if ((k = utf8_len(p + i, n - i)) == 0) {
			out[o++] = '?'; /* not UTF-8 (or cut inside a character) */
			i++;
		} else {
			memcpy(out + o, p + i, k);
			o += k;
			i += k;
		}
	}
	out[o] = '\0';
	return o;
}

void xsyslog_begin(struct sw_syslog *s, uint64_t ts_usec, int alert_severity, const char *msgid)
{
	int sev = alert_severity == 1 ? 2 : alert_severity == 2 ? 3 : alert_severity == 3 ? 4 : 5;
	time_t t = (time_t)(ts_usec / 1000000);
	struct tm tm;
	char hdr[512];
	int n;

	gmtime_r(&t, &tm);
	s->len = 0;
	s->overflow = 0;
	n = snprintf(hdr, sizeof(hdr), "<%d>1 %04d-%02d-%02dT%02d:%02d:%02d.%06uZ %s stratumwatch - %s "
	    "[stratumwatch@%u", XSYSLOG_FACILITY * 8 + sev, tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned)(ts_usec % 1000000),
	    s->host, msgid, s->enterprise);
	if (n > 0)
		put(s, hdr, (size_t)n < sizeof(hdr) ? (size_t)n : sizeof(hdr) - 1);
}

void xsyslog_param(struct sw_syslog *s, const char *name, const char *value)
{
	char esc[XSYSLOG_VALUE_MAX * 2 + 8];
	int cut;
	size_t n;

	if (value == NULL)
		return;
	n = xsyslog_escape(value, esc, sizeof(esc), &cut);
	if (cut)
		s->c->syslog_values_cut++;
	put(s, " ", 1);
	puts_(s, name);
	put(s, "=\"", 2);
	put(s, esc, n);
	put(s, "\"", 1);
}

void xsyslog_param_u64(struct sw_syslog *s, const char *name, uint64_t v)
{
	char b[24];

	snprintf(b, sizeof(b), "%llu", (unsigned long long)v);
	xsyslog_param(s, name, b);
}

void xsyslog_end(struct sw_syslog *s, const char *msg)
{
	char esc[XSYSLOG_VALUE_MAX * 2 + 8];
	int cut;

	put(s, "] ", 2);
	/* MSG: the same cleaning (printable UTF-8), no BOM (RFC 5424 6.4) */
	put(s, esc, xsyslog_escape(msg, esc, sizeof(esc), &cut));
	if (s->overflow) { /* cannot happen with the value cap; never send a torn SD */
		s->c->syslog_errors++;
		return;
	}
	if (xsock_send(s->fd, s->buf, s->len) == 0)
		s->c->syslog_msgs++;
	else
		s->c->syslog_errors++;
}
