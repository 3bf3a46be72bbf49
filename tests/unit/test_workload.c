/* test_workload.c: workload derivation from owner references, every rule
 * and the names that only look like them. */
#include <stdio.h>
#include <string.h>

#include "sw_pods.h"
#include "sw_test.h"

static void expect(const char *kind, const char *name, const char *hash,
    const char *want_kind, const char *want_name)
{
	const char *k = NULL;
	char out[SW_POD_STR_MAX + 1];

	workload_of_owner(kind, name, hash, &k, out, sizeof(out));
	if (k == NULL || strcmp(k, want_kind) != 0 || strcmp(out, want_name) != 0)
		fprintf(stderr, "  %s %s (hash %s) -> %s %s, expected %s %s\n", kind, name,
		    hash ? hash : "-", k ? k : "(null)", out, want_kind, want_name);
	EXPECT_STREQ(k, want_kind);
	EXPECT_STREQ(out, want_name);
}

int main(void)
{
	const char *k;
	char small[6];

	/* Deployment: ReplicaSet NAME-HASH, HASH = the pod-template-hash label */
	expect("ReplicaSet", "ddsfdfsaadfs-7d9c5b8f6d", "7d9c5b8f6d", "Deployment", "ddsfdfsaadfs");
	expect("ReplicaSet", "coredns-5d78c9869d", "5d78c9869d", "Deployment", "coredns");
	expect("ReplicaSet", "my-app-v2-6b474476c4", "6b474476c4", "Deployment", "my-app-v2");
	/* the label is the authority: a suffix that is not it is no Deployment */
	expect("ReplicaSet", "web-5d78c9869d", "7f8d9c6b5", "ReplicaSet", "web-5d78c9869d");
	/* without the label: 9-10 characters of the SafeEncodeString alphabet */
	expect("ReplicaSet", "api-7f8d9c6b5", NULL, "Deployment", "api");
	expect("ReplicaSet", "api-7f8d9c6b5x", NULL, "Deployment", "api");
	/* look-alikes: a vowel, a 0/1/3, too short, too long, nothing before */
	expect("ReplicaSet", "api-7f8d9c6ba", NULL, "ReplicaSet", "api-7f8d9c6ba");
	expect("ReplicaSet", "api-7f8d9c6b0", NULL, "ReplicaSet", "api-7f8d9c6b0");
	expect("ReplicaSet", "api-7f8d9c6b", NULL, "ReplicaSet", "api-7f8d9c6b");
	expect("ReplicaSet", "api-7f8d9c6b5xz", NULL, "ReplicaSet", "api-7f8d9c6b5xz");
	expect("ReplicaSet", "-7f8d9c6b5", NULL, "ReplicaSet", "-7f8d9c6b5");
	expect("ReplicaSet", "frontend", NULL, "ReplicaSet", "frontend");
	expect("ReplicaSet", "frontend-", "", "ReplicaSet", "frontend-");
	/* an empty label value is no label */
	expect("ReplicaSet", "api-7f8d9c6b5", "", "Deployment", "api");

	/* CronJob: Job NAME-TIME, minutes (8 digits) or seconds (10) */
	expect("Job", "backup-28391040", NULL, "CronJob", "backup");
	expect("Job", "nightly-report-1700000000", NULL, "CronJob", "nightly-report");
	expect("Job", "backup-2024", NULL, "Job", "backup-2024");
	expect("Job", "backup-1234567", NULL, "Job", "backup-1234567");
	expect("Job", "backup-12345678901", NULL, "Job", "backup-12345678901");
	expect("Job", "backup-2839104a", NULL, "Job", "backup-2839104a");
	expect("Job", "-28391040", NULL, "Job", "-28391040");
	expect("Job", "migrate", NULL, "Job", "migrate");

	/* as they are */
	expect("StatefulSet", "ml-pipeline-0", NULL, "StatefulSet", "ml-pipeline-0");
	expect("DaemonSet", "kube-proxy", NULL, "DaemonSet", "kube-proxy");
	expect("ReplicationController", "old-rc", NULL, "ReplicationController", "old-rc");
	expect("Node", "gpu-node-1", NULL, "Node", "gpu-node-1");
	expect("Notebook", "jupyter-1", NULL, "Notebook", "jupyter-1");
	/* a StatefulSet whose name looks like a Deployment's ReplicaSet is a
	 * StatefulSet */
	expect("StatefulSet", "api-7f8d9c6b5", NULL, "StatefulSet", "api-7f8d9c6b5");
	expect("DaemonSet", "backup-28391040", NULL, "DaemonSet", "backup-28391040");

	/* the output is cut, not overrun */
	workload_of_owner("ReplicaSet", "abcdefghij-7f8d9c6b5", NULL, &k, small, sizeof(small));
	EXPECT_STREQ(k, "Deployment");
	EXPECT_STREQ(small, "abcde");

	/* a whole pod: two owners (controller + another), one derived each */
	{
		struct sw_pod p;

		memset(&p, 0, sizeof(p));
		p.nlabels = 1;
		p.labels[0].key = "pod-template-hash";
		p.labels[0].value = "6d4cf56db6";
		p.nowners = 2;
		p.owners[0].kind = "ReplicaSet";
		p.owners[0].name = "miner-6d4cf56db6";
		p.owners[1].kind = "ReplicaSet";
		p.owners[1].name = "miner-6d4cf56db6";   /* duplicate: one workload */
		EXPECT_EQ_U64(workload_derive(&p), 1);
		EXPECT_STREQ(p.workloads[0].kind, "Deployment");
		EXPECT_STREQ(p.workloads[0].name, "miner");
		free(p.workloads[0].name);

		memset(&p, 0, sizeof(p));
		EXPECT_EQ_U64(workload_derive(&p), 0);    /* no owner: none */
	}
	return sw_test_done("test_workload");
}
