/* poollist.c: pool-domain suffix lists: strict loader and longest-suffix matcher.
 *
 * Implements the FORMAT and MATCHING sections of reference/pool-domains.txt
 * (include/sw_poollist.h is the API). Matching hashes label-aligned suffixes,
 * as ntop/nDPI does for its host lists (lists/README.md,
 * src/lib/ndpi_domain_classify.c), but with an exact hash table instead of a
 * probabilistic filter, so there are no false positives to re-check.
 *
 *   ents[]   dense array, one struct pl_entry per distinct domain
 *   slots[]  open addressing with linear probing, power-of-two size, load
 *            factor <= 1/2; a slot holds the entry's hash and index + 1
 *            (0 = empty), so a miss usually costs one cache line and strings
 *            are compared only when the full 32-bit hash agrees
 *   blocks   every string (domains, coin lists, file names), never moved or
 *            freed before poollist_free(), so the pointers handed out in
 *            struct sw_pool_match stay valid across later loads
 *
 * Hashes run over the bytes from right to left (FNV-1a), so one pass over a
 * query yields the hash of each of its label-aligned suffixes: a lookup is
 * one pass plus at most one probe per label, with no allocation.
 *
 * Loading is transactional: a file is parsed into a private staging list
 * (deduplicated, its strings in its own blocks) while the live list is only
 * read; after the last line, the live arrays are grown once, the staging
 * blocks are spliced onto the live list, and the entries are inserted, a step
 * that cannot fail. A bad line, a cap or a failed allocation leaves the live
 * list exactly as it was. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_err.h"
#include "sw_poollist.h"

/* Caps per list set (one struct sw_poollist, all files loaded into it). With
 * short names the entry cap is reached first (about 62 MiB at 1,000,000
 * entries); with long names the byte cap is. */
#define PL_MAX_ENTRIES 1000000u
#define PL_MAX_BYTES ((size_t)64 << 20)
#define PL_MAX_LINE 4096    /* bytes per line, without "\n" or "\r\n" */
#define PL_MAX_NAME 253     /* RFC 1035 name length in text form, no final dot */
#define PL_MAX_LABEL 63
#define PL_BLOCK_MIN 8192   /* first string block; later ones double ... */
#define PL_BLOCK_MAX 65536  /* ... up to this. PL_MAX_LINE + 1 fits in any */

#define PL_FNV_OFFSET 2166136261u
#define PL_FNV_PRIME 16777619u

/* Index 0 is the default, so an untagged entry reads as "pool". */
static const char *const pl_kinds[] = {
	"pool", "marketplace", "rental", "webminer", "devfee", "p2pool", "p2pool-observer",
};
/* Index 0 means "no status tag". */
static const char *const pl_statuses[] = { NULL, "defunct", "legacy" };

struct pl_entry {
	const char *name;    /* lowercase domain, NUL-terminated, in a block */
	const char *coins;   /* whole coin= value or NULL; when it has a comma,
	                        the first ticker follows its NUL (see pl_coin) */
	const char *source;  /* name of the file that gave the current tags */
	uint32_t hash;       /* pl_hash(name) */
	uint8_t len;         /* strlen(name), <= PL_MAX_NAME */
	uint8_t kind;        /* index into pl_kinds */
	uint8_t status;      /* index into pl_statuses */
	uint8_t coin_split;  /* coins holds a comma: first ticker stored after it */
};

struct pl_slot {
	uint32_t hash;
	uint32_t idx;        /* entry index + 1; 0 = empty */
};

struct pl_block {
	struct pl_block *next;
	size_t used, cap;
	char data[];
};

struct sw_poollist {
	struct pl_entry *ents;
	size_t nents, ents_cap;
	struct pl_slot *slots;
	size_t slots_cap;        /* 0 or a power of two >= 2 */
	unsigned slot_shift;     /* 32 - log2(slots_cap) */
	struct pl_block *blocks;
	size_t block_bytes;      /* allocated block bytes, headers included */
	size_t nblocks;
	size_t duplicates;       /* entries that repeated an earlier one */
	size_t max_len;          /* the longest entry's length */
};

