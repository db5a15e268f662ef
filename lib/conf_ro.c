// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Route optimisation's keys: [ro] of a correspondent node (role cn) and of
 * a mobile node (role mn: its configured correspondents, whether it learns
 * others from its traffic, and whether it is a correspondent itself for its
 * home address: accept-bindings, with the CN's keys). The CN's own address
 * is the instance's `address`, the MN's its `home-address`; everything
 * here has a default, so neither needs an [ro].
 */
#include "conf_section.h"

#include <arpa/inet.h>
#include <string.h>

#include "xmip_ro.h"

#define CN XMIP_ROLE_BIT(XMIP_ROLE_CN)
#define MN XMIP_ROLE_BIT(XMIP_ROLE_MN)

static int set_max_lifetime(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	/* RFC 6275 §5.2.6: RR bindings MUST NOT exceed MAX_RR_BINDING_LIFETIME. */
	return xmip_conf_u32(p, key, val, 4, XMIP_MAX_RR_BINDING_LIFETIME,
			     &((struct xmip_conf *)t)->ro.max_lifetime_s);
}

static int set_nonce_interval(struct xmip_conf_parser *p, void *t, const char *key,
			      const char *val)
{
	/* §5.2.7: a nonce should stay usable MAX_TOKEN_LIFETIME (210 s) after its
	 * first use and MUST NOT past MAX_NONCE_LIFETIME (240 s): a new one at
	 * least every 30 s keeps both. */
	return xmip_conf_u32(p, key, val, 1, 30, &((struct xmip_conf *)t)->ro.nonce_interval_s);
}

static int set_nonce_lifetime(struct xmip_conf_parser *p, void *t, const char *key,
			      const char *val)
{
	return xmip_conf_u32(p, key, val, 2, XMIP_MAX_NONCE_LIFETIME,
			     &((struct xmip_conf *)t)->ro.nonce_lifetime_s);
}

static int set_brr_lead(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return xmip_conf_u32(p, key, val, 0, XMIP_MAX_RR_BINDING_LIFETIME,
			     &((struct xmip_conf *)t)->ro.brr_lead_s);
}

static int set_rr_rate(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return xmip_conf_u32(p, key, val, 1, 1000000, &((struct xmip_conf *)t)->ro.rr_rate);
}

static int set_be_rate(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return xmip_conf_u32(p, key, val, 1, 100000, &((struct xmip_conf *)t)->ro.be_rate);
}

/* MN: correspondent = ADDRESS, repeatable (RFC 6275 §11.7.2). */
static int set_correspondent(struct xmip_conf_parser *p, void *t, const char *key,
			     const char *val)
{
	struct xmip_ro_conf *ro = &((struct xmip_conf *)t)->ro;
	int line = xmip_conf_cur_line(p);
	struct in6_addr a;

	if (inet_pton(AF_INET6, val, &a) != 1 || IN6_IS_ADDR_UNSPECIFIED(&a) ||
	    IN6_IS_ADDR_MULTICAST(&a) || IN6_IS_ADDR_LINKLOCAL(&a) || IN6_IS_ADDR_LOOPBACK(&a) ||
	    IN6_IS_ADDR_V4MAPPED(&a))
		return xmip_conf_fail(p, line, "%s: '%s' is not a unicast routable IPv6 address",
				      key, val);
	for (unsigned i = 0; i < ro->n_correspondents; i++)
		if (!memcmp(&ro->correspondents[i], &a, sizeof(a)))
			return xmip_conf_fail(p, line, "%s: %s given twice", key, val);
	if (ro->n_correspondents >= XMIP_RO_MAX_CORRESPONDENTS)
		return xmip_conf_fail(p, line, "%s: more than %d correspondents", key,
				      XMIP_RO_MAX_CORRESPONDENTS);
	ro->correspondents[ro->n_correspondents++] = a;
	return 0;
}

static int set_learn(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return xmip_conf_bool(p, key, val, &((struct xmip_conf *)t)->ro.learn);
}

static int set_learn_max(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return xmip_conf_u32(p, key, val, 1, XMIP_RO_MAX_LEARNT,
			     &((struct xmip_conf *)t)->ro.learn_max);
}

static int set_learn_idle(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	/* At least the datapath's usage granularity (1 s) times a few sweeps. */
	return xmip_conf_u32(p, key, val, 5, 86400, &((struct xmip_conf *)t)->ro.learn_idle_s);
}

static int set_learn_hold(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return xmip_conf_u32(p, key, val, 1, 86400, &((struct xmip_conf *)t)->ro.learn_hold_s);
}

/* MN: accept-bindings = yes|no, a correspondent for its home address (§8.2). */
static int set_accept(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return xmip_conf_bool(p, key, val, &((struct xmip_conf *)t)->ro.accept_bindings);
}

static const struct xmip_conf_key keys[] = {
	{ "max-lifetime",   CN | MN, 0, false, set_max_lifetime },
	{ "nonce-interval", CN | MN, 0, false, set_nonce_interval },
	{ "nonce-lifetime", CN | MN, 0, false, set_nonce_lifetime },
	{ "brr-lead",       CN | MN, 0, false, set_brr_lead },
	{ "rr-rate",        CN | MN, 0, false, set_rr_rate },
	{ "be-rate",        CN | MN, 0, false, set_be_rate },
	{ "accept-bindings", MN, 0, false, set_accept },
	{ "correspondent",  MN, 0, true,  set_correspondent },
	{ "learn-correspondents", MN, 0, false, set_learn },
	{ "learn-max",      MN, 0, false, set_learn_max },
	{ "learn-idle",     MN, 0, false, set_learn_idle },
	{ "learn-hold-down", MN, 0, false, set_learn_hold },
};

static void defaults(struct xmip_conf *c)
{
	c->ro.max_lifetime_s = XMIP_MAX_RR_BINDING_LIFETIME;
	c->ro.nonce_interval_s = 30;
	c->ro.nonce_lifetime_s = XMIP_MAX_NONCE_LIFETIME;
	c->ro.brr_lead_s = 10;
	c->ro.rr_rate = 100;
	c->ro.be_rate = 10;
	c->ro.learn = false;
	c->ro.learn_max = 64;
	c->ro.learn_idle_s = 120;
	c->ro.learn_hold_s = 600;
	/* RFC 6275 §8.2: route optimisation "SHOULD be enabled" by default. */
	c->ro.accept_bindings = true;
}

static int finish(struct xmip_conf_parser *p, struct xmip_conf *c)
{
	int line;

	if (c->role != XMIP_ROLE_CN && c->role != XMIP_ROLE_MN)
		return 0;
	if (c->ro.nonce_lifetime_s < c->ro.nonce_interval_s) {
		line = xmip_conf_key_line(p, &xmip_conf_ro, 0, "nonce-lifetime");
		return xmip_conf_fail(p, line ? line : xmip_conf_key_line(p, &xmip_conf_ro, 0,
									"nonce-interval"),
				      "[ro]: nonce-lifetime (%u s) is shorter than nonce-interval (%u s)",
				      c->ro.nonce_lifetime_s, c->ro.nonce_interval_s);
	}
	if (c->role == XMIP_ROLE_MN)
		return 0;   /* its home address, checked by [mn]'s own rules */
	/* The CN's address is what bindings are authorised for (§6.2.7). */
	if (IN6_IS_ADDR_UNSPECIFIED(&c->address) || IN6_IS_ADDR_MULTICAST(&c->address) ||
	    IN6_IS_ADDR_LINKLOCAL(&c->address) || IN6_IS_ADDR_LOOPBACK(&c->address))
		return xmip_conf_fail(p, xmip_conf_key_line(p, &xmip_conf_instance, 0, "address"),
				      "address: a correspondent needs a unicast routable address");
	return 0;
}

const struct xmip_conf_section xmip_conf_ro = {
	.name     = "ro",
	.roles    = CN | MN,
	.keys     = keys,
	.n_keys   = sizeof(keys) / sizeof(keys[0]),
	.defaults = defaults,
	.finish   = finish,
};
