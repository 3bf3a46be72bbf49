/* dns-name.h: DNS domain names on the wire (RFC 1035 sections 3.1, 4.1.4)
 * to presentation text, with compression pointers followed safely. */
#ifndef SW_DNS_NAME_H
#define SW_DNS_NAME_H

#include <stddef.h>
#include <stdint.h>

/* A wire name is at most 255 bytes (RFC 1035 section 3.1); each label byte
 * can become 4 characters ("\DDD"), so 1024 holds any name plus the NUL. */
#define DNS_NAME_WIRE_MAX 255
#define DNS_NAME_TEXT_MAX 1024
/* Jumps followed in one name; RFC 1035 names a prior occurrence, so real
 * messages need at most a few. */
#define DNS_NAME_MAX_JUMPS 64

enum dns_name_status {
	DNS_NAME_OK = 0,
	DNS_NAME_TRUNCATED, /* a label or pointer runs past the message */
	DNS_NAME_LOOP,      /* a pointer that does not point strictly before
	                       everything read so far, or too many jumps */
	DNS_NAME_FORWARD,   /* a pointer ahead of anything read (never written
	                       by a compressor, which only refers back) */
	DNS_NAME_TOO_LONG,  /* more than 255 bytes on the wire */
	DNS_NAME_BAD_LABEL, /* label type 01 or 10 (RFC 6891 section 5) */
};

/* Read the name at msg[off] of a message of msglen bytes.
 * On DNS_NAME_OK: text holds the name in presentation form without the
 * trailing dot ("" for the root), label bytes outside [A-Za-z0-9-_*]
 * written as \DDD (dig's form) and a '.' inside a label as "\.", so
 * that the text never holds spaces, quotes or control bytes; *text_len is its length; *next is the offset just past the
 * name where it sits (after the first pointer if any), where the caller's
 * fields continue. On any other status *text_len and *next are unchanged
 * and text holds nothing usable ("", or the labels read before the
 * fault without a NUL): callers report the status and do not read it.
 * Work is bounded: at most DNS_NAME_MAX_JUMPS jumps and 255 name bytes. */
enum dns_name_status dns_name_read(const uint8_t *msg, size_t msglen, size_t off,
    char text[DNS_NAME_TEXT_MAX], size_t *text_len, size_t *next);

/* A name already decoded from a message, so that a later pointer to its
 * start costs a copy instead of a walk: every answer of a response points
 * back at the question (offset 12), and tunnel names run to hundreds of
 * characters. */
struct dns_name_memo {
	const char *text;  /* its text as dns_name_read gave it, still valid */
	size_t off;        /* where the name starts in the message */
	size_t len;        /* strlen(text) */
	uint16_t wire;     /* its bytes on the wire, root included */
	uint16_t jumps;    /* pointers followed to read it */
};

/* dns_name_read, where a pointer to the start of one of memo[0..nmemo)
 * takes that name's text as read. The memos must come from names of this
 * same message (msg and msglen alike). The status, text and *next are
 * dns_name_read's in every case. When info is not NULL, on DNS_NAME_OK
 * its off, len, wire and jumps describe the name just read (the caller
 * sets info->text to a copy of text that lives as long as it is used). */
enum dns_name_status dns_name_read_memo(const uint8_t *msg, size_t msglen, size_t off,
    char text[DNS_NAME_TEXT_MAX], size_t *text_len, size_t *next,
    const struct dns_name_memo *memo, size_t nmemo, struct dns_name_memo *info);

/* dns_name_read_memo with no memos of this message, but a few kept per
 * thread across messages: names read through this call with no pointer,
 * by their wire bytes (such a name reads as the same text wherever the
 * same bytes are). For first questions: a UDP flow's first message is
 * read by the probe and then the parse, back to back, and a response
 * repeats its query's question. */
enum dns_name_status dns_name_read_cached(const uint8_t *msg, size_t msglen, size_t off,
    char text[DNS_NAME_TEXT_MAX], size_t *text_len, size_t *next,
    struct dns_name_memo *info);

/* Advance past the name at msg[off] without decoding it (the name's own
 * bytes only, up to its terminator or first pointer). Returns DNS_NAME_OK
 * or DNS_NAME_TRUNCATED / DNS_NAME_BAD_LABEL / DNS_NAME_TOO_LONG. */
enum dns_name_status dns_name_skip(const uint8_t *msg, size_t msglen, size_t off,
    size_t *next);

/* ASCII case-insensitive equality of two presentation names (RFC 4343). */
int dns_name_eq(const char *a, const char *b);

#endif
