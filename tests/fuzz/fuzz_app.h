/* fuzz_app.h: drive one application-layer dissector the way the engine
 * does (dispatch.c over reasm.c), on arbitrary bytes, for the per-dissector
 * fuzz targets (fuzz_dns.c, fuzz_tls.c, ...).
 *
 * Input: byte 0 seeds a generator that cuts records into slices; byte 1
 * holds options (bit 0: some slices start after a gap, bit 1: no EOF at
 * the end). Then records: 2 bytes (bit 15: direction, 1 = to the client;
 * bits 0-14: length) and that many bytes (cut at the end of the input),
 * the bytes one direction sent, in the order the capture saw them (seeds
 * come straight from pcaps: tests/fuzz/mkseeds.py). Stream dissectors get
 * each record cut into slices of random size, with reassembly's contract:
 * bytes a parse call leaves unconsumed are presented again, with the next
 * bytes appended, up to a tail cap past which they are dropped and the
 * next slice is a GAP. UDP dissectors get each record as one datagram.
 * After the last record the flow ends: EOF both ways, facts(), emit()
 * (whose events must be valid JSON), state_free().
 *
 * Besides the sanitizers, the harness checks the dissector contract and
 * traps when it is broken: consumed <= len, strings handed out are
 * NUL-terminated (strlen under ASan), addresses are IPv4 or IPv6. */
#ifndef FUZZ_APP_H
#define FUZZ_APP_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "sw_dissector.h"

#define FUZZ_APP_TAIL_MAX 8192

struct fuzz_app_dir {
	uint8_t *buf;           /* unconsumed tail + new bytes */
	size_t len;
	uint64_t offset;        /* stream offset of buf[0] */
	int gap;                /* mark the next slice GAP */
	int done;               /* EOF delivered */
};

static volatile size_t fuzz_app_sink;

static void fuzz_app_touch(const char *s)
{
	if (s != NULL)
		fuzz_app_sink += strlen(s);
}

static void fuzz_app_anomaly(void *ctx, const struct sw_anomaly *a)
{
	(void)ctx;
	if (a->event == NULL)
		__builtin_trap();
	fuzz_app_touch(a->event);
	fuzz_app_touch(a->detail);
	fuzz_app_touch(a->action);
	fuzz_app_touch(a->app_proto);
}

static void fuzz_app_dns_query(void *ctx, const char *qname, uint16_t qtype)
{
	(void)ctx;
	fuzz_app_touch(qname);
	fuzz_app_sink += qtype;
}

static void fuzz_app_dns_answer(void *ctx, const char *qname, const char *rrname,
    const uint8_t *addr, int ip_version, uint32_t ttl)
{
	(void)ctx;
	fuzz_app_touch(qname);
	fuzz_app_touch(rrname);
	if (ip_version != 4 && ip_version != 6)
		__builtin_trap();
	fuzz_app_sink += addr[0] + addr[ip_version == 4 ? 3 : 15] + ttl;
}

static void fuzz_app_host(void *ctx, const char *host, uint16_t port, const char *via)
{
	(void)ctx;
	fuzz_app_touch(host);
	fuzz_app_touch(via);
	fuzz_app_sink += port;
}

static struct sw_jw fuzz_app_jw;

static struct sw_jw *fuzz_app_begin(void *ctx, const char *type, uint64_t ts)
{
	(void)ctx;
	(void)ts;
	fuzz_app_touch(type);
	jw_reset(&fuzz_app_jw);
	jw_obj_open(&fuzz_app_jw, NULL);
	return &fuzz_app_jw;
}

/* An event the dissector wrote must be one valid JSON object. */
static void fuzz_app_end(void *ctx)
{
	cJSON *j;

	(void)ctx;
	jw_obj_close(&fuzz_app_jw);
	if (fuzz_app_jw.err != 0)
		return; /* the writer refused (out of memory, too deep): dropped */
	j = cJSON_ParseWithLength(fuzz_app_jw.buf, fuzz_app_jw.len);
	if (j == NULL || !cJSON_IsObject(j))
		__builtin_trap();
	cJSON_Delete(j);
}

/* Present dir's buffered bytes as one slice; keep what is not consumed.
 * Returns 0 while the dissector wants more. */
static int fuzz_app_deliver(const struct sw_dissector *ds, void *st,
    struct fuzz_app_dir *d, int dir, uint8_t flags, uint64_t ts,
    const struct sw_app_env *env)
{
	struct sw_slice s;
	struct sw_result r;
	size_t used;

	memset(&s, 0, sizeof(s));
	s.data = d->buf;
	s.len = d->len;
	s.dir = (uint8_t)dir;
	s.flags = flags;
	s.ts_usec = ts;
	s.offset = d->offset;
	if (d->gap) {
		s.flags |= SW_SLICE_GAP;
		d->gap = 0;
	}
	r = ds->parse(st, &s, env);
	switch (r.status) {
	case SW_PARSE_OK:
		used = s.len;
		break;
	case SW_PARSE_INCOMPLETE:
		if (r.consumed > s.len)
			__builtin_trap();
		used = r.consumed;
		break;
	default: /* ERROR, DONE, HANDOFF: the engine stops feeding it */
		if (r.consumed > s.len)
			__builtin_trap();
		return 1;
	}
	memmove(d->buf, d->buf + used, d->len - used);
	d->len -= used;
	d->offset += used;
	return 0;
}

