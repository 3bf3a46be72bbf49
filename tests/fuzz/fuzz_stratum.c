/* fuzz_stratum.c: the Stratum dissector on arbitrary streams. The first
 * byte seeds where the input is cut into slices and which direction each
 * slice travels; then facts() and emit() run on whatever state results. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sw_dissector.h"

extern const struct sw_dissector sw_dissector_stratum;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sw_jw jw;

static struct sw_jw *begin(void *ctx, const char *type, uint64_t ts)
{
	(void)ctx;
	(void)type;
	(void)ts;
	jw_reset(&jw);
	jw_obj_open(&jw, NULL);
	return &jw;
}

static void end(void *ctx)
{
	(void)ctx;
	jw_obj_close(&jw);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sw_limits l;
	struct sw_counters c;
	struct sw_app_env env;
	struct sw_emit_env ee = { begin, end, NULL, NULL, NULL };
	struct sw_facts f;
	uint32_t rng;
	size_t off = 1;
	uint64_t soff[2] = { 0, 0 };
	void *st;

	if (size < 1)
		return 0;
	sw_limits_default(&l);
	l.stratum_max_line = 4096;
	memset(&c, 0, sizeof(c));
	memset(&env, 0, sizeof(env));
	env.limits = &l;
	env.counters = &c;
	st = sw_dissector_stratum.state_new(&l);
	if (st == NULL)
		return 0;
	rng = data[0] * 2654435761u + 1;
	while (off < size) {
		struct sw_slice s;
		struct sw_result r;
		size_t n;

		rng = rng * 1103515245u + 12345u;
		n = 1 + (rng >> 16) % 600;
		if (n > size - off)
			n = size - off;
		memset(&s, 0, sizeof(s));
		s.data = data + off;
		s.len = n;
		s.dir = (uint8_t)((rng >> 8) & 1 && off > 1);
		s.offset = soff[s.dir];
		s.ts_usec = off;
		r = sw_dissector_stratum.parse(st, &s, &env);
		if (r.status == SW_PARSE_ERROR)
			break;
		/* an INCOMPLETE remainder is dropped here: the dissector must
		 * cope with the next bytes arriving after it */
		soff[s.dir] += n;
		off += n;
	}
	memset(&f, 0, sizeof(f));
	sw_dissector_stratum.facts(st, &f);
	sw_dissector_stratum.emit(st, &ee);
	sw_dissector_stratum.state_free(st);
	return 0;
}
