/* test_pods.c: the pod index: PodList loading, lifetimes and reused
 * addresses, watch events, the cap and its eviction policy, references held
 * by flows, error messages, and hostile JSON (deep nesting, huge strings,
 * a pods file cut at every byte). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "sw_err.h"
#include "sw_pods.h"
#include "sw_test.h"

static char errbuf[512];

#define T0 "2024-05-01T10:00:00Z"

static const char podlist[] =
"{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[\n"
" {\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"ddsfdfsaadfs-7d9c5b8f6d-x2x7q\",\n"
"  \"namespace\":\"anonymous\",\"uid\":\"u-miner\",\"creationTimestamp\":\"2024-05-01T09:59:58Z\",\n"
"  \"labels\":{\"app\":\"ddsfdfsaadfs\",\"pod-template-hash\":\"7d9c5b8f6d\"},\n"
"  \"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"ddsfdfsaadfs-7d9c5b8f6d\",\"controller\":true,\"uid\":\"x\"}],\n"
"  \"managedFields\":[{\"manager\":\"kube\",\"fieldsV1\":{\"f:a\":{}}}]},\n"
"  \"spec\":{\"nodeName\":\"gpu-node-1\",\"containers\":[{\"name\":\"c\",\"image\":\"ddsfdfsaadfs/dfsdf:99\"},{\"name\":\"d\",\"image\":\"ddsfdfsaadfs/dfsdf:99\"}],\n"
"   \"initContainers\":[{\"name\":\"i\",\"image\":\"busybox:1.36\"}]},\n"
"  \"status\":{\"phase\":\"Running\",\"hostIP\":\"192.168.1.10\",\"podIP\":\"10.244.1.23\",\n"
"   \"podIPs\":[{\"ip\":\"10.244.1.23\"},{\"ip\":\"fd00:10:244:1::17\"}],\"startTime\":\"" T0 "\"}},\n"
" {\"kind\":\"Pod\",\"metadata\":{\"name\":\"job-28391040-abcde\",\"namespace\":\"batch\",\"uid\":\"u-old\",\n"
"  \"ownerReferences\":[{\"kind\":\"Job\",\"name\":\"backup-28391040\"}]},\n"
"  \"spec\":{\"nodeName\":\"node-2\",\"containers\":[{\"image\":\"backup:1\"}]},\n"
"  \"status\":{\"phase\":\"Succeeded\",\"podIP\":\"10.244.2.5\",\"startTime\":\"2024-05-01T08:00:00Z\",\n"
"   \"containerStatuses\":[{\"state\":{\"terminated\":{\"finishedAt\":\"2024-05-01T08:30:00Z\"}}},\n"
"                          {\"state\":{\"terminated\":{\"finishedAt\":\"2024-05-01T08:31:00.5Z\"}}}]}},\n"
" {\"kind\":\"Pod\",\"metadata\":{\"name\":\"web-0\",\"namespace\":\"shop\",\"uid\":\"u-new\",\n"
"  \"ownerReferences\":[{\"kind\":\"StatefulSet\",\"name\":\"web\"}]},\n"
"  \"spec\":{\"nodeName\":\"node-2\",\"containers\":[{\"image\":\"nginx:1.25\"}]},\n"
"  \"status\":{\"phase\":\"Running\",\"podIP\":\"10.244.2.5\",\"startTime\":\"2024-05-01T10:40:00+02:00\"}},\n"
" {\"kind\":\"Pod\",\"metadata\":{\"name\":\"kube-proxy-abc\",\"namespace\":\"kube-system\",\"uid\":\"u-kp\"},\n"
"  \"spec\":{\"nodeName\":\"gpu-node-1\",\"hostNetwork\":true,\"containers\":[{\"image\":\"kube-proxy:1.29\"}]},\n"
"  \"status\":{\"phase\":\"Running\",\"podIP\":\"192.168.1.10\",\"hostIP\":\"192.168.1.10\",\"startTime\":\"" T0 "\"}},\n"
" {\"kind\":\"Pod\",\"metadata\":{\"name\":\"pending\",\"namespace\":\"default\",\"uid\":\"u-pend\",\"unknownField\":[1,2,{\"x\":null}]},\n"
"  \"spec\":{},\"status\":{\"phase\":\"Pending\"}}\n"
"],\"metadata\":{\"resourceVersion\":\"\"}}\n";

static uint64_t ts(const char *s)
{
	uint64_t t = 0;

	if (pods_parse_time(s, &t) != 0) {
		fprintf(stderr, "bad test time %s\n", s);
		exit(99);
	}
	return t;
}

static const struct sw_pod *find(const struct sw_pod_index *idx, const char *ip, const char *when,
    enum sw_pod_match want)
{
	uint8_t a[16] = { 0 };
	int ver = strchr(ip, ':') ? 6 : 4;
	const struct sw_pod *p = NULL;
	enum sw_pod_match m;

	if (inet_pton(ver == 6 ? AF_INET6 : AF_INET, ip, a) != 1)
		exit(99);
	m = pods_lookup(idx, a, ver, ts(when), &p, NULL);
	if (m != want)
		fprintf(stderr, "  lookup %s at %s: %d, expected %d\n", ip, when, m, want);
	EXPECT_EQ_U64(m, want);
	return p;
}

static void test_load(void)
{
	struct sw_counters_k8s c;
	struct sw_pod_index *idx;
	const struct sw_pod *p;
	uint8_t a[4];

	memset(&c, 0, sizeof(c));
	idx = pods_new(100, &c);
	FAIL_IF(pods_load_buf(idx, "pods.json", podlist, strlen(podlist), errbuf, sizeof(errbuf)) != 0);
	EXPECT_EQ_U64(pods_count(idx), 5);
	EXPECT_EQ_U64(c.pods_loaded, 5);

	p = find(idx, "10.244.1.23", "2024-05-01T10:05:00Z", PODS_ONE);
	if (p != NULL) {
		EXPECT_STREQ(p->ns, "anonymous");
		EXPECT_STREQ(p->name, "ddsfdfsaadfs-7d9c5b8f6d-x2x7q");
		EXPECT_STREQ(p->node, "gpu-node-1");
		EXPECT_EQ_U64(p->nimages, 2);        /* init + one distinct */
		EXPECT_STREQ(p->images[0], "busybox:1.36");
		EXPECT_STREQ(p->images[1], "ddsfdfsaadfs/dfsdf:99");
		EXPECT_EQ_U64(p->nlabels, 2);
		EXPECT_STREQ(p->labels[0].key, "app");  /* sorted */
		EXPECT_EQ_U64(p->nworkloads, 1);
		EXPECT_STREQ(p->workloads[0].kind, "Deployment");
		EXPECT_STREQ(p->workloads[0].name, "ddsfdfsaadfs");
		EXPECT_EQ_U64(p->nips, 2);
		/* creationTimestamp is earlier than startTime: the start */
		EXPECT_EQ_U64(p->start_usec, ts("2024-05-01T09:59:58Z"));
		EXPECT_EQ_U64(p->end_usec, 0);
	}
	/* the same pod by its IPv6 address */
	p = find(idx, "fd00:10:244:1::17", "2024-05-01T10:05:00Z", PODS_ONE);
	FAIL_IF(p == NULL || strcmp(p->uid, "u-miner") != 0);
	/* before it existed; just before counts (clock skew) */
	find(idx, "10.244.1.23", "2024-05-01T09:00:00Z", PODS_NOT_AT_TIME);
	find(idx, "10.244.1.23", "2024-05-01T09:59:57Z", PODS_ONE);

	/* a reused address: the Job's pod until it finished, then web-0 */
	p = find(idx, "10.244.2.5", "2024-05-01T08:10:00Z", PODS_ONE);
	FAIL_IF(p == NULL || strcmp(p->name, "job-28391040-abcde") != 0);
	if (p != NULL) {
		EXPECT_EQ_U64(p->end_usec, ts("2024-05-01T08:31:00.5Z"));  /* the latest finishedAt */
		EXPECT_STREQ(p->workloads[0].kind, "CronJob");
		EXPECT_STREQ(p->workloads[0].name, "backup");
	}
	p = find(idx, "10.244.2.5", "2024-05-01T09:00:00Z", PODS_ONE);   /* 10:40+02:00 */
	FAIL_IF(p == NULL || strcmp(p->name, "web-0") != 0);
	/* between the two: none, and the nearest is named */
	p = find(idx, "10.244.2.5", "2024-05-01T08:35:00Z", PODS_NOT_AT_TIME);
	FAIL_IF(p == NULL || strcmp(p->name, "job-28391040-abcde") != 0);
	p = find(idx, "10.244.2.5", "2024-05-01T08:39:00Z", PODS_NOT_AT_TIME);
	FAIL_IF(p == NULL || strcmp(p->name, "web-0") != 0);

	/* the node address: hostNetwork, not one pod */
	p = find(idx, "192.168.1.10", "2024-05-01T10:05:00Z", PODS_HOST_NETWORK);
	FAIL_IF(p == NULL || strcmp(p->node, "gpu-node-1") != 0);
	inet_pton(AF_INET, "192.168.1.10", a);
	FAIL_IF(!pods_is_node_addr(idx, a, 4));
	inet_pton(AF_INET, "10.244.1.23", a);
	FAIL_IF(pods_is_node_addr(idx, a, 4));
	find(idx, "10.9.9.9", "2024-05-01T10:05:00Z", PODS_NONE);
	pods_free(idx);
}