static uint32_t pl_hash(const char *s, size_t n)
{
	uint32_t h = PL_FNV_OFFSET;

	while (n-- > 0) {
		h ^= (uint8_t)s[n];
		h *= PL_FNV_PRIME;
	}
	return h;
}

/* Fibonacci hashing on the top bits: FNV-1a's low bits depend only on the
 * low bits of each input byte, its high bits on all of them. */
static size_t pl_slot_of(const struct sw_poollist *pl, uint32_t h)
{
	return (size_t)((uint32_t)(h * 2654435769u) >> pl->slot_shift);
}

static size_t pl_bytes(const struct sw_poollist *pl)
{
	return pl->block_bytes + pl->ents_cap * sizeof(struct pl_entry) +
	    pl->slots_cap * sizeof(struct pl_slot);
}

/* ASCII lower case of a byte, one table look-up per byte of every name
 * matched (the range test and its branch cost twice that). */
#define PL_LOW(c) ((c) >= 'A' && (c) <= 'Z' ? (c) + ('a' - 'A') : (c))
#define PL_LOW4(c) PL_LOW(c), PL_LOW((c) + 1), PL_LOW((c) + 2), PL_LOW((c) + 3)
#define PL_LOW16(c) PL_LOW4(c), PL_LOW4((c) + 4), PL_LOW4((c) + 8), PL_LOW4((c) + 12)
#define PL_LOW64(c) PL_LOW16(c), PL_LOW16((c) + 16), PL_LOW16((c) + 32), PL_LOW16((c) + 48)
static const uint8_t pl_lower[256] = { PL_LOW64(0), PL_LOW64(64), PL_LOW64(128), PL_LOW64(192) };

/* Whether the lowercase entry name e equals s[0..n) in any case. */
static int pl_eq_folded(const char *e, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((uint8_t)e[i] != pl_lower[(uint8_t)s[i]])
			return 0;
	return 1;
}

/* Find the entry spelled s[0..n) (in any case) with hash h (of s in lower
 * case). Returns its index, or SIZE_MAX. */
static size_t pl_find(const struct sw_poollist *pl, const char *s, size_t n, uint32_t h)
{
	size_t mask, i;

	if (pl->slots_cap == 0)
		return SIZE_MAX;
	mask = pl->slots_cap - 1;
	for (i = pl_slot_of(pl, h);; i = (i + 1) & mask) {
		const struct pl_slot *sl = &pl->slots[i];
		const struct pl_entry *e;

		if (sl->idx == 0)
			return SIZE_MAX;
		if (sl->hash != h)
			continue;
		e = &pl->ents[sl->idx - 1];
		if (e->len == n && pl_eq_folded(e->name, s, n))
			return sl->idx - 1;
	}
}

/* Grow ents[] and slots[] to hold `need` entries at load factor <= 1/2,
 * provided the list's bytes stay <= limit. Returns 0, SW_ERR_LIMIT or
 * SW_ERR_NOMEM; on error the list is unchanged and still usable. */
