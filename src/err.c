/* err.c: messages for the error codes of include/sw_err.h. */
#include "sw_err.h"

const char *sw_strerror(int err)
{
	switch (err) {
	case SW_OK: return "success";
	case SW_ERR_INTERNAL: return "internal error";
	case SW_ERR_NOMEM: return "out of memory";
	case SW_ERR_LIMIT: return "a configured limit was reached";
	case SW_ERR_TRUNCATED: return "input truncated";
	case SW_ERR_INVALID: return "invalid input";
	case SW_ERR_UNSUPPORTED: return "unsupported input";
	case SW_ERR_IO: return "input/output error";
	case SW_ERR_USAGE: return "usage error";
	}
	return "unknown error";
}
