/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel names kct's pure-logic files (parsers, state tables) use,
 * so that the same files build in the kernel and in userspace for unit
 * tests and fuzzing.  Only types and trivial helpers belong here: anything
 * that needs a real kernel service stays out of portable files.
 */
#ifndef _KCT_COMPAT_H
#define _KCT_COMPAT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/errno.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <errno.h>
#include <linux/types.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s16 s16;
typedef __s32 s32;
typedef __s64 s64;

#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif
#ifndef U16_MAX
#define U16_MAX ((u16)~0U)
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
#ifndef fallthrough
#define fallthrough __attribute__((__fallthrough__))
#endif
#endif /* __KERNEL__ */

#endif /* _KCT_COMPAT_H */
