/* shard.c: --workers N, the analysis of one capture file in N processes.
 *
 * Each worker is a child process with an engine of its own. It reads the
 * whole file itself (reading is a small part of the cost: bench/), as it
 * was when the run began (capture_pin: a file still being written grows
 * while they read, and each would stop at another end), decodes
 * every packet (so its IP-fragment and tunnel state, and its clock, are
 * those of a single process) and analyses the flows whose hash falls to it
 * (flow_pkt_worker: both directions of a flow fall to the same worker).
 * One flow's verdict can hang on another's DNS answer, so each worker also
 * follows the other workers' DNS flows, silently, into its own name cache
 * (engine.c, shard_other). Flows are numbered by the index of the packet
 * that made them (flow_table_number_by): a flow has the same flow_id
 * whichever worker holds it.
 *
 * A worker writes its EVE lines to a pipe, each framed with where in the
 * input it was written (frame.h), with a beat every SHARD_BEAT_PACKETS
 * packets; then its counters, its summary rows and its exit status. The
 * collector (this process) merges the lines by (packet index, phase,
 * worker), which is a function of the input alone: the same file gives
 * the same bytes, run after run. It then writes the stats event of the
 * summed counters and the summary, as one process would.
 *
 * Processes rather than threads: nothing in the engine is shared, so
 * nothing needs a lock, and a worker that crashes is reported, not fatal
 * to the others' memory. The run-wide caps on flow state (flow_max,
 * reasm_memcap, app_memcap) are split evenly between the workers; the
 * caps on what every worker holds whole (fragments, the DNS cache, the
 * pod index) are each worker's. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>

#include <pcap/pcap.h>

#include "capture.h"
#include "engine-int.h"
#include "frame.h"
#include "shard.h"

/* A record from a worker larger than this is not one it could have made
 * (an EVE line is built in a buffer of at most a few MiB): the pipe is
 * out of step, and the run fails rather than guess. */
#define SHARD_RECORD_MAX (64u << 20)
#define SHARD_READ_CHUNK (256u << 10)

/* What a worker sends after its last line. */
struct shard_totals {
	struct sw_counters c;
	uint64_t alerts, anomalies, rows_dropped;
	uint64_t dns_entries, dns_evicted;
	uint64_t now;            /* the newest packet time: the stats event's */
};

struct shard_worker {
	pid_t pid;
	int fd;                  /* read end of its pipe; -1 once closed */
	char *buf;               /* bytes read, not yet taken */
	size_t off, len, cap;
	struct sw_frame_hdr hdr; /* the record at hand (have) */
	const char *payload;
	int have;
};

static int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int send_record(int fd, uint32_t type, uint64_t major, uint64_t minor,
    const void *payload, size_t len)
{
	struct sw_frame_hdr h = { type, (uint32_t)len, major, minor };

	if (write_all(fd, &h, sizeof(h)) != 0)
		return -1;
	return len > 0 ? write_all(fd, payload, len) : 0;
}

/* A split of a run-wide cap: each worker's share, never 0 when the cap is
 * not (0 means "none" or "no limit" in these). */
static size_t share(size_t cap, int n)
{
	return cap == 0 ? 0 : (cap + (size_t)n - 1) / (size_t)n;
}

/* The child: analyse this worker's flows, send everything, exit. */
static void worker_main(int id, int n, int fd, const char *path, const char *bpf,
    const struct capture_pin *pin, const struct sw_engine_opts *o)
{
	struct sw_engine_opts wo = *o;
	struct sw_engine *e;
	struct shard_totals t;
	char err[512] = "", err2[512];
	int rc;
	size_t i;

	signal(SIGPIPE, SIG_IGN);
	wo.shard_id = id;
	wo.shard_n = n;
	wo.shard_fd = fd;
	wo.collector = 0;
	wo.limits.flow_max = share(o->limits.flow_max, n);
	wo.limits.reasm_memcap = share(o->limits.reasm_memcap, n);
	wo.limits.app_memcap = share(o->limits.app_memcap, n);
	e = engine_new(&wo, err, sizeof(err));
	if (e == NULL) {
		(void)send_record(fd, FRAME_END, 0, 0, NULL, 0);
		(void)send_record(fd, FRAME_RESULT, SW_EXIT_RUNTIME, 0, err, strlen(err));
		_exit(0);
	}
	rc = capture_read_file(path, bpf, CAPTURE_THREAD_OFF, pin, e, err, sizeof(err));
	if (rc != SW_EXIT_USAGE && engine_finish(e, err2, sizeof(err2)) != 0) {
		snprintf(err, sizeof(err), "%s", err2);
		rc = SW_EXIT_RUNTIME;
	}
	memset(&t, 0, sizeof(t));
	t.c = e->c;
	t.alerts = e->alerts;
	t.anomalies = e->anomalies;
	t.rows_dropped = e->rows_dropped;
	t.now = e->now;
	if (e->intel != NULL) {
		t.dns_entries = intel_dns_cache_count(e->intel);
		t.dns_evicted = intel_dns_cache_evicted(e->intel);
	}
	if (send_record(fd, FRAME_END, 0, 0, NULL, 0) == 0 &&
	    send_record(fd, FRAME_TOTALS, 0, 0, &t, sizeof(t)) == 0)
		for (i = 0; i < e->nrows; i++)
			if (send_record(fd, FRAME_ROW, 0, 0, &e->rows[i], sizeof(e->rows[i])) != 0)
				break;
	(void)send_record(fd, FRAME_RESULT, (uint64_t)rc, 0, err, rc != SW_EXIT_OK ? strlen(err) : 0);
	/* (no engine_free: the process ends here, and freeing every flow
	 * and block one by one would only cost time) */
	_exit(0);
}

