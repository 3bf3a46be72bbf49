/* pod-parse.c: one Pod object (JSON, as kubectl and the API write it) ->
 * struct sw_pod: names, node, addresses, images, labels, owners, the
 * workloads derived from them, and the lifetime. Unknown fields are
 * ignored; strings are cut at SW_POD_STR_MAX bytes and lists at their
 * SW_POD_MAX_* caps (counted in k8s.pod_fields_truncated). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "pods-int.h"

void pod_free(struct sw_pod *p)
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

/* Copy at most SW_POD_STR_MAX bytes, not cutting a UTF-8 sequence. */
static char *str_keep(struct sw_counters_k8s *c, const char *s)
{
	size_t n = strlen(s);
	char *r;

	if (n > SW_POD_STR_MAX) {
		n = SW_POD_STR_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		c->pod_fields_truncated++;
	}
	if ((r = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

const char *pod_jstr(const cJSON *o, const char *key)
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

static int add_ip(struct sw_counters_k8s *c, struct sw_pod *p, const char *s, const char *where,
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
		c->pod_fields_truncated++;
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
	const char *s = pod_jstr(o, key);

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

static int add_images(struct sw_counters_k8s *c, struct sw_pod *p, const cJSON *list)
{
	const cJSON *ct;
	const char *img;
	size_t i;

	cJSON_ArrayForEach(ct, list) {
		if ((img = pod_jstr(ct, "image")) == NULL)
			continue;
		for (i = 0; i < p->nimages; i++)
			if (strncmp(p->images[i], img, SW_POD_STR_MAX) == 0)
				break;
		if (i < p->nimages)
			continue;
		if (p->nimages == SW_POD_MAX_IMAGES) {
			c->pod_fields_truncated++;
			return 0;
		}
		if ((p->images[p->nimages] = str_keep(c, img)) == NULL)
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
struct sw_pod *pod_parse(const cJSON *o, struct sw_counters_k8s *c, char *errbuf, size_t errlen)
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
	name = pod_jstr(meta, "name");
	if (name == NULL || *name == '\0') {
		snprintf(errbuf, errlen, "a pod without metadata.name");
		return NULL;
	}
	ns = pod_jstr(meta, "namespace");
	if (ns == NULL)
		ns = "default";
	if ((p = calloc(1, sizeof(*p))) == NULL)
		goto nomem;
	if ((p->ns = str_keep(c, ns)) == NULL || (p->name = str_keep(c, name)) == NULL)
		goto nomem;
	/* kubectl always writes the uid; a hand-made file may not: the
	 * namespace/name is then the identity */
	uid = pod_jstr(meta, "uid");
	if (uid == NULL || *uid == '\0') {
		snprintf(key, sizeof(key), "%s/%s", p->ns, p->name);
		uid = key;
	}
	if ((p->uid = str_keep(c, uid)) == NULL)
		goto nomem;
	if ((s = pod_jstr(spec, "nodeName")) != NULL && (p->node = str_keep(c, s)) == NULL)
		goto nomem;
	if ((s = pod_jstr(status, "phase")) != NULL && (p->phase = str_keep(c, s)) == NULL)
		goto nomem;
	p->host_network = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(spec, "hostNetwork"));

	if ((s = pod_jstr(status, "podIP")) != NULL && *s != '\0' &&
	    add_ip(c, p, s, "status.podIP", errbuf, errlen) != 0)
		goto fail;
	cJSON_ArrayForEach(it, jarr(status, "podIPs")) {
		if ((s = pod_jstr(it, "ip")) == NULL) {
			snprintf(errbuf, errlen, "pod %s/%s: status.podIPs[] without an ip", p->ns, p->name);
			goto fail;
		}
		if (add_ip(c, p, s, "status.podIPs", errbuf, errlen) != 0)
			goto fail;
	}

	if ((s = pod_jstr(status, "hostIP")) != NULL && *s != '\0' &&
	    add_host_ip(p, s, "status.hostIP", errbuf, errlen) != 0)
		goto fail;
	cJSON_ArrayForEach(it, jarr(status, "hostIPs"))
		if ((s = pod_jstr(it, "ip")) != NULL && add_host_ip(p, s, "status.hostIPs", errbuf, errlen) != 0)
			goto fail;

	if (add_images(c, p, jarr(spec, "initContainers")) != 0 ||
	    add_images(c, p, jarr(spec, "containers")) != 0)
		goto nomem;

	cJSON_ArrayForEach(v, jobj(meta, "labels")) {
		if (!cJSON_IsString(v) || v->string == NULL)
			continue;
		if (p->nlabels == SW_POD_MAX_LABELS) {
			c->pod_fields_truncated++;
			break;
		}
		p->labels[p->nlabels].key = str_keep(c, v->string);
		p->labels[p->nlabels].value = str_keep(c, v->valuestring);
		p->nlabels++;
		if (p->labels[p->nlabels - 1].key == NULL || p->labels[p->nlabels - 1].value == NULL)
			goto nomem;
	}
	qsort(p->labels, p->nlabels, sizeof(p->labels[0]), label_cmp);

	cJSON_ArrayForEach(it, jarr(meta, "ownerReferences")) {
		const char *k = pod_jstr(it, "kind"), *n = pod_jstr(it, "name");

		if (k == NULL || n == NULL)
			continue;
		if (p->nowners == SW_POD_MAX_OWNERS) {
			c->pod_fields_truncated++;
			break;
		}
		p->owners[p->nowners].kind = str_keep(c, k);
		p->owners[p->nowners].name = str_keep(c, n);
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
