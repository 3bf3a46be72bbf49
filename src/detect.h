/* detect.h: the verdict. One place turns the evidence of all dissectors
 * (struct sw_facts) and of pool intelligence (flow evidence) into alerts
 * with stable signature ids, severities and reasons.
 *
 * Signature ids (README.md, "Alerts"); gid 1; severity 1 is the highest:
 *   9870001  Stratum session (any dialect) ........................ 2
 *   9870002  Monero Stratum session ............................... 1
 *   9870003  DNS lookup of a mining pool domain ................... 2 (1 if the list says xmr)
 *   9870004  TLS to a mining pool (SNI) ........................... 2 (1 if xmr)
 *   9870005  connection to an address resolved from a pool name .. 2 (1 if xmr)
 *   9870006  connection to a listed pool IP ....................... 2
 *   9870007  proxy tunnel (HTTP CONNECT, SOCKS) to a pool domain .. 2 (1 if xmr)
 *   9870008  HTTP request whose Host is a pool domain ............ 2 (1 if xmr)
 * Every alert carries alert.metadata.reasons; "cluster_egress" is added
 * when --pod-cidr/--cluster-cidr say the flow leaves the cluster. nDPI's
 * label is never a reason. */
#ifndef SW_DETECT_H
#define SW_DETECT_H

#include <stdint.h>
#include "sw_facts.h"

#define SW_SID_STRATUM_SESSION 9870001u
#define SW_SID_MONERO_SESSION  9870002u
#define SW_SID_DNS_POOL        9870003u
#define SW_SID_TLS_SNI_POOL    9870004u
#define SW_SID_RESOLVED_POOL   9870005u
#define SW_SID_IP_LIST_POOL    9870006u
#define SW_SID_PROXY_POOL      9870007u
#define SW_SID_HTTP_POOL       9870008u

#define SW_ALERT_MAX_REASONS 10

/* The rule bits (sw_alert.rule_bit) the dissector's facts can raise: the
 * Stratum and Monero sessions. Every other rule reads the flow's evidence
 * bits alone (its facts give reasons only), so once both have fired a
 * change of facts cannot raise an alert (dispatch.c judges no more), and
 * with neither a session nor an evidence bit no rule fires. */
#define SW_DETECT_FACT_RULES 0x03u

/* Everything known about a flow when the rules run. */
struct sw_evidence {
	const struct sw_facts *facts; /* from the flow's dissector (zeroed if none) */
	uint8_t flow_ev;              /* FLOW_EV_* (flow.h) */
	const char *pool_name;        /* a pool-list match tied to the flow, or NULL */
	const char *pool_via;
	const char *pool_coin;        /* the list entry's first coin, or "" */
	int egress;                   /* the flow leaves the cluster */
};

/* Its strings are string literals (detect.c): the EVE writer keeps the
 * text of an alert's rule and reasons by their addresses (eve-alert.h). */
struct sw_alert {
	uint32_t sid;
	uint32_t rev;
	int severity;
	const char *signature;
	const char *category;
	const char *reasons[SW_ALERT_MAX_REASONS];
	int nreasons;
	uint8_t rule_bit;    /* which bit of flow->alerted this rule owns */
};

/* Evaluate the rules not yet fired on a flow (alerted is its bitmask).
 * Fills up to max alerts; returns how many fired. */
int detect_evaluate(const struct sw_evidence *ev, uint8_t alerted, struct sw_alert *out, int max);

#endif
