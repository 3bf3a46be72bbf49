/* sw_poollist.h: pool-domain lists and IP/CIDR lists.
 *
 * Domain lists use the format of reference/pool-domains.txt: one lowercase
 * domain suffix per line, optional "# key=value ..." tags (coin, kind,
 * status). A name matches an entry when it equals it or ends in "." + entry
 * (label boundaries only); the longest matching entry wins and its tags
 * apply. Lookups hash each suffix of the query (at most one probe per label),
 * never scan the list. */
#ifndef SW_POOLLIST_H
#define SW_POOLLIST_H

#include <stddef.h>
#include <stdint.h>

struct sw_poollist;

struct sw_pool_match {
	const char *entry;   /* the list entry that matched, e.g. "moneroocean.stream" */
	const char *coin;    /* first coin tag ("xmr"), or NULL */
	const char *coins;   /* the whole coin= value ("xmr,etc"), or NULL */
	const char *kind;    /* "pool" when absent */
	const char *status;  /* "defunct", "legacy" or NULL */
	const char *source;  /* file the entry came from */
};

struct sw_poollist *poollist_new(void);
void poollist_free(struct sw_poollist *pl);

/* Load a list file. Returns 0, or a negative sw_err with "FILE:LINE: what"
 * in errbuf for the first bad line (nothing from a bad file is kept). */
int poollist_load_file(struct sw_poollist *pl, const char *path, char *errbuf, size_t errlen);
/* Same for a buffer; name is used in messages. */
int poollist_load_buf(struct sw_poollist *pl, const char *name, const char *buf, size_t len,
    char *errbuf, size_t errlen);

/* Match a host name (any case, one trailing dot allowed). Returns 1 and
 * fills *m, or 0. The strings in *m stay valid until poollist_free(pl);
 * later loads do not move them. */
int poollist_match(const struct sw_poollist *pl, const char *name, size_t n, struct sw_pool_match *m);

size_t poollist_count(const struct sw_poollist *pl);

/* Entries that repeated an earlier entry of this list set (in the same or an
 * earlier file) and replaced its tags. */
size_t poollist_duplicates(const struct sw_poollist *pl);

/* IP/CIDR lists (--pool-ip-list, --pod-cidr, --cluster-cidr). */
struct sw_iplist;

struct sw_iplist *iplist_new(void);
void iplist_free(struct sw_iplist *l);
/* Add "192.0.2.0/24", "2001:db8::/32" or a bare address. Returns 0 or a
 * negative sw_err with a message naming the bad text. */
int iplist_add(struct sw_iplist *l, const char *cidr, const char *label, char *errbuf, size_t errlen);
/* One entry per line, '#' comments, optional label after whitespace. */
int iplist_load_file(struct sw_iplist *l, const char *path, char *errbuf, size_t errlen);
/* Longest-prefix match; addr is 4 or 16 bytes per ip_version. Returns 1
 * and sets *label (may be NULL) and *prefix_len, or 0. *label stays valid
 * until iplist_free(l). */
int iplist_match(const struct sw_iplist *l, const uint8_t *addr, int ip_version,
    const char **label, int *prefix_len);
size_t iplist_count(const struct sw_iplist *l);

#endif
