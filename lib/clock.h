/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The two clocks the agent reads. CLOCK_BOOTTIME for deadlines and binding
 * expiry, because the datapath's expires_ns is bpf_ktime_get_boot_ns() (a
 * suspended host must not keep stale bindings); CLOCK_REALTIME only for
 * RFC 4285 Mesg-ID timestamps, which the peer compares with its own clock.
 */
#ifndef XMIP_CLOCK_H
#define XMIP_CLOCK_H

#include <stdint.h>

uint64_t xmip_now_ns(void);       /* CLOCK_BOOTTIME */
uint64_t xmip_realtime_ns(void);  /* CLOCK_REALTIME */

#endif /* XMIP_CLOCK_H */
