/* shard.h: --workers N: one capture file analysed by N processes, the
 * flows split between them by hash, the output merged back into one
 * deterministic stream (shard.c). */
#ifndef SW_SHARD_H
#define SW_SHARD_H

#include <stddef.h>
#include "engine.h"

/* Upper bound of --workers. */
#define SHARD_WORKERS_MAX 16

/* Can path be split? Not a Linux cooked capture (-i any): there a flow's
 * NAT twin, another 5-tuple, must meet it on one engine (twin.h). 1, or 0
 * with the reason in why. A file that cannot be opened is left to the
 * read, which says why. */
int shard_usable(const char *path, char *why, size_t len);

/* Read path (a file: every worker reads it) with the filter bpf, in n
 * workers made from o, into the collector col (an engine made with
 * o->collector set), whose engine_finish then writes the stats event and
 * the summary. Returns an exit status (SW_EXIT_*), with a message in
 * errbuf when it is not SW_EXIT_OK. */
int shard_run(const char *path, const char *bpf, const struct sw_engine_opts *o, int n,
    struct sw_engine *col, char *errbuf, size_t errlen);

#endif
