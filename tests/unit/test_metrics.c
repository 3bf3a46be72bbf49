/* test_metrics.c: the /metrics text as rendered (src/metrics.c), without
 * a network: every cap of README's "Memory caps" table that has a hit
 * counter is a memcap_hits_total sample, out-of-memory failures have
 * their family, and the Kubernetes API watcher's family appears only with
 * --kube-api and then carries its counters. Each sample's family is
 * declared (# HELP, # TYPE) before it; tests/live-netns.sh checks the
 * live endpoint with the strict exposition-format checker. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "engine.h"
#include "intel.h"
#include "metrics.h"
#include "sw_counters.h"
#include "sw_limits.h"
#include "sw_test.h"

static char *render(struct sw_engine *e)
{
	struct evbuffer *b = evbuffer_new();
	size_t n;
	char *text;

	FAIL_IF(b == NULL || metrics_render(e, b) <= 0);
	n = evbuffer_get_length(b);
	text = malloc(n + 1);
	FAIL_IF(text == NULL);
	evbuffer_remove(b, text, n);
	text[n] = '\0';
	evbuffer_free(b);
	return text;
}

static int has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	while ((p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return 1;
		p += n;
	}
	return 0;
}

#define EXPECT_LINE(text, line) do {                                    \
	if (!has_line((text), (line)))                                  \
		fprintf(stderr, "  /metrics lacks: %s\n", (line));      \
	FAIL_UNLESS(has_line((text), (line)));                          \
} while (0)

/* Every sample's family has a # TYPE line before it. */
static void families_declared(const char *text)
{
	const char *line = text;

	while (*line != '\0') {
		const char *end = strchr(line, '\n');
		char name[128], decl[160];
		size_t k = 0;

		FAIL_IF(end == NULL);
		if (end == NULL)
			return;
		if (line[0] != '#') {
			while (line + k < end && line[k] != '{' && line[k] != ' ' && k < sizeof(name) - 1) {
				name[k] = line[k];
				k++;
			}
			name[k] = '\0';
			snprintf(decl, sizeof(decl), "# TYPE %s ", name);
			FAIL_IF(strstr(text, decl) == NULL || strstr(text, decl) > line);
		}
		line = end + 1;
	}
}

int main(void)
{
	struct sw_engine_opts o;
	struct sw_intel_opts io;
	struct sw_counters_kubeapi *k;
	struct sw_engine *e;
	char err[512], *text;
	static const char *const caps[] = {
		"flow_max", "frag_memcap", "reasm_memcap", "reasm_max_segments",
		"reasm_max_unparsed", "reasm_depth", "stratum_max_line",
		"stratum_max_pending", "app_memcap", "dns_cache_max", "anomaly_max_per_flow",
		"pod_index_max", "conntrack_max", "twin_copies_max", "twin_syns_max",
	};
	size_t i;

	memset(&io, 0, sizeof(io));
	memset(&o, 0, sizeof(o));
	sw_limits_default(&o.limits);
	o.intel = intel_new(&io, err, sizeof(err));
	FAIL_IF(o.intel == NULL);
	e = engine_new(&o, err, sizeof(err));
	FAIL_IF(e == NULL);
	if (e == NULL)
		return sw_test_done("test_metrics");

	text = render(e);
	families_declared(text);
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		char want[128];

		snprintf(want, sizeof(want), "stratumwatch_memcap_hits_total{limit=\"%s\"} 0", caps[i]);
		EXPECT_LINE(text, want);
	}
	EXPECT_LINE(text, "stratumwatch_alloc_failures_total{what=\"flow\"} 0");
	EXPECT_LINE(text, "stratumwatch_alloc_failures_total{what=\"attribution\"} 0");
	/* without --kube-api: neither its family nor its caps */
	FAIL_IF(strstr(text, "kube_api") != NULL || strstr(text, "kube_max_line") != NULL);
	free(text);

	/* with it (engine_kubeapi_counters is what --kube-api calls) */
	k = engine_kubeapi_counters(e);
	k->lists = 2;
	k->errors = 3;
	k->unauthorized = 1;
	k->lines_capped = 4;
	text = render(e);
	families_declared(text);
	EXPECT_LINE(text, "# TYPE stratumwatch_kube_api_total counter");
	EXPECT_LINE(text, "stratumwatch_kube_api_total{event=\"lists\"} 2");
	EXPECT_LINE(text, "stratumwatch_kube_api_total{event=\"errors\"} 3");
	EXPECT_LINE(text, "stratumwatch_kube_api_total{event=\"unauthorized\"} 1");
	EXPECT_LINE(text, "stratumwatch_memcap_hits_total{limit=\"kube_max_line\"} 4");
	EXPECT_LINE(text, "stratumwatch_memcap_hits_total{limit=\"kube_max_body\"} 0");
	free(text);
	engine_free(e);
	intel_free(o.intel);
	return sw_test_done("test_metrics");
}
