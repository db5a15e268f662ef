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

static const struct xmip_conf_key mip6_keys[] = {
	{ "max-lifetime",   HA, 0,  false, set_max_lifetime },
	{ "mesg-id-window", HA, 0,  false, set_mesg_id_window },
	{ "dad-transmits",  HA, 0,  false, set_dad_transmits },
	{ "dad-retrans-ms", HA, 0,  false, set_dad_retrans_ms },
	{ "link-local-compat", MN, 0, false, set_link_local_compat },
	{ "home-address",   MN, MN, false, set_self_hoa },
	{ "home-agent",     MN, MN, false, set_home_agent },
	{ "lifetime",       MN, 0,  false, set_lifetime },
	{ "nai",            MN, MN, false, set_nai },
	{ "spi",            MN, MN, false, set_self_spi },
	{ "key",            MN, MN, false, set_self_key },
};

static void mip6_defaults(struct xmip_conf *c)
{
	c->max_lifetime_s = 600;
	c->mesg_id_window_s = 7;
	c->dad_transmits = 1;          /* RFC 4862 §5.1 DupAddrDetectTransmits */
	c->dad_retrans_ms = 1000;      /* RFC 4861 §10 RETRANS_TIMER */
	c->lifetime_s = 60;
}

/* A home address outside the home prefix can never be defended on the home link. */
static int mip6_finish(struct xmip_conf_parser *p, struct xmip_conf *c)
{
	if (c->role == XMIP_ROLE_MN &&
	    !xmip_in_prefix(&c->self.hoa, &c->home_prefix, c->home_plen))
		return xmip_conf_fail(p, xmip_conf_key_line(p, &xmip_conf_mip6, 0, "home-address"),
				      "home-address is not inside home-prefix");
	for (size_t i = 0; c->role == XMIP_ROLE_HA && i < c->n_mns; i++)
		if (!xmip_in_prefix(&c->mns[i].hoa, &c->home_prefix, c->home_plen))
			return xmip_conf_fail(p, xmip_conf_section_line(p, &xmip_conf_mn, i),
					      "[mn %s]: home-address is not inside home-prefix",
					      c->mns[i].nai);
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

static const struct xmip_conf_key mn_keys[] = {
	{ "home-address", HA, HA, false, set_mn_hoa },
	{ "spi",          HA, HA, false, set_mn_spi },
	{ "key",          HA, HA, false, set_mn_key },
	{ "ipv4-home-address", HA, 0, false, xmip_conf_set_mn_ipv4_hoa },  /* conf_dsmip.c */
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

/* Two nodes with one home address: the HA could not tell whose BU it is. */
static int mn_close(struct xmip_conf_parser *p, struct xmip_conf *c, size_t n)
{
	const struct xmip_mn_entry *e = &c->mns[n];

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
