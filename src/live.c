/* live.c: the live sensor's event loop (live.h). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <event2/event.h>

#include "export-eve.h"
#include "live.h"
#include "privdrop.h"

#define SW_TICK_USEC 250000
/* Frames read per wakeup of one handle before the loop looks at the others
 * and at its timers; the descriptor stays readable, so the rest follows. */
#define SW_READ_BUDGET 4096
#define SW_HOOKS_MAX 8
/* On SIGTERM the loop runs this much longer before the final read: the
 * kernel hands a partly filled ring block to user space only after the
 * 100 ms block timeout (capture-live.c), and those packets arrived before
 * the signal. */
#define SW_DRAIN_USEC 250000

struct live_hook {
	sw_live_hook_fn fn;
	void *arg;
};

struct live_src {
	struct sw_capture_live cap;
	struct event *ev;
	struct sw_live *l;
};

struct sw_live {
	struct sw_engine *e;
	struct event_base *base;
	struct live_src src[SW_SOURCES_MAX];
	int nsrc, nopen;
	uint64_t closed_drops;          /* drops of handles that failed */
	struct event *tick, *stats, *drain, *sig[4];
	int stopping, finished;
	struct live_hook hooks[2][SW_HOOKS_MAX];
	int nhooks[2];
	const char *user;
	unsigned stats_interval;
	int rc;
};

static uint64_t wall_usec(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000000ULL + (uint64_t)tv.tv_usec;
}

static void update_drops(struct sw_live *l)
{
	uint64_t d = l->closed_drops;
	int i;

	for (i = 0; i < l->nsrc; i++)
		d += capture_live_drops(&l->src[i].cap);
	engine_set_drops(l->e, d);
}

static void run_hooks(struct sw_live *l, enum sw_live_hook which)
{
	char err[512];
	int i;

	for (i = 0; i < l->nhooks[which]; i++) {
		err[0] = '\0';
		if (l->hooks[which][i].fn(l->hooks[which][i].arg, err, sizeof(err)) != 0)
			fprintf(stderr, "stratumwatch: %s\n", err[0] ? err : "a reload step failed");
	}
}

static void finish_loop(struct sw_live *l)
{
	char err[PCAP_ERRBUF_SIZE + 64];
	int i, n;

	if (l->finished++)
		return;
	for (i = 0; i < l->nsrc; i++) {
		if (l->src[i].cap.pc == NULL)
			continue;
		do
			n = capture_live_read(&l->src[i].cap, SW_READ_BUDGET, err, sizeof(err));
		while (n > 0);
	}
	run_hooks(l, LIVE_HOOK_SHUTDOWN);
	event_base_loopbreak(l->base);
}

static void on_drain(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	finish_loop(arg);
}

/* Stop after the packets already captured are read; a second signal
 * stops at once. */
static void stop(struct sw_live *l, int rc)
{
	struct timeval tv = { 0, SW_DRAIN_USEC };

	if (rc > l->rc)
		l->rc = rc;
	if (l->stopping++ || l->nopen == 0 || event_add(l->drain, &tv) != 0)
		finish_loop(l);
}

static void on_readable(evutil_socket_t fd, short what, void *arg)
{
	struct live_src *s = arg;
	struct sw_live *l = s->l;
	char err[PCAP_ERRBUF_SIZE + 64];

	(void)fd;
	(void)what;
	if (capture_live_read(&s->cap, SW_READ_BUDGET, err, sizeof(err)) >= 0)
		return;
	/* the interface went away (a pod's veth deleted, a NIC down): say
	 * so, keep its drops, and go on with the others */
	fprintf(stderr, "stratumwatch: capture stopped: %s\n", err);
	engine_capture_anomaly(l->e, "capture.read_error", err);
	l->closed_drops += capture_live_drops(&s->cap);
	event_del(s->ev);
	capture_live_close(&s->cap);
	if (--l->nopen == 0) {
		fprintf(stderr, "stratumwatch: no capture left; stopping\n");
		stop(l, 1);
	}
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct sw_live *l = arg;

	(void)fd;
	(void)what;
	update_drops(l);
	engine_tick(l->e, wall_usec());
	eve_poll(engine_eve(l->e));
}

static void on_stats(evutil_socket_t fd, short what, void *arg)
{
	struct sw_live *l = arg;

	(void)fd;
	(void)what;
	update_drops(l);
	engine_write_stats(l->e, wall_usec());
}

/* Signals arrive through libevent, so this runs between packets: no flow
 * is half-processed and no event half-written. */