static int pl_reserve(struct sw_poollist *pl, size_t need, size_t limit)
{
	size_t ecap = pl->ents_cap, scap = pl->slots_cap, i;
	unsigned shift = pl->slot_shift;
	struct pl_slot *slots;

	if (ecap < need) {
		ecap = ecap ? ecap : 64;
		while (ecap < need)
			ecap *= 2;
	}
	if (scap < 2 * need) {
		scap = scap ? scap : 128;
		shift = pl->slots_cap ? pl->slot_shift : 25;
		while (scap < 2 * need) {
			scap *= 2;
			shift--;
		}
	}
	if (pl->block_bytes + ecap * sizeof(struct pl_entry) +
	    scap * sizeof(struct pl_slot) > limit)
		return SW_ERR_LIMIT;
	if (ecap != pl->ents_cap) {
		struct pl_entry *ents = realloc(pl->ents, ecap * sizeof(*ents));

		if (ents == NULL)
			return SW_ERR_NOMEM;
		pl->ents = ents;
		pl->ents_cap = ecap;
	}
	if (scap == pl->slots_cap)
		return 0;
	if ((slots = calloc(scap, sizeof(*slots))) == NULL)
		return SW_ERR_NOMEM;
	free(pl->slots);
	pl->slots = slots;
	pl->slots_cap = scap;
	pl->slot_shift = shift;
	for (i = 0; i < pl->nents; i++) {
		size_t j = pl_slot_of(pl, pl->ents[i].hash);

		while (slots[j].idx != 0)
			j = (j + 1) & (scap - 1);
		slots[j].hash = pl->ents[i].hash;
		slots[j].idx = (uint32_t)(i + 1);
	}
	return 0;
}

/* Insert e, or replace the tags of the entry with the same name (the later
 * entry wins; counted in duplicates). Space must have been reserved. */
static void pl_put(struct sw_poollist *pl, const struct pl_entry *e)
{
	size_t mask = pl->slots_cap - 1, i;

	for (i = pl_slot_of(pl, e->hash);; i = (i + 1) & mask) {
		struct pl_slot *sl = &pl->slots[i];
		struct pl_entry *old;

		if (sl->idx == 0) {
			pl->ents[pl->nents++] = *e;
			sl->hash = e->hash;
			sl->idx = (uint32_t)pl->nents;
			if (e->len > pl->max_len)
				pl->max_len = e->len;
			return;
		}
		if (sl->hash != e->hash)
			continue;
		old = &pl->ents[sl->idx - 1];
		if (old->len == e->len && memcmp(old->name, e->name, e->len) == 0) {
			old->coins = e->coins;
			old->coin_split = e->coin_split;
			old->source = e->source;
			old->kind = e->kind;
			old->status = e->status;
			pl->duplicates++;
			return;
		}
	}
}

/* Copy n bytes plus a NUL into the list's blocks, keeping its bytes <= limit.
 * Returns 0 with *out set, SW_ERR_LIMIT or SW_ERR_NOMEM. */
static int pl_strdup(struct sw_poollist *pl, const char *s, size_t n, size_t limit,
    const char **out)
{
	struct pl_block *b = pl->blocks;
	char *p;

	if (b == NULL || b->cap - b->used < n + 1) {
		size_t cap = PL_BLOCK_MIN;

		while (cap < PL_BLOCK_MAX && (cap >> 13) <= pl->nblocks)
			cap *= 2;
		if (cap < n + 1)
			cap = n + 1;
		if (pl_bytes(pl) + sizeof(*b) + cap > limit)
			return SW_ERR_LIMIT;
		if ((b = malloc(sizeof(*b) + cap)) == NULL)
			return SW_ERR_NOMEM;
		b->cap = cap;
		b->used = 0;
		b->next = pl->blocks;
		pl->blocks = b;
		pl->block_bytes += sizeof(*b) + cap;
		pl->nblocks++;
	}
	p = b->data + b->used;
	memcpy(p, s, n);
	p[n] = '\0';
	b->used += n + 1;
	*out = p;
	return 0;
}

struct sw_poollist *poollist_new(void)
{
	return calloc(1, sizeof(struct sw_poollist));
}

