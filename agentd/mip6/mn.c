// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "mn.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "core.h"
#include "icmp6sock.h"
#include "log.h"
#include "maps.h"
#include "mh.h"
#include "mn_hasel.h"
#include "mn_policy.h"
#include "mn_ro.h"
#include "mn_dsmip.h"
#include "mn_nemo.h"
#include "xmip_dsmip.h"
#include "dhaad.h"
#include "nd.h"
#include "nemo.h"
#include "observe.h"
#include "netlink.h"
#include "rawsend.h"

#define REEVAL_DELAY_MS 100   /* let a burst of netlink events settle */
#define BU_BUF          1280

/*
 * While away, traffic from the HoA leaves in a tunnel 40 octets longer than
 * what the kernel sized it for. So the MN routes it by policy: rule
 * "from HoA/128 lookup HOA_TABLE" (pref HOA_RULE_PREF, before main's 32766)
 * and in that table one default route via the CoA interface's default
 * router with mtu = interface MTU - 40. TCP then picks a fitting MSS and
 * PMTU does the rest. A second rule, "from CoA/128 to HA/128 lookup
 * HOA_TABLE", sends the tunnel itself (and the BUs) the same way: main may
 * still prefer a default route through a link that lost its carrier.
 * Fixed numbers (4191 is the DSMIPv6 port) so that an operator can find
 * them: ip -6 rule; ip -6 route show table 4191.
 */
#define HOA_TABLE       4191u
#define HOA_RULE_PREF   4191u
#define HOA_ROUTE_PRIO  1024u
#define TUNNEL_OVERHEAD 40u     /* the outer IPv6 header */
#define IPV6_MIN_MTU    1280u

enum mn_where {
	MN_UNKNOWN = 0,   /* just started */
	MN_HOME,
	MN_AWAY,
	MN_NOWHERE,       /* no usable address on any configured interface */
};

struct xmip_mn {
	struct xmip_family           *f;
	struct xmip_loop             *loop;
	const struct xmip_conf       *conf;
	const struct xmip_agent_maps *maps;
	int                           raw, nl;  /* the core's, shared with other families */
	int                           mon;      /* our address/link/route monitor */
	uint32_t                      lo_ifindex;

	struct xmip_mn_state          st;
	struct xmip_family_timer      reeval, retrans, refresh;

	enum mn_where                 where;
	struct in6_addr               coa;       /* MN_AWAY */
	uint32_t                      coa_ifindex;
	uint32_t                      home_ifindex;  /* MN_HOME */
	struct in6_addr               tunnel_rule_coa;  /* CoA of the installed tunnel rule */
	bool                          have_tunnel_rule;
	bool                          warned_no_router;  /* said once per CoA interface */
	uint32_t                      path_mtu;  /* from a Packet Too Big about the tunnel; 0: none */
	uint8_t                       gw_mac[6]; /* the CoA link's router, as in xmip_mn_state */

	/* DSMIPv6 (RFC 5555; docs/dsmip.md "Mobile node"): away on an IPv4 CoA */
	int                           udp;       /* UDP 4191: BUs out, BAs in; -1 without [dsmip] */
	bool                          v4;        /* MN_AWAY with the IPv4 CoA coa4 */
	struct in_addr                coa4;
	uint8_t                       mode;      /* enum xmip_mn_mode the last BA chose */
	struct in_addr                hoa4;      /* IPv4 HoA acknowledged and on lo; 0: none */
	uint32_t                      keepalive_s; /* NAT keepalive (BU refresh) time; 0: none */
	bool                          have_fake_gw; /* fe80::4191 neighbour on coa_ifindex */

	/* Home agent discovery and mobile prefixes (RFC 6275 §11.4; dhaad.h) */
	int                           icmp;      /* raw ICMPv6, types 145 and 147 in; -1: none */
	struct xmip_family_timer      dhaad_t, mps_t;
	bool                          dhaad_pending;
	uint16_t                      dhaad_id;
	unsigned int                  dhaad_tries;
	struct xmip_mn_halist         hal;       /* the last reply's home agents; empty: configured */
	unsigned int                  ha_tx;     /* BUs of the pending registration to this one */
	bool                          mps_pending, have_mpa;
	uint16_t                      mps_id;
	unsigned int                  mps_tries;
	/* Route optimisation with the configured correspondents (mn_ro.c); NULL: none. */
	struct xmip_mn_ro            *ro;
};

/* The IPv6 "router" of an IPv4-only link: a permanent neighbour entry, so
 * the kernel hands HoA packets to tc egress, which tunnels them to the HA. */
static const struct in6_addr fake_gw = { .s6_addr = { 0xfe, 0x80, [14] = 0x41, [15] = 0x91 } };

/* What one address dump says about where we are. */
struct scan {
	const struct xmip_mn *mn;
	bool            hoa_on_lo;
	uint32_t        hoa_plen_ifindex[XMIP_CONF_MAX_IFS];  /* HoA/plen found on these */
	int             n_hoa_plen;
	int             home_if;      /* index into conf->ifnames, -1: none */
	int             coa_if;       /* index into conf->ifnames, -1: none */
	struct in6_addr coa;
	uint32_t        ifindex[XMIP_CONF_MAX_IFS];
	bool            up[XMIP_CONF_MAX_IFS];
};

static int conf_if_of(const struct scan *s, uint32_t ifindex)
{
	for (int i = 0; i < s->mn->conf->n_ifs; i++)
		if (s->ifindex[i] && s->ifindex[i] == ifindex)
			return i;
	return -1;
}

static int scan_addr(const struct xmip_nl_addr_info *a, void *arg)
{
	struct scan *s = arg;
	const struct xmip_conf *conf = s->mn->conf;
	bool is_hoa = xmip_addr_eq(&a->addr, &conf->self.hoa);
	int i;

	if (is_hoa && a->ifindex == s->mn->lo_ifindex && a->plen == 128) {
		s->hoa_on_lo = true;
		return 0;
	}
	i = conf_if_of(s, a->ifindex);
	if (i < 0 || !s->up[i] || a->scope != RT_SCOPE_UNIVERSE ||
	    (a->flags & IFA_F_DADFAILED))
		return 0;
	if (is_hoa) {
		if (s->n_hoa_plen < XMIP_CONF_MAX_IFS)
			s->hoa_plen_ifindex[s->n_hoa_plen++] = a->ifindex;
		return 0;
	}
	if (xmip_in_prefix(&a->addr, &conf->home_prefix, conf->home_plen)) {
		/* First configured interface wins, so the choice is stable. */
		if (s->home_if < 0 || i < s->home_if)
			s->home_if = i;
		return 0;
	}
	if (a->flags & IFA_F_TENTATIVE)
		return 0;
	if (s->coa_if < 0 || i < s->coa_if) {
		s->coa_if = i;
		s->coa = a->addr;
	}
	return 0;
}

static bool ha_known(const struct xmip_mn *mn)
{
	return !IN6_IS_ADDR_UNSPECIFIED(&mn->conf->home_agent);
}

static void dhaad_start(struct xmip_mn *mn);

static void send_bu(struct xmip_mn *mn, const struct in6_addr *coa, bool dereg, bool retransmit)
{
	uint8_t buf[BU_BUF];
	int len;

	/* No home-agent configured and none learnt yet: find one first
	 * (RFC 6275 §11.4.1); at home there is nothing to deregister. */
	if (!ha_known(mn)) {
		if (!dereg && mn->where == MN_AWAY && !mn->v4)
			dhaad_start(mn);
		return;
	}
	len = xmip_mn_build_bu(&mn->st, mn->conf, coa, dereg, retransmit, xmip_realtime_ns(),
			       buf, sizeof(buf));
	if (len <= 0) {
		log_err("could not build a BU (NAI too long?)");
		return;
	}
	log_info("%s BU%s seq %u: HoA %s CoA %s to HA %s", dereg ? "deregistration" : "binding",
		 retransmit ? " retransmission" : "", mn->st.seq, xmip_ip6str(&mn->conf->self.hoa),
		 xmip_ip6str(coa), xmip_ip6str(&mn->conf->home_agent));
	xmip_rawsend_via(mn->raw, buf, (size_t)len, dereg ? mn->home_ifindex : mn->coa_ifindex);
	mn->ha_tx = retransmit ? mn->ha_tx + 1 : 1;
	xmip_mip6_observe_mn_bu(coa, dereg, retransmit);
	xmip_mn_update_sent(&mn->st, xmip_now_ns());
	xmip_family_timer_in_ms(&mn->retrans, mn->st.retrans_ms);
}

