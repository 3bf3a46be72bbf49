/* pods.c: the pod index (sw_pods.h).
 *
 * Two hash tables share one bucket count: addresses -> ip entries (one per
 * pod address, several pods may share an address over time) and uid ->
 * pod. Linked pods are also on a list in insertion order, and ended pods on
 * a min-heap by end time, so eviction at the cap is O(log n): the pod that
 * ended first goes first. A pod that leaves the index while a flow still
 * holds it moves to the zombie list and is freed by its last release. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cjson/cJSON.h>

#include "sw_err.h"
#include "sw_pods.h"

/* A pods file larger than this is refused rather than read into memory:
 * 100k pods of kubectl JSON are about 1 GiB, beyond any one node's view. */
#define PODS_FILE_MAX ((size_t)1 << 30)

struct ipent {
	struct ipent *next;
	struct sw_pod *pod;
	uint8_t slot;                   /* index into pod->ip[] */
};

/* A node address (status.hostIP) and how many linked pods name it: a node's
 * 110 pods share one entry, so a lookup from a node address is one probe. */
struct nodeaddr {
	struct nodeaddr *next;
	uint8_t addr[16];
	uint8_t ver;
	uint32_t pods;
};

struct sw_pod_index {
	size_t max, count;
	size_t nbuckets;                /* power of two */
	struct ipent **ip_bucket;
	struct nodeaddr **node_bucket;
	struct sw_pod **uid_bucket;
	struct sw_pod *head, *tail;     /* linked pods, insertion order */
	struct sw_pod *zombies;         /* unlinked, still held (lnext chain) */
	struct sw_pod **heap;           /* ended linked pods, min end first */
	size_t nheap, capheap;
	uint64_t seq;
	int loaded;
	struct sw_counters_k8s *c;
	struct sw_counters_k8s dummy;
};

static uint32_t hash_bytes(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint32_t h = 2166136261u;      /* FNV-1a */
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= 16777619u;
	}
	return h;
}

static size_t ip_hash(const struct sw_pod_index *idx, const uint8_t *addr, int ver)
{
	return hash_bytes(addr, ver == 6 ? 16 : 4) & (idx->nbuckets - 1);
}

static size_t uid_hash(const struct sw_pod_index *idx, const char *uid)
{
	return hash_bytes(uid, strlen(uid)) & (idx->nbuckets - 1);
}

struct sw_pod_index *pods_new(size_t max, struct sw_counters_k8s *counters)
{
	struct sw_pod_index *idx = calloc(1, sizeof(*idx));
	size_t nb = 64;

	if (idx == NULL)
		return NULL;
	while (nb < max / 2 && nb < ((size_t)1 << 20))
		nb <<= 1;
	idx->max = max;
	idx->nbuckets = nb;
	idx->ip_bucket = calloc(nb, sizeof(*idx->ip_bucket));
	idx->uid_bucket = calloc(nb, sizeof(*idx->uid_bucket));
	idx->node_bucket = calloc(nb, sizeof(*idx->node_bucket));
	idx->c = counters != NULL ? counters : &idx->dummy;
	if (idx->ip_bucket == NULL || idx->uid_bucket == NULL || idx->node_bucket == NULL) {
		pods_free(idx);
		return NULL;
	}
	return idx;
}

static void pod_free(struct sw_pod *p)
{
	size_t i;

	if (p == NULL)
		return;
	free(p->ns);
	free(p->name);
	free(p->uid);
	free(p->node);
	free(p->phase);
	for (i = 0; i < p->nimages; i++)
		free(p->images[i]);
	for (i = 0; i < p->nlabels; i++) {
		free(p->labels[i].key);
		free(p->labels[i].value);
	}
	for (i = 0; i < p->nowners; i++) {
		free(p->owners[i].kind);
		free(p->owners[i].name);
	}
	for (i = 0; i < p->nworkloads; i++)
		free(p->workloads[i].name);
	free(p);
}


static void k8s_counters_add(struct sw_counters_k8s *to, const struct sw_counters_k8s *from)
{
#define SW_COUNTER(field, name) to->field += from->field;
#include "counters/k8s.def"
#undef SW_COUNTER
}

void pods_set_counters(struct sw_pod_index *idx, struct sw_counters_k8s *c)
{
	if (c == NULL || c == idx->c)
		return;
	if (idx->c == &idx->dummy) {
		k8s_counters_add(c, idx->c);
		memset(idx->c, 0, sizeof(*idx->c));
	}
	idx->c = c;
}

void pods_free(struct sw_pod_index *idx)
{
	struct sw_pod *p, *next;
	struct ipent *e, *en;
	size_t i;

	if (idx == NULL)
		return;
	for (p = idx->head; p != NULL; p = next) {
		next = p->lnext;
		pod_free(p);
	}
	for (p = idx->zombies; p != NULL; p = next) {
		next = p->lnext;
		pod_free(p);
	}
	if (idx->ip_bucket != NULL)
		for (i = 0; i < idx->nbuckets; i++)
			for (e = idx->ip_bucket[i]; e != NULL; e = en) {
				en = e->next;
				free(e);
			}
	if (idx->node_bucket != NULL)
		for (i = 0; i < idx->nbuckets; i++) {
			struct nodeaddr *na, *nn;

			for (na = idx->node_bucket[i]; na != NULL; na = nn) {
				nn = na->next;
				free(na);
			}
		}
	free(idx->ip_bucket);
	free(idx->uid_bucket);
	free(idx->node_bucket);
	free(idx->heap);
	free(idx);
}

