// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Mobile IPv6's keys: flat (as in files written before sections existed)
 * or in [mip6]; and on the HA one [mn NAI] section per mobile node it
 * serves, with that node's RFC 4285 MN-HA security association.
 */
#include "conf_section.h"

#include <stdlib.h>
#include <string.h>

#include "addr.h"

#define HA XMIP_ROLE_BIT(XMIP_ROLE_HA)
#define MN XMIP_ROLE_BIT(XMIP_ROLE_MN)

#define LIFETIME_MAX_S  (65535u * 4) /* MH lifetime field: 16 bits of 4 s units */
#define SPI_RESERVED    256          /* RFC 4285: SPIs 0-255 are reserved */

/* ---- the keys of one MN-HA association: the MN's own, or a [mn NAI] entry ---- */

static int set_hoa(struct xmip_conf_parser *p, struct xmip_mn_entry *e, const char *key,
		   const char *val)
{
	return xmip_conf_addr6(p, key, val, &e->hoa);
}

static int set_spi(struct xmip_conf_parser *p, struct xmip_mn_entry *e, const char *key,
		   const char *val)
{
	if (xmip_conf_u32(p, key, val, 0, UINT32_MAX, &e->spi))
		return -1;
	if (e->spi < SPI_RESERVED)
		return xmip_conf_fail(p, xmip_conf_cur_line(p),
				      "%s: %u is reserved (RFC 4285: use 256 or above)", key, e->spi);
	return 0;
}

static int set_key(struct xmip_conf_parser *p, struct xmip_mn_entry *e, const char *key,
		   const char *val)
{
	return xmip_conf_hex(p, key, val, e->key, sizeof(e->key), &e->key_len);
}

/* RFC 3963 §4.3: a mobile network prefix, unicast routable, at most
 * XMIP_CONF_MAX_MNP of them per router. */
static int add_mnp(struct xmip_conf_parser *p, struct xmip_mn_entry *e, const char *key,
		   const char *val)
{
	struct xmip_mnp m;

	if (xmip_conf_prefix6(p, key, val, &m.prefix, &m.plen))
		return -1;
	if (xmip_addr_not_routable(&m.prefix))
		return xmip_conf_fail(p, xmip_conf_cur_line(p),
				      "%s: '%s' is not a unicast routable prefix", key, val);
	if (e->n_mnp >= XMIP_CONF_MAX_MNP)
		return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: more than %d prefixes", key,
				      XMIP_CONF_MAX_MNP);
	e->mnp[e->n_mnp++] = m;
	return 0;
}

/* ---- flat keys and [mip6] ---- */

/* 4 s .. 65535 x 4 s: what the Mobility Header's 16-bit lifetime field can say. */
static int lifetime_value(struct xmip_conf_parser *p, const char *key, const char *val,
			  uint32_t *out)
{
	if (xmip_conf_u32(p, key, val, 0, UINT32_MAX, out))
		return -1;
	if (*out < 4 || *out > LIFETIME_MAX_S)
		return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: %u s is beyond what a Binding "
				      "Update can carry: 4..%u s (16 bits in units of 4 s, RFC 6275 "
				      "§6.1.7)", key, *out, LIFETIME_MAX_S);
	return 0;
}

static int set_max_lifetime(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return lifetime_value(p, key, val, &((struct xmip_conf *)t)->max_lifetime_s);
}

static int set_mesg_id_window(struct xmip_conf_parser *p, void *t, const char *key,
			      const char *val)
{
	return xmip_conf_u32(p, key, val, 0, 3600, &((struct xmip_conf *)t)->mesg_id_window_s);
}

/*
 * Duplicate Address Detection before a first home registration (RFC 6275
 * §10.3.1 with RFC 4862 §5.4): DupAddrDetectTransmits probes, RetransTimer
 * apart (RFC 4861 §10: 1000 ms by default; an RA may advertise another).
 * 0 transmits turns DAD off, as RFC 4862 §5.1 allows for a host, though
 * RFC 6275 §10.3.1 says a home agent MUST perform it.
 */
static int set_dad_transmits(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return xmip_conf_u32(p, key, val, 0, 10, &((struct xmip_conf *)t)->dad_transmits);
}

static int set_dad_retrans_ms(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return xmip_conf_u32(p, key, val, 100, 60000, &((struct xmip_conf *)t)->dad_retrans_ms);
}

