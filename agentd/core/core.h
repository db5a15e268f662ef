/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The agent's core: the families of the configured role on one loop, one
 * ring-buffer consumer that hands each record to the family it names, one
 * raw IPv6 socket and one netlink request socket for all of them, and the
 * next-hop generation of the HA datapath.
 */
#ifndef XMIP_CORE_H
#define XMIP_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "family.h"
#include "icmp6err.h"
#include "loop.h"

#define XMIP_CORE_MAX_FAMILIES 8

struct xmip_agent_maps;
struct xmip_fwsync;
struct xmip_pmtu_age;
struct xmip_nh_watch;
struct xmip_signal_rx;

/* Families read the first fields; the rest is the core's. */
struct xmip_core {
	struct xmip_loop             *loop;
	const struct xmip_conf       *conf;
	struct xmip_agent_maps       *maps;
	int                           raw;   /* rawsend.h; -1 until xmip_core_open_sockets */
	int                           nl;    /* netlink.h request socket; -1 likewise */

	struct xmip_family            fams[XMIP_CORE_MAX_FAMILIES];
	size_t                        n_fams;
	struct xmip_signal_rx        *rx;
	struct xmip_nh_watch         *nh;
	struct xmip_fwsync           *fw;    /* HA: the fast-path table's writer */
	uint64_t                      unclaimed;  /* records no running family took */
	uint64_t                      rx_ns;      /* CLOCK_BOOTTIME the record being handled was taken */
	struct xmip_icmp6err          icmp;       /* ICMPv6 errors, rate-limited */
	struct xmip_pmtu_age         *age;        /* HA: learnt path MTUs to forget (pmtu_age.h) */
	struct xmip_timer             age_timer;
};

void xmip_core_init(struct xmip_core *c, struct xmip_loop *loop, const struct xmip_conf *conf,
		    struct xmip_agent_maps *maps);
/* The raw and netlink sockets every family shares. 0 or -1 (logged). */
int  xmip_core_open_sockets(struct xmip_core *c);
/*
 * Start every family of table[] that serves conf's role (and that the
 * configuration wants), in table order; role HA: first the fast-path table's
 * writer (maps->fw), so adopted bindings get their slots; then adopt each
 * family, in the same order; then (HA) sweep the table and watch next
 * hops, and read the ring buffer (when maps->signal is open). 0, or -1
 * (logged) after stopping what started.
 */
int  xmip_core_start(struct xmip_core *c, const struct xmip_family_ops *const *table, size_t n);
/* Hand one signalling packet to the running family with this id; unclaimed ones are counted. */
void xmip_core_dispatch(struct xmip_core *c, uint8_t family, uint32_t ifindex,
			const uint8_t *pkt, size_t len);
/* The ring buffer's callback (signal_rx.h): xmip_core_dispatch on the core in arg. */
void xmip_core_on_signal(void *core, uint8_t family, uint32_t ifindex,
			 const uint8_t *pkt, size_t len);
/* Stop the families in reverse order, then close what the core opened. */
void xmip_core_stop(struct xmip_core *c);

/*
 * Answer a packet the datapath handed a family (pkt/len, from its IPv6
 * header; arrived on ifindex) with an ICMPv6 error, rate-limited per
 * source and overall (icmp6err.h). 1 sent, 0 held back, -1 not sent.
 */
int  xmip_core_icmp6_error(struct xmip_core *c, uint32_t ifindex, uint8_t type, uint8_t code,
			   uint32_t param, const uint8_t *pkt, size_t len);

/*
 * HA: hoa's binding was just given a lower path_mtu (icmp_report.c,
 * icmp4_report.c): it is forgotten XMIP_PMTU_AGE_NS later unless lowered
 * again meanwhile (RFC 1191 §6.3, RFC 8201 §4; pmtu_age.h).
 */
void xmip_core_pmtu_learnt(struct xmip_core *c, const uint8_t hoa[16]);

/* The running family called name, or NULL. */
struct xmip_family *xmip_core_family(struct xmip_core *c, const char *name);

#endif /* XMIP_CORE_H */
