/* workload.c: the workload a pod belongs to, from its owner references.
 *
 * A pod's owner is rarely what the operator named: a Deployment owns a
 * ReplicaSet named DEPLOYMENT-HASH (HASH = the pod-template-hash label, a
 * rand.SafeEncodeString of a 32-bit hash), and a CronJob owns Jobs named
 * CRONJOB-TIME (the scheduled time: minutes since the epoch since the
 * CronJob v2 controller, 8 digits today; seconds, 10 digits, before). The
 * names are undone here; every other owner kind is reported as it is. A
 * name that only looks alike (a ReplicaSet whose suffix is not the pod's
 * pod-template-hash, a Job with a short number) stays what it is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_pods.h"

/* Kubernetes' SafeEncodeString alphabet: no vowels, no 0/1/3 */
static const char hash_alphabet[] = "bcdfghjklmnpqrstvwxz2456789";

static int is_template_hash(const char *s, size_t n)
{
	size_t i;

	if (n < 9 || n > 10)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] == '\0' || strchr(hash_alphabet, s[i]) == NULL)
			return 0;
	return 1;
}

static int is_cron_time(const char *s, size_t n)
{
	size_t i;

	if (n < 8 || n > 10)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static void put_name(char *out, size_t outlen, const char *name, size_t n)
{
	if (outlen == 0)
		return;
	if (n > outlen - 1)
		n = outlen - 1;
	memcpy(out, name, n);
	out[n] = '\0';
}

void workload_of_owner(const char *kind, const char *name, const char *template_hash,
    const char **out_kind, char *out_name, size_t outlen)
{
	const char *dash = strrchr(name, '-');
	size_t plen = dash != NULL ? (size_t)(dash - name) : 0;
	const char *suffix = dash != NULL ? dash + 1 : "";

	*out_kind = NULL;
	if (strcmp(kind, "ReplicaSet") == 0 && plen > 0) {
		int hit = template_hash != NULL && *template_hash != '\0' ?
		    strcmp(suffix, template_hash) == 0 : is_template_hash(suffix, strlen(suffix));

		if (hit) {
			*out_kind = "Deployment";
			put_name(out_name, outlen, name, plen);
			return;
		}
	}
	if (strcmp(kind, "Job") == 0 && plen > 0 && is_cron_time(suffix, strlen(suffix))) {
		*out_kind = "CronJob";
		put_name(out_name, outlen, name, plen);
		return;
	}
	if (strcmp(kind, "ReplicaSet") == 0)
		*out_kind = "ReplicaSet";
	else if (strcmp(kind, "Job") == 0)
		*out_kind = "Job";
	else if (strcmp(kind, "StatefulSet") == 0)
		*out_kind = "StatefulSet";
	else if (strcmp(kind, "DaemonSet") == 0)
		*out_kind = "DaemonSet";
	else if (strcmp(kind, "ReplicationController") == 0)
		*out_kind = "ReplicationController";
	else if (strcmp(kind, "Node") == 0)
		*out_kind = "Node";         /* a static (mirror) pod */
	else
		*out_kind = kind;           /* a custom controller (Argo Rollout, ...) */
	put_name(out_name, outlen, name, strlen(name));
}

size_t workload_derive(struct sw_pod *pod)
{
	const char *hash = NULL, *kind;
	char name[SW_POD_STR_MAX + 1];
	size_t i, j;

	for (i = 0; i < pod->nlabels; i++)
		if (strcmp(pod->labels[i].key, "pod-template-hash") == 0)
			hash = pod->labels[i].value;
	for (i = 0; i < pod->nowners && pod->nworkloads < SW_POD_MAX_WORKLOADS; i++) {
		workload_of_owner(pod->owners[i].kind, pod->owners[i].name, hash, &kind, name,
		    sizeof(name));
		for (j = 0; j < pod->nworkloads; j++)
			if (strcmp(pod->workloads[j].name, name) == 0 &&
			    strcmp(pod->workloads[j].kind, kind) == 0)
				break;
		if (j < pod->nworkloads)
			continue;
		if ((pod->workloads[pod->nworkloads].name = strdup(name)) == NULL)
			break;
		pod->workloads[pod->nworkloads].kind = kind;
		pod->nworkloads++;
	}
	return pod->nworkloads;
}
