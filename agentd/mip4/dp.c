// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The binding seam's other side (mip4_binding.h). Mobile IPv4 has no
 * datapath yet, so this logs each set and keeps nothing: the agent's own
 * table (ha.c) and its state file are the record. The datapath's author
 * replaces the body of xmip_mip4_dp_set with a write of one whole element
 * per home address into the HA's shared fast-path table (home address as
 * ::ffff:a.b.c.d, family Mobile IPv4, the set of tunnel endpoints with
 * encapsulation, flags, NAT port and expiry), and xmip_mip4_dp_open with
 * opening it; nothing else in agentd/mip4/ changes (docs/mip4.md).
 */
#include "mip4_binding.h"

#include <arpa/inet.h>
#include <stdlib.h>

#include "log.h"

struct xmip_mip4_dp {
	uint64_t sets;
};

struct xmip_mip4_dp *xmip_mip4_dp_open(const struct xmip_conf *conf)
{
	(void)conf;
	return calloc(1, sizeof(struct xmip_mip4_dp));
}

static const char *encap_name(uint8_t e)
{
	switch (e) {
	case XMIP_MIP4_ENCAP_IPIP:   return "ipip";
	case XMIP_MIP4_ENCAP_MINENC: return "minimal";
	case XMIP_MIP4_ENCAP_GRE:    return "gre";
	default:                     return "none";
	}
}

int xmip_mip4_dp_set(struct xmip_mip4_dp *dp, const uint8_t hoa[4],
		     const struct xmip_mip4_hb *b, size_t n)
{
	char h[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];

	dp->sets++;
	inet_ntop(AF_INET, hoa, h, sizeof(h));
	if (!n)
		log_debug("mip4 datapath (none yet): %s has no binding", h);
	for (size_t i = 0; i < n; i++) {
		inet_ntop(AF_INET, b[i].dst, d, sizeof(d));
		log_debug("mip4 datapath (none yet): %s -> %s%s%.0u %s%s", h, d,
			  b[i].dport ? ":" : "", b[i].dport, encap_name(b[i].encap),
			  b[i].flags & XMIP_MIP4_BF_UDP ? " in UDP" : "");
	}
	return 0;
}

void xmip_mip4_dp_close(struct xmip_mip4_dp *dp)
{
	free(dp);
}