static int set_link_local_compat(struct xmip_conf_parser *p, void *t, const char *key,
				 const char *val)
{
	return xmip_conf_bool(p, key, val, &((struct xmip_conf *)t)->link_local_compat);
}

static int set_home_agent(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return xmip_conf_addr6(p, key, val, &((struct xmip_conf *)t)->home_agent);
}

static int set_lifetime(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return lifetime_value(p, key, val, &((struct xmip_conf *)t)->lifetime_s);
}

static int set_nai(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	struct xmip_conf *c = t;

	if (strlen(val) > XMIP_CONF_MAX_NAI)
		return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: longer than %d octets", key,
				      XMIP_CONF_MAX_NAI);
	strcpy(c->self.nai, val);
	return 0;
}

static int set_self_hoa(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return set_hoa(p, &((struct xmip_conf *)t)->self, key, val);
}

static int set_self_spi(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return set_spi(p, &((struct xmip_conf *)t)->self, key, val);
}

static int set_self_key(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return set_key(p, &((struct xmip_conf *)t)->self, key, val);
}

static int set_mobile_routers(struct xmip_conf_parser *p, void *t, const char *key,
			      const char *val)
{
	return xmip_conf_bool(p, key, val, &((struct xmip_conf *)t)->mobile_routers);
}

/* RFC 6275 §7.4: Home Agent Preference, a signed 16-bit integer; we take 0..32767. */
static int set_ha_preference(struct xmip_conf_parser *p, void *t, const char *key,
			     const char *val)
{
	uint32_t v;

	if (xmip_conf_u32(p, key, val, 0, 32767, &v))
		return -1;
	((struct xmip_conf *)t)->ha_preference = (int32_t)v;
	return 0;
}

/* peer-home-agent = ADDRESS [PREFERENCE]: another home agent on the home
 * link that DHAAD replies list (RFC 6275 §10.5). */
static int add_peer_ha(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	struct xmip_conf *c = t;
	char addr[INET6_ADDRSTRLEN + 1];
	const char *sp = strpbrk(val, " \t");
	size_t n = sp ? (size_t)(sp - val) : strlen(val);
	struct xmip_peer_ha h = { .preference = 0 };
	uint32_t pref = 0;

	if (c->n_peer_has >= XMIP_CONF_MAX_PEER_HA)
		return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: more than %d home agents",
				      key, XMIP_CONF_MAX_PEER_HA);
	if (n == 0 || n >= sizeof(addr))
		return xmip_conf_fail(p, xmip_conf_cur_line(p),
				      "%s: expected ADDRESS [PREFERENCE]", key);
	memcpy(addr, val, n);
	addr[n] = '\0';
	if (xmip_conf_addr6(p, key, addr, &h.addr))
		return -1;
	if (sp) {
		while (*sp == ' ' || *sp == '\t')
			sp++;
		if (*sp && xmip_conf_u32(p, key, sp, 0, 32767, &pref))
			return -1;
	}
	h.preference = (int32_t)pref;
	c->peer_has[c->n_peer_has++] = h;
	return 0;
}

static int set_mobile_router(struct xmip_conf_parser *p, void *t, const char *key,
			     const char *val)
{
	return xmip_conf_bool(p, key, val, &((struct xmip_conf *)t)->mobile_router);
}

static int set_nemo_mode(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	struct xmip_conf *c = t;

	if (strcmp(val, "explicit") == 0)
		c->nemo_explicit = true;
	else if (strcmp(val, "implicit") == 0)
		c->nemo_explicit = false;
	else
		return xmip_conf_fail(p, xmip_conf_cur_line(p),
				      "%s: '%s' is not explicit or implicit (RFC 3963 §5.2)", key, val);
	return 0;
}

static int set_self_mnp(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return add_mnp(p, &((struct xmip_conf *)t)->self, key, val);
}

