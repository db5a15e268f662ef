/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A Mobile IPv4 binding at the home agent, and the seam between the
 * agent and the datapath (docs/mip4.md, "The binding seam").
 *
 * The agent owns the mobility binding list (RFC 5944 §3.8.1): per home
 * address up to [mip4] max-bindings care-of addresses (the S flag,
 * §3.6.1.2), each with its encapsulation, reverse tunnel and, behind a
 * NAT, the address and port the HA saw (RFC 3519). Every change hands the
 * datapath the WHOLE set of one home address at once, through
 * xmip_mip4_dp_set() (dp.c), so the fast-path table can replace one
 * element whole, as every map write in xmip does (docs/DESIGN.md, "Atomic
 * updates"); n = 0 means: no binding, stop intercepting that address.
 * dp.c writes it into the HA's pinned xmip_bindings and fast-path table.
 */
#ifndef XMIP_MIP4_BINDING_H
#define XMIP_MIP4_BINDING_H

#include <stddef.h>
#include <stdint.h>

struct xmip_conf;
struct xmip_agent_maps;
struct xmip_binding;

#define XMIP_MIP4_MAX_SIMUL 16   /* the largest max-bindings the configuration allows */

/* How packets for the home address reach this care-of address (RFC 5944 §4.1). */
enum xmip_mip4_encap {
	XMIP_MIP4_ENCAP_NONE   = 0,
	XMIP_MIP4_ENCAP_IPIP   = 1,    /* RFC 2003: protocol 4, the default */
	XMIP_MIP4_ENCAP_MINENC = 2,    /* RFC 2004: protocol 55, M flag */
	XMIP_MIP4_ENCAP_GRE    = 3,    /* RFC 2784: protocol 47, G flag */
};

/* Binding flags. */
#define XMIP_MIP4_BF_REVERSE   0x01   /* T: accept the reverse tunnel from dst (RFC 3024) */
#define XMIP_MIP4_BF_COLOCATED 0x02   /* D: the MN decapsulates; else the FA at coa does */
#define XMIP_MIP4_BF_BCAST     0x04   /* B: MN asked for home broadcasts (not forwarded yet) */
#define XMIP_MIP4_BF_UDP       0x08   /* RFC 3519: outer IPv4 | UDP(434 -> dport) | type 4 header */
#define XMIP_MIP4_BF_FORCED    0x10   /* RFC 3519 F: UDP although no NAT was seen */

struct xmip_mip4_hb {
	uint8_t  hoa[4];         /* home address (the key) */
	uint8_t  coa[4];         /* the care-of address registered (the request's field) */
	uint8_t  dst[4];         /* outer destination: coa, or behind a NAT the address seen */
	uint16_t dport;          /* BF_UDP: the NAT's port the request came from; else 0 */
	uint8_t  src[4];         /* outer source: the HA's address the MN registered with */
	uint8_t  fa[4];          /* the foreign agent that relayed it (source address), or 0 */
	uint8_t  encap;          /* enum xmip_mip4_encap */
	uint8_t  flags;          /* XMIP_MIP4_BF_* */
	uint16_t keepalive_s;    /* BF_UDP: the interval the HA gave (RFC 3519 §3.2) */
	uint16_t lifetime_s;     /* granted */
	uint64_t id;             /* Identification of the registration that made it */
	uint64_t expires_ns;     /* CLOCK_BOOTTIME (the datapath's clock) */
	uint64_t expires_rt_s;   /* CLOCK_REALTIME seconds: what the state file keeps */
};

/* The datapath behind the seam (dp.c). */
struct xmip_mip4_dp;

/* maps: the core's (NULL: nothing is programmed, the set is only logged). */
struct xmip_mip4_dp *xmip_mip4_dp_open(const struct xmip_conf *conf,
				       const struct xmip_agent_maps *maps);
/* The xmip_bindings record of one binding (dp.c's encoding). 0, or -1 (no such encapsulation). */
int  xmip_mip4_dp_record(const struct xmip_mip4_hb *b, struct xmip_binding *r);
/*
 * The bindings of hoa are now b[0..n), replacing whatever the datapath had
 * for it (n = 0: none). 0, or -errno if the datapath could not take it
 * (the registration is then refused with 130, insufficient resources).
 */
int  xmip_mip4_dp_set(struct xmip_mip4_dp *dp, const uint8_t hoa[4],
		      const struct xmip_mip4_hb *b, size_t n);
void xmip_mip4_dp_close(struct xmip_mip4_dp *dp);

#endif /* XMIP_MIP4_BINDING_H */
