/* pods-int.h: shared by the pod index (pods.c), the Pod parser
 * (pod-parse.c) and the PodList loader (pods-load.c). */
#ifndef SW_PODS_INT_H
#define SW_PODS_INT_H

#include <stddef.h>
#include "sw_pods.h"

struct cJSON;

/* A pod from its JSON; NULL with "what" in errbuf (or out of memory).
 * Truncations are counted in c. */
struct sw_pod *pod_parse(const struct cJSON *o, struct sw_counters_k8s *c, char *errbuf,
    size_t errlen);
void pod_free(struct sw_pod *p);
/* o[key] when it is a string, else NULL. */
const char *pod_jstr(const struct cJSON *o, const char *key);

/* The index's counters; a list (even empty) was loaded. */
struct sw_counters_k8s *pods_counters(struct sw_pod_index *idx);
void pods_mark_loaded(struct sw_pod_index *idx);

#endif
