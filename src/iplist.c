/* iplist.c: IPv4/IPv6 address and CIDR lists with longest-prefix match.
 *
 * Implements the iplist_* half of include/sw_poollist.h (--pool-ip-list,
 * --pod-cidr, --cluster-cidr). Addresses are parsed with inet_pton(3);
 * prefixes follow RFC 4632 (IPv4) and RFC 4291 section 2.3 (IPv6).
 *
 * Structure: one open-addressing hash table keyed by (family, prefix length,
 * masked network), plus, per family, the list of prefix lengths present,
 * longest first. A lookup masks the address to each present length in turn
 * and probes once, so the first hit is the longest prefix: at most 33 (IPv4)
 * or 129 (IPv6) probes, and in practice as many as there are distinct
 * lengths in the list (typically a handful). This is simpler than a radix
 * trie and just as exact; a list has no deletions, so no tombstones.
 *
 * Labels live in blocks that are never moved or freed before iplist_free(),
 * so the label pointer iplist_match() returns stays valid across later adds.
 * iplist_load_file() is transactional like poollist_load_file(): the file
 * is staged in a private list and merged only when every line is good. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_err.h"
#include "sw_poollist.h"

#define IP_MAX_ENTRIES 1000000u
/* Labels are free text, so their bytes get a cap of their own; the table is
 * bounded by the entry cap (2^21 slots of 24 bytes, 48 MiB, at the cap). */
#define IP_MAX_LABEL_BYTES ((size_t)64 << 20)
#define IP_MAX_LINE 4096
#define IP_BLOCK 16384

struct ip_slot {
	uint8_t addr[16];   /* masked network; IPv4 in the first 4 bytes */
	uint32_t label;     /* index into labels[] + 1; 0 = no label */
	uint8_t plen;
	uint8_t ver;        /* 4 or 6; 0 = empty slot */
};

struct ip_block {
	struct ip_block *next;
	size_t used, cap;
	char data[];
};

struct sw_iplist {
	struct ip_slot *slots;
	size_t slots_cap;         /* 0 or a power of two */
	size_t count;
	const char **labels;      /* distinct stored labels */
	size_t nlabels, labels_cap;
	struct ip_block *blocks;
	size_t label_bytes;       /* blocks + labels[] */
	/* Prefix lengths present, longest first, per family. */
	uint8_t has4[33], has6[129];
	uint8_t order4[33], order6[129];
	uint8_t n4, n6;
};

struct sw_iplist *iplist_new(void)
{
	return calloc(1, sizeof(struct sw_iplist));
}

