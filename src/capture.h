/* capture.h: packet sources (the only users of libpcap's read API). */
#ifndef SW_CAPTURE_H
#define SW_CAPTURE_H

#include <stddef.h>
#include "engine.h"

/* Exit codes shared with main.c (INTERFACE.md). */
#define SW_EXIT_OK 0
#define SW_EXIT_RUNTIME 1
#define SW_EXIT_USAGE 2

/* Read a pcap/pcapng file ("-" = stdin) through the engine, applying bpf
 * (may be NULL). Returns SW_EXIT_OK when the whole file was read,
 * SW_EXIT_USAGE when it cannot be opened or the filter does not compile,
 * SW_EXIT_RUNTIME when reading stopped early (the message says where);
 * in every case what was read has been fed to the engine. */
int capture_read_file(const char *path, const char *bpf, struct sw_engine *e,
    char *errbuf, size_t errlen);

#endif