static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct sw_live *l = arg;
	char err[512];

	(void)what;
	if (sig == SIGHUP) {
		run_hooks(l, LIVE_HOOK_RELOAD);
		if (eve_reopen(engine_eve(l->e), err, sizeof(err)) != 0)
			fprintf(stderr, "stratumwatch: %s\n", err);
		return;
	}
	stop(l, 0);
}

struct sw_live *live_new(struct sw_engine *e, const struct sw_live_opts *o,
    char *errbuf, size_t errlen)
{
	static const int sigs[4] = { SIGHUP, SIGTERM, SIGINT, SIGUSR1 };
	struct sw_live *l = calloc(1, sizeof(*l));
	struct timeval tv;
	int i;

	if (l == NULL) {
		snprintf(errbuf, errlen, "out of memory");
		return NULL;
	}
	l->e = e;
	l->user = o->user;
	l->stats_interval = o->stats_interval;
	l->base = event_base_new();
	if (l->base == NULL) {
		snprintf(errbuf, errlen, "cannot create the event loop");
		goto fail;
	}
	for (i = 0; i < o->nifaces; i++) {
		struct live_src *s = &l->src[i];

		if (capture_live_open(&s->cap, o->ifaces[i], &o->cap, e, errbuf, errlen) != 0)
			goto fail;
		l->nsrc++;
		s->l = l;
		s->ev = event_new(l->base, s->cap.fd, EV_READ | EV_PERSIST, on_readable, s);
		if (s->ev == NULL || event_add(s->ev, NULL) != 0) {
			snprintf(errbuf, errlen, "%s: cannot watch the capture", o->ifaces[i]);
			goto fail;
		}
	}
	l->nopen = l->nsrc;
	l->drain = evtimer_new(l->base, on_drain, l);
	if (l->drain == NULL)
		goto nomem;
	l->tick = event_new(l->base, -1, EV_PERSIST, on_tick, l);
	tv.tv_sec = 0;
	tv.tv_usec = SW_TICK_USEC;
	if (l->tick == NULL || event_add(l->tick, &tv) != 0)
		goto nomem;
	if (o->stats_interval > 0) {
		l->stats = event_new(l->base, -1, EV_PERSIST, on_stats, l);
		tv.tv_sec = (time_t)o->stats_interval;
		tv.tv_usec = 0;
		if (l->stats == NULL || event_add(l->stats, &tv) != 0)
			goto nomem;
	}
	/* SIGUSR1 is caught only so a stray one does not kill the sensor;
	 * it writes a stats event now */
	for (i = 0; i < 4; i++) {
		l->sig[i] = evsignal_new(l->base, sigs[i],
		    sigs[i] == SIGUSR1 ? on_stats : on_signal, l);
		if (l->sig[i] == NULL || event_add(l->sig[i], NULL) != 0)
			goto nomem;
	}
	/* a unix-socket reader that goes away must not kill us (send() also
	 * passes MSG_NOSIGNAL; this covers standard output on a pipe) */
	signal(SIGPIPE, SIG_IGN);
	eve_set_live(engine_eve(e));
	return l;
nomem:
	snprintf(errbuf, errlen, "cannot set up the event loop's timers and signals");
fail:
	live_free(l);
	return NULL;
}

struct event_base *live_base(struct sw_live *l)
{
	return l->base;
}

int live_add_hook(struct sw_live *l, enum sw_live_hook which, sw_live_hook_fn fn, void *arg)
{
	if (l->nhooks[which] >= SW_HOOKS_MAX)
		return -1;
	l->hooks[which][l->nhooks[which]].fn = fn;
	l->hooks[which][l->nhooks[which]].arg = arg;
	l->nhooks[which]++;
	return 0;
}

int live_run(struct sw_live *l)
{
	char err[512];

	if (l->user != NULL && privdrop(l->user, err, sizeof(err)) != 0) {
		fprintf(stderr, "stratumwatch: %s\n", err);
		return 1;
	}
	if (event_base_dispatch(l->base) < 0) {
		fprintf(stderr, "stratumwatch: the event loop failed\n");
		l->rc = 1;
	}
	update_drops(l);
	engine_clock(l->e, wall_usec());
	return l->rc;
}

void live_free(struct sw_live *l)
{
	int i;

	if (l == NULL)
		return;
	for (i = 0; i < l->nsrc; i++) {
		if (l->src[i].ev != NULL)
			event_free(l->src[i].ev);
		capture_live_close(&l->src[i].cap);
	}
	for (i = 0; i < 4; i++)
		if (l->sig[i] != NULL)
			event_free(l->sig[i]);
	if (l->tick != NULL)
		event_free(l->tick);
	if (l->stats != NULL)
		event_free(l->stats);
	if (l->drain != NULL)
		event_free(l->drain);
	if (l->base != NULL)
		event_base_free(l->base);
	free(l);
}