static cJSON *pod_json(const char *uid, const char *name, const char *ip, const char *start,
    const char *deleted)
{
	char buf[1024];

	snprintf(buf, sizeof(buf),
	    "{\"metadata\":{\"name\":\"%s\",\"namespace\":\"ns\",\"uid\":\"%s\"%s%s%s},"
	    "\"spec\":{\"nodeName\":\"n1\"},\"status\":{\"podIP\":\"%s\",\"startTime\":\"%s\"}}",
	    name, uid, deleted ? ",\"deletionTimestamp\":\"" : "", deleted ? deleted : "",
	    deleted ? "\"" : "", ip, start);
	return cJSON_Parse(buf);
}

static void apply(struct sw_pod_index *idx, cJSON *j, enum sw_pod_event ev, const char *now)
{
	FAIL_IF(j == NULL);
	if (j == NULL)
		return;
	if (pods_apply(idx, j, ev, ts(now), errbuf, sizeof(errbuf)) != 0)
		fprintf(stderr, "  apply: %s\n", errbuf);
	cJSON_Delete(j);
}

static void test_watch_and_refs(void)
{
	struct sw_counters_k8s c;
	struct sw_pod_index *idx;
	const struct sw_pod *p, *held;

	memset(&c, 0, sizeof(c));
	idx = pods_new(3, &c);
	apply(idx, pod_json("a", "pa", "10.0.0.1", "2024-01-01T00:00:00Z", NULL), POD_ADDED, "2024-01-01T00:00:00Z");
	held = find(idx, "10.0.0.1", "2024-01-01T00:10:00Z", PODS_ONE);
	FAIL_IF(held == NULL);
	if (held == NULL)
		return;
	pod_hold(held);                        /* a flow keeps it */
	/* MODIFIED replaces the entry; the held one stays valid */
	apply(idx, pod_json("a", "pa-renamed", "10.0.0.1", "2024-01-01T00:00:00Z", NULL), POD_MODIFIED,
	    "2024-01-01T00:20:00Z");
	EXPECT_EQ_U64(pods_count(idx), 1);
	EXPECT_STREQ(held->name, "pa");
	p = find(idx, "10.0.0.1", "2024-01-01T00:30:00Z", PODS_ONE);
	FAIL_IF(p == NULL || strcmp(p->name, "pa-renamed") != 0);
	pods_release(idx, held);               /* freed now (ASan checks) */

	/* DELETED closes at now and keeps the pod */
	apply(idx, pod_json("a", "pa-renamed", "10.0.0.1", "2024-01-01T00:00:00Z", NULL), POD_DELETED,
	    "2024-01-01T01:00:00Z");
	EXPECT_EQ_U64(pods_count(idx), 1);
	find(idx, "10.0.0.1", "2024-01-01T00:59:59Z", PODS_ONE);
	find(idx, "10.0.0.1", "2024-01-01T01:00:03Z", PODS_NOT_AT_TIME);
	find(idx, "10.0.0.1", "2024-01-01T01:00:01Z", PODS_ONE);     /* within the slack */
	/* the address goes to a new pod */
	apply(idx, pod_json("b", "pb", "10.0.0.1", "2024-01-01T01:05:00Z", NULL), POD_ADDED, "2024-01-01T01:05:00Z");
	p = find(idx, "10.0.0.1", "2024-01-01T01:06:00Z", PODS_ONE);
	FAIL_IF(p == NULL || strcmp(p->name, "pb") != 0);
	p = find(idx, "10.0.0.1", "2024-01-01T00:40:00Z", PODS_ONE);
	FAIL_IF(p == NULL || strcmp(p->name, "pa-renamed") != 0);
	/* an older pod never deleted (a missed event) loses to the newer one */
	apply(idx, pod_json("c", "pc", "10.0.0.9", "2024-01-01T00:00:00Z", NULL), POD_ADDED, "2024-01-01T00:00:00Z");
	EXPECT_EQ_U64(pods_count(idx), 3);

	/* full (3): the ended pod "a" is evicted for a new one */
	apply(idx, pod_json("d", "pd", "10.0.0.4", "2024-01-01T02:00:00Z", NULL), POD_ADDED, "2024-01-01T02:00:00Z");
	EXPECT_EQ_U64(c.pod_evicted, 1);
	EXPECT_EQ_U64(pods_count(idx), 3);
	p = find(idx, "10.0.0.1", "2024-01-01T00:40:00Z", PODS_NOT_AT_TIME);
	FAIL_IF(p == NULL || strcmp(p->name, "pb") != 0);
	/* full, nothing ended: refused and counted */
	apply(idx, pod_json("e", "pe", "10.0.0.5", "2024-01-01T02:00:00Z", NULL), POD_ADDED, "2024-01-01T02:00:00Z");
	EXPECT_EQ_U64(c.pod_index_full, 1);
	find(idx, "10.0.0.5", "2024-01-01T02:10:00Z", PODS_NONE);
	/* a held pod that gets evicted survives until released */
	held = find(idx, "10.0.0.9", "2024-01-01T02:10:00Z", PODS_ONE);
	pod_hold(held);
	apply(idx, pod_json("c", "pc", "10.0.0.9", "2024-01-01T00:00:00Z", NULL), POD_DELETED, "2024-01-01T03:00:00Z");
	apply(idx, pod_json("f", "pf", "10.0.0.6", "2024-01-01T03:00:00Z", NULL), POD_ADDED, "2024-01-01T03:00:00Z");
	EXPECT_EQ_U64(c.pod_evicted, 2);
	EXPECT_STREQ(held->name, "pc");
	pods_release(idx, held);
	/* deletionTimestamp in MODIFIED ends the lifetime there */
	apply(idx, pod_json("f", "pf", "10.0.0.6", "2024-01-01T03:00:00Z", "2024-01-01T03:30:00Z"), POD_MODIFIED,
	    "2024-01-01T03:00:30Z");
	find(idx, "10.0.0.6", "2024-01-01T03:29:00Z", PODS_ONE);
	find(idx, "10.0.0.6", "2024-01-01T03:31:00Z", PODS_NOT_AT_TIME);
	/* not a pod */
	{
		cJSON *j = cJSON_Parse("{\"kind\":\"Service\",\"metadata\":{\"name\":\"s\"}}");

		FAIL_IF(pods_apply(idx, j, POD_ADDED, 0, errbuf, sizeof(errbuf)) == 0);
		cJSON_Delete(j);
		j = cJSON_Parse("{\"metadata\":{\"namespace\":\"x\"}}");
		FAIL_IF(pods_apply(idx, j, POD_ADDED, 0, errbuf, sizeof(errbuf)) == 0);
		EXPECT_STREQ(errbuf, "a pod without metadata.name");
		cJSON_Delete(j);
	}
	/* a held pod outlives the index's own entries until release; free
	 * with it still held must not leak (flows gone first in real use) */
	held = find(idx, "10.0.0.4", "2024-01-01T02:10:00Z", PODS_ONE);
	pod_hold(held);
	pods_release(idx, held);
	pods_free(idx);
}

