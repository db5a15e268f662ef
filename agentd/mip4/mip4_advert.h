/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Agent Advertisements of a home or foreign agent (RFC 5944 §2.1, §2.3):
 * periodic ones to 224.0.0.1 with TTL 1, a nominal interval at most a
 * third of their lifetime, slightly randomised, and answers to Agent
 * Solicitations sent to the solicitor's link-layer address. One sequence
 * number per agent, from 0, 0xffff followed by 256 (§2.3.2).
 */
#ifndef XMIP_MIP4_ADVERT_H
#define XMIP_MIP4_ADVERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mip4_l2.h"
#include "mip4_rt.h"
#include "mip4_wire.h"

#define XMIP_MIP4_ADV_IFS 16

struct xmip_mip4_advertiser;

struct xmip_mip4_adv_if {
	struct xmip_mip4_advertiser *a;
	uint32_t ifindex;
	uint64_t last_answer_ns;      /* answers to solicitations: at most 10 a second */
	struct xmip_mip4_timer t;
};

struct xmip_mip4_advertiser {
	int      fd;                  /* packet socket to send on (the role's) */
	uint16_t seq;
	uint16_t flags;               /* XMIP_MIP4_ADV_* */
	uint16_t reg_lifetime;
	uint16_t lifetime;            /* ICMP Lifetime */
	uint32_t interval_s;          /* 0: only when solicited */
	uint8_t  coa[XMIP_MIP4_ADV_MAX_COA][4];
	uint8_t  n_coa;
	struct xmip_mip4_adv_if ifs[XMIP_MIP4_ADV_IFS];
	size_t   n_ifs;
	uint64_t sent, solicited;
};

/* Start advertising on ifindexes (periodically when interval_s). fd: the role's packet socket. */
void xmip_mip4_adv_start(struct xmip_mip4_advertiser *a, struct xmip_family *f, int fd,
			 const uint32_t *ifindexes, size_t n);
/* An Agent Solicitation arrived (already parsed) on ifindex from smac / src. */
void xmip_mip4_adv_solicited(struct xmip_mip4_advertiser *a, uint32_t ifindex,
			     const uint8_t smac[6], const uint8_t src[4]);
void xmip_mip4_adv_stop(struct xmip_mip4_advertiser *a);

#endif /* XMIP_MIP4_ADVERT_H */
