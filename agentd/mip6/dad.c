// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Duplicate Address Detection on behalf of a mobile node (see dad.h). */
#include "dad.h"

#include <string.h>

#include "addr.h"

void xmip_dad_init(struct xmip_dad *d, const struct in6_addr *hoa, bool link_local,
		   uint32_t transmits, uint32_t retrans_ms,
		   const uint8_t nonce[XMIP_ND_NONCE_LEN])
{
	memset(d, 0, sizeof(*d));
	d->target[0] = *hoa;
	d->n_targets = 1;
	if (link_local) {
		xmip_addr_link_local_of(hoa, &d->target[1]);
		d->n_targets = 2;
	}
	memcpy(d->nonce, nonce, XMIP_ND_NONCE_LEN);
	d->transmits = transmits ? transmits : 1;
	d->retrans_ms = retrans_ms;
	d->state = XMIP_DAD_RUNNING;
}

bool xmip_dad_tick(struct xmip_dad *d)
{
	if (d->state != XMIP_DAD_RUNNING)
		return false;
	if (d->sent < d->transmits) {
		d->sent++;
		return true;
	}
	/* retrans_ms after the last probe and nobody answered (RFC 4862 §5.4). */
	d->state = XMIP_DAD_FREE;
	return false;
}

static int target_index(const struct xmip_dad *d, const struct in6_addr *a)
{
	for (unsigned int i = 0; i < d->n_targets; i++)
		if (xmip_addr_eq(&d->target[i], a))
			return (int)i;
	return -1;
}

bool xmip_dad_concerns(const struct xmip_dad *d, const struct xmip_nd_msg *m)
{
	return target_index(d, &m->target) >= 0;
}

bool xmip_dad_rx(struct xmip_dad *d, const struct xmip_nd_msg *m)
{
	static const struct in6_addr any;
	int i = target_index(d, &m->target);

	if (d->state != XMIP_DAD_RUNNING || i < 0)
		return false;
	if (m->type == XMIP_ND_NS) {
		/* §5.4.3: only another node's DAD probe (source ::) counts; an
		 * NS from a unicast source is address resolution. Our own probe
		 * coming back carries our nonce (RFC 7527 §4.2). */
		if (!xmip_addr_eq(&m->src, &any))
			return false;
		if (m->has_nonce && !memcmp(m->nonce, d->nonce, XMIP_ND_NONCE_LEN))
			return false;
	}
	/* §5.4.4: any NA for the target means it is someone's. */
	d->state = XMIP_DAD_IN_USE;
	d->link_local_in_use = i == 1;
	return true;
}
