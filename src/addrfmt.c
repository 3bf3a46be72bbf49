/* addrfmt.c: IP addresses as inet_ntop(3) writes them (sw_addr.h). The
 * IPv6 zero-run choice and the embedded-IPv4 forms follow glibc's
 * inet_ntop6 (from BIND), so that output does not change with it. */
#include <stddef.h>

#include "sw_addr.h"

static char *dotted_quad(const uint8_t *a, char *p)
{
	int i;

	for (i = 0; i < 4; i++) {
		unsigned v = a[i];

		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
		if (i < 3)
			*p++ = '.';
	}
	*p = '\0';
	return p;
}

/* One 16-bit word in hex without leading zeros ("%x"). */
static char *hex_word(unsigned w, char *p)
{
	static const char hex[] = "0123456789abcdef";
	int shift = 12;

	while (shift > 0 && (w >> shift) == 0)
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		*p++ = hex[(w >> shift) & 0xf];
	return p;
}

char *sw_addr_format(const uint8_t *addr, int ip_version, char buf[SW_ADDR_LEN])
{
	unsigned words[8];
	int best = -1, best_len = 0, cur = -1, cur_len = 0, i;
	char *p = buf;

	if (ip_version != 6) {
		dotted_quad(addr, buf);
		return buf;
	}
	for (i = 0; i < 8; i++)
		words[i] = (unsigned)addr[2 * i] << 8 | addr[2 * i + 1];
	/* the longest run of zero words; the first wins a tie */
	for (i = 0; i < 8; i++) {
		if (words[i] == 0) {
			if (cur < 0)
				cur = i, cur_len = 0;
			cur_len++;
			if (cur_len > best_len)
				best = cur, best_len = cur_len;
		} else {
			cur = -1;
		}
	}
	if (best_len < 2)
		best = -1; /* a single zero word is written as "0" */
	for (i = 0; i < 8; i++) {
		if (best >= 0 && i >= best && i < best + best_len) {
			if (i == best)
				*p++ = ':';
			continue;
		}
		if (i != 0)
			*p++ = ':';
		if (i == 6 && best == 0 &&
		    (best_len == 6 || (best_len == 5 && words[5] == 0xffff))) {
			dotted_quad(addr + 12, p);
			return buf;
		}
		p = hex_word(words[i], p);
	}
	if (best >= 0 && best + best_len == 8)
		*p++ = ':';
	*p = '\0';
	return buf;
}
