/* conntrack-file.c: the SNAT table and its text loader (sw_conntrack.h).
 *
 * Lines understood (conntrack-tools 1.4; fields separated by blanks):
 *
 *   conntrack -L:             tcp 6 431999 ESTABLISHED src=A dst=B sport=P dport=Q \
 *                             src=B' dst=A' sport=Q' dport=P' [ASSURED] mark=0 use=1
 *   conntrack -L -o extended: ipv4 2 tcp 6 ...          (the same after "ipv4 2")
 *   conntrack -E:             [NEW] tcp 6 120 SYN_SENT src=... [UNREPLIED] src=...
 *                             [UPDATE] ..., [DESTROY] tcp 6 src=...
 *   conntrack -E -o timestamp: [1700000000.123456] [NEW] ...
 *
 * The first src/dst/sport/dport are the original direction, the second the
 * reply; other key=value fields (mark, use, zone, id, delta-time, ...) and
 * bare words (timeout, state, [ASSURED]) are read past. Lines for other
 * protocols (icmp, sctp, ...) and conntrack's "N flow entries have been
 * shown." line are skipped and counted; anything else is an error
 * (FILE:LINE: what), since a file we misread would give wrong pods.
 *
 * The table: a hash on the reply tuple, chains of entries (a tuple reused
 * over time has several), and a FIFO list for eviction at the cap. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sw_conntrack.h"
#include "sw_err.h"

#define CT_LINE_MAX 4096          /* a real line is < 400 bytes */
#define CT_EVICT_SCAN 64          /* oldest entries looked at for a destroyed one */

struct ct_node {
	struct ct_node *hnext;        /* chain of the reply (uplink) tuple */
	struct ct_node *onext;        /* chain of the original tuple */
	struct ct_node *prev, *next;  /* FIFO, oldest first */
	uint64_t seq;
	struct sw_ct_entry e;
};

struct sw_conntrack {
	size_t max, count, nbuckets;
	struct ct_node **bucket;      /* by reply tuple */
	struct ct_node **obucket;     /* by original tuple */
	struct ct_node *head, *tail;
	uint64_t seq;
	struct sw_counters_k8s *c;
	struct sw_counters_k8s dummy;
};

static size_t alen(int ver)
{
	return ver == 6 ? 16 : 4;
}

static uint32_t key_hash(const struct sw_conntrack *ct, uint8_t proto, int ver, const uint8_t *src,
    uint16_t sport, const uint8_t *dst, uint16_t dport)
{
	uint32_t h = 2166136261u ^ proto;
	size_t i, n = alen(ver);

	for (i = 0; i < n; i++)
		h = (h ^ src[i]) * 16777619u;
	for (i = 0; i < n; i++)
		h = (h ^ dst[i]) * 16777619u;
	h = (h ^ sport) * 16777619u;
	h = (h ^ dport) * 16777619u;
	return h & (uint32_t)(ct->nbuckets - 1);
}

/* The uplink view of an entry: translated source -> server. */
static uint32_t entry_hash(const struct sw_conntrack *ct, const struct sw_ct_entry *e)
{
	return key_hash(ct, e->proto, e->ip_version, e->reply_dst, e->reply_dport, e->reply_src,
	    e->reply_sport);
}

/* The pod side's view: original source -> original destination. */
static uint32_t orig_hash(const struct sw_conntrack *ct, const struct sw_ct_entry *e)
{
	return key_hash(ct, e->proto, e->ip_version, e->orig_src, e->orig_sport, e->orig_dst,
	    e->orig_dport);
}

static int same_key(const struct sw_ct_entry *a, const struct sw_ct_entry *b)
{
	size_t n = alen(a->ip_version);

	return a->proto == b->proto && a->ip_version == b->ip_version &&
	    a->reply_sport == b->reply_sport && a->reply_dport == b->reply_dport &&
	    memcmp(a->reply_src, b->reply_src, n) == 0 && memcmp(a->reply_dst, b->reply_dst, n) == 0;
}