/* ---- the heap of ended pods (min end_usec, then seq) ---- */

static int heap_less(const struct sw_pod *a, const struct sw_pod *b)
{
	return a->end_usec != b->end_usec ? a->end_usec < b->end_usec : a->seq < b->seq;
}

static void heap_set(struct sw_pod_index *idx, size_t i, struct sw_pod *p)
{
	idx->heap[i] = p;
	p->heap_pos = i + 1;
}

static void heap_up(struct sw_pod_index *idx, size_t i)
{
	struct sw_pod *p = idx->heap[i];

	while (i > 0 && heap_less(p, idx->heap[(i - 1) / 2])) {
		heap_set(idx, i, idx->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_set(idx, i, p);
}

static void heap_down(struct sw_pod_index *idx, size_t i)
{
	struct sw_pod *p = idx->heap[i];
	size_t c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= idx->nheap)
			break;
		if (c + 1 < idx->nheap && heap_less(idx->heap[c + 1], idx->heap[c]))
			c++;
		if (!heap_less(idx->heap[c], p))
			break;
		heap_set(idx, i, idx->heap[c]);
		i = c;
	}
	heap_set(idx, i, p);
}

static int heap_push(struct sw_pod_index *idx, struct sw_pod *p)
{
	if (idx->nheap == idx->capheap) {
		size_t n = idx->capheap ? idx->capheap * 2 : 64;
		struct sw_pod **h = realloc(idx->heap, n * sizeof(*h));

		if (h == NULL)
			return -1;
		idx->heap = h;
		idx->capheap = n;
	}
	heap_set(idx, idx->nheap++, p);
	heap_up(idx, idx->nheap - 1);
	return 0;
}

static void heap_remove(struct sw_pod_index *idx, struct sw_pod *p)
{
	size_t i = p->heap_pos - 1;

	p->heap_pos = 0;
	if (--idx->nheap == i)
		return;
	heap_set(idx, i, idx->heap[idx->nheap]);
	heap_down(idx, i);
	heap_up(idx, idx->heap[i]->heap_pos - 1);
}

/* ---- linking ---- */

static struct nodeaddr **node_addr_find(struct sw_pod_index *idx, const uint8_t *addr, int ver)
{
	struct nodeaddr **pp;

	for (pp = &idx->node_bucket[ip_hash(idx, addr, ver)]; *pp != NULL; pp = &(*pp)->next)
		if ((*pp)->ver == ver && memcmp((*pp)->addr, addr, 16) == 0)
			break;
	return pp;
}

/* One more pod on the node with this address. 0, or -1 out of memory. */
static int node_addr_get(struct sw_pod_index *idx, const uint8_t *addr, int ver)
{
	struct nodeaddr **pp = node_addr_find(idx, addr, ver), *na;

	if (*pp != NULL) {
		(*pp)->pods++;
		return 0;
	}
	if ((na = calloc(1, sizeof(*na))) == NULL)
		return -1;
	memcpy(na->addr, addr, 16);
	na->ver = (uint8_t)ver;
	na->pods = 1;
	*pp = na;
	return 0;
}

static void node_addr_put(struct sw_pod_index *idx, const uint8_t *addr, int ver)
{
	struct nodeaddr **pp = node_addr_find(idx, addr, ver), *na = *pp;

	if (na != NULL && --na->pods == 0) {
		*pp = na->next;
		free(na);
	}
}

static void unlink_pod(struct sw_pod_index *idx, struct sw_pod *p)
{
	struct sw_pod **pp;
	struct ipent **ep, *e;
	unsigned s;

	for (s = 0; s < p->nips; s++)
		for (ep = &idx->ip_bucket[ip_hash(idx, p->ip[s], p->ip_version[s])]; (e = *ep) != NULL;
		    ep = &e->next)
			if (e->pod == p && e->slot == s) {
				*ep = e->next;
				free(e);
				break;
			}
	for (s = 0; s < p->nhost_ips; s++)
		if (p->host_registered & (1u << s))
			node_addr_put(idx, p->host_ip[s], p->host_ip_version[s]);
	p->host_registered = 0;
	for (pp = &idx->uid_bucket[uid_hash(idx, p->uid)]; *pp != NULL; pp = &(*pp)->uid_next)
		if (*pp == p) {
			*pp = p->uid_next;
			break;
		}
	if (p->heap_pos)
		heap_remove(idx, p);
	if (p->lprev)
		p->lprev->lnext = p->lnext;
	else
		idx->head = p->lnext;
	if (p->lnext)
		p->lnext->lprev = p->lprev;
	else
		idx->tail = p->lprev;
	p->linked = 0;
	idx->count--;
	if (p->refs == 0) {
		pod_free(p);
		return;
	}
	p->lprev = NULL;
	p->lnext = idx->zombies;
	if (idx->zombies)
		idx->zombies->lprev = p;
	idx->zombies = p;
}

