/* test_eve_alert.c: the "alert" member copied from eve-alert.c's kept
 * texts is the same bytes as the member written through the JSON writer,
 * whatever came before it in the event; the texts are kept per rule and
 * reasons (an alert differing in any field is written anew), at most
 * EVE_ALERT_TEXTS of them, and a replaced one is written again right.
 * And the rules outside SW_DETECT_FACT_RULES fire on evidence alone. */
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

/* dispatch.c stops judging a flow once the rules in SW_DETECT_FACT_RULES
 * have fired: every other rule must then fire on its evidence bit alone,
 * whatever the facts say. */
static void test_fact_rules(void)
{
	static const char *const coins[] = { "", "xmr", "btc" };
	struct sw_facts facts;
	struct sw_evidence ev;
	struct sw_alert out[8];
	unsigned flow_ev, fv, c, i;

	for (flow_ev = 0; flow_ev < 0x40; flow_ev++)
		for (fv = 0; fv < 32; fv++)
			for (c = 0; c < 3; c++) {
				uint8_t fired = 0, others;
				int n;

				memset(&facts, 0, sizeof(facts));
				facts.wallet_valid = -1;
				facts.stratum = fv & 1;
				facts.monero = (fv & 2) ? SW_XMR_ALGO : 0;
				facts.tls = (fv >> 2) & 1;
				facts.tls_no_sni = (fv >> 3) & 1;
				facts.pool_host = (fv & 16) ? "pool.example" : NULL;
				memset(&ev, 0, sizeof(ev));
				ev.facts = &facts;
				ev.flow_ev = (uint8_t)flow_ev;
				ev.pool_coin = coins[c];
				n = detect_evaluate(&ev, 0, out, 8);
				for (i = 0; i < (unsigned)n; i++)
					fired |= out[i].rule_bit;
				/* the fact rules need a session; the others, evidence */
				FAIL_IF((fired & SW_DETECT_FACT_RULES) != 0 && !facts.stratum);
				n = detect_evaluate(&ev, SW_DETECT_FACT_RULES, out, 8);
				for (others = 0, i = 0; i < (unsigned)n; i++)
					others |= out[i].rule_bit;
				FAIL_IF((others & SW_DETECT_FACT_RULES) != 0);
				EXPECT_EQ_U64(others, fired & ~SW_DETECT_FACT_RULES);
				EXPECT_EQ_U64(others != 0, flow_ev != 0);
				if (c == 0 && fv == 0)
					continue;
				/* the same evidence with no facts at all: the same rules */
				memset(&facts, 0, sizeof(facts));
				n = detect_evaluate(&ev, SW_DETECT_FACT_RULES, out, 8);
				for (fired = 0, i = 0; i < (unsigned)n; i++)
					fired |= out[i].rule_bit;
				EXPECT_EQ_U64(fired, others);
			}
}

int main(void)
{
	test_fact_rules();
	test_same_bytes();
	test_replacement();
	return sw_test_done("test_eve_alert");
}