static int same_orig(const struct sw_ct_entry *a, const struct sw_ct_entry *b)
{
	size_t n = alen(a->ip_version);

	return a->orig_sport == b->orig_sport && a->orig_dport == b->orig_dport &&
	    memcmp(a->orig_src, b->orig_src, n) == 0 && memcmp(a->orig_dst, b->orig_dst, n) == 0;
}

struct sw_conntrack *ct_new(size_t max, struct sw_counters_k8s *counters)
{
	struct sw_conntrack *ct = calloc(1, sizeof(*ct));
	size_t nb = 64;

	if (ct == NULL)
		return NULL;
	while (nb < max && nb < ((size_t)1 << 20))
		nb <<= 1;
	ct->max = max;
	ct->nbuckets = nb;
	ct->c = counters != NULL ? counters : &ct->dummy;
	ct->bucket = calloc(nb, sizeof(*ct->bucket));
	ct->obucket = calloc(nb, sizeof(*ct->obucket));
	if (ct->bucket == NULL || ct->obucket == NULL) {
		free(ct->bucket);
		free(ct->obucket);
		free(ct);
		return NULL;
	}
	return ct;
}


static void k8s_counters_add(struct sw_counters_k8s *to, const struct sw_counters_k8s *from)
{
#define SW_COUNTER(field, name) to->field += from->field;
#include "counters/k8s.def"
#undef SW_COUNTER
}

struct sw_counters_k8s *ct_counters(struct sw_conntrack *ct)
{
	return ct->c;
}

void ct_set_counters(struct sw_conntrack *ct, struct sw_counters_k8s *c)
{
	if (c == NULL || c == ct->c)
		return;
	if (ct->c == &ct->dummy) {
		k8s_counters_add(c, ct->c);
		memset(ct->c, 0, sizeof(*ct->c));
	}
	ct->c = c;
}

void ct_free(struct sw_conntrack *ct)
{
	struct ct_node *n, *next;

	if (ct == NULL)
		return;
	for (n = ct->head; n != NULL; n = next) {
		next = n->next;
		free(n);
	}
	free(ct->bucket);
	free(ct->obucket);
	free(ct);
}

static void node_remove(struct sw_conntrack *ct, struct ct_node *n)
{
	struct ct_node **pp;

	for (pp = &ct->bucket[entry_hash(ct, &n->e)]; *pp != NULL; pp = &(*pp)->hnext)
		if (*pp == n) {
			*pp = n->hnext;
			break;
		}
	for (pp = &ct->obucket[orig_hash(ct, &n->e)]; *pp != NULL; pp = &(*pp)->onext)
		if (*pp == n) {
			*pp = n->onext;
			break;
		}
	if (n->prev)
		n->prev->next = n->next;
	else
		ct->head = n->next;
	if (n->next)
		n->next->prev = n->prev;
	else
		ct->tail = n->prev;
	ct->count--;
	free(n);
}

static void evict_one(struct sw_conntrack *ct)
{
	struct ct_node *n = ct->head, *victim = ct->head;
	int i;

	for (i = 0; n != NULL && i < CT_EVICT_SCAN; i++, n = n->next)
		if (n->e.last_usec != 0) {
			victim = n;
			break;
		}
	if (victim != NULL) {
		ct->c->conntrack_evicted++;
		node_remove(ct, victim);
	}
}

static struct ct_node *node_add(struct sw_conntrack *ct, const struct sw_ct_entry *e)
{
	struct ct_node *n;
	uint32_t h;

	if (ct->max == 0) {
		ct->c->conntrack_refused++;
		return NULL;
	}
	if (ct->count >= ct->max)
		evict_one(ct);
	if ((n = calloc(1, sizeof(*n))) == NULL) {
		ct->c->conntrack_refused++;
		return NULL;
	}
	n->e = *e;
	n->seq = ++ct->seq;
	h = entry_hash(ct, e);
	n->hnext = ct->bucket[h];
	ct->bucket[h] = n;
	h = orig_hash(ct, e);
	n->onext = ct->obucket[h];
	ct->obucket[h] = n;
	n->prev = ct->tail;
	if (ct->tail)
		ct->tail->next = n;
	else
		ct->head = n;
	ct->tail = n;
	ct->count++;
	ct->c->conntrack_entries++;
	return n;
}

