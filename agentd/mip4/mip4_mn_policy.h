/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The mobile node's decisions (RFC 5944 §2.4, §3.6): where it is attached
 * (home, through a foreign agent, or with a co-located care-of address)
 * from the agents it hears and the addresses it has, the Registration
 * Request for that, what a reply means, and the retransmission back-off.
 * Pure: mn.c listens, keeps the agent list and sends.
 */
#ifndef XMIP_MIP4_MN_POLICY_H
#define XMIP_MIP4_MN_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf_mip4.h"
#include "mip4_wire.h"

#define XMIP_MIP4_MN_MAX_IFS    16
#define XMIP_MIP4_MN_MAX_ADDRS  8
#define XMIP_MIP4_MN_MAX_AGENTS 16

/* One interface of the node as it is now. */
struct xmip_mip4_mn_if {
	uint32_t ifindex;
	bool     up;                                  /* up with carrier */
	uint8_t  addr[XMIP_MIP4_MN_MAX_ADDRS][4];     /* its IPv4 addresses */
	uint8_t  plen[XMIP_MIP4_MN_MAX_ADDRS];
	size_t   n_addr;
};

/* An agent heard (its last advertisement, still valid). */
struct xmip_mip4_mn_agent {
	uint32_t ifindex;
	uint8_t  addr[4];                             /* the advertisement's IP source */
	uint8_t  mac[6];                              /* and link-layer source (§3.6.1.1) */
	struct xmip_mip4_adv adv;
};

enum xmip_mip4_mn_mode {
	XMIP_MIP4_MN_NONE = 0,      /* no way to register: solicit */
	XMIP_MIP4_MN_HOME,          /* our home agent advertises on this link */
	XMIP_MIP4_MN_FA,            /* a foreign agent's care-of address */
	XMIP_MIP4_MN_COLOCATED,     /* an address of our own on a foreign link */
};

struct xmip_mip4_mn_attach {
	enum xmip_mip4_mn_mode mode;
	uint32_t ifindex;
	uint8_t  coa[4];            /* FA: its advertised CoA; co-located: ours; home: the HoA */
	uint8_t  agent[4];          /* FA or home agent heard, or 0 */
	uint8_t  agent_mac[6];
	uint16_t agent_flags;       /* XMIP_MIP4_ADV_* */
	uint16_t reg_lifetime;      /* the FA's Registration Lifetime */
};

/* The order: home, then a foreign agent, then a co-located address, interfaces in ifs[] order. */
void xmip_mip4_mn_choose(const struct xmip_mip4_conf *c, const struct xmip_mip4_mn_if *ifs,
			 size_t n_ifs, const struct xmip_mip4_mn_agent *agents, size_t n_agents,
			 struct xmip_mip4_mn_attach *out);
/* Same place, same care-of address: no new registration needed. */
bool xmip_mip4_mn_same(const struct xmip_mip4_mn_attach *a, const struct xmip_mip4_mn_attach *b);

/* The request for attach (home: a deregistration of every care-of address). */
int  xmip_mip4_mn_build_request(const struct xmip_mip4_conf *c,
				const struct xmip_mip4_mn_attach *at, uint64_t id,
				uint16_t lifetime, uint8_t *buf, size_t cap);
/* The lifetime to ask for: ours, at most the FA's (§3.6.1.2); 0 at home. */
uint16_t xmip_mip4_mn_lifetime(const struct xmip_mip4_conf *c,
			       const struct xmip_mip4_mn_attach *at, uint16_t fa_max);

enum xmip_mip4_mn_result {
	XMIP_MIP4_MN_R_DROP = 0,    /* not ours, or not authentic: ignore */
	XMIP_MIP4_MN_R_ACCEPTED,
	XMIP_MIP4_MN_R_RESYNC,      /* 133: adjust the clock offset and send again */
	XMIP_MIP4_MN_R_LIFETIME,    /* 69: send again with at most .lifetime */
	XMIP_MIP4_MN_R_DENIED,
};

struct xmip_mip4_mn_reply {
	enum xmip_mip4_mn_result result;
	const char *why;
	uint8_t  code;
	uint16_t lifetime;          /* granted (or the FA's maximum with 69) */
	int64_t  offset_s;          /* RESYNC: seconds to add to our clock */
	bool     udp;               /* a UDP Tunnel Reply came */
	struct xmip_mip4_udp_rep udp_rep;
};

/* The pending request a reply must answer. */
struct xmip_mip4_mn_pending {
	uint64_t id;
	uint16_t lifetime;
	bool     via_fa;
	const struct xmip_mip4_peer_conf *mnfa;   /* MN-FA association with that FA, or NULL */
};

/* §3.6.2.1 checks and what the code means; now is our (offset-corrected) NTP time. */
void xmip_mip4_mn_check_reply(const struct xmip_mip4_conf *c, const uint8_t *msg,
			      const struct xmip_mip4_reg *m, const struct xmip_mip4_mn_pending *p,
			      uint64_t now, struct xmip_mip4_mn_reply *r);

/* §3.6.3: the next retransmission timeout: 1 s first, doubled, at most the lifetime (and 32 s). */
uint32_t xmip_mip4_mn_backoff_ms(uint32_t prev_ms, uint16_t lifetime_s);
/* §3.6.2.2: re-register at 3/4 of the granted lifetime counted from when the request left. */
uint64_t xmip_mip4_mn_refresh_ns(uint64_t sent_ns, uint16_t granted_s);

#endif /* XMIP_MIP4_MN_POLICY_H */
