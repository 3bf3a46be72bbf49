/* capture-ring.c: a reader thread filling chunks of packets (capture-ring.h).
 *
 * Chunk i of the ring is written by the reader when it is free and read by
 * the analysis thread once published: `published` counts chunks handed
 * over, `released` chunks given back, and the reader may fill chunk
 * published % N only while published - released < N. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture-ring.h"

struct chunk {
	uint8_t *buf;
	size_t cap;
	size_t used;
};

/* a record in a chunk: this header, then caplen bytes, padded to 8 */
struct rec_hdr {
	uint64_t ts_usec;
	uint32_t caplen;
	uint32_t wirelen;
};

struct capture_ring {
	struct capture_src *src;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;            /* a chunk was published or released */
	struct chunk chunks[CAPTURE_RING_CHUNKS];
	uint64_t published, released; /* under mu */
	int done;                     /* under mu: the reader published its last chunk */
	int stop;                     /* under mu: the analysis side quits early */
	/* the reader's, read after the join */
	int last;
	uint64_t records;
	char err[PCAP_ERRBUF_SIZE];
	/* the analysis side's */
	struct chunk *cur;
	size_t pos;
};

static size_t rec_size(uint32_t caplen)
{
	return sizeof(struct rec_hdr) + (((size_t)caplen + 7) & ~(size_t)7);
}

/* The reader: wait for a free chunk; NULL when told to stop. */
static struct chunk *free_chunk(struct capture_ring *rg)
{
	struct chunk *c = NULL;

	pthread_mutex_lock(&rg->mu);
	while (!rg->stop && rg->published - rg->released >= CAPTURE_RING_CHUNKS)
		pthread_cond_wait(&rg->cv, &rg->mu);
	if (!rg->stop)
		c = &rg->chunks[rg->published % CAPTURE_RING_CHUNKS];
	pthread_mutex_unlock(&rg->mu);
	if (c != NULL && c->cap > CAPTURE_RING_CHUNK) {
		/* grown for one big record: back to the normal size */
		uint8_t *b = realloc(c->buf, CAPTURE_RING_CHUNK);

		if (b != NULL) {
			c->buf = b;
			c->cap = CAPTURE_RING_CHUNK;
		}
	}
	if (c != NULL)
		c->used = 0;
	return c;
}

static void publish(struct capture_ring *rg, int done)
{
	pthread_mutex_lock(&rg->mu);
	rg->published++;
	rg->done = done;
	pthread_cond_broadcast(&rg->cv);
	pthread_mutex_unlock(&rg->mu);
}

static void *reader_main(void *arg)
{
	struct capture_ring *rg = arg;
	struct capture_rec rec;
	struct chunk *c;
	int r;

	if ((c = free_chunk(rg)) == NULL) {
		rg->last = PCAP_ERROR_BREAK;
		publish(rg, 1);
		return NULL;
	}
	while ((r = capture_src_next(rg->src, &rec, rg->err, sizeof(rg->err))) == 1) {
		size_t need = rec_size(rec.caplen);
		struct rec_hdr rh;

		if (c->cap - c->used < need && c->used > 0) {
			publish(rg, 0);
			if ((c = free_chunk(rg)) == NULL)
				break;
		}
		if (c->cap < need) {
			uint8_t *b = realloc(c->buf, need);

			if (b == NULL) {
				snprintf(rg->err, sizeof(rg->err),
				    "cannot allocate %zu bytes for a %u-byte record", need, rec.caplen);
				r = PCAP_ERROR;
				break;
			}
			c->buf = b;
			c->cap = need;
		}
		rh.ts_usec = rec.ts_usec;
		rh.caplen = rec.caplen;
		rh.wirelen = rec.wirelen;
		memcpy(c->buf + c->used, &rh, sizeof(rh));
		memcpy(c->buf + c->used + sizeof(rh), rec.data, rec.caplen);
		c->used += need;
		rg->records++;
	}
	rg->last = r;
	publish(rg, 1); /* the last chunk, possibly empty (or unused after a stop) */
	return NULL;
}

struct capture_ring *capture_ring_start(struct capture_src *src)
{
	struct capture_ring *rg = calloc(1, sizeof(*rg));
	size_t i;

	if (rg == NULL)
		return NULL;
	rg->src = src;
	for (i = 0; i < CAPTURE_RING_CHUNKS; i++) {
		if ((rg->chunks[i].buf = malloc(CAPTURE_RING_CHUNK)) == NULL)
			goto fail;
		rg->chunks[i].cap = CAPTURE_RING_CHUNK;
	}
	if (pthread_mutex_init(&rg->mu, NULL) != 0)
		goto fail;
	if (pthread_cond_init(&rg->cv, NULL) != 0) {
		pthread_mutex_destroy(&rg->mu);
		goto fail;
	}
	if (pthread_create(&rg->thread, NULL, reader_main, rg) != 0) {
		pthread_cond_destroy(&rg->cv);
		pthread_mutex_destroy(&rg->mu);
		goto fail;
	}
	return rg;
fail:
	for (i = 0; i < CAPTURE_RING_CHUNKS; i++)
		free(rg->chunks[i].buf);
	free(rg);
	return NULL;
}

/* Give back the chunk being read, take the next published one. */
static int next_chunk(struct capture_ring *rg)
{
	pthread_mutex_lock(&rg->mu);
	if (rg->cur != NULL) {
		rg->released++;
		rg->cur = NULL;
		pthread_cond_broadcast(&rg->cv);
	}
	while (rg->released == rg->published && !rg->done)
		pthread_cond_wait(&rg->cv, &rg->mu);
	if (rg->released < rg->published) {
		rg->cur = &rg->chunks[rg->released % CAPTURE_RING_CHUNKS];
		rg->pos = 0;
	}
	pthread_mutex_unlock(&rg->mu);
	return rg->cur != NULL;
}

int capture_ring_next(struct capture_ring *rg, struct capture_rec *rec)
{
	struct rec_hdr rh;

	while (rg->cur == NULL || rg->pos >= rg->cur->used)
		if (!next_chunk(rg))
			return 0;
	memcpy(&rh, rg->cur->buf + rg->pos, sizeof(rh));
	rec->ts_usec = rh.ts_usec;
	rec->caplen = rh.caplen;
	rec->wirelen = rh.wirelen;
	rec->data = rg->cur->buf + rg->pos + sizeof(rh);
	rg->pos += rec_size(rh.caplen);
	return 1;
}

int capture_ring_finish(struct capture_ring *rg, uint64_t *records, char *err, size_t errlen)
{
	int last;
	size_t i;

	pthread_mutex_lock(&rg->mu);
	rg->stop = 1;
	pthread_cond_broadcast(&rg->cv);
	pthread_mutex_unlock(&rg->mu);
	pthread_join(rg->thread, NULL);
	last = rg->last;
	*records = rg->records;
	snprintf(err, errlen, "%s", rg->err);
	pthread_cond_destroy(&rg->cv);
	pthread_mutex_destroy(&rg->mu);
	for (i = 0; i < CAPTURE_RING_CHUNKS; i++)
		free(rg->chunks[i].buf);
	free(rg);
	return last;
}