/* Free the arrays and blocks of pl, leaving it empty. */
static void pl_clear(struct sw_poollist *pl)
{
	struct pl_block *b, *next;

	for (b = pl->blocks; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(pl->ents);
	free(pl->slots);
	memset(pl, 0, sizeof(*pl));
}

void poollist_free(struct sw_poollist *pl)
{
	if (pl == NULL)
		return;
	pl_clear(pl);
	free(pl);
}

size_t poollist_count(const struct sw_poollist *pl)
{
	return pl ? pl->nents : 0;
}

size_t poollist_duplicates(const struct sw_poollist *pl)
{
	return pl ? pl->duplicates : 0;
}

/* ---- parsing one line ------------------------------------------------ */

static int pl_is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* One parsed entry line. */
struct pl_line {
	const char *dom, *coins;
	size_t dlen, clen;       /* dlen 0: blank or comment line */
	uint8_t kind, status;
};

/* Check a domain token against FORMAT. Returns NULL or what is wrong. */
static const char *pl_check_domain(const char *s, size_t n)
{
	size_t i, label = 0, labels = 1;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'Z')
			return "domain must be lowercase";
		if (c == '*')
			return "wildcards are not allowed";
		if (c == '#')
			return "'#' must follow whitespace";
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
			return "invalid character in domain";
	}
	if (s[0] == '.')
		return "domain must not start with a dot";
	if (s[n - 1] == '.')
		return "domain must not end with a dot";
	if (n > PL_MAX_NAME)
		return "domain longer than 253 characters";
	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != '.') {
			label++;
			continue;
		}
		if (label == 0)
			return "empty label in domain";
		if (label > PL_MAX_LABEL)
			return "label longer than 63 characters";
		/* RFC 952/1123 host names: letters, digits and inner hyphens. */
		if (s[i - label] == '-' || s[i - 1] == '-')
			return "label must not start or end with '-'";
		if (i < n)
			labels++;
		label = 0;
	}
	if (labels < 2)
		return "domain needs at least two labels";
	return NULL;
}

/* coin=: comma-separated tickers [a-z0-9]+ ("multi" is one of them). */
static int pl_check_coins(const char *s, size_t n)
{
	size_t i, run = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == ',') {
			if (run == 0)
				return -1;
			run = 0;
		} else if ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')) {
			run++;
		} else {
			return -1;
		}
	}
	return run == 0 ? -1 : 0;
}

/* Look v[0..n) up in a table of names; returns the index or -1. */
static int pl_lookup(const char *const *tab, size_t ntab, const char *v, size_t n)
{
	size_t i;

	for (i = 0; i < ntab; i++)
		if (tab[i] != NULL && strlen(tab[i]) == n && memcmp(tab[i], v, n) == 0)
			return (int)i;
	return -1;
}

/* Parse the tags after '#': space-separated key=value. */
static const char *pl_parse_tags(const char *p, const char *end, struct pl_line *ln,
    const char **bad, size_t *badlen)
{
	int seen_coin = 0, seen_kind = 0, seen_status = 0;

	for (;;) {
		const char *tok, *eq, *v;
		size_t klen, vlen;
		int *seen, i;

		while (p < end && pl_is_space(*p))
			p++;
		if (p == end)
			return NULL;
		tok = p;
		while (p < end && !pl_is_space(*p))
			p++;
		*bad = tok;
		*badlen = (size_t)(p - tok);
		eq = memchr(tok, '=', (size_t)(p - tok));
		if (eq == NULL || eq == tok)
			return "tag is not key=value";
		klen = (size_t)(eq - tok);
		v = eq + 1;
		vlen = (size_t)(p - v);
		if (klen == 4 && memcmp(tok, "coin", 4) == 0)
			seen = &seen_coin;
		else if (klen == 4 && memcmp(tok, "kind", 4) == 0)
			seen = &seen_kind;
		else if (klen == 6 && memcmp(tok, "status", 6) == 0)
			seen = &seen_status;
		else
			return "unknown tag key (known: coin, kind, status)";
		if (*seen)
			return "tag given twice";
		*seen = 1;
		if (vlen == 0)
			return "empty tag value";
		if (seen == &seen_coin) {
			if (pl_check_coins(v, vlen) != 0)
				return "coin must be comma-separated tickers [a-z0-9]+";
			ln->coins = v;
			ln->clen = vlen;
		} else if (seen == &seen_kind) {
			if ((i = pl_lookup(pl_kinds, sizeof(pl_kinds) / sizeof(pl_kinds[0]), v, vlen)) < 0)
				return "unknown kind (known: pool, marketplace, rental, webminer, devfee, p2pool, p2pool-observer)";
			ln->kind = (uint8_t)i;
		} else {
			if ((i = pl_lookup(pl_statuses, sizeof(pl_statuses) / sizeof(pl_statuses[0]), v, vlen)) < 0)
				return "unknown status (known: defunct, legacy)";
			ln->status = (uint8_t)i;
		}
	}
}

