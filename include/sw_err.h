/* sw_err.h: the project's negative error codes and their messages.
 *
 * One enum for the whole tree (modelled on OpenSSH's ssherr.h and libpcap's
 * PCAP_ERROR_*). Functions return 0 on success or one of these; error strings
 * are produced only at API boundaries with sw_strerror().
 * "Over a limit" (SW_ERR_LIMIT) is kept apart from "out of memory"
 * (SW_ERR_NOMEM), as Suricata's SC_ELIMIT / SC_ENOMEM are. */
#ifndef SW_ERR_H
#define SW_ERR_H

enum sw_err {
	SW_OK = 0,
	SW_ERR_INTERNAL = -1,   /* a bug: an invariant did not hold */
	SW_ERR_NOMEM = -2,      /* malloc failed */
	SW_ERR_LIMIT = -3,      /* a configured cap would be exceeded */
	SW_ERR_TRUNCATED = -4,  /* the input ended before a field did */
	SW_ERR_INVALID = -5,    /* a field holds a value the format forbids */
	SW_ERR_UNSUPPORTED = -6,/* well-formed, but not something we decode */
	SW_ERR_IO = -7,         /* a file or socket operation failed */
	SW_ERR_USAGE = -8,      /* a bad option or argument */
};

const char *sw_strerror(int err);

#endif