/* RFC 5555 §4.2: the BU inside UDP from the IPv4 CoA to the HA's IPv4 address, port 4191. */
static void send_bu4(struct xmip_mn *mn, bool retransmit)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(XMIP_DSMIP_UDP_PORT),
				  .sin_addr = mn->conf->dsmip.home_agent_ipv4 };
	char coa[INET_ADDRSTRLEN], ha[INET_ADDRSTRLEN];
	uint8_t buf[BU_BUF];
	int len = xmip_mn_build_bu4(&mn->st, mn->conf, mn->coa4, retransmit, xmip_realtime_ns(),
				    buf, sizeof(buf));

	if (len <= 0 || mn->udp < 0) {
		log_err("could not build a BU over UDP (NAI too long? no socket?)");
		return;
	}
	inet_ntop(AF_INET, &mn->coa4, coa, sizeof(coa));
	inet_ntop(AF_INET, &to.sin_addr, ha, sizeof(ha));
	log_info("binding BU%s seq %u over UDP: HoA %s IPv4 CoA %s to HA %s:%u",
		 retransmit ? " retransmission" : "", mn->st.seq, xmip_ip6str(&mn->conf->self.hoa),
		 coa, ha, XMIP_DSMIP_UDP_PORT);
	if (sendto(mn->udp, buf, (size_t)len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		log_warn("sending the BU to %s: %s", ha, strerror(errno));
	xmip_mip6_observe_mn_bu(&mn->st.pending_coa, false, retransmit);
	xmip_mn_update_sent(&mn->st, xmip_now_ns());
	xmip_family_timer_in_ms(&mn->retrans, mn->st.retrans_ms);
}

/* The registration of where the node is now: over UDP from an IPv4 CoA, else as MIPv6. */
static void send_bu_away(struct xmip_mn *mn, bool retransmit)
{
	if (mn->v4)
		send_bu4(mn, retransmit);
	else
		send_bu(mn, &mn->coa, false, retransmit);
}

/*
 * Tell the datapath where the node is: the whole run-time state in one
 * element update (xmip_mn_state), never a field at a time, so no packet
 * is tunnelled with the new CoA and the old away flag or interface.
 */
static void write_state(struct xmip_mn *mn, bool away, const struct in6_addr *self,
			uint32_t ifindex)
{
	struct xmip_mn_runstate st;
	int rc;

	memset(&st, 0, sizeof(st));
	memcpy(st.coa, self, 16);
	memcpy(st.ha, &mn->conf->home_agent, 16);
	st.coa_ifindex = ifindex;
	st.flags = away ? XMIP_MN_F_AWAY : 0;
	/* Learning correspondents: the datapath reports new destinations
	 * (bpf/ro/mn.h); not from an IPv4 CoA (no route optimisation there). */
	if (away && !mn->v4 && xmip_mn_ro_learning(mn->ro))
		st.flags |= XMIP_MN_F_RO_LEARN;
	/* The datapath sends tunnel packets the kernel already addressed to
	 * this router as they are (bpf/mip6/mn.h): no lookup per packet. */
	if (away)
		memcpy(st.gw_mac, mn->gw_mac, 6);
	/* DSMIPv6: the IPv4 side, in the same element update. */
	st.mode = away && mn->v4 ? mn->mode : XMIP_MN_MODE_IP6;
	if (away && mn->v4) {
		memset(st.coa, 0, 16);
		st.coa4 = mn->coa4.s_addr;
		st.ha4 = mn->conf->dsmip.home_agent_ipv4.s_addr;
		st.sport = htons(XMIP_DSMIP_UDP_PORT);
		st.dport = htons(XMIP_DSMIP_UDP_PORT);
	}
	st.hoa4 = mn->hoa4.s_addr;
	rc = xmip_mn_state_put(mn->maps, &st);
	if (rc)
		log_err("writing %s: %s", XMIP_MAP_MN_STATE, strerror(-rc));
}

/* What one route dump says about the HoA's route. */
struct route_scan {
	uint32_t                  coa_ifindex;
	bool                      have_router, have_ours;
	struct xmip_nl_route_info router;  /* main's best default route on the CoA interface */
	struct xmip_nl_route_info ours;    /* the default route in HOA_TABLE */
};

static int scan_route(const struct xmip_nl_route_info *r, void *arg)
{
	struct route_scan *rs = arg;

	if (r->dst_len || r->type != RTN_UNICAST)
		return 0;
	if (r->table == HOA_TABLE) {
		rs->ours = *r;
		rs->have_ours = true;
	} else if (r->table == RT_TABLE_MAIN && r->has_gateway && r->ifindex == rs->coa_ifindex &&
		   (!rs->have_router || r->priority < rs->router.priority)) {
		rs->router = *r;
		rs->have_router = true;
	}
	return 0;
}

/* The MTU for packets from the HoA: what is left of the CoA path after the outer header. */
static uint32_t hoa_mtu(const struct xmip_mn *mn, const struct xmip_nl_route_info *router)
{
	char ifname[IF_NAMESIZE];
	int dev = if_indextoname(mn->coa_ifindex, ifname) ? xmip_if_ipv6_mtu(ifname) : -1;
	uint32_t mtu = dev > 0 ? (uint32_t)dev : 1500;

	if (router->mtu && router->mtu < mtu)
		mtu = router->mtu;
	mtu = mtu > TUNNEL_OVERHEAD ? mtu - TUNNEL_OVERHEAD : 0;
	if (mn->conf->tunnel_mtu && mn->conf->tunnel_mtu < mtu)
		mtu = mn->conf->tunnel_mtu;
	/* A router on the way to the HA said less (RFC 2473 §7: the tunnel's
	 * path MTU minus its header). */
	if (mn->path_mtu && mn->path_mtu < mtu)
		mtu = mn->path_mtu;
	/*
	 * Never below the IPv6 minimum (RFC 8200 §5): on a link under 1320,
	 * 1280-octet packets from the HoA still do not fit; not handled (that
	 * would take fragmenting the outer packet, RFC 2473 §7).
	 */
	return mtu < IPV6_MIN_MTU ? IPV6_MIN_MTU : mtu;
}

static void sync_gw_mac(struct xmip_mn *mn, const struct in6_addr *gw);

/* ::ffff:a.b.c.d of the IPv4 home address, for the netlink helpers' rule and route. */
static struct in6_addr hoa4_mapped(const struct xmip_mn *mn)
{
	struct in6_addr a = { .s6_addr = { [10] = 0xff, [11] = 0xff } };

	memcpy(&a.s6_addr[12], &mn->hoa4.s_addr, 4);
	return a;
}

/*
 * Away on an IPv6 CoA with an IPv4 home address (RFC 5555 §4.4.2): IPv4
 * from it is routed by policy into table 4191, whose IPv4 default goes via
 * the CoA link's IPv6 router (an IPv4 route with an IPv6 next hop): the
 * kernel hands those packets to tc egress, which tunnels them IPv4-in-IPv6
 * to the HA (bpf/mip6/mn_dsmip.h). Replaced on every call (idempotent).
 */
static void sync_hoa4_via6(struct xmip_mn *mn, const struct in6_addr *router)
{
	struct xmip_nl_route_info r = {
		.table = HOA_TABLE, .type = RTN_UNICAST, .priority = HOA_ROUTE_PRIO, .v4 = true,
		.has_gateway = true, .gateway = *router, .ifindex = mn->coa_ifindex,
	};
	struct in6_addr src;

	if (!mn->hoa4.s_addr)
		return;
	src = hoa4_mapped(mn);
	xmip_nl_rule(mn->nl, &src, NULL, HOA_TABLE, HOA_RULE_PREF, true);
	xmip_nl_route(mn->nl, &r, true);
}

/* Not on an IPv6 CoA any more: IPv4 from the IPv4 home address follows main again. */
static void drop_hoa4_via6(struct xmip_mn *mn)
{
	struct xmip_nl_route_info r = {
		.table = HOA_TABLE, .type = RTN_UNICAST, .priority = HOA_ROUTE_PRIO, .v4 = true,
	};
	struct in6_addr src;

	if (!mn->hoa4.s_addr)
		return;
	src = hoa4_mapped(mn);
	xmip_nl_route(mn->nl, &r, false);
	xmip_nl_rule(mn->nl, &src, NULL, HOA_TABLE, HOA_RULE_PREF, false);
}

/* Keep "from CoA to HA lookup HOA_TABLE" on the current CoA only. */
static void sync_tunnel_rule(struct xmip_mn *mn, bool away)
{
	const struct in6_addr *ha = &mn->conf->home_agent;

	if (mn->have_tunnel_rule && (!away || !xmip_addr_eq(&mn->tunnel_rule_coa, &mn->coa))) {
		xmip_nl_rule(mn->nl, &mn->tunnel_rule_coa, ha, HOA_TABLE, HOA_RULE_PREF, false);
		mn->have_tunnel_rule = false;
	}
	if (away && !mn->have_tunnel_rule && !IN6_IS_ADDR_UNSPECIFIED(ha) &&
	    !xmip_nl_rule(mn->nl, &mn->coa, ha, HOA_TABLE, HOA_RULE_PREF, true)) {
		mn->tunnel_rule_coa = mn->coa;
		mn->have_tunnel_rule = true;
	}
}

/*
 * A new agent takes over the tunnel rule its predecessor left: the rule is
 * on the CoA that xmip_mn_state still names while AWAY. Without this, a
 * move made while no agent ran would leave that rule behind for good (the
 * new agent would only add one for the new CoA).
 */
static void adopt_tunnel_rule(struct xmip_mn *mn)
{
	struct xmip_mn_runstate st;

	if (xmip_mn_state_get(mn->maps, &st) || !(st.flags & XMIP_MN_F_AWAY))
		return;
	memcpy(&mn->tunnel_rule_coa, st.coa, 16);
	mn->have_tunnel_rule = true;
}

/*
 * Away: make HOA_TABLE's default route follow main's default router on the
 * CoA interface. Called on every re-evaluation (address, link and route
 * events), so a router that appears late, a move or an MTU change is picked
 * up, and a route someone deleted comes back. Only changes are written.
 */
static void sync_hoa_route(struct xmip_mn *mn)
{
	struct route_scan rs = { .coa_ifindex = mn->coa_ifindex };
	struct xmip_nl_route_info want = {
		.table = HOA_TABLE, .type = RTN_UNICAST, .priority = HOA_ROUTE_PRIO,
	};
	char ifname[IF_NAMESIZE] = "?";
	int rc;

	rc = xmip_nl_dump_routes(mn->nl, scan_route, &rs);
	if (rc) {
		log_err("route dump: %s", strerror(-rc));
		return;
	}
	xmip_nl_rule(mn->nl, &mn->conf->self.hoa, NULL, HOA_TABLE, HOA_RULE_PREF, true);
	xmip_mn_nemo_rules(mn->nl, mn->conf, HOA_TABLE, HOA_RULE_PREF, true);
	sync_tunnel_rule(mn, true);
	if_indextoname(mn->coa_ifindex, ifname);
	if (!rs.have_router) {
		if (!mn->warned_no_router)
			log_warn("no default router on %s yet: packets from HoA %s keep the link MTU "
				 "until one appears", ifname, xmip_ip6str(&mn->conf->self.hoa));
		mn->warned_no_router = true;
		/* A route through the interface we left would send them the wrong way. */
		if (rs.have_ours && rs.ours.ifindex != mn->coa_ifindex) {
			xmip_nl_route(mn->nl, &rs.ours, false);
			log_info("removed table %u default route via the previous interface", HOA_TABLE);
		}
		return;
	}
	mn->warned_no_router = false;
	sync_gw_mac(mn, &rs.router.gateway);
	sync_hoa4_via6(mn, &rs.router.gateway);
	want.has_gateway = true;
	want.gateway = rs.router.gateway;
	want.ifindex = mn->coa_ifindex;
	want.mtu = hoa_mtu(mn, &rs.router);
	if (rs.have_ours && rs.ours.has_gateway && rs.ours.ifindex == want.ifindex &&
	    xmip_addr_eq(&rs.ours.gateway, &want.gateway) && rs.ours.mtu == want.mtu &&
	    rs.ours.priority == want.priority)
		return;
	if (!xmip_nl_route(mn->nl, &want, true))
		log_info("packets from HoA %s: table %u default via %s dev %s mtu %u",
			 xmip_ip6str(&mn->conf->self.hoa), HOA_TABLE, xmip_ip6str(&want.gateway),
			 ifname, want.mtu);
}

/* The router's MAC into xmip_mn_state, when it is known and changed. */
static void sync_gw_mac(struct xmip_mn *mn, const struct in6_addr *gw)
{
	struct xmip_nl_neigh_info ni;
	uint8_t mac[6] = { 0 };

	if (xmip_nl_neigh_get(mn->nl, mn->coa_ifindex, gw, &ni) == 0 && ni.has_mac &&
	    xmip_nl_neigh_usable(ni.state))
		memcpy(mac, ni.mac, 6);
	if (!memcmp(mac, mn->gw_mac, 6))
		return;
	memcpy(mn->gw_mac, mac, 6);
	write_state(mn, true, &mn->coa, mn->coa_ifindex);
}

void xmip_mn_tunnel_mtu(struct xmip_mn *mn, const struct in6_addr *coa, uint32_t mtu)
{
	if (mn->where != MN_AWAY || !xmip_addr_eq(coa, &mn->coa) ||
	    (mn->path_mtu && mtu >= mn->path_mtu))
		return;
	mn->path_mtu = mtu < IPV6_MIN_MTU ? IPV6_MIN_MTU : mtu;
	log_info("path MTU through the tunnel from %s: %u", xmip_ip6str(coa), mn->path_mtu);
	sync_hoa_route(mn);
}

/*
 * Away on an IPv4 CoA: HoA packets still need an IPv6 route out of the
 * CoA interface, which has no IPv6 router: table 4191's default goes via
 * fe80::4191, a permanent neighbour entry (our own MAC: tc egress writes
 * the IPv4 router's after encapsulating), with the MTU left inside the
 * tunnel. The IPv4 router's MAC goes into xmip_mn_state when ARP has it.
 */
static void sync_hoa_route4(struct xmip_mn *mn)
{
	struct route_scan rs = { .coa_ifindex = mn->coa_ifindex };
	struct xmip_nl_route_info want = {
		.table = HOA_TABLE, .type = RTN_UNICAST, .priority = HOA_ROUTE_PRIO,
		.has_gateway = true, .gateway = fake_gw, .ifindex = mn->coa_ifindex,
	};
	char ifname[IF_NAMESIZE] = "?";
	uint8_t own[6], gw[6];
	uint32_t over = mn->mode == XMIP_MN_MODE_IPV4 ? XMIP_MN4_OVERHEAD_IPV4 :
			XMIP_MN4_OVERHEAD_UDP4;
	int dev;

	if_indextoname(mn->coa_ifindex, ifname);
	if (!mn->have_fake_gw && !xmip_if_hwaddr(ifname, own) &&
	    !xmip_nl_neigh_set(mn->nl, mn->coa_ifindex, &fake_gw, own, true))
		mn->have_fake_gw = true;
	xmip_nl_rule(mn->nl, &mn->conf->self.hoa, NULL, HOA_TABLE, HOA_RULE_PREF, true);
	xmip_mn_nemo_rules(mn->nl, mn->conf, HOA_TABLE, HOA_RULE_PREF, true);
	sync_tunnel_rule(mn, false);
	dev = xmip_if_ipv6_mtu(ifname);
	want.mtu = (dev > 0 ? (uint32_t)dev : 1500) - over;
	if (mn->conf->tunnel_mtu && mn->conf->tunnel_mtu < want.mtu)
		want.mtu = mn->conf->tunnel_mtu;
	if (want.mtu < IPV6_MIN_MTU)
		want.mtu = IPV6_MIN_MTU;
	if (!xmip_nl_dump_routes(mn->nl, scan_route, &rs) && rs.have_ours &&
	    rs.ours.has_gateway && rs.ours.ifindex == want.ifindex &&
	    xmip_addr_eq(&rs.ours.gateway, &fake_gw) && rs.ours.mtu == want.mtu) {
		;
	} else if (!xmip_nl_route(mn->nl, &want, true)) {
		log_info("packets from HoA %s: table %u default via %s dev %s mtu %u (IPv4 tunnel)",
			 xmip_ip6str(&mn->conf->self.hoa), HOA_TABLE, xmip_ip6str(&fake_gw), ifname,
			 want.mtu);
	}
	memset(gw, 0, sizeof(gw));
	xmip_mn4_gateway_mac(mn->coa_ifindex, gw);
	if (memcmp(gw, mn->gw_mac, 6)) {
		memcpy(mn->gw_mac, gw, 6);
		write_state(mn, true, &mn->coa, mn->coa_ifindex);
	}
}

static void drop_fake_gw(struct xmip_mn *mn)
{
	if (mn->have_fake_gw)
		xmip_nl_neigh_set(mn->nl, mn->coa_ifindex, &fake_gw, NULL, false);
	mn->have_fake_gw = false;
}

/* The acknowledged IPv4 home address on lo (so sockets can bind it), and no other. */
static void set_hoa4(struct xmip_mn *mn, struct in_addr a)
{
	char txt[INET_ADDRSTRLEN];

	if (a.s_addr == mn->hoa4.s_addr)
		return;
	drop_hoa4_via6(mn);
	if (mn->hoa4.s_addr)
		xmip_nl_addr4(mn->nl, mn->lo_ifindex, (const uint8_t *)&mn->hoa4.s_addr, 32, false);
	mn->hoa4 = a;
	if (a.s_addr) {
		xmip_nl_addr4(mn->nl, mn->lo_ifindex, (const uint8_t *)&a.s_addr, 32, true);
		inet_ntop(AF_INET, &a, txt, sizeof(txt));
		log_info("IPv4 home address %s on lo", txt);
	}
}

/* Home: the HoA is on-link again; main routes it with the link's MTU. */
static void drop_hoa_route(struct xmip_mn *mn)
{
	struct route_scan rs = { .coa_ifindex = 0 };

	xmip_nl_rule(mn->nl, &mn->conf->self.hoa, NULL, HOA_TABLE, HOA_RULE_PREF, false);
	xmip_mn_nemo_rules(mn->nl, mn->conf, HOA_TABLE, HOA_RULE_PREF, false);
	sync_tunnel_rule(mn, false);
	if (!xmip_nl_dump_routes(mn->nl, scan_route, &rs) && rs.have_ours) {
		xmip_nl_route(mn->nl, &rs.ours, false);
		log_info("removed the policy route of HoA %s (table %u)",
			 xmip_ip6str(&mn->conf->self.hoa), HOA_TABLE);
	}
}

static void go_home(struct xmip_mn *mn, const struct scan *s)
{
	const struct xmip_conf *conf = mn->conf;
	uint32_t ifindex = s->ifindex[s->home_if];

	if (mn->where == MN_HOME && mn->home_ifindex == ifindex)
		return;
	log_info("at home on %s (HoA %s)", conf->ifnames[s->home_if], xmip_ip6str(&conf->self.hoa));
	mn->where = MN_HOME;
	mn->home_ifindex = ifindex;
	if (mn->v4)
		drop_fake_gw(mn);
	else
		drop_hoa4_via6(mn);
	mn->v4 = false;
	memset(&mn->coa, 0, sizeof(mn->coa));
	/* NODAD: the HA still defends the HoA by proxy until our deregistration lands. */
	xmip_nl_addr(mn->nl, ifindex, &conf->self.hoa, conf->home_plen, IFA_F_NODAD, true);
	write_state(mn, false, &conf->self.hoa, ifindex);
	drop_hoa_route(mn);
	xmip_family_timer_cancel(&mn->refresh);
	/* Correspondents are asked to delete our binding once the HA has let
	 * go of the HoA (BA), so their answers to the HoA reach us here. */
	xmip_mn_ro_moved(mn->ro);
	send_bu(mn, &conf->self.hoa, true, false);
}

static void go_away(struct xmip_mn *mn, const struct scan *s)
{
	const struct xmip_conf *conf = mn->conf;
	uint32_t ifindex = s->ifindex[s->coa_if];

	if (mn->where == MN_AWAY && !mn->v4 && mn->coa_ifindex == ifindex &&
	    xmip_addr_eq(&mn->coa, &s->coa))
		return;
	if (mn->v4)
		drop_fake_gw(mn);
	mn->v4 = false;
	/* RFC 5555 §4.4.2: the MIPv6 BU asks for the IPv4 home address when we
	 * have one configured (kept on lo until the BA says); otherwise it
	 * carries no option and the HA drops that binding (§4.4.2.1). */
	if (!mn->conf->dsmip.on || !mn->conf->dsmip.has_ipv4_hoa)
		set_hoa4(mn, (struct in_addr){ 0 });
	log_info("moved: %s CoA %s on %s (HoA %s)",
		 mn->where == MN_HOME ? "left home," : mn->where == MN_AWAY ? "new" : "away,",
		 xmip_ip6str(&s->coa), conf->ifnames[s->coa_if], xmip_ip6str(&conf->self.hoa));
	mn->where = MN_AWAY;
	mn->coa = s->coa;
	mn->coa_ifindex = ifindex;
	mn->home_ifindex = 0;
	mn->warned_no_router = false;
	mn->path_mtu = 0;                  /* another path */
	memset(mn->gw_mac, 0, 6);          /* learnt again on the new link */
	write_state(mn, true, &s->coa, ifindex);
	xmip_family_timer_cancel(&mn->refresh);
	/* The correspondents' bindings name the old CoA: the tunnel until the
	 * HA accepts the new one and return routability runs again. */
	xmip_mn_ro_moved(mn->ro);
	send_bu(mn, &s->coa, false, false);
}

/* Only an IPv4 address (RFC 5555 §4.4.2): register over UDP to the HA's IPv4 address. */
static void go_away4(struct xmip_mn *mn, struct in_addr coa4, uint32_t ifindex)
{
	char txt[INET_ADDRSTRLEN];

	if (mn->where == MN_AWAY && mn->v4 && mn->coa_ifindex == ifindex &&
	    mn->coa4.s_addr == coa4.s_addr)
		return;
	inet_ntop(AF_INET, &coa4, txt, sizeof(txt));
	log_info("moved: %s IPv4 CoA %s (HoA %s)",
		 mn->where == MN_HOME ? "left home," : mn->where == MN_AWAY ? "new" : "away,",
		 txt, xmip_ip6str(&mn->conf->self.hoa));
	if (mn->have_fake_gw && mn->coa_ifindex != ifindex)
		drop_fake_gw(mn);
	if (mn->where == MN_AWAY && !mn->v4)
		drop_hoa4_via6(mn);
	mn->where = MN_AWAY;
	mn->v4 = true;
	mn->coa4 = coa4;
	memset(&mn->coa, 0, sizeof(mn->coa));
	mn->coa_ifindex = ifindex;
	mn->home_ifindex = 0;
	mn->path_mtu = 0;
	memset(mn->gw_mac, 0, 6);
	/* Until the BA says: UDP, which crosses a NAT we do not know of yet. */
	mn->mode = XMIP_MN_MODE_UDP4;
	write_state(mn, true, &mn->coa, ifindex);
	xmip_family_timer_cancel(&mn->refresh);
	xmip_mn_ro_moved(mn->ro);   /* no route optimisation from an IPv4 CoA */
	send_bu4(mn, false);
}

static void reevaluate(struct xmip_mn *mn)
{
	const struct xmip_conf *conf = mn->conf;
	struct scan s = { .mn = mn, .home_if = -1, .coa_if = -1 };
	struct in_addr coa4;
	uint32_t ifindex4;
	int rc;

	for (int i = 0; i < conf->n_ifs; i++) {
		s.ifindex[i] = if_nametoindex(conf->ifnames[i]);
		s.up[i] = s.ifindex[i] && xmip_if_is_up(conf->ifnames[i]);
	}
	rc = xmip_nl_dump_addrs(mn->nl, scan_addr, &s);
	if (rc) {
		log_err("address dump: %s", strerror(-rc));
		return;
	}
	/* The HoA stays on lo whatever happens, so sockets bound to it survive moves. */
	if (!s.hoa_on_lo)
		xmip_nl_addr(mn->nl, mn->lo_ifindex, &conf->self.hoa, 128, IFA_F_NODAD, true);
	/* HoA/plen belongs only on the interface we are at home on. */
	for (int i = 0; i < s.n_hoa_plen; i++) {
		if (s.home_if >= 0 && s.hoa_plen_ifindex[i] == s.ifindex[s.home_if])
			continue;
		xmip_nl_addr(mn->nl, s.hoa_plen_ifindex[i], &conf->self.hoa, conf->home_plen, 0,
			     false);
	}
	if (s.home_if >= 0) {
		go_home(mn, &s);
	} else if (s.coa_if >= 0) {
		go_away(mn, &s);
		sync_hoa_route(mn);
	} else if (conf->dsmip.on && mn->udp >= 0 &&
		   xmip_mn4_find_coa(conf, mn->hoa4, &coa4, &ifindex4) == 0) {
		go_away4(mn, coa4, ifindex4);
		sync_hoa_route4(mn);
	} else if (mn->where != MN_NOWHERE) {
		log_warn("no usable address on any configured interface: waiting");
		xmip_mn_ro_moved(mn->ro);
		mn->where = MN_NOWHERE;
		memset(&mn->coa, 0, sizeof(mn->coa));
		xmip_family_timer_cancel(&mn->retrans);
		mn->st.pending = false;
	}
}

static void on_netlink(struct xmip_loop *loop, int fd, uint32_t events, void *arg)
{
	struct xmip_mn *mn = arg;

	(void)loop;
	(void)events;
	if (xmip_nl_monitor_drain(fd) > 0 && !xmip_family_timer_armed(&mn->reeval))
		xmip_family_timer_in_ms(&mn->reeval, REEVAL_DELAY_MS);
}

static void ha_failed(struct xmip_mn *mn, bool timeout, uint8_t status);

static void on_retrans(struct xmip_mn *mn)
{
	if (!mn->st.pending)
		return;
	/* §11.4.1: a home agent found by DHAAD that stays silent: the next. */
	if (mn->hal.n && !mn->st.pending_dereg && !mn->st.pending_udp && mn->where == MN_AWAY &&
	    !mn->v4 && mn->ha_tx >= XMIP_MN_HA_TRIES) {
		ha_failed(mn, true, 0);
		return;
	}
	log_info("no BA for seq %u: retransmitting", mn->st.seq);
	if (mn->st.pending_udp) {
		if (mn->where == MN_AWAY && mn->v4)
			send_bu4(mn, true);
		return;
	}
	send_bu(mn, &mn->st.pending_coa, mn->st.pending_dereg, true);
}

static void on_refresh(struct xmip_mn *mn)
{
	if (mn->where != MN_AWAY)
		return;
	log_info("refreshing the binding of CoA %s%s", mn->v4 ? "(IPv4)" : xmip_ip6str(&mn->coa),
		 mn->v4 && mn->keepalive_s ? ", NAT keepalive" : "");
	send_bu_away(mn, false);
}

/* ---- home agent discovery, mobile prefixes (RFC 6275 §11.4) ---- */

#define INITIAL_DHAAD_TIMEOUT_MS 3000u  /* RFC 6275 §12 */
#define DHAAD_RETRIES            4u     /* §12; then on at the longest interval */
#define INITIAL_SOLICIT_TIMER_MS 3000u  /* §12 */
#define MPS_RETRIES              3u

static uint16_t random_id(void)
{
	uint16_t id = 0;

	if (getrandom(&id, sizeof(id), GRND_NONBLOCK) != sizeof(id))
		id = (uint16_t)xmip_now_ns();
	return id;
}

/* §11.4.1: a request from the CoA to the Home-Agents anycast address of
 * the home prefix; retransmitted with binary exponential back-off. */
static void dhaad_send(struct xmip_mn *mn)
{
	unsigned int shift = mn->dhaad_tries < DHAAD_RETRIES ? mn->dhaad_tries : DHAAD_RETRIES;
	struct in6_addr any;
	uint8_t buf[64];
	int len;

	if (!mn->dhaad_pending)
		return;
	/* Home again, on IPv4 or answered meanwhile: done; the next move starts afresh. */
	if (mn->where != MN_AWAY || mn->v4 || ha_known(mn)) {
		mn->dhaad_pending = false;
		return;
	}
	if (xmip_ha_anycast(&mn->conf->home_prefix, mn->conf->home_plen, &any)) {
		log_err("DHAAD: home-prefix /%u has no Home-Agents anycast address",
			mn->conf->home_plen);
		return;
	}
	len = xmip_haad_build_request(buf, sizeof(buf), &mn->coa, &any, mn->dhaad_id,
				      mn->conf->mobile_router);
	if (len > 0) {
		log_info("DHAAD: request id %u from %s to %s%s", mn->dhaad_id, xmip_ip6str(&mn->coa),
			 xmip_ip6str(&any), mn->dhaad_tries ? " (retransmission)" : "");
		xmip_rawsend_via(mn->raw, buf, (size_t)len, mn->coa_ifindex);
	}
	mn->dhaad_tries++;
	xmip_family_timer_in_ms(&mn->dhaad_t, (uint64_t)INITIAL_DHAAD_TIMEOUT_MS << shift);
}

static void dhaad_start(struct xmip_mn *mn)
{
	if (mn->dhaad_pending || mn->icmp < 0)
		return;
	mn->dhaad_pending = true;
	mn->dhaad_tries = 0;
	mn->dhaad_id = random_id();
	dhaad_send(mn);
}

/* §11.4.2: a solicitation from the home address to the HA (through the
 * tunnel, docs/CONFORMANCE.md); retransmitted a few times. */
static void mps_send(struct xmip_mn *mn)
{
	uint8_t buf[64];
	int len;

	if (!mn->mps_pending)
		return;
	if (mn->where != MN_AWAY || !ha_known(mn)) {
		mn->mps_pending = false;    /* solicited again after the next registration away */
		mn->have_mpa = false;
		return;
	}
	if (mn->mps_tries >= MPS_RETRIES) {
		mn->mps_pending = false;
		log_warn("MPS: no Mobile Prefix Advertisement from %s",
			 xmip_ip6str(&mn->conf->home_agent));
		return;
	}
	len = xmip_mps_build(buf, sizeof(buf), &mn->conf->self.hoa, &mn->conf->home_agent,
			     mn->mps_id);
	if (len > 0) {
		log_info("MPS: id %u to %s", mn->mps_id, xmip_ip6str(&mn->conf->home_agent));
		xmip_rawsend(mn->raw, buf, (size_t)len, 0);
	}
	xmip_family_timer_in_ms(&mn->mps_t, (uint64_t)INITIAL_SOLICIT_TIMER_MS << mn->mps_tries);
	mn->mps_tries++;
}

static void mps_start(struct xmip_mn *mn)
{
	if (mn->mps_pending || mn->icmp < 0)
		return;
	mn->mps_pending = true;
	mn->mps_tries = 0;
	mn->mps_id = random_id();
	mps_send(mn);
}

/*
 * Register with home agent ha from now on (:: : none, find one again).
 * The tunnel rule names the home agent, so it goes; the binding there is
 * a first registration; the home prefix is solicited from it anew.
 */
static void set_ha(struct xmip_mn *mn, const struct in6_addr *ha)
{
	if (mn->have_tunnel_rule) {
		xmip_nl_rule(mn->nl, &mn->tunnel_rule_coa, &mn->conf->home_agent, HOA_TABLE,
			     HOA_RULE_PREF, false);
		mn->have_tunnel_rule = false;
	}
	/* The learnt address stands in for the configured one for this run
	 * (the core's configuration object is ours to fill here). */
	((struct xmip_conf *)mn->conf)->home_agent = *ha;
	mn->st.registered = false;
	mn->st.pending = false;
	mn->ha_tx = 0;
	xmip_family_timer_cancel(&mn->retrans);
	mn->mps_pending = false;
	mn->have_mpa = false;
	xmip_family_timer_cancel(&mn->mps_t);
	if (mn->where == MN_AWAY && !mn->v4) {
		write_state(mn, true, &mn->coa, mn->coa_ifindex);
		if (ha_known(mn))
			sync_hoa_route(mn);
	}
}

static void on_haad_reply(struct xmip_mn *mn, const struct in6_addr *from,
			  const struct xmip_icmp6_mip *m)
{
	if (!mn->dhaad_pending || m->id != mn->dhaad_id)
		return;
	/* RFC 3963 §7.2: R clear means none of them serves mobile routers;
	 * we register anyway (it answers 140 if so, and we log it). */
	if (mn->conf->mobile_router && !m->r)
		log_warn("DHAAD: reply id %u says the home agents do not support mobile routers",
			 m->id);
	/* §11.4.1: the first address is the most preferred home agent; the
	 * others are kept, to be tried in turn (mn_hasel.h). */
	if (!xmip_mn_halist_set(&mn->hal, m->addrs, m->n_addrs)) {
		log_warn("DHAAD: reply id %u from %s lists no usable home agent", m->id,
			 xmip_ip6str(from));
		return;
	}
	mn->dhaad_pending = false;
	xmip_family_timer_cancel(&mn->dhaad_t);
	log_info("DHAAD: reply id %u from %s: home agent %s (%zu listed)", m->id,
		 xmip_ip6str(from), xmip_ip6str(&mn->hal.addr[0]), mn->hal.n);
	set_ha(mn, &mn->hal.addr[0]);
	if (mn->where == MN_AWAY && !mn->v4)
		send_bu(mn, &mn->coa, false, false);
}

/*
 * The home agent found by DHAAD refused (status) or stayed silent
 * (timeout): the next one of the reply, DHAAD again, or nothing until the
 * next move (mn_hasel.h says which, and why).
 */
static void ha_failed(struct xmip_mn *mn, bool timeout, uint8_t status)
{
	struct in6_addr old = mn->conf->home_agent, none = IN6ADDR_ANY_INIT;
	const struct in6_addr *next;
	enum xmip_mn_ha_step step = xmip_mn_halist_failed(&mn->hal, mn->conf, timeout, status,
							  &next);
	char why[64];

	if (timeout)
		snprintf(why, sizeof(why), "no BA to %u BUs", mn->ha_tx);
	else
		snprintf(why, sizeof(why), "refused, status %u (%s)", status,
			 xmip_ba_status_name(status));
	switch (step) {
	case XMIP_MN_HA_STAY:
		log_warn("home agent %s: %s, which no other home agent would change; retrying on "
			 "the next move", xmip_ip6str(&old), why);
		return;
	case XMIP_MN_HA_NEXT:
		log_warn("home agent %s: %s; trying the next one of the DHAAD reply, %s "
			 "(RFC 6275 §11.4.1)", xmip_ip6str(&old), why, xmip_ip6str(next));
		set_ha(mn, next);
		send_bu(mn, &mn->coa, false, false);
		return;
	case XMIP_MN_HA_REDISCOVER:
		log_warn("home agent %s: %s; no other home agent left: dynamic home agent address "
			 "discovery again", xmip_ip6str(&old), why);
		set_ha(mn, &none);
		dhaad_start(mn);
		return;
	case XMIP_MN_HA_GIVE_UP:
		log_warn("home agent %s: %s; every home agent of the DHAAD reply refused%s: no "
			 "Binding Update until the next move", xmip_ip6str(&old), why,
			 mn->conf->mobile_router ? " this mobile router (RFC 3963 §5.4)" : "");
		set_ha(mn, &none);
		return;
	}
}

/* §11.4.3: the home prefix as the HA sees it; a home address outside every
 * advertised prefix is logged (this node's home address is configured).
 * Another solicitation when the prefix's valid lifetime runs low. */
static void on_mpa(struct xmip_mn *mn, const struct in6_addr *from,
		   const struct xmip_icmp6_mip *m)
{
	uint32_t valid = 0;
	bool covered = false;

	if (!ha_known(mn) || !xmip_addr_eq(from, &mn->conf->home_agent))
		return;
	if (mn->mps_pending && m->id != mn->mps_id)
		return;
	for (size_t i = 0; i < m->n_prefixes; i++) {
		const struct xmip_mpa_prefix *p = &m->prefixes[i];

		log_info("MPA: prefix %s/%u valid %u s preferred %u s", xmip_ip6str(&p->prefix),
			 p->plen, p->valid_s, p->preferred_s);
		if (p->plen <= 128 && xmip_in_prefix(&mn->conf->self.hoa, &p->prefix, p->plen)) {
			covered = true;
			valid = p->valid_s;
		}
	}
	if (!covered)
		log_warn("MPA from %s: home address %s is in no advertised prefix",
			 xmip_ip6str(from), xmip_ip6str(&mn->conf->self.hoa));
	mn->have_mpa = true;
	mn->mps_pending = false;
	xmip_family_timer_cancel(&mn->mps_t);
	/* Solicit again at nine tenths of the valid lifetime (0xffffffff: infinite). */
	if (covered && valid && valid != 0xffffffffu) {
		mn->mps_pending = true;     /* the next solicitation, on the timer */
		mn->mps_tries = 0;
		mn->mps_id = random_id();
		xmip_family_timer_in_ms(&mn->mps_t, (uint64_t)valid * 900);
	}
}

static void on_icmp(struct xmip_loop *loop, int fd, uint32_t events, void *arg)
{
	struct xmip_mn *mn = arg;

	(void)loop;
	(void)events;
	for (int budget = 0; budget < 32; budget++) {
		static struct xmip_icmp6_mip m;   /* large: not on the stack */
		struct sockaddr_in6 from;
		socklen_t fl = sizeof(from);
		uint8_t buf[1500];
		ssize_t n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
		enum xmip_icmp6_mip_err e;

		if (n < 0)
			return;
		e = xmip_icmp6_mip_parse(buf, (size_t)n, &m);
		if (e != XMIP_ICMP6_MIP_OK) {
			log_debug("ICMPv6 from %s ignored: %s", xmip_ip6str(&from.sin6_addr),
				  xmip_icmp6_mip_strerror(e));
			continue;
		}
		if (m.type == XMIP_ICMP6_HAAD_REPLY)
			on_haad_reply(mn, &from.sin6_addr, &m);
		else if (m.type == XMIP_ICMP6_MPA)
			on_mpa(mn, &from.sin6_addr, &m);
	}
}

static int icmp_open(struct xmip_mn *mn)
{
	static const uint8_t types[] = { XMIP_ICMP6_HAAD_REPLY, XMIP_ICMP6_MPA };
	int fd = xmip_icmp6_socket(types, sizeof(types));

	if (fd < 0)
		return -1;
	if (xmip_loop_add_fd(mn->loop, fd, EPOLLIN, on_icmp, mn)) {
		close(fd);
		return -1;
	}
	mn->icmp = fd;
	return 0;
}

void xmip_mn_ro_learn_report(struct xmip_mn *mn, const struct in6_addr *src,
			     const struct in6_addr *dst)
{
	xmip_mn_ro_learn(mn->ro, src, dst, &mn->conf->home_agent);
}

void xmip_mn_timer(struct xmip_mn *mn, struct xmip_family_timer *t)
{
	if (t->arg)   /* only route optimisation's timers carry an argument */
		xmip_mn_ro_timer(mn->ro, t);
	else if (t == &mn->reeval)
		reevaluate(mn);
	else if (t == &mn->retrans)
		on_retrans(mn);
	else if (t == &mn->refresh)
		on_refresh(mn);
	else if (t == &mn->dhaad_t)
		dhaad_send(mn);
	else if (t == &mn->mps_t)
		mps_send(mn);
}

/*
 * An accepted BA to a BU from the IPv4 CoA: the tunnel mode (UDP when its
 * NAT Detection option's F says so), the NAT keepalive time, and the IPv4
 * home address it acknowledged (RFC 5555 §4.4.2, §3.2.1, §4.3).
 */
static void on_ba4(struct xmip_mn *mn, const struct xmip_mn_ba_result *res)
{
	char txt[INET_ADDRSTRLEN];

	mn->mode = (uint8_t)xmip_mn4_mode(res, mn->conf->dsmip.force_udp);
	mn->keepalive_s = res->keepalive_s;
	log_info("BA: tunnel %s%s, NAT keepalive %s%u s", mn->mode == XMIP_MN_MODE_UDP4 ?
		 "IPv6/IPv4-in-UDP-in-IPv4" : "IPv6/IPv4-in-IPv4",
		 res->has_nat_detect ? "" : " (no NAT Detection option)",
		 res->keepalive_s ? "" : "none, ", res->keepalive_s);
	if (res->has_ipv4_ack) {
		if (res->ipv4_ack_status < 128) {
			set_hoa4(mn, res->ipv4_hoa);
		} else {
			log_warn("BA: IPv4 home address refused, status %u", res->ipv4_ack_status);
			set_hoa4(mn, (struct in_addr){ 0 });
		}
	} else if (mn->conf->dsmip.has_ipv4_hoa) {
		inet_ntop(AF_INET, &mn->conf->dsmip.ipv4_hoa, txt, sizeof(txt));
		log_warn("BA: no IPv4 Address Acknowledgement for %s", txt);
	}
	write_state(mn, true, &mn->coa, mn->coa_ifindex);
	sync_hoa_route4(mn);
}

/*
 * An accepted BA to a MIPv6 BU from an IPv6 CoA that asked for an IPv4 home
 * address (RFC 5555 §4.4.2): on success it goes (stays) on lo and IPv4 from
 * it is tunnelled IPv4-in-IPv6; a refusal, or an HA without DSMIPv6 that
 * sent no Ack, removes it.
 */
static void on_ba6_v4(struct xmip_mn *mn, const struct xmip_mn_ba_result *res)
{
	if (!mn->conf->dsmip.on || !mn->conf->dsmip.has_ipv4_hoa)
		return;
	if (res->has_ipv4_ack && res->ipv4_ack_status < 128) {
		set_hoa4(mn, res->ipv4_hoa);
	} else {
		if (res->has_ipv4_ack)
			log_warn("BA: IPv4 home address refused, status %u", res->ipv4_ack_status);
		else
			log_warn("BA: no IPv4 Address Acknowledgement: no IPv4 home address over "
				 "the IPv6 care-of address");
		set_hoa4(mn, (struct in_addr){ 0 });
	}
	write_state(mn, true, &mn->coa, mn->coa_ifindex);
	sync_hoa_route(mn);
}

/* Readable UDP 4191: a BA from the HA's IPv4 address and port (RFC 5555 §4.2), or
 * what the HA tunnels to the home address that the kernel cannot take: a
 * correspondent's Home Test or BA (route optimisation deleting a binding while
 * the CoA is IPv4, mn_ro.c), for xmip_mn_signal to sort out. */
static void on_udp(struct xmip_loop *loop, int fd, uint32_t events, void *arg)
{
	struct xmip_mn *mn = arg;
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	uint8_t buf[2048];
	struct xmip_pkt p;
	ssize_t n;

	(void)loop;
	(void)events;
	while ((n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl)) >= 0) {
		fl = sizeof(from);
		if (from.sin_family != AF_INET ||
		    from.sin_addr.s_addr != mn->conf->dsmip.home_agent_ipv4.s_addr ||
		    from.sin_port != htons(XMIP_DSMIP_UDP_PORT)) {
			log_debug("UDP 4191 datagram not from the home agent ignored");
			continue;
		}
		if (xmip_pkt_parse(buf, (size_t)n, &p) != XMIP_PARSE_OK ||
		    (p.msg.type != XMIP_MH_BA && p.msg.type != XMIP_MH_HOT) ||
		    p.has_rh2 || p.has_hao) {
			log_debug("UDP 4191 datagram from the home agent is not a BA or HoT: ignored");
			continue;
		}
		xmip_mn_signal(mn, &p);
	}
}

