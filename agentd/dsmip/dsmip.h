/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The DSMIPv6 family (RFC 5555), as the core's table lists it. */
#ifndef XMIP_DSMIP_FAMILY_H
#define XMIP_DSMIP_FAMILY_H

#include <stdbool.h>
#include <stdint.h>

#include "family.h"

extern const struct xmip_family_ops xmip_dsmip_family;

/*
 * The MIPv6 home agent accepted a registration or deregistration of hoa
 * (an IPv6 care-of address, or home): the DSMIPv6 binding of that home
 * address, if any, ends (RFC 5555 §4.4.2.1), its IPv4 home address with
 * it, leaving the MIPv6 record and proxy ND alone. v4_follows: the BU is a
 * registration with the IPv4 Home Address option and xmip_dsmip_mip6_ipv4
 * comes next: a binding with an IPv4 home address is left to it (updated
 * in place, or ended if the address is refused). No-op without [dsmip].
 */
void xmip_dsmip_mip6_took(const uint8_t hoa[16], bool v4_follows);

struct xmip_mh_opts;
struct xmip_binding;
struct xmip_ba_fields;
/*
 * A MIPv6 registration of hoa (the binding m6, just written) whose BU's
 * options o carry the IPv4 Home Address option (RFC 5555 §4.4.2: an MN on an IPv6
 * network with an IPv4 home address): decided as over UDP, the IPv4
 * Address Acknowledgement put into ba, and on success the IPv4 home
 * address bound IPv4-in-IPv6 to m6's care-of address (§4.5.1): a refresh
 * (or a move from an IPv4 care-of address) updates the binding and its
 * datapath record in place, with no gratuitous ARP. Call after
 * xmip_dsmip_mip6_took(hoa, true). No-op without [dsmip].
 */
void xmip_dsmip_mip6_ipv4(const struct xmip_mh_opts *o, const uint8_t hoa[16],
			  const struct xmip_binding *m6, struct xmip_ba_fields *ba);

#endif
