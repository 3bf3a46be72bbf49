/* export-udp.c: collector sockets (export-udp.h). */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "export-udp.h"

/* Split "HOST:PORT" / "[V6]:PORT" into host and port (copied into hbuf). */
static int split_host_port(const char *spec, char *hbuf, size_t hlen, const char **port)
{
	const char *colon;
	size_t n;

	if (spec[0] == '[') {
		const char *close = strchr(spec, ']');

		if (close == NULL || close[1] != ':')
			return -1;
		n = (size_t)(close - spec - 1);
		spec++;
		colon = close + 1;
	} else {
		colon = strrchr(spec, ':');
		if (colon == NULL || memchr(spec, ':', (size_t)(colon - spec)) != NULL)
			return -1; /* none, or an IPv6 literal without brackets */
		n = (size_t)(colon - spec);
	}
	if (n == 0 || n >= hlen || colon[1] == '\0')
		return -1;
	memcpy(hbuf, spec, n);
	hbuf[n] = '\0';
	*port = colon + 1;
	return 0;
}

int xudp_check(const char *spec, const char *opt, char *errbuf, size_t errlen)
{
	char host[256];
	const char *port;
	char *end;
	unsigned long pn;

	if (split_host_port(spec, host, sizeof(host), &port) != 0) {
		snprintf(errbuf, errlen, "%s %s: expected HOST:PORT or [IPV6]:PORT", opt, spec);
		return -1;
	}
	pn = strtoul(port, &end, 10);
	if (*end != '\0' || pn == 0 || pn > 65535 || port[0] < '0' || port[0] > '9') {
		snprintf(errbuf, errlen, "%s %s: port must be a number from 1 to 65535", opt, spec);
		return -1;
	}
	return 0;
}

int xudp_open(const char *spec, const char *opt, char *errbuf, size_t errlen)
{
	struct addrinfo hints, *res, *ai;
	char host[256];
	const char *port = NULL;
	int fd = -1, r;

	/* (xudp_check has split it once: this split cannot fail) */
	if (xudp_check(spec, opt, errbuf, errlen) != 0 ||
	    split_host_port(spec, host, sizeof(host), &port) != 0)
		return -1;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICSERV;
	r = getaddrinfo(host, port, &hints, &res);
	if (r != 0) {
		snprintf(errbuf, errlen, "%s %s: cannot resolve %s: %s", opt, spec, host, gai_strerror(r));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	if (fd < 0)
		snprintf(errbuf, errlen, "%s %s: %s", opt, spec, strerror(errno));
	freeaddrinfo(res);
	return fd;
}

int xunix_open(const char *path, const char *opt, char *errbuf, size_t errlen)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(errbuf, errlen, "%s %s: path too long", opt, path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		snprintf(errbuf, errlen, "%s %s: %s", opt, path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int xsock_send(int fd, const void *buf, size_t len)
{
	ssize_t n;

	do
		n = send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -1;
}
