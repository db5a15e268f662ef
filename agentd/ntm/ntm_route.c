// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "ntm_route.h"

#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

#include "ntm_crypto.h"

bool xmip_ntm_reachable(const struct xmip_ntm_side *s)
{
	return !s->gn && !(s->flags & (XMIP_NTM_F_NAT | XMIP_NTM_F_UNREACHABLE));
}

void xmip_ntm_decide(const struct xmip_ntm_side *req, const struct xmip_ntm_side *tgt,
		     uint32_t relay_modes, struct xmip_ntm_decision *d)
{
	memset(d, 0, sizeof(*d));
	if (tgt->gn) {
		d->mode = XMIP_NTM_MODE_RS_N;
		d->requester_initiates = true;
	} else if (xmip_ntm_addr_is_v4(req->ep.addr) != xmip_ntm_addr_is_v4(tgt->ep.addr)) {
		/* an IPv4-only end and an IPv6-only one: only a dual-stack relay joins them */
		d->mode = XMIP_NTM_MODE_RS_S;
		d->requester_initiates = d->target_initiates = true;
	} else if (xmip_ntm_reachable(tgt)) {
		d->mode = XMIP_NTM_MODE_DIRECT;
		d->requester_initiates = true;
	} else if (xmip_ntm_reachable(req)) {
		d->mode = XMIP_NTM_MODE_DIRECT;
		d->target_initiates = true;
	} else {
		d->mode = XMIP_NTM_MODE_RS_S;
		d->requester_initiates = d->target_initiates = true;
	}
	if ((d->mode == XMIP_NTM_MODE_RS_S && !(relay_modes & XMIP_NTM_RELAY_MODE_S)) ||
	    (d->mode == XMIP_NTM_MODE_RS_N && !(relay_modes & XMIP_NTM_RELAY_MODE_N)))
		d->status = XMIP_NTM_ERR_NO_RELAY;
}

int xmip_ntm_path_id(uint8_t mode, uint32_t *id)
{
	do {
		if (xmip_ntm_random(id, sizeof(*id)))
			return -1;
		if (mode == XMIP_NTM_MODE_RS_N)
			*id |= XMIP_NTM_PATH_RSN_BIT;
		else
			*id &= ~XMIP_NTM_PATH_RSN_BIT;
	} while (*id == 0);
	return 0;
}

/* ---- pools ---- */

void xmip_ntm_pool_init(struct xmip_ntm_pool *p, const uint8_t p4[4], uint8_t plen4,
			const uint8_t p6[16], uint8_t plen6)
{
	memset(p, 0, sizeof(*p));
	memcpy(p->p4, p4, 4);
	p->plen4 = plen4;
	memcpy(p->p6, p6, 16);
	p->plen6 = plen6;
}

void xmip_ntm_pool_free(struct xmip_ntm_pool *p)
{
	free(p->e);
	p->e = NULL;
	p->n = p->cap = 0;
}

/* Host numbers we use: v4 1 .. 2^h - 2; v6 1 .. 2^min(h, 24) - 1 (the low bits only). */
static uint32_t hosts4(const struct xmip_ntm_pool *p)
{
	return (uint32_t)((1ull << (32 - p->plen4)) - 2);
}

static uint32_t hosts6(const struct xmip_ntm_pool *p)
{
	unsigned h = 128u - p->plen6;

	return (uint32_t)((1ull << (h < 24 ? h : 24)) - 1);
}

static void addr4(const struct xmip_ntm_pool *p, uint32_t host, uint8_t out[4])
{
	uint32_t net = (uint32_t)p->p4[0] << 24 | (uint32_t)p->p4[1] << 16 |
		       (uint32_t)p->p4[2] << 8 | p->p4[3];
	uint32_t a = net | host;

	out[0] = (uint8_t)(a >> 24);
	out[1] = (uint8_t)(a >> 16);
	out[2] = (uint8_t)(a >> 8);
	out[3] = (uint8_t)a;
}

static void addr6(const struct xmip_ntm_pool *p, uint32_t host, uint8_t out[16])
{
	memcpy(out, p->p6, 16);
	out[13] |= (uint8_t)(host >> 16);
	out[14] |= (uint8_t)(host >> 8);
	out[15] |= (uint8_t)host;
}

static bool used4(const struct xmip_ntm_pool *p, const uint8_t a[4])
{
	for (size_t i = 0; i < p->n; i++)
		if (!memcmp(p->e[i].v4, a, 4))
			return true;
	return false;
}

static bool used6(const struct xmip_ntm_pool *p, const uint8_t a[16])
{
	for (size_t i = 0; i < p->n; i++)
		if (!memcmp(p->e[i].v6, a, 16))
			return true;
	return false;
}

static int add(struct xmip_ntm_pool *p, const char *name, const uint8_t v4[4], const uint8_t v6[16])
{
	if (strlen(name) >= sizeof(p->e[0].name))
		return -1;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct xmip_ntm_vip *e = realloc(p->e, cap * sizeof(*e));

		if (!e)
			return -1;
		p->e = e;
		p->cap = cap;
	}
	memset(&p->e[p->n], 0, sizeof(p->e[0]));
	strcpy(p->e[p->n].name, name);
	memcpy(p->e[p->n].v4, v4, 4);
	memcpy(p->e[p->n].v6, v6, 16);
	p->n++;
	return 0;
}

int xmip_ntm_pool_get(struct xmip_ntm_pool *p, const char *name, uint8_t v4[4], uint8_t v6[16])
{
	uint8_t d[SHA256_DIGEST_LENGTH];
	uint32_t h, n4 = hosts4(p), n6 = hosts6(p), i;

	for (size_t k = 0; k < p->n; k++)
		if (strcmp(p->e[k].name, name) == 0) {
			memcpy(v4, p->e[k].v4, 4);
			memcpy(v6, p->e[k].v6, 16);
			return 0;
		}
	if (p->n >= n4 || p->n >= n6)
		return -1;
	SHA256((const uint8_t *)name, strlen(name), d);
	h = (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
	/* first free host number at or after the hash, in each family */
	for (i = 0; i < n4; i++) {
		addr4(p, 1 + (h + i) % n4, v4);
		if (!used4(p, v4))
			break;
	}
	for (i = 0; i < n6; i++) {
		addr6(p, 1 + (h + i) % n6, v6);
		if (!used6(p, v6))
			break;
	}
	return add(p, name, v4, v6) ? -1 : 1;
}

int xmip_ntm_pool_restore(struct xmip_ntm_pool *p, const char *name, const uint8_t v4[4],
			  const uint8_t v6[16])
{
	uint8_t net4[4], tmp[16];
	unsigned b;

	memcpy(net4, v4, 4);
	for (b = p->plen4; b < 32; b++)
		net4[b / 8] &= (uint8_t)~(0x80 >> (b % 8));
	memcpy(tmp, v6, 16);
	for (b = p->plen6; b < 128; b++)
		tmp[b / 8] &= (uint8_t)~(0x80 >> (b % 8));
	if (memcmp(net4, p->p4, 4) || memcmp(tmp, p->p6, 16) || used4(p, v4) || used6(p, v6))
		return -1;
	for (size_t k = 0; k < p->n; k++)
		if (strcmp(p->e[k].name, name) == 0)
			return -1;
	return add(p, name, v4, v6);
}
