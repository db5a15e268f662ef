// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Mobile IPv6 as a family of the core: role HA runs ha.c, role MN runs mn.c. */
#include "mip6.h"

#include "config.h"
#include "core.h"
#include "ha.h"
#include "log.h"
#include "mh.h"
#include "mh_rr.h"
#include "mn.h"
#include "observe.h"

static bool is_ha(const struct xmip_family *f)
{
	return f->core->conf->role == XMIP_ROLE_HA;
}

static int mip6_start(struct xmip_family *f)
{
	f->state = is_ha(f) ? (void *)xmip_ha_new(f) : (void *)xmip_mn_new(f);
	return f->state ? 0 : -1;
}

static int mip6_adopt(struct xmip_family *f)
{
	return is_ha(f) ? xmip_ha_adopt(f->state) : xmip_mn_adopt(f->state);
}

/*
 * Parse the whole IPv6 packet once for either role. Only the HA answers an
 * unknown MH type (a Binding Error, RFC 6275 §9.2); a Payload Proto other
 * than 59 or a Header Len too short for the type gets the ICMPv6 Parameter
 * Problem §9.2 asks for, pointing at that field, from either role
 * (rate-limited by the core); anything else that does not parse is
 * dropped. Log lines are rate-limited too (anyone can send these).
 */
static void mip6_handle(struct xmip_family *f, uint32_t ifindex, const uint8_t *buf, size_t len)
{
	enum xmip_parse_err perr;
	struct xmip_pkt p;

	perr = xmip_pkt_parse(buf, len, &p);
	/* The MN's Home and Care-of Tests (route optimisation, mn_ro.c); a
	 * malformed one gets the Parameter Problem below (§9.2). */
	if (perr == XMIP_PARSE_UNKNOWN_MH_TYPE && !is_ha(f) &&
	    (p.msg.type == XMIP_MH_HOT || p.msg.type == XMIP_MH_COT)) {
		enum xmip_parse_err terr = xmip_rr_test_param_problem(&p);

		if (terr == XMIP_PARSE_OK) {
			xmip_mn_signal(f->state, &p);
			return;
		}
		perr = terr;
	}
	/* The HA's datapath reports a Home Address option it refused (RFC 6275
	 * §9.3.1): its headers only, no MH; a Binding Error 1 answers. */
	if (perr != XMIP_PARSE_OK && is_ha(f) && xmip_ha_hao_report(f->state, ifindex, buf, len))
		return;
	if (perr != XMIP_PARSE_OK && (perr != XMIP_PARSE_UNKNOWN_MH_TYPE || !is_ha(f))) {
		static struct xmip_ratelimit rl = XMIP_RATELIMIT_INIT(10);
		long ptr = xmip_parse_param_problem(&p, perr);
		const char *answer = "";
		unsigned int more;

		xmip_mip6_observe_malformed(perr);
		if (ptr >= 0) {
			int rc = xmip_core_icmp6_error(f->core, ifindex, XMIP_ICMP6_PARAM_PROB,
						       XMIP_ICMP6_PARAM_PROB_HEADER, (uint32_t)ptr,
						       buf, len);

			answer = rc > 0 ? "; ICMPv6 Parameter Problem sent" :
				 rc == 0 ? "; Parameter Problem rate-limited" : "";
		}
		if (xmip_log_ratelimit(&rl, &more))
			log_warn("MH packet of %zu octets on ifindex %u discarded: %s%s%s", len,
				 ifindex, xmip_parse_strerror(perr), answer,
				 more ? " (and earlier ones not logged)" : "");
		return;
	}
	if (is_ha(f))
		xmip_ha_signal(f->state, ifindex, buf, len, &p, perr);
	else
		xmip_mn_signal(f->state, &p);
}

static void mip6_timer(struct xmip_family *f, struct xmip_family_timer *t)
{
	if (is_ha(f))
		xmip_ha_timer(f->state, t);
	else
		xmip_mn_timer(f->state, t);
}

/* A Packet Too Big about our tunnel (the core's ICMPv6 reports): the MN's route MTU. */
static void mip6_tunnel_mtu(struct xmip_family *f, const struct in6_addr *coa, uint32_t mtu)
{
	if (!is_ha(f))
		xmip_mn_tunnel_mtu(f->state, coa, mtu);
}

/* A new destination of the MN's tunnel (the core's RO_LEARN records): a correspondent? */
static void mip6_ro_learn(struct xmip_family *f, const struct in6_addr *src,
			  const struct in6_addr *dst)
{
	if (!is_ha(f))
		xmip_mn_ro_learn_report(f->state, src, dst);
}

static void mip6_stop(struct xmip_family *f)
{
	if (is_ha(f))
		xmip_ha_free(f->state);
	else
		xmip_mn_free(f->state);
}

const struct xmip_family_ops xmip_mip6_family = {
	.name   = "mip6",
	.id     = XMIP_FAMILY_MIP6,
	.roles  = XMIP_ROLE_BIT(XMIP_ROLE_HA) | XMIP_ROLE_BIT(XMIP_ROLE_MN),
	.start  = mip6_start,
	.adopt  = mip6_adopt,
	.handle = mip6_handle,
	.timer  = mip6_timer,
	.tunnel_mtu = mip6_tunnel_mtu,
	.ro_learn = mip6_ro_learn,
	.stop   = mip6_stop,
};
