/* export-eve.c: EVE JSON writer with Suricata's envelope.
 * Reference: Suricata docs, "Eve JSON Format" (common fields). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "attrib.h"
#include "community_id.h"
#include "export-eve.h"
#include "intel.h"
#include "sw_addr.h"
#include "sw_anomaly.h"
#include "sw_decode.h"
#include "sw_slice.h"
#include "sw_time.h"
#include "frame.h"

/* Where the lines go. Offline: stdio, fully buffered (fast; the file is
 * complete when the run ends). Live (eve_set_live): each line is one
 * write(2) on the file descriptor, so a reader tailing the file never sees
 * half an event and nothing waits in a buffer. unix:PATH: a stream socket,
 * non-blocking so a slow reader never stalls capture (see sock_line). */
enum { EVE_TO_STDIO, EVE_TO_FD, EVE_TO_UNIX };

/* A unix-socket reader that falls behind gets at most this much queued;
 * whole events past it are dropped and counted (eve_dropped). */
#define EVE_SOCK_PENDING_MAX (4u << 20)
#define EVE_BACKOFF_MIN_MS 100
#define EVE_BACKOFF_MAX_MS 30000

/* An EVE file (not standard output, which the user may be reading as it
 * comes) is written EVE_FILE_BUF bytes at a time: 16 times fewer write(2)
 * calls than stdio's page, for 64 KiB that count in peak RSS. The lines
 * gather in the JSON writer's own buffer (see eve_end), which reaches 64
 * KiB; they are written once past EVE_FILE_FLUSH, which leaves an event
 * of 8 KiB room before the buffer would grow. */
#define EVE_FILE_BUF (64 * 1024)
#define EVE_FILE_FLUSH (EVE_FILE_BUF - 8 * 1024)

struct sw_eve {
	FILE *fp;
	int own;
	int kind;
	int fd;                 /* EVE_TO_FD, EVE_TO_UNIX; -1 while disconnected */
	char *path;             /* file or socket path (reopen, reconnect) */
	unsigned types;
	int write_error;
	struct sw_jw jw;
	/* unix socket */
	char *pending;          /* bytes not yet accepted by the reader */
	size_t plen, pcap;
	uint64_t pending_lines; /* line ends in pending */
	uint64_t dropped;       /* events lost: disconnected or reader too slow */
	uint64_t connects;      /* successful (re)connections */
	uint64_t next_try_ms;   /* monotonic time of the next connect attempt */
	unsigned backoff_ms;
	int warned;             /* "not connected" said once per outage */
	const char *const *ifaces; /* live capture sources: in_iface by flow->iface */
	int nifaces;
	const char *node_name;     /* --node-name: the k8s object's node for SNAT cases */
	/* gathering: lines stay in jw.buf until EVE_FILE_FLUSH (a file we
	 * opened, offline); the event being written starts at line_start */
	int gather;
	int in_event;           /* eve_begin* without its eve_end yet */
	size_t line_start;
	/* --workers (eve_open_framed): each line goes with a frame header
	 * (frame.h) at frame_start, keyed by *order as the line ends */
	const uint64_t *order;
	size_t frame_start;
	/* the flow envelope eve_begin wrote last, kept for eve_begin_again:
	 * env_len bytes at env_start in jw.buf while env_ok (a flush, a
	 * failed event or any other begin drops it), and the writer's state
	 * after them */
	int env_ok;
	size_t env_start, env_len;
	uint8_t env_comma[2];
	const struct sw_flow *env_f;
	uint64_t env_ts;
	unsigned env_type;
};

/* Each name in a NUL-padded 8-byte slot with its length: plain ASCII,
 * which the envelope copies at a constant size with the timestamp. */
struct eve_type {
	unsigned bit;
	char name[8];
	uint8_t len;
};

#define EVE_T(bit, name) { bit, name, sizeof(name) - 1 }
static const struct eve_type eve_types[] = {
	EVE_T(EVE_ALERT, "alert"), EVE_T(EVE_STRATUM, "stratum"), EVE_T(EVE_ANOMALY, "anomaly"),
	EVE_T(EVE_STATS, "stats"), EVE_T(EVE_FLOW, "flow"), EVE_T(EVE_DNS, "dns"),
	EVE_T(EVE_TLS, "tls"),
};

static const struct eve_type *eve_type_of(unsigned type)
{
	size_t i;

	for (i = 0; i < sizeof(eve_types) / sizeof(eve_types[0]); i++)
		if (eve_types[i].bit == type)
			return &eve_types[i];
	return NULL;
}