static void expect_error(const char *doc, const char *want)
{
	struct sw_pod_index *idx = pods_new(10, NULL);
	int r = pods_load_buf(idx, "f.json", doc, strlen(doc), errbuf, sizeof(errbuf));

	EXPECT_EQ_U64((unsigned)-r, (unsigned)-SW_ERR_USAGE);
	if (strstr(errbuf, want) == NULL)
		fprintf(stderr, "  error '%s' lacks '%s'\n", errbuf, want);
	FAIL_IF(strstr(errbuf, want) == NULL);
	pods_free(idx);
}

static void test_errors(void)
{
	expect_error("hello", "f.json: not JSON");
	expect_error("{\"items\":[", "f.json: not JSON");
	expect_error("[]", "f.json: not a PodList");
	expect_error("{\"kind\":\"ServiceList\",\"items\":[]}", "not a PodList (kubectl get pods -A -o json): kind is \"ServiceList\"");
	expect_error("{\"kind\":\"PodList\",\"items\":{}}", "not a PodList");
	expect_error("{\"kind\":\"PodList\",\"items\":[{\"metadata\":{\"name\":\"p\",\"namespace\":\"n\"},"
	    "\"status\":{\"podIP\":\"10.0.0.300\"}}]}",
	    "f.json: item 0: pod n/p: bad IP address '10.0.0.300' in status.podIP");
	expect_error("{\"kind\":\"PodList\",\"items\":[{\"metadata\":{\"name\":\"p\"},"
	    "\"status\":{\"podIPs\":[{\"ip\":\"fd00::zz\"}]}}]}", "pod default/p: bad IP address 'fd00::zz' in status.podIPs");
	expect_error("{\"kind\":\"PodList\",\"items\":[{\"metadata\":{\"name\":\"p\",\"creationTimestamp\":\"yesterday\"}}]}",
	    "bad timestamp 'yesterday' in metadata.creationTimestamp");
	expect_error("{\"kind\":\"PodList\",\"items\":[{\"metadata\":{}}]}", "item 0: a pod without metadata.name");
	/* an empty list and a single Pod are fine */
	{
		struct sw_pod_index *idx = pods_new(10, NULL);
		const char *one = "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"status\":{\"podIP\":\"10.1.1.1\"}}";

		FAIL_IF(pods_load_buf(idx, "e", "{\"kind\":\"PodList\",\"items\":[]}", 29, errbuf, sizeof(errbuf)) != 0);
		FAIL_IF(!pods_loaded(idx));
		FAIL_IF(pods_load_buf(idx, "one", one, strlen(one), errbuf, sizeof(errbuf)) != 0);
		EXPECT_EQ_U64(pods_count(idx), 1);
		pods_free(idx);
	}
	/* times */
	EXPECT_EQ_U64(ts("1970-01-01T00:00:01Z"), 1000000);
	EXPECT_EQ_U64(ts("2024-02-29T23:59:59.123456789Z"), 1709251199123456ULL);
	EXPECT_EQ_U64(ts("2024-03-01T01:00:00+01:00"), 1709251200000000ULL);
	{
		uint64_t t;

		FAIL_IF(pods_parse_time("2024-13-01T00:00:00Z", &t) == 0);
		FAIL_IF(pods_parse_time("2024-01-01T00:00:00", &t) == 0);
		FAIL_IF(pods_parse_time("2024-01-01T00:00:00Zjunk", &t) == 0);
		FAIL_IF(pods_parse_time("1969-12-31T23:59:59Z", &t) == 0);
		FAIL_IF(pods_parse_time("2024-01-01T00:00:00.Z", &t) == 0);
	}
}

