/* privdrop.h: -Z USER, as tcpdump does it. */
#ifndef SW_PRIVDROP_H
#define SW_PRIVDROP_H

#include <stddef.h>

/* Become USER (its primary group and supplementary groups) for good:
 * initgroups, setgid, setuid, then check that the ids changed and that
 * root cannot be regained. Returns 0, or -1 with a message. */
int privdrop(const char *user, char *errbuf, size_t errlen);

#endif