/* The next record of w into w->hdr and w->payload; 0, or -1 at the end of
 * the pipe or on a record out of step (message in errbuf). Blocks until
 * the worker has sent it. */
static int next_record(struct shard_worker *w, int id, char *errbuf, size_t errlen)
{
	size_t need = sizeof(struct sw_frame_hdr);

	w->off += w->have ? sizeof(w->hdr) + w->hdr.len : 0;
	w->have = 0;
	for (;;) {
		if (w->len - w->off >= sizeof(w->hdr)) {
			memcpy(&w->hdr, w->buf + w->off, sizeof(w->hdr));
			if (w->hdr.len > SHARD_RECORD_MAX || w->hdr.type < FRAME_LINE ||
			    w->hdr.type > FRAME_RESULT) {
				snprintf(errbuf, errlen, "worker %d sent a record out of step", id);
				return -1;
			}
			need = sizeof(w->hdr) + w->hdr.len;
			if (w->len - w->off >= need) {
				w->payload = w->buf + w->off + sizeof(w->hdr);
				w->have = 1;
				return 0;
			}
		}
		if (w->off > 0) {
			memmove(w->buf, w->buf + w->off, w->len - w->off);
			w->len -= w->off;
			w->off = 0;
		}
		if (w->cap - w->len < SHARD_READ_CHUNK / 2 || w->cap < need) {
			size_t ncap = w->cap == 0 ? SHARD_READ_CHUNK : w->cap * 2;
			char *nb;

			while (ncap < need)
				ncap *= 2;
			if ((nb = realloc(w->buf, ncap)) == NULL) {
				snprintf(errbuf, errlen, "out of memory");
				return -1;
			}
			w->buf = nb;
			w->cap = ncap;
		}
		for (;;) {
			ssize_t r = read(w->fd, w->buf + w->len, w->cap - w->len);

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				snprintf(errbuf, errlen, "worker %d stopped before it had finished", id);
				return -1;
			}
			w->len += (size_t)r;
			break;
		}
	}
}

/* Is a's record before b's? (major, minor, then the worker) */
static int before(const struct shard_worker *a, int ia, const struct shard_worker *b, int ib)
{
	if (a->hdr.major != b->hdr.major)
		return a->hdr.major < b->hdr.major;
	if (a->hdr.minor != b->hdr.minor)
		return a->hdr.minor < b->hdr.minor;
	return ia < ib;
}

/* Write the workers' lines in order until every one has sent FRAME_END. */
static int merge_lines(struct sw_engine *col, struct shard_worker *w, int n,
    char *errbuf, size_t errlen)
{
	int i, best;

	for (i = 0; i < n; i++)
		if (next_record(&w[i], i, errbuf, errlen) != 0)
			return -1;
	for (;;) {
		best = -1;
		for (i = 0; i < n; i++)
			if (w[i].hdr.type != FRAME_END && (best < 0 || before(&w[i], i, &w[best], best)))
				best = i;
		if (best < 0)
			return 0;
		if (w[best].hdr.type == FRAME_LINE && col->eve != NULL)
			eve_write_line(col->eve, w[best].payload, w[best].hdr.len);
		else if (w[best].hdr.type != FRAME_LINE && w[best].hdr.type != FRAME_BEAT) {
			snprintf(errbuf, errlen, "worker %d sent a record out of step", best);
			return -1;
		}
		if (next_record(&w[best], best, errbuf, errlen) != 0)
			return -1;
	}
}

