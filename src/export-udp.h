/* export-udp.h: the datagram sockets the exporters send on.
 *
 * A collector is named "HOST:PORT", "[IPV6]:PORT" or "IPV6-LITERAL" is
 * refused without brackets (its colons are ambiguous). A name is resolved
 * once, when the socket is opened: a collector that moves needs a restart,
 * as with nfdump's and pmacct's own exporters. The socket is connected, so
 * a datagram is one send(2) and an ICMP error shows up as a failed send
 * (counted by the caller, never fatal). */
#ifndef SW_EXPORT_UDP_H
#define SW_EXPORT_UDP_H

#include <stddef.h>

/* Check the syntax of HOST:PORT (option parsing: a usage error); 0 or -1
 * with a message. */
int xudp_check(const char *spec, const char *opt, char *errbuf, size_t errlen);

/* A connected UDP socket to HOST:PORT; -1 with a message naming the
 * problem (bad syntax, unknown host). */
int xudp_open(const char *spec, const char *opt, char *errbuf, size_t errlen);

/* A connected unix datagram socket (syslog's /dev/log); -1 with a message. */
int xunix_open(const char *path, const char *opt, char *errbuf, size_t errlen);

/* Send one datagram; 0, or -1 (errno set) when it was not sent whole. */
int xsock_send(int fd, const void *buf, size_t len);

#endif
