/* test_attrib.c: pod attribution, rule by rule: each method and each
 * reason, the precedence when a NAT relation is learnt later (nat-twin,
 * conntrack), the re-check after a watch event, ingress, references held
 * across a pod's replacement, and the k8s object as written. Uses the
 * pods file and conntrack dump of the golden tests (tests/data/k8s/). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "attrib.h"
#include "intel.h"
#include "sw_json.h"
#include "sw_test.h"

static char errbuf[512];
static struct sw_counters_k8s counters;

/* 2024-01-01T00:00:10Z: every pod of kubeflow-pods.json but the late ones
 * is running */
#define T 1704067210000000ULL

static void addr(const char *s, uint8_t a[16])
{
	memset(a, 0, 16);
	if (inet_pton(strchr(s, ':') ? AF_INET6 : AF_INET, s, a) != 1)
		exit(99);
}

/* A TCP flow src:sport -> dst:dport, initiator known. */
static void flow_init(struct sw_flow *f, const char *src, uint16_t sport, const char *dst, uint16_t dport)
{
	flow_ext_free(f); /* the previous flow's pod addresses */
	memset(f, 0, sizeof(*f));
	f->key.proto = 6;
	f->key.ip_version = strchr(src, ':') ? 6 : 4;
	addr(src, f->key.addr[0]);
	addr(dst, f->key.addr[1]);
	f->key.port[0] = sport;
	f->key.port[1] = dport;
	f->init_side = 0;
}

static const char *k8s_json(const struct sw_flow *f, struct sw_jw *w)
{
	jw_reset(w);
	jw_obj_open(w, NULL);
	eve_write_k8s(w, f, "sensor-node");
	jw_obj_close(w);
	w->buf[w->len] = '\0';
	return w->buf;
}

static void expect_json(const struct sw_flow *f, struct sw_jw *w, const char *want)
{
	const char *got = k8s_json(f, w);

	if (strstr(got, want) == NULL)
		fprintf(stderr, "  k8s %s lacks %s\n", got, want);
	FAIL_IF(strstr(got, want) == NULL);
}

#define EXPECT_ATTR(f, method, reason) do {                                  \
	EXPECT_STREQ(attrib_method_name((f)->attribution), method);         \
	EXPECT_STREQ(attrib_reason_name((f)->attr_reason) ? attrib_reason_name((f)->attr_reason) : "-", reason); \
} while (0)

