// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* A mobile router's policy rules while away (mn_nemo.h). */
#include "mn_nemo.h"

#include <linux/rtnetlink.h>

#include "log.h"
#include "netlink.h"

void xmip_mn_nemo_rules(int nl, const struct xmip_conf *conf, uint32_t table, uint32_t pref,
			bool add)
{
	const struct xmip_mn_entry *self = &conf->self;
	static bool said;

	if (!conf->mobile_router)
		return;
	for (unsigned int i = 0; i < self->n_mnp; i++) {
		struct xmip_mnp p = self->mnp[i];

		for (unsigned int bit = p.plen; bit < 128; bit++)   /* the kernel wants no host bits */
			p.prefix.s6_addr[bit / 8] &= (uint8_t)~(0x80 >> (bit % 8));
		/* Inside first: a rule "from" alone would tunnel the router's
		 * own answers to its hosts and traffic between its links. */
		xmip_nl_rule6(nl, NULL, 0, &p.prefix, p.plen, RT_TABLE_MAIN, pref - 1, add);
		xmip_nl_rule6(nl, &p.prefix, p.plen, NULL, 0, table, pref, add);
	}
	if (add != said && self->n_mnp)
		log_info("mobile router: %u mobile network prefix(es) %s table %u by policy", self->n_mnp,
			 add ? "routed from through" : "no longer routed from through", table);
	said = add;
}
