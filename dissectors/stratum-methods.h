/* stratum-methods.h: apply one classified Stratum message to the session
 * (reference/stratum.md sections 3-5: per-method params layouts). */
#ifndef STRATUM_METHODS_H
#define STRATUM_METHODS_H

#include <stdint.h>

#include "stratum-msg.h"
#include "stratum-session.h"

/* Bits returned by stratum_methods_apply() for the caller's anomalies. */
#define STRATUM_HF_NUM_RANGE  0x01 /* a number we needed was out of range */
#define STRATUM_HF_PENDING    0x02 /* the pending queue overflowed */
#define STRATUM_HF_UNMATCHED  0x04 /* a response matched no request */

/* Update s (evidence bits, strings, jobs, shares, difficulty, pending
 * requests) from message m seen in direction dir (SW_DIR_*) at ts.
 * Returns STRATUM_HF_* bits. Never fails: shapes that do not match are
 * simply not evidence. */
unsigned stratum_methods_apply(struct stratum_session *s,
    const struct stratum_msg *m, int dir, uint64_t ts);

#endif
