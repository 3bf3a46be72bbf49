/* test_eve_alert.c: the "alert" member copied from eve-alert.c's kept
 * texts is the same bytes as the member written through the JSON writer,
 * whatever came before it in the event; the texts are kept per rule and
 * reasons (an alert differing in any field is written anew), at most
 * EVE_ALERT_TEXTS of them, and a replaced one is written again right. */
#include <stdio.h>
#include <string.h>

#include "eve-alert.h"
#include "sw_test.h"

static const char *const reason_words[] = {
	"stratum_protocol", "valid_wallet", "miner_agent", "shares_submitted",
	"pool_host_in_protocol", "tls_sni_pool_domain", "dns_query_pool_domain",
	"cluster_egress", "monero_algorithm", "with \"quote\" and \\ and \x01",
};

/* The member as the writer alone makes it, after `before` keys. */
static void reference(struct sw_jw *w, const struct sw_alert *al, int before)
{
	jw_reset(w);
	jw_obj_open(w, NULL);
	if (before)
		jw_str(w, "event_type", "alert");
	eve_alert_member_write(w, al);
	jw_u64(w, "after", 7);
	jw_obj_close(w);
}

static void check(struct eve_alert_texts *c, const struct sw_alert *al, int before)
{
	struct sw_jw want, got;

	jw_init(&want);
	jw_init(&got);
	reference(&want, al, before);
	jw_reset(&got);
	jw_obj_open(&got, NULL);
	if (before)
		jw_str(&got, "event_type", "alert");
	eve_alert_member(c, &got, al);
	jw_u64(&got, "after", 7);
	jw_obj_close(&got);
	FAIL_UNLESS(want.err == 0 && got.err == 0);
	if (want.err == 0 && got.err == 0)
		EXPECT_STREQ(got.buf, want.buf);
	jw_free(&want);
	jw_free(&got);
}

static struct sw_alert make(uint32_t sid, int severity, const char *sig, unsigned reasons)
{
	struct sw_alert a;
	size_t i;

	memset(&a, 0, sizeof(a));
	a.sid = sid;
	a.rev = 1;
	a.severity = severity;
	a.signature = sig;
	a.category = "Crypto Currency Mining Activity Detected";
	for (i = 0; i < sizeof(reason_words) / sizeof(reason_words[0]); i++)
		if (reasons & (1u << i))
			a.reasons[a.nreasons++] = reason_words[i];
	return a;
}

static void test_same_bytes(void)
{
	struct eve_alert_texts c;
	struct sw_alert a = make(9870001, 2, "STRATUMWATCH MINING Stratum session", 0x81);
	struct sw_alert b = a;

	memset(&c, 0, sizeof(c));
	check(&c, &a, 1);                  /* written, kept */
	EXPECT_EQ_U64(c.made, 1);
	check(&c, &a, 1);                  /* copied */
	check(&c, &a, 0);                  /* copied, first in its object: no comma */
	EXPECT_EQ_U64(c.hits, 2);
	EXPECT_EQ_U64(c.made, 1);
	/* any field that differs is a text of its own */
	b.severity = 1;
	check(&c, &b, 1);
	b = a;
	b.sid = 9870004;
	check(&c, &b, 1);
	b = a;
	b.rev = 2;
	check(&c, &b, 1);
	b = a;
	b.nreasons = 0;
	check(&c, &b, 1);
	b = a;
	b.reasons[1] = reason_words[9];    /* escaped when written */
	check(&c, &b, 1);
	check(&c, &b, 0);
	EXPECT_EQ_U64(c.made, 6);
	EXPECT_EQ_U64(c.hits, 3);
	eve_alert_texts_free(&c);
}

/* More combinations than slots, in a repeating pattern: every member stays
 * right as texts are replaced, and the count never passes the cap. */
static void test_replacement(void)
{
	struct eve_alert_texts c;
	unsigned round, k, kept;

	memset(&c, 0, sizeof(c));
	for (round = 0; round < 4; round++)
		for (k = 0; k < 3 * EVE_ALERT_TEXTS; k++) {
			struct sw_alert a = make(9870001 + k % 8, 1 + (int)(k % 2),
			    "STRATUMWATCH MINING test", k * 37 % 1024);

			check(&c, &a, (int)(k % 3 != 0));
		}
	for (k = 0, kept = 0; k < EVE_ALERT_TEXTS; k++)
		kept += c.slot[k].text != NULL;
	EXPECT_EQ_U64(kept, EVE_ALERT_TEXTS);
	EXPECT_EQ_U64(c.hits + c.made, 4 * 3 * EVE_ALERT_TEXTS);
	eve_alert_texts_free(&c);
	for (k = 0; k < EVE_ALERT_TEXTS; k++)
		FAIL_UNLESS(c.slot[k].text == NULL);
}

int main(void)
{
	test_same_bytes();
	test_replacement();
	return sw_test_done("test_eve_alert");
}
