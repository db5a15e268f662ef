/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The datapath's next-hop cache generation, shared by the agent and the CLI. */
#ifndef XMIP_NH_GEN_H
#define XMIP_NH_GEN_H

#include <stdint.h>

/*
 * Invalidate every cached next hop (xmip_nexthops) of the instance: set
 * xmip_nh_gen to max(CLOCK_BOOTTIME ns, current + 1) with one aligned
 * 8-octet store through an mmap of the map (a datapath read sees the old
 * or the new value, never a mix). Values only grow, so two writers can't
 * bring an old generation back. xmip_nh_gen_map maps it once (the agent
 * keeps it: no munmap, so no TLB shootdown per bump); xmip_nh_gen_bump
 * does map, bump, unmap (the loader). Both return 0 or -errno.
 */
int      xmip_nh_gen_map(int nh_gen_fd, uint64_t **gen);
void     xmip_nh_gen_unmap(uint64_t *gen);
uint64_t xmip_nh_gen_bump_mapped(uint64_t *gen);   /* returns the new generation */
int      xmip_nh_gen_bump(int nh_gen_fd, uint64_t *gen_out);

#endif /* XMIP_NH_GEN_H */