int ct_insert(struct sw_conntrack *ct, const struct sw_ct_entry *e, enum sw_ct_event ev)
{
	struct ct_node *n, *open = NULL;

	if (e->ip_version != 4 && e->ip_version != 6)
		return -1;
	for (n = ct->bucket[entry_hash(ct, e)]; n != NULL; n = n->hnext)
		if (same_key(&n->e, e) && same_orig(&n->e, e) && n->e.last_usec == 0)
			open = n;
	switch (ev) {
	case CT_EV_LIST:
	case CT_EV_UPDATE:
		if (open != NULL)
			return 0;
		break;
	case CT_EV_NEW:
		if (open != NULL && (open->e.first_usec == 0 || open->e.first_usec == e->first_usec)) {
			if (open->e.first_usec == 0)
				open->e.first_usec = e->first_usec;
			return 0;
		}
		break;
	case CT_EV_DESTROY:
		if (open != NULL) {
			/* an end without a time still ends it: say "now or
			 * before", i.e. the start (or 1 when unknown) */
			open->e.last_usec = e->last_usec != 0 ? e->last_usec :
			    open->e.first_usec != 0 ? open->e.first_usec : 1;
			return 0;
		}
		break;
	}
	if ((n = node_add(ct, e)) == NULL)
		return -1;
	if (ev == CT_EV_DESTROY && n->e.last_usec == 0)
		n->e.last_usec = 1;
	return 0;
}

/* Inside the entry's known lifetime, with slack (last_usec 1: ended at an
 * unknown time, which matches any time). */
static int time_fits(const struct sw_ct_entry *c, uint64_t ts_usec)
{
	if (c->first_usec != 0 && ts_usec + SW_CT_TIME_SLACK_USEC < c->first_usec)
		return 0;
	return !(c->last_usec > 1 && ts_usec > c->last_usec + SW_CT_TIME_SLACK_USEC);
}

const struct sw_ct_entry *ct_lookup(const struct sw_conntrack *ct, uint8_t proto,
    int ip_version, const uint8_t *src, uint16_t sport, const uint8_t *dst,
    uint16_t dport, uint64_t ts_usec)
{
	const struct ct_node *n, *best = NULL;
	size_t al = alen(ip_version);

	if (ct == NULL)
		return NULL;
	for (n = ct->bucket[key_hash(ct, proto, ip_version, src, sport, dst, dport)]; n != NULL;
	    n = n->hnext) {
		const struct sw_ct_entry *c = &n->e;

		if (c->proto != proto || c->ip_version != ip_version || c->reply_dport != sport ||
		    c->reply_sport != dport || memcmp(c->reply_dst, src, al) != 0 ||
		    memcmp(c->reply_src, dst, al) != 0)
			continue;
		if (!time_fits(c, ts_usec))
			continue;
		if (best == NULL || c->first_usec > best->e.first_usec ||
		    (c->first_usec == best->e.first_usec && n->seq > best->seq))
			best = n;
	}
	return best != NULL ? &best->e : NULL;
}

const struct sw_ct_entry *ct_lookup_orig(const struct sw_conntrack *ct, uint8_t proto,
    int ip_version, const uint8_t *src, uint16_t sport, const uint8_t *dst,
    uint16_t dport, uint64_t ts_usec)
{
	const struct ct_node *n, *best = NULL;
	size_t al = alen(ip_version);

	if (ct == NULL)
		return NULL;
	for (n = ct->obucket[key_hash(ct, proto, ip_version, src, sport, dst, dport)]; n != NULL;
	    n = n->onext) {
		const struct sw_ct_entry *c = &n->e;

		if (c->proto != proto || c->ip_version != ip_version || c->orig_sport != sport ||
		    c->orig_dport != dport || memcmp(c->orig_src, src, al) != 0 ||
		    memcmp(c->orig_dst, dst, al) != 0 || !time_fits(c, ts_usec))
			continue;
		if (best == NULL || c->first_usec > best->e.first_usec ||
		    (c->first_usec == best->e.first_usec && n->seq > best->seq))
			best = n;
	}
	return best != NULL ? &best->e : NULL;
}

