/* sw_time.h: packet-time formatting shared by the outputs and dissectors. */
#ifndef SW_TIME_H
#define SW_TIME_H

#include <stdint.h>

#define SW_TS_LEN 64

/* ISO 8601 in UTC with microseconds and Suricata's "+0000" offset:
 * "2024-01-01T00:00:00.000000+0000". Returns buf. */
char *sw_ts_format(uint64_t ts_usec, char buf[SW_TS_LEN]);

/* The same text written at p without a NUL (at most SW_TS_LEN - 1 bytes,
 * 31 but for years past 9999); returns its end. For a caller that builds
 * the line itself (the EVE envelope): no copy, no strlen. */
char *sw_ts_put(uint64_t ts_usec, char *p);

#endif
