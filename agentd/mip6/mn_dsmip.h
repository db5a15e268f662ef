/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * DSMIPv6 mobile node helpers (RFC 5555 §4.4; mn_dsmip.c): the IPv4 care-of
 * address, the IPv4 router's MAC, the UDP 4191 socket, and the tunnel
 * mode a Binding Acknowledgement chose.
 */
#ifndef XMIP_MN_DSMIP_H
#define XMIP_MN_DSMIP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "mn_policy.h"
#include "xmip_maps.h"

/* Overheads of the outer headers (IPv4 20, + UDP 8): the HoA's route MTU. */
#define XMIP_MN4_OVERHEAD_IPV4 20u
#define XMIP_MN4_OVERHEAD_UDP4 28u

/* UDP socket bound to 0.0.0.0:4191, non-blocking: fd or -errno. */
int xmip_mn4_socket(void);

/*
 * The IPv4 care-of address: the first configured interface (up, running)
 * with a usable IPv4 address (not 0/8, 127/8, 169.254/16, multicast, nor
 * hoa4). 0, or -ENOENT.
 */
int xmip_mn4_find_coa(const struct xmip_conf *conf, struct in_addr hoa4, struct in_addr *coa4,
		      uint32_t *ifindex);

/*
 * The MAC of ifname's IPv4 default router, from the texts of
 * /proc/net/route and /proc/net/arp (NUL-terminated): 0, -ENOENT (no
 * default router there), -EAGAIN (not resolved yet).
 */
int xmip_mn4_gateway_parse(const char *route_text, const char *arp_text, const char *ifname,
			   uint8_t mac[6]);
int xmip_mn4_gateway_mac(uint32_t ifindex, uint8_t mac[6]);

/* The tunnel mode an accepted BA chose (res from xmip_mn_handle_ba). */
enum xmip_mn_mode xmip_mn4_mode(const struct xmip_mn_ba_result *res, bool force_udp);

#endif /* XMIP_MN_DSMIP_H */
