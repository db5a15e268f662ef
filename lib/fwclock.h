/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Jiffies for the writers of xmip_fwtable. The datapath checks expiry and
 * the next-hop lease against bpf_jiffies64(), which the verifier inlines
 * (a clock helper call would cost ≈15-35 ns a packet); user space has no
 * jiffies clock, so it reads one through the HA's clock program (a
 * BPF_PROG_TYPE_SYSCALL program that `xmip attach` pins as xmip_clock),
 * together with CLOCK_BOOTTIME, and converts with the kernel's HZ, which
 * attach measures once and keeps in the table's header.
 *
 * Jiffies stand still while the machine is suspended and CLOCK_BOOTTIME
 * does not: after a suspend the datapath's expiry is late by its length,
 * and the agent's timer (CLOCK_BOOTTIME) removes the binding on time.
 */
#ifndef XMIP_FWCLOCK_H
#define XMIP_FWCLOCK_H

#include <stdint.h>

#include "xmip_maps.h"

struct xmip_fwclock {
	int      prog_fd;     /* the clock program; -1: none (then fixed below) */
	uint32_t hz;
	uint64_t j, boot_ns;  /* the last sample, taken together */
	uint64_t fixed_j;     /* prog_fd < 0: jiffies "now" for every conversion (tests) */
};

/* Run the clock program once. 0 or -errno. */
int xmip_fwclock_sample(int prog_fd, struct xmip_clock_ctx *c);
/* Measure HZ (≈2-3 ticks, ≤ 30 ms): 100, 250, 300 or 1000, else the measured value. */
int xmip_fwclock_measure_hz(int prog_fd, uint32_t *hz);
/* The clock pinned for an instance (its xmip_clock program), with the HZ its table holds. */
int xmip_fwclock_open(struct xmip_fwclock *c, const char *instance, uint32_t hz);
void xmip_fwclock_close(struct xmip_fwclock *c);
/* Jiffies now, and at a CLOCK_BOOTTIME instant (resampled when the last sample is 1 s old). */
uint64_t xmip_fwclock_now(struct xmip_fwclock *c);
uint64_t xmip_fwclock_at_boot_ns(struct xmip_fwclock *c, uint64_t boot_ns);
/* n seconds as jiffies. */
uint64_t xmip_fwclock_secs(const struct xmip_fwclock *c, uint64_t secs);

#endif /* XMIP_FWCLOCK_H */