static const struct xmip_conf_key mip6_keys[] = {
	{ "max-lifetime",   HA, 0,  false, set_max_lifetime },
	{ "mesg-id-window", HA, 0,  false, set_mesg_id_window },
	{ "dad-transmits",  HA, 0,  false, set_dad_transmits },
	{ "dad-retrans-ms", HA, 0,  false, set_dad_retrans_ms },
	{ "link-local-compat", MN, 0, false, set_link_local_compat },
	{ "home-address",   MN, MN, false, set_self_hoa },
	{ "home-agent",     MN, 0,  false, set_home_agent },   /* unset: DHAAD */
	{ "lifetime",       MN, 0,  false, set_lifetime },
	{ "nai",            MN, MN, false, set_nai },
	{ "spi",            MN, MN, false, set_self_spi },
	{ "key",            MN, MN, false, set_self_key },
	/* NEMO (RFC 3963) and home agent discovery (RFC 6275 §10.5) */
	{ "mobile-routers", HA, 0,  false, set_mobile_routers },
	{ "home-agent-preference", HA, 0, false, set_ha_preference },
	{ "peer-home-agent", HA, 0, true, add_peer_ha },
	{ "mobile-router",  MN, 0,  false, set_mobile_router },
	{ "nemo-mode",      MN, 0,  false, set_nemo_mode },
	{ "mobile-network-prefix", MN, 0, true, set_self_mnp },
};

static void mip6_defaults(struct xmip_conf *c)
{
	c->max_lifetime_s = 600;
	c->mesg_id_window_s = 7;
	c->dad_transmits = 1;          /* RFC 4862 §5.1 DupAddrDetectTransmits */
	c->dad_retrans_ms = 1000;      /* RFC 4861 §10 RETRANS_TIMER */
	c->lifetime_s = 60;
	c->mobile_routers = true;
	c->nemo_explicit = true;
}

/* RFC 3963: a mobile network prefix inside the home prefix would be
 * forwarded on the home link, not to the router. */
static int check_mnps(struct xmip_conf_parser *p, const struct xmip_conf *c,
		      const struct xmip_mn_entry *e, int line)
{
	for (unsigned i = 0; i < e->n_mnp; i++) {
		unsigned short_len = e->mnp[i].plen < c->home_plen ? e->mnp[i].plen : c->home_plen;

		if (xmip_in_prefix(&e->mnp[i].prefix, &c->home_prefix, short_len))
			return xmip_conf_fail(p, line, "mobile-network-prefix overlaps home-prefix");
	}
	return 0;
}

/* A home address outside the home prefix can never be defended on the home link. */
static int mip6_finish(struct xmip_conf_parser *p, struct xmip_conf *c)
{
	if (c->role == XMIP_ROLE_MN &&
	    !xmip_in_prefix(&c->self.hoa, &c->home_prefix, c->home_plen))
		return xmip_conf_fail(p, xmip_conf_key_line(p, &xmip_conf_mip6, 0, "home-address"),
				      "home-address is not inside home-prefix");
	if (c->role == XMIP_ROLE_MN &&
	    check_mnps(p, c, &c->self, xmip_conf_key_line(p, &xmip_conf_mip6, 0,
							   "mobile-network-prefix")))
		return -1;
	if (c->role == XMIP_ROLE_MN && c->mobile_router && c->nemo_explicit && !c->self.n_mnp)
		return xmip_conf_fail(p, xmip_conf_key_line(p, &xmip_conf_mip6, 0, "mobile-router"),
				      "mobile-router in explicit nemo-mode needs a "
				      "mobile-network-prefix (RFC 3963 §5.2)");
	for (size_t i = 0; c->role == XMIP_ROLE_HA && i < c->n_mns; i++) {
		if (!xmip_in_prefix(&c->mns[i].hoa, &c->home_prefix, c->home_plen))
			return xmip_conf_fail(p, xmip_conf_section_line(p, &xmip_conf_mn, i),
					      "[mn %s]: home-address is not inside home-prefix",
					      c->mns[i].nai);
		if (check_mnps(p, c, &c->mns[i], xmip_conf_section_line(p, &xmip_conf_mn, i)))
			return -1;
	}
	return 0;
}

const struct xmip_conf_section xmip_conf_mip6 = {
	.name     = "mip6",
	.flat     = true,
	.roles    = HA | MN,
	.keys     = mip6_keys,
	.n_keys   = sizeof(mip6_keys) / sizeof(mip6_keys[0]),
	.defaults = mip6_defaults,
	.finish   = mip6_finish,
};

/* ---- [mn NAI]: a mobile node the HA serves ---- */

static int set_mn_hoa(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return set_hoa(p, t, key, val);
}

static int set_mn_spi(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return set_spi(p, t, key, val);
}