/*
 * When the home registration a BA just accepted ends (xmip_now_ns clock):
 * RFC 6275 §11.7.3 counts the granted lifetime from when the BU was sent,
 * the last one sent (the BA matched its sequence number).
 */
static uint64_t home_expires_ns(const struct xmip_mn *mn, uint32_t granted_s)
{
	uint64_t sent = mn->st.update_ns[(mn->st.update_i + XMIP_MN_MAX_UPDATE_RATE - 1) %
					 XMIP_MN_MAX_UPDATE_RATE];

	if (!sent)
		sent = xmip_now_ns();
	return sent + (uint64_t)granted_s * 1000000000ull;
}

static void on_ba(struct xmip_mn *mn, const struct xmip_pkt *p)
{
	struct xmip_mn_ba_result res = { 0 };
	enum xmip_mn_verdict v = xmip_mn_handle_ba(&mn->st, mn->conf, p, xmip_realtime_ns(), &res);
	const char *why = res.reason ? res.reason : "";
	char ifname[IF_NAMESIZE];

	xmip_mip6_observe_mn_ba(p, v, &res, &mn->st, &mn->conf->self.hoa);
	switch (v) {
	case XMIP_MN_BA_ACCEPTED:
		xmip_family_timer_cancel(&mn->retrans);
		log_info("BA: status %u (%s) seq %u, HoA %s CoA %s, lifetime %u s, refresh in %u s",
			 res.status, xmip_ba_status_name(res.status), p->msg.seq,
			 xmip_ip6str(&mn->conf->self.hoa), xmip_ip6str(&mn->st.reg_coa),
			 res.granted_s, res.refresh_after_s);
		if (mn->where == MN_AWAY && mn->v4)
			on_ba4(mn, &res);
		else if (mn->where == MN_AWAY)
			on_ba6_v4(mn, &res);
		/* RFC 3963 §5.3: without R the HA set up no forwarding for the
		 * mobile network (it treats us as a mobile node). */
		if (mn->conf->mobile_router && !(p->msg.ba_flags & XMIP_BA_F_R))
			log_warn("BA without R: home agent %s forwards nothing to the mobile network",
				 xmip_ip6str(&mn->conf->home_agent));
		/* §11.4.2: learn the home prefix's lifetime once registered. */
		if (mn->where == MN_AWAY && !mn->v4 && !mn->have_mpa && !mn->mps_pending)
			mps_start(mn);
		/* §11.7.2: with the CoA registered, the correspondents. */
		if (mn->where == MN_AWAY && !mn->v4 && xmip_addr_eq(&mn->st.reg_coa, &mn->coa)) {
			xmip_mn_ro_home_expiry(mn->ro, home_expires_ns(mn, res.granted_s));
			xmip_mn_ro_away(mn->ro, &mn->coa, mn->coa_ifindex);
		} else if (mn->where == MN_AWAY && mn->v4) {
			/* RFC 5555 §2.4: none from an IPv4 CoA; stale bindings deleted. */
			xmip_mn_ro_away4(mn->ro, mn->coa_ifindex);
		}
		xmip_family_timer_in_ms(&mn->refresh, (uint64_t)(mn->v4 && mn->keepalive_s &&
								 mn->keepalive_s < res.refresh_after_s ?
								 mn->keepalive_s : res.refresh_after_s) * 1000);
		break;
	case XMIP_MN_BA_DEREGISTERED:
		xmip_family_timer_cancel(&mn->retrans);
		xmip_family_timer_cancel(&mn->refresh);
		log_info("BA: deregistered (seq %u), HoA %s is home", p->msg.seq,
			 xmip_ip6str(&mn->conf->self.hoa));
		/* Take the HoA back from the HA's proxy entry in the neighbours' caches. */
		if (mn->where == MN_HOME && if_indextoname(mn->home_ifindex, ifname))
			xmip_nd_send_unsolicited_na(ifname, &mn->conf->self.hoa);
		/* §11.5.4: and the correspondents that hold a binding of ours. */
		if (mn->where == MN_HOME)
			xmip_mn_ro_home(mn->ro, mn->home_ifindex);
		break;
	case XMIP_MN_BA_RESEND:
		log_info("BA: status %u (%s) seq %u: resynchronised, sending a fresh BU (%s)",
			 res.status, xmip_ba_status_name(res.status), p->msg.seq, why);
		if (mn->st.pending_dereg || mn->where == MN_HOME)
			send_bu(mn, &mn->conf->self.hoa, true, false);
		else if (mn->where == MN_AWAY)
			send_bu_away(mn, false);
		break;
	case XMIP_MN_BA_RESYNC_WAIT:
		log_info("BA: status %u (%s) seq %u: resynchronised again (%s); next BU on the "
			 "retransmission timer", res.status, xmip_ba_status_name(res.status),
			 p->msg.seq, why);
		break;
	case XMIP_MN_BA_REJECTED:
		xmip_family_timer_cancel(&mn->retrans);
		/* Found by DHAAD: perhaps another home agent takes us. */
		if (mn->hal.n && mn->where == MN_AWAY && !mn->v4 && !mn->st.pending_dereg) {
			ha_failed(mn, false, res.status);
			break;
		}
		log_warn("BA: refused, status %u (%s) seq %u, HoA %s CoA %s: %s; retrying on the next move",
			 res.status, xmip_ba_status_name(res.status), p->msg.seq,
			 xmip_ip6str(&mn->conf->self.hoa), xmip_ip6str(&mn->st.pending_coa), why);
		break;
	case XMIP_MN_BA_IGNORE: {
		/* Anyone can send us BAs that we ignore: no log line each. */
		static struct xmip_ratelimit rl = XMIP_RATELIMIT_INIT(10);
		unsigned int more;

		if (xmip_log_ratelimit(&rl, &more))
			log_warn("BA from %s seq %u status %u ignored: %s%s", xmip_ip6str(&p->src),
				 p->msg.seq, p->msg.ba_status, why,
				 more ? " (and earlier ones not logged)" : "");
		break;
	}
	}
}

