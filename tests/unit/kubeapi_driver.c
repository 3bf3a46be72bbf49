/* kubeapi_driver.c: run the --kube-api watcher against a server for a
 * bounded time, then print its counters and what the pod index says about
 * some addresses (for tests/kube-api.sh; not installed).
 *
 *   kubeapi_driver URL TOKEN_FILE CA_FILE NODE|- SECONDS EVENTS IP...
 *
 * Stops after SECONDS, or once EVENTS watch events were applied and a
 * further half second passed. Prints "counter NAME VALUE" for each
 * kube_api counter, then per IP:
 *   pod IP none
 *   pod IP open|ended NS/NAME k=v,k=v
 * KUBEAPI_MAX_LINE in the environment sets the watch line cap
 * (kube_max_line). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <event2/event.h>

#include "kubeapi.h"
#include "sw_pods.h"

struct drv {
	struct event_base *base;
	struct sw_kubeapi *k;
	unsigned long want_events;
	int done;
};

static void tick(evutil_socket_t fd, short what, void *arg)
{
	struct drv *d = arg;

	(void)fd;
	(void)what;
	if (kubeapi_counters(d->k)->events >= d->want_events) {
		/* one more tick, so what follows the last event settles */
		if (d->done++)
			event_base_loopbreak(d->base);
	}
}

static void stop(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	event_base_loopbreak(arg);
}

int main(int argc, char **argv)
{
	struct timeval tv_stop = { 0, 0 }, tv_tick = { 0, 250000 }, now;
	struct sw_kubeapi_opts o;
	struct sw_pod_index *idx;
	struct event *t1, *t2;
	const struct sw_counters_kubeapi *c;
	const struct sw_pod *p;
	char err[1024];
	struct drv d;
	uint8_t a[16];
	size_t i;
	int n;

	if (argc < 7) {
		fprintf(stderr, "usage: kubeapi_driver URL TOKEN CA NODE|- SECONDS EVENTS IP...\n");
		return 2;
	}
	memset(&o, 0, sizeof(o));
	o.url = argv[1];
	o.token_file = argv[2];
	o.ca_file = argv[3];
	o.node_name = strcmp(argv[4], "-") != 0 ? argv[4] : NULL;
	o.backoff_min_ms = 200;
	if (getenv("KUBEAPI_MAX_LINE") != NULL)
		o.max_line = strtoul(getenv("KUBEAPI_MAX_LINE"), NULL, 10);
	tv_stop.tv_sec = atoi(argv[5]);
	memset(&d, 0, sizeof(d));
	d.want_events = strtoul(argv[6], NULL, 10);
	idx = pods_new(1024, NULL);
	d.base = event_base_new();
	if (idx == NULL || d.base == NULL)
		return 1;
	d.k = kubeapi_new(d.base, &o, idx, err, sizeof(err));
	if (d.k == NULL) {
		fprintf(stderr, "kubeapi_driver: %s\n", err);
		return 2;
	}
	t1 = event_new(d.base, -1, EV_PERSIST, tick, &d);
	t2 = evtimer_new(d.base, stop, d.base);
	event_add(t1, &tv_tick);
	event_add(t2, &tv_stop);
	kubeapi_start(d.k);
	event_base_dispatch(d.base);

	c = kubeapi_counters(d.k);
#define SW_COUNTER(field, name) printf("counter %s %llu\n", name, (unsigned long long)c->field);
#include "counters/kubeapi.def"
#undef SW_COUNTER
	gettimeofday(&now, NULL);
	for (n = 7; n < argc; n++) {
		if (inet_pton(AF_INET, argv[n], a) != 1) {
			fprintf(stderr, "kubeapi_driver: %s: not an IPv4 address\n", argv[n]);
			return 2;
		}
		if (pods_lookup(idx, a, 4, (uint64_t)now.tv_sec * 1000000u + (uint64_t)now.tv_usec,
		    &p, NULL) == PODS_NONE) {
			printf("pod %s none\n", argv[n]);
			continue;
		}
		printf("pod %s %s %s/%s ", argv[n], p->end_usec != 0 ? "ended" : "open", p->ns, p->name);
		for (i = 0; i < p->nlabels; i++)
			printf("%s%s=%s", i > 0 ? "," : "", p->labels[i].key, p->labels[i].value);
		printf("\n");
	}
	kubeapi_free(d.k);
	event_free(t1);
	event_free(t2);
	event_base_free(d.base);
	pods_free(idx);
	return 0;
}