const char *eve_type_name(unsigned type)
{
	const struct eve_type *t = eve_type_of(type);

	return t != NULL ? t->name : "unknown";
}

int eve_parse_types(const char *list, unsigned *mask, char *errbuf, size_t errlen)
{
	const char *p = list;

	*mask = 0;
	while (*p != '\0') {
		size_t n = strcspn(p, ","), i;
		int found = 0;

		for (i = 0; i < sizeof(eve_types) / sizeof(eve_types[0]); i++)
			if (strlen(eve_types[i].name) == n && strncmp(eve_types[i].name, p, n) == 0) {
				*mask |= eve_types[i].bit;
				found = 1;
			}
		if (!found && n == 3 && strncmp(p, "all", 3) == 0) {
			*mask = ~0u;
			found = 1;
		}
		if (!found) {
			snprintf(errbuf, errlen,
			    "--eve-types: unknown event type '%.*s' (known: alert, stratum, anomaly, stats, flow, dns, tls, all)",
			    (int)n, p);
			return -1;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* One connection attempt; on failure the next one waits twice as long. */
static int sock_connect(struct sw_eve *e)
{
	struct sockaddr_un sun;
	int fd;

	if (mono_ms() < e->next_try_ms)
		return -1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, e->path, strlen(e->path) + 1); /* length checked in eve_open */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0 &&
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0) {
		e->fd = fd;
		e->connects++;
		e->backoff_ms = EVE_BACKOFF_MIN_MS;
		if (e->warned)
			fprintf(stderr, "stratumwatch: EVE socket %s: connected\n", e->path);
		e->warned = 0;
		return 0;
	}
	if (!e->warned)
		fprintf(stderr, "stratumwatch: EVE socket %s: %s; events are dropped (counted) "
		    "until it accepts, retrying\n", e->path, strerror(errno));
	e->warned = 1;
	if (fd >= 0)
		close(fd);
	e->next_try_ms = mono_ms() + e->backoff_ms;
	e->backoff_ms = e->backoff_ms * 2 > EVE_BACKOFF_MAX_MS ? EVE_BACKOFF_MAX_MS : e->backoff_ms * 2;
	return -1;
}

/* The reader went away: what it had not taken is lost, and counted. */
static void sock_lost(struct sw_eve *e)
{
	if (!e->warned)
		fprintf(stderr, "stratumwatch: EVE socket %s: %s; reconnecting\n", e->path,
		    strerror(errno));
	e->warned = 1;
	close(e->fd);
	e->fd = -1;
	e->dropped += e->pending_lines;
	e->plen = 0;
	e->pending_lines = 0;
	e->next_try_ms = mono_ms() + e->backoff_ms;
}

static void count_lines(struct sw_eve *e, const char *p, size_t n, int add)
{
	const char *q;

	while (n > 0 && (q = memchr(p, '\n', n)) != NULL) {
		if (add)
			e->pending_lines++;
		else
			e->pending_lines--;
		n -= (size_t)(q + 1 - p);
		p = q + 1;
	}
}

/* Hand pending bytes to the reader as far as it takes them. */
static void sock_flush(struct sw_eve *e)
{
	ssize_t w;

	while (e->fd >= 0 && e->plen > 0) {
		w = send(e->fd, e->pending, e->plen, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (w <= 0) {
			sock_lost(e);
			return;
		}
		count_lines(e, e->pending, (size_t)w, 0);
		memmove(e->pending, e->pending + w, e->plen - (size_t)w);
		e->plen -= (size_t)w;
	}
}

static int pending_append(struct sw_eve *e, const char *p, size_t n)
{
	if (e->plen + n > e->pcap) {
		size_t nc = e->pcap ? e->pcap : 65536;
		char *np;

		while (nc < e->plen + n)
			nc *= 2;
		np = realloc(e->pending, nc);
		if (np == NULL)
			return -1;
		e->pending = np;
		e->pcap = nc;
	}
	memcpy(e->pending + e->plen, p, n);
	e->plen += n;
	count_lines(e, p, n, 1);
	return 0;
}

/* One event line to the socket. A line is either queued whole or dropped
 * whole (counted); once its first byte is sent the rest is always queued,
 * so the reader never gets a torn line while the connection lasts. */
static void sock_line(struct sw_eve *e, const char *buf, size_t n)
{
	ssize_t w = 0;

	if (e->fd < 0 && sock_connect(e) != 0) {
		e->dropped++;
		return;
	}
	sock_flush(e);
	if (e->fd < 0) {
		e->dropped++;
		return;
	}
	if (e->plen == 0) {
		do
			w = send(e->fd, buf, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		while (w < 0 && errno == EINTR);
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			sock_lost(e);
			e->dropped++;
			return;
		}
		if (w < 0)
			w = 0;
		if ((size_t)w == n)
			return;
	} else if (e->plen + n > EVE_SOCK_PENDING_MAX) {
		e->dropped++;
		return;
	}
	if (pending_append(e, buf + w, n - (size_t)w) != 0) {
		/* out of memory with a line half sent: the stream cannot be
		 * kept well-formed, start a fresh connection */
		sock_lost(e);
		e->dropped++;
	}
}

/* Open the live outputs' descriptor: append, created 0640. */
static int open_append(const char *path)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

struct sw_eve *eve_open(const char *path, unsigned types, char *errbuf, size_t errlen)
{
	struct sw_eve *e = calloc(1, sizeof(*e));

	if (e == NULL) {
		snprintf(errbuf, errlen, "out of memory");
		return NULL;
	}
	e->fd = -1;
	if (strncmp(path, "unix:", 5) == 0) {
		struct sockaddr_un sun;

		if (path[5] == '\0' || strlen(path + 5) >= sizeof(sun.sun_path)) {
			snprintf(errbuf, errlen, "--eve %s: a unix socket path must be 1 to %zu bytes",
			    path, sizeof(sun.sun_path) - 1);
			free(e);
			return NULL;
		}
		e->kind = EVE_TO_UNIX;
		e->path = strdup(path + 5);
		if (e->path == NULL) {
			snprintf(errbuf, errlen, "out of memory");
			free(e);
			return NULL;
		}
		e->backoff_ms = EVE_BACKOFF_MIN_MS;
		(void)sock_connect(e); /* not there yet is fine: retried, counted */
	} else if (strcmp(path, "-") == 0) {
		e->fp = stdout;
	} else {
		e->fp = fopen(path, "a");
		if (e->fp == NULL) {
			snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
			free(e);
			return NULL;
		}
		e->own = 1;
		/* Lines gather in the writer's buffer and go to the file
		 * EVE_FILE_BUF bytes at a time (stdio's own buffer is a page:
		 * a 14 MB log of the Stratum-heavy capture took 3,400 write(2)
		 * calls per 100,000 packets on the analysis thread). An fwrite
		 * per line cost 230 instructions (the stream's lock and
		 * bookkeeping), and a copy of the line to a buffer of our own
		 * still 110: an event is written where it is made. stdio is
		 * unbuffered, so nothing is copied twice; a live run writes
		 * by fd, line by line (eve_set_live). */
		(void)setvbuf(e->fp, NULL, _IONBF, 0);
		e->gather = 1;
		e->path = strdup(path);
		if (e->path == NULL) {
			snprintf(errbuf, errlen, "out of memory");
			fclose(e->fp);
			free(e);
			return NULL;
		}
	}
	e->types = types;
	jw_init(&e->jw);
	/* the whole block at once: grown by doubling, the writer's buffer
	 * left its smaller blocks behind as free heap (more peak RSS) */
	if (e->gather)
		(void)jw__grow(&e->jw, EVE_FILE_BUF - 1);
	return e;
}

/* The lines gathered in the writer's buffer to the stream; any event
 * being written moves to the start. */
static void gather_flush(struct sw_eve *e)
{
	struct sw_jw *w = &e->jw;
	size_t n = !e->in_event ? w->len : e->order != NULL ? e->frame_start : e->line_start;

	e->env_ok = 0; /* moved or written out */
	if (!e->gather || n == 0)
		return;
	if (fwrite(w->buf, 1, n, e->fp) != n)
		e->write_error = 1;
	if (n < w->len) /* the event so far, with its NUL */
		memmove(w->buf, w->buf + n, w->len - n + 1);
	else
		w->buf[0] = '\0';
	w->len -= n;
	e->line_start -= e->in_event ? n : e->line_start;
	e->frame_start = 0;
}

struct sw_eve *eve_open_framed(int fd, unsigned types, const uint64_t *order,
    char *errbuf, size_t errlen)
{
	struct sw_eve *e = calloc(1, sizeof(*e));
	int dfd = -1;

	if (e == NULL || (dfd = dup(fd)) < 0 || (e->fp = fdopen(dfd, "w")) == NULL) {
		snprintf(errbuf, errlen, "EVE to the collector: %s", strerror(errno));
		if (dfd >= 0)
			close(dfd);
		free(e);
		return NULL;
	}
	(void)setvbuf(e->fp, NULL, _IONBF, 0);
	e->fd = -1;
	e->own = 1;
	e->gather = 1;
	e->order = order;
	e->types = types;
	jw_init(&e->jw);
	(void)jw__grow(&e->jw, EVE_FILE_BUF - 1);
	return e;
}

void eve_frame_beat(struct sw_eve *e, uint64_t done)
{
	struct sw_frame_hdr h = { FRAME_BEAT, 0, done, UINT64_MAX };
	struct sw_jw *w = &e->jw;

	if (e->order == NULL || e->in_event)
		return;
	if (jw__room(w, sizeof(h) + 1) != 0) {
		e->write_error = 1;
		return;
	}
	memcpy(w->buf + w->len, &h, sizeof(h));
	w->len += sizeof(h);
	gather_flush(e);
}

int eve_set_live(struct sw_eve *e)
{
	if (e == NULL || e->kind != EVE_TO_STDIO)
		return 0;
	gather_flush(e);
	e->gather = 0;
	if (fflush(e->fp) != 0)
		e->write_error = 1;
	e->fd = fileno(e->fp);
	e->kind = EVE_TO_FD;
	return 0;
}

int eve_reopen(struct sw_eve *e, char *errbuf, size_t errlen)
{
	int fd;

	if (e == NULL)
		return 0;
	if (e->kind == EVE_TO_UNIX) {
		if (e->fd >= 0)
			sock_flush(e);
		return 0;
	}
	if (!e->own)
		return 0; /* standard output is not ours to reopen */
	if (e->kind == EVE_TO_STDIO) {
		gather_flush(e);
		if (fflush(e->fp) != 0)
			e->write_error = 1;
	}
	fd = open_append(e->path);
	if (fd < 0) {
		/* keep writing to the old file rather than lose events */
		snprintf(errbuf, errlen, "reopening %s: %s (still writing to the old file)",
		    e->path, strerror(errno));
		return -1;
	}
	if (e->kind == EVE_TO_FD) {
		/* fp owns the old descriptor; make it own the new one */
		if (dup2(fd, fileno(e->fp)) < 0) {
			snprintf(errbuf, errlen, "reopening %s: %s", e->path, strerror(errno));
			close(fd);
			return -1;
		}
		close(fd);
		return 0;
	}
	{
		FILE *nfp = fdopen(fd, "a");

		if (nfp == NULL) {
			snprintf(errbuf, errlen, "reopening %s: %s", e->path, strerror(errno));
			close(fd);
			return -1;
		}
		if (fclose(e->fp) != 0)
			e->write_error = 1;
		e->fp = nfp;
		(void)setvbuf(nfp, NULL, _IONBF, 0); /* lines gather in jw.buf */
	}
	return 0;
}

void eve_poll(struct sw_eve *e)
{
	if (e == NULL || e->kind != EVE_TO_UNIX)
		return;
	if (e->fd < 0)
		(void)sock_connect(e);
	sock_flush(e);
}

void eve_set_ifaces(struct sw_eve *e, const char *const *names, int n)
{
	if (e == NULL)
		return;
	e->ifaces = names;
	e->nifaces = n;
}

void eve_set_node_name(struct sw_eve *e, const char *name)
{
	if (e != NULL)
		e->node_name = name;
}

uint64_t eve_dropped(const struct sw_eve *e)
{
	return e != NULL ? e->dropped : 0;
}

int eve_is_socket(const struct sw_eve *e)
{
	return e != NULL && e->kind == EVE_TO_UNIX;
}

void eve_output_stats(const struct sw_eve *e, struct sw_jw *w)
{
	if (!eve_is_socket(e))
		return;
	jw_obj_open(w, "eve_socket");
	jw_bool(w, "connected", e->fd >= 0);
	jw_u64(w, "connects", e->connects);
	jw_u64(w, "dropped", e->dropped);
	jw_u64(w, "pending_bytes", e->plen);
	jw_obj_close(w);
}

/* Closing a socket output waits up to this long for the reader to take
 * what is queued (the final stats event is among it). */
#define EVE_CLOSE_DRAIN_MS 2000

int eve_close(struct sw_eve *e, char *errbuf, size_t errlen)
{
	int r = 0;

	if (e == NULL)
		return 0;
	if (e->kind == EVE_TO_UNIX) {
		uint64_t until = mono_ms() + EVE_CLOSE_DRAIN_MS;
		struct timespec pause = { 0, 10 * 1000000L };

		while (e->fd >= 0 && e->plen > 0 && mono_ms() < until) {
			sock_flush(e);
			if (e->plen > 0)
				nanosleep(&pause, NULL);
		}
		if (e->fd >= 0) {
			e->dropped += e->pending_lines;
			close(e->fd);
		}
	} else {
		e->in_event = 0; /* an event never ended is not written */
		gather_flush(e);
		if (fflush(e->fp) != 0 || ferror(e->fp) || e->write_error) {
			snprintf(errbuf, errlen, "writing EVE output failed: %s", strerror(errno));
			r = -1;
		}
		if (e->own && fclose(e->fp) != 0 && r == 0) {
			snprintf(errbuf, errlen, "closing EVE output failed: %s", strerror(errno));
			r = -1;
		}
	}
	jw_free(&e->jw);
	free(e->pending);
	free(e->path);
	free(e);
	return r;
}

int eve_wants(const struct sw_eve *e, unsigned type)
{
	return e != NULL && (e->types & type) != 0;
}

unsigned eve_wanted_type(const struct sw_eve *e, const char *event_type)
{
	size_t i;

	/* (asked at every dissector event: the first letter rules out most
	 * names without a call) */
	for (i = 0; i < sizeof(eve_types) / sizeof(eve_types[0]); i++)
		if (eve_types[i].name[0] == event_type[0] && strcmp(eve_types[i].name, event_type) == 0)
			return eve_wants(e, eve_types[i].bit) ? eve_types[i].bit : 0;
	return 0;
}

int eve_wants_name(const struct sw_eve *e, const char *event_type)
{
	return eve_wanted_type(e, event_type) != 0;
}

const char *sw_addr_str(const uint8_t *addr, int ip_version, char *buf, size_t len)
{
	if (len >= SW_ADDR_LEN)
		return sw_addr_format(addr, ip_version, buf);
	if (inet_ntop(ip_version == 6 ? AF_INET6 : AF_INET, addr, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

/* The protocols Suricata names; the rest are printed as numbers. Each
 * name in a fixed 10-byte slot with its length, so the envelope copies
 * it at a constant size (a few moves, not a libc memcpy call). */
struct proto_known {
	char name[10];
	uint8_t len;
};

static const struct proto_known *proto_known(uint8_t proto)
{
	static const struct proto_known tcp = { "TCP", 3 }, udp = { "UDP", 3 },
	    icmp = { "ICMP", 4 }, icmp6 = { "IPv6-ICMP", 9 }, sctp = { "SCTP", 4 };

	switch (proto) {
	case 6: return &tcp;
	case 17: return &udp;
	case 1: return &icmp;
	case 58: return &icmp6;
	case 132: return &sctp;
	}
	return NULL;
}

const char *sw_proto_name(uint8_t proto, char *buf, size_t len)
{
	const struct proto_known *k = proto_known(proto);

	if (k != NULL)
		return k->name;
	snprintf(buf, len, "%03u", proto); /* Suricata prints unknown protocols as numbers */
	return buf;
}

/* Suricata's "tunnel" object (the outermost layer: on a Kubernetes node,
 * the two nodes of the overlay), plus its type and VNI. */
static void write_tunnel(struct sw_jw *w, const struct sw_flow *f)
{
	const struct sw_tunnel *t = &f->ext->tunnel;
	char a[64], pb[8];
	uint8_t proto = decode_tunnel_outer_proto(t->type);

	jw_obj_open(w, "tunnel");
	if (t->ip_version != 0) {
		jw_str(w, "src_ip", sw_addr_str(t->src, t->ip_version, a, sizeof(a)));
		if (proto == 17)
			jw_u64(w, "src_port", t->sport);
		jw_str(w, "dest_ip", sw_addr_str(t->dst, t->ip_version, a, sizeof(a)));
		if (proto == 17)
			jw_u64(w, "dest_port", t->dport);
		/* Suricata's names for the outer protocol */
		jw_str(w, "proto", proto == 4 ? "IPv4" : proto == 41 ? "IPv6" :
		    proto == 47 ? "GRE" : sw_proto_name(proto, pb, sizeof(pb)));
	}
	jw_str(w, "type", decode_tunnel_name(t->type));
	if (t->vni != SW_TUNNEL_NO_VNI)
		jw_u64(w, "vni", t->vni);
	jw_u64(w, "depth", f->tunnel_depth);
	jw_obj_close(w);
}

/* Where an event's line starts in the writer's buffer: after the lines
 * gathered (an event begun and never ended is written over, as jw_reset
 * would), or at its start. The buffer's bytes are left as they are:
 * eve_begin_again copies the last envelope from them. */
static void line_begin(struct sw_eve *e)
{
	struct sw_jw *w = &e->jw;

	if (e->gather) {
		if (e->in_event) {
			w->len = e->line_start;
		} else if (e->order != NULL) {
			/* room for the frame header, filled in by eve_end */
			e->frame_start = w->len;
			if (jw__room(w, sizeof(struct sw_frame_hdr) + 1) == 0)
				w->len += sizeof(struct sw_frame_hdr);
		}
		e->line_start = w->len;
		e->in_event = 1;
	} else
		w->len = 0;
	w->depth = 0;
	/* a framed line whose header found no room is dropped (eve_end),
	 * not written over its own start */
	w->err = e->gather && e->order != NULL && e->line_start == e->frame_start;
}

/* Envelope fragments, written straight into the writer's buffer (see
 * jw_frag_begin): a literal (jw_frag_lit), a number (at most 20
 * digits), and the fields' own formatters, which write in place and
 * return the end. Callers reserve room for the longest of each. */
#define frag_u64(q, v) jw_u64_put((v), (q))

/* app_proto up to this long goes into the envelope's fragment */
#define EVE_APP_INLINE 32

/* The protocol's name (at most 9 bytes; up to 10 written) */
static char *frag_proto(char *q, uint8_t proto)
{
	const struct proto_known *k = proto_known(proto);
	char pb[8];
	size_t n;

	if (k != NULL) {
		memcpy(q, k->name, sizeof(k->name));
		return q + k->len;
	}
	n = strlen(sw_proto_name(proto, pb, sizeof(pb)));
	memcpy(q, pb, n);
	return q + n;
}

/* Suricata's envelope for an ICMP flow: the initiator's first type and
 * code, and the responder's as response_icmp_type/_code once it answered
 * (each only when a whole header was seen that way); nothing for other
 * flows. */
static char *frag_icmp(char *q, const struct sw_flow *f)
{
	if (flow_icmp_known(f, SW_DIR_TO_SERVER)) {
		q = jw_frag_lit(q, ",\"icmp_type\":");
		q = frag_u64(q, f->icmp_type[SW_DIR_TO_SERVER]);
		q = jw_frag_lit(q, ",\"icmp_code\":");
		q = frag_u64(q, f->icmp_code[SW_DIR_TO_SERVER]);
	}
	if (flow_icmp_known(f, SW_DIR_TO_CLIENT)) {
		q = jw_frag_lit(q, ",\"response_icmp_type\":");
		q = frag_u64(q, f->icmp_type[SW_DIR_TO_CLIENT]);
		q = jw_frag_lit(q, ",\"response_icmp_code\":");
		q = frag_u64(q, f->icmp_code[SW_DIR_TO_CLIENT]);
	}
	return q;
}

/* t: event_type's entry in eve_types, or NULL for a name from elsewhere
 * (written through jw_str, checked and escaped). */
static struct sw_jw *begin(struct sw_eve *e, const char *event_type,
    const struct eve_type *t, uint64_t ts_usec, const struct sw_flow *f,
    const char *app_proto)
{
	struct sw_jw *w = &e->jw;
	int in_iface = f != NULL && f->iface > 0 && f->iface <= e->nifaces, cid = 0;
	size_t an;
	char *q;

	e->env_ok = 0;
	line_begin(e);
	w->need_comma[0] = 0;
	jw_obj_open(w, NULL);
	/* timestamp, flow_id and a known event_type (unless in_iface comes
	 * between): digits, punctuation and a plain name, one fragment */
	if ((q = jw_frag_begin(w, 14 + SW_TS_LEN + 11 + 20 + 16 + sizeof(t->name))) != NULL) {
		q = jw_frag_lit(q, "\"timestamp\":\"");
		q = sw_ts_put(ts_usec, q);
		*q++ = '"';
		if (f != NULL) {
			q = jw_frag_lit(q, ",\"flow_id\":");
			q = frag_u64(q, flow_id(f));
		}
		if (t != NULL && !in_iface) {
			q = jw_frag_lit(q, ",\"event_type\":\"");
			memcpy(q, t->name, sizeof(t->name));
			q += t->len;
			*q++ = '"';
		}
		jw_frag_end(w, q);
	}
	if (in_iface)
		jw_str(w, "in_iface", e->ifaces[f->iface - 1]);
	if (t == NULL || in_iface)
		jw_str(w, "event_type", event_type);
	if (f == NULL)
		return w;
	if (f->key.vlan != 0) {
		jw_arr_open(w, "vlan");
		jw_u64(w, NULL, f->key.vlan);
		jw_arr_close(w);
	}
	/* the five-tuple as one fragment: addresses, ports and protocol
	 * names are plain ASCII (nothing to escape), and each field through
	 * the writer cost a key check and a reserve (~250 instructions) per
	 * event. At most 178 bytes with ports (the address formatter may
	 * write a few scratch bytes past its text, within SW_ADDR_LEN); an
	 * ICMP flow has none and adds at most 82. app_proto (a dissector's
	 * or nDPI's name) joins it when it is plain and short, and then so
	 * does community_id if no traffic_direction comes between: through
	 * the writer, app_proto cost twice its check and copy here. */
	an = app_proto != NULL ? strlen(app_proto) : 0;
	if ((q = jw_frag_begin(w, 288 + 16 + EVE_APP_INLINE + 19 + SW_COMMUNITY_ID_LEN)) != NULL) {
		int ports = flow_has_ports(f);
		char *a;

		q = jw_frag_lit(q, "\"src_ip\":\"");
		q = sw_addr_put(flow_src_addr(f), f->key.ip_version, q);
		if (ports) {
			q = jw_frag_lit(q, "\",\"src_port\":");
			q = frag_u64(q, flow_src_port(f));
			q = jw_frag_lit(q, ",\"dest_ip\":\"");
		} else {
			q = jw_frag_lit(q, "\",\"dest_ip\":\"");
		}
		q = sw_addr_put(flow_dst_addr(f), f->key.ip_version, q);
		if (ports) {
			q = jw_frag_lit(q, "\",\"dest_port\":");
			q = frag_u64(q, flow_dst_port(f));
			q = jw_frag_lit(q, ",\"proto\":\"");
		} else {
			q = jw_frag_lit(q, "\",\"proto\":\"");
		}
		q = frag_proto(q, f->key.proto);
		*q++ = '"';
		q = frag_icmp(q, f);
		if (app_proto != NULL && an <= EVE_APP_INLINE &&
		    (a = jw_plain_put(jw_frag_lit(q, ",\"app_proto\":\""), app_proto, an)) != NULL) {
			*a++ = '"';
			q = a;
			app_proto = NULL; /* written */
		}
		if (app_proto == NULL && f->direction == 0) {
			q = jw_frag_lit(q, ",\"community_id\":\"");
			q = flow_community_id_put((struct sw_flow *)f, q);
			*q++ = '"';
			cid = 1;
		}
		jw_frag_end(w, q);
	}
	if (app_proto != NULL)
		jw_str(w, "app_proto", app_proto);
	if (f->direction != 0)
		jw_str(w, "traffic_direction", intel_direction_name(f->direction));
	/* "1:" and base64: plain. The flow is the caller's, not const; the
	 * field is only a cache. */
	if (!cid && (q = jw_frag_begin(w, 16 + SW_COMMUNITY_ID_LEN)) != NULL) {
		q = jw_frag_lit(q, "\"community_id\":\"");
		q = flow_community_id_put((struct sw_flow *)f, q);
		*q++ = '"';
		jw_frag_end(w, q);
	}
	eve_write_k8s(w, f, e->node_name);
	if (f->ext != NULL && f->ext->tunnel.type != SW_TUNNEL_NONE)
		write_tunnel(w, f);
	if (t != NULL && w->err == 0 && w->depth == 1) {
		e->env_ok = 1;
		e->env_start = e->gather ? e->line_start : 0;
		e->env_len = w->len - e->env_start;
		e->env_comma[0] = w->need_comma[0];
		e->env_comma[1] = w->need_comma[1];
		e->env_f = f;
		e->env_ts = ts_usec;
		e->env_type = t->bit;
	}
	return w;
}

struct sw_jw *eve_begin_named(struct sw_eve *e, const char *event_type, uint64_t ts_usec,
    const struct sw_flow *f, const char *app_proto)
{
	return begin(e, event_type, NULL, ts_usec, f, app_proto);
}

struct sw_jw *eve_begin(struct sw_eve *e, unsigned type, uint64_t ts_usec,
    const struct sw_flow *f, const char *app_proto)
{
	const struct eve_type *t = eve_type_of(type);

	return begin(e, t != NULL ? t->name : "unknown", t, ts_usec, f, app_proto);
}

/* The envelope's bytes are still in the buffer: the line before this
 * one, or (not gathering) the start of the buffer, which only the next
 * begin resets. Copied, they cost some 60 instructions where writing them
 * cost 800 (the addresses, the ports and the flow id in decimal, the
 * timestamp). */
struct sw_jw *eve_begin_again(struct sw_eve *e, unsigned type, uint64_t ts_usec,
    const struct sw_flow *f, const char *app_proto)
{
	struct sw_jw *w = &e->jw;
	size_t at;

	if (!e->env_ok || e->env_f != f || f == NULL || e->env_ts != ts_usec ||
	    e->env_type != type)
		return eve_begin(e, type, ts_usec, f, app_proto);
	line_begin(e);
	if (jw__room(w, e->env_len + 1) != 0)
		return eve_begin(e, type, ts_usec, f, app_proto);
	at = w->len;
	if (at != e->env_start)
		memmove(w->buf + at, w->buf + e->env_start, e->env_len);
	w->len = at + e->env_len;
	w->buf[w->len] = '\0';
	w->depth = 1;
	w->need_comma[0] = e->env_comma[0];
	w->need_comma[1] = e->env_comma[1];
	e->env_start = at;
	return w;
}

static const char *anomaly_type_name(enum sw_anomaly_type t)
{
	switch (t) {
	case SW_ANOMALY_DECODE: return "decode";
	case SW_ANOMALY_STREAM: return "stream";
	case SW_ANOMALY_APPLAYER: return "applayer";
	}
	return "unknown";
}

void eve_write_anomaly(struct sw_eve *e, uint64_t ts_usec, const struct sw_flow *f,
    const char *app_proto, const struct sw_anomaly *a)
{
	struct sw_jw *w;

	if (!eve_wants(e, EVE_ANOMALY))
		return;
	w = eve_begin(e, EVE_ANOMALY, ts_usec, f, app_proto);
	jw_obj_open(w, "anomaly");
	jw_str(w, "type", anomaly_type_name(a->type));
	jw_str(w, "event", a->event);
	if (a->app_proto != NULL)
		jw_str(w, "app_proto", a->app_proto);
	if (a->detail != NULL)
		jw_str(w, "detail", a->detail);
	if (a->action != NULL)
		jw_str(w, "action", a->action);
	jw_obj_close(w);
	eve_end(e);
}

/* A live file: the whole line in one write(2) (a regular file takes it
 * whole unless the disk is full); a short write is finished, not dropped. */
static void fd_line(struct sw_eve *e, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(e->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			e->write_error = 1;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

void eve_end(struct sw_eve *e)
{
	struct sw_jw *w = &e->jw;

	jw_obj_close(w);
	if (e->gather) {
		e->in_event = 0;
		if (w->err != 0) {
			/* the event is dropped; the lines before it stay */
			e->env_ok = 0;
			e->write_error = 1;
			w->len = e->order != NULL ? e->frame_start : e->line_start;
			w->err = 0;
			if (w->buf != NULL)
				w->buf[w->len] = '\0';
			return;
		}
		/* the NUL jw_obj_close wrote becomes the line's end; a NUL
		 * follows when there is room (the next event writes over it) */
		w->buf[w->len++] = '\n';
		if (w->len < w->cap)
			w->buf[w->len] = '\0';
		if (e->order != NULL) {
			struct sw_frame_hdr h = { FRAME_LINE, (uint32_t)(w->len - e->line_start),
			    e->order[0], e->order[1] };

			memcpy(w->buf + e->frame_start, &h, sizeof(h));
		}
		if (w->len >= EVE_FILE_FLUSH)
			gather_flush(e);
		return;
	}
	if (w->err) {
		e->env_ok = 0;
		e->write_error = 1;
		return;
	}
	w->buf[w->len] = '\n';
	switch (e->kind) {
	case EVE_TO_STDIO:
		if (fwrite(w->buf, 1, w->len + 1, e->fp) != w->len + 1)
			e->write_error = 1;
		break;
	case EVE_TO_FD:
		fd_line(e, w->buf, w->len + 1);
		break;
	case EVE_TO_UNIX:
		sock_line(e, w->buf, w->len + 1);
		break;
	}
	w->buf[w->len] = '\0';
}

void eve_write_line(struct sw_eve *e, const char *p, size_t n)
{
	struct sw_jw *w = &e->jw;

	e->env_ok = 0;
	if (e->in_event || n == 0)
		return;
	if (e->gather) {
		if (jw__room(w, n + 1) != 0) {
			w->err = 0;
			e->write_error = 1;
			return;
		}
		memcpy(w->buf + w->len, p, n);
		w->len += n;
		w->buf[w->len] = '\0';
		if (w->len >= EVE_FILE_FLUSH)
			gather_flush(e);
		return;
	}
	switch (e->kind) {
	case EVE_TO_STDIO:
		if (fwrite(p, 1, n, e->fp) != n)
			e->write_error = 1;
		break;
	case EVE_TO_FD:
		fd_line(e, p, n);
		break;
	case EVE_TO_UNIX:
		sock_line(e, p, n);
		break;
	}
}