/* Link a parsed pod; on failure the pod is freed. Returns 0 or -1. */
static int link_pod(struct sw_pod_index *idx, struct sw_pod *p)
{
	struct ipent *e[SW_POD_MAX_IPS] = { NULL };
	unsigned s;
	size_t h;

	for (s = 0; s < p->nips; s++)
		if ((e[s] = calloc(1, sizeof(*e[s]))) == NULL)
			goto fail;
	if (p->end_usec != 0 && heap_push(idx, p) != 0)
		goto fail;
	for (s = 0; s < p->nips; s++) {
		h = ip_hash(idx, p->ip[s], p->ip_version[s]);
		e[s]->pod = p;
		e[s]->slot = (uint8_t)s;
		e[s]->next = idx->ip_bucket[h];
		idx->ip_bucket[h] = e[s];
	}
	/* out of memory here only loses "this is a node address" */
	for (s = 0; s < p->nhost_ips; s++)
		if (node_addr_get(idx, p->host_ip[s], p->host_ip_version[s]) == 0)
			p->host_registered |= (uint8_t)(1u << s);
	h = uid_hash(idx, p->uid);
	p->uid_next = idx->uid_bucket[h];
	idx->uid_bucket[h] = p;
	p->seq = ++idx->seq;
	p->linked = 1;
	p->listed = 1;
	p->lnext = NULL;
	p->lprev = idx->tail;
	if (idx->tail)
		idx->tail->lnext = p;
	else
		idx->head = p;
	idx->tail = p;
	idx->count++;
	idx->c->pods_loaded++;
	return 0;
fail:
	for (s = 0; s < p->nips; s++)
		free(e[s]);
	pod_free(p);
	return -1;
}

static struct sw_pod *find_uid(const struct sw_pod_index *idx, const char *uid)
{
	struct sw_pod *p;

	for (p = idx->uid_bucket[uid_hash(idx, uid)]; p != NULL; p = p->uid_next)
		if (strcmp(p->uid, uid) == 0)
			return p;
	return NULL;
}

/* Room for one more pod: evict the pod that ended first, or refuse. */
static int make_room(struct sw_pod_index *idx)
{
	if (idx->count < idx->max)
		return 0;
	if (idx->nheap == 0) {
		idx->c->pod_index_full++;
		return -1;
	}
	idx->c->pod_evicted++;
	unlink_pod(idx, idx->heap[0]);
	return 0;
}

/* ---- parsing one Pod object ---- */

/* Copy at most SW_POD_STR_MAX bytes, not cutting a UTF-8 sequence. */
static char *str_keep(struct sw_pod_index *idx, const char *s)
{
	size_t n = strlen(s);
	char *r;

	if (n > SW_POD_STR_MAX) {
		n = SW_POD_STR_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		idx->c->pod_fields_truncated++;
	}
	if ((r = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

static const char *jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) && v->valuestring != NULL ? v->valuestring : NULL;
}

static const cJSON *jobj(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsObject(v) ? v : NULL;
}

static const cJSON *jarr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsArray(v) ? v : NULL;
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const char *s, int n, unsigned *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (unsigned)(s[i] - '0');
	}
	return 0;
}

/* RFC 3339 as Kubernetes writes it ("2024-05-01T10:00:00Z", optionally
 * with a fraction and a numeric offset) -> microseconds since the epoch.
 * -1 if malformed or before 1970. */
int pods_parse_time(const char *s, uint64_t *usec)
{
	unsigned Y, M, D, h, m, sec, oh, om, frac = 0, scale = 1000000;
	int64_t t, off = 0;
	size_t n = strlen(s);
	const char *p;

	if (n < 20 || digits(s, 4, &Y) || s[4] != '-' || digits(s + 5, 2, &M) || s[7] != '-' ||
	    digits(s + 8, 2, &D) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &m) || s[16] != ':' ||
	    digits(s + 17, 2, &sec))
		return -1;
	if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60)
		return -1;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		for (; *p >= '0' && *p <= '9'; p++)
			if (scale > 1) {
				scale /= 10;
				frac += (unsigned)(*p - '0') * scale;
			}
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 23 || om > 59)
			return -1;
		off = (int64_t)(oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
		p += 6;
	} else {
		return -1;
	}
	if (*p != '\0')
		return -1;
	t = days_from_civil(Y, M, D) * 86400 + h * 3600 + m * 60 + sec - off;
	if (t < 0)
		return -1;
	*usec = (uint64_t)t * 1000000 + frac;
	return 0;
}

static int parse_ip(const char *s, uint8_t addr[16], uint8_t *ver)
{
	memset(addr, 0, 16);
	if (strlen(s) > 45)
		return -1;
	if (strchr(s, ':') != NULL) {
		*ver = 6;
		return inet_pton(AF_INET6, s, addr) == 1 ? 0 : -1;
	}
	*ver = 4;
	return inet_pton(AF_INET, s, addr) == 1 ? 0 : -1;
}

