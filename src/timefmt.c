/* timefmt.c: EVE timestamps (Suricata's format), always UTC so offline
 * output does not depend on the machine's time zone.
 *
 * Formatted by hand rather than gmtime_r + snprintf: every event carries
 * one or more timestamps, and the libc pair cost about 3,000 instructions
 * each. The date comes from the day count by Howard Hinnant's
 * days-to-civil algorithm (proleptic Gregorian); years past 9999, which
 * only a hostile capture has, take the libc path for the same text. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sw_time.h"

/* v (0-99) as two digits, from a table: a timestamp has up to nine such
 * pairs, and a division and a remainder by ten for each were most of its
 * cost */
static const char digits2[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

static void put2(char *p, unsigned v)
{
	memcpy(p, digits2 + 2 * v, 2);
}

static char *ts_format_libc(uint64_t ts_usec, char buf[SW_TS_LEN])
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

/* "YYYY-MM-DDTHH:MM:SS" of secs (19 bytes), or -1 past year 9999. */
static int ts_prefix(uint64_t secs, char *buf)
{
	unsigned sod = (unsigned)(secs % 86400);
	int64_t z = (int64_t)(secs / 86400) + 719468; /* days since 0000-03-01 */
	int64_t era = z / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned day = doy - (153 * mp + 2) / 5 + 1;
	unsigned mon = mp < 10 ? mp + 3 : mp - 9;
	uint64_t year = (uint64_t)era * 400 + yoe + (mon <= 2);

	if (year > 9999)
		return -1;
	put2(buf, (unsigned)(year / 100));
	put2(buf + 2, (unsigned)(year % 100));
	buf[4] = '-';
	put2(buf + 5, mon);
	buf[7] = '-';
	put2(buf + 8, day);
	buf[10] = 'T';
	put2(buf + 11, sod / 3600);
	buf[13] = ':';
	put2(buf + 14, sod / 60 % 60);
	buf[16] = ':';
	put2(buf + 17, sod % 60);
	return 0;
}

/* Packets come in time order, so consecutive events nearly always fall in
 * the same second: its date and time are kept (per thread) and copied. */
static _Thread_local struct {
	uint64_t secs;
	int valid;
	char text[19];
} ts_last;

char *sw_ts_put(uint64_t ts_usec, char *p)
{
	uint64_t secs = ts_usec / 1000000;
	unsigned usec = (unsigned)(ts_usec % 1000000);

	if (!ts_last.valid || ts_last.secs != secs) {
		if (ts_prefix(secs, ts_last.text) != 0) {
			char buf[SW_TS_LEN];
			size_t n;

			ts_last.valid = 0;
			n = strlen(ts_format_libc(ts_usec, buf));
			memcpy(p, buf, n);
			return p + n;
		}
		ts_last.secs = secs;
		ts_last.valid = 1;
	}
	memcpy(p, ts_last.text, 19);
	p[19] = '.';
	put2(p + 20, usec / 10000);
	put2(p + 22, usec / 100 % 100);
	put2(p + 24, usec % 100);
	memcpy(p + 26, "+0000", 5);
	return p + 31;
}

char *sw_ts_format(uint64_t ts_usec, char buf[SW_TS_LEN])
{
	*sw_ts_put(ts_usec, buf) = '\0';
	return buf;
}
