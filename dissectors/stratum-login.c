/* stratum-login.c: split a Stratum login into wallet and worker
 * (reference/stratum.md section 8.3; wallet checks by sw_wallet.h).
 *
 * Forms handled, in the order they are peeled off:
 *   wallet%percent%otherwallet...   MoneroOcean payout split: first part
 *   account/worker/email            Nanopool, flow A of mining.pcapng
 *                                   ("0x...04303b/tester.worker1/vvesely@...")
 *   account+diff                    fixed difficulty (digits) or +perf...
 *   account#paymentid               older CryptoNote pools
 *   wallet.paymentid.worker         flow B ("4BCe...Dm.<64 hex>.ryzen")
 *   wallet.worker / account.worker  nearly everyone
 *   email (MinerGate), 64-hex donation login, plain account names: no wallet
 * The wallet is reported only when its text is shaped like an address we
 * know (wallet_classify, through wallet-cache.h); an account name ("acme") is not a wallet, but
 * its ".worker" still is a worker. */
#include <string.h>

#include "sw_wallet.h"
#include "stratum-session.h"
#include "wallet-cache.h"

static int login_is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		    (c >= 'A' && c <= 'F')))
			return 0;
	}
	return 1;
}

static int login_is_alnum(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z')))
			return 0;
	}
	return 1;
}

/* Last occurrence of c in s[0..n), or NULL (memrchr is a GNU extension).
 * Forward, by memchr: most logins hold no c at all, and a byte loop from
 * the end walked the whole login (a wallet is 95 bytes or more). */
static const char *login_rchr(const char *s, char c, size_t n)
{
	const char *last = NULL, *p, *end = s + n;

	while (s < end && (p = memchr(s, c, (size_t)(end - s))) != NULL) {
		last = p;
		s = p + 1;
	}
	return last;
}

static int login_wallet(struct stratum_session *s, const char *p, size_t n)
{
	struct sw_wallet w;

	memset(&w, 0, sizeof(w));
	if (n == 0 || !wallet_classify_cached(p, n, &w))
		return 0;
	stratum_session_setn(s, SST_WALLET, SS_SHORT_MAX, p, n);
	s->wallet_valid = w.valid ? 1 : 0;
	s->wallet_kind = (int8_t)w.kind;
	/* Only a checksum-valid address names the coin. */
	s->wallet_coin = w.valid ? w.coin : NULL;
	return 1;
}

void stratum_login_split(struct stratum_session *s, const char *login)
{
	/* strlen, not strnlen(login, SS_LOGIN_MAX + 1): login is a C string
	 * (the HTTP user, a test's buffer), the login is cut at SS_LOGIN_MAX
	 * and counted in strings_truncated all the same, and inlined by LTO
	 * into a caller whose buffer is smaller than that bound, strnlen
	 * makes GCC warn of an overread (an error under --enable-werror). */
	stratum_login_splitn(s, login, strlen(login));
}

void stratum_login_splitn(struct stratum_session *s, const char *login, size_t n)
{
	const char *acc = login, *slash_worker = NULL, *p, *dot;
	size_t acc_n, slash_worker_n = 0;
	/* split from a copy: setting the wallet and worker moves the login */
	char copy[SS_LOGIN_MAX + 1];

	stratum_session_setn(s, SST_LOGIN, SS_LOGIN_MAX, login, n);
	s->have_login = 1;
	stratum_session_clear(s, SST_WALLET);
	s->wallet_valid = -1;
	s->wallet_coin = NULL;
	s->wallet_kind = 0;

	p = stratum_session_text(s, SST_LOGIN);
	n = strlen(p);
	memcpy(copy, p, n + 1);
	acc = copy;
	if ((p = memchr(acc, '%', n)) != NULL)
		n = (size_t)(p - acc);
	/* account/part/part: the first part is the account; of the others,
	 * one with '@' is an e-mail and the first without is the worker. */
	if ((p = memchr(acc, '/', n)) != NULL) {
		const char *end = acc + n, *q = p + 1;

		acc_n = (size_t)(p - acc);
		while (q < end) {
			const char *r = memchr(q, '/', (size_t)(end - q));
			size_t len = r ? (size_t)(r - q) : (size_t)(end - q);

			if (len > 0 && memchr(q, '@', len) == NULL && slash_worker == NULL) {
				slash_worker = q;
				slash_worker_n = len;
			}
			q = r ? r + 1 : end;
		}
	} else {
		acc_n = n;
	}
	/* account+diff: a fixed difficulty (digits) or MoneroOcean's
	 * +perf/+perfauto keyword. */
	if ((p = login_rchr(acc, '+', acc_n)) != NULL && p > acc &&
	    login_is_alnum(p + 1, (size_t)(acc + acc_n - p - 1)))
		acc_n = (size_t)(p - acc);
	if ((p = memchr(acc, '#', acc_n)) != NULL)
		acc_n = (size_t)(p - acc);

	/* An account with a '.' is never an address as a whole (sw_wallet.h):
	 * only its part before the dot is looked up. (Looked up whole as
	 * well, each "wallet.worker" login cost a cache lookup, and a
	 * classification at each new worker name, for nothing.) */
	if (memchr(acc, '@', acc_n) == NULL) {
		if ((dot = memchr(acc, '.', acc_n)) == NULL) {
			login_wallet(s, acc, acc_n);
		} else {
			const char *tail = dot + 1, *end = acc + acc_n;
			const char *seg_end;
			size_t seg;

			login_wallet(s, acc, (size_t)(dot - acc));
			/* Skip one payment-id segment (16 or 64 hex). */
			seg_end = memchr(tail, '.', (size_t)(end - tail));
			seg = seg_end ? (size_t)(seg_end - tail) : (size_t)(end - tail);
			if (stratum_session_text(s, SST_WALLET)[0] != '\0' && (seg == 16 || seg == 64) &&
			    login_is_hex(tail, seg))
				tail = seg_end ? seg_end + 1 : end;
			if (tail < end && stratum_session_text(s, SST_WORKER)[0] == '\0')
				stratum_session_setn(s, SST_WORKER, SS_SHORT_MAX, tail,
				    (size_t)(end - tail));
		}
	}
	if (slash_worker != NULL && stratum_session_text(s, SST_WORKER)[0] == '\0')
		stratum_session_setn(s, SST_WORKER, SS_SHORT_MAX, slash_worker, slash_worker_n);
}
