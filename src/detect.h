/* detect.h: the verdict. One place turns the evidence of all dissectors
 * (struct sw_facts) into alerts with stable signature ids and reasons.
 *
 * Signature ids (also in README.md, "Alerts"):
 *   9870001  STRATUMWATCH MINING Stratum session          severity 2
 *   9870002  STRATUMWATCH MINING Monero Stratum session   severity 1
 * gid is 1 as for Suricata rules; rev changes when a rule's logic does. */
#ifndef SW_DETECT_H
#define SW_DETECT_H

#include <stdint.h>
#include "sw_facts.h"

#define SW_SID_STRATUM_SESSION 9870001u
#define SW_SID_MONERO_SESSION  9870002u

#define SW_ALERT_MAX_REASONS 8

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
int detect_evaluate(const struct sw_facts *facts, uint8_t alerted, struct sw_alert *out, int max);

#endif