static int add_ip(struct sw_pod_index *idx, struct sw_pod *p, const char *s, const char *where,
    char *errbuf, size_t errlen)
{
	uint8_t a[16], ver;
	unsigned i;

	if (parse_ip(s, a, &ver) != 0) {
		snprintf(errbuf, errlen, "pod %s/%s: bad IP address '%.64s' in %s", p->ns, p->name, s, where);
		return -1;
	}
	for (i = 0; i < p->nips; i++)
		if (p->ip_version[i] == ver && memcmp(p->ip[i], a, 16) == 0)
			return 0;
	if (p->nips == SW_POD_MAX_IPS) {
		idx->c->pod_fields_truncated++;
		return 0;
	}
	memcpy(p->ip[p->nips], a, 16);
	p->ip_version[p->nips++] = ver;
	return 0;
}

static int add_host_ip(struct sw_pod *p, const char *s, const char *where, char *errbuf, size_t errlen)
{
	uint8_t a[16], ver;
	unsigned i;

	if (parse_ip(s, a, &ver) != 0) {
		snprintf(errbuf, errlen, "pod %s/%s: bad IP address '%.64s' in %s", p->ns, p->name, s, where);
		return -1;
	}
	for (i = 0; i < p->nhost_ips; i++)
		if (p->host_ip_version[i] == ver && memcmp(p->host_ip[i], a, 16) == 0)
			return 0;
	if (p->nhost_ips == 2)
		return 0;      /* a node has one address per family */
	memcpy(p->host_ip[p->nhost_ips], a, 16);
	p->host_ip_version[p->nhost_ips++] = ver;
	return 0;
}

static int get_time(const struct sw_pod *p, const cJSON *o, const char *key, const char *where,
    uint64_t *t, char *errbuf, size_t errlen)
{
	const char *s = jstr(o, key);

	*t = 0;
	if (s == NULL)
		return 0;
	if (pods_parse_time(s, t) != 0) {
		snprintf(errbuf, errlen, "pod %s/%s: bad timestamp '%.40s' in %s.%s", p->ns, p->name, s,
		    where, key);
		return -1;
	}
	return 0;
}

static int label_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sw_pod_label *)a)->key, ((const struct sw_pod_label *)b)->key);
}

static int add_images(struct sw_pod_index *idx, struct sw_pod *p, const cJSON *list)
{
	const cJSON *c;
	const char *img;
	size_t i;

	cJSON_ArrayForEach(c, list) {
		if ((img = jstr(c, "image")) == NULL)
			continue;
		for (i = 0; i < p->nimages; i++)
			if (strncmp(p->images[i], img, SW_POD_STR_MAX) == 0)
				break;
		if (i < p->nimages)
			continue;
		if (p->nimages == SW_POD_MAX_IMAGES) {
			idx->c->pod_fields_truncated++;
			return 0;
		}
		if ((p->images[p->nimages] = str_keep(idx, img)) == NULL)
			return -1;
		p->nimages++;
	}
	return 0;
}

/* The end of a finished pod: the latest terminated.finishedAt. */
static int finished_at(const struct sw_pod *p, const cJSON *status, uint64_t *end,
    char *errbuf, size_t errlen)
{
	static const char *const lists[] = { "containerStatuses", "initContainerStatuses" };
	const cJSON *cs, *term;
	uint64_t t;
	size_t i;

	*end = 0;
	for (i = 0; i < 2; i++)
		cJSON_ArrayForEach(cs, jarr(status, lists[i])) {
			term = jobj(jobj(cs, "state"), "terminated");
			if (term == NULL)
				continue;
			if (get_time(p, term, "finishedAt", "containerStatuses[].state.terminated",
			    &t, errbuf, errlen) != 0)
				return -1;
			if (t > *end)
				*end = t;
		}
	return 0;
}

/* Build a pod from its JSON. NULL with a message (or out of memory). */
static struct sw_pod *pod_parse(struct sw_pod_index *idx, const cJSON *o, char *errbuf, size_t errlen)
{
	const cJSON *meta = jobj(o, "metadata"), *spec = jobj(o, "spec"), *status = jobj(o, "status");
	const cJSON *it, *v;
	const char *s, *ns, *name, *uid;
	struct sw_pod *p;
	uint64_t t;
	char key[2 * SW_POD_STR_MAX + 2];