int main(void)
{
	const char *srcdir = getenv("srcdir");
	struct sw_intel_opts io;
	struct sw_intel *in;
	struct sw_pod_index *pods;
	struct sw_conntrack *ct;
	struct sw_attrib a, a_noct, off;
	struct sw_flow f;
	struct sw_jw w;
	char path[4096];
	uint8_t x[16], y[16];

	if (srcdir == NULL)
		srcdir = ".";
	memset(&io, 0, sizeof(io));
	io.no_default_pools = 1;
	io.pod_cidrs[io.npod_cidrs++] = "10.244.0.0/16";
	io.cluster_cidrs[io.ncluster_cidrs++] = "10.96.0.0/12";
	io.dns_cache_max = 16;
	if ((in = intel_new(&io, errbuf, sizeof(errbuf))) == NULL) {
		fprintf(stderr, "%s\n", errbuf);
		return 99;
	}
	pods = pods_new(100, &counters);
	ct = ct_new(100, &counters);
	snprintf(path, sizeof(path), "%s/tests/data/k8s/kubeflow-pods.json", srcdir);
	if (pods_load_file(pods, path, errbuf, sizeof(errbuf)) != 0) {
		fprintf(stderr, "%s\n", errbuf);
		return 99;
	}
	snprintf(path, sizeof(path), "%s/tests/data/k8s/kubeflow-conntrack.txt", srcdir);
	if (ct_load_file(ct, path, errbuf, sizeof(errbuf)) != 0) {
		fprintf(stderr, "%s\n", errbuf);
		return 99;
	}
	a = (struct sw_attrib){ pods, ct, in, &counters };
	a_noct = (struct sw_attrib){ pods, NULL, in, &counters };
	off = (struct sw_attrib){ NULL, NULL, NULL, NULL };
	jw_init(&w);
	memset(&f, 0, sizeof(f));

	/* off: nothing decided, nothing written */
	flow_init(&f, "10.244.3.17", 43017, "198.51.100.10", 3333);
	attrib_flow_start(&off, &f, T);
	EXPECT_EQ_U64(f.attribution, ATTR_OFF);
	EXPECT_STREQ(k8s_json(&f, &w), "{}");

	/* pod-ip */
	attrib_flow_start(&a, &f, T);
	EXPECT_ATTR(&f, "pod-ip", "-");
	FAIL_IF(f.pod == NULL || strcmp(f.pod->name, "ddsfdfsaadfs-7d9c5b8f6d-x2x7q") != 0);
	expect_json(&f, &w, "\"pod_ip\":\"10.244.3.17\",\"namespace\":\"anonymous\"");
	expect_json(&f, &w, "\"workloads\":[{\"kind\":\"Deployment\",\"name\":\"ddsfdfsaadfs\"}]");
	expect_json(&f, &w, "\"images\":[\"ddsfdfsaadfs/dfsdf:99\"],\"host_network\":false,\"attribution\":\"pod-ip\",");
	/* the same flow captured before SNAT: conntrack gives its post-NAT source */
	expect_json(&f, &w, "\"src_xlated\":\"192.168.1.10\"");
	/* nat-twin learnt later is stronger */
	addr("10.244.3.17", x);
	addr("192.168.1.10", y);
	attrib_set_xlated(&a, &f, x, y, 4, ATTR_NAT_TWIN, T);
	EXPECT_ATTR(&f, "nat-twin", "-");
	/* a weaker method never replaces a stronger one */
	attrib_set_xlated(&a, &f, x, y, 4, ATTR_TUNNEL, T);
	EXPECT_ATTR(&f, "nat-twin", "-");
	attrib_set_xlated(&a, &f, x, y, 4, ATTR_CONNTRACK, T);
	EXPECT_ATTR(&f, "conntrack", "-");
	attrib_set_xlated(&a, &f, x, y, 4, ATTR_NAT_TWIN, T);
	EXPECT_ATTR(&f, "conntrack", "-");
	/* an IPv6 relation for an IPv4 flow is ignored */
	attrib_set_xlated(&a, &f, x, y, 6, ATTR_CONNTRACK, T);
	attrib_flow_end(&a, &f);
	FAIL_IF(f.pod != NULL);

	/* tunnel */
	flow_init(&f, "10.244.3.17", 43018, "198.51.100.10", 3333);
	f.tunnelled = 1;
	attrib_flow_start(&a, &f, T);
	EXPECT_ATTR(&f, "tunnel", "-");
	attrib_flow_end(&a, &f);

	/* conntrack: the uplink view */
	flow_init(&f, "192.168.1.10", 61017, "198.51.100.10", 3333);
	attrib_flow_start(&a, &f, T);
	EXPECT_ATTR(&f, "conntrack", "-");
	expect_json(&f, &w, "\"pod_ip\":\"10.244.3.17\"");
	expect_json(&f, &w, "\"attribution\":\"conntrack\",\"src_xlated\":\"192.168.1.10\"}");
	attrib_flow_end(&a, &f);
	/* the same without a table: the node address, masquerading suspected */
	attrib_flow_start(&a_noct, &f, T);
	EXPECT_ATTR(&f, "unattributed", "snat_without_conntrack");
	expect_json(&f, &w, "{\"node_name\":\"gpu-node-1\",\"attribution\":\"unattributed\","
	    "\"reason\":\"snat_without_conntrack\"}");
	attrib_flow_end(&a, &f);
	/* with a table but no entry, a node with hostNetwork pods */
	flow_init(&f, "192.168.1.20", 45020, "198.51.100.10", 3333);
	attrib_flow_start(&a, &f, T);
	EXPECT_ATTR(&f, "unattributed", "host_network_ambiguous");
	expect_json(&f, &w, "{\"node_name\":\"cpu-node-2\",\"host_network\":true,");
	attrib_flow_end(&a, &f);
	/* a node without hostNetwork pods (cp-1, named only as hostIP) */
	flow_init(&f, "192.168.1.2", 6443, "198.51.100.10", 443);
	attrib_flow_start(&a, &f, T);
	EXPECT_ATTR(&f, "unattributed", "node_address");
	attrib_flow_end(&a, &f);
	/* --cluster-cidr addresses are nodes/services too */
	flow_init(&f, "10.96.0.1", 443, "198.51.100.10", 443);
	attrib_flow_start(&a_noct, &f, T);
	EXPECT_ATTR(&f, "unattributed", "snat_without_conntrack");
	expect_json(&f, &w, "\"node_name\":\"sensor-node\"");   /* --node-name */
	attrib_flow_end(&a, &f);

	/* pod-cidr: a pod address nobody has */
	flow_init(&f, "10.244.9.9", 40000, "198.51.100.10", 3333);
	attrib_flow_start(&a, &f, T);
	EXPECT_ATTR(&f, "pod-cidr", "no_pod_metadata");
	expect_json(&f, &w, "{\"pod_ip\":\"10.244.9.9\",\"attribution\":\"pod-cidr\",\"reason\":\"no_pod_metadata\"}");
	/* ... until a watch event names it: the re-check finds it */
	{
		cJSON *j = cJSON_Parse("{\"metadata\":{\"name\":\"late\",\"namespace\":\"ns\",\"uid\":\"late-1\"},"
		    "\"status\":{\"podIP\":\"10.244.9.9\",\"startTime\":\"2024-01-01T00:00:05Z\"}}");

		FAIL_IF(pods_apply(pods, j, POD_ADDED, T, errbuf, sizeof(errbuf)) != 0);
		cJSON_Delete(j);
	}
	attrib_recheck(&a, &f, T);
	EXPECT_ATTR(&f, "pod-ip", "-");
	FAIL_IF(f.pod == NULL || strcmp(f.pod->name, "late") != 0);
	/* the pod is replaced (MODIFIED) while the flow holds it */
	{
		cJSON *j = cJSON_Parse("{\"metadata\":{\"name\":\"late\",\"namespace\":\"ns\",\"uid\":\"late-1\","
		    "\"labels\":{\"x\":\"y\"}},\"status\":{\"podIP\":\"10.244.9.9\"}}");

		FAIL_IF(pods_apply(pods, j, POD_MODIFIED, T, errbuf, sizeof(errbuf)) != 0);
		cJSON_Delete(j);
	}
	expect_json(&f, &w, "\"pod_name\":\"late\"");          /* the held copy */
	attrib_flow_end(&a, &f);                             /* freed here (valgrind/ASan) */

	/* a reused address before any pod held it */
	flow_init(&f, "10.244.2.5", 40105, "198.51.100.10", 3333);
	attrib_flow_start(&a, &f, 1704060000000000ULL);      /* 2023-12-31T22:00 */
	EXPECT_ATTR(&f, "pod-cidr", "no_pod_at_time");
	attrib_flow_end(&a, &f);

	/* outside the cluster entirely */
	flow_init(&f, "203.0.113.1", 50000, "198.51.100.1", 3333);
	attrib_flow_start(&a, &f, T);
	EXPECT_ATTR(&f, "unattributed", "not_cluster_address");
	EXPECT_STREQ(k8s_json(&f, &w), "{\"k8s\":{\"attribution\":\"unattributed\",\"reason\":\"not_cluster_address\"}}");
	attrib_flow_end(&a, &f);

	/* ingress: the responder is the pod */
	flow_init(&f, "203.0.113.1", 50000, "10.244.3.20", 3333);
	attrib_flow_start(&a, &f, T);
	EXPECT_ATTR(&f, "pod-ip", "-");
	EXPECT_EQ_U64(f.attr_side, 1);
	FAIL_IF(f.pod == NULL || strcmp(f.pod->ns, "kubeflow") != 0);
	attrib_flow_end(&a, &f);

	/* IPv6 pod address */
	flow_init(&f, "fd00:10:244:3::17", 43117, "2001:db8:100::10", 3333);
	attrib_flow_start(&a, &f, T);
	EXPECT_ATTR(&f, "pod-ip", "-");
	expect_json(&f, &w, "\"pod_ip\":\"fd00:10:244:3::17\"");
	attrib_flow_end(&a, &f);

	/* flows ended above counted once each, by their final method */
	EXPECT_EQ_U64(counters.attr_conntrack, 2);
	EXPECT_EQ_U64(counters.attr_pod_ip, 3);
	EXPECT_EQ_U64(counters.attr_tunnel, 1);
	EXPECT_EQ_U64(counters.attr_pod_cidr, 1);
	EXPECT_EQ_U64(counters.unattributed, 5);

	flow_ext_free(&f);
	jw_free(&w);
	pods_free(pods);
	ct_free(ct);
	intel_free(in);
	return sw_test_done("test_attrib");
}
