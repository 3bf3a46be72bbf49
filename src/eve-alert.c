/* eve-alert.c: the "alert" member, kept per rule and reasons (eve-alert.h). */
#include <stdlib.h>
#include <string.h>

#include "eve-alert.h"

/* Suricata's alert object, as EVE consumers read it. */
void eve_alert_member_write(struct sw_jw *w, const struct sw_alert *al)
{
	int r;

	jw_obj_open(w, "alert");
	jw_str(w, "action", "allowed");
	jw_u64(w, "gid", 1);
	jw_u64(w, "signature_id", al->sid);
	jw_u64(w, "rev", al->rev);
	jw_str(w, "signature", al->signature);
	jw_str(w, "category", al->category);
	jw_u64(w, "severity", (uint64_t)al->severity);
	jw_obj_open(w, "metadata");
	jw_arr_open(w, "reasons");
	for (r = 0; r < al->nreasons; r++)
		jw_str(w, NULL, al->reasons[r]);
	jw_arr_close(w);
	jw_obj_close(w);
	jw_obj_close(w);
}

static int same_alert(const struct sw_alert *a, const struct sw_alert *b)
{
	int r;

	if (a->sid != b->sid || a->rev != b->rev || a->severity != b->severity ||
	    a->signature != b->signature || a->category != b->category ||
	    a->nreasons != b->nreasons)
		return 0;
	for (r = 0; r < a->nreasons; r++)
		if (a->reasons[r] != b->reasons[r])
			return 0;
	return 1;
}

void eve_alert_member(struct eve_alert_texts *c, struct sw_jw *w, const struct sw_alert *al)
{
	struct eve_alert_text *t;
	size_t start;
	unsigned i;
	char *text;

	/* from the slot hit last: a flow's alerts come in pairs (a Stratum
	 * session, then a Monero one), so the next is mostly one on */
	for (i = 0; i < EVE_ALERT_TEXTS; i++) {
		t = &c->slot[(c->last + i) % EVE_ALERT_TEXTS];
		if (t->text != NULL && same_alert(&t->key, al)) {
			c->last = (unsigned)(t - c->slot);
			c->hits++;
			/* the writer puts the comma, as before the member's key */
			jw_raw(w, NULL, t->text, t->len);
			return;
		}
	}
	start = w->len;
	eve_alert_member_write(w, al);
	if (w->err != 0 || al->nreasons < 0 || al->nreasons > SW_ALERT_MAX_REASONS)
		return;
	/* keep what was written, without the comma before it */
	if (start < w->len && w->buf[start] == ',')
		start++;
	if ((text = malloc(w->len - start)) == NULL)
		return;
	memcpy(text, w->buf + start, w->len - start);
	t = &c->slot[c->next];
	c->next = (c->next + 1) % EVE_ALERT_TEXTS;
	free(t->text);
	t->key = *al;
	t->text = text;
	t->len = w->len - start;
	c->made++;
}

void eve_alert_texts_free(struct eve_alert_texts *c)
{
	unsigned i;

	for (i = 0; i < EVE_ALERT_TEXTS; i++) {
		free(c->slot[i].text);
		c->slot[i].text = NULL;
	}
}
