/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCT_LOG_H
#define _KCT_LOG_H

#include "kct_proto.h"

extern const char *const kct_invalid_names[KCT_INVALID_MAX];

void kct_log_invalid(const struct kct_pkt *p, enum kct_invalid_reason why);

#endif /* _KCT_LOG_H */