/* Parse one line (without its line terminator). Returns NULL with *ln filled
 * (ln->dlen 0 for blank and comment lines), or what is wrong with the
 * offending text in *bad, *badlen. */
static const char *pl_parse_line(const char *p, size_t n, struct pl_line *ln,
    const char **bad, size_t *badlen)
{
	const char *end = p + n, *tok;
	const char *err;

	memset(ln, 0, sizeof(*ln));
	while (p < end && pl_is_space(*p))
		p++;
	if (p == end || *p == '#')
		return NULL;
	tok = p;
	while (p < end && !pl_is_space(*p))
		p++;
	*bad = tok;
	*badlen = (size_t)(p - tok);
	if ((err = pl_check_domain(tok, (size_t)(p - tok))) != NULL)
		return err;
	ln->dom = tok;
	ln->dlen = (size_t)(p - tok);
	while (p < end && pl_is_space(*p))
		p++;
	if (p == end)
		return NULL;
	if (*p != '#') {
		*bad = p;
		*badlen = (size_t)(end - p);
		return "unexpected text after the domain (tags go after '#')";
	}
	return pl_parse_tags(p + 1, end, ln, bad, badlen);
}

/* ---- loading ---------------------------------------------------------- */

struct pl_load {
	struct sw_poollist *dst;   /* the live list: only read until commit */
	struct sw_poollist stage;  /* this file's entries */
	size_t fresh;              /* staged entries that dst does not hold */
	const char *name;          /* file name for messages */
	const char *source;        /* name, copied into stage's blocks */
	const char *last_coins;    /* last coin= string stored, to share it */
	size_t last_clen;
	size_t lineno;
	char *errbuf;
	size_t errlen;
};

/* Write "NAME:LINE: what: 'text'" with text escaped (\xNN for bytes outside
 * printable ASCII, and for quotes and backslashes) and cut at 80 bytes. */
static void pl_error(struct pl_load *ld, const char *what, const char *text, size_t n)
{
	char esc[80 * 4 + 4];
	size_t i, o = 0;

	if (ld->errbuf == NULL || ld->errlen == 0)
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
	snprintf(ld->errbuf, ld->errlen, "%s:%zu: %s: '%s'", ld->name, ld->lineno, what, esc);
}

/* Message for a failure with no line of its own (end of file, commit). */
static void pl_error_file(struct pl_load *ld, const char *what)
{
	if (ld->errbuf != NULL && ld->errlen > 0)
		snprintf(ld->errbuf, ld->errlen, "%s: %s", ld->name, what);
}

static int pl_load_init(struct pl_load *ld, struct sw_poollist *dst, const char *name,
    char *errbuf, size_t errlen)
{
	int r;

	memset(ld, 0, sizeof(*ld));
	ld->dst = dst;
	ld->name = name ? name : "(buffer)";
	ld->errbuf = errbuf;
	ld->errlen = errlen;
	if (errbuf != NULL && errlen > 0)
		errbuf[0] = '\0';
	if (dst == NULL) {
		pl_error_file(ld, "no list");
		return SW_ERR_USAGE;
	}
	/* The source name is the one string every entry shares; file names
	 * longer than a line are refused like a long line would be. */
	if (strlen(ld->name) > PL_MAX_LINE) {
		pl_error_file(ld, "file name too long");
		return SW_ERR_USAGE;
	}
	r = pl_strdup(&ld->stage, ld->name, strlen(ld->name), PL_MAX_BYTES - pl_bytes(dst),
	    &ld->source);
	if (r != 0)
		pl_error_file(ld, r == SW_ERR_LIMIT ? "list set would exceed 64 MiB" : "out of memory");
	return r;
}

