/* timefmt.c: EVE timestamps (Suricata's format), always UTC so offline
 * output does not depend on the machine's time zone. */
#include <stdio.h>
#include <time.h>

#include "sw_time.h"

char *sw_ts_format(uint64_t ts_usec, char buf[SW_TS_LEN])
{
	time_t secs = (time_t)(ts_usec / 1000000);
	struct tm tm;

	if (gmtime_r(&secs, &tm) == NULL) {
		snprintf(buf, SW_TS_LEN, "1970-01-01T00:00:00.000000+0000");
		return buf;
	}
	snprintf(buf, SW_TS_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.%06u+0000",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, (unsigned)(ts_usec % 1000000));
	return buf;
}