	if (!cJSON_IsObject(o)) {
		snprintf(errbuf, errlen, "a pod is not a JSON object");
		return NULL;
	}
	name = jstr(meta, "name");
	if (name == NULL || *name == '\0') {
		snprintf(errbuf, errlen, "a pod without metadata.name");
		return NULL;
	}
	ns = jstr(meta, "namespace");
	if (ns == NULL)
		ns = "default";
	if ((p = calloc(1, sizeof(*p))) == NULL)
		goto nomem;
	if ((p->ns = str_keep(idx, ns)) == NULL || (p->name = str_keep(idx, name)) == NULL)
		goto nomem;
	/* kubectl always writes the uid; a hand-made file may not: the
	 * namespace/name is then the identity */
	uid = jstr(meta, "uid");
	if (uid == NULL || *uid == '\0') {
		snprintf(key, sizeof(key), "%s/%s", p->ns, p->name);
		uid = key;
	}
	if ((p->uid = str_keep(idx, uid)) == NULL)
		goto nomem;
	if ((s = jstr(spec, "nodeName")) != NULL && (p->node = str_keep(idx, s)) == NULL)
		goto nomem;
	if ((s = jstr(status, "phase")) != NULL && (p->phase = str_keep(idx, s)) == NULL)
		goto nomem;
	p->host_network = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(spec, "hostNetwork"));

	if ((s = jstr(status, "podIP")) != NULL && *s != '\0' &&
	    add_ip(idx, p, s, "status.podIP", errbuf, errlen) != 0)
		goto fail;
	cJSON_ArrayForEach(it, jarr(status, "podIPs")) {
		if ((s = jstr(it, "ip")) == NULL) {
			snprintf(errbuf, errlen, "pod %s/%s: status.podIPs[] without an ip", p->ns, p->name);
			goto fail;
		}
		if (add_ip(idx, p, s, "status.podIPs", errbuf, errlen) != 0)
			goto fail;
	}

	if ((s = jstr(status, "hostIP")) != NULL && *s != '\0' &&
	    add_host_ip(p, s, "status.hostIP", errbuf, errlen) != 0)
		goto fail;
	cJSON_ArrayForEach(it, jarr(status, "hostIPs"))
		if ((s = jstr(it, "ip")) != NULL && add_host_ip(p, s, "status.hostIPs", errbuf, errlen) != 0)
			goto fail;

	if (add_images(idx, p, jarr(spec, "initContainers")) != 0 ||
	    add_images(idx, p, jarr(spec, "containers")) != 0)
		goto nomem;

	cJSON_ArrayForEach(v, jobj(meta, "labels")) {
		if (!cJSON_IsString(v) || v->string == NULL)
			continue;
		if (p->nlabels == SW_POD_MAX_LABELS) {
			idx->c->pod_fields_truncated++;
			break;
		}
		p->labels[p->nlabels].key = str_keep(idx, v->string);
		p->labels[p->nlabels].value = str_keep(idx, v->valuestring);
		p->nlabels++;
		if (p->labels[p->nlabels - 1].key == NULL || p->labels[p->nlabels - 1].value == NULL)
			goto nomem;
	}
	qsort(p->labels, p->nlabels, sizeof(p->labels[0]), label_cmp);

	cJSON_ArrayForEach(it, jarr(meta, "ownerReferences")) {
		const char *k = jstr(it, "kind"), *n = jstr(it, "name");

		if (k == NULL || n == NULL)
			continue;
		if (p->nowners == SW_POD_MAX_OWNERS) {
			idx->c->pod_fields_truncated++;
			break;
		}
		p->owners[p->nowners].kind = str_keep(idx, k);
		p->owners[p->nowners].name = str_keep(idx, n);
		p->owners[p->nowners].controller =
		    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "controller"));
		p->nowners++;
		if (p->owners[p->nowners - 1].kind == NULL || p->owners[p->nowners - 1].name == NULL)
			goto nomem;
	}
	workload_derive(p);

	/* lifetime */
	if (get_time(p, status, "startTime", "status", &p->start_usec, errbuf, errlen) != 0)
		goto fail;
	if (get_time(p, meta, "creationTimestamp", "metadata", &t, errbuf, errlen) != 0)
		goto fail;
	if (p->start_usec == 0 || (t != 0 && t < p->start_usec))
		p->start_usec = t;
	if (get_time(p, meta, "deletionTimestamp", "metadata", &p->end_usec, errbuf, errlen) != 0)
		goto fail;
	if (p->phase != NULL && (strcmp(p->phase, "Succeeded") == 0 || strcmp(p->phase, "Failed") == 0)) {
		if (finished_at(p, status, &t, errbuf, errlen) != 0)
			goto fail;
		if (t != 0 && (p->end_usec == 0 || t < p->end_usec))
			p->end_usec = t;
	}
	if (p->end_usec != 0 && p->end_usec < p->start_usec)
		p->end_usec = p->start_usec;
	return p;
nomem:
	snprintf(errbuf, errlen, "out of memory");
fail:
	pod_free(p);
	return NULL;
}