/* Every counter of s added into d, but the capture's and the decoder's,
 * which every worker counts whole (each reads and decodes every packet),
 * and --kube-api's (the collector's own). The peaks (flow.active_max,
 * reasm and app_layer mem_peak) become the sum of the workers' peaks. */
static void add_counters(struct sw_counters *d, const struct sw_counters *s)
{
	uint64_t *dw = (uint64_t *)(void *)&d->flow;
	const uint64_t *sw = (const uint64_t *)(const void *)&s->flow;
	size_t i, nw = (offsetof(struct sw_counters, kubeapi) - offsetof(struct sw_counters, flow)) / 8;

	_Static_assert(sizeof(struct sw_counters) % 8 == 0, "counters are 64-bit words");
	_Static_assert(offsetof(struct sw_counters, exp) + sizeof(d->exp) == sizeof(struct sw_counters),
	    "exp is the last group");
	for (i = 0; i < nw; i++)
		dw[i] += sw[i];
	dw = (uint64_t *)(void *)&d->exp;
	sw = (const uint64_t *)(const void *)&s->exp;
	for (i = 0; i < sizeof(d->exp) / 8; i++)
		dw[i] += sw[i];
}

struct shard_row {
	struct sw_summary_row r;
	int worker;
	size_t seq;
};

