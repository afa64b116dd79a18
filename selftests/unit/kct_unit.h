/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal KTAP output for kct's host-side unit tests: each check prints one
 * "ok N - description" or "not ok N - description" line; kct_unit_done()
 * prints the plan and gives the exit status.
 */
#ifndef _KCT_UNIT_H
#define _KCT_UNIT_H

#include <stdarg.h>
#include <stdio.h>

static int kct_unit_count;
static int kct_unit_failed;

static inline void kct_unit_start(void)
{
	printf("TAP version 13\n");
}

static inline __attribute__((format(printf, 2, 3)))
int kct_check(int cond, const char *fmt, ...)
{
	va_list ap;

	kct_unit_count++;
	if (!cond)
		kct_unit_failed++;
	printf("%sok %d - ", cond ? "" : "not ", kct_unit_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return cond;
}

static inline int kct_unit_done(void)
{
	printf("1..%d\n", kct_unit_count);
	return kct_unit_failed ? 1 : 0;
}

#endif /* _KCT_UNIT_H */