int pods_apply(struct sw_pod_index *idx, const cJSON *obj, enum sw_pod_event ev,
    uint64_t now_usec, char *errbuf, size_t errlen)
{
	struct sw_pod *p, *old;
	const char *kind = jstr(obj, "kind");

	idx->c->pod_events++;
	idx->loaded = 1;
	if (kind != NULL && strcmp(kind, "Pod") != 0) {
		snprintf(errbuf, errlen, "a %.40s, not a Pod", kind);
		idx->c->pod_rejected++;
		return -1;
	}
	if ((p = pod_parse(idx, obj, errbuf, errlen)) == NULL) {
		idx->c->pod_rejected++;
		return -1;
	}
	old = find_uid(idx, p->uid);
	if (ev == POD_DELETED) {
		if (p->end_usec == 0 || p->end_usec > now_usec)
			p->end_usec = now_usec;
		if (p->end_usec < p->start_usec)
			p->end_usec = p->start_usec;
	}
	if (old != NULL) {
		/* the same pod: keep when it started, take the rest as new */
		if (old->start_usec != 0 && (p->start_usec == 0 || old->start_usec < p->start_usec))
			p->start_usec = old->start_usec;
		if (ev == POD_DELETED && old->end_usec != 0 && old->end_usec < p->end_usec)
			p->end_usec = old->end_usec;
		unlink_pod(idx, old);
	} else if (make_room(idx) != 0) {
		pod_free(p);
		return 0;          /* refused at the cap: counted, not an error */
	}
	if (link_pod(idx, p) != 0) {
		snprintf(errbuf, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* ---- a PodList without its whole tree ----
 *
 * cJSON builds about 7 bytes of tree per byte of input: a 100 MB
 * `kubectl get pods -A -o json` would take 700 MB at once. The top level is
 * therefore only scanned (strings, brackets, scalars checked; nothing
 * allocated), and each element of "items" is parsed and dropped in turn. */

#define JSCAN_DEPTH_MAX 1000          /* as cJSON's CJSON_NESTING_LIMIT */

struct jscan {
	const char *b;
	size_t len, pos;
};

static void js_ws(struct jscan *s)
{
	while (s->pos < s->len && (s->b[s->pos] == ' ' || s->b[s->pos] == '\t' ||
	    s->b[s->pos] == '\n' || s->b[s->pos] == '\r'))
		s->pos++;
}

static int js_string(struct jscan *s)
{
	unsigned char c;

	if (s->pos >= s->len || s->b[s->pos] != '"')
		return -1;
	for (s->pos++; s->pos < s->len;) {
		c = (unsigned char)s->b[s->pos++];
		if (c == '"')
			return 0;
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			if (s->pos >= s->len)
				return -1;
			s->pos++;
		}
	}
	return -1;
}

static int js_scalar(struct jscan *s)
{
	size_t st = s->pos;
	char c;

	while (s->pos < s->len) {
		c = s->b[s->pos];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    c == '+' || c == '-' || c == '.'))
			break;
		s->pos++;
	}
	if (s->pos == st)
		return -1;
	c = s->b[st];
	if ((c >= '0' && c <= '9') || c == '-')
		return 0;
	if ((s->pos - st == 4 && (memcmp(s->b + st, "true", 4) == 0 || memcmp(s->b + st, "null", 4) == 0)) ||
	    (s->pos - st == 5 && memcmp(s->b + st, "false", 5) == 0))
		return 0;
	return -1;
}

/* One value, nested to any depth up to the limit, without recursion:
 * brackets must match, members be "key": value, elements be separated by
 * commas. */
static int js_value(struct jscan *s)
{
	char stack[JSCAN_DEPTH_MAX];
	size_t depth = 0;
	int want_value = 1;           /* a value is expected next */

	for (;;) {
		js_ws(s);
		if (s->pos >= s->len)
			return -1;
		if (want_value) {
			char c = s->b[s->pos];

			if (c == '{' || c == '[') {
				if (depth == JSCAN_DEPTH_MAX)
					return -1;
				stack[depth++] = c;
				s->pos++;
				js_ws(s);
				if (s->pos < s->len && s->b[s->pos] == (c == '{' ? '}' : ']')) {
					s->pos++;
					depth--;
					want_value = 0;
				} else if (c == '{') {
					if (js_string(s) != 0)
						return -1;
					js_ws(s);
					if (s->pos >= s->len || s->b[s->pos++] != ':')
						return -1;
				}
				if (want_value)
					continue;
			} else if (c == '"') {
				if (js_string(s) != 0)
					return -1;
				want_value = 0;
			} else {
				if (js_scalar(s) != 0)
					return -1;
				want_value = 0;
			}
		}
		if (depth == 0)
			return 0;
		js_ws(s);
		if (s->pos >= s->len)
			return -1;
		if (s->b[s->pos] == ',') {
			s->pos++;
			if (stack[depth - 1] == '{') {
				js_ws(s);
				if (js_string(s) != 0)
					return -1;
				js_ws(s);
				if (s->pos >= s->len || s->b[s->pos++] != ':')
					return -1;
			}
			want_value = 1;
		} else if (s->b[s->pos] == (stack[depth - 1] == '{' ? '}' : ']')) {
			s->pos++;
			depth--;
		} else {
			return -1;
		}
	}
}

/* A whole document that is one valid value? (for the error message) */
static int js_is_json(const char *buf, size_t len, size_t *bad)
{
	struct jscan s = { buf, len, 0 };

	if (js_value(&s) == 0) {
		js_ws(&s);
		if (s.pos == len)
			return 1;
	}
	*bad = s.pos;
	return 0;
}

static int is_word(const char *b, size_t n, const char *w)
{
	return n == strlen(w) && memcmp(b, w, n) == 0;
}

/* One item of a PodList: parse it alone, apply it. */
static int load_item(struct sw_pod_index *idx, const char *name, const char *buf, size_t start,
    size_t end, size_t n, char *errbuf, size_t errlen)
{
	const char *stop = NULL, *k;
	char why[256];
	cJSON *it;

	it = cJSON_ParseWithLengthOpts(buf + start, end - start, &stop, 0);
	if (it == NULL) {
		size_t at = stop != NULL && stop >= buf + start && stop <= buf + end ?
		    (size_t)(stop - buf) : start;

		snprintf(errbuf, errlen, "%s: not JSON (parse error at byte %zu)", name, at);
		return SW_ERR_USAGE;
	}
	k = jstr(it, "kind");
	if (k != NULL && strcmp(k, "Pod") != 0) {
		/* kubectl get pods,svc -o json: the other kinds are not ours */
		idx->c->pod_rejected++;
	} else if (pods_apply(idx, it, POD_ADDED, 0, why, sizeof(why)) != 0) {
		snprintf(errbuf, errlen, "%s: item %zu: %s", name, n, why);
		cJSON_Delete(it);
		return SW_ERR_USAGE;
	}
	cJSON_Delete(it);
	return 0;
}

