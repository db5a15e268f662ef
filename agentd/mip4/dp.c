// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The binding seam's other side (mip4_binding.h): the whole set of one
 * home address becomes ONE record in xmip_bindings keyed ::ffff:a.b.c.d,
 * written through the core's xmip_binding_put, which keeps the fast-path
 * slot (xmip_fwtable, lib/fwtable.c) and its next hop in step exactly as
 * for Mobile IPv6 and DSMIPv6 bindings (agentd/dsmip/dsmip_dp.c): one
 * update of the record, one new slot stored last; a CPU sees the old or
 * the new binding, never a mix (docs/DESIGN.md, "Atomic updates").
 *
 * The record (include/xmip_maps.h): encap XMIP_ENCAP_MIP4_IPIP, _MINENC or
 * _GRE; coa the tunnel's far end ::ffff:a.b.c.d (the FA's or the co-located
 * care-of address, or behind a NAT the address the HA saw) with, for RFC
 * 3519, the NAT's port in octets 8-9 (XMIP_FW_UDP_PORT_OFF); bu_flags the
 * XMIP_MIP4_REC_* flags (T, D, UDP, NAT); seq the Identification's low 16
 * bits. With simultaneous bindings (S, RFC 5944 §3.6.1.2) the datapath
 * carries one care-of address per home address, the one registered last;
 * the agent keeps the others (and the state file) and hands the next one
 * over when that one goes (docs/mip4.md, "Datapath").
 */
#include "mip4_binding.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "maps.h"
#include "xmip_maps.h"

struct xmip_mip4_dp {
	const struct xmip_agent_maps *maps;   /* NULL or no bindings map: log only */
	uint64_t sets;
};

struct xmip_mip4_dp *xmip_mip4_dp_open(const struct xmip_conf *conf,
				       const struct xmip_agent_maps *maps)
{
	struct xmip_mip4_dp *dp = calloc(1, sizeof(struct xmip_mip4_dp));

	(void)conf;
	if (dp)
		dp->maps = maps;
	return dp;
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

static int is_mip4_encap(uint8_t e)
{
	return e >= XMIP_ENCAP_MIP4_IPIP && e <= XMIP_ENCAP_MIP4_GRE;
}

int xmip_mip4_dp_record(const struct xmip_mip4_hb *b, struct xmip_binding *r)
{
	memset(r, 0, sizeof(*r));
	switch (b->encap) {
	case XMIP_MIP4_ENCAP_IPIP:   r->encap = XMIP_ENCAP_MIP4_IPIP; break;
	case XMIP_MIP4_ENCAP_MINENC: r->encap = XMIP_ENCAP_MIP4_MINENC; break;
	case XMIP_MIP4_ENCAP_GRE:    r->encap = XMIP_ENCAP_MIP4_GRE; break;
	default: return -1;
	}
	r->coa[10] = r->coa[11] = 0xff;
	memcpy(r->coa + 12, b->dst, 4);
	if (b->flags & XMIP_MIP4_BF_UDP) {
		uint16_t port = htons(b->dport);

		if (!b->dport)
			return -1;
		memcpy(r->coa + XMIP_FW_UDP_PORT_OFF, &port, 2);
		r->bu_flags |= XMIP_MIP4_REC_UDP;
		if (!(b->flags & XMIP_MIP4_BF_FORCED))
			r->bu_flags |= XMIP_MIP4_REC_NAT;
	}
	if (b->flags & XMIP_MIP4_BF_REVERSE)
		r->bu_flags |= XMIP_MIP4_REC_REVERSE;
	if (b->flags & XMIP_MIP4_BF_COLOCATED)
		r->bu_flags |= XMIP_MIP4_REC_COLOCATED;
	r->expires_ns = b->lifetime_s == 0xffff ? UINT64_MAX : b->expires_ns;
	r->lifetime_s = b->lifetime_s;
	r->seq = (uint16_t)b->id;
	return 0;
}

int xmip_mip4_dp_set(struct xmip_mip4_dp *dp, const uint8_t hoa[4],
		     const struct xmip_mip4_hb *b, size_t n)
{
	char h[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];
	struct xmip_binding r, old;
	const struct xmip_mip4_hb *last = NULL;
	uint8_t key[16] = { [10] = 0xff, [11] = 0xff };
	bool maps = dp->maps && dp->maps->bindings >= 0;

	dp->sets++;
	memcpy(key + 12, hoa, 4);
	inet_ntop(AF_INET, hoa, h, sizeof(h));
	/* The care-of address registered last is the one packets take (S). */
	for (size_t i = 0; i < n; i++)
		if (!last || b[i].id > last->id)
			last = &b[i];
	if (!last) {
		/* Only a record this family wrote: a DSMIPv6 one of the same address is not ours. */
		if (maps && xmip_binding_get(dp->maps, key, &old) == 0 && is_mip4_encap(old.encap))
			xmip_binding_del(dp->maps, key);
		log_info("mip4 datapath: withdraw %s", h);
		return 0;
	}
	if (xmip_mip4_dp_record(last, &r)) {
		log_warn("mip4 datapath: %s: encapsulation %u not carried", h, last->encap);
		return -EINVAL;
	}
	if (maps && xmip_binding_get(dp->maps, key, &old) == 0 && !is_mip4_encap(old.encap)) {
		log_warn("mip4 datapath: %s is bound through another family: refused", h);
		return -EEXIST;
	}
	inet_ntop(AF_INET, last->dst, d, sizeof(d));
	if (maps) {
		int rc = xmip_binding_put(dp->maps, key, &r);

		if (rc) {
			log_warn("mip4 datapath: %s -> %s: the table refused it: %s", h, d, strerror(-rc));
			return rc < 0 ? rc : -ENOSPC;
		}
	}
	log_info("mip4 datapath: %s -> %s%s%.0u %s%s%s%s", h, d, last->dport ? ":" : "",
		 last->dport, encap_name(last->encap), last->flags & XMIP_MIP4_BF_UDP ? " in UDP 434" : "",
		 last->flags & XMIP_MIP4_BF_REVERSE ? ", reverse tunnel" : "",
		 maps ? "" : " (no datapath maps: not programmed)");
	return 0;
}

void xmip_mip4_dp_close(struct xmip_mip4_dp *dp)
{
	free(dp);
}
