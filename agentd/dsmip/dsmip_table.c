// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The HA's DSMIPv6 bindings and IPv4 home address pool (dsmip_table.h). */
#include "dsmip_table.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

int xmip_dsmip_table_init(struct xmip_dsmip_table *t, size_t cap)
{
	memset(t, 0, sizeof(*t));
	t->b = calloc(cap ? cap : 1, sizeof(*t->b));
	if (!t->b)
		return -1;
	t->cap = cap ? cap : 1;
	return 0;
}

void xmip_dsmip_table_free(struct xmip_dsmip_table *t)
{
	free(t->b);
	memset(t, 0, sizeof(*t));
}

struct xmip_dsmip_binding *xmip_dsmip_find_hoa(const struct xmip_dsmip_table *t,
					       const void *hoa16)
{
	for (size_t i = 0; i < t->n; i++)
		if (memcmp(t->b[i].hoa, hoa16, 16) == 0)
			return &t->b[i];
	return NULL;
}

struct xmip_dsmip_binding *xmip_dsmip_find_observed(const struct xmip_dsmip_table *t,
						    const void *addr16, uint16_t port)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->b[i].observed_port == port && memcmp(t->b[i].observed_addr, addr16, 16) == 0)
			return &t->b[i];
	return NULL;
}

struct xmip_dsmip_binding *xmip_dsmip_find_ipv4_hoa(const struct xmip_dsmip_table *t,
						    struct in_addr a)
{
	uint8_t m[16];

	xmip_v4_mapped(a, m);
	for (size_t i = 0; i < t->n; i++)
		if ((t->b[i].flags & XMIP_DSMIP_B_IPV4_HOA) && memcmp(t->b[i].ipv4_hoa, m, 16) == 0)
			return &t->b[i];
	return NULL;
}

int xmip_dsmip_put(struct xmip_dsmip_table *t, const struct xmip_dsmip_binding *b)
{
	struct xmip_dsmip_binding *cur = xmip_dsmip_find_hoa(t, b->hoa);

	if (!cur) {
		if (t->n == t->cap)
			return -1;
		cur = &t->b[t->n++];
	}
	*cur = *b;
	return 0;
}

bool xmip_dsmip_del(struct xmip_dsmip_table *t, const void *hoa16)
{
	struct xmip_dsmip_binding *cur = xmip_dsmip_find_hoa(t, hoa16);

	if (!cur)
		return false;
	*cur = t->b[--t->n];
	return true;
}

static uint32_t pool_mask(uint8_t plen)
{
	return plen >= 32 ? 0xffffffffu : ~(0xffffffffu >> plen);
}

bool xmip_dsmip_in_pool(const struct xmip_conf *conf, struct in_addr a)
{
	const struct xmip_dsmip_conf *d = &conf->dsmip;

	return d->has_pool && (ntohl(a.s_addr) & pool_mask(d->pool_plen)) == ntohl(d->pool.s_addr);
}

static bool is_static(const struct xmip_conf *conf, struct in_addr a)
{
	for (size_t i = 0; i < conf->n_mns; i++)
		if (conf->mns[i].has_ipv4_hoa && conf->mns[i].ipv4_hoa.s_addr == a.s_addr)
			return true;
	return a.s_addr == conf->dsmip.ipv4_address.s_addr;
}

int xmip_dsmip_pool_pick(const struct xmip_conf *conf, const struct xmip_dsmip_table *t,
			 const void *hoa16, struct in_addr *out)
{
	const struct xmip_dsmip_conf *d = &conf->dsmip;
	const struct xmip_dsmip_binding *own = xmip_dsmip_find_hoa(t, hoa16);
	uint32_t base, size, first, last;

	if (!d->has_pool)
		return -1;
	if (own && (own->flags & XMIP_DSMIP_B_DYNAMIC)) {
		*out = xmip_v4_of_mapped(own->ipv4_hoa);
		return 0;
	}
	base = ntohl(d->pool.s_addr);
	size = d->pool_plen >= 32 ? 1 : 1u << (32 - d->pool_plen);
	first = size >= 4 ? 1 : 0;                  /* no network ... */
	last = size >= 4 ? size - 2 : size - 1;     /* ... or broadcast address */
	for (uint32_t i = first; i <= last; i++) {
		struct in_addr a = { .s_addr = htonl(base + i) };

		if (!xmip_v4_unicast(a) || is_static(conf, a) || xmip_dsmip_find_ipv4_hoa(t, a))
			continue;
		*out = a;
		return 0;
	}
	return -1;
}

void xmip_v4_mapped(struct in_addr a, void *out16)
{
	uint8_t *o = out16;

	memset(o, 0, 10);
	o[10] = o[11] = 0xff;
	memcpy(o + 12, &a.s_addr, 4);
}

bool xmip_is_v4_mapped(const void *a16)
{
	static const uint8_t pfx[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	return memcmp(a16, pfx, 12) == 0;
}

struct in_addr xmip_v4_of_mapped(const void *a16)
{
	struct in_addr a;

	memcpy(&a.s_addr, (const uint8_t *)a16 + 12, 4);
	return a;
}

bool xmip_v4_unicast(struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);

	return (h >> 24) != 0 && (h >> 24) != 127 && h < 0xe0000000u;
}
