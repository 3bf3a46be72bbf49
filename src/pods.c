/* pods.c: the pod index (sw_pods.h); pod-parse.c builds the pods,
 * pods-load.c reads PodList files.
 *
 * Two hash tables share one bucket count: addresses -> ip entries (one per
 * pod address, several pods may share an address over time) and uid ->
 * pod. Linked pods are also on a list in insertion order, and ended pods on
 * a min-heap by end time, so eviction at the cap is O(log n): the pod that
 * ended first goes first. A pod that leaves the index while a flow still
 * holds it moves to the zombie list and is freed by its last release. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "pods-int.h"

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

int pods_apply(struct sw_pod_index *idx, const cJSON *obj, enum sw_pod_event ev,
    uint64_t now_usec, char *errbuf, size_t errlen)
{
	struct sw_pod *p, *old;
	const char *kind = pod_jstr(obj, "kind");

	idx->c->pod_events++;
	idx->loaded = 1;
	if (kind != NULL && strcmp(kind, "Pod") != 0) {
		snprintf(errbuf, errlen, "a %.40s, not a Pod", kind);
		idx->c->pod_rejected++;
		return -1;
	}
	if ((p = pod_parse(obj, idx->c, errbuf, errlen)) == NULL) {
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
		/* the node's clock and the API server's differ a little, and a
		 * pod's last packets may trail its recorded end */
		if (lifetime_dist(near, ts_usec) <= SW_POD_TIME_SLACK_USEC) {
			if (!near->host_network)
				return PODS_ONE;
			if (nhost != NULL)
				*nhost = 1;
			return PODS_HOST_NETWORK;
		}
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

struct sw_counters_k8s *pods_counters(struct sw_pod_index *idx)
{
	return idx->c;
}

void pods_mark_loaded(struct sw_pod_index *idx)
{
	idx->loaded = 1;
}

size_t pods_count(const struct sw_pod_index *idx)
{
	return idx != NULL ? idx->count : 0;
}

int pods_loaded(const struct sw_pod_index *idx)
{
	return idx != NULL && idx->loaded;
}
