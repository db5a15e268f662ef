/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Unsolicited Neighbour Advertisement (RFC 4861 §7.2.6, RFC 6275 §10.4.1,
 * §11.5.4): tells the routers and hosts of a link which MAC now answers
 * for an address: the HA's for a HoA it just took over, the MN's own
 * when it comes home.
 */
#ifndef XMIP_ND_H
#define XMIP_ND_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Send one NA to ff02::1 on ifname: hop limit 255, Override set, Router
 * and Solicited clear, target = target, Target Link-Layer Address option =
 * the interface's MAC. Returns 0 or -errno (logged).
 */
int xmip_nd_send_unsolicited_na(const char *ifname, const struct in6_addr *target);

/* The ICMPv6 body of that NA (without checksum; the kernel fills it). For tests. */
size_t xmip_nd_build_na(uint8_t *buf, size_t cap, const struct in6_addr *target,
			const uint8_t mac[6]);

#endif /* XMIP_ND_H */