/* Stage one line (line terminator removed, '\r' included). */
static int pl_load_line(struct pl_load *ld, const char *p, size_t n)
{
	struct sw_poollist *st = &ld->stage;
	size_t limit = PL_MAX_BYTES - pl_bytes(ld->dst);
	struct pl_line ln;
	struct pl_entry e;
	const char *err, *bad = p;
	size_t badlen = n, idx;
	int r;

	ld->lineno++;
	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (n > PL_MAX_LINE) {
		pl_error(ld, "line longer than 4096 bytes", p, n);
		return SW_ERR_LIMIT;
	}
	if ((err = pl_parse_line(p, n, &ln, &bad, &badlen)) != NULL) {
		pl_error(ld, err, bad, badlen);
		return SW_ERR_INVALID;
	}
	if (ln.dlen == 0)
		return 0;

	memset(&e, 0, sizeof(e));
	e.hash = pl_hash(ln.dom, ln.dlen);
	e.len = (uint8_t)ln.dlen;
	e.kind = ln.kind;
	e.status = ln.status;
	e.source = ld->source;
	if (ln.coins != NULL) {
		const char *comma = memchr(ln.coins, ',', ln.clen);

		e.coin_split = comma != NULL;
		/* Most entries repeat the previous line's coin= value: share it. */
		if (ld->last_coins != NULL && ld->last_clen == ln.clen &&
		    memcmp(ld->last_coins, ln.coins, ln.clen) == 0) {
			e.coins = ld->last_coins;
		} else {
			/* "xmr,etc" is stored as "xmr,etc\0xmr\0" (see pl_coin). */
			char tmp[PL_MAX_LINE * 2 + 2];
			size_t len = ln.clen;

			memcpy(tmp, ln.coins, ln.clen);
			if (comma != NULL) {
				size_t first = (size_t)(comma - ln.coins);

				tmp[len++] = '\0';
				memcpy(tmp + len, ln.coins, first);
				len += first;
			}
			if ((r = pl_strdup(st, tmp, len, limit, &e.coins)) != 0)
				goto fail;
			ld->last_coins = e.coins;
			ld->last_clen = ln.clen;
		}
	}

	if ((idx = pl_find(st, ln.dom, ln.dlen, e.hash)) != SIZE_MAX) {
		/* Repeated within this file: pl_put replaces the tags. */
		e.name = st->ents[idx].name;
		pl_put(st, &e);
		return 0;
	}
	if (pl_find(ld->dst, ln.dom, ln.dlen, e.hash) == SIZE_MAX) {
		if (ld->dst->nents + ld->fresh + 1 > PL_MAX_ENTRIES) {
			pl_error(ld, "too many entries (more than 1000000 in this list set)",
			    ln.dom, ln.dlen);
			return SW_ERR_LIMIT;
		}
		ld->fresh++;
	}
	if ((r = pl_reserve(st, st->nents + 1, limit)) != 0)
		goto fail;
	if ((r = pl_strdup(st, ln.dom, ln.dlen, limit, &e.name)) != 0)
		goto fail;
	pl_put(st, &e);
	return 0;
fail:
	pl_error(ld, r == SW_ERR_LIMIT ? "list set would exceed 64 MiB" : "out of memory",
	    ln.dom, ln.dlen);
	return r;
}

/* Move the staged entries into the live list: grow its arrays once (the only
 * step that can fail, leaving it unchanged), then splice and insert. */