static int set_mn_key(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return set_key(p, t, key, val);
}

static int set_mn_mnp(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return add_mnp(p, t, key, val);
}

static const struct xmip_conf_key mn_keys[] = {
	{ "home-address", HA, HA, false, set_mn_hoa },
	{ "spi",          HA, HA, false, set_mn_spi },
	{ "key",          HA, HA, false, set_mn_key },
	{ "ipv4-home-address", HA, 0, false, xmip_conf_set_mn_ipv4_hoa },  /* conf_dsmip.c */
	{ "mobile-network-prefix", HA, 0, true, set_mn_mnp },             /* RFC 3963 §6.1.2 */
};

static int mn_open(struct xmip_conf_parser *p, struct xmip_conf *c, const char *nai, size_t n)
{
	int line = xmip_conf_cur_line(p);
	struct xmip_mn_entry *mns;

	if (strpbrk(nai, " \t"))
		return xmip_conf_fail(p, line, "[mn NAI]: expected one NAI such as mn1@example.org");
	if (strlen(nai) > XMIP_CONF_MAX_NAI)
		return xmip_conf_fail(p, line, "[mn %s]: NAI longer than %d octets", nai,
				      XMIP_CONF_MAX_NAI);
	for (size_t i = 0; i < c->n_mns; i++)
		if (strcmp(c->mns[i].nai, nai) == 0)
			return xmip_conf_fail(p, line, "[mn %s]: section is already defined at line %d",
					      nai, xmip_conf_section_line(p, &xmip_conf_mn, i));
	mns = realloc(c->mns, (n + 1) * sizeof(*mns));
	if (!mns)
		return xmip_conf_fail(p, line, "out of memory");
	c->mns = mns;
	memset(&mns[n], 0, sizeof(mns[0]));
	strcpy(mns[n].nai, nai);
	c->n_mns = n + 1;
	return 0;
}

static void *mn_target(struct xmip_conf *c, size_t n)
{
	return &c->mns[n];
}

/* Two nodes with one home address: the HA could not tell whose BU it is.
 * Two routers with overlapping prefixes: the prefix table (RFC 3963
 * §6.1.2) could not tell whose packets they are. */
static int mn_close(struct xmip_conf_parser *p, struct xmip_conf *c, size_t n)
{
	const struct xmip_mn_entry *e = &c->mns[n];

	for (size_t i = 0; i < n; i++)
		for (unsigned a = 0; a < e->n_mnp; a++)
			for (unsigned b = 0; b < c->mns[i].n_mnp; b++) {
				const struct xmip_mnp *x = &e->mnp[a], *y = &c->mns[i].mnp[b];
				unsigned l = x->plen < y->plen ? x->plen : y->plen;

				if (xmip_in_prefix(&x->prefix, &y->prefix, l))
					return xmip_conf_fail(p, xmip_conf_section_line(p, &xmip_conf_mn, n),
							      "[mn %s]: mobile-network-prefix overlaps one of [mn %s]",
							      e->nai, c->mns[i].nai);
			}
	for (size_t i = 0; i < n; i++)
		if (xmip_addr_eq(&c->mns[i].hoa, &e->hoa))
			return xmip_conf_fail(p, xmip_conf_key_line(p, &xmip_conf_mn, n, "home-address"),
					      "[mn %s]: home-address is already used by [mn %s] (line %d)",
					      e->nai, c->mns[i].nai,
					      xmip_conf_section_line(p, &xmip_conf_mn, i));
	return 0;
}

static void mn_free(struct xmip_conf *c)
{
	free(c->mns);
	c->mns = NULL;
	c->n_mns = 0;
}

const struct xmip_conf_section xmip_conf_mn = {
	.name     = "mn",
	.arg_name = "NAI",
	.roles    = HA,
	.keys     = mn_keys,
	.n_keys   = sizeof(mn_keys) / sizeof(mn_keys[0]),
	.open     = mn_open,
	.target   = mn_target,
	.close    = mn_close,
	.free     = mn_free,
};

const struct xmip_mn_entry *xmip_conf_find_mn(const struct xmip_conf *conf,
					       const struct in6_addr *hoa)
{
	for (size_t i = 0; i < conf->n_mns; i++)
		if (xmip_addr_eq(&conf->mns[i].hoa, hoa))
			return &conf->mns[i];
	return NULL;
}