static void test_hostile(void)
{
	struct sw_counters_k8s c;
	struct sw_pod_index *idx;
	struct sw_guarded g;
	size_t i, n = 200000;
	char *doc;
	const struct sw_pod *p;

	/* deep nesting: cJSON refuses past its limit, we say "not JSON" */
	doc = malloc(2 * n + 64);
	for (i = 0; i < n; i++)
		doc[i] = '[';
	for (i = 0; i < n; i++)
		doc[n + i] = ']';
	idx = pods_new(10, NULL);
	FAIL_IF(pods_load_buf(idx, "deep", doc, 2 * n, errbuf, sizeof(errbuf)) != SW_ERR_USAGE);
	/* deep nesting inside an unknown field of a pod */
	strcpy(doc, "{\"kind\":\"PodList\",\"items\":[{\"metadata\":{\"name\":\"p\"},\"x\":");
	{
		size_t off = strlen(doc), depth = 900;

		for (i = 0; i < depth; i++)
			doc[off++] = '[';
		for (i = 0; i < depth; i++)
			doc[off++] = ']';
		memcpy(doc + off, "}]}", 4);
		FAIL_IF(pods_load_buf(idx, "nest", doc, strlen(doc), errbuf, sizeof(errbuf)) != 0);
	}
	pods_free(idx);
	free(doc);

	/* huge strings are cut to SW_POD_STR_MAX at a UTF-8 boundary */
	memset(&c, 0, sizeof(c));
	idx = pods_new(10, &c);
	n = 1 << 20;
	doc = malloc(n + 256);
	strcpy(doc, "{\"kind\":\"PodList\",\"items\":[{\"metadata\":{\"name\":\"");
	{
		size_t off = strlen(doc);

		for (i = 0; i < n / 2; i++) {
			doc[off++] = (char)0xc3;       /* U+00E9, two bytes */
			doc[off++] = (char)0xa9;
		}
		strcpy(doc + off, "\"},\"status\":{\"podIP\":\"10.2.2.2\"}}]}");
	}
	FAIL_IF(pods_load_buf(idx, "huge", doc, strlen(doc), errbuf, sizeof(errbuf)) != 0);
	p = find(idx, "10.2.2.2", "2024-01-01T00:00:00Z", PODS_ONE);
	if (p != NULL) {
		EXPECT_EQ_U64(strlen(p->name), SW_POD_STR_MAX - 1);   /* 252: whole characters */
		FAIL_IF(((unsigned char)p->name[strlen(p->name) - 1]) != 0xa9);
	}
	FAIL_IF(c.pod_fields_truncated == 0);
	pods_free(idx);
	free(doc);

	/* a pods file cut at every byte: an error or a smaller index, never
	 * a crash or an over-read (the copy ends at a guard page) */
	for (i = 0; i <= strlen(podlist); i++) {
		uint8_t *cut = sw_guarded_copy(&g, podlist, i);

		idx = pods_new(100, NULL);
		(void)pods_load_buf(idx, "cut", (const char *)cut, i, errbuf, sizeof(errbuf));
		FAIL_IF(pods_count(idx) > 5);
		pods_free(idx);
		sw_guarded_free(&g);
	}
	/* and every byte replaced by a quote, a brace or a NUL */
	{
		static const char subst[] = { '"', '{', '\0', 'Z' };
		size_t len = strlen(podlist), k;
		char *m = malloc(len);

		for (k = 0; k < sizeof(subst); k++)
			for (i = 0; i < len; i++) {
				memcpy(m, podlist, len);
				m[i] = subst[k];
				idx = pods_new(100, NULL);
				(void)pods_load_buf(idx, "mut", m, len, errbuf, sizeof(errbuf));
				pods_free(idx);
			}
		free(m);
	}
}