void xmip_mn_signal(struct xmip_mn *mn, const struct xmip_pkt *p)
{
	/* HoT, CoT, and a correspondent's BA, BE, BRR: route optimisation's. */
	if (xmip_mn_ro_signal(mn->ro, p))
		return;
	if (p->msg.type != XMIP_MH_BA)
		xmip_mip6_observe_mn_msg(p);
	switch (p->msg.type) {
	case XMIP_MH_BA:
		on_ba(mn, p);
		break;
	case XMIP_MH_BE: {
		/* Unauthenticated: anyone can send them, so no log line each. */
		static struct xmip_ratelimit rl = XMIP_RATELIMIT_INIT(10);
		unsigned int more;

		if (xmip_log_ratelimit(&rl, &more))
			log_warn("Binding Error status %u from %s for %s%s", p->msg.be_status,
				 xmip_ip6str(&p->src), xmip_ip6str(&p->msg.be_hoa),
				 more ? " (and earlier ones not logged)" : "");
		break;
	}
	case XMIP_MH_BRR:
		/* The HA asks for a refresh: give it one now. Nobody signs a
		 * BRR, so a flood of them must not become a flood of BUs
		 * (MAX_UPDATE_RATE, RFC 6275 §11.8). */
		if (mn->where == MN_AWAY && !mn->v4 && !mn->st.pending &&
		    xmip_mn_update_allowed(&mn->st, xmip_now_ns())) {
			log_info("Binding Refresh Request from %s", xmip_ip6str(&p->src));
			send_bu(mn, &mn->coa, false, false);
		}
		break;
	default:
		log_debug("MH type %u from %s ignored", p->msg.type, xmip_ip6str(&p->src));
	}
}

