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
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Send one NA to ff02::1 on ifname: hop limit 255, Override set, Router
 * and Solicited clear, target = target, Target Link-Layer Address option =
 * the interface's MAC. Returns 0 or -errno (logged).
 */
int xmip_nd_send_unsolicited_na(const char *ifname, const struct in6_addr *target);
/* The same with the Router flag set: for a mobile router's home address
 * (RFC 3963 §6.2: the proxy NA says what the router would say at home). */
int xmip_nd_send_unsolicited_na_router(const char *ifname, const struct in6_addr *target);

/* The ICMPv6 body of that NA (without checksum; the kernel fills it). For tests. */
size_t xmip_nd_build_na(uint8_t *buf, size_t cap, const struct in6_addr *target,
			const uint8_t mac[6]);

/* ---- Duplicate Address Detection on behalf of a mobile node (RFC 4862 §5.4) ---- */

#define XMIP_ND_NS          135
#define XMIP_ND_NA          136
#define XMIP_ND_NONCE_LEN   6      /* RFC 7527 Nonce option, the shortest */

/* A received Neighbor Solicitation or Advertisement, checked as RFC 4861
 * §7.1.1 / §7.1.2 say a node must before acting on it. */
struct xmip_nd_msg {
	uint8_t         type;          /* XMIP_ND_NS or XMIP_ND_NA */
	struct in6_addr src, dst;      /* IPv6 header */
	struct in6_addr target;
	uint8_t         na_flags;      /* NA: R 0x80, S 0x40, O 0x20 */
	bool            has_nonce;     /* NS: Nonce option (RFC 7527) */
	uint8_t         nonce[XMIP_ND_NONCE_LEN];
	bool            has_lladdr;    /* Source/Target Link-Layer Address option */
};

/*
 * Parse the ICMPv6 message icmp[0..len) that came from src to dst with
 * hop_limit. 0 and *out filled for a valid NS or NA; -1 for anything else
 * (other types, hop limit not 255, code not 0, too short, a multicast
 * target, an option of length 0 or past len, a DAD NS (from ::) not to a
 * solicited-node address or with a source link-layer address, a multicast
 * NA with S set). Never reads past len.
 */
int xmip_nd_parse(const uint8_t *icmp, size_t len, const struct in6_addr *src,
		  const struct in6_addr *dst, uint8_t hop_limit, struct xmip_nd_msg *out);

/*
 * A DAD probe for target (RFC 4862 §5.4.2), a whole IPv6 packet for the
 * raw socket: source ::, destination the target's solicited-node address,
 * hop limit 255, NS with a Nonce option (RFC 7527: our own probe looped
 * back is told from another node's probe by it). Returns the length or 0.
 */
size_t xmip_nd_build_dad_ns(uint8_t *buf, size_t cap, const struct in6_addr *target,
			    const uint8_t nonce[XMIP_ND_NONCE_LEN]);

/*
 * A raw ICMPv6 socket that receives Neighbor Solicitations and
 * Advertisements (ICMP6_FILTER), with their destination, arrival interface
 * and hop limit. fd or -errno.
 */
int xmip_nd_listen_open(void);
/* Join or leave a multicast group (a solicited-node address) on ifindex. 0 or -errno. */
int xmip_nd_listen_group(int fd, uint32_t ifindex, const struct in6_addr *group, bool join);
/* One message: 1 (*out, *ifindex filled), 2 one read that is no valid NS/NA (read on),
 * 0 nothing waiting, or -errno. */
int xmip_nd_listen_recv(int fd, struct xmip_nd_msg *out, uint32_t *ifindex);

#endif /* XMIP_ND_H */
