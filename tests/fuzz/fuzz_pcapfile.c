/* fuzz_pcapfile.c: our pcap and pcapng reader (src/pcapfile*.c) against
 * libpcap's on the same bytes, record by record (pcapfile_compare.h):
 * any difference in a record, in where the reading ends or in the error
 * message aborts. The input is written to a memfd, since both readers
 * open a path; it is read twice, with the default buffer and with a
 * small one (17 to 272 bytes, from the last input byte) that cuts
 * records at other places. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../unit/pcapfile_compare.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = memfd_create("fuzz_pcapfile", MFD_CLOEXEC);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (pcapfile_compare(path, NULL, 0) != 0 ||
	    pcapfile_compare(path, NULL, size > 0 ? 17 + data[size - 1] : 17) != 0)
		abort();
	close(fd);
	return 0;
}