static int pl_commit(struct pl_load *ld)
{
	struct sw_poollist *dst = ld->dst, *st = &ld->stage;
	struct pl_block *tail;
	size_t i;
	int r;

	if (st->block_bytes > PL_MAX_BYTES)
		r = SW_ERR_LIMIT;
	else
		r = pl_reserve(dst, dst->nents + ld->fresh, PL_MAX_BYTES - st->block_bytes);
	if (r != 0) {
		pl_error_file(ld, r == SW_ERR_LIMIT ? "list set would exceed 64 MiB" : "out of memory");
		return r;
	}
	for (tail = st->blocks; tail->next != NULL; tail = tail->next)
		;
	tail->next = dst->blocks;
	dst->blocks = st->blocks;
	dst->block_bytes += st->block_bytes;
	dst->nblocks += st->nblocks;
	st->blocks = NULL;
	for (i = 0; i < st->nents; i++)
		pl_put(dst, &st->ents[i]);
	dst->duplicates += st->duplicates;
	return 0;
}

/* Load buf[0..len): lines end in "\n" or "\r\n"; the last may lack one.
 * Returns 0, or a negative sw_err with the message in errbuf; on error pl is
 * unchanged. */
int poollist_load_buf(struct sw_poollist *pl, const char *name, const char *buf, size_t len,
    char *errbuf, size_t errlen)
{
	struct pl_load ld;
	size_t off = 0;
	int r;

	if ((r = pl_load_init(&ld, pl, name, errbuf, errlen)) != 0)
		goto out;
	if (buf == NULL && len > 0) {
		pl_error_file(&ld, "no buffer");
		r = SW_ERR_USAGE;
		goto out;
	}
	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (buf + off)) : len - off;

		if ((r = pl_load_line(&ld, buf + off, n)) != 0)
			goto out;
		off += n + (nl != NULL);
	}
	r = pl_commit(&ld);
out:
	pl_clear(&ld.stage);
	return r;
}

/* Load a file, reading it through a buffer of one maximal line so that
 * neither a huge file nor a huge line costs more than that buffer. Returns
 * 0 or a negative sw_err with the message in errbuf; on error pl is
 * unchanged. */
