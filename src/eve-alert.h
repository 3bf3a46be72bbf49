/* eve-alert.h: the EVE "alert" member of an alert event.
 *
 * {"action":"allowed","gid":1,"signature_id":...,"rev":...,"signature":...,
 *  "category":...,"severity":...,"metadata":{"reasons":[...]}} depends on
 * the rule and its reasons alone, and a flow's alerts come from eight rules
 * and a few sets of reasons: on the Stratum-heavy benchmark 11,400 alerts
 * in 100,000 packets, each member written through the JSON writer at some
 * 1,000 instructions. So the text is kept, per rule and reasons, and
 * copied.
 *
 * The key is the alert's fields by value, with its strings compared by
 * address: detect.c gives only string literals (detect.h says so), and a
 * different address with the same text is only a miss. Policy: at most
 * EVE_ALERT_TEXTS texts (a few hundred bytes each), the oldest replaced;
 * without memory the member is written directly, the same bytes. */
#ifndef SW_EVE_ALERT_H
#define SW_EVE_ALERT_H

#include <stddef.h>

#include "detect.h"
#include "sw_json.h"

#define EVE_ALERT_TEXTS 16

struct eve_alert_text {
	struct sw_alert key; /* rule_bit ignored */
	char *text;          /* "\"alert\":{...}", NULL: the slot is free */
	size_t len;
};

struct eve_alert_texts {
	struct eve_alert_text slot[EVE_ALERT_TEXTS];
	unsigned next; /* the slot replaced next */
	unsigned last; /* the slot hit last: where the search starts */
	uint64_t hits, made;
};

/* Write al's "alert" member into w (inside the event's object). */
void eve_alert_member(struct eve_alert_texts *c, struct sw_jw *w, const struct sw_alert *al);

/* The same member written through the JSON writer, not kept: what
 * eve_alert_member keeps and copies (test_eve_alert compares the two). */
void eve_alert_member_write(struct sw_jw *w, const struct sw_alert *al);

void eve_alert_texts_free(struct eve_alert_texts *c);

#endif