static int row_cmp(const void *pa, const void *pb)
{
	const struct shard_row *a = pa, *b = pb;

	if (a->r.order[0] != b->r.order[0])
		return a->r.order[0] < b->r.order[0] ? -1 : 1;
	if (a->r.order[1] != b->r.order[1])
		return a->r.order[1] < b->r.order[1] ? -1 : 1;
	if (a->worker != b->worker)
		return a->worker < b->worker ? -1 : 1;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

/* After FRAME_END: each worker's totals, rows and result, into col. */
static int collect_totals(struct sw_engine *col, struct shard_worker *w, int n,
    int *rc, char *errbuf, size_t errlen)
{
	struct shard_row *rows = NULL;
	size_t nrows = 0, caprows = 0, i;
	uint64_t pkts = 0;
	int k, counted = -1;

	*rc = SW_EXIT_OK;
	for (k = 0; k < n; k++) {
		struct shard_totals t;
		size_t seq = 0;

		if (next_record(&w[k], k, errbuf, errlen) != 0)
			goto fail;
		if (w[k].hdr.type == FRAME_TOTALS) {
			if (w[k].hdr.len != sizeof(t)) {
				snprintf(errbuf, errlen, "worker %d sent a record out of step", k);
				goto fail;
			}
			memcpy(&t, w[k].payload, sizeof(t));
			/* Every worker reads the same bytes (capture_pin), and
			 * so as many packets. If not (the file was cut short
			 * while they read, or libpcap read past the pin), their
			 * flows saw different inputs: the merged events are
			 * no one process's, and the run fails. */
			if (counted < 0) {
				counted = k;
				pkts = t.c.capture.pkts;
			} else if (t.c.capture.pkts != pkts) {
				snprintf(errbuf, errlen, "worker %d read %llu packets, worker %d %llu: "
				    "the file changed while they read it", counted,
				    (unsigned long long)pkts, k, (unsigned long long)t.c.capture.pkts);
				goto fail;
			}
			if (k == 0) {
				col->c.capture = t.c.capture;
				col->c.decode = t.c.decode;
				col->dns_merged = 1;
				col->dns_entries = t.dns_entries;
				col->dns_evicted = t.dns_evicted;
			}
			add_counters(&col->c, &t.c);
			col->alerts += t.alerts;
			col->anomalies += t.anomalies;
			col->rows_dropped += t.rows_dropped;
			if (t.now > col->now)
				col->now = t.now;
			if (next_record(&w[k], k, errbuf, errlen) != 0)
				goto fail;
		}
		while (w[k].hdr.type == FRAME_ROW) {
			if (w[k].hdr.len != sizeof(struct sw_summary_row)) {
				snprintf(errbuf, errlen, "worker %d sent a record out of step", k);
				goto fail;
			}
			if (nrows == caprows) {
				size_t nc = caprows ? caprows * 2 : 64;
				struct shard_row *nr = realloc(rows, nc * sizeof(*nr));

				if (nr == NULL) {
					snprintf(errbuf, errlen, "out of memory");
					goto fail;
				}
				rows = nr;
				caprows = nc;
			}
			memcpy(&rows[nrows].r, w[k].payload, sizeof(rows[nrows].r));
			rows[nrows].worker = k;
			rows[nrows].seq = seq++;
			nrows++;
			if (next_record(&w[k], k, errbuf, errlen) != 0)
				goto fail;
		}
		if (w[k].hdr.type != FRAME_RESULT) {
			snprintf(errbuf, errlen, "worker %d sent a record out of step", k);
			goto fail;
		}
		/* every worker reads the same file: the first failure speaks */
		if (*rc == SW_EXIT_OK && w[k].hdr.major != SW_EXIT_OK) {
			*rc = (int)w[k].hdr.major;
			snprintf(errbuf, errlen, "%.*s", (int)w[k].hdr.len, w[k].payload);
		}
	}
	/* the rows in the order the sessions ended, as one process has them */
	if (nrows > 1)
		qsort(rows, nrows, sizeof(*rows), row_cmp);
	for (i = 0; i < nrows; i++) {
		struct sw_summary_row *r = summary_row_new(col);

		if (r != NULL)
			*r = rows[i].r;
	}
	free(rows);
	return 0;
fail:
	free(rows);
	return -1;
}

int shard_usable(const char *path, char *why, size_t len)
{
	char perr[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline(path, perr);
	int dlt;

	if (pc == NULL)
		return 1;
	dlt = pcap_datalink(pc);
	pcap_close(pc);
	if (dlt == DLT_LINUX_SLL || dlt == DLT_LINUX_SLL2) {
		snprintf(why, len, "%s is a Linux cooked capture (-i any), whose NAT twins "
		    "must meet on one engine", path);
		return 0;
	}
	return 1;
}

int shard_run(const char *path, const char *bpf, const struct sw_engine_opts *o, int n,
    struct sw_engine *col, char *errbuf, size_t errlen)
{
	struct shard_worker *w;
	struct capture_pin pin;
	struct stat st;
	int i, k, rc = SW_EXIT_OK, status, failed = 0;

	/* the file as it is now is what every worker reads (capture_pin):
	 * one still being written grows while they read it */
	if (stat(path, &st) != 0) {
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		return SW_EXIT_USAGE;
	}
	pin.size = (uint64_t)st.st_size;
	pin.dev = st.st_dev;
	pin.ino = st.st_ino;
	if ((w = calloc((size_t)n, sizeof(*w))) == NULL) {
		snprintf(errbuf, errlen, "out of memory");
		return SW_EXIT_RUNTIME;
	}
	for (i = 0; i < n; i++)
		w[i].fd = -1;
	/* (buffered output would be written again by every child) */
	fflush(stdout);
	fflush(stderr);
	for (i = 0; i < n; i++) {
		int p[2];

		if (pipe(p) != 0) {
			snprintf(errbuf, errlen, "--workers: pipe: %s", strerror(errno));
			failed = 1;
			break;
		}
		(void)fcntl(p[0], F_SETFD, FD_CLOEXEC);
#ifdef F_SETPIPE_SZ
		/* a worker runs ahead of the other by up to this much output */
		(void)fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
#endif
		w[i].pid = fork();
		if (w[i].pid < 0) {
			snprintf(errbuf, errlen, "--workers: fork: %s", strerror(errno));
			close(p[0]);
			close(p[1]);
			failed = 1;
			break;
		}
		if (w[i].pid == 0) {
			close(p[0]);
			for (k = 0; k < i; k++)
				close(w[k].fd);
			worker_main(i, n, p[1], path, bpf, &pin, o);
		}
		close(p[1]);
		w[i].fd = p[0];
	}
	if (!failed && (merge_lines(col, w, n, errbuf, errlen) != 0 ||
	    collect_totals(col, w, n, &rc, errbuf, errlen) != 0))
		failed = 1;
	for (i = 0; i < n; i++) {
		if (w[i].pid <= 0)
			continue;
		if (failed)
			kill(w[i].pid, SIGTERM);
		if (w[i].fd >= 0)
			close(w[i].fd);
		while (waitpid(w[i].pid, &status, 0) < 0 && errno == EINTR)
			;
		if (!failed && WIFSIGNALED(status)) {
			snprintf(errbuf, errlen, "worker %d was killed by signal %d", i, WTERMSIG(status));
			failed = 1;
		}
		free(w[i].buf);
	}
	free(w);
	col->collector_failed = failed;
	return failed ? SW_EXIT_RUNTIME : rc;
}
