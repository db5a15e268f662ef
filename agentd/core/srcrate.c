// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Overall and per-source rate limits of what the agent sends back (see srcrate.h). */
#include "srcrate.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define NSEC_PER_SEC 1000000000ULL

void xmip_gcra_init(struct xmip_gcra *g, uint32_t per_sec, uint32_t burst)
{
	g->tat_ns = 0;
	g->interval_ns = NSEC_PER_SEC / (per_sec ? per_sec : 1);
	g->tau_ns = (uint64_t)(burst ? burst - 1 : 0) * g->interval_ns;
}

static bool take(uint64_t *tat_ns, uint64_t interval, uint64_t tau, uint64_t now)
{
	uint64_t tat = *tat_ns > now ? *tat_ns : now;

	if (tat - now > tau)
		return false;
	*tat_ns = tat + interval;
	return true;
}

bool xmip_gcra_take(struct xmip_gcra *g, uint64_t now_ns)
{
	return take(&g->tat_ns, g->interval_ns, g->tau_ns, now_ns);
}

int xmip_srcrate_init(struct xmip_srcrate *r, size_t n_slots, uint32_t per_sec, uint32_t burst)
{
	size_t n = 1;
	struct xmip_gcra g;

	while (n < n_slots)
		n <<= 1;
	memset(r, 0, sizeof(*r));
	r->slots = calloc(n, sizeof(*r->slots));
	if (!r->slots)
		return -ENOMEM;
	r->n = n;
	xmip_gcra_init(&g, per_sec, burst);
	r->interval_ns = g.interval_ns;
	r->tau_ns = g.tau_ns;
	return 0;
}

void xmip_srcrate_free(struct xmip_srcrate *r)
{
	free(r->slots);
	memset(r, 0, sizeof(*r));
}

void xmip_srcrate_key(const struct in6_addr *src, uint8_t key[16])
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

	memcpy(key, src->s6_addr, 16);
	if (memcmp(key, mapped, sizeof(mapped)))
		memset(key + 8, 0, 8);          /* IPv6: the /64 */
}

bool xmip_srcrate_take(struct xmip_srcrate *r, const struct in6_addr *src, uint64_t now_ns)
{
	struct xmip_srcrate_slot *s;
	uint8_t key[16];
	uint32_t h = 2166136261u;   /* FNV-1a */

	if (!r->slots)
		return true;
	xmip_srcrate_key(src, key);
	for (int i = 0; i < 16; i++)
		h = (h ^ key[i]) * 16777619u;
	s = &r->slots[h & (r->n - 1)];
	if (!s->used || memcmp(s->key, key, 16)) {
		memcpy(s->key, key, 16);
		s->used = true;
		s->tat_ns = 0;
	}
	return take(&s->tat_ns, r->interval_ns, r->tau_ns, now_ns);
}
