// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer harness: Router Advertisements on the HA's home link
 * (xmip_ra_parse, RFC 4861 §6.1.2, RFC 6275 §7.1-§7.4) and the Home
 * Agents List they build (xmip_hal_update, xmip_hal_expire, the DHAAD
 * reply xmip_hal_reply; §10.5.1, §10.5, RFC 3963 §7.2).
 *
 * Input: records until the input ends, each
 *   flags (1: bit 0 source not link-local, bit 1 hop limit 254, bit 2 a
 *   mobile router asks; bit 3 of the first record: this HA serves them), source low octet (1: fe80::X or 2001:db8:1::X),
 *   ifindex (1), seconds since the last record (1), length (2, big
 *   endian), then that many octets of ICMPv6 message (fewer at the end).
 *
 * Properties: nothing read past a message (ASan: each is copied to a
 * buffer of its own length), no undefined behaviour (UBSan),
 * deterministic parse; what parses came from a link-local source with
 * hop limit 255, is type 134 code 0 of at least 16 octets, with the
 * Home Agent Information option only under H, and each router address
 * is in a Prefix Information option with R on the wire; the list never
 * holds an expired entry after xmip_hal_expire, its addresses are in the
 * home prefix, unicast routable, never ours, never twice in one entry;
 * a reply holds each address once, ours whenever a mobile node asks,
 * and nothing but ours, the peers' and listed addresses.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "addr.h"
#include "dhaad.h"
#include "ha_list.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static bool on_wire_with_r(const uint8_t *m, size_t len, const struct in6_addr *a)
{
	for (size_t off = 16; off + 32 <= len; off += 8)
		if (m[off] == 3 && m[off + 1] == 4 && (m[off + 3] & 0x20) &&
		    !memcmp(m + off + 16, a, 16))
			return true;
	return false;
}

static bool listed(const struct xmip_hal *l, const struct xmip_conf *c, const struct in6_addr *a)
{
	if (xmip_addr_eq(a, &c->address))
		return true;
	for (size_t i = 0; i < c->n_peer_has; i++)
		if (xmip_addr_eq(a, &c->peer_has[i].addr))
			return true;
	for (size_t i = 0; i < XMIP_HAL_MAX; i++)
		for (size_t j = 0; l->e[i].used && j < l->e[i].n_addrs; j++)
			if (xmip_addr_eq(a, &l->e[i].addrs[j].addr))
				return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xmip_hal hal;
	static struct xmip_conf conf;
	struct in6_addr out[XMIP_HAAD_MAX_ADDRS];
	uint64_t now = 1000ull * 1000000000ull;

	memset(&hal, 0, sizeof(hal));
	memset(&conf, 0, sizeof(conf));
	inet_pton(AF_INET6, "2001:db8:1::2", &conf.address);
	inet_pton(AF_INET6, "2001:db8:1::", &conf.home_prefix);
	conf.home_plen = 64;
	conf.ha_preference = 20;
	conf.mobile_routers = size && (data[0] & 8);   /* the first record's bit 3 */
	inet_pton(AF_INET6, "2001:db8:1::3", &conf.peer_has[0].addr);
	conf.peer_has[0].preference = 5;
	conf.n_peer_has = 1;

	while (size >= 6) {
		uint8_t flags = data[0];
		struct in6_addr src;
		uint32_t ifindex = data[2];
		size_t len = (size_t)data[4] << 8 | data[5], n;
		struct xmip_ra ra, again;
		enum xmip_ra_err e;
		uint8_t *msg;
		bool r;

		inet_pton(AF_INET6, flags & 1 ? "2001:db8:1::" : "fe80::", &src);
		src.s6_addr[15] = data[1];
		now += (uint64_t)data[3] * 1000000000ull;
		data += 6;
		size -= 6;
		if (len > size)
			len = size;
		msg = malloc(len ? len : 1);
		CHECK(msg);
		memcpy(msg, data, len);
		data += len;
		size -= len;

		e = xmip_ra_parse(msg, len, &src, flags & 2 ? 254 : 255, &ra);
		CHECK(xmip_ra_parse(msg, len, &src, flags & 2 ? 254 : 255, &again) == e &&
		      !memcmp(&ra, &again, sizeof(ra)));
		if (e == XMIP_RA_OK) {
			CHECK(!(flags & 3) && len >= 16 && msg[0] == 134 && msg[1] == 0);
			CHECK(!ra.has_hai || ra.h);
			CHECK(ra.n_router_addrs <= XMIP_RA_MAX_ROUTER_ADDRS);
			for (size_t i = 0; i < ra.n_router_addrs; i++)
				CHECK(on_wire_with_r(msg, len, &ra.router_addrs[i].addr));
			xmip_hal_update(&hal, &conf, &ra, ifindex, now);
		}
		free(msg);

		xmip_hal_expire(&hal, now);
		for (size_t i = 0; i < XMIP_HAL_MAX; i++) {
			const struct xmip_hal_entry *x = &hal.e[i];

			if (!x->used)
				continue;
			CHECK(x->expires_ns > now && x->n_addrs <= XMIP_HAL_MAX_ADDRS);
			for (size_t j = 0; j < x->n_addrs; j++) {
				CHECK(x->addrs[j].expires_ns > now);
				CHECK(!xmip_addr_not_routable(&x->addrs[j].addr));
				CHECK(xmip_in_prefix(&x->addrs[j].addr, &conf.home_prefix, 64));
				CHECK(!xmip_addr_eq(&x->addrs[j].addr, &conf.address));
				for (size_t k = 0; k < j; k++)
					CHECK(!xmip_addr_eq(&x->addrs[j].addr, &x->addrs[k].addr));
			}
		}
		n = xmip_hal_reply(&hal, &conf, flags & 4, flags, now, out, XMIP_HAAD_MAX_ADDRS, &r);
		CHECK(n >= 1 && n <= XMIP_HAAD_MAX_ADDRS);
		CHECK(!r || (flags & 4));
		for (size_t i = 0; i < n; i++) {
			CHECK(listed(&hal, &conf, &out[i]));
			for (size_t k = 0; k < i; k++)
				CHECK(!xmip_addr_eq(&out[i], &out[k]));
		}
		if (!(flags & 4)) {
			bool self = false;

			for (size_t i = 0; i < n; i++)
				self |= xmip_addr_eq(&out[i], &conf.address);
			CHECK(self);
		}
	}
	return 0;
}
