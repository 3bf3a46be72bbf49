/* dns-name.c: wire names to presentation text (RFC 1035 section 4.1.4
 * message compression; RFC 4343 case rules; dig's \DDD escaping).
 *
 * Compression rule enforced here: every pointer must point strictly before
 * the start of the run of labels it was reached from (the name's own start
 * for the first pointer). A compressor only refers to names it has already
 * written, and a name at offset t can only refer to names written before t,
 * so real messages obey this. The bound strictly decreases with each jump,
 * so no crafted message can make us loop; DNS_NAME_MAX_JUMPS caps the work
 * of a long chain of backward pointers all the same. */
#include <string.h>

#include "dns-name.h"

/* Bytes a label keeps as they are: letters, digits, '-', '_' and the '*'
 * of wildcards (one table look-up per byte; the range tests cost eight
 * compares for a lower-case letter, on every name of every message). */
#define HB(c) (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z') || \
	((c) >= '0' && (c) <= '9') || (c) == '-' || (c) == '_' || (c) == '*')
/* Every other byte is "\." or "\DDD". Both forms come from tables too:
 * tunnel names (iodine's) are mostly such bytes, and three divisions by
 * ten per byte were a third of the decoding. ESC(c) is the text (host
 * bytes and "\." padded with NULs to the fixed 4), ESC_LEN(c) its length. */
#define ESC_LEN(c) (HB(c) ? 1 : (c) == '.' ? 2 : 4)
#define ESC(c) { \
	HB(c) ? (char)(c) : '\\', \
	HB(c) ? '\0' : (c) == '.' ? '.' : (char)('0' + (c) / 100), \
	ESC_LEN(c) < 4 ? '\0' : (char)('0' + (c) / 10 % 10), \
	ESC_LEN(c) < 4 ? '\0' : (char)('0' + (c) % 10) }
/* F(c) for c = 0 .. 255, as an initialiser list */
#define R4(F, c) F(c), F((c) + 1), F((c) + 2), F((c) + 3)
#define R16(F, c) R4(F, c), R4(F, (c) + 4), R4(F, (c) + 8), R4(F, (c) + 12)
#define R64(F, c) R16(F, c), R16(F, (c) + 16), R16(F, (c) + 32), R16(F, (c) + 48)
#define R256(F) R64(F, 0), R64(F, 64), R64(F, 128), R64(F, 192)
/* esc_len[c] == 1 exactly for the host-name bytes */
static const uint8_t esc_len[256] = { R256(ESC_LEN) };
static const char esc_text[256][4] = { R256(ESC) };

/* The memo of the name starting at target, or NULL. */
static const struct dns_name_memo *memo_find(const struct dns_name_memo *memo,
    size_t nmemo, size_t target)
{
	size_t i;

	for (i = 0; i < nmemo; i++)
		if (memo[i].off == target)
			return &memo[i];
	return NULL;
}

enum dns_name_status dns_name_read(const uint8_t *msg, size_t msglen, size_t off,
    char text[DNS_NAME_TEXT_MAX], size_t *text_len, size_t *next)
{
	return dns_name_read_memo(msg, msglen, off, text, text_len, next, NULL, 0, NULL);
}

/* Why a memo may stand for the rest of the walk: after the jump to its
 * start, pos and bound are what they were when the memo's name was read
 * from there, so the same bytes are visited with the same checks; only
 * seen_end differs, which picks between two errors and never decides
 * success. The jumps and wire bytes add up, so the memo is used only when
 * both sums stay within their caps (then every check passes as it did);
 * otherwise the walk goes on and meets the same error it always met. */
enum dns_name_status dns_name_read_memo(const uint8_t *msg, size_t msglen, size_t off,
    char text[DNS_NAME_TEXT_MAX], size_t *text_len, size_t *next,
    const struct dns_name_memo *memo, size_t nmemo, struct dns_name_memo *info)
{
	size_t pos = off, bound = off, seen_end = off, wire = 0, t = 0, after = 0;
	unsigned jumps = 0;
	int jumped = 0;
	const struct dns_name_memo *hit;

	text[0] = '\0';
	for (;;) {
		uint8_t len;

		if (pos >= msglen)
			return DNS_NAME_TRUNCATED;
		len = msg[pos];
		if ((len & 0xc0) == 0xc0) {
			size_t target;

			if (msglen - pos < 2)
				return DNS_NAME_TRUNCATED;
			target = (size_t)(len & 0x3f) << 8 | msg[pos + 1];
			if (!jumped) {
				after = pos + 2;
				jumped = 1;
			}
			if (pos + 2 > seen_end)
				seen_end = pos + 2;
			if (target >= bound)
				return target < seen_end ? DNS_NAME_LOOP : DNS_NAME_FORWARD;
			if (++jumps > DNS_NAME_MAX_JUMPS)
				return DNS_NAME_LOOP;
			pos = bound = target;
			if ((hit = memo_find(memo, nmemo, target)) != NULL &&
			    jumps + hit->jumps <= DNS_NAME_MAX_JUMPS &&
			    wire + hit->wire <= DNS_NAME_WIRE_MAX) {
				/* a label always has a character of text */
				if (t > 0 && hit->len > 0)
					text[t++] = '.';
				memcpy(text + t, hit->text, hit->len);
				t += hit->len;
				jumps += hit->jumps;
				wire += hit->wire;
				break;
			}
			continue;
		}
		if ((len & 0xc0) != 0)
			return DNS_NAME_BAD_LABEL;
		/* wire length counts each label's length byte and the root */
		wire += (size_t)len + 1;
		if (wire > DNS_NAME_WIRE_MAX)
			return DNS_NAME_TOO_LONG;
		if (len == 0)
			break;
		if (msglen - pos - 1 < len)
			return DNS_NAME_TRUNCATED;
		if (t > 0)
			text[t++] = '.';
		{
			const uint8_t *lab = msg + pos + 1;
			size_t i = 0;

			/* the run of host-name bytes copied at once: most
			 * labels are nothing else */
			while (i < len && esc_len[lab[i]] == 1)
				i++;
			memcpy(text + t, lab, i);
			t += i;
			/* then byte by byte: always 4 bytes stored, the
			 * length's worth kept (text has room: see below) */
			for (; i < len; i++) {
				memcpy(text + t, esc_text[lab[i]], 4);
				t += esc_len[lab[i]];
			}
		}
		pos += (size_t)len + 1;
		if (pos > seen_end)
			seen_end = pos;
	}
	/* 255 wire bytes give at most 4 * 254 - 1 = 1015 characters, so
	 * the 4-byte stores above end by text[1017] and the NUL fits */
	text[t] = '\0';
	*text_len = t;
	*next = jumped ? after : pos + 1;
	if (info != NULL) {
		info->off = off;
		info->len = t;
		info->wire = (uint16_t)wire;
		info->jumps = (uint16_t)jumps;
	}
	return DNS_NAME_OK;
}