/*
 * A mobile router (RFC 3963 §5.5): its datapath tunnels what it forwards
 * from its mobile network prefixes and delivers what the HA tunnels to
 * them (the LPM trie xmip_mnp); its kernel forwards between the mobile
 * network and the tunnel, so IPv6 forwarding is turned on.
 */
static void mr_setup(struct xmip_mn *mn)
{
	const struct xmip_conf *c = mn->conf;
	int rc;

	rc = xmip_nemo_set(mn->maps, c->self.hoa.s6_addr, c->self.mnp, c->self.n_mnp);
	if (rc)
		log_err("mobile network prefixes into the datapath: %s (attach again with this "
			"version)", strerror(-rc));
	xmip_sysctl_ipv6_conf("all", "forwarding", "1");
	log_info("mobile router: %u mobile network prefix(es), %s mode", c->self.n_mnp,
		 c->nemo_explicit ? "explicit" : "implicit");
}

struct xmip_mn *xmip_mn_new(struct xmip_family *f)
{
	struct xmip_mn *mn = calloc(1, sizeof(*mn));
	uint16_t seq = 0;

	if (!mn)
		return NULL;
	mn->f = f;
	mn->loop = f->core->loop;
	mn->conf = f->core->conf;
	mn->maps = f->core->maps;
	mn->raw = f->core->raw;
	mn->nl = f->core->nl;
	xmip_family_timer_init(f, &mn->reeval, NULL);
	xmip_family_timer_init(f, &mn->retrans, NULL);
	xmip_family_timer_init(f, &mn->refresh, NULL);
	xmip_family_timer_init(f, &mn->dhaad_t, NULL);
	xmip_family_timer_init(f, &mn->mps_t, NULL);
	/* A random first sequence number: a restarted MN must not replay old ones. */
	if (getrandom(&seq, sizeof(seq), 0) != sizeof(seq))
		seq = (uint16_t)time(NULL);
	xmip_mn_init(&mn->st, seq);
	mn->ro = xmip_mn_ro_new(f, mn->raw);
	mn->lo_ifindex = if_nametoindex("lo");
	mn->udp = -1;
	mn->icmp = -1;
	if (icmp_open(mn))
		log_warn("no ICMPv6 socket (%s): no home agent discovery, no mobile prefixes",
			 strerror(errno));
	if (!ha_known(mn))
		log_info("no home-agent configured: dynamic home agent address discovery on %s/%u",
			 xmip_ip6str(&mn->conf->home_prefix), mn->conf->home_plen);
	if (mn->conf->mobile_router)
		mr_setup(mn);
	/* Neighbours too: the CoA link's router's MAC goes into xmip_mn_state. */
	mn->mon = xmip_nl_monitor_open_groups(RTMGRP_IPV6_IFADDR | RTMGRP_LINK | RTMGRP_IPV6_ROUTE |
					      RTMGRP_IPV4_IFADDR | RTMGRP_IPV4_ROUTE |
					      RTMGRP_NEIGH);
	if (mn->mon < 0 || !mn->lo_ifindex) {
		log_err("MN sockets: %s", strerror(errno));
		goto fail;
	}
	if (xmip_loop_add_fd(mn->loop, mn->mon, EPOLLIN, on_netlink, mn)) {
		close(mn->mon);
		mn->mon = -1;
		goto fail;
	}
	if (mn->conf->dsmip.on) {
		mn->udp = xmip_mn4_socket();
		if (mn->udp < 0) {
			log_err("UDP port %u for DSMIPv6: %s", XMIP_DSMIP_UDP_PORT, strerror(-mn->udp));
			mn->udp = -1;
			goto fail;
		}
		if (xmip_loop_add_fd(mn->loop, mn->udp, EPOLLIN, on_udp, mn)) {
			close(mn->udp);
			mn->udp = -1;
			goto fail;
		}
	}
	return mn;
fail:
	xmip_mn_free(mn);
	return NULL;
}

