/* export-syslog.h: alerts as syslog messages (RFC 5424) over UDP
 * (RFC 5426, one message per datagram) or a unix datagram socket
 * (/dev/log).
 *
 *   <PRI>1 TIMESTAMP HOSTNAME stratumwatch - alert [stratumwatch@PEN
 *   sid="9870001" ...] MSG
 *
 * Facility local5 (Suricata's default); the severity follows the alert's
 * (1 crit, 2 err, 3 warning, else notice). TIMESTAMP is packet time
 * offline, with microseconds. Parameter values escape '"', '\' and ']'
 * (RFC 5424 6.3.3); bytes that are not UTF-8, and control characters,
 * become '?'; a value is cut at 128 bytes (counted), so a message stays
 * under 4 KiB. */
#ifndef SW_EXPORT_SYSLOG_H
#define SW_EXPORT_SYSLOG_H

#include <stddef.h>
#include <stdint.h>
#include "sw_counters.h"

#define XSYSLOG_VALUE_MAX 128
#define XSYSLOG_MSG_MAX 4096

struct sw_syslog;

/* dest: HOST:PORT (UDP), or a path ("/dev/log", or "unix:PATH"). */
struct sw_syslog *xsyslog_new(const char *dest, uint32_t enterprise,
    struct sw_counters_export *c, char *errbuf, size_t errlen);
void xsyslog_free(struct sw_syslog *s);

/* One message: begin, params (NULL values are skipped), end(text). */
void xsyslog_begin(struct sw_syslog *s, uint64_t ts_usec, int alert_severity, const char *msgid);
void xsyslog_param(struct sw_syslog *s, const char *name, const char *value);
void xsyslog_param_u64(struct sw_syslog *s, const char *name, uint64_t v);
void xsyslog_end(struct sw_syslog *s, const char *msg);

/* Escape a value into out (at most XSYSLOG_VALUE_MAX input bytes);
 * returns its length. *cut is set when the value was longer. Exposed
 * for the unit test. */
size_t xsyslog_escape(const char *v, char *out, size_t outlen, int *cut);

#endif
