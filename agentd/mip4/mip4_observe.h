/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What operators see of Mobile IPv4 (docs/metrics.md, xmip monitor): the
 * core's events and metrics, family label "mip4", one call where ha.c,
 * fa.c and mn.c decide, as agentd/mip6/observe.c does for Mobile IPv6.
 * Events carry addresses IPv4-mapped (::ffff:a.b.c.d), the reply code as
 * status and its name as status_name, the node's [mip4-mn] ID (NAI or
 * home address) as id; a binding behind a NAT (RFC 3519) its port as
 * coa_port. Mobile IPv4 has no sequence number (its Identification is
 * 64 bits): no seq field. Loop thread only.
 */
#ifndef XMIP_MIP4_OBSERVE_H
#define XMIP_MIP4_OBSERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mip4_binding.h"
#include "mip4_ha_policy.h"
#include "mip4_wire.h"

/* A reply code as a label value ("accepted", "mn_auth_failed", "id_mismatch"...). */
const char *xmip_mip4_code_name(unsigned int code);

/* Home agent: a request that did not parse. */
void xmip_mip4_observe_ha_malformed(void);
/* Home agent: a parsed request (counted), decided as d; before[0..n_before) were the
 * node's bindings, now[0..n_now) are (both NULL/0 for an unknown node); sent: the
 * reply left (latency from rx_ns; events only for answered requests, as mip6). */
void xmip_mip4_observe_ha(const char *id, const struct xmip_mip4_reg *m,
			  const struct xmip_mip4_ha_decision *d,
			  const struct xmip_mip4_hb *before, size_t n_before,
			  const struct xmip_mip4_hb *now, size_t n_now, uint64_t rx_ns, bool sent);
/* Home agent: binding b of node id ran out of lifetime (§3.8.2.2). */
void xmip_mip4_observe_ha_expired(const char *id, const struct xmip_mip4_hb *b);
/* Home agent: bindings held now, over every node. */
void xmip_mip4_observe_ha_bindings(size_t n);

/* Foreign agent: a request received from a visitor (relayed false), or relayed to its HA. */
void xmip_mip4_observe_fa_request(bool relayed);
/* Foreign agent: a reply received from a home agent (relayed false), or relayed on. */
void xmip_mip4_observe_fa_reply(bool relayed, unsigned int code);
/* Foreign agent: a visitor entry came (registered) or went (why: expired or deregistered). */
void xmip_mip4_observe_fa_visitor(const uint8_t hoa[4], const uint8_t coa[4], const char *nai,
				  bool up, bool expired, uint32_t lifetime_s, size_t n_visitors);
/* Foreign agent: it denied a visitor's request itself (codes 64..99). */
void xmip_mip4_observe_fa_denied(const uint8_t hoa[4], const char *nai, unsigned int code);

/* Mobile node: a request sent (retransmit: of the same registration). */
void xmip_mip4_observe_mn_request(const uint8_t coa[4], bool retransmit);
/* Mobile node: a reply that passed its checks. accepted: a registration (lifetime > 0)
 * or a deregistration (dereg) took effect; else code denied it. */
void xmip_mip4_observe_mn_reply(const uint8_t hoa[4], const uint8_t coa[4], unsigned int code,
				bool accepted, bool dereg, uint32_t lifetime_s);
/* Mobile node: a reply that makes it ask again at once (133 resynchronised, 69 shorter
 * lifetime): counted, no event (the registration goes on). */
void xmip_mip4_observe_mn_reply_retry(unsigned int code);

#endif /* XMIP_MIP4_OBSERVE_H */
