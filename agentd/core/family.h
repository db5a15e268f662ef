/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A mobility protocol family (MIPv6 now; DSMIPv6, Mobile IPv4, NTMobile
 * later) as the agent's core sees it: a table of operations. The core owns
 * what families share (one loop, one ring-buffer consumer, one raw socket,
 * one netlink request socket, the next-hop generation) and calls each
 * family of the configured role: start, adopt (restart), handle (a
 * signalling record the datapath named the family in), timer (one the
 * family armed through the core), stop. Several families may run in one
 * agent (an HA that is MIPv6 + DSMIPv6 + Mobile IPv4 on the same
 * interfaces); each keeps its own state in f->state.
 *
 * Adding a family: a folder agentd/<family>/ that defines one
 * `const struct xmip_family_ops`, and one line in families.c.
 */
#ifndef XMIP_FAMILY_H
#define XMIP_FAMILY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "config.h"
#include "loop.h"
#include "xmip_maps.h"   /* enum xmip_family_id: the id a ring-buffer record names */

struct xmip_core;

struct xmip_family;
struct xmip_family_timer;

struct xmip_family_ops {
	const char *name;       /* "mip6": log lines and the family's [section] */
	uint8_t     id;         /* enum xmip_family_id: records addressed to it */
	uint32_t    roles;      /* XMIP_ROLE_BIT(XMIP_ROLE_HA) | ...: roles it serves */
	/* Optional: run only when the configuration asks (xmip_conf_has_section()); NULL: always. */
	bool (*wanted)(const struct xmip_conf *conf);
	/* Set up (sockets of its own, kernel settings); sets f->state. 0, or -1 (logged)
	 * after undoing its own set-up: the core does not stop a family that failed. */
	int  (*start)(struct xmip_family *f);
	/* Optional: take over what a previous agent left (bindings, rules, timers); called
	 * after every family of the role has started. 0, or non-zero (logged) to give up. */
	int  (*adopt)(struct xmip_family *f);
	/* One signalling packet (from the IPv6 header on); pkt is valid during the call. */
	void (*handle)(struct xmip_family *f, uint32_t ifindex, const uint8_t *pkt, size_t len);
	/* A timer armed with xmip_family_timer_*() is due. */
	void (*timer)(struct xmip_family *f, struct xmip_family_timer *t);
	/* Optional: a Packet Too Big about our tunnel packet from `coa` (MN): inner packets
	 * now fit in at most `inner_mtu` octets (agentd/core/icmp_report.c). */
	void (*tunnel_mtu)(struct xmip_family *f, const struct in6_addr *coa, uint32_t inner_mtu);
	/* Optional: the MN's tc egress tunnelled a packet from `src` (the HoA) to `dst`, a
	 * destination it had not reported before (XMIP_FAMILY_RO_LEARN records): a
	 * correspondent to learn (agentd/mip6/mn_ro.c, [ro] learn-correspondents). */
	void (*ro_learn)(struct xmip_family *f, const struct in6_addr *src,
			 const struct in6_addr *dst);
	/* Stop timers, free f->state; maps and kernel state stay for the next agent. */
	void (*stop)(struct xmip_family *f);
};

/* One running family: what the core hands to every operation. */
struct xmip_family {
	const struct xmip_family_ops *ops;
	struct xmip_core             *core;   /* loop, conf, maps, shared sockets (core.h) */
	void                         *state;  /* the family's own */
};

/*
 * A family's timer. The family embeds it in its state and arms it through
 * the core; when due, the core calls ops->timer(f, t). arg is the family's
 * (which binding, which retransmission).
 */
struct xmip_family_timer {
	struct xmip_timer   lt;     /* the loop's; core only */
	struct xmip_family *fam;
	void               *arg;
};

void xmip_family_timer_init(struct xmip_family *f, struct xmip_family_timer *t, void *arg);
int  xmip_family_timer_at(struct xmip_family_timer *t, uint64_t deadline_ns); /* CLOCK_BOOTTIME */
int  xmip_family_timer_in_ms(struct xmip_family_timer *t, uint64_t ms);
void xmip_family_timer_cancel(struct xmip_family_timer *t);
bool xmip_family_timer_armed(const struct xmip_family_timer *t);

#endif /* XMIP_FAMILY_H */