/* dns_name_read_cached's names: a slot's wire bytes (root included; wire
 * 0: empty) and text. The slot is picked by the first 8 bytes at the
 * name's start (with fewer left in the message the name is short to walk
 * anyway: not looked up), and holds names of up to DNS_CACHED_TEXT - 1 characters
 * (hosts are; tunnel names are not, and are not asked again). A hit costs
 * a compare and a copy instead of the walk of the labels, 300
 * instructions for a pool's name. Per thread, as the dissectors' other
 * spares and caches. */
#define DNS_CACHED_BITS 4
#define DNS_CACHED_SLOTS (1u << DNS_CACHED_BITS)
#define DNS_CACHED_TEXT 128

static _Thread_local struct dns_cached {
	uint16_t wire, len;
	uint8_t bytes[DNS_NAME_WIRE_MAX];
	char text[DNS_CACHED_TEXT];
} cached[DNS_CACHED_SLOTS];

enum dns_name_status dns_name_read_cached(const uint8_t *msg, size_t msglen, size_t off,
    char text[DNS_NAME_TEXT_MAX], size_t *text_len, size_t *next,
    struct dns_name_memo *info)
{
	struct dns_cached *c;
	struct dns_name_memo in;
	enum dns_name_status s;
	uint64_t head;

	if (off > msglen || msglen - off < 8)
		return dns_name_read_memo(msg, msglen, off, text, text_len, next, NULL, 0, info);
	memcpy(&head, msg + off, 8);
	c = &cached[(head * 0x9e3779b97f4a7c15ULL) >> (64 - DNS_CACHED_BITS)];
	/* the same bytes, all there to read: the walk would visit exactly
	 * these, with the same checks passing (no pointer: nothing before
	 * off or past them is read) */
	if (c->wire != 0 && msglen - off >= c->wire && memcmp(msg + off, c->bytes, c->wire) == 0) {
		memcpy(text, c->text, (size_t)c->len + 1);
		*text_len = c->len;
		*next = off + c->wire;
		if (info != NULL) {
			info->off = off;
			info->len = c->len;
			info->wire = c->wire;
			info->jumps = 0;
		}
		return DNS_NAME_OK;
	}
	s = dns_name_read_memo(msg, msglen, off, text, text_len, next, NULL, 0, &in);
	if (s != DNS_NAME_OK)
		return s;
	if (in.jumps == 0 && in.len < DNS_CACHED_TEXT) {
		/* (no pointer: its bytes run from off to *next) */
		c->wire = in.wire;
		c->len = (uint16_t)in.len;
		memcpy(c->bytes, msg + off, in.wire);
		memcpy(c->text, text, in.len + 1);
	}
	if (info != NULL)
		*info = in;
	return s;
}

enum dns_name_status dns_name_skip(const uint8_t *msg, size_t msglen, size_t off,
    size_t *next)
{
	size_t pos = off, wire = 0;

	for (;;) {
		uint8_t len;

		if (pos >= msglen)
			return DNS_NAME_TRUNCATED;
		len = msg[pos];
		if ((len & 0xc0) == 0xc0) {
			if (msglen - pos < 2)
				return DNS_NAME_TRUNCATED;
			*next = pos + 2;
			return DNS_NAME_OK;
		}
		if ((len & 0xc0) != 0)
			return DNS_NAME_BAD_LABEL;
		wire += (size_t)len + 1;
		if (wire > DNS_NAME_WIRE_MAX)
			return DNS_NAME_TOO_LONG;
		if (len == 0) {
			*next = pos + 1;
			return DNS_NAME_OK;
		}
		if (msglen - pos - 1 < len)
			return DNS_NAME_TRUNCATED;
		pos += (size_t)len + 1;
	}
}

int dns_name_eq(const char *a, const char *b)
{
	/* names mostly come back in the case they were asked in: the
	 * library's compare first, the case-folding one only on a miss */
	if (strcmp(a, b) == 0)
		return 1;
	for (;; a++, b++) {
		char x = *a, y = *b;

		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return 0;
		if (x == '\0')
			return 1;
	}
}