int poollist_load_file(struct sw_poollist *pl, const char *path, char *errbuf, size_t errlen)
{
	/* A maximal line plus "\r\n": a full buffer without '\n' is too long. */
	char buf[PL_MAX_LINE + 2];
	struct pl_load ld;
	size_t fill = 0;
	FILE *f = NULL;
	int r, eof = 0;

	if ((r = pl_load_init(&ld, pl, path, errbuf, errlen)) != 0)
		goto out;
	if (path == NULL) {
		pl_error_file(&ld, "no file name");
		r = SW_ERR_USAGE;
		goto out;
	}
	if ((f = fopen(path, "rb")) == NULL) {
		if (errbuf != NULL && errlen > 0)
			snprintf(errbuf, errlen, "%s: cannot open: %s", path, strerror(errno));
		r = SW_ERR_IO;
		goto out;
	}
	for (;;) {
		char *nl = fill ? memchr(buf, '\n', fill) : NULL;
		size_t n;

		if (nl == NULL && !eof && fill < sizeof(buf)) {
			size_t got = fread(buf + fill, 1, sizeof(buf) - fill, f);

			if (got == 0) {
				if (ferror(f)) {
					if (errbuf != NULL && errlen > 0)
						snprintf(errbuf, errlen, "%s:%zu: read error: %s",
						    ld.name, ld.lineno + 1, strerror(errno));
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
		/* A line, a full buffer with no '\n' (reported as too long), or
		 * the last line without a '\n'. */
		n = nl ? (size_t)(nl - buf) : fill;
		if ((r = pl_load_line(&ld, buf, n)) != 0)
			goto out;
		if (nl != NULL)
			n++;
		memmove(buf, buf + n, fill - n);
		fill -= n;
	}
	r = pl_commit(&ld);
out:
	if (f != NULL)
		fclose(f);
	pl_clear(&ld.stage);
	return r;
}

/* ---- matching --------------------------------------------------------- */

static void pl_fill(const struct pl_entry *e, struct sw_pool_match *m)
{
	m->entry = e->name;
	m->coins = e->coins;
	m->coin = e->coins == NULL ? NULL :
	    e->coin_split ? e->coins + strlen(e->coins) + 1 : e->coins;
	m->kind = pl_kinds[e->kind];
	m->status = pl_statuses[e->status];
	m->source = e->source;
}

/* Whether s[0..n) holds "..", an empty label. */
static int pl_has_empty_label(const char *s, size_t n)
{
	const char *p = s, *end = s + n;

	while (end - p >= 2 && (p = memchr(p, '.', (size_t)(end - p) - 1)) != NULL) {
		if (p[1] == '.')
			return 1;
		p++;
	}
	return 0;
}

/* Match per MATCHING in reference/pool-domains.txt. The suffix hashes of
 * the name in lower case are taken right to left (no copy is made: a hash
 * hit compares case-folded, see pl_find); then
 * suffixes are probed from the longest (the whole name) down to the last
 * two labels, and the first hit is the longest matching entry. Names with an
 * empty label, over 253 characters (after dropping one trailing dot) or a
 * single label never match. Returns 1 with *m filled, else 0.
 *
 * No entry is longer than max_len, so only the last max_len bytes (and the
 * dot before them) are hashed: the bytes before can only
 * hold an empty label, which a scan for ".." finds. DNS tunnel names run
 * to the 253-byte limit; pool entries to about 35. */
int poollist_match(const struct sw_poollist *pl, const char *name, size_t n, struct sw_pool_match *m)
{
	/* Suffix starts and hashes, shortest first; at most 126 dots fit. */
	uint32_t hs[PL_MAX_NAME / 2 + 1];
	uint8_t at[PL_MAX_NAME / 2 + 1];
	size_t nsuf = 0, lo, dot, i, idx;
	const uint8_t *p;
	uint32_t h = PL_FNV_OFFSET;

	if (pl == NULL || pl->nents == 0 || name == NULL)
		return 0;
	if (n > 0 && name[n - 1] == '.')
		n--;
	if (n == 0 || n > PL_MAX_NAME || name[0] == '.')
		return 0;
	/* name[lo] is the byte before the longest suffix an entry can spell */
	lo = n > pl->max_len ? n - pl->max_len - 1 : 0;
	if (lo > 0 && pl_has_empty_label(name, lo + 1))
		return 0;
	dot = n; /* the nearest dot right of i, or n */
	for (p = (const uint8_t *)name + n; p > (const uint8_t *)name + lo;) {
		uint8_t c = pl_lower[*--p];

		if (c == '.') {
			i = (size_t)(p - (const uint8_t *)name);
			/* a dot next to another, or last: an empty label */
			if (dot == i + 1)
				return 0;
			/* name[i+1..n) is a suffix; entries have two labels. */
			if (dot < n) {
				hs[nsuf] = h;
				at[nsuf] = (uint8_t)(i + 1);
				nsuf++;
			}
			dot = i;
		}
		h ^= c;
		h *= PL_FNV_PRIME;
	}
	/* no dot: one label, or (lo > 0) no suffix short enough */
	if (dot == n)
		return 0;
	idx = n <= pl->max_len ? pl_find(pl, name, n, h) : SIZE_MAX;
	while (idx == SIZE_MAX && nsuf > 0) {
		nsuf--;
		idx = pl_find(pl, name + at[nsuf], n - at[nsuf], hs[nsuf]);
	}
	if (idx == SIZE_MAX)
		return 0;
	if (m != NULL)
		pl_fill(&pl->ents[idx], m);
	return 1;
}
