// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The mobile node's choice among the home agents of a DHAAD reply (see mn_hasel.h). */
#include "mn_hasel.h"

#include <string.h>

#include "addr.h"
#include "xmip_wire.h"

size_t xmip_mn_halist_set(struct xmip_mn_halist *l, const struct in6_addr *addrs, size_t n)
{
	memset(l, 0, sizeof(*l));
	for (size_t i = 0; i < n && l->n < XMIP_HAAD_MAX_ADDRS; i++) {
		bool dup = false;

		if (xmip_addr_not_routable(&addrs[i]))
			continue;
		for (size_t j = 0; j < l->n && !dup; j++)
			dup = xmip_addr_eq(&l->addr[j], &addrs[i]);
		if (!dup)
			l->addr[l->n++] = addrs[i];
	}
	return l->n;
}

const struct in6_addr *xmip_mn_halist_current(const struct xmip_mn_halist *l)
{
	return l->cur < l->n ? &l->addr[l->cur] : NULL;
}

bool xmip_mn_refusal_try_other(uint8_t status, const struct xmip_conf *conf)
{
	if (status < 128)
		return false;
	switch (status) {
	case XMIP_BA_DAD_FAILED:
	case XMIP_BA_REG_TYPE_CHANGE:
	case XMIP_BA_SEQ_OUT_OF_WINDOW:
	case XMIP_BA_MIPV6_ID_MISMATCH:
	case XMIP_BA_MIPV6_MESG_ID_REQD:
		return false;
	case XMIP_BA_INVALID_PREFIX:
	case XMIP_BA_NOT_AUTHORIZED_FOR_PREFIX:
		/* RFC 3963 §5.4.1: fatal in implicit mode; §5.4.2: another HA. */
		return !conf->mobile_router || conf->nemo_explicit;
	case XMIP_BA_FORWARDING_SETUP_FAILED:
		/* §5.4.2: fatal in explicit mode; §5.4.1: another HA. */
		return !conf->mobile_router || !conf->nemo_explicit;
	default:
		return true;
	}
}

enum xmip_mn_ha_step xmip_mn_halist_failed(struct xmip_mn_halist *l, const struct xmip_conf *conf,
					   bool timeout, uint8_t status,
					   const struct in6_addr **next)
{
	bool silent;

	*next = NULL;
	if (l->cur >= l->n)
		return XMIP_MN_HA_REDISCOVER;
	if (!timeout && !xmip_mn_refusal_try_other(status, conf))
		return XMIP_MN_HA_STAY;
	l->silent |= timeout;
	if (++l->cur < l->n) {
		*next = &l->addr[l->cur];
		return XMIP_MN_HA_NEXT;
	}
	/* Used up: an empty list, so that the next attempt asks again. */
	silent = l->silent;
	memset(l, 0, sizeof(*l));
	return silent ? XMIP_MN_HA_REDISCOVER : XMIP_MN_HA_GIVE_UP;
}

const char *xmip_mn_ha_step_name(enum xmip_mn_ha_step s)
{
	switch (s) {
	case XMIP_MN_HA_STAY:       return "stay";
	case XMIP_MN_HA_NEXT:       return "next home agent";
	case XMIP_MN_HA_REDISCOVER: return "home agent discovery again";
	case XMIP_MN_HA_GIVE_UP:    return "give up until the next move";
	}
	return "?";
}
