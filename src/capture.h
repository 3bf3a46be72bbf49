/* capture.h: packet sources (the only users of libpcap's read API). */
#ifndef SW_CAPTURE_H
#define SW_CAPTURE_H

#include <stddef.h>
#include "engine.h"

/* Exit codes shared with main.c (INTERFACE.md). */
#define SW_EXIT_OK 0
#define SW_EXIT_RUNTIME 1
#define SW_EXIT_USAGE 2

/* --read-thread: read the file on a second thread (capture-ring.h) */
enum capture_read_thread {
	CAPTURE_THREAD_AUTO = 0, /* when libpcap reads the records (stdin,
	                            older formats) and two CPUs are online */
	CAPTURE_THREAD_ON,
	CAPTURE_THREAD_OFF,
};

/* Read a pcap/pcapng file ("-" = stdin) through the engine, applying bpf
 * (may be NULL), reading on a second thread as `thread` says (the output
 * is the same either way). Returns SW_EXIT_OK when the whole file was read,
 * SW_EXIT_USAGE when it cannot be opened or the filter does not compile,
 * SW_EXIT_RUNTIME when reading stopped early (the message says where);
 * in every case what was read has been fed to the engine. */
int capture_read_file(const char *path, const char *bpf, enum capture_read_thread thread,
    struct sw_engine *e, char *errbuf, size_t errlen);

#endif