/* A relist after 410 Gone: pods missing from the new list were deleted
 * while unwatched; their lifetime ends at the relist. */
static void test_relist(void)
{
	struct sw_pod_index *idx = pods_new(10, NULL);

	apply(idx, pod_json("a", "pa", "10.0.1.1", "2024-01-01T00:00:00Z", NULL), POD_ADDED, "2024-01-01T00:00:00Z");
	apply(idx, pod_json("b", "pb", "10.0.1.2", "2024-01-01T00:00:00Z", NULL), POD_ADDED, "2024-01-01T00:00:00Z");
	pods_relist_begin(idx);
	apply(idx, pod_json("b", "pb", "10.0.1.2", "2024-01-01T00:00:00Z", NULL), POD_ADDED, "2024-01-01T01:00:00Z");
	apply(idx, pod_json("c", "pc", "10.0.1.3", "2024-01-01T00:50:00Z", NULL), POD_ADDED, "2024-01-01T01:00:00Z");
	EXPECT_EQ_U64(pods_relist_end(idx, ts("2024-01-01T01:00:00Z")), 1);
	find(idx, "10.0.1.1", "2024-01-01T00:59:00Z", PODS_ONE);
	find(idx, "10.0.1.1", "2024-01-01T01:00:03Z", PODS_NOT_AT_TIME);
	find(idx, "10.0.1.2", "2024-01-01T02:00:00Z", PODS_ONE);
	find(idx, "10.0.1.3", "2024-01-01T02:00:00Z", PODS_ONE);
	EXPECT_EQ_U64(pods_relist_end(idx, ts("2024-01-01T03:00:00Z")), 0);   /* ended ones stay */
	pods_free(idx);
}