size_t ct_count(const struct sw_conntrack *ct)
{
	return ct != NULL ? ct->count : 0;
}

/* ---- the text format ---- */

struct tok {
	const char *s;
	size_t n;
};

static int tok_is(const struct tok *t, const char *w)
{
	return t->n == strlen(w) && memcmp(t->s, w, t->n) == 0;
}

static int tok_number(const struct tok *t, unsigned long *v)
{
	size_t i;

	if (t->n == 0 || t->n > 10)
		return -1;
	*v = 0;
	for (i = 0; i < t->n; i++) {
		if (t->s[i] < '0' || t->s[i] > '9')
			return -1;
		*v = *v * 10 + (unsigned long)(t->s[i] - '0');
	}
	return 0;
}

/* "[1700000000.123456]" -> microseconds; -1 if not that shape */
static int tok_timestamp(const struct tok *t, uint64_t *usec)
{
	uint64_t sec = 0, frac = 0, scale = 1000000;
	size_t i = 1, nd = 0;

	if (t->n < 3 || t->s[0] != '[' || t->s[t->n - 1] != ']')
		return -1;
	for (; i < t->n - 1 && t->s[i] >= '0' && t->s[i] <= '9'; i++, nd++) {
		if (nd >= 12)
			return -1;
		sec = sec * 10 + (uint64_t)(t->s[i] - '0');
	}
	if (nd == 0)
		return -1;
	if (i < t->n - 1 && t->s[i] == '.') {
		for (i++; i < t->n - 1 && t->s[i] >= '0' && t->s[i] <= '9'; i++)
			if (scale > 1) {
				scale /= 10;
				frac += (uint64_t)(t->s[i] - '0') * scale;
			}
	}
	if (i != t->n - 1)
		return -1;
	*usec = sec * 1000000 + frac;
	return 0;
}

static int parse_addr(const struct tok *v, uint8_t *addr, uint8_t *ver)
{
	char buf[64];

	if (v->n == 0 || v->n >= sizeof(buf))
		return -1;
	memcpy(buf, v->s, v->n);
	buf[v->n] = '\0';
	memset(addr, 0, 16);
	if (memchr(v->s, ':', v->n) != NULL) {
		*ver = 6;
		return inet_pton(AF_INET6, buf, addr) == 1 ? 0 : -1;
	}
	*ver = 4;
	return inet_pton(AF_INET, buf, addr) == 1 ? 0 : -1;
}

#define MAX_TOKENS 64

int ct_parse_line(const char *line, size_t len, struct sw_ct_entry *out,
    enum sw_ct_event *ev, char *why, size_t whylen)
{
	struct tok t[MAX_TOKENS];
	size_t nt = 0, i = 0, k;
	uint64_t ts = 0;
	unsigned long num;
	int has_ts = 0, nsrc = 0, ndst = 0, nsport = 0, ndport = 0;
	uint8_t ver = 0;

