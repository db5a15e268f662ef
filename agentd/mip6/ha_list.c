// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The Home Agents List from Router Advertisements (see ha_list.h). */
#include "ha_list.h"

#include <string.h>

#include "addr.h"
#include "dhaad.h"

#define RA_HDR    16     /* type, code, checksum, hop limit, flags, lifetime, two timers */
#define PI_LEN    32
#define HAI_LEN   8
#define NS_PER_S  1000000000ull
#define INFINITE  0xffffffffu

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

const char *xmip_ra_strerror(enum xmip_ra_err e)
{
	switch (e) {
	case XMIP_RA_OK:            return "ok";
	case XMIP_RA_NOT_RA:        return "not a Router Advertisement";
	case XMIP_RA_BAD_HOP_LIMIT: return "hop limit not 255";
	case XMIP_RA_BAD_SOURCE:    return "source not link-local";
	case XMIP_RA_BAD_CODE:      return "code not 0";
	case XMIP_RA_TRUNCATED:     return "shorter than 16 octets";
	case XMIP_RA_BAD_OPTION:    return "option of length 0 or past the end";
	case XMIP_RA_BAD_HA_INFO:   return "Home Agent Information option not 8 octets";
	}
	return "?";
}

static bool is_link_local(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80;
}

enum xmip_ra_err xmip_ra_parse(const uint8_t *icmp, size_t len, const struct in6_addr *src,
			       int hop_limit, struct xmip_ra *out)
{
	const uint8_t *hai = NULL;
	size_t pos = RA_HDR;

	memset(out, 0, sizeof(*out));
	if (len < 1 || icmp[0] != XMIP_ND_RA)
		return XMIP_RA_NOT_RA;
	/* RFC 4861 §6.1.2, in its order. */
	if (!is_link_local(src))
		return XMIP_RA_BAD_SOURCE;
	if (hop_limit != 255)
		return XMIP_RA_BAD_HOP_LIMIT;
	if (len < 2 || icmp[1] != 0)
		return len < 2 ? XMIP_RA_TRUNCATED : XMIP_RA_BAD_CODE;
	if (len < RA_HDR)
		return XMIP_RA_TRUNCATED;
	out->src = *src;
	out->h = icmp[5] & XMIP_RA_F_H;
	out->router_lifetime_s = rd16(icmp + 6);
	while (pos < len) {
		const uint8_t *o = icmp + pos;
		size_t olen;

		if (len - pos < 2 || o[1] == 0)
			return XMIP_RA_BAD_OPTION;
		olen = (size_t)o[1] * 8;
		if (olen > len - pos)
			return XMIP_RA_BAD_OPTION;
		if (o[0] == XMIP_ND_OPT_HA_INFO && !hai) {
			/* §7.4: "The value of this field MUST be 1." A longer
			 * one may carry anything: the RA is not used. */
			if (olen != HAI_LEN)
				return XMIP_RA_BAD_HA_INFO;
			hai = o;
		} else if (o[0] == XMIP_ND_OPT_PREFIX_INFO && olen == PI_LEN &&
			   (o[3] & XMIP_PI_F_R) && o[2] <= 128 &&
			   out->n_router_addrs < XMIP_RA_MAX_ROUTER_ADDRS) {
			size_t i = out->n_router_addrs++;

			memcpy(out->router_addrs[i].addr.s6_addr, o + 16, 16);
			out->router_addrs[i].plen = o[2];
			out->router_addrs[i].valid_s = rd32(o + 4);
		}
		pos += olen;
	}
	/* §7.4: the option "MUST NOT be included" without H: ignored then. */
	if (hai && out->h) {
		out->has_hai = true;
		out->ha_mr = hai[2] & XMIP_HAI_F_R;
		out->ha_preference = rd16(hai + 4);
		out->ha_lifetime_s = rd16(hai + 6);
	}
	return XMIP_RA_OK;
}

static struct xmip_hal_entry *find(struct xmip_hal *l, const struct in6_addr *ll,
				   uint32_t ifindex)
{
	for (size_t i = 0; i < XMIP_HAL_MAX; i++)
		if (l->e[i].used && l->e[i].ifindex == ifindex && xmip_addr_eq(&l->e[i].ll, ll))
			return &l->e[i];
	return NULL;
}

static void drop_addr(struct xmip_hal_entry *e, size_t i)
{
	e->addrs[i] = e->addrs[--e->n_addrs];
}

/* §7.2: "The router IP address has the same scope and conforms to the
 * same lifetime values as the advertised prefix." */
static void merge_addr(struct xmip_hal_entry *e, const struct in6_addr *a, uint32_t valid_s,
		       uint64_t now_ns)
{
	uint64_t exp = valid_s == INFINITE ? UINT64_MAX : now_ns + (uint64_t)valid_s * NS_PER_S;

	for (size_t i = 0; i < e->n_addrs; i++) {
		if (!xmip_addr_eq(&e->addrs[i].addr, a))
			continue;
		if (valid_s == 0)
			drop_addr(e, i);
		else
			e->addrs[i].expires_ns = exp;
		return;
	}
	if (valid_s == 0 || e->n_addrs >= XMIP_HAL_MAX_ADDRS)
		return;
	e->addrs[e->n_addrs].addr = *a;
	e->addrs[e->n_addrs++].expires_ns = exp;
}