int pods_load_buf(struct sw_pod_index *idx, const char *name, const char *buf, size_t len,
    char *errbuf, size_t errlen)
{
	struct jscan s = { buf, len, 0 };
	size_t kind_at = 0, kind_len = 0, items_at = 0, key_at, key_len, bad = 0, n = 0;
	int has_kind = 0, has_items = 0;

	js_ws(&s);
	if (s.pos >= len || buf[s.pos] != '{')
		goto not_list;
	s.pos++;
	js_ws(&s);
	if (s.pos < len && buf[s.pos] == '}') {
		s.pos++;
		goto top_done;
	}
	for (;;) {
		size_t val_at;

		js_ws(&s);
		key_at = s.pos;
		if (js_string(&s) != 0)
			goto not_json;
		key_len = s.pos - key_at - 2;
		js_ws(&s);
		if (s.pos >= len || buf[s.pos++] != ':')
			goto not_json;
		js_ws(&s);
		val_at = s.pos;
		if (js_value(&s) != 0)
			goto not_json;
		if (is_word(buf + key_at + 1, key_len, "kind") && buf[val_at] == '"') {
			has_kind = 1;
			kind_at = val_at + 1;
			kind_len = s.pos - val_at - 2;
		} else if (is_word(buf + key_at + 1, key_len, "items")) {
			has_items = buf[val_at] == '[' ? 1 : -1;
			items_at = val_at;
		}
		js_ws(&s);
		if (s.pos < len && buf[s.pos] == ',') {
			s.pos++;
			continue;
		}
		if (s.pos < len && buf[s.pos] == '}') {
			s.pos++;
			break;
		}
		goto not_json;
	}
top_done:
	js_ws(&s);
	if (s.pos != len)
		goto not_json;
	if (has_kind && is_word(buf + kind_at, kind_len, "Pod")) {
		/* a single Pod (kubectl get pod NAME -o json) */
		return load_item(idx, name, buf, 0, len, 0, errbuf, errlen);
	}
	if (has_items != 1 || (has_kind && !is_word(buf + kind_at, kind_len, "PodList") &&
	    !is_word(buf + kind_at, kind_len, "List"))) {
		snprintf(errbuf, errlen, "%s: not a PodList (kubectl get pods -A -o json)%s%.*s%s", name,
		    has_kind ? ": kind is \"" : "", has_kind ? (int)(kind_len > 40 ? 40 : kind_len) : 0,
		    has_kind ? buf + kind_at : "", has_kind ? "\"" : "");
		return SW_ERR_USAGE;
	}
	idx->loaded = 1;
	/* the items, one at a time (already scanned: well formed) */
	s.pos = items_at + 1;
	js_ws(&s);
	if (buf[s.pos] == ']')
		return 0;
	for (;;) {
		size_t at;
		int r;

		js_ws(&s);
		at = s.pos;
		if (js_value(&s) != 0)
			goto not_json;
		if ((r = load_item(idx, name, buf, at, s.pos, n++, errbuf, errlen)) != 0)
			return r;
		js_ws(&s);
		if (buf[s.pos] == ']')
			return 0;
		s.pos++;       /* ',' */
	}
not_json:
	bad = s.pos;
	snprintf(errbuf, errlen, "%s: not JSON (parse error at byte %zu)", name, bad);
	return SW_ERR_USAGE;
not_list:
	if (!js_is_json(buf, len, &bad)) {
		snprintf(errbuf, errlen, "%s: not JSON (parse error at byte %zu)", name, bad);
		return SW_ERR_USAGE;
	}
	snprintf(errbuf, errlen, "%s: not a PodList (kubectl get pods -A -o json)", name);
	return SW_ERR_USAGE;
}

int pods_load_file(struct sw_pod_index *idx, const char *path, char *errbuf, size_t errlen)
{
	FILE *fp = fopen(path, "rb");
	struct stat st;
	char *buf;
	size_t n;
	int r;

	if (fp == NULL) {
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		return SW_ERR_USAGE;
	}
	if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(errbuf, errlen, "%s: not a regular file", path);
		fclose(fp);
		return SW_ERR_USAGE;
	}
	if ((size_t)st.st_size > PODS_FILE_MAX) {
		snprintf(errbuf, errlen, "%s: larger than %zu MiB", path, PODS_FILE_MAX >> 20);
		fclose(fp);
		return SW_ERR_USAGE;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		snprintf(errbuf, errlen, "%s: out of memory", path);
		fclose(fp);
		return SW_ERR_USAGE;
	}
	n = fread(buf, 1, (size_t)st.st_size, fp);
	if (ferror(fp)) {
		snprintf(errbuf, errlen, "%s: read error", path);
		free(buf);
		fclose(fp);
		return SW_ERR_USAGE;
	}
	fclose(fp);
	buf[n] = '\0';
	r = pods_load_buf(idx, path, buf, n, errbuf, errlen);
	free(buf);
	return r;
}

