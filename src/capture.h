/* capture.h: packet sources (the only users of libpcap's read API). */
#ifndef SW_CAPTURE_H
#define SW_CAPTURE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

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

/* The file as it was when a --workers run began (shard.c): every worker
 * must read the same bytes, or their flows would see different packets.
 * A file still being written (tcpdump -w) grows while they read it. */
struct capture_pin {
	uint64_t size;  /* no byte past this is read: the file ends here */
	dev_t dev;      /* and it must be this file, not one since put */
	ino_t ino;      /* in its place */
};

/* Read a pcap/pcapng file ("-" = stdin) through the engine, applying bpf
 * (may be NULL), reading on a second thread as `thread` says (the output
 * is the same either way). Returns SW_EXIT_OK when the whole file was read,
 * SW_EXIT_USAGE when it cannot be opened or the filter does not compile,
 * SW_EXIT_RUNTIME when reading stopped early (the message says where) or
 * the file is not the one pin names; in every case what was read has been
 * fed to the engine. pin (NULL: none) holds the reading to the file as it
 * was (struct capture_pin). */
int capture_read_file(const char *path, const char *bpf, enum capture_read_thread thread,
    const struct capture_pin *pin, struct sw_engine *e, char *errbuf, size_t errlen);

#endif