enum xmip_hal_change xmip_hal_update(struct xmip_hal *l, const struct xmip_conf *conf,
				     const struct xmip_ra *ra, uint32_t ifindex, uint64_t now_ns)
{
	struct xmip_hal_entry *e = find(l, &ra->src, ifindex);
	enum xmip_hal_change ch = XMIP_HAL_UPDATED;
	uint16_t lifetime = ra->has_hai ? ra->ha_lifetime_s : ra->router_lifetime_s;

	for (size_t i = 0; i < ra->n_router_addrs; i++)
		if (xmip_addr_eq(&ra->router_addrs[i].addr, &conf->address))
			return XMIP_HAL_SELF;
	/* §10.5.1: "If the Home Agent (H) bit ... is not set, delete the
	 * sending node's entry"; so does a lifetime of zero. */
	if (!ra->h || lifetime == 0) {
		if (!e)
			return XMIP_HAL_NONE;
		memset(e, 0, sizeof(*e));
		return XMIP_HAL_DELETED;
	}
	if (!e) {
		for (size_t i = 0; i < XMIP_HAL_MAX && !e; i++)
			if (!l->e[i].used)
				e = &l->e[i];
		if (!e)
			return XMIP_HAL_FULL;
		memset(e, 0, sizeof(*e));
		e->used = true;
		e->ll = ra->src;
		e->ifindex = ifindex;
		ch = XMIP_HAL_ADDED;
	}
	/* §10.5.1: preference from the option, else 0. */
	e->preference = ra->has_hai ? ra->ha_preference : 0;
	e->mr = ra->has_hai && ra->ha_mr;
	e->expires_ns = now_ns + (uint64_t)lifetime * NS_PER_S;
	/* Listed only where a mobile node of our home prefix may register:
	 * unicast routable and inside the home prefix (an RA on the home
	 * link cannot send our mobile nodes anywhere else). */
	for (size_t i = 0; i < ra->n_router_addrs; i++) {
		const struct in6_addr *a = &ra->router_addrs[i].addr;

		if (xmip_addr_not_routable(a) ||
		    !xmip_in_prefix(a, &conf->home_prefix, conf->home_plen))
			continue;
		merge_addr(e, a, ra->router_addrs[i].valid_s, now_ns);
	}
	return ch;
}

size_t xmip_hal_expire(struct xmip_hal *l, uint64_t now_ns)
{
	size_t n = 0;

	for (size_t i = 0; i < XMIP_HAL_MAX; i++) {
		struct xmip_hal_entry *e = &l->e[i];

		if (!e->used)
			continue;
		if (e->expires_ns <= now_ns) {
			memset(e, 0, sizeof(*e));
			n++;
			continue;
		}
		for (size_t j = e->n_addrs; j-- > 0;)
			if (e->addrs[j].expires_ns <= now_ns)
				drop_addr(e, j);
	}
	return n;
}

struct cand {
	struct in6_addr addr;
	int32_t         pref;
	bool            mr;
};

static size_t cand_find(const struct cand *c, size_t n, const struct in6_addr *a)
{
	for (size_t i = 0; i < n; i++)
		if (xmip_addr_eq(&c[i].addr, a))
			return i;
	return n;
}

size_t xmip_hal_reply(const struct xmip_hal *l, const struct xmip_conf *conf, bool want_mr,
		      uint32_t rnd, uint64_t now_ns, struct in6_addr *out, size_t cap, bool *r)
{
	struct cand c[XMIP_HAL_MAX_CANDIDATES];
	int32_t pref[XMIP_HAL_MAX_CANDIDATES];
	size_t idx[XMIP_HAL_MAX_CANDIDATES], n = 0, n_peers, k = 0, n_mr = 0;

	c[n++] = (struct cand){ conf->address, conf->ha_preference, conf->mobile_routers };
	/* Configured peers: taken to be configured like this HA. */
	for (size_t i = 0; i < conf->n_peer_has; i++)
		if (cand_find(c, n, &conf->peer_has[i].addr) == n)
			c[n++] = (struct cand){ conf->peer_has[i].addr, conf->peer_has[i].preference,
						conf->mobile_routers };
	n_peers = n;
	for (size_t i = 0; i < XMIP_HAL_MAX; i++) {
		const struct xmip_hal_entry *e = &l->e[i];

		if (!e->used || e->expires_ns <= now_ns)
			continue;
		for (size_t j = 0; j < e->n_addrs; j++) {
			size_t at;

			if (e->addrs[j].expires_ns <= now_ns)
				continue;
			at = cand_find(c, n, &e->addrs[j].addr);
			if (at == 0)            /* ourselves: our own preference stands */
				continue;
			if (at < n_peers) {     /* a configured peer, advertising now */
				c[at].pref = e->preference;
				c[at].mr = e->mr;
				continue;
			}
			if (at < n)             /* the same address from two senders: first wins */
				continue;
			c[n++] = (struct cand){ e->addrs[j].addr, e->preference, e->mr };
		}
	}
	for (size_t i = 0; i < n; i++)
		n_mr += c[i].mr;
	/* RFC 3963 §7.2: a mobile router's request gets the agents serving
	 * routers, R set; when none does, the others, R clear. */
	*r = want_mr && n_mr > 0;
	for (size_t i = 0; i < n; i++) {
		if (*r && !c[i].mr)
			continue;
		pref[k] = c[i].pref;
		idx[k] = k;
		c[k++] = c[i];
	}
	xmip_haad_order(pref, idx, k, rnd);
	if (k > cap)
		k = cap;
	for (size_t i = 0; i < k; i++)
		out[i] = c[idx[i]].addr;
	return k;
}
