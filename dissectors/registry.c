/* registry.c: the table of dissectors. Adding a protocol = one file in
 * dissectors/ plus one line here (tcpdump's printers[], Suricata's
 * app-layer registration). Order is the probing order among dissectors
 * with no port hint for a flow. */
#include <string.h>

#include "sw_dissector.h"

extern const struct sw_dissector sw_dissector_stratum;
extern const struct sw_dissector sw_dissector_tls;
extern const struct sw_dissector sw_dissector_dns;
extern const struct sw_dissector sw_dissector_dns_tcp;
extern const struct sw_dissector sw_dissector_proxy;
extern const struct sw_dissector sw_dissector_websocket;

const struct sw_dissector *const sw_dissectors[] = {
	&sw_dissector_stratum,
	&sw_dissector_tls,
	&sw_dissector_dns,
	&sw_dissector_dns_tcp,
	&sw_dissector_websocket,
	&sw_dissector_proxy,
};

const size_t sw_dissectors_count = sizeof(sw_dissectors) / sizeof(sw_dissectors[0]);
/* the engine keeps a bit per dissector in a uint32_t (app_emit_wanted) */
_Static_assert(sizeof(sw_dissectors) / sizeof(sw_dissectors[0]) <= 32,
    "more dissectors than bits in sw_engine.app_emit_wanted");

const struct sw_dissector *sw_dissector_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < sw_dissectors_count; i++)
		if (strcmp(sw_dissectors[i]->name, name) == 0)
			return sw_dissectors[i];
	return NULL;
}