	memset(out, 0, sizeof(*out));
	*ev = CT_EV_LIST;
	while (i < len) {
		while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
			i++;
		if (i == len)
			break;
		if (nt == MAX_TOKENS) {
			snprintf(why, whylen, "more than %d fields", MAX_TOKENS);
			return -1;
		}
		t[nt].s = line + i;
		while (i < len && line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			i++;
		t[nt].n = (size_t)(line + i - t[nt].s);
		nt++;
	}
	if (nt == 0)
		return 0;
	if (tok_is(&t[0], "conntrack") && nt > 1 && t[1].n > 1 && t[1].s[0] == 'v')
		return 0;      /* "conntrack v1.4.6 (conntrack-tools): 3 flow entries ..." */
	k = 0;
	if (tok_timestamp(&t[k], &ts) == 0) {
		has_ts = 1;
		k++;
	}
	if (k < nt && t[k].n > 2 && t[k].s[0] == '[') {
		if (tok_is(&t[k], "[NEW]"))
			*ev = CT_EV_NEW;
		else if (tok_is(&t[k], "[UPDATE]"))
			*ev = CT_EV_UPDATE;
		else if (tok_is(&t[k], "[DESTROY]"))
			*ev = CT_EV_DESTROY;
		else {
			snprintf(why, whylen, "unknown event '%.*s'", (int)(t[k].n > 20 ? 20 : t[k].n), t[k].s);
			return -1;
		}
		k++;
	}
	if (k + 1 < nt && (tok_is(&t[k], "ipv4") || tok_is(&t[k], "ipv6"))) {
		if (tok_number(&t[k + 1], &num) != 0) {
			snprintf(why, whylen, "no family number after %.4s", t[k].s);
			return -1;
		}
		ver = t[k].s[3] == '6' ? 6 : 4;
		k += 2;
	}
	if (k + 1 >= nt || tok_number(&t[k + 1], &num) != 0 || num > 255) {
		snprintf(why, whylen, "not a conntrack line (expected PROTO NUMBER)");
		return -1;
	}
	if (num != 6 && num != 17)
		return 0;      /* icmp, sctp, gre, ...: not attributed by port */
	if (!(tok_is(&t[k], "tcp") && num == 6) && !(tok_is(&t[k], "udp") && num == 17)) {
		snprintf(why, whylen, "protocol name '%.*s' does not match number %lu",
		    (int)(t[k].n > 16 ? 16 : t[k].n), t[k].s, num);
		return -1;
	}
	out->proto = (uint8_t)num;
	for (k += 2; k < nt; k++) {
		const char *eq = memchr(t[k].s, '=', t[k].n);
		struct tok key, val;
		uint8_t *addr;
		uint16_t *port;
		uint8_t v;
		int *cnt;

		if (eq == NULL)
			continue;     /* timeout, state, [ASSURED], [UNREPLIED] */
		key.s = t[k].s;
		key.n = (size_t)(eq - t[k].s);
		val.s = eq + 1;
		val.n = t[k].n - key.n - 1;
		if (tok_is(&key, "src") || tok_is(&key, "dst")) {
			int is_src = key.s[0] == 's';

			cnt = is_src ? &nsrc : &ndst;
			if (*cnt >= 2)
				continue; /* a third tuple (expectations): not ours */
			addr = *cnt == 0 ? (is_src ? out->orig_src : out->orig_dst) :
			    (is_src ? out->reply_src : out->reply_dst);
			if (parse_addr(&val, addr, &v) != 0) {
				snprintf(why, whylen, "bad address '%.*s'", (int)(val.n > 48 ? 48 : val.n), val.s);
				return -1;
			}
			if (ver != 0 && v != ver) {
				snprintf(why, whylen, "IPv%u address in an IPv%u entry", v, ver);
				return -1;
			}
			ver = v;
			(*cnt)++;
		} else if (tok_is(&key, "sport") || tok_is(&key, "dport")) {
			int is_src = key.s[0] == 's';

			cnt = is_src ? &nsport : &ndport;
			if (*cnt >= 2)
				continue;
			port = *cnt == 0 ? (is_src ? &out->orig_sport : &out->orig_dport) :
			    (is_src ? &out->reply_sport : &out->reply_dport);
			if (tok_number(&val, &num) != 0 || num > 65535) {
				snprintf(why, whylen, "bad port '%.*s'", (int)(val.n > 16 ? 16 : val.n), val.s);
				return -1;
			}
			*port = (uint16_t)num;
			(*cnt)++;
		}
	}
	if (nsrc < 2 || ndst < 2 || nsport < 2 || ndport < 2) {
		snprintf(why, whylen, "missing %s tuple (src=, dst=, sport=, dport= twice)",
		    nsrc == 0 || ndst == 0 || nsport == 0 || ndport == 0 ? "the original" : "the reply");
		return -1;
	}
	out->ip_version = ver;
	if (has_ts) {
		if (*ev == CT_EV_DESTROY)
			out->last_usec = ts;
		else if (*ev == CT_EV_NEW)
			out->first_usec = ts;
	}
	return 1;
}

/* One line of a file: parse and insert. Returns 0 or -1 (why set). */
static int load_line(struct sw_conntrack *ct, const char *line, size_t len, char *why, size_t whylen)
{
	struct sw_ct_entry e;
	enum sw_ct_event ev;
	int r = ct_parse_line(line, len, &e, &ev, why, whylen);

	if (r < 0)
		return -1;
	if (r == 0) {
		size_t i;

		for (i = 0; i < len; i++)
			if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
				break;
		if (i < len && line[i] != '#')
			ct->c->conntrack_lines_skipped++;
		return 0;
	}
	ct_insert(ct, &e, ev);   /* a refusal is counted; the file is still good */
	return 0;
}

/* Line lineno of name: parse and insert, or "NAME:LINE: what". */
static int load_numbered(struct sw_conntrack *ct, const char *name, size_t lineno,
    const char *line, size_t n, char *errbuf, size_t errlen)
{
	char why[160];

	if (n > CT_LINE_MAX) {
		snprintf(errbuf, errlen, "%s:%zu: line longer than %d bytes", name, lineno, CT_LINE_MAX);
		return SW_ERR_USAGE;
	}
	if (memchr(line, '\0', n) != NULL) {
		snprintf(errbuf, errlen, "%s:%zu: NUL byte (not a text file?)", name, lineno);
		return SW_ERR_USAGE;
	}
	if (n > 0 && line[0] == '#')
		return 0;
	if (load_line(ct, line, n, why, sizeof(why)) != 0) {
		snprintf(errbuf, errlen, "%s:%zu: %s", name, lineno, why);
		return SW_ERR_USAGE;
	}
	return 0;
}

int ct_load_buf(struct sw_conntrack *ct, const char *name, const char *buf, size_t len,
    char *errbuf, size_t errlen)
{
	size_t lineno = 0, off = 0, n;
	const char *nl;
	int r;

	while (off < len) {
		nl = memchr(buf + off, '\n', len - off);
		n = nl != NULL ? (size_t)(nl - (buf + off)) : len - off;
		if ((r = load_numbered(ct, name, ++lineno, buf + off, n, errbuf, errlen)) != 0)
			return r;
		off += n + 1;
	}
	return 0;
}

int ct_load_file(struct sw_conntrack *ct, const char *path, char *errbuf, size_t errlen)
{
	int is_stdin = strcmp(path, "-") == 0;
	FILE *fp = is_stdin ? stdin : fopen(path, "rb");
	char line[CT_LINE_MAX + 1];
	size_t n = 0, lineno = 1;
	struct stat st;
	int ch, r = 0;

	if (fp == NULL) {
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		return SW_ERR_USAGE;
	}
	if (is_stdin)
		path = "standard input";
	if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(errbuf, errlen, "%s: is a directory", path);
		if (!is_stdin)
			fclose(fp);
		return SW_ERR_USAGE;
	}
	for (;;) {
		ch = getc(fp);
		if (ch == EOF || ch == '\n') {
			if ((n > 0 || ch == '\n') &&
			    (r = load_numbered(ct, path, lineno, line, n, errbuf, errlen)) != 0)
				break;
			if (ch == EOF)
				break;
			lineno++;
			n = 0;
			continue;
		}
		if (n == CT_LINE_MAX) {
			snprintf(errbuf, errlen, "%s:%zu: line longer than %d bytes", path, lineno, CT_LINE_MAX);
			r = SW_ERR_USAGE;
			break;
		}
		line[n++] = (char)ch;
	}
	if (r == 0 && ferror(fp)) {
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		r = SW_ERR_USAGE;
	}
	if (!is_stdin)
		fclose(fp);
	return r;
}
