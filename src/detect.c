/* detect.c: verdict rules over dissector facts (see detect.h).
 *
 * Severity table (Suricata convention, 1 = most severe):
 *   Stratum session, any dialect and coin ........ 2
 *   Stratum session with Monero evidence .......... 1
 * Monero evidence is any of: a CryptoNote/RandomX algorithm, a
 * checksum-valid Monero wallet, CryptoNote job blobs, a coin tag naming xmr.
 * Each alert lists every piece of evidence in alert.metadata.reasons; nDPI's
 * label is context only and never a reason on its own. */
#include <string.h>

#include "detect.h"

static const char *const category = "Crypto Currency Mining Activity Detected";

static void add_reason(struct sw_alert *a, const char *r)
{
	if (a->nreasons < SW_ALERT_MAX_REASONS)
		a->reasons[a->nreasons++] = r;
}

static void stratum_reasons(const struct sw_facts *f, struct sw_alert *a)
{
	add_reason(a, "stratum_protocol");
	if (f->wallet != NULL && f->wallet_valid == 1)
		add_reason(a, "valid_wallet");
	if (f->agent != NULL)
		add_reason(a, "miner_agent");
	if (f->shares_submitted > 0)
		add_reason(a, "shares_submitted");
	if (f->pool_host != NULL)
		add_reason(a, "pool_host_in_protocol");
}

int detect_evaluate(const struct sw_facts *f, uint8_t alerted, struct sw_alert *out, int max)
{
	int n = 0;

	if (f->stratum && !(alerted & 0x01) && n < max) {
		struct sw_alert *a = &out[n++];

		memset(a, 0, sizeof(*a));
		a->sid = SW_SID_STRATUM_SESSION;
		a->rev = 1;
		a->severity = 2;
		a->signature = "STRATUMWATCH MINING Stratum session";
		a->category = category;
		a->rule_bit = 0x01;
		stratum_reasons(f, a);
	}
	if (f->stratum && f->monero && !(alerted & 0x02) && n < max) {
		struct sw_alert *a = &out[n++];

		memset(a, 0, sizeof(*a));
		a->sid = SW_SID_MONERO_SESSION;
		a->rev = 1;
		a->severity = 1;
		a->signature = "STRATUMWATCH MINING Monero Stratum session";
		a->category = category;
		a->rule_bit = 0x02;
		stratum_reasons(f, a);
		if (f->monero & SW_XMR_ALGO)
			add_reason(a, "monero_algorithm");
		if (f->monero & SW_XMR_WALLET)
			add_reason(a, "monero_wallet");
		if (f->monero & SW_XMR_COIN)
			add_reason(a, "monero_coin");
		if (f->monero & SW_XMR_BLOB)
			add_reason(a, "cryptonote_job_blob");
	}
	return n;
}