static void ip_clear(struct sw_iplist *l)
{
	struct ip_block *b, *next;

	for (b = l->blocks; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(l->slots);
	free(l->labels);
	memset(l, 0, sizeof(*l));
}

void iplist_free(struct sw_iplist *l)
{
	if (l == NULL)
		return;
	ip_clear(l);
	free(l);
}

size_t iplist_count(const struct sw_iplist *l)
{
	return l ? l->count : 0;
}

/* Hash of a masked key: two 64-bit multiplicative mixes (the constants are
 * from splitmix64), folded. */
static size_t ip_hash(const uint8_t *addr, int plen, int ver)
{
	uint64_t a, b;

	memcpy(&a, addr, 8);
	memcpy(&b, addr + 8, 8);
	a ^= ((uint64_t)plen << 8 | (uint64_t)ver) * 0x9e3779b97f4a7c15u;
	a = (a ^ (a >> 30)) * 0xbf58476d1ce4e5b9u;
	a ^= b * 0x94d049bb133111ebu;
	a ^= a >> 31;
	a *= 0xbf58476d1ce4e5b9u;
	return (size_t)(a ^ (a >> 29));
}

/* Slot holding (addr, plen, ver) or the empty slot where it would go. */
static struct ip_slot *ip_probe(const struct sw_iplist *l, const uint8_t *addr, int plen,
    int ver)
{
	size_t mask = l->slots_cap - 1, i;

	for (i = ip_hash(addr, plen, ver) & mask;; i = (i + 1) & mask) {
		struct ip_slot *s = &l->slots[i];

		if (s->ver == 0 || (s->ver == ver && s->plen == plen &&
		    memcmp(s->addr, addr, 16) == 0))
			return s;
	}
}

/* Make room for `need` entries at load factor <= 1/2. Returns 0,
 * SW_ERR_LIMIT or SW_ERR_NOMEM; on error the list is unchanged. */
static int ip_reserve(struct sw_iplist *l, size_t need)
{
	struct ip_slot *old = l->slots, *slots;
	size_t cap = l->slots_cap ? l->slots_cap : 64, oldcap = l->slots_cap, i;

	if (need > IP_MAX_ENTRIES)
		return SW_ERR_LIMIT;
	while (cap < 2 * need)
		cap *= 2;
	if (cap == l->slots_cap)
		return 0;
	if ((slots = calloc(cap, sizeof(*slots))) == NULL)
		return SW_ERR_NOMEM;
	l->slots = slots;
	l->slots_cap = cap;
	for (i = 0; i < oldcap; i++)
		if (old[i].ver != 0)
			*ip_probe(l, old[i].addr, old[i].plen, old[i].ver) = old[i];
	free(old);
	return 0;
}

/* Store a label (reusing the last one when equal, since list files tend to
 * label runs of lines alike). Returns 0 with *idx (index + 1), SW_ERR_LIMIT
 * or SW_ERR_NOMEM. */
static int ip_label(struct sw_iplist *l, const char *s, size_t n, uint32_t *idx)
{
	struct ip_block *b = l->blocks;
	char *p;

	if (l->nlabels > 0) {
		const char *last = l->labels[l->nlabels - 1];

		if (strlen(last) == n && memcmp(last, s, n) == 0) {
			*idx = (uint32_t)l->nlabels;
			return 0;
		}
	}
	if (l->nlabels == l->labels_cap) {
		size_t cap = l->labels_cap ? l->labels_cap * 2 : 16;
		const char **labels;

		if (l->label_bytes + (cap - l->labels_cap) * sizeof(*labels) > IP_MAX_LABEL_BYTES)
			return SW_ERR_LIMIT;
		if ((labels = realloc(l->labels, cap * sizeof(*labels))) == NULL)
			return SW_ERR_NOMEM;
		l->label_bytes += (cap - l->labels_cap) * sizeof(*labels);
		l->labels = labels;
		l->labels_cap = cap;
	}
	if (b == NULL || b->cap - b->used < n + 1) {
		size_t cap = n + 1 > IP_BLOCK ? n + 1 : IP_BLOCK;

		if (l->label_bytes + sizeof(*b) + cap > IP_MAX_LABEL_BYTES)
			return SW_ERR_LIMIT;
		if ((b = malloc(sizeof(*b) + cap)) == NULL)
			return SW_ERR_NOMEM;
		b->cap = cap;
		b->used = 0;
		b->next = l->blocks;
		l->blocks = b;
		l->label_bytes += sizeof(*b) + cap;
	}
	p = b->data + b->used;
	memcpy(p, s, n);
	p[n] = '\0';
	b->used += n + 1;
	l->labels[l->nlabels++] = p;
	*idx = (uint32_t)l->nlabels;
	return 0;
}

/* Rebuild a family's list of present prefix lengths, longest first. */
static void ip_order(const uint8_t *has, int max, uint8_t *order, uint8_t *n)
{
	int p;

	*n = 0;
	for (p = max; p >= 0; p--)
		if (has[p])
			order[(*n)++] = (uint8_t)p;
}

/* Insert or relabel an entry; space must have been reserved. */
static void ip_put(struct sw_iplist *l, const uint8_t *addr, int plen, int ver, uint32_t label)
{
	struct ip_slot *s = ip_probe(l, addr, plen, ver);
	int fresh = s->ver == 0;

	/* A repeated network keeps one entry; the later label wins. */
	memcpy(s->addr, addr, 16);
	s->plen = (uint8_t)plen;
	s->ver = (uint8_t)ver;
	s->label = label;
	if (fresh) {
		l->count++;
		if (ver == 4 && !l->has4[plen]) {
			l->has4[plen] = 1;
			ip_order(l->has4, 32, l->order4, &l->n4);
		} else if (ver == 6 && !l->has6[plen]) {
			l->has6[plen] = 1;
			ip_order(l->has6, 128, l->order6, &l->n6);
		}
	}
}

/* Zero the host bits past plen. */
static void ip_mask(uint8_t *a, int plen, int bytes)
{
	int i;

	for (i = plen / 8; i < bytes; i++)
		a[i] = i == plen / 8 ? (uint8_t)(a[i] & (0xff00u >> (plen % 8))) : 0;
}

/* Parse "ADDR", "ADDR/LEN" (s[0..n)). Returns NULL with addr (16 bytes,
 * masked), *plen and *ver set, or what is wrong. */
static const char *ip_parse(const char *s, size_t n, uint8_t *addr, int *plen, int *ver)
{
	char text[INET6_ADDRSTRLEN + 1];
	const char *slash = memchr(s, '/', n);
	size_t alen = slash ? (size_t)(slash - s) : n;
	int max;

	memset(addr, 0, 16);
	if (alen == 0)
		return "missing address";
	if (alen >= sizeof(text))
		return "invalid address";
	memcpy(text, s, alen);
	text[alen] = '\0';
	if (memchr(text, ':', alen) != NULL) {
		if (inet_pton(AF_INET6, text, addr) != 1)
			return "invalid IPv6 address";
		*ver = 6;
		max = 128;
	} else {
		if (inet_pton(AF_INET, text, addr) != 1)
			return "invalid IPv4 address";
		*ver = 4;
		max = 32;
	}
	*plen = max;
	if (slash != NULL) {
		const char *p = slash + 1, *end = s + n;
		int v = 0;

		/* Decimal without sign, spaces or leading zeros; at most 3 digits,
		 * so no overflow. */
		if (p == end || end - p > 3 || (*p == '0' && end - p > 1))
			return "invalid prefix length";
		for (; p < end; p++) {
			if (*p < '0' || *p > '9')
				return "invalid prefix length";
			v = v * 10 + (*p - '0');
		}
		if (v > max)
			return *ver == 4 ? "prefix length over 32" : "prefix length over 128";
		*plen = v;
	}
	/* "10.0.0.1/8" is accepted and stored as 10.0.0.0/8: lists copied from
	 * interface configs often carry the host address, and the network is
	 * clearly meant. */
	ip_mask(addr, *plen, *ver == 4 ? 4 : 16);
	return NULL;
}

static void ip_errmsg(char *errbuf, size_t errlen, const char *file, size_t line,
    const char *what, const char *text, size_t n)
{
	char esc[80 * 4 + 4];
	size_t i, o = 0;

	if (errbuf == NULL || errlen == 0)
		return;
	for (i = 0; i < n && i < 80; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\')
			esc[o++] = (char)c;
		else
			o += (size_t)snprintf(esc + o, sizeof(esc) - o, "\\x%02x", c);
	}
	if (n > 80) {
		memcpy(esc + o, "...", 3);
		o += 3;
	}
	esc[o] = '\0';
	if (file != NULL)
		snprintf(errbuf, errlen, "%s:%zu: %s: '%s'", file, line, what, esc);
	else
		snprintf(errbuf, errlen, "%s: '%s'", what, esc);
}

/* Add one entry with label[0..labellen) (label NULL: none). When live is
 * given, l is a staging list for it: entries new to both count in *fresh,
 * and passing live's entry cap is an error here, on the line that does it.
 * Returns 0 or an sw_err after writing the message (prefixed with
 * "file:line: " when file is given). */
static int ip_add(struct sw_iplist *l, const char *text, size_t n, const char *label,
    size_t labellen, const struct sw_iplist *live, size_t *fresh, const char *file,
    size_t line, char *errbuf, size_t errlen)
{
	uint8_t addr[16];
	uint32_t lab = 0;
	const char *err;
	int plen, ver, r;

	if ((err = ip_parse(text, n, addr, &plen, &ver)) != NULL) {
		ip_errmsg(errbuf, errlen, file, line, err, text, n);
		return SW_ERR_INVALID;
	}
	if (l->slots_cap == 0 || ip_probe(l, addr, plen, ver)->ver == 0) {
		if (live != NULL && (live->slots_cap == 0 ||
		    ip_probe(live, addr, plen, ver)->ver == 0)) {
			if (live->count + *fresh + 1 > IP_MAX_ENTRIES) {
				ip_errmsg(errbuf, errlen, file, line,
				    "too many entries (more than 1000000 in this list)", text, n);
				return SW_ERR_LIMIT;
			}
			(*fresh)++;
		}
		if ((r = ip_reserve(l, l->count + 1)) != 0)
			goto fail;
	}
	if (label != NULL && (r = ip_label(l, label, labellen, &lab)) != 0)
		goto fail;
	ip_put(l, addr, plen, ver, lab);
	return 0;
fail:
	ip_errmsg(errbuf, errlen, file, line,
	    r == SW_ERR_LIMIT ? "list full (1000000 entries, 64 MiB of labels)" : "out of memory",
	    text, n);
	return r;
}

/* Add one CIDR or bare address. On error l is unchanged and errbuf says
 * what is wrong with which text. */
int iplist_add(struct sw_iplist *l, const char *cidr, const char *label, char *errbuf, size_t errlen)
{
	if (errbuf != NULL && errlen > 0)
		errbuf[0] = '\0';
	if (l == NULL || cidr == NULL) {
		if (errbuf != NULL && errlen > 0)
			snprintf(errbuf, errlen, "no list or no address");
		return SW_ERR_USAGE;
	}
	if (strlen(cidr) > IP_MAX_LINE) {
		ip_errmsg(errbuf, errlen, NULL, 0, "address too long", cidr, strlen(cidr));
		return SW_ERR_INVALID;
	}
	return ip_add(l, cidr, strlen(cidr), label, label ? strlen(label) : 0, NULL, NULL,
	    NULL, 0, errbuf, errlen);
}

static int ip_is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* One line: [ws] CIDR [ws LABEL] [ws '#' comment], or blank, or a comment.
 * The label runs to the end of the line or to whitespace + '#', trailing
 * whitespace trimmed; it may hold spaces but no control characters. */
static int ip_load_line(struct sw_iplist *st, const struct sw_iplist *live, size_t *fresh,
    const char *p, size_t n, const char *file, size_t line, char *errbuf, size_t errlen)
{
	const char *end, *tok, *lab = NULL;
	size_t toklen, i;

	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (n > IP_MAX_LINE) {
		ip_errmsg(errbuf, errlen, file, line, "line longer than 4096 bytes", p, n);
		return SW_ERR_LIMIT;
	}
	end = p + n;
	while (p < end && ip_is_space(*p))
		p++;
	if (p == end || *p == '#')
		return 0;
	tok = p;
	while (p < end && !ip_is_space(*p))
		p++;
	toklen = (size_t)(p - tok);
	while (p < end && ip_is_space(*p))
		p++;
	if (p < end && *p != '#') {
		lab = p;
		for (i = 0; lab + i < end; i++) {
			if (lab[i] == '#' && ip_is_space(lab[i - 1]))
				break;
			if ((unsigned char)lab[i] < 0x20 && lab[i] != '\t')
				break;
			if (lab[i] == 0x7f)
				break;
		}
		if (lab + i < end && lab[i] != '#') {
			ip_errmsg(errbuf, errlen, file, line, "control character in label", lab,
			    (size_t)(end - lab));
			return SW_ERR_INVALID;
		}
		while (i > 0 && ip_is_space(lab[i - 1]))
			i--;
		return ip_add(st, tok, toklen, lab, i, live, fresh, file, line, errbuf, errlen);
	}
	return ip_add(st, tok, toklen, NULL, 0, live, fresh, file, line, errbuf, errlen);
}

/* Merge the staged list st into l: reserve once (the only step that can
 * fail, leaving l unchanged), then move labels and insert. */
static int ip_commit(struct sw_iplist *l, struct sw_iplist *st, size_t fresh,
    const char *file, char *errbuf, size_t errlen)
{
	struct ip_block *tail;
	const char **labels = NULL;
	size_t i;
	uint32_t base = (uint32_t)l->nlabels;
	int r;

	r = ip_reserve(l, l->count + fresh);
	if (r == 0 && l->label_bytes + st->label_bytes > IP_MAX_LABEL_BYTES)
		r = SW_ERR_LIMIT;
	if (r == 0 && st->nlabels > 0 && l->labels_cap - l->nlabels < st->nlabels) {
		size_t cap = l->nlabels + st->nlabels;

		if ((labels = realloc(l->labels, cap * sizeof(*labels))) == NULL)
			r = SW_ERR_NOMEM;
		else {
			l->label_bytes += (cap - l->labels_cap) * sizeof(*labels);
			l->labels = labels;
			l->labels_cap = cap;
		}
	}
	if (r != 0) {
		if (errbuf != NULL && errlen > 0)
			snprintf(errbuf, errlen, "%s: %s", file, r == SW_ERR_LIMIT ?
			    "list full (1000000 entries, 64 MiB of labels)" : "out of memory");
		return r;
	}
	if (st->blocks != NULL) {
		for (tail = st->blocks; tail->next != NULL; tail = tail->next)
			;
		tail->next = l->blocks;
		l->blocks = st->blocks;
		st->blocks = NULL;
	}
	l->label_bytes += st->label_bytes - st->labels_cap * sizeof(*st->labels);
	for (i = 0; i < st->nlabels; i++)
		l->labels[l->nlabels++] = st->labels[i];
	for (i = 0; i < st->slots_cap; i++) {
		const struct ip_slot *s = &st->slots[i];

		if (s->ver != 0)
			ip_put(l, s->addr, s->plen, s->ver, s->label ? s->label + base : 0);
	}
	return 0;
}

/* Load a file of one entry per line (see ip_load_line). Returns 0, or a
 * negative sw_err with "FILE:LINE: what: 'text'" in errbuf; on error l is
 * unchanged. */
int iplist_load_file(struct sw_iplist *l, const char *path, char *errbuf, size_t errlen)
{
	char buf[IP_MAX_LINE + 2];
	struct sw_iplist st;
	size_t fill = 0, line = 0, fresh = 0;
	FILE *f = NULL;
	int r = 0, eof = 0;

	memset(&st, 0, sizeof(st));
	if (errbuf != NULL && errlen > 0)
		errbuf[0] = '\0';
	if (l == NULL || path == NULL) {
		if (errbuf != NULL && errlen > 0)
			snprintf(errbuf, errlen, "no list or no path");
		return SW_ERR_USAGE;
	}
	if ((f = fopen(path, "rb")) == NULL) {
		if (errbuf != NULL && errlen > 0)
			snprintf(errbuf, errlen, "%s: cannot open: %s", path, strerror(errno));
		return SW_ERR_IO;
	}
	for (;;) {
		char *nl = fill ? memchr(buf, '\n', fill) : NULL;
		size_t n;

		if (nl == NULL && !eof && fill < sizeof(buf)) {
			size_t got = fread(buf + fill, 1, sizeof(buf) - fill, f);

			if (got == 0) {
				if (ferror(f)) {
					if (errbuf != NULL && errlen > 0)
						snprintf(errbuf, errlen, "%s:%zu: read error: %s", path,
						    line + 1, strerror(errno));
					r = SW_ERR_IO;
					goto out;
				}
				eof = 1;
			}
			fill += got;
			continue;
		}
		if (nl == NULL && fill == 0)
			break;
		n = nl ? (size_t)(nl - buf) : fill;
		if ((r = ip_load_line(&st, l, &fresh, buf, n, path, ++line, errbuf, errlen)) != 0)
			goto out;
		if (nl != NULL)
			n++;
		memmove(buf, buf + n, fill - n);
		fill -= n;
	}
	r = ip_commit(l, &st, fresh, path, errbuf, errlen);
out:
	fclose(f);
	ip_clear(&st);
	return r;
}

/* Longest-prefix match of addr (4 bytes for ip_version 4, 16 for 6). */
int iplist_match(const struct sw_iplist *l, const uint8_t *addr, int ip_version,
    const char **label, int *prefix_len)
{
	const uint8_t *order;
	uint8_t key[16];
	int bytes, n, i;

	if (l == NULL || addr == NULL || l->count == 0)
		return 0;
	if (ip_version == 4) {
		order = l->order4;
		n = l->n4;
		bytes = 4;
	} else if (ip_version == 6) {
		order = l->order6;
		n = l->n6;
		bytes = 16;
	} else {
		return 0;
	}
	memset(key, 0, sizeof(key));
	memcpy(key, addr, (size_t)bytes);
	for (i = 0; i < n; i++) {
		const struct ip_slot *s;

		/* Lengths only shrink, so masking in place is cumulative. */
		ip_mask(key, order[i], bytes);
		s = ip_probe(l, key, order[i], ip_version);
		if (s->ver != 0) {
			if (label != NULL)
				*label = s->label ? l->labels[s->label - 1] : NULL;
			if (prefix_len != NULL)
				*prefix_len = order[i];
			return 1;
		}
	}
	return 0;
}
