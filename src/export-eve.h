/* export-eve.h: the EVE JSON sink (one event per line, Suricata's envelope).
 *
 * Events are built in one reusable buffer and written with a single
 * fwrite of the whole line, so a reader never sees half an event. */
#ifndef SW_EXPORT_EVE_H
#define SW_EXPORT_EVE_H

#include <stddef.h>
#include <stdint.h>
#include "flow.h"
#include "sw_json.h"

/* event types (--eve-types) */
#define EVE_ALERT   0x01
#define EVE_STRATUM 0x02
#define EVE_ANOMALY 0x04
#define EVE_STATS   0x08
#define EVE_FLOW    0x10
#define EVE_DNS     0x20
#define EVE_TLS     0x40
#define EVE_DEFAULT_TYPES (EVE_ALERT | EVE_STRATUM | EVE_ANOMALY | EVE_STATS)

struct sw_eve;

/* Parse "alert,stratum,flow" into a mask. 0 on success, -1 with a message
 * naming the bad word. */
int eve_parse_types(const char *list, unsigned *mask, char *errbuf, size_t errlen);
const char *eve_type_name(unsigned type);

/* Open PATH ("-" = standard output). NULL with a message on failure. */
struct sw_eve *eve_open(const char *path, unsigned types, char *errbuf, size_t errlen);
/* PATH may also be "unix:SOCKET": a unix stream socket, connected now if it
 * can be and reconnected with backoff (0.1 s doubling to 30 s) whenever it
 * is not; events written while disconnected, or past 4 MiB queued for a
 * slow reader, are dropped whole and counted (eve_dropped), never torn. */
/* Flush and close; returns 0, or -1 if any write failed (message in errbuf).
 * A socket gets up to 2 s to take what is queued. */
int eve_close(struct sw_eve *e, char *errbuf, size_t errlen);

/* --workers: a worker's sink (shard.c). Lines gather as in a file and go
 * to fd (a pipe to the collector), each behind a frame header (frame.h)
 * keyed by order[0], order[1] as the line ends. */
struct sw_eve *eve_open_framed(int fd, unsigned types, const uint64_t *order,
    char *errbuf, size_t errlen);
/* A worker has analysed every packet up to done: say so and send what is
 * gathered, so that the collector can merge past it. */
void eve_frame_beat(struct sw_eve *e, uint64_t done);
/* The collector: one whole line (with its newline) made by a worker,
 * written as eve_end writes a line of its own. */
void eve_write_line(struct sw_eve *e, const char *p, size_t n);

/* Live mode: each event becomes one write(2) of its whole line, so a
 * reader tailing the file never sees half an event (offline keeps stdio
 * buffering). */
int eve_set_live(struct sw_eve *e);
/* Log rotation (SIGHUP): reopen the file by its path; on failure keep the
 * old one and say why (-1). Standard output and sockets: nothing to do. */
int eve_reopen(struct sw_eve *e, char *errbuf, size_t errlen);
/* Timer work for a socket: flush what is queued, retry the connection. */
void eve_poll(struct sw_eve *e);
uint64_t eve_dropped(const struct sw_eve *e);
int eve_is_socket(const struct sw_eve *e);
/* The socket's state as a "eve_socket" object inside the stats event
 * (nothing for files). */
void eve_output_stats(const struct sw_eve *e, struct sw_jw *w);
/* Live capture source names; flow->iface (1-based) picks in_iface. The
 * array must outlive e. */
void eve_set_ifaces(struct sw_eve *e, const char *const *names, int n);

/* --node-name: written as the k8s object's node_name of a masqueraded
 * flow whose pod is not known (masquerading happens on the pod's node).
 * The string must outlive e. */
void eve_set_node_name(struct sw_eve *e, const char *name);

int eve_wants(const struct sw_eve *e, unsigned type);
int eve_wants_name(const struct sw_eve *e, const char *event_type);
/* The EVE_* bit of the type named, when the user wants it; else 0. */
unsigned eve_wanted_type(const struct sw_eve *e, const char *event_type);

/* Start an event: writes timestamp, flow_id, event_type and, when f is not
 * NULL, the flow's envelope (src/dest from the initiator, proto, app_proto,
 * community_id). Returns the writer positioned inside the top object. */
struct sw_jw *eve_begin(struct sw_eve *e, unsigned type, uint64_t ts_usec,
    const struct sw_flow *f, const char *app_proto);
struct sw_jw *eve_begin_named(struct sw_eve *e, const char *event_type, uint64_t ts_usec,
    const struct sw_flow *f, const char *app_proto);
/* eve_begin for the next event of the flow at the same time, with the
 * same type and app_proto and nothing about the flow changed since the
 * event before (a judgement's second alert): that event's envelope is
 * copied when it is still at hand, else written as eve_begin would. */
struct sw_jw *eve_begin_again(struct sw_eve *e, unsigned type, uint64_t ts_usec,
    const struct sw_flow *f, const char *app_proto);
/* Close the top object and write the line. */
void eve_end(struct sw_eve *e);

struct sw_anomaly;
/* One "anomaly" event (Suricata's shape); f may be NULL for decoder and
 * capture anomalies, which have no flow yet. */
void eve_write_anomaly(struct sw_eve *e, uint64_t ts_usec, const struct sw_flow *f,
    const char *app_proto, const struct sw_anomaly *a);

/* Addresses as text, for outputs. */
const char *sw_addr_str(const uint8_t *addr, int ip_version, char *buf, size_t len);
const char *sw_proto_name(uint8_t proto, char *buf, size_t len);

#endif
