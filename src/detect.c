/* detect.c: verdict rules over dissector facts and flow evidence (see
 * detect.h for the signature and severity table).
 *
 * Monero evidence is any of: a CryptoNote/RandomX algorithm, a
 * checksum-valid Monero wallet, CryptoNote job blobs, a coin tag naming xmr
 * (from the protocol or from the pool list entry the flow matched). */
#include <string.h>

#include "detect.h"
#include "flow.h"

static const char *const category = "Crypto Currency Mining Activity Detected";

static void add_reason(struct sw_alert *a, const char *r)
{
	if (a->nreasons < SW_ALERT_MAX_REASONS)
		a->reasons[a->nreasons++] = r;
}

/* (asked at every judgement, mostly of "": by its bytes, not a strcmp
 * call that cost 20 instructions) */
static int coin_is_xmr(const char *c)
{
	return c != NULL && c[0] == 'x' && c[1] == 'm' && c[2] == 'r' && c[3] == '\0';
}

static struct sw_alert *new_alert(struct sw_alert *out, int *n, int max, uint8_t bit,
    uint32_t sid, int severity, const char *sig)
{
	struct sw_alert *a;

	if (*n >= max)
		return NULL;
	a = &out[(*n)++];
	memset(a, 0, sizeof(*a));
	a->sid = sid;
	a->rev = 1;
	a->severity = severity;
	a->signature = sig;
	a->category = category;
	a->rule_bit = bit;
	return a;
}

/* Reasons every alert of a flow shares. */
static void common_reasons(const struct sw_evidence *ev, struct sw_alert *a)
{
	const struct sw_facts *f = ev->facts;

	if (f->stratum) {
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
	if (ev->flow_ev & FLOW_EV_SNI_POOL)
		add_reason(a, "tls_sni_pool_domain");
	if (ev->flow_ev & FLOW_EV_DNS_POOL)
		add_reason(a, "dns_resolved_pool_domain");
	if (ev->flow_ev & FLOW_EV_DNS_QUERY)
		add_reason(a, "dns_query_pool_domain");
	if (ev->flow_ev & FLOW_EV_IP_LIST)
		add_reason(a, "pool_ip_list");
	if (ev->flow_ev & FLOW_EV_HOST_POOL)
		add_reason(a, "proxy_tunnel_pool_domain");
	if (ev->flow_ev & FLOW_EV_HTTP_POOL)
		add_reason(a, "http_host_pool_domain");
	if (f->tls && f->tls_no_sni && (ev->flow_ev & FLOW_EV_DNS_POOL))
		add_reason(a, "tls_without_sni");
	if (ev->egress)
		add_reason(a, "cluster_egress");
}

int detect_evaluate(const struct sw_evidence *ev, uint8_t alerted, struct sw_alert *out, int max)
{
	const struct sw_facts *f = ev->facts;
	int xmr_pool = coin_is_xmr(ev->pool_coin);
	struct sw_alert *a;
	int n = 0;

	if (f->stratum && !(alerted & 0x01) &&
	    (a = new_alert(out, &n, max, 0x01, SW_SID_STRATUM_SESSION, 2,
	    "STRATUMWATCH MINING Stratum session")) != NULL)
		common_reasons(ev, a);
	if (f->stratum && (f->monero || xmr_pool) && !(alerted & 0x02) &&
	    (a = new_alert(out, &n, max, 0x02, SW_SID_MONERO_SESSION, 1,
	    "STRATUMWATCH MINING Monero Stratum session")) != NULL) {
		common_reasons(ev, a);
		if (f->monero & SW_XMR_ALGO)
			add_reason(a, "monero_algorithm");
		if (f->monero & SW_XMR_WALLET)
			add_reason(a, "monero_wallet");
		if (f->monero & SW_XMR_COIN)
			add_reason(a, "monero_coin");
		if (f->monero & SW_XMR_BLOB)
			add_reason(a, "cryptonote_job_blob");
		if (xmr_pool)
			add_reason(a, "monero_pool_domain");
	}
	if ((ev->flow_ev & FLOW_EV_DNS_QUERY) && !(alerted & 0x04) &&
	    (a = new_alert(out, &n, max, 0x04, SW_SID_DNS_POOL, xmr_pool ? 1 : 2,
	    "STRATUMWATCH MINING DNS lookup of a mining pool domain")) != NULL)
		common_reasons(ev, a);
	if ((ev->flow_ev & FLOW_EV_SNI_POOL) && !(alerted & 0x08) &&
	    (a = new_alert(out, &n, max, 0x08, SW_SID_TLS_SNI_POOL, xmr_pool ? 1 : 2,
	    "STRATUMWATCH MINING TLS to a mining pool (SNI)")) != NULL)
		common_reasons(ev, a);
	if ((ev->flow_ev & FLOW_EV_DNS_POOL) && !(alerted & 0x10) &&
	    (a = new_alert(out, &n, max, 0x10, SW_SID_RESOLVED_POOL, xmr_pool ? 1 : 2,
	    "STRATUMWATCH MINING connection to an address resolved from a mining pool domain")) != NULL)
		common_reasons(ev, a);
	if ((ev->flow_ev & FLOW_EV_IP_LIST) && !(alerted & 0x20) &&
	    (a = new_alert(out, &n, max, 0x20, SW_SID_IP_LIST_POOL, 2,
	    "STRATUMWATCH MINING connection to a listed mining pool address")) != NULL)
		common_reasons(ev, a);
	if ((ev->flow_ev & FLOW_EV_HOST_POOL) && !(alerted & 0x40) &&
	    (a = new_alert(out, &n, max, 0x40, SW_SID_PROXY_POOL, xmr_pool ? 1 : 2,
	    "STRATUMWATCH MINING proxy tunnel to a mining pool")) != NULL)
		common_reasons(ev, a);
	if ((ev->flow_ev & FLOW_EV_HTTP_POOL) && !(alerted & 0x80) &&
	    (a = new_alert(out, &n, max, 0x80, SW_SID_HTTP_POOL, xmr_pool ? 1 : 2,
	    "STRATUMWATCH MINING HTTP request to a mining pool host")) != NULL)
		common_reasons(ev, a);
	return n;
}