static int lifetime_has(const struct sw_pod *p, uint64_t ts)
{
	return (p->start_usec == 0 || ts >= p->start_usec) && (p->end_usec == 0 || ts < p->end_usec);
}

/* How far ts is from p's lifetime (0 inside). */
static uint64_t lifetime_dist(const struct sw_pod *p, uint64_t ts)
{
	if (p->start_usec != 0 && ts < p->start_usec)
		return p->start_usec - ts;
	if (p->end_usec != 0 && ts >= p->end_usec)
		return ts - p->end_usec + 1;
	return 0;
}

/* a started later than b (the newer holder of an address) */
static int newer(const struct sw_pod *a, const struct sw_pod *b)
{
	return a->start_usec != b->start_usec ? a->start_usec > b->start_usec : a->seq > b->seq;
}

enum sw_pod_match pods_lookup(const struct sw_pod_index *idx, const uint8_t *addr,
    int ip_version, uint64_t ts_usec, const struct sw_pod **pod, unsigned *nhost)
{
	const struct sw_pod *one = NULL, *host = NULL, *near = NULL;
	const struct ipent *e;
	unsigned nh = 0;
	int alen = ip_version == 6 ? 16 : 4;

	*pod = NULL;
	if (nhost != NULL)
		*nhost = 0;
	if (idx == NULL)
		return PODS_NONE;
	for (e = idx->ip_bucket[ip_hash(idx, addr, ip_version)]; e != NULL; e = e->next) {
		const struct sw_pod *p = e->pod;

		if (p->ip_version[e->slot] != ip_version || memcmp(p->ip[e->slot], addr, alen) != 0)
			continue;
		if (!lifetime_has(p, ts_usec)) {
			if (near == NULL || lifetime_dist(p, ts_usec) < lifetime_dist(near, ts_usec) ||
			    (lifetime_dist(p, ts_usec) == lifetime_dist(near, ts_usec) && newer(p, near)))
				near = p;
		} else if (p->host_network) {
			nh++;
			if (host == NULL || strcmp(p->uid, host->uid) < 0)
				host = p;
		} else if (one == NULL || newer(p, one)) {
			one = p;
		}
	}
	if (nhost != NULL)
		*nhost = nh;
	if (one != NULL) {
		*pod = one;
		return PODS_ONE;
	}
	if (host != NULL) {
		*pod = host;
		return PODS_HOST_NETWORK;
	}
	if (near != NULL) {
		*pod = near;
		return PODS_NOT_AT_TIME;
	}
	return PODS_NONE;
}

void pods_relist_begin(struct sw_pod_index *idx)
{
	struct sw_pod *p;

	for (p = idx->head; p != NULL; p = p->lnext)
		p->listed = 0;
}

size_t pods_relist_end(struct sw_pod_index *idx, uint64_t now_usec)
{
	struct sw_pod *p;
	size_t n = 0;

	for (p = idx->head; p != NULL; p = p->lnext) {
		if (p->listed || p->end_usec != 0)
			continue;
		/* a scalar change: flows holding the pod see it, which is right */
		p->end_usec = now_usec > p->start_usec ? now_usec : p->start_usec;
		if (heap_push(idx, p) != 0)
			p->end_usec = 0;    /* out of memory: keep it open */
		else
			n++;
	}
	return n;
}

int pods_is_node_addr(const struct sw_pod_index *idx, const uint8_t *addr, int ip_version)
{
	const struct ipent *e;
	uint8_t a[16] = { 0 };

	if (idx == NULL)
		return 0;
	memcpy(a, addr, ip_version == 6 ? 16 : 4);
	if (*node_addr_find((struct sw_pod_index *)idx, a, ip_version) != NULL)
		return 1;
	/* a hostNetwork pod's address is its node's, hostIP given or not */
	for (e = idx->ip_bucket[ip_hash(idx, a, ip_version)]; e != NULL; e = e->next)
		if (e->pod->host_network && e->pod->ip_version[e->slot] == ip_version &&
		    memcmp(e->pod->ip[e->slot], a, 16) == 0)
			return 1;
	return 0;
}

void pod_hold(const struct sw_pod *pod)
{
	((struct sw_pod *)pod)->refs++;
}

void pods_release(struct sw_pod_index *idx, const struct sw_pod *pod)
{
	struct sw_pod *p = (struct sw_pod *)pod;

	if (p == NULL || p->refs == 0)
		return;
	if (--p->refs > 0 || p->linked)
		return;
	if (p->lprev)
		p->lprev->lnext = p->lnext;
	else
		idx->zombies = p->lnext;
	if (p->lnext)
		p->lnext->lprev = p->lprev;
	pod_free(p);
}

size_t pods_count(const struct sw_pod_index *idx)
{
	return idx != NULL ? idx->count : 0;
}

int pods_loaded(const struct sw_pod_index *idx)
{
	return idx != NULL && idx->loaded;
}
