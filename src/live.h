/* live.h: the live sensor: capture handles, timers and signals on one
 * libevent loop.
 *
 *   l = live_new(engine, &opts, err)   opens every -i interface (as root)
 *   live_base(l)                       the loop, for other event sources
 *                                      (the Kubernetes API watcher, ...)
 *   live_add_hook(l, LIVE_HOOK_*, fn)  work on SIGHUP / before shutdown
 *   rc = live_run(l)                   drops privileges (-Z), then runs
 *                                      until SIGTERM/SIGINT
 *   engine_finish(...)                 ends every open flow, final stats
 *   live_free(l)
 *
 * Packet time stays the capture's timestamp; the timers run on wall time:
 * every 250 ms engine_tick() expires idle flows (so a quiet interface still
 * ends them) and the EVE socket is serviced; every stats_interval seconds a
 * stats event is written with the kernel drops of all handles summed. */
#ifndef SW_LIVE_H
#define SW_LIVE_H

#include <stddef.h>
#include "capture-live.h"
#include "engine.h"

struct event_base;
struct sw_live;

struct sw_live_opts {
	const char *ifaces[SW_SOURCES_MAX];
	int nifaces;
	struct sw_capture_opts cap;
	unsigned stats_interval;        /* s; 0 = only the final stats event */
	const char *user;               /* -Z, or NULL */
};

enum sw_live_hook {
	LIVE_HOOK_RELOAD,   /* SIGHUP: reload lists and metadata (before the
	                       EVE output is reopened) */
	LIVE_HOOK_SHUTDOWN, /* SIGTERM/SIGINT, or every capture failed: the loop
	                       is about to stop; release loop resources */
};

/* A hook returns 0, or -1 with a message (logged; the sensor goes on with
 * what it had). */
typedef int (*sw_live_hook_fn)(void *arg, char *errbuf, size_t errlen);

/* Open the captures and the loop. NULL with a message on failure. */
struct sw_live *live_new(struct sw_engine *e, const struct sw_live_opts *o,
    char *errbuf, size_t errlen);
struct event_base *live_base(struct sw_live *l);
int live_add_hook(struct sw_live *l, enum sw_live_hook which, sw_live_hook_fn fn, void *arg);
/* Drop privileges (-Z) and run. Returns 0 after SIGTERM/SIGINT, 1 when
 * every capture failed or privileges could not be dropped (message on
 * stderr). The engine's kernel-drop counter is current on return. */
int live_run(struct sw_live *l);
void live_free(struct sw_live *l);

#endif