/* Node addresses are counted per pod: the address stays a node's until the
 * last pod naming it as hostIP leaves the index. */
static void test_node_addrs(void)
{
	struct sw_pod_index *idx = pods_new(2, NULL);
#define NODE_POD "{\"metadata\":{\"name\":\"%s\",\"uid\":\"%s\"},\"status\":{\"podIP\":\"%s\"," \
	    "\"hostIP\":\"192.168.9.9\",\"startTime\":\"2024-01-01T00:00:00Z\"}}"
	char buf[512];
	uint8_t node[16] = { 192, 168, 9, 9 };
	cJSON *j;

	snprintf(buf, sizeof(buf), NODE_POD, "a", "a", "10.9.0.1");
	apply(idx, cJSON_Parse(buf), POD_ADDED, "2024-01-01T00:00:00Z");
	snprintf(buf, sizeof(buf), NODE_POD, "b", "b", "10.9.0.2");
	apply(idx, cJSON_Parse(buf), POD_ADDED, "2024-01-01T00:00:00Z");
	FAIL_UNLESS(pods_is_node_addr(idx, node, 4));
	/* a deleted pod stays (ended); evicting it keeps the other's count */
	snprintf(buf, sizeof(buf), NODE_POD, "a", "a", "10.9.0.1");
	apply(idx, cJSON_Parse(buf), POD_DELETED, "2024-01-01T01:00:00Z");
	j = pod_json("c", "c", "10.9.0.3", "2024-01-01T02:00:00Z", NULL);
	apply(idx, j, POD_ADDED, "2024-01-01T02:00:00Z");          /* evicts a */
	FAIL_UNLESS(pods_is_node_addr(idx, node, 4));
	snprintf(buf, sizeof(buf), NODE_POD, "b", "b", "10.9.0.2");
	apply(idx, cJSON_Parse(buf), POD_DELETED, "2024-01-01T03:00:00Z");
	j = pod_json("d", "d", "10.9.0.4", "2024-01-01T04:00:00Z", NULL);
	apply(idx, j, POD_ADDED, "2024-01-01T04:00:00Z");          /* evicts b */
	FAIL_IF(pods_is_node_addr(idx, node, 4));
	pods_free(idx);
}

int main(void)
{
	test_load();
	test_relist();
	test_node_addrs();
	test_watch_and_refs();
	test_errors();
	test_hostile();
	return sw_test_done("test_pods");
}