static void fuzz_app_run(const struct sw_dissector *ds, const uint8_t *data, size_t size)
{
	struct fuzz_app_dir dirs[2];
	struct sw_limits l;
	struct sw_counters c;
	struct sw_anomaly_sink sink = { fuzz_app_anomaly, NULL };
	struct sw_observer obs = { fuzz_app_dns_query, fuzz_app_dns_answer, fuzz_app_host, NULL };
	struct sw_app_env env;
	struct sw_emit_env ee = { fuzz_app_begin, fuzz_app_end, NULL, "pool.example", "dns" };
	struct sw_facts f;
	int udp = ds->ipproto == 17, stopped = 0, dir, i;
	uint32_t rng;
	uint8_t opt;
	size_t off = 2;
	void *st;

	if (size < 2)
		return;
	sw_limits_default(&l);
	/* small caps so that the fuzzer reaches them */
	l.stratum_max_line = 4096;
	l.stratum_max_pending = 8;
	l.stratum_max_jobs_kept = 8;
	l.reasm_max_unparsed = FUZZ_APP_TAIL_MAX;
	memset(&c, 0, sizeof(c));
	env.limits = &l;
	env.counters = &c;
	env.anomalies = &sink;
	env.observer = &obs;
	env.emit = &ee;
	st = ds->state_new(&l);
	if (st == NULL)
		return;
	memset(dirs, 0, sizeof(dirs));
	rng = data[0] * 2654435761u + 1;
	opt = data[1];
	while (off + 2 <= size && !stopped) {
		struct fuzz_app_dir *d;
		size_t rlen, n;

		dir = data[off] >> 7;
		rlen = (size_t)(data[off] & 0x7f) << 8 | data[off + 1];
		off += 2;
		if (rlen > size - off)
			rlen = size - off;
		d = &dirs[dir];
		if (udp) {
			struct sw_slice s;
			struct sw_result r;

			memset(&s, 0, sizeof(s));
			s.data = data + off;
			s.len = rlen;
			s.dir = (uint8_t)dir;
			s.flags = SW_SLICE_UDP;
			s.ts_usec = off;
			r = ds->parse(st, &s, &env);
			if (r.consumed > s.len)
				__builtin_trap();
			stopped = r.status == SW_PARSE_ERROR || r.status == SW_PARSE_DONE;
			off += rlen;
			continue;
		}
		while (rlen > 0 && !stopped) {
			rng = rng * 1103515245u + 12345u;
			n = 1 + (rng >> 16) % 700;
			if (n > rlen)
				n = rlen;
			if ((opt & 1) && ((rng >> 11) & 15) == 0) {
				/* bytes lost before this slice */
				d->offset += d->len + 1 + ((rng >> 4) & 127);
				d->len = 0;
				d->gap = 1;
			}
			if (d->len + n > FUZZ_APP_TAIL_MAX) {
				/* reassembly's unparsed-tail cap: the tail is dropped */
				d->offset += d->len;
				d->len = 0;
				d->gap = 1;
			}
			if (d->buf == NULL && (d->buf = malloc(FUZZ_APP_TAIL_MAX + 700)) == NULL) {
				stopped = 1;
				break;
			}
			memcpy(d->buf + d->len, data + off, n);
			d->len += n;
			off += n;
			rlen -= n;
			stopped = fuzz_app_deliver(ds, st, d, dir, 0, off, &env);
		}
		off += rlen; /* what a stopped dissector was not given */
	}
	if (!udp && !stopped && !(opt & 2)) {
		for (i = 0; i < 2 && !stopped; i++) {
			if (dirs[i].buf == NULL && (dirs[i].buf = malloc(1)) == NULL)
				break;
			stopped = fuzz_app_deliver(ds, st, &dirs[i], i, SW_SLICE_EOF, off, &env);
		}
	}
	if (ds->facts != NULL) {
		memset(&f, 0, sizeof(f));
		ds->facts(st, &f);
		fuzz_app_touch(f.dialect);
		fuzz_app_touch(f.coin);
		fuzz_app_touch(f.login);
		fuzz_app_touch(f.wallet);
		fuzz_app_touch(f.worker);
		fuzz_app_touch(f.agent);
		fuzz_app_touch(f.algo);
		fuzz_app_touch(f.pool_host);
		fuzz_app_touch(f.pool_host_via);
		fuzz_app_touch(f.sni);
		fuzz_app_touch(f.alpn);
		fuzz_app_touch(f.ja3);
		fuzz_app_touch(f.ja4);
	}
	if (ds->state_size != NULL)
		fuzz_app_sink += ds->state_size(st);
	if (ds->emit != NULL)
		ds->emit(st, &ee);
	ds->state_free(st);
	free(dirs[0].buf);
	free(dirs[1].buf);
	jw_free(&fuzz_app_jw);
}

#endif