/*
 * Restart: the tunnel rule of the CoA xmip_mn_state names, then a first
 * look at the addresses, which takes over the rest (home or away, table
 * 4191) from the kernel as the previous agent left it.
 */
int xmip_mn_adopt(struct xmip_mn *mn)
{
	const struct xmip_conf *conf = mn->conf;

	adopt_tunnel_rule(mn);
	log_info("mobile node %s, HoA %s, home agent %s, %d interface(s)", conf->self.nai,
		 xmip_ip6str(&conf->self.hoa), xmip_ip6str(&conf->home_agent), conf->n_ifs);
	return xmip_family_timer_in_ms(&mn->reeval, 0);
}

void xmip_mn_free(struct xmip_mn *mn)
{
	if (!mn)
		return;
	xmip_family_timer_cancel(&mn->reeval);
	xmip_family_timer_cancel(&mn->retrans);
	xmip_family_timer_cancel(&mn->refresh);
	xmip_family_timer_cancel(&mn->dhaad_t);
	xmip_family_timer_cancel(&mn->mps_t);
	if (mn->icmp >= 0) {
		xmip_loop_del_fd(mn->loop, mn->icmp);
		close(mn->icmp);
	}
	xmip_mn_ro_free(mn->ro);
	if (mn->mon >= 0) {
		xmip_loop_del_fd(mn->loop, mn->mon);
		close(mn->mon);
	}
	if (mn->udp >= 0) {
		xmip_loop_del_fd(mn->loop, mn->udp);
		close(mn->udp);
	}
	free(mn);
}
