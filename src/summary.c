/* summary.c: the human-readable findings table (--summary).
 *
 * One row per mining session, in the order the sessions ended (which is
 * deterministic offline). Rows are copies, bounded by the summary_max_rows
 * limit; sessions past that are counted and reported on the last line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine-int.h"

static void copy_field(char *dst, size_t cap, const char *src)
{
	size_t i, o = 0;

	if (src == NULL) {
		snprintf(dst, cap, "-");
		return;
	}
	/* printable ASCII only: a terminal must not be driven by a login */
	for (i = 0; src[i] != '\0' && o + 1 < cap; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[o++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	dst[o] = '\0';
}

/* "4AbCdEfG…xYz9": long wallets shortened to their first and last chars. */
static void shorten(char *dst, size_t cap, const char *src)
{
	char tmp[128];
	size_t n;

	copy_field(tmp, sizeof(tmp), src);
	n = strlen(tmp);
	if (n <= 20)
		snprintf(dst, cap, "%s", tmp);
	else
		snprintf(dst, cap, "%.8s...%s", tmp, tmp + n - 6);
}

/* The pod line: who, the first workload, how it was known (or why not). */
static void summary_pod(struct sw_summary_row *r, const struct sw_flow *f)
{
	char who[256], wl[200] = "", ip[64] = "?";
	const struct sw_pod *p = f->pod;
	const char *reason = attrib_reason_name(f->attr_reason);

	if (f->attribution == ATTR_OFF)
		return;
	if (f->has_pod_addr)
		sw_addr_str(f->ext->pod_addr, f->key.ip_version, ip, sizeof(ip));
	if (p != NULL && f->attribution != ATTR_UNATTRIBUTED) {
		snprintf(who, sizeof(who), "%s/%s", p->ns, p->name);
		if (p->nworkloads > 0)
			snprintf(wl, sizeof(wl), ", %s %s", p->workloads[0].kind, p->workloads[0].name);
	} else {
		snprintf(who, sizeof(who), "%s", f->has_pod_addr ? ip : "-");
	}
	snprintf(wl + strlen(wl), sizeof(wl) - strlen(wl), "%s%s", reason ? ", " : "", reason ? reason : "");
	{
		char tmp[sizeof(r->pod)];

		snprintf(tmp, sizeof(tmp), "%s (%s%s)", who, attrib_method_name(f->attribution), wl);
		copy_field(r->pod, sizeof(r->pod), tmp);
	}
}

struct sw_summary_row *summary_row_new(struct sw_engine *e)
{
	struct sw_summary_row *r;

	if (e->nrows >= e->limits.summary_max_rows) {
		e->rows_dropped++;
		e->c.detect.summary_rows_dropped++;
		return NULL;
	}
	if (e->nrows == e->caprows) {
		size_t ncap = e->caprows ? e->caprows * 2 : 16;
		struct sw_summary_row *nr = realloc(e->rows, ncap * sizeof(*nr));

		if (nr == NULL) {
			e->rows_dropped++;
			e->c.detect.summary_rows_dropped++;
			return NULL;
		}
		e->rows = nr;
		e->caprows = ncap;
	}
	r = &e->rows[e->nrows++];
	memset(r, 0, sizeof(*r));
	return r;
}

void summary_add(struct sw_engine *e, const struct sw_flow *f, const struct sw_facts *facts)
{
	struct sw_summary_row *r = summary_row_new(e);

	if (r == NULL)
		return;
	sw_addr_str(flow_src_addr(f), f->key.ip_version, r->src, sizeof(r->src));
	sw_addr_str(flow_dst_addr(f), f->key.ip_version, r->dst, sizeof(r->dst));
	r->sport = flow_src_port(f);
	r->dport = flow_dst_port(f);
	copy_field(r->dialect, sizeof(r->dialect), facts->dialect);
	copy_field(r->coin, sizeof(r->coin), facts->coin ? facts->coin : "unknown");
	shorten(r->wallet, sizeof(r->wallet), facts->wallet ? facts->wallet : facts->login);
	copy_field(r->worker, sizeof(r->worker), facts->worker);
	copy_field(r->agent, sizeof(r->agent), facts->agent);
	/* the host the protocol named, else what DNS, SNI or a proxy tied
	 * to the flow */
	copy_field(r->pool, sizeof(r->pool), facts->pool_host ? facts->pool_host : flow_pool_name(f));
	r->submitted = facts->shares_submitted;
	r->accepted = facts->shares_accepted;
	r->rejected = facts->shares_rejected;
	r->hashrate = facts->hashrate_hs;
	r->wallet_valid = facts->wallet_valid;
	r->first_ts = f->first_ts;
	r->order[0] = e->order[0];
	r->order[1] = e->order[1];
	summary_pod(r, f);
}

static void format_rate(double hs, char *buf, size_t len)
{
	static const char *const unit[] = { "H/s", "kH/s", "MH/s", "GH/s", "TH/s", "PH/s", "EH/s" };
	int u = 0;

	if (!(hs > 0)) {
		snprintf(buf, len, "-");
		return;
	}
	while (hs >= 1000 && u < 6) {
		hs /= 1000;
		u++;
	}
	snprintf(buf, len, "%.2f %s", hs, unit[u]);
}

void summary_print(struct sw_engine *e, FILE *fp)
{
	size_t i;

	fprintf(fp, "stratumwatch: %zu mining session%s, %llu alert%s, %llu packets, %llu flows\n",
	    e->nrows + (size_t)e->rows_dropped, e->nrows + e->rows_dropped == 1 ? "" : "s",
	    (unsigned long long)e->alerts, e->alerts == 1 ? "" : "s",
	    (unsigned long long)e->c.capture.pkts, (unsigned long long)e->c.flow.created);
	for (i = 0; i < e->nrows; i++) {
		const struct sw_summary_row *r = &e->rows[i];
		char rate[32];

		format_rate(r->hashrate, rate, sizeof(rate));
		fprintf(fp, "\n  %s:%u -> %s:%u  %s, coin %s\n", r->src, r->sport, r->dst,
		    r->dport, r->dialect, r->coin);
		fprintf(fp, "    pool     %s\n", r->pool);
		if (r->pod[0] != '\0')
			fprintf(fp, "    pod      %s\n", r->pod);
		fprintf(fp, "    wallet   %s%s\n", r->wallet,
		    r->wallet_valid == 1 ? " (checksum valid)" :
		    r->wallet_valid == 0 ? " (checksum INVALID)" : "");
		fprintf(fp, "    worker   %s\n", r->worker);
		fprintf(fp, "    agent    %s\n", r->agent);
		fprintf(fp, "    shares   %llu submitted, %llu accepted, %llu rejected\n",
		    (unsigned long long)r->submitted, (unsigned long long)r->accepted,
		    (unsigned long long)r->rejected);
		fprintf(fp, "    hashrate %s\n", rate);
	}
	if (e->rows_dropped > 0)
		fprintf(fp, "\n  (%llu more sessions not listed: summary_max_rows %zu)\n",
		    (unsigned long long)e->rows_dropped, e->limits.summary_max_rows);
}
