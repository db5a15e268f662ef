/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Sending signalling we built whole (IPv6 header, HAO or RH2, MH with its
 * checksum) through an IPPROTO_RAW socket, which for IPv6 implies
 * IPV6_HDRINCL: the kernel adds no header and does not look into ours.
 */
#ifndef XMIP_RAWSEND_H
#define XMIP_RAWSEND_H

#include <stddef.h>
#include <stdint.h>

int xmip_rawsend_open(void);
/*
 * Send pkt (from the IPv6 header on) to its first hop, i.e. the IPv6
 * destination field: for an RH2 packet that is the CoA. ifindex gives the
 * scope of a link-local destination (0 otherwise). Returns 0 or -errno.
 */
int xmip_rawsend(int fd, const uint8_t *pkt, size_t len, uint32_t ifindex);

/*
 * As xmip_rawsend, but out of interface ifindex whatever the main table
 * prefers (IPV6_PKTINFO): a mobile node's BU must leave through the link
 * its care-of address is on, even while a stale default route through the
 * link it just left is still in place.
 */
int xmip_rawsend_via(int fd, const uint8_t *pkt, size_t len, uint32_t ifindex);

#endif /* XMIP_RAWSEND_H */
